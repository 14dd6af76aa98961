//! What the store's reads return: plain values, no connection attached.

use comanda_domain::event::StreamId;
use comanda_domain::ids::{DeviceId, EmployeeId, EventId, OrderId, StoreId};
use comanda_domain::order::{Conflict, OrderState, OrderStatus};
use serde::Serialize;

/// This terminal's identity and counter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DeviceInfo {
    /// The terminal's id, made on the first open.
    pub device_id: DeviceId,
    /// The store it belongs to (a placeholder until pairing).
    pub store_id: StoreId,
    /// The `device_seq` of the last local event (0 before the first).
    pub last_seq: u64,
    /// Joined a store: before, the store id is a placeholder and nothing leaves the terminal.
    pub paired: bool,
    /// The short number the store gave this terminal (0 before pairing); order numbers are
    /// `terminal_no * 10000 + k`.
    pub terminal_no: u32,
    /// The id this node is known by to its peers: the one it paired with (its token and
    /// certificate, and the store's device registry, name it). The same as `device_id`, unless a
    /// restore made this terminal take a fresh id for its events (see `Tx::ingest`): it goes on
    /// speaking as the paired id, and stamps its events with the fresh one.
    pub node_id: DeviceId,
}

/// Who a terminal becomes when it joins a store (from the node that paired it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pairing {
    /// The store joined.
    pub store_id: StoreId,
    /// A fresh id for this terminal: a copied disk never shares one with its original.
    pub device_id: DeviceId,
    /// The terminal's short number in the store (1 to [`MAX_TERMINAL_NO`]; 0 for a node that
    /// takes no orders, such as the hub).
    pub terminal_no: u32,
    /// The node that pairs devices in the store (the hub; the hub names itself): the only
    /// device whose `DevicePaired` and `DeviceRevoked` this node takes in.
    pub pairer: DeviceId,
}

/// The highest terminal number: order numbers `terminal_no * 10000 + 9999` still fit a `u32`.
pub const MAX_TERMINAL_NO: u32 = 400_000;

/// What [`Tx::ingest`](crate::Tx::ingest) did with each event it was given, and what it touched.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ingested {
    /// One outcome per event given, in the same order.
    pub outcomes: Vec<Outcome>,
    /// Streams whose projection changed (the bus names these orders).
    pub touched: Vec<StreamId>,
    /// Events held earlier for being ahead of the clock that went into the log now.
    pub released: usize,
    /// The furthest an event given was stamped past this node's clock, in ms (a clock warning
    /// for the device that made it).
    pub max_skew_ms: Option<u64>,
    /// This terminal took a new device id: the log of another node held events under its id
    /// that it does not hold (it was restored from a backup or copied). `(old, new)`.
    pub rotated: Option<(DeviceId, DeviceId)>,
    /// Events this terminal made but had not yet sent, found at positions another node holds
    /// another event at (made after a restore under the old identity), and relocated by the
    /// door's rule (the larger id moves; same event id, content and time), so both are kept.
    pub rehomed: Vec<EventId>,
}

impl Ingested {
    /// How many events went into the log (projected or held).
    pub fn stored(&self) -> usize {
        self.outcomes
            .iter()
            .filter(|o| matches!(o, Outcome::New | Outcome::Held { .. }))
            .count()
    }

    /// How many were already held, identical.
    pub fn duplicates(&self) -> usize {
        self.outcomes
            .iter()
            .filter(|o| matches!(o, Outcome::Duplicate))
            .count()
    }

    /// How many were refused.
    pub fn refused(&self) -> usize {
        self.outcomes
            .iter()
            .filter(|o| matches!(o, Outcome::Refused { .. }))
            .count()
    }
}

/// What became of one event given to [`Tx::ingest`](crate::Tx::ingest).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// New: stored and projected.
    New,
    /// New, stored and counted in the version vector, but not projected: see `why`.
    Held {
        /// Why it is not projected.
        why: HeldWhy,
        /// What a person reads.
        reason: String,
    },
    /// Already held, with the same content.
    Duplicate,
    /// Stamped more than the drift bound past this node's clock: put aside, not in the log, the
    /// clock not moved; it goes in when the clock catches up.
    Deferred {
        /// How far ahead, in ms.
        skew_ms: u64,
    },
    /// Not stored (a dead letter keeps it for a manager).
    Refused {
        /// What a program branches on.
        code: RefusalCode,
        /// What a person reads.
        reason: String,
    },
}

/// Why an event is held in the log without being projected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeldWhy {
    /// A kind, schema or stream this build does not know: from a newer version. Projected once
    /// an update knows it.
    Newer,
    /// Its payload does not match its kind: never projected; a dead letter shows it.
    Refused,
}

impl HeldWhy {
    /// As stored (`held_events.why`).
    pub fn as_str(self) -> &'static str {
        match self {
            HeldWhy::Newer => "newer",
            HeldWhy::Refused => "refused",
        }
    }
}

/// Why an event was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefusalCode {
    /// Of another store.
    WrongStore,
    /// Its stamp's device is not the device that made it.
    DeviceMismatch,
    /// A sequence of 0 or past what SQLite holds, or a stamp past the year 9999.
    OutOfRange,
    /// Its `(device, seq)` is already another event here (a copied or restored device).
    SequenceTaken,
    /// Its id is already another event here, with other content.
    ContentDiffers,
    /// Its author may not make it: a change to the device registry by another device than the
    /// node that pairs devices.
    NotAllowed,
}

