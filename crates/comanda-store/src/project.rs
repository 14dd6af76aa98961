//! Keeping the projections (`orders` with `order_lines`, `projections`) in step with the event
//! log.
//!
//! **Invariant:** a projection row is a pure function of its stream's event set. A new event is
//! applied incrementally only when its key `(hlc, id)` sorts after the last key already applied;
//! otherwise the whole stream is folded again. Either way the rows are the ones a fresh fold
//! gives, so [`reproject_all`] never changes a row.
//!
//! An order is stored as its header (`orders.state`: the state without its lines, plus the list
//! columns) and one `order_lines` row per line. An incremental apply rewrites the header and the
//! lines the event touched, never the others: a tap costs the same on a 2-line order and on a
//! 500-line banquet.

use std::collections::BTreeMap;

use comanda_domain::catalog::Catalog;
use comanda_domain::codec;
use comanda_domain::device::{DeviceRecord, fold_devices};
use comanda_domain::employee::{EmployeeRecord, StoreSettings, fold_employees};
use comanda_domain::event::{Event, EventBody, EventKey, OrderType, StreamId};
use comanda_domain::ids::{EmployeeId, OrderId};
use comanda_domain::order::{self, Conflict, LineState, OrderState, OrderStatus};
use comanda_domain::printer::{DrawerLog, PrinterSaved, fold_printers};
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::StoreError;
use crate::sql::{self, int, uint, uint32};
use crate::types::OrderRecord;

/// Brings the projection of a small stream (catalog, settings, employees) up to date after `e`
/// was inserted.
pub(crate) fn apply(conn: &Connection, e: &Event) -> Result<(), StoreError> {
    match e.stream {
        StreamId::Order(_) => Err(StoreError::Corrupt(
            "an order event given to the small-stream projection".into(),
        )),
        stream => apply_small(conn, stream, e),
    }
}

/// Rebuilds the projection of one stream from all its events. For an order, returns its new
/// record (`None` once it has no events), for the store's cache.
pub(crate) fn refold(
    conn: &Connection,
    stream: StreamId,
) -> Result<Option<OrderRecord>, StoreError> {
    let events = sql::stream_events(conn, stream)?;
    project(conn, stream, &events, Lines::All)
}

/// Writes the projection of one stream from its events (in agreed order).
fn project(
    conn: &Connection,
    stream: StreamId,
    events: &[Event],
    lines: Lines,
) -> Result<Option<OrderRecord>, StoreError> {
    match stream {
        StreamId::Order(id) => {
            if events.is_empty() {
                conn.execute("DELETE FROM orders WHERE order_id = ?1", [id.to_string()])?;
                conn.execute(
                    "DELETE FROM order_lines WHERE order_id = ?1",
                    [id.to_string()],
                )?;
                return Ok(None);
            }
            // The log holds each event once and reads a stream in agreed order.
            let mut state = order::fold_ordered(id, events);
            let conflicts = write_order(conn, &mut state, lines)?;
            Ok(Some(OrderRecord { state, conflicts }))
        }
        stream => {
            let Some(last) = events.last() else {
                conn.execute(
                    "DELETE FROM projections WHERE stream = ?1",
                    [stream.to_string()],
                )?;
                return Ok(None);
            };
            let state = match stream {
                StreamId::Catalog => json(&latest(events, |b| match b {
                    EventBody::CatalogPublished(c) => Some(c),
                    _ => None,
                }))?,
                StreamId::Settings => json(&latest(events, |b| match b {
                    EventBody::SettingsPublished(s) => Some(s),
                    _ => None,
                }))?,
                StreamId::Employees => json(&fold_employees(events))?,
                StreamId::Devices => json(&fold_devices(events))?,
                StreamId::Printers => json(&fold_printers(events))?,
                StreamId::Drawer(_) => json(&DrawerLog::fold(events))?,
                StreamId::Order(_) => {
                    return Err(StoreError::Corrupt("order stream in projections".into()));
                }
            };
            write_small(conn, stream, &state, last.key())?;
            Ok(None)
        }
    }
}

/// Drops every projection row and rebuilds them all from the event log. Returns the number of
/// streams projected.
pub(crate) fn reproject_all(conn: &Connection) -> Result<usize, StoreError> {
    conn.execute("DELETE FROM order_lines", [])?;
    conn.execute("DELETE FROM orders", [])?;
    conn.execute("DELETE FROM projections", [])?;
    sql::for_each_stream_raw(conn, |stream, raw| {
        let events = raw
            .into_iter()
            .map(sql::RawEvent::decode)
            .collect::<Result<Vec<_>, _>>()?;
        project(conn, stream, &events, Lines::Fresh).map(|_| ())
    })
}

