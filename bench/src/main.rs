//! The quality-bar benchmarks (quality-bar.md, "Speed"), each beside a reference doing the same
//! work measured in the same run. Run by `cargo xtask bench`, or by hand:
//! `cargo run --release -p comanda-bench -- --work-dir target/bench [--app target/release/comanda] [--e2e tests/e2e]
//! [--hub target/release/comanda-server] [--peers ../shared/bench-peers] [--orders N] [--conflicts M] [--repeat R]`.
//!
//! Prints one JSON line per figure to stdout and readable progress to stderr. Every database lives
//! in a temporary folder under `--work-dir` (a real file on the disk, not a tmpfs), removed at the
//! end.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use comanda_api::orders::{self, AddLine, GetOrder, ModifierChoice, OpenOrder};
use comanda_api::session::{self, Login};
use comanda_api::system::{SystemClock, UuidV7Ids};
use comanda_api::{Ctx, Session};
use comanda_domain::catalog::Catalog;
use comanda_domain::event::{
    EventBody, LineAdded, OrderClosed, OrderOpened, PaymentMethod, PaymentRecorded, StreamId,
};
use comanda_domain::ids::{ItemId, LineId, OrderId, PaymentId};
use comanda_domain::money::Money;
use comanda_domain::quantity::Quantity;
use comanda_store::StoreError;
use rusqlite::types::{Value, ValueRef};
use rusqlite::{Connection, OpenFlags, TransactionBehavior, params, params_from_iter};
use serde_json::json;

use timing::Timer;

mod kitchen;
mod print;
mod sync;

/// The only place that reads the monotonic clock.
mod timing {
    #![allow(clippy::disallowed_methods, reason = "benchmark timing")]

    use std::time::{Duration, Instant};

    /// A started stopwatch.
    pub struct Timer(Instant);

    impl Timer {
        /// Starts one.
        pub fn start() -> Timer {
            Timer(Instant::now())
        }

        /// Time since the start.
        pub fn elapsed(&self) -> Duration {
            self.0.elapsed()
        }
    }

    /// Runs `f` and returns its result and how long it took.
    pub fn time<T>(f: impl FnOnce() -> T) -> (T, Duration) {
        let t = Instant::now();
        let v = f();
        (v, t.elapsed())
    }
}

/// Local commits measured (after the warm-up).
const COMMITS: usize = 2_000;
/// Local commits made before measuring.
const COMMIT_WARMUP: usize = 200;
/// Lines per order in the commit benchmark (a new order is opened after these).
const LINES_PER_ORDER: usize = 10;
/// Lines on the order that figure 2 opens.
const BIG_ORDER_LINES: usize = 50;
/// Reads of it measured.
const READS: usize = 1_000;
/// Orders in the event log that figure 3 projects.
const PROJECT_ORDERS: usize = 10_000;
/// Orders appended per transaction while building that log.
const BUILD_BATCH: usize = 1_000;
/// Times each projection run is repeated (the median counts).
const PROJECT_RUNS: usize = 3;
/// App starts measured (the median counts).
const START_RUNS: usize = 5;
/// API calls made before the second memory reading.
const RSS_CALLS: usize = 200;

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let arg = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let work = PathBuf::from(arg("--work-dir").unwrap_or_else(|| "target/bench".into()));
    std::fs::create_dir_all(&work).with_context(|| format!("creating {}", work.display()))?;
    let only = arg("--only");
    let wants = |name: &str| {
        only.as_deref()
            .is_none_or(|o| o.split(',').any(|x| x == name))
    };

    if wants("commit") || wants("read") {
        let tmp = tempfile::Builder::new()
            .prefix("commit-")
            .tempdir_in(&work)?;
        let bench = CommitBench::new(tmp.path())?;
        if wants("commit") {
            emit(bench.commit_latency()?);
        }
        if wants("read") {
            emit(bench.open_big_order()?);
        }
    }
    if wants("size") {
        let tmp = tempfile::Builder::new().prefix("size-").tempdir_in(&work)?;
        emit(commit_by_order_size(tmp.path())?);
    }
    if wants("print") {
        emit(print::render_receipt()?);
        let tmp = tempfile::Builder::new().prefix("fire-").tempdir_in(&work)?;
        emit(print::fire_commit(tmp.path())?);
        let tmp = tempfile::Builder::new()
            .prefix("paper-")
            .tempdir_in(&work)?;
        emit(print::fire_to_paper(tmp.path())?);
    }
    if wants("project") {
        let tmp = tempfile::Builder::new()
            .prefix("project-")
            .tempdir_in(&work)?;
        emit(project_all(tmp.path())?);
    }
    if wants("sync") || wants("ingest") || wants("live") || wants("kitchen") {
        match arg("--hub") {
            Some(hub) => {
                let num = |name: &str, default: usize| {
                    arg(name).and_then(|v| v.parse().ok()).unwrap_or(default)
                };
                let args = sync::SyncArgs {
                    hub: PathBuf::from(hub),
                    peers: arg("--peers").map(PathBuf::from),
                    orders: num("--orders", 10_000),
                    conflicts: num("--conflicts", 1_000),
                    repeat: num("--repeat", 3),
                    devices: num("--devices", 100),
                    device_orders: num("--device-orders", 200),
                    terminals: num("--terminals", 20),
                    seconds: num("--seconds", 10),
                };
                if wants("sync") {
                    emit(sync::backlog(&args, &work)?);
                }
                if wants("ingest") {
                    emit(sync::ingest(&args, &work)?);
                }
                if wants("live") {
                    emit(sync::live_latency(&args, &work)?);
                }
                if wants("kitchen") {
                    emit(kitchen::kitchen_latency(&args, &work)?);
                }
            }
            None => progress("sync and ingest: skipped (no --hub binary given)"),
        }
    }
    if wants("start") {
        match arg("--app") {
            Some(app) => {
                let tmp = tempfile::Builder::new()
                    .prefix("start-")
                    .tempdir_in(&work)?;
                let browser = match (arg("--e2e"), arg("--no-browser")) {
                    (_, Some(why)) => Err(why),
                    (Some(dir), None) => Ok(PathBuf::from(dir)),
                    (None, None) => Err("no --e2e folder given".to_owned()),
                };
                emit(app_start(Path::new(&app), tmp.path(), browser)?);
            }
            None => progress("app start and memory: skipped (no --app binary given)"),
        }
        if let Some(core) = arg("--core-app") {
            let tmp = tempfile::Builder::new().prefix("core-").tempdir_in(&work)?;
            emit(core_memory(Path::new(&core), tmp.path())?);
        }
    }
    Ok(())
}

fn progress(msg: &str) {
    eprintln!("bench: {msg}");
}

/// Prints each figure as one JSON line on stdout.
fn emit(figures: Vec<serde_json::Value>) {
    let mut out = std::io::stdout().lock();
    for f in figures {
        let _ = writeln!(out, "{f}");
    }
    let _ = out.flush();
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// Nearest-rank percentile (`p` in 0..=100) of durations, in ms.
fn percentile(samples: &[Duration], p: f64) -> f64 {
    let mut v: Vec<Duration> = samples.to_vec();
    v.sort_unstable();
    if v.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * v.len() as f64).ceil() as usize;
    ms(v[rank.clamp(1, v.len()) - 1])
}

