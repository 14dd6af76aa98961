//! What the UI sees: DTOs built from domain state, apart from the domain types so a refactor of
//! the domain cannot break the UI or a browser on another version (conventions.md 17).

use std::collections::BTreeMap;

use comanda_domain::catalog as dcatalog;
use comanda_domain::employee::EmployeeRecord;
use comanda_domain::event::OrderType as DomainOrderType;
use comanda_domain::ids::{
    DeviceId, DiscountId, EmployeeId, EventId, ItemId, LineId, ModifierGroupId, ModifierId,
    OrderId, PaymentId, RefundId, StoreId, TaxRateId,
};
use comanda_domain::money::{Money, Rate};
use comanda_domain::order::{self as dorder, OrderState, Stamp, Totals};
use comanda_domain::printer::TicketOutcome;
use serde::{Deserialize, Serialize};

use crate::shapes::{
    Catalog, DiscountAmount, DiscountTarget, OrderStatus, OrderType, PaymentMethod, RefundMethod,
    Role, SplitTarget,
};

/// Who did something and when, with the employee's name resolved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[ts(export, export_to = "bindings/")]
pub struct StampView {
    /// Unix ms.
    #[ts(type = "number")]
    pub at_ms: u64,
    /// The employee's name, or "system".
    pub by: String,
}

/// An employee as the UI sees them (never their PIN or its hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[ts(export, export_to = "bindings/")]
pub struct EmployeeView {
    /// Id.
    pub employee_id: EmployeeId,
    /// Name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// Can sign in.
    pub active: bool,
}

impl From<&EmployeeRecord> for EmployeeView {
    fn from(r: &EmployeeRecord) -> Self {
        EmployeeView {
            employee_id: r.employee_id,
            name: r.name.clone(),
            role: Role::from(&r.role),
            active: r.active,
        }
    }
}

/// A line of an order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[ts(export, export_to = "bindings/")]
pub struct LineView {
    /// Id.
    pub line_id: LineId,
    /// Menu item.
    pub item_id: ItemId,
    /// Name.
    pub name: String,
    /// Quantity.
    pub qty: u32,
    /// Base price.
    pub unit_price: Money,
    /// Price of one with modifiers.
    pub unit_total: Money,
    /// Modifiers.
    pub modifiers: Vec<ChosenModifier>,
    /// Note.
    pub note: Option<String>,
    /// Seat.
    pub seat: Option<u8>,
    /// Course.
    pub course: Option<u8>,
    /// Sent to the kitchen.
    pub fired: bool,
    /// Held for its course: the kitchen sees it coming; "Fire course N" sends it.
    pub held: bool,
    /// The guest's allergy, if said.
    pub allergy: Option<String>,
    /// Added by whom and when.
    pub added: StampView,
    /// Set when voided.
    pub voided: Option<VoidView>,
    /// Money of the line (absent when voided).
    pub amounts: Option<LineAmounts>,
}

/// How a line or a payment was voided, or an order cancelled: why, who, when, and the manager
/// who approved it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[ts(export, export_to = "bindings/")]
pub struct VoidView {
    /// Why.
    pub reason: String,
    /// By whom and when.
    pub stamp: StampView,
    /// Approving manager's name.
    pub approved_by: Option<String>,
}

/// A discount.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[ts(export, export_to = "bindings/")]
pub struct DiscountView {
    /// Id.
    pub discount_id: DiscountId,
    /// Order or line.
    pub target: DiscountTarget,
    /// Fixed or percent.
    pub amount: DiscountAmount,
    /// Why.
    pub reason: String,
    /// Approving manager's name.
    pub approved_by: Option<String>,
    /// By whom and when.
    pub stamp: StampView,
}

/// A payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[ts(export, export_to = "bindings/")]
pub struct PaymentView {
    /// Id.
    pub payment_id: PaymentId,
    /// How.
    pub method: PaymentMethod,
    /// Applied to the balance.
    pub amount: Money,
    /// Tip.
    pub tip: Money,
    /// Split part.
    pub split: Option<SplitTarget>,
    /// By whom and when.
    pub stamp: StampView,
    /// Set when voided: why, who, and the approving manager.
    pub voided: Option<VoidView>,
    /// What is left to refund of it (zero once voided or fully refunded).
    pub refundable: Money,
}

