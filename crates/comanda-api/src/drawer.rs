//! The cash drawer: kicked open on a cash payment or a cash refund taken at this terminal, and
//! by a "no sale" with a reason and a manager's approval (`open_drawer`); its state and its
//! last opening for the counter (`drawer_status`).
//!
//! A kick is a job of the print queue (`drawer:<payment, refund or request id>`), made in the
//! transaction of what opens the drawer: a payment sent twice kicks once, and a stop mid-kick
//! leaves the job unknown, never kicked again. The worker sends it before anything else waiting
//! on that printer, and never retries it: a drawer opening a minute later, unasked, is worse
//! than one that stayed shut. What happened is a `DrawerOpened` event in the drawer's own
//! stream, with who asked, why, who approved, and why it failed when it did.

use comanda_domain::ids::{EmployeeId, PrinterId};
use comanda_domain::printer::{DrawerLog, DrawerReason, DrawerSettings, PrinterSaved};
use comanda_print::drawer::{DrawerPin, Kick, KickCommand};
use comanda_print::status::OpenLevel;
use comanda_store::{JobKind, NewJob, StoreError, Tx};
use serde::{Deserialize, Serialize};

use crate::catalog::Empty;
use crate::ctx::Ctx;
use crate::error::{ApiError, ErrorCode};
use crate::input;
use crate::printing::clock_time;
use crate::session::{Approval, Session, require_manager};

/// A kick asked for more than this long ago is not sent: the cashier has moved on.
pub const KICK_STALE_MS: u64 = 60_000;

/// What the worker needs to record a kick (a drawer job's `detail`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KickDetail {
    /// Why.
    pub reason: DrawerReason,
    /// Who asked.
    pub by: EmployeeId,
    /// Who approved, when a manager had to.
    pub approved_by: Option<EmployeeId>,
}

/// The drawer of this terminal: on its receipt printer, else on any printer plugged into it.
pub(crate) fn drawer_printer<'a>(
    printers: &'a std::collections::BTreeMap<PrinterId, PrinterSaved>,
    nodes: &[comanda_domain::ids::DeviceId],
) -> Option<&'a PrinterSaved> {
    let here = || {
        printers
            .values()
            .filter(|p| p.active && p.drawer.is_some() && nodes.contains(&p.node))
    };
    here().find(|p| p.receipts).or_else(|| here().next())
}

/// Queues a kick of this terminal's drawer under `request`, in the caller's transaction.
/// Returns the drawer's printer, or none when this terminal has no drawer.
pub(crate) fn queue_kick(
    tx: &mut Tx<'_>,
    request: &str,
    detail: &KickDetail,
) -> Result<Option<PrinterId>, StoreError> {
    let nodes = tx.node_ids()?;
    let printers = tx.printers()?;
    let Some(p) = drawer_printer(&printers, &nodes) else {
        return Ok(None);
    };
    let order_id = match &detail.reason {
        DrawerReason::Sale { order_id, .. } | DrawerReason::Refund { order_id, .. } => {
            Some(*order_id)
        }
        DrawerReason::NoSale { .. } => None,
    };
    tx.queue_print_job(&NewJob {
        job_id: format!("drawer:{request}"),
        printer_id: p.printer_id,
        kind: JobKind::Drawer,
        order_id,
        detail: Some(serde_json::to_string(detail)?),
    })?;
    Ok(Some(p.printer_id))
}

/// The kick of a drawer's settings.
pub fn kick_of(d: &DrawerSettings) -> Kick {
    Kick {
        pin: if d.pin == 5 {
            DrawerPin::Pin5
        } else {
            DrawerPin::Pin2
        },
        on_ms: d.on_ms,
        off_ms: d.off_ms,
        command: if d.realtime {
            KickCommand::DleDc4
        } else {
            KickCommand::EscP
        },
    }
}

/// `open_drawer`: a "no sale".
#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[ts(export, export_to = "bindings/")]
pub struct OpenDrawer {
    /// Chosen by the caller (a UUID): sending it again opens nothing more.
    pub request_id: uuid::Uuid,
    /// Why (2–120 characters): "change for the till".
    pub reason: String,
    /// A manager's PIN, when a cashier asks.
    #[serde(default)]
    #[ts(optional)]
    pub approval: Option<Approval>,
}

