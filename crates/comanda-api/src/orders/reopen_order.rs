//! `reopen_order`: reopen a closed or cancelled order, always with a manager's approval. The
//! order starts a new generation: its status never goes backwards.

use comanda_domain::event::{EventBody, OrderReopened};
use comanda_domain::ids::OrderId;
use comanda_domain::order::OrderStatus;
use serde::{Deserialize, Serialize};

use crate::ctx::Ctx;
use crate::error::{ApiError, ErrorCode};
use crate::input;
use crate::orders::{Needs, Proposal, mutate};
use crate::session::{Approval, Session};
use crate::views::OrderView;

/// Request of `reopen_order`.
#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[ts(export, export_to = "bindings/")]
pub struct ReopenOrder {
    /// The order.
    pub order_id: OrderId,
    /// Why.
    pub reason: String,
    /// A manager's PIN (unless a manager is signed in).
    #[serde(default)]
    #[ts(optional)]
    pub approval: Option<Approval>,
}

/// Reopens the order.
pub fn reopen_order(ctx: &Ctx, s: &Session, req: ReopenOrder) -> Result<OrderView, ApiError> {
    let reason = input::required("reason", &req.reason, input::MAX_TEXT)?;
    mutate(
        ctx,
        s,
        req.order_id,
        Needs::Any,
        req.approval.as_ref(),
        |_, order| {
            if order.status() == OrderStatus::Open {
                return Err(ApiError::new(
                    ErrorCode::Conflict,
                    format!("Order #{} is already open.", order.number),
                ));
            }
            // The approver is filled in by the policy (the manager_for below always asks one).
            Ok(Proposal::approved(
                vec![EventBody::OrderReopened(OrderReopened {
                    generation: order.lifecycle.generation + 1,
                    reason,
                    approved_by: s.employee_id,
                })],
                format!("reopen order #{}", order.number),
            ))
        },
    )
}
