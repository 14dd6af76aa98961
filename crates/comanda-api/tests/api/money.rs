//! Money rules found broken by trying the counter as a cashier, an auditor and an attacker
//! would, each test named after what broke: a discount limit that a later change slipped past, a
//! payment void with no approver, an order stranded with more paid than owed, food paid for and
//! never sent, a tip paid before the bill, a line paid twice by seat and by lines.

use serde_json::{Value, json};

use crate::support::{ALEX, MORGAN, SAM, assert_error, client_id, spawn_app};

fn line_id(view: &Value, i: usize) -> String {
    view["lines"][i]["line_id"]
        .as_str()
        .expect("line id")
        .to_owned()
}

#[tokio::test]
async fn a_comped_cheap_line_cannot_grow_past_the_limit_without_a_manager() {
    let app = spawn_app().await;
    let alex = app.login(ALEX).await;
    let menu = app.menu().await;
    let id = app.open_table(&alex, "1").await;
    app.add(&alex, &id, &menu.item("Beer"), 10).await; // 45.00
    let view = app.add(&alex, &id, &menu.item("Cola"), 1).await;
    let cola = line_id(&view, 1);
    // Comping one cola is well within 10 % of a 48.00 order.
    let comp = json!({ "order_id": id, "target": { "type": "line", "line_id": cola }, "discount": { "type": "percent", "value": 10_000 }, "reason": "regular" });
    let view = app.ok("apply_discount", &alex, comp).await;
    assert!(view["approvals"].as_array().unwrap().is_empty());

    // Twenty comped colas are not: the growth needs a manager, like the discount would have.
    let grow = |approval: Option<&str>| {
        let mut b =
            json!({ "order_id": id, "line_id": cola, "change": { "field": "qty", "value": 20 } });
        if let Some(pin) = approval {
            b["approval"] = json!({ "pin": pin });
        }
        b
    };
    let got = app.call("change_line", Some(&alex), grow(None)).await;
    assert_error(&got, 403, "approval_required", Some("approval"));
    let message = got.1["message"].as_str().unwrap();
    assert!(message.contains("discounts past 10%"), "{message}");
    // Sam is a cashier: no.
    let got = app.call("change_line", Some(&alex), grow(Some(SAM))).await;
    assert_error(&got, 403, "approval_denied", Some("approval"));
    let view = app.ok("change_line", &alex, grow(Some(MORGAN))).await;
    assert_eq!(view["lines"][1]["qty"], 20);
    // The approval is on record, in the order's audit.
    assert_eq!(view["approvals"][0]["action"], "Line changed");
    assert_eq!(view["approvals"][0]["detail"], "Cola × 20");
    assert_eq!(view["approvals"][0]["approved_by"], "Morgan");
    assert_eq!(view["approvals"][0]["stamp"]["by"], "Alex");
    // Removing the beers would push it further still: asked again.
    let void = json!({ "order_id": id, "line_id": line_id(&view, 0), "reason": "mistake" });
    let got = app.call("void_line", Some(&alex), void).await;
    assert_error(&got, 403, "approval_required", Some("approval"));
}

#[tokio::test]
async fn a_priced_modifier_taken_off_a_discounted_line_is_checked_too() {
    let app = spawn_app().await;
    let alex = app.login(ALEX).await;
    let menu = app.menu().await;
    let id = app.open_table(&alex, "1").await;
    let burger = |side: &str| {
        json!([
            menu.choice("Classic Burger", "Cooking", "Medium"),
            menu.choice("Classic Burger", "Side", side),
        ])
    };
    let view = app
        .ok(
            "add_line",
            &alex,
            json!({ "order_id": id, "item_id": menu.item("Classic Burger"), "qty": 1, "modifiers": burger("Sweet potato fries") }),
        )
        .await;
    let l = line_id(&view, 0);
    // 1.35 off 13.50 is exactly 10 %.
    let d = json!({ "order_id": id, "target": { "type": "order" }, "discount": { "type": "fixed", "value": 135 }, "reason": "regular" });
    app.ok("apply_discount", &alex, d).await;
    // Plain fries make it 12.50: 1.35 is then 10.8 %.
    let change = json!({ "order_id": id, "line_id": l, "change": { "field": "modifiers", "value": burger("Fries") } });
    let got = app.call("change_line", Some(&alex), change).await;
    assert_error(&got, 403, "approval_required", Some("approval"));
}

