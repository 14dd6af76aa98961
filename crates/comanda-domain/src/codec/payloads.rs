//! The payloads as they are written to the log and sent between nodes: the wire contract, apart
//! from the domain's own types.
//!
//! The domain's structs are free to change shape (a field renamed, an enum split, a type made
//! richer); these types are not. Each is the payload of one `(kind, schema)` as every build ever
//! wrote it, with its serde attributes, and converts to and from its domain twin through
//! [`Wire`]. A domain change that touches an event then fails to compile here (every field is
//! named on both sides), instead of silently changing the bytes other terminals read; the golden
//! files under `tests/golden/` pin those bytes. The projection's stored form (`OrderState` as
//! JSON) is the domain's own serde: it is versioned by the store's projection version and
//! rebuilt from the log, never read by another build. The UI's views are `comanda-api`'s.
//!
//! Scalar newtypes (ids, [`Money`], [`Quantity`], [`Percent`], [`Rate`], [`PinHash`]) are used
//! as they are: each is one number or one string on the wire, fixed by its own tests.
//!
//! Decoding validates what serde can (a quantity of zero, a malformed id); what the domain
//! decides about the content (a line voided twice, a payment past the balance) is the fold's.

use serde::{Deserialize, Serialize};

use crate::catalog as dc;
use crate::device as dd;
use crate::employee::{self as de, PinHash};
use crate::event as ev;
use crate::ids::{
    CategoryId, DeviceId, DiscountId, EmployeeId, EventId, ItemId, LineId, ModifierGroupId,
    ModifierId, OrderId, PaymentId, PrinterId, RefundId, TaxRateId,
};
use crate::kitchen as dk;
use crate::money::{Money, Percent, Rate};
use crate::printer as dp;
use crate::quantity::Quantity;

/// A wire type and its domain twin: [`Wire::of`] writes the domain value in its wire form,
/// [`Wire::domain`] reads it back. Round trips are exact both ways (tested on every golden).
pub trait Wire: Sized {
    /// The domain type.
    type Of;
    /// The wire form of a domain value.
    fn of(d: &Self::Of) -> Self;
    /// The domain value.
    fn domain(self) -> Self::Of;
}

/// Types whose wire form is the value itself.
macro_rules! same {
    ($($t:ty),* $(,)?) => {$(
        impl Wire for $t {
            type Of = $t;
            fn of(d: &$t) -> $t {
                d.clone()
            }
            fn domain(self) -> $t {
                self
            }
        }
    )*};
}

same!(
    String,
    bool,
    u8,
    u16,
    u32,
    Money,
    Quantity,
    Percent,
    Rate,
    PinHash,
    LineId,
    ItemId,
    EmployeeId,
    DiscountId,
    PaymentId,
    RefundId,
    OrderId,
    DeviceId,
    EventId,
    PrinterId,
    CategoryId,
    ModifierGroupId,
    ModifierId,
    TaxRateId,
);

impl<W: Wire> Wire for Vec<W> {
    type Of = Vec<W::Of>;
    fn of(d: &Vec<W::Of>) -> Vec<W> {
        d.iter().map(W::of).collect()
    }
    fn domain(self) -> Vec<W::Of> {
        self.into_iter().map(W::domain).collect()
    }
}

impl<W: Wire> Wire for Option<W> {
    type Of = Option<W::Of>;
    fn of(d: &Option<W::Of>) -> Option<W> {
        d.as_ref().map(W::of)
    }
    fn domain(self) -> Option<W::Of> {
        self.map(W::domain)
    }
}

/// A struct and its domain twin with the same fields, each converted by its own [`Wire`].
macro_rules! mirror {
    ($($wire:ident = $dom:path { $($f:ident),* $(,)? })*) => {$(
        impl Wire for $wire {
            type Of = $dom;
            fn of(d: &$dom) -> $wire {
                $wire { $($f: Wire::of(&d.$f)),* }
            }
            fn domain(self) -> $dom {
                use $dom as D;
                D { $($f: self.$f.domain()),* }
            }
        }
    )*};
}

