//! The types the API speaks in, in requests and in views, where the domain has a type of the same
//! name: how an order is served, how a payment was made, what a discount or a split is for; the
//! menu (`Catalog` and its `Category`, `Item`, `ModifierGroup`, `Modifier` and `TaxRate`); an
//! employee's `Role`; an order's `OrderStatus`. They look like the domain's today, but they are
//! the UI's contract (exported to TypeScript by ts-rs, described in the OpenAPI document), while
//! the domain's serde form is the projection's stored form: so the domain can change its own
//! without the UI or a browser on another version noticing, and a domain change that would change
//! the contract fails to compile here. Each converts from the domain's (`From<&domain>`) for views
//! and, where a request carries it, into it (`From<Self>`), field by field and variant by variant.

use comanda_domain::catalog as dcatalog;
use comanda_domain::employee as demployee;
use comanda_domain::event as dom;
use comanda_domain::ids::{CategoryId, ItemId, LineId, ModifierGroupId, ModifierId, TaxRateId};
use comanda_domain::money::{Money, Percent, Rate};
use comanda_domain::order as dorder;
use serde::{Deserialize, Serialize};

/// How an order is served.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
#[ts(export, export_to = "bindings/")]
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

impl From<&dom::OrderType> for OrderType {
    fn from(d: &dom::OrderType) -> OrderType {
        match d.clone() {
            dom::OrderType::DineIn { table, guests } => OrderType::DineIn { table, guests },
            dom::OrderType::Takeaway { name } => OrderType::Takeaway { name },
            dom::OrderType::Tab { name } => OrderType::Tab { name },
        }
    }
}

impl From<OrderType> for dom::OrderType {
    fn from(v: OrderType) -> dom::OrderType {
        match v {
            OrderType::DineIn { table, guests } => dom::OrderType::DineIn { table, guests },
            OrderType::Takeaway { name } => dom::OrderType::Takeaway { name },
            OrderType::Tab { name } => dom::OrderType::Tab { name },
        }
    }
}

/// How a payment was made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
#[ts(export, export_to = "bindings/")]
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

impl From<&dom::PaymentMethod> for PaymentMethod {
    fn from(d: &dom::PaymentMethod) -> PaymentMethod {
        match d.clone() {
            dom::PaymentMethod::Cash { tendered, change } => {
                PaymentMethod::Cash { tendered, change }
            }
            dom::PaymentMethod::Card { reference } => PaymentMethod::Card { reference },
        }
    }
}

/// What part of the bill a payment was for, when the bill is split.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
#[ts(export, export_to = "bindings/")]
pub enum SplitTarget {
    /// Everything on one seat.
    Seat(u8),
    /// These lines.
    Lines(Vec<LineId>),
    /// An even share: part `part` of `of`.
    Even {
        /// Which share, from 1.
        part: u8,
        /// Of how many.
        of: u8,
    },
}

impl From<&dom::SplitTarget> for SplitTarget {
    fn from(d: &dom::SplitTarget) -> SplitTarget {
        match d.clone() {
            dom::SplitTarget::Seat(s) => SplitTarget::Seat(s),
            dom::SplitTarget::Lines(l) => SplitTarget::Lines(l),
            dom::SplitTarget::Even { part, of } => SplitTarget::Even { part, of },
        }
    }
}

impl From<SplitTarget> for dom::SplitTarget {
    fn from(v: SplitTarget) -> dom::SplitTarget {
        match v {
            SplitTarget::Seat(s) => dom::SplitTarget::Seat(s),
            SplitTarget::Lines(l) => dom::SplitTarget::Lines(l),
            SplitTarget::Even { part, of } => dom::SplitTarget::Even { part, of },
        }
    }
}

/// How money went back to the customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
#[ts(export, export_to = "bindings/")]
pub enum RefundMethod {
    /// Cash from the drawer.
    Cash,
    /// Back to the card, on the external card terminal.
    Card {
        /// The card terminal's reference of the refund.
        reference: String,
    },
}

impl From<&dom::RefundMethod> for RefundMethod {
    fn from(d: &dom::RefundMethod) -> RefundMethod {
        match d.clone() {
            dom::RefundMethod::Cash => RefundMethod::Cash,
            dom::RefundMethod::Card { reference } => RefundMethod::Card { reference },
        }
    }
}

/// What a discount applies to.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema,
)]
#[serde(tag = "type", rename_all = "snake_case")]
#[ts(export, export_to = "bindings/")]
pub enum DiscountTarget {
    /// The whole order.
    Order,
    /// One line.
    Line {
        /// The line.
        line_id: LineId,
    },
}

