//! Order commands and queries, one file per operation. Every command runs in one store
//! transaction through `mutate`: load the order, check it may change, append the events, read
//! the new view; then tell the bus.

mod accept_over_refund;
mod add_line;
pub(crate) mod apply_discount;
mod cancel_order;
mod change_line;
mod close_order;
mod confirm_cancel;
pub(crate) mod fire_order;
mod open_order;
pub(crate) mod policy;
mod queries;
mod record_payment;
mod refund_payment;
mod remove_discount;
mod reopen_order;
mod set_order_details;
mod void_line;
mod void_payment;

pub use accept_over_refund::{AcceptOverRefund, accept_over_refund};
pub use add_line::{AddByBarcode, AddLine, ModifierChoice, add_by_barcode, add_line};
pub use apply_discount::{ApplyDiscount, DiscountRequest, apply_discount};
pub use cancel_order::{CancelOrder, cancel_order};
pub use change_line::{ChangeLine, LineChangeRequest, change_line};
pub use close_order::{CloseOrder, close_order};
pub use confirm_cancel::{ConfirmCancel, confirm_cancel};
pub use fire_order::{FireOrder, fire_order};
pub use open_order::{OpenOrder, open_order};
pub use queries::{GetOrder, ListOrders, StatusFilter, get_order, list_orders};
pub use record_payment::{PaymentRequest, RecordPayment, record_payment};
pub use refund_payment::{RefundPayment, RefundRequestMethod, refund_payment};
pub use remove_discount::{RemoveDiscount, remove_discount};
pub use reopen_order::{ReopenOrder, reopen_order};
pub use set_order_details::{ChangeOrderType, SetOrderNote, change_order_type, set_order_note};
pub use void_line::{VoidLine, void_line};
pub use void_payment::{VoidPayment, void_payment};

use comanda_domain::event::{EventBody, OrderType, StreamId};

use crate::shapes::OrderType as OrderTypeRequest;
use comanda_domain::ids::OrderId;
use comanda_domain::order::{OrderState, OrderStatus};
use comanda_store::Tx;

use crate::bus::Change;
use crate::ctx::Ctx;
use crate::error::{ApiError, ErrorCode};
use crate::input;
use crate::session::{Approval, Session};
use crate::views::{Names, OrderView, Printing};
pub(crate) use policy::{Effect, Proposal};

/// Whether a command may touch an order that is not open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Needs {
    /// The order must be open (taking items and payments).
    Open,
    /// Any status (reopen).
    Any,
}