#[tokio::test]
async fn a_voided_payment_names_its_approver_in_the_order_and_its_audit() {
    let app = spawn_app().await;
    let alex = app.login(ALEX).await;
    let menu = app.menu().await;
    let id = app.open_table(&alex, "1").await;
    app.add(&alex, &id, &menu.item("Fries"), 2).await;
    let pay = json!({ "order_id": id, "payment_id": client_id(1), "method": { "type": "card", "amount": 400, "reference": "T-1" } });
    app.ok("record_payment", &alex, pay).await;
    let void = json!({ "order_id": id, "payment_id": client_id(1), "reason": "wrong card", "approval": { "pin": MORGAN } });
    let view = app.ok("void_payment", &alex, void).await;
    let voided = &view["payments"][0]["voided"];
    assert_eq!(voided["reason"], "wrong card");
    assert_eq!(voided["approved_by"], "Morgan");
    assert_eq!(voided["stamp"]["by"], "Alex");
    assert_eq!(view["payments"][0]["refundable"], 0);
    assert_eq!(view["approvals"][0]["action"], "Payment voided");
    assert_eq!(view["approvals"][0]["detail"], "payment of 4.00");
    // And the event itself carries it, for every terminal that will ever receive it.
    let order: comanda_domain::ids::OrderId = id.parse().unwrap();
    let events = app
        .ctx
        .store
        .read(|r| r.stream_events(comanda_domain::event::StreamId::Order(order)))
        .unwrap();
    let approver = events
        .iter()
        .find_map(|e| match &e.body {
            comanda_domain::event::EventBody::PaymentVoided(v) => Some(v.approved_by),
            _ => None,
        })
        .flatten();
    assert!(approver.is_some());
}

#[tokio::test]
async fn an_order_overpaid_after_a_void_is_settled_by_a_refund_and_closes() {
    let app = spawn_app().await;
    let alex = app.login(ALEX).await;
    let menu = app.menu().await;
    let id = app.open_table(&alex, "1").await;
    app.add(&alex, &id, &menu.item("Fries"), 1).await;
    let view = app.add(&alex, &id, &menu.item("Cola"), 1).await; // 4.50 + 3.00
    let pay = json!({ "order_id": id, "payment_id": client_id(1), "method": { "type": "cash", "tendered": 500 } });
    app.ok("record_payment", &alex, pay).await;
    // The cola was never served: voided after 5.00 was paid on 4.50 of fries.
    let void = json!({ "order_id": id, "line_id": line_id(&view, 1), "reason": "not served" });
    let view = app.ok("void_line", &alex, void).await;
    assert_eq!(view["status"], "open");
    assert_eq!(view["refund_due"], 50);
    assert_eq!(view["totals"]["balance"], -50);
    assert_eq!(view["conflicts"][0]["type"], "overpaid");
    // Closing and paying are no way out…
    let got = app
        .call("close_order", Some(&alex), json!({ "order_id": id }))
        .await;
    assert_error(&got, 409, "balance_not_zero", None);
    // …a refund is, with a manager, for no more than is owed.
    let refund = |n: u64, amount: Option<i64>, approval: bool| {
        let mut b = json!({ "order_id": id, "refund_id": client_id(n), "payment_id": client_id(1), "method": { "type": "cash" }, "reason": "cola not served" });
        if let Some(a) = amount {
            b["amount"] = json!(a);
        }
        if approval {
            b["approval"] = json!({ "pin": MORGAN });
        }
        b
    };
    assert_error(
        &app.call("refund_payment", Some(&alex), refund(10, None, false))
            .await,
        403,
        "approval_required",
        Some("approval"),
    );
    assert_error(
        &app.call("refund_payment", Some(&alex), refund(10, Some(51), true))
            .await,
        400,
        "invalid_input",
        Some("amount"),
    );
    let view = app
        .ok("refund_payment", &alex, refund(10, None, true))
        .await;
    assert_eq!(view["status"], "closed");
    // Closed by the refund: the fries the kitchen never got are sent with it.
    assert_eq!(view["lines"][0]["fired"], true);
    assert_eq!(view["refund_due"], 0);
    assert_eq!(view["refunds"][0]["amount"], 50);
    assert_eq!(view["refunds"][0]["approved_by"], "Morgan");
    assert_eq!(view["refunds"][0]["method"]["type"], "cash");
    assert!(view["conflicts"].as_array().unwrap().is_empty());
    // The same refund again changes nothing; another one finds nothing owed.
    let again = app
        .ok("refund_payment", &alex, refund(10, None, true))
        .await;
    assert_eq!(again, view);
    let got = app
        .call("refund_payment", Some(&alex), refund(11, None, true))
        .await;
    assert_error(&got, 409, "conflict", None);
    assert_eq!(
        app.ok("get_order", &alex, json!({ "order_id": id })).await["totals"]["refunded"],
        50
    );
}

