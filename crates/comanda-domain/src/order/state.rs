//! The accumulated state of one order and how one event changes it.

use serde::{Deserialize, Serialize};

use crate::catalog::{ChosenModifier, LineTax};
use crate::event::{
    DiscountAmount, DiscountTarget, Event, EventBody, EventKey, LineChange, OrderType,
    PaymentMethod, SplitTarget, StreamId,
};
use crate::ids::{
    DeviceId, DiscountId, EmployeeId, EventId, ItemId, LineId, OrderId, PaymentId, RefundId,
};
use crate::money::Money;
use crate::quantity::Quantity;

/// Who did something, and when (HLC wall time).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema,
)]
#[ts(export, export_to = "bindings/")]
pub struct Stamp {
    /// Unix ms (HLC wall part).
    #[ts(type = "number")]
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
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    ts_rs::TS,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
#[ts(export, export_to = "bindings/")]
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
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    ts_rs::TS,
    utoipa::ToSchema,
)]
#[ts(export, export_to = "bindings/")]
pub struct Lifecycle {
    /// 0 until the first reopen; each reopen starts the next.
    pub generation: u32,
    /// The phase within that generation.
    pub phase: Phase,
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[ts(export, export_to = "bindings/")]
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
    /// Set once voided, with the reason.
    pub voided: Option<String>,
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
    /// Why.
    pub reason: String,
    /// Who and when.
    pub stamp: Stamp,
}

