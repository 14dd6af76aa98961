//! Bad input a person can really type changes nothing and says what is wrong: the code the UI
//! branches on, the field to highlight, and a message naming the problem. After each refusal the
//! order reads back byte for byte as before.

use serde_json::{Value, json};

use crate::support::{ALEX, TestApp, assert_error, client_id, spawn_app};

/// Sends a call that must be refused, and checks the order and the event log did not move.
async fn refused(
    app: &TestApp,
    token: &str,
    order_id: &str,
    name: &str,
    body: Value,
) -> (u16, Value) {
    let view = app.order_text(token, order_id).await;
    let events = app.event_count();
    let got = app.call(name, Some(token), body).await;
    assert_eq!(
        app.order_text(token, order_id).await,
        view,
        "{name} changed the order"
    );
    assert_eq!(app.event_count(), events, "{name} wrote an event");
    got
}

#[tokio::test]
async fn bad_input_changes_nothing_and_names_the_field() {
    let app = spawn_app().await;
    let t = app.login(ALEX).await;
    let menu = app.menu().await;
    let id = app.open_table(&t, "12").await;
    app.add(&t, &id, &menu.item("Fries"), 2).await;
    let fries = menu.item("Fries");

    for qty in [0, 1000, -1, i64::MIN] {
        let got = refused(
            &app,
            &t,
            &id,
            "add_line",
            json!({ "order_id": id, "item_id": fries, "qty": qty }),
        )
        .await;
        assert_error(&got, 400, "invalid_input", Some("qty"));
        let msg = got.1["message"].as_str().expect("message");
        assert!(msg.contains("999"), "the message gives the range: {msg}");
    }

    // A burger with its cooking chosen but no side: the Side group is required.
    let got = refused(
        &app,
        &t,
        &id,
        "add_line",
        json!({
            "order_id": id, "item_id": menu.item("Classic Burger"), "qty": 1,
            "modifiers": [menu.choice("Classic Burger", "Cooking", "Rare")],
        }),
    )
    .await;
    assert_error(&got, 400, "modifier_rules", Some("modifiers"));
    let msg = got.1["message"].as_str().expect("message");
    assert!(msg.contains("Side"), "the message names the group: {msg}");

    // Two cookings for one burger.
    let got = refused(
        &app,
        &t,
        &id,
        "add_line",
        json!({
            "order_id": id, "item_id": menu.item("Classic Burger"), "qty": 1,
            "modifiers": [
                menu.choice("Classic Burger", "Cooking", "Rare"),
                menu.choice("Classic Burger", "Cooking", "Well done"),
                menu.choice("Classic Burger", "Side", "Fries"),
            ],
        }),
    )
    .await;
    assert_error(&got, 400, "modifier_rules", Some("modifiers"));
    assert!(
        got.1["message"]
            .as_str()
            .expect("message")
            .contains("Cooking")
    );

    // A pizza size offered on a burger.
    let got = refused(
        &app,
        &t,
        &id,
        "add_line",
        json!({
            "order_id": id, "item_id": menu.item("Classic Burger"), "qty": 1,
            "modifiers": [
                menu.choice("Classic Burger", "Cooking", "Rare"),
                menu.choice("Classic Burger", "Side", "Fries"),
                menu.choice("Margherita", "Size", "Large"),
            ],
        }),
    )
    .await;
    assert_error(&got, 400, "modifier_rules", Some("modifiers"));

    let got = refused(
        &app,
        &t,
        &id,
        "add_line",
        json!({ "order_id": id, "item_id": client_id(999), "qty": 1 }),
    )
    .await;
    assert_error(&got, 400, "unknown_item", Some("item_id"));

    let got = refused(
        &app,
        &t,
        &id,
        "add_by_barcode",
        json!({ "order_id": id, "code": "0000000000000" }),
    )
    .await;
    assert_error(&got, 400, "unknown_item", Some("code"));

    let got = refused(
        &app,
        &t,
        &id,
        "add_line",
        json!({ "order_id": id, "item_id": fries, "qty": 1, "note": "x".repeat(201) }),
    )
    .await;
    assert_error(&got, 400, "invalid_input", Some("note"));

    for seat in [0, 100, -5] {
        let got = refused(
            &app,
            &t,
            &id,
            "add_line",
            json!({ "order_id": id, "item_id": fries, "qty": 1, "seat": seat }),
        )
        .await;
        assert_error(&got, 400, "invalid_input", Some("seat"));
    }

    // Card above the balance (2 × 4.50 = 9.00 due).
    let got = refused(
        &app,
        &t,
        &id,
        "record_payment",
        json!({
            "order_id": id, "payment_id": client_id(900),
            "method": { "type": "card", "amount": 901, "reference": "T-9" },
        }),
    )
    .await;
    assert_error(&got, 400, "invalid_input", Some("amount"));
    assert!(got.1["message"].as_str().expect("message").contains("9.00"));

    // No cash handed over at all.
    let got = refused(
        &app,
        &t,
        &id,
        "record_payment",
        json!({
            "order_id": id, "payment_id": client_id(901),
            "method": { "type": "cash", "tendered": 0 }, "tip": 200,
        }),
    )
    .await;
    assert_error(&got, 400, "invalid_input", Some("tendered"));

    // Cash with an explicit amount that the money handed over does not cover.
    let got = refused(
        &app,
        &t,
        &id,
        "record_payment",
        json!({
            "order_id": id, "payment_id": client_id(902),
            "method": { "type": "cash", "tendered": 400, "amount": 450 }, "tip": 100,
        }),
    )
    .await;
    assert_error(&got, 400, "invalid_input", Some("tendered"));

    // A card without the card terminal's reference.
    let got = refused(
        &app,
        &t,
        &id,
        "record_payment",
        json!({
            "order_id": id, "payment_id": client_id(903),
            "method": { "type": "card", "reference": "  " },
        }),
    )
    .await;
    assert_error(&got, 400, "invalid_input", Some("reference"));

    // An order that is not there.
    let got = app
        .call("get_order", Some(&t), json!({ "order_id": client_id(904) }))
        .await;
    assert_error(&got, 404, "not_found", Some("order_id"));

    // Closing with money still due.
    let got = refused(&app, &t, &id, "close_order", json!({ "order_id": id })).await;
    assert_error(&got, 409, "balance_not_zero", None);

    // Pay it, then try to pay and change it again.
    let closed = app
        .ok(
            "record_payment",
            &t,
            json!({
                "order_id": id, "payment_id": client_id(905),
                "method": { "type": "card", "reference": "T-10" },
            }),
        )
        .await;
    assert_eq!(closed["status"], "closed");
    let got = refused(
        &app,
        &t,
        &id,
        "record_payment",
        json!({
            "order_id": id, "payment_id": client_id(906),
            "method": { "type": "cash", "tendered": 1000 },
        }),
    )
    .await;
    assert_error(&got, 409, "order_not_open", None);
    let got = refused(
        &app,
        &t,
        &id,
        "add_line",
        json!({ "order_id": id, "item_id": fries, "qty": 1 }),
    )
    .await;
    assert_error(&got, 409, "order_not_open", None);
}
