//! The print queue of the printers this node drives (`print_jobs`).
//!
//! **Invariant (one ticket per fire and station):** a kitchen ticket's job is made in the
//! transaction that stores the fire implying it, whether this node appended the fire or took it
//! in from a peer, and only on the node the station's printer is plugged into. Its id is
//! [`ticket_job`] (the fire's event id and the station), inserted only if absent: the same fire
//! seen twice, re-delivered or re-projected makes no second job. A `TicketPrinted` stored here
//! (this node's own word, or the same word back from a peer after a restore) ends the job, and
//! makes it ended if the fire comes later: a fire replayed after a restore prints nothing when
//! its outcome came back with it.

use comanda_domain::event::{Event, EventBody, StreamId};
use comanda_domain::ids::{DeviceId, EventId, OrderId, PrinterId};
use comanda_domain::printer::{TicketOutcome, printer_for, ticket_job};
use rusqlite::{Connection, params};

use crate::error::StoreError;
use crate::project;
use crate::sql::{self, int, uint};

/// A job's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    /// Waiting for its printer.
    Queued,
    /// Being sent (a stop here leaves it so; the next open makes it unknown).
    Sending,
    /// Printed (or reprinted).
    Done,
    /// The printer could not print it (offline, no paper, cover open): kept, sent when it can.
    Failed,
    /// Maybe on paper: sent again only when a person asks for a reprint.
    Unknown,
}

impl JobState {
    fn as_str(self) -> &'static str {
        match self {
            JobState::Queued => "queued",
            JobState::Sending => "sending",
            JobState::Done => "done",
            JobState::Failed => "failed",
            JobState::Unknown => "unknown",
        }
    }

    fn parse(s: &str) -> Result<JobState, StoreError> {
        Ok(match s {
            "queued" => JobState::Queued,
            "sending" => JobState::Sending,
            "done" => JobState::Done,
            "failed" => JobState::Failed,
            "unknown" => JobState::Unknown,
            other => return Err(StoreError::Corrupt(format!("print job state {other:?}"))),
        })
    }
}

/// What a job prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum JobKind {
    /// A kitchen ticket (`ticket:<fire>:<station>`).
    Ticket,
    /// A customer receipt (`receipt:<payment or request>`).
    Receipt,
    /// A cash drawer kick (`drawer:<payment, refund or request>`): never retried.
    Drawer,
    /// A test page.
    Test,
}

impl JobKind {
    /// Its name in the store and in views.
    pub fn as_str(self) -> &'static str {
        match self {
            JobKind::Ticket => "ticket",
            JobKind::Receipt => "receipt",
            JobKind::Drawer => "drawer",
            JobKind::Test => "test",
        }
    }

    fn parse(s: &str) -> Result<JobKind, StoreError> {
        Ok(match s {
            "ticket" => JobKind::Ticket,
            "receipt" => JobKind::Receipt,
            "drawer" => JobKind::Drawer,
            "test" => JobKind::Test,
            other => return Err(StoreError::Corrupt(format!("print job kind {other:?}"))),
        })
    }
}

/// A receipt or drawer job a command asks for, in the transaction of what implies it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewJob {
    /// Its id (`receipt:<…>`, `drawer:<…>`): asked twice, made once.
    pub job_id: String,
    /// The printer.
    pub printer_id: PrinterId,
    /// What it prints.
    pub kind: JobKind,
    /// The order, for a receipt or a sale's kick.
    pub order_id: Option<OrderId>,
    /// What the worker needs beyond the order (a kick's reason, as JSON).
    pub detail: Option<String>,
}

/// One job of the queue.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PrintJob {
    /// Its id (`ticket:<fire>:<station>`, `receipt:<…>`, `drawer:<…>`).
    pub job_id: String,
    /// The printer.
    pub printer_id: PrinterId,
    /// What it prints.
    pub kind: JobKind,
    /// The order, for a ticket or a receipt.
    pub order_id: Option<OrderId>,
    /// The fire, for a ticket.
    pub fire: Option<EventId>,
    /// The station, for a ticket.
    pub station: Option<String>,
    /// Where it stands.
    pub state: JobState,
    /// Why it is failed or unknown.
    pub reason: Option<String>,
    /// How many times it was tried.
    pub attempts: u32,
    /// A person asked for it again: it prints REPRINT.
    pub reprint: bool,
    /// When it was made (this node's clock).
    pub created_ms: u64,
    /// When it last changed.
    pub updated_ms: u64,
    /// What the worker needs beyond the order (a kick's reason, as JSON).
    pub detail: Option<String>,
}

