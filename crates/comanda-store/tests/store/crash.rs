//! Crash safety: a writer process killed with SIGKILL at random points never loses or
//! half-writes an acknowledged event.
//!
//! The parent test re-runs this very test binary as a child that appends in a loop and prints
//! `ack <event id> <device seq>` after each commit returns. The parent kills it after a seeded
//! number of acks plus a seeded delay, then opens the file and checks: integrity, every acked
//! event present once with its sequence number, sequence numbers gap-free, every local event
//! in the outbox, every projection equal to a fresh fold. The seed replays the kill schedule
//! (not the exact interleaving): `COMANDA_CRASH_SEED=<seed> cargo test -p comanda-store
//! --test store crash::`.

use std::collections::hash_map::RandomState;
use std::collections::{BTreeMap, BTreeSet};
use std::hash::{BuildHasher, Hasher};
use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use comanda_domain::clock::ManualClock;
use comanda_domain::codec;
use comanda_domain::event::{Event, StreamId};
use comanda_domain::hlc::Hlc;
use comanda_domain::ids::{DeviceId, EventId, LineId, OrderId, SeqIds};
use comanda_domain::order::OrderStatus;
use comanda_store::{OrderFilter, Store, StoreError};

use crate::support::{assert_projection_is_fold, line, open_order, pay_and_close, qty, raw_rows};

/// Set (to the database path) only in the child process.
const CHILD_DB: &str = "COMANDA_CRASH_CHILD_DB";
/// Where a child's clock starts: after 2023, a different second per seed, and always a real date
/// (the store dead-letters stamps past the year 9999).
fn child_start_ms(seed: u64) -> u64 {
    1_700_000_000_000 + (seed % 1_000_000_000) * 1_000
}

/// The child's seed: its ids, clock and choice of commands.
const CHILD_SEED: &str = "COMANDA_CRASH_CHILD_SEED";
/// The most commands one child runs, in case no one kills it.
const CHILD_MAX_COMMANDS: u32 = 5_000;
/// How many times the parent kills a child (at least 200, the bar).
const KILLS: u64 = 200;
/// The most acks the parent waits for before killing.
const MAX_ACKS_BEFORE_KILL: u64 = 12;
/// The longest extra delay after those acks.
const MAX_EXTRA_DELAY_US: u64 = 3_000;

/// A small seeded generator (SplitMix64): enough to choose commands and kill points.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// The child: does nothing unless started by [`killed_writers_lose_nothing_acknowledged`].
#[test]
fn child_writer() {
    let Ok(db) = std::env::var(CHILD_DB) else {
        return;
    };
    let seed: u64 = std::env::var(CHILD_SEED).unwrap().parse().unwrap();
    let clock = Arc::new(ManualClock::new(child_start_ms(seed)));
    let ids = Arc::new(SeqIds::new(seed));
    let store = Store::open(Path::new(&db), clock.clone(), ids.clone()).unwrap();
    let mut rng = SplitMix(seed);
    // A second "terminal" whose events arrive late and sort before ours.
    let remote = DeviceId::new(&SeqIds::new(seed | 1 << 61));
    let mut remote_seq = 0;

    // Carry on with the orders earlier children left open.
    let mut open: Vec<(OrderId, Vec<LineId>)> = store
        .read(|r| {
            let mut out = Vec::new();
            for o in r.list_orders(&OrderFilter::with_status(OrderStatus::Open, 8))? {
                if let Some(rec) = r.order(o.order_id)? {
                    let lines = rec.state.live_lines().map(|l| l.line_id).collect();
                    out.push((o.order_id, lines));
                }
            }
            Ok::<_, StoreError>(out)
        })
        .unwrap();

    let mut out = std::io::stdout().lock();
    for _ in 0..CHILD_MAX_COMMANDS {
        clock.advance(1);
        let pick = rng.below(10);
        let (acked, ingested): (Vec<Event>, Vec<Event>) = if open.is_empty() || pick == 0 {
            let (id, lines, events) = store
                .write(|tx| {
                    let (id, lines) = open_order(tx, &*ids, "5")?;
                    let events = tx.stream_events(StreamId::Order(id))?;
                    Ok::<_, StoreError>((id, lines, events))
                })
                .unwrap();
            open.push((id, lines));
            (events, vec![])
        } else {
            let k = rng.below(open.len() as u64) as usize;
            let (id, lines) = open[k].clone();
            let stream = StreamId::Order(id);
            match pick {
                1..=4 => {
                    let (line_id, body) = line(&*ids, "Beer", 450);
                    let e = store.write(|tx| tx.append(stream, None, body)).unwrap();
                    open[k].1.push(line_id);
                    (vec![e], vec![])
                }
                5 | 6 if !lines.is_empty() => {
                    let l = lines[rng.below(lines.len() as u64) as usize];
                    let n = 1 + rng.below(5) as i64;
                    let e = store
                        .write(|tx| tx.append(stream, None, qty(l, n)))
                        .unwrap();
                    (vec![e], vec![])
                }
                7 => {
                    // An event from the other terminal, stamped ten seconds ago: it sorts
                    // before what this order already holds, so the order is folded again.
                    remote_seq += 1;
                    let (line_id, body) = line(&*ids, "Olives", 300);
                    let device = store.device().unwrap();
                    let e = Event {
                        id: EventId::new(&*ids),
                        store_id: device.store_id,
                        device_id: remote,
                        device_seq: remote_seq,
                        stream,
                        hlc: Hlc {
                            wall_ms: child_start_ms(seed) - 10_000,
                            counter: 0,
                            device: remote,
                        },
                        actor: None,
                        body,
                    };
                    store.write(|tx| tx.ingest(&[codec::encode(&e)])).unwrap();
                    open[k].1.push(line_id);
                    (vec![], vec![e])
                }
                _ => {
                    let before = store.read(|r| r.stream_events(stream)).unwrap().len();
                    let after = store
                        .write(|tx| {
                            pay_and_close(tx, &*ids, id)?;
                            tx.stream_events(stream)
                        })
                        .unwrap();
                    open.swap_remove(k);
                    (after[before..].to_vec(), vec![])
                }
            }
        };
        // Only now, after the commit returned, is anything acknowledged.
        let mut text = String::new();
        for e in &acked {
            text.push_str(&format!("ack {} {}\n", e.id, e.device_seq));
        }
        for e in &ingested {
            text.push_str(&format!("ingested {}\n", e.id));
        }
        if out
            .write_all(text.as_bytes())
            .and_then(|()| out.flush())
            .is_err()
        {
            return; // the parent is gone
        }
    }
}

