//! Merge properties: for random multi-device event sets, any permutation and duplication give
//! byte-identical state; invariants of order-model.md hold; the lifecycle never goes backwards as
//! events arrive; and a tiny reference model of lines and payments agrees with the fold.

use std::collections::BTreeMap;

use comanda_domain::event::{DiscountAmount, Event, EventBody, LineChange};
use comanda_domain::money::{Money, Percent};
use comanda_domain::order::{Conflict, OrderStatus, Phase, fold};
use proptest::prelude::*;

use crate::builder::*;

/// One action of a random scenario.
#[derive(Debug, Clone)]
enum Op {
    Add {
        dev: usize,
        line: usize,
        price: i64,
        qty: u32,
        tax: usize,
        seat: Option<u8>,
    },
    Qty {
        dev: usize,
        line: usize,
        qty: u32,
    },
    Note {
        dev: usize,
        line: usize,
        some: bool,
    },
    Void {
        dev: usize,
        line: usize,
    },
    Fire {
        dev: usize,
        lines: Vec<usize>,
    },
    Discount {
        dev: usize,
        id: usize,
        line: Option<usize>,
        fixed: bool,
        value: i64,
    },
    Undiscount {
        dev: usize,
        id: usize,
    },
    Pay {
        dev: usize,
        id: usize,
        amount: i64,
        card: bool,
        tip: i64,
    },
    VoidPay {
        dev: usize,
        id: usize,
    },
    Refund {
        dev: usize,
        id: usize,
        payment: usize,
        amount: i64,
    },
    Close {
        dev: usize,
        generation: u32,
    },
    Cancel {
        dev: usize,
        generation: u32,
        approved: bool,
    },
    /// A manager confirms the cancel, writing off these lines.
    Confirm {
        dev: usize,
        generation: u32,
        lines: Vec<usize>,
    },
    Reopen {
        dev: usize,
        generation: u32,
    },
    Tick {
        dev: usize,
        ms: u64,
    },
    Sync {
        from: usize,
        to: usize,
    },
}

fn arb_op() -> impl Strategy<Value = Op> {
    let dev = 0usize..3;
    let line = 0usize..8;
    prop_oneof![
        6 => (dev.clone(), line.clone(), 0i64..3000, 1u32..5, 0usize..3, proptest::option::of(1u8..4))
            .prop_map(|(dev, line, price, qty, tax, seat)| Op::Add { dev, line, price, qty, tax, seat }),
        2 => (dev.clone(), line.clone(), 1u32..9).prop_map(|(dev, line, qty)| Op::Qty { dev, line, qty }),
        1 => (dev.clone(), line.clone(), any::<bool>()).prop_map(|(dev, line, some)| Op::Note { dev, line, some }),
        2 => (dev.clone(), line.clone()).prop_map(|(dev, line)| Op::Void { dev, line }),
        1 => (dev.clone(), proptest::collection::vec(0usize..8, 1..4)).prop_map(|(dev, lines)| Op::Fire { dev, lines }),
        2 => (dev.clone(), 0usize..5, proptest::option::of(0usize..8), any::<bool>(), 1i64..5000)
            .prop_map(|(dev, id, line, fixed, value)| Op::Discount { dev, id, line, fixed, value }),
        1 => (dev.clone(), 0usize..5).prop_map(|(dev, id)| Op::Undiscount { dev, id }),
        3 => (dev.clone(), 0usize..6, 1i64..6000, any::<bool>(), 0i64..500)
            .prop_map(|(dev, id, amount, card, tip)| Op::Pay { dev, id, amount, card, tip }),
        1 => (dev.clone(), 0usize..6).prop_map(|(dev, id)| Op::VoidPay { dev, id }),
        1 => (dev.clone(), 0usize..6, 0usize..6, 1i64..4000).prop_map(|(dev, id, payment, amount)| Op::Refund { dev, id, payment, amount }),
        1 => (dev.clone(), 0u32..3).prop_map(|(dev, generation)| Op::Close { dev, generation }),
        1 => (dev.clone(), 0u32..3, any::<bool>()).prop_map(|(dev, generation, approved)| Op::Cancel { dev, generation, approved }),
        1 => (dev.clone(), 0u32..3, proptest::collection::vec(0usize..8, 0..4)).prop_map(|(dev, generation, lines)| Op::Confirm { dev, generation, lines }),
        1 => (dev.clone(), 1u32..3).prop_map(|(dev, generation)| Op::Reopen { dev, generation }),
        3 => (dev.clone(), 0u64..5000).prop_map(|(dev, ms)| Op::Tick { dev, ms }),
        2 => (dev.clone(), dev).prop_map(|(from, to)| Op::Sync { from, to }),
    ]
}