/// Why a ticket made after a restore waits for a person.
const RESTORED: &str = "this terminal was restored from a backup after this was sent to the kitchen: it may have printed before; print it again only if the kitchen does not have it";

/// Whether an event can make or end a kitchen ticket.
pub(crate) fn concerns_printing(body: &EventBody) -> bool {
    matches!(
        body,
        EventBody::OrderFired(_)
            | EventBody::LineVoided(_)
            | EventBody::LineChanged(_)
            | EventBody::OrderCancelled(_)
            | EventBody::TicketPrinted(_)
    )
}

/// Makes and ends jobs for events just stored (in agreed order within the call). `this` names
/// the node: its device id, and the id its pairing was made under if it took a fresh one after
/// a restore (its printers were set up under that one).
pub(crate) fn derive(
    conn: &Connection,
    this: &[DeviceId],
    restored_ms: Option<u64>,
    events: &[&Event],
    now_ms: u64,
) -> Result<(), StoreError> {
    if !events.iter().any(|e| concerns_printing(&e.body)) {
        return Ok(());
    }
    let printers = project::printers(conn)?;
    if !printers.values().any(|p| this.contains(&p.node)) {
        return Ok(());
    }
    let catalog = project::catalog(conn)?.unwrap_or_default();
    let now = int(now_ms, "now_ms")?;
    for e in events {
        let StreamId::Order(order_id) = e.stream else {
            continue;
        };
        match &e.body {
            EventBody::OrderFired(_)
            | EventBody::LineVoided(_)
            | EventBody::LineChanged(_)
            | EventBody::OrderCancelled(_) => {
                let Some(order) = project::read_order(conn, order_id)? else {
                    continue;
                };
                // The lines the kitchen must hear of: those just fired; a sent line voided or
                // changed since; every sent line when the order is cancelled.
                let lines: Vec<_> = match &e.body {
                    EventBody::OrderFired(f) => f
                        .line_ids
                        .iter()
                        .filter_map(|id| order.state.line(*id))
                        .collect(),
                    EventBody::LineVoided(v) => order
                        .state
                        .line(v.line_id)
                        .filter(|l| l.fired)
                        .into_iter()
                        .collect(),
                    EventBody::LineChanged(c) => order
                        .state
                        .line(c.line_id)
                        .filter(|l| l.fired)
                        .into_iter()
                        .collect(),
                    _ => order
                        .state
                        .lines
                        .iter()
                        .filter(|l| l.fired && l.is_live())
                        .collect(),
                };
                let mut stations: Vec<&str> = lines
                    .iter()
                    .filter_map(|l| catalog.items.iter().find(|i| i.id == l.item_id))
                    .flat_map(|i| i.stations.iter().map(String::as_str))
                    .collect();
                stations.sort_unstable();
                stations.dedup();
                // Stamped before this node learnt it was restored from a backup: it may have
                // printed here before, and its word gone with the old disk. Not printed again
                // by itself: a person decides.
                let (state, reason) = if restored_ms.is_some_and(|r| e.hlc.wall_ms <= r) {
                    (JobState::Unknown, Some(RESTORED))
                } else {
                    (JobState::Queued, None)
                };
                for station in stations {
                    let Some(p) =
                        printer_for(&printers, station).filter(|p| this.contains(&p.node))
                    else {
                        continue;
                    };
                    conn.prepare_cached(
                        "INSERT INTO print_jobs (job_id, printer_id, kind, order_id, fire_event_id,
                                                 station, state, reason, created_ms, updated_ms)
                         VALUES (?1, ?2, 'ticket', ?3, ?4, ?5, ?6, ?7, ?8, ?8)
                         ON CONFLICT (job_id) DO NOTHING",
                    )?
                    .execute(params![
                        ticket_job(e.id, station),
                        p.printer_id.to_string(),
                        order_id.to_string(),
                        e.id.to_string(),
                        station,
                        state.as_str(),
                        reason,
                        now,
                    ])?;
                }
            }
            EventBody::TicketPrinted(t) => {
                let ours = printers
                    .get(&t.printer_id)
                    .is_some_and(|p| this.contains(&p.node));
                if !ours {
                    continue;
                }
                let (state, reason) = match &t.outcome {
                    TicketOutcome::Printed | TicketOutcome::Reprinted => (JobState::Done, None),
                    TicketOutcome::Unknown { reason } => (JobState::Unknown, Some(reason.clone())),
                };
                conn.prepare_cached(
                    "INSERT INTO print_jobs (job_id, printer_id, kind, order_id, fire_event_id,
                                             station, state, reason, created_ms, updated_ms)
                     VALUES (?1, ?2, 'ticket', ?3, ?4, ?5, ?6, ?7, ?8, ?8)
                     ON CONFLICT (job_id) DO UPDATE SET state = excluded.state,
                         reason = excluded.reason, updated_ms = excluded.updated_ms",
                )?
                .execute(params![
                    ticket_job(t.fire, &t.station),
                    t.printer_id.to_string(),
                    order_id.to_string(),
                    t.fire.to_string(),
                    t.station,
                    state.as_str(),
                    reason,
                    now,
                ])?;
            }
            _ => {}
        }
    }
    Ok(())
}

