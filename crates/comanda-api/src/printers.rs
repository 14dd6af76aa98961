//! The printers of the store and the print queue of this terminal, for the settings and the
//! queue screens: `list_printers` (with every kitchen station and the printer that makes its
//! tickets, or none), `save_printer` (a manager adds a printer plugged into this terminal, or
//! changes one), `print_queue` (what is waiting, failed or unknown, with the reason),
//! `reprint_job` (a person asks for an ended ticket again: it prints REPRINT) and `test_print`.

use comanda_domain::event::{EventBody, StreamId};
use comanda_domain::ids::PrinterId;
use comanda_domain::printer::{DrawerSettings, PrinterSaved, fallback_for, printer_for};
use comanda_print::docs::{Document, TestPage};
use comanda_print::job::{Handshake, Outcome};
use comanda_print::transport::Timeouts;
use comanda_store::JobState;
use serde::{Deserialize, Serialize};

use crate::bus::Change;
use crate::catalog::Empty;
use crate::ctx::Ctx;
use crate::error::{ApiError, ErrorCode};
use crate::input;
use crate::printing::{address_of, clock_time, profile_of};
use crate::session::{Approval, Session, require_manager};

/// A printer, as the settings screen shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[ts(export, export_to = "bindings/")]
pub struct PrinterView {
    /// Its id.
    pub printer_id: PrinterId,
    /// Its name.
    pub name: String,
    /// Plugged into this terminal (only then is its queue here).
    pub here: bool,
    /// The terminal it is plugged into, by name.
    pub terminal: String,
    /// How that terminal reaches it (`tcp:192.168.1.50:9100`).
    pub connection: String,
    /// Characters per line (32, 42, 48).
    pub columns: u8,
    /// Its code page (`cp858`).
    pub code_page: String,
    /// The `ESC t` number of that page on this model.
    pub code_page_number: u8,
    /// Whether it answers status requests.
    pub status: bool,
    /// The stations it prints.
    pub stations: Vec<String>,
    /// Whether it prints receipts.
    pub receipts: bool,
    /// False once removed.
    pub active: bool,
    /// Its cash drawer, if one is wired to it.
    pub drawer: Option<DrawerSetup>,
    /// The stations whose tickets it takes when their own printer cannot print.
    pub fallback_for: Vec<String>,
    /// Jobs waiting for it here (queued or failed).
    pub waiting: u32,
    /// Why it is not printing: its oldest waiting job failed (a printer here), or its
    /// terminal has not told of tickets sent to it for a while (a printer elsewhere).
    pub problem: Option<String>,
    /// Kitchen tickets sent to it that its terminal has not told of for
    /// [`UNCONFIRMED_AFTER_MS`] (a printer on another terminal: printing, stuck, or out of
    /// reach of this one).
    pub unconfirmed: u32,
    /// What the printer itself said last, read by this terminal (a printer here).
    pub live: Option<crate::printing::LiveStatus>,
}

/// `confirm_printed`: a person saw that a ticket or receipt that may not have printed did.
#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[ts(export, export_to = "bindings/")]
pub struct ConfirmPrinted {
    /// The job (one left unknown).
    pub job_id: String,
}

/// `retry_printer`: try a printer of this terminal again now (paper put back, cover shut).
#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[ts(export, export_to = "bindings/")]
pub struct RetryPrinter {
    /// The printer.
    pub printer_id: PrinterId,
}

/// `check_printer`: ask a printer plugged into this terminal for its state now.
#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[ts(export, export_to = "bindings/")]
pub struct CheckPrinter {
    /// The printer.
    pub printer_id: PrinterId,
}

/// A cash drawer wired to a printer.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema,
)]
#[serde(deny_unknown_fields)]
#[ts(export, export_to = "bindings/")]
pub struct DrawerSetup {
    /// The pin it is wired to: 2 (the usual) or 5.
    pub pin: u8,
    /// How long the kick's pulse is on (ms, 10–500; most drawers want 50–100).
    pub on_ms: u16,
    /// How long it is off after (ms, 10–500).
    pub off_ms: u16,
    /// Kick with the real-time command (opens even when the printer is out of paper).
    pub realtime: bool,
    /// Its sensor reads high when open (most drawers); false: low when open.
    pub open_high: bool,
}

