//! The deterministic simulation (conventions.md §11, first tier): 3–5 terminals and a hub, each
//! a real [`Store`] on a real SQLite file, syncing through the real [`comanda_sync`] exchange
//! over a simulated network, with simulated clocks, all driven by one seed. The seed chooses the
//! mix of faults as well as their times: dropped, duplicated, delayed and reordered messages,
//! partitions (the hub cut off while terminals still see each other), nodes killed and
//! restarted (what they held in memory gone, their files reopened), the hub or a terminal
//! restored from an older backup of its own (a restored terminal goes on taking orders under
//! the identity its backup had, at positions the store has filled meanwhile), and clocks
//! skewed by minutes or by a day.
//!
//! Each run ends with a heal phase (faults off, everyone up, a manager taking in what waited
//! for being stamped ahead) and then demands, within a bound of rounds: every event a terminal
//! acknowledged held by every node (but those that existed on one disk only when that disk was
//! replaced by its backup: nothing can bring them back, and the report counts them), the same vectors, byte-identical projections, each order's
//! rows equal to a fresh fold of its events, no event refused. A run is a pure function of its
//! seed: a failure prints the one command that replays it and the trace of what happened.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use comanda_domain::clock::ManualClock;
use comanda_domain::event::StreamId;
use comanda_domain::ids::{DeviceId, EventId, SeqIds, StoreId};
use comanda_domain::order;
use comanda_store::{Pairing, Store, StoreError};
use comanda_sync::wire::{ExchangeRequest, ExchangeResponse};
use comanda_sync::{Link, answer};
use rusqlite::types::Value;

use crate::actions;
use crate::rng::Rng;

mod kitchen;
mod printing;

/// The simulated start of time: 2026-06-01T10:00:00Z.
const EPOCH_MS: u64 = 1_780_308_000_000;

/// How many full rounds of exchanges the heal phase may take before a run counts as not
/// converging.
const HEAL_ROUNDS: usize = 30;

/// What one seed chose: the size of the store and the mix of faults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// How many terminals (3–5).
    pub terminals: usize,
    /// How many steps before the heal.
    pub steps: usize,
    /// Per mille of messages dropped.
    pub drop: u64,
    /// Per mille of messages delivered twice.
    pub duplicate: u64,
    /// The longest delay of a message (ms); delays reorder messages.
    pub max_delay_ms: u64,
    /// Per mille of steps that cut or heal a link between two nodes.
    pub partition: u64,
    /// Per mille of steps that kill or restart a node.
    pub kill: u64,
    /// Per mille of steps that back a node up or restore it from its backup.
    pub restore: u64,
    /// Terminals are backed up and restored too, not only the hub.
    pub terminal_restores: bool,
    /// Each node's clock minus the true time (ms).
    pub skews_ms: Vec<i64>,
}

impl Plan {
    /// The plan of `seed`.
    pub fn of(seed: u64) -> Plan {
        let mut rng = Rng::new(seed ^ 0xA5A5);
        let terminals = rng.range(3, 5) as usize;
        let nodes = terminals + 1;
        let big_skew = rng.chance(150);
        let skews_ms = (0..nodes)
            .map(|i| {
                if big_skew && i == 1 {
                    // One terminal a day off, ahead or behind.
                    if rng.chance(500) {
                        86_400_000
                    } else {
                        -86_400_000
                    }
                } else {
                    rng.range(0, 240_000) as i64 - 120_000
                }
            })
            .collect();
        Plan {
            terminals,
            steps: rng.range(80, 200) as usize,
            drop: [0, 50, 200][rng.below(3) as usize],
            duplicate: [0, 50, 150][rng.below(3) as usize],
            max_delay_ms: [5, 200, 3_000][rng.below(3) as usize],
            partition: [0, 30, 100][rng.below(3) as usize],
            kill: [0, 20, 60][rng.below(3) as usize],
            restore: [0, 20, 40][rng.below(3) as usize],
            terminal_restores: rng.chance(700),
            skews_ms,
        }
    }
}