const COLUMNS: &str = "job_id, printer_id, kind, order_id, fire_event_id, station, state, reason,
                       attempts, reprint, created_ms, updated_ms, detail";

fn job_of(r: &rusqlite::Row<'_>) -> rusqlite::Result<[Option<String>; 8]> {
    Ok([
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
        r.get(7)?,
    ])
}

type Row = ([Option<String>; 8], i64, i64, i64, i64, Option<String>);

fn decode(row: Row) -> Result<PrintJob, StoreError> {
    let (
        [
            job_id,
            printer_id,
            kind,
            order_id,
            fire,
            station,
            state,
            reason,
        ],
        attempts,
        reprint,
        created,
        updated,
        detail,
    ) = row;
    let need = |v: Option<String>, what: &str| {
        v.ok_or_else(|| StoreError::Corrupt(format!("print job without {what}")))
    };
    Ok(PrintJob {
        job_id: need(job_id, "id")?,
        printer_id: sql::parse(&need(printer_id, "printer")?, "printer_id")?,
        kind: JobKind::parse(&need(kind, "kind")?)?,
        order_id: order_id.map(|o| sql::parse(&o, "order_id")).transpose()?,
        fire: fire.map(|f| sql::parse(&f, "fire_event_id")).transpose()?,
        station,
        state: JobState::parse(&need(state, "state")?)?,
        reason,
        attempts: u32::try_from(attempts).unwrap_or(u32::MAX),
        reprint: reprint != 0,
        created_ms: uint(created, "created_ms")?,
        updated_ms: uint(updated, "updated_ms")?,
        detail,
    })
}

