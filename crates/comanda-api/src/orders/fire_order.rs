//! `fire_order`: send the order's new lines to the kitchen, a course at a time when the counter
//! holds the later ones.
//!
//! - No course named: every new line not held is sent. With `hold_later`, and new lines in more
//!   than one course, only the first course (and the lines of no course) goes; each later course
//!   is held (`CourseHeld`): the kitchen sees it coming, and makes it when it is fired.
//! - A course named: its lines not yet sent go, held or not ("Fire course 2").
//!
//! Sending with nothing to send changes nothing. The kitchen tickets are made by the store in the
//! same transaction, on the terminal that drives each station's printer (`comanda_store::print`).

use comanda_domain::event::{EventBody, OrderFired};
use comanda_domain::ids::OrderId;
use comanda_domain::kitchen::CourseHeld;
use comanda_domain::order::{LineState, OrderState};
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
    /// Send only this course's lines (held or not).
    #[serde(default)]
    #[ts(optional)]
    pub course: Option<u8>,
    /// Send the first course of the new lines and hold the later ones.
    #[serde(default)]
    #[ts(optional)]
    pub hold_later: Option<bool>,
}

/// Sends the order's new lines (see the module).
pub fn fire_order(ctx: &Ctx, s: &Session, req: FireOrder) -> Result<OrderView, ApiError> {
    if req.course == Some(0) || req.course.is_some_and(|c| c > 9) {
        return Err(ApiError::invalid("course", "A course is 1 to 9."));
    }
    mutate(ctx, s, req.order_id, Needs::Open, None, |_, order| {
        if let Some(course) = req.course {
            let line_ids: Vec<_> = order
                .live_lines()
                .filter(|l| !l.fired && l.course == Some(course))
                .map(|l| l.line_id)
                .collect();
            if line_ids.is_empty() {
                return Err(ApiError::invalid(
                    "course",
                    format!("Course {course} has nothing left to send."),
                ));
            }
            return Ok(Proposal::of(vec![EventBody::OrderFired(OrderFired {
                line_ids,
            })]));
        }
        let new: Vec<_> = order
            .live_lines()
            .filter(|l| !l.fired && !order.holds(l))
            .collect();
        let first = new.iter().filter_map(|l| l.course).min();
        let hold = req.hold_later.unwrap_or(false);
        let (now, later): (Vec<&LineState>, Vec<&LineState>) = new
            .into_iter()
            .partition(|l| !hold || l.course.is_none() || l.course == first);
        let mut bodies = Vec::new();
        if !now.is_empty() {
            bodies.push(EventBody::OrderFired(OrderFired {
                line_ids: now.iter().map(|l| l.line_id).collect(),
            }));
        }
        let mut courses: Vec<u8> = later.iter().filter_map(|l| l.course).collect();
        courses.sort_unstable();
        courses.dedup();
        for course in courses {
            bodies.push(EventBody::CourseHeld(CourseHeld {
                course,
                line_ids: later
                    .iter()
                    .filter(|l| l.course == Some(course))
                    .map(|l| l.line_id)
                    .collect(),
            }));
        }
        Ok(Proposal::of(bodies))
    })
}

/// The event that sends every live line not yet sent (held ones too), if there is one: what an
/// order that closes sends first, so no food is left unmade.
pub(crate) fn fire_unsent(order: &OrderState) -> Option<EventBody> {
    let line_ids: Vec<_> = order
        .live_lines()
        .filter(|l| !l.fired)
        .map(|l| l.line_id)
        .collect();
    (!line_ids.is_empty()).then_some(EventBody::OrderFired(OrderFired { line_ids }))
}
