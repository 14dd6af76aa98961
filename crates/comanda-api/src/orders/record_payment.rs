//! `record_payment`: cash (with tendered and change) or card (with the card terminal's
//! reference), for the whole balance or one part of a split bill. When the balance reaches zero
//! the order closes in the same transaction, and lines not yet sent to the kitchen are sent with
//! it: an order closed with unsent lines would never be cooked, and food paid for is food the
//! guest expects. A part payment sends nothing (a table paying its drinks may still be choosing
//! dessert).
//!
//! A cash payment kicks this terminal's drawer, and a payment may ask for the receipt; both are
//! jobs of the print queue made in the payment's transaction, named by the payment, so a
//! payment sent again kicks and prints nothing more.

use comanda_domain::event::{EventBody, OrderClosed, PaymentMethod, PaymentRecorded, SplitTarget};
use comanda_domain::ids::{OrderId, PaymentId};
use comanda_domain::money::Money;
use comanda_domain::order::{OrderState, OrderStatus, PaymentState};
use comanda_domain::printer::DrawerReason;
use serde::{Deserialize, Serialize};

use crate::ctx::Ctx;
use crate::error::{ApiError, ErrorCode, domain};
use crate::input;
use crate::orders::{Effect, Needs, Proposal, mutate, retried};
use crate::session::{Approval, Session};
use crate::views::OrderView;

/// How the customer pays.
#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
#[ts(export, export_to = "bindings/")]
pub enum PaymentRequest {
    /// Cash handed over. Without `amount`, it pays as much of what is due as it covers.
    Cash {
        /// What the customer handed over (minor units).
        #[ts(type = "number")]
        tendered: i64,
        /// How much of it to apply (for splits); defaults to what is due.
        #[serde(default)]
        #[ts(optional, type = "number")]
        amount: Option<i64>,
    },
    /// A card, charged on an external card terminal.
    Card {
        /// How much was charged; defaults to what is due.
        #[serde(default)]
        #[ts(optional, type = "number")]
        amount: Option<i64>,
        /// The card terminal's reference.
        reference: String,
    },
}

/// Request of `record_payment`.
#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[ts(export, export_to = "bindings/")]
pub struct RecordPayment {
    /// The order.
    pub order_id: OrderId,
    /// Chosen by the caller: the payment's idempotency key. Sending it again changes nothing.
    pub payment_id: PaymentId,
    /// How.
    pub method: PaymentRequest,
    /// A tip on top (minor units).
    #[serde(default)]
    #[ts(optional, type = "number")]
    pub tip: Option<i64>,
    /// The part of a split bill it pays.
    #[serde(default)]
    #[ts(optional)]
    pub split: Option<crate::shapes::SplitTarget>,
    /// A manager's PIN, needed for a card tip above the store's share of the payment.
    #[serde(default)]
    #[ts(optional)]
    pub approval: Option<Approval>,
    /// Print the receipt on this terminal's receipt printer once the payment is in.
    #[serde(default)]
    #[ts(optional)]
    pub receipt: Option<bool>,
}

/// Records a payment.
pub fn record_payment(ctx: &Ctx, s: &Session, req: RecordPayment) -> Result<OrderView, ApiError> {
    let tip = match req.tip {
        None => Money::ZERO,
        Some(t) => Money::parse_input("tip", t).map_err(|e| domain("tip", e))?,
    };
    let split: Option<SplitTarget> = req.split.clone().map(Into::into);
    mutate(
        ctx,
        s,
        req.order_id,
        Needs::Any,
        req.approval.as_ref(),
        |tx, order| {
            let same = || {
                Ok(order
                    .payment(req.payment_id)
                    .is_some_and(|p| same_payment(p, &req, split.as_ref())))
            };
            if retried(
                tx,
                &req.payment_id,
                "payment",
                req.order_id,
                "payment_id",
                same,
            )? {
                return Ok(Proposal::none()); // a retry: applied once
            }
            if order.status() != OrderStatus::Open {
                return Err(ApiError::new(
                    ErrorCode::OrderNotOpen,
                    format!("Order #{} is not open: it takes no payment.", order.number),
                ));
            }
            let balance = order.totals().balance;
            if !balance.is_positive() {
                return Err(ApiError::new(
                    ErrorCode::Conflict,
                    "Nothing is due on this order.",
                ));
            }
            let due = match &split {
                Some(part) => validate_split(order, part)?,
                None => balance,
            };
            let (method, amount, tip) = payment_of(&req.method, due, balance, tip)?;
            let cash = matches!(method, PaymentMethod::Cash { .. });
            let mut out = vec![EventBody::PaymentRecorded(PaymentRecorded {
                payment_id: req.payment_id,
                method,
                amount,
                tip,
                split: split.clone(),
            })];
            if amount == balance {
                out.push(EventBody::OrderClosed(OrderClosed {
                    generation: order.lifecycle.generation,
                }));
            }
            let mut proposal = Proposal::of(out);
            if cash {
                proposal = proposal.with(Effect::Kick {
                    request: format!("payment:{}", req.payment_id),
                    reason: DrawerReason::Sale {
                        order_id: req.order_id,
                        payment_id: req.payment_id,
                    },
                });
            }
            if req.receipt == Some(true) {
                proposal = proposal.with(Effect::Receipt {
                    request: req.payment_id.to_string(),
                });
            }
            Ok(proposal)
        },
    )
}

