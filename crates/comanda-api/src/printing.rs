//! The print worker: sends the jobs of the print queue to the printers this node drives, one
//! job per printer per step, and records what became of each (conventions.md §9: a loop in the
//! runtime around [`PrintWorker::step`], which tests call themselves).
//!
//! A job is claimed (`sending`) in a transaction before a byte leaves, so a stop mid-job leaves
//! it `sending`, which the store makes `unknown` at the next open: maybe on paper, never sent
//! again without a person. What the printer said decides the rest (see `comanda_print::job`):
//! printed, or not sent and kept with the reason (retried after a pause that doubles up to a
//! minute, per printer), or unknown. A ticket printed or unknown is told to every terminal by a
//! `TicketPrinted` in the order's stream, a receipt by a `ReceiptPrinted`.
//!
//! A drawer kick goes before anything else waiting on its printer and is never retried (see
//! `drawer.rs`); its `DrawerOpened` says whether the drawer opened. A station whose printer has
//! failed for [`FALLBACK_AFTER_MS`] has its waiting tickets moved to its fallback printer, when
//! this node drives one (the same job, so still printed once).

use std::collections::BTreeMap;

use comanda_domain::event::{Event, EventBody, OrderType, StreamId};
use comanda_domain::ids::PrinterId;
use comanda_domain::order::OrderState;
use comanda_domain::printer::{
    DrawerOpened, FALLBACK_AFTER_MS, PrinterSaved, ReceiptPrinted, TicketOutcome, TicketPrinted,
    fallback_for,
};
use comanda_print::docs::{Banner, Document, KitchenTicket, TicketItem};
use comanda_print::job::{Handshake, Outcome};
use comanda_print::status::Problem;
use comanda_print::transport::{Address, Flow, Timeouts};
use comanda_print::{CodePage, Paper, Profile};
use comanda_store::{JobKind, JobState, PrintJob};

use crate::drawer::KickDetail;

use crate::ctx::Ctx;
use crate::error::ApiError;

/// How long a printer that could not print is left alone at first; doubled after each failure
/// in a row, up to [`RETRY_MAX_MS`].
pub const RETRY_MIN_MS: u64 = 2_000;
/// The longest pause before a printer that could not print is tried again.
pub const RETRY_MAX_MS: u64 = 60_000;
/// How often the worker looks at the queue when nothing woke it.
pub const IDLE_MS: u64 = 5_000;

/// Reads a printer's `connection` setting: `tcp:HOST:PORT`, `serial:PATH:BAUD[:rtscts|xonxoff]`,
/// `usb:PATH` or `spooler:NAME`.
pub fn address_of(connection: &str) -> Result<Address, String> {
    let bad = || {
        format!(
            "{connection:?} is not a printer connection (tcp:HOST:PORT, serial:PATH:BAUD, usb:PATH, spooler:NAME)"
        )
    };
    let (kind, rest) = connection.split_once(':').ok_or_else(bad)?;
    match kind {
        "tcp" => {
            let (host, port) = rest.rsplit_once(':').ok_or_else(bad)?;
            let port = port.parse().map_err(|_| bad())?;
            let host = host.trim_start_matches('[').trim_end_matches(']');
            if host.is_empty() {
                return Err(bad());
            }
            Ok(Address::Tcp {
                host: host.into(),
                port,
            })
        }
        "serial" => {
            let mut parts = rest.rsplitn(3, ':').collect::<Vec<_>>();
            parts.reverse();
            let (path, baud, flow) = match parts.as_slice() {
                [path, baud] => (*path, *baud, Flow::None),
                [path, baud, "rtscts"] => (*path, *baud, Flow::RtsCts),
                [path, baud, "xonxoff"] => (*path, *baud, Flow::XonXoff),
                [path, baud, "none"] => (*path, *baud, Flow::None),
                _ => return Err(bad()),
            };
            Ok(Address::Serial {
                path: path.into(),
                baud: baud.parse().map_err(|_| bad())?,
                flow,
            })
        }
        "usb" if !rest.is_empty() => Ok(Address::UsbLp { path: rest.into() }),
        "spooler" if !rest.is_empty() => Ok(Address::Spooler { name: rest.into() }),
        _ => Err(bad()),
    }
}