/// A refund.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[ts(export, export_to = "bindings/")]
pub struct RefundView {
    /// Id.
    pub refund_id: RefundId,
    /// The payment refunded.
    pub payment_id: PaymentId,
    /// How much.
    pub amount: Money,
    /// How the money went back (`null`: as the payment came in, on old events).
    pub method: Option<RefundMethod>,
    /// Why.
    pub reason: String,
    /// By whom and when.
    pub stamp: StampView,
    /// The approving manager's name.
    pub approved_by: Option<String>,
}

/// An action a manager approved: the order's audit trail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[ts(export, export_to = "bindings/")]
pub struct ApprovalView {
    /// What was done, in words: "Line voided", "Payment voided", "Discount"…
    pub action: String,
    /// What it was about: "Burger", "payment of 12.00", "10% off the order".
    pub detail: String,
    /// Who did it, and when.
    pub stamp: StampView,
    /// The approving manager's name.
    pub approved_by: String,
}

/// The totals of an order, as the UI sees them: the per-line amounts are on each line instead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[ts(export, export_to = "bindings/")]
pub struct TotalsView {
    /// Sum of live lines' gross.
    pub subtotal: Money,
    /// All discounts (line and order).
    pub discount: Money,
    /// Tax already inside prices.
    pub tax_included: Money,
    /// Tax added on top.
    pub tax_added: Money,
    /// What the customer owes in all.
    pub total: Money,
    /// Payments not voided.
    pub paid: Money,
    /// Refunds given.
    pub refunded: Money,
    /// Refunds past their payment that a manager settled.
    pub over_refund_settled: Money,
    /// Tips (not part of the balance).
    pub tips: Money,
    /// `total − paid + refunded − over_refund_settled` (0 for a cancelled order).
    pub balance: Money,
    /// Per tax rate.
    pub taxes: Vec<TaxLine>,
}

impl From<Totals> for TotalsView {
    fn from(t: Totals) -> Self {
        TotalsView {
            subtotal: t.subtotal,
            discount: t.discount,
            tax_included: t.tax_included,
            tax_added: t.tax_added,
            total: t.total,
            paid: t.paid,
            refunded: t.refunded,
            over_refund_settled: t.over_refund_settled,
            tips: t.tips,
            balance: t.balance,
            taxes: t.taxes.iter().map(TaxLine::from).collect(),
        }
    }
}

/// A modifier as chosen on a line, copied from the catalog when chosen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[ts(export, export_to = "bindings/")]
pub struct ChosenModifier {
    /// The group it was chosen in.
    pub group_id: ModifierGroupId,
    /// The modifier.
    pub modifier_id: ModifierId,
    /// Its name at the time.
    pub name: String,
    /// Its price delta at the time.
    pub price_delta: Money,
}

impl From<&dcatalog::ChosenModifier> for ChosenModifier {
    fn from(m: &dcatalog::ChosenModifier) -> Self {
        ChosenModifier {
            group_id: m.group_id,
            modifier_id: m.modifier_id,
            name: m.name.clone(),
            price_delta: m.price_delta,
        }
    }
}

/// The money of one live line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[ts(export, export_to = "bindings/")]
pub struct LineAmounts {
    /// The line.
    pub line_id: LineId,
    /// `unit price with modifiers × qty`.
    pub gross: Money,
    /// Line discounts plus its share of order discounts.
    pub discount: Money,
    /// What the line is sold for: `gross − discount` (tax included if its rate is inclusive).
    pub net: Money,
    /// Its share of its rate's tax.
    pub tax: Money,
    /// What the customer pays for it: `net`, plus `tax` when the rate is exclusive.
    pub total: Money,
}

impl From<&dorder::LineAmounts> for LineAmounts {
    fn from(a: &dorder::LineAmounts) -> Self {
        LineAmounts {
            line_id: a.line_id,
            gross: a.gross,
            discount: a.discount,
            net: a.net,
            tax: a.tax,
            total: a.total,
        }
    }
}

/// One tax rate's total.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[ts(export, export_to = "bindings/")]
pub struct TaxLine {
    /// The rate.
    pub rate_id: TaxRateId,
    /// Its name.
    pub name: String,
    /// The rate.
    pub rate: Rate,
    /// Included in prices or added.
    pub inclusive: bool,
    /// The amount taxed (net of discounts; tax included when inclusive).
    pub base: Money,
    /// The tax.
    pub tax: Money,
}

