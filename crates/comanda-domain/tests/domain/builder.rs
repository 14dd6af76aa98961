//! Builds realistic event sets for tests: several devices with their own HLCs and ids, a small
//! menu of tax rates, and helpers to make each kind of order event.

use comanda_domain::catalog::{ChosenModifier, LineTax};
use comanda_domain::event::*;
use comanda_domain::hlc::HlcState;
use comanda_domain::ids::*;
use comanda_domain::money::{Money, Rate};
use comanda_domain::quantity::Quantity;

/// Three tax rates: inclusive 10 %, exclusive 8.875 %, inclusive 21 %.
pub fn tax(i: usize) -> LineTax {
    let ids = SeqIds::new(900);
    let rates: Vec<TaxRateId> = (0..3).map(|_| TaxRateId::new(&ids)).collect();
    match i % 3 {
        0 => LineTax {
            rate_id: rates[0],
            name: "VAT 10%".into(),
            rate: Rate::from_milli_percent(10_000).unwrap(),
            inclusive: true,
        },
        1 => LineTax {
            rate_id: rates[1],
            name: "Sales 8.875%".into(),
            rate: Rate::from_milli_percent(8_875).unwrap(),
            inclusive: false,
        },
        _ => LineTax {
            rate_id: rates[2],
            name: "VAT 21%".into(),
            rate: Rate::from_milli_percent(21_000).unwrap(),
            inclusive: true,
        },
    }
}

/// A fixed id table so tests can say "line 3" or "payment 1" on any device.
pub struct Names {
    pub order: OrderId,
    pub lines: Vec<LineId>,
    pub payments: Vec<PaymentId>,
    pub refunds: Vec<RefundId>,
    pub discounts: Vec<DiscountId>,
    pub item: ItemId,
    pub employees: Vec<EmployeeId>,
}

impl Names {
    pub fn new() -> Self {
        let ids = SeqIds::new(1000);
        Names {
            order: OrderId::new(&ids),
            lines: (0..8).map(|_| LineId::new(&ids)).collect(),
            payments: (0..6).map(|_| PaymentId::new(&ids)).collect(),
            refunds: (0..6).map(|_| RefundId::new(&ids)).collect(),
            discounts: (0..5).map(|_| DiscountId::new(&ids)).collect(),
            item: ItemId::new(&ids),
            employees: (0..3).map(|_| EmployeeId::new(&ids)).collect(),
        }
    }
}

/// One terminal making events: its own id source, sequence and HLC.
pub struct Device {
    pub id: DeviceId,
    ids: SeqIds,
    seq: u64,
    pub hlc: HlcState,
    pub now_ms: u64,
}

impl Device {
    pub fn new(n: u64) -> Self {
        Device {
            id: DeviceId::new(&SeqIds::new(100 + n)),
            ids: SeqIds::new(n + 1),
            seq: 0,
            hlc: HlcState::default(),
            now_ms: 1_700_000_000_000,
        }
    }

    /// Makes an event of the order stream.
    pub fn event(&mut self, order: OrderId, actor: Option<EmployeeId>, body: EventBody) -> Event {
        self.seq += 1;
        Event {
            id: EventId::new(&self.ids),
            store_id: StoreId::from_uuid(uuid::Uuid::nil()),
            device_id: self.id,
            device_seq: self.seq,
            stream: StreamId::Order(order),
            hlc: self.hlc.tick(self.now_ms, self.id),
            actor,
            body,
        }
    }

    /// Learns of another device's events (as sync would).
    pub fn observe(&mut self, events: &[Event]) {
        for e in events {
            self.hlc.observe(&e.hlc);
        }
    }
}

pub fn opened(number: u32) -> EventBody {
    EventBody::OrderOpened(OrderOpened {
        number,
        order_type: OrderType::DineIn {
            table: "4".into(),
            guests: Some(2),
        },
    })
}

pub fn line(
    n: &Names,
    i: usize,
    price: i64,
    qty: u32,
    tax_i: usize,
    seat: Option<u8>,
) -> EventBody {
    EventBody::LineAdded(LineAdded {
        line_id: n.lines[i],
        item_id: n.item,
        name: format!("Item {i}"),
        unit_price: Money::from_minor(price),
        qty: Quantity::parse(i64::from(qty)).unwrap(),
        modifiers: if i.is_multiple_of(2) {
            vec![ChosenModifier {
                group_id: ModifierGroupId::new(&SeqIds::new(7)),
                modifier_id: ModifierId::new(&SeqIds::new(8)),
                name: "Extra".into(),
                price_delta: Money::from_minor(50),
            }]
        } else {
            vec![]
        },
        tax: tax(tax_i),
        note: None,
        seat,
        course: None,
    })
}