impl From<DrawerSettings> for DrawerSetup {
    fn from(d: DrawerSettings) -> DrawerSetup {
        DrawerSetup {
            pin: d.pin,
            on_ms: d.on_ms,
            off_ms: d.off_ms,
            realtime: d.realtime,
            open_high: d.open_high,
        }
    }
}

impl From<DrawerSetup> for DrawerSettings {
    fn from(d: DrawerSetup) -> DrawerSettings {
        DrawerSettings {
            pin: d.pin,
            on_ms: d.on_ms,
            off_ms: d.off_ms,
            realtime: d.realtime,
            open_high: d.open_high,
        }
    }
}

/// A kitchen station and the printer that makes its tickets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[ts(export, export_to = "bindings/")]
pub struct StationView {
    /// The station ("grill").
    pub station: String,
    /// The printer's name; none: its tickets print nowhere.
    pub printer: Option<String>,
    /// The printer that takes its tickets when its own cannot print, if any.
    pub fallback: Option<String>,
    /// Its kitchen tickets no printing terminal has told of for [`UNCONFIRMED_AFTER_MS`].
    pub unconfirmed: u32,
}

/// How long a kitchen ticket may go untold of before the counter warns (a ticket prints and is
/// told of within seconds when all is well).
pub const UNCONFIRMED_AFTER_MS: u64 = 30_000;

/// How far back the counter looks for tickets never told of (a service).
const UNCONFIRMED_WITHIN_MS: u64 = 12 * 3_600_000;

/// Per station, the kitchen tickets of the latest orders no printing node has told of for
/// [`UNCONFIRMED_AFTER_MS`]: how many, and since when the oldest.
fn unconfirmed_by_station(
    r: &comanda_store::Reader<'_>,
    catalog: &comanda_domain::catalog::Catalog,
    now: u64,
) -> Result<std::collections::BTreeMap<String, (u32, u64)>, comanda_store::StoreError> {
    let mut out: std::collections::BTreeMap<String, (u32, u64)> = Default::default();
    let since = now.saturating_sub(UNCONFIRMED_WITHIN_MS);
    for rec in crate::kitchen::heard_orders(r, since, 200)? {
        for a in comanda_domain::printer::awaited_tickets(&rec.state, catalog) {
            let age = now.saturating_sub(a.since_ms);
            if !(UNCONFIRMED_AFTER_MS..=UNCONFIRMED_WITHIN_MS).contains(&age) {
                continue;
            }
            let e = out.entry(a.station).or_insert((0, a.since_ms));
            e.0 += 1;
            e.1 = e.1.min(a.since_ms);
        }
    }
    Ok(out)
}

/// `list_printers`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[ts(export, export_to = "bindings/")]
pub struct PrinterList {
    /// The store's printers, by name.
    pub printers: Vec<PrinterView>,
    /// Every station the menu names, each with its printer or none.
    pub stations: Vec<StationView>,
}

/// `save_printer`: add a printer plugged into this terminal, or change one.
#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[ts(export, export_to = "bindings/")]
pub struct SavePrinter {
    /// The printer to change; absent to add one.
    #[serde(default)]
    #[ts(optional)]
    pub printer_id: Option<PrinterId>,
    /// Its name (1–40 characters).
    pub name: String,
    /// `tcp:HOST:PORT`, `serial:PATH:BAUD[:rtscts|xonxoff]`, `usb:PATH` or `spooler:NAME`.
    pub connection: String,
    /// 32 (58 mm), 42 or 48 (80 mm).
    pub columns: u8,
    /// `cp437`, `cp850`, `cp858` or `cp1252`.
    pub code_page: String,
    /// The `ESC t` number of that page; absent: Epson's.
    #[serde(default)]
    #[ts(optional)]
    pub code_page_number: Option<u8>,
    /// Whether it answers status requests (most do; a spooler printer does not).
    pub status: bool,
    /// The stations it prints ("grill"), lower case.
    pub stations: Vec<String>,
    /// Whether it prints receipts.
    pub receipts: bool,
    /// False to remove it.
    pub active: bool,
    /// Its cash drawer, if one is wired to it.
    #[serde(default)]
    #[ts(optional)]
    pub drawer: Option<DrawerSetup>,
    /// The stations whose tickets it takes when their own printer cannot print.
    #[serde(default)]
    #[ts(optional)]
    pub fallback_for: Option<Vec<String>>,
    /// A manager's PIN, when a cashier asks.
    #[serde(default)]
    #[ts(optional)]
    pub approval: Option<Approval>,
}

