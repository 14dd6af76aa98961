//! The conflict-policy table of order-model.md, case by case: two or three terminals, offline,
//! then merged. Each case is drawn as text (a snapshot reviewed by a person) and its key facts
//! asserted.

use comanda_domain::event::{DiscountAmount, Event};
use comanda_domain::money::{Money, Percent};
use comanda_domain::order::{Conflict, OrderStatus, fold, render_text};

use crate::builder::*;

fn merged(
    n: &Names,
    sets: &[&[Event]],
) -> (comanda_domain::order::OrderState, Vec<Conflict>, String) {
    let all: Vec<Event> = sets.iter().flat_map(|s| s.iter().cloned()).collect();
    let (o, c) = fold(n.order, &all);
    let text = render_text(&o, &c);
    (o, c, text)
}

/// Terminal A and B share an opened order with one line, then go offline.
fn shared_start(n: &Names) -> (Device, Device, Vec<Event>) {
    let mut a = Device::new(0);
    let mut b = Device::new(1);
    let base = vec![
        a.event(n.order, Some(n.employees[0]), opened(7)),
        a.event(
            n.order,
            Some(n.employees[0]),
            line(n, 0, 1250, 1, 0, Some(1)),
        ),
    ];
    b.observe(&base);
    a.now_ms += 1000;
    b.now_ms += 1000;
    (a, b, base)
}

#[test]
fn same_order_edited_on_two_terminals_offline_keeps_both_edits() {
    let n = Names::new();
    let (mut a, mut b, base) = shared_start(&n);
    let ea = vec![
        a.event(n.order, None, line(&n, 1, 450, 2, 0, Some(1))),
        a.event(n.order, None, qty(&n, 0, 2)),
    ];
    let eb = vec![
        b.event(n.order, None, line(&n, 2, 300, 1, 2, Some(2))),
        b.event(n.order, None, qty(&n, 0, 3)),
    ];
    let (o, c, text) = merged(&n, &[&base, &ea, &eb]);
    assert_eq!(o.live_lines().count(), 3);
    assert!(c.is_empty());
    insta::assert_snapshot!(text);
}

#[test]
fn items_added_after_close_on_another_terminal_reopen_with_balance_due() {
    let n = Names::new();
    let (mut a, mut b, base) = shared_start(&n);
    let ea = vec![
        a.event(n.order, None, pay_cash(&n, 0, 1300, 2000)),
        a.event(n.order, None, close(0)),
    ];
    let eb = vec![b.event(n.order, None, line(&n, 1, 650, 1, 0, None))];
    let (o, c, text) = merged(&n, &[&base, &ea, &eb]);
    assert_eq!(o.status(), OrderStatus::Open);
    assert_eq!(
        c,
        vec![Conflict::BalanceDueAfterClose {
            balance: Money::from_minor(650)
        }]
    );
    insta::assert_snapshot!(text);
}

#[test]
fn same_payment_pushed_twice_is_applied_once() {
    let n = Names::new();
    let (mut a, _, base) = shared_start(&n);
    let pay = a.event(n.order, None, pay_card(&n, 0, 1300, 200));
    let (o, c, _) = merged(&n, &[&base, &[pay.clone(), pay.clone()], &[pay]]);
    assert_eq!(o.payments.len(), 1);
    assert_eq!(o.totals().paid, Money::from_minor(1300));
    assert!(c.is_empty());
}

#[test]
fn two_payments_taken_offline_leave_an_overpayment_to_refund() {
    let n = Names::new();
    let (mut a, mut b, base) = shared_start(&n);
    let ea = vec![
        a.event(n.order, None, pay_cash(&n, 0, 1300, 1300)),
        a.event(n.order, None, close(0)),
    ];
    let eb = vec![
        b.event(n.order, None, pay_card(&n, 1, 1300, 0)),
        b.event(n.order, None, close(0)),
    ];
    let (_, c, text) = merged(&n, &[&base, &ea, &eb]);
    assert_eq!(
        c,
        vec![Conflict::Overpaid {
            amount: Money::from_minor(1300)
        }]
    );
    insta::assert_snapshot!(text);
}