impl From<&dorder::TaxLine> for TaxLine {
    fn from(t: &dorder::TaxLine) -> Self {
        TaxLine {
            rate_id: t.rate_id,
            name: t.name.clone(),
            rate: t.rate,
            inclusive: t.inclusive,
            base: t.base,
            tax: t.tax,
        }
    }
}

/// Something about an order that the merge rules cannot settle alone (order-model.md, conflict
/// policy table). Derived from the state, so every node derives the same list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
#[ts(export, export_to = "bindings/")]
pub enum Conflict {
    /// The order was closed, but items were added (on another terminal) or a payment voided:
    /// it is open again with this balance due.
    BalanceDueAfterClose {
        /// What is now due.
        balance: Money,
    },
    /// More was paid than the order's total (two terminals took payment): this much is owed
    /// back to the customer.
    Overpaid {
        /// The excess.
        amount: Money,
    },
    /// The order was cancelled after money was taken: this much must be refunded.
    RefundDue {
        /// The net amount still held.
        amount: Money,
    },
    /// Refunds against one payment exceed it (two offline terminals refunded it): both refunds
    /// stand (the cash has left the drawer); the excess is for a manager to settle.
    OverRefund {
        /// The payment.
        payment_id: PaymentId,
        /// What the payment was.
        paid: Money,
        /// What was refunded against it.
        refunded: Money,
    },
    /// The order is cancelled, but the kitchen has lines of it the cancel did not cover: fired
    /// before a cancel no manager approved, or fired (on another terminal) after it. A manager
    /// confirms the cancel (those lines are waste) or rejects it (reopens the order).
    CancelledWhileCooking {
        /// The lines the kitchen has, in the order's line order.
        lines: Vec<LineId>,
    },
    /// An event referred to a line, payment or discount this node does not hold (yet).
    MissingReference {
        /// The event.
        event_id: EventId,
        /// Its kind.
        kind: String,
        /// What it referred to.
        missing: String,
    },
    /// The order's events do not include its `OrderOpened` (yet).
    MissingOpen,
    /// An event of another stream or kind was found among this order's events.
    ForeignEvent {
        /// The event.
        event_id: EventId,
    },
}

impl From<&dorder::Conflict> for Conflict {
    fn from(c: &dorder::Conflict) -> Self {
        use dorder::Conflict as D;
        match c.clone() {
            D::BalanceDueAfterClose { balance } => Conflict::BalanceDueAfterClose { balance },
            D::Overpaid { amount } => Conflict::Overpaid { amount },
            D::RefundDue { amount } => Conflict::RefundDue { amount },
            D::OverRefund {
                payment_id,
                paid,
                refunded,
            } => Conflict::OverRefund {
                payment_id,
                paid,
                refunded,
            },
            D::CancelledWhileCooking { lines } => Conflict::CancelledWhileCooking { lines },
            D::MissingReference {
                event_id,
                kind,
                missing,
            } => Conflict::MissingReference {
                event_id,
                kind,
                missing,
            },
            D::MissingOpen => Conflict::MissingOpen,
            D::ForeignEvent { event_id } => Conflict::ForeignEvent { event_id },
        }
    }
}

/// The conflicts of an order, as views show them.
pub fn conflicts_of(cs: &[dorder::Conflict]) -> Vec<Conflict> {
    cs.iter().map(Conflict::from).collect()
}

/// What is still due per seat, for splitting by seat.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[ts(export, export_to = "bindings/")]
pub struct SeatDue {
    /// The seat.
    pub seat: u8,
    /// Still due for it.
    pub due: Money,
}