/// `OrderOpened` (schema 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderOpened {
    /// The number people call the order by.
    pub number: u32,
    /// How it is served.
    pub order_type: OrderType,
}

/// How an order is served (in `OrderOpened`, `OrderTypeChanged`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum OrderType {
    /// At a table.
    DineIn {
        /// The table.
        table: String,
        /// Guests, if asked.
        guests: Option<u8>,
    },
    /// To take away.
    Takeaway {
        /// The customer's name, if given.
        name: Option<String>,
    },
    /// A bar tab.
    Tab {
        /// The tab's name.
        name: String,
    },
}

impl Wire for OrderType {
    type Of = ev::OrderType;
    fn of(d: &ev::OrderType) -> OrderType {
        match d.clone() {
            ev::OrderType::DineIn { table, guests } => OrderType::DineIn { table, guests },
            ev::OrderType::Takeaway { name } => OrderType::Takeaway { name },
            ev::OrderType::Tab { name } => OrderType::Tab { name },
        }
    }
    fn domain(self) -> ev::OrderType {
        match self {
            OrderType::DineIn { table, guests } => ev::OrderType::DineIn { table, guests },
            OrderType::Takeaway { name } => ev::OrderType::Takeaway { name },
            OrderType::Tab { name } => ev::OrderType::Tab { name },
        }
    }
}

/// `LineAdded` (schema 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineAdded {
    /// The new line.
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
    /// A note for the kitchen.
    pub note: Option<String>,
    /// The seat.
    pub seat: Option<u8>,
    /// The course.
    pub course: Option<u8>,
}

/// A modifier as chosen on a line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChosenModifier {
    /// Its group.
    pub group_id: ModifierGroupId,
    /// The modifier.
    pub modifier_id: ModifierId,
    /// Its name then.
    pub name: String,
    /// What it added to the price then.
    pub price_delta: Money,
}

/// A line's tax as it was when sold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineTax {
    /// The rate's id.
    pub rate_id: TaxRateId,
    /// Its name.
    pub name: String,
    /// The rate.
    pub rate: Rate,
    /// Whether prices include it.
    pub inclusive: bool,
}

/// One field of a line, changed (in `LineChanged`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "field", content = "value", rename_all = "snake_case")]
pub enum LineChange {
    /// A new quantity.
    Qty(Quantity),
    /// New modifiers.
    Modifiers(Vec<ChosenModifier>),
    /// A new note, or none.
    Note(Option<String>),
    /// A new seat, or none.
    Seat(Option<u8>),
    /// A new course, or none.
    Course(Option<u8>),
    /// An allergy, or none (schema 3).
    Allergy(Option<String>),
}

impl Wire for LineChange {
    type Of = ev::LineChange;
    fn of(d: &ev::LineChange) -> LineChange {
        match d {
            ev::LineChange::Qty(q) => LineChange::Qty(*q),
            ev::LineChange::Modifiers(m) => LineChange::Modifiers(Wire::of(m)),
            ev::LineChange::Note(n) => LineChange::Note(n.clone()),
            ev::LineChange::Seat(s) => LineChange::Seat(*s),
            ev::LineChange::Course(c) => LineChange::Course(*c),
            ev::LineChange::Allergy(a) => LineChange::Allergy(a.clone()),
        }
    }
    fn domain(self) -> ev::LineChange {
        match self {
            LineChange::Qty(q) => ev::LineChange::Qty(q),
            LineChange::Modifiers(m) => ev::LineChange::Modifiers(m.domain()),
            LineChange::Note(n) => ev::LineChange::Note(n),
            LineChange::Seat(s) => ev::LineChange::Seat(s),
            LineChange::Course(c) => ev::LineChange::Course(c),
            LineChange::Allergy(a) => ev::LineChange::Allergy(a),
        }
    }
}

