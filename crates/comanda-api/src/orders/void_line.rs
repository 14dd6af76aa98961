//! `void_line`: take a line off an order. A line already sent to the kitchen needs a manager.

use comanda_domain::event::{EventBody, LineVoided};
use comanda_domain::ids::{LineId, OrderId};
use serde::{Deserialize, Serialize};

use crate::ctx::Ctx;
use crate::error::ApiError;
use crate::input;
use crate::orders::{Needs, Proposal, mutate};
use crate::session::{Approval, Session};
use crate::views::OrderView;

/// Request of `void_line`.
#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[ts(export, export_to = "bindings/")]
pub struct VoidLine {
    /// The order.
    pub order_id: OrderId,
    /// The line.
    pub line_id: LineId,
    /// Why ("customer changed mind", "wrong item").
    pub reason: String,
    /// A manager's PIN, needed when the line was already sent.
    #[serde(default)]
    #[ts(optional)]
    pub approval: Option<Approval>,
}

/// Voids a line. Voiding a voided line changes nothing. A line already sent, or a void that
/// would leave a cashier's discounts past the limit, needs a manager (the policy says which).
pub fn void_line(ctx: &Ctx, s: &Session, req: VoidLine) -> Result<OrderView, ApiError> {
    let reason = input::required("reason", &req.reason, input::MAX_TEXT)?;
    mutate(
        ctx,
        s,
        req.order_id,
        Needs::Open,
        req.approval.as_ref(),
        |_, order| {
            let line = order.line(req.line_id).ok_or_else(|| {
                ApiError::not_found("That line is not on this order.").on("line_id")
            })?;
            if line.voided.is_some() {
                return Ok(Proposal::none());
            }
            Ok(Proposal::of(vec![EventBody::LineVoided(LineVoided {
                line_id: req.line_id,
                reason,
                approved_by: None,
            })]))
        },
    )
}
