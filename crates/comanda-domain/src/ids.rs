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
    /// A printer of the store.
    PrinterId,
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

/// Where an event goes when another event holds its position (its device's id and sequence):
/// device `relocated_device(device, id)`, sequence 1. Two events at one position happen only
/// when a terminal's disk was restored from a backup (or copied) and its old and new events
/// both reached the store; every node keeps the event with the smaller id in place and moves
/// the other here, so every node ends with the same log. A function of the two ids alone (a
/// UUIDv8 mixed from them), the same on every node, platform and build.
pub fn relocated_device(device: DeviceId, event: EventId) -> DeviceId {
    let (d, e) = (device.as_uuid().as_u128(), event.as_uuid().as_u128());
    let mix = |mut z: u64| {
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    };
    let hi = mix((d >> 64) as u64 ^ mix(e as u64));
    let lo = mix(d as u64 ^ mix((e >> 64) as u64 ^ 0x5245_4c4f_4341_5445));
    DeviceId::from_uuid(
        uuid::Builder::from_custom_bytes(((u128::from(hi) << 64) | u128::from(lo)).to_be_bytes())
            .into_uuid(),
    )
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