/// Plays a scenario: three devices, device 0 opens the order; devices only see each other's
/// events when a `Sync` op says so (so most events are concurrent).
fn play(ops: &[Op]) -> (Names, Vec<Event>) {
    let n = Names::new();
    let mut devs: Vec<Device> = (0..3).map(Device::new).collect();
    // Clocks disagree by up to a minute, as real terminals do.
    devs[1].now_ms += 45_000;
    devs[2].now_ms -= 20_000;
    let mut all = vec![devs[0].event(n.order, Some(n.employees[0]), opened(1))];
    let seen: Vec<usize> = vec![0; 3];
    for op in ops {
        let (dev, body) = match op.clone() {
            Op::Add {
                dev,
                line: l,
                price,
                qty,
                tax,
                seat,
            } => (dev, line(&n, l, price, qty, tax, seat)),
            Op::Qty { dev, line, qty: q } => (dev, qty(&n, line, q)),
            Op::Note { dev, line, some } => (dev, note(&n, line, some.then_some("no salt"))),
            Op::Void { dev, line } => (dev, void(&n, line)),
            Op::Fire { dev, lines } => (dev, fire(&n, &lines)),
            Op::Discount {
                dev,
                id,
                line,
                fixed,
                value,
            } => {
                let amount = if fixed {
                    DiscountAmount::Fixed(Money::from_minor(value))
                } else {
                    DiscountAmount::Percent(Percent::from_bp(value.min(10_000)).unwrap())
                };
                (dev, discount(&n, id, line, amount))
            }
            Op::Undiscount { dev, id } => (dev, undiscount(&n, id)),
            Op::Pay {
                dev,
                id,
                amount,
                card,
                tip,
            } => (
                dev,
                if card {
                    pay_card(&n, id, amount, tip)
                } else {
                    pay_cash(&n, id, amount, amount + tip)
                },
            ),
            Op::VoidPay { dev, id } => (dev, void_pay(&n, id)),
            Op::Refund {
                dev,
                id,
                payment,
                amount,
            } => (dev, refund(&n, id, payment, amount)),
            Op::Close { dev, generation } => (dev, close(generation)),
            Op::Cancel {
                dev,
                generation,
                approved,
            } => (
                dev,
                if approved {
                    cancel_approved(&n, generation)
                } else {
                    cancel(generation)
                },
            ),
            Op::Confirm {
                dev,
                generation,
                lines,
            } => {
                let ids: Vec<_> = lines.iter().map(|i| n.lines[*i]).collect();
                (dev, confirm_cancel(&n, generation, &ids))
            }
            Op::Reopen { dev, generation } => (dev, reopen(&n, generation)),
            Op::Tick { dev, ms } => {
                devs[dev].now_ms += ms;
                continue;
            }
            Op::Sync { from, to } => {
                let from_id = devs[from].id;
                let new: Vec<Event> = all[seen[to]..]
                    .iter()
                    .filter(|e| e.device_id == from_id)
                    .cloned()
                    .collect();
                devs[to].observe(&new);
                continue;
            }
        };
        let actor = Some(n.employees[dev]);
        let e = devs[dev].event(n.order, actor, body);
        all.push(e);
    }
    (n, all)
}

fn canonical(events: &[Event], n: &Names) -> String {
    let (state, conflicts) = fold(n.order, events);
    format!(
        "{}\n{}",
        serde_json::to_string(&state).unwrap(),
        serde_json::to_string(&conflicts).unwrap()
    )
}