#[test]
fn two_refunds_exceeding_the_payment_are_both_kept_and_flagged() {
    let n = Names::new();
    let (mut a, mut b, mut base) = shared_start(&n);
    base.push(a.event(n.order, None, pay_card(&n, 0, 1300, 0)));
    base.push(a.event(n.order, None, close(0)));
    b.observe(&base);
    let ea = vec![a.event(n.order, None, refund(&n, 0, 0, 1000))];
    let eb = vec![b.event(n.order, None, refund(&n, 1, 0, 800))];
    let (o, c, text) = merged(&n, &[&base, &ea, &eb]);
    assert_eq!(o.refunds.len(), 2);
    assert!(c.contains(&Conflict::OverRefund {
        payment_id: n.payments[0],
        paid: Money::from_minor(1300),
        refunded: Money::from_minor(1800)
    }));
    insta::assert_snapshot!(text);
}

#[test]
fn a_manager_settles_an_over_refund_and_a_later_refund_raises_it_again() {
    use comanda_domain::event::{EventBody, OverRefundAccepted, OverRefundSettlement};
    let n = Names::new();
    let (mut a, mut b, mut base) = shared_start(&n);
    base.push(a.event(n.order, None, pay_card(&n, 0, 1300, 0)));
    b.observe(&base);
    let ea = vec![a.event(n.order, None, refund(&n, 0, 0, 1000))];
    let eb = vec![b.event(n.order, None, refund(&n, 1, 0, 800))];
    a.observe(&eb);
    let accept = EventBody::OverRefundAccepted(OverRefundAccepted {
        payment_id: n.payments[0],
        refunded: Money::from_minor(1800),
        settlement: OverRefundSettlement::WrittenOff,
        note: "refunded twice".into(),
        approved_by: n.employees[2],
    });
    let settled = vec![a.event(n.order, None, accept)];
    let (o, c, _) = merged(&n, &[&base, &ea, &eb, &settled]);
    assert!(
        !c.iter().any(|x| matches!(x, Conflict::OverRefund { .. })),
        "{c:?}"
    );
    assert_eq!(o.approvals.len(), 3, "two refunds and the settlement");
    // The 5.00 given back past the payment no longer counts against the customer: what is due is
    // the food, which a payment or a comp settles (the order is not stranded).
    let t = o.totals();
    assert_eq!(t.over_refund_settled, Money::from_minor(500));
    assert_eq!(t.balance, t.total);
    // A third refund, from a terminal that had not heard: the excess grows, the conflict is back.
    let ec = vec![b.event(n.order, None, refund(&n, 2, 0, 100))];
    let (_, c, _) = merged(&n, &[&base, &ea, &eb, &settled, &ec]);
    assert!(c.contains(&Conflict::OverRefund {
        payment_id: n.payments[0],
        paid: Money::from_minor(1300),
        refunded: Money::from_minor(1900)
    }));
}

#[test]
fn cancel_after_payment_becomes_refund_due() {
    let n = Names::new();
    let (mut a, mut b, base) = shared_start(&n);
    let ea = vec![a.event(n.order, None, pay_cash(&n, 0, 500, 500))];
    let eb = vec![b.event(n.order, None, cancel(0))];
    let (o, c, text) = merged(&n, &[&base, &ea, &eb]);
    assert_eq!(o.status(), OrderStatus::Cancelled);
    assert_eq!(
        c,
        vec![Conflict::RefundDue {
            amount: Money::from_minor(500)
        }]
    );
    insta::assert_snapshot!(text);
}

#[test]
fn close_and_cancel_of_one_generation_cancel_wins_everywhere() {
    let n = Names::new();
    let (mut a, mut b, base) = shared_start(&n);
    let ea = vec![
        a.event(
            n.order,
            None,
            discount(&n, 0, None, DiscountAmount::Percent(Percent::FULL)),
        ),
        a.event(n.order, None, close(0)),
    ];
    let eb = vec![b.event(n.order, None, cancel(0))];
    let (o1, _, _) = merged(&n, &[&base, &ea, &eb]);
    let (o2, _, _) = merged(&n, &[&eb, &ea, &base]);
    assert_eq!(o1.status(), OrderStatus::Cancelled);
    assert_eq!(o1, o2);
}