/// The rendering profile of a printer's settings.
pub fn profile_of(p: &PrinterSaved) -> Profile {
    let paper = match p.columns {
        0..=35 => Paper::Mm58,
        36..=44 => Paper::Mm80Narrow,
        _ => Paper::Mm80,
    };
    let code_page = match p.code_page.as_str() {
        "cp850" => CodePage::Cp850,
        "cp858" => CodePage::Cp858,
        "cp1252" => CodePage::Cp1252,
        _ => CodePage::Cp437,
    };
    Profile {
        paper,
        code_page,
        code_page_number: p.code_page_number,
        cutter: true,
    }
}

/// How an order is served, as a ticket says it.
pub(crate) fn served(order: &OrderState) -> String {
    match &order.order_type {
        Some(OrderType::DineIn { table, .. }) => format!("Table {table}"),
        Some(OrderType::Takeaway { name: Some(n) }) => format!("Takeaway {n}"),
        Some(OrderType::Takeaway { name: None }) => "Takeaway".into(),
        Some(OrderType::Tab { name }) => format!("Tab {name}"),
        None => String::new(),
    }
}

/// A time as people in this terminal's time zone read it ("19:42").
pub fn clock_time(at_ms: u64) -> String {
    local(at_ms, "%H:%M")
}

/// A date and time as people in this terminal's time zone read it ("2026-12-02 19:42").
pub fn date_time(at_ms: u64) -> String {
    local(at_ms, "%Y-%m-%d %H:%M")
}

/// `at_ms` in this terminal's time zone, in `format`; empty when it is no time.
fn local(at_ms: u64, format: &str) -> String {
    let Ok(ms) = i64::try_from(at_ms) else {
        return String::new();
    };
    match jiff::Timestamp::from_millisecond(ms) {
        Ok(t) => t
            .to_zoned(jiff::tz::TimeZone::system())
            .strftime(format)
            .to_string(),
        Err(_) => String::new(),
    }
}

/// The kitchen ticket a job prints, from the event that made it and the order as it stands now:
/// a fire prints its lines made at the job's station (a line voided since is marked VOID, a
/// cancelled order says CANCEL); a sent line voided or changed since prints it under VOID or
/// CHANGED; a cancel prints every sent line of the station under CANCEL.
pub fn ticket_of(ctx: &Ctx, job: &PrintJob) -> Result<Option<Document>, ApiError> {
    let (Some(order_id), Some(fire), Some(station)) = (job.order_id, job.fire, &job.station) else {
        return Ok(None);
    };
    let (order, events, catalog, staff) = ctx.store.read(|r| {
        Ok::<_, comanda_store::StoreError>((
            r.order(order_id)?,
            r.stream_events(StreamId::Order(order_id))?,
            r.catalog()?.unwrap_or_default(),
            r.employees()?,
        ))
    })?;
    let Some(order) = order else {
        return Ok(None);
    };
    let Some(fired) = events.iter().find(|e| e.id == fire) else {
        return Ok(None);
    };
    let at_station = |item| {
        catalog
            .items
            .iter()
            .find(|i| i.id == item)
            .is_some_and(|i| i.stations.iter().any(|s| s == station))
    };
    let (lines, banner): (Vec<&comanda_domain::order::LineState>, Option<Banner>) =
        match &fired.body {
            EventBody::OrderFired(f) => (
                f.line_ids
                    .iter()
                    .filter_map(|id| order.state.line(*id))
                    .collect(),
                None,
            ),
            EventBody::LineVoided(v) => (
                order.state.line(v.line_id).into_iter().collect(),
                Some(Banner::Void),
            ),
            EventBody::LineChanged(c) => (
                order.state.line(c.line_id).into_iter().collect(),
                Some(Banner::Changed),
            ),
            EventBody::OrderCancelled(_) => (
                order
                    .state
                    .lines
                    .iter()
                    .filter(|l| l.fired && l.is_live())
                    .collect(),
                Some(Banner::Cancel),
            ),
            _ => return Ok(None),
        };
    let items: Vec<TicketItem> = lines
        .into_iter()
        .filter(|l| at_station(l.item_id))
        .map(|l| TicketItem {
            quantity: u32::from(l.qty).to_string(),
            name: l.name.clone(),
            modifiers: l.modifiers.iter().map(|m| m.name.clone()).collect(),
            note: l.note.clone(),
            allergy: l.allergy.clone(),
            seat: l.seat.map(|s| s.to_string()),
            course: l.course.map(|c| format!("Course {c}")),
            voided: l.voided.is_some(),
        })
        .collect();
    if items.is_empty() {
        return Ok(None);
    }
    let banner = banner.or(if order.state.cancelled.is_some() {
        Some(Banner::Cancel)
    } else if items.iter().any(|i| i.voided) {
        Some(Banner::Void)
    } else {
        None
    });
    let by = fired
        .actor
        .and_then(|a| staff.get(&a))
        .map(|e| e.name.clone())
        .unwrap_or_default();
    Ok(Some(Document::Ticket(KitchenTicket {
        station: station.to_uppercase(),
        number: order.state.number.to_string(),
        served: served(&order.state),
        by,
        at: clock_time(fired.hlc.wall_ms),
        banner,
        items,
        note: order.state.note.clone(),
    })))
}

