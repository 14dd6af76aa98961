//! The accumulated state of one order and how one event changes it.

use serde::{Deserialize, Serialize};

use crate::kitchen::Banner;

use crate::catalog::{ChosenModifier, LineTax};
use crate::event::{
    DiscountAmount, DiscountTarget, Event, EventBody, EventKey, LineChange, OrderType,
    PaymentMethod, PaymentVoided, RefundMethod, SplitTarget, StreamId,
};
use crate::ids::{
    DeviceId, DiscountId, EmployeeId, EventId, ItemId, LineId, OrderId, PaymentId, RefundId,
};
use crate::money::Money;
use crate::quantity::Quantity;

/// Who did something, and when (HLC wall time).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    /// Unix ms (HLC wall part).
    pub at_ms: u64,
    /// The employee.
    pub by: Option<EmployeeId>,
    /// The device.
    pub device: DeviceId,
}

impl Stamp {
    fn of(e: &Event) -> Stamp {
        Stamp {
            at_ms: e.hlc.wall_ms,
            by: e.actor,
            device: e.device_id,
        }
    }
}

/// Where an order is in its life, within one generation.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Taking items and payments.
    #[default]
    Open,
    /// Paid and closed.
    Closed,
    /// Cancelled.
    Cancelled,
}

/// The lifecycle lattice: the highest `(generation, phase)` reached. It only grows.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub struct Lifecycle {
    /// 0 until the first reopen; each reopen starts the next.
    pub generation: u32,
    /// The phase within that generation.
    pub phase: Phase,
}

/// The status people see, derived from the lifecycle and the balance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    /// Open for items and payments.
    Open,
    /// Closed and settled.
    Closed,
    /// Cancelled.
    Cancelled,
}

/// A kitchen ticket of the order, as the node that printed it last said.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketState {
    /// The fire it belongs to.
    pub fire: EventId,
    /// The station.
    pub station: String,
    /// The printer.
    pub printer_id: crate::ids::PrinterId,
    /// How it ended.
    pub outcome: crate::printer::TicketOutcome,
    /// When and by whom that was said.
    pub stamp: Stamp,
}

/// Something the kitchen must hear of, on paper at every station its lines are made at: a fire,
/// a sent line voided or changed, the order cancelled after lines were sent. The printing
/// nodes make one ticket per notice and station, and say what became of it (`TicketPrinted`,
/// its `fire` being the notice's event); every node can so tell a ticket still waiting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KitchenNotice {
    /// The event that makes the tickets.
    pub event: EventId,
    /// The lines it concerns.
    pub lines: Vec<LineId>,
    /// When and by whom.
    pub stamp: Stamp,
    /// What its tickets say above their items: none for a fire; VOID, CHANGED or CANCEL.
    #[serde(default)]
    pub banner: Option<crate::kitchen::Banner>,
}

/// A customer receipt of the order, as the node that printed it last said.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptState {
    /// Its job (`receipt:<request>`).
    pub receipt: String,
    /// The printer.
    pub printer_id: crate::ids::PrinterId,
    /// Printed as a copy.
    pub copy: bool,
    /// How it ended.
    pub outcome: crate::printer::TicketOutcome,
    /// When and by whom that was said.
    pub stamp: Stamp,
}

/// One line of an order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineState {
    /// Its id.
    pub line_id: LineId,
    /// The menu item.
    pub item_id: ItemId,
    /// The item's name when added.
    pub name: String,
    /// The base price when added.
    pub unit_price: Money,
    /// How many.
    pub qty: Quantity,
    /// The modifiers.
    pub modifiers: Vec<ChosenModifier>,
    /// The tax.
    pub tax: LineTax,
    /// A note.
    pub note: Option<String>,
    /// The seat.
    pub seat: Option<u8>,
    /// The course.
    pub course: Option<u8>,
    /// The guest's allergy ("nuts"), shown inverted on the kitchen's tickets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allergy: Option<String>,
    /// Sent to the kitchen.
    pub fired: bool,
    /// Who added it and when.
    pub added: Stamp,
    /// Set once voided: a void is final.
    pub voided: Option<VoidInfo>,
}

