//! `fire_order`: send the order's new lines to the kitchen.

use comanda_domain::event::{EventBody, OrderFired};
use comanda_domain::ids::OrderId;
use comanda_domain::order::OrderState;
use serde::{Deserialize, Serialize};

use crate::ctx::Ctx;
use crate::error::ApiError;
use crate::orders::{Needs, Proposal, mutate};
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

/// Marks every live line not yet sent as sent. Sending with nothing new changes nothing. The
/// kitchen tickets are made by the store in the same transaction, on the terminal that drives
/// each station's printer (see `comanda_store::print`).
pub fn fire_order(ctx: &Ctx, s: &Session, req: FireOrder) -> Result<OrderView, ApiError> {
    mutate(ctx, s, req.order_id, Needs::Open, None, |_, order| {
        Ok(Proposal::of(fire_unsent(order).into_iter().collect()))
    })
}

/// The event that sends every live line not yet sent, if there is one.
pub(crate) fn fire_unsent(order: &OrderState) -> Option<EventBody> {
    let line_ids: Vec<_> = order
        .live_lines()
        .filter(|l| !l.fired)
        .map(|l| l.line_id)
        .collect();
    (!line_ids.is_empty()).then_some(EventBody::OrderFired(OrderFired { line_ids }))
}