#[test]
fn reopen_starts_a_new_generation_and_an_old_close_cannot_undo_it() {
    let n = Names::new();
    let (mut a, mut b, mut base) = shared_start(&n);
    base.push(a.event(n.order, None, pay_cash(&n, 0, 1300, 1300)));
    base.push(a.event(n.order, None, close(0)));
    b.observe(&base);
    let eb = vec![
        b.event(n.order, None, reopen(&n, 1)),
        b.event(n.order, None, line(&n, 1, 650, 1, 1, None)),
    ];
    // A's late duplicate close of generation 0 arrives after the reopen.
    let ea = vec![a.event(n.order, None, close(0))];
    let (o, c, text) = merged(&n, &[&base, &eb, &ea]);
    assert_eq!(o.lifecycle.generation, 1);
    assert_eq!(o.status(), OrderStatus::Open);
    assert!(c.is_empty());
    insta::assert_snapshot!(text);
}

#[test]
fn void_is_final_even_against_a_later_quantity_change() {
    let n = Names::new();
    let (mut a, mut b, base) = shared_start(&n);
    let ea = vec![a.event(n.order, None, void(&n, 0))];
    b.now_ms += 5000;
    let eb = vec![b.event(n.order, None, qty(&n, 0, 5))];
    let (o, _, _) = merged(&n, &[&base, &ea, &eb]);
    assert_eq!(o.live_lines().count(), 0);
    assert_eq!(o.totals().total, Money::ZERO);
}

#[test]
fn events_about_a_line_not_yet_received_are_shown_not_dropped() {
    let n = Names::new();
    let (_, mut b, base) = shared_start(&n);
    let eb = vec![b.event(n.order, None, qty(&n, 5, 2))];
    let (_, c, _) = merged(&n, &[&base, &eb]);
    assert!(matches!(&c[..], [Conflict::MissingReference { kind, .. }] if kind == "LineChanged"));
}

#[test]
fn taxes_inclusive_and_exclusive_with_discounts_add_up() {
    let n = Names::new();
    let mut a = Device::new(0);
    let evs = vec![
        a.event(n.order, None, opened(1)),
        a.event(n.order, None, line(&n, 1, 1000, 3, 0, None)),
        a.event(n.order, None, line(&n, 3, 1999, 1, 1, None)),
        a.event(n.order, None, line(&n, 5, 333, 2, 2, None)),
        a.event(
            n.order,
            None,
            discount(
                &n,
                0,
                Some(1),
                DiscountAmount::Fixed(Money::from_minor(250)),
            ),
        ),
        a.event(
            n.order,
            None,
            discount(
                &n,
                1,
                None,
                DiscountAmount::Percent(Percent::from_bp(1000).unwrap()),
            ),
        ),
    ];
    let (o, c, text) = merged(&n, &[&evs]);
    let t = o.totals();
    // 3000 + 1999 + 666 = 5665; line discount 250 → 5415; 10 % order discount = 542 (541.5 rounds up).
    assert_eq!(t.subtotal, Money::from_minor(5665));
    assert_eq!(t.discount, Money::from_minor(792));
    assert!(c.is_empty());
    insta::assert_snapshot!(text);
}

#[test]
fn a_rate_changed_while_the_order_was_open_taxes_each_line_at_its_own_rate() {
    let n = Names::new();
    let mut a = Device::new(0);
    let mut new_rate = tax(0);
    new_rate.rate = comanda_domain::money::Rate::from_milli_percent(12_000).unwrap();
    let mut later = line(&n, 1, 1120, 1, 0, None);
    if let comanda_domain::event::EventBody::LineAdded(l) = &mut later {
        l.tax = new_rate;
    }
    let evs = vec![
        a.event(n.order, None, opened(1)),
        a.event(n.order, None, line(&n, 3, 1100, 1, 0, None)),
        a.event(n.order, None, later),
    ];
    let (o, _, _) = merged(&n, &[&evs]);
    let t = o.totals();
    // 11.00 at 10 % holds 1.00; 11.20 at 12 % holds 1.20.
    assert_eq!(t.taxes.len(), 2);
    assert_eq!(t.tax_included, Money::from_minor(220));
}