#[tokio::test]
async fn money_held_on_a_cancelled_order_is_refunded_and_it_stays_cancelled() {
    let app = spawn_app().await;
    let alex = app.login(ALEX).await;
    let morgan = app.login(MORGAN).await;
    let menu = app.menu().await;
    let id = app.open_table(&alex, "1").await;
    app.add(&alex, &id, &menu.item("Fries"), 2).await;
    // Paid on one terminal, cancelled on another: the event log can say both (sync). Here the
    // cancel comes in through the store as a second terminal's event would.
    let pay = json!({ "order_id": id, "payment_id": client_id(1), "method": { "type": "card", "amount": 300, "reference": "T-1" } });
    app.ok("record_payment", &alex, pay).await;
    let order: comanda_domain::ids::OrderId = id.parse().unwrap();
    app.ctx
        .store
        .write(|tx| {
            tx.append(
                comanda_domain::event::StreamId::Order(order),
                None,
                comanda_domain::event::EventBody::OrderCancelled(
                    comanda_domain::event::OrderCancelled {
                        generation: 0,
                        reason: "walked out".into(),
                        approved_by: None,
                    },
                ),
            )
        })
        .unwrap();
    let view = app.ok("get_order", &alex, json!({ "order_id": id })).await;
    assert_eq!(view["status"], "cancelled");
    assert_eq!(view["refund_due"], 300);
    assert_eq!(view["conflicts"][0]["type"], "refund_due");
    // A manager signed in refunds it to the card.
    let refund = json!({ "order_id": id, "refund_id": client_id(2), "payment_id": client_id(1), "method": { "type": "card", "reference": "R-1" }, "reason": "walked out" });
    let view = app.ok("refund_payment", &morgan, refund).await;
    assert_eq!(view["status"], "cancelled");
    assert_eq!(view["refund_due"], 0);
    assert_eq!(view["refunds"][0]["approved_by"], "Morgan");
    assert!(view["conflicts"].as_array().unwrap().is_empty(), "{view}");
}

#[tokio::test]
async fn settling_a_table_sends_what_the_kitchen_never_got_and_a_part_payment_does_not() {
    let app = spawn_app().await;
    let alex = app.login(ALEX).await;
    let menu = app.menu().await;
    let id = app.open_table(&alex, "1").await;
    app.add(&alex, &id, &menu.item("Fries"), 1).await;
    app.add(&alex, &id, &menu.item("Cola"), 1).await;
    let part = json!({ "order_id": id, "payment_id": client_id(1), "method": { "type": "card", "amount": 300, "reference": "T-1" } });
    let view = app.ok("record_payment", &alex, part).await;
    assert_eq!(view["lines"][0]["fired"], false);
    let rest = json!({ "order_id": id, "payment_id": client_id(2), "method": { "type": "cash", "tendered": 1000 } });
    let view = app.ok("record_payment", &alex, rest).await;
    assert_eq!(view["status"], "closed");
    assert_eq!(view["lines"][0]["fired"], true);
    assert_eq!(view["lines"][1]["fired"], true);

    // A fully comped order closed by hand: the same.
    let id = app.open_table(&alex, "2").await;
    let view = app.add(&alex, &id, &menu.item("Cola"), 1).await;
    let comp = json!({ "order_id": id, "target": { "type": "order" }, "discount": { "type": "percent", "value": 10_000 }, "reason": "birthday", "approval": { "pin": MORGAN } });
    app.ok("apply_discount", &alex, comp).await;
    assert_eq!(view["lines"][0]["fired"], false);
    let view = app
        .ok("close_order", &alex, json!({ "order_id": id }))
        .await;
    assert_eq!(view["lines"][0]["fired"], true);
}

