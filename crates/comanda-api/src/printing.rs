//! The print worker: sends the jobs of the print queue to the printers this node drives, one
//! job per printer per step, and records what became of each (conventions.md §9: a loop in the
//! runtime around [`PrintWorker::step`], which tests call themselves).
//!
//! A job is claimed (`sending`) in a transaction before a byte leaves, so a stop mid-job leaves
//! it `sending`, which the store makes `unknown` at the next open: maybe on paper, never sent
//! again without a person. What the printer said decides the rest (see `comanda_print::job`):
//! printed, or not sent and kept with the reason (retried after a pause that doubles up to a
//! minute, per printer), or unknown. A ticket printed or unknown is told to every terminal by a
//! `TicketPrinted` in the order's stream.

use std::collections::BTreeMap;

use comanda_domain::event::{Event, EventBody, OrderType, StreamId};
use comanda_domain::ids::PrinterId;
use comanda_domain::order::OrderState;
use comanda_domain::printer::{PrinterSaved, TicketOutcome, TicketPrinted};
use comanda_print::docs::{Banner, Document, KitchenTicket, TicketItem};
use comanda_print::job::{Handshake, Outcome};
use comanda_print::transport::{Address, Flow, Timeouts};
use comanda_print::{CodePage, Paper, Profile};
use comanda_store::{JobState, PrintJob};

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
fn served(order: &OrderState) -> String {
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
    let Ok(ms) = i64::try_from(at_ms) else {
        return String::new();
    };
    match jiff::Timestamp::from_millisecond(ms) {
        Ok(t) => t
            .to_zoned(jiff::tz::TimeZone::system())
            .strftime("%H:%M")
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
            allergy: None,
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

/// The print worker's memory between steps: when each printer that could not print may be
/// tried again.
#[derive(Debug, Default)]
pub struct PrintWorker {
    waits: BTreeMap<PrinterId, (u32, u64)>,
}

impl PrintWorker {
    /// Sends at most one job to each printer this node drives that has one and is due, to all
    /// of them at once (a printer that takes its whole confirmation wait holds up no other).
    /// Returns when the worker wants to step again (this node's clock, ms).
    pub async fn step(&mut self, ctx: &Ctx) -> Result<u64, ApiError> {
        let now = ctx.clock.now_ms();
        // Jobs exist only for the printers this node drives (the store makes them so): asking
        // every printer for its next job finds them, whatever id this node had then.
        let printers = ctx.store.read(|r| r.printers())?;
        let mut next = now + IDLE_MS;
        let mut claimed_jobs: Vec<(PrinterSaved, PrintJob, Document)> = Vec::new();
        for p in printers.values().filter(|p| p.active) {
            if let Some((_, until)) = self.waits.get(&p.printer_id)
                && *until > now
            {
                next = next.min(*until);
                continue;
            }
            let printer_id = p.printer_id;
            let claimed = ctx.store.write(|tx| {
                let job = tx.next_print_job(printer_id)?;
                if let Some(j) = &job {
                    tx.set_print_job(&j.job_id, JobState::Sending, None)?;
                }
                Ok::<_, comanda_store::StoreError>(job)
            })?;
            let Some(job) = claimed else {
                self.waits.remove(&printer_id);
                continue;
            };
            let document = match ticket_of(ctx, &job) {
                Ok(Some(d)) => d,
                Ok(None) => {
                    // Nothing of it is left at this station (its lines moved off the menu's
                    // station since): ended, with nothing on paper and nothing to tell.
                    let reason = "nothing left to print at this station";
                    ctx.store
                        .write(|tx| tx.set_print_job(&job.job_id, JobState::Done, Some(reason)))?;
                    continue;
                }
                Err(e) => {
                    // The store failed: the job is put back, and tried again after a pause.
                    ctx.store.write(|tx| {
                        tx.set_print_job(&job.job_id, JobState::Failed, Some(&e.message))
                    })?;
                    self.waits.insert(printer_id, (1, now + RETRY_MIN_MS));
                    continue;
                }
            };
            claimed_jobs.push((p.clone(), job, document));
        }
        let mut sends = tokio::task::JoinSet::new();
        for (i, (p, job, document)) in claimed_jobs.iter().enumerate() {
            let (p, document, reprint) = (p.clone(), document.clone(), job.reprint);
            sends.spawn(async move { (i, send(&p, &document, reprint).await) });
        }
        let mut outcomes: Vec<Option<Outcome>> = vec![None; claimed_jobs.len()];
        while let Some(done) = sends.join_next().await {
            match done {
                Ok((i, outcome)) => outcomes[i] = Some(outcome),
                Err(e) => tracing::error!(error = %e, "a print task ended without an answer"),
            }
        }
        for ((p, job, _), outcome) in claimed_jobs.iter().zip(outcomes) {
            // A task that ended without an answer may have printed part of the job.
            let outcome = outcome.unwrap_or_else(|| Outcome::Unknown {
                reason: "the print task stopped".into(),
            });
            self.record(ctx, p, job, outcome)?;
            // More may wait: come back at once.
            next = now;
        }
        Ok(next)
    }
}

/// Renders a document for a printer and sends it, on a blocking thread.
async fn send(p: &PrinterSaved, document: &Document, reprint: bool) -> Outcome {
    let not_sent = |reason: String| Outcome::NotSent {
        problem: comanda_print::status::Problem::Offline,
        reason,
    };
    let profile = profile_of(p);
    let bytes = match comanda_print::render(&document.layout(&profile, reprint), &profile) {
        Ok(r) => r.bytes,
        Err(e) => return not_sent(e.to_string()),
    };
    let address = match address_of(&p.connection) {
        Ok(a) => a,
        Err(e) => return not_sent(e),
    };
    let handshake = Handshake {
        status: p.status,
        ..Handshake::default()
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
    fn record(
        &mut self,
        ctx: &Ctx,
        p: &PrinterSaved,
        job: &PrintJob,
        outcome: Outcome,
    ) -> Result<(), ApiError> {
        let now = ctx.clock.now_ms();
        let told = |outcome: TicketOutcome| -> Option<(StreamId, EventBody)> {
            let (Some(order_id), Some(fire), Some(station)) =
                (job.order_id, job.fire, job.station.clone())
            else {
                return None;
            };
            Some((
                StreamId::Order(order_id),
                EventBody::TicketPrinted(TicketPrinted {
                    fire,
                    station,
                    printer_id: p.printer_id,
                    outcome,
                }),
            ))
        };
        let (state, reason, event) = match &outcome {
            Outcome::Printed => {
                self.waits.remove(&p.printer_id);
                let word = if job.reprint {
                    TicketOutcome::Reprinted
                } else {
                    TicketOutcome::Printed
                };
                (JobState::Done, None, told(word))
            }
            Outcome::NotSent { reason, .. } => {
                let failures = self.waits.get(&p.printer_id).map_or(0, |w| w.0) + 1;
                let pause = (RETRY_MIN_MS << failures.min(5).saturating_sub(1)).min(RETRY_MAX_MS);
                self.waits.insert(p.printer_id, (failures, now + pause));
                (JobState::Failed, Some(reason.clone()), None)
            }
            Outcome::Unknown { reason } => {
                self.waits.remove(&p.printer_id);
                let word = TicketOutcome::Unknown {
                    reason: reason.clone(),
                };
                (JobState::Unknown, Some(reason.clone()), told(word))
            }
        };
        tracing::info!(job = %job.job_id, printer = %p.name, ?outcome, "print job");
        let written: Result<Option<Event>, comanda_store::StoreError> = ctx.store.write(|tx| {
            tx.set_print_job(&job.job_id, state, reason.as_deref())?;
            match event.clone() {
                Some((stream, body)) => tx.append(stream, None, body).map(Some),
                None => Ok(None),
            }
        });
        if let Some(e) = written? {
            crate::sync::announce(ctx, &[e.stream])?;
        }
        Ok(())
    }
}
