//! Rules that must hold after any sequence of commands, not only after the one they were written
//! for: random sequences of counter commands sent through `dispatch` (the one entry point of the
//! window and the HTTP server) against a real terminal store.
//!
//! - A cashier alone never ends with the discounts no manager approved above the store's limit,
//!   however lines grow, shrink, change modifiers or are voided, and discounts come and go.
//! - With managers around (a PIN given now and then, a manager signed in), every event that took
//!   those discounts past the limit, and every event that took something off a line the kitchen
//!   already had, names the manager who approved it: the audit is complete.
//! - Money stays whole: refunds never exceed what was paid, each payment never refunded past
//!   itself, and nothing is paid twice for the same line by seat and by lines.

use std::sync::Arc;

use comanda_api::Ctx;
use comanda_api::commands::dispatch;
use comanda_domain::clock::ManualClock;
use comanda_domain::employee::Role;
use comanda_domain::event::{EventBody, StreamId};
use comanda_domain::ids::{OrderId, SeqIds};
use comanda_domain::money::Money;
use comanda_domain::order::OrderState;
use proptest::prelude::*;
use serde_json::{Value, json};

use crate::support::{ALEX, MORGAN, START_MS};

/// One thing a person does at the counter.
#[derive(Debug, Clone)]
enum Op {
    Add {
        item: usize,
        qty: i64,
    },
    Qty {
        line: usize,
        qty: i64,
    },
    Mods {
        line: usize,
        pick: usize,
    },
    Void {
        line: usize,
    },
    Discount {
        line: Option<usize>,
        fixed: bool,
        value: i64,
    },
    Undiscount {
        which: usize,
    },
    Fire,
    Pay {
        amount: i64,
    },
    Refund {
        which: usize,
        amount: i64,
    },
}

fn arb_op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0usize..8, 1i64..4).prop_map(|(item, qty)| Op::Add { item, qty }),
        3 => (0usize..12, 1i64..12).prop_map(|(line, qty)| Op::Qty { line, qty }),
        1 => (0usize..12, 0usize..16).prop_map(|(line, pick)| Op::Mods { line, pick }),
        2 => (0usize..12).prop_map(|line| Op::Void { line }),
        3 => (proptest::option::of(0usize..12), any::<bool>(), 1i64..2500)
            .prop_map(|(line, fixed, value)| Op::Discount { line, fixed, value }),
        1 => (0usize..6).prop_map(|which| Op::Undiscount { which }),
        1 => Just(Op::Fire),
        1 => (100i64..3000).prop_map(|amount| Op::Pay { amount }),
        1 => (0usize..4, 1i64..2000).prop_map(|(which, amount)| Op::Refund { which, amount }),
    ]
}

/// How a command is approved in a sequence with managers.
#[derive(Debug, Clone, Copy)]
enum Who {
    /// The cashier alone.
    Cashier,
    /// The cashier, with a manager's PIN given.
    WithPin,
    /// A manager signed in.
    Manager,
}

fn arb_who() -> impl Strategy<Value = Who> {
    prop_oneof![3 => Just(Who::Cashier), 1 => Just(Who::WithPin), 1 => Just(Who::Manager)]
}

/// A terminal with the demo store, opened on a temporary directory.
struct Terminal {
    _dir: tempfile::TempDir,
    ctx: Ctx,
    alex: String,
    morgan: String,
    catalog: Value,
    ids: u64,
}

impl Terminal {
    fn new() -> Terminal {
        let dir = tempfile::tempdir().expect("temporary directory");
        let clock = Arc::new(ManualClock::new(START_MS));
        let ctx = Ctx::open(dir.path(), clock, Arc::new(SeqIds::new(1)), true).expect("open");
        let login = |pin: &str| {
            dispatch(&ctx, "login", None, json!({ "pin": pin })).expect("login")["token"]
                .as_str()
                .expect("token")
                .to_owned()
        };
        let (alex, morgan) = (login(ALEX), login(MORGAN));
        let catalog =
            dispatch(&ctx, "get_bootstrap", None, json!({})).expect("bootstrap")["catalog"].clone();
        Terminal {
            _dir: dir,
            ctx,
            alex,
            morgan,
            catalog,
            ids: 0,
        }
    }

    /// A fresh id, as a client makes them (a UUIDv7-shaped value the store never made).
    fn id(&mut self) -> String {
        self.ids += 1;
        format!("01900000-0000-7000-9000-{:012x}", self.ids)
    }

    fn state(&self, order_id: &str) -> OrderState {
        let id: OrderId = order_id.parse().expect("order id");
        self.ctx
            .store
            .read(|r| r.order(id))
            .expect("read")
            .expect("order")
            .state
    }

    /// Items that can be rung up, with a valid set of modifier choices for each `pick`.
    fn items(&self) -> Vec<&Value> {
        self.catalog["items"]
            .as_array()
            .expect("items")
            .iter()
            .collect()
    }