/// The print worker's memory between steps: per printer that could not print, how many
/// failures in a row, when it may be tried again, and since when it fails.
#[derive(Debug)]
pub struct PrintWorker {
    waits: BTreeMap<PrinterId, Failing>,
    /// How long a printer has to answer a status request, and to confirm a job (ms).
    pub answer_ms: u64,
    /// How long a printer has to confirm a job (ms).
    pub confirm_ms: u64,
    /// Fault injection for tests: the step stops here, as a crash would (what it committed
    /// stays, what it had not yet recorded is lost).
    pub crash: Option<Crash>,
    /// The one printer this worker drives (the runtime runs one worker per printer); `None`:
    /// every printer, in one step (tests).
    pub only: Option<PrinterId>,
}

impl Default for PrintWorker {
    fn default() -> PrintWorker {
        let h = Handshake::default();
        PrintWorker {
            waits: BTreeMap::new(),
            answer_ms: h.answer_ms,
            confirm_ms: h.confirm_ms,
            crash: None,
            only: None,
        }
    }
}

impl PrintWorker {
    /// A worker for one printer: a printer waiting for its confirmation, or timing out on a
    /// dead address, holds up no other.
    pub fn for_printer(printer: PrinterId) -> PrintWorker {
        PrintWorker {
            only: Some(printer),
            ..PrintWorker::default()
        }
    }
}

/// Where a test makes a step stop as a crash would.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Crash {
    /// Jobs claimed (`sending` committed), nothing sent.
    AfterClaim,
    /// Jobs sent, their outcomes not yet recorded.
    AfterSend,
}

#[derive(Debug, Clone, Copy)]
struct Failing {
    count: u32,
    until: u64,
    since: u64,
}

/// A claimed job, ready to go: its bytes, and whether it prints as a copy.
struct Claimed {
    printer: PrinterSaved,
    job: PrintJob,
    bytes: Vec<u8>,
    copy: bool,
    handshake: Handshake,
}

