//! Split bills: by seat (card for one, cash for the other), and evenly three ways, where the
//! parts must add up to the total to the cent.

use serde_json::{Value, json};

use crate::support::{ALEX, assert_error, client_id, spawn_app};

fn seat_due(view: &Value, seat: u64) -> i64 {
    view["seats"]
        .as_array()
        .expect("seats")
        .iter()
        .find(|s| s["seat"] == seat)
        .and_then(|s| s["due"].as_i64())
        .unwrap_or_else(|| panic!("no seat {seat} in {view}"))
}

#[tokio::test]
async fn two_seats_pay_apart_and_the_order_closes_with_the_second() {
    let app = spawn_app().await;
    let t = app.login(ALEX).await;
    let menu = app.menu().await;
    let id = app.open_table(&t, "6").await;
    let add = |item: &str, qty: i64, seat: i64| json!({ "order_id": id, "item_id": menu.item(item), "qty": qty, "seat": seat });
    app.ok(
        "add_line",
        &t,
        json!({
            "order_id": id, "item_id": menu.item("Margherita"), "qty": 1, "seat": 1,
            "modifiers": [menu.choice("Margherita", "Size", "Medium")],
        }),
    )
    .await;
    app.ok(
        "add_line",
        &t,
        json!({
            "order_id": id, "item_id": menu.item("Pepperoni"), "qty": 1, "seat": 2,
            "modifiers": [menu.choice("Pepperoni", "Size", "Large")],
        }),
    )
    .await;
    app.ok("add_line", &t, add("Beer", 2, 1)).await;
    let view = app.ok("add_line", &t, add("Lemonade", 1, 2)).await;
    let seat1 = menu.price("Margherita") + 2 * menu.price("Beer");
    let seat2 = menu.price("Pepperoni") + 300 + menu.price("Lemonade");
    assert_eq!(seat_due(&view, 1), seat1);
    assert_eq!(seat_due(&view, 2), seat2);
    assert_eq!(view["totals"]["total"], seat1 + seat2);

    // Seat 1 by card, with a tip.
    let view = app
        .ok(
            "record_payment",
            &t,
            json!({
                "order_id": id, "payment_id": client_id(1),
                "method": { "type": "card", "reference": "AUTH-1" }, "tip": 150,
                "split": { "type": "seat", "value": 1 },
            }),
        )
        .await;
    assert_eq!(view["status"], "open", "seat 2 still owes");
    assert_eq!(view["payments"][0]["amount"], seat1);
    assert_eq!(view["payments"][0]["tip"], 150);
    assert_eq!(seat_due(&view, 1), 0);
    assert_eq!(seat_due(&view, 2), seat2);
    assert_eq!(view["totals"]["balance"], seat2);

    // Seat 1 again: nothing is due for it.
    let got = app
        .call(
            "record_payment",
            Some(&t),
            json!({
                "order_id": id, "payment_id": client_id(2),
                "method": { "type": "card", "reference": "AUTH-2" },
                "split": { "type": "seat", "value": 1 },
            }),
        )
        .await;
    assert_error(&got, 409, "conflict", Some("split"));
    // A seat nobody sits at.
    let got = app
        .call(
            "record_payment",
            Some(&t),
            json!({
                "order_id": id, "payment_id": client_id(3),
                "method": { "type": "card", "reference": "AUTH-3" },
                "split": { "type": "seat", "value": 3 },
            }),
        )
        .await;
    assert_error(&got, 400, "invalid_input", Some("split"));

    // Seat 2 in cash: 50.00 handed over.
    let view = app
        .ok(
            "record_payment",
            &t,
            json!({
                "order_id": id, "payment_id": client_id(4),
                "method": { "type": "cash", "tendered": 5000 },
                "split": { "type": "seat", "value": 2 },
            }),
        )
        .await;
    assert_eq!(
        view["status"], "closed",
        "the second part settles and closes the order"
    );
    assert_eq!(view["payments"][1]["amount"], seat2);
    assert_eq!(
        view["payments"][1]["method"],
        json!({ "type": "cash", "tendered": 5000, "change": 5000 - seat2 })
    );
    assert_eq!(view["totals"]["paid"], seat1 + seat2);
    assert_eq!(view["totals"]["tips"], 150);
    assert_eq!(view["totals"]["balance"], 0);
}

#[tokio::test]
async fn an_even_split_three_ways_adds_up_to_the_total_exactly() {
    let app = spawn_app().await;
    let t = app.login(ALEX).await;
    let menu = app.menu().await;
    let id = app.open_table(&t, "9").await;
    app.add(&t, &id, &menu.item("Fries"), 1).await;
    app.add(&t, &id, &menu.item("Onion Rings"), 1).await;
    let view = app.add(&t, &id, &menu.item("Cola"), 1).await;
    let total = view["totals"]["total"].as_i64().expect("total");
    assert_eq!(total, 450 + 490 + 300);
    assert_ne!(total % 3, 0, "a total that does not divide by three");

    let mut amounts = Vec::new();
    let mut last = Value::Null;
    for part in 1..=3u64 {
        let method = if part == 2 {
            json!({ "type": "cash", "tendered": 1000 })
        } else {
            json!({ "type": "card", "reference": format!("P{part}") })
        };
        last = app
            .ok(
                "record_payment",
                &t,
                json!({
                    "order_id": id, "payment_id": client_id(part), "method": method,
                    "split": { "type": "even", "value": { "part": part, "of": 3 } },
                }),
            )
            .await;
        let amount = last["payments"][part as usize - 1]["amount"]
            .as_i64()
            .expect("amount");
        amounts.push(amount);
        let expected = if part < 3 { "open" } else { "closed" };
        assert_eq!(last["status"], expected, "after part {part}");
    }
    assert_eq!(amounts.iter().sum::<i64>(), total, "{amounts:?}");
    assert!(
        amounts.iter().all(|a| (a - total / 3).abs() <= 1),
        "even parts: {amounts:?}"
    );
    assert_eq!(last["totals"]["balance"], 0);

    // Out-of-range splits are refused with the field.
    let id = app.open_table(&t, "10").await;
    app.add(&t, &id, &menu.item("Fries"), 1).await;
    for (part, of) in [(0, 3), (4, 3), (1, 1), (1, 21)] {
        let got = app
            .call(
                "record_payment",
                Some(&t),
                json!({
                    "order_id": id, "payment_id": client_id(10),
                    "method": { "type": "card", "reference": "X" },
                    "split": { "type": "even", "value": { "part": part, "of": of } },
                }),
            )
            .await;
        assert_error(&got, 400, "invalid_input", Some("split"));
    }
}