#[tokio::test]
async fn cash_short_of_the_bill_and_the_tip_pays_the_bill_first() {
    let app = spawn_app().await;
    let alex = app.login(ALEX).await;
    let menu = app.menu().await;
    let id = app.open_table(&alex, "1").await;
    app.add(&alex, &id, &menu.item("Fries"), 2).await; // 9.00
    // 10.00 handed over, "keep 2.00 as a tip" said: the bill is 9.00, the tip what is left.
    let pay = json!({ "order_id": id, "payment_id": client_id(1), "method": { "type": "cash", "tendered": 1000 }, "tip": 200 });
    let view = app.ok("record_payment", &alex, pay).await;
    let p = &view["payments"][0];
    assert_eq!(p["amount"], 900);
    assert_eq!(p["tip"], 100);
    assert_eq!(p["method"]["change"], 0);
    assert_eq!(view["status"], "closed");
}

#[tokio::test]
async fn a_large_card_tip_needs_a_manager() {
    let app = spawn_app().await;
    let alex = app.login(ALEX).await;
    let menu = app.menu().await;
    let id = app.open_table(&alex, "1").await;
    app.add(&alex, &id, &menu.item("Fries"), 2).await; // 9.00; the limit is 30 %: 2.70
    let pay = |n: u64, tip: i64, approval: bool| {
        let mut b = json!({ "order_id": id, "payment_id": client_id(n), "method": { "type": "card", "reference": "T-1" }, "tip": tip });
        if approval {
            b["approval"] = json!({ "pin": MORGAN });
        }
        b
    };
    let got = app
        .call("record_payment", Some(&alex), pay(1, 2700, false))
        .await;
    assert_error(&got, 403, "approval_required", Some("approval"));
    assert!(
        got.1["message"]
            .as_str()
            .unwrap()
            .contains("card tip of 27.00")
    );
    let view = app.ok("record_payment", &alex, pay(1, 2700, true)).await;
    assert_eq!(view["payments"][0]["tip"], 2700);
    // 2.70 on 9.00 is within the limit: no one asked.
    let id2 = app.open_table(&alex, "2").await;
    app.add(&alex, &id2, &menu.item("Fries"), 2).await;
    let b = json!({ "order_id": id2, "payment_id": client_id(2), "method": { "type": "card", "reference": "T-2" }, "tip": 270 });
    app.ok("record_payment", &alex, b).await;
}

#[tokio::test]
async fn a_line_paid_by_seat_is_not_paid_again_by_lines() {
    let app = spawn_app().await;
    let alex = app.login(ALEX).await;
    let menu = app.menu().await;
    let id = app.open_table(&alex, "1").await;
    let add = |seat: i64, item: &str| json!({ "order_id": id, "item_id": menu.item(item), "qty": 1, "seat": seat });
    app.ok("add_line", &alex, add(1, "Fries")).await;
    let view = app.ok("add_line", &alex, add(2, "Cola")).await;
    let (fries, cola) = (line_id(&view, 0), line_id(&view, 1));
    let seat1 = json!({ "order_id": id, "payment_id": client_id(1), "method": { "type": "card", "reference": "T-1" }, "split": { "type": "seat", "value": 1 } });
    let view = app.ok("record_payment", &alex, seat1).await;
    assert_eq!(view["payments"][0]["amount"], 450);
    // The fries were seat 1's: paying "the fries" again finds nothing due.
    let lines = json!({ "order_id": id, "payment_id": client_id(2), "method": { "type": "card", "reference": "T-2" }, "split": { "type": "lines", "value": [fries] } });
    let got = app.call("record_payment", Some(&alex), lines).await;
    assert_error(&got, 409, "conflict", Some("split"));
    // The fries and the cola by lines: only the cola is due.
    let both = json!({ "order_id": id, "payment_id": client_id(3), "method": { "type": "card", "reference": "T-3" }, "split": { "type": "lines", "value": [fries, cola] } });
    let view = app.ok("record_payment", &alex, both).await;
    assert_eq!(view["payments"][1]["amount"], 300);
    assert_eq!(view["status"], "closed");
}