    /// The `pick`-th valid choice of modifiers for an item: for each group, `min` modifiers (at
    /// least one when the group allows it), rotated by `pick`.
    fn choices(&self, item: &Value, pick: usize) -> Vec<Value> {
        let groups = self.catalog["modifier_groups"].as_array().expect("groups");
        let mut out = vec![];
        for gid in item["modifier_group_ids"].as_array().expect("group ids") {
            let g = groups.iter().find(|g| g["id"] == *gid).expect("group");
            let mods = g["modifiers"].as_array().expect("modifiers");
            let max = g["max"].as_u64().expect("max") as usize;
            let min = g["min"].as_u64().expect("min") as usize;
            let n = (min.max(pick % 2)).min(max).min(mods.len());
            for k in 0..n {
                let m = &mods[(pick + k) % mods.len()];
                out.push(json!({ "group_id": g["id"], "modifier_id": m["id"] }));
            }
        }
        out
    }

    /// Runs one op as `who`; refusals are part of the game (the rules under test make them).
    fn run(&mut self, order_id: &str, op: &Op, who: Who) {
        let state = self.state(order_id);
        let lines: Vec<_> = state.lines.iter().map(|l| l.line_id.to_string()).collect();
        let line = |i: usize| lines.get(i % lines.len().max(1)).cloned();
        let mut body = match op {
            Op::Add { item, qty } => {
                let items = self.items();
                let it = items[item % items.len()].clone();
                let modifiers = self.choices(&it, *item);
                json!({ "order_id": order_id, "line_id": self.id(), "item_id": it["id"], "qty": qty, "modifiers": modifiers })
            }
            Op::Qty { line: i, qty } => match line(*i) {
                Some(l) => {
                    json!({ "order_id": order_id, "line_id": l, "change": { "field": "qty", "value": qty } })
                }
                None => return,
            },
            Op::Mods { line: i, pick } => {
                let Some(l) = state.lines.get(i % state.lines.len().max(1)) else {
                    return;
                };
                let item = self
                    .items()
                    .into_iter()
                    .find(|it| it["id"] == l.item_id.to_string())
                    .cloned()
                    .expect("item");
                let m = self.choices(&item, *pick);
                json!({ "order_id": order_id, "line_id": l.line_id, "change": { "field": "modifiers", "value": m } })
            }
            Op::Void { line: i } => match line(*i) {
                Some(l) => json!({ "order_id": order_id, "line_id": l, "reason": "mistake" }),
                None => return,
            },
            Op::Discount {
                line: i,
                fixed,
                value,
            } => {
                let target = match i.and_then(line) {
                    Some(l) => json!({ "type": "line", "line_id": l }),
                    None => json!({ "type": "order" }),
                };
                let discount = if *fixed {
                    json!({ "type": "fixed", "value": value })
                } else {
                    json!({ "type": "percent", "value": (value * 4).min(10_000) })
                };
                json!({ "order_id": order_id, "discount_id": self.id(), "target": target, "discount": discount, "reason": "promo" })
            }
            Op::Undiscount { which } => {
                let live: Vec<_> = state.discounts.iter().filter(|d| !d.removed).collect();
                let Some(d) = live.get(which % live.len().max(1)) else {
                    return;
                };
                json!({ "order_id": order_id, "discount_id": d.discount_id })
            }
            Op::Fire => json!({ "order_id": order_id }),
            Op::Pay { amount } => {
                json!({ "order_id": order_id, "payment_id": self.id(), "method": { "type": "card", "amount": amount, "reference": "T" } })
            }
            Op::Refund { which, amount } => {
                let Some(p) = state.payments.get(which % state.payments.len().max(1)) else {
                    return;
                };
                json!({ "order_id": order_id, "refund_id": self.id(), "payment_id": p.payment_id, "amount": amount, "method": { "type": "cash" }, "reason": "owed" })
            }
        };
        let name = match op {
            Op::Add { .. } => "add_line",
            Op::Qty { .. } | Op::Mods { .. } => "change_line",
            Op::Void { .. } => "void_line",
            Op::Discount { .. } => "apply_discount",
            Op::Undiscount { .. } => "remove_discount",
            Op::Fire => "fire_order",
            Op::Pay { .. } => "record_payment",
            Op::Refund { .. } => "refund_payment",
        };
        let token = match who {
            Who::Manager => self.morgan.clone(),
            _ => self.alex.clone(),
        };
        if matches!(who, Who::WithPin) && name != "add_line" && name != "fire_order" {
            body["approval"] = json!({ "pin": MORGAN });
        }
        // Refusals are answers, never failures of the terminal.
        if let Err(e) = dispatch(&self.ctx, name, Some(&token), body.clone()) {
            assert!(e.http_status() < 500, "{name} {body} failed inside: {e:?}");
        }
    }
}

/// Plays a sequence on one table and returns the terminal and the order.
fn play(ops: &[(Op, Who)]) -> (Terminal, String) {
    let mut t = Terminal::new();
    let order_id = t.id();
    let token = t.alex.clone();
    dispatch(
        &t.ctx,
        "open_order",
        Some(&token),
        json!({ "order_id": order_id, "order_type": { "type": "dine_in", "table": "3", "guests": 2 } }),
    )
    .expect("open");
    for (op, who) in ops {
        t.run(&order_id, op, *who);
    }
    (t, order_id)
}

