//! The event envelope and every event kind Comanda knows.
//!
//! An event is a fact a device said, with who said it, when (HLC) and where it belongs (its
//! stream). Events are immutable; state is a fold over them. The encoding that goes to disk and
//! over the wire, with schema versions, lives apart in [`crate::codec`].

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::catalog::{Catalog, ChosenModifier, LineTax};
use crate::employee::{EmployeeRecord, StoreSettings};
use crate::hlc::Hlc;
use crate::ids::{
    DeviceId, DiscountId, EmployeeId, EventId, ItemId, LineId, OrderId, PaymentId, PrinterId,
    RefundId, StoreId,
};
use crate::money::{Money, Percent};
use crate::quantity::Quantity;

/// One event with its envelope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// The idempotency key: the same id is the same event, wherever it comes from.
    pub id: EventId,
    /// The store it belongs to.
    pub store_id: StoreId,
    /// The device that made it.
    pub device_id: DeviceId,
    /// The device's gap-free counter, from 1.
    pub device_seq: u64,
    /// The scope whose events must agree on an order.
    pub stream: StreamId,
    /// When, as a hybrid logical clock stamp.
    pub hlc: Hlc,
    /// The employee who did it (`None` for the system: demo data, migrations).
    pub actor: Option<EmployeeId>,
    /// What happened.
    pub body: EventBody,
}

/// The agreed order of events: HLC stamp (wall, counter, device), then event id.
pub type EventKey = (Hlc, EventId);

impl Event {
    /// The key events are folded by.
    pub fn key(&self) -> EventKey {
        (self.hlc, self.id)
    }
}

/// The scope of an event. Ordering is per stream, never global.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum StreamId {
    /// The events of one order.
    Order(OrderId),
    /// The menu.
    Catalog,
    /// The employee list.
    Employees,
    /// Store settings.
    Settings,
    /// The store's devices: pairings, revocations, addresses.
    Devices,
    /// The store's printers and the stations they print.
    Printers,
    /// The openings of one cash drawer (named by the printer it is wired to).
    Drawer(PrinterId),
}

impl fmt::Display for StreamId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StreamId::Order(id) => write!(f, "order:{id}"),
            StreamId::Catalog => f.write_str("catalog"),
            StreamId::Employees => f.write_str("employees"),
            StreamId::Settings => f.write_str("settings"),
            StreamId::Devices => f.write_str("devices"),
            StreamId::Printers => f.write_str("printers"),
            StreamId::Drawer(id) => write!(f, "drawer:{id}"),
        }
    }
}

/// A stream id that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown stream {0:?}")]
pub struct BadStream(pub String);

impl FromStr for StreamId {
    type Err = BadStream;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "catalog" => Ok(StreamId::Catalog),
            "employees" => Ok(StreamId::Employees),
            "settings" => Ok(StreamId::Settings),
            "devices" => Ok(StreamId::Devices),
            "printers" => Ok(StreamId::Printers),
            _ => {
                let order = s
                    .strip_prefix("order:")
                    .and_then(|id| id.parse().ok())
                    .map(StreamId::Order);
                let drawer = || {
                    s.strip_prefix("drawer:")
                        .and_then(|id| id.parse().ok())
                        .map(StreamId::Drawer)
                };
                order.or_else(drawer).ok_or_else(|| BadStream(s.to_owned()))
            }
        }
    }
}