/// `LineChanged` (schema 2: `approved_by`, absent in schema 1; schema 3: the `allergy` change).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineChanged {
    /// The line.
    pub line_id: LineId,
    /// What changed.
    pub change: LineChange,
    /// The approving manager.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approved_by: Option<EmployeeId>,
}

/// `LineVoided` (schema 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineVoided {
    /// The line.
    pub line_id: LineId,
    /// Why.
    pub reason: String,
    /// The approving manager.
    pub approved_by: Option<EmployeeId>,
}

/// `OrderFired` (schema 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderFired {
    /// The lines sent to the kitchen.
    pub line_ids: Vec<LineId>,
}

/// `OrderNoteSet` (schema 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderNoteSet {
    /// The note, or none.
    pub note: Option<String>,
}

/// `OrderTypeChanged` (schema 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderTypeChanged {
    /// The new type.
    pub order_type: OrderType,
}

/// What a discount applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum DiscountTarget {
    /// The whole order.
    Order,
    /// One line.
    Line {
        /// The line.
        line_id: LineId,
    },
}

impl Wire for DiscountTarget {
    type Of = ev::DiscountTarget;
    fn of(d: &ev::DiscountTarget) -> DiscountTarget {
        match *d {
            ev::DiscountTarget::Order => DiscountTarget::Order,
            ev::DiscountTarget::Line { line_id } => DiscountTarget::Line { line_id },
        }
    }
    fn domain(self) -> ev::DiscountTarget {
        match self {
            DiscountTarget::Order => ev::DiscountTarget::Order,
            DiscountTarget::Line { line_id } => ev::DiscountTarget::Line { line_id },
        }
    }
}

/// How much a discount takes off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum DiscountAmount {
    /// A fixed amount.
    Fixed(Money),
    /// A share.
    Percent(Percent),
}

impl Wire for DiscountAmount {
    type Of = ev::DiscountAmount;
    fn of(d: &ev::DiscountAmount) -> DiscountAmount {
        match *d {
            ev::DiscountAmount::Fixed(m) => DiscountAmount::Fixed(m),
            ev::DiscountAmount::Percent(p) => DiscountAmount::Percent(p),
        }
    }
    fn domain(self) -> ev::DiscountAmount {
        match self {
            DiscountAmount::Fixed(m) => ev::DiscountAmount::Fixed(m),
            DiscountAmount::Percent(p) => ev::DiscountAmount::Percent(p),
        }
    }
}

/// `DiscountApplied` (schema 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiscountApplied {
    /// The discount.
    pub discount_id: DiscountId,
    /// What it applies to.
    pub target: DiscountTarget,
    /// How much.
    pub amount: DiscountAmount,
    /// Why.
    pub reason: String,
    /// The approving manager.
    pub approved_by: Option<EmployeeId>,
}

/// `DiscountRemoved` (schema 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiscountRemoved {
    /// The discount.
    pub discount_id: DiscountId,
}

/// How a payment was made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum PaymentMethod {
    /// Cash.
    Cash {
        /// Handed over.
        tendered: Money,
        /// Given back.
        change: Money,
    },
    /// Card.
    Card {
        /// The card terminal's reference.
        reference: String,
    },
}

impl Wire for PaymentMethod {
    type Of = ev::PaymentMethod;
    fn of(d: &ev::PaymentMethod) -> PaymentMethod {
        match d.clone() {
            ev::PaymentMethod::Cash { tendered, change } => {
                PaymentMethod::Cash { tendered, change }
            }
            ev::PaymentMethod::Card { reference } => PaymentMethod::Card { reference },
        }
    }
    fn domain(self) -> ev::PaymentMethod {
        match self {
            PaymentMethod::Cash { tendered, change } => {
                ev::PaymentMethod::Cash { tendered, change }
            }
            PaymentMethod::Card { reference } => ev::PaymentMethod::Card { reference },
        }
    }
}

