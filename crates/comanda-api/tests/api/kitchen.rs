//! The kitchen board and a cook's steps over the real API: a fire shows one ticket per station,
//! bump and recall move it off and back, a step sent twice changes nothing more, items bump on
//! their own, a void or cancel at the counter shows as its own ticket.

use serde_json::{Value, json};

use crate::support::*;

fn tickets(board: &Value, list: &str) -> Vec<(String, String)> {
    board[list]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["station"].as_str().unwrap().to_owned(),
                t["banner"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

fn step(t: &Value, action: &str) -> Value {
    json!({
        "order_id": t["order_id"], "notice": t["notice"], "station": t["station"],
        "action": action,
    })
}

#[tokio::test]
async fn a_fire_shows_on_the_board_and_bump_recall_rush_and_item_bumps_do_what_cooks_expect() {
    let app = spawn_app().await;
    let token = app.login(ALEX).await;
    let menu = app.menu().await;
    let order = app.open_table(&token, "4").await;
    app.add(&token, &order, &menu.item("Fries"), 2).await;
    app.add(&token, &order, &menu.item("Caesar Salad"), 1).await;
    let empty = app.ok("kitchen_board", &token, json!({})).await;
    assert!(empty["open"].as_array().unwrap().is_empty(), "{empty}");
    app.ok("fire_order", &token, json!({ "order_id": order }))
        .await;

    let board = app.ok("kitchen_board", &token, json!({})).await;
    assert_eq!(
        tickets(&board, "open"),
        [
            ("cold".into(), String::new()),
            ("fry".into(), String::new())
        ],
        "{board}"
    );
    assert_eq!(board["open"][1]["items"][0]["name"], "Fries");
    assert_eq!(board["open"][1]["items"][0]["qty"], 2);
    assert_eq!(board["open"][1]["served"], "Table 4");
    assert_eq!(
        board["all_day"][0],
        json!({ "name": "Fries", "qty": 2 }),
        "{board}"
    );
    let fry_only = app
        .ok("kitchen_board", &token, json!({ "station": "fry" }))
        .await;
    assert_eq!(tickets(&fry_only, "open"), [("fry".into(), String::new())]);

    // The fry ticket is started, then bumped: off the board, first to recall.
    let fry = board["open"][1].clone();
    let started = app.ok("kitchen_step", &token, step(&fry, "start")).await;
    assert_eq!(started["phase"], "started", "{started}");
    let bumped = app.ok("kitchen_step", &token, step(&fry, "bump")).await;
    assert!(bumped["done"].as_bool().unwrap(), "{bumped}");
    // Sent again (a retry): nothing more changes.
    let again = app.ok("kitchen_step", &token, step(&fry, "bump")).await;
    assert_eq!(again["generation"], bumped["generation"]);
    let board = app.ok("kitchen_board", &token, json!({})).await;
    assert_eq!(tickets(&board, "open"), [("cold".into(), String::new())]);
    assert_eq!(tickets(&board, "recent"), [("fry".into(), String::new())]);
    assert_eq!(
        board["all_day"],
        json!([{ "name": "Caesar Salad", "qty": 1 }])
    );

    // Recalled: back, in the next generation, not done.
    let recalled = app.ok("kitchen_step", &token, step(&fry, "recall")).await;
    assert_eq!(recalled["generation"], 1, "{recalled}");
    assert_eq!(recalled["done"], false);
    assert_eq!(recalled["phase"], "new");
    // Only a bumped ticket can be recalled.
    let (status, err) = app
        .call("kitchen_step", Some(&token), step(&fry, "recall"))
        .await;
    assert_eq!(
        (status, err["code"].as_str()),
        (409, Some("conflict")),
        "{err}"
    );

    // The cold ticket's one item bumped alone: the ticket is done; rushed stays said.
    let cold = board["open"][0].clone();
    let rushed = app.ok("kitchen_step", &token, step(&cold, "rush")).await;
    assert_eq!(rushed["rushed"], true);
    let mut item = step(&cold, "bump");
    item["line_id"] = cold["items"][0]["line_id"].clone();
    let done = app.ok("kitchen_step", &token, item).await;
    assert_eq!(done["items"][0]["bumped"], true, "{done}");
    assert_eq!(done["done"], true, "{done}");

    // A ticket that is not there, or an item not on it, is refused with its field.
    let mut bad = step(&fry, "bump");
    bad["station"] = json!("grill");
    let (status, err) = app.call("kitchen_step", Some(&token), bad).await;
    assert_eq!(
        (status, err["field"].as_str()),
        (404, Some("notice")),
        "{err}"
    );
    let mut bad = step(&fry, "bump");
    bad["line_id"] = cold["items"][0]["line_id"].clone();
    let (status, err) = app.call("kitchen_step", Some(&token), bad).await;
    assert_eq!(
        (status, err["field"].as_str()),
        (400, Some("line_id")),
        "{err}"
    );
}

#[tokio::test]
async fn a_void_and_a_cancel_at_the_counter_after_the_fire_reach_the_board() {
    let app = spawn_app().await;
    let token = app.login(ALEX).await;
    let menu = app.menu().await;
    let order = app.open_table(&token, "4").await;
    app.add(&token, &order, &menu.item("Fries"), 2).await;
    let rings = app.add(&token, &order, &menu.item("Onion Rings"), 1).await;
    let rings_line = rings["lines"][1]["line_id"].as_str().unwrap().to_owned();
    app.ok("fire_order", &token, json!({ "order_id": order }))
        .await;
    app.ok(
        "void_line",
        &token,
        json!({ "order_id": order, "line_id": rings_line, "reason": "customer left",
                "approval": { "pin": MORGAN } }),
    )
    .await;
    let board = app.ok("kitchen_board", &token, json!({})).await;
    assert_eq!(
        tickets(&board, "open"),
        [("fry".into(), String::new()), ("fry".into(), "void".into())],
        "{board}"
    );
    // On the fire's ticket the voided item is struck through; the VOID ticket names it.
    assert_eq!(board["open"][0]["items"][1]["voided"], true);
    assert_eq!(board["open"][1]["items"][0]["name"], "Onion Rings");
    // All day counts what is still to cook.
    assert_eq!(board["all_day"], json!([{ "name": "Fries", "qty": 2 }]));

    app.ok(
        "cancel_order",
        &token,
        json!({ "order_id": order, "reason": "left", "approval": { "pin": MORGAN } }),
    )
    .await;
    let board = app.ok("kitchen_board", &token, json!({})).await;
    assert_eq!(
        tickets(&board, "open"),
        [
            ("fry".into(), String::new()),
            ("fry".into(), "void".into()),
            ("fry".into(), "cancel".into())
        ],
        "{board}"
    );
    assert!(
        board["open"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["order_cancelled"] == true)
    );
}

#[tokio::test]
async fn a_manager_sets_each_stations_times_and_every_ticket_is_coloured_by_them() {
    let app = spawn_app().await;
    let alex = app.login(ALEX).await;
    let morgan = app.login(MORGAN).await;
    let menu = app.menu().await;
    let table = app.open_table(&alex, "4").await;
    app.add(&alex, &table, &menu.item("Fries"), 1).await;
    app.add(&alex, &table, &menu.item("Caesar Salad"), 1).await;
    app.ok("fire_order", &alex, json!({ "order_id": table }))
        .await;
    let board = app.ok("kitchen_board", &alex, json!({})).await;
    // No target set: 5 and 8 minutes, and the first fire is no add-on.
    assert_eq!(board["open"][1]["warning_ms"], 300_000, "{board}");
    assert_eq!(board["open"][1]["late_ms"], 480_000);
    assert_eq!(board["open"][1]["add_on"], false);

    let targets = json!({ "targets": [
        { "station": "fry", "warning_s": 120, "late_s": 240 },
        { "station": "fry", "order_type": "takeaway", "warning_s": 60, "late_s": 120 },
    ]});
    // A cashier alone may not; a manager's PIN lets them.
    let (status, err) = app
        .call("save_kitchen_targets", Some(&alex), targets.clone())
        .await;
    assert_eq!(
        (status, err["code"].as_str()),
        (403, Some("approval_required")),
        "{err}"
    );
    let saved = app.ok("save_kitchen_targets", &morgan, targets).await;
    assert_eq!(saved["targets"].as_array().unwrap().len(), 2, "{saved}");
    assert_eq!(saved["default_late_s"], 480);
    let read = app.ok("kitchen_targets", &alex, json!({})).await;
    assert_eq!(read, saved);

    let takeaway = app
        .ok(
            "open_order",
            &alex,
            json!({ "order_type": { "type": "takeaway" } }),
        )
        .await["order_id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.add(&alex, &takeaway, &menu.item("Fries"), 1).await;
    app.ok("fire_order", &alex, json!({ "order_id": takeaway }))
        .await;
    // A second fire of the table: an add-on.
    app.add(&alex, &table, &menu.item("Fries"), 1).await;
    app.ok("fire_order", &alex, json!({ "order_id": table }))
        .await;
    let board = app
        .ok("kitchen_board", &alex, json!({ "station": "fry" }))
        .await;
    let seen: Vec<(Value, Value, Value)> = board["open"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["served"].clone(),
                t["warning_ms"].clone(),
                t["add_on"].clone(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            (json!("Table 4"), json!(120_000), json!(false)),
            (json!("Takeaway"), json!(60_000), json!(false)),
            (json!("Table 4"), json!(120_000), json!(true)),
        ],
        "{board}"
    );
    let cold = app
        .ok("kitchen_board", &alex, json!({ "station": "cold" }))
        .await;
    assert_eq!(cold["open"][0]["late_ms"], 480_000, "{cold}");

    // Bad lists are refused with the field at fault, and change nothing.
    for (bad, field) in [
        (
            json!({ "station": "fry", "warning_s": 300, "late_s": 300 }),
            "late_s",
        ),
        (
            json!({ "station": "fry", "warning_s": 5, "late_s": 300 }),
            "warning_s",
        ),
        (
            json!({ "station": "pizza", "warning_s": 60, "late_s": 300 }),
            "station",
        ),
        (
            json!({ "station": "fry", "order_type": "drive", "warning_s": 60, "late_s": 300 }),
            "order_type",
        ),
    ] {
        let (status, err) = app
            .call(
                "save_kitchen_targets",
                Some(&morgan),
                json!({ "targets": [bad] }),
            )
            .await;
        assert_eq!((status, err["field"].as_str()), (400, Some(field)), "{err}");
    }
    assert_eq!(app.ok("kitchen_targets", &alex, json!({})).await, saved);
}

#[tokio::test]
async fn the_expo_pass_sees_whole_orders_ready_when_every_station_is_done_and_sends_them_out() {
    let app = spawn_app().await;
    let token = app.login(ALEX).await;
    let menu = app.menu().await;
    let order = app.open_table(&token, "9").await;
    app.add(&token, &order, &menu.item("Fries"), 1).await;
    app.add(&token, &order, &menu.item("Caesar Salad"), 1).await;
    app.ok("fire_order", &token, json!({ "order_id": order }))
        .await;
    let expo = || async {
        app.ok("kitchen_board", &token, json!({ "station": "expo" }))
            .await
    };
    let phases = |b: &Value| -> Vec<(String, String)> {
        b["expo"][0]["stations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                (
                    s["station"].as_str().unwrap().to_owned(),
                    s["phase"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    let b = expo().await;
    assert_eq!(b["expo"].as_array().unwrap().len(), 1, "{b}");
    assert!(b["open"].as_array().unwrap().is_empty());
    assert_eq!(b["expo"][0]["ready"], false);
    assert_eq!(b["expo"][0]["ticket"]["served"], "Table 9");
    assert_eq!(b["expo"][0]["ticket"]["items"].as_array().unwrap().len(), 2);
    assert_eq!(
        phases(&b),
        [("cold".into(), "new".into()), ("fry".into(), "new".into())]
    );

    // The fry station bumps: not ready yet; the cold station too: ready.
    let board = app.ok("kitchen_board", &token, json!({})).await;
    app.ok("kitchen_step", &token, step(&board["open"][1], "bump"))
        .await;
    let b = expo().await;
    assert_eq!(
        phases(&b),
        [("cold".into(), "new".into()), ("fry".into(), "done".into())]
    );
    assert_eq!(b["expo"][0]["ready"], false);
    app.ok("kitchen_step", &token, step(&board["open"][0], "bump"))
        .await;
    let b = expo().await;
    assert_eq!(b["expo"][0]["ready"], true, "{b}");

    // The pass sends it out (twice: a retry); it goes to the pass's recall list.
    let pass = b["expo"][0]["ticket"].clone();
    assert_eq!(pass["station"], "expo");
    let out = app.ok("kitchen_step", &token, step(&pass, "bump")).await;
    assert_eq!(out["done"], true, "{out}");
    app.ok("kitchen_step", &token, step(&pass, "bump")).await;
    let b = expo().await;
    assert!(b["expo"].as_array().unwrap().is_empty(), "{b}");
    assert_eq!(b["recent"][0]["order_id"], json!(order));

    // An add-on: the order comes back to the pass, not ready, under its new notice; the old
    // pass ticket is no longer the order's.
    app.add(&token, &order, &menu.item("Fries"), 1).await;
    app.ok("fire_order", &token, json!({ "order_id": order }))
        .await;
    let b = expo().await;
    assert_eq!(b["expo"][0]["ready"], false, "{b}");
    assert_ne!(b["expo"][0]["ticket"]["notice"], pass["notice"]);
    assert_eq!(
        phases(&b),
        [
            ("cold".into(), "done".into()),
            ("fry".into(), "done".into()),
            ("fry".into(), "new".into())
        ]
    );
    let (status, err) = app
        .call("kitchen_step", Some(&token), step(&pass, "recall"))
        .await;
    assert_eq!(
        (status, err["field"].as_str()),
        (404, Some("notice")),
        "{err}"
    );
}

#[tokio::test]
async fn the_counter_holds_later_courses_and_fires_each_when_asked_and_the_kitchen_sees_them_coming()
 {
    let app = spawn_app().await;
    let token = app.login(ALEX).await;
    let menu = app.menu().await;
    let order = app.open_table(&token, "5").await;
    let mut lines = Vec::new();
    for (item, course) in [("Caesar Salad", 1), ("Fries", 2), ("Tiramisu", 3)] {
        let v = app.add(&token, &order, &menu.item(item), 1).await;
        let line = v["lines"].as_array().unwrap().last().unwrap()["line_id"].clone();
        app.ok(
            "change_line",
            &token,
            json!({ "order_id": order, "line_id": line, "change": { "field": "course", "value": course } }),
        )
        .await;
        lines.push(line);
    }
    let state = |v: &Value| -> Vec<(bool, bool)> {
        v["lines"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| (l["fired"].as_bool().unwrap(), l["held"].as_bool().unwrap()))
            .collect()
    };
    // Send with the later courses held: the salad goes, the fries and the tiramisu wait.
    let v = app
        .ok(
            "fire_order",
            &token,
            json!({ "order_id": order, "hold_later": true }),
        )
        .await;
    assert_eq!(
        state(&v),
        [(true, false), (false, true), (false, true)],
        "{v}"
    );
    let board = app.ok("kitchen_board", &token, json!({})).await;
    assert_eq!(tickets(&board, "open"), [("cold".into(), String::new())]);
    assert_eq!(
        board["open"][0]["held"],
        json!([{ "course": 3, "qty": 1, "name": "Tiramisu" }]),
        "{board}"
    );
    let expo = app
        .ok("kitchen_board", &token, json!({ "station": "expo" }))
        .await;
    assert_eq!(
        expo["expo"][0]["ticket"]["held"].as_array().unwrap().len(),
        2,
        "{expo}"
    );
    // The fry station has no ticket of the order yet: the fries show there as a held card.
    assert_eq!(
        board["held"],
        json!([{ "order_id": order, "number": 1, "served": "Table 5", "station": "fry",
                 "items": [{ "course": 2, "qty": 1, "name": "Fries" }] }]),
        "{board}"
    );

    // A plain send later sends what is new, not what is held.
    app.add(&token, &order, &menu.item("Cola"), 1).await;
    let v = app
        .ok("fire_order", &token, json!({ "order_id": order }))
        .await;
    assert_eq!(
        state(&v),
        [(true, false), (false, true), (false, true), (true, false)],
        "{v}"
    );

    // Fire course 2: the fries go, on a ticket that says which course it fires.
    let v = app
        .ok(
            "fire_order",
            &token,
            json!({ "order_id": order, "course": 2 }),
        )
        .await;
    assert_eq!(state(&v)[1], (true, false), "{v}");
    let fry = app
        .ok("kitchen_board", &token, json!({ "station": "fry" }))
        .await;
    assert_eq!(fry["open"][0]["fired_course"], 2, "{fry}");
    assert_eq!(fry["held"], json!([]), "{fry}");
    assert_eq!(fry["open"][0]["items"][0]["name"], "Fries");

    // Nothing left in course 2, and no course 0: refused with the field.
    for course in [2, 0] {
        let (status, err) = app
            .call(
                "fire_order",
                Some(&token),
                json!({ "order_id": order, "course": course }),
            )
            .await;
        assert_eq!(
            (status, err["field"].as_str()),
            (400, Some("course")),
            "{err}"
        );
    }
}

#[tokio::test]
async fn the_managers_report_shows_each_stations_and_items_times_fire_to_bump_and_how_many_were_late()
 {
    let app = spawn_app().await;
    let alex = app.login(ALEX).await;
    let morgan = app.login(MORGAN).await;
    let menu = app.menu().await;
    let min = 60_000u64;
    // Three tables: fries take 2, 4 and 10 minutes (the last one LATE at 8); the salads 1 each.
    let mut boards = Vec::new();
    for table in ["1", "2", "3"] {
        let order = app.open_table(&alex, table).await;
        app.add(&alex, &order, &menu.item("Fries"), 1).await;
        app.add(&alex, &order, &menu.item("Caesar Salad"), 1).await;
        app.ok("fire_order", &alex, json!({ "order_id": order }))
            .await;
        let board = app.ok("kitchen_board", &alex, json!({})).await;
        boards.push(
            board["open"].as_array().unwrap()[board["open"].as_array().unwrap().len() - 2..]
                .to_vec(),
        );
    }
    let t0 = START_MS;
    // The salads are bumped at one minute; the fries later (a terminal's stamps only go forward).
    app.clock.set(t0 + min);
    for b in &boards {
        assert_eq!(b[0]["station"], "cold");
        app.ok("kitchen_step", &alex, step(&b[0], "bump")).await;
    }
    for (b, took) in boards.iter().zip([2 * min, 4 * min, 10 * min]) {
        assert_eq!(b[1]["station"], "fry");
        app.clock.set(t0 + took);
        app.ok("kitchen_step", &alex, step(&b[1], "bump")).await;
    }
    // A fourth table's fries, not done yet: open at the fry station.
    let open = app.open_table(&alex, "4").await;
    app.add(&alex, &open, &menu.item("Fries"), 1).await;
    app.ok("fire_order", &alex, json!({ "order_id": open }))
        .await;

    let period = json!({ "from_ms": t0 - 3_600_000, "to_ms": t0 + 3_600_000 });
    // A cashier alone may not see it.
    let (status, err) = app
        .call("kitchen_report", Some(&alex), period.clone())
        .await;
    assert_eq!(
        (status, err["code"].as_str()),
        (403, Some("approval_required")),
        "{err}"
    );
    let report = app.ok("kitchen_report", &morgan, period).await;
    assert_eq!(
        report["stations"],
        json!([
            { "station": "fry", "open": 1, "late_target_ms": 480_000,
              "times": { "count": 3, "median_ms": 240_000, "p90_ms": 600_000, "max_ms": 600_000, "late": 1 } },
            { "station": "cold", "open": 0, "late_target_ms": 480_000,
              "times": { "count": 3, "median_ms": 60_000, "p90_ms": 60_000, "max_ms": 60_000, "late": 0 } },
        ]),
        "{report}"
    );
    assert_eq!(report["items"][0]["name"], "Fries");
    assert_eq!(report["items"][0]["times"]["median_ms"], 240_000);
    assert_eq!(report["items"][1]["name"], "Caesar Salad");

    // A period with nothing in it, and bad periods.
    let empty = app
        .ok(
            "kitchen_report",
            &morgan,
            json!({ "from_ms": t0 + 7_200_000, "to_ms": t0 + 9_000_000 }),
        )
        .await;
    assert_eq!(empty["stations"], json!([]));
    for (from, to) in [(t0, t0), (t0, t0 + 40 * 24 * 3_600_000)] {
        let (status, err) = app
            .call(
                "kitchen_report",
                Some(&morgan),
                json!({ "from_ms": from, "to_ms": to }),
            )
            .await;
        assert_eq!(
            (status, err["field"].as_str()),
            (400, Some("to_ms")),
            "{err}"
        );
    }
}

#[tokio::test]
async fn an_allergy_said_at_the_counter_is_on_the_ticket_and_one_said_after_the_fire_reaches_the_kitchen()
 {
    let app = spawn_app().await;
    let token = app.login(ALEX).await;
    let menu = app.menu().await;
    let order = app.open_table(&token, "6").await;
    let v = app.add(&token, &order, &menu.item("Caesar Salad"), 1).await;
    let line = v["lines"][0]["line_id"].clone();
    let allergy = |value: Value| json!({ "order_id": order, "line_id": line, "change": { "field": "allergy", "value": value } });
    let v = app
        .ok("change_line", &token, allergy(json!("tree nuts")))
        .await;
    assert_eq!(v["lines"][0]["allergy"], "tree nuts");
    app.ok("fire_order", &token, json!({ "order_id": order }))
        .await;
    let board = app.ok("kitchen_board", &token, json!({})).await;
    assert_eq!(
        board["open"][0]["items"][0]["allergy"], "tree nuts",
        "{board}"
    );

    // Said after the fire: the kitchen gets a CHANGED ticket carrying it.
    app.ok("change_line", &token, allergy(json!("tree nuts, gluten")))
        .await;
    let board = app.ok("kitchen_board", &token, json!({})).await;
    assert_eq!(
        tickets(&board, "open"),
        [
            ("cold".into(), String::new()),
            ("cold".into(), "changed".into())
        ],
        "{board}"
    );
    assert_eq!(board["open"][1]["items"][0]["allergy"], "tree nuts, gluten");

    // Too long: refused with the field.
    let (status, err) = app
        .call("change_line", Some(&token), allergy(json!("x".repeat(61))))
        .await;
    assert_eq!(
        (status, err["field"].as_str()),
        (400, Some("allergy")),
        "{err}"
    );
}
