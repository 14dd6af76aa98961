//! The reads, written once over a `&Connection` and offered on both [`Reader`] (the reader
//! connection) and [`Tx`](crate::Tx) (inside a write, so a command can read then write in one
//! transaction).

use std::collections::{BTreeMap, BTreeSet};

use comanda_domain::ids::{DeviceId, OrderId};
use comanda_domain::order::OrderStatus;
use comanda_domain::vector::{Held, VersionVector};
use rusqlite::{Connection, Row, params};

use crate::error::StoreError;
use crate::project;
use crate::sql::{self, uint, uint32};
use crate::types::{DeadLetter, DeviceInfo, OrderFilter, OrderRecord, OrderSummary, OutboxStats};

/// A read-only view of the store, inside one read transaction (a consistent snapshot).
/// Get one from [`Store::read`](crate::Store::read).
pub struct Reader<'a> {
    pub(crate) conn: &'a Connection,
}

/// Adds the read methods to a type with a `fn conn(&self) -> &Connection`.
macro_rules! read_methods {
    ($ty:ident) => {
        impl $ty<'_> {
            /// This terminal's identity and last `device_seq`.
            pub fn device(&self) -> Result<$crate::DeviceInfo, $crate::StoreError> {
                $crate::reads::device(self.conn())
            }
            /// The ids this node's printers may be set up under: its device id, and the one its
            /// pairing was made under if it took a fresh one after a restore.
            pub fn node_ids(
                &self,
            ) -> Result<Vec<::comanda_domain::ids::DeviceId>, $crate::StoreError> {
                Ok($crate::sql::load_device(self.conn())?.ids())
            }
            /// The orders whose last change is at or after `from_ms`, latest change first, at
            /// most `limit`: what the kitchen's board and its reports look through.
            pub fn orders_touched_since(
                &self,
                from_ms: u64,
                limit: u32,
            ) -> Result<Vec<$crate::OrderRecord>, $crate::StoreError> {
                $crate::reads::orders_touched_since(self.conn(), from_ms, limit)
            }
            /// The kitchen screens paired with this terminal, newest first (revoked ones too).
            pub fn screens(&self) -> Result<Vec<$crate::ScreenRecord>, $crate::StoreError> {
                $crate::screens::screens(self.conn())
            }
            /// The live screen holding a token of this hash.
            pub fn screen_by_token(
                &self,
                token_hash: &str,
            ) -> Result<Option<$crate::ScreenRecord>, $crate::StoreError> {
                $crate::screens::screen_by_token(self.conn(), token_hash)
            }
            /// Orders newest first (by opening time, then number), filtered by status.
            pub fn list_orders(
                &self,
                filter: &$crate::OrderFilter,
            ) -> Result<Vec<$crate::OrderSummary>, $crate::StoreError> {
                $crate::reads::list_orders(self.conn(), filter)
            }
            /// The menu in force (the latest `CatalogPublished` by agreed order).
            pub fn catalog(
                &self,
            ) -> Result<Option<::comanda_domain::catalog::Catalog>, $crate::StoreError> {
                $crate::project::catalog(self.conn())
            }
            /// The settings in force (the latest `SettingsPublished` by agreed order).
            pub fn settings(
                &self,
            ) -> Result<Option<::comanda_domain::employee::StoreSettings>, $crate::StoreError> {
                $crate::project::settings(self.conn())
            }
            /// Every employee, each with their latest record.
            pub fn employees(
                &self,
            ) -> Result<
                ::std::collections::BTreeMap<
                    ::comanda_domain::ids::EmployeeId,
                    ::comanda_domain::employee::EmployeeRecord,
                >,
                $crate::StoreError,
            > {
                $crate::project::employees(self.conn())
            }
            /// The store's devices as the log says (pairings, revocations, addresses).
            pub fn devices(
                &self,
            ) -> Result<
                ::std::collections::BTreeMap<
                    ::comanda_domain::ids::DeviceId,
                    ::comanda_domain::device::DeviceRecord,
                >,
                $crate::StoreError,
            > {
                $crate::project::devices(self.conn())
            }
            /// The store's printers, latest record each.
            pub fn printers(
                &self,
            ) -> Result<
                ::std::collections::BTreeMap<
                    ::comanda_domain::ids::PrinterId,
                    ::comanda_domain::printer::PrinterSaved,
                >,
                $crate::StoreError,
            > {
                $crate::project::printers(self.conn())
            }
            /// A cash drawer's log (named by the printer it is wired to).
            pub fn drawer(
                &self,
                printer: ::comanda_domain::ids::PrinterId,
            ) -> Result<::comanda_domain::printer::DrawerLog, $crate::StoreError> {
                $crate::project::drawer(self.conn(), printer)
            }
            /// The print queue of this node's printers, newest first, at most `limit`; only the
            /// jobs not done when `open_only`.
            pub fn print_jobs(
                &self,
                open_only: bool,
                limit: u32,
            ) -> Result<Vec<$crate::PrintJob>, $crate::StoreError> {
                $crate::print::jobs(self.conn(), open_only, limit)
            }
            /// One print job.
            pub fn print_job(
                &self,
                job_id: &str,
            ) -> Result<Option<$crate::PrintJob>, $crate::StoreError> {
                $crate::print::job(self.conn(), job_id)
            }
            /// A stream's events in agreed order.
            pub fn stream_events(
                &self,
                stream: ::comanda_domain::event::StreamId,
            ) -> Result<Vec<::comanda_domain::event::Event>, $crate::StoreError> {
                $crate::sql::stream_events(self.conn(), stream)
            }
            /// The order an id a caller may choose (an order's, a line's, a payment's, a
            /// discount's, a refund's) already belongs to, and its kind (`"line"`…).
            pub fn entity_owner(
                &self,
                id: &str,
            ) -> Result<Option<(String, ::comanda_domain::ids::OrderId)>, $crate::StoreError> {
                $crate::sql::entity_owner(self.conn(), id)
            }
            /// The events that name an approving manager (the audit), newest first.
            pub fn approved_events(
                &self,
                limit: u32,
            ) -> Result<Vec<::comanda_domain::event::Event>, $crate::StoreError> {
                $crate::sql::approved_events(self.conn(), limit)
            }
            /// What this node holds of each device's sequence: the version vector it shows a
            /// peer (held events count; events put aside for being ahead do not).
            pub fn vector(
                &self,
            ) -> Result<::comanda_domain::vector::VersionVector, $crate::StoreError> {
                $crate::reads::vector(self.conn())
            }
            /// This terminal's events not delivered yet that were made under an identity it had
            /// before a restore (not its current device id): their sequences, per device.
            pub fn unsent_under_former_ids(
                &self,
            ) -> Result<
                ::std::collections::BTreeMap<
                    ::comanda_domain::ids::DeviceId,
                    ::std::collections::BTreeSet<u64>,
                >,
                $crate::StoreError,
            > {
                $crate::reads::unsent_under_former_ids(self.conn())
            }
            /// One device's events after `after_seq`, in sequence order, at most `limit`, as
            /// they were made (what a peer lacks).
            pub fn device_events_after(
                &self,
                device: ::comanda_domain::ids::DeviceId,
                after_seq: u64,
                limit: u32,
            ) -> Result<Vec<::comanda_domain::codec::StoredEvent>, $crate::StoreError> {
                $crate::sql::device_events_after(self.conn(), device, after_seq, limit)
            }
            /// The nodes this terminal syncs with, as last seen, by peer id.
            pub fn peers(&self) -> Result<Vec<$crate::PeerRecord>, $crate::StoreError> {
                $crate::peers::peers(self.conn())
            }
            /// The store this terminal joined had nobody on its staff, as its hub said.
            pub fn joined_empty_store(&self) -> Result<bool, $crate::StoreError> {
                $crate::peers::joined_empty_store(self.conn())
            }
            /// The store's PIN pepper, once this terminal is paired.
            pub fn pin_pepper(&self) -> Result<Option<Vec<u8>>, $crate::StoreError> {
                $crate::peers::pin_pepper(self.conn())
            }
            /// PINs found shared at sign-ins.
            pub fn pin_clashes(&self) -> Result<Vec<$crate::PinClash>, $crate::StoreError> {
                $crate::peers::pin_clashes(self.conn())
            }
            /// This node's TLS identity (certificate, key; DER), once it has one.
            pub fn identity(&self) -> Result<Option<$crate::NodeIdentity>, $crate::StoreError> {
                $crate::peers::identity(self.conn())
            }
            /// The peers this terminal asks for exchanges (set at pairing), with their tokens.
            pub fn sync_peers(&self) -> Result<Vec<$crate::SyncPeer>, $crate::StoreError> {
                $crate::peers::sync_peers(self.conn())
            }
            /// How many events are held in the log without being projected (`newer`: from a
            /// newer version; `refused`: a payload that does not match its kind).
            pub fn held_counts(&self) -> Result<(u64, u64), $crate::StoreError> {
                let (newer, refused): (i64, i64) = self.conn().query_row(
                    "SELECT count(*) FILTER (WHERE why = 'newer'),
                            count(*) FILTER (WHERE why = 'refused') FROM held_events",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )?;
                Ok((
                    $crate::sql::uint(newer, "held")?,
                    $crate::sql::uint(refused, "held")?,
                ))
            }
            /// How many events wait aside for being stamped past the drift bound.
            pub fn deferred_count(&self) -> Result<u64, $crate::StoreError> {
                let n: i64 =
                    self.conn()
                        .query_row("SELECT count(*) FROM future_events", [], |r| r.get(0))?;
                $crate::sql::uint(n, "deferred count")
            }
            /// How many events are stored (local and received).
            pub fn event_count(&self) -> Result<u64, $crate::StoreError> {
                $crate::reads::event_count(self.conn())
            }
            /// How many local events wait for a sync endpoint, and since when.
            pub fn outbox_stats(&self) -> Result<$crate::OutboxStats, $crate::StoreError> {
                $crate::reads::outbox_stats(self.conn())
            }
            /// How many dead letters are kept, and how many of them no one has reviewed yet
            /// (a count, for badges and metrics: the rows themselves are not read).
            pub fn dead_letter_counts(&self) -> Result<(u64, u64), $crate::StoreError> {
                let (all, open): (i64, i64) = self.conn().query_row(
                    "SELECT count(*), count(*) FILTER (WHERE reviewed = 0) FROM dead_letters",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )?;
                Ok((
                    $crate::sql::uint(all, "dead letters")?,
                    $crate::sql::uint(open, "dead letters")?,
                ))
            }
            /// Everything put aside as undecodable, oldest first.
            pub fn dead_letters(&self) -> Result<Vec<$crate::DeadLetter>, $crate::StoreError> {
                $crate::reads::dead_letters(self.conn())
            }
            /// Per device, the digest of the event ids held ([`crate::id_digest`] XORed).
            pub fn digests(
                &self,
            ) -> Result<
                ::std::collections::BTreeMap<::comanda_domain::ids::DeviceId, u64>,
                $crate::StoreError,
            > {
                let rows: Vec<(String, Option<i64>)> = self
                    .conn()
                    .prepare_cached("SELECT device_id, digest FROM device_heads")?
                    .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                    .collect::<Result<_, _>>()?;
                rows.into_iter()
                    .map(|(d, digest)| {
                        Ok((
                            $crate::sql::parse(&d, "device id")?,
                            digest.unwrap_or(0).cast_unsigned(),
                        ))
                    })
                    .collect()
            }
            /// Who looked at each reviewed dead letter (an employee id as text) and their note,
            /// by row id.
            pub fn dead_letter_reviews(
                &self,
            ) -> Result<
                ::std::collections::BTreeMap<i64, (Option<String>, Option<String>)>,
                $crate::StoreError,
            > {
                let mut stmt = self.conn().prepare(
                    "SELECT id, reviewed_by, review_note FROM dead_letters WHERE reviewed = 1",
                )?;
                let rows = stmt
                    .query_map([], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))))?
                    .collect::<Result<_, _>>()?;
                Ok(rows)
            }
            /// Events waiting aside for being stamped past the drift bound, oldest stamp first,
            /// with when each was received.
            pub fn deferred_events(
                &self,
            ) -> Result<Vec<(::comanda_domain::codec::StoredEvent, u64)>, $crate::StoreError> {
                $crate::reads::deferred_events(self.conn())
            }
            /// Events held in the log from a newer version of Comanda (not projected yet).
            pub fn newer_events(
                &self,
            ) -> Result<Vec<::comanda_domain::codec::StoredEvent>, $crate::StoreError> {
                $crate::reads::newer_events(self.conn())
            }
        }
    };
}
pub(crate) use read_methods;

