//! The sync protocol's messages as they travel, apart from the domain's types: a refactor of the
//! domain cannot change them, and terminals of different versions keep talking. Events travel in
//! the codec's form ([`StoredEvent`]: the payload exactly as its device wrote it). Fields a newer
//! build adds are optional and ignored by older ones; a changed meaning is a new
//! [`PROTOCOL_VERSION`]. Golden files in `tests/golden/v1/` pin the shape.

use std::collections::BTreeMap;

use comanda_domain::codec::StoredEvent;
use comanda_domain::ids::{DeviceId, EventId, StoreId};
use comanda_domain::vector::{Held, VersionVector};
use comanda_store::{Outcome, RefusalCode};
use serde::{Deserialize, Serialize};

use crate::error::SyncError;

/// The protocol version this build speaks.
pub const PROTOCOL_VERSION: u32 = 1;

/// The most devices a vector on the wire may name.
pub const MAX_VECTOR_DEVICES: usize = 10_000;

/// The most sequences held above a gap one device's entry may list.
pub const MAX_ABOVE: usize = 10_000;

/// A version vector on the wire: for each device, everything up to `upto`, and `above`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct WireVector {
    /// One entry per device, by device id.
    pub devices: Vec<WireHeld>,
}

/// What a node holds of one device's events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct WireHeld {
    /// The device.
    pub device: DeviceId,
    /// Every sequence from 1 to `upto` is held.
    pub upto: u64,
    /// Sequences held above a gap.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub above: Vec<u64>,
    /// The digest of the ids of those events (`comanda_store::id_digest`, XORed): equal
    /// positions with unequal digests are a fork. Absent from a node that does not send it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digest: Option<u64>,
}

impl From<&VersionVector> for WireVector {
    fn from(v: &VersionVector) -> WireVector {
        WireVector::with_digests(v, &BTreeMap::new())
    }
}

impl WireVector {
    /// The vector with each device's digest beside its entry.
    pub fn with_digests(v: &VersionVector, digests: &BTreeMap<DeviceId, u64>) -> WireVector {
        WireVector {
            devices: v
                .iter()
                .map(|(device, h)| WireHeld {
                    device,
                    upto: h.upto,
                    above: h.above.iter().copied().collect(),
                    digest: digests.get(&device).copied(),
                })
                .collect(),
        }
    }

    /// The digests it carries, by device.
    pub fn digests(&self) -> BTreeMap<DeviceId, u64> {
        self.devices
            .iter()
            .filter_map(|d| d.digest.map(|x| (d.device, x)))
            .collect()
    }

    /// The devices of which this vector and `mine` hold the same positions but whose digests
    /// differ: the two logs hold other events there (a fork). Entries without a digest on
    /// either side are not compared.
    pub fn diverged_from(
        &self,
        mine: &VersionVector,
        my_digests: &BTreeMap<DeviceId, u64>,
    ) -> Vec<DeviceId> {
        let Ok(theirs) = VersionVector::try_from(self) else {
            return Vec::new();
        };
        self.devices
            .iter()
            .filter(|d| {
                let held = mine.get(d.device);
                held.count() > 0
                    && theirs.get(d.device) == held
                    && matches!((d.digest, my_digests.get(&d.device)), (Some(a), Some(b)) if a != *b)
            })
            .map(|d| d.device)
            .collect()
    }
}

impl TryFrom<&WireVector> for VersionVector {
    type Error = SyncError;

    fn try_from(w: &WireVector) -> Result<VersionVector, SyncError> {
        if w.devices.len() > MAX_VECTOR_DEVICES {
            return Err(SyncError::BadMessage(format!(
                "a vector of {} devices (at most {MAX_VECTOR_DEVICES})",
                w.devices.len()
            )));
        }
        let mut v = VersionVector::new();
        for d in &w.devices {
            if d.above.len() > MAX_ABOVE {
                return Err(SyncError::BadMessage(format!(
                    "{} sequences above a gap for one device (at most {MAX_ABOVE})",
                    d.above.len()
                )));
            }
            let mut held = v.get(d.device);
            let mut fresh = Held::upto(d.upto.max(held.upto));
            for s in held.above.iter().chain(&d.above) {
                fresh.insert(*s);
            }
            held = fresh;
            v.set(d.device, held);
        }
        Ok(v)
    }
}

/// One round of anti-entropy, asked by one node of another: "here is what I hold, and what I
/// believe you lack; send me what I lack".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ExchangeRequest {
    /// [`PROTOCOL_VERSION`] of the asker.
    pub protocol: u32,
    /// The store both belong to.
    pub store_id: StoreId,
    /// The asking node.
    pub from: DeviceId,
    /// The asker's clock (ms), for the skew warning.
    pub now_ms: u64,
    /// What the asker holds.
    pub vector: WireVector,
    /// Events the asker believes the answerer lacks, in each device's sequence order.
    #[serde(default)]
    pub events: Vec<StoredEvent>,
    /// The most events the answer may carry.
    pub max_events: u32,
    /// The most bytes of events the answer may carry (JSON, roughly).
    pub max_bytes: u32,
}

