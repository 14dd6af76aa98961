//! `add_line` and `add_by_barcode`: put an item on an order, its modifiers checked against the menu.

use comanda_domain::catalog::{Catalog, PricedItem};
use comanda_domain::event::{EventBody, LineAdded};
use comanda_domain::ids::{ItemId, LineId, ModifierGroupId, ModifierId, OrderId};
use comanda_domain::quantity::Quantity;
use comanda_store::Tx;
use serde::{Deserialize, Serialize};

use crate::ctx::Ctx;
use crate::error::{ApiError, ErrorCode, domain};
use crate::input;
use crate::orders::{Needs, Proposal, ensure_open, mutate, retried};
use crate::session::Session;
use crate::views::OrderView;

/// One modifier chosen in one group.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema,
)]
#[serde(deny_unknown_fields)]
#[ts(export, export_to = "bindings/")]
pub struct ModifierChoice {
    /// The group.
    pub group_id: ModifierGroupId,
    /// The modifier.
    pub modifier_id: ModifierId,
}

/// Request of `add_line`.
#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[ts(export, export_to = "bindings/")]
pub struct AddLine {
    /// The order.
    pub order_id: OrderId,
    /// An id chosen by the caller, so a retry adds nothing twice (optional).
    #[serde(default)]
    #[ts(optional)]
    pub line_id: Option<LineId>,
    /// The menu item.
    pub item_id: ItemId,
    /// How many (1 to 999).
    #[ts(type = "number")]
    pub qty: i64,
    /// Modifiers chosen; every group's min/max is enforced.
    #[serde(default)]
    pub modifiers: Vec<ModifierChoice>,
    /// A note for the kitchen.
    #[serde(default)]
    #[ts(optional)]
    pub note: Option<String>,
    /// Seat (1 to 99).
    #[serde(default)]
    #[ts(optional, type = "number")]
    pub seat: Option<i64>,
    /// Course (1 to 9).
    #[serde(default)]
    #[ts(optional, type = "number")]
    pub course: Option<i64>,
}

/// Request of `add_by_barcode`: what a scanner typed.
#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[ts(export, export_to = "bindings/")]
pub struct AddByBarcode {
    /// The order.
    pub order_id: OrderId,
    /// The scanned code.
    pub code: String,
}

pub(crate) fn catalog_of(tx: &Tx<'_>) -> Result<Catalog, ApiError> {
    tx.catalog()?
        .ok_or_else(|| ApiError::new(ErrorCode::Conflict, "This terminal has no menu yet."))
}

pub(crate) fn price(
    catalog: &Catalog,
    item_id: ItemId,
    choices: &[ModifierChoice],
) -> Result<PricedItem, ApiError> {
    let pairs: Vec<_> = choices
        .iter()
        .map(|c| (c.group_id, c.modifier_id))
        .collect();
    catalog
        .price_choice(item_id, &pairs)
        .map_err(|e| domain("modifiers", e))
}

/// Adds a line. A retry with the same `line_id` changes nothing.
pub fn add_line(ctx: &Ctx, s: &Session, req: AddLine) -> Result<OrderView, ApiError> {
    let qty = Quantity::parse(req.qty).map_err(|e| domain("qty", e))?;
    let note = input::optional("note", req.note.as_deref(), input::MAX_TEXT)?;
    let seat = input::small_number("seat", req.seat, 99)?;
    let course = input::small_number("course", req.course, 9)?;
    let line_id = req.line_id.unwrap_or_else(|| LineId::new(ctx.ids.as_ref()));
    mutate(ctx, s, req.order_id, Needs::Any, None, |tx, order| {
        // A retry adds nothing; the same id for another item is not a retry.
        let same = || {
            Ok(order.line(line_id).is_some_and(|l| {
                l.item_id == req.item_id
                    && l.modifiers.len() == req.modifiers.len()
                    && req.modifiers.iter().all(|c| {
                        l.modifiers
                            .iter()
                            .any(|m| m.group_id == c.group_id && m.modifier_id == c.modifier_id)
                    })
            }))
        };
        if retried(tx, &line_id, "line", req.order_id, "line_id", same)? {
            return Ok(Proposal::none());
        }
        ensure_open(order)?;
        let p = price(&catalog_of(tx)?, req.item_id, &req.modifiers)?;
        Ok(Proposal::of(vec![line_added(
            line_id, p, qty, note, seat, course,
        )]))
    })
}

fn line_added(
    line_id: LineId,
    p: PricedItem,
    qty: Quantity,
    note: Option<String>,
    seat: Option<u8>,
    course: Option<u8>,
) -> EventBody {
    EventBody::LineAdded(LineAdded {
        line_id,
        item_id: p.item_id,
        name: p.name,
        unit_price: p.unit_price,
        qty,
        modifiers: p.modifiers,
        tax: p.tax,
        note,
        seat,
        course,
    })
}

/// Adds one of the item with this barcode. Items with required modifiers cannot be scanned in
/// (the screen opens their modifier dialog instead).
pub fn add_by_barcode(ctx: &Ctx, s: &Session, req: AddByBarcode) -> Result<OrderView, ApiError> {
    let code = input::required("code", &req.code, 64)?;
    let line_id = LineId::new(ctx.ids.as_ref());
    mutate(ctx, s, req.order_id, Needs::Open, None, |tx, _| {
        let catalog = catalog_of(tx)?;
        let item = catalog.item_by_barcode(&code).ok_or_else(|| {
            ApiError::new(
                ErrorCode::UnknownItem,
                format!("No item has the code {code}."),
            )
            .on("code")
        })?;
        let p = price(&catalog, item.id, &[])?;
        Ok(Proposal::of(vec![line_added(
            line_id,
            p,
            Quantity::ONE,
            None,
            None,
            None,
        )]))
    })
}