impl<'a> Reader<'a> {
    fn conn(&self) -> &'a Connection {
        self.conn
    }

    /// One order's state and conflicts, if any event of it is known (read from its rows: the
    /// reader sees the last commit, never a write in progress).
    pub fn order(&self, id: OrderId) -> Result<Option<OrderRecord>, StoreError> {
        project::read_order(self.conn, id)
    }
}

read_methods!(Reader);

pub(crate) fn device(conn: &Connection) -> Result<DeviceInfo, StoreError> {
    let d = sql::load_device(conn)?;
    Ok(DeviceInfo {
        device_id: d.device_id,
        store_id: d.store_id,
        last_seq: d.last_seq,
        paired: d.paired,
        terminal_no: d.terminal_no,
        node_id: d.rekey_from.unwrap_or(d.device_id),
    })
}

/// The columns of a summary, as read.
type SummaryRow = (
    String,
    i64,
    String,
    String,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    Option<i64>,
);

fn summary_row(r: &Row<'_>) -> rusqlite::Result<SummaryRow> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
        r.get(7)?,
        r.get(8)?,
        r.get(9)?,
        r.get(10)?,
        r.get(11)?,
    ))
}

fn status_from(s: &str) -> Result<OrderStatus, StoreError> {
    match s {
        "open" => Ok(OrderStatus::Open),
        "closed" => Ok(OrderStatus::Closed),
        "cancelled" => Ok(OrderStatus::Cancelled),
        other => Err(StoreError::Corrupt(format!("bad order status {other:?}"))),
    }
}

