//! `apply_discount`: an amount or a percentage off a line or the whole order. Above the store's
//! cashier limit (counting discounts already on the order) a manager must approve: the policy
//! says so, as it does for any later change that takes the discounts past the limit.

use comanda_domain::event::{DiscountAmount, DiscountApplied, DiscountTarget, EventBody};

use crate::shapes::DiscountTarget as DiscountTargetRequest;
use comanda_domain::ids::{DeviceId, DiscountId, OrderId};
use comanda_domain::money::{Money, Percent};
use serde::{Deserialize, Serialize};

use crate::ctx::Ctx;
use crate::error::{ApiError, ErrorCode, domain};
use crate::input;
use crate::orders::{Needs, Proposal, ensure_open, mutate, retried};
use crate::session::{Approval, Session};
use crate::views::OrderView;

/// How much to take off.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
#[ts(export, export_to = "bindings/")]
pub enum DiscountRequest {
    /// An amount in minor units.
    Fixed(#[ts(type = "number")] i64),
    /// Basis points: 1000 = 10 %.
    Percent(#[ts(type = "number")] i64),
}

/// Request of `apply_discount`.
#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[ts(export, export_to = "bindings/")]
pub struct ApplyDiscount {
    /// The order.
    pub order_id: OrderId,
    /// An id chosen by the caller, so a retry applies nothing twice (optional).
    #[serde(default)]
    #[ts(optional)]
    pub discount_id: Option<DiscountId>,
    /// The order or one line.
    pub target: DiscountTargetRequest,
    /// How much.
    pub discount: DiscountRequest,
    /// Why.
    pub reason: String,
    /// A manager's PIN, needed above the cashier's limit.
    #[serde(default)]
    #[ts(optional)]
    pub approval: Option<Approval>,
}

/// Applies a discount. Whether a manager must approve is the policy's to say
/// (`orders::policy`): every discount no manager approved counts together, so small
/// ones cannot be stacked past the limit one by one.
pub fn apply_discount(ctx: &Ctx, s: &Session, req: ApplyDiscount) -> Result<OrderView, ApiError> {
    let target = DiscountTarget::from(req.target);
    let amount = match req.discount {
        DiscountRequest::Fixed(m) => DiscountAmount::Fixed(
            Money::parse_positive("discount", m).map_err(|e| domain("discount", e))?,
        ),
        DiscountRequest::Percent(bp) => {
            let p = Percent::from_bp(bp).map_err(|e| domain("discount", e))?;
            if p.bp() == 0 {
                return Err(ApiError::invalid(
                    "discount",
                    "A discount must take something off.",
                ));
            }
            DiscountAmount::Percent(p)
        }
    };
    let reason = input::required("reason", &req.reason, input::MAX_TEXT)?;
    let discount_id = req
        .discount_id
        .unwrap_or_else(|| DiscountId::new(ctx.ids.as_ref()));
    mutate(
        ctx,
        s,
        req.order_id,
        Needs::Any,
        req.approval.as_ref(),
        |tx, order| {
            let same = || {
                Ok(order
                    .discount(discount_id)
                    .is_some_and(|d| d.target == target && d.amount == amount))
            };
            if retried(
                tx,
                &discount_id,
                "discount",
                req.order_id,
                "discount_id",
                same,
            )? {
                return Ok(Proposal::none()); // a retry: applied once
            }
            ensure_open(order)?;
            if let DiscountTarget::Line { line_id } = target {
                match order.line(line_id) {
                    Some(l) if l.is_live() => {}
                    _ => {
                        return Err(
                            ApiError::not_found("That line is not on this order.").on("target")
                        );
                    }
                }
            }
            let body = EventBody::DiscountApplied(DiscountApplied {
                discount_id,
                target,
                amount,
                reason,
                approved_by: None,
            });
            let after = order.preview(std::slice::from_ref(&body), None, DeviceId::NIL, 0);
            if after.totals().discount == order.totals().discount {
                return Err(ApiError::new(
                    ErrorCode::Conflict,
                    "There is nothing left to discount.",
                )
                .on("discount"));
            }
            Ok(Proposal::of(vec![body]))
        },
    )
}