fn median_f64(v: &[f64]) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    if v.is_empty() {
        f64::NAN
    } else {
        v[v.len() / 2]
    }
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// One figure for the report. `target_ratio` is a bound on measured / reference, `target_max` an
/// absolute bound in `unit`.
struct Fig<'a> {
    id: &'a str,
    figure: &'a str,
    unit: &'a str,
    measured: Option<f64>,
    reference: Option<f64>,
    reference_what: &'a str,
    target: &'a str,
    target_ratio: Option<f64>,
    target_max: Option<f64>,
    note: Option<String>,
    not_measured: Option<String>,
}

impl Fig<'_> {
    fn json(&self) -> serde_json::Value {
        json!({
            "id": self.id,
            "figure": self.figure,
            "unit": self.unit,
            "measured": self.measured.map(round3),
            "reference": self.reference.map(round3),
            "reference_what": self.reference_what,
            "target": self.target,
            "target_ratio": self.target_ratio,
            "target_max": self.target_max,
            "note": self.note,
            "not_measured": self.not_measured,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Figures 1 and 2: a local commit, and opening an order of 50 lines.

/// An item with the modifiers its required groups need (the first ones of each group).
fn menu_picks(catalog: &Catalog) -> Vec<(ItemId, Vec<ModifierChoice>)> {
    catalog
        .items
        .iter()
        .filter(|i| i.available)
        .map(|item| {
            let mut choices = Vec::new();
            for gid in &item.modifier_group_ids {
                if let Some(g) = catalog.group(*gid) {
                    let n = usize::try_from(g.min.max(1).min(g.max)).unwrap_or(1);
                    for m in g.modifiers.iter().take(n) {
                        choices.push(ModifierChoice {
                            group_id: g.id,
                            modifier_id: m.id,
                        });
                    }
                }
            }
            (item.id, choices)
        })
        .collect()
}

fn sign_in(ctx: &Ctx) -> Result<Session> {
    sign_in_as(ctx, "1111")
}

fn sign_in_as(ctx: &Ctx, pin: &str) -> Result<Session> {
    let view = session::login(
        ctx,
        Login {
            pin: pin.into(),
            employee_id: None,
        },
    )?;
    Ok(ctx.session(&view.token)?)
}

fn open_request(n: usize) -> OpenOrder {
    OpenOrder {
        order_id: None,
        order_type: comanda_api::shapes::OrderType::DineIn {
            table: format!("{}", n % 40 + 1),
            guests: Some(2),
        },
    }
}

fn line_request(order_id: OrderId, pick: &(ItemId, Vec<ModifierChoice>)) -> AddLine {
    AddLine {
        order_id,
        line_id: None,
        item_id: pick.0,
        qty: 1,
        modifiers: pick.1.clone(),
        note: None,
        seat: None,
        course: None,
    }
}

/// The rows one local commit wrote, copied from the store's file: the reference writes them again.
struct CommitRows {
    event: Vec<Value>,
    order: Vec<Value>,
    enqueued_ms: i64,
}

const EVENT_COLUMNS: &str = "id, store_id, device_id, device_seq, stream, hlc_wall_ms, hlc_counter, \
     hlc_device, actor, kind, schema, payload";
const ORDER_COLUMNS: &str = "order_id, number, status, label, total, paid, balance, line_count, \
     conflict_count, opened_ms, updated_ms, closed_ms, last_hlc_wall_ms, last_hlc_counter, \
     last_hlc_device, last_event_id, state, conflicts";

fn row_values(r: &rusqlite::Row<'_>, n: usize) -> rusqlite::Result<Vec<Value>> {
    (0..n).map(|i| r.get::<_, Value>(i)).collect()
}

fn column_count(cols: &str) -> usize {
    cols.split(',').count()
}

/// Opens a read-only connection on the store's file, to copy rows for the references.
fn open_mirror(path: &Path) -> Result<Connection> {
    let c = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    c.busy_timeout(Duration::from_secs(5))?;
    Ok(c)
}

/// The last local commit's event, order and outbox rows, as the store wrote them.
fn last_commit_rows(mirror: &Connection, order_id: OrderId) -> Result<CommitRows> {
    let (seq, event) = mirror.query_row(
        &format!("SELECT seq, {EVENT_COLUMNS} FROM events ORDER BY seq DESC LIMIT 1"),
        [],
        |r| {
            let seq: i64 = r.get(0)?;
            let vals = (1..=column_count(EVENT_COLUMNS))
                .map(|i| r.get::<_, Value>(i))
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok((seq, vals))
        },
    )?;
    let enqueued_ms = mirror.query_row(
        "SELECT enqueued_ms FROM outbox WHERE event_seq = ?1",
        [seq],
        |r| r.get(0),
    )?;
    let order = mirror.query_row(
        &format!("SELECT {ORDER_COLUMNS} FROM orders WHERE order_id = ?1"),
        [order_id.to_string()],
        |r| row_values(r, column_count(ORDER_COLUMNS)),
    )?;
    Ok(CommitRows {
        event,
        order,
        enqueued_ms,
    })
}

/// A bare SQLite database with the store's schema (copied from its file), WAL and
/// `synchronous=FULL`, as the store's own connections have.
fn bare_db(path: &Path, schema_from: &Connection) -> Result<Connection> {
    let conn = Connection::open(path)?;
    let mode: String = conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        bail!("the reference database is in {mode} mode, not WAL");
    }
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    let mut stmt = schema_from.prepare(
        "SELECT sql FROM sqlite_schema
         WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY rowid",
    )?;
    let ddl = stmt
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for sql in ddl {
        conn.execute_batch(&sql)?;
    }
    Ok(conn)
}

fn upsert_order_sql() -> String {
    let n = column_count(ORDER_COLUMNS);
    let marks: Vec<String> = (1..=n).map(|i| format!("?{i}")).collect();
    let sets: Vec<String> = ORDER_COLUMNS
        .split(',')
        .map(str::trim)
        .skip(1)
        .map(|c| format!("{c} = excluded.{c}"))
        .collect();
    format!(
        "INSERT INTO orders ({ORDER_COLUMNS}) VALUES ({}) ON CONFLICT (order_id) DO UPDATE SET {}",
        marks.join(", "),
        sets.join(", ")
    )
}

/// The reference commit: one `BEGIN IMMEDIATE` transaction writing the same event row, order
/// upsert and outbox row.
fn bare_commit(conn: &mut Connection, rows: &CommitRows, upsert: &str) -> Result<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let marks: Vec<String> = (1..=rows.event.len()).map(|i| format!("?{i}")).collect();
    tx.prepare_cached(&format!(
        "INSERT INTO events ({EVENT_COLUMNS}) VALUES ({})",
        marks.join(", ")
    ))?
    .execute(params_from_iter(&rows.event))?;
    let seq = tx.last_insert_rowid();
    tx.prepare_cached(upsert)?
        .execute(params_from_iter(&rows.order))?;
    tx.prepare_cached("INSERT INTO outbox (event_seq, enqueued_ms) VALUES (?1, ?2)")?
        .execute(params![seq, rows.enqueued_ms])?;
    tx.commit()?;
    Ok(())
}

struct CommitBench {
    dir: PathBuf,
    ctx: Ctx,
    session: Session,
    picks: Vec<(ItemId, Vec<ModifierChoice>)>,
    mirror: Connection,
}

impl CommitBench {
    fn new(dir: &Path) -> Result<CommitBench> {
        let ctx = Ctx::open(
            &dir.join("terminal"),
            Arc::new(SystemClock),
            Arc::new(UuidV7Ids),
            true,
        )?;
        let session = sign_in(&ctx)?;
        let catalog = ctx.store.read(|r| r.catalog())?.context("no demo menu")?;
        let picks = menu_picks(&catalog);
        let mirror = open_mirror(ctx.store.path())?;
        Ok(CommitBench {
            dir: dir.to_owned(),
            ctx,
            session,
            picks,
            mirror,
        })
    }

    /// Figure 1: `add_line` through the API (one transaction: event, projection, outbox) against
    /// a bare transaction writing the same rows, interleaved commit by commit.
    fn commit_latency(&self) -> Result<Vec<serde_json::Value>> {
        progress(&format!(
            "local commit: {COMMIT_WARMUP} warm-up + {COMMITS} add_line commits, each followed by the bare reference commit"
        ));
        let mut bare = bare_db(&self.dir.join("reference.sqlite"), &self.mirror)?;
        let upsert = upsert_order_sql();
        let (mut api_t, mut bare_t) = (Vec::new(), Vec::new());
        let (mut order_id, mut lines) = (None, 0);
        let (mut event_bytes, mut state_bytes) = (0usize, 0usize);
        let mut raw = RawAppends::new(self)?;
        let mut append_t = Vec::new();
        for i in 0..COMMIT_WARMUP + COMMITS {
            let id = match order_id {
                Some(id) if lines < LINES_PER_ORDER => id,
                _ => {
                    // Opening is a commit too; mirrored, not timed.
                    let view = orders::open_order(&self.ctx, &self.session, open_request(i))?;
                    let rows = last_commit_rows(&self.mirror, view.order_id)?;
                    bare_commit(&mut bare, &rows, &upsert)?;
                    order_id = Some(view.order_id);
                    lines = 0;
                    view.order_id
                }
            };
            let req = line_request(id, &self.picks[i % self.picks.len()]);
            let (r, d_api) = timing::time(|| orders::add_line(&self.ctx, &self.session, req));
            r?;
            lines += 1;
            let rows = last_commit_rows(&self.mirror, id)?;
            let (r, d_bare) = timing::time(|| bare_commit(&mut bare, &rows, &upsert));
            r?;
            if i >= COMMIT_WARMUP {
                api_t.push(d_api);
                bare_t.push(d_bare);
                event_bytes += value_bytes(&rows.event);
                state_bytes += value_bytes(&rows.order);
                // What the command costs beyond the store: every 4th time, the same kind of
                // append straight through `Store::write` + `Tx::append` (no menu, no view).
                if i.is_multiple_of(4) {
                    append_t.push(raw.append(self)?);
                }
            }
        }
        let n = api_t.len();
        let (api50, api99) = (percentile(&api_t, 50.0), percentile(&api_t, 99.0));
        let (bare50, bare99) = (percentile(&bare_t, 50.0), percentile(&bare_t, 99.0));
        let note = format!(
            "{n} commits after {COMMIT_WARMUP} warm-up, orders of {LINES_PER_ORDER} lines; rows copied from the store: event row {} B, orders row {} B on average; \
             Store::write + Tx::append alone (no menu, no view; {} interleaved) p50 {:.3} ms; max add_line {:.3} ms, max bare {:.3} ms",
            event_bytes / n.max(1),
            state_bytes / n.max(1),
            append_t.len(),
            percentile(&append_t, 50.0),
            percentile(&api_t, 100.0),
            percentile(&bare_t, 100.0),
        );
        progress(&format!(
            "local commit: add_line p50 {api50:.3} ms p99 {api99:.3} ms; bare p50 {bare50:.3} ms p99 {bare99:.3} ms"
        ));
        Ok(vec![
            Fig {
                id: "commit_p50",
                figure: "Local commit p50 (add_line via comanda-api, synchronous=FULL)",
                unit: "ms",
                measured: Some(api50),
                reference: Some(bare50),
                reference_what: "bare rusqlite tx writing the same 3 rows (p50)",
                target: "≤ 2× reference",
                target_ratio: Some(2.0),
                target_max: None,
                note: Some(note),
                not_measured: None,
            }
            .json(),
            Fig {
                id: "commit_p99",
                figure: "Local commit p99 (add_line via comanda-api, synchronous=FULL)",
                unit: "ms",
                measured: Some(api99),
                reference: Some(bare99),
                reference_what: "bare rusqlite tx writing the same 3 rows (p99)",
                target: "≤ 5 ms",
                target_ratio: None,
                target_max: Some(5.0),
                note: None,
                not_measured: None,
            }
            .json(),
        ])
    }

    /// Figure 2: `get_order` (store read of the projection + the API's `OrderView`) on an order of
    /// 50 lines, against a bare `SELECT state` + `serde_json` parse of the same row.
    fn open_big_order(&self) -> Result<Vec<serde_json::Value>> {
        progress(&format!(
            "open an order of {BIG_ORDER_LINES} lines: {READS} get_order reads, each followed by the bare reference read"
        ));
        let view = orders::open_order(&self.ctx, &self.session, open_request(7))?;
        let id = view.order_id;
        for i in 0..BIG_ORDER_LINES {
            orders::add_line(
                &self.ctx,
                &self.session,
                line_request(id, &self.picks[i % self.picks.len()]),
            )?;
        }
        let req = GetOrder { order_id: id };
        let id_text = id.to_string();
        let bare_read = || -> Result<usize> {
            let mut stmt = self
                .mirror
                .prepare_cached("SELECT state FROM orders WHERE order_id = ?1")?;
            let state: String = stmt.query_row([&id_text], |r| r.get(0))?;
            let v: serde_json::Value = serde_json::from_str(&state)?;
            let mut n = v.as_object().map_or(0, serde_json::Map::len) + state.len();
            let mut lines = self
                .mirror
                .prepare_cached("SELECT state FROM order_lines WHERE order_id = ?1 ORDER BY pos")?;
            let mut rows = lines.query([&id_text])?;
            while let Some(r) = rows.next()? {
                let text: String = r.get(0)?;
                let v: serde_json::Value = serde_json::from_str(&text)?;
                n += v.as_object().map_or(0, serde_json::Map::len);
            }
            Ok(n)
        };
        let state_len = {
            let mut stmt = self.mirror.prepare_cached(
                "SELECT length(state) + (SELECT coalesce(sum(length(state)), 0)
                     FROM order_lines WHERE order_id = ?1) FROM orders WHERE order_id = ?1",
            )?;
            stmt.query_row([&id_text], |r| r.get::<_, i64>(0))?
        };
        let (mut api_t, mut bare_t, mut store_t) = (Vec::new(), Vec::new(), Vec::new());
        for i in 0..READS + 50 {
            let (v, d_api) =
                timing::time(|| orders::get_order(&self.ctx, &self.session, req.clone()));
            let v = v?;
            if v.lines.len() != BIG_ORDER_LINES {
                bail!(
                    "the order has {} lines, not {BIG_ORDER_LINES}",
                    v.lines.len()
                );
            }
            let (r, d_store) = timing::time(|| self.ctx.store.read(|r| r.order(id)));
            r?.context("the order vanished")?;
            let (r, d_bare) = timing::time(bare_read);
            r?;
            if i >= 50 {
                api_t.push(d_api);
                store_t.push(d_store);
                bare_t.push(d_bare);
            }
        }
        let (api50, api99) = (percentile(&api_t, 50.0), percentile(&api_t, 99.0));
        let (bare50, bare99) = (percentile(&bare_t, 50.0), percentile(&bare_t, 99.0));
        progress(&format!(
            "open order: get_order p50 {api50:.3} ms p99 {api99:.3} ms; bare p50 {bare50:.3} ms p99 {bare99:.3} ms"
        ));
        let note = format!(
            "{READS} reads after 50 warm-up; state JSON {state_len} B; of get_order, the store read \
             (SELECT + decode OrderState + conflicts) alone p50 {:.3} ms",
            percentile(&store_t, 50.0)
        );
        Ok(vec![
            Fig {
                id: "open_order_p50",
                figure: "Open an order of 50 lines, median (get_order: store read + OrderView)",
                unit: "ms",
                measured: Some(api50),
                reference: Some(bare50),
                reference_what: "bare SELECT of the order and line rows + serde_json::Value parse (median)",
                target: "≤ 1 ms",
                target_ratio: None,
                target_max: Some(1.0),
                note: Some(note),
                not_measured: None,
            }
            .json(),
            Fig {
                id: "open_order_p99",
                figure: "Open an order of 50 lines, p99",
                unit: "ms",
                measured: Some(api99),
                reference: Some(bare99),
                reference_what: "bare SELECT of the order and line rows + serde_json::Value parse (p99)",
                target: "≤ 1 ms",
                target_ratio: None,
                target_max: Some(1.0),
                note: None,
                not_measured: None,
            }
            .json(),
        ])
    }
}