/// An order, whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[ts(export, export_to = "bindings/")]
pub struct OrderView {
    /// Id.
    pub order_id: OrderId,
    /// Short number.
    pub number: u32,
    /// How many events the order holds on this terminal: only grows, so a screen knows whether
    /// a change it hears of is newer than the view it has.
    pub version: u32,
    /// Status people see.
    pub status: OrderStatus,
    /// Reopen generation (0 until reopened).
    pub generation: u32,
    /// Table, takeaway or tab.
    pub order_type: Option<OrderType>,
    /// A label for lists: "Table 4", "Tab · Sam", "Takeaway".
    pub label: String,
    /// Note.
    pub note: Option<String>,
    /// Opened by whom and when.
    pub opened: Option<StampView>,
    /// When it last changed (Unix ms, the wall time of its latest event).
    #[ts(type = "number")]
    pub updated_ms: u64,
    /// Closed by whom and when.
    pub closed: Option<StampView>,
    /// Cancelled: why, by whom, when, approved by whom.
    pub cancelled: Option<VoidView>,
    /// Lines (voided included, marked).
    pub lines: Vec<LineView>,
    /// Discounts in force.
    pub discounts: Vec<DiscountView>,
    /// Payments (voided included, marked).
    pub payments: Vec<PaymentView>,
    /// Refunds.
    pub refunds: Vec<RefundView>,
    /// What the customer is owed back: more paid than owed on an open order, or money held on a
    /// cancelled one. A manager settles it with `refund_payment`.
    pub refund_due: Money,
    /// Every action a manager approved, in order.
    pub approvals: Vec<ApprovalView>,
    /// Totals (each line's own amounts are on the line).
    pub totals: TotalsView,
    /// Due per seat, for seats in use.
    pub seats: Vec<SeatDue>,
    /// Conflicts for a person to settle.
    pub conflicts: Vec<Conflict>,
    /// Its kitchen tickets, as the terminals that print them said (one per fire and station).
    pub tickets: Vec<TicketView>,
    /// Kitchen tickets no printing terminal has told of yet (none when the store has no
    /// printers): printing, waiting for a printer, or on a terminal out of reach.
    pub waiting: Vec<WaitingTicketView>,
    /// Its customer receipts, as the terminals that printed them said.
    pub receipts: Vec<ReceiptView>,
}

/// A customer receipt of an order: "Receipt ✓ printed", "Copy ✓ printed".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[ts(export, export_to = "bindings/")]
pub struct ReceiptView {
    /// A copy (it printed REPRINT).
    pub copy: bool,
    /// `printed`, `reprinted`, or `unknown` (it may not have printed).
    pub outcome: String,
    /// Why it is unknown.
    pub reason: Option<String>,
    /// When the printing terminal said so.
    pub at_ms: u64,
}

/// A kitchen ticket not told of yet: "grill ⏳ Kitchen printer".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[ts(export, export_to = "bindings/")]
pub struct WaitingTicketView {
    /// The station ("grill").
    pub station: String,
    /// The printer that takes it; `None`: no printer takes this station (nothing will print).
    pub printer: Option<String>,
    /// Since when it is awaited (Unix ms).
    #[ts(type = "number")]
    pub since_ms: u64,
    /// Why it is not printed yet, when its printer is on this terminal and said why ("the
    /// printer is out of paper").
    pub problem: Option<String>,
}

/// What an order's view needs to say which kitchen tickets are still awaited.
pub struct Printing<'a> {
    /// The menu in force (an item's stations).
    pub catalog: &'a dcatalog::Catalog,
    /// The printers (a station's printer).
    pub printers:
        &'a BTreeMap<comanda_domain::ids::PrinterId, comanda_domain::printer::PrinterSaved>,
    /// Why a job of this terminal has not printed, by its id (`None`: no such job failed).
    pub why_failed: &'a dyn Fn(&str) -> Option<String>,
}

impl Printing<'_> {
    /// The tickets of `o` still awaited; none when the store prints nothing.
    pub fn waiting(&self, o: &OrderState) -> Vec<WaitingTicketView> {
        if self.printers.is_empty() {
            return Vec::new();
        }
        comanda_domain::printer::awaited_tickets(o, self.catalog)
            .into_iter()
            .map(|a| {
                let job = comanda_domain::printer::ticket_job(a.event, &a.station);
                WaitingTicketView {
                    printer: comanda_domain::printer::printer_for(self.printers, &a.station)
                        .map(|p| p.name.clone()),
                    problem: (self.why_failed)(&job),
                    station: a.station,
                    since_ms: a.since_ms,
                }
            })
            .collect()
    }
}