/// Projects the events held as from a newer version that this build decodes (after an update):
/// their held mark goes and their streams are folded again. A payload that still does not match
/// its kind stays held as refused. Returns how many events were released.
pub(crate) fn release_known(conn: &Connection) -> Result<usize, StoreError> {
    let held: Vec<i64> = conn
        .prepare("SELECT event_seq FROM held_events WHERE why = 'newer' ORDER BY event_seq")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let mut streams = std::collections::BTreeSet::new();
    let mut released = 0;
    for seq in held {
        let s = sql::stored_by_seq(conn, seq)?;
        let Ok(stream) = s.stream.parse::<StreamId>() else {
            continue;
        };
        match codec::decode_body_str(&s.kind, s.schema, s.payload.as_str()) {
            Ok(body) => {
                conn.execute("DELETE FROM held_events WHERE event_seq = ?1", [seq])?;
                sql::index_event(conn, seq, &s, &body)?;
                streams.insert(stream);
                released += 1;
            }
            Err(e @ codec::CodecError::BadPayload { .. }) => {
                conn.execute(
                    "UPDATE held_events SET why = 'refused', reason = ?2 WHERE event_seq = ?1",
                    params![seq, e.to_string()],
                )?;
            }
            Err(_) => {}
        }
    }
    for stream in streams {
        refold(conn, stream)?;
    }
    Ok(released)
}

/// Brings an order's projection up to date after `e` was inserted, from its record as it was
/// (`current`, from the store's cache or its rows; `None` when it has none). Returns the new
/// record.
pub(crate) fn apply_order(
    conn: &Connection,
    current: Option<OrderRecord>,
    e: &Event,
) -> Result<Option<OrderRecord>, StoreError> {
    apply_order_events(conn, current, std::slice::from_ref(e))
}

/// Brings an order's projection up to date after `events` (new to it, in agreed order) were
/// inserted: incrementally when they all sort after the last event applied (the usual case:
/// what a peer sends is newer than what this node had), else by folding the stream again.
pub(crate) fn apply_order_events(
    conn: &Connection,
    current: Option<OrderRecord>,
    events: &[Event],
) -> Result<Option<OrderRecord>, StoreError> {
    let Some(first) = events.first() else {
        return Ok(current);
    };
    let Some(OrderRecord { mut state, .. }) = current else {
        // A new order (the common case of a peer's page): when the log holds no other
        // projectable event of it, `events` is the whole stream, and reading it back is waste;
        // it has no rows yet, so they are plain inserts.
        if sql::stream_len(conn, first.stream)? == events.len() as u64 {
            return project(conn, first.stream, events, Lines::Fresh);
        }
        return refold(conn, first.stream);
    };
    if state.last_key.is_none_or(|k| first.key() <= k) {
        return refold(conn, first.stream);
    }
    let mut touched = Vec::new();
    for e in events {
        state.apply(e);
        touched.extend(touched_lines(&state, &e.body));
    }
    touched.sort_unstable();
    touched.dedup();
    let conflicts = write_order(conn, &mut state, Lines::Only(touched))?;
    Ok(Some(OrderRecord { state, conflicts }))
}

/// The positions of the lines an event changed (its own line, the lines it fired).
fn touched_lines(state: &OrderState, body: &EventBody) -> Vec<usize> {
    let pos = |id: comanda_domain::ids::LineId| state.lines.iter().position(|l| l.line_id == id);
    match body {
        EventBody::LineAdded(a) => pos(a.line_id).into_iter().collect(),
        EventBody::LineChanged(c) => pos(c.line_id).into_iter().collect(),
        EventBody::LineVoided(v) => pos(v.line_id).into_iter().collect(),
        EventBody::OrderFired(f) => f.line_ids.iter().filter_map(|id| pos(*id)).collect(),
        _ => Vec::new(),
    }
}