impl LineState {
    /// The price of one unit with its modifiers, never below zero.
    pub fn unit_total(&self) -> Money {
        (self.unit_price + self.modifiers.iter().map(|m| m.price_delta).sum::<Money>())
            .max(Money::ZERO)
    }
    /// `unit_total × qty`.
    pub fn gross(&self) -> Money {
        self.unit_total().times(self.qty.get())
    }
    /// True unless voided.
    pub fn is_live(&self) -> bool {
        self.voided.is_none()
    }
}

/// How a line was voided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoidInfo {
    /// Why.
    pub reason: String,
    /// Who and when.
    pub stamp: Stamp,
    /// The approving manager, if one was needed.
    pub approved_by: Option<EmployeeId>,
}

/// A discount on the order or a line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiscountState {
    /// Its id.
    pub discount_id: DiscountId,
    /// What it applies to.
    pub target: DiscountTarget,
    /// How much.
    pub amount: DiscountAmount,
    /// Why.
    pub reason: String,
    /// The approving manager, if one was needed.
    pub approved_by: Option<EmployeeId>,
    /// Who and when.
    pub stamp: Stamp,
    /// Set once removed: removal is final.
    pub removed: bool,
}

/// How a payment was voided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentVoid {
    /// Why.
    pub reason: String,
    /// Who and when.
    pub stamp: Stamp,
    /// The approving manager (old events did not record one).
    pub approved_by: Option<EmployeeId>,
}

/// A payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentState {
    /// Its id.
    pub payment_id: PaymentId,
    /// How.
    pub method: PaymentMethod,
    /// What it pays.
    pub amount: Money,
    /// The tip on top.
    pub tip: Money,
    /// The split part it was for.
    pub split: Option<SplitTarget>,
    /// Who and when.
    pub stamp: Stamp,
    /// Set once voided: a void is final.
    pub voided: Option<PaymentVoid>,
}

/// A refund against a payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundState {
    /// Its id.
    pub refund_id: RefundId,
    /// The payment it refunds.
    pub payment_id: PaymentId,
    /// How much.
    pub amount: Money,
    /// How the money went back (`None`: the way the payment came in, as old events said).
    pub method: Option<RefundMethod>,
    /// Why.
    pub reason: String,
    /// The approving manager.
    pub approved_by: Option<EmployeeId>,
    /// Who and when.
    pub stamp: Stamp,
}

/// How an order was cancelled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CancelInfo {
    /// Why.
    pub reason: String,
    /// Who and when.
    pub stamp: Stamp,
    /// The approving manager, when one was needed.
    pub approved_by: Option<EmployeeId>,
    /// The live lines already fired when the cancel applied (in agreed order). An approved
    /// cancel covers them: the manager knew the kitchen had them.
    #[serde(default)]
    pub fired_before: Vec<LineId>,
}

/// One reopening of an order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReopenInfo {
    /// Why.
    pub reason: String,
    /// Who and when.
    pub stamp: Stamp,
    /// The approving manager.
    pub approved_by: EmployeeId,
}

/// An action a manager approved, as the order's events recorded it: the audit trail of one
/// order, in agreed order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Approved {
    /// The event.
    pub event_id: EventId,
    /// Its kind (`LineVoided`, `PaymentVoided`…).
    pub kind: String,
    /// Who did it and when.
    pub stamp: Stamp,
    /// The manager who approved it.
    pub approved_by: EmployeeId,
    /// What it was about, in words ("Burger × 2", "payment of 12.00", "10% off the order").
    pub detail: String,
}

/// What an event referred to that the order does not (yet) hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "id", rename_all = "snake_case")]
pub enum Missing {
    /// A line.
    Line(LineId),
    /// A payment.
    Payment(PaymentId),
    /// A discount.
    Discount(DiscountId),
}

