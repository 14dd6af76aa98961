//! The store's printers and where each kitchen station prints, as every node knows them: a
//! printer is set up once (`PrinterSaved`, in the `printers` stream) on the node it is plugged
//! into, and every terminal then knows which node prints which station. A kitchen ticket is a
//! consequence of a fire: one per fire and station, named by [`ticket_job`], so the same fire
//! seen twice never makes a second ticket; the node that printed it says how it went
//! (`TicketPrinted`, in the order's stream), so the counter shows "sent to grill ✓" and a node
//! restored from a backup knows the ticket was already printed.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::event::{Event, EventBody};
use crate::ids::{DeviceId, EventId, PrinterId};

/// Payload of `PrinterSaved`: a printer added or changed (the latest by agreed order counts).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrinterSaved {
    /// The printer.
    pub printer_id: PrinterId,
    /// Its name ("Grill printer").
    pub name: String,
    /// The node it is plugged into: only that node sends it anything.
    pub node: DeviceId,
    /// How that node reaches it: `tcp:192.168.1.50:9100`, `serial:/dev/ttyUSB0:38400:rtscts`,
    /// `usb:/dev/usb/lp0` or `spooler:EPSON TM-T20III` (read by the print crate's settings).
    pub connection: String,
    /// Characters per line: 32 (58 mm), 42 or 48 (80 mm).
    pub columns: u8,
    /// Its code page (`cp437`, `cp850`, `cp858`, `cp1252`).
    pub code_page: String,
    /// The `n` of `ESC t n` selecting it on this model.
    pub code_page_number: u8,
    /// Whether it answers status requests (a job is then confirmed, not just written).
    pub status: bool,
    /// The stations it prints ("grill", "bar").
    pub stations: Vec<String>,
    /// Whether it prints customer receipts for its node.
    pub receipts: bool,
    /// False once removed: it prints nothing more.
    pub active: bool,
}

/// How a kitchen ticket's printing ended, as the node that printed it tells the store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum TicketOutcome {
    /// The printer confirmed it.
    Printed,
    /// It may or may not be on paper (cut mid-job, no confirmation): a person decides.
    Unknown {
        /// What happened.
        reason: String,
    },
    /// A person had it printed again, marked REPRINT.
    Reprinted,
}

/// Payload of `TicketPrinted`: what became of one kitchen ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketPrinted {
    /// The fire it belongs to (the `OrderFired` event).
    pub fire: EventId,
    /// The station.
    pub station: String,
    /// The printer it went to.
    pub printer_id: PrinterId,
    /// How it ended.
    pub outcome: TicketOutcome,
}

/// The name of the ticket of one fire at one station: the same on every node, so a fire seen
/// twice, re-delivered or re-projected makes no second ticket.
pub fn ticket_job(fire: EventId, station: &str) -> String {
    format!("ticket:{fire}:{station}")
}

/// Every printer, latest record each (by agreed order).
pub fn fold_printers(events: &[Event]) -> BTreeMap<PrinterId, PrinterSaved> {
    let mut latest: BTreeMap<PrinterId, (crate::event::EventKey, PrinterSaved)> = BTreeMap::new();
    for e in events {
        if let EventBody::PrinterSaved(p) = &e.body
            && latest.get(&p.printer_id).is_none_or(|(k, _)| e.key() > *k)
        {
            latest.insert(p.printer_id, (e.key(), p.clone()));
        }
    }
    latest.into_iter().map(|(id, (_, p))| (id, p)).collect()
}

/// The printer that prints `station`: the active one serving it, the first by id when several
/// do (the same choice on every node).
pub fn printer_for<'a>(
    printers: &'a BTreeMap<PrinterId, PrinterSaved>,
    station: &str,
) -> Option<&'a PrinterSaved> {
    printers
        .values()
        .find(|p| p.active && p.stations.iter().any(|s| s == station))
}