#[tokio::test]
async fn refunds_past_their_payment_are_settled_by_a_manager_once() {
    let app = spawn_app().await;
    let alex = app.login(ALEX).await;
    let menu = app.menu().await;
    let id = app.open_table(&alex, "1").await;
    app.add(&alex, &id, &menu.item("Fries"), 1).await;
    let pay = json!({ "order_id": id, "payment_id": client_id(1), "method": { "type": "card", "reference": "T-1" } });
    app.ok("record_payment", &alex, pay).await;
    crate::fixture::over_refund(&app, &id, &client_id(1));
    let view = app.ok("get_order", &alex, json!({ "order_id": id })).await;
    assert!(
        view["conflicts"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["type"] == "over_refund"),
        "{view}"
    );
    let accept = |approval: bool| {
        let mut b = json!({ "order_id": id, "payment_id": client_id(1), "settlement": "recovered", "reason": "customer brought 1.50 back" });
        if approval {
            b["approval"] = json!({ "pin": MORGAN });
        }
        b
    };
    assert_error(
        &app.call("accept_over_refund", Some(&alex), accept(false))
            .await,
        403,
        "approval_required",
        Some("approval"),
    );
    let view = app.ok("accept_over_refund", &alex, accept(true)).await;
    assert!(
        !view["conflicts"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["type"] == "over_refund"),
        "{view}"
    );
    let last = view["approvals"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["action"], "Over-refund settled");
    assert_eq!(last["approved_by"], "Morgan");
    // 4.50 paid, 6.00 given back, 1.50 of it settled: the fries are due again, nothing more.
    assert_eq!(view["totals"]["over_refund_settled"], 150);
    assert_eq!(view["totals"]["balance"], 450);
    // Sent again: nothing more is recorded.
    let events = app.event_count();
    app.ok("accept_over_refund", &alex, accept(true)).await;
    assert_eq!(app.event_count(), events);
    // A manager comps the fries: the order closes at zero, nothing left stranded.
    let comp = json!({ "order_id": id, "target": { "type": "order" }, "discount": { "type": "percent", "value": 10_000 }, "reason": "cold fries", "approval": { "pin": MORGAN } });
    let comped = app.ok("apply_discount", &alex, comp).await;
    assert_eq!(comped["totals"]["balance"], 0);
    // It had been closed when paid: at zero it reads closed again.
    assert_eq!(comped["status"], "closed");
    assert!(
        comped["conflicts"].as_array().unwrap().is_empty(),
        "{comped}"
    );
    // An order with no over-refund has nothing to settle.
    let other = app.open_table(&alex, "2").await;
    let none = json!({ "order_id": other, "payment_id": client_id(1), "settlement": "written_off", "reason": "x", "approval": { "pin": MORGAN } });
    assert_error(
        &app.call("accept_over_refund", Some(&alex), none).await,
        409,
        "conflict",
        Some("payment_id"),
    );
}