impl std::fmt::Display for Missing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Missing::Line(id) => write!(f, "line {id}"),
            Missing::Payment(id) => write!(f, "payment {id}"),
            Missing::Discount(id) => write!(f, "discount {id}"),
        }
    }
}

/// An event that referred to something the order does not (yet) hold. A terminal restored from
/// an old backup, or a clock that went back, can stamp an event before the line it names: the
/// event is kept here and applied to its target the moment the target arrives (in agreed
/// order), and until then it shows as a `MissingReference` conflict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Orphan {
    /// The event.
    pub event_id: EventId,
    /// Its kind.
    pub kind: String,
    /// What it referred to.
    pub missing: Missing,
    /// Who and when.
    pub stamp: Stamp,
    /// What is left to apply to the target when it arrives (`None` when the event already
    /// took effect: a line discount, a refund). Stored in the payload's wire form.
    #[serde(default, with = "crate::codec::tagged_body")]
    pub pending: Option<EventBody>,
}

/// Everything known about one order: the accumulation of its events in agreed order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderState {
    /// The order.
    pub order_id: OrderId,
    /// Its short number (0 until `OrderOpened` is known).
    pub number: u32,
    /// How it is served (`None` until `OrderOpened` is known).
    pub order_type: Option<OrderType>,
    /// Who opened it and when.
    pub opened: Option<Stamp>,
    /// Its note.
    pub note: Option<String>,
    /// Its lines, in agreed order of addition (voided ones included).
    pub lines: Vec<LineState>,
    /// Its discounts, in agreed order.
    pub discounts: Vec<DiscountState>,
    /// Its payments, in agreed order.
    pub payments: Vec<PaymentState>,
    /// Its refunds, in agreed order.
    pub refunds: Vec<RefundState>,
    /// The lifecycle lattice.
    pub lifecycle: Lifecycle,
    /// The last close (of the highest generation) and who did it.
    pub closed: Option<Stamp>,
    /// The last cancel.
    pub cancelled: Option<CancelInfo>,
    /// Reopens, in agreed order.
    pub reopens: Vec<ReopenInfo>,
    /// Every action a manager approved, in agreed order.
    pub approvals: Vec<Approved>,
    /// Over-refunds a manager settled: per payment, the highest refunded total settled.
    pub over_refunds_settled: Vec<(PaymentId, Money)>,
    /// Lines a manager wrote off as waste when confirming a cancel that reached the kitchen
    /// too late, in agreed order.
    #[serde(default)]
    pub wasted: Vec<LineId>,
    /// What the kitchen must hear of, in agreed order: each makes a ticket per station.
    #[serde(default)]
    pub kitchen: Vec<KitchenNotice>,
    /// Its kitchen tickets as the printing nodes told: the latest word per fire and station.
    #[serde(default)]
    pub tickets: Vec<TicketState>,
    /// How far the kitchen has gone with each ticket and item: the highest progress seen.
    #[serde(default)]
    pub kitchen_progress: Vec<crate::kitchen::KitchenProgress>,
    /// The tickets someone asked to hurry.
    #[serde(default)]
    pub rushed: Vec<crate::kitchen::TicketRef>,
    /// The lines the counter held, by course (a line sent since is no longer held: see
    /// [`OrderState::held_lines`]).
    #[serde(default)]
    pub held: Vec<crate::kitchen::CourseHeld>,
    /// Its customer receipts as the printing nodes told: the latest word per receipt.
    #[serde(default)]
    pub receipts: Vec<ReceiptState>,
    /// Events that referred to lines, payments or discounts not (yet) held.
    pub orphans: Vec<Orphan>,
    /// Events of another stream or kind that were in this order's set.
    pub foreign: Vec<EventId>,
    /// The last event applied, in agreed order.
    pub last_key: Option<EventKey>,
    /// How many events were applied.
    pub event_count: u32,
}

