//! The small enums the API speaks in, in requests and in views: how an order is served, how a
//! payment was made, what a discount or a split is for. They look like the domain's enums of the
//! same names today, but they are the UI's contract (exported to TypeScript by ts-rs, described
//! in the OpenAPI document), so the domain can change its own without the UI or a browser on
//! another version noticing. Each converts from the domain's (`From<&domain>`) for views and
//! into it (`From<Self>`) for requests.

use comanda_domain::event as dom;
use comanda_domain::ids::LineId;
use comanda_domain::money::{Money, Percent};
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