/// Appends of a priced line straight through `Store::write` + `Tx::append`, on orders of the same
/// size as the measured commits.
struct RawAppends {
    catalog: Catalog,
    order_id: Option<OrderId>,
    n: usize,
}

impl RawAppends {
    fn new(b: &CommitBench) -> Result<RawAppends> {
        let catalog = b.ctx.store.read(|r| r.catalog())?.context("no menu")?;
        Ok(RawAppends {
            catalog,
            order_id: None,
            n: 0,
        })
    }

    /// One append, timed.
    fn append(&mut self, b: &CommitBench) -> Result<Duration> {
        let id = match self.order_id {
            Some(id) if !self.n.is_multiple_of(LINES_PER_ORDER) => id,
            _ => orders::open_order(&b.ctx, &b.session, open_request(self.n))?.order_id,
        };
        self.order_id = Some(id);
        let body = priced_line(&self.catalog, &b.picks[self.n % b.picks.len()], &b.ctx)?;
        self.n += 1;
        let stream = StreamId::Order(id);
        let who = Some(b.session.employee_id);
        let (r, d) = timing::time(|| {
            b.ctx
                .store
                .write(|tx| tx.append(stream, who, body).map(|_| ()))
        });
        r.map_err(|e: StoreError| anyhow::anyhow!(e))?;
        Ok(d)
    }
}