impl OrderState {
    /// An order about which nothing is known yet.
    pub fn new(order_id: OrderId) -> Self {
        OrderState {
            order_id,
            number: 0,
            order_type: None,
            opened: None,
            note: None,
            lines: Vec::new(),
            discounts: Vec::new(),
            payments: Vec::new(),
            refunds: Vec::new(),
            lifecycle: Lifecycle::default(),
            closed: None,
            cancelled: None,
            reopens: Vec::new(),
            approvals: Vec::new(),
            over_refunds_settled: Vec::new(),
            wasted: Vec::new(),
            kitchen: Vec::new(),
            tickets: Vec::new(),
            kitchen_progress: Vec::new(),
            rushed: Vec::new(),
            held: Vec::new(),
            receipts: Vec::new(),
            orphans: Vec::new(),
            foreign: Vec::new(),
            last_key: None,
            event_count: 0,
        }
    }

    /// The line with this id.
    pub fn line(&self, id: LineId) -> Option<&LineState> {
        self.lines.iter().find(|l| l.line_id == id)
    }

    /// The payment with this id.
    pub fn payment(&self, id: PaymentId) -> Option<&PaymentState> {
        self.payments.iter().find(|p| p.payment_id == id)
    }

    /// The discount with this id.
    pub fn discount(&self, id: DiscountId) -> Option<&DiscountState> {
        self.discounts.iter().find(|d| d.discount_id == id)
    }

    /// The refund with this id.
    pub fn refund(&self, id: RefundId) -> Option<&RefundState> {
        self.refunds.iter().find(|r| r.refund_id == id)
    }

    /// Lines not voided.
    pub fn live_lines(&self) -> impl Iterator<Item = &LineState> {
        self.lines.iter().filter(|l| l.is_live())
    }

    /// The live lines held for a later course and not sent since.
    pub fn held_lines(&self) -> impl Iterator<Item = &LineState> {
        self.lines.iter().filter(|l| self.holds(l))
    }

    /// Whether a line is held: live, not sent, in a held course.
    pub fn holds(&self, l: &LineState) -> bool {
        l.is_live() && !l.fired && self.held.iter().any(|c| c.line_ids.contains(&l.line_id))
    }

    /// What is left to refund of one payment: its amount less the refunds against it (zero for a
    /// voided payment, never below zero).
    pub fn refundable(&self, id: PaymentId) -> Money {
        (self.paid_by(id) - self.refunded_on(id)).max(Money::ZERO)
    }

    /// What one payment paid: its amount, or zero once voided (or when it is not held).
    pub fn paid_by(&self, id: PaymentId) -> Money {
        self.payment(id)
            .filter(|p| p.voided.is_none())
            .map_or(Money::ZERO, |p| p.amount)
    }

    /// All that was refunded against one payment.
    pub fn refunded_on(&self, id: PaymentId) -> Money {
        self.refunds
            .iter()
            .filter(|r| r.payment_id == id)
            .map(|r| r.amount)
            .sum()
    }

    /// The status people see: closed only while the balance is zero (items added on another
    /// terminal after a close reopen it with a balance due).
    pub fn status(&self) -> OrderStatus {
        self.status_with(&self.totals())
    }

    /// [`Self::status`] with the totals already computed (they are the costly part).
    pub fn status_with(&self, t: &crate::order::Totals) -> OrderStatus {
        match self.lifecycle.phase {
            Phase::Open => OrderStatus::Open,
            Phase::Cancelled => OrderStatus::Cancelled,
            Phase::Closed if t.balance == Money::ZERO => OrderStatus::Closed,
            Phase::Closed => OrderStatus::Open,
        }
    }

    /// The order as it would be after these events, made now by `by` on `device`: what a
    /// command decides on. The events are applied to a copy as if they sorted after every event
    /// already applied (a local event always does), so `(self, preview)` is the before and after
    /// pair every policy compares.
    pub fn preview(
        &self,
        bodies: &[EventBody],
        by: Option<EmployeeId>,
        device: DeviceId,
        at_ms: u64,
    ) -> OrderState {
        let mut after = self.clone();
        after.preview_more(bodies, by, device, at_ms);
        after
    }