/// One node: a terminal or the hub.
struct Node {
    name: String,
    path: PathBuf,
    clock: Arc<ManualClock>,
    /// Kept across restarts: a real id source never repeats itself.
    ids: Arc<SeqIds>,
    /// `None` while the node is down.
    store: Option<Store>,
    /// The asking side towards each other node, by node index (in memory: lost on a kill).
    links: BTreeMap<usize, Link>,
    skew_ms: i64,
}

enum Payload {
    Request(Box<ExchangeRequest>),
    Response(Box<ExchangeResponse>),
}

struct Msg {
    deliver_at: u64,
    order: u64,
    from: usize,
    to: usize,
    payload: Payload,
}

/// A failed run: what went wrong, how to replay it, and what happened before.
#[derive(Debug)]
pub struct Failure {
    /// The seed.
    pub seed: u64,
    /// What the checks found.
    pub what: String,
    /// The last steps of the run.
    pub trace: Vec<String>,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "seed {} failed: {}", self.seed, self.what)?;
        writeln!(
            f,
            "replay: SIM_SEED={} cargo test -p comanda-testkit --test sim -- one_seed --nocapture",
            self.seed
        )?;
        writeln!(f, "plan: {:?}", Plan::of(self.seed))?;
        let from = self.trace.len().saturating_sub(200);
        for line in &self.trace[from..] {
            writeln!(f, "  {line}")?;
        }
        Ok(())
    }
}

/// What a finished run measured.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// Events acknowledged by terminals.
    pub acked: usize,
    /// Messages sent, dropped and duplicated.
    pub messages: (u64, u64, u64),
    /// Kills, restarts and restores from a backup.
    pub kills: u64,
    /// Restores of a terminal from its backup.
    pub terminal_restores: u64,
    /// Events acknowledged that existed on one disk only when it was replaced by its backup.
    pub lost_with_disk: usize,
    /// Rounds the heal took.
    pub heal_rounds: usize,
    /// Kitchen tickets put on paper.
    pub tickets_printed: u64,
    /// Tickets left unknown (a stop between the claim and the record), for a person.
    pub tickets_unknown: u64,
    /// Cooks' steps on kitchen screens (start, bump, recall, rush).
    pub kitchen_steps: u64,
}

/// A run in progress.
pub struct Sim {
    plan: Plan,
    rng: Rng,
    now: u64,
    nodes: Vec<Node>,
    inflight: Vec<Msg>,
    sent: u64,
    /// Pairs of nodes (lower index first) that cannot reach each other.
    cut: BTreeSet<(usize, usize)>,
    /// Every event a terminal acknowledged, and who made it.
    acked: BTreeMap<EventId, usize>,
    /// Each node's last backup, by node index.
    backups: BTreeMap<usize, PathBuf>,
    report: Report,
    trace: Vec<String>,
    /// The kitchen's paper: how many times each ticket job came out (survives everything).
    paper: BTreeMap<String, u32>,
    /// Nodes restored from a backup at least once.
    restored: BTreeSet<usize>,
    /// The cooks' own random stream (kitchen screens): the faults' stream stays as it was.
    cooks: Rng,
    _dir: tempfile::TempDir,
}

/// Runs one seed to the end and checks it.
pub fn run(seed: u64) -> Result<Report, Failure> {
    run_traced(seed).map(|(report, _)| report)
}

/// Runs one seed and returns its trace as well: the same seed gives the same trace, line for
/// line.
pub fn run_traced(seed: u64) -> Result<(Report, Vec<String>), Failure> {
    let mut sim = Sim::new(seed).map_err(|e| Failure {
        seed,
        what: format!("setting up: {e}"),
        trace: vec![],
    })?;
    let outcome = sim
        .play()
        .and_then(|()| sim.heal())
        .and_then(|()| sim.check());
    match outcome {
        Ok(()) => Ok((sim.report.clone(), std::mem::take(&mut sim.trace))),
        Err(what) => Err(Failure {
            seed,
            what,
            trace: std::mem::take(&mut sim.trace),
        }),
    }
}

fn sim_dir() -> std::io::Result<tempfile::TempDir> {
    // Real SQLite files; on a RAM disk where there is one, so a thousand seeds take seconds
    // of fsync instead of minutes. The crash-safety of real fsyncs is the store's own test.
    let shm = Path::new("/dev/shm");
    if shm.is_dir() {
        tempfile::Builder::new()
            .prefix("comanda-sim")
            .tempdir_in(shm)
    } else {
        tempfile::tempdir()
    }
}

