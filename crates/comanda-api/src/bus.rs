//! The event bus: tells the UI (and, later, kitchen screens and the sync client) what changed.
//! A bounded broadcast channel: a slow listener misses messages and is told to reload, it never
//! blocks a command.

use comanda_domain::ids::OrderId;
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;

/// How many changes a listener may lag behind before it is told to reload everything.
pub const BUS_CAPACITY: usize = 1024;

/// Something changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
#[ts(export, export_to = "bindings/")]
pub enum Change {
    /// An order changed: fetch it again, unless the view at hand is already at `version` (the
    /// answer of the screen's own call carries the same version as its echo here).
    Order {
        /// Which.
        order_id: OrderId,
        /// How many events the order holds now on this terminal (only grows).
        version: u32,
    },
    /// The menu changed.
    Catalog,
    /// Employees or settings changed.
    Settings,
    /// This terminal's print queue changed (a job queued, printed, failed, moved): the screens
    /// that show printers or waiting tickets look again.
    Printing,
    /// The listener fell behind: reload everything.
    Reload,
}

/// The bus.
#[derive(Debug, Clone)]
pub struct Bus(broadcast::Sender<Change>);

impl Default for Bus {
    fn default() -> Self {
        Bus(broadcast::channel(BUS_CAPACITY).0)
    }
}

impl Bus {
    /// Announces a change; nobody listening is fine.
    pub fn send(&self, c: Change) {
        let _ = self.0.send(c);
    }
    /// Listens.
    pub fn subscribe(&self) -> broadcast::Receiver<Change> {
        self.0.subscribe()
    }
}