/// The drawer as the counter shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[ts(export, export_to = "bindings/")]
pub struct DrawerView {
    /// The printer it is wired to; none: this terminal has no drawer.
    pub printer: Option<String>,
    /// Open or shut, as its sensor says when asked now; none when it could not be read.
    pub open: Option<bool>,
    /// Why it could not be read, or why the last kick failed.
    pub problem: Option<String>,
    /// A kick waiting to be sent.
    pub kicking: bool,
    /// How many times it opened (since the store began).
    pub opened: u32,
    /// Of those, no-sales.
    pub no_sales: u32,
    /// The last opening in words ("19:42 · no sale: change for the till · Sam, approved by Jo").
    pub last: Option<String>,
}

/// Queues a no-sale kick, with the reason and the approving manager.
pub fn open_drawer(ctx: &Ctx, s: &Session, req: OpenDrawer) -> Result<DrawerView, ApiError> {
    let note = input::required("reason", &req.reason, 120)?;
    if note.chars().count() < 2 {
        return Err(ApiError::invalid(
            "reason",
            "Say why the drawer opens (at least 2 characters).",
        ));
    }
    let approver = require_manager(
        ctx,
        s,
        req.approval.as_ref(),
        "open the drawer without a sale",
    )?;
    let request = format!("nosale:{}", req.request_id);
    ctx.store.write(|tx| {
        let detail = KickDetail {
            reason: DrawerReason::NoSale { note: note.clone() },
            by: s.employee_id,
            approved_by: Some(approver),
        };
        if queue_kick(tx, &request, &detail)?.is_none() {
            return Err(ApiError::new(
                ErrorCode::Conflict,
                "This terminal has no cash drawer: a manager can set one up on its receipt printer under Printers.",
            ));
        }
        Ok::<_, ApiError>(())
    })?;
    tracing::info!(by = %s.employee_id, approver = %approver, "no sale asked");
    ctx.bus.send(crate::bus::Change::Printing);
    drawer_status(ctx, s, Empty {})
}

/// This terminal's drawer: its sensor read now (where the printer reports it), whether a kick
/// is waiting, and its last opening.
pub fn drawer_status(ctx: &Ctx, _s: &Session, _req: Empty) -> Result<DrawerView, ApiError> {
    let (nodes, printers, staff, jobs) = ctx.store.read(|r| {
        Ok::<_, StoreError>((
            r.node_ids()?,
            r.printers()?,
            r.employees()?,
            r.print_jobs(true, 1000)?,
        ))
    })?;
    let Some(p) = drawer_printer(&printers, &nodes) else {
        return Ok(DrawerView {
            printer: None,
            open: None,
            problem: None,
            kicking: false,
            opened: 0,
            no_sales: 0,
            last: None,
        });
    };
    let log: DrawerLog = ctx.store.read(|r| r.drawer(p.printer_id))?;
    let kicking = jobs.iter().any(|j| {
        j.kind == JobKind::Drawer
            && j.printer_id == p.printer_id
            && matches!(
                j.state,
                comanda_store::JobState::Queued | comanda_store::JobState::Sending
            )
    });
    let name = |id: Option<EmployeeId>| {
        id.and_then(|i| staff.get(&i))
            .map_or_else(|| "someone".to_owned(), |e| e.name.clone())
    };
    let last = log.last.as_ref().map(|l| {
        let why = match &l.reason {
            DrawerReason::Sale { .. } => "cash sale".to_owned(),
            DrawerReason::Refund { .. } => "cash refund".to_owned(),
            DrawerReason::NoSale { note } => format!("no sale: {note}"),
        };
        let approved = match l.approved_by {
            Some(a) if Some(a) != l.by => format!(", approved by {}", name(Some(a))),
            _ => String::new(),
        };
        let failed = l
            .failed
            .as_ref()
            .map_or_else(String::new, |f| format!(" · did not open: {f}"));
        format!(
            "{} · {why} · {}{approved}{failed}",
            clock_time(l.at_ms),
            name(l.by)
        )
    });
    let (open, problem) = read_sensor(p);
    let problem = problem.or_else(|| log.last.as_ref().and_then(|l| l.failed.clone()));
    Ok(DrawerView {
        printer: Some(p.name.clone()),
        open,
        problem,
        kicking,
        opened: log.opened,
        no_sales: log.no_sales,
        last,
    })
}

/// Asks the printer for its drawer sensor (`DLE EOT 1`), with short waits.
fn read_sensor(p: &PrinterSaved) -> (Option<bool>, Option<String>) {
    let Some(d) = p.drawer else {
        return (None, None);
    };
    if !p.status {
        return (None, None);
    }
    let level = if d.open_high {
        OpenLevel::High
    } else {
        OpenLevel::Low
    };
    match crate::printing::status_now(p) {
        Ok(Some(st)) => (Some(st.drawer_open(level)), None),
        Ok(None) => (None, Some("the printer does not answer".into())),
        Err(why) => (None, Some(why)),
    }
}
