//! `void_line`: take a line off an order. A line already sent to the kitchen needs a manager.

use comanda_domain::event::{EventBody, LineVoided};
use comanda_domain::ids::{LineId, OrderId};
use serde::{Deserialize, Serialize};

use crate::ctx::Ctx;
use crate::error::ApiError;
use crate::input;
use crate::orders::apply_discount::shrink_needs_approval;
use crate::orders::{Needs, mutate};
use crate::session::{Approval, Session, approve};
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

/// Voids a line. Voiding a voided line changes nothing.
pub fn void_line(ctx: &Ctx, s: &Session, req: VoidLine) -> Result<OrderView, ApiError> {
    let reason = input::required("reason", &req.reason, input::MAX_TEXT)?;
    mutate(ctx, s, req.order_id, Needs::Open, |tx, order| {
        let line = order
            .line(req.line_id)
            .ok_or_else(|| ApiError::not_found("That line is not on this order.").on("line_id"))?;
        if line.voided.is_some() {
            return Ok(vec![]);
        }
        let mut after = order.clone();
        if let Some(l) = after.lines.iter_mut().find(|l| l.line_id == req.line_id) {
            l.voided = Some(comanda_domain::order::VoidInfo {
                reason: reason.clone(),
                stamp: l.added,
                approved_by: None,
            });
        }
        let over_limit = shrink_needs_approval(tx, order, &after)?;
        let approved_by = match (line.fired, over_limit) {
            (true, _) => Some(approve(
                ctx,
                tx,
                s,
                req.approval.as_ref(),
                &format!("void {}, already sent to the kitchen", line.name),
            )?),
            (false, Some(limit)) => Some(approve(
                ctx,
                tx,
                s,
                req.approval.as_ref(),
                &format!(
                    "void {}: the order's discounts would then be above {limit:?}",
                    line.name
                ),
            )?),
            (false, None) => None,
        };
        Ok(vec![EventBody::LineVoided(LineVoided {
            line_id: req.line_id,
            reason,
            approved_by,
        })])
    })
}