pub fn qty(n: &Names, i: usize, q: u32) -> EventBody {
    EventBody::LineChanged(LineChanged {
        line_id: n.lines[i],
        change: LineChange::Qty(Quantity::parse(i64::from(q)).unwrap()),
        approved_by: None,
    })
}

pub fn note(n: &Names, i: usize, text: Option<&str>) -> EventBody {
    EventBody::LineChanged(LineChanged {
        line_id: n.lines[i],
        change: LineChange::Note(text.map(str::to_owned)),
        approved_by: None,
    })
}

pub fn void(n: &Names, i: usize) -> EventBody {
    EventBody::LineVoided(LineVoided {
        line_id: n.lines[i],
        reason: "changed mind".into(),
        approved_by: None,
    })
}

pub fn fire(n: &Names, lines: &[usize]) -> EventBody {
    EventBody::OrderFired(OrderFired {
        line_ids: lines.iter().map(|i| n.lines[*i]).collect(),
    })
}

pub fn discount(n: &Names, i: usize, line: Option<usize>, amount: DiscountAmount) -> EventBody {
    EventBody::DiscountApplied(DiscountApplied {
        discount_id: n.discounts[i],
        target: match line {
            Some(l) => DiscountTarget::Line {
                line_id: n.lines[l],
            },
            None => DiscountTarget::Order,
        },
        amount,
        reason: "promo".into(),
        approved_by: None,
    })
}

pub fn undiscount(n: &Names, i: usize) -> EventBody {
    EventBody::DiscountRemoved(DiscountRemoved {
        discount_id: n.discounts[i],
    })
}

pub fn pay_cash(n: &Names, i: usize, amount: i64, tendered: i64) -> EventBody {
    EventBody::PaymentRecorded(PaymentRecorded {
        payment_id: n.payments[i],
        method: PaymentMethod::Cash {
            tendered: Money::from_minor(tendered),
            change: Money::from_minor(tendered - amount),
        },
        amount: Money::from_minor(amount),
        tip: Money::ZERO,
        split: None,
    })
}

pub fn pay_card(n: &Names, i: usize, amount: i64, tip: i64) -> EventBody {
    EventBody::PaymentRecorded(PaymentRecorded {
        payment_id: n.payments[i],
        method: PaymentMethod::Card {
            reference: format!("AUTH{i}"),
        },
        amount: Money::from_minor(amount),
        tip: Money::from_minor(tip),
        split: None,
    })
}

pub fn void_pay(n: &Names, i: usize) -> EventBody {
    EventBody::PaymentVoided(PaymentVoided {
        payment_id: n.payments[i],
        reason: "wrong amount".into(),
        approved_by: None,
    })
}

pub fn refund(n: &Names, i: usize, payment: usize, amount: i64) -> EventBody {
    EventBody::RefundIssued(RefundIssued {
        refund_id: n.refunds[i],
        payment_id: n.payments[payment],
        amount: Money::from_minor(amount),
        method: None,
        reason: "cold food".into(),
        approved_by: Some(n.employees[2]),
    })
}

pub fn close(generation: u32) -> EventBody {
    EventBody::OrderClosed(OrderClosed { generation })
}

pub fn cancel(generation: u32) -> EventBody {
    EventBody::OrderCancelled(OrderCancelled {
        generation,
        reason: "walked out".into(),
        approved_by: None,
    })
}

pub fn cancel_approved(n: &Names, generation: u32) -> EventBody {
    EventBody::OrderCancelled(OrderCancelled {
        generation,
        reason: "guest left".into(),
        approved_by: Some(n.employees[2]),
    })
}

pub fn confirm_cancel(n: &Names, generation: u32, lines: &[LineId]) -> EventBody {
    EventBody::CancelConfirmed(CancelConfirmed {
        generation,
        line_ids: lines.to_vec(),
        note: "guest left after the kitchen started".into(),
        approved_by: n.employees[2],
    })
}

pub fn reopen(n: &Names, generation: u32) -> EventBody {
    EventBody::OrderReopened(OrderReopened {
        generation,
        reason: "add dessert".into(),
        approved_by: n.employees[2],
    })
}