/// The answer of `GET /v1/watch`: the node's change counter for the asker's store. Only its
/// changing means anything (it starts again when the node restarts).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct WatchResponse {
    /// The counter now.
    pub version: u64,
}

/// The answer to an [`ExchangeRequest`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ExchangeResponse {
    /// [`PROTOCOL_VERSION`] of the answerer.
    pub protocol: u32,
    /// The answering node.
    pub from: DeviceId,
    /// The answerer's clock (ms).
    pub now_ms: u64,
    /// What the answerer holds, once the request's events are in.
    pub vector: WireVector,
    /// One result per event of the request, in its order.
    #[serde(default)]
    pub results: Vec<EventResult>,
    /// A page of what the asker lacks, in each device's sequence order.
    #[serde(default)]
    pub events: Vec<StoredEvent>,
    /// More is waiting beyond this page.
    #[serde(default)]
    pub more: bool,
}

/// What the answerer did with one event it was sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct EventResult {
    /// The event.
    pub id: EventId,
    /// What became of it.
    pub result: ResultKind,
    /// Why it was refused or held (a code a program branches on).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// What a person reads.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// What became of an event sent to a peer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ResultKind {
    /// Stored and projected.
    New,
    /// Stored, not projected (a newer kind, or a payload that does not match its kind).
    Held,
    /// Already held.
    Duplicate,
    /// Put aside: stamped too far past the answerer's clock.
    Deferred,
    /// Not stored.
    Refused,
}

impl EventResult {
    /// The result of one event, from the store's outcome.
    pub fn of(id: EventId, outcome: &Outcome) -> EventResult {
        let (result, code, reason) = match outcome {
            Outcome::New => (ResultKind::New, None, None),
            Outcome::Held { why, reason } => (
                ResultKind::Held,
                Some(why.as_str().to_owned()),
                Some(reason.clone()),
            ),
            Outcome::Duplicate => (ResultKind::Duplicate, None, None),
            Outcome::Deferred { skew_ms } => (
                ResultKind::Deferred,
                Some("clock_ahead".to_owned()),
                Some(format!("stamped {skew_ms} ms past the answerer's clock")),
            ),
            Outcome::Refused { code, reason } => (
                ResultKind::Refused,
                Some(RefusalCode::as_str(*code).to_owned()),
                Some(reason.clone()),
            ),
        };
        EventResult {
            id,
            result,
            code,
            reason,
        }
    }
}

/// `POST /v1/pair`, over TLS with the terminal's client certificate: a terminal asks to join
/// the store of a one-time pairing code. The code itself never travels: the proof shows the
/// terminal knows it, for the two certificates of this very connection
/// ([`crate::tls::pair_proof`], side "joiner").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PairRequest {
    /// HMAC-SHA-256 (hex) keyed by the code's hash over the pairing node's certificate
    /// fingerprint and the terminal's.
    pub proof: String,
    /// What the terminal is called in lists ("Counter 2").
    pub name: String,
}

/// The answer to a [`PairRequest`]: who the terminal now is. The token is shown once; the node
/// that paired it keeps only its hash.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PairResponse {
    /// [`PROTOCOL_VERSION`] of the pairing node.
    pub protocol: u32,
    /// The store joined.
    pub store_id: StoreId,
    /// The store's name.
    pub store_name: String,
    /// The terminal's new device id.
    pub device_id: DeviceId,
    /// Its short number in the store (order numbers start at `terminal_no * 10000 + 1`).
    pub terminal_no: u32,
    /// Its bearer token for `/v1/exchange`.
    pub token: String,
    /// The pairing node's own device id (the peer to sync with).
    pub peer: DeviceId,
    /// The pairing node's proof that it knows the code too, for the same two certificates
    /// (side "pairer"): the terminal pins the node's certificate only when it matches.
    pub proof: String,
    /// The store's PIN pepper (hex): a secret the terminal mixes into PIN hashes and keeps out
    /// of the event log. Sent only here, over the pinned TLS connection, once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pin_pepper: Option<String>,
    /// Whether the store has anyone active on its staff now: a terminal that joins a store with
    /// nobody on it may make its first manager (and only then, once paired).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub store_has_staff: Option<bool>,
}

impl std::fmt::Debug for PairResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The token and the pepper never print.
        f.debug_struct("PairResponse")
            .field("protocol", &self.protocol)
            .field("store_id", &self.store_id)
            .field("store_name", &self.store_name)
            .field("device_id", &self.device_id)
            .field("terminal_no", &self.terminal_no)
            .field("peer", &self.peer)
            .field("store_has_staff", &self.store_has_staff)
            .finish_non_exhaustive()
    }
}