/// What a claimed job sends, or why it sends nothing.
enum Ready {
    Send(Vec<u8>, bool, Handshake),
    /// Nothing of it is left to print: it ends, with nothing on paper and nothing to tell.
    NothingLeft,
    /// A kick not sent through no fault of the printer's: it ends, recorded as not opened.
    KickRefused(&'static str),
}

impl PrintWorker {
    /// Sends at most one job to each printer this node drives that has one and is due (to its
    /// one printer, for a worker [`Self::for_printer`]), to all of them at once.
    /// Returns when the worker wants to step again (this node's clock, ms).
    pub async fn step(&mut self, ctx: &Ctx) -> Result<u64, ApiError> {
        let now = ctx.clock.now_ms();
        // Jobs exist only for the printers this node drives (the store makes them so): asking
        // every printer for its next job finds them, whatever id this node had then.
        let printers = ctx.store.read(|r| r.printers())?;
        let mut next = now + IDLE_MS;
        let mut claimed: Vec<Claimed> = Vec::new();
        let only = self.only;
        let driven = |p: &&PrinterSaved| p.active && only.is_none_or(|o| o == p.printer_id);
        for p in printers.values().filter(driven) {
            if ctx.printing.take_retry(p.printer_id) {
                self.waits.remove(&p.printer_id);
            }
            if let Some(f) = self.waits.get(&p.printer_id).copied()
                && f.until > now
            {
                if now.saturating_sub(f.since) >= FALLBACK_AFTER_MS
                    && self.reroute(ctx, p, &printers)?
                {
                    next = now;
                } else {
                    next = next.min(f.until);
                }
                continue;
            }
            let printer_id = p.printer_id;
            let job = ctx.store.write(|tx| {
                let job = tx.next_print_job(printer_id)?;
                if let Some(j) = &job {
                    tx.set_print_job(&j.job_id, JobState::Sending, None)?;
                }
                Ok::<_, comanda_store::StoreError>(job)
            })?;
            let Some(job) = job else {
                self.waits.remove(&printer_id);
                continue;
            };
            match prepare(ctx, p, &job, now, self.handshake()) {
                Ok(Ready::Send(bytes, copy, handshake)) => claimed.push(Claimed {
                    printer: p.clone(),
                    job,
                    bytes,
                    copy,
                    handshake,
                }),
                Ok(Ready::NothingLeft) => {
                    ctx.store.write(|tx| {
                        tx.set_print_job(&job.job_id, JobState::Done, Some(NOTHING_LEFT))
                    })?;
                    ctx.bus.send(crate::bus::Change::Printing);
                    next = now;
                }
                Ok(Ready::KickRefused(reason)) => {
                    let outcome = Outcome::NotSent {
                        problem: Problem::Offline,
                        reason: reason.into(),
                    };
                    self.record(ctx, p, &job, false, outcome, false)?;
                    next = now;
                }
                Err(e) => {
                    // The store failed: the job is put back, and tried again after a pause.
                    ctx.store.write(|tx| {
                        tx.set_print_job(&job.job_id, JobState::Failed, Some(&e.message))
                    })?;
                    self.failed(printer_id, now);
                }
            }
        }
        if self.crash == Some(Crash::AfterClaim) {
            return Ok(now);
        }
        let mut sends = tokio::task::JoinSet::new();
        for (i, c) in claimed.iter().enumerate() {
            let (connection, bytes, handshake) =
                (c.printer.connection.clone(), c.bytes.clone(), c.handshake);
            sends.spawn(async move { (i, send(&connection, bytes, handshake).await) });
        }
        let mut outcomes: Vec<Option<Outcome>> = vec![None; claimed.len()];
        while let Some(done) = sends.join_next().await {
            match done {
                Ok((i, outcome)) => outcomes[i] = Some(outcome),
                Err(e) => tracing::error!(error = %e, "a print task ended without an answer"),
            }
        }
        if self.crash == Some(Crash::AfterSend) {
            return Ok(now);
        }
        for (c, outcome) in claimed.iter().zip(outcomes) {
            // A task that ended without an answer may have printed part of the job.
            let outcome = outcome.unwrap_or_else(|| Outcome::Unknown {
                reason: "the print task stopped".into(),
            });
            self.record(ctx, &c.printer, &c.job, c.copy, outcome, true)?;
            // More may wait: come back at once.
            next = now;
        }
        Ok(next)
    }

    /// The handshake this worker holds printers to.
    fn handshake(&self) -> Handshake {
        Handshake {
            status: true,
            answer_ms: self.answer_ms,
            confirm_ms: self.confirm_ms,
        }
    }

    /// Notes one more failure of a printer: it waits 2 s, doubling up to a minute.
    fn failed(&mut self, printer: PrinterId, now: u64) {
        let (count, since) = self
            .waits
            .get(&printer)
            .map_or((0, now), |f| (f.count, f.since));
        let count = count + 1;
        let pause = (RETRY_MIN_MS << count.min(5).saturating_sub(1)).min(RETRY_MAX_MS);
        self.waits.insert(
            printer,
            Failing {
                count,
                until: now + pause,
                since,
            },
        );
    }

