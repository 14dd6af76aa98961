//! Retries change nothing: a payment, an order and a line sent twice with the same client-chosen
//! id are recorded once, also when the two requests race.

use serde_json::json;

use crate::support::{ALEX, client_id, spawn_app};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_ids_sent_twice_record_one_payment_one_order_one_line() {
    let app = spawn_app().await;
    let t = app.login(ALEX).await;
    let menu = app.menu().await;

    // open_order twice with one id: one order, one number.
    let order_id = client_id(1);
    let open = json!({
        "order_id": order_id,
        "order_type": { "type": "dine_in", "table": "3", "guests": null },
    });
    let first = app.ok("open_order", &t, open.clone()).await;
    let events = app.event_count();
    let again = app.ok("open_order", &t, open).await;
    assert_eq!(first, again);
    assert_eq!(app.event_count(), events);
    let listed = app.ok("list_orders", &t, json!({ "status": "all" })).await;
    assert_eq!(listed["orders"].as_array().expect("orders").len(), 1);

    // add_line twice with one line id: one line.
    let add = json!({
        "order_id": order_id, "line_id": client_id(2), "item_id": menu.item("Beer"), "qty": 4,
    });
    let first = app.ok("add_line", &t, add.clone()).await;
    let events = app.event_count();
    let again = app.ok("add_line", &t, add).await;
    assert_eq!(first, again);
    assert_eq!(app.event_count(), events);
    assert_eq!(again["lines"].as_array().expect("lines").len(), 1);
    let total = 4 * menu.price("Beer");
    assert_eq!(again["totals"]["total"], total);

    // record_payment twice, one after the other: one payment.
    let pay = |id: u64, amount: i64| {
        json!({
            "order_id": order_id, "payment_id": client_id(id),
            "method": { "type": "card", "amount": amount, "reference": format!("T-{id}") },
        })
    };
    let first = app.ok("record_payment", &t, pay(3, 500)).await;
    let events = app.event_count();
    let again = app.ok("record_payment", &t, pay(3, 500)).await;
    assert_eq!(first, again);
    assert_eq!(app.event_count(), events);
    assert_eq!(again["payments"].as_array().expect("payments").len(), 1);
    assert_eq!(again["totals"]["paid"], 500);

    // Eight racing requests with one payment id, from separate tasks: one payment.
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let client = app.client.clone();
            let url = format!("{}/api/record_payment", app.base);
            let body = pay(4, 200);
            let t = t.clone();
            tokio::spawn(async move {
                let r = client
                    .post(url)
                    .bearer_auth(t)
                    .json(&body)
                    .send()
                    .await
                    .expect("request");
                (r.status().as_u16(), r.text().await.expect("body"))
            })
        })
        .collect();
    for task in tasks {
        let (status, body) = task.await.expect("task");
        assert_eq!(status, 200, "{body}");
    }
    let view = app
        .ok("get_order", &t, json!({ "order_id": order_id }))
        .await;
    assert_eq!(view["payments"].as_array().expect("payments").len(), 2);
    assert_eq!(view["totals"]["paid"], 700);
    assert_eq!(view["totals"]["balance"], total - 700);

    // The payment that settles the order, sent twice at once: one payment, closed once.
    let settle = json!({
        "order_id": order_id, "payment_id": client_id(5),
        "method": { "type": "cash", "tendered": 5000 },
    });
    let (a, b) = tokio::join!(
        app.call("record_payment", Some(&t), settle.clone()),
        app.call("record_payment", Some(&t), settle.clone()),
    );
    assert_eq!((a.0, b.0), (200, 200), "{} / {}", a.1, b.1);
    assert_eq!(a.1, b.1, "both see the same, closed order");
    assert_eq!(a.1["status"], "closed");
    assert_eq!(a.1["payments"].as_array().expect("payments").len(), 3);
    assert_eq!(a.1["totals"]["balance"], 0);
    // A retry after the close still answers the order, not "closed".
    let late = app.ok("record_payment", &t, settle).await;
    assert_eq!(late, a.1);
}