    /// Applies more events to a preview, in place (as [`Self::preview`] does to its copy).
    pub fn preview_more(
        &mut self,
        bodies: &[EventBody],
        by: Option<EmployeeId>,
        device: DeviceId,
        at_ms: u64,
    ) {
        let stamp = Stamp {
            at_ms: at_ms.max(self.last_key.map_or(0, |k| k.0.wall_ms)),
            by,
            device,
        };
        for body in bodies {
            self.apply_body(EventId::NIL, stamp, body);
        }
    }

    /// Applies one event. Callers apply each event once, in agreed order
    /// ([`crate::order::fold`] does; the store applies a local event incrementally only when it
    /// sorts after every event already applied, and refolds otherwise).
    pub fn apply(&mut self, e: &Event) {
        if e.stream != StreamId::Order(self.order_id) {
            if !self.foreign.contains(&e.id) {
                self.foreign.push(e.id);
            }
            return;
        }
        self.event_count += 1;
        if self.last_key.is_none_or(|k| e.key() > k) {
            self.last_key = Some(e.key());
        }
        self.apply_body(e.id, Stamp::of(e), &e.body);
    }

    fn apply_body(&mut self, id: EventId, stamp: Stamp, body: &EventBody) {
        if let Some(approver) = body.approved_by() {
            let detail = self.describe(body);
            self.approvals.push(Approved {
                event_id: id,
                kind: body.kind().to_owned(),
                stamp,
                approved_by: approver,
                detail,
            });
        }
        match body {
            EventBody::OrderOpened(o) => {
                if self.opened.is_none() {
                    self.opened = Some(stamp);
                    self.number = o.number;
                    self.order_type = Some(o.order_type.clone());
                }
            }
            EventBody::OrderTypeChanged(c) => self.order_type = Some(c.order_type.clone()),
            EventBody::OrderNoteSet(n) => self.note = n.note.clone(),
            EventBody::LineAdded(a) => {
                if self.line(a.line_id).is_none() {
                    self.lines.push(LineState {
                        line_id: a.line_id,
                        item_id: a.item_id,
                        name: a.name.clone(),
                        unit_price: a.unit_price,
                        qty: a.qty,
                        modifiers: a.modifiers.clone(),
                        tax: a.tax.clone(),
                        note: a.note.clone(),
                        seat: a.seat,
                        course: a.course,
                        allergy: None,
                        fired: false,
                        added: stamp,
                        voided: None,
                    });
                    self.adopt_orphans(Missing::Line(a.line_id));
                }
            }
            EventBody::LineChanged(c) => {
                self.notice_if_sent(id, stamp, c.line_id, Banner::Changed);
                self.on_line(id, stamp, body, c.line_id);
            }
            EventBody::LineVoided(v) => {
                self.notice_if_sent(id, stamp, v.line_id, Banner::Void);
                self.on_line(id, stamp, body, v.line_id);
            }
            EventBody::OrderFired(f) => {
                for line_id in &f.line_ids {
                    self.on_line(id, stamp, body, *line_id);
                }
                self.notice(id, stamp, f.line_ids.clone(), None);
            }
            EventBody::KitchenMarked(m) => {
                let to = crate::kitchen::Progress {
                    generation: m.generation,
                    phase: m.step.phase(),
                };
                crate::kitchen::raise(&mut self.kitchen_progress, &m.ticket, m.line_id, to, stamp);
            }
            EventBody::KitchenRecalled(r) => {
                let to = crate::kitchen::Progress {
                    generation: r.generation,
                    phase: crate::kitchen::Phase::New,
                };
                crate::kitchen::raise(&mut self.kitchen_progress, &r.ticket, r.line_id, to, stamp);
            }
            EventBody::KitchenRushed(r) => {
                if !self.rushed.contains(&r.ticket) {
                    self.rushed.push(r.ticket.clone());
                }
            }
            EventBody::CourseHeld(h) => match self.held.iter_mut().find(|c| c.course == h.course) {
                Some(c) => {
                    for l in &h.line_ids {
                        if !c.line_ids.contains(l) {
                            c.line_ids.push(*l);
                        }
                    }
                }
                None => {
                    let mut line_ids = h.line_ids.clone();
                    line_ids.dedup();
                    self.held.push(crate::kitchen::CourseHeld {
                        course: h.course,
                        line_ids,
                    });
                    self.held.sort_by_key(|c| c.course);
                }
            },
            EventBody::DiscountApplied(d) => {
                if self.discount(d.discount_id).is_none() {
                    if let DiscountTarget::Line { line_id } = d.target
                        && self.line(line_id).is_none()
                    {
                        self.orphan(id, stamp, body, Missing::Line(line_id), false);
                    }
                    self.discounts.push(DiscountState {
                        discount_id: d.discount_id,
                        target: d.target,
                        amount: d.amount,
                        reason: d.reason.clone(),
                        approved_by: d.approved_by,
                        stamp,
                        removed: false,
                    });
                    self.adopt_orphans(Missing::Discount(d.discount_id));
                }
            }
            EventBody::DiscountRemoved(r) => {
                match self
                    .discounts
                    .iter_mut()
                    .find(|d| d.discount_id == r.discount_id)
                {
                    Some(d) => d.removed = true,
                    None => self.orphan(id, stamp, body, Missing::Discount(r.discount_id), true),
                }
            }
            EventBody::PaymentRecorded(p) => {
                if self.payment(p.payment_id).is_none() {
                    self.payments.push(PaymentState {
                        payment_id: p.payment_id,
                        method: p.method.clone(),
                        amount: p.amount,
                        tip: p.tip,
                        split: p.split.clone(),
                        stamp,
                        voided: None,
                    });
                    self.adopt_orphans(Missing::Payment(p.payment_id));
                }
            }
            EventBody::PaymentVoided(v) => {
                match self
                    .payments
                    .iter_mut()
                    .find(|p| p.payment_id == v.payment_id)
                {
                    Some(p) => void_payment(p, stamp, v),
                    None => self.orphan(id, stamp, body, Missing::Payment(v.payment_id), true),
                }
            }
            EventBody::RefundIssued(r) => {
                if self.refund(r.refund_id).is_none() {
                    if self.payment(r.payment_id).is_none() {
                        self.orphan(id, stamp, body, Missing::Payment(r.payment_id), false);
                    }
                    self.refunds.push(RefundState {
                        refund_id: r.refund_id,
                        payment_id: r.payment_id,
                        amount: r.amount,
                        method: r.method.clone(),
                        reason: r.reason.clone(),
                        approved_by: r.approved_by,
                        stamp,
                    });
                }
            }
            EventBody::OverRefundAccepted(a) => {
                match self
                    .over_refunds_settled
                    .iter_mut()
                    .find(|(id, _)| *id == a.payment_id)
                {
                    Some((_, settled)) => *settled = (*settled).max(a.refunded),
                    None => self.over_refunds_settled.push((a.payment_id, a.refunded)),
                }
            }
            EventBody::OrderClosed(c) => {
                let to = Lifecycle {
                    generation: c.generation,
                    phase: Phase::Closed,
                };
                if to >= self.lifecycle {
                    self.lifecycle = to;
                    self.closed = Some(stamp);
                }
            }
            EventBody::OrderCancelled(c) => {
                let to = Lifecycle {
                    generation: c.generation,
                    phase: Phase::Cancelled,
                };
                if to >= self.lifecycle {
                    self.lifecycle = to;
                    let fired_before: Vec<LineId> = self
                        .live_lines()
                        .filter(|l| l.fired)
                        .map(|l| l.line_id)
                        .collect();
                    self.notice(id, stamp, fired_before.clone(), Some(Banner::Cancel));
                    self.cancelled = Some(CancelInfo {
                        reason: c.reason.clone(),
                        stamp,
                        approved_by: c.approved_by,
                        fired_before,
                    });
                }
            }
            EventBody::OrderReopened(r) => {
                let to = Lifecycle {
                    generation: r.generation,
                    phase: Phase::Open,
                };
                if to > self.lifecycle {
                    self.lifecycle = to;
                }
                self.reopens.push(ReopenInfo {
                    reason: r.reason.clone(),
                    stamp,
                    approved_by: r.approved_by,
                });
            }
            EventBody::CancelConfirmed(c) => {
                for line_id in &c.line_ids {
                    if !self.wasted.contains(line_id) {
                        self.wasted.push(*line_id);
                    }
                }
            }
            EventBody::TicketPrinted(t) => {
                let ticket = TicketState {
                    fire: t.fire,
                    station: t.station.clone(),
                    printer_id: t.printer_id,
                    outcome: t.outcome.clone(),
                    stamp,
                };
                match self
                    .tickets
                    .iter_mut()
                    .find(|k| k.fire == t.fire && k.station == t.station)
                {
                    Some(k) => *k = ticket,
                    None => self.tickets.push(ticket),
                }
            }
            EventBody::ReceiptPrinted(r) => {
                let receipt = ReceiptState {
                    receipt: r.receipt.clone(),
                    printer_id: r.printer_id,
                    copy: r.copy,
                    outcome: r.outcome.clone(),
                    stamp,
                };
                match self.receipts.iter_mut().find(|k| k.receipt == r.receipt) {
                    Some(k) => *k = receipt,
                    None => self.receipts.push(receipt),
                }
            }
            EventBody::CatalogPublished(_)
            | EventBody::PrinterSaved(_)
            | EventBody::DrawerOpened(_)
            | EventBody::EmployeeSaved(_)
            | EventBody::SettingsPublished(_)
            | EventBody::DevicePaired(_)
            | EventBody::DeviceRevoked(_)
            | EventBody::DeviceAddressSet(_) => {
                if !self.foreign.contains(&id) {
                    self.foreign.push(id);
                }
            }
        }
    }

