//! The domain's one error type: what a constructor or a validation refuses.
//!
//! Folding events never returns this: a fold cannot fail (see [`crate::order::fold`]). These
//! errors come from parsing inputs at the edge (a quantity, an amount, a modifier choice).

use crate::ids::{ItemId, ModifierGroupId, ModifierId};

/// Why a value or a choice was refused. Each variant says what to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    /// A quantity outside `1..=Quantity::MAX`.
    #[error("quantity must be between 1 and {max}, got {got}")]
    Quantity {
        /// What was given.
        got: i64,
        /// The largest quantity allowed.
        max: u32,
    },
    /// A money amount that is negative where it may not be, or absurdly large.
    #[error("{what} must be between {min} and {max} (minor units), got {got}")]
    Amount {
        /// What the amount was for ("tendered", "discount"…).
        what: &'static str,
        /// What was given.
        got: i64,
        /// The smallest allowed.
        min: i64,
        /// The largest allowed.
        max: i64,
    },
    /// A percentage outside 0–100 %.
    #[error("a percentage must be between 0 and 100 (got {0} in its units)")]
    Percent(i64),
    /// An item id that is not on the menu (or is not sold any more).
    #[error("item {0} is not on the menu")]
    UnknownItem(ItemId),
    /// A modifier group the item does not have.
    #[error("modifier group {0} does not belong to this item")]
    UnknownModifierGroup(ModifierGroupId),
    /// A modifier that is not in the group it was chosen from.
    #[error("modifier {0} is not in its group")]
    UnknownModifier(ModifierId),
    /// A group's min/max rule broken.
    #[error("{group}: choose {rule}, got {got}")]
    ModifierCount {
        /// The group's name, for the message.
        group: String,
        /// The rule in words ("exactly 1", "between 1 and 3", "at most 2").
        rule: String,
        /// How many were chosen.
        got: usize,
    },
    /// The same modifier chosen twice in a group that does not allow it.
    #[error("{0} chosen twice")]
    DuplicateModifier(String),
    /// Text too long or empty where it must not be.
    #[error("{what} must be {rule}")]
    Text {
        /// Which field.
        what: &'static str,
        /// What it must be.
        rule: String,
    },
    /// A PIN that is not 4 to 8 digits.
    #[error("a PIN is 4 to 8 digits")]
    Pin,
}