/// A kitchen ticket of an order: "sent to grill ✓".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[ts(export, export_to = "bindings/")]
pub struct TicketView {
    /// The station ("grill").
    pub station: String,
    /// `printed`, `reprinted`, or `unknown` (it may not have printed: someone decides at the
    /// printer's terminal).
    pub outcome: String,
    /// Why it is unknown.
    pub reason: Option<String>,
    /// When the printing terminal said so.
    pub at_ms: u64,
}

/// An order in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[ts(export, export_to = "bindings/")]
pub struct OrderSummaryView {
    /// Id.
    pub order_id: OrderId,
    /// Short number.
    pub number: u32,
    /// Status.
    pub status: OrderStatus,
    /// "Table 4", "Tab · Sam", "Takeaway".
    pub label: String,
    /// Total.
    pub total: Money,
    /// Balance due.
    pub balance: Money,
    /// Live lines.
    pub line_count: u32,
    /// Conflicts to settle.
    pub conflict_count: u32,
    /// Opened at (Unix ms).
    #[ts(type = "number")]
    pub opened_ms: u64,
    /// Last change (Unix ms).
    #[ts(type = "number")]
    pub updated_ms: u64,
}

/// The sync state shown on the status badge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[ts(export, export_to = "bindings/")]
pub struct SyncStatusView {
    /// `not_paired`, `online`, `syncing`, `offline` or `must_pair`.
    pub state: String,
    /// The badge's words, e.g. "Offline — orders are kept here…".
    pub label: String,
    /// Events made here that no peer is known to hold yet.
    pub waiting: u32,
    /// When the oldest of them was saved (Unix ms).
    #[ts(type = "number | null")]
    pub oldest_ms: Option<u64>,
    /// Joined a store.
    pub paired: bool,
    /// This terminal's number in the store (0 before pairing).
    pub terminal_no: u32,
    /// The peers this terminal syncs with.
    pub peers: Vec<PeerView>,
    /// Events from other terminals put aside for being stamped too far ahead of this clock.
    pub deferred: u32,
    /// Events from a newer version of Comanda, kept until an update can read them.
    pub held_newer: u32,
    /// Events refused or unreadable, waiting for a manager to look (dead letters).
    pub refused: u32,
    /// When a peer's clock is more than 5 minutes off this one's: by how much (ms).
    #[ts(type = "number | null")]
    pub clock_skew_ms: Option<u64>,
    /// Where the store's hub this terminal hosts answers (`https://192.168.1.21:8788`), when it
    /// hosts one: what other terminals pair with.
    pub hub_address: Option<String>,
    /// Why the hub this terminal should host is not running (its port taken…), when it is not.
    pub hub_error: Option<String>,
    /// This terminal's TLS certificate as peers pin it, shortened (`3f2a-91c0-7d4e-02b8`), once
    /// paired: to compare with what the hub lists.
    pub certificate: Option<String>,
}

/// A peer on the sync badge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[ts(export, export_to = "bindings/")]
pub struct PeerView {
    /// Its device id.
    pub peer_id: DeviceId,
    /// Its name ("Hub").
    pub name: String,
    /// Where it answers.
    pub address: String,
    /// `online`, `retrying`, `offline` (the circuit is open), `must_pair` or `connecting`.
    pub state: String,
    /// When the next try is due (Unix ms), while failing.
    #[ts(type = "number | null")]
    pub next_try_ms: Option<u64>,
    /// The last exchange that went through (Unix ms).
    #[ts(type = "number | null")]
    pub last_ok_ms: Option<u64>,
    /// Why the last exchange failed, if it did after the last success.
    pub last_error: Option<String>,
    /// Its clock minus this terminal's (ms).
    #[ts(type = "number | null")]
    pub skew_ms: Option<i64>,
    /// The certificate pinned for it, shortened (`3f2a-91c0-7d4e-02b8`); `None`: none pinned
    /// (paired before certificates were), so this terminal does not ask it.
    pub certificate: Option<String>,
}

/// This terminal and its store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[ts(export, export_to = "bindings/")]
pub struct TerminalView {
    /// The store's name.
    pub store_name: String,
    /// ISO 4217 currency of prices.
    pub currency: String,
    /// The largest discount a cashier gives alone, in basis points.
    pub cashier_discount_limit_bp: u32,
    /// This device.
    pub device_id: DeviceId,
    /// Its store.
    pub store_id: StoreId,
    /// Sync state.
    pub sync: SyncStatusView,
    /// The terminal's clock (Unix ms), so screens can show ages without trusting their own.
    #[ts(type = "number")]
    pub now_ms: u64,
    /// Nobody on the staff list is active (a terminal installed without the demo): the sign-in
    /// screen offers the first-run setup instead of the PIN pad.
    pub needs_setup: bool,
}