fn query(
    conn: &Connection,
    filter: &str,
    args: &[&dyn rusqlite::ToSql],
) -> Result<Vec<PrintJob>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM print_jobs {filter}");
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt
        .query_map(args, |r| {
            Ok((
                job_of(r)?,
                r.get(8)?,
                r.get(9)?,
                r.get(10)?,
                r.get(11)?,
                r.get(12)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    rows.into_iter().map(decode).collect()
}

/// The jobs of the queue, newest first, at most `limit`; only those not done when `open_only`.
pub(crate) fn jobs(
    conn: &Connection,
    open_only: bool,
    limit: u32,
) -> Result<Vec<PrintJob>, StoreError> {
    let filter = if open_only {
        "WHERE state <> 'done' ORDER BY created_ms DESC, job_id LIMIT ?1"
    } else {
        "ORDER BY created_ms DESC, job_id LIMIT ?1"
    };
    query(conn, filter, &[&limit])
}

/// One job.
pub(crate) fn job(conn: &Connection, job_id: &str) -> Result<Option<PrintJob>, StoreError> {
    Ok(query(conn, "WHERE job_id = ?1", &[&job_id])?
        .into_iter()
        .next())
}

/// The printer's next job to send: a drawer kick first (a cashier is waiting at the drawer),
/// then the oldest queued or failed one.
pub(crate) fn next_job(
    conn: &Connection,
    printer: PrinterId,
) -> Result<Option<PrintJob>, StoreError> {
    Ok(query(
        conn,
        "WHERE printer_id = ?1 AND state IN ('queued', 'failed')
         ORDER BY kind = 'drawer' DESC, created_ms, job_id LIMIT 1",
        &[&printer.to_string()],
    )?
    .into_iter()
    .next())
}

/// Moves a job to `state` with its reason; `sending` counts an attempt.
pub(crate) fn set_state(
    conn: &Connection,
    job_id: &str,
    state: JobState,
    reason: Option<&str>,
    now_ms: u64,
) -> Result<bool, StoreError> {
    let n = conn
        .prepare_cached(
            "UPDATE print_jobs SET state = ?2, reason = ?3, updated_ms = ?4,
                 attempts = attempts + (?2 = 'sending')
             WHERE job_id = ?1",
        )?
        .execute(params![
            job_id,
            state.as_str(),
            reason,
            int(now_ms, "now_ms")?
        ])?;
    Ok(n == 1)
}

/// Makes a receipt or drawer job unless one of that id exists. Returns whether it was made.
pub(crate) fn queue(conn: &Connection, job: &NewJob, now_ms: u64) -> Result<bool, StoreError> {
    let n = conn
        .prepare_cached(
            "INSERT INTO print_jobs (job_id, printer_id, kind, order_id, state, created_ms,
                                     updated_ms, detail)
             VALUES (?1, ?2, ?3, ?4, 'queued', ?5, ?5, ?6)
             ON CONFLICT (job_id) DO NOTHING",
        )?
        .execute(params![
            job.job_id,
            job.printer_id.to_string(),
            job.kind.as_str(),
            job.order_id.map(|o| o.to_string()),
            int(now_ms, "now_ms")?,
            job.detail,
        ])?;
    Ok(n == 1)
}

/// Moves a waiting job to another printer (a station's fallback), queued there with the
/// reason. Returns whether it moved.
pub(crate) fn move_job(
    conn: &Connection,
    job_id: &str,
    to: PrinterId,
    reason: &str,
    now_ms: u64,
) -> Result<bool, StoreError> {
    let n = conn
        .prepare_cached(
            "UPDATE print_jobs SET printer_id = ?2, state = 'queued', reason = ?3, updated_ms = ?4
             WHERE job_id = ?1 AND state IN ('queued', 'failed')",
        )?
        .execute(params![
            job_id,
            to.to_string(),
            reason,
            int(now_ms, "now_ms")?
        ])?;
    Ok(n == 1)
}

/// A person asks for a job again: queued, marked REPRINT. Only a ticket or receipt that ended
/// (done or unknown) can be reprinted (never a drawer kick); returns whether it was.
pub(crate) fn reprint(conn: &Connection, job_id: &str, now_ms: u64) -> Result<bool, StoreError> {
    let n = conn
        .prepare_cached(
            "UPDATE print_jobs SET state = 'queued', reprint = 1, reason = NULL, updated_ms = ?2
             WHERE job_id = ?1 AND state IN ('done', 'unknown') AND kind IN ('ticket', 'receipt')",
        )?
        .execute(params![job_id, int(now_ms, "now_ms")?])?;
    Ok(n == 1)
}

/// At open: a job left `sending` by a crash may be on paper; it becomes unknown, for a person.
pub(crate) fn recover(conn: &Connection) -> Result<usize, StoreError> {
    Ok(conn.execute(
        "UPDATE print_jobs SET state = 'unknown',
             reason = 'Comanda stopped while this was being sent'
         WHERE state = 'sending'",
        [],
    )?)
}

/// Why an open ticket waits for a person once this node learns it was restored.
const RESTORED_OPEN: &str = "this terminal was restored from a backup: this ticket may have printed before the restore; print it again only if the kitchen does not have it";

/// This node learnt it was restored from a backup (or copied): every ticket still waiting may
/// have printed in the life its disk lost, with its word. None is sent by itself any more: each
/// waits for a person (unknown). Returns how many.
pub(crate) fn hold_after_restore(conn: &Connection, now_ms: u64) -> Result<usize, StoreError> {
    Ok(conn.execute(
        "UPDATE print_jobs SET state = 'unknown', reason = ?1, updated_ms = ?2
         WHERE kind = 'ticket' AND state IN ('queued', 'sending', 'failed')",
        params![RESTORED_OPEN, int(now_ms, "now_ms")?],
    )?)
}

/// The print mark: a small file beside the database holding how many jobs this node has
/// claimed (`device.print_claims`), written after each claim's commit and before a byte leaves.
/// A database put back from a backup counts fewer claims than the mark, which the backup did
/// not hold: the store sees the restore when it opens, before any peer tells it, and before its
/// printers could print again what they printed (or began to) in the life the disk lost. (A
/// restore of the whole disk, mark and all, is seen at the next exchange instead.)
pub(crate) mod mark {
    use std::io::Write;
    use std::path::{Path, PathBuf};

    use rusqlite::Connection;

    use crate::error::StoreError;
    use crate::sql::uint;

    /// What a mark holds: the claims counted, and the highest stamp (wall ms) this machine had
    /// seen at its last claim, in any of its lives: a fire it may have printed was stamped no
    /// later.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub(crate) struct Mark {
        pub(crate) claims: u64,
        pub(crate) wall_ms: u64,
    }

    /// Counts one more claim in the database; returns the mark to write once committed.
    pub(crate) fn claim(conn: &Connection, wall_ms: u64) -> Result<Mark, StoreError> {
        let claims: i64 = conn
            .prepare_cached(
                "UPDATE device SET print_claims = print_claims + 1 WHERE id = 1
                 RETURNING print_claims",
            )?
            .query_row([], |r| r.get(0))?;
        Ok(Mark {
            claims: uint(claims, "print_claims")?,
            wall_ms,
        })
    }

    /// The mark's file for the database at `db` (none for a database in memory).
    pub(crate) fn path(db: &Path) -> Option<PathBuf> {
        let s = db.as_os_str();
        if s.is_empty() || s == ":memory:" {
            return None;
        }
        let mut p = s.to_owned();
        p.push(".printed");
        Some(PathBuf::from(p))
    }

    /// Writes the mark (a temporary file synced, then renamed over the last one: a stop midway
    /// leaves the last mark whole), keeping the highest stamp it ever held.
    pub(crate) fn write(db: &Path, m: Mark) -> std::io::Result<()> {
        let Some(path) = path(db) else { return Ok(()) };
        let wall_ms = read(db).map_or(m.wall_ms, |last| last.wall_ms.max(m.wall_ms));
        let mut tmp = path.clone().into_os_string();
        tmp.push(".tmp");
        let tmp = PathBuf::from(tmp);
        {
            let mut f = std::fs::File::create(&tmp)?;
            writeln!(f, "{} {wall_ms}", m.claims)?;
            f.sync_all()?;
        }
        std::fs::rename(&tmp, &path)
    }

    /// Reads the mark; `None` when there is none or it cannot be read (a damaged mark proves
    /// nothing, and is said in the log).
    pub(crate) fn read(db: &Path) -> Option<Mark> {
        let path = path(db)?;
        let text = std::fs::read_to_string(&path).ok()?;
        let mut parts = text.split_whitespace();
        let parsed = (|| {
            Some(Mark {
                claims: parts.next()?.parse().ok()?,
                wall_ms: parts.next()?.parse().ok()?,
            })
        })();
        if parsed.is_none() {
            tracing::warn!(path = %path.display(), "the print mark cannot be read: ignored");
        }
        parsed
    }

    /// The mark counts more claims than this database: it was put back from a backup (or is a
    /// copy of another's). Returns the mark then.
    pub(crate) fn ahead(conn: &Connection, db: &Path) -> Result<Option<Mark>, StoreError> {
        let Some(m) = read(db) else { return Ok(None) };
        let claims: i64 =
            conn.query_row("SELECT print_claims FROM device WHERE id = 1", [], |r| {
                r.get(0)
            })?;
        Ok((m.claims > uint(claims, "print_claims")?).then_some(m))
    }
}