/// What part of a split bill a payment was for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum SplitTarget {
    /// One seat.
    Seat(u8),
    /// These lines.
    Lines(Vec<LineId>),
    /// Part `part` of `of` even shares.
    Even {
        /// Which share.
        part: u8,
        /// Of how many.
        of: u8,
    },
}

impl Wire for SplitTarget {
    type Of = ev::SplitTarget;
    fn of(d: &ev::SplitTarget) -> SplitTarget {
        match d.clone() {
            ev::SplitTarget::Seat(s) => SplitTarget::Seat(s),
            ev::SplitTarget::Lines(l) => SplitTarget::Lines(l),
            ev::SplitTarget::Even { part, of } => SplitTarget::Even { part, of },
        }
    }
    fn domain(self) -> ev::SplitTarget {
        match self {
            SplitTarget::Seat(s) => ev::SplitTarget::Seat(s),
            SplitTarget::Lines(l) => ev::SplitTarget::Lines(l),
            SplitTarget::Even { part, of } => ev::SplitTarget::Even { part, of },
        }
    }
}

/// `PaymentRecorded` (schema 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentRecorded {
    /// The payment's idempotency key.
    pub payment_id: PaymentId,
    /// How.
    pub method: PaymentMethod,
    /// What it pays.
    pub amount: Money,
    /// A tip on top.
    pub tip: Money,
    /// The split part.
    pub split: Option<SplitTarget>,
}

/// `PaymentVoided` (schema 2: `approved_by`; absent in schema 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentVoided {
    /// The payment.
    pub payment_id: PaymentId,
    /// Why.
    pub reason: String,
    /// The approving manager.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approved_by: Option<EmployeeId>,
}

/// How money went back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum RefundMethod {
    /// Cash from the drawer.
    Cash,
    /// Back to the card.
    Card {
        /// The card terminal's reference.
        reference: String,
    },
}

impl Wire for RefundMethod {
    type Of = ev::RefundMethod;
    fn of(d: &ev::RefundMethod) -> RefundMethod {
        match d.clone() {
            ev::RefundMethod::Cash => RefundMethod::Cash,
            ev::RefundMethod::Card { reference } => RefundMethod::Card { reference },
        }
    }
    fn domain(self) -> ev::RefundMethod {
        match self {
            RefundMethod::Cash => ev::RefundMethod::Cash,
            RefundMethod::Card { reference } => ev::RefundMethod::Card { reference },
        }
    }
}

/// `RefundIssued` (schema 2: `method`; absent in schema 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundIssued {
    /// The refund.
    pub refund_id: RefundId,
    /// The payment it gives money back from.
    pub payment_id: PaymentId,
    /// How much.
    pub amount: Money,
    /// How the money went back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<RefundMethod>,
    /// Why.
    pub reason: String,
    /// The approving manager.
    pub approved_by: Option<EmployeeId>,
}

/// How refunds past their payment were settled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OverRefundSettlement {
    /// Given back by the customer.
    Recovered,
    /// A loss the store accepts.
    WrittenOff,
}

impl Wire for OverRefundSettlement {
    type Of = ev::OverRefundSettlement;
    fn of(d: &ev::OverRefundSettlement) -> OverRefundSettlement {
        match d {
            ev::OverRefundSettlement::Recovered => OverRefundSettlement::Recovered,
            ev::OverRefundSettlement::WrittenOff => OverRefundSettlement::WrittenOff,
        }
    }
    fn domain(self) -> ev::OverRefundSettlement {
        match self {
            OverRefundSettlement::Recovered => ev::OverRefundSettlement::Recovered,
            OverRefundSettlement::WrittenOff => ev::OverRefundSettlement::WrittenOff,
        }
    }
}

/// `OverRefundAccepted` (schema 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OverRefundAccepted {
    /// The payment.
    pub payment_id: PaymentId,
    /// The total refunded that the manager looked at.
    pub refunded: Money,
    /// Recovered or written off.
    pub settlement: OverRefundSettlement,
    /// What happened.
    pub note: String,
    /// The manager.
    pub approved_by: EmployeeId,
}