#[test]
fn an_even_split_shares_what_other_payments_left() {
    use comanda_domain::event::SplitTarget;
    let n = Names::new();
    let mut a = Device::new(0);
    let evs = vec![
        a.event(n.order, None, opened(1)),
        a.event(n.order, None, line(&n, 1, 4500, 1, 0, None)),
        a.event(n.order, None, pay_card(&n, 0, 1500, 0)),
    ];
    let (o, _, _) = merged(&n, &[&evs]);
    let part = |k| SplitTarget::Even { part: k, of: 2 };
    assert_eq!(o.due_for(&part(1)), Money::from_minor(1500));
    assert_eq!(o.due_for(&part(2)), Money::from_minor(1500));
    // Once part 1 is paid, part 2 is still half of what the card left.
    let mut paid = evs.clone();
    let mut p = pay_cash(&n, 1, 1500, 2000);
    if let comanda_domain::event::EventBody::PaymentRecorded(x) = &mut p {
        x.split = Some(part(1));
    }
    paid.push(a.event(n.order, None, p));
    let (o, _, _) = merged(&n, &[&paid]);
    assert_eq!(o.due_for(&part(1)), Money::ZERO);
    assert_eq!(o.due_for(&part(2)), Money::from_minor(1500));
}

#[test]
fn cancel_on_one_terminal_while_another_fires_asks_a_manager_and_keeps_both_facts() {
    let n = Names::new();
    let (mut a, mut b, base) = shared_start(&n);
    // A cancels (nothing was sent there, so no manager was needed); B, offline, adds a line and
    // sends both to the kitchen.
    let ea = vec![a.event(n.order, None, cancel(0))];
    let eb = vec![
        b.event(n.order, None, line(&n, 1, 450, 1, 0, None)),
        b.event(n.order, None, fire(&n, &[0, 1])),
    ];
    let (o, c, text) = merged(&n, &[&base, &ea, &eb]);
    assert_eq!(o.status(), OrderStatus::Cancelled);
    assert_eq!(o.live_lines().count(), 2, "B's line is kept");
    assert_eq!(
        c,
        vec![Conflict::CancelledWhileCooking {
            lines: vec![n.lines[0], n.lines[1]]
        }]
    );
    insta::assert_snapshot!(text);

    // The manager confirms the cancel: both lines are waste, nothing left to settle.
    let mut m = Device::new(2);
    m.observe(&base);
    m.observe(&ea);
    m.observe(&eb);
    let confirm = vec![m.event(
        n.order,
        None,
        confirm_cancel(&n, 0, &[n.lines[0], n.lines[1]]),
    )];
    let (o, c, _) = merged(&n, &[&base, &ea, &eb, &confirm]);
    assert!(c.is_empty(), "{c:?}");
    assert_eq!(o.wasted, vec![n.lines[0], n.lines[1]]);
    // Or rejects it: the order is open again, with both lines.
    let reject = vec![m.event(n.order, None, reopen(&n, 1))];
    let (o, c, _) = merged(&n, &[&base, &ea, &eb, &reject]);
    assert_eq!(o.status(), OrderStatus::Open);
    assert!(c.is_empty(), "{c:?}");
}

#[test]
fn an_approved_cancel_covers_what_was_sent_before_it_but_not_a_later_fire() {
    let n = Names::new();
    let (mut a, mut b, mut base) = shared_start(&n);
    base.push(a.event(n.order, None, fire(&n, &[0])));
    b.observe(&base);
    // A manager approved the cancel knowing line 0 was sent: that is settled there and then.
    let ea = vec![a.event(n.order, None, cancel_approved(&n, 0))];
    let (_, c, _) = merged(&n, &[&base, &ea]);
    assert!(c.is_empty(), "{c:?}");
    // B, offline, sends a new line after the cancel: that one the manager did not see.
    b.now_ms += 5000;
    let eb = vec![
        b.event(n.order, None, line(&n, 1, 450, 1, 0, None)),
        b.event(n.order, None, fire(&n, &[1])),
    ];
    let (_, c, _) = merged(&n, &[&base, &ea, &eb]);
    assert_eq!(
        c,
        vec![Conflict::CancelledWhileCooking {
            lines: vec![n.lines[1]]
        }]
    );
}
