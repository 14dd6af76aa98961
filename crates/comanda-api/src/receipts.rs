//! Customer receipts: asked for with the payment that settles an order (`record_payment` with
//! `receipt`) or by a person afterwards (`print_receipt`), printed by this terminal's receipt
//! printer through the print queue. Each request is one job, named by the payment or by the
//! id the screen chose for the request (`receipt:<id>`), made in the transaction of what asks
//! for it: a request sent twice prints once. The first receipt of an order that printed is the
//! original; every later one, on any terminal, says REPRINT (the store learns of each through
//! `ReceiptPrinted`, in the order's stream).

use comanda_domain::event::{DiscountAmount, DiscountTarget, PaymentMethod, RefundMethod};
use comanda_domain::ids::{OrderId, PrinterId};
use comanda_domain::order::OrderState;
use comanda_domain::printer::{receipt_job, receipt_printer};
use comanda_print::docs::{Amount, Document, Receipt, ReceiptLine, TaxRow};
use comanda_store::{JobKind, NewJob, PrintJob, StoreError, Tx};
use serde::{Deserialize, Serialize};

use crate::ctx::Ctx;
use crate::error::{ApiError, ErrorCode};
use crate::printers::{PrintJobView, job_view};
use crate::session::Session;

/// `print_receipt`: print the order's receipt (a copy, REPRINT, when it had one).
#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[ts(export, export_to = "bindings/")]
pub struct PrintReceipt {
    /// The order.
    pub order_id: OrderId,
    /// Chosen by the caller (a UUID): the request's idempotency key. Sending it again prints
    /// nothing more.
    pub request_id: uuid::Uuid,
}

/// Queues a receipt of `order` on this terminal's receipt printer, under `request`, in the
/// caller's transaction. Returns the printer, or none when this terminal has no receipt
/// printer.
pub(crate) fn queue_receipt(
    tx: &mut Tx<'_>,
    order: OrderId,
    request: &str,
) -> Result<Option<PrinterId>, StoreError> {
    let nodes = tx.node_ids()?;
    let printers = tx.printers()?;
    let Some(p) = receipt_printer(&printers, &nodes) else {
        return Ok(None);
    };
    tx.queue_print_job(&NewJob {
        job_id: receipt_job(request),
        printer_id: p.printer_id,
        kind: JobKind::Receipt,
        order_id: Some(order),
        detail: None,
    })?;
    Ok(Some(p.printer_id))
}

/// Prints the order's receipt on this terminal's receipt printer.
pub fn print_receipt(ctx: &Ctx, _s: &Session, req: PrintReceipt) -> Result<PrintJobView, ApiError> {
    let request = req.request_id.to_string();
    let job = ctx.store.write(|tx| {
        let Some(order) = tx.order(req.order_id)? else {
            return Err(ApiError::not_found("That order does not exist.").on("order_id"));
        };
        if order.state.opened.is_none() {
            return Err(ApiError::not_found("That order does not exist.").on("order_id"));
        }
        if let Some(existing) = tx.print_job(&receipt_job(&request))? {
            if existing.order_id != Some(req.order_id) {
                return Err(ApiError::new(
                    ErrorCode::Conflict,
                    "That request id was used for another order's receipt.",
                )
                .on("request_id"));
            }
            return Ok(existing);
        }
        if queue_receipt(tx, req.order_id, &request)?.is_none() {
            return Err(ApiError::new(
                ErrorCode::Conflict,
                "This terminal has no receipt printer: a manager can set one up under Printers.",
            ));
        }
        tx.print_job(&receipt_job(&request))?
            .ok_or_else(|| ApiError::internal(&"the receipt job just made is not there"))
    })?;
    ctx.bus.send(crate::bus::Change::Printing);
    let (printers, number) = ctx.store.read(|r| {
        Ok::<_, StoreError>((
            r.printers()?,
            r.order(req.order_id)?.map(|o| o.state.number),
        ))
    })?;
    Ok(job_view(job, &printers, number))
}

/// Whether a receipt of the order other than `job` printed or may have (every word a printing
/// node tells is one of those): the next is a copy.
pub(crate) fn had_receipt(order: &OrderState, job: &str) -> bool {
    order.receipts.iter().any(|r| r.receipt != job)
}

