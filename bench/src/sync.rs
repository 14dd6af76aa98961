//! The sync benchmarks (quality-bar.md: backlog push, fresh terminal pull, hub ingest), on the
//! scenario of `../shared/bench-peers` so that PouchDB's and Yjs's figures, measured in the same
//! run, stand beside ours.
//!
//! Comanda's side is the real thing: a `comanda-server` process (the release binary) on its
//! SQLite files, terminals that are real stores on disk (`synchronous=FULL`), the real exchange
//! over HTTP on loopback. Each step prints the JSON line bench-peers prints, with
//! `"peer":"comanda"`, and bench-peers' own `summary.js` makes the summary line.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use comanda_api::system::{SystemClock, UuidV7Ids};
use comanda_domain::catalog::LineTax;
use comanda_domain::event::{
    EventBody, LineAdded, OrderCancelled, OrderFired, OrderOpened, OrderType, StreamId,
};
use comanda_domain::ids::{ItemId, LineId, OrderId, TaxRateId};
use comanda_domain::money::{Money, Rate};
use comanda_domain::quantity::Quantity;
use comanda_domain::vector::VersionVector;
use comanda_store::{Pairing, Store, SyncPeer};
use comanda_sync::client::{PeerClient, Step};
use comanda_sync::exchange::{Limits, Link};
use comanda_sync::http::HttpTransport;
use comanda_sync::pair::ask_to_pair;
use comanda_sync::tls::Identity;
use rusqlite::{Connection, OpenFlags, params};
use serde_json::{Value, json};

use crate::timing::{Timer, time};
use crate::{App, Fig, median_f64, progress};

/// What the sync benchmarks need from the command line.
pub struct SyncArgs {
    /// The `comanda-server` binary.
    pub hub: PathBuf,
    /// `../shared/bench-peers`, to run PouchDB and Yjs in the same run (none: ours only).
    pub peers: Option<PathBuf>,
    /// Orders in the scenario (bench-peers' N).
    pub orders: usize,
    /// Orders edited on both terminals (bench-peers' M).
    pub conflicts: usize,
    /// Runs of each peer, ours included (the median counts).
    pub repeat: usize,
    /// Devices pushing at once in the ingest figure.
    pub devices: usize,
    /// Orders each of them pushes.
    pub device_orders: usize,
    /// Terminals committing in the latency figure.
    pub terminals: usize,
    /// For how long they commit (s).
    pub seconds: usize,
}

/// bench-peers' menu: `(sku, price in cents)`.
const MENU: [(&str, i64); 5] = [
    ("burger", 1250),
    ("fries", 450),
    ("soda", 300),
    ("salad", 900),
    ("steak", 2400),
];