/// Replays the order's events one by one and checks each against the rules on its before and
/// after: whatever took the unapproved discounts past the limit, or took something off a sent
/// line, names a manager.
fn audit(t: &Terminal, order_id: &str) -> Result<(), TestCaseError> {
    let id: OrderId = order_id.parse().expect("order id");
    let events = t
        .ctx
        .store
        .read(|r| r.stream_events(StreamId::Order(id)))
        .expect("events");
    let limit = t
        .ctx
        .store
        .read(|r| r.settings())
        .expect("settings")
        .unwrap_or_default()
        .cashier_discount_limit
        .bp();
    let staff = t.ctx.store.read(|r| r.employees()).expect("staff");
    let mut state = OrderState::new(id);
    for e in &events {
        let before = state.clone();
        state.apply(e);
        let approver = e.body.approved_by();
        if let Some(a) = approver {
            prop_assert_eq!(
                staff.get(&a).map(|r| r.role),
                Some(Role::Manager),
                "{:?}",
                e.body
            );
        }
        let (was, will) = (
            before.unapproved_discount_bp(),
            state.unapproved_discount_bp(),
        );
        if will > limit && will > was {
            prop_assert!(
                approver.is_some(),
                "{:?} took the discounts from {} to {} bp with no manager",
                e.body,
                was,
                will
            );
        }
        for b in before.live_lines().filter(|l| l.fired) {
            let a = state.line(b.line_id).expect("a line never disappears");
            if a.voided.is_some() || a.qty < b.qty {
                prop_assert!(
                    approver.is_some(),
                    "{:?} took {} off the kitchen's ticket with no manager",
                    e.body,
                    b.name
                );
            }
            prop_assert!(a.qty <= b.qty, "a sent line grew");
            prop_assert_eq!(
                &a.modifiers,
                &b.modifiers,
                "a sent line changed its modifiers"
            );
        }
        if matches!(
            e.body,
            EventBody::RefundIssued(_) | EventBody::PaymentVoided(_)
        ) {
            prop_assert!(approver.is_some(), "{:?} with no manager", e.body);
        }
    }
    // Money stays whole.
    let totals = state.totals();
    prop_assert!(totals.refunded <= totals.paid);
    for p in &state.payments {
        let refunded: Money = state
            .refunds
            .iter()
            .filter(|r| r.payment_id == p.payment_id)
            .map(|r| r.amount)
            .sum();
        prop_assert!(
            refunded <= p.amount,
            "payment {} refunded {}",
            p.amount,
            refunded
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// A cashier alone can never end with unapproved discounts above the limit.
    #[test]
    fn a_cashier_alone_never_ends_above_the_discount_limit(ops in proptest::collection::vec(arb_op(), 1..40)) {
        let (t, order_id) = play(&ops.into_iter().map(|o| (o, Who::Cashier)).collect::<Vec<_>>());
        let state = t.state(&order_id);
        let limit = t.ctx.store.read(|r| r.settings()).expect("settings").unwrap_or_default().cashier_discount_limit;
        prop_assert!(state.unapproved_discount_bp() <= limit.bp(), "ended at {} bp:\n{}", state.unapproved_discount_bp(), comanda_domain::order::render_text(&state, &[]));
        prop_assert!(state.approvals.is_empty(), "nobody approved anything: {:?}", state.approvals);
        audit(&t, &order_id)?;
    }

    /// With managers around, every approved action names its manager in its event.
    #[test]
    fn every_approved_action_names_its_manager(ops in proptest::collection::vec((arb_op(), arb_who()), 1..40)) {
        let (t, order_id) = play(&ops);
        audit(&t, &order_id)?;
    }

    /// No order is stranded: whatever happened, a manager can give back all that is owed, one
    /// payment after another, and nothing is owed after; a closed order has sent every line.
    #[test]
    fn no_order_is_stranded(ops in proptest::collection::vec((arb_op(), arb_who()), 1..40)) {
        let (mut t, order_id) = play(&ops);
        let state = t.state(&order_id);
        if state.status() == comanda_domain::order::OrderStatus::Closed {
            prop_assert!(state.live_lines().all(|l| l.fired), "closed with a line never sent");
        }
        let morgan = t.morgan.clone();
        for _ in 0..=state.payments.len() {
            let state = t.state(&order_id);
            let owed = state.refund_due_with(&state.totals());
            if !owed.is_positive() {
                break;
            }
            let payment = state
                .payments
                .iter()
                .max_by_key(|p| state.refundable(p.payment_id))
                .map(|p| p.payment_id)
                .expect("money owed back was paid by some payment");
            let body = json!({
                "order_id": order_id, "refund_id": t.id(), "payment_id": payment,
                "method": { "type": "cash" }, "reason": "owed",
            });
            let answer = dispatch(&t.ctx, "refund_payment", Some(&morgan), body);
            prop_assert!(answer.is_ok(), "refund refused: {:?}", answer.err());
        }
        let state = t.state(&order_id);
        prop_assert_eq!(state.refund_due_with(&state.totals()), Money::ZERO);
        audit(&t, &order_id)?;
    }
}
