//! Money as integer minor units (cents), percentages as basis points, and the one place where
//! rounding happens.
//!
//! **Invariant:** no floating point touches money anywhere in Comanda. Every division of money
//! goes through [`div_round`], which rounds half away from zero.

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Neg, Sub, SubAssign};

use serde::{Deserialize, Serialize};

use crate::DomainError;

/// An amount of money in minor units (cents). May be negative (a balance owed back, a discount).
#[derive(
    Clone,
    Copy,
    Default,
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
#[serde(transparent)]
#[ts(export, export_to = "bindings/")]
// Minor units stay far below 2^53, so a JS `number` holds them exactly.
#[ts(type = "number")]
pub struct Money(i64);

impl Money {
    /// Zero.
    pub const ZERO: Money = Money(0);
    /// The largest single amount a person may enter (a price, a tender, a discount):
    /// 1,000,000.00. Anything above is a typo, not a sale.
    pub const MAX_INPUT: i64 = 100_000_000;

    /// An amount from minor units, as computed internally (any sign).
    pub const fn from_minor(minor: i64) -> Self {
        Money(minor)
    }

    /// Parses an amount a person entered: `0 ..= MAX_INPUT` minor units.
    pub fn parse_input(what: &'static str, minor: i64) -> Result<Self, DomainError> {
        Self::parse_range(what, minor, 0, Self::MAX_INPUT)
    }

    /// Parses an amount that must be strictly positive (a payment, a refund).
    pub fn parse_positive(what: &'static str, minor: i64) -> Result<Self, DomainError> {
        Self::parse_range(what, minor, 1, Self::MAX_INPUT)
    }

    fn parse_range(
        what: &'static str,
        minor: i64,
        min: i64,
        max: i64,
    ) -> Result<Self, DomainError> {
        if (min..=max).contains(&minor) {
            Ok(Money(minor))
        } else {
            Err(DomainError::Amount {
                what,
                got: minor,
                min,
                max,
            })
        }
    }

    /// The amount in minor units.
    pub const fn minor(self) -> i64 {
        self.0
    }

    /// `self × n`.
    pub fn times(self, n: u32) -> Money {
        Money(self.0.saturating_mul(i64::from(n)))
    }

    /// The smaller of two amounts.
    pub fn min(self, other: Money) -> Money {
        Money(self.0.min(other.0))
    }

    /// The larger of two amounts.
    pub fn max(self, other: Money) -> Money {
        Money(self.0.max(other.0))
    }

    /// True when strictly above zero.
    pub fn is_positive(self) -> bool {
        self.0 > 0
    }

    /// `self × percent`, rounded in the one place ([`div_round`]).
    pub fn percent(self, p: Percent) -> Money {
        Money(div_round(i128::from(self.0) * i128::from(p.0), 10_000))
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

impl fmt::Debug for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl Add for Money {
    type Output = Money;
    fn add(self, rhs: Money) -> Money {
        Money(self.0.saturating_add(rhs.0))
    }
}
impl Sub for Money {
    type Output = Money;
    fn sub(self, rhs: Money) -> Money {
        Money(self.0.saturating_sub(rhs.0))
    }
}
impl AddAssign for Money {
    fn add_assign(&mut self, rhs: Money) {
        *self = *self + rhs;
    }
}
impl SubAssign for Money {
    fn sub_assign(&mut self, rhs: Money) {
        *self = *self - rhs;
    }
}
impl Neg for Money {
    type Output = Money;
    fn neg(self) -> Money {
        Money(self.0.saturating_neg())
    }
}
impl Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money::ZERO, Add::add)
    }
}

/// A percentage in basis points: 1 % = 100, 100 % = 10,000. Always within 0–100 %.
#[derive(
    Clone,
    Copy,
    Default,
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
#[serde(transparent)]
#[ts(export, export_to = "bindings/")]
pub struct Percent(u32);

impl Percent {
    /// 100 %.
    pub const FULL: Percent = Percent(10_000);

    /// Parses basis points in `0..=10_000`.
    pub fn from_bp(bp: i64) -> Result<Self, DomainError> {
        u32::try_from(bp)
            .ok()
            .filter(|bp| *bp <= 10_000)
            .map(Percent)
            .ok_or(DomainError::Percent(bp))
    }

    /// Basis points.
    pub const fn bp(self) -> u32 {
        self.0
    }
}

impl fmt::Debug for Percent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:02}%", self.0 / 100, self.0 % 100)
    }
}

/// As people write it: "10%", "12.5%", "0.25%".
impl fmt::Display for Percent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 % 100 {
            0 => write!(f, "{}%", self.0 / 100),
            c if c % 10 == 0 => write!(f, "{}.{}%", self.0 / 100, c / 10),
            c => write!(f, "{}.{c:02}%", self.0 / 100),
        }
    }
}

/// A tax rate in thousandths of a percent: 10 % = 10,000; 8.875 % = 8,875. Finer than basis
/// points because real rates need it (New York City's 8.875 %). Always within 0–100 %.
#[derive(
    Clone,
    Copy,
    Default,
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
#[serde(transparent)]
#[ts(export, export_to = "bindings/")]
pub struct Rate(u32);

