//! Manager approvals are checked by the API where the action takes effect, whatever the UI
//! shows: a cashier is refused, a cashier's PIN does not approve, a manager's does, and a manager
//! signed in is not asked. Also: signing in and the session token.

use serde_json::{Value, json};

use crate::support::{ALEX, MORGAN, SAM, TestApp, assert_error, client_id, spawn_app};

/// An open order with `n` fries, sent to the kitchen; its id and the line's id.
async fn sent_order(app: &TestApp, t: &str, table: &str, n: i64) -> (String, String) {
    let menu = app.menu().await;
    let id = app.open_table(t, table).await;
    let view = app.add(t, &id, &menu.item("Fries"), n).await;
    let line = view["lines"][0]["line_id"]
        .as_str()
        .expect("line")
        .to_owned();
    app.ok("fire_order", t, json!({ "order_id": id })).await;
    (id, line)
}

fn discount(order_id: &str, bp: i64, approval: Option<&str>) -> Value {
    let mut v = json!({
        "order_id": order_id, "target": { "type": "order" },
        "discount": { "type": "percent", "value": bp }, "reason": "regular",
    });
    if let Some(pin) = approval {
        v["approval"] = json!({ "pin": pin });
    }
    v
}

#[tokio::test]
async fn a_cashier_needs_a_managers_pin_and_a_manager_does_not() {
    let app = spawn_app().await;
    let alex = app.login(ALEX).await;

    // Voiding a line already sent to the kitchen.
    let (id, line) = sent_order(&app, &alex, "1", 2).await;
    let void = |approval: Option<&str>| {
        let mut v = json!({ "order_id": id, "line_id": line, "reason": "customer changed mind" });
        if let Some(pin) = approval {
            v["approval"] = json!({ "pin": pin });
        }
        v
    };
    let before = app.order_text(&alex, &id).await;
    let got = app.call("void_line", Some(&alex), void(None)).await;
    assert_error(&got, 403, "approval_required", Some("approval"));
    let got = app.call("void_line", Some(&alex), void(Some(SAM))).await;
    assert_error(&got, 403, "approval_denied", Some("approval"));
    let got = app.call("void_line", Some(&alex), void(Some("0000"))).await;
    assert_error(&got, 403, "approval_denied", Some("approval"));
    let got = app.call("void_line", Some(&alex), void(Some("no"))).await;
    assert_error(&got, 403, "approval_denied", Some("approval"));
    assert_eq!(
        app.order_text(&alex, &id).await,
        before,
        "refusals changed nothing"
    );
    let view = app.ok("void_line", &alex, void(Some(MORGAN))).await;
    let voided = &view["lines"][0]["voided"];
    assert_eq!(voided["approved_by"], "Morgan");
    assert_eq!(voided["stamp"]["by"], "Alex");
    assert_eq!(view["totals"]["total"], 0);

    // Discounts: the cashier's limit is 10 % of the order, counting discounts already on it.
    let (id, _) = sent_order(&app, &alex, "2", 2).await;
    let got = app
        .call("apply_discount", Some(&alex), discount(&id, 5000, None))
        .await;
    assert_error(&got, 403, "approval_required", Some("approval"));
    let got = app
        .call(
            "apply_discount",
            Some(&alex),
            discount(&id, 5000, Some(SAM)),
        )
        .await;
    assert_error(&got, 403, "approval_denied", Some("approval"));
    let view = app
        .ok("apply_discount", &alex, discount(&id, 1000, None))
        .await;
    assert_eq!(
        view["discounts"][0]["approved_by"],
        Value::Null,
        "10 % is within the limit"
    );

    let (id, _) = sent_order(&app, &alex, "3", 2).await;
    let view = app
        .ok("apply_discount", &alex, discount(&id, 600, None))
        .await;
    assert_eq!(view["discounts"].as_array().expect("discounts").len(), 1);
    let got = app
        .call("apply_discount", Some(&alex), discount(&id, 600, None))
        .await;
    assert_error(&got, 403, "approval_required", Some("approval"));
    let view = app
        .ok("apply_discount", &alex, discount(&id, 600, Some(MORGAN)))
        .await;
    assert_eq!(view["discounts"][1]["approved_by"], "Morgan");

    // Reopening always needs a manager, even for the cashier who closed it.
    let (id, _) = sent_order(&app, &alex, "4", 1).await;
    let closed = app
        .ok(
            "record_payment",
            &alex,
            json!({
                "order_id": id, "payment_id": client_id(1),
                "method": { "type": "card", "reference": "T-1" },
            }),
        )
        .await;
    assert_eq!(closed["status"], "closed");
    let reopen = |approval: Option<&str>| {
        let mut v = json!({ "order_id": id, "reason": "forgot the dessert" });
        if let Some(pin) = approval {
            v["approval"] = json!({ "pin": pin });
        }
        v
    };
    let got = app.call("reopen_order", Some(&alex), reopen(None)).await;
    assert_error(&got, 403, "approval_required", Some("approval"));
    let got = app
        .call("reopen_order", Some(&alex), reopen(Some(SAM)))
        .await;
    assert_error(&got, 403, "approval_denied", Some("approval"));
    let view = app.ok("reopen_order", &alex, reopen(Some(MORGAN))).await;
    assert_eq!(
        (&view["status"], &view["generation"]),
        (&json!("open"), &json!(1))
    );

    // Voiding a payment needs a manager too.
    let got = app
        .call(
            "void_payment",
            Some(&alex),
            json!({ "order_id": id, "payment_id": client_id(1), "reason": "wrong card" }),
        )
        .await;
    assert_error(&got, 403, "approval_required", Some("approval"));

    // Morgan, a manager, is never asked.
    let morgan = app.login(MORGAN).await;
    let (id, line) = sent_order(&app, &morgan, "5", 2).await;
    let view = app
        .ok(
            "void_line",
            &morgan,
            json!({ "order_id": id, "line_id": line, "reason": "burnt" }),
        )
        .await;
    assert_eq!(view["lines"][0]["voided"]["approved_by"], "Morgan");
    let (id, _) = sent_order(&app, &morgan, "6", 2).await;
    let view = app
        .ok("apply_discount", &morgan, discount(&id, 5000, None))
        .await;
    assert_eq!(view["discounts"][0]["approved_by"], "Morgan");
    let view = app
        .ok(
            "cancel_order",
            &morgan,
            json!({ "order_id": id, "reason": "walked out" }),
        )
        .await;
    assert_eq!(view["status"], "cancelled");
    let view = app
        .ok(
            "reopen_order",
            &morgan,
            json!({ "order_id": id, "reason": "came back" }),
        )
        .await;
    assert_eq!(view["status"], "open");

    // A cashier cancelling an order sent to the kitchen needs a manager.
    let (id, _) = sent_order(&app, &alex, "7", 1).await;
    let got = app
        .call(
            "cancel_order",
            Some(&alex),
            json!({ "order_id": id, "reason": "walked out" }),
        )
        .await;
    assert_error(&got, 403, "approval_required", Some("approval"));
}

