//! `change_line`: change one field of a line (quantity, modifiers, note, seat, course).

use comanda_domain::event::{EventBody, LineChange, LineChanged};
use comanda_domain::ids::{LineId, OrderId};
use comanda_domain::quantity::Quantity;
use serde::{Deserialize, Serialize};

use crate::ctx::Ctx;
use crate::error::{ApiError, ErrorCode, domain};
use crate::input;
use crate::orders::add_line::{ModifierChoice, catalog_of, price};
use crate::orders::apply_discount::shrink_needs_approval;
use crate::orders::{Needs, mutate};
use crate::session::{Approval, Session, approve};
use crate::views::OrderView;

/// The field to change and its new value.
#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[serde(tag = "field", content = "value", rename_all = "snake_case")]
#[ts(export, export_to = "bindings/")]
pub enum LineChangeRequest {
    /// New quantity (1 to 999).
    Qty(#[ts(type = "number")] i64),
    /// New modifiers, checked against the menu's rules.
    Modifiers(Vec<ModifierChoice>),
    /// New note (empty or null clears it).
    Note(Option<String>),
    /// New seat (null clears it).
    Seat(#[ts(type = "number | null")] Option<i64>),
    /// New course (null clears it).
    Course(#[ts(type = "number | null")] Option<i64>),
}

/// Request of `change_line`.
#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[ts(export, export_to = "bindings/")]
pub struct ChangeLine {
    /// The order.
    pub order_id: OrderId,
    /// The line.
    pub line_id: LineId,
    /// What changes.
    pub change: LineChangeRequest,
    /// A manager's PIN: needed to lower the quantity of a line already sent to the kitchen, or
    /// when a lower quantity would leave the order's discounts above the cashier's limit.
    #[serde(default)]
    #[ts(optional)]
    pub approval: Option<Approval>,
}

/// Changes a line. A line already sent to the kitchen keeps its modifiers and never grows (add a
/// new line, which the kitchen gets as its own ticket line), so the kitchen never cooks something
/// else than its ticket says; taking some of it off needs a manager, as a void does.
pub fn change_line(ctx: &Ctx, s: &Session, req: ChangeLine) -> Result<OrderView, ApiError> {
    let change = match &req.change {
        LineChangeRequest::Qty(q) => Some(LineChange::Qty(
            Quantity::parse(*q).map_err(|e| domain("qty", e))?,
        )),
        LineChangeRequest::Note(n) => Some(LineChange::Note(input::optional(
            "note",
            n.as_deref(),
            input::MAX_TEXT,
        )?)),
        LineChangeRequest::Seat(n) => Some(LineChange::Seat(input::small_number("seat", *n, 99)?)),
        LineChangeRequest::Course(n) => {
            Some(LineChange::Course(input::small_number("course", *n, 9)?))
        }
        LineChangeRequest::Modifiers(_) => None,
    };
    mutate(ctx, s, req.order_id, Needs::Open, |tx, order| {
        let line = order
            .line(req.line_id)
            .ok_or_else(|| ApiError::not_found("That line is not on this order.").on("line_id"))?;
        if line.voided.is_some() {
            return Err(ApiError::new(
                ErrorCode::Conflict,
                format!("{} was voided and cannot change.", line.name),
            ));
        }
        if let Some(LineChange::Qty(q)) = &change {
            check_qty(ctx, tx, s, &req, order, line, *q)?;
        }
        let change = match (change, &req.change) {
            (Some(c), _) => c,
            (None, LineChangeRequest::Modifiers(m)) => {
                if line.fired {
                    return Err(ApiError::new(
                        ErrorCode::Conflict,
                        format!(
                            "{} was already sent to the kitchen: void it and add it again.",
                            line.name
                        ),
                    )
                    .on("modifiers"));
                }
                LineChange::Modifiers(price(&catalog_of(tx)?, line.item_id, m)?.modifiers)
            }
            (None, _) => return Err(ApiError::internal(&"line change not parsed")),
        };
        Ok(vec![EventBody::LineChanged(LineChanged {
            line_id: req.line_id,
            change,
        })])
    })
}

/// A new quantity: a sent line cannot grow; shrinking a sent line, or shrinking the order below
/// what its cashier-given discounts allow, needs a manager.
fn check_qty(
    ctx: &Ctx,
    tx: &comanda_store::Tx<'_>,
    s: &Session,
    req: &ChangeLine,
    order: &comanda_domain::order::OrderState,
    line: &comanda_domain::order::LineState,
    q: Quantity,
) -> Result<(), ApiError> {
    if line.fired && q > line.qty {
        return Err(ApiError::new(
            ErrorCode::Conflict,
            format!(
                "{} was already sent to the kitchen: add a new line for more.",
                line.name
            ),
        )
        .on("qty"));
    }
    if q >= line.qty {
        return Ok(());
    }
    let mut after = order.clone();
    if let Some(l) = after.lines.iter_mut().find(|l| l.line_id == line.line_id) {
        l.qty = q;
    }
    let what = if line.fired {
        Some(format!(
            "take {} off, already sent to the kitchen",
            line.name
        ))
    } else {
        shrink_needs_approval(tx, order, &after)?.map(|limit| {
            format!(
                "lower {}: the order's discounts would then be above {limit:?}",
                line.name
            )
        })
    };
    if let Some(what) = what {
        approve(ctx, tx, s, req.approval.as_ref(), &what)?;
    }
    Ok(())
}