fn scenario() -> impl Strategy<Value = Vec<Op>> {
    proptest::collection::vec(arb_op(), 0..40)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Any permutation and any duplication of an event set give byte-identical state.
    #[test]
    fn permutation_and_duplication_give_identical_state(ops in scenario(), perm_seed in any::<u64>(), dups in proptest::collection::vec(any::<prop::sample::Index>(), 0..10)) {
        let (n, events) = play(&ops);
        let expected = canonical(&events, &n);
        let mut shuffled = events.clone();
        for d in &dups {
            shuffled.push(d.get(&events).clone());
        }
        // Fisher-Yates with a tiny LCG, so the permutation is reproducible from the seed.
        let mut s = perm_seed | 1;
        for i in (1..shuffled.len()).rev() {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let j = usize::try_from(s >> 33).unwrap() % (i + 1);
            shuffled.swap(i, j);
        }
        prop_assert_eq!(canonical(&shuffled, &n), expected);
    }

    /// The invariants of order-model.md hold for any event set.
    #[test]
    fn invariants_hold(ops in scenario()) {
        let (n, events) = play(&ops);
        let (o, conflicts) = fold(n.order, &events);
        let t = o.totals();
        // Sets keyed by id: each payment, refund and discount once.
        let mut ids: Vec<_> = o.payments.iter().map(|p| p.payment_id).collect();
        ids.dedup();
        prop_assert_eq!(ids.len(), o.payments.len());
        // Money adds up.
        prop_assert_eq!(t.lines.iter().map(|l| l.total).sum::<Money>(), t.total);
        prop_assert!(t.discount <= t.subtotal);
        prop_assert!(t.lines.iter().all(|l| l.net >= Money::ZERO && l.tax >= Money::ZERO));
        prop_assert_eq!(t.taxes.iter().map(|x| x.tax).sum::<Money>(), t.tax_included + t.tax_added);
        if o.lifecycle.phase == Phase::Cancelled {
            prop_assert_eq!(t.balance, Money::ZERO);
        } else {
            prop_assert_eq!(t.balance, t.total - t.paid + t.refunded - t.over_refund_settled);
        }
        // An order is closed only with a zero balance.
        if o.status() == OrderStatus::Closed {
            prop_assert_eq!(t.balance, Money::ZERO);
        }
        // Over-refunds are kept as facts and flagged.
        for p in &o.payments {
            let paid = if p.voided.is_some() { Money::ZERO } else { p.amount };
            let refunded: Money = o.refunds.iter().filter(|r| r.payment_id == p.payment_id).map(|r| r.amount).sum();
            let flagged = conflicts.iter().any(|c| matches!(c, Conflict::OverRefund { payment_id, .. } if *payment_id == p.payment_id));
            prop_assert_eq!(flagged, refunded > paid);
        }
        // A cancel never silently drops money.
        let held = t.paid - t.refunded;
        let refund_due = conflicts.iter().any(|c| matches!(c, Conflict::RefundDue { .. }));
        prop_assert_eq!(refund_due, o.lifecycle.phase == Phase::Cancelled && held.is_positive());
    }

    /// Stamps that run against causal order (a terminal restored from an old backup, a clock
    /// set back): an event may sort before the line, payment or discount it names. Once the
    /// target is held, every such event has taken effect on it and no `MissingReference` is
    /// left for it.
    #[test]
    fn orphans_take_effect_when_their_target_arrives(ops in scenario(), walls in proptest::collection::vec(0u64..60_000, 64)) {
        let (n, mut events) = play(&ops);
        for (e, w) in events.iter_mut().zip(walls.iter().cycle()) {
            e.hlc.wall_ms = 1_700_000_000_000 + *w;
        }
        let (o, conflicts) = fold(n.order, &events);
        let mut line_ids = std::collections::BTreeSet::new();
        let mut payment_ids = std::collections::BTreeSet::new();
        let mut discount_ids = std::collections::BTreeSet::new();
        for e in &events {
            match &e.body {
                EventBody::LineAdded(a) => { line_ids.insert(a.line_id.to_string()); }
                EventBody::PaymentRecorded(p) => { payment_ids.insert(p.payment_id.to_string()); }
                EventBody::DiscountApplied(d) => { discount_ids.insert(d.discount_id.to_string()); }
                _ => {}
            }
        }
        for c in &conflicts {
            if let Conflict::MissingReference { missing, .. } = c {
                let (what, id) = missing.split_once(' ').unwrap();
                let held = match what {
                    "line" => line_ids.contains(id),
                    "payment" => payment_ids.contains(id),
                    _ => discount_ids.contains(id),
                };
                prop_assert!(!held, "{} is held but still missing", missing);
            }
        }
        let mut last_qty: BTreeMap<_, (comanda_domain::event::EventKey, u32)> = BTreeMap::new();
        for e in &events {
            match &e.body {
                EventBody::LineVoided(v) => prop_assert!(o.line(v.line_id).is_none_or(|l| l.voided.is_some())),
                EventBody::OrderFired(f) => {
                    for id in &f.line_ids {
                        prop_assert!(o.line(*id).is_none_or(|l| l.fired || l.voided.is_some()));
                    }
                }
                EventBody::PaymentVoided(v) => prop_assert!(o.payment(v.payment_id).is_none_or(|p| p.voided.is_some())),
                EventBody::DiscountRemoved(r) => prop_assert!(o.discount(r.discount_id).is_none_or(|d| d.removed)),
                EventBody::LineChanged(c) => {
                    if let LineChange::Qty(q) = c.change {
                        let cur = last_qty.entry(c.line_id).or_insert((e.key(), q.get()));
                        if e.key() > cur.0 { *cur = (e.key(), q.get()); }
                    }
                }
                _ => {}
            }
        }
        for l in o.live_lines() {
            if let Some((_, q)) = last_qty.get(&l.line_id) {
                prop_assert_eq!(l.qty.get(), *q, "the latest change wins on {}", l.name);
            }
        }
    }

    /// Cancel while cooking (order-model.md): on a cancelled order, every live fired line is
    /// written off, covered by an approved cancel that saw it fired, or shown to a manager; the
    /// conflict never names a line that is not live and fired; and a confirm naming what it
    /// lists settles it, on any node, whatever else arrived.
    #[test]
    fn cancel_while_cooking_is_shown_until_a_manager_settles_it(ops in scenario()) {
        let (n, mut events) = play(&ops);
        let (o, conflicts) = fold(n.order, &events);
        let listed: Vec<_> = conflicts.iter().find_map(|c| match c {
            Conflict::CancelledWhileCooking { lines } => Some(lines.clone()),
            _ => None,
        }).unwrap_or_default();
        let shown = conflicts.iter().filter(|c| matches!(c, Conflict::CancelledWhileCooking { .. })).count();
        prop_assert!(shown <= 1);
        if o.lifecycle.phase != Phase::Cancelled {
            prop_assert!(listed.is_empty());
        }
        for id in &listed {
            let l = o.line(*id).unwrap();
            prop_assert!(l.fired && l.voided.is_none() && !o.wasted.contains(id));
        }
        if o.lifecycle.phase == Phase::Cancelled {
            let cancel = o.cancelled.as_ref().unwrap();
            for l in o.live_lines().filter(|l| l.fired) {
                let covered = o.wasted.contains(&l.line_id)
                    || (cancel.approved_by.is_some() && cancel.fired_before.contains(&l.line_id));
                prop_assert_eq!(listed.contains(&l.line_id), !covered, "{}", l.name);
            }
        }
        if !listed.is_empty() {
            let mut d = Device::new(9);
            d.observe(&events);
            events.push(d.event(n.order, Some(n.employees[2]), confirm_cancel(&n, o.lifecycle.generation, &listed)));
            let (_, after) = fold(n.order, &events);
            let still = after.iter().any(|c| matches!(c, Conflict::CancelledWhileCooking { .. }));
            prop_assert!(!still);
        }
    }

    /// The store's fast fold (events already unique and in agreed order) is the fold.
    #[test]
    fn the_ordered_fold_is_the_fold(ops in scenario(), perm_seed in any::<u64>()) {
        let (n, events) = play(&ops);
        let mut sorted = events.clone();
        sorted.sort_by_key(|e| e.key());
        sorted.dedup_by_key(|e| e.id);
        let (expected, _) = fold(n.order, &events);
        prop_assert_eq!(&comanda_domain::order::fold_ordered(n.order, &sorted), &expected);
        // Out of order, it falls back to the fold.
        let mut shuffled = sorted.clone();
        if shuffled.len() > 1 {
            let i = usize::try_from(perm_seed % shuffled.len() as u64).unwrap();
            shuffled.swap(0, i);
        }
        prop_assert_eq!(&comanda_domain::order::fold_ordered(n.order, &shuffled), &expected);
    }

    /// Status never goes backwards: whatever subset of the events a node holds, its lifecycle is
    /// at most the lifecycle of the whole set.
    #[test]
    fn lifecycle_only_grows(ops in scenario(), keep in proptest::collection::vec(any::<bool>(), 0..48)) {
        let (n, events) = play(&ops);
        let subset: Vec<Event> = events.iter().zip(keep.iter().chain(std::iter::repeat(&true))).filter(|(_, k)| **k).map(|(e, _)| e.clone()).collect();
        let (part, _) = fold(n.order, &subset);
        let (whole, _) = fold(n.order, &events);
        prop_assert!(part.lifecycle <= whole.lifecycle);
    }

    /// A reference model, written differently (max by key instead of sequential overwrite),
    /// agrees with the fold on live lines, quantities and money paid.
    #[test]
    fn agrees_with_reference_model(ops in scenario()) {
        let (n, events) = play(&ops);
        let (o, _) = fold(n.order, &events);
        let mut added: BTreeMap<_, (comanda_domain::event::EventKey, u32)> = BTreeMap::new();
        let mut voided = std::collections::BTreeSet::new();
        let mut last_qty: BTreeMap<_, (comanda_domain::event::EventKey, u32)> = BTreeMap::new();
        let mut payments: BTreeMap<_, (comanda_domain::event::EventKey, i64)> = BTreeMap::new();
        let mut pay_voided = std::collections::BTreeSet::new();
        for e in &events {
            match &e.body {
                EventBody::LineAdded(a) => {
                    let cur = added.entry(a.line_id).or_insert((e.key(), a.qty.get()));
                    if e.key() < cur.0 { *cur = (e.key(), a.qty.get()); }
                }
                EventBody::LineVoided(v) => { voided.insert(v.line_id); }
                EventBody::PaymentRecorded(p) => {
                    let cur = payments.entry(p.payment_id).or_insert((e.key(), p.amount.minor()));
                    if e.key() < cur.0 { *cur = (e.key(), p.amount.minor()); }
                }
                EventBody::PaymentVoided(v) => { pay_voided.insert(v.payment_id); }
                _ => {}
            }
        }
        // On a live line the latest quantity change counts, even one stamped before the add (a
        // change names its line, so it was made after it, whatever the clocks said).
        for e in &events {
            if let EventBody::LineChanged(c) = &e.body
                && let LineChange::Qty(q) = c.change
            {
                let cur = last_qty.entry(c.line_id).or_insert((e.key(), q.get()));
                if e.key() > cur.0 { *cur = (e.key(), q.get()); }
            }
        }
        let model_live: BTreeMap<_, u32> = added.iter().filter(|(id, _)| !voided.contains(*id)).map(|(id, (_, q))| (*id, last_qty.get(id).map_or(*q, |x| x.1))).collect();
        let fold_live: BTreeMap<_, u32> = o.live_lines().map(|l| (l.line_id, l.qty.get())).collect();
        prop_assert_eq!(fold_live, model_live);
        let model_paid: i64 = payments.iter().filter(|(id, _)| !pay_voided.contains(*id)).map(|(_, (_, a))| *a).sum();
        prop_assert_eq!(o.totals().paid.minor(), model_paid);
    }
}