    /// Moves the waiting tickets of a printer that has failed for [`FALLBACK_AFTER_MS`] to
    /// their station's fallback printer, when this node drives one. Returns whether any moved.
    fn reroute(
        &mut self,
        ctx: &Ctx,
        p: &PrinterSaved,
        printers: &BTreeMap<PrinterId, PrinterSaved>,
    ) -> Result<bool, ApiError> {
        let moved = ctx.store.write(|tx| {
            let nodes = tx.node_ids()?;
            let mut moved = 0;
            for job in tx.print_jobs(true, 1000)? {
                if job.printer_id != p.printer_id
                    || job.kind != JobKind::Ticket
                    || !matches!(job.state, JobState::Queued | JobState::Failed)
                {
                    continue;
                }
                let Some(station) = &job.station else {
                    continue;
                };
                let Some(to) = fallback_for(printers, station, p.printer_id)
                    .filter(|f| nodes.contains(&f.node))
                else {
                    continue;
                };
                let why = format!(
                    "moved from {}: {}",
                    p.name,
                    job.reason.as_deref().unwrap_or("it could not print")
                );
                if tx.move_print_job(&job.job_id, to.printer_id, &why)? {
                    moved += 1;
                }
            }
            Ok::<_, comanda_store::StoreError>(moved)
        })?;
        if moved > 0 {
            tracing::warn!(printer = %p.name, moved, "tickets moved to their fallback printer");
            ctx.bus.send(crate::bus::Change::Printing);
        }
        Ok(moved > 0)
    }
}

/// The word that tells every terminal how a ticket or a receipt ended: a `TicketPrinted` or a
/// `ReceiptPrinted` in its order's stream (none for other jobs).
pub(crate) fn told(
    job: &PrintJob,
    printer: PrinterId,
    copy: bool,
    outcome: TicketOutcome,
) -> Option<(StreamId, EventBody)> {
    match (job.kind, job.order_id, job.fire, &job.station) {
        (JobKind::Ticket, Some(order_id), Some(fire), Some(station)) => Some((
            StreamId::Order(order_id),
            EventBody::TicketPrinted(TicketPrinted {
                fire,
                station: station.clone(),
                printer_id: printer,
                outcome,
            }),
        )),
        (JobKind::Receipt, Some(order_id), ..) => Some((
            StreamId::Order(order_id),
            EventBody::ReceiptPrinted(ReceiptPrinted {
                receipt: job.job_id.clone(),
                printer_id: printer,
                copy,
                outcome,
            }),
        )),
        _ => None,
    }
}

/// Renders a claimed job for its printer.
fn prepare(
    ctx: &Ctx,
    p: &PrinterSaved,
    job: &PrintJob,
    now: u64,
    handshake: Handshake,
) -> Result<Ready, ApiError> {
    let profile = profile_of(p);
    let handshake = Handshake {
        status: p.status,
        ..handshake
    };
    let (document, copy) = match job.kind {
        JobKind::Ticket => match ticket_of(ctx, job)? {
            Some(d) => (d, job.reprint),
            // Nothing of it is left at this station (its lines moved off the menu's station
            // since).
            None => return Ok(Ready::NothingLeft),
        },
        JobKind::Receipt => match crate::receipts::receipt_of(ctx, job)? {
            Some((d, copy)) => (d, copy),
            None => return Ok(Ready::NothingLeft),
        },
        JobKind::Drawer => {
            if now.saturating_sub(job.created_ms) > crate::drawer::KICK_STALE_MS {
                return Ok(Ready::KickRefused(
                    "asked more than a minute ago: not opened so late",
                ));
            }
            let Some(d) = p.drawer else {
                return Ok(Ready::KickRefused("this printer has no drawer any more"));
            };
            let handshake = Handshake {
                // The real-time kick opens the drawer even when the printer is out of paper.
                status: p.status && !d.realtime,
                ..handshake
            };
            return Ok(Ready::Send(
                crate::drawer::kick_of(&d).bytes(),
                false,
                handshake,
            ));
        }
        // Test pages are printed by `test_print` itself, never queued.
        JobKind::Test => return Ok(Ready::NothingLeft),
    };
    match comanda_print::render(&document.layout(&profile, copy), &profile) {
        Ok(r) => Ok(Ready::Send(r.bytes, copy, handshake)),
        Err(e) => Err(ApiError::internal(&e)),
    }
}

/// What a job with nothing to print says.
const NOTHING_LEFT: &str = "nothing left to print";

/// Sends bytes to a printer, on a blocking thread.
async fn send(connection: &str, bytes: Vec<u8>, handshake: Handshake) -> Outcome {
    let not_sent = |reason: String| Outcome::NotSent {
        problem: Problem::Offline,
        reason,
    };
    let address = match address_of(connection) {
        Ok(a) => a,
        Err(e) => return not_sent(e),
    };
    let sent = tokio::task::spawn_blocking(move || {
        let mut link = comanda_print::transport::open(&address, Timeouts::default())
            .map_err(|e| e.to_string())?;
        Ok::<_, String>(comanda_print::job::send(link.as_mut(), &bytes, &handshake))
    })
    .await;
    match sent {
        Ok(Ok(outcome)) => outcome,
        Ok(Err(unreachable)) => not_sent(unreachable),
        Err(e) => Outcome::Unknown {
            reason: format!("the print task stopped: {e}"),
        },
    }
}

impl PrintWorker {
    /// Records what became of a job, and tells the store what it must know: a ticket's or a
    /// receipt's outcome (printed or unknown), a drawer's opening (or failed kick). A job not
    /// sent because of the printer (`printer_at_fault`) makes that printer wait before the next.
    fn record(
        &mut self,
        ctx: &Ctx,
        p: &PrinterSaved,
        job: &PrintJob,
        copy: bool,
        outcome: Outcome,
        printer_at_fault: bool,
    ) -> Result<(), ApiError> {
        let now = ctx.clock.now_ms();
        let (state, reason, word) = match &outcome {
            Outcome::Printed => {
                self.waits.remove(&p.printer_id);
                let word = if job.reprint {
                    TicketOutcome::Reprinted
                } else {
                    TicketOutcome::Printed
                };
                (JobState::Done, None, Some(word))
            }
            Outcome::NotSent { reason, .. } => {
                if printer_at_fault {
                    self.failed(p.printer_id, now);
                }
                // A kick is never retried: it ends here, the drawer shut.
                let state = if job.kind == JobKind::Drawer {
                    JobState::Done
                } else {
                    JobState::Failed
                };
                (state, Some(reason.clone()), None)
            }
            Outcome::Unknown { reason } => {
                self.waits.remove(&p.printer_id);
                let word = TicketOutcome::Unknown {
                    reason: reason.clone(),
                };
                (JobState::Unknown, Some(reason.clone()), Some(word))
            }
        };
        let event = match job.kind {
            JobKind::Ticket | JobKind::Receipt => word
                .and_then(|w| told(job, p.printer_id, copy, w))
                .map(|(stream, body)| (stream, None, body)),
            JobKind::Drawer => {
                let detail: Option<KickDetail> = job
                    .detail
                    .as_deref()
                    .and_then(|d| serde_json::from_str(d).ok());
                detail.map(|d| {
                    let failed = match &outcome {
                        Outcome::NotSent { reason, .. } => Some(reason.clone()),
                        Outcome::Printed | Outcome::Unknown { .. } => None,
                    };
                    (
                        StreamId::Drawer(p.printer_id),
                        Some(d.by),
                        EventBody::DrawerOpened(DrawerOpened {
                            printer_id: p.printer_id,
                            reason: d.reason,
                            approved_by: d.approved_by,
                            failed,
                        }),
                    )
                })
            }
            JobKind::Test => None,
        };
        tracing::info!(job = %job.job_id, printer = %p.name, ?outcome, "print job");
        if printer_at_fault {
            let live = match &outcome {
                Outcome::Printed => LiveStatus::said(true, "ready", now),
                Outcome::NotSent { reason, .. } | Outcome::Unknown { reason } => {
                    LiveStatus::said(false, reason.clone(), now)
                }
            };
            ctx.printing.note(p.printer_id, live);
        }
        let written: Result<Option<Event>, comanda_store::StoreError> = ctx.store.write(|tx| {
            tx.set_print_job(&job.job_id, state, reason.as_deref())?;
            match event.clone() {
                Some((stream, actor, body)) => tx.append(stream, actor, body).map(Some),
                None => Ok(None),
            }
        });
        match written? {
            Some(e) => crate::sync::announce(ctx, &[e.stream])?,
            // The queue changed: the screens that show it look again.
            None => ctx.bus.send(crate::bus::Change::Printing),
        }
        Ok(())
    }
}

/// How often a printer here is asked for its state when nothing else told of it.
pub const LIVE_EVERY_MS: u64 = 30_000;

/// What a printer plugged into this terminal said last: when it printed, failed, or was asked.
#[derive(
    Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS, utoipa::ToSchema,
)]
#[ts(export, export_to = "bindings/")]
pub struct LiveStatus {
    /// It would print now.
    pub ready: bool,
    /// Its paper is near its end (it still prints).
    pub paper_low: bool,
    /// In words: "ready", "paper low", "the printer's cover is open", "cannot be reached: …".
    pub words: String,
    /// When (Unix ms, this terminal's clock).
    #[ts(type = "number")]
    pub at_ms: u64,
}

