//! `accept_over_refund`: the way out of an over-refund. Two terminals each refunded the same
//! payment offline and together gave back more than it was: the money has left the drawer (or
//! gone back to the card) and no command can take it back. A manager settles it: recovered from
//! the customer, or written off, with a note. The conflict closes for that much refunded; should
//! yet another refund arrive later, it opens again.

use comanda_domain::event::{EventBody, OverRefundAccepted};

use crate::shapes::OverRefundSettlement;
use comanda_domain::ids::{OrderId, PaymentId};
use comanda_domain::order::Conflict;
use serde::{Deserialize, Serialize};

use crate::ctx::Ctx;
use crate::error::{ApiError, ErrorCode};
use crate::input;
use crate::orders::{Needs, Proposal, mutate};
use crate::session::{Approval, Session};
use crate::views::OrderView;

/// Request of `accept_over_refund`.
#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[ts(export, export_to = "bindings/")]
pub struct AcceptOverRefund {
    /// The order.
    pub order_id: OrderId,
    /// The payment refunded past its amount.
    pub payment_id: PaymentId,
    /// Recovered from the customer, or written off.
    pub settlement: OverRefundSettlement,
    /// What happened ("customer brought the cash back", "refunded on two terminals").
    pub reason: String,
    /// A manager's PIN (unless a manager is signed in).
    #[serde(default)]
    #[ts(optional)]
    pub approval: Option<Approval>,
}

/// Settles an over-refund of one payment.
pub fn accept_over_refund(
    ctx: &Ctx,
    s: &Session,
    req: AcceptOverRefund,
) -> Result<OrderView, ApiError> {
    let note = input::required("reason", &req.reason, input::MAX_TEXT)?;
    mutate(
        ctx,
        s,
        req.order_id,
        Needs::Any,
        req.approval.as_ref(),
        |_, order| {
            let refunded = order.conflicts().into_iter().find_map(|c| match c {
                Conflict::OverRefund {
                    payment_id,
                    refunded,
                    ..
                } if payment_id == req.payment_id => Some(refunded),
                _ => None,
            });
            let Some(refunded) = refunded else {
                // Settled already: a retry. Never refunded past: nothing to settle.
                if order
                    .over_refunds_settled
                    .iter()
                    .any(|(id, _)| *id == req.payment_id)
                {
                    return Ok(Proposal::none());
                }
                return Err(ApiError::new(
                    ErrorCode::Conflict,
                    "Nothing was refunded past that payment: there is nothing to settle.",
                )
                .on("payment_id"));
            };
            Ok(Proposal::approved(
                vec![EventBody::OverRefundAccepted(OverRefundAccepted {
                    payment_id: req.payment_id,
                    refunded,
                    settlement: req.settlement.into(),
                    note,
                    approved_by: s.employee_id,
                })],
                "settle refunds past their payment",
            ))
        },
    )
}