/// Runs one order command in one transaction: loads the order, checks its status, lets `f`
/// propose the events (or refuse), judges them with every policy in one place
/// ([`policy::decide`]: sent lines, the discount limit, tips, the command's own approval),
/// appends them, and returns the new view. Nothing is written when anything refuses or fails.
pub(crate) fn mutate(
    ctx: &Ctx,
    s: &Session,
    order_id: OrderId,
    needs: Needs,
    approval: Option<&Approval>,
    f: impl FnOnce(&Tx<'_>, &OrderState) -> Result<Proposal, ApiError>,
) -> Result<OrderView, ApiError> {
    let view = ctx.store.write(|tx| {
        let rec = tx
            .order(order_id)?
            .ok_or_else(|| ApiError::not_found("That order does not exist.").on("order_id"))?;
        if needs == Needs::Open {
            ensure_open(&rec.state)?;
        }
        let mut proposal = f(tx, &rec.state)?;
        let effects = std::mem::take(&mut proposal.effects);
        let bodies = policy::decide(ctx, tx, s, approval, &rec.state, proposal)?;
        // Let go of the order before changing it: the append then changes it in place.
        drop(rec);
        let approved_by = bodies.iter().find_map(EventBody::approved_by);
        let appended = !bodies.is_empty();
        for body in bodies {
            tx.append(StreamId::Order(order_id), Some(s.employee_id), body)?;
        }
        if appended {
            for effect in effects {
                match effect {
                    Effect::Kick { request, reason } => {
                        let detail = crate::drawer::KickDetail {
                            reason,
                            by: s.employee_id,
                            approved_by,
                        };
                        crate::drawer::queue_kick(tx, &request, &detail)?;
                    }
                    Effect::Receipt { request } => {
                        crate::receipts::queue_receipt(tx, order_id, &request)?;
                    }
                }
            }
        }
        view_in(tx, order_id)
    })?;
    ctx.bus.send(Change::Order {
        order_id,
        version: view.version,
    });
    Ok(view)
}

/// Refuses to change an order that is closed or cancelled. Commands that are idempotent by a
/// caller-made id (a retried payment, line or discount) check their id first, so a retry after
/// the order closed still answers the success it got the first time.
pub(crate) fn ensure_open(order: &OrderState) -> Result<(), ApiError> {
    if order.status() == OrderStatus::Open {
        return Ok(());
    }
    let word = match order.status() {
        OrderStatus::Cancelled => "cancelled",
        _ => "closed",
    };
    Err(ApiError::new(
        ErrorCode::OrderNotOpen,
        format!(
            "Order #{} is {word}: reopen it first to change it.",
            order.number
        ),
    ))
}

/// Checks an id the caller chose (`kind`: "order", "line", "payment", "discount", "refund")
/// against every id the store holds. `Ok(false)`: the id is free. `Ok(true)`: it already names
/// the same kind of thing on this very order and `same` says the request is the one recorded:
/// a retry, with nothing to record. Anything else is a conflict, never a second record under one
/// id: the same id on another order, for another kind of thing, or with other details.
pub(crate) fn retried(
    tx: &Tx<'_>,
    id: &dyn std::fmt::Display,
    kind: &str,
    order_id: OrderId,
    field: &str,
    same: impl FnOnce() -> Result<bool, ApiError>,
) -> Result<bool, ApiError> {
    let message = match tx.entity_owner(&id.to_string())? {
        None => return Ok(false),
        Some((k, owner)) if k == kind && owner == order_id => {
            if same()? {
                return Ok(true);
            }
            "That id was already recorded with other details: send a new id for a new request."
        }
        Some(_) => "That id is already used for something else: send a new one.",
    };
    Err(ApiError::new(ErrorCode::Conflict, message).on(field))
}

/// The view of an order inside a transaction./// The view of an order inside a transaction.
pub(crate) fn view_in(tx: &Tx<'_>, order_id: OrderId) -> Result<OrderView, ApiError> {
    let rec = tx
        .order(order_id)?
        .ok_or_else(|| ApiError::not_found("That order does not exist."))?;
    let employees = tx.employees()?;
    // Only an order the kitchen has heard of can have tickets waiting.
    let (catalog, printers) = if rec.state.kitchen.is_empty() {
        (Default::default(), Default::default())
    } else {
        (tx.catalog()?.unwrap_or_default(), tx.printers()?)
    };
    let why_failed = |job: &str| {
        tx.print_job(job)
            .ok()
            .flatten()
            .filter(|j| j.state == comanda_store::JobState::Failed)
            .and_then(|j| j.reason)
    };
    Ok(OrderView::build(
        &rec.state,
        &rec.conflicts,
        &Names(&employees),
        (!rec.state.kitchen.is_empty()).then_some(&Printing {
            catalog: &catalog,
            printers: &printers,
            why_failed: &why_failed,
        }),
    ))
}

/// Parses an order type a person entered (table name, tab name, takeaway name).
pub(crate) fn parse_order_type(t: &OrderTypeRequest) -> Result<OrderType, ApiError> {
    Ok(match t {
        OrderTypeRequest::DineIn { table, guests } => OrderType::DineIn {
            table: input::required("table", table, 20)?,
            guests: match guests {
                Some(0) => return Err(ApiError::invalid("guests", "Guests must be at least 1.")),
                g => *g,
            },
        },
        OrderTypeRequest::Takeaway { name } => OrderType::Takeaway {
            name: input::optional("name", name.as_deref(), 40)?,
        },
        OrderTypeRequest::Tab { name } => OrderType::Tab {
            name: input::required("name", name, 40)?,
        },
    })
}