impl LiveStatus {
    /// What a status reading says.
    pub fn of_status(st: &comanda_print::status::Status, at_ms: u64) -> LiveStatus {
        let (ready, words) = match st.problem() {
            Some(p) => (false, p.message().to_owned()),
            None if st.paper_near_end => (true, "ready, paper low".to_owned()),
            None => (true, "ready".to_owned()),
        };
        LiveStatus {
            ready,
            paper_low: st.paper_near_end,
            words,
            at_ms,
        }
    }

    fn said(ready: bool, words: impl Into<String>, at_ms: u64) -> LiveStatus {
        LiveStatus {
            ready,
            paper_low: false,
            words: words.into(),
            at_ms,
        }
    }
}

/// The last word of each printer here, shared by its worker and the settings screen.
#[derive(Debug, Default)]
pub struct PrintingShared {
    live: std::sync::Mutex<BTreeMap<PrinterId, LiveStatus>>,
    /// Printers a person asked to try again now, without waiting out their pause.
    retry: std::sync::Mutex<std::collections::BTreeSet<PrinterId>>,
}

impl PrintingShared {
    /// A person asks for a printer to be tried again now (paper put back, cover shut).
    pub fn retry_now(&self, printer: PrinterId) {
        self.retry
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(printer);
    }

    /// Whether a person asked for this printer to be tried again (once).
    fn take_retry(&self, printer: PrinterId) -> bool {
        self.retry
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .remove(&printer)
    }