/// True when a request sent again is the payment already recorded under its id: the same
/// method (cash handed over, or card reference), the same explicit amount, the same split part.
fn same_payment(p: &PaymentState, req: &RecordPayment, split: Option<&SplitTarget>) -> bool {
    let method = match (&req.method, &p.method) {
        (PaymentRequest::Cash { tendered, amount }, PaymentMethod::Cash { tendered: t, .. }) => {
            *tendered == t.minor() && amount.is_none_or(|a| a == p.amount.minor())
        }
        (PaymentRequest::Card { amount, reference }, PaymentMethod::Card { reference: r }) => {
            reference.trim() == r && amount.is_none_or(|a| a == p.amount.minor())
        }
        _ => false,
    };
    method && split == p.split.as_ref()
}

fn validate_split(order: &OrderState, part: &SplitTarget) -> Result<Money, ApiError> {
    match part {
        SplitTarget::Seat(n) if !order.live_lines().any(|l| l.seat == Some(*n)) => {
            return Err(ApiError::invalid(
                "split",
                format!("No line is on seat {n}."),
            ));
        }
        SplitTarget::Lines(ids)
            if ids.is_empty()
                || ids
                    .iter()
                    .any(|id| !order.live_lines().any(|l| l.line_id == *id)) =>
        {
            return Err(ApiError::invalid(
                "split",
                "Choose lines that are on this order.",
            ));
        }
        SplitTarget::Even { part, of } if *of < 2 || *of > 20 || *part < 1 || part > of => {
            return Err(ApiError::invalid(
                "split",
                "Split evenly between 2 and 20 ways.",
            ));
        }
        _ => {}
    }
    let due = order.due_for(part);
    if !due.is_positive() {
        return Err(ApiError::new(ErrorCode::Conflict, "That part is already paid.").on("split"));
    }
    Ok(due)
}

/// The method, the amount applied to the balance and the tip. Cash pays the bill before the
/// tip: handed less than the bill and the tip, the bill takes what it needs and the tip gets
/// what is left.
fn payment_of(
    m: &PaymentRequest,
    due: Money,
    balance: Money,
    tip: Money,
) -> Result<(PaymentMethod, Money, Money), ApiError> {
    let explicit = |a: Option<i64>| -> Result<Option<Money>, ApiError> {
        match a {
            None => Ok(None),
            Some(a) => {
                let a = Money::parse_positive("amount", a).map_err(|e| domain("amount", e))?;
                if a > balance {
                    return Err(ApiError::invalid(
                        "amount",
                        format!("Only {balance} is due."),
                    ));
                }
                Ok(Some(a))
            }
        }
    };
    match m {
        PaymentRequest::Cash { tendered, amount } => {
            let tendered =
                Money::parse_positive("tendered", *tendered).map_err(|e| domain("tendered", e))?;
            let amount = match explicit(*amount)? {
                Some(a) => {
                    if tendered < a {
                        return Err(ApiError::invalid(
                            "tendered",
                            format!("{tendered} is less than the {a} to pay."),
                        ));
                    }
                    a
                }
                None => tendered.min(due),
            };
            let tip = tip.min(tendered - amount);
            let change = tendered - amount - tip;
            Ok((PaymentMethod::Cash { tendered, change }, amount, tip))
        }
        PaymentRequest::Card { amount, reference } => {
            let reference = input::required("reference", reference, 64)?;
            let amount = explicit(*amount)?.unwrap_or(due);
            Ok((PaymentMethod::Card { reference }, amount, tip))
        }
    }
}