/// What happened. The variant name is the event's `kind` on disk and on the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventBody {
    /// An order was opened.
    OrderOpened(OrderOpened),
    /// A line was added.
    LineAdded(LineAdded),
    /// One field of a line changed.
    LineChanged(LineChanged),
    /// A line was voided.
    LineVoided(LineVoided),
    /// Lines were sent to the kitchen.
    OrderFired(OrderFired),
    /// The order's note was set or cleared.
    OrderNoteSet(OrderNoteSet),
    /// A dine-in order moved table, or a tab was renamed.
    OrderTypeChanged(OrderTypeChanged),
    /// A discount was applied.
    DiscountApplied(DiscountApplied),
    /// A discount was removed.
    DiscountRemoved(DiscountRemoved),
    /// A payment was taken.
    PaymentRecorded(PaymentRecorded),
    /// A payment was voided (taken by mistake, before close).
    PaymentVoided(PaymentVoided),
    /// Money was given back against a payment.
    RefundIssued(RefundIssued),
    /// A manager settled refunds that exceeded their payment (two terminals refunded it).
    OverRefundAccepted(OverRefundAccepted),
    /// The order was closed (its balance was zero).
    OrderClosed(OrderClosed),
    /// The order was cancelled.
    OrderCancelled(OrderCancelled),
    /// A closed or cancelled order was reopened, with a manager's approval.
    OrderReopened(OrderReopened),
    /// A manager confirmed a cancel that reached the kitchen too late: what it cooked is waste.
    CancelConfirmed(CancelConfirmed),
    /// The menu was published.
    CatalogPublished(Catalog),
    /// An employee was added or changed.
    EmployeeSaved(EmployeeSaved),
    /// Store settings were changed.
    SettingsPublished(StoreSettings),
    /// A device joined the store.
    DevicePaired(crate::device::DevicePaired),
    /// A device was revoked.
    DeviceRevoked(crate::device::DeviceRevoked),
    /// A device said where it answers its peers.
    DeviceAddressSet(crate::device::DeviceAddressSet),
    /// A printer was added or changed.
    PrinterSaved(crate::printer::PrinterSaved),
    /// A kitchen ticket was printed, or may have been.
    TicketPrinted(crate::printer::TicketPrinted),
    /// A customer receipt was printed, or may have been.
    ReceiptPrinted(crate::printer::ReceiptPrinted),
    /// A cash drawer was kicked open (or the kick failed).
    DrawerOpened(crate::printer::DrawerOpened),
    /// A cook started or bumped a kitchen ticket, or an item of one.
    KitchenMarked(crate::kitchen::KitchenMarked),
    /// A cook brought back a bumped kitchen ticket or item.
    KitchenRecalled(crate::kitchen::KitchenRecalled),
    /// Someone asked the kitchen to hurry a ticket.
    KitchenRushed(crate::kitchen::KitchenRushed),
    /// The counter held a course's lines: the kitchen sees them coming, fired later.
    CourseHeld(crate::kitchen::CourseHeld),
}