impl Sim {
    fn new(seed: u64) -> Result<Sim, String> {
        let plan = Plan::of(seed);
        let dir = sim_dir().map_err(|e| e.to_string())?;
        let store_id = StoreId::new(&SeqIds::new(seed.wrapping_mul(31) | 1));
        let mut nodes = Vec::new();
        let mut hub_id: Option<DeviceId> = None;
        for i in 0..=plan.terminals {
            let name = if i == 0 {
                "hub".to_owned()
            } else {
                format!("t{i}")
            };
            let path = dir.path().join(format!("{name}.db"));
            let clock = Arc::new(ManualClock::new(EPOCH_MS));
            let ids = Arc::new(SeqIds::new(1_000 * seed + i as u64 + 1));
            let store =
                Store::open(&path, clock.clone(), ids.clone()).map_err(|e| e.to_string())?;
            let device_id = DeviceId::new(&*ids);
            // The hub (node 0) pairs devices; every node takes the registry from it alone.
            let pairer = *hub_id.get_or_insert(device_id);
            let pairing = Pairing {
                store_id,
                device_id,
                terminal_no: i as u32 + 1,
                pairer,
            };
            store
                .write(|tx| tx.pair(&pairing))
                .map_err(|e: StoreError| e.to_string())?;
            nodes.push(Node {
                name,
                path,
                clock,
                ids,
                store: Some(store),
                links: BTreeMap::new(),
                skew_ms: plan.skews_ms[i],
            });
        }
        let mut sim = Sim {
            rng: Rng::new(seed),
            plan,
            now: EPOCH_MS,
            nodes,
            inflight: Vec::new(),
            sent: 0,
            cut: BTreeSet::new(),
            acked: BTreeMap::new(),
            backups: BTreeMap::new(),
            report: Report::default(),
            trace: Vec::new(),
            paper: BTreeMap::new(),
            restored: BTreeSet::new(),
            cooks: Rng::new(seed ^ 0x6b69_7463_6865_6e21),
            _dir: dir,
        };
        for i in 0..sim.nodes.len() {
            sim.reset_links(i)?;
        }
        sim.set_up_printers()?;
        Ok(sim)
    }

    fn log(&mut self, line: String) {
        let t = self.now - EPOCH_MS;
        self.trace.push(format!("{t:>8} {line}"));
    }

    /// Every node links to every other: no node is special.
    fn reset_links(&mut self, i: usize) -> Result<(), String> {
        let mut links = BTreeMap::new();
        for (j, other) in self.nodes.iter().enumerate() {
            if j != i {
                let Some(store) = &other.store else { continue };
                // The id a node is known by stays when a restore gives its events a new one.
                let id = store.device().map_err(|e| e.to_string())?.node_id;
                links.insert(j, Link::new(id));
            }
        }
        // A node down now keeps a link made from its id when it comes back.
        for (j, link) in &self.nodes[i].links {
            links.entry(*j).or_insert_with(|| Link::new(link.peer()));
        }
        self.nodes[i].links = links;
        Ok(())
    }

    fn set_clocks(&self) {
        for n in &self.nodes {
            let t = i128::from(self.now) + i128::from(n.skew_ms);
            n.clock.set(t.max(0) as u64);
        }
    }

    fn play(&mut self) -> Result<(), String> {
        for _ in 0..self.plan.steps {
            self.now += self.rng.range(1, 400);
            self.set_clocks();
            self.deliver_due()?;
            let roll = self.rng.below(1000);
            if roll < self.plan.partition {
                self.toggle_partition();
            } else if roll < self.plan.partition + self.plan.kill {
                self.kill_or_restart()?;
            } else if roll < self.plan.partition + self.plan.kill + self.plan.restore {
                self.backup_or_restore()?;
            } else if self.rng.chance(150) {
                let node = self.rng.range(1, 2) as usize;
                self.print_step(node, true)?;
            } else if self.rng.chance(450) {
                self.cashier()?;
            } else {
                let from = self.rng.below(self.nodes.len() as u64) as usize;
                let to = self.pick_other(from);
                self.start_exchange(from, to)?;
            }
        }
        Ok(())
    }

