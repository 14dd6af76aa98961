//! The domain's one error type: what a constructor or a validation refuses.
//!
//! Folding events never returns this: a fold cannot fail (see [`crate::order::fold`]). These
//! errors come from parsing inputs at the edge (a quantity, an amount, a modifier choice).

use crate::ids::{ItemId, ModifierGroupId, ModifierId};

/// Why a value or a choice was refused. Each variant says what to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    /// A quantity outside `1..=Quantity::MAX`.
    #[error("A quantity is a whole number from 1 to {max}.")]
    Quantity {
        /// What was given.
        got: i64,
        /// The largest quantity allowed.
        max: u32,
    },
    /// A money amount that is negative where it may not be, or absurdly large.
    #[error("{} can be from {} to {}.", amount_words(what), crate::money::Money::from_minor(*.min), crate::money::Money::from_minor(*.max))]
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
    #[error("A percentage is from 0% to 100%.")]
    Percent(i64),
    /// An item id that is not on the menu (or is not sold any more).
    #[error("That item is not on the menu.")]
    UnknownItem(ItemId),
    /// A modifier group the item does not have.
    #[error("Those choices are not offered for this item.")]
    UnknownModifierGroup(ModifierGroupId),
    /// A modifier that is not in the group it was chosen from.
    #[error("That choice is not offered for this item.")]
    UnknownModifier(ModifierId),
    /// A group's min/max rule broken.
    #[error("{group}: choose {rule} ({}).", chosen_words(*.got))]
    ModifierCount {
        /// The group's name, for the message.
        group: String,
        /// The rule in words ("exactly 1", "between 1 and 3", "at most 2").
        rule: String,
        /// How many were chosen.
        got: usize,
    },
    /// The same modifier chosen twice in a group that does not allow it.
    #[error("{0} is chosen twice: choose it once.")]
    DuplicateModifier(String),
    /// Text too long or empty where it must not be.
    #[error("{what} must be {rule}.")]
    Text {
        /// Which field.
        what: &'static str,
        /// What it must be.
        rule: String,
    },
    /// A PIN that is not 4 to 8 digits.
    #[error("A PIN is 4 to 8 digits.")]
    Pin,
}

/// An amount's name as a cashier reads it.
fn amount_words(what: &str) -> String {
    match what {
        "tendered" => "The cash handed over".into(),
        "tip" => "A tip".into(),
        "discount" => "A discount".into(),
        "amount" => "An amount".into(),
        "price" => "A price".into(),
        other => {
            let mut c = other.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect())
                .unwrap_or_default()
        }
    }
}

/// "none chosen", "1 chosen", "3 chosen".
fn chosen_words(n: usize) -> String {
    match n {
        0 => "none chosen".into(),
        n => format!("{n} chosen"),
    }
}