/// An order's record as its rows hold it: the header with its lines put back.
pub(crate) fn read_order(
    conn: &Connection,
    id: OrderId,
) -> Result<Option<OrderRecord>, StoreError> {
    let row: Option<(String, String)> = conn
        .prepare_cached("SELECT state, conflicts FROM orders WHERE order_id = ?1")?
        .query_row([id.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let Some((header, conflicts)) = row else {
        return Ok(None);
    };
    let mut state: OrderState = serde_json::from_str(&header)?;
    let mut stmt =
        conn.prepare_cached("SELECT state FROM order_lines WHERE order_id = ?1 ORDER BY pos")?;
    let mut rows = stmt.query([id.to_string()])?;
    while let Some(r) = rows.next()? {
        let text: String = r.get(0)?;
        state.lines.push(serde_json::from_str::<LineState>(&text)?);
    }
    Ok(Some(OrderRecord {
        state,
        conflicts: serde_json::from_str::<Vec<Conflict>>(&conflicts)?,
    }))
}

fn apply_small(conn: &Connection, stream: StreamId, e: &Event) -> Result<(), StoreError> {
    let stored: Option<(String, EventKey)> = load_small(conn, stream)?;
    let Some((state, last)) = stored else {
        return refold(conn, stream).map(|_| ());
    };
    if e.key() <= last {
        return refold(conn, stream).map(|_| ());
    }
    let state = match (&e.body, stream) {
        (EventBody::CatalogPublished(c), StreamId::Catalog) => json(&Some(c))?,
        (EventBody::SettingsPublished(s), StreamId::Settings) => json(&Some(s))?,
        // The devices' and the staff's folds have rules of their own (a revocation is final,
        // an address is the device's own word; a change that would leave no manager is held
        // back): always folded whole; these streams are a few events per device or person.
        (_, StreamId::Devices | StreamId::Employees | StreamId::Printers) => {
            return refold(conn, stream).map(|_| ());
        }
        // A drawer opens many times a day: its log takes each opening in as it comes.
        (_, StreamId::Drawer(_)) => {
            let mut log: DrawerLog = serde_json::from_str(&state)?;
            log.apply(e);
            json(&log)?
        }
        _ => state,
    };
    write_small(conn, stream, &state, e.key())
}

/// The payload of the last event (by agreed order) that `pick` accepts.
fn latest<'a, T>(
    events: &'a [Event],
    pick: impl Fn(&'a EventBody) -> Option<&'a T>,
) -> Option<&'a T> {
    let mut best: Option<(EventKey, &T)> = None;
    for e in events {
        if let Some(v) = pick(&e.body)
            && best.is_none_or(|(k, _)| e.key() > k)
        {
            best = Some((e.key(), v));
        }
    }
    best.map(|(_, v)| v)
}

fn json<T: Serialize>(v: &T) -> Result<String, StoreError> {
    Ok(serde_json::to_string(v)?)
}

fn load_small(
    conn: &Connection,
    stream: StreamId,
) -> Result<Option<(String, EventKey)>, StoreError> {
    let row = conn
        .query_row(
            "SELECT state, last_hlc_wall_ms, last_hlc_counter, last_hlc_device, last_event_id
             FROM projections WHERE stream = ?1",
            [stream.to_string()],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                ))
            },
        )
        .optional()?;
    let Some((state, wall, counter, device, id)) = row else {
        return Ok(None);
    };
    let key = (
        comanda_domain::hlc::Hlc {
            wall_ms: uint(wall, "last_hlc_wall_ms")?,
            counter: uint32(counter, "last_hlc_counter")?,
            device: sql::parse(&device, "last_hlc_device")?,
        },
        sql::parse(&id, "last_event_id")?,
    );
    Ok(Some((state, key)))
}

/// The state of a small stream (`catalog`, `settings`, `employees`), decoded.
pub(crate) fn small_state<T: DeserializeOwned>(
    conn: &Connection,
    stream: StreamId,
) -> Result<Option<T>, StoreError> {
    let text: Option<String> = conn
        .query_row(
            "SELECT state FROM projections WHERE stream = ?1",
            [stream.to_string()],
            |r| r.get(0),
        )
        .optional()?;
    text.map(|t| serde_json::from_str(&t))
        .transpose()
        .map_err(StoreError::from)
}

/// The catalog in force.
pub(crate) fn catalog(conn: &Connection) -> Result<Option<Catalog>, StoreError> {
    Ok(small_state::<Option<Catalog>>(conn, StreamId::Catalog)?.flatten())
}

/// The settings in force.
pub(crate) fn settings(conn: &Connection) -> Result<Option<StoreSettings>, StoreError> {
    Ok(small_state::<Option<StoreSettings>>(conn, StreamId::Settings)?.flatten())
}

