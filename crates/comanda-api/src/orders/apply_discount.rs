//! `apply_discount`: an amount or a percentage off a line or the whole order. Above the store's
//! cashier limit (counting discounts already on the order) a manager must approve.

use comanda_domain::event::{DiscountAmount, DiscountApplied, DiscountTarget, EventBody};
use comanda_domain::ids::{DiscountId, OrderId};
use comanda_domain::money::{Money, Percent, div_round};
use comanda_domain::order::{DiscountState, OrderState};
use serde::{Deserialize, Serialize};

use crate::ctx::Ctx;
use crate::error::{ApiError, ErrorCode, domain};
use crate::input;
use crate::orders::{Needs, ensure_open, mutate};
use crate::session::{Approval, Session, approve};
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
    pub target: DiscountTarget,
    /// How much.
    pub discount: DiscountRequest,
    /// Why.
    pub reason: String,
    /// A manager's PIN, needed above the cashier's limit.
    #[serde(default)]
    #[ts(optional)]
    pub approval: Option<Approval>,
}

/// Applies a discount.
pub fn apply_discount(ctx: &Ctx, s: &Session, req: ApplyDiscount) -> Result<OrderView, ApiError> {
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
    mutate(ctx, s, req.order_id, Needs::Any, |tx, order| {
        if order.discount(discount_id).is_some() {
            return Ok(vec![]); // a retry: applied once
        }
        ensure_open(order)?;
        if let DiscountTarget::Line { line_id } = req.target {
            match order.line(line_id) {
                Some(l) if l.is_live() => {}
                _ => {
                    return Err(ApiError::not_found("That line is not on this order.").on("target"));
                }
            }
        }
        let with = with_discount(order, req.target, amount, discount_id);
        if with.totals().discount == order.totals().discount {
            return Err(
                ApiError::new(ErrorCode::Conflict, "There is nothing left to discount.")
                    .on("discount"),
            );
        }
        let limit = tx.settings()?.unwrap_or_default().cashier_discount_limit;
        // Every discount no manager approved counts together, so small ones cannot be stacked
        // past the limit one by one.
        let approved_by = if unapproved_share(&with) > limit.bp() {
            Some(approve(
                ctx,
                tx,
                s,
                req.approval.as_ref(),
                &format!("give discounts above {:?} of the order", limit),
            )?)
        } else {
            None
        };
        Ok(vec![EventBody::DiscountApplied(DiscountApplied {
            discount_id,
            target: req.target,
            amount,
            reason,
            approved_by,
        })])
    })
}

/// The order as it would be with this discount (not yet approved).
fn with_discount(
    order: &OrderState,
    target: DiscountTarget,
    amount: DiscountAmount,
    id: DiscountId,
) -> OrderState {
    let mut with = order.clone();
    let stamp = order.opened.unwrap_or(comanda_domain::order::Stamp {
        at_ms: 0,
        by: None,
        device: comanda_domain::ids::DeviceId::from_uuid(uuid::Uuid::nil()),
    });
    with.discounts.push(DiscountState {
        discount_id: id,
        target,
        amount,
        reason: String::new(),
        approved_by: None,
        stamp,
        removed: false,
    });
    with
}

/// The share of the subtotal (basis points) that discounts no manager approved take off.
fn unapproved_share(order: &OrderState) -> u32 {
    let mut o = order.clone();
    for d in &mut o.discounts {
        if d.approved_by.is_some() {
            d.removed = true;
        }
    }
    let t = o.totals();
    if t.subtotal.minor() <= 0 {
        return 0;
    }
    u32::try_from(div_round(
        i128::from(t.discount.minor()) * 10_000,
        i128::from(t.subtotal.minor()),
    ))
    .unwrap_or(u32::MAX)
}

/// When a change shrinks the order (a void, a lower quantity), discounts a cashier gave alone may
/// come to exceed the limit (a fixed 4.50 off 45.00 is 10 %, off 4.50 it is everything). Returns
/// the limit when `after` would exceed it, so the change needs a manager.
pub(crate) fn shrink_needs_approval(
    tx: &comanda_store::Tx<'_>,
    before: &OrderState,
    after: &OrderState,
) -> Result<Option<Percent>, ApiError> {
    let limit = tx.settings()?.unwrap_or_default().cashier_discount_limit;
    let (was, will) = (unapproved_share(before), unapproved_share(after));
    Ok((will > limit.bp() && will > was).then_some(limit))
}
