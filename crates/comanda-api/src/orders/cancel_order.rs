//! `cancel_order`: cancel an order. Lines already sent need a manager; money taken must be
//! voided or refunded first, so a cancel never silently drops money.

use comanda_domain::event::{EventBody, OrderCancelled};
use comanda_domain::ids::OrderId;
use serde::{Deserialize, Serialize};

use crate::ctx::Ctx;
use crate::error::{ApiError, ErrorCode};
use crate::input;
use crate::orders::{Needs, Proposal, mutate};
use crate::session::{Approval, Session};
use crate::views::OrderView;

/// Request of `cancel_order`.
#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[ts(export, export_to = "bindings/")]
pub struct CancelOrder {
    /// The order.
    pub order_id: OrderId,
    /// Why.
    pub reason: String,
    /// A manager's PIN, needed when lines were sent to the kitchen.
    #[serde(default)]
    #[ts(optional)]
    pub approval: Option<Approval>,
}

/// Cancels the order.
pub fn cancel_order(ctx: &Ctx, s: &Session, req: CancelOrder) -> Result<OrderView, ApiError> {
    let reason = input::required("reason", &req.reason, input::MAX_TEXT)?;
    mutate(
        ctx,
        s,
        req.order_id,
        Needs::Open,
        req.approval.as_ref(),
        |_, order| {
            let t = order.totals();
            if (t.paid - t.refunded).is_positive() {
                return Err(ApiError::new(
                    ErrorCode::Conflict,
                    format!(
                        "{} was paid on this order: void or refund the payments first.",
                        t.paid - t.refunded
                    ),
                ));
            }
            let body = EventBody::OrderCancelled(OrderCancelled {
                generation: order.lifecycle.generation,
                reason,
                approved_by: None,
            });
            Ok(if order.live_lines().any(|l| l.fired) {
                Proposal::approved(vec![body], "cancel an order already sent to the kitchen")
            } else {
                Proposal::of(vec![body])
            })
        },
    )
}