#[tokio::test]
async fn the_store_audit_lists_who_approved_what_for_a_manager_only() {
    let app = spawn_app().await;
    let alex = app.login(ALEX).await;
    let morgan = app.login(MORGAN).await;
    let menu = app.menu().await;
    let id = app.open_table(&alex, "9").await;
    app.add(&alex, &id, &menu.item("Fries"), 1).await;
    app.ok("fire_order", &alex, json!({ "order_id": id })).await;
    let view = app.ok("get_order", &alex, json!({ "order_id": id })).await;
    let void = json!({ "order_id": id, "line_id": line_id(&view, 0), "reason": "dropped", "approval": { "pin": MORGAN } });
    app.ok("void_line", &alex, void).await;
    let staff = json!({ "name": "Robin", "role": "cashier", "pin": "4321", "active": true });
    app.ok("save_employee", &morgan, staff).await;

    // A cashier alone may not look; with a manager's PIN, or as a manager, the list is there.
    assert_error(
        &app.call("list_approvals", Some(&alex), json!({})).await,
        403,
        "approval_required",
        Some("approval"),
    );
    let list = app.ok("list_approvals", &morgan, json!({})).await;
    let entries = list["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 2, "{list}");
    assert_eq!(entries[0]["approval"]["action"], "Staff change");
    assert_eq!(entries[0]["approval"]["detail"], "Robin (cashier)");
    assert_eq!(entries[0]["on"], "Staff list");
    assert_eq!(entries[1]["approval"]["action"], "Line voided");
    assert_eq!(entries[1]["approval"]["detail"], "Fries");
    assert_eq!(entries[1]["approval"]["stamp"]["by"], "Alex");
    assert_eq!(entries[1]["approval"]["approved_by"], "Morgan");
    assert_eq!(entries[1]["on"], "#1 · Table 9");
    let with_pin = app
        .ok(
            "list_approvals",
            &alex,
            json!({ "approval": { "pin": MORGAN } }),
        )
        .await;
    assert_eq!(with_pin, list);
}

#[tokio::test]
async fn a_cancel_that_reached_the_kitchen_too_late_is_confirmed_as_waste_or_rejected_by_a_manager()
{
    let app = spawn_app().await;
    let alex = app.login(ALEX).await;
    let menu = app.menu().await;
    let conflict = |view: &serde_json::Value| {
        view["conflicts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["type"] == "cancelled_while_cooking")
            .cloned()
    };
    let cooked = async |table: &str| {
        let id = app.open_table(&alex, table).await;
        app.add(&alex, &id, &menu.item("Fries"), 1).await;
        app.ok("fire_order", &alex, json!({ "order_id": id })).await;
        crate::fixture::cancelled_elsewhere(&app, &id);
        id
    };
    let id = cooked("1").await;
    let view = app.ok("get_order", &alex, json!({ "order_id": id })).await;
    assert_eq!(view["status"], "cancelled");
    let c = conflict(&view).expect("the manager is asked");
    assert_eq!(c["lines"], json!([view["lines"][0]["line_id"]]));
    let confirm = |approval: bool| {
        let mut b = json!({ "order_id": id, "reason": "guest left after the fries went in" });
        if approval {
            b["approval"] = json!({ "pin": MORGAN });
        }
        b
    };
    assert_error(
        &app.call("confirm_cancel", Some(&alex), confirm(false))
            .await,
        403,
        "approval_required",
        Some("approval"),
    );
    let view = app.ok("confirm_cancel", &alex, confirm(true)).await;
    assert!(conflict(&view).is_none(), "{view}");
    assert_eq!(view["status"], "cancelled");
    let last = view["approvals"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["action"], "Cancel confirmed (waste)");
    assert!(last["detail"].as_str().unwrap().contains("Fries"), "{last}");
    // Sent again (a retry): nothing more is recorded.
    let events = app.event_count();
    app.ok("confirm_cancel", &alex, confirm(true)).await;
    assert_eq!(app.event_count(), events);

    // The other way out: the cancel is rejected and the order is open again, fries and all.
    let other = cooked("2").await;
    let view = app
        .ok(
            "reopen_order",
            &alex,
            json!({ "order_id": other, "reason": "guest stayed", "approval": { "pin": MORGAN } }),
        )
        .await;
    assert_eq!(view["status"], "open");
    assert!(conflict(&view).is_none(), "{view}");
    assert_error(
        &app.call(
            "confirm_cancel",
            Some(&alex),
            json!({ "order_id": other, "reason": "x", "approval": { "pin": MORGAN } }),
        )
        .await,
        409,
        "conflict",
        None,
    );
}
