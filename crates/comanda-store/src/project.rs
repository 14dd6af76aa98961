//! Keeping the projections (`orders`, `projections`) in step with the event log.
//!
//! **Invariant:** a projection row is a pure function of its stream's event set. A new event is
//! applied incrementally only when its key `(hlc, id)` sorts after the last key already applied;
//! otherwise the whole stream is folded again. Either way the row is the one a fresh fold gives,
//! so [`reproject_all`] never changes a row.

use std::collections::BTreeMap;

use comanda_domain::catalog::Catalog;
use comanda_domain::employee::{EmployeeRecord, StoreSettings, fold_employees};
use comanda_domain::event::{Event, EventBody, EventKey, OrderType, StreamId};
use comanda_domain::ids::{EmployeeId, OrderId};
use comanda_domain::order::{self, OrderState, OrderStatus};
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::StoreError;
use crate::sql::{self, int, uint, uint32};

/// Brings the projection of `e`'s stream up to date after `e` was inserted.
pub(crate) fn apply(conn: &Connection, e: &Event) -> Result<(), StoreError> {
    match e.stream {
        StreamId::Order(id) => apply_order(conn, id, e),
        stream => apply_small(conn, stream, e),
    }
}

/// Rebuilds the projection of one stream from all its events.
pub(crate) fn refold(conn: &Connection, stream: StreamId) -> Result<(), StoreError> {
    let events = sql::stream_events(conn, stream)?;
    project(conn, stream, &events)
}

/// Writes the projection of one stream from its events (in agreed order).
fn project(conn: &Connection, stream: StreamId, events: &[Event]) -> Result<(), StoreError> {
    match stream {
        StreamId::Order(id) => {
            if events.is_empty() {
                conn.execute("DELETE FROM orders WHERE order_id = ?1", [id.to_string()])?;
                return Ok(());
            }
            let (state, _) = order::fold(id, events);
            write_order(conn, &state)
        }
        stream => {
            let Some(last) = events.last() else {
                conn.execute(
                    "DELETE FROM projections WHERE stream = ?1",
                    [stream.to_string()],
                )?;
                return Ok(());
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
                StreamId::Order(_) => {
                    return Err(StoreError::Corrupt("order stream in projections".into()));
                }
            };
            write_small(conn, stream, &state, last.key())
        }
    }
}

/// Drops every projection row and rebuilds them all from the event log. Returns the number of
/// streams projected.
pub(crate) fn reproject_all(conn: &Connection) -> Result<usize, StoreError> {
    conn.execute("DELETE FROM orders", [])?;
    conn.execute("DELETE FROM projections", [])?;
    sql::for_each_stream(conn, |stream, events| project(conn, stream, &events))
}

fn apply_order(conn: &Connection, id: OrderId, e: &Event) -> Result<(), StoreError> {
    let stored: Option<String> = conn
        .query_row(
            "SELECT state FROM orders WHERE order_id = ?1",
            [id.to_string()],
            |r| r.get(0),
        )
        .optional()?;
    let mut state = match stored {
        Some(text) => serde_json::from_str::<OrderState>(&text)?,
        None => return refold(conn, e.stream),
    };
    if state.last_key.is_some_and(|k| e.key() > k) {
        state.apply(e);
        write_order(conn, &state)
    } else {
        refold(conn, e.stream)
    }
}

fn apply_small(conn: &Connection, stream: StreamId, e: &Event) -> Result<(), StoreError> {
    let stored: Option<(String, EventKey)> = load_small(conn, stream)?;
    let Some((state, last)) = stored else {
        return refold(conn, stream);
    };
    if e.key() <= last {
        return refold(conn, stream);
    }
    let state = match (&e.body, stream) {
        (EventBody::CatalogPublished(c), StreamId::Catalog) => json(&Some(c))?,
        (EventBody::SettingsPublished(s), StreamId::Settings) => json(&Some(s))?,
        (EventBody::EmployeeSaved(r), StreamId::Employees) => {
            let mut all: BTreeMap<EmployeeId, EmployeeRecord> = serde_json::from_str(&state)?;
            all.insert(r.record.employee_id, r.record.clone());
            json(&all)?
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

/// Upserts an order's row. Every column is derived from `state` alone (never from the clock),
/// so the incremental path and a refold write identical rows.
fn write_order(conn: &Connection, state: &OrderState) -> Result<(), StoreError> {
    let Some((hlc, last_id)) = state.last_key else {
        return Err(StoreError::Corrupt(format!(
            "order {} has no events to project",
            state.order_id
        )));
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
    let line_count = state.live_lines().count();
    conn.prepare_cached(
        "INSERT INTO orders (order_id, number, status, label, total, paid, balance, line_count,
                             conflict_count, opened_ms, updated_ms, closed_ms, last_hlc_wall_ms,
                             last_hlc_counter, last_hlc_device, last_event_id, state, conflicts)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)
         ON CONFLICT (order_id) DO UPDATE SET
             number = excluded.number, status = excluded.status, label = excluded.label,
             total = excluded.total, paid = excluded.paid, balance = excluded.balance,
             line_count = excluded.line_count, conflict_count = excluded.conflict_count,
             opened_ms = excluded.opened_ms, updated_ms = excluded.updated_ms,
             closed_ms = excluded.closed_ms, last_hlc_wall_ms = excluded.last_hlc_wall_ms,
             last_hlc_counter = excluded.last_hlc_counter,
             last_hlc_device = excluded.last_hlc_device, last_event_id = excluded.last_event_id,
             state = excluded.state, conflicts = excluded.conflicts",
    )?
    .execute(params![
        state.order_id.to_string(),
        state.number,
        status_text(status),
        OrderType::label_of(state.order_type.as_ref()),
        totals.total.minor(),
        totals.paid.minor(),
        totals.balance.minor(),
        int(line_count as u64, "line count")?,
        int(conflicts.len() as u64, "conflict count")?,
        int(opened_ms, "opened_ms")?,
        int(hlc.wall_ms, "updated_ms")?,
        closed_ms.map(|m| int(m, "closed_ms")).transpose()?,
        int(hlc.wall_ms, "hlc wall")?,
        hlc.counter,
        hlc.device.to_string(),
        last_id.to_string(),
        json(state)?,
        json(&conflicts)?,
    ])?;
    Ok(())
}
