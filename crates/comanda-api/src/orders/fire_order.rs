//! `fire_order`: send the order's new lines to the kitchen.

use comanda_domain::event::{EventBody, OrderFired};
use comanda_domain::ids::OrderId;
use serde::{Deserialize, Serialize};

use crate::ctx::Ctx;
use crate::error::ApiError;
use crate::orders::{Needs, mutate};
use crate::session::Session;
use crate::views::OrderView;

/// Request of `fire_order`.
#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[ts(export, export_to = "bindings/")]
pub struct FireOrder {
    /// The order.
    pub order_id: OrderId,
}

/// Marks every live line not yet sent as sent. Sending with nothing new changes nothing.
/// (Kitchen tickets and printing come with the kitchen and devices issues.)
pub fn fire_order(ctx: &Ctx, s: &Session, req: FireOrder) -> Result<OrderView, ApiError> {
    mutate(ctx, s, req.order_id, Needs::Open, |_, order| {
        let line_ids: Vec<_> = order
            .live_lines()
            .filter(|l| !l.fired)
            .map(|l| l.line_id)
            .collect();
        Ok(if line_ids.is_empty() {
            vec![]
        } else {
            vec![EventBody::OrderFired(OrderFired { line_ids })]
        })
    })
}
