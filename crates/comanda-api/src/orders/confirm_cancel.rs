//! `confirm_cancel`: one way out of a cancel that reached the kitchen too late (order-model.md,
//! "cancel while cooking"). The order was cancelled on one terminal while another sent lines of
//! it to the kitchen, or a cancel no manager approved found lines already sent. A manager
//! confirms the cancel and the kitchen's lines are written off as waste; the other way out is
//! `reopen_order` (the cancel is rejected and the order is open again).

use comanda_domain::event::{CancelConfirmed, EventBody};
use comanda_domain::ids::OrderId;
use serde::{Deserialize, Serialize};

use crate::ctx::Ctx;
use crate::error::{ApiError, ErrorCode};
use crate::input;
use crate::orders::{Needs, Proposal, mutate};
use crate::session::{Approval, Session};
use crate::views::OrderView;

/// Request of `confirm_cancel`.
#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[ts(export, export_to = "bindings/")]
pub struct ConfirmCancel {
    /// The order.
    pub order_id: OrderId,
    /// What happened ("guest left after the kitchen started").
    pub reason: String,
    /// A manager's PIN (unless a manager is signed in).
    #[serde(default)]
    #[ts(optional)]
    pub approval: Option<Approval>,
}

/// Confirms the cancel: every line the kitchen has that the cancel did not cover is waste.
pub fn confirm_cancel(ctx: &Ctx, s: &Session, req: ConfirmCancel) -> Result<OrderView, ApiError> {
    let note = input::required("reason", &req.reason, input::MAX_TEXT)?;
    mutate(
        ctx,
        s,
        req.order_id,
        Needs::Any,
        req.approval.as_ref(),
        |_, order| {
            let lines = order.cooking_after_cancel();
            if lines.is_empty() {
                // Confirmed already (a retry, or another terminal did it): nothing more to do.
                if !order.wasted.is_empty() {
                    return Ok(Proposal::none());
                }
                return Err(ApiError::new(
                    ErrorCode::Conflict,
                    format!(
                        "Order #{} has no cancel waiting for a manager: nothing to confirm.",
                        order.number
                    ),
                ));
            }
            Ok(Proposal::approved(
                vec![EventBody::CancelConfirmed(CancelConfirmed {
                    generation: order.lifecycle.generation,
                    line_ids: lines,
                    note,
                    approved_by: s.employee_id,
                })],
                format!(
                    "confirm the cancel of order #{} (kitchen waste)",
                    order.number
                ),
            ))
        },
    )
}