    /// Every printer's last word.
    pub fn live(&self) -> BTreeMap<PrinterId, LiveStatus> {
        self.live
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// Notes a printer's word.
    pub fn note(&self, printer: PrinterId, status: LiveStatus) {
        self.live
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(printer, status);
    }

    /// When a printer last said anything.
    pub fn last_at(&self, printer: PrinterId) -> Option<u64> {
        self.live
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(&printer)
            .map(|l| l.at_ms)
    }
}

/// Asks a printer for its state now, with short waits: `Ok(Some)` its answer, `Ok(None)` it is
/// reachable but says nothing (or is not asked: status off in its settings), `Err` why it
/// cannot be reached. Blocks for at most about two seconds.
pub(crate) fn status_now(
    p: &PrinterSaved,
) -> Result<Option<comanda_print::status::Status>, String> {
    let address = address_of(&p.connection)?;
    let timeouts = Timeouts {
        connect: std::time::Duration::from_millis(800),
        ..Timeouts::default()
    };
    let mut link = comanda_print::transport::open(&address, timeouts)
        .map_err(|e| format!("the printer cannot be reached: {e}"))?;
    if !p.status {
        return Ok(None);
    }
    let h = Handshake {
        status: true,
        answer_ms: 500,
        ..Handshake::default()
    };
    match comanda_print::job::ask_status(link.as_mut(), &h) {
        Ok(comanda_print::job::Asked::Answered(st)) => Ok(Some(st)),
        Ok(comanda_print::job::Asked::Silent) => Ok(None),
        Err(e) => Err(format!("the printer did not answer: {e}")),
    }
}

/// Reads a printer's state now and notes it (blocking: call it off the async threads).
pub fn check_now(ctx: &Ctx, p: &PrinterSaved) -> LiveStatus {
    let now = ctx.clock.now_ms();
    let live = match status_now(p) {
        Ok(Some(st)) => LiveStatus::of_status(&st, now),
        Ok(None) if p.status => LiveStatus::said(
            false,
            "reachable, but it answers no status request (turn status off in its settings if it cannot)",
            now,
        ),
        Ok(None) => LiveStatus::said(true, "reachable (it does not report its state)", now),
        Err(why) => LiveStatus::said(false, why, now),
    };
    ctx.printing.note(p.printer_id, live.clone());
    live
}