impl RefusalCode {
    /// The code on the wire and in the dead letters.
    pub fn as_str(self) -> &'static str {
        match self {
            RefusalCode::WrongStore => "wrong_store",
            RefusalCode::DeviceMismatch => "device_mismatch",
            RefusalCode::OutOfRange => "out_of_range",
            RefusalCode::SequenceTaken => "sequence_taken",
            RefusalCode::ContentDiffers => "content_differs",
            RefusalCode::NotAllowed => "not_allowed",
        }
    }
}

/// One order as projected: its full state and its conflicts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderRecord {
    /// The folded state.
    pub state: OrderState,
    /// What a person must look at (derived from the state).
    pub conflicts: Vec<Conflict>,
}

/// Which orders [`list_orders`](crate::Reader::list_orders) returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrderFilter {
    /// Only orders with this status; `None` for all.
    pub status: Option<OrderStatus>,
    /// At most this many (newest first).
    pub limit: u32,
}

impl OrderFilter {
    /// The newest `limit` orders of any status.
    pub fn all(limit: u32) -> Self {
        OrderFilter {
            status: None,
            limit,
        }
    }

    /// The newest `limit` orders with this status.
    pub fn with_status(status: OrderStatus, limit: u32) -> Self {
        OrderFilter {
            status: Some(status),
            limit,
        }
    }
}

/// One order as a list shows it (one row of the `orders` projection). Money in minor units.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrderSummary {
    /// The order.
    pub order_id: OrderId,
    /// Its short number.
    pub number: u32,
    /// Its status.
    pub status: OrderStatus,
    /// Table, tab or takeaway name ("Table 4", "Tab · Ana", "Takeaway"; `OrderType::label_of`).
    pub label: String,
    /// What the customer owes in all.
    pub total: i64,
    /// Payments not voided.
    pub paid: i64,
    /// What is still due (negative when overpaid).
    pub balance: i64,
    /// Lines not voided.
    pub line_count: u32,
    /// How many conflicts it holds.
    pub conflict_count: u32,
    /// When it was opened (HLC wall ms).
    pub opened_ms: u64,
    /// When its last event was stamped (HLC wall ms).
    pub updated_ms: u64,
    /// When it was closed or cancelled, while it is.
    pub closed_ms: Option<u64>,
}

/// The local events not yet acknowledged by a sync endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct OutboxStats {
    /// How many wait.
    pub waiting: u64,
    /// When the oldest (first written) was written, by the local clock, if any wait.
    pub oldest_ms: Option<u64>,
}

/// Something that could not be decoded or stored, kept for a person to review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeadLetter {
    /// Its row id.
    pub id: i64,
    /// The event id, when it could be read (as text: it may not be a valid id).
    pub event_id: Option<String>,
    /// When it was put here (local clock).
    pub received_ms: u64,
    /// Where it came from ("sync", "ingest"…).
    pub source: String,
    /// Why it was refused.
    pub reason: String,
    /// What was received, as text.
    pub raw: String,
    /// True once a person has looked at it.
    pub reviewed: bool,
}

/// A peer this terminal asks for exchanges (set at pairing).
#[derive(Clone, PartialEq, Eq)]
pub struct SyncPeer {
    /// The peer's device id.
    pub peer_id: DeviceId,
    /// Where it answers (`https://192.168.1.10:8788`).
    pub address: String,
    /// What it is called ("Hub").
    pub name: String,
    /// The bearer token it gave this terminal.
    pub token: String,
    /// The SHA-256 (hex) of its TLS certificate, pinned at pairing; `None` for a pairing made
    /// before certificates were pinned (the worker will not ask it until paired again).
    pub fingerprint: Option<String>,
}

/// A PIN that active people were found to share when one of them signed in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PinClash {
    /// Who, with their PIN hash (PHC string) at the time.
    pub people: Vec<(EmployeeId, String)>,
    /// When it was found (ms).
    pub seen_ms: u64,
}

/// This node's TLS identity as kept (never synced): its certificate and private key, DER.
#[derive(Clone, PartialEq, Eq)]
pub struct NodeIdentity {
    /// The self-signed certificate (DER).
    pub cert: Vec<u8>,
    /// The private key (PKCS#8 DER).
    pub key: Vec<u8>,
}

impl std::fmt::Debug for NodeIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The key never prints.
        f.debug_struct("NodeIdentity").finish_non_exhaustive()
    }
}

impl std::fmt::Debug for SyncPeer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The token never prints.
        f.debug_struct("SyncPeer")
            .field("peer_id", &self.peer_id)
            .field("address", &self.address)
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

/// A node this terminal syncs with, as last seen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PeerRecord {
    /// The peer's device id.
    pub peer_id: DeviceId,
    /// What it held at the last exchange (JSON, as the sync crate writes it).
    pub vector: String,
    /// The last exchange that succeeded (local clock).
    pub last_ok_ms: Option<u64>,
    /// Why the last exchange failed, when it did.
    pub last_error: Option<String>,
    /// When it failed (local clock).
    pub last_error_ms: Option<u64>,
    /// The peer's clock minus this node's, in ms, as last seen.
    pub skew_ms: Option<i64>,
    /// Where it answers, when this terminal asks it.
    pub address: Option<String>,
    /// Its name, when this terminal asks it.
    pub name: Option<String>,
}