    fn pick_other(&mut self, from: usize) -> usize {
        let k = self.rng.below(self.nodes.len() as u64 - 1) as usize;
        if k >= from { k + 1 } else { k }
    }

    fn cashier(&mut self) -> Result<(), String> {
        let i = self.rng.range(1, self.plan.terminals as u64) as usize;
        let node = &self.nodes[i];
        let Some(store) = &node.store else {
            return Ok(());
        };
        let ids = node.ids.clone();
        let made = actions::act(store, &*ids, &mut self.rng).map_err(|e| e.to_string())?;
        if let Some(first) = made.first() {
            let what: Vec<&str> = made.iter().map(|e| e.body.kind()).collect();
            let name = self.nodes[i].name.clone();
            self.log(format!(
                "{name} commits {} on {} (seq {}..)",
                what.join("+"),
                first.stream,
                first.device_seq
            ));
        }
        for e in made {
            self.acked.insert(e.id, i);
        }
        self.report.acked = self.acked.len();
        self.cook()
    }

    fn toggle_partition(&mut self) {
        let a = self.rng.below(self.nodes.len() as u64) as usize;
        let b = self.pick_other(a);
        let pair = (a.min(b), a.max(b));
        let (na, nb) = (
            self.nodes[pair.0].name.clone(),
            self.nodes[pair.1].name.clone(),
        );
        if self.cut.remove(&pair) {
            self.log(format!("link {na}–{nb} healed"));
        } else {
            self.cut.insert(pair);
            self.log(format!("link {na}–{nb} cut"));
        }
    }

    fn kill_or_restart(&mut self) -> Result<(), String> {
        let i = self.rng.below(self.nodes.len() as u64) as usize;
        if self.nodes[i].store.is_some() {
            let name = self.nodes[i].name.clone();
            self.kill(i, format!("{name} killed"));
        } else {
            self.restart(i)?;
        }
        Ok(())
    }

    /// Kills node `i`: what it held in memory is gone, its file stays.
    fn kill(&mut self, i: usize, why: String) {
        if self.nodes[i].store.take().is_some() {
            self.nodes[i].links.clear();
            self.report.kills += 1;
            self.log(why);
        }
    }

    fn restart(&mut self, i: usize) -> Result<(), String> {
        let n = &mut self.nodes[i];
        let store = Store::open(&n.path, n.clock.clone(), n.ids.clone())
            .map_err(|e| format!("{} does not reopen: {e}", n.name))?;
        n.store = Some(store);
        let name = n.name.clone();
        self.reset_links(i)?;
        self.log(format!("{name} restarted"));
        Ok(())
    }

    fn backup_or_restore(&mut self) -> Result<(), String> {
        let i = if self.plan.terminal_restores {
            self.rng.below(self.nodes.len() as u64) as usize
        } else {
            0
        };
        let name = self.nodes[i].name.clone();
        let backup = self._dir.path().join(format!("{name}.backup.db"));
        match (self.backups.get(&i).cloned(), self.rng.chance(500)) {
            (Some(b), true) => {
                self.forget_what_only(i)?;
                self.nodes[i].store = None;
                self.nodes[i].links.clear();
                let path = self.nodes[i].path.clone();
                for ext in ["", "-wal", "-shm"] {
                    let p = PathBuf::from(format!("{}{ext}", path.display()));
                    if p.exists() {
                        std::fs::remove_file(&p).map_err(|e| e.to_string())?;
                    }
                }
                std::fs::copy(&b, &path).map_err(|e| e.to_string())?;
                self.report.kills += 1;
                if i > 0 {
                    self.report.terminal_restores += 1;
                }
                self.restored.insert(i);
                self.log(format!("{name} restored from its backup"));
                self.restart(i)?;
            }
            _ => {
                if self.nodes[i].store.is_none() {
                    return Ok(());
                }
                if backup.exists() {
                    std::fs::remove_file(&backup).map_err(|e| e.to_string())?;
                }
                let conn =
                    rusqlite::Connection::open(&self.nodes[i].path).map_err(|e| e.to_string())?;
                conn.execute("VACUUM INTO ?1", [backup.display().to_string()])
                    .map_err(|e| e.to_string())?;
                self.backups.insert(i, backup);
                self.log(format!("{name} backed up"));
            }
        }
        Ok(())
    }