/// The order-list query, newest first: with a status (`?1` status, `?2` limit) or without (`?1`
/// limit). Two statements, not `?1 IS NULL OR status = ?1`: that form keeps SQLite off the index
/// and makes it scan and sort every order.
fn list_sql(with_status: bool) -> String {
    const COLUMNS: &str = "SELECT order_id, number, status, label, total, paid, balance,
                line_count, conflict_count, opened_ms, updated_ms, closed_ms FROM orders";
    const ORDER: &str = "ORDER BY opened_ms DESC, number DESC, order_id DESC LIMIT";
    if with_status {
        format!("{COLUMNS} WHERE status = ?1 {ORDER} ?2")
    } else {
        format!("{COLUMNS} {ORDER} ?1")
    }
}

pub(crate) fn orders_touched_since(
    conn: &Connection,
    from_ms: u64,
    limit: u32,
) -> Result<Vec<OrderRecord>, StoreError> {
    let ids: Vec<String> = conn
        .prepare_cached(
            "SELECT order_id FROM orders WHERE updated_ms >= ?1 \
             ORDER BY updated_ms DESC, order_id DESC LIMIT ?2",
        )?
        .query_map(
            params![i64::try_from(from_ms).unwrap_or(i64::MAX), limit],
            |r| r.get(0),
        )?
        .collect::<Result<_, _>>()?;
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(rec) = project::read_order(conn, sql::parse(&id, "order id")?)? {
            out.push(rec);
        }
    }
    Ok(out)
}