/// An event that referred to something the order does not (yet) hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Orphan {
    /// The event.
    pub event_id: EventId,
    /// Its kind.
    pub kind: String,
    /// What it referred to, in words.
    pub missing: String,
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
    /// The last cancel and its reason.
    pub cancelled: Option<(Stamp, String)>,
    /// Reopens, with reason and approver, in agreed order.
    pub reopens: Vec<(Stamp, String, EmployeeId)>,
    /// Events that referred to missing lines, payments or discounts.
    pub orphans: Vec<Orphan>,
    /// Events of another stream or kind that were in this order's set.
    pub foreign: Vec<EventId>,
    /// Voids of lines not (yet) added in agreed order: a void is a tombstone, applied when the
    /// line appears (a terminal restored from an old backup can stamp out of causal order).
    pub pending_voids: Vec<(LineId, VoidInfo)>,
    /// Payment voids that sort before their payment (tombstones, as above).
    pub pending_payment_voids: Vec<(PaymentId, String)>,
    /// Discount removals that sort before their discount (tombstones, as above).
    pub pending_discount_removals: Vec<DiscountId>,
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
            orphans: Vec::new(),
            foreign: Vec::new(),
            pending_voids: Vec::new(),
            pending_payment_voids: Vec::new(),
            pending_discount_removals: Vec::new(),
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

    /// Lines not voided.
    pub fn live_lines(&self) -> impl Iterator<Item = &LineState> {
        self.lines.iter().filter(|l| l.is_live())
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
        let stamp = Stamp::of(e);
        match &e.body {
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
                    let tombstone = self
                        .pending_voids
                        .iter()
                        .position(|(id, _)| *id == a.line_id);
                    let voided = tombstone.map(|i| self.pending_voids.remove(i).1);
                    if voided.is_some() {
                        self.resolve_orphans("LineVoided", &format!("line {}", a.line_id));
                    }
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
                        fired: false,
                        added: stamp,
                        voided,
                    });
                }
            }
            EventBody::LineChanged(c) => {
                match self.lines.iter_mut().find(|l| l.line_id == c.line_id) {
                    Some(l) if l.is_live() => match &c.change {
                        LineChange::Qty(q) => l.qty = *q,
                        LineChange::Modifiers(m) => l.modifiers = m.clone(),
                        LineChange::Note(n) => l.note = n.clone(),
                        LineChange::Seat(s) => l.seat = *s,
                        LineChange::Course(c) => l.course = *c,
                    },
                    Some(_) => {}
                    None => self.orphan(e, format!("line {}", c.line_id)),
                }
            }
            EventBody::LineVoided(v) => {
                match self.lines.iter_mut().find(|l| l.line_id == v.line_id) {
                    Some(l) => {
                        if l.voided.is_none() {
                            l.voided = Some(VoidInfo {
                                reason: v.reason.clone(),
                                stamp,
                                approved_by: v.approved_by,
                            });
                        }
                    }
                    None => {
                        if !self.pending_voids.iter().any(|(id, _)| *id == v.line_id) {
                            self.pending_voids.push((
                                v.line_id,
                                VoidInfo {
                                    reason: v.reason.clone(),
                                    stamp,
                                    approved_by: v.approved_by,
                                },
                            ));
                        }
                        self.orphan(e, format!("line {}", v.line_id));
                    }
                }
            }
            EventBody::OrderFired(f) => {
                for id in &f.line_ids {
                    match self.lines.iter_mut().find(|l| l.line_id == *id) {
                        Some(l) => l.fired = true,
                        None => self.orphan(e, format!("line {id}")),
                    }
                }
            }
            EventBody::DiscountApplied(d) => {
                if self.discount(d.discount_id).is_none() {
                    if let DiscountTarget::Line { line_id } = d.target
                        && self.line(line_id).is_none()
                    {
                        self.orphan(e, format!("line {line_id}"));
                    }
                    let removed = self.take_pending_removal(d.discount_id);
                    self.discounts.push(DiscountState {
                        discount_id: d.discount_id,
                        target: d.target,
                        amount: d.amount,
                        reason: d.reason.clone(),
                        approved_by: d.approved_by,
                        stamp,
                        removed,
                    });
                }
            }
            EventBody::DiscountRemoved(r) => {
                match self
                    .discounts
                    .iter_mut()
                    .find(|d| d.discount_id == r.discount_id)
                {
                    Some(d) => d.removed = true,
                    None => {
                        if !self.pending_discount_removals.contains(&r.discount_id) {
                            self.pending_discount_removals.push(r.discount_id);
                        }
                        self.orphan(e, format!("discount {}", r.discount_id));
                    }
                }
            }
            EventBody::PaymentRecorded(p) => {
                if self.payment(p.payment_id).is_none() {
                    let voided = self.take_pending_payment_void(p.payment_id);
                    self.payments.push(PaymentState {
                        payment_id: p.payment_id,
                        method: p.method.clone(),
                        amount: p.amount,
                        tip: p.tip,
                        split: p.split.clone(),
                        stamp,
                        voided,
                    });
                }
            }
            EventBody::PaymentVoided(v) => {
                match self
                    .payments
                    .iter_mut()
                    .find(|p| p.payment_id == v.payment_id)
                {
                    Some(p) => {
                        if p.voided.is_none() {
                            p.voided = Some(v.reason.clone());
                        }
                    }
                    None => {
                        if !self
                            .pending_payment_voids
                            .iter()
                            .any(|(id, _)| *id == v.payment_id)
                        {
                            self.pending_payment_voids
                                .push((v.payment_id, v.reason.clone()));
                        }
                        self.orphan(e, format!("payment {}", v.payment_id));
                    }
                }
            }
            EventBody::RefundIssued(r) => {
                if self.payment(r.payment_id).is_none() {
                    self.orphan(e, format!("payment {}", r.payment_id));
                }
                if !self.refunds.iter().any(|x| x.refund_id == r.refund_id) {
                    self.refunds.push(RefundState {
                        refund_id: r.refund_id,
                        payment_id: r.payment_id,
                        amount: r.amount,
                        reason: r.reason.clone(),
                        stamp,
                    });
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
                    self.cancelled = Some((stamp, c.reason.clone()));
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
                self.reopens.push((stamp, r.reason.clone(), r.approved_by));
            }
            EventBody::CatalogPublished(_)
            | EventBody::EmployeeSaved(_)
            | EventBody::SettingsPublished(_) => {
                if !self.foreign.contains(&e.id) {
                    self.foreign.push(e.id);
                }
            }
        }
    }

    fn take_pending_removal(&mut self, id: DiscountId) -> bool {
        let Some(i) = self.pending_discount_removals.iter().position(|x| *x == id) else {
            return false;
        };
        self.pending_discount_removals.remove(i);
        self.resolve_orphans("DiscountRemoved", &format!("discount {id}"));
        true
    }

    fn take_pending_payment_void(&mut self, id: PaymentId) -> Option<String> {
        let i = self
            .pending_payment_voids
            .iter()
            .position(|(x, _)| *x == id)?;
        let (_, reason) = self.pending_payment_voids.remove(i);
        self.resolve_orphans("PaymentVoided", &format!("payment {id}"));
        Some(reason)
    }

    fn resolve_orphans(&mut self, kind: &str, missing: &str) {
        self.orphans
            .retain(|o| !(o.kind == kind && o.missing == missing));
    }

    fn orphan(&mut self, e: &Event, missing: String) {
        if !self
            .orphans
            .iter()
            .any(|o| o.event_id == e.id && o.missing == missing)
        {
            self.orphans.push(Orphan {
                event_id: e.id,
                kind: e.body.kind().to_owned(),
                missing,
            });
        }
    }
}