    /// What an approved event was about, in words, as the order stands when it applies.
    fn describe(&self, body: &EventBody) -> String {
        let line = |id: LineId| {
            self.line(id)
                .map_or_else(|| format!("line {id}"), |l| l.name.clone())
        };
        let amount = |a: &DiscountAmount| match a {
            DiscountAmount::Fixed(m) => format!("{m} off"),
            DiscountAmount::Percent(p) => format!("{p} off"),
        };
        match body {
            EventBody::LineVoided(v) => line(v.line_id),
            EventBody::LineChanged(c) => match &c.change {
                LineChange::Qty(q) => format!("{} × {}", line(c.line_id), q.get()),
                _ => line(c.line_id),
            },
            EventBody::DiscountApplied(d) => match d.target {
                DiscountTarget::Order => format!("{} the order", amount(&d.amount)),
                DiscountTarget::Line { line_id } => {
                    format!("{} {}", amount(&d.amount), line(line_id))
                }
            },
            EventBody::PaymentVoided(v) => self.payment(v.payment_id).map_or_else(
                || format!("payment {}", v.payment_id),
                |p| format!("payment of {}", p.amount),
            ),
            EventBody::RefundIssued(r) => format!("{} back", r.amount),
            EventBody::OverRefundAccepted(a) => match a.settlement {
                crate::event::OverRefundSettlement::Recovered => {
                    format!("{} refunded in all, excess recovered", a.refunded)
                }
                crate::event::OverRefundSettlement::WrittenOff => {
                    format!("{} refunded in all, excess written off", a.refunded)
                }
            },
            EventBody::OrderCancelled(c) => c.reason.clone(),
            EventBody::OrderReopened(r) => r.reason.clone(),
            EventBody::CancelConfirmed(c) => {
                let names: Vec<String> = c.line_ids.iter().map(|id| line(*id)).collect();
                if names.is_empty() {
                    c.note.clone()
                } else {
                    format!("{} (waste: {})", c.note, names.join(", "))
                }
            }
            _ => String::new(),
        }
    }