impl EventBody {
    /// The event's kind, as written on disk and on the wire.
    pub fn kind(&self) -> &'static str {
        match self {
            EventBody::OrderOpened(_) => "OrderOpened",
            EventBody::LineAdded(_) => "LineAdded",
            EventBody::LineChanged(_) => "LineChanged",
            EventBody::LineVoided(_) => "LineVoided",
            EventBody::OrderFired(_) => "OrderFired",
            EventBody::OrderNoteSet(_) => "OrderNoteSet",
            EventBody::OrderTypeChanged(_) => "OrderTypeChanged",
            EventBody::DiscountApplied(_) => "DiscountApplied",
            EventBody::DiscountRemoved(_) => "DiscountRemoved",
            EventBody::PaymentRecorded(_) => "PaymentRecorded",
            EventBody::PaymentVoided(_) => "PaymentVoided",
            EventBody::RefundIssued(_) => "RefundIssued",
            EventBody::OverRefundAccepted(_) => "OverRefundAccepted",
            EventBody::OrderClosed(_) => "OrderClosed",
            EventBody::OrderCancelled(_) => "OrderCancelled",
            EventBody::OrderReopened(_) => "OrderReopened",
            EventBody::CancelConfirmed(_) => "CancelConfirmed",
            EventBody::CatalogPublished(_) => "CatalogPublished",
            EventBody::EmployeeSaved(_) => "EmployeeSaved",
            EventBody::SettingsPublished(_) => "SettingsPublished",
            EventBody::DevicePaired(_) => "DevicePaired",
            EventBody::DeviceRevoked(_) => "DeviceRevoked",
            EventBody::DeviceAddressSet(_) => "DeviceAddressSet",
            EventBody::PrinterSaved(_) => "PrinterSaved",
            EventBody::TicketPrinted(_) => "TicketPrinted",
            EventBody::ReceiptPrinted(_) => "ReceiptPrinted",
            EventBody::DrawerOpened(_) => "DrawerOpened",
            EventBody::KitchenMarked(_) => "KitchenMarked",
            EventBody::KitchenRecalled(_) => "KitchenRecalled",
            EventBody::KitchenRushed(_) => "KitchenRushed",
            EventBody::CourseHeld(_) => "CourseHeld",
        }
    }

    /// The manager who approved what this event records, when one did.
    pub fn approved_by(&self) -> Option<EmployeeId> {
        match self {
            EventBody::LineChanged(e) => e.approved_by,
            EventBody::LineVoided(e) => e.approved_by,
            EventBody::DiscountApplied(e) => e.approved_by,
            EventBody::PaymentVoided(e) => e.approved_by,
            EventBody::RefundIssued(e) => e.approved_by,
            EventBody::OverRefundAccepted(e) => Some(e.approved_by),
            EventBody::OrderCancelled(e) => e.approved_by,
            EventBody::OrderReopened(e) => Some(e.approved_by),
            EventBody::CancelConfirmed(e) => Some(e.approved_by),
            EventBody::EmployeeSaved(e) => e.approved_by,
            EventBody::DrawerOpened(e) => e.approved_by,
            _ => None,
        }
    }

    /// Records the approving manager on an event that carries one (a no-op on the others).
    pub fn set_approved_by(&mut self, id: EmployeeId) {
        match self {
            EventBody::LineChanged(e) => e.approved_by = Some(id),
            EventBody::LineVoided(e) => e.approved_by = Some(id),
            EventBody::DiscountApplied(e) => e.approved_by = Some(id),
            EventBody::PaymentVoided(e) => e.approved_by = Some(id),
            EventBody::RefundIssued(e) => e.approved_by = Some(id),
            EventBody::OverRefundAccepted(e) => e.approved_by = id,
            EventBody::OrderCancelled(e) => e.approved_by = Some(id),
            EventBody::OrderReopened(e) => e.approved_by = id,
            EventBody::CancelConfirmed(e) => e.approved_by = id,
            EventBody::EmployeeSaved(e) => e.approved_by = Some(id),
            EventBody::DrawerOpened(e) => e.approved_by = Some(id),
            _ => {}
        }
    }
}

/// Payload of `EmployeeSaved`: the employee's whole record as saved, and who approved it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmployeeSaved {
    /// The record.
    pub record: EmployeeRecord,
    /// The manager who approved the change (the one signed in, or whose PIN was given).
    /// Schema 2; absent in schema 1.
    pub approved_by: Option<EmployeeId>,
}

/// How an order is served.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum OrderType {
    /// At a table.
    DineIn {
        /// The table's name or number.
        table: String,
        /// How many guests, if asked.
        guests: Option<u8>,
    },
    /// To take away, optionally under a name.
    Takeaway {
        /// The customer's name, if given.
        name: Option<String>,
    },
    /// A bar tab under a name.
    Tab {
        /// The tab's name.
        name: String,
    },
}

impl OrderType {
    /// The words lists and headers show: "Table 4", "Takeaway", "Takeaway · Ana", "Tab · Sam";
    /// "Order" while the type is not known yet. The one place this wording lives.
    pub fn label_of(t: Option<&OrderType>) -> String {
        match t {
            Some(OrderType::DineIn { table, .. }) => format!("Table {table}"),
            Some(OrderType::Takeaway { name: Some(n) }) => format!("Takeaway · {n}"),
            Some(OrderType::Takeaway { name: None }) => "Takeaway".into(),
            Some(OrderType::Tab { name }) => format!("Tab · {name}"),
            None => "Order".into(),
        }
    }
}

/// Payload of `OrderOpened`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderOpened {
    /// A short number for people to call the order by, unique per opening device.
    pub number: u32,
    /// How it is served.
    pub order_type: OrderType,
}