    /// Before node `i`'s disk is replaced: the events acknowledged (by whichever terminal) that
    /// no other node's file holds go with the disk; they are no longer expected (a copy in a message on its way may
    /// still land somewhere; then all nodes get it, which the checks allow).
    fn forget_what_only(&mut self, i: usize) -> Result<(), String> {
        let mut elsewhere: BTreeSet<EventId> = BTreeSet::new();
        for (j, n) in self.nodes.iter().enumerate() {
            if j == i {
                continue;
            }
            let db = rusqlite::Connection::open(&n.path).map_err(|e| e.to_string())?;
            let ids: Vec<String> = db
                .prepare("SELECT id FROM events")
                .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
                .map_err(|e| e.to_string())?;
            elsewhere.extend(ids.iter().filter_map(|id| id.parse::<EventId>().ok()));
        }
        let before = self.acked.len();
        // Whoever made it: an event of another terminal that only this disk still held goes too.
        self.acked.retain(|id, _| elsewhere.contains(id));
        let lost = before - self.acked.len();
        self.report.lost_with_disk += lost;
        self.report.acked = self.acked.len();
        if lost > 0 {
            let name = self.nodes[i].name.clone();
            self.log(format!("{lost} events only {name} held go with its disk"));
        }
        Ok(())
    }

    /// Sends a message through the faulty network: maybe dropped, maybe twice, always delayed.
    fn send(&mut self, from: usize, to: usize, payload: Payload) {
        self.sent += 1;
        self.report.messages.0 += 1;
        if self.rng.chance(self.plan.drop) {
            self.report.messages.1 += 1;
            return;
        }
        let copies = if self.rng.chance(self.plan.duplicate) {
            self.report.messages.2 += 1;
            2
        } else {
            1
        };
        let mut payload = Some(payload);
        for c in 0..copies {
            let p = if c + 1 == copies {
                payload.take()
            } else {
                payload.as_ref().map(|p| match p {
                    Payload::Request(r) => Payload::Request(r.clone()),
                    Payload::Response(r) => Payload::Response(r.clone()),
                })
            };
            let Some(p) = p else { continue };
            let delay = self.rng.range(1, self.plan.max_delay_ms);
            self.sent += 1;
            self.inflight.push(Msg {
                deliver_at: self.now + delay,
                order: self.sent,
                from,
                to,
                payload: p,
            });
        }
    }

    fn start_exchange(&mut self, from: usize, to: usize) -> Result<(), String> {
        let Some(store) = &self.nodes[from].store else {
            return Ok(());
        };
        let Some(link) = self.nodes[from].links.get(&to) else {
            return Ok(());
        };
        let req = link.request(store).map_err(|e| e.to_string())?;
        let (a, b) = (self.nodes[from].name.clone(), self.nodes[to].name.clone());
        self.log(format!("{a} asks {b}, sending {}", req.events.len()));
        self.send(from, to, Payload::Request(Box::new(req)));
        Ok(())
    }

    fn reachable(&self, a: usize, b: usize) -> bool {
        !self.cut.contains(&(a.min(b), a.max(b)))
    }

    /// Delivers the messages due by now, in time order (a cut link loses them).
    fn deliver_due(&mut self) -> Result<(), String> {
        loop {
            let now = self.now;
            let due = self
                .inflight
                .iter()
                .enumerate()
                .filter(|(_, m)| m.deliver_at <= now)
                .min_by_key(|(_, m)| (m.deliver_at, m.order))
                .map(|(i, _)| i);
            let Some(i) = due else {
                return Ok(());
            };
            let msg = self.inflight.swap_remove(i);
            if !self.reachable(msg.from, msg.to) {
                continue;
            }
            self.deliver(msg)?;
        }
    }