/// Every employee, latest record each.
pub(crate) fn devices(
    conn: &Connection,
) -> Result<BTreeMap<comanda_domain::ids::DeviceId, DeviceRecord>, StoreError> {
    Ok(small_state(conn, StreamId::Devices)?.unwrap_or_default())
}

/// Every printer of the store, latest record each.
pub(crate) fn printers(
    conn: &Connection,
) -> Result<BTreeMap<comanda_domain::ids::PrinterId, PrinterSaved>, StoreError> {
    Ok(small_state(conn, StreamId::Printers)?.unwrap_or_default())
}

/// A cash drawer's log (how many openings, the last one).
pub(crate) fn drawer(
    conn: &Connection,
    printer: comanda_domain::ids::PrinterId,
) -> Result<DrawerLog, StoreError> {
    Ok(small_state(conn, StreamId::Drawer(printer))?.unwrap_or_default())
}

pub(crate) fn employees(
    conn: &Connection,
) -> Result<BTreeMap<EmployeeId, EmployeeRecord>, StoreError> {
    Ok(small_state(conn, StreamId::Employees)?.unwrap_or_default())
}

fn write_small(
    conn: &Connection,
    stream: StreamId,
    state: &str,
    key: EventKey,
) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO projections (stream, state, last_hlc_wall_ms, last_hlc_counter,
                                  last_hlc_device, last_event_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (stream) DO UPDATE SET
             state = excluded.state,
             last_hlc_wall_ms = excluded.last_hlc_wall_ms,
             last_hlc_counter = excluded.last_hlc_counter,
             last_hlc_device = excluded.last_hlc_device,
             last_event_id = excluded.last_event_id",
        params![
            stream.to_string(),
            state,
            int(key.0.wall_ms, "hlc wall")?,
            key.0.counter,
            key.0.device.to_string(),
            key.1.to_string(),
        ],
    )?;
    Ok(())
}

/// The text of an order's status column.
pub(crate) fn status_text(s: OrderStatus) -> &'static str {
    match s {
        OrderStatus::Open => "open",
        OrderStatus::Closed => "closed",
        OrderStatus::Cancelled => "cancelled",
    }
}

/// Which line rows of an order to write.
#[derive(Debug, Clone)]
enum Lines {
    /// All of them, onto a table where the order has no rows (every projection is being
    /// rebuilt, or the order is new): plain inserts.
    Fresh,
    /// All of them (a refold): the old rows are dropped first.
    All,
    /// These positions only (an incremental apply).
    Only(Vec<usize>),
}

/// Upserts an order's row and the line rows asked for; returns its conflicts. Every column is
/// derived from `state` alone (never from the clock), so the incremental path and a refold write
/// identical rows.
fn write_order(
    conn: &Connection,
    state: &mut OrderState,
    lines: Lines,
) -> Result<Vec<Conflict>, StoreError> {
    let positions: Vec<usize> = match &lines {
        Lines::Fresh | Lines::All => (0..state.lines.len()).collect(),
        Lines::Only(p) => p.clone(),
    };
    let rows = OrderRows::of(state, &positions)?;
    rows.write(conn, &lines)?;
    Ok(rows.conflicts)
}

/// The statement that writes an order's row (without its upsert clause).
macro_rules! insert_order {
    () => {
        "INSERT INTO orders (order_id, number, status, label, total, paid, balance, line_count,
                             conflict_count, opened_ms, updated_ms, closed_ms, last_hlc_wall_ms,
                             last_hlc_counter, last_hlc_device, last_event_id, state, conflicts)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)"
    };
}
const INSERT_ORDER: &str = insert_order!();
const UPSERT_ORDER: &str = concat!(
    insert_order!(),
    " ON CONFLICT (order_id) DO UPDATE SET
         number = excluded.number, status = excluded.status, label = excluded.label,
         total = excluded.total, paid = excluded.paid, balance = excluded.balance,
         line_count = excluded.line_count, conflict_count = excluded.conflict_count,
         opened_ms = excluded.opened_ms, updated_ms = excluded.updated_ms,
         closed_ms = excluded.closed_ms, last_hlc_wall_ms = excluded.last_hlc_wall_ms,
         last_hlc_counter = excluded.last_hlc_counter, last_hlc_device = excluded.last_hlc_device,
         last_event_id = excluded.last_event_id, state = excluded.state,
         conflicts = excluded.conflicts"
);