/// Everything the counter needs to start: the terminal and the menu.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[ts(export, export_to = "bindings/")]
pub struct BootstrapView {
    /// The terminal.
    pub terminal: TerminalView,
    /// The menu.
    pub catalog: Catalog,
}

/// A signed-in session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[ts(export, export_to = "bindings/")]
pub struct SessionView {
    /// Send as `Authorization: Bearer <token>` (HTTP) or `token` (desktop).
    pub token: String,
    /// Who signed in.
    pub employee: EmployeeView,
}

/// Resolves employee ids to names for views.
pub struct Names<'a>(pub &'a BTreeMap<EmployeeId, EmployeeRecord>);

impl Names<'_> {
    /// The employee's name, "system" for none, "unknown" for an id not on the list.
    pub fn of(&self, id: Option<EmployeeId>) -> String {
        match id {
            None => "system".into(),
            Some(id) => self
                .0
                .get(&id)
                .map(|r| r.name.clone())
                .unwrap_or_else(|| "unknown".into()),
        }
    }
    /// A stamp with the name resolved.
    pub fn stamp(&self, s: &Stamp) -> StampView {
        StampView {
            at_ms: s.at_ms,
            by: self.of(s.by),
        }
    }
}

impl OrderView {
    /// Builds the view of an order.
    pub fn build(
        o: &OrderState,
        conflicts: &[dorder::Conflict],
        names: &Names<'_>,
        printing: Option<&Printing<'_>>,
    ) -> OrderView {
        let mut totals = o.totals();
        let status = o.status_with(&totals);
        let seats = o
            .seat_dues(&totals)
            .into_iter()
            .map(|(seat, due)| SeatDue { seat, due })
            .collect();
        // `totals.lines` holds the live lines in the order of `o.lines`: walked side by side,
        // never searched (a 500-line order stays linear).
        let mut amounts = std::mem::take(&mut totals.lines).into_iter().peekable();
        let lines = o
            .lines
            .iter()
            .map(|l| LineView {
                line_id: l.line_id,
                item_id: l.item_id,
                name: l.name.clone(),
                qty: l.qty.get(),
                unit_price: l.unit_price,
                unit_total: l.unit_total(),
                modifiers: l.modifiers.iter().map(ChosenModifier::from).collect(),
                note: l.note.clone(),
                seat: l.seat,
                course: l.course,
                fired: l.fired,
                held: o.holds(l),
                allergy: l.allergy.clone(),
                added: names.stamp(&l.added),
                voided: l.voided.as_ref().map(|v| VoidView {
                    reason: v.reason.clone(),
                    stamp: names.stamp(&v.stamp),
                    approved_by: v.approved_by.map(|a| names.of(Some(a))),
                }),
                amounts: if l.is_live() {
                    amounts
                        .next_if(|a| a.line_id == l.line_id)
                        .map(|a| LineAmounts::from(&a))
                } else {
                    None
                },
            })
            .collect();
        OrderView {
            order_id: o.order_id,
            number: o.number,
            version: o.event_count,
            status: OrderStatus::from(&status),
            generation: o.lifecycle.generation,
            order_type: o.order_type.as_ref().map(OrderType::from),
            label: DomainOrderType::label_of(o.order_type.as_ref()),
            note: o.note.clone(),
            opened: o.opened.as_ref().map(|s| names.stamp(s)),
            updated_ms: o.last_key.map_or(0, |k| k.0.wall_ms),
            closed: o
                .closed
                .as_ref()
                .filter(|_| status == dorder::OrderStatus::Closed)
                .map(|s| names.stamp(s)),
            cancelled: o
                .cancelled
                .as_ref()
                .filter(|_| status == dorder::OrderStatus::Cancelled)
                .map(|c| VoidView {
                    reason: c.reason.clone(),
                    stamp: names.stamp(&c.stamp),
                    approved_by: c.approved_by.map(|a| names.of(Some(a))),
                }),
            lines,
            discounts: o
                .discounts
                .iter()
                .filter(|d| !d.removed)
                .map(|d| DiscountView {
                    discount_id: d.discount_id,
                    target: (&d.target).into(),
                    amount: (&d.amount).into(),
                    reason: d.reason.clone(),
                    approved_by: d.approved_by.map(|a| names.of(Some(a))),
                    stamp: names.stamp(&d.stamp),
                })
                .collect(),
            payments: o
                .payments
                .iter()
                .map(|p| PaymentView {
                    payment_id: p.payment_id,
                    method: (&p.method).into(),
                    amount: p.amount,
                    tip: p.tip,
                    split: p.split.as_ref().map(SplitTarget::from),
                    stamp: names.stamp(&p.stamp),
                    voided: p.voided.as_ref().map(|v| VoidView {
                        reason: v.reason.clone(),
                        stamp: names.stamp(&v.stamp),
                        approved_by: v.approved_by.map(|a| names.of(Some(a))),
                    }),
                    refundable: o.refundable(p.payment_id),
                })
                .collect(),
            refunds: o
                .refunds
                .iter()
                .map(|r| RefundView {
                    refund_id: r.refund_id,
                    payment_id: r.payment_id,
                    amount: r.amount,
                    method: r.method.as_ref().map(RefundMethod::from),
                    reason: r.reason.clone(),
                    stamp: names.stamp(&r.stamp),
                    approved_by: r.approved_by.map(|a| names.of(Some(a))),
                })
                .collect(),
            refund_due: o.refund_due_with(&totals),
            approvals: o
                .approvals
                .iter()
                .map(|a| ApprovalView {
                    action: action_words(&a.kind).to_owned(),
                    detail: a.detail.clone(),
                    stamp: names.stamp(&a.stamp),
                    approved_by: names.of(Some(a.approved_by)),
                })
                .collect(),
            totals: totals.into(),
            seats,
            conflicts: conflicts_of(conflicts),
            tickets: o
                .tickets
                .iter()
                .map(|t| {
                    let (outcome, reason) = outcome_words(&t.outcome);
                    TicketView {
                        station: t.station.clone(),
                        outcome: outcome.into(),
                        reason,
                        at_ms: t.stamp.at_ms,
                    }
                })
                .collect(),
            waiting: printing.map(|p| p.waiting(o)).unwrap_or_default(),
            receipts: o
                .receipts
                .iter()
                .map(|r| {
                    let (outcome, reason) = outcome_words(&r.outcome);
                    ReceiptView {
                        copy: r.copy,
                        outcome: outcome.into(),
                        reason,
                        at_ms: r.stamp.at_ms,
                    }
                })
                .collect(),
        }
    }
}