/// Runs `comanda-server admin --data-dir DATA ARGS…` and returns what it printed.
fn admin(bin: &Path, data: &Path, args: &[&str]) -> Result<String> {
    let out = Command::new(bin)
        .arg("admin")
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .with_context(|| format!("running {}", bin.display()))?;
    if !out.status.success() {
        bail!(
            "comanda-server admin {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// A hub process on a fresh data directory with its stores.
pub(crate) struct Hub {
    app: App,
    bin: PathBuf,
    data: PathBuf,
    url: String,
    stores: Vec<String>,
}

impl Hub {
    pub(crate) fn start(bin: &Path, dir: &Path, stores: usize) -> Result<Hub> {
        let data = dir.join("hub");
        let stores = (0..stores)
            .map(|i| {
                admin(
                    bin,
                    &data,
                    &["create-store", "--name", &format!("Bench Bistro {i}")],
                )
            })
            .collect::<Result<Vec<_>>>()?;
        let mut cmd = Command::new(bin);
        cmd.arg("serve")
            .arg("--data-dir")
            .arg(&data)
            .args(["--listen", "127.0.0.1:0"])
            .env("RUST_LOG", "warn");
        let (app, url) = crate::spawn_until_url(cmd, &dir.join("hub.log"), "the hub")?;
        Ok(Hub {
            app,
            bin: bin.to_owned(),
            data,
            url,
            stores,
        })
    }

    /// CPU time used so far (ms) by this process (the terminals) and by the hub.
    fn cpu(&self) -> Result<(f64, f64)> {
        Ok((
            crate::cpu_ms(std::process::id())?,
            crate::cpu_ms(self.app.child.id())?,
        ))
    }

    /// A one-time pairing code for store `store`.
    fn code(&self, store: usize) -> Result<String> {
        admin(
            &self.bin,
            &self.data,
            &["pair-code", "--store", &self.stores[store]],
        )
    }

    /// The hub's copy of the (first) store, read-only, beside the running hub (WAL lets both
    /// be).
    fn peek(&self) -> Result<Connection> {
        self.peek_at(0)
    }

    fn store_db(&self, store: usize) -> PathBuf {
        self.data
            .join("stores")
            .join(format!("{}.sqlite", self.stores[store]))
    }

    fn peek_at(&self, store: usize) -> Result<Connection> {
        Ok(Connection::open_with_flags(
            self.store_db(store),
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?)
    }

    /// The last row of the hub's log (of the first store).
    fn last_seq(&self) -> Result<i64> {
        last_seq(&self.peek()?)
    }

    /// Orders the hub stored events of after `seq` (bench-peers' `written`).
    fn orders_written_after(&self, seq: i64) -> Result<u64> {
        let n: i64 = self.peek()?.query_row(
            "SELECT count(DISTINCT stream) FROM events WHERE seq > ?1 AND stream LIKE 'order:%'",
            params![seq],
            |r| r.get(0),
        )?;
        Ok(u64::try_from(n)?)
    }

    /// Orders the hub holds.
    fn orders(&self) -> Result<u64> {
        let n: i64 = self
            .peek()?
            .query_row("SELECT count(*) FROM orders", [], |r| r.get(0))?;
        Ok(u64::try_from(n)?)
    }
}

/// The last row of a log.
fn last_seq(db: &Connection) -> Result<i64> {
    Ok(db.query_row("SELECT coalesce(max(seq), 0) FROM events", [], |r| r.get(0))?)
}

/// A terminal: a store on disk, paired with the hub, and its client towards it.
struct Terminal {
    store: Arc<Store>,
    client: PeerClient,
    transport: HttpTransport,
    address: String,
    peer: comanda_domain::ids::DeviceId,
}

impl Terminal {
    async fn pair(hub: &Hub, store_no: usize, dir: &Path, name: &str) -> Result<Terminal> {
        let store = Store::open(
            &dir.join(format!("{name}.sqlite")),
            Arc::new(SystemClock),
            Arc::new(UuidV7Ids),
        )?;
        let identity = Identity::generate()?;
        let paired = ask_to_pair(&hub.url, &hub.code(store_no)?, name, &identity).await?;
        let answer = paired.answer;
        store.write(|tx| {
            tx.set_identity(identity.cert_der(), identity.key_der())?;
            tx.pair(&Pairing {
                store_id: answer.store_id,
                device_id: answer.device_id,
                terminal_no: answer.terminal_no,
                pairer: answer.peer,
            })?;
            tx.set_sync_peer(&SyncPeer {
                peer_id: answer.peer,
                address: hub.url.clone(),
                name: "Hub".into(),
                token: answer.token.clone(),
                fingerprint: Some(paired.node.to_string()),
            })
        })?;
        Ok(Terminal {
            store: Arc::new(store),
            client: PeerClient::new(answer.peer, hub.url.clone(), 1),
            transport: HttpTransport::new(&answer.token, &identity, paired.node)?,
            address: hub.url.clone(),
            peer: answer.peer,
        })
    }

    /// Exchanges with the hub until neither side has more for the other. Returns the events
    /// pushed and pulled.
    async fn sync(&mut self) -> Result<(usize, usize)> {
        let (mut pushed, mut pulled) = (0, 0);
        loop {
            let now = self.store.now_ms();
            match self.client.step(&self.store, &self.transport, now).await? {
                Step::Exchanged { round, more } => {
                    pushed += round.pushed;
                    pulled += round.pulled;
                    if !round.refused_by_peer.is_empty() {
                        bail!("the hub refused {:?}", round.refused_by_peer);
                    }
                    if !more {
                        return Ok((pushed, pulled));
                    }
                }
                other => bail!("the exchange did not go through: {other:?}"),
            }
        }
    }

    /// Forgets what the hub is known to hold, as if that bookkeeping were lost: the next
    /// exchange offers every event again.
    fn forget_the_hub(&mut self) {
        self.client = PeerClient::with_link(
            Link::believing(self.peer, VersionVector::default()),
            self.address.clone(),
            2,
        );
    }

    /// Orders this terminal holds.
    fn orders(&self) -> Result<u64> {
        Ok(self.store.read(|r| {
            r.list_orders(&comanda_store::OrderFilter::all(u32::MAX))
                .map(|v| v.len() as u64)
        })?)
    }
}

/// The menu items, one id each (the same on every terminal: a catalog would give them).
struct Items {
    ids: Vec<ItemId>,
    tax: LineTax,
}

impl Items {
    fn new() -> Result<Items> {
        let ids = UuidV7Ids;
        Ok(Items {
            ids: MENU.iter().map(|_| ItemId::new(&ids)).collect(),
            tax: LineTax {
                rate_id: TaxRateId::new(&ids),
                name: "VAT 10%".into(),
                rate: Rate::from_milli_percent(10_000)?,
                inclusive: true,
            },
        })
    }

    fn line(&self, item: usize, qty: u32) -> EventBody {
        let (sku, price) = MENU[item];
        EventBody::LineAdded(LineAdded {
            line_id: LineId::new(&UuidV7Ids),
            item_id: self.ids[item],
            name: sku.into(),
            unit_price: Money::from_minor(price),
            qty: Quantity::parse(i64::from(qty)).unwrap_or(Quantity::ONE),
            modifiers: Vec::new(),
            tax: self.tax.clone(),
            note: None,
            seat: None,
            course: None,
        })
    }
}

/// bench-peers' `makeOrder(i)`, written as one transaction: opened at table `1 + i % 40` with
/// `1 + i % 3` lines.
fn make_order(store: &Store, items: &Items, i: usize) -> Result<OrderId> {
    let id = OrderId::new(&UuidV7Ids);
    store.write(|tx| {
        let stream = StreamId::Order(id);
        let number = tx.next_order_number()?;
        tx.append(
            stream,
            None,
            EventBody::OrderOpened(OrderOpened {
                number,
                order_type: OrderType::DineIn {
                    table: (1 + i % 40).to_string(),
                    guests: None,
                },
            }),
        )?;
        for j in 0..1 + i % 3 {
            let qty = 1 + u32::try_from((i + j) % 2).unwrap_or(0);
            tx.append(stream, None, items.line((i + j) % MENU.len(), qty))?;
        }
        Ok::<_, comanda_store::StoreError>(())
    })?;
    Ok(id)
}

/// One JSON line of bench-peers' format.
fn step_line(out: &mut Vec<Value>, step: &str, orders: usize, ms: f64, run: usize, extra: Value) {
    let mut v =
        json!({"peer": "comanda", "step": step, "orders": orders, "ms": ms.round(), "run": run});
    if let (Some(o), Some(e)) = (v.as_object_mut(), extra.as_object()) {
        o.extend(e.clone());
    }
    progress(&format!("sync: {v}"));
    out.push(v);
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// A push's or pull's figures: ms, orders the hub stored events of (a push), events the hub
/// took in and the terminal took in, and the CPU time the terminals' process and the hub used
/// meanwhile (ms).
struct Timed {
    ms: f64,
    written: u64,
    pushed: usize,
    pulled: usize,
    cpu: [f64; 2],
}

/// One timed sync of `t` with the hub.
async fn timed_sync(hub: &Hub, t: &mut Terminal) -> Result<Timed> {
    let before = hub.last_seq()?;
    let cpu = hub.cpu()?;
    let timer = Timer::start();
    let (pushed, pulled) = t.sync().await?;
    let d = ms(timer.elapsed());
    let after = hub.cpu()?;
    Ok(Timed {
        ms: d,
        written: hub.orders_written_after(before)?,
        pushed,
        pulled,
        cpu: [after.0 - cpu.0, after.1 - cpu.1],
    })
}

/// One run of bench-peers' scenario on Comanda. Returns its JSON lines.
async fn scenario(args: &SyncArgs, dir: &Path, run: usize) -> Result<Vec<Value>> {
    let (n, m) = (args.orders, args.conflicts);
    let mut out = Vec::new();
    let hub = Hub::start(&args.hub, dir, 1)?;
    let mut t1 = Terminal::pair(&hub, 0, dir, "t1").await?;
    let items = Items::new()?;

    let (ids, d) = time(|| {
        (0..n)
            .map(|i| make_order(&t1.store, &items, i))
            .collect::<Result<Vec<_>>>()
    });
    let ids = ids?;
    step_line(&mut out, "create", n, ms(d), run, json!({}));

    let push = timed_sync(&hub, &mut t1).await?;
    if hub.orders()? != n as u64 {
        bail!("the hub holds {} orders, not {n}", hub.orders()?);
    }
    step_line(
        &mut out,
        "push",
        n,
        push.ms,
        run,
        json!({"written": push.written, "cpu_ms": push.cpu}),
    );

    let repush = timed_sync(&hub, &mut t1).await?;
    step_line(
        &mut out,
        "repush",
        n,
        repush.ms,
        run,
        json!({"written": repush.written}),
    );

    // Bookkeeping lost: the terminal believes the hub holds nothing and offers a full page;
    // the hub answers each as a duplicate, with its vector, and the terminal offers no more.
    t1.forget_the_hub();
    let offered = t1
        .store
        .read(|r| r.event_count())?
        .min(u64::from(Limits::DEFAULT.max_events));
    let full = timed_sync(&hub, &mut t1).await?;
    step_line(
        &mut out,
        "repush_full",
        n,
        full.ms,
        run,
        json!({"written": full.written, "events_offered": offered, "events_new_at_hub": full.pushed}),
    );

    let mut t2 = Terminal::pair(&hub, 0, dir, "t2").await?;
    let pull = timed_sync(&hub, &mut t2).await?;
    let held = t2.orders()?;
    if held != n as u64 {
        bail!("terminal 2 holds {held} orders, not {n}");
    }
    step_line(
        &mut out,
        "pull",
        n,
        pull.ms,
        run,
        json!({"written": held, "events": pull.pulled, "cpu_ms": pull.cpu}),
    );

    // Both offline: terminal 1 cancels the first M orders; terminal 2 adds fries to each and
    // sends it to the kitchen ("cooking"). One local transaction per order and terminal.
    let fries = 1;
    let t = Timer::start();
    for id in &ids[..m] {
        t1.store.write(|tx| {
            tx.append(
                StreamId::Order(*id),
                None,
                EventBody::OrderCancelled(OrderCancelled {
                    generation: 0,
                    reason: "guest left".into(),
                    approved_by: None,
                }),
            )
        })?;
        t2.store.write(|tx| {
            tx.append(StreamId::Order(*id), None, items.line(fries, 1))?;
            let lines = tx
                .order(*id)?
                .map(|o| o.state.live_lines().map(|l| l.line_id).collect())
                .unwrap_or_default();
            tx.append(
                StreamId::Order(*id),
                None,
                EventBody::OrderFired(OrderFired { line_ids: lines }),
            )
        })?;
    }
    step_line(&mut out, "edit", m, ms(t.elapsed()), run, json!({}));

    let mut laps = Vec::new();
    let t = Timer::start();
    for which in [1, 2, 1] {
        let lap = Timer::start();
        if which == 1 {
            t1.sync().await?;
        } else {
            t2.sync().await?;
        }
        laps.push(ms(lap.elapsed()).round());
    }
    step_line(
        &mut out,
        "concurrent_sync",
        m,
        ms(t.elapsed()),
        run,
        json!({"laps_ms": laps}),
    );

    // What each copy kept, read after the hub stopped (its store opened as a terminal would).
    let hub_file = hub.store_db(0);
    drop(hub);
    let hub_store = Store::open(&hub_file, Arc::new(SystemClock), Arc::new(UuidV7Ids))?;
    let (mut converged, mut kept, mut visible) = (0, 0, 0);
    let mut winners: BTreeMap<String, u64> = BTreeMap::new();
    for (i, id) in ids[..m].iter().enumerate() {
        let copies = [&t1.store, &t2.store, &hub_store]
            .iter()
            .map(|s| s.read(|r| r.order(*id)))
            .collect::<Result<Vec<_>, _>>()?;
        let text: Vec<String> = copies
            .iter()
            .map(|c| {
                c.as_ref().map_or_else(String::new, |o| {
                    format!(
                        "{}{}",
                        serde_json::to_string(&o.state).unwrap_or_default(),
                        serde_json::to_string(&o.conflicts).unwrap_or_default()
                    )
                })
            })
            .collect();
        if !text[0].is_empty() && text.iter().all(|t| *t == text[0]) {
            converged += 1;
        }
        let Some(o) = &copies[0] else { continue };
        *winners
            .entry(format!("{:?}", o.state.status()).to_lowercase())
            .or_default() += 1;
        // Order i had 1 + i % 3 lines; terminal 2 added one.
        if o.state.live_lines().count() == 2 + i % 3 {
            kept += 1;
        }
        if !o.conflicts.is_empty() {
            visible += 1;
        }
    }
    out.push(json!({
        "peer": "comanda", "step": "result", "orders": m, "run": run,
        "converged": converged, "status_winners": winners, "added_line_kept": kept,
        "conflicts_visible": visible,
    }));
    Ok(out)
}

/// Runs the scenario `repeat` times, writes the lines to `file` and returns bench-peers' summary
/// line for them.
fn comanda_runs(args: &SyncArgs, work: &Path, file: &Path) -> Result<Value> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let mut lines = Vec::new();
    for run in 1..=args.repeat {
        let dir = tempfile::Builder::new().prefix("sync-").tempdir_in(work)?;
        progress(&format!(
            "sync: Comanda run {run} of {}: {} orders, {} edited on both terminals",
            args.repeat, args.orders, args.conflicts
        ));
        lines.extend(rt.block_on(scenario(args, dir.path(), run))?);
    }
    let mut f = std::fs::File::create(file)?;
    for l in &lines {
        writeln!(f, "{l}")?;
    }
    let mut s = match &args.peers {
        Some(peers) => summary(peers, file, "comanda")?,
        None => own_summary(&lines),
    };
    for step in ["push", "pull"] {
        let of = |i: usize| {
            let v: Vec<f64> = lines
                .iter()
                .filter(|l| l["step"] == step)
                .filter_map(|l| l["cpu_ms"][i].as_f64())
                .collect();
            median_f64(&v)
        };
        s[format!("{step}_cpu_ms_median")] = json!([of(0), of(1)]);
    }
    Ok(s)
}

/// bench-peers' `summary.js` over a file of step lines.
fn summary(peers: &Path, file: &Path, peer: &str) -> Result<Value> {
    let out = Command::new("node")
        .arg(peers.join("summary.js"))
        .arg(file)
        .arg(peer)
        .stdin(Stdio::null())
        .output()
        .context("running node (bench-peers' summary.js)")?;
    if !out.status.success() {
        bail!("summary.js: {}", String::from_utf8_lossy(&out.stderr));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .find(|v| v["step"] == "summary")
        .context("summary.js printed no summary line")
}

/// Medians of the steps when bench-peers is not there to summarise.
fn own_summary(lines: &[Value]) -> Value {
    let mut s = json!({"peer": "comanda", "step": "summary"});
    for step in [
        "create",
        "push",
        "repush",
        "repush_full",
        "pull",
        "edit",
        "concurrent_sync",
    ] {
        let v: Vec<f64> = lines
            .iter()
            .filter(|l| l["step"] == step)
            .filter_map(|l| l["ms"].as_f64())
            .collect();
        s[format!("{step}_ms_median")] = json!(median_f64(&v));
    }
    if let Some(r) = lines.iter().rfind(|l| l["step"] == "result") {
        for k in [
            "converged",
            "status_winners",
            "added_line_kept",
            "conflicts_visible",
        ] {
            s[k] = r[k].clone();
        }
    }
    s
}

/// Runs a peer of bench-peers on the same scenario and returns its summary line.
fn peer_summary(peers: &Path, peer: &str, args: &SyncArgs) -> Result<Value> {
    progress(&format!(
        "sync: bench-peers {peer} ({} runs; its progress follows)",
        args.repeat
    ));
    let out = Command::new(peers.join("run"))
        .args([
            peer,
            "--orders",
            &args.orders.to_string(),
            "--conflicts",
            &args.conflicts.to_string(),
            "--repeat",
            &args.repeat.to_string(),
        ])
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .with_context(|| format!("running {}", peers.join("run").display()))?;
    if !out.status.success() {
        bail!("bench-peers {peer} exited with {}", out.status);
    }
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .find(|v| v["step"] == "summary" && v["peer"] == peer)
        .with_context(|| format!("bench-peers {peer} printed no summary"))
}

fn kept_text(s: &Value) -> String {
    format!(
        "converged {}, status {}, added line kept {}, losing value readable {}",
        s["converged"], s["status_winners"], s["added_line_kept"], s["conflicts_visible"]
    )
}

fn steps_text(s: &Value) -> String {
    [
        "create",
        "push",
        "repush",
        "repush_full",
        "pull",
        "edit",
        "concurrent_sync",
    ]
    .iter()
    .map(|k| format!("{k} {}", s[format!("{k}_ms_median")]))
    .collect::<Vec<_>>()
    .join(", ")
}

/// The backlog push and fresh pull figures, each against PouchDB and Yjs from the same run.
pub fn backlog(args: &SyncArgs, work: &Path) -> Result<Vec<Value>> {
    let ours = comanda_runs(args, work, &work.join("sync-comanda.jsonl"))?;
    let peer = |name: &str| -> Option<Value> {
        let peers = args.peers.as_ref()?;
        match peer_summary(peers, name, args) {
            Ok(v) => Some(v),
            Err(e) => {
                progress(&format!("sync: {name} could not be measured: {e:#}"));
                None
            }
        }
    };
    let pouch = peer("pouchdb");
    let yjs = peer("yjs");
    let events = format!(
        "{} orders (bench-peers' scenario: 1–3 lines each, {} events in Comanda), median of {} runs",
        args.orders,
        args.orders * 3,
        args.repeat
    );
    let mut figs = Vec::new();
    for (step, what) in [
        (
            "push",
            "Backlog push: a terminal offline for a service pushes its orders to the hub",
        ),
        (
            "pull",
            "Fresh terminal: pull and project those orders from the hub",
        ),
    ] {
        let key = format!("{step}_ms_median");
        let measured = ours[&key].as_f64();
        for (name, s, ratio, target) in [
            ("PouchDB", &pouch, 0.1, "≥ 10× faster than PouchDB"),
            ("Yjs", &yjs, 1.0, "faster than Yjs (in memory)"),
        ] {
            let reference = s.as_ref().and_then(|s| s[&key].as_f64());
            let id = format!("sync_{step}_vs_{}", name.to_lowercase());
            let reference_what = format!("{name}, same scenario, same run");
            let cpu = &ours[format!("{step}_cpu_ms_median")];
            let note = s.as_ref().map(|s| {
                format!(
                    "{events}; CPU time meanwhile (median): the terminal's process {} ms, the hub {} ms; Comanda steps (ms): {}; {name} steps (ms): {}",
                    cpu[0],
                    cpu[1],
                    steps_text(&ours),
                    steps_text(s)
                )
            });
            figs.push(
                Fig {
                    id: &id,
                    figure: what,
                    unit: "ms",
                    measured,
                    reference,
                    reference_what: &reference_what,
                    target,
                    target_ratio: Some(ratio),
                    target_max: None,
                    note,
                    not_measured: s
                        .is_none()
                        .then(|| format!("{name} not run (bench-peers not found or failed)")),
                }
                .json(),
            );
        }
    }
    let kept = format!(
        "Comanda: {}; PouchDB: {}; Yjs: {}",
        kept_text(&ours),
        pouch.as_ref().map_or("not run".into(), kept_text),
        yjs.as_ref().map_or("not run".into(), kept_text)
    );
    figs.push(
        Fig {
            id: "sync_concurrent_edit",
            figure: "Concurrent edit: 1 cancels, 2 adds a line and sends it to the kitchen; sync 1, 2, 1",
            unit: "ms",
            measured: ours["concurrent_sync_ms_median"].as_f64(),
            reference: pouch
                .as_ref()
                .and_then(|s| s["concurrent_sync_ms_median"].as_f64()),
            reference_what: "PouchDB, same run",
            target: "what is kept matters more than the time",
            target_ratio: None,
            target_max: None,
            note: Some(kept),
            not_measured: None,
        }
        .json(),
    );
    Ok(figs)
}

/// Hub ingest: `devices` terminals, each with its own orders, push to the hub at once; against a
/// bare SQLite batch insert of the same rows into a table of the same shape, in the same run.
/// Each device is the one terminal of its own store: the hub as a node that carries many
/// stores (quality-bar.md). Devices of one store would also pull each other's events, which is
/// replication between terminals, not ingest.
pub fn ingest(args: &SyncArgs, work: &Path) -> Result<Vec<Value>> {
    let dir = tempfile::Builder::new()
        .prefix("ingest-")
        .tempdir_in(work)?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    progress(&format!("ingest: a hub with {} stores", args.devices));
    let hub = Hub::start(&args.hub, dir.path(), args.devices)?;
    progress(&format!(
        "ingest: pairing {} devices and writing {} orders on each",
        args.devices, args.device_orders
    ));
    let items = Items::new()?;
    let mut terminals = Vec::new();
    for d in 0..args.devices {
        let t = rt.block_on(Terminal::pair(&hub, d, dir.path(), &format!("d{d}")))?;
        // Learn the hub's vector first, so the timed part is the push itself.
        let mut t = t;
        rt.block_on(t.sync())?;
        for i in 0..args.device_orders {
            make_order(&t.store, &items, d * args.device_orders + i)?;
        }
        terminals.push(t);
    }
    // Each order is opened and gets 1 + i % 3 lines.
    let total: u64 = (0..args.devices * args.device_orders)
        .map(|i| 2 + (i % 3) as u64)
        .sum();
    let before: Vec<i64> = (0..args.devices)
        .map(|s| last_seq(&hub.peek_at(s)?))
        .collect::<Result<_>>()?;
    progress(&format!(
        "ingest: {} devices push {total} events at once",
        terminals.len()
    ));
    let t = Timer::start();
    let pushed = rt.block_on(async {
        let tasks: Vec<_> = terminals
            .into_iter()
            .map(|mut t| {
                tokio::spawn(async move {
                    let got = t.sync().await;
                    (t, got)
                })
            })
            .collect();
        let mut done = Vec::new();
        for task in tasks {
            let (t, got) = task.await?;
            got?;
            done.push(t);
        }
        Ok::<_, anyhow::Error>(done)
    })?;
    let took = t.elapsed();
    let mut stored = 0;
    let mut rows: Vec<Vec<rusqlite::types::Value>> = Vec::new();
    for (s, before) in before.iter().enumerate() {
        let peek = hub.peek_at(s)?;
        let mut stmt = peek.prepare(
            "SELECT id, store_id, device_id, device_seq, stream, hlc_wall_ms, hlc_counter,
                    hlc_device, actor, kind, schema, payload FROM events WHERE seq > ?1",
        )?;
        let got = stmt
            .query_map(params![before], |r| {
                (0..12)
                    .map(|i| r.get(i))
                    .collect::<rusqlite::Result<Vec<_>>>()
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        stored += got.len() as u64;
        rows.extend(got);
    }
    if stored != total {
        bail!("the hub stored {stored} events, not {total}");
    }

    // The reference: the same rows, read back from the hub, inserted bare in one transaction.
    let ddl: String = hub.peek()?.query_row(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'events'",
        [],
        |r| r.get(0),
    )?;
    let mut bare = Connection::open(dir.path().join("bare.sqlite"))?;
    bare.execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;")?;
    bare.execute_batch(&ddl)?;
    let (r, bare_took) = time(|| -> Result<()> {
        let tx = bare.transaction()?;
        {
            let mut ins = tx.prepare(
                "INSERT INTO events (id, store_id, device_id, device_seq, stream, hlc_wall_ms,
                     hlc_counter, hlc_device, actor, kind, schema, payload)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            )?;
            for row in &rows {
                ins.execute(rusqlite::params_from_iter(row.iter()))?;
            }
        }
        tx.commit()?;
        Ok(())
    });
    r?;
    drop(pushed);
    let rate = total as f64 / took.as_secs_f64();
    let bare_rate = total as f64 / bare_took.as_secs_f64();
    // At 20,000 events/s the push would take this long.
    let floor_ms = total as f64 / 20.0;
    Ok(vec![
        Fig {
            id: "hub_ingest",
            figure: "Hub ingest: devices pushing their events at once, all stored",
            unit: "ms",
            measured: Some(ms(took)),
            reference: Some(ms(bare_took)),
            reference_what: "bare SQLite: the same rows inserted in one transaction",
            target: "≥ 25% of bare SQLite's rate (≤ 4× its time), ≥ 20,000 events/s",
            target_ratio: Some(4.0),
            target_max: Some(floor_ms),
            note: Some(format!(
                "{} devices (each the terminal of its own store) × {} orders = {total} events over HTTP on loopback into the hub process: {rate:.0} events/s; bare insert {bare_rate:.0} events/s; Comanda reaches {:.0}% of the bare rate",
                args.devices,
                args.device_orders,
                100.0 * rate / bare_rate
            )),
            not_measured: None,
        }
        .json(),
    ])
}

/// One committing terminal of the latency figure: a whole terminal (its store, its sync worker
/// and live path), paired with the hub through the API as a manager would.
pub(crate) struct LiveTerminal {
    pub(crate) ctx: comanda_api::Ctx,
    pub(crate) session: comanda_api::Session,
    pub(crate) picks: Vec<(ItemId, Vec<comanda_api::orders::ModifierChoice>)>,
    pub(crate) workers: Option<comanda_api::runtime::Runtime>,
}

pub(crate) fn live_terminal(
    hub: &Hub,
    dir: &Path,
    n: usize,
    rt: &tokio::runtime::Runtime,
) -> Result<LiveTerminal> {
    let ctx = comanda_api::Ctx::open(
        &dir.join(format!("t{n}")),
        Arc::new(SystemClock),
        Arc::new(UuidV7Ids),
        true,
    )?;
    let manager = crate::sign_in_as(&ctx, "9999")?;
    let req = comanda_api::sync::PairTerminal {
        address: hub.url.clone(),
        code: hub.code(0)?,
        name: format!("Counter {}", n + 1),
        wipe: true,
    };
    let paired = ctx.clone();
    rt.block_on(
        rt.spawn_blocking(move || comanda_api::sync::pair_terminal(&paired, &manager, req)),
    )??;
    let session = crate::sign_in_as(&ctx, "1111")?;
    let catalog = ctx
        .store
        .read(|r| r.catalog())?
        .context("no menu after pairing")?;
    let picks = crate::menu_picks(&catalog);
    let workers = Some(comanda_api::runtime::start(&ctx, rt.handle()));
    Ok(LiveTerminal {
        ctx,
        session,
        picks,
        workers,
    })
}

/// Per `(order, version)`: the terminal that committed it and when.
type Commits = BTreeMap<(OrderId, u32), (usize, Duration)>;

/// Counter to other terminals through the hub's live path: `terminals` terminals each commit 5
/// events a second (open an order, add lines) for `seconds`; each event is timed from its commit
/// returning on its terminal to its order's change being announced on the bus of every other
/// terminal (the moment a screen there is told to show it).
pub fn live_latency(args: &SyncArgs, work: &Path) -> Result<Vec<Value>> {
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicBool, Ordering};

    let dir = tempfile::Builder::new().prefix("live-").tempdir_in(work)?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let hub = Hub::start(&args.hub, dir.path(), 1)?;
    progress(&format!(
        "live: pairing {} terminals with the hub",
        args.terminals
    ));
    let mut terminals = (0..args.terminals)
        .map(|n| live_terminal(&hub, dir.path(), n, &rt))
        .collect::<Result<Vec<_>>>()?;
    let clock = Arc::new(Timer::start());
    // When each (order, version) was committed, and on which terminal.
    let committed: Arc<Mutex<Commits>> = Arc::default();
    let samples: Arc<Mutex<Vec<Duration>>> = Arc::default();
    let lagged = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let measuring = Arc::new(AtomicBool::new(false));
    // Every terminal listens to its own bus.
    let listeners: Vec<_> = terminals
        .iter()
        .enumerate()
        .map(|(me, t)| {
            let mut rx = t.ctx.bus.subscribe();
            let (committed, samples, clock, lagged, measuring) = (
                committed.clone(),
                samples.clone(),
                clock.clone(),
                lagged.clone(),
                measuring.clone(),
            );
            rt.spawn(async move {
                let mut seen: BTreeMap<OrderId, u32> = BTreeMap::new();
                loop {
                    match rx.recv().await {
                        Ok(comanda_api::bus::Change::Order { order_id, version }) => {
                            let now = clock.elapsed();
                            let last = seen.insert(order_id, version).unwrap_or(0);
                            if !measuring.load(Ordering::Acquire) || version <= last {
                                continue;
                            }
                            let c = committed.lock().unwrap_or_else(|e| e.into_inner());
                            let mut s = samples.lock().unwrap_or_else(|e| e.into_inner());
                            for v in last + 1..=version {
                                if let Some((from, at)) = c.get(&(order_id, v))
                                    && *from != me
                                {
                                    s.push(now.saturating_sub(*at));
                                }
                            }
                        }
                        Ok(_) => {}
                        Err(tokio::sync::broadcast::error::RecvError::Lagged(n)) => {
                            lagged.fetch_add(n, Ordering::Relaxed);
                        }
                        Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
                    }
                }
            })
        })
        .collect();
    // Let every terminal's first exchanges settle before measuring.
    std::thread::sleep(Duration::from_secs(2));
    measuring.store(true, Ordering::Release);
    progress(&format!(
        "live: {} terminals commit 5 events/s each for {} s",
        args.terminals, args.seconds
    ));
    let per_terminal = args.seconds * 5;
    let errors: Arc<Mutex<Vec<String>>> = Arc::default();
    std::thread::scope(|scope| {
        for (n, t) in terminals.iter().enumerate() {
            let (committed, clock, errors) = (committed.clone(), clock.clone(), errors.clone());
            scope.spawn(move || {
                // Spread the terminals over the 200 ms between two commits.
                let offset = Duration::from_millis((n * 200 / args.terminals.max(1)) as u64);
                std::thread::sleep(offset);
                let start = clock.elapsed();
                let mut order = None;
                for k in 0..per_terminal {
                    let due = start + Duration::from_millis(200 * k as u64);
                    let now = clock.elapsed();
                    if due > now {
                        std::thread::sleep(due - now);
                    }
                    let view = match order {
                        Some(id) if k % 4 != 0 => comanda_api::orders::add_line(
                            &t.ctx,
                            &t.session,
                            crate::line_request(id, &t.picks[k % t.picks.len()]),
                        ),
                        _ => comanda_api::orders::open_order(
                            &t.ctx,
                            &t.session,
                            crate::open_request(n * 1000 + k),
                        ),
                    };
                    let at = clock.elapsed();
                    match view {
                        Ok(v) => {
                            order = Some(v.order_id);
                            committed
                                .lock()
                                .unwrap_or_else(|e| e.into_inner())
                                .insert((v.order_id, v.version), (n, at));
                        }
                        Err(e) => errors
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .push(e.message),
                    }
                }
            });
        }
    });
    // Let the last events arrive.
    let expected = terminals.len().saturating_sub(1) * terminals.len() * per_terminal;
    for _ in 0..100 {
        if samples.lock().unwrap_or_else(|e| e.into_inner()).len() >= expected {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    for t in &mut terminals {
        if let Some(w) = t.workers.take() {
            rt.block_on(w.shutdown());
        }
    }
    for l in listeners {
        l.abort();
    }
    let errors = errors.lock().unwrap_or_else(|e| e.into_inner()).clone();
    if !errors.is_empty() {
        bail!("{} commits failed, the first: {}", errors.len(), errors[0]);
    }
    let samples = samples.lock().unwrap_or_else(|e| e.into_inner()).clone();
    let got = samples.len();
    let spread: Vec<String> = [10.0, 25.0, 75.0, 90.0, 99.9]
        .iter()
        .map(|q| format!("p{q} {:.1} ms", crate::percentile(&samples, *q)))
        .collect();
    let note = format!(
        "{} terminals × 5 events/s × {} s; each event timed on each of the other {} terminals: {got} of {expected} arrivals seen within 10 s of the last commit ({}); bus messages missed by lag: {}; the terminals, their workers and the hub share this machine's cores",
        args.terminals,
        args.seconds,
        args.terminals.saturating_sub(1),
        spread.join(", "),
        lagged.load(std::sync::atomic::Ordering::Relaxed)
    );
    let p = |q: f64| crate::percentile(&samples, q);
    Ok(vec![
        Fig {
            id: "live_p50",
            figure: "Counter to another terminal through the hub's live path, p50",
            unit: "ms",
            measured: Some(p(50.0)),
            reference: None,
            reference_what: "none: an absolute target",
            target: "≤ 20 ms",
            target_ratio: None,
            target_max: Some(20.0),
            note: Some(note.clone()),
            not_measured: (got < expected).then(|| format!("{got} of {expected} arrivals seen")),
        }
        .json(),
        Fig {
            id: "live_p99",
            figure: "Counter to another terminal through the hub's live path, p99",
            unit: "ms",
            measured: Some(p(99.0)),
            reference: None,
            reference_what: "none: an absolute target",
            target: "≤ 100 ms",
            target_ratio: None,
            target_max: Some(100.0),
            note: None,
            not_measured: (got < expected).then(|| format!("{got} of {expected} arrivals seen")),
        }
        .json(),
    ])
}
