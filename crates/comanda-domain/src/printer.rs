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
use crate::ids::{DeviceId, EmployeeId, EventId, OrderId, PaymentId, PrinterId, RefundId};

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
    /// The cash drawer wired to it, if any. Schema 2; absent in schema 1.
    #[serde(default)]
    pub drawer: Option<DrawerSettings>,
    /// The stations whose tickets it takes when their own printer cannot print (offline, no
    /// paper, cover open) for [`FALLBACK_AFTER_MS`]. Schema 2; empty in schema 1.
    #[serde(default)]
    pub fallback_for: Vec<String>,
}

/// How long a station's own printer may fail to print before its tickets go to the station's
/// fallback printer.
pub const FALLBACK_AFTER_MS: u64 = 30_000;

/// A cash drawer wired to a receipt printer's drawer port.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrawerSettings {
    /// The pin of the port it is wired to: 2 (the usual) or 5 (a second drawer).
    pub pin: u8,
    /// How long the kick's pulse is on (ms; most drawers want 50–100).
    pub on_ms: u16,
    /// How long it is off after (ms).
    pub off_ms: u16,
    /// Kick with the real-time `DLE DC4` (opens even while the printer is busy) rather than
    /// `ESC p`.
    pub realtime: bool,
    /// The level of the drawer sensor that means open: high (most drawers) or low.
    pub open_high: bool,
}

impl Default for DrawerSettings {
    fn default() -> DrawerSettings {
        DrawerSettings {
            pin: 2,
            on_ms: 50,
            off_ms: 500,
            realtime: false,
            open_high: true,
        }
    }
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

/// Why a cash drawer was opened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum DrawerReason {
    /// A cash payment.
    Sale {
        /// The order paid.
        order_id: OrderId,
        /// The payment.
        payment_id: PaymentId,
    },
    /// Cash given back.
    Refund {
        /// The order.
        order_id: OrderId,
        /// The refund.
        refund_id: RefundId,
    },
    /// No sale: opened for another reason, which a person gave (change for the till, a
    /// delivery paid in cash), with a manager's approval.
    NoSale {
        /// What the person said.
        note: String,
    },
}

/// Payload of `DrawerOpened`, in the drawer's own stream: the drawer was kicked (the event's
/// actor is who asked), or the kick failed and the drawer stayed shut.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DrawerOpened {
    /// The printer the drawer is wired to.
    pub printer_id: PrinterId,
    /// Why.
    pub reason: DrawerReason,
    /// The manager who approved it (a no-sale needs one).
    pub approved_by: Option<EmployeeId>,
    /// Why the drawer did not open, when it did not (the printer was offline).
    pub failed: Option<String>,
}

/// Payload of `ReceiptPrinted`, in the order's stream: a customer receipt of the order was
/// printed, or may have been.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptPrinted {
    /// The receipt's job (`receipt:<request>`).
    pub receipt: String,
    /// The printer.
    pub printer_id: PrinterId,
    /// Printed as a copy (REPRINT): the order had a receipt already.
    pub copy: bool,
    /// How it ended.
    pub outcome: TicketOutcome,
}

/// The name of a receipt's job: asked for once under `request` (a payment's id, or the id a
/// terminal chose for a person's request), so a request sent twice prints once.
pub fn receipt_job(request: &str) -> String {
    format!("receipt:{request}")
}

/// The receipt printer of a node: the first active one plugged into it that prints receipts.
pub fn receipt_printer<'a>(
    printers: &'a BTreeMap<PrinterId, PrinterSaved>,
    nodes: &[DeviceId],
) -> Option<&'a PrinterSaved> {
    printers
        .values()
        .find(|p| p.active && p.receipts && nodes.contains(&p.node))
}

/// The printer that takes `station`'s tickets when its own cannot print: the first active one
/// that names it as a fallback, other than `own`.
pub fn fallback_for<'a>(
    printers: &'a BTreeMap<PrinterId, PrinterSaved>,
    station: &str,
    own: PrinterId,
) -> Option<&'a PrinterSaved> {
    printers
        .values()
        .find(|p| p.active && p.printer_id != own && p.fallback_for.iter().any(|s| s == station))
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

/// A kitchen ticket an order implies that no printing node has told of yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwaitedTicket {
    /// The event that makes it (a fire, a void or change of a sent line, a cancel).
    pub event: EventId,
    /// The station.
    pub station: String,
    /// Since when (the event's stamp, ms).
    pub since_ms: u64,
}

/// The tickets of `order` not told of yet: one per kitchen notice and station its lines are
/// made at (by `catalog`), without a `TicketPrinted` for it. Printed, reprinted or unknown, a
/// ticket told of is not awaited.
pub fn awaited_tickets(
    order: &crate::order::OrderState,
    catalog: &crate::catalog::Catalog,
) -> Vec<AwaitedTicket> {
    crate::kitchen::tickets(order, catalog)
        .into_iter()
        .filter(|k| {
            !order
                .tickets
                .iter()
                .any(|t| t.fire == k.ticket.notice && t.station == k.ticket.station)
        })
        .map(|k| AwaitedTicket {
            event: k.ticket.notice,
            station: k.ticket.station,
            since_ms: k.since.at_ms,
        })
        .collect()
}

/// One opening of a drawer, as the drawer's log keeps the last one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrawerEntry {
    /// The event.
    pub event_id: EventId,
    /// When (the recording node's clock).
    pub at_ms: u64,
    /// Who asked.
    pub by: Option<EmployeeId>,
    /// Why.
    pub reason: DrawerReason,
    /// Who approved.
    pub approved_by: Option<EmployeeId>,
    /// Why it did not open, when it did not.
    pub failed: Option<String>,
}

/// A drawer's stream folded: how many times it opened (a no-sale counted apart) and the last
/// opening, by agreed order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrawerLog {
    /// Openings that happened.
    pub opened: u32,
    /// Of those, no-sales.
    pub no_sales: u32,
    /// Kicks that failed.
    pub failed: u32,
    /// The last opening (or failed kick).
    pub last: Option<DrawerEntry>,
}

impl DrawerLog {
    /// Takes in one more event of the stream (after every one before it in agreed order).
    pub fn apply(&mut self, e: &Event) {
        let EventBody::DrawerOpened(d) = &e.body else {
            return;
        };
        if d.failed.is_some() {
            self.failed += 1;
        } else {
            self.opened += 1;
            if matches!(d.reason, DrawerReason::NoSale { .. }) {
                self.no_sales += 1;
            }
        }
        self.last = Some(DrawerEntry {
            event_id: e.id,
            at_ms: e.hlc.wall_ms,
            by: e.actor,
            reason: d.reason.clone(),
            approved_by: d.approved_by,
            failed: d.failed.clone(),
        });
    }

    /// A whole stream, in agreed order.
    pub fn fold(events: &[Event]) -> DrawerLog {
        let mut sorted: Vec<&Event> = events.iter().collect();
        sorted.sort_by_key(|e| e.key());
        let mut log = DrawerLog::default();
        for e in sorted {
            log.apply(e);
        }
        log
    }
}