impl From<&dom::DiscountTarget> for DiscountTarget {
    fn from(d: &dom::DiscountTarget) -> DiscountTarget {
        match *d {
            dom::DiscountTarget::Order => DiscountTarget::Order,
            dom::DiscountTarget::Line { line_id } => DiscountTarget::Line { line_id },
        }
    }
}

impl From<DiscountTarget> for dom::DiscountTarget {
    fn from(v: DiscountTarget) -> dom::DiscountTarget {
        match v {
            DiscountTarget::Order => dom::DiscountTarget::Order,
            DiscountTarget::Line { line_id } => dom::DiscountTarget::Line { line_id },
        }
    }
}

/// How much a discount takes off.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema,
)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
#[ts(export, export_to = "bindings/")]
pub enum DiscountAmount {
    /// A fixed amount.
    Fixed(Money),
    /// A share of what it applies to.
    Percent(Percent),
}

impl From<&dom::DiscountAmount> for DiscountAmount {
    fn from(d: &dom::DiscountAmount) -> DiscountAmount {
        match *d {
            dom::DiscountAmount::Fixed(m) => DiscountAmount::Fixed(m),
            dom::DiscountAmount::Percent(p) => DiscountAmount::Percent(p),
        }
    }
}

/// How refunds past their payment were settled.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
#[ts(export, export_to = "bindings/")]
pub enum OverRefundSettlement {
    /// The customer gave the excess back.
    Recovered,
    /// The excess is a loss the store accepts.
    WrittenOff,
}

impl From<OverRefundSettlement> for dom::OverRefundSettlement {
    fn from(v: OverRefundSettlement) -> dom::OverRefundSettlement {
        match v {
            OverRefundSettlement::Recovered => dom::OverRefundSettlement::Recovered,
            OverRefundSettlement::WrittenOff => dom::OverRefundSettlement::WrittenOff,
        }
    }
}

/// What an employee may do.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
#[ts(export, export_to = "bindings/")]
pub enum Role {
    /// Takes orders and payments.
    Cashier,
    /// Everything a cashier does, and approves voids of sent lines, big discounts and reopens.
    Manager,
}

impl From<&demployee::Role> for Role {
    fn from(d: &demployee::Role) -> Role {
        match *d {
            demployee::Role::Cashier => Role::Cashier,
            demployee::Role::Manager => Role::Manager,
        }
    }
}

impl From<Role> for demployee::Role {
    fn from(v: Role) -> demployee::Role {
        match v {
            Role::Cashier => demployee::Role::Cashier,
            Role::Manager => demployee::Role::Manager,
        }
    }
}

/// The status people see, derived from the lifecycle and the balance.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
#[ts(export, export_to = "bindings/")]
pub enum OrderStatus {
    /// Open for items and payments.
    Open,
    /// Closed and settled.
    Closed,
    /// Cancelled.
    Cancelled,
}

impl From<&dorder::OrderStatus> for OrderStatus {
    fn from(d: &dorder::OrderStatus) -> OrderStatus {
        match *d {
            dorder::OrderStatus::Open => OrderStatus::Open,
            dorder::OrderStatus::Closed => OrderStatus::Closed,
            dorder::OrderStatus::Cancelled => OrderStatus::Cancelled,
        }
    }
}

/// The whole menu of a store, published as one event (`CatalogPublished`): the latest by agreed
/// order is the menu in force. Orders keep a snapshot of what they sold, so a menu change never
/// changes a past order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[ts(export, export_to = "bindings/")]
pub struct Catalog {
    /// Categories in display order.
    pub categories: Vec<Category>,
    /// Items in display order within their category.
    pub items: Vec<Item>,
    /// Modifier groups, referenced by items.
    pub modifier_groups: Vec<ModifierGroup>,
    /// Tax rates, referenced by items.
    pub tax_rates: Vec<TaxRate>,
}

impl From<&dcatalog::Catalog> for Catalog {
    fn from(d: &dcatalog::Catalog) -> Catalog {
        let dcatalog::Catalog {
            categories,
            items,
            modifier_groups,
            tax_rates,
        } = d;
        Catalog {
            categories: categories.iter().map(Category::from).collect(),
            items: items.iter().map(Item::from).collect(),
            modifier_groups: modifier_groups.iter().map(ModifierGroup::from).collect(),
            tax_rates: tax_rates.iter().map(TaxRate::from).collect(),
        }
    }
}

