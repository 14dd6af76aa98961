//! Typed ids (UUIDv7 underneath) and the injected id source.
//!
//! Each kind of thing has its own id type so an `OrderId` can never be passed where a `LineId`
//! is expected. Ids are made where a thing is born, by an [`IdSource`] the caller passes in.

use std::fmt;
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! id_type {
    ($(#[$doc:meta] $name:ident),* $(,)?) => {$(
        #[$doc]
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
        #[serde(transparent)]
        #[ts(export, export_to = "bindings/")]
        pub struct $name(Uuid);

        impl $name {
            /// The nil id: never made by an id source; stands for "none" in previews.
            pub const NIL: Self = Self(Uuid::nil());
            /// Wraps a raw UUID (from storage or the wire).
            pub const fn from_uuid(id: Uuid) -> Self {
                Self(id)
            }
            /// The raw UUID.
            pub const fn as_uuid(&self) -> Uuid {
                self.0
            }
            /// A fresh id from the given source.
            pub fn new(ids: &dyn IdSource) -> Self {
                Self(ids.next_uuid())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0, f)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.0)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
    )*};
}

id_type! {
    /// An event's id: the idempotency key everywhere.
    EventId,
    /// A store (one restaurant).
    StoreId,
    /// A terminal or server node.
    DeviceId,
    /// An order.
    OrderId,
    /// A line of an order; unique across all orders.
    LineId,
    /// A payment; a payment arriving twice is applied once by this id.
    PaymentId,
    /// A refund of a payment.
    RefundId,
    /// A discount applied to an order or a line.
    DiscountId,
    /// An employee.
    EmployeeId,
    /// A menu category.
    CategoryId,
    /// A menu item.
    ItemId,
    /// A group of modifiers (e.g. "Cooking", "Extras").
    ModifierGroupId,
    /// One modifier (e.g. "Medium rare").
    ModifierId,
    /// A tax rate.
    TaxRateId,
}

/// Makes fresh UUIDs. The real source (UUIDv7 from the system clock and randomness) lives at the
/// edge; tests and simulations use [`SeqIds`].
pub trait IdSource: Send + Sync {
    /// A fresh, never-before-returned UUID.
    fn next_uuid(&self) -> Uuid;
}

/// A deterministic id source: version-7-shaped UUIDs from a seed and a counter.
/// Two `SeqIds` with different seeds never collide; the same seed replays the same ids.
#[derive(Debug)]
pub struct SeqIds {
    seed: u64,
    next: AtomicU64,
}

impl SeqIds {
    /// A source whose ids all carry `seed` (use a device number in simulations).
    pub fn new(seed: u64) -> Self {
        Self {
            seed,
            next: AtomicU64::new(1),
        }
    }
}

impl IdSource for SeqIds {
    fn next_uuid(&self) -> Uuid {
        let n = self.next.fetch_add(1, Ordering::SeqCst);
        let hi = (n << 16) | 0x7000; // counter in the timestamp bits, version nibble 7
        let lo = (0b10u64 << 62) | (self.seed & 0x3FFF_FFFF_FFFF_FFFF);
        Uuid::from_u64_pair(hi, lo)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seq_ids_are_distinct_ordered_and_v7() {
        let ids = SeqIds::new(3);
        let a = ids.next_uuid();
        let b = ids.next_uuid();
        assert!(a < b);
        assert_eq!(a.get_version_num(), 7);
        assert_ne!(SeqIds::new(4).next_uuid(), SeqIds::new(3).next_uuid());
    }

    #[test]
    fn ids_round_trip_through_strings() {
        let id = OrderId::new(&SeqIds::new(1));
        let s = id.to_string();
        assert_eq!(s.parse::<OrderId>().unwrap(), id);
        assert_eq!(serde_json::to_string(&id).unwrap(), format!("\"{s}\""));
    }
}
