//! `refund_payment`: give money back against a payment, with a manager's approval. The way out
//! of every state where the customer is owed money: more paid than owed (a line voided or a
//! discount given after a part payment, two terminals that both took the payment) and money
//! held on a cancelled order.
//!
//! A refund never makes money up: it is at most what its payment has left to refund, and at most
//! what the order owes back, so it can never leave a balance due nor refund a payment twice.
//! When it settles an open order's balance the order closes, as a settling payment does.

use comanda_domain::event::{EventBody, OrderClosed, RefundIssued, RefundMethod};
use comanda_domain::ids::{OrderId, PaymentId, RefundId};
use comanda_domain::money::Money;
use comanda_domain::order::{OrderState, Phase};
use comanda_domain::printer::DrawerReason;
use serde::{Deserialize, Serialize};

use crate::ctx::Ctx;
use crate::error::{ApiError, ErrorCode, domain};
use crate::input;
use crate::orders::{Effect, Needs, Proposal, mutate, retried};
use crate::session::{Approval, Session};
use crate::views::OrderView;

/// How the money goes back.
#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
#[ts(export, export_to = "bindings/")]
pub enum RefundRequestMethod {
    /// Cash from the drawer.
    Cash,
    /// Back to the card, on the card terminal.
    Card {
        /// The card terminal's reference of the refund.
        reference: String,
    },
}

/// Request of `refund_payment`.
#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[ts(export, export_to = "bindings/")]
pub struct RefundPayment {
    /// The order.
    pub order_id: OrderId,
    /// Chosen by the caller: the refund's idempotency key. Sending it again changes nothing.
    pub refund_id: RefundId,
    /// The payment the money goes back from.
    pub payment_id: PaymentId,
    /// How much (minor units); defaults to what is owed back, up to what the payment has left.
    #[serde(default)]
    #[ts(optional, type = "number")]
    pub amount: Option<i64>,
    /// Cash or card.
    pub method: RefundRequestMethod,
    /// Why.
    pub reason: String,
    /// A manager's PIN (unless a manager is signed in).
    #[serde(default)]
    #[ts(optional)]
    pub approval: Option<Approval>,
}

/// Refunds (part of) a payment.
pub fn refund_payment(ctx: &Ctx, s: &Session, req: RefundPayment) -> Result<OrderView, ApiError> {
    let reason = input::required("reason", &req.reason, input::MAX_TEXT)?;
    let method = match &req.method {
        RefundRequestMethod::Cash => RefundMethod::Cash,
        RefundRequestMethod::Card { reference } => RefundMethod::Card {
            reference: input::required("reference", reference, 64)?,
        },
    };
    let asked = req
        .amount
        .map(|a| Money::parse_positive("amount", a).map_err(|e| domain("amount", e)))
        .transpose()?;
    mutate(
        ctx,
        s,
        req.order_id,
        Needs::Any,
        req.approval.as_ref(),
        |tx, order| {
            let same = || {
                Ok(order.refund(req.refund_id).is_some_and(|r| {
                    r.payment_id == req.payment_id && asked.is_none_or(|a| a == r.amount)
                }))
            };
            if retried(
                tx,
                &req.refund_id,
                "refund",
                req.order_id,
                "refund_id",
                same,
            )? {
                return Ok(Proposal::none()); // a retry: refunded once
            }
            let p = order.payment(req.payment_id).ok_or_else(|| {
                ApiError::not_found("That payment is not on this order.").on("payment_id")
            })?;
            if p.voided.is_some() {
                return Err(ApiError::new(
                    ErrorCode::Conflict,
                    "That payment was voided: there is nothing to refund on it.",
                )
                .on("payment_id"));
            }
            let totals = order.totals();
            let owed = order.refund_due_with(&totals);
            if !owed.is_positive() {
                return Err(ApiError::new(
                    ErrorCode::Conflict,
                    "Nothing is owed back on this order. To give money back for something, \
                     void it or discount it first (reopen the order if it is closed).",
                ));
            }
            let left = order.refundable(req.payment_id);
            if !left.is_positive() {
                return Err(ApiError::new(
                    ErrorCode::Conflict,
                    format!(
                        "That payment of {} was already refunded in full: refund another one.",
                        p.amount
                    ),
                )
                .on("payment_id"));
            }
            let most = owed.min(left);
            let amount = match asked {
                Some(a) if a > most => {
                    return Err(ApiError::invalid(
                        "amount",
                        format!("At most {most} can be refunded on this payment."),
                    ));
                }
                Some(a) => a,
                None => most,
            };
            let cash = matches!(method, RefundMethod::Cash);
            let mut bodies = vec![EventBody::RefundIssued(RefundIssued {
                refund_id: req.refund_id,
                payment_id: req.payment_id,
                amount,
                method: Some(method),
                reason,
                approved_by: None,
            })];
            if settles(order, amount, owed) {
                bodies.push(EventBody::OrderClosed(OrderClosed {
                    generation: order.lifecycle.generation,
                }));
            }
            let proposal = Proposal::approved(
                bodies,
                format!("refund {amount} of a payment of {}", p.amount),
            );
            // Cash back comes out of this terminal's drawer.
            Ok(if cash {
                proposal.with(Effect::Kick {
                    request: format!("refund:{}", req.refund_id),
                    reason: DrawerReason::Refund {
                        order_id: req.order_id,
                        refund_id: req.refund_id,
                    },
                })
            } else {
                proposal
            })
        },
    )
}

/// True when the refund brings an open order's balance back to zero: it closes, as a payment
/// that settles the balance does. A cancelled order stays cancelled.
fn settles(order: &OrderState, amount: Money, owed: Money) -> bool {
    order.lifecycle.phase == Phase::Open && amount == owed
}
