//! `change_line`: change one field of a line (quantity, modifiers, note, seat, course, allergy).

use comanda_domain::event::{EventBody, LineChange, LineChanged};
use comanda_domain::ids::{LineId, OrderId};
use comanda_domain::quantity::Quantity;
use serde::{Deserialize, Serialize};

use crate::ctx::Ctx;
use crate::error::{ApiError, ErrorCode, domain};
use crate::input;
use crate::orders::add_line::{ModifierChoice, catalog_of, price};
use crate::orders::{Needs, Proposal, mutate};
use crate::session::{Approval, Session};
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
    /// The guest's allergy ("nuts"; empty or null clears it): shown inverted on the kitchen's
    /// tickets, and a change on a line already sent reaches the kitchen as a CHANGED ticket.
    Allergy(Option<String>),
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
/// else than its ticket says; taking some of it off needs a manager, as a void does. The policy
/// (`orders::policy`) judges all of it on the order the change would leave.
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
        LineChangeRequest::Allergy(a) => Some(LineChange::Allergy(input::optional(
            "allergy",
            a.as_deref(),
            60,
        )?)),
        LineChangeRequest::Modifiers(_) => None,
    };
    mutate(
        ctx,
        s,
        req.order_id,
        Needs::Open,
        req.approval.as_ref(),
        |tx, order| {
            let line = order.line(req.line_id).ok_or_else(|| {
                ApiError::not_found("That line is not on this order.").on("line_id")
            })?;
            if line.voided.is_some() {
                return Err(ApiError::new(
                    ErrorCode::Conflict,
                    format!("{} was voided and cannot change.", line.name),
                ));
            }
            let change = match (change, &req.change) {
                (Some(c), _) => c,
                (None, LineChangeRequest::Modifiers(m)) => {
                    LineChange::Modifiers(price(&catalog_of(tx)?, line.item_id, m)?.modifiers)
                }
                (None, _) => return Err(ApiError::internal(&"line change not parsed")),
            };
            let unchanged = match &change {
                LineChange::Qty(q) => *q == line.qty,
                LineChange::Modifiers(m) => *m == line.modifiers,
                LineChange::Note(n) => *n == line.note,
                LineChange::Seat(n) => *n == line.seat,
                LineChange::Course(n) => *n == line.course,
                LineChange::Allergy(a) => *a == line.allergy,
            };
            if unchanged {
                return Ok(Proposal::none()); // nothing to record
            }
            Ok(Proposal::of(vec![EventBody::LineChanged(LineChanged {
                line_id: req.line_id,
                change,
                approved_by: None,
            })]))
        },
    )
}
