//! The staff list: a manager adds and changes employees; PINs stay unique among active staff and
//! only ever exist as hashes; someone who has left can no longer sign in.

use serde_json::json;

use crate::support::{ALEX, MORGAN, assert_error, spawn_app};

#[tokio::test]
async fn a_manager_keeps_the_staff_list_and_pins_stay_unique() {
    let app = spawn_app().await;
    let alex = app.login(ALEX).await;
    let robin = json!({ "name": "Robin", "role": "cashier", "pin": "4321", "active": true });

    // A cashier alone may not; with a manager's PIN they may.
    assert_error(
        &app.call("save_employee", Some(&alex), robin.clone()).await,
        403,
        "approval_required",
        Some("approval"),
    );
    let mut approved = robin.clone();
    approved["approval"] = json!({ "pin": MORGAN });
    let list = app.ok("save_employee", &alex, approved).await;
    let names: Vec<&str> = list["employees"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Alex", "Morgan", "Robin", "Sam"]);
    assert!(
        !list.to_string().contains("argon2"),
        "no PIN hash leaves the API"
    );

    // Robin signs in with the new PIN.
    let robin_token = app.login("4321").await;
    let robin_id = list["employees"][2]["employee_id"].clone();

    // A PIN already in use is refused and nothing changes.
    let morgan = app.login(MORGAN).await;
    let before = app.event_count();
    let dup = json!({ "name": "Kim", "role": "cashier", "pin": ALEX, "active": true });
    assert_error(
        &app.call("save_employee", Some(&morgan), dup).await,
        409,
        "conflict",
        Some("pin"),
    );
    assert_error(
        &app.call(
            "save_employee",
            Some(&morgan),
            json!({ "name": "Kim", "role": "cashier", "active": true }),
        )
        .await,
        400,
        "invalid_input",
        Some("pin"),
    );
    assert_eq!(app.event_count(), before);

    // Robin leaves: their PIN no longer signs in; the list still shows them, inactive, last.
    let left =
        json!({ "employee_id": robin_id, "name": "Robin", "role": "cashier", "active": false });
    let list = app.ok("save_employee", &morgan, left).await;
    assert_eq!(list["employees"][3]["name"], "Robin");
    assert_eq!(list["employees"][3]["active"], false);
    assert_error(
        &app.call("login", None, json!({ "pin": "4321" })).await,
        401,
        "wrong_pin",
        Some("pin"),
    );
    // Saving the same record again writes nothing.
    let again =
        json!({ "employee_id": robin_id, "name": "Robin", "role": "cashier", "active": false });
    let before = app.event_count();
    app.ok("save_employee", &morgan, again).await;
    assert_eq!(app.event_count(), before);
    // Their session ended when they left; the list stays readable by staff.
    assert_error(
        &app.call("list_employees", Some(&robin_token), json!({}))
            .await,
        401,
        "unauthorized",
        None,
    );
    app.ok("list_employees", &alex, json!({})).await;
}