/// Regression (review): a line or discount retried after the order closed answered 409, so a
/// terminal whose first answer was lost saw a failure for what had succeeded.
#[tokio::test]
async fn a_retry_after_the_order_closed_still_answers_its_success() {
    let app = spawn_app().await;
    let t = app.login(ALEX).await;
    let menu = app.menu().await;
    let order_id = app.open_table(&t, "8").await;
    let add = json!({ "order_id": order_id, "line_id": client_id(20), "item_id": menu.item("Beer"), "qty": 2 });
    app.ok("add_line", &t, add.clone()).await;
    let discount = json!({
        "order_id": order_id, "discount_id": client_id(21), "target": { "type": "order" },
        "discount": { "type": "percent", "value": 500 }, "reason": "regular",
    });
    app.ok("apply_discount", &t, discount.clone()).await;
    let pay = json!({ "order_id": order_id, "payment_id": client_id(22), "method": { "type": "card", "reference": "A1" } });
    let closed = app.ok("record_payment", &t, pay).await;
    assert_eq!(closed["status"], "closed");
    let events = app.event_count();
    assert_eq!(app.ok("add_line", &t, add).await, closed);
    assert_eq!(app.ok("apply_discount", &t, discount).await, closed);
    assert_eq!(app.event_count(), events);
    // A new line on the closed order is still refused.
    let other = json!({ "order_id": order_id, "line_id": client_id(23), "item_id": menu.item("Beer"), "qty": 1 });
    crate::support::assert_error(
        &app.call("add_line", Some(&t), other).await,
        409,
        "order_not_open",
        None,
    );
}

/// Regression (review): the same `line_id` and the same `payment_id` landed on two orders, and
/// `open_order` with a known id and another table answered the first order as a success.
#[tokio::test]
async fn an_id_sent_again_on_another_order_or_with_other_content_is_a_conflict() {
    let app = spawn_app().await;
    let t = app.login(ALEX).await;
    let menu = app.menu().await;
    let (a, b) = (app.open_table(&t, "1").await, app.open_table(&t, "2").await);
    let events = |app: &crate::support::TestApp| app.event_count();
    let conflict = |got: &(u16, serde_json::Value), field: &str| {
        crate::support::assert_error(got, 409, "conflict", Some(field));
    };

    // A line id of order a, sent on order b; and on a for another item.
    let add = |order: &str, item: &str| json!({ "order_id": order, "line_id": client_id(30), "item_id": menu.item(item), "qty": 1 });
    app.ok("add_line", &t, add(&a, "Beer")).await;
    let before = events(&app);
    conflict(
        &app.call("add_line", Some(&t), add(&b, "Beer")).await,
        "line_id",
    );
    conflict(
        &app.call("add_line", Some(&t), add(&a, "Cola")).await,
        "line_id",
    );
    assert_eq!(
        app.ok("add_line", &t, add(&a, "Beer")).await["lines"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // An id of one kind cannot name another: the line's id as a payment's.
    let pay = |order: &str, id: u64, reference: &str| json!({ "order_id": order, "payment_id": client_id(id), "method": { "type": "card", "amount": 100, "reference": reference } });
    conflict(
        &app.call("record_payment", Some(&t), pay(&a, 30, "T-1"))
            .await,
        "payment_id",
    );

    // A payment id of order a, sent on order b; and on a with another card reference.
    app.ok("record_payment", &t, pay(&a, 31, "T-1")).await;
    let before_pay = events(&app);
    conflict(
        &app.call("record_payment", Some(&t), pay(&b, 31, "T-1"))
            .await,
        "payment_id",
    );
    conflict(
        &app.call("record_payment", Some(&t), pay(&a, 31, "T-2"))
            .await,
        "payment_id",
    );
    assert_eq!(events(&app), before_pay);

    // A discount id reused, an order id reused for another table.
    let disc = |order: &str, bp: i64| json!({ "order_id": order, "discount_id": client_id(32), "target": { "type": "order" }, "discount": { "type": "percent", "value": bp }, "reason": "regular" });
    app.ok("apply_discount", &t, disc(&a, 500)).await;
    conflict(
        &app.call("apply_discount", Some(&t), disc(&b, 500)).await,
        "discount_id",
    );
    conflict(
        &app.call("apply_discount", Some(&t), disc(&a, 800)).await,
        "discount_id",
    );
    app.ok("apply_discount", &t, disc(&a, 500)).await;
    let open = |table: &str| json!({ "order_id": a, "order_type": { "type": "dine_in", "table": table, "guests": null } });
    conflict(
        &app.call("open_order", Some(&t), open("9")).await,
        "order_id",
    );
    // A line's id cannot open an order either.
    let open_as_line =
        json!({ "order_id": client_id(30), "order_type": { "type": "tab", "name": "Kim" } });
    conflict(
        &app.call("open_order", Some(&t), open_as_line).await,
        "order_id",
    );

    assert!(
        events(&app) > before,
        "the first payment and discount were recorded"
    );
    let listed = app.ok("list_orders", &t, json!({ "status": "all" })).await;
    assert_eq!(listed["orders"].as_array().unwrap().len(), 2);
    let b_view = app.ok("get_order", &t, json!({ "order_id": b })).await;
    assert!(b_view["lines"].as_array().unwrap().is_empty());
    assert!(b_view["payments"].as_array().unwrap().is_empty());
}