/// One job of the queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[ts(export, export_to = "bindings/")]
pub struct PrintJobView {
    /// Its id.
    pub job_id: String,
    /// The printer's name.
    pub printer: String,
    /// `ticket`, `receipt`, `drawer` or `test`.
    pub kind: String,
    /// The order's number, for a ticket.
    pub order_number: Option<u32>,
    /// The station, for a ticket.
    pub station: Option<String>,
    /// `queued`, `sending`, `done`, `failed` or `unknown`.
    pub state: String,
    /// Why it failed or is unknown.
    pub reason: Option<String>,
    /// How many times it was tried.
    pub attempts: u32,
    /// A reprint.
    pub reprint: bool,
    /// When it was made ("19:42").
    pub at: String,
}

/// `print_queue`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[ts(export, export_to = "bindings/")]
pub struct PrintQueue {
    /// This terminal's jobs, newest first (the last 100; those not done first when asked).
    pub jobs: Vec<PrintJobView>,
}

/// `print_queue`: which jobs.
#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[ts(export, export_to = "bindings/")]
pub struct ListPrintQueue {
    /// Only jobs not printed (waiting, failed, unknown).
    #[serde(default)]
    pub open_only: bool,
}

/// `reprint_job`: print an ended ticket again, marked REPRINT.
#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[ts(export, export_to = "bindings/")]
pub struct ReprintJob {
    /// The job.
    pub job_id: String,
}

/// `test_print`: print a test page now.
#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[ts(export, export_to = "bindings/")]
pub struct TestPrint {
    /// The printer (one plugged into this terminal).
    pub printer_id: PrinterId,
}

/// What a test print did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[ts(export, export_to = "bindings/")]
pub struct TestPrintResult {
    /// Printed and confirmed (or, without status, taken whole).
    pub printed: bool,
    /// What happened, in words.
    pub message: String,
}

const CODE_PAGES: [&str; 4] = ["cp437", "cp850", "cp858", "cp1252"];

/// The printers and stations.
pub fn list_printers(ctx: &Ctx, _s: &Session, _req: Empty) -> Result<PrinterList, ApiError> {
    let now = ctx.clock.now_ms();
    let (nodes, printers, devices, catalog, jobs, unconfirmed) = ctx.store.read(|r| {
        let catalog = r.catalog()?.unwrap_or_default();
        let unconfirmed = unconfirmed_by_station(r, &catalog, now)?;
        Ok::<_, comanda_store::StoreError>((
            r.node_ids()?,
            r.printers()?,
            r.devices()?,
            catalog,
            r.print_jobs(true, 1000)?,
            unconfirmed,
        ))
    })?;
    let here = |p: &PrinterSaved| nodes.contains(&p.node);
    let live = ctx.printing.live();
    let mut views: Vec<PrinterView> = printers
        .values()
        .map(|p| {
            let waiting: Vec<_> = jobs
                .iter()
                .filter(|j| {
                    j.printer_id == p.printer_id
                        && matches!(j.state, JobState::Queued | JobState::Failed)
                })
                .collect();
            let terminal = devices
                .get(&p.node)
                .and_then(|d| d.name.clone())
                .unwrap_or_else(|| {
                    if here(p) {
                        "this terminal".into()
                    } else {
                        "another terminal".into()
                    }
                });
            // Tickets of its stations no terminal told of: for a printer elsewhere, the only
            // word this terminal has (a printer here says why through its own queue).
            let (count, oldest) = p
                .stations
                .iter()
                .filter(|st| printer_for(&printers, st).map(|q| q.printer_id) == Some(p.printer_id))
                .filter_map(|st| unconfirmed.get(st))
                .fold((0, u64::MAX), |(n, o), (c, since)| (n + c, o.min(*since)));
            let problem = waiting
                .iter()
                .min_by_key(|j| j.created_ms)
                .and_then(|j| j.reason.clone())
                .or_else(|| {
                    (!here(p) && count > 0).then(|| {
                        format!(
                            "{terminal} has not confirmed {} sent since {}",
                            if count == 1 {
                                "1 ticket".to_owned()
                            } else {
                                format!("{count} tickets")
                            },
                            clock_time(oldest)
                        )
                    })
                });
            PrinterView {
                printer_id: p.printer_id,
                name: p.name.clone(),
                here: here(p),
                terminal,
                connection: p.connection.clone(),
                columns: p.columns,
                code_page: p.code_page.clone(),
                code_page_number: p.code_page_number,
                status: p.status,
                stations: p.stations.clone(),
                receipts: p.receipts,
                active: p.active,
                drawer: p.drawer.map(DrawerSetup::from),
                fallback_for: p.fallback_for.clone(),
                waiting: u32::try_from(waiting.len()).unwrap_or(u32::MAX),
                problem,
                unconfirmed: if here(p) { 0 } else { count },
                live: if here(p) {
                    live.get(&p.printer_id).cloned()
                } else {
                    None
                },
            }
        })
        .collect();
    views.sort_by(|a, b| a.name.cmp(&b.name).then(a.printer_id.cmp(&b.printer_id)));
    let stations = catalog
        .stations()
        .into_iter()
        .map(|station| StationView {
            printer: printer_for(&printers, &station).map(|p| p.name.clone()),
            fallback: printer_for(&printers, &station)
                .and_then(|own| fallback_for(&printers, &station, own.printer_id))
                .map(|p| p.name.clone()),
            unconfirmed: unconfirmed.get(&station).map_or(0, |u| u.0),
            station,
        })
        .collect();
    Ok(PrinterList {
        printers: views,
        stations,
    })
}