    fn deliver(&mut self, msg: Msg) -> Result<(), String> {
        let (from_name, to_name) = (
            self.nodes[msg.from].name.clone(),
            self.nodes[msg.to].name.clone(),
        );
        match msg.payload {
            Payload::Request(req) => {
                let Some(store) = &self.nodes[msg.to].store else {
                    return Ok(());
                };
                match answer(store, &req) {
                    Ok(resp) => {
                        let line = format!(
                            "{to_name} answers {from_name}: took {}, sends {}{}",
                            req.events.len(),
                            resp.events.len(),
                            if resp.more { " (more)" } else { "" }
                        );
                        self.log(line);
                        self.send(msg.to, msg.from, Payload::Response(Box::new(resp)));
                    }
                    Err(e) => return Err(format!("{to_name} cannot answer {from_name}: {e}")),
                }
            }
            Payload::Response(resp) => {
                let node = &mut self.nodes[msg.to];
                let Some(store) = &node.store else {
                    return Ok(());
                };
                let Some(link) = node.links.get_mut(&msg.from) else {
                    return Ok(());
                };
                let round = link
                    .apply(store, &resp)
                    .map_err(|e| format!("{to_name} cannot take {from_name}'s answer: {e}"))?;
                if !round.refused_by_peer.is_empty() {
                    return Err(format!(
                        "{from_name} refused events of {to_name}: {:?}",
                        round.refused_by_peer
                    ));
                }
                if round.ingested.refused() > 0 {
                    return Err(format!(
                        "{to_name} refused events from {from_name}: {:?}",
                        round.ingested.outcomes
                    ));
                }
                self.log(format!(
                    "{to_name} took {from_name}'s answer: {} new{}",
                    round.pulled,
                    if round.more { ", more to do" } else { "" }
                ));
                if round.more {
                    self.start_exchange(msg.to, msg.from)?;
                }
            }
        }
        Ok(())
    }

    /// Exchanges between two nodes with no fault, round after round until neither has more
    /// for the other (the heal phase). Returns the rounds taken.
    fn sync_now(&mut self, from: usize, to: usize) -> Result<usize, String> {
        let Some(mut link) = self.nodes[from].links.remove(&to) else {
            return Ok(0);
        };
        let result = self.rounds_now(from, to, &mut link);
        self.nodes[from].links.insert(to, link);
        result
    }

    fn rounds_now(&self, from: usize, to: usize, link: &mut Link) -> Result<usize, String> {
        let (Some(asker), Some(answerer)) = (&self.nodes[from].store, &self.nodes[to].store) else {
            return Ok(0);
        };
        for round in 1..=1_000 {
            let req = link.request(asker).map_err(|e| e.to_string())?;
            let resp = answer(answerer, &req).map_err(|e| e.to_string())?;
            let got = link.apply(asker, &resp).map_err(|e| e.to_string())?;
            if !got.refused_by_peer.is_empty() || got.ingested.refused() > 0 {
                return Err(format!(
                    "refusals healing {} with {}: {:?} {:?}",
                    self.nodes[from].name, self.nodes[to].name, got.refused_by_peer, got.ingested
                ));
            }
            if !got.more {
                return Ok(round);
            }
        }
        Err("an exchange that never ends".into())
    }

    /// Faults off, partitions healed, every node up; a manager on each node takes in what
    /// waited for being stamped ahead; then full rounds of exchanges until all agree.
    fn heal(&mut self) -> Result<(), String> {
        self.log("heal".into());
        self.cut.clear();
        self.inflight.clear();
        for i in 0..self.nodes.len() {
            if self.nodes[i].store.is_none() {
                self.restart(i)?;
            }
        }
        for round in 1..=HEAL_ROUNDS {
            self.now += 1_000;
            self.set_clocks();
            for from in 0..self.nodes.len() {
                for to in 0..self.nodes.len() {
                    if from != to {
                        self.sync_now(from, to)?;
                    }
                }
            }
            for i in 0..self.nodes.len() {
                if let Some(store) = &self.nodes[i].store {
                    let got = store
                        .write(|tx| tx.accept_deferred())
                        .map_err(|e| e.to_string())?;
                    if got.released > 0 {
                        let name = self.nodes[i].name.clone();
                        self.log(format!(
                            "{name}: a manager takes in {} deferred",
                            got.released
                        ));
                    }
                }
            }
            // The printers print what waits (their words then go round like any event).
            self.drain_printers()?;
            if self.vectors_agree()? {
                self.report.heal_rounds = round;
                return Ok(());
            }
        }
        Err(format!(
            "no convergence after {HEAL_ROUNDS} rounds of healing"
        ))
    }