/// `OrderClosed` (schema 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderClosed {
    /// The generation it closes.
    pub generation: u32,
}

/// `OrderCancelled` (schema 2: `approved_by`; absent in schema 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderCancelled {
    /// The generation it cancels.
    pub generation: u32,
    /// Why.
    pub reason: String,
    /// The approving manager.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approved_by: Option<EmployeeId>,
}

/// `CancelConfirmed` (schema 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CancelConfirmed {
    /// The generation whose cancel is confirmed.
    pub generation: u32,
    /// The lines written off as waste.
    pub line_ids: Vec<LineId>,
    /// What happened.
    pub note: String,
    /// The manager.
    pub approved_by: EmployeeId,
}

/// `OrderReopened` (schema 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderReopened {
    /// The new generation.
    pub generation: u32,
    /// Why.
    pub reason: String,
    /// The approving manager.
    pub approved_by: EmployeeId,
}

/// `CatalogPublished` (schema 2: an item's `stations`; absent in schema 1): the whole menu.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Catalog {
    /// Categories.
    pub categories: Vec<Category>,
    /// Items.
    pub items: Vec<Item>,
    /// Modifier groups.
    pub modifier_groups: Vec<ModifierGroup>,
    /// Tax rates.
    pub tax_rates: Vec<TaxRate>,
}

/// A category of the menu.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Category {
    /// Id.
    pub id: CategoryId,
    /// Name.
    pub name: String,
    /// Colour on the counter's grid.
    pub color: String,
}

/// An item of the menu.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    /// Id.
    pub id: ItemId,
    /// Its category.
    pub category_id: CategoryId,
    /// Name.
    pub name: String,
    /// Base price.
    pub price: Money,
    /// Its tax rate.
    pub tax_rate_id: TaxRateId,
    /// Its modifier groups.
    pub modifier_group_ids: Vec<ModifierGroupId>,
    /// A barcode, if scanned.
    pub barcode: Option<String>,
    /// Whether it can be sold now.
    pub available: bool,
    /// The kitchen stations that make it (schema 2; none in schema 1).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stations: Vec<String>,
}

/// A group of modifiers with its rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModifierGroup {
    /// Id.
    pub id: ModifierGroupId,
    /// Name.
    pub name: String,
    /// At least this many.
    pub min: u32,
    /// At most this many.
    pub max: u32,
    /// The modifiers.
    pub modifiers: Vec<Modifier>,
}

/// A modifier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Modifier {
    /// Id.
    pub id: ModifierId,
    /// Name.
    pub name: String,
    /// What it adds to the price.
    pub price_delta: Money,
}

/// A tax rate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaxRate {
    /// Id.
    pub id: TaxRateId,
    /// Name.
    pub name: String,
    /// The rate.
    pub rate: Rate,
    /// Whether prices include it.
    pub inclusive: bool,
}

/// `EmployeeSaved` (schema 2: `approved_by`; absent in schema 1): the record, flattened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmployeeSaved {
    /// The record.
    #[serde(flatten)]
    pub record: EmployeeRecord,
    /// The approving manager.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approved_by: Option<EmployeeId>,
}

/// An employee as saved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmployeeRecord {
    /// Id.
    pub employee_id: EmployeeId,
    /// Name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// The PIN's hash (PHC string; never the PIN).
    pub pin_hash: PinHash,
    /// Whether they may sign in.
    pub active: bool,
}

/// A role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// A cashier.
    Cashier,
    /// A manager.
    Manager,
}

impl Wire for Role {
    type Of = de::Role;
    fn of(d: &de::Role) -> Role {
        match d {
            de::Role::Cashier => Role::Cashier,
            de::Role::Manager => Role::Manager,
        }
    }
    fn domain(self) -> de::Role {
        match self {
            Role::Cashier => de::Role::Cashier,
            Role::Manager => de::Role::Manager,
        }
    }
}