/// Payload of `LineAdded`: a snapshot of what was sold, priced at that moment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineAdded {
    /// The new line's id.
    pub line_id: LineId,
    /// The menu item.
    pub item_id: ItemId,
    /// Its name then.
    pub name: String,
    /// Its base price then.
    pub unit_price: Money,
    /// How many.
    pub qty: Quantity,
    /// The modifiers chosen.
    pub modifiers: Vec<ChosenModifier>,
    /// The tax then.
    pub tax: LineTax,
    /// A note for the kitchen ("no salt").
    pub note: Option<String>,
    /// The seat it is for, if tracked.
    pub seat: Option<u8>,
    /// The course it belongs to, if coursed.
    pub course: Option<u8>,
}

/// One field of a line, changed: last writer wins per field, by agreed order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineChange {
    /// A new quantity.
    Qty(Quantity),
    /// A new set of modifiers (already checked against the menu).
    Modifiers(Vec<ChosenModifier>),
    /// A new note, or none.
    Note(Option<String>),
    /// A new seat, or none.
    Seat(Option<u8>),
    /// A new course, or none.
    Course(Option<u8>),
    /// The guest's allergy for this line ("nuts"), or none: the kitchen shows it inverted.
    Allergy(Option<String>),
}

/// Payload of `LineChanged`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineChanged {
    /// The line.
    pub line_id: LineId,
    /// What changed.
    pub change: LineChange,
    /// The manager who approved it (taking some of a sent line off; a change that takes the
    /// cashier's discounts past the limit). Schema 2; absent in schema 1.
    pub approved_by: Option<EmployeeId>,
}

/// Payload of `LineVoided`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineVoided {
    /// The line.
    pub line_id: LineId,
    /// Why.
    pub reason: String,
    /// The manager who approved it (needed when the line was already sent).
    pub approved_by: Option<EmployeeId>,
}

/// Payload of `OrderFired`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderFired {
    /// The lines sent to the kitchen.
    pub line_ids: Vec<LineId>,
}

/// Payload of `OrderNoteSet`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderNoteSet {
    /// The note, or none to clear it.
    pub note: Option<String>,
}

/// Payload of `OrderTypeChanged`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderTypeChanged {
    /// The new type (table, takeaway name, tab name).
    pub order_type: OrderType,
}

/// What a discount applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum DiscountTarget {
    /// The whole order (spread over its lines for tax).
    Order,
    /// One line.
    Line {
        /// The line.
        line_id: LineId,
    },
}

/// How much a discount takes off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum DiscountAmount {
    /// A fixed amount (never more than what it applies to).
    Fixed(Money),
    /// A share of what it applies to.
    Percent(Percent),
}

/// Payload of `DiscountApplied`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscountApplied {
    /// The discount's id.
    pub discount_id: DiscountId,
    /// What it applies to.
    pub target: DiscountTarget,
    /// How much.
    pub amount: DiscountAmount,
    /// Why ("staff meal", "complaint").
    pub reason: String,
    /// The manager who approved it, when above the cashier's limit.
    pub approved_by: Option<EmployeeId>,
}

/// Payload of `DiscountRemoved`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscountRemoved {
    /// The discount.
    pub discount_id: DiscountId,
}

/// How a payment was made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum PaymentMethod {
    /// Cash: what the customer handed over, and the change given back.
    Cash {
        /// What was handed over.
        tendered: Money,
        /// The change given back (`tendered − amount − tip`).
        change: Money,
    },
    /// Card, through an external terminal.
    Card {
        /// The card terminal's reference (authorisation code, receipt number).
        reference: String,
    },
}

/// What part of the bill a payment was for, when the bill is split.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum SplitTarget {
    /// Everything on one seat.
    Seat(u8),
    /// These lines.
    Lines(Vec<LineId>),
    /// An even share: part `k` of `n`.
    Even {
        /// Which share, from 1.
        part: u8,
        /// Of how many.
        of: u8,
    },
}