fn value_bytes(v: &[Value]) -> usize {
    v.iter()
        .map(|x| match x {
            Value::Text(s) => s.len(),
            Value::Blob(b) => b.len(),
            Value::Null => 0,
            Value::Integer(_) | Value::Real(_) => 8,
        })
        .sum()
}

/// A `LineAdded` priced from the menu, as `add_line` would make it.
fn priced_line(
    catalog: &Catalog,
    pick: &(ItemId, Vec<ModifierChoice>),
    ctx: &Ctx,
) -> Result<EventBody> {
    let pairs: Vec<_> = pick.1.iter().map(|c| (c.group_id, c.modifier_id)).collect();
    let p = catalog
        .price_choice(pick.0, &pairs)
        .map_err(|e| anyhow::anyhow!("pricing the benchmark's line: {e}"))?;
    Ok(EventBody::LineAdded(LineAdded {
        line_id: LineId::new(ctx.ids.as_ref()),
        item_id: p.item_id,
        name: p.name,
        unit_price: p.unit_price,
        qty: Quantity::ONE,
        modifiers: p.modifiers,
        tax: p.tax,
        note: None,
        seat: None,
        course: None,
    }))
}

// ---------------------------------------------------------------------------------------------
// A tap must not cost more as the order grows: commits on orders of 1, 50, 200 and 500 lines.

/// The order sizes measured, and how many orders of each. Each order takes two taps (one through
/// the store, one through the whole call), so its size stays what it says.
const SIZES: [(usize, usize); 4] = [(1, 80), (50, 80), (200, 50), (500, 24)];