/// `SettingsPublished` (schema 2: `card_tip_limit`, 30% when absent in schema 1; schema 3:
/// `kitchen_targets`, none when absent).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoreSettings {
    /// The store's name.
    pub store_name: String,
    /// Its currency (ISO 4217).
    pub currency: String,
    /// The largest discount a cashier gives alone.
    pub cashier_discount_limit: Percent,
    /// The largest card tip taken without asking.
    #[serde(default = "card_tip_limit_of_schema_1")]
    pub card_tip_limit: Percent,
    /// The kitchen's age targets per station.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub kitchen_targets: Vec<KitchenTarget>,
}

/// A station's age targets (in `SettingsPublished` schema 3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KitchenTarget {
    /// The station.
    pub station: String,
    /// Only orders of this type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_type: Option<String>,
    /// Seconds to the warning colour.
    pub warning_s: u32,
    /// Seconds to LATE.
    pub late_s: u32,
}

/// What a schema-1 `SettingsPublished` meant by its missing tip limit: 30%.
fn card_tip_limit_of_schema_1() -> Percent {
    Percent::from_bp(3000).unwrap_or_default()
}

/// `DevicePaired` (schema 2: `cert_fingerprint`; absent in schema 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DevicePaired {
    /// The device.
    pub device_id: DeviceId,
    /// Its terminal number in the store.
    pub terminal_no: u32,
    /// Its name.
    pub name: String,
    /// The hash of its token.
    pub token_hash: String,
    /// Its certificate's fingerprint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cert_fingerprint: Option<String>,
}

/// `DeviceRevoked` (schema 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceRevoked {
    /// The device.
    pub device_id: DeviceId,
}

/// `PrinterSaved` (schema 2: `drawer` and `fallback_for` added; absent in schema 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrinterSaved {
    /// The printer.
    pub printer_id: PrinterId,
    /// Its name.
    pub name: String,
    /// The node it is plugged into.
    pub node: DeviceId,
    /// How that node reaches it.
    pub connection: String,
    /// Characters per line.
    pub columns: u8,
    /// Its code page.
    pub code_page: String,
    /// `ESC t` number of that page.
    pub code_page_number: u8,
    /// Whether it answers status requests.
    pub status: bool,
    /// The stations it prints.
    pub stations: Vec<String>,
    /// Whether it prints receipts for its node.
    pub receipts: bool,
    /// False once removed.
    pub active: bool,
    /// Its cash drawer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drawer: Option<DrawerSettings>,
    /// The stations it is the fallback of.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fallback_for: Vec<String>,
}

/// A printer's cash drawer (in `PrinterSaved` schema 2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrawerSettings {
    /// Pin 2 or 5.
    pub pin: u8,
    /// Pulse on (ms).
    pub on_ms: u16,
    /// Pulse off (ms).
    pub off_ms: u16,
    /// `DLE DC4` rather than `ESC p`.
    pub realtime: bool,
    /// A high sensor level means open.
    pub open_high: bool,
}

/// Why a drawer opened (in `DrawerOpened`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum DrawerReason {
    /// A cash payment.
    Sale {
        /// The order.
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
    /// No sale.
    NoSale {
        /// Why.
        note: String,
    },
}

impl Wire for DrawerReason {
    type Of = dp::DrawerReason;
    fn of(d: &dp::DrawerReason) -> DrawerReason {
        match d.clone() {
            dp::DrawerReason::Sale {
                order_id,
                payment_id,
            } => DrawerReason::Sale {
                order_id,
                payment_id,
            },
            dp::DrawerReason::Refund {
                order_id,
                refund_id,
            } => DrawerReason::Refund {
                order_id,
                refund_id,
            },
            dp::DrawerReason::NoSale { note } => DrawerReason::NoSale { note },
        }
    }
    fn domain(self) -> dp::DrawerReason {
        match self {
            DrawerReason::Sale {
                order_id,
                payment_id,
            } => dp::DrawerReason::Sale {
                order_id,
                payment_id,
            },
            DrawerReason::Refund {
                order_id,
                refund_id,
            } => dp::DrawerReason::Refund {
                order_id,
                refund_id,
            },
            DrawerReason::NoSale { note } => dp::DrawerReason::NoSale { note },
        }
    }
}