#[tokio::test]
async fn sign_in_needs_a_known_pin_and_every_call_a_live_session() {
    let app = spawn_app().await;
    let got = app.call("login", None, json!({ "pin": "4321" })).await;
    assert_error(&got, 401, "wrong_pin", Some("pin"));
    let got = app.call("login", None, json!({ "pin": "12" })).await;
    assert_error(&got, 400, "invalid_input", Some("pin"));
    let got = app
        .call("login", None, json!({ "pin": "12345678901" }))
        .await;
    assert_error(&got, 400, "invalid_input", Some("pin"));

    let session = app.ok("login", "", json!({ "pin": " 2222 " })).await;
    assert_eq!(session["employee"]["name"], "Sam");
    assert_eq!(session["employee"]["role"], "cashier");
    assert!(session.get("pin_hash").is_none() && session["employee"].get("pin_hash").is_none());

    let body = json!({ "status": "all" });
    let got = app.call("list_orders", None, body.clone()).await;
    assert_error(&got, 401, "unauthorized", None);
    for garbage in ["garbage", "", "Bearer", "' OR 1=1 --", &"a".repeat(4096)] {
        let got = app.call("list_orders", Some(garbage), body.clone()).await;
        assert_error(&got, 401, "unauthorized", None);
    }
    // A header that is not `Bearer <token>`.
    let token = app.login(ALEX).await;
    let r = app
        .client
        .post(format!("{}/api/list_orders", app.base))
        .header("authorization", format!("Basic {token}"))
        .json(&body)
        .send()
        .await
        .expect("request");
    assert_eq!(r.status().as_u16(), 401);

    // Signed out, the token is dead.
    assert_eq!(
        app.call("list_orders", Some(&token), body.clone()).await.0,
        200
    );
    app.ok("logout", &token, json!({})).await;
    let got = app.call("list_orders", Some(&token), body.clone()).await;
    assert_error(&got, 401, "unauthorized", None);

    // A session left idle for more than 12 hours expires; one in use does not.
    let token = app.login(ALEX).await;
    app.clock.advance(11 * 60 * 60 * 1000);
    assert_eq!(
        app.call("list_orders", Some(&token), body.clone()).await.0,
        200
    );
    app.clock.advance(4 * 60 * 60 * 1000);
    assert_eq!(
        app.call("list_orders", Some(&token), body.clone()).await.0,
        200
    );
    app.clock.advance(12 * 60 * 60 * 1000 + 1);
    let got = app.call("list_orders", Some(&token), body).await;
    assert_error(&got, 401, "unauthorized", None);
}
