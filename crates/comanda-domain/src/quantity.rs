//! Quantities of a line: whole units from 1 to [`Quantity::MAX`].

use serde::{Deserialize, Serialize};

use crate::DomainError;

/// How many of an item a line holds. Always `1..=MAX`; more than that is a typo.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    ts_rs::TS,
    utoipa::ToSchema,
)]
#[serde(try_from = "u32", into = "u32")]
#[ts(export, export_to = "bindings/", type = "number")]
pub struct Quantity(u32);

impl Quantity {
    /// The largest quantity on one line.
    pub const MAX: u32 = 999;
    /// One.
    pub const ONE: Quantity = Quantity(1);

    /// Parses a quantity a person entered.
    pub fn parse(n: i64) -> Result<Self, DomainError> {
        u32::try_from(n)
            .ok()
            .filter(|n| (1..=Self::MAX).contains(n))
            .map(Quantity)
            .ok_or(DomainError::Quantity {
                got: n,
                max: Self::MAX,
            })
    }

    /// The count.
    pub const fn get(self) -> u32 {
        self.0
    }
}

impl TryFrom<u32> for Quantity {
    type Error = DomainError;
    fn try_from(n: u32) -> Result<Self, Self::Error> {
        Quantity::parse(i64::from(n))
    }
}

impl From<Quantity> for u32 {
    fn from(q: Quantity) -> u32 {
        q.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantity_bounds() {
        assert!(Quantity::parse(0).is_err());
        assert!(Quantity::parse(-3).is_err());
        assert!(Quantity::parse(1000).is_err());
        assert_eq!(Quantity::parse(999).unwrap().get(), 999);
        assert!(serde_json::from_str::<Quantity>("0").is_err());
        assert_eq!(serde_json::from_str::<Quantity>("2").unwrap().get(), 2);
    }
}