/// `DrawerOpened` (schema 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrawerOpened {
    /// The printer it is wired to.
    pub printer_id: PrinterId,
    /// Why.
    pub reason: DrawerReason,
    /// The approving manager.
    pub approved_by: Option<EmployeeId>,
    /// Why it did not open.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failed: Option<String>,
}

/// `ReceiptPrinted` (schema 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptPrinted {
    /// The receipt's job.
    pub receipt: String,
    /// The printer.
    pub printer_id: PrinterId,
    /// Printed as a copy.
    pub copy: bool,
    /// How it ended.
    pub outcome: TicketOutcome,
}

/// How a ticket ended (in `TicketPrinted`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum TicketOutcome {
    /// Confirmed.
    Printed,
    /// Maybe on paper.
    Unknown {
        /// What happened.
        reason: String,
    },
    /// Printed again on request.
    Reprinted,
}

impl Wire for TicketOutcome {
    type Of = dp::TicketOutcome;
    fn of(d: &dp::TicketOutcome) -> TicketOutcome {
        match d {
            dp::TicketOutcome::Printed => TicketOutcome::Printed,
            dp::TicketOutcome::Unknown { reason } => TicketOutcome::Unknown {
                reason: reason.clone(),
            },
            dp::TicketOutcome::Reprinted => TicketOutcome::Reprinted,
        }
    }
    fn domain(self) -> dp::TicketOutcome {
        match self {
            TicketOutcome::Printed => dp::TicketOutcome::Printed,
            TicketOutcome::Unknown { reason } => dp::TicketOutcome::Unknown { reason },
            TicketOutcome::Reprinted => dp::TicketOutcome::Reprinted,
        }
    }
}

/// `TicketPrinted` (schema 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketPrinted {
    /// The `OrderFired` event.
    pub fire: EventId,
    /// The station.
    pub station: String,
    /// The printer.
    pub printer_id: PrinterId,
    /// How it ended.
    pub outcome: TicketOutcome,
}

/// Which kitchen ticket (in the kitchen's events).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketRef {
    /// The kitchen notice's event.
    pub notice: EventId,
    /// The station.
    pub station: String,
}

/// A cook's step (in `KitchenMarked`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KitchenStep {
    /// Started.
    Started,
    /// Bumped.
    Bumped,
}

impl Wire for KitchenStep {
    type Of = dk::KitchenStep;
    fn of(d: &dk::KitchenStep) -> KitchenStep {
        match d {
            dk::KitchenStep::Started => KitchenStep::Started,
            dk::KitchenStep::Bumped => KitchenStep::Bumped,
        }
    }
    fn domain(self) -> dk::KitchenStep {
        match self {
            KitchenStep::Started => dk::KitchenStep::Started,
            KitchenStep::Bumped => dk::KitchenStep::Bumped,
        }
    }
}

/// `KitchenMarked` (schema 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KitchenMarked {
    /// The ticket.
    pub ticket: TicketRef,
    /// The item, when only one is meant.
    pub line_id: Option<LineId>,
    /// What the cook did.
    pub step: KitchenStep,
    /// The generation the screen saw.
    pub generation: u32,
}

/// `KitchenRecalled` (schema 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KitchenRecalled {
    /// The ticket.
    pub ticket: TicketRef,
    /// The item, when only one is meant.
    pub line_id: Option<LineId>,
    /// The generation the recall opens.
    pub generation: u32,
}

/// `KitchenRushed` (schema 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KitchenRushed {
    /// The ticket.
    pub ticket: TicketRef,
}

/// `CourseHeld` (schema 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CourseHeld {
    /// The course.
    pub course: u8,
    /// Its lines held.
    pub line_ids: Vec<LineId>,
}

