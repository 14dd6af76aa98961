//! `set_order_note` and `change_order_type`: the order's note, and its table, takeaway or tab name.

use comanda_domain::event::{EventBody, OrderNoteSet, OrderTypeChanged};
use comanda_domain::ids::OrderId;
use serde::{Deserialize, Serialize};

use crate::ctx::Ctx;
use crate::error::ApiError;
use crate::input;
use crate::orders::{Needs, Proposal, mutate, parse_order_type};
use crate::session::Session;
use crate::views::OrderView;

/// Request of `set_order_note`.
#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[ts(export, export_to = "bindings/")]
pub struct SetOrderNote {
    /// The order.
    pub order_id: OrderId,
    /// The note; empty or null clears it.
    #[serde(default)]
    pub note: Option<String>,
}

/// Request of `change_order_type`.
#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[ts(export, export_to = "bindings/")]
pub struct ChangeOrderType {
    /// The order.
    pub order_id: OrderId,
    /// The new table, takeaway or tab.
    pub order_type: crate::shapes::OrderType,
}

/// Sets or clears the order's note.
pub fn set_order_note(ctx: &Ctx, s: &Session, req: SetOrderNote) -> Result<OrderView, ApiError> {
    let note = input::optional("note", req.note.as_deref(), input::MAX_TEXT)?;
    mutate(ctx, s, req.order_id, Needs::Open, None, |_, order| {
        Ok(Proposal::of(if order.note == note {
            vec![]
        } else {
            vec![EventBody::OrderNoteSet(OrderNoteSet { note })]
        }))
    })
}

/// Moves the order to another table, or renames its tab or takeaway.
pub fn change_order_type(
    ctx: &Ctx,
    s: &Session,
    req: ChangeOrderType,
) -> Result<OrderView, ApiError> {
    let order_type = parse_order_type(&req.order_type)?;
    mutate(ctx, s, req.order_id, Needs::Open, None, |_, order| {
        Ok(Proposal::of(
            if order.order_type.as_ref() == Some(&order_type) {
                vec![]
            } else {
                vec![EventBody::OrderTypeChanged(OrderTypeChanged { order_type })]
            },
        ))
    })
}
