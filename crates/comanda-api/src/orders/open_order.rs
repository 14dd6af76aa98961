//! `open_order`: starts an order at a table, to take away, or on a tab.

use comanda_domain::event::{EventBody, OrderOpened, StreamId};
use comanda_domain::ids::OrderId;
use serde::{Deserialize, Serialize};

use crate::bus::Change;
use crate::ctx::Ctx;
use crate::error::ApiError;
use crate::orders::{parse_order_type, retried, view_in};
use crate::session::Session;
use crate::views::OrderView;

/// Request of `open_order`.
#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[ts(export, export_to = "bindings/")]
pub struct OpenOrder {
    /// An id chosen by the caller, so a retry opens nothing new (optional).
    #[serde(default)]
    #[ts(optional)]
    pub order_id: Option<OrderId>,
    /// Table, takeaway or tab.
    pub order_type: crate::shapes::OrderType,
}

/// Opens an order. Opening with an id that already exists returns that order unchanged.
pub fn open_order(ctx: &Ctx, s: &Session, req: OpenOrder) -> Result<OrderView, ApiError> {
    let order_type = parse_order_type(&req.order_type)?;
    let order_id = req
        .order_id
        .unwrap_or_else(|| OrderId::new(ctx.ids.as_ref()));
    let view = ctx.store.write(|tx| {
        // A retry answers the order; the same id for another table or tab is not a retry.
        let same = || {
            Ok(tx
                .order(order_id)?
                .is_some_and(|o| o.state.order_type.as_ref() == Some(&order_type)))
        };
        if !retried(tx, &order_id, "order", order_id, "order_id", same)?
            && tx.order(order_id)?.is_none()
        {
            let number = tx.next_order_number()?;
            tx.append(
                StreamId::Order(order_id),
                Some(s.employee_id),
                EventBody::OrderOpened(OrderOpened { number, order_type }),
            )?;
        }
        view_in(tx, order_id)
    })?;
    ctx.bus.send(Change::Order {
        order_id,
        version: view.version,
    });
    Ok(view)
}