    fn vectors_agree(&self) -> Result<bool, String> {
        let mut first = None;
        for n in &self.nodes {
            let Some(store) = &n.store else {
                return Ok(false);
            };
            let v = store.read(|r| r.vector()).map_err(|e| e.to_string())?;
            let pending = store
                .read(|r| r.deferred_count())
                .map_err(|e| e.to_string())?;
            if pending > 0 {
                return Ok(false);
            }
            match &first {
                None => first = Some(v),
                Some(f) if *f != v => return Ok(false),
                Some(_) => {}
            }
        }
        Ok(true)
    }

    /// The checks every run must pass after its heal.
    fn check(&mut self) -> Result<(), String> {
        let mut reference: Option<Snapshot> = None;
        for n in &self.nodes {
            let db = rusqlite::Connection::open(&n.path).map_err(|e| e.to_string())?;
            let ids: BTreeSet<String> = db
                .prepare("SELECT id FROM events")
                .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
                .map_err(|e| e.to_string())?;
            for (id, maker) in &self.acked {
                if !ids.contains(&id.to_string()) {
                    return Err(format!(
                        "{} lacks event {id}, acknowledged by {}; where it is: {}",
                        n.name,
                        self.nodes[*maker].name,
                        self.whereabouts(*id)
                    ));
                }
            }
            // A restored terminal's fork, noted for a manager before it healed, is the one
            // dead letter a run may leave (and only a run that restored a terminal).
            let allowed = if self.report.terminal_restores > 0 {
                ["diverged:%", "relocated:%"]
            } else {
                ["", ""]
            };
            let dead: i64 = db
                .query_row(
                    "SELECT count(*) FROM dead_letters WHERE reason NOT LIKE ?1 AND reason NOT LIKE ?2",
                    allowed,
                    |r| r.get(0),
                )
                .map_err(|e| e.to_string())?;
            if dead > 0 {
                let reasons: Vec<String> = db
                    .prepare(
                        "SELECT reason FROM dead_letters WHERE reason NOT LIKE ?1 AND reason NOT LIKE ?2",
                    )
                    .and_then(|mut s| s.query_map(allowed, |r| r.get(0))?.collect())
                    .map_err(|e| e.to_string())?;
                return Err(format!(
                    "{} has {dead} dead letters: {}",
                    n.name,
                    reasons.join("; ")
                ));
            }
            let tables = ["orders", "order_lines", "projections"]
                .iter()
                .map(|t| rows(&db, t))
                .collect::<Result<Vec<_>, _>>()?;
            match &reference {
                None => reference = Some((n.name.clone(), ids, tables)),
                Some((name, ref_ids, ref_tables)) => {
                    if *ref_ids != ids {
                        return Err(format!(
                            "{} and {name} hold different events ({} vs {})",
                            n.name,
                            ids.len(),
                            ref_ids.len()
                        ));
                    }
                    for (k, t) in ["orders", "order_lines", "projections"].iter().enumerate() {
                        if ref_tables[k] != tables[k] {
                            return Err(format!("{} and {name} differ in table {t}", n.name));
                        }
                    }
                }
            }
            // Each order's rows are the fold of its events, and its conflicts listed once.
            if let Some(store) = &n.store {
                let orders = store
                    .read(|r| r.list_orders(&comanda_store::OrderFilter::all(100_000)))
                    .map_err(|e| e.to_string())?;
                for o in orders {
                    let events = store
                        .read(|r| r.stream_events(StreamId::Order(o.order_id)))
                        .map_err(|e| e.to_string())?;
                    let (state, conflicts) = order::fold(o.order_id, &events);
                    let rec = store
                        .read(|r| r.order(o.order_id))
                        .map_err(|e| e.to_string())?
                        .ok_or("an order listed but not readable")?;
                    if rec.state != state || rec.conflicts != conflicts {
                        return Err(format!("{}: order {} is not its fold", n.name, o.order_id));
                    }
                    let mut seen = BTreeSet::new();
                    if !conflicts.iter().all(|c| seen.insert(format!("{c:?}"))) {
                        return Err(format!("order {} lists a conflict twice", o.order_id));
                    }
                }
            }
        }
        self.check_printing()
    }
}