    /// Applies what `body` says about one line, or keeps it for when the line arrives.
    /// The kitchen must hear of `lines` (none: nothing to say).
    fn notice(&mut self, event: EventId, stamp: Stamp, lines: Vec<LineId>, banner: Option<Banner>) {
        if !lines.is_empty() && !self.kitchen.iter().any(|k| k.event == event) {
            self.kitchen.push(KitchenNotice {
                event,
                lines,
                stamp,
                banner,
            });
        }
    }

    /// A line the kitchen has was voided or changed: it must hear of it.
    fn notice_if_sent(&mut self, event: EventId, stamp: Stamp, line_id: LineId, banner: Banner) {
        if self.line(line_id).is_some_and(|l| l.fired) {
            self.notice(event, stamp, vec![line_id], Some(banner));
        }
    }

    fn on_line(&mut self, id: EventId, stamp: Stamp, body: &EventBody, line_id: LineId) {
        match self.lines.iter_mut().find(|l| l.line_id == line_id) {
            Some(l) => line_effect(l, stamp, body),
            None => self.orphan(id, stamp, body, Missing::Line(line_id), true),
        }
    }

    /// The target of some orphans arrived: applies them to it, in the agreed order they were
    /// kept in, and clears their conflicts.
    fn adopt_orphans(&mut self, target: Missing) {
        if !self.orphans.iter().any(|o| o.missing == target) {
            return;
        }
        let (adopted, kept): (Vec<Orphan>, Vec<Orphan>) = std::mem::take(&mut self.orphans)
            .into_iter()
            .partition(|o| o.missing == target);
        self.orphans = kept;
        for o in adopted {
            let Some(body) = o.pending else { continue };
            match target {
                Missing::Line(line_id) => {
                    if let Some(l) = self.lines.iter_mut().find(|l| l.line_id == line_id) {
                        line_effect(l, o.stamp, &body);
                    }
                }
                Missing::Payment(pid) => {
                    if let (Some(p), EventBody::PaymentVoided(v)) = (
                        self.payments.iter_mut().find(|p| p.payment_id == pid),
                        &body,
                    ) {
                        void_payment(p, o.stamp, v);
                    }
                }
                Missing::Discount(did) => {
                    if let Some(d) = self.discounts.iter_mut().find(|d| d.discount_id == did) {
                        d.removed = true;
                    }
                }
            }
        }
    }

