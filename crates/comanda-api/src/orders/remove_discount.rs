//! `remove_discount`: take a discount off again.

use comanda_domain::event::{DiscountRemoved, EventBody};
use comanda_domain::ids::{DiscountId, OrderId};
use serde::{Deserialize, Serialize};

use crate::ctx::Ctx;
use crate::error::ApiError;
use crate::orders::{Needs, Proposal, mutate};
use crate::session::{Approval, Session};
use crate::views::OrderView;

/// Request of `remove_discount`.
#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[ts(export, export_to = "bindings/")]
pub struct RemoveDiscount {
    /// The order.
    pub order_id: OrderId,
    /// The discount.
    pub discount_id: DiscountId,
    /// A manager's PIN, should removing it take the cashier's other discounts past the limit.
    #[serde(default)]
    #[ts(optional)]
    pub approval: Option<Approval>,
}

/// Removes a discount (raising the price needs no approval). Removing twice changes nothing.
pub fn remove_discount(ctx: &Ctx, s: &Session, req: RemoveDiscount) -> Result<OrderView, ApiError> {
    mutate(
        ctx,
        s,
        req.order_id,
        Needs::Open,
        req.approval.as_ref(),
        |_, order| match order.discount(req.discount_id) {
            None => {
                Err(ApiError::not_found("That discount is not on this order.").on("discount_id"))
            }
            Some(d) if d.removed => Ok(Proposal::none()),
            Some(_) => Ok(Proposal::of(vec![EventBody::DiscountRemoved(
                DiscountRemoved {
                    discount_id: req.discount_id,
                },
            )])),
        },
    )
}