pub(crate) fn list_orders(
    conn: &Connection,
    filter: &OrderFilter,
) -> Result<Vec<OrderSummary>, StoreError> {
    let rows = match filter.status {
        Some(status) => conn
            .prepare_cached(&list_sql(true))?
            .query_map(
                params![project::status_text(status), filter.limit],
                summary_row,
            )?
            .collect::<Result<Vec<_>, _>>()?,
        None => conn
            .prepare_cached(&list_sql(false))?
            .query_map(params![filter.limit], summary_row)?
            .collect::<Result<Vec<_>, _>>()?,
    };
    rows.into_iter()
        .map(|r| {
            Ok(OrderSummary {
                order_id: sql::parse(&r.0, "order id")?,
                number: uint32(r.1, "number")?,
                status: status_from(&r.2)?,
                label: r.3,
                total: r.4,
                paid: r.5,
                balance: r.6,
                line_count: uint32(r.7, "line_count")?,
                conflict_count: uint32(r.8, "conflict_count")?,
                opened_ms: uint(r.9, "opened_ms")?,
                updated_ms: uint(r.10, "updated_ms")?,
                closed_ms: r.11.map(|m| uint(m, "closed_ms")).transpose()?,
            })
        })
        .collect()
}

pub(crate) fn vector(conn: &Connection) -> Result<VersionVector, StoreError> {
    let mut v = VersionVector::new();
    let per_device: Vec<(String, i64, i64)> = conn
        .prepare_cached("SELECT device_id, count, max_seq FROM device_heads")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<_, _>>()?;
    for (device, count, max) in per_device {
        let id: DeviceId = sql::parse(&device, "device id")?;
        if count == max {
            // Sequences are unique per device and start at 1: n of them up to n is 1..=n.
            v.set(id, Held::upto(uint(max, "device_seq")?));
            continue;
        }
        let mut held = Held::default();
        let mut stmt = conn.prepare_cached(
            "SELECT device_seq FROM events WHERE device_id = ?1 ORDER BY device_seq",
        )?;
        let mut rows = stmt.query([&device])?;
        while let Some(r) = rows.next()? {
            held.insert(uint(r.get(0)?, "device_seq")?);
        }
        v.set(id, held);
    }
    Ok(v)
}

