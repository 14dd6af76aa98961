//! The manager's list of what sync could not settle alone: refused events with what to do about
//! them, events put aside for a clock running ahead (taken in on a manager's word), orders with
//! conflicts; a manager's eyes only.

use serde_json::{Value, json};

use crate::fixture::{cancelled_elsewhere, deferred_from_a_clock_ahead};
use crate::support::{ALEX, MORGAN, assert_error, spawn_app};

#[tokio::test]
async fn a_manager_sees_what_sync_could_not_settle_and_settles_it() {
    let app = spawn_app().await;
    let alex = app.login(ALEX).await;
    let morgan = app.login(MORGAN).await;
    // A cashier alone sees nothing of it.
    assert_error(
        &app.call("list_sync_issues", Some(&alex), json!({})).await,
        403,
        "approval_required",
        Some("approval"),
    );
    let empty = app.ok("list_sync_issues", &morgan, json!({})).await;
    for list in ["refused", "deferred", "newer", "conflicts"] {
        assert_eq!(empty[list], json!([]), "{list}: {empty}");
    }

    // What sync brings: a refusal, an event from a clock a day ahead, a cancel while cooking.
    let refused_id = app
        .ctx
        .store
        .write(|tx| {
            tx.dead_letter(
                "sync",
                None,
                "sequence_taken: another event already holds this sequence",
                "{}",
            )
        })
        .unwrap();
    deferred_from_a_clock_ahead(&app);
    let menu = app.menu().await;
    let order = app.open_table(&alex, "4").await;
    app.add(&alex, &order, &menu.item("Fries"), 1).await;
    app.ok("fire_order", &alex, json!({ "order_id": order }))
        .await;
    cancelled_elsewhere(&app, &order);

    // A cashier may look with a manager's PIN.
    let list = app
        .ok(
            "list_sync_issues",
            &alex,
            json!({ "approval": { "pin": MORGAN } }),
        )
        .await;
    let refused = &list["refused"][0];
    assert_eq!(refused["id"], refused_id);
    assert!(
        refused["what_to_do"].as_str().unwrap().contains("restored"),
        "{refused}"
    );
    assert_eq!(refused["reviewed"], Value::Null);
    let deferred = &list["deferred"][0];
    assert_eq!(deferred["kind"], "OrderNoteSet");
    assert!(
        deferred["ahead_ms"].as_i64().unwrap() > 86_000_000,
        "{deferred}"
    );
    assert!(
        deferred["from"].as_str().unwrap().contains("not paired"),
        "{deferred}"
    );
    let conflicted = list["conflicts"].as_array().unwrap();
    assert_eq!(conflicted.len(), 1, "{list}");
    assert_eq!(conflicted[0]["order_id"], order.as_str());
    assert_eq!(
        conflicted[0]["conflicts"][0]["type"],
        "cancelled_while_cooking"
    );

    // Looked at, with a note: kept, marked, and who did it shows.
    let after = app
        .ok(
            "review_refused",
            &morgan,
            json!({ "id": refused_id, "note": "the bar was restored; paired again" }),
        )
        .await;
    assert_eq!(
        after["refused"][0]["reviewed"],
        "Morgan: the bar was restored; paired again"
    );
    assert_error(
        &app.call(
            "review_refused",
            Some(&morgan),
            json!({ "id": 999_999, "note": "x" }),
        )
        .await,
        404,
        "not_found",
        Some("id"),
    );

    // The event from tomorrow is taken in: the clock here does not move, and what it refers to
    // (an order this terminal never saw open) now shows as a conflict of its own.
    let taken = app
        .ok(
            "accept_deferred",
            &morgan,
            json!({ "reason": "the bar's clock was a day ahead; set right" }),
        )
        .await;
    assert_eq!(taken["deferred"], json!([]));
    assert_eq!(taken["conflicts"].as_array().unwrap().len(), 2, "{taken}");
    // The next local event is stamped by this terminal's clock, not a day ahead.
    let next = app.open_table(&alex, "5").await;
    let id: comanda_domain::ids::OrderId = next.parse().unwrap();
    let events = app
        .ctx
        .store
        .read(|r| r.stream_events(comanda_domain::event::StreamId::Order(id)))
        .unwrap();
    assert!(
        events[0].hlc.wall_ms < comanda_domain::clock::Clock::now_ms(&*app.clock) + 60_000,
        "the clock did not jump a day"
    );
    assert_error(
        &app.call(
            "accept_deferred",
            Some(&morgan),
            json!({ "reason": "again" }),
        )
        .await,
        409,
        "conflict",
        None,
    );
}