/// Payload of `PaymentRecorded`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentRecorded {
    /// The idempotency key of the payment.
    pub payment_id: PaymentId,
    /// How.
    pub method: PaymentMethod,
    /// What it pays of the order's balance.
    pub amount: Money,
    /// A tip on top (not part of the balance).
    pub tip: Money,
    /// What part of a split bill it was for.
    pub split: Option<SplitTarget>,
}

/// Payload of `PaymentVoided`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentVoided {
    /// The payment.
    pub payment_id: PaymentId,
    /// Why.
    pub reason: String,
    /// The manager who approved it. Schema 2; absent in schema 1.
    pub approved_by: Option<EmployeeId>,
}

/// How money went back to the customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum RefundMethod {
    /// Cash from the drawer.
    Cash,
    /// Back to the card, on the external card terminal.
    Card {
        /// The card terminal's reference of the refund.
        reference: String,
    },
}

/// Payload of `RefundIssued`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundIssued {
    /// The refund's id.
    pub refund_id: RefundId,
    /// The payment it gives money back from.
    pub payment_id: PaymentId,
    /// How much.
    pub amount: Money,
    /// How the money went back. Schema 2; absent in schema 1 (the way the payment came in).
    pub method: Option<RefundMethod>,
    /// Why.
    pub reason: String,
    /// The manager who approved it.
    pub approved_by: Option<EmployeeId>,
}

/// How refunds past their payment were settled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OverRefundSettlement {
    /// The customer gave the excess back (taken as a payment, or by hand).
    Recovered,
    /// The excess is a loss the store accepts.
    WrittenOff,
}

/// Payload of `OverRefundAccepted`: refunds against one payment came to more than it (two
/// terminals each refunded it offline); a manager has settled the excess. The money already left
/// the drawer: nothing is undone, the conflict is closed for that much refunded. Should more be
/// refunded later, the conflict comes back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverRefundAccepted {
    /// The payment.
    pub payment_id: PaymentId,
    /// The total refunded against it that the manager looked at.
    pub refunded: Money,
    /// Recovered from the customer, or written off.
    pub settlement: OverRefundSettlement,
    /// What happened, in words.
    pub note: String,
    /// The manager.
    pub approved_by: EmployeeId,
}

/// Payload of `OrderClosed`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderClosed {
    /// The generation of the order it closes (0 until first reopened).
    pub generation: u32,
}

/// Payload of `OrderCancelled`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderCancelled {
    /// The generation it cancels.
    pub generation: u32,
    /// Why.
    pub reason: String,
    /// The manager who approved it (needed once lines were sent). Schema 2; absent in
    /// schema 1.
    pub approved_by: Option<EmployeeId>,
}

/// Payload of `CancelConfirmed`: the order was cancelled while the kitchen had lines of it
/// (fired before an unapproved cancel, or fired by another terminal after it): a manager confirms
/// the cancel and writes those lines off as waste. Rejecting the cancel is an `OrderReopened`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CancelConfirmed {
    /// The generation whose cancel is confirmed.
    pub generation: u32,
    /// The lines the kitchen had, now waste.
    pub line_ids: Vec<LineId>,
    /// What happened, in words.
    pub note: String,
    /// The manager.
    pub approved_by: EmployeeId,
}

/// Payload of `OrderReopened`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderReopened {
    /// The new generation (one above the one closed).
    pub generation: u32,
    /// Why.
    pub reason: String,
    /// The approving manager.
    pub approved_by: EmployeeId,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::SeqIds;

    #[test]
    fn streams_round_trip() {
        let id = OrderId::new(&SeqIds::new(1));
        for s in [
            StreamId::Order(id),
            StreamId::Catalog,
            StreamId::Employees,
            StreamId::Settings,
            StreamId::Devices,
        ] {
            assert_eq!(s.to_string().parse::<StreamId>().unwrap(), s);
        }
        assert!("order:nope".parse::<StreamId>().is_err());
        assert!("".parse::<StreamId>().is_err());
    }
}