/// Per size: the store's part of a commit (`Store::write` + `Tx::append` of a `LineAdded`) and the
/// whole call (`dispatch("add_line")`: JSON in, order, policy, append, view, JSON out), each the
/// median over every tap on orders of that size, taps of all sizes interleaved.
fn commit_by_order_size(dir: &Path) -> Result<Vec<serde_json::Value>> {
    progress("a tap on orders of 1, 50, 200 and 500 lines: the store's part and the whole call");
    let b = CommitBench::new(dir)?;
    let catalog = b.ctx.store.read(|r| r.catalog())?.context("no menu")?;
    let mut orders: Vec<(usize, OrderId)> = Vec::new();
    for (size, count) in SIZES {
        for k in 0..count {
            let id =
                orders::open_order(&b.ctx, &b.session, open_request(size * 1000 + k))?.order_id;
            // Filled in one transaction: the setup is not what is measured.
            let mut bodies = Vec::with_capacity(size);
            for i in 0..size.saturating_sub(1) {
                bodies.push(priced_line(&catalog, &b.picks[i % b.picks.len()], &b.ctx)?);
            }
            b.ctx
                .store
                .write(|tx| {
                    for body in bodies {
                        tx.append(StreamId::Order(id), Some(b.session.employee_id), body)?;
                    }
                    Ok::<_, StoreError>(())
                })
                .map_err(|e| anyhow::anyhow!(e))?;
            orders.push((size, id));
        }
    }
    let mut store_t: Vec<Vec<Duration>> = vec![Vec::new(); SIZES.len()];
    let mut call_t: Vec<Vec<Duration>> = vec![Vec::new(); SIZES.len()];
    let mut answer_bytes = vec![0usize; SIZES.len()];
    // Sizes interleaved (1, 50, 200, 500, 1, 50…), so a slow moment of the machine falls on
    // every size alike.
    let mut by_size: Vec<Vec<(usize, OrderId)>> = SIZES
        .iter()
        .map(|(size, _)| orders.iter().filter(|(s, _)| s == size).copied().collect())
        .collect();
    let mut interleaved = Vec::with_capacity(orders.len());
    let mut round = 0;
    while by_size.iter().any(|v| !v.is_empty()) {
        // Each round starts at another size, so no size always follows the biggest.
        for k in 0..by_size.len() {
            let v = &mut by_size[(round + k) % SIZES.len()];
            if !v.is_empty() {
                interleaved.push(v.remove(0));
            }
        }
        round += 1;
    }
    {
        for (n, (size, id)) in interleaved.iter().enumerate() {
            let s = SIZES.iter().position(|(x, _)| x == size).unwrap_or(0);
            let body = priced_line(&catalog, &b.picks[n % b.picks.len()], &b.ctx)?;
            let who = Some(b.session.employee_id);
            let (r, d) = timing::time(|| {
                b.ctx
                    .store
                    .write(|tx| tx.append(StreamId::Order(*id), who, body).map(|_| ()))
            });
            r.map_err(|e: StoreError| anyhow::anyhow!(e))?;
            let pick = &b.picks[(n + 1) % b.picks.len()];
            let req = serde_json::to_value(line_request(*id, pick))?;
            let (r, d_call) = timing::time(|| {
                comanda_api::commands::dispatch_raw(&b.ctx, "add_line", Some(&b.session.token), req)
                    .map_err(|e| anyhow::anyhow!("{}", e.message))
                    .map(|v| v.get().to_owned())
            });
            answer_bytes[s] = r?.len();
            store_t[s].push(d);
            call_t[s].push(d_call);
        }
    }
    let p50 = |v: &Vec<Duration>| percentile(v, 50.0);
    let (store1, call1) = (p50(&store_t[0]), p50(&call_t[0]));
    let mut figs = Vec::new();
    let mut notes = Vec::new();
    for (i, (size, _)) in SIZES.iter().enumerate() {
        notes.push(format!(
            "{size} lines: store {:.3} ms, call {:.3} ms, answer {} B",
            p50(&store_t[i]),
            p50(&call_t[i]),
            answer_bytes[i]
        ));
    }
    progress(&format!("order sizes: {}", notes.join("; ")));
    for (i, (size, _)) in SIZES.iter().enumerate().skip(1) {
        let store_id = format!("commit_store_{size}");
        let call_id = format!("commit_call_{size}");
        let store_fig = format!("A tap on a {size}-line order: the store's commit (median)");
        let call_fig = format!("A tap on a {size}-line order: the whole add_line call (median)");
        let note = (*size == 200).then(|| {
            format!(
                "{} orders of this size, each tapped once through the store and once through the whole call, sizes interleaved; the store's part is \
                 Store::write + Tx::append of a LineAdded; the whole call is dispatch(\"add_line\") \
                 from JSON to JSON (parse, order, policy, append, view, serialise; no socket); {}",
                store_t[i].len(),
                notes.join("; ")
            )
        });
        figs.push(
            Fig {
                id: &store_id,
                figure: &store_fig,
                unit: "ms",
                measured: Some(p50(&store_t[i])),
                reference: Some(store1),
                reference_what: "the same commit on a 1-line order (median)",
                target: "≤ 1.5× the 1-line commit",
                target_ratio: Some(1.5),
                target_max: None,
                note,
                not_measured: None,
            }
            .json(),
        );
        figs.push(
            Fig {
                id: &call_id,
                figure: &call_fig,
                unit: "ms",
                measured: Some(p50(&call_t[i])),
                reference: Some(call1),
                reference_what: "the same call on a 1-line order (median)",
                target: "≤ 2× the 1-line call",
                target_ratio: Some(2.0),
                target_max: None,
                note: None,
                not_measured: None,
            }
            .json(),
        );
    }
    Ok(figs)
}

// ---------------------------------------------------------------------------------------------
// Figure 3: project 10,000 orders from the event log.

