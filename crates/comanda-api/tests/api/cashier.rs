//! A cashier's whole job over HTTP: sign in, open a table, ring up items (one with required
//! modifiers from the menu), change a quantity, take cash with change, and find the order closed,
//! in the lists, and unchanged after a restart.

use serde_json::{Value, json};

use crate::support::{ALEX, redact_ids, spawn_app, spawn_app_in};

fn line<'a>(view: &'a Value, name: &str) -> &'a Value {
    view["lines"]
        .as_array()
        .expect("lines")
        .iter()
        .find(|l| l["name"] == name)
        .unwrap_or_else(|| panic!("no {name} line in {view}"))
}

fn ids_of(list: &Value) -> Vec<&str> {
    list["orders"]
        .as_array()
        .expect("orders")
        .iter()
        .map(|o| o["order_id"].as_str().expect("order_id"))
        .collect()
}

#[tokio::test]
async fn a_table_is_rung_up_paid_in_cash_closed_and_still_there_after_a_restart() {
    let app = spawn_app().await;
    let t = app.login(ALEX).await;
    let menu = app.menu().await;

    let order = app
        .ok(
            "open_order",
            &t,
            json!({ "order_type": { "type": "dine_in", "table": "4", "guests": 3 } }),
        )
        .await;
    assert_eq!(order["status"], "open");
    assert_eq!(order["label"], "Table 4");
    let id = order["order_id"].as_str().expect("order_id").to_owned();

    let burger = menu.item("Classic Burger");
    let view = app
        .ok(
            "add_line",
            &t,
            json!({
                "order_id": id, "item_id": burger, "qty": 1,
                "modifiers": [
                    menu.choice("Classic Burger", "Cooking", "Medium rare"),
                    menu.choice("Classic Burger", "Side", "Sweet potato fries"),
                ],
            }),
        )
        .await;
    let b = line(&view, "Classic Burger");
    assert_eq!(b["unit_price"], 1250);
    assert_eq!(b["unit_total"], 1350, "sweet potato fries cost 1.00 more");
    let chosen: Vec<&str> = b["modifiers"]
        .as_array()
        .expect("modifiers")
        .iter()
        .map(|m| m["name"].as_str().expect("name"))
        .collect();
    assert_eq!(chosen, ["Medium rare", "Sweet potato fries"]);

    app.add(&t, &id, &menu.item("Cola"), 1).await;
    let view = app.add(&t, &id, &menu.item("Caesar Salad"), 1).await;
    assert_eq!(view["lines"].as_array().expect("lines").len(), 3);

    let cola = line(&view, "Cola")["line_id"].clone();
    let view = app
        .ok(
            "change_line",
            &t,
            json!({ "order_id": id, "line_id": cola, "change": { "field": "qty", "value": 3 } }),
        )
        .await;
    assert_eq!(line(&view, "Cola")["qty"], 3);

    let total = 1350 + 3 * menu.price("Cola") + menu.price("Caesar Salad");
    assert_eq!(view["totals"]["total"], total);
    assert_eq!(view["totals"]["balance"], total);

    let open = app.ok("list_orders", &t, json!({ "status": "open" })).await;
    assert_eq!(ids_of(&open), [id.as_str()]);

    let paid = app
        .ok(
            "record_payment",
            &t,
            json!({
                "order_id": id, "payment_id": "0190aaaa-0000-7000-8000-000000000001",
                "method": { "type": "cash", "tendered": 5000 },
            }),
        )
        .await;
    assert_eq!(
        paid["status"], "closed",
        "a payment of the whole balance closes"
    );
    assert_eq!(paid["totals"]["balance"], 0);
    assert_eq!(paid["totals"]["paid"], total);
    let payment = &paid["payments"][0];
    assert_eq!(payment["amount"], total);
    assert_eq!(
        payment["method"],
        json!({ "type": "cash", "tendered": 5000, "change": 5000 - total })
    );
    assert_eq!(paid["closed"]["by"], "Alex");

    let open = app.ok("list_orders", &t, json!({})).await;
    assert!(ids_of(&open).is_empty(), "no open order left: {open}");
    let closed = app
        .ok("list_orders", &t, json!({ "status": "closed" }))
        .await;
    assert_eq!(ids_of(&closed), [id.as_str()]);
    let summary = &closed["orders"][0];
    assert_eq!(
        (
            &summary["total"],
            &summary["balance"],
            &summary["line_count"]
        ),
        (&json!(total), &json!(0), &json!(3))
    );

    insta::assert_json_snapshot!("closed_table_order", redact_ids(&paid));

    // Restart: stop the server, drop the context, open the same data directory again.
    let before = app.order_text(&t, &id).await;
    let dir = app.stop().await;
    let app = spawn_app_in(dir, 2).await;
    let t = app.login(ALEX).await;
    assert_eq!(
        app.order_text(&t, &id).await,
        before,
        "the order survived the restart"
    );
    let closed = app
        .ok("list_orders", &t, json!({ "status": "closed" }))
        .await;
    assert_eq!(ids_of(&closed), [id.as_str()]);
    assert_eq!(closed["orders"][0]["total"], total);
}