pub(crate) fn unsent_under_former_ids(
    conn: &Connection,
) -> Result<BTreeMap<DeviceId, BTreeSet<u64>>, StoreError> {
    let rows: Vec<(String, i64)> = conn
        .prepare_cached(
            "SELECT e.device_id, e.device_seq FROM outbox o JOIN events e ON e.seq = o.event_seq
             WHERE e.device_id <> (SELECT device_id FROM device WHERE id = 1)",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let mut out: BTreeMap<DeviceId, BTreeSet<u64>> = BTreeMap::new();
    for (device, seq) in rows {
        out.entry(sql::parse(&device, "device id")?)
            .or_default()
            .insert(uint(seq, "device_seq")?);
    }
    Ok(out)
}

pub(crate) fn event_count(conn: &Connection) -> Result<u64, StoreError> {
    let n: i64 = conn.query_row("SELECT count(*) FROM events", [], |r| r.get(0))?;
    uint(n, "event count")
}

pub(crate) fn outbox_stats(conn: &Connection) -> Result<OutboxStats, StoreError> {
    let (n, oldest): (i64, Option<i64>) = conn.query_row(
        "SELECT count(*),
                (SELECT enqueued_ms FROM outbox ORDER BY event_seq LIMIT 1)
         FROM outbox",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok(OutboxStats {
        waiting: uint(n, "outbox count")?,
        oldest_ms: oldest.map(|m| uint(m, "enqueued_ms")).transpose()?,
    })
}

pub(crate) fn deferred_events(
    conn: &Connection,
) -> Result<Vec<(comanda_domain::codec::StoredEvent, u64)>, StoreError> {
    let rows: Vec<(String, i64)> = conn
        .prepare("SELECT raw, received_ms FROM future_events ORDER BY wall_ms, id")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    rows.into_iter()
        .map(|(raw, received)| {
            Ok((
                serde_json::from_str(&raw).map_err(StoreError::from)?,
                uint(received, "received_ms")?,
            ))
        })
        .collect()
}

pub(crate) fn newer_events(
    conn: &Connection,
) -> Result<Vec<comanda_domain::codec::StoredEvent>, StoreError> {
    let seqs: Vec<i64> = conn
        .prepare("SELECT event_seq FROM held_events WHERE why = 'newer' ORDER BY event_seq")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    seqs.into_iter()
        .map(|seq| sql::stored_by_seq(conn, seq))
        .collect()
}

pub(crate) fn dead_letters(conn: &Connection) -> Result<Vec<DeadLetter>, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT id, event_id, received_ms, source, reason, raw, reviewed
         FROM dead_letters ORDER BY id",
    )?;
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, i64>(6)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    rows.into_iter()
        .map(|(id, event_id, received, source, reason, raw, reviewed)| {
            Ok(DeadLetter {
                id,
                event_id,
                received_ms: uint(received, "received_ms")?,
                source,
                reason,
                raw,
                reviewed: reviewed != 0,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::schema::{Role, connect, migrate};

    /// Regression: `WHERE ?1 IS NULL OR status = ?1` made every order list scan and sort the whole
    /// `orders` table (each row holds its whole state). Both lists must walk an index, unsorted.
    #[test]
    fn order_lists_walk_an_index_without_sorting() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = connect(&dir.path().join("t.sqlite"), Role::Writer).unwrap();
        migrate(&mut conn).unwrap();
        for (sql, wanted) in [
            (
                format!("EXPLAIN QUERY PLAN {}", super::list_sql(true)),
                "SEARCH orders USING INDEX orders_by_status_newest",
            ),
            (
                format!("EXPLAIN QUERY PLAN {}", super::list_sql(false)),
                "USING INDEX orders_newest",
            ),
        ] {
            let plan: Vec<String> = conn
                .prepare(&sql)
                .unwrap()
                .query_map(
                    rusqlite::params_from_iter(
                        ["open", "50"].iter().take(sql.matches('?').count()),
                    ),
                    |r| r.get::<_, String>(3),
                )
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            let plan = plan.join(" | ");
            assert!(plan.contains(wanted), "{sql}: {plan}");
            assert!(!plan.contains("TEMP B-TREE"), "{sql}: {plan}");
        }
    }
}