    fn orphan(
        &mut self,
        id: EventId,
        stamp: Stamp,
        body: &EventBody,
        missing: Missing,
        keep: bool,
    ) {
        if !self
            .orphans
            .iter()
            .any(|o| o.event_id == id && o.missing == missing)
        {
            self.orphans.push(Orphan {
                event_id: id,
                kind: body.kind().to_owned(),
                missing,
                stamp,
                pending: keep.then(|| body.clone()),
            });
        }
    }
}

/// What a line event does to its line. A void is final: nothing changes a voided line.
fn line_effect(l: &mut LineState, stamp: Stamp, body: &EventBody) {
    if l.voided.is_some() {
        return;
    }
    match body {
        EventBody::LineChanged(c) => match &c.change {
            LineChange::Qty(q) => l.qty = *q,
            LineChange::Modifiers(m) => l.modifiers = m.clone(),
            LineChange::Note(n) => l.note = n.clone(),
            LineChange::Seat(s) => l.seat = *s,
            LineChange::Course(c) => l.course = *c,
            LineChange::Allergy(a) => l.allergy = a.clone(),
        },
        EventBody::LineVoided(v) => {
            l.voided = Some(VoidInfo {
                reason: v.reason.clone(),
                stamp,
                approved_by: v.approved_by,
            });
        }
        EventBody::OrderFired(_) => l.fired = true,
        _ => {}
    }
}

fn void_payment(p: &mut PaymentState, stamp: Stamp, v: &PaymentVoided) {
    if p.voided.is_none() {
        p.voided = Some(PaymentVoid {
            reason: v.reason.clone(),
            stamp,
            approved_by: v.approved_by,
        });
    }
}
