//! Conflicts: what the merged state says a person must look at. Data, never errors.

use serde::{Deserialize, Serialize};

use crate::ids::{EventId, LineId, PaymentId};
use crate::money::Money;
use crate::order::{OrderState, Phase};

/// Something about an order that the merge rules cannot settle alone (order-model.md, conflict
/// policy table). Derived from the state, so every node derives the same list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Conflict {
    /// The order was closed, but items were added (on another terminal) or a payment voided:
    /// it is open again with this balance due.
    BalanceDueAfterClose {
        /// What is now due.
        balance: Money,
    },
    /// More was paid than the order's total (two terminals took payment): this much is owed
    /// back to the customer.
    Overpaid {
        /// The excess.
        amount: Money,
    },
    /// The order was cancelled after money was taken: this much must be refunded.
    RefundDue {
        /// The net amount still held.
        amount: Money,
    },
    /// Refunds against one payment exceed it (two offline terminals refunded it): both refunds
    /// stand (the cash has left the drawer); the excess is for a manager to settle.
    OverRefund {
        /// The payment.
        payment_id: PaymentId,
        /// What the payment was.
        paid: Money,
        /// What was refunded against it.
        refunded: Money,
    },
    /// The order is cancelled, but the kitchen has lines of it the cancel did not cover: fired
    /// before a cancel no manager approved, or fired (on another terminal) after it. A manager
    /// confirms the cancel (those lines are waste) or rejects it (reopens the order).
    CancelledWhileCooking {
        /// The lines the kitchen has, in the order's line order.
        lines: Vec<LineId>,
    },
    /// An event referred to a line, payment or discount this node does not hold (yet).
    MissingReference {
        /// The event.
        event_id: EventId,
        /// Its kind.
        kind: String,
        /// What it referred to.
        missing: String,
    },
    /// The order's events do not include its `OrderOpened` (yet).
    MissingOpen,
    /// An event of another stream or kind was found among this order's events.
    ForeignEvent {
        /// The event.
        event_id: EventId,
    },
}

impl OrderState {
    /// The fired, live lines of a cancelled order that its cancel did not cover and no manager
    /// wrote off yet (empty unless the order is cancelled).
    pub fn cooking_after_cancel(&self) -> Vec<LineId> {
        let Some(cancel) = self
            .cancelled
            .as_ref()
            .filter(|_| self.lifecycle.phase == Phase::Cancelled)
        else {
            return Vec::new();
        };
        self.live_lines()
            .filter(|l| l.fired && !self.wasted.contains(&l.line_id))
            .filter(|l| cancel.approved_by.is_none() || !cancel.fired_before.contains(&l.line_id))
            .map(|l| l.line_id)
            .collect()
    }

    /// The conflicts the state holds, in a fixed order.
    pub fn conflicts(&self) -> Vec<Conflict> {
        self.conflicts_with(&self.totals())
    }

    /// [`Self::conflicts`] with the totals already computed (they are the costly part).
    pub fn conflicts_with(&self, t: &crate::order::Totals) -> Vec<Conflict> {
        let mut out = Vec::new();
        if self.opened.is_none() {
            out.push(Conflict::MissingOpen);
        }
        if self.lifecycle.phase == Phase::Closed && t.balance.is_positive() {
            out.push(Conflict::BalanceDueAfterClose { balance: t.balance });
        }
        // Money owed back: held on a cancelled order, or paid past the total.
        let owed = self.refund_due_with(t);
        if owed.is_positive() {
            out.push(if self.lifecycle.phase == Phase::Cancelled {
                Conflict::RefundDue { amount: owed }
            } else {
                Conflict::Overpaid { amount: owed }
            });
        }
        for p in &self.payments {
            let paid = self.paid_by(p.payment_id);
            let refunded = self.refunded_on(p.payment_id);
            let settled = self
                .over_refunds_settled
                .iter()
                .find(|(id, _)| *id == p.payment_id)
                .is_some_and(|(_, s)| *s >= refunded);
            if refunded > paid && !settled {
                out.push(Conflict::OverRefund {
                    payment_id: p.payment_id,
                    paid,
                    refunded,
                });
            }
        }
        let cooking = self.cooking_after_cancel();
        if !cooking.is_empty() {
            out.push(Conflict::CancelledWhileCooking { lines: cooking });
        }
        for o in &self.orphans {
            out.push(Conflict::MissingReference {
                event_id: o.event_id,
                kind: o.kind.clone(),
                missing: o.missing.to_string(),
            });
        }
        for id in &self.foreign {
            out.push(Conflict::ForeignEvent { event_id: *id });
        }
        out
    }
}
