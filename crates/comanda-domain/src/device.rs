//! The store's devices, as every node knows them: the log itself is the registry. The node that
//! pairs a device records it (`DevicePaired`, with the hash of its token and its certificate's fingerprint), a revocation is final
//! (`DeviceRevoked`), and each device says where it answers on the LAN (`DeviceAddressSet`).
//! Every terminal can then check a peer's token and reach it, with or without the hub.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::event::{Event, EventBody};
use crate::ids::DeviceId;

/// Payload of `DevicePaired`: a device joined the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DevicePaired {
    /// The device.
    pub device_id: DeviceId,
    /// Its terminal number (0 for a node that takes no orders, such as the hub).
    pub terminal_no: u32,
    /// Its name ("Counter 2").
    pub name: String,
    /// The SHA-256 (hex) of the bearer token it was given: enough to check it, not to forge it.
    pub token_hash: String,
    /// The SHA-256 (hex) of the TLS certificate it paired with: its identity on the wire. Every
    /// node pins it when talking to the device and checks it when the device talks to them.
    pub cert_fingerprint: Option<String>,
}

/// Payload of `DeviceRevoked`: the device may no longer sync with anyone. Final.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceRevoked {
    /// The device.
    pub device_id: DeviceId,
}

/// Payload of `DeviceAddressSet`: where a device answers its peers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceAddressSet {
    /// The device.
    pub device_id: DeviceId,
    /// `https://192.168.1.21:8789`.
    pub address: String,
}

/// A device as the log says.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceRecord {
    /// Its terminal number, once paired.
    pub terminal_no: Option<u32>,
    /// Its name, once paired.
    pub name: Option<String>,
    /// The hash of its token, once paired.
    pub token_hash: Option<String>,
    /// The fingerprint of its certificate, once paired (absent for a pairing made before
    /// certificates were pinned: such a device must pair again to talk to its peers).
    pub cert_fingerprint: Option<String>,
    /// Where it answers, if it said.
    pub address: Option<String>,
    /// Revoked: nothing from it is answered.
    pub revoked: bool,
}

impl DeviceRecord {
    /// Paired, not revoked.
    pub fn active(&self) -> bool {
        self.token_hash.is_some() && !self.revoked
    }
}

/// Folds the `devices` stream: pairings and addresses by agreed order (the last wins), a
/// revocation for good whatever comes after it. An address counts only when the device itself
/// said it (a node cannot send peers to another's address).
pub fn fold_devices<'a>(
    events: impl IntoIterator<Item = &'a Event>,
) -> BTreeMap<DeviceId, DeviceRecord> {
    let mut evs: Vec<&Event> = events.into_iter().collect();
    evs.sort_by_key(|e| e.key());
    let mut out: BTreeMap<DeviceId, DeviceRecord> = BTreeMap::new();
    for e in evs {
        match &e.body {
            EventBody::DevicePaired(p) => {
                let r = out.entry(p.device_id).or_default();
                r.terminal_no = Some(p.terminal_no);
                r.name = Some(p.name.clone());
                r.token_hash = Some(p.token_hash.clone());
                r.cert_fingerprint.clone_from(&p.cert_fingerprint);
            }
            EventBody::DeviceRevoked(r) => out.entry(r.device_id).or_default().revoked = true,
            EventBody::DeviceAddressSet(a) if a.device_id == e.device_id => {
                out.entry(a.device_id).or_default().address = Some(a.address.clone());
            }
            _ => {}
        }
    }
    out
}