impl Sim {
    /// Which nodes hold an event, at which position, and what each node's log holds of that
    /// device (for a failure's message).
    fn whereabouts(&self, id: EventId) -> String {
        let mut out = Vec::new();
        for n in &self.nodes {
            let Ok(db) = rusqlite::Connection::open(&n.path) else {
                continue;
            };
            let at: Option<(String, i64)> = db
                .query_row(
                    "SELECT device_id, device_seq FROM events WHERE id = ?1",
                    [id.to_string()],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .ok();
            let heads: Vec<String> = db
                .prepare("SELECT device_id, count, max_seq FROM device_heads ORDER BY 1")
                .and_then(|mut s| {
                    s.query_map([], |r| {
                        Ok(format!(
                            "{}:{}/{}",
                            tail(&r.get::<_, String>(0)?),
                            r.get::<_, i64>(1)?,
                            r.get::<_, i64>(2)?
                        ))
                    })?
                    .collect()
                })
                .unwrap_or_default();
            let outbox: i64 = db
                .query_row("SELECT count(*) FROM outbox", [], |r| r.get(0))
                .unwrap_or(-1);
            out.push(format!(
                "{} {} (heads {}; outbox {outbox})",
                n.name,
                at.map_or("lacks it".to_owned(), |(d, s)| format!(
                    "at {}:{s}",
                    tail(&d)
                )),
                heads.join(" ")
            ));
        }
        out.join("; ")
    }
}

/// The last characters of an id (the simulation's ids differ there).
fn tail(id: &str) -> &str {
    &id[id.len().saturating_sub(8)..]
}

/// A node's name, its event ids and its projection tables' rows.
type Snapshot = (String, BTreeSet<String>, Vec<Vec<Vec<Value>>>);

fn rows(db: &rusqlite::Connection, table: &str) -> Result<Vec<Vec<Value>>, String> {
    let mut stmt = db
        .prepare(&format!("SELECT * FROM {table} ORDER BY 1, 2"))
        .map_err(|e| e.to_string())?;
    let n = stmt.column_count();
    stmt.query_map([], |r| (0..n).map(|i| r.get::<_, Value>(i)).collect())
        .and_then(|rows| rows.collect())
        .map_err(|e| e.to_string())
}

/// Runs seeds `from..from + count`, returning the first failure.
pub fn run_many(from: u64, count: u64) -> Result<Vec<Report>, Box<Failure>> {
    let mut out = Vec::new();
    for seed in from..from + count {
        out.push(run(seed).map_err(Box::new)?);
    }
    Ok(out)
}

/// A one-line summary of many reports.
pub fn summary(reports: &[Report]) -> String {
    let mut s = String::new();
    let acked: usize = reports.iter().map(|r| r.acked).sum();
    let sent: u64 = reports.iter().map(|r| r.messages.0).sum();
    let dropped: u64 = reports.iter().map(|r| r.messages.1).sum();
    let dup: u64 = reports.iter().map(|r| r.messages.2).sum();
    let kills: u64 = reports.iter().map(|r| r.kills).sum();
    let heal = reports.iter().map(|r| r.heal_rounds).max().unwrap_or(0);
    let restores: u64 = reports.iter().map(|r| r.terminal_restores).sum();
    let lost: usize = reports.iter().map(|r| r.lost_with_disk).sum();
    let printed: u64 = reports.iter().map(|r| r.tickets_printed).sum();
    let unknown: u64 = reports.iter().map(|r| r.tickets_unknown).sum();
    let cooks: u64 = reports.iter().map(|r| r.kitchen_steps).sum();
    let _ = write!(
        s,
        "{} seeds: {acked} events acknowledged, {sent} messages ({dropped} dropped, {dup} doubled), {kills} kills or restores ({restores} of a terminal, {lost} events that were on its disk only), heal within {heal} rounds; {printed} kitchen tickets on paper, {unknown} left unknown for a person, none twice; {cooks} steps of cooks on kitchen screens, the same everywhere after the heal",
        reports.len()
    );
    s
}
