//! Version vectors: which events of each device a node holds.
//!
//! Every event is named by `(device, device_seq)` and a device numbers its events 1, 2, 3… with
//! no gap, so what a node holds of one device is almost always "everything up to n". Rarely (a
//! page cut short, a peer that itself had a gap) it also holds a few sequences above a gap; the
//! vector keeps those exactly rather than pretending the gap is not there. Two nodes that
//! exchange vectors know exactly which events each lacks: that one comparison is push, pull and
//! reconcile at once (sync-protocol.md, "Every node a peer").

use std::collections::{BTreeMap, BTreeSet};

use crate::ids::DeviceId;

/// What a node holds of one device's sequence.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Held {
    /// Every sequence from 1 to `upto` is held (0: none).
    pub upto: u64,
    /// Sequences held above a gap (each greater than `upto + 1`).
    pub above: BTreeSet<u64>,
}

impl Held {
    /// Everything up to `upto`, nothing above.
    pub fn upto(upto: u64) -> Held {
        Held {
            upto,
            above: BTreeSet::new(),
        }
    }

    /// True when `seq` is held.
    pub fn holds(&self, seq: u64) -> bool {
        seq != 0 && (seq <= self.upto || self.above.contains(&seq))
    }

    /// Records `seq` as held; a filled gap joins the contiguous part.
    pub fn insert(&mut self, seq: u64) {
        if seq == 0 || self.holds(seq) {
            return;
        }
        if seq == self.upto + 1 {
            self.upto = seq;
            while self.above.remove(&(self.upto + 1)) {
                self.upto += 1;
            }
        } else {
            self.above.insert(seq);
        }
    }

    /// The highest sequence held (0: none).
    pub fn max(&self) -> u64 {
        self.above.last().copied().unwrap_or(self.upto)
    }

    /// How many sequences are held.
    pub fn count(&self) -> u64 {
        self.upto + self.above.len() as u64
    }
}

/// What a node holds, device by device. Devices it holds nothing of are absent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct VersionVector {
    devices: BTreeMap<DeviceId, Held>,
}

impl VersionVector {
    /// An empty vector.
    pub fn new() -> VersionVector {
        VersionVector::default()
    }

    /// What is held of `device` (nothing when absent).
    pub fn get(&self, device: DeviceId) -> Held {
        self.devices.get(&device).cloned().unwrap_or_default()
    }

    /// True when `(device, seq)` is held.
    pub fn holds(&self, device: DeviceId, seq: u64) -> bool {
        self.devices.get(&device).is_some_and(|h| h.holds(seq))
    }

    /// Records `(device, seq)` as held.
    pub fn insert(&mut self, device: DeviceId, seq: u64) {
        if seq != 0 {
            self.devices.entry(device).or_default().insert(seq);
        }
    }

    /// Sets what is held of one device (an empty `Held` removes it).
    pub fn set(&mut self, device: DeviceId, held: Held) {
        if held.count() == 0 {
            self.devices.remove(&device);
        } else {
            self.devices.insert(device, held);
        }
    }

    /// The devices and what is held of each, by device id.
    pub fn iter(&self) -> impl Iterator<Item = (DeviceId, &Held)> {
        self.devices.iter().map(|(d, h)| (*d, h))
    }

    /// Takes in everything `other` holds (the union).
    pub fn merge(&mut self, other: &VersionVector) {
        for (device, held) in other.iter() {
            let mine = self.devices.entry(device).or_default();
            if held.upto > mine.upto {
                // Everything up to the other's contiguous part, then what was held above it.
                let above = std::mem::take(&mut mine.above);
                mine.upto = held.upto;
                for s in above {
                    mine.insert(s);
                }
                while mine.above.remove(&(mine.upto + 1)) {
                    mine.upto += 1;
                }
            }
            for &s in &held.above {
                mine.insert(s);
            }
        }
    }

    /// True when this vector holds everything `other` holds.
    pub fn covers(&self, other: &VersionVector) -> bool {
        other.iter().all(|(device, held)| {
            let mine = self.get(device);
            let gap = held.upto.saturating_sub(mine.upto);
            // What the other holds contiguously past my contiguous part must be above my gap.
            gap <= mine.above.len() as u64
                && (mine.upto + 1..=held.upto).all(|s| mine.above.contains(&s))
                && held.above.iter().all(|&s| mine.holds(s))
        })
    }

    /// How many events the vector holds in all.
    pub fn count(&self) -> u64 {
        self.devices.values().map(Held::count).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::SeqIds;
    use proptest::prelude::*;

    fn dev(n: u64) -> DeviceId {
        DeviceId::new(&SeqIds::new(n))
    }

    #[test]
    fn a_gap_is_kept_until_it_is_filled() {
        let mut h = Held::default();
        for s in [1, 2, 5, 4] {
            h.insert(s);
        }
        assert_eq!(h.upto, 2);
        assert_eq!(h.above.iter().copied().collect::<Vec<_>>(), vec![4, 5]);
        assert!(!h.holds(3) && h.holds(4) && !h.holds(0));
        h.insert(3);
        assert_eq!(h, Held::upto(5));
        assert_eq!(h.max(), 5);
    }

    proptest! {
        /// Whatever order sequences arrive in, the vector holds exactly them; merging two
        /// vectors holds exactly their union, and covers both.
        #[test]
        fn a_vector_holds_exactly_what_was_inserted(
            a in prop::collection::vec((0u64..3, 1u64..40), 0..60),
            b in prop::collection::vec((0u64..3, 1u64..40), 0..60),
        ) {
            let build = |xs: &[(u64, u64)]| {
                let mut v = VersionVector::new();
                for &(d, s) in xs {
                    v.insert(dev(d), s);
                }
                v
            };
            let (va, vb) = (build(&a), build(&b));
            let mut union = va.clone();
            union.merge(&vb);
            for d in 0..3 {
                for s in 0..45 {
                    let expected = a.contains(&(d, s)) || b.contains(&(d, s));
                    prop_assert_eq!(union.holds(dev(d), s), expected, "{} {}", d, s);
                    prop_assert_eq!(va.holds(dev(d), s), a.contains(&(d, s)));
                }
                let h = union.get(dev(d));
                prop_assert!(h.above.first().is_none_or(|&f| f > h.upto + 1));
            }
            prop_assert!(union.covers(&va) && union.covers(&vb));
            let mut both = a.clone();
            both.extend(&b);
            both.sort();
            both.dedup();
            prop_assert_eq!(union.count(), both.len() as u64);
            prop_assert_eq!(va.covers(&union), union.count() == va.count());
        }
    }
}