/// What the children acknowledged, as the parent read it.
#[derive(Default)]
struct Acks {
    local: BTreeMap<String, u64>,
    ingested: BTreeSet<String>,
}

impl Acks {
    /// Takes one complete line; returns true for an `ack`.
    fn take(&mut self, line: &str) -> bool {
        let mut words = line.split_whitespace();
        match (words.next(), words.next(), words.next()) {
            (Some("ack"), Some(id), Some(seq)) => {
                let seq = seq.parse().unwrap();
                assert!(
                    self.local.insert(id.to_owned(), seq).is_none(),
                    "acked twice: {id}"
                );
                true
            }
            (Some("ingested"), Some(id), None) => {
                self.ingested.insert(id.to_owned());
                false
            }
            _ => false, // the test harness's own lines
        }
    }
}

#[test]
fn killed_writers_lose_nothing_acknowledged() {
    let seed = match std::env::var("COMANDA_CRASH_SEED") {
        Ok(s) => s.parse().unwrap(),
        Err(_) => RandomState::new().build_hasher().finish(),
    };
    eprintln!(
        "crash seed {seed}; replay: COMANDA_CRASH_SEED={seed} cargo test -p comanda-store \
         --test store crash::"
    );
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("terminal.db");
    let exe = std::env::current_exe().unwrap();
    let clock = Arc::new(ManualClock::new(1_000));
    let ids = Arc::new(SeqIds::new(0));
    let device = Store::open(&db, clock.clone(), ids.clone())
        .unwrap()
        .device()
        .unwrap();

    let mut rng = SplitMix(seed);
    let mut acks = Acks::default();
    let mut checked_seq = 0;
    let mut died_before_any_ack = 0;
    for kill in 0..KILLS {
        let wait_acks = rng.below(MAX_ACKS_BEFORE_KILL + 1);
        let extra_us = rng.below(MAX_EXTRA_DELAY_US);
        let child_seed = (seed >> 8).wrapping_mul(1_000) % (1 << 40) + kill + 1;
        let mut child = Command::new(&exe)
            .args([
                "crash::child_writer",
                "--exact",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD_DB, &db)
            .env(CHILD_SEED, child_seed.to_string())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut got = 0;
        let mut text = String::new();
        while got < wait_acks {
            text.clear();
            if stdout.read_line(&mut text).unwrap() == 0 {
                break;
            }
            if text.ends_with('\n') && acks.take(&text) {
                got += 1;
            }
        }
        std::thread::sleep(Duration::from_micros(extra_us));
        child.kill().unwrap(); // SIGKILL
        // Acks printed before the kill are still in the pipe; a torn last line is no ack.
        let mut rest = String::new();
        stdout.read_to_string(&mut rest).unwrap();
        for l in rest.split_inclusive('\n').filter(|l| l.ends_with('\n')) {
            acks.take(l);
        }
        let status = child.wait().unwrap();
        let mut stderr = String::new();
        if let Some(mut e) = child.stderr.take() {
            e.read_to_string(&mut stderr).unwrap();
        }
        assert_eq!(
            status.signal(),
            Some(9),
            "kill {kill} (seed {seed}): the child ended by itself ({status}):\n{stderr}"
        );
        if got == 0 {
            died_before_any_ack += 1;
        }
        checked_seq = check(
            &db,
            &clock,
            device.device_id,
            &acks,
            checked_seq,
            kill,
            seed,
        );
    }

    // Finally: rebuilding every projection from the log changes no row.
    let store = Store::open(&db, clock.clone(), ids.clone()).unwrap();
    let before = raw_rows(&db, "orders");
    let lines_before = raw_rows(&db, "order_lines");
    store.write(|tx| tx.reproject_all()).unwrap();
    assert_eq!(raw_rows(&db, "orders"), before, "seed {seed}");
    assert_eq!(raw_rows(&db, "order_lines"), lines_before, "seed {seed}");
    let events = store.read(|r| r.event_count()).unwrap();
    eprintln!(
        "{KILLS} kills, {} acks, {} ingested, {events} events, {} orders, \
         {died_before_any_ack} kills before the first ack",
        acks.local.len(),
        acks.ingested.len(),
        before.len()
    );
    assert!(
        acks.local.len() > KILLS as usize,
        "the children did too little work"
    );
}

/// Opens the file after a kill and checks everything; returns the highest local `seq` checked
/// (projections of streams with newer events are compared with a fresh fold next time).
fn check(
    db: &Path,
    clock: &Arc<ManualClock>,
    me: DeviceId,
    acks: &Acks,
    checked_seq: i64,
    kill: u64,
    seed: u64,
) -> i64 {
    let ctx = format!("after kill {kill} (seed {seed})");
    let store = Store::open(db, clock.clone(), Arc::new(SeqIds::new(u64::MAX >> 2)))
        .unwrap_or_else(|e| panic!("{ctx}: the store does not open: {e}"));
    store
        .check_integrity()
        .unwrap_or_else(|e| panic!("{ctx}: {e}"));
    let device = store.device().unwrap();
    assert_eq!(device.device_id, me, "{ctx}");

    let conn = rusqlite::Connection::open(db).unwrap();
    let own: BTreeMap<String, u64> = {
        let mut stmt = conn
            .prepare("SELECT id, device_seq FROM events WHERE device_id = ?1")
            .unwrap();
        stmt.query_map([me.to_string()], |r| {
            Ok((r.get(0)?, r.get::<_, i64>(1)?.cast_unsigned()))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
    };
    let mut seqs: Vec<u64> = own.values().copied().collect();
    seqs.sort_unstable();
    let expected: Vec<u64> = (1..=device.last_seq).collect();
    assert_eq!(
        seqs, expected,
        "{ctx}: device_seq must be 1..=last_seq without gaps"
    );
    for (id, seq) in &acks.local {
        assert_eq!(
            own.get(id),
            Some(seq),
            "{ctx}: acked event {id} (seq {seq})"
        );
    }
    for id in &acks.ingested {
        let n: i64 = conn
            .query_row("SELECT count(*) FROM events WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(n, 1, "{ctx}: ingested event {id}");
    }
    let (outbox, missing): (i64, i64) = conn
        .query_row(
            "SELECT (SELECT count(*) FROM outbox),
                    (SELECT count(*) FROM events e LEFT JOIN outbox o ON o.event_seq = e.seq
                     WHERE e.device_id = ?1 AND o.event_seq IS NULL)",
            [me.to_string()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(missing, 0, "{ctx}: local events missing from the outbox");
    assert_eq!(
        outbox as usize,
        own.len(),
        "{ctx}: outbox rows for other devices' events"
    );

    let (streams, orders): (i64, i64) = conn
        .query_row(
            "SELECT (SELECT count(DISTINCT stream) FROM events), (SELECT count(*) FROM orders)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(streams, orders, "{ctx}: one orders row per order stream");
    let (touched, max_seq): (Vec<String>, i64) = {
        let mut stmt = conn
            .prepare("SELECT DISTINCT stream FROM events WHERE seq > ?1")
            .unwrap();
        let touched = stmt
            .query_map([checked_seq], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let max: Option<i64> = conn
            .query_row("SELECT max(seq) FROM events", [], |r| r.get(0))
            .unwrap();
        (touched, max.unwrap_or(0))
    };
    for s in touched {
        match s.parse::<StreamId>() {
            Ok(StreamId::Order(id)) => assert_projection_is_fold(&store, id),
            other => panic!("{ctx}: unexpected stream {other:?}"),
        }
    }
    max_seq
}