/// `DeviceAddressSet` (schema 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceAddressSet {
    /// The device.
    pub device_id: DeviceId,
    /// Where it answers.
    pub address: String,
}

mirror! {
    OrderOpened = ev::OrderOpened { number, order_type }
    LineAdded = ev::LineAdded {
        line_id, item_id, name, unit_price, qty, modifiers, tax, note, seat, course
    }
    ChosenModifier = dc::ChosenModifier { group_id, modifier_id, name, price_delta }
    LineTax = dc::LineTax { rate_id, name, rate, inclusive }
    LineChanged = ev::LineChanged { line_id, change, approved_by }
    LineVoided = ev::LineVoided { line_id, reason, approved_by }
    OrderFired = ev::OrderFired { line_ids }
    OrderNoteSet = ev::OrderNoteSet { note }
    OrderTypeChanged = ev::OrderTypeChanged { order_type }
    DiscountApplied = ev::DiscountApplied { discount_id, target, amount, reason, approved_by }
    DiscountRemoved = ev::DiscountRemoved { discount_id }
    PaymentRecorded = ev::PaymentRecorded { payment_id, method, amount, tip, split }
    PaymentVoided = ev::PaymentVoided { payment_id, reason, approved_by }
    RefundIssued = ev::RefundIssued {
        refund_id, payment_id, amount, method, reason, approved_by
    }
    OverRefundAccepted = ev::OverRefundAccepted {
        payment_id, refunded, settlement, note, approved_by
    }
    OrderClosed = ev::OrderClosed { generation }
    OrderCancelled = ev::OrderCancelled { generation, reason, approved_by }
    CancelConfirmed = ev::CancelConfirmed { generation, line_ids, note, approved_by }
    OrderReopened = ev::OrderReopened { generation, reason, approved_by }
    Catalog = dc::Catalog { categories, items, modifier_groups, tax_rates }
    Category = dc::Category { id, name, color }
    Item = dc::Item {
        id, category_id, name, price, tax_rate_id, modifier_group_ids, barcode, available,
        stations
    }
    ModifierGroup = dc::ModifierGroup { id, name, min, max, modifiers }
    Modifier = dc::Modifier { id, name, price_delta }
    TaxRate = dc::TaxRate { id, name, rate, inclusive }
    EmployeeSaved = ev::EmployeeSaved { record, approved_by }
    EmployeeRecord = de::EmployeeRecord { employee_id, name, role, pin_hash, active }
    StoreSettings = de::StoreSettings {
        store_name, currency, cashier_discount_limit, card_tip_limit, kitchen_targets
    }
    KitchenTarget = de::KitchenTarget { station, order_type, warning_s, late_s }
    DevicePaired = dd::DevicePaired { device_id, terminal_no, name, token_hash, cert_fingerprint }
    DeviceRevoked = dd::DeviceRevoked { device_id }
    DeviceAddressSet = dd::DeviceAddressSet { device_id, address }
    PrinterSaved = dp::PrinterSaved {
        printer_id, name, node, connection, columns, code_page, code_page_number, status,
        stations, receipts, active, drawer, fallback_for
    }
    DrawerSettings = dp::DrawerSettings { pin, on_ms, off_ms, realtime, open_high }
    TicketPrinted = dp::TicketPrinted { fire, station, printer_id, outcome }
    ReceiptPrinted = dp::ReceiptPrinted { receipt, printer_id, copy, outcome }
    DrawerOpened = dp::DrawerOpened { printer_id, reason, approved_by, failed }
    TicketRef = dk::TicketRef { notice, station }
    KitchenMarked = dk::KitchenMarked { ticket, line_id, step, generation }
    KitchenRecalled = dk::KitchenRecalled { ticket, line_id, generation }
    KitchenRushed = dk::KitchenRushed { ticket }
    CourseHeld = dk::CourseHeld { course, line_ids }
}