fn project_all(dir: &Path) -> Result<Vec<serde_json::Value>> {
    let CommitBench {
        ctx,
        session,
        picks,
        mirror,
        ..
    } = CommitBench::new(dir)?;
    let catalog = ctx.store.read(|r| r.catalog())?.context("no demo menu")?;
    progress(&format!(
        "project: building a log of {PROJECT_ORDERS} orders (opened, 3 lines, paid, closed) in transactions of {BUILD_BATCH} orders"
    ));
    let build = Timer::start();
    let who = Some(session.employee_id);
    for batch in 0..PROJECT_ORDERS / BUILD_BATCH {
        ctx.store.write(|tx| -> Result<()> {
            for k in 0..BUILD_BATCH {
                let n = batch * BUILD_BATCH + k;
                let id = OrderId::new(ctx.ids.as_ref());
                let stream = StreamId::Order(id);
                let number = tx.next_order_number()?;
                tx.append(
                    stream,
                    who,
                    EventBody::OrderOpened(OrderOpened {
                        number,
                        order_type: open_request(n).order_type.into(),
                    }),
                )?;
                for j in 0..3 {
                    let body = priced_line(&catalog, &picks[(n * 3 + j) % picks.len()], &ctx)?;
                    tx.append(stream, who, body)?;
                }
                let due = tx
                    .order(id)?
                    .context("the order just opened")?
                    .state
                    .totals()
                    .balance;
                tx.append(
                    stream,
                    who,
                    EventBody::PaymentRecorded(PaymentRecorded {
                        payment_id: PaymentId::new(ctx.ids.as_ref()),
                        method: PaymentMethod::Cash {
                            tendered: due,
                            change: Money::ZERO,
                        },
                        amount: due,
                        tip: Money::ZERO,
                        split: None,
                    }),
                )?;
                tx.append(
                    stream,
                    who,
                    EventBody::OrderClosed(OrderClosed { generation: 0 }),
                )?;
            }
            Ok(())
        })?;
    }
    let events = ctx.store.read(|r| r.event_count())?;
    progress(&format!(
        "project: {events} events written in {:.1} s",
        build.elapsed().as_secs_f64()
    ));
    let closed: i64 = mirror.query_row(
        "SELECT count(*) FROM orders WHERE status = 'closed'",
        [],
        |r| r.get(0),
    )?;
    if usize::try_from(closed).ok() != Some(PROJECT_ORDERS) {
        bail!("{closed} orders closed, not {PROJECT_ORDERS}: the built log is not what was meant");
    }
    let mut order_rows: Vec<Vec<Value>> = Vec::new();
    let mut line_rows: Vec<Vec<Value>> = Vec::new();
    let (mut proj, mut scan, mut insert) = (Vec::new(), Vec::new(), Vec::new());
    for run in 0..PROJECT_RUNS {
        let (r, d) = timing::time(|| ctx.store.write(|tx| tx.reproject_all()));
        let streams = r?;
        proj.push(ms(d));
        if run == 0 {
            let mut stmt = mirror.prepare(&format!("SELECT {ORDER_COLUMNS} FROM orders"))?;
            order_rows = stmt
                .query_map([], |r| row_values(r, column_count(ORDER_COLUMNS)))?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            let mut stmt = mirror.prepare("SELECT order_id, pos, state FROM order_lines")?;
            line_rows = stmt
                .query_map([], |r| row_values(r, 3))?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            if order_rows.len() != PROJECT_ORDERS {
                bail!(
                    "{} order rows after reprojecting, not {PROJECT_ORDERS}",
                    order_rows.len()
                );
            }
            progress(&format!(
                "project: reproject_all projected {streams} streams"
            ));
        }
        // Reference 1: read every event row, decode nothing.
        let (r, d) = timing::time(|| -> Result<usize> {
            let mut stmt = mirror.prepare(&format!("SELECT {EVENT_COLUMNS} FROM events"))?;
            let mut rows = stmt.query([])?;
            let mut bytes = 0usize;
            while let Some(row) = rows.next()? {
                for i in 0..column_count(EVENT_COLUMNS) {
                    bytes += match row.get_ref(i)? {
                        ValueRef::Text(b) | ValueRef::Blob(b) => b.len(),
                        _ => 8,
                    };
                }
            }
            Ok(bytes)
        });
        let _ = r?;
        scan.push(ms(d));
        // Reference 2: insert the 10,000 projected rows into a fresh database, one transaction.
        let path = dir.join(format!("reference-{run}.sqlite"));
        let mut bare = bare_db(&path, &mirror)?;
        let (r, d) = timing::time(|| -> Result<()> {
            let tx = bare.transaction_with_behavior(TransactionBehavior::Immediate)?;
            {
                let marks: Vec<String> = (1..=column_count(ORDER_COLUMNS))
                    .map(|i| format!("?{i}"))
                    .collect();
                let mut stmt = tx.prepare(&format!(
                    "INSERT INTO orders ({ORDER_COLUMNS}) VALUES ({})",
                    marks.join(", ")
                ))?;
                for row in &order_rows {
                    stmt.execute(params_from_iter(row))?;
                }
                let mut stmt = tx.prepare(
                    "INSERT INTO order_lines (order_id, pos, state) VALUES (?1, ?2, ?3)",
                )?;
                for row in &line_rows {
                    stmt.execute(params_from_iter(row))?;
                }
            }
            tx.commit()?;
            Ok(())
        });
        r?;
        insert.push(ms(d));
        progress(&format!(
            "project run {}: reproject_all {:.0} ms; bare scan {:.0} ms + bare insert {:.0} ms",
            run + 1,
            proj[run],
            scan[run],
            insert[run]
        ));
    }
    let split = projection_split(&ctx, &order_rows)?;
    let row_bytes: usize = order_rows
        .iter()
        .chain(&line_rows)
        .map(|r| value_bytes(r))
        .sum();
    let (p, s, i) = (median_f64(&proj), median_f64(&scan), median_f64(&insert));
    Ok(vec![
        Fig {
            id: "project_10k",
            figure: "Project 10,000 orders (60,000 events): reproject_all, committed",
            unit: "s",
            measured: Some(p / 1e3),
            reference: Some((s + i) / 1e3),
            reference_what: "bare SELECT of the 60,000 event rows + bare insert of the same order and line rows",
            target: "≤ 1.5× reference",
            target_ratio: Some(1.5),
            target_max: None,
            note: Some(format!(
                "median of {PROJECT_RUNS} runs; {events} events; {} line rows; order and line rows {} B per order on average ({:.1} MB in all); reference split: scan {:.0} ms, insert {:.0} ms; runs: {}; {split}",
                line_rows.len(),
                row_bytes / order_rows.len().max(1),
                row_bytes as f64 / 1e6,
                s,
                i,
                proj.iter()
                    .map(|x| format!("{x:.0} ms"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
            not_measured: None,
        }
        .json(),
    ])
}

/// Where `reproject_all`'s time goes, timed from outside with the same public pieces it uses:
/// reading and decoding each stream's events, folding them, and deriving the row (totals,
/// conflicts, the state and conflicts as JSON). The rest is SQLite: the per-stream SELECTs'
/// planning, the upserts and the commit.
fn projection_split(ctx: &Ctx, order_rows: &[Vec<Value>]) -> Result<String> {
    let ids: Vec<OrderId> = order_rows
        .iter()
        .map(|r| match r.first() {
            Some(Value::Text(t)) => t.parse().map_err(|_| anyhow::anyhow!("bad order id {t}")),
            _ => bail!("an order row without its id"),
        })
        .collect::<Result<_>>()?;
    let (streams, d_read) = timing::time(|| {
        ctx.store.read(|r| {
            ids.iter()
                .map(|id| r.stream_events(StreamId::Order(*id)))
                .collect::<Result<Vec<_>, StoreError>>()
        })
    });
    let streams = streams?;
    let (states, d_fold) = timing::time(|| {
        ids.iter()
            .zip(&streams)
            .map(|(id, events)| comanda_domain::order::fold(*id, events))
            .collect::<Vec<_>>()
    });
    let (bytes, d_derive) = timing::time(|| -> Result<usize> {
        let mut n = 0;
        for (state, _) in &states {
            let totals = state.totals();
            let conflicts = state.conflicts();
            n += serde_json::to_string(state)?.len()
                + serde_json::to_string(&conflicts)?.len()
                + usize::from(totals.total.minor() > 0);
        }
        Ok(n)
    });
    let _ = bytes?;
    let msg = format!(
        "split of the projection work (timed from outside, one pass): read + decode the events of each order {:.0} ms, fold {:.0} ms, \
         totals + conflicts + state JSON {:.0} ms; the rest of reproject_all is SQLite writes and the commit",
        ms(d_read),
        ms(d_fold),
        ms(d_derive)
    );
    progress(&format!("project: {msg}"));
    Ok(msg)
}

// ---------------------------------------------------------------------------------------------
// Figures 4 and 5: app start to a usable counter screen, and the core's memory.

/// A minimal HTTP/1.1 POST over loopback; returns the status and the body.
fn post(addr: &str, path: &str, token: Option<&str>, body: &str) -> Result<(u16, String)> {
    let mut s = TcpStream::connect(addr)?;
    s.set_read_timeout(Some(Duration::from_secs(10)))?;
    s.set_nodelay(true)?;
    let auth = token.map_or(String::new(), |t| format!("Authorization: Bearer {t}\r\n"));
    write!(
        s,
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n{auth}Connection: close\r\n\r\n{body}",
        body.len()
    )?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw)?;
    let text = String::from_utf8_lossy(&raw);
    let (head, rest) = text
        .split_once("\r\n\r\n")
        .context("no end of HTTP headers")?;
    let status: u16 = head
        .split_whitespace()
        .nth(1)
        .context("no HTTP status")?
        .parse()?;
    let chunked = head.lines().any(|l| {
        l.to_ascii_lowercase()
            .starts_with("transfer-encoding: chunked")
    });
    let body = if chunked {
        dechunk(rest)?
    } else {
        rest.to_owned()
    };
    Ok((status, body))
}

fn dechunk(mut s: &str) -> Result<String> {
    let mut out = String::new();
    loop {
        let (size, rest) = s.split_once("\r\n").context("bad chunk")?;
        let n = usize::from_str_radix(size.trim(), 16)?;
        if n == 0 {
            return Ok(out);
        }
        out.push_str(rest.get(..n).context("short chunk")?);
        s = rest.get(n + 2..).context("short chunk")?;
    }
}

fn call(
    addr: &str,
    name: &str,
    token: Option<&str>,
    body: &serde_json::Value,
) -> Result<serde_json::Value> {
    let (status, text) = post(addr, &format!("/api/{name}"), token, &body.to_string())?;
    if status != 200 {
        bail!("{name} answered {status}: {text}");
    }
    Ok(serde_json::from_str(&text)?)
}

/// A field of `/proc/<pid>/status` in kB, as MB.
fn proc_status_mb(pid: u32, field: &str) -> Result<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix(field).and_then(|v| v.strip_prefix(':')))
        .with_context(|| format!("no {field} in /proc/{pid}/status"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()?;
    Ok(kb / 1024.0)
}

/// CPU time (user + system) process `pid` has used so far, in ms (clock ticks of 10 ms).
fn cpu_ms(pid: u32) -> Result<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))?;
    // Fields after the command name (which may hold spaces) close with ')'.
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let f: Vec<&str> = rest.split_whitespace().collect();
    let tick = |i: usize| -> Result<f64> { Ok(f.get(i).context("short stat")?.parse::<f64>()?) };
    // utime and stime are fields 14 and 15; `rest` starts at field 3.
    Ok((tick(11)? + tick(12)?) * 10.0)
}

