//! What the store's reads return: plain values, no connection attached.

use comanda_domain::ids::{DeviceId, OrderId, StoreId};
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