/// Adds or changes a printer plugged into this terminal (a manager).
pub fn save_printer(ctx: &Ctx, s: &Session, req: SavePrinter) -> Result<PrinterList, ApiError> {
    let name = input::required("name", &req.name, 40)?;
    let connection = input::required("connection", &req.connection, 200)?;
    address_of(&connection).map_err(|e| ApiError::invalid("connection", e))?;
    if !matches!(req.columns, 32 | 42 | 48) {
        return Err(ApiError::invalid(
            "columns",
            "A printer has 32 columns (58 mm paper), 42 or 48 (80 mm).",
        ));
    }
    let code_page = req.code_page.trim().to_lowercase();
    if !CODE_PAGES.contains(&code_page.as_str()) {
        return Err(ApiError::invalid(
            "code_page",
            "The code page is one of cp437, cp850, cp858 (with €) or cp1252.",
        ));
    }
    let stations = station_list("stations", &req.stations)?;
    let fallback = station_list("fallback_for", req.fallback_for.as_deref().unwrap_or(&[]))?;
    if let Some(d) = &req.drawer {
        if !matches!(d.pin, 2 | 5) {
            return Err(ApiError::invalid(
                "drawer",
                "A drawer is wired to pin 2 or pin 5.",
            ));
        }
        if !(10..=500).contains(&d.on_ms) || !(10..=500).contains(&d.off_ms) {
            return Err(ApiError::invalid(
                "drawer",
                "The drawer's pulse times are between 10 and 500 ms.",
            ));
        }
    }
    require_manager(ctx, s, req.approval.as_ref(), "set up a printer")?;
    let page = match code_page.as_str() {
        "cp850" => comanda_print::CodePage::Cp850,
        "cp858" => comanda_print::CodePage::Cp858,
        "cp1252" => comanda_print::CodePage::Cp1252,
        _ => comanda_print::CodePage::Cp437,
    };
    ctx.store.write(|tx| {
        let me = tx.device_id();
        let printers = tx.printers()?;
        let printer_id = match req.printer_id {
            Some(id) => {
                let p = printers.get(&id).ok_or_else(|| {
                    ApiError::not_found("That printer does not exist.").on("printer_id")
                })?;
                if p.node != me {
                    return Err(ApiError::new(
                        ErrorCode::Conflict,
                        "That printer is plugged into another terminal: change it there.",
                    )
                    .on("printer_id"));
                }
                id
            }
            None => PrinterId::new(&*ctx.ids),
        };
        let saved = PrinterSaved {
            printer_id,
            name: name.clone(),
            node: me,
            connection: connection.clone(),
            columns: req.columns,
            code_page: code_page.clone(),
            code_page_number: req.code_page_number.unwrap_or(page.epson_number()),
            status: req.status,
            stations: stations.clone(),
            receipts: req.receipts,
            active: req.active,
            drawer: req.drawer.map(DrawerSettings::from),
            fallback_for: fallback.clone(),
        };
        tx.append(
            StreamId::Printers,
            Some(s.employee_id),
            EventBody::PrinterSaved(saved),
        )?;
        Ok::<_, ApiError>(())
    })?;
    ctx.bus.send(Change::Settings);
    list_printers(ctx, s, Empty {})
}

