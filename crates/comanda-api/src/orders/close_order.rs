//! `close_order`: close an order whose balance is zero (a fully comped order, or one paid in
//! parts; a payment that settles the balance closes the order by itself).

use comanda_domain::event::{EventBody, OrderClosed};
use comanda_domain::ids::OrderId;
use serde::{Deserialize, Serialize};

use crate::ctx::Ctx;
use crate::error::{ApiError, ErrorCode};
use crate::orders::{Needs, Proposal, mutate};
use crate::session::Session;
use crate::views::OrderView;

/// Request of `close_order`.
#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[ts(export, export_to = "bindings/")]
pub struct CloseOrder {
    /// The order.
    pub order_id: OrderId,
}

/// Closes the order. **Invariant:** an order closes only when its balance is zero.
pub fn close_order(ctx: &Ctx, s: &Session, req: CloseOrder) -> Result<OrderView, ApiError> {
    mutate(ctx, s, req.order_id, Needs::Open, None, |_, order| {
        let balance = order.totals().balance;
        if balance != comanda_domain::money::Money::ZERO {
            return Err(ApiError::new(
                ErrorCode::BalanceNotZero,
                format!("{balance} is still due: take payment before closing."),
            ));
        }
        // What was never sent goes to the kitchen with the close (the policy adds it).
        let bodies = vec![EventBody::OrderClosed(OrderClosed {
            generation: order.lifecycle.generation,
        })];
        Ok(Proposal::of(bodies))
    })
}