/// VmRSS, and the words saying how much of it is anonymous memory and how much mapped files.
fn rss(pid: u32) -> Result<(f64, String)> {
    let total = proc_status_mb(pid, "VmRSS")?;
    let anon = proc_status_mb(pid, "RssAnon")?;
    let file = proc_status_mb(pid, "RssFile")?;
    Ok((
        total,
        format!("{anon:.1} MB anonymous + {file:.1} MB mapped files"),
    ))
}

/// A running `comanda --headless`, stopped with SIGTERM when dropped.
struct App {
    child: Child,
    _stdout: BufReader<std::process::ChildStdout>,
}

impl Drop for App {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        for _ in 0..50 {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Spawns `cmd` (stdout read here, stderr into the file `log`) and waits for the line in which
/// it says the URL it serves; `what` names it in the error if it exits first.
fn spawn_until_url(mut cmd: Command, log: &Path, what: &str) -> Result<(App, String)> {
    let log_file = std::fs::File::create(log)?;
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(log_file)
        .spawn()
        .with_context(|| format!("starting {what}"))?;
    let mut out = BufReader::new(child.stdout.take().context("no stdout")?);
    let mut line = String::new();
    let url = loop {
        line.clear();
        if out.read_line(&mut line)? == 0 {
            let _ = child.kill();
            bail!("{what} exited before it was ready (see {})", log.display());
        }
        // The line that says it serves (the app also says where its kitchen screens are).
        if !(line.contains("ready at") || line.contains("listening on")) {
            continue;
        }
        if let Some(i) = line.find("https://").or_else(|| line.find("http://")) {
            break line[i..].trim().to_owned();
        }
    };
    Ok((
        App {
            child,
            _stdout: out,
        },
        url,
    ))
}

/// One start: spawn → the ready line → the first answered `get_bootstrap`.
struct Start {
    app: App,
    addr: String,
    to_ready: Duration,
    to_api: Duration,
}

fn start_app(bin: &Path, data_dir: &Path, log: &Path) -> Result<Start> {
    let t = Timer::start();
    let mut cmd = Command::new(bin);
    cmd.args(["--headless", "--port", "0", "--data-dir"])
        .arg(data_dir);
    let (app, url) = spawn_until_url(cmd, log, "comanda")?;
    let to_ready = t.elapsed();
    let addr = url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned();
    let t = Timer::start();
    loop {
        match call(&addr, "get_bootstrap", None, &json!({})) {
            Ok(v) if v.get("catalog").is_some() => break,
            Ok(v) => bail!("get_bootstrap answered without a menu: {v}"),
            Err(e) if t.elapsed() > Duration::from_secs(10) => return Err(e),
            Err(_) => std::thread::sleep(Duration::from_millis(1)),
        }
    }
    let to_api = t.elapsed();
    Ok(Start {
        app,
        addr,
        to_ready,
        to_api,
    })
}

/// Runs `bench-start.mjs` in headless Chromium: launches it (not counted), then navigates and
/// waits for the PIN pad. Returns navigate → PIN pad visible, in ms.
fn browser_to_pin(e2e: &Path, url: &str) -> Result<f64> {
    let out = Command::new("node")
        .arg(e2e.join("bench-start.mjs"))
        .arg(url)
        .current_dir(e2e)
        .stderr(Stdio::inherit())
        .output()
        .context("starting node")?;
    if !out.status.success() {
        bail!("bench-start.mjs failed ({})", out.status);
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text
        .lines()
        .rev()
        .find(|l| l.trim_start().starts_with('{'))
        .context("bench-start.mjs printed no JSON")?;
    let v: serde_json::Value = serde_json::from_str(line)?;
    v["navigate_to_pin_ms"]
        .as_f64()
        .context("no navigate_to_pin_ms")
}

/// 200 calls a counter makes in a service: sign in, then orders opened, lines added, read, listed.
fn api_traffic(addr: &str, n: usize) -> Result<()> {
    let boot = call(addr, "get_bootstrap", None, &json!({}))?;
    let items: Vec<&serde_json::Value> = boot["catalog"]["items"]
        .as_array()
        .context("no items")?
        .iter()
        .filter(|i| {
            i["modifier_group_ids"]
                .as_array()
                .is_some_and(Vec::is_empty)
        })
        .collect();
    if items.is_empty() {
        bail!("no item without modifiers on the menu");
    }
    let login = call(addr, "login", None, &json!({ "pin": "1111" }))?;
    let token = login["token"].as_str().context("no token")?.to_owned();
    let t = Some(token.as_str());
    let mut calls = 2;
    let mut order = String::new();
    let mut k = 0usize;
    while calls < n {
        let (name, body) = match k % 8 {
            0 => (
                "open_order",
                json!({ "order_type": { "type": "dine_in", "table": format!("{}", k % 20 + 1), "guests": 2 } }),
            ),
            1..=4 => (
                "add_line",
                json!({ "order_id": order, "item_id": items[k % items.len()]["id"], "qty": 1 }),
            ),
            5 => ("get_order", json!({ "order_id": order })),
            6 => ("list_orders", json!({})),
            _ => ("get_status", json!({})),
        };
        let v = call(addr, name, t, &body)?;
        if name == "open_order" {
            order = v["order_id"].as_str().context("no order id")?.to_owned();
        }
        calls += 1;
        k += 1;
    }
    Ok(())
}

/// Memory of the terminal core alone: the binary built without the window
/// (`--no-default-features`), idle and after the same API traffic.
fn core_memory(bin: &Path, dir: &Path) -> Result<Vec<serde_json::Value>> {
    let s = start_app(bin, &dir.join("data"), &dir.join("core.log"))?;
    let pid = s.app.child.id();
    std::thread::sleep(Duration::from_secs(2));
    let (idle, idle_split) = rss(pid)?;
    api_traffic(&s.addr, RSS_CALLS)?;
    std::thread::sleep(Duration::from_secs(2));
    let (busy, busy_split) = rss(pid)?;
    progress(&format!(
        "core memory: VmRSS {idle:.1} MB idle ({idle_split}), {busy:.1} MB after {RSS_CALLS} calls ({busy_split})"
    ));
    drop(s);
    let fig = |id, figure, measured, note: String| {
        Fig {
            id,
            figure,
            unit: "MB",
            measured: Some(measured),
            reference: None,
            reference_what: "none: an absolute target",
            target: "≤ 50 MB",
            target_ratio: None,
            target_max: Some(50.0),
            note: Some(note),
            not_measured: None,
        }
        .json()
    };
    Ok(vec![
        fig(
            "rss_core_idle",
            "Terminal core idle RSS (built without the window: --no-default-features; 2 s idle)",
            idle,
            format!("VmRSS, fresh data dir, demo seeded: {idle_split}"),
        ),
        fig(
            "rss_core_busy",
            "Terminal core RSS after 200 API calls + 2 s idle (without the window)",
            busy,
            format!("{RSS_CALLS} calls as above: {busy_split}"),
        ),
    ])
}

fn app_start(
    bin: &Path,
    dir: &Path,
    browser: std::result::Result<PathBuf, String>,
) -> Result<Vec<serde_json::Value>> {
    let (mut ready, mut api, mut nav, mut sums) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut browser_err = browser.as_ref().err().cloned();
    let mut mem = None;
    for run in 0..START_RUNS {
        let data = dir.join(format!("run-{run}"));
        let s = start_app(bin, &data, &dir.join(format!("run-{run}.log")))?;
        ready.push(ms(s.to_ready));
        api.push(ms(s.to_api));
        let url = format!("http://{}/", s.addr);
        let nav_ms = match (&browser, &browser_err) {
            (Ok(e2e), None) => match browser_to_pin(e2e, &url) {
                Ok(v) => Some(v),
                Err(e) => {
                    browser_err = Some(format!("{e:#}"));
                    None
                }
            },
            _ => None,
        };
        if let Some(v) = nav_ms {
            nav.push(v);
            sums.push(ms(s.to_ready) + ms(s.to_api) + v);
        }
        progress(&format!(
            "start run {}: spawn→ready {:.0} ms, ready→API {:.1} ms, navigate→PIN pad {}",
            run + 1,
            ms(s.to_ready),
            ms(s.to_api),
            nav_ms.map_or("not measured".to_owned(), |v| format!("{v:.0} ms"))
        ));
        if run + 1 == START_RUNS {
            let pid = s.app.child.id();
            std::thread::sleep(Duration::from_secs(2));
            let idle = rss(pid)?;
            api_traffic(&s.addr, RSS_CALLS)?;
            std::thread::sleep(Duration::from_secs(2));
            let busy = rss(pid)?;
            progress(&format!(
                "memory: VmRSS {:.1} MB idle ({}), {:.1} MB after {RSS_CALLS} calls ({})",
                idle.0, idle.1, busy.0, busy.1
            ));
            mem = Some((idle, busy));
        }
        drop(s);
    }
    let (r, a) = (median_f64(&ready), median_f64(&api));
    let no_browser = browser_err.as_ref().map(|e| format!("not measured: {e}"));
    let ((idle, idle_split), (busy, busy_split)) = mem.unwrap_or_default();
    let after_browser = if nav.is_empty() {
        "no page loaded"
    } else {
        "after the browser loaded the UI"
    };
    Ok(vec![
        Fig {
            id: "start_ready",
            figure: "App start: spawn → ready line (fresh data dir, demo seeded)",
            unit: "ms",
            measured: Some(r),
            reference: None,
            reference_what: "none",
            target: "part of ≤ 1.5 s",
            target_ratio: None,
            target_max: None,
            note: Some(format!(
                "median of {START_RUNS}: {}",
                ready
                    .iter()
                    .map(|x| format!("{x:.0}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
            not_measured: None,
        }
        .json(),
        Fig {
            id: "start_api",
            figure: "App start: ready → first get_bootstrap answered (HTTP, loopback)",
            unit: "ms",
            measured: Some(a),
            reference: None,
            reference_what: "none",
            target: "part of ≤ 1.5 s",
            target_ratio: None,
            target_max: None,
            note: None,
            not_measured: None,
        }
        .json(),
        Fig {
            id: "start_pin",
            figure: "App start: navigate → PIN pad visible (headless Chromium)",
            unit: "ms",
            measured: (!nav.is_empty()).then(|| median_f64(&nav)),
            reference: None,
            reference_what: "none",
            target: "part of ≤ 1.5 s",
            target_ratio: None,
            target_max: None,
            note: None,
            not_measured: if nav.is_empty() {
                no_browser.clone()
            } else {
                None
            },
        }
        .json(),
        Fig {
            id: "start_total",
            figure: "App start to a usable counter screen (sum of the three)",
            unit: "ms",
            measured: (!sums.is_empty()).then(|| median_f64(&sums)),
            reference: None,
            reference_what: "none",
            target: "≤ 1.5 s",
            target_ratio: None,
            target_max: Some(1500.0),
            note: Some(format!(
                "median of per-run sums; the server part alone (spawn → API answers) is {:.0} ms",
                r + a
            )),
            not_measured: if sums.is_empty() { no_browser } else { None },
        }
        .json(),
        Fig {
            id: "rss_idle",
            figure: "App process idle RSS (the one binary, linking WebKitGTK, run headless; 2 s idle)",
            unit: "MB",
            measured: Some(idle),
            reference: None,
            reference_what: "none: an absolute target",
            target: "≤ 50 MB",
            target_ratio: None,
            target_max: Some(50.0),
            note: Some(format!(
                "VmRSS from /proc/<pid>/status, {after_browser}: {idle_split}"
            )),
            not_measured: None,
        }
        .json(),
        Fig {
            id: "rss_busy",
            figure: "App process RSS after 200 API calls + 2 s idle (the one binary, headless)",
            unit: "MB",
            measured: Some(busy),
            reference: None,
            reference_what: "none: an absolute target",
            target: "≤ 50 MB",
            target_ratio: None,
            target_max: Some(50.0),
            note: Some(format!("{RSS_CALLS} calls: one sign-in, then orders opened, lines added, orders read and listed: {busy_split}")),
            not_measured: None,
        }
        .json(),
    ])
}