/// An order's rows, derived from its state alone (no IO), then written.
struct OrderRows {
    order_id: String,
    number: u32,
    status: &'static str,
    label: String,
    total: i64,
    paid: i64,
    balance: i64,
    line_count: i64,
    conflict_count: i64,
    opened_ms: i64,
    updated_ms: i64,
    closed_ms: Option<i64>,
    hlc_counter: u32,
    hlc_device: String,
    last_event_id: String,
    /// The state without its lines, as JSON.
    header: String,
    conflicts_json: String,
    /// The line rows to write: position and JSON.
    lines: Vec<(i64, String)>,
    /// The order's conflicts.
    conflicts: Vec<Conflict>,
}

impl OrderRows {
    /// The rows of `state`, with the lines at `positions`. `state` is lent mutably only to
    /// serialise the header without its lines; it is given back whole.
    fn of(state: &mut OrderState, positions: &[usize]) -> Result<OrderRows, StoreError> {
        let Some((hlc, last_id)) = state.last_key else {
            return Err(StoreError::Corrupt(format!(
                "order {} has no events to project",
                state.order_id
            )));
        };
        let header = {
            let lines = std::mem::take(&mut state.lines);
            let text = json(&*state);
            state.lines = lines;
            text?
        };
        let totals = state.totals();
        let conflicts = state.conflicts_with(&totals);
        let status = state.status_with(&totals);
        let closed_ms = match status {
            OrderStatus::Closed => state.closed.map(|s| s.at_ms),
            OrderStatus::Cancelled => state.cancelled.as_ref().map(|c| c.stamp.at_ms),
            OrderStatus::Open => None,
        };
        let opened_ms = state.opened.map_or(hlc.wall_ms, |s| s.at_ms);
        let mut lines = Vec::with_capacity(positions.len());
        for p in positions {
            if let Some(l) = state.lines.get(*p) {
                lines.push((int(*p as u64, "line position")?, json(l)?));
            }
        }
        Ok(OrderRows {
            order_id: state.order_id.to_string(),
            number: state.number,
            status: status_text(status),
            label: OrderType::label_of(state.order_type.as_ref()),
            total: totals.total.minor(),
            paid: totals.paid.minor(),
            balance: totals.balance.minor(),
            line_count: int(state.live_lines().count() as u64, "line count")?,
            conflict_count: int(conflicts.len() as u64, "conflict count")?,
            opened_ms: int(opened_ms, "opened_ms")?,
            updated_ms: int(hlc.wall_ms, "updated_ms")?,
            closed_ms: closed_ms.map(|m| int(m, "closed_ms")).transpose()?,
            hlc_counter: hlc.counter,
            hlc_device: hlc.device.to_string(),
            last_event_id: last_id.to_string(),
            header,
            conflicts_json: json(&conflicts)?,
            lines,
            conflicts,
        })
    }

    /// Writes the order's row and its line rows (`lines` says whether old line rows may be
    /// there).
    fn write(&self, conn: &Connection, lines: &Lines) -> Result<(), StoreError> {
        if matches!(lines, Lines::All) {
            conn.prepare_cached("DELETE FROM order_lines WHERE order_id = ?1")?
                .execute([&self.order_id])?;
        }
        // Onto emptied tables (a re-projection) a plain insert; otherwise an upsert.
        let sql = match lines {
            Lines::Fresh => INSERT_ORDER,
            _ => UPSERT_ORDER,
        };
        conn.prepare_cached(sql)?.execute(params![
            self.order_id,
            self.number,
            self.status,
            self.label,
            self.total,
            self.paid,
            self.balance,
            self.line_count,
            self.conflict_count,
            self.opened_ms,
            self.updated_ms,
            self.closed_ms,
            self.updated_ms,
            self.hlc_counter,
            self.hlc_device,
            self.last_event_id,
            self.header,
            self.conflicts_json,
        ])?;
        let mut stmt = conn.prepare_cached(match lines {
            Lines::Fresh => "INSERT INTO order_lines (order_id, pos, state) VALUES (?1, ?2, ?3)",
            _ => {
                "INSERT INTO order_lines (order_id, pos, state) VALUES (?1, ?2, ?3)
                 ON CONFLICT (order_id, pos) DO UPDATE SET state = excluded.state"
            }
        })?;
        for (pos, text) in &self.lines {
            stmt.execute(params![self.order_id, pos, text])?;
        }
        Ok(())
    }
}
