//! The one place an order command is judged: on the order as it is and as the command's events
//! would leave it (`OrderState::preview`), never on the command's own arithmetic. Every rule that
//! must hold after any sequence of commands lives here, so no later command can slip past a rule
//! written for an earlier one:
//!
//! - **sent lines**: a line the kitchen has never grows and keeps its modifiers; taking some or
//!   all of it off needs a manager;
//! - **the cashier discount limit**: discounts no manager approved, counted together as a share
//!   of the subtotal, may not rise above the store's limit without a manager: whether they rise
//!   because a discount is applied, or because a discounted line grows, a priced modifier
//!   changes, another discount is removed, a line is voided or shrinks;
//! - **card tips**: a card tip above the store's share of what the payment pays needs a manager;
//! - **a command's own approval** (voiding a payment, a refund, a reopen, cancelling what the
//!   kitchen has): said by the command as `manager_for`.
//!
//! When any rule asks for a manager, one approval covers them all and is recorded in every event
//! of the command that carries an approver.

use comanda_domain::event::{EventBody, PaymentMethod};
use comanda_domain::order::OrderState;
use comanda_store::Tx;

use crate::ctx::Ctx;
use crate::error::{ApiError, ErrorCode};
use crate::orders::fire_order::fire_unsent;
use crate::session::{Approval, Session, approve};

/// What a command proposes: its events, and why a manager must approve it whatever the order
/// looks like after (voiding a payment, reopening…).
#[derive(Debug, Default)]
pub(crate) struct Proposal {
    /// The events, in the order they are to be appended.
    pub bodies: Vec<EventBody>,
    /// What the cashier is doing that always needs a manager, in words ("void a payment of
    /// 12.00").
    pub manager_for: Option<String>,
    /// What the printers must do once the events are in, in the same transaction.
    pub effects: Vec<Effect>,
}

/// What the printers of this terminal must do because of a command's events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Effect {
    /// Kick the drawer, under this request id (a payment's or a refund's), for this reason.
    Kick {
        /// The job's request id.
        request: String,
        /// Why.
        reason: comanda_domain::printer::DrawerReason,
    },
    /// Print the order's receipt, under this request id (the payment's).
    Receipt {
        /// The job's request id.
        request: String,
    },
}

impl Proposal {
    /// Events that need nothing beyond what the rules find.
    pub fn of(bodies: Vec<EventBody>) -> Proposal {
        Proposal {
            bodies,
            ..Proposal::default()
        }
    }

    /// The same, with what the printers must do once they are in.
    pub fn with(mut self, effect: Effect) -> Proposal {
        self.effects.push(effect);
        self
    }

    /// Nothing to do (a retry, a no-op).
    pub fn none() -> Proposal {
        Proposal::default()
    }

    /// Events that always need a manager, for `what`.
    pub fn approved(bodies: Vec<EventBody>, what: impl Into<String>) -> Proposal {
        Proposal {
            bodies,
            manager_for: Some(what.into()),
            effects: Vec::new(),
        }
    }
}

/// Judges a proposal on `before` and the state it would produce; returns the events to append,
/// with the approving manager recorded when one was needed, or the refusal.
pub(crate) fn decide(
    ctx: &Ctx,
    tx: &Tx<'_>,
    s: &Session,
    approval: Option<&Approval>,
    before: &OrderState,
    p: Proposal,
) -> Result<Vec<EventBody>, ApiError> {
    let Proposal {
        mut bodies,
        manager_for,
        effects: _,
    } = p;
    if bodies.is_empty() {
        return Ok(bodies);
    }
    let (by, device, now) = (Some(s.employee_id), tx.device_id(), ctx.clock.now_ms());
    let mut after = before.preview(&bodies, by, device, now);
    // An order that closes (paid, refunded to zero, closed by hand) sends first what the kitchen
    // never got: closed with unsent lines, the food would never be made.
    if let Some(at) = bodies
        .iter()
        .position(|b| matches!(b, EventBody::OrderClosed(_)))
        && let Some(fire) = fire_unsent(&after)
    {
        after.preview_more(std::slice::from_ref(&fire), by, device, now);
        bodies.insert(at, fire);
    }
    let mut needs: Vec<String> = manager_for.into_iter().collect();

    // A preview only adds lines after the others, never moves them: walked side by side.
    for (b, a) in before.lines.iter().zip(&after.lines) {
        if !b.fired || !b.is_live() || a.line_id != b.line_id {
            continue;
        }
        if a.voided.is_some() {
            needs.push(format!("void {}, already sent to the kitchen", b.name));
            continue;
        }
        if a.qty > b.qty {
            return Err(ApiError::new(
                ErrorCode::Conflict,
                format!(
                    "{} was already sent to the kitchen: add a new line for more.",
                    b.name
                ),
            )
            .on("qty"));
        }
        if a.modifiers != b.modifiers {
            return Err(ApiError::new(
                ErrorCode::Conflict,
                format!(
                    "{} was already sent to the kitchen: void it and add it again.",
                    b.name
                ),
            )
            .on("modifiers"));
        }
        if a.qty < b.qty {
            needs.push(format!("take {} off, already sent to the kitchen", b.name));
        }
    }

    // The settings are read only when a rule needs them (most taps touch neither).
    let (was, will) = (
        before.unapproved_discount_bp(),
        after.unapproved_discount_bp(),
    );
    let tips: Vec<_> = bodies
        .iter()
        .filter_map(|b| match b {
            EventBody::PaymentRecorded(pay)
                if matches!(pay.method, PaymentMethod::Card { .. }) && pay.tip.is_positive() =>
            {
                Some(pay)
            }
            _ => None,
        })
        .collect();
    if will > was || !tips.is_empty() {
        let settings = tx.settings()?.unwrap_or_default();
        let limit = settings.cashier_discount_limit;
        if will > limit.bp() && will > was {
            needs.push(format!("take the order's discounts past {limit}"));
        }
        for pay in tips {
            if pay.tip > pay.amount.percent(settings.card_tip_limit) {
                needs.push(format!(
                    "add a card tip of {} on {} (more than {})",
                    pay.tip, pay.amount, settings.card_tip_limit
                ));
            }
        }
    }

    if needs.is_empty() {
        return Ok(bodies);
    }
    let approver = approve(ctx, tx, s, approval, &join(&needs))?;
    for b in &mut bodies {
        b.set_approved_by(approver);
    }
    Ok(bodies)
}

/// "a, b and c".
fn join(parts: &[String]) -> String {
    match parts {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::join;

    #[test]
    fn reasons_read_as_a_sentence() {
        let s = |v: &[&str]| join(&v.iter().map(|x| (*x).to_owned()).collect::<Vec<_>>());
        assert_eq!(s(&["a"]), "a");
        assert_eq!(s(&["a", "b"]), "a and b");
        assert_eq!(s(&["a", "b", "c"]), "a, b and c");
    }
}
