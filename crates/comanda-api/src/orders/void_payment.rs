//! `void_payment`: undo a payment taken by mistake, on an open order, with a manager's approval.

use comanda_domain::event::{EventBody, PaymentVoided};
use comanda_domain::ids::{OrderId, PaymentId};
use serde::{Deserialize, Serialize};

use crate::ctx::Ctx;
use crate::error::ApiError;
use crate::input;
use crate::orders::{Needs, Proposal, mutate};
use crate::session::{Approval, Session};
use crate::views::OrderView;

/// Request of `void_payment`.
#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[ts(export, export_to = "bindings/")]
pub struct VoidPayment {
    /// The order.
    pub order_id: OrderId,
    /// The payment.
    pub payment_id: PaymentId,
    /// Why.
    pub reason: String,
    /// A manager's PIN (always needed, unless a manager is signed in).
    #[serde(default)]
    #[ts(optional)]
    pub approval: Option<Approval>,
}

/// Voids a payment. Voiding twice changes nothing.
pub fn void_payment(ctx: &Ctx, s: &Session, req: VoidPayment) -> Result<OrderView, ApiError> {
    let reason = input::required("reason", &req.reason, input::MAX_TEXT)?;
    mutate(
        ctx,
        s,
        req.order_id,
        Needs::Open,
        req.approval.as_ref(),
        |_, order| {
            let p = order.payment(req.payment_id).ok_or_else(|| {
                ApiError::not_found("That payment is not on this order.").on("payment_id")
            })?;
            if p.voided.is_some() {
                return Ok(Proposal::none());
            }
            Ok(Proposal::approved(
                vec![EventBody::PaymentVoided(PaymentVoided {
                    payment_id: req.payment_id,
                    reason,
                    approved_by: None,
                })],
                format!("void a payment of {}", p.amount),
            ))
        },
    )
}
