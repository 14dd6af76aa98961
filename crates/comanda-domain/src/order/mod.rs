//! The order projection: a pure fold of an order's event set into `(state, conflicts)`.
//!
//! **Invariant:** for any set of events, any permutation and any duplication give byte-identical
//! state. The fold deduplicates by event id, sorts by the agreed order ([`Event::key`]) and applies
//! each event once. Merge rules (order-model.md):
//! - lines are an add-wins set keyed by line id; a line's fields are last-writer-wins by agreed
//!   order; a void is final;
//! - the lifecycle is a lattice `(generation, phase)` that only grows; a reopen starts a new
//!   generation, it never goes back;
//! - payments, refunds and discounts are sets keyed by their ids, each applied once.
//!
//! Nothing here returns an error: what does not fit becomes a [`Conflict`], shown to a person.

mod conflict;
mod render;
mod state;
mod totals;

pub use conflict::Conflict;
pub use render::render_text;
pub use state::{
    Approved, CancelInfo, DiscountState, KitchenNotice, Lifecycle, LineState, Missing, OrderState,
    OrderStatus, Orphan, PaymentState, PaymentVoid, Phase, ReceiptState, RefundState, ReopenInfo,
    Stamp, TicketState, VoidInfo,
};
pub use totals::{LineAmounts, TaxLine, Totals};

use std::collections::BTreeMap;

use crate::event::Event;
use crate::ids::OrderId;

/// Folds an order's events into its state and its conflicts. Never fails; duplicates and order
/// of arrival make no difference.
pub fn fold<'a>(
    order_id: OrderId,
    events: impl IntoIterator<Item = &'a Event>,
) -> (OrderState, Vec<Conflict>) {
    let mut unique: BTreeMap<_, &Event> = BTreeMap::new();
    for e in events {
        // Same id, same event: keep the one that sorts first, so even a corrupt duplicate
        // (same id, other content) is resolved the same way everywhere.
        let k = e.key();
        unique
            .entry(e.id)
            .and_modify(|cur: &mut &Event| {
                if k < cur.key() {
                    *cur = e;
                }
            })
            .or_insert(e);
    }
    let mut sorted: Vec<&Event> = unique.into_values().collect();
    sorted.sort_by_key(|e| e.key());
    let mut state = OrderState::new(order_id);
    for e in sorted {
        state.apply(e);
    }
    let conflicts = state.conflicts();
    (state, conflicts)
}

/// The state [`fold`] gives for events the caller already holds deduplicated by id and in agreed
/// order (the store's log: its event ids are unique, and it reads a stream in agreed order), with
/// neither the deduplication nor the sort, nor the conflicts (derived from the state when
/// needed). Given anything else, it falls back to [`fold`]: the result is always the fold's.
pub fn fold_ordered(order_id: OrderId, events: &[Event]) -> OrderState {
    let ordered = events.windows(2).all(|w| w[0].key() < w[1].key());
    if !ordered {
        return fold(order_id, events).0;
    }
    let mut state = OrderState::new(order_id);
    for e in events {
        state.apply(e);
    }
    state
}