/// A menu category ("Burgers", "Drinks").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[ts(export, export_to = "bindings/")]
pub struct Category {
    /// Its id.
    pub id: CategoryId,
    /// Its name on the tab.
    pub name: String,
    /// A CSS colour for its tiles, e.g. `#c0392b`.
    pub color: String,
}

impl From<&dcatalog::Category> for Category {
    fn from(d: &dcatalog::Category) -> Category {
        let dcatalog::Category { id, name, color } = d;
        Category {
            id: *id,
            name: name.clone(),
            color: color.clone(),
        }
    }
}

/// A thing that can be sold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[ts(export, export_to = "bindings/")]
pub struct Item {
    /// Its id.
    pub id: ItemId,
    /// The category it is listed under.
    pub category_id: CategoryId,
    /// Its name on the tile, the order and the receipt.
    pub name: String,
    /// Its price before modifiers; includes tax when its rate is inclusive.
    pub price: Money,
    /// The tax rate that applies.
    pub tax_rate_id: TaxRateId,
    /// Modifier groups offered with it, in the order they are asked.
    pub modifier_group_ids: Vec<ModifierGroupId>,
    /// A barcode (EAN/UPC or any code a scanner types), if it has one.
    pub barcode: Option<String>,
    /// False when it is off the menu (86'd): it cannot be added.
    pub available: bool,
    /// The kitchen stations that make it; none: it prints nowhere.
    pub stations: Vec<String>,
}

impl From<&dcatalog::Item> for Item {
    fn from(d: &dcatalog::Item) -> Item {
        let dcatalog::Item {
            id,
            category_id,
            name,
            price,
            tax_rate_id,
            modifier_group_ids,
            barcode,
            available,
            stations,
        } = d;
        Item {
            id: *id,
            category_id: *category_id,
            name: name.clone(),
            price: *price,
            tax_rate_id: *tax_rate_id,
            modifier_group_ids: modifier_group_ids.clone(),
            barcode: barcode.clone(),
            available: *available,
            stations: stations.clone(),
        }
    }
}

/// A group of modifiers with its rule: choose at least `min` and at most `max`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[ts(export, export_to = "bindings/")]
pub struct ModifierGroup {
    /// Its id.
    pub id: ModifierGroupId,
    /// Its name ("Cooking", "Extras").
    pub name: String,
    /// The fewest choices; `min >= 1` makes the group required.
    pub min: u32,
    /// The most choices.
    pub max: u32,
    /// The choices.
    pub modifiers: Vec<Modifier>,
}

impl From<&dcatalog::ModifierGroup> for ModifierGroup {
    fn from(d: &dcatalog::ModifierGroup) -> ModifierGroup {
        let dcatalog::ModifierGroup {
            id,
            name,
            min,
            max,
            modifiers,
        } = d;
        ModifierGroup {
            id: *id,
            name: name.clone(),
            min: *min,
            max: *max,
            modifiers: modifiers.iter().map(Modifier::from).collect(),
        }
    }
}

/// One choice within a group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[ts(export, export_to = "bindings/")]
pub struct Modifier {
    /// Its id.
    pub id: ModifierId,
    /// Its name ("Medium rare", "Extra cheese").
    pub name: String,
    /// What it adds to the unit price (may be negative: "No cheese −0.50").
    pub price_delta: Money,
}

impl From<&dcatalog::Modifier> for Modifier {
    fn from(d: &dcatalog::Modifier) -> Modifier {
        let dcatalog::Modifier {
            id,
            name,
            price_delta,
        } = d;
        Modifier {
            id: *id,
            name: name.clone(),
            price_delta: *price_delta,
        }
    }
}

/// A tax rate. Inclusive rates are already in the price (VAT style); exclusive rates are added
/// on top (sales-tax style).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[ts(export, export_to = "bindings/")]
pub struct TaxRate {
    /// Its id.
    pub id: TaxRateId,
    /// Its name on the receipt ("VAT 10%").
    pub name: String,
    /// The rate.
    pub rate: Rate,
    /// True when prices already include it.
    pub inclusive: bool,
}

impl From<&dcatalog::TaxRate> for TaxRate {
    fn from(d: &dcatalog::TaxRate) -> TaxRate {
        let dcatalog::TaxRate {
            id,
            name,
            rate,
            inclusive,
        } = d;
        TaxRate {
            id: *id,
            name: name.clone(),
            rate: *rate,
            inclusive: *inclusive,
        }
    }
}