/// The receipt a job prints: the order as it stands now.
pub fn receipt_of(ctx: &Ctx, job: &PrintJob) -> Result<Option<(Document, bool)>, ApiError> {
    let Some(order_id) = job.order_id else {
        return Ok(None);
    };
    let (order, settings, staff, devices) = ctx.store.read(|r| {
        Ok::<_, StoreError>((
            r.order(order_id)?,
            r.settings()?.unwrap_or_default(),
            r.employees()?,
            r.devices()?,
        ))
    })?;
    let Some(order) = order else {
        return Ok(None);
    };
    let o = &order.state;
    let t = o.totals();
    let money = |m: comanda_domain::money::Money| m.to_string();
    let lines = o
        .live_lines()
        .map(|l| {
            let amounts = t.lines.iter().find(|a| a.line_id == l.line_id);
            ReceiptLine {
                quantity: u32::from(l.qty).to_string(),
                name: l.name.clone(),
                amount: amounts.map_or_else(String::new, |a| money(a.gross)),
                modifiers: l
                    .modifiers
                    .iter()
                    .map(|m| Amount {
                        label: m.name.clone(),
                        amount: if m.price_delta == comanda_domain::money::Money::ZERO {
                            String::new()
                        } else {
                            money(m.price_delta)
                        },
                    })
                    .collect(),
                discount: None,
            }
        })
        .collect();
    let discounts = o
        .discounts
        .iter()
        .filter(|d| !d.removed)
        .map(|d| {
            let what = match &d.target {
                DiscountTarget::Order => "Discount".to_owned(),
                DiscountTarget::Line { line_id } => o
                    .line(*line_id)
                    .map_or_else(|| "Discount".into(), |l| format!("Discount {}", l.name)),
            };
            let label = if d.reason.trim().is_empty() {
                what
            } else {
                format!("{what} ({})", d.reason.trim())
            };
            let amount = match &d.amount {
                DiscountAmount::Fixed(m) => format!("-{m}"),
                DiscountAmount::Percent(p) => format!("-{p}"),
            };
            Amount { label, amount }
        })
        .collect::<Vec<_>>();
    let mut payments = Vec::new();
    let mut change = comanda_domain::money::Money::ZERO;
    for p in o.payments.iter().filter(|p| p.voided.is_none()) {
        let label = match &p.method {
            PaymentMethod::Cash {
                tendered,
                change: c,
            } => {
                change += *c;
                format!("Cash (handed {tendered})")
            }
            PaymentMethod::Card { reference } => format!("Card {reference}"),
        };
        payments.push(Amount {
            label,
            amount: money(p.amount),
        });
        if p.tip.is_positive() {
            payments.push(Amount {
                label: "Tip".into(),
                amount: money(p.tip),
            });
        }
    }
    for r in &o.refunds {
        let how = match &r.method {
            Some(RefundMethod::Cash) => "cash",
            Some(RefundMethod::Card { .. }) => "card",
            None => "as paid",
        };
        payments.push(Amount {
            label: format!("Refund ({how})"),
            amount: format!("-{}", r.amount),
        });
    }
    let mut details = vec![crate::printing::served(o)];
    let paid_by = o
        .payments
        .iter()
        .rev()
        .find(|p| p.voided.is_none())
        .map(|p| p.stamp)
        .or(o.opened);
    if let Some(stamp) = &paid_by {
        if let Some(name) = stamp
            .by
            .and_then(|id| staff.get(&id))
            .map(|e| e.name.clone())
        {
            details.push(format!("Served by {name}"));
        }
        if let Some(terminal) = devices.get(&stamp.device).and_then(|d| d.name.clone()) {
            details.push(terminal);
        }
        details.push(crate::printing::date_time(stamp.at_ms));
    }
    details.retain(|d| !d.is_empty());
    let subtotal = (t.subtotal != t.total).then(|| money(t.subtotal));
    let taxes = t
        .taxes
        .iter()
        .filter(|x| x.tax != comanda_domain::money::Money::ZERO)
        .map(|x| TaxRow {
            name: if x.inclusive {
                format!("{} incl.", x.name)
            } else {
                x.name.clone()
            },
            base: money(x.base),
            tax: money(x.tax),
        })
        .collect();
    let due = t.balance.is_positive().then(|| money(t.balance));
    let copy = job.reprint || had_receipt(o, &job.job_id);
    let receipt = Receipt {
        header: vec![settings.store_name.clone()],
        number: o.number.to_string(),
        details,
        lines,
        discounts,
        subtotal,
        taxes,
        total: money(t.total),
        payments,
        change: change.is_positive().then(|| money(change)),
        due,
        footer: vec![
            format!("Prices in {}", settings.currency),
            "Thank you!".into(),
        ],
        qr: Some(format!("comanda:order:{}", o.order_id)),
    };
    Ok(Some((Document::Receipt(receipt), copy)))
}
