//! Hybrid logical clock stamps: the agreed order of concurrent events.
//!
//! Written by hand rather than taken from `uhlc`: Comanda needs a stamp that is a plain,
//! serialisable `(wall ms, counter, device)` triple whose ordering is part of the merge rule,
//! driven by an injected clock and persisted by the store after every tick; `uhlc` packs the
//! counter into NTP64 fraction bits, owns its clock and uses its own id type. The algorithm is
//! twenty lines (Kulkarni et al., 2014).

use serde::{Deserialize, Serialize};

use crate::ids::DeviceId;

/// A stamp. Ordered by wall time, then counter, then device: if event A could have caused B,
/// A's stamp is lower; concurrent events get an agreed (not a true) order.
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
#[ts(export, export_to = "bindings/")]
pub struct Hlc {
    /// The physical part: Unix ms, at least the device's wall clock when stamped.
    #[ts(type = "number")]
    pub wall_ms: u64,
    /// The logical part: breaks ties within one millisecond.
    pub counter: u32,
    /// The device that stamped it: the last tie-breaker.
    pub device: DeviceId,
}

/// The last stamp a device issued or observed: all a device needs to keep (and persist).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HlcState {
    /// Wall part of the highest stamp seen.
    pub wall_ms: u64,
    /// Counter part of the highest stamp seen.
    pub counter: u32,
}

impl HlcState {
    /// A new stamp for a local event at wall time `now_ms`: strictly above everything this device
    /// has issued or observed, even if the wall clock went backwards.
    pub fn tick(&mut self, now_ms: u64, device: DeviceId) -> Hlc {
        if now_ms > self.wall_ms {
            self.wall_ms = now_ms;
            self.counter = 0;
        } else if self.counter == u32::MAX {
            // The counter is spent (a remote stamp carried u32::MAX): move to the next
            // millisecond rather than repeat a stamp.
            self.wall_ms = self.wall_ms.saturating_add(1);
            self.counter = 0;
        } else {
            self.counter += 1;
        }
        Hlc {
            wall_ms: self.wall_ms,
            counter: self.counter,
            device,
        }
    }

    /// Takes a stamp from another device into account, so the next local stamp sorts after it.
    pub fn observe(&mut self, remote: &Hlc) {
        if (remote.wall_ms, remote.counter) > (self.wall_ms, self.counter) {
            self.wall_ms = remote.wall_ms;
            self.counter = remote.counter;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::SeqIds;
    use proptest::prelude::*;

    /// Regression (review): the counter saturated at `u32::MAX` and repeated stamps.
    #[test]
    fn a_spent_counter_moves_to_the_next_millisecond() {
        let dev = DeviceId::new(&SeqIds::new(1));
        let mut st = HlcState::default();
        st.observe(&Hlc {
            wall_ms: 50,
            counter: u32::MAX,
            device: dev,
        });
        let a = st.tick(10, dev);
        let b = st.tick(10, dev);
        assert_eq!((a.wall_ms, a.counter), (51, 0));
        assert!(b > a);
    }

    proptest! {
        #[test]
        fn stamps_strictly_increase_whatever_the_clock_does(
            nows in prop::collection::vec(0u64..10_000, 1..100),
            remotes in prop::collection::vec((0u64..20_000, prop_oneof![0u32..5, Just(u32::MAX - 1), Just(u32::MAX)]), 0..20),
        ) {
            let dev = DeviceId::new(&SeqIds::new(1));
            let other = DeviceId::new(&SeqIds::new(2));
            let mut st = HlcState::default();
            let mut last: Option<Hlc> = None;
            let mut remotes = remotes.into_iter();
            for now in nows {
                if let Some((w, c)) = remotes.next() {
                    let r = Hlc { wall_ms: w, counter: c, device: other };
                    st.observe(&r);
                    let s = st.tick(now, dev);
                    prop_assert!((s.wall_ms, s.counter) > (r.wall_ms, r.counter));
                }
                let s = st.tick(now, dev);
                prop_assert!(s.wall_ms >= now);
                if let Some(l) = last { prop_assert!(s > l); }
                last = Some(s);
            }
        }
    }
}