/// Reads a list of stations: lower case, each once, at most 20.
fn station_list(field: &str, given: &[String]) -> Result<Vec<String>, ApiError> {
    let mut stations = Vec::new();
    for st in given {
        let st = input::required(field, &st.to_lowercase(), 20)?;
        if !stations.contains(&st) {
            stations.push(st);
        }
    }
    if stations.len() > 20 {
        return Err(ApiError::invalid(field, "At most 20 stations per printer."));
    }
    Ok(stations)
}

/// A job as the queue screen shows it.
pub(crate) fn job_view(
    j: comanda_store::PrintJob,
    printers: &std::collections::BTreeMap<PrinterId, PrinterSaved>,
    order_number: Option<u32>,
) -> PrintJobView {
    PrintJobView {
        printer: printers
            .get(&j.printer_id)
            .map_or_else(|| "a removed printer".into(), |p| p.name.clone()),
        kind: j.kind.as_str().to_owned(),
        order_number,
        station: j.station,
        state: format!("{:?}", j.state).to_lowercase(),
        reason: j.reason,
        attempts: j.attempts,
        reprint: j.reprint,
        at: clock_time(j.created_ms),
        job_id: j.job_id,
    }
}

/// This terminal's print queue.
pub fn print_queue(ctx: &Ctx, _s: &Session, req: ListPrintQueue) -> Result<PrintQueue, ApiError> {
    let (jobs, printers) = ctx.store.read(|r| {
        Ok::<_, comanda_store::StoreError>((r.print_jobs(req.open_only, 100)?, r.printers()?))
    })?;
    let mut views = Vec::with_capacity(jobs.len());
    for j in jobs {
        let order_number = match j.order_id {
            Some(id) => ctx.store.read(|r| r.order(id))?.map(|o| o.state.number),
            None => None,
        };
        views.push(job_view(j, &printers, order_number));
    }
    Ok(PrintQueue { jobs: views })
}

/// Queues an ended job again, marked REPRINT.
pub fn reprint_job(ctx: &Ctx, s: &Session, req: ReprintJob) -> Result<PrintQueue, ApiError> {
    let done = ctx.store.write(|tx| {
        if tx.print_job(&req.job_id)?.is_none() {
            return Err(
                ApiError::not_found("That print job is not on this terminal.").on("job_id"),
            );
        }
        Ok::<_, ApiError>(tx.reprint(&req.job_id)?)
    })?;
    if !done {
        return Err(ApiError::new(
            ErrorCode::Conflict,
            "Only a ticket or receipt that printed, or may have, can be printed again (a drawer kick never): this one is not.",
        )
        .on("job_id"));
    }
    tracing::info!(job = %req.job_id, by = %s.employee_id, "reprint asked");
    ctx.bus.send(Change::Printing);
    print_queue(ctx, s, ListPrintQueue { open_only: false })
}

/// Prints a test page now, on a printer plugged into this terminal.
pub fn test_print(ctx: &Ctx, _s: &Session, req: TestPrint) -> Result<TestPrintResult, ApiError> {
    let p = &printer_here(ctx, req.printer_id, "test it there")?;
    let address = address_of(&p.connection).map_err(|e| ApiError::invalid("printer_id", e))?;
    let profile = profile_of(p);
    let page = Document::TestPage(TestPage {
        printer: p.name.clone(),
        address: address.to_string(),
        at: clock_time(ctx.clock.now_ms()),
    });
    let bytes = comanda_print::render(&page.layout(&profile, false), &profile)
        .map_err(|e| ApiError::internal(&e))?
        .bytes;
    let handshake = Handshake {
        status: p.status,
        ..Handshake::default()
    };
    let outcome = match comanda_print::transport::open(&address, Timeouts::default()) {
        Ok(mut link) => comanda_print::job::send(link.as_mut(), &bytes, &handshake),
        Err(e) => {
            return Ok(TestPrintResult {
                printed: false,
                message: e.to_string(),
            });
        }
    };
    let now = ctx.clock.now_ms();
    ctx.printing.note(
        p.printer_id,
        match &outcome {
            Outcome::Printed => crate::printing::LiveStatus {
                ready: true,
                paper_low: false,
                words: "ready".into(),
                at_ms: now,
            },
            Outcome::NotSent { reason, .. } | Outcome::Unknown { reason } => {
                crate::printing::LiveStatus {
                    ready: false,
                    paper_low: false,
                    words: reason.clone(),
                    at_ms: now,
                }
            }
        },
    );
    Ok(match outcome {
        Outcome::Printed => TestPrintResult {
            printed: true,
            message: "The test page printed.".into(),
        },
        Outcome::NotSent { reason, .. } => TestPrintResult {
            printed: false,
            message: format!("Nothing was sent: {reason}."),
        },
        Outcome::Unknown { reason } => TestPrintResult {
            printed: false,
            message: format!("It may not have printed: {reason}."),
        },
    })
}