impl Rate {
    /// The denominator: 100 % = 100,000.
    pub const SCALE: u32 = 100_000;

    /// Parses thousandths of a percent in `0..=100_000`.
    pub fn from_milli_percent(n: i64) -> Result<Self, DomainError> {
        u32::try_from(n)
            .ok()
            .filter(|n| *n <= Self::SCALE)
            .map(Rate)
            .ok_or(DomainError::Percent(n))
    }

    /// Thousandths of a percent.
    pub const fn milli_percent(self) -> u32 {
        self.0
    }
}

impl fmt::Debug for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:03}%", self.0 / 1000, self.0 % 1000)
    }
}

/// `num / den` rounded half away from zero. **The** rounding rule of Comanda: every division of
/// money in every crate goes through here. `den` must be positive.
pub fn div_round(num: i128, den: i128) -> i64 {
    debug_assert!(den > 0);
    let q = num / den;
    let r = num % den;
    let q = if 2 * r.abs() >= den {
        q + num.signum()
    } else {
        q
    };
    i64::try_from(q).unwrap_or(if q < 0 { i64::MIN } else { i64::MAX })
}

/// Splits `total` into parts proportional to `weights`, largest remainder first, so the parts
/// always sum to exactly `total`. Ties go to the earlier weight. Used to spread an order discount
/// over lines (for tax) and to split a bill evenly.
pub fn allocate(total: Money, weights: &[i64]) -> Vec<Money> {
    let sum: i128 = weights.iter().map(|w| i128::from((*w).max(0))).sum();
    if weights.is_empty() {
        return Vec::new();
    }
    if sum == 0 {
        // Nothing to weigh by: split evenly.
        return allocate(total, &vec![1; weights.len()]);
    }
    let t = i128::from(total.minor());
    let mut parts: Vec<i128> = Vec::with_capacity(weights.len());
    let mut rems: Vec<(i128, usize)> = Vec::with_capacity(weights.len());
    for (i, w) in weights.iter().enumerate() {
        let num = t * i128::from((*w).max(0));
        parts.push(num.div_euclid(sum));
        rems.push((num.rem_euclid(sum), i));
    }
    let mut left = t - parts.iter().sum::<i128>();
    rems.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for (_, i) in rems {
        if left == 0 {
            break;
        }
        parts[i] += 1;
        left -= 1;
    }
    parts
        .into_iter()
        .map(|p| Money::from_minor(i64::try_from(p).unwrap_or(0)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn rounds_half_away_from_zero() {
        assert_eq!(div_round(5, 10), 1);
        assert_eq!(div_round(4, 10), 0);
        assert_eq!(div_round(-5, 10), -1);
        assert_eq!(div_round(-4, 10), 0);
        assert_eq!(div_round(15, 10), 2);
        assert_eq!(
            Money::from_minor(1999)
                .percent(Percent::from_bp(1000).unwrap())
                .minor(),
            200
        );
    }

    #[test]
    fn displays_two_decimals() {
        assert_eq!(Money::from_minor(1250).to_string(), "12.50");
        assert_eq!(Money::from_minor(-5).to_string(), "-0.05");
        assert_eq!(Money::ZERO.to_string(), "0.00");
    }

    #[test]
    fn refuses_absurd_inputs() {
        assert!(Money::parse_input("price", -1).is_err());
        assert!(Money::parse_input("price", Money::MAX_INPUT + 1).is_err());
        assert!(Money::parse_positive("payment", 0).is_err());
        assert!(Percent::from_bp(10_001).is_err());
        let shown: Vec<String> = [1000, 1250, 25, 10_000, 1205]
            .iter()
            .map(|bp| Percent::from_bp(*bp).unwrap().to_string())
            .collect();
        assert_eq!(shown, ["10%", "12.5%", "0.25%", "100%", "12.05%"]);
        assert!(Percent::from_bp(-1).is_err());
    }

    #[test]
    fn allocate_splits_evenly_with_remainder_first() {
        let parts = allocate(Money::from_minor(100), &[1, 1, 1]);
        assert_eq!(
            parts,
            vec![
                Money::from_minor(34),
                Money::from_minor(33),
                Money::from_minor(33)
            ]
        );
        assert_eq!(
            allocate(Money::from_minor(10), &[0, 0]),
            vec![Money::from_minor(5); 2]
        );
    }

    proptest! {
        #[test]
        fn allocate_always_sums_to_total(total in -1_000_000i64..1_000_000, weights in prop::collection::vec(0i64..100_000, 1..20)) {
            let parts = allocate(Money::from_minor(total), &weights);
            prop_assert_eq!(parts.len(), weights.len());
            prop_assert_eq!(parts.iter().copied().sum::<Money>(), Money::from_minor(total));
        }

        #[test]
        fn div_round_is_within_half(num in -1_000_000_000i128..1_000_000_000, den in 1i128..100_000) {
            let q = i128::from(div_round(num, den));
            prop_assert!((q * den - num).abs() * 2 <= den);
        }
    }
}