/// A printing outcome in the views' words, with the reason of an unknown one.
fn outcome_words(o: &TicketOutcome) -> (&'static str, Option<String>) {
    match o {
        TicketOutcome::Printed => ("printed", None),
        TicketOutcome::Reprinted => ("reprinted", None),
        TicketOutcome::Unknown { reason } => ("unknown", Some(reason.clone())),
    }
}

/// The words for an approved event's kind, as a manager reads the audit.
pub(crate) fn action_words(kind: &str) -> &'static str {
    match kind {
        "LineVoided" => "Line voided",
        "LineChanged" => "Line changed",
        "DiscountApplied" => "Discount",
        "PaymentVoided" => "Payment voided",
        "RefundIssued" => "Refund",
        "OrderCancelled" => "Order cancelled",
        "OrderReopened" => "Order reopened",
        "OverRefundAccepted" => "Over-refund settled",
        "CancelConfirmed" => "Cancel confirmed (waste)",
        "EmployeeSaved" => "Staff change",
        "DrawerOpened" => "Drawer opened (no sale)",
        _ => "Approved",
    }
}

impl From<comanda_store::OrderSummary> for OrderSummaryView {
    fn from(s: comanda_store::OrderSummary) -> Self {
        OrderSummaryView {
            order_id: s.order_id,
            number: s.number,
            status: OrderStatus::from(&s.status),
            label: s.label,
            total: Money::from_minor(s.total),
            balance: Money::from_minor(s.balance),
            line_count: s.line_count,
            conflict_count: s.conflict_count,
            opened_ms: s.opened_ms,
            updated_ms: s.updated_ms,
        }
    }
}