/// A printer plugged into this terminal (a printer elsewhere: refused, saying to `there`).
fn printer_here(ctx: &Ctx, id: PrinterId, there: &str) -> Result<PrinterSaved, ApiError> {
    let (nodes, mut printers) = ctx
        .store
        .read(|r| Ok::<_, comanda_store::StoreError>((r.node_ids()?, r.printers()?)))?;
    let p = printers
        .remove(&id)
        .ok_or_else(|| ApiError::not_found("That printer does not exist.").on("printer_id"))?;
    if !nodes.contains(&p.node) {
        return Err(ApiError::new(
            ErrorCode::Conflict,
            format!("That printer is plugged into another terminal: {there}."),
        )
        .on("printer_id"));
    }
    Ok(p)
}

/// Asks a printer plugged into this terminal for its state now (at most about two seconds),
/// and returns it; the settings screen shows it beside the printer.
pub fn check_printer(
    ctx: &Ctx,
    _s: &Session,
    req: CheckPrinter,
) -> Result<crate::printing::LiveStatus, ApiError> {
    let p = printer_here(ctx, req.printer_id, "check it there")?;
    Ok(crate::printing::check_now(ctx, &p))
}

/// A person saw that a job left unknown did print (the kitchen has the ticket, the customer
/// the receipt): it ends as printed, and every terminal is told, as if the printer had said
/// so. Nothing is printed.
pub fn confirm_printed(
    ctx: &Ctx,
    s: &Session,
    req: ConfirmPrinted,
) -> Result<PrintQueue, ApiError> {
    let event = ctx.store.write(|tx| {
        let job = tx
            .print_job(&req.job_id)?
            .ok_or_else(|| ApiError::not_found("That print job is not on this terminal.").on("job_id"))?;
        if job.state != JobState::Unknown {
            return Err(ApiError::new(
                ErrorCode::Conflict,
                "Only a ticket or receipt that may not have printed can be confirmed as printed: this one is not.",
            )
            .on("job_id"));
        }
        let Some((stream, body)) = crate::printing::told(
            &job,
            job.printer_id,
            job.reprint,
            comanda_domain::printer::TicketOutcome::Printed,
        ) else {
            return Err(ApiError::new(
                ErrorCode::Conflict,
                "Only a ticket or receipt can be confirmed as printed.",
            )
            .on("job_id"));
        };
        tx.set_print_job(&job.job_id, JobState::Done, Some("confirmed printed by a person"))?;
        Ok::<_, ApiError>(tx.append(stream, Some(s.employee_id), body)?)
    })?;
    tracing::info!(job = %req.job_id, by = %s.employee_id, "confirmed printed");
    crate::sync::announce(ctx, &[event.stream])?;
    ctx.bus.send(Change::Printing);
    print_queue(ctx, s, ListPrintQueue { open_only: false })
}

/// Tries a printer of this terminal again now, without waiting out the pause after its last
/// failure (a person put the paper back or shut the cover).
pub fn retry_printer(ctx: &Ctx, s: &Session, req: RetryPrinter) -> Result<PrinterList, ApiError> {
    let p = printer_here(ctx, req.printer_id, "retry it there")?;
    ctx.printing.retry_now(p.printer_id);
    ctx.bus.send(Change::Printing);
    list_printers(ctx, s, Empty {})
}
