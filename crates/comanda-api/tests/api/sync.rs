//! Terminals paired with a hub (comanda-server, in this process on a real port): pairing and
//! what it refuses, the menu and staff the first terminal brings, orders seen across terminals
//! through the sync worker, a staff change ending sessions elsewhere, the badge going offline.

use std::sync::Arc;
use std::time::Duration;

use comanda_domain::clock::ManualClock;
use comanda_domain::ids::SeqIds;
use comanda_server::Hub;
use serde_json::{Value, json};

use crate::support::{
    MORGAN, SAM, START_MS, TestApp, assert_error, spawn_app, spawn_app_in, spawn_app_with,
};

struct HubProcess {
    _dir: tempfile::TempDir,
    hub: Arc<Hub>,
    url: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

async fn start_hub() -> HubProcess {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(ManualClock::new(START_MS));
    let hub = Arc::new(Hub::open(dir.path(), clock, Arc::new(SeqIds::new(900))).unwrap());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("https://{}", listener.local_addr().unwrap());
    let stop = serve_hub(&hub, listener);
    HubProcess {
        _dir: dir,
        hub,
        url,
        stop: Some(stop),
    }
}

/// Serves the hub on `listener` until the returned sender fires (as `comanda-server serve`
/// does: its waiting watches are answered at shutdown).
fn serve_hub(
    hub: &Arc<Hub>,
    listener: tokio::net::TcpListener,
) -> tokio::sync::oneshot::Sender<()> {
    hub.open_watches();
    let app = comanda_server::routes::router(hub.clone());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let closing = hub.clone();
    let identity = hub.identity().clone();
    tokio::spawn(async move {
        comanda_sync::tls::serve(listener, &identity, app, async move {
            let _ = stopped.await;
            closing.close_watches();
        })
        .await
    });
    stop
}

impl HubProcess {
    /// Stops serving (the hub's files stay).
    fn stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }

    /// Serves again on the same address, as a restarted hub would.
    async fn restart(&mut self) {
        let addr = self.url.trim_start_matches("https://").to_owned();
        let mut tries = 0;
        let listener = loop {
            match tokio::net::TcpListener::bind(&addr).await {
                Ok(l) => break l,
                Err(e) if tries < 50 => {
                    tries += 1;
                    let _ = e;
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(e) => panic!("rebinding {addr}: {e}"),
            }
        };
        self.stop = Some(serve_hub(&self.hub, listener));
    }

    fn code(&self) -> String {
        let store = match self.hub.stores().unwrap().first() {
            Some(s) => s.store_id,
            None => self.hub.create_store("Bistro Centro").unwrap().store_id,
        };
        self.hub.make_code(store, 600_000).unwrap()
    }
}

async fn pair(app: &TestApp, hub: &HubProcess, name: &str) -> Value {
    let manager = app.login(MORGAN).await;
    let body = json!({"address": hub.url, "code": hub.code(), "name": name, "wipe": true});
    app.ok("pair_terminal", &manager, body).await
}

/// Terminals A ("Counter") and B ("Bar") paired with `hub`, their workers running; with
/// `answer_peers` they also answer each other on loopback.
async fn two_terminals(
    hub: &HubProcess,
    answer_peers: bool,
) -> (
    TestApp,
    TestApp,
    comanda_api::runtime::Runtime,
    comanda_api::runtime::Runtime,
) {
    let a = spawn_app().await;
    let b = spawn_app_in(tempfile::tempdir().unwrap(), 2).await;
    pair(&a, hub, "Counter").await;
    pair(&b, hub, "Bar").await;
    if answer_peers {
        for app in [&a, &b] {
            *app.ctx.sync.peer_listen.lock().unwrap() = comanda_api::sync::PeerListen {
                listen: Some("127.0.0.1:0".parse().unwrap()),
                advertise: None,
                discover: false,
            };
        }
    }
    let handle = tokio::runtime::Handle::current();
    let wa = comanda_api::runtime::start(&a.ctx, &handle);
    let wb = comanda_api::runtime::start(&b.ctx, &handle);
    (a, b, wa, wb)
}

/// Waits (real time, at most 10 s) until `f` holds.
async fn eventually(what: &str, mut f: impl AsyncFnMut() -> bool) {
    for _ in 0..200 {
        if f().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{what}: not within 10 s");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pairing_asks_to_empty_a_terminal_that_holds_the_demo_and_keeps_its_menu_and_staff() {
    let hub = start_hub().await;
    let app = spawn_app().await;
    let manager = app.login(MORGAN).await;
    let cashier = app.login(SAM).await;
    let code = hub.code();
    let body =
        |wipe: bool| json!({"address": hub.url, "code": code, "name": "Counter", "wipe": wipe});
    // A cashier may not.
    assert_error(
        &app.call("pair_terminal", Some(&cashier), body(true)).await,
        403,
        "forbidden",
        None,
    );
    // The demo is there: the manager is told what pairing does with it.
    let refused = app.call("pair_terminal", Some(&manager), body(false)).await;
    assert_error(&refused, 409, "not_empty", Some("wipe"));
    assert!(refused.1["message"].as_str().unwrap().contains("archive"));
    let before = app.event_count();
    let menu_before = app.menu().await;

    let view = app.ok("pair_terminal", &manager, body(true)).await;
    assert_eq!(view["sync"]["paired"], true);
    assert_eq!(view["sync"]["terminal_no"], 1);
    assert_eq!(view["store_name"], "Comanda Demo Bistro");
    // The demo's events are in an archive file beside the database, whole.
    let dir = app.ctx.store.path().parent().unwrap().to_owned();
    let archive = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(Result::ok)
        .find(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("terminal-before-pairing-")
        })
        .expect("an archive");
    let old = rusqlite::Connection::open(archive.path()).unwrap();
    let n: i64 = old
        .query_row("SELECT count(*) FROM events", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n as u64, before);
    // The store was new: the terminal brought its menu and staff (the manager is still signed
    // in, and the PINs still work).
    let menu_after = app.menu().await;
    assert_eq!(menu_after.item("Fries"), menu_before.item("Fries"));
    app.ok("list_employees", &manager, json!({})).await;
    app.login(SAM).await;
    // New orders carry the terminal's block of numbers.
    let order = app.open_table(&manager, "4").await;
    let text = app.order_text(&manager, &order).await;
    assert!(text.contains("\"number\":10001"), "{text}");
    // Paired once: again is refused.
    let again = app.call("pair_terminal", Some(&manager), body(true)).await;
    assert_error(&again, 409, "conflict", None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pairing_says_what_is_wrong_with_the_address_or_the_code() {
    let hub = start_hub().await;
    let app = spawn_app().await;
    let manager = app.login(MORGAN).await;
    let call = |address: String, code: String| json!({"address": address, "code": code, "name": "Counter", "wipe": true});
    let bad = app
        .call(
            "pair_terminal",
            Some(&manager),
            call("ftp://hub.local".into(), hub.code()),
        )
        .await;
    assert_error(&bad, 400, "invalid_input", Some("address"));
    // A closed port: nobody answers.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        drop(l);
        format!("127.0.0.1:{port}")
    };
    let unreachable = app
        .call("pair_terminal", Some(&manager), call(closed, hub.code()))
        .await;
    assert_error(&unreachable, 502, "unreachable", Some("address"));
    let wrong = app
        .call(
            "pair_terminal",
            Some(&manager),
            call(hub.url.clone(), "AAAAA-AAAAA".into()),
        )
        .await;
    assert_error(&wrong, 400, "invalid_input", Some("code"));
    // Nothing happened to the terminal on the way.
    assert_eq!(
        app.ok("get_status", &manager, json!({})).await["sync"]["paired"],
        false
    );
    assert!(app.menu().await.item("Fries").len() > 10);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_order_taken_on_one_terminal_appears_on_the_other_through_the_hub() {
    let hub = start_hub().await;
    let (a, b, wa, wb) = two_terminals(&hub, false).await;
    // B took the store's menu and staff from the hub: the same items, the same PINs.
    assert_eq!(a.menu().await.item("Fries"), b.menu().await.item("Fries"));
    let ta = a.login(SAM).await;
    let tb = b.login(SAM).await;
    let order = a.open_table(&ta, "12").await;
    a.add(&ta, &order, &a.menu().await.item("Fries"), 2).await;
    eventually("the order on B", async || {
        let (status, v) = b
            .call("get_order", Some(&tb), json!({"order_id": order}))
            .await;
        status == 200 && v["lines"].as_array().is_some_and(|l| l.len() == 1)
    })
    .await;
    let listed = b.ok("list_orders", &tb, json!({"status": "open"})).await;
    let number = listed["orders"][0]["number"].as_u64().unwrap();
    assert_eq!(
        number / 10_000,
        1,
        "numbered by terminal 1, where it was taken"
    );
    // And back: B adds a line, A sees it.
    b.add(&tb, &order, &b.menu().await.item("Fries"), 1).await;
    eventually("B's line on A", async || {
        let v = a.ok("get_order", &ta, json!({"order_id": order})).await;
        v["lines"].as_array().is_some_and(|l| l.len() == 2)
    })
    .await;
    eventually("both badges in sync", async || {
        let sa = a.ok("get_status", &ta, json!({})).await;
        let sb = b.ok("get_status", &tb, json!({})).await;
        sa["sync"]["state"] == "online" && sa["sync"]["waiting"] == 0 && sb["sync"]["waiting"] == 0
    })
    .await;
    wa.shutdown().await;
    wb.shutdown().await;
}

/// A terminal's disk restored from an older backup: it goes on with its pairing (same token and
/// certificate, over TLS), takes an order at once, and the store ends with every order on both
/// terminals: the one the backup lacked comes back from the hub, the one taken after the restore
/// reaches the other terminal, nothing is refused, and a manager is told what moved.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_terminal_restored_from_an_older_backup_keeps_its_pairing_and_loses_no_order() {
    let hub = start_hub().await;
    let (a, b, wa, wb) = two_terminals(&hub, false).await;
    let ta = a.login(SAM).await;
    let tb = b.login(SAM).await;
    let seen_on = async |app: &TestApp, token: &str, order: &String| {
        let (status, _) = app
            .call("get_order", Some(token), json!({"order_id": order}))
            .await;
        status == 200
    };
    let first = a.open_table(&ta, "1").await;
    eventually("the first order on B", async || {
        seen_on(&b, &tb, &first).await
    })
    .await;
    let paired_as = a.ctx.store.device().unwrap().device_id;
    let db = a.data_dir().join("terminal.sqlite");
    let backup = db.with_file_name("backup.sqlite");
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute("VACUUM INTO ?1", [backup.display().to_string()])
        .unwrap();
    let lost = a.open_table(&ta, "2").await;
    eventually("the order the backup lacks, on B", async || {
        seen_on(&b, &tb, &lost).await
    })
    .await;

    // The disk is replaced by the backup; the terminal starts again on it.
    wa.shutdown().await;
    let dir = a.stop().await;
    for ext in ["", "-wal", "-shm"] {
        let _gone = std::fs::remove_file(format!("{}{ext}", db.display()));
    }
    std::fs::copy(&backup, &db).unwrap();
    let a = spawn_app_in(dir, 7).await;
    let ta = a.login(SAM).await;
    let since = a.open_table(&ta, "3").await;
    let wa = comanda_api::runtime::start(&a.ctx, &tokio::runtime::Handle::current());
    eventually("the order taken after the restore, on B", async || {
        seen_on(&b, &tb, &since).await
    })
    .await;
    eventually("the order the backup lacked, back on A", async || {
        seen_on(&a, &ta, &lost).await
    })
    .await;
    let me = a.ctx.store.device().unwrap();
    assert_eq!(
        me.node_id, paired_as,
        "still known by the id it paired with"
    );
    assert_ne!(me.device_id, paired_as, "its new events under a fresh one");
    eventually("nothing waits on either side", async || {
        let sa = a.ok("get_status", &ta, json!({})).await;
        let sb = b.ok("get_status", &tb, json!({})).await;
        sa["sync"]["state"] == "online" && sa["sync"]["waiting"] == 0 && sb["sync"]["waiting"] == 0
    })
    .await;
    let at_hub = hub
        .hub
        .store(hub.hub.stores().unwrap()[0].store_id)
        .unwrap();
    for store in [&*a.ctx.store, &*b.ctx.store, &*at_hub] {
        let count =
            |r: &comanda_store::Reader<'_>| r.list_orders(&comanda_store::OrderFilter::all(100));
        assert_eq!(store.read(count).unwrap().len(), 3);
        let dead = store.read(|r| r.dead_letters()).unwrap();
        // What a manager is told: the fork, and the event moved. Nothing refused.
        assert!(
            dead.iter()
                .all(|d| d.reason.starts_with("relocated:") || d.reason.starts_with("diverged:")),
            "{dead:?}"
        );
    }
    wa.shutdown().await;
    wb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_role_change_made_on_one_terminal_ends_the_session_on_the_other() {
    let hub = start_hub().await;
    let (a, b, wa, wb) = two_terminals(&hub, false).await;
    let sam_on_b = b.login(SAM).await;
    let manager = a.login(MORGAN).await;
    let staff = a.ok("list_employees", &manager, json!({})).await;
    let sam = staff["employees"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == "Sam")
        .unwrap()
        .clone();
    let change = json!({
        "employee_id": sam["employee_id"], "name": "Sam", "role": "cashier",
        "pin": null, "active": false
    });
    a.ok("save_employee", &manager, change).await;
    eventually("Sam signed out on B", async || {
        b.call("list_orders", Some(&sam_on_b), json!({})).await.0 == 401
    })
    .await;
    // One staff list across the store: B took A's when it paired, it did not bring its own.
    assert_eq!(b.ctx.store.read(|r| r.employees()).unwrap().len(), 3);
    wa.shutdown().await;
    wb.shutdown().await;
}

/// A PIN set once terminals are paired is hashed with the store's pepper, which came from the
/// hub at pairing and is kept out of the log: the PIN works on every terminal of the store, and
/// the hash as the log carries it opens nothing without the pepper.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pin_set_after_pairing_is_peppered_and_works_on_every_terminal() {
    use comanda_api::session::{Pepper, pin_matches};
    use comanda_domain::employee::Pin;
    use comanda_domain::event::StreamId;
    let hub = start_hub().await;
    let (a, b, wa, wb) = two_terminals(&hub, false).await;
    let pepper_a = a
        .ctx
        .store
        .read(|r| r.pin_pepper())
        .unwrap()
        .expect("a pepper");
    let pepper_b = b
        .ctx
        .store
        .read(|r| r.pin_pepper())
        .unwrap()
        .expect("a pepper");
    assert_eq!(pepper_a, pepper_b, "one pepper per store");
    let manager = a.login(MORGAN).await;
    let robin = json!({"name": "Robin", "role": "cashier", "pin": "4321", "active": true});
    a.ok("save_employee", &manager, robin).await;
    eventually("Robin on B", async || {
        b.ctx
            .store
            .read(|r| r.employees())
            .unwrap()
            .values()
            .any(|e| e.name == "Robin")
    })
    .await;
    let (status, v) = b.call("login", None, json!({"pin": "4321"})).await;
    assert_eq!(
        (status, v["employee"]["name"].as_str()),
        (200, Some("Robin"))
    );
    let staff = b.ctx.store.read(|r| r.employees()).unwrap();
    let hash = &staff.values().find(|e| e.name == "Robin").unwrap().pin_hash;
    assert!(hash.as_phc().contains("keyid="), "{}", hash.as_phc());
    let pin = Pin::parse("4321").unwrap();
    assert!(
        !pin_matches(&pin, hash, &Pepper::default()),
        "not without the pepper"
    );
    // The demo's PINs, hashed before pairing, still open (no key id, no pepper).
    b.login(SAM).await;
    // The pepper is in no event of the log (staff, devices, settings: where it could have gone).
    let text = hex::encode(&pepper_a);
    for stream in [StreamId::Employees, StreamId::Devices, StreamId::Settings] {
        let events = b.ctx.store.read(|r| r.stream_events(stream)).unwrap();
        assert!(!events.is_empty());
        let encoded: Vec<_> = events.iter().map(comanda_domain::codec::encode).collect();
        let json = serde_json::to_string(&encoded).unwrap();
        assert!(!json.contains(&text), "{stream:?} carries the pepper");
    }
    wa.shutdown().await;
    wb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_badge_goes_offline_when_the_hub_does_and_counts_what_waits() {
    let mut hub = start_hub().await;
    let a = spawn_app().await;
    pair(&a, &hub, "Counter").await;
    let handle = tokio::runtime::Handle::current();
    let wa = comanda_api::runtime::start(&a.ctx, &handle);
    let t = a.login(SAM).await;
    eventually("online", async || {
        a.ok("get_status", &t, json!({})).await["sync"]["state"] == "online"
    })
    .await;
    hub.stop();
    let order = a.open_table(&t, "3").await;
    a.add(&t, &order, &a.menu().await.item("Fries"), 1).await;
    // The hub is gone: the badge says so (the manual clock makes "last heard" old at once).
    a.clock.advance(60_000);
    eventually("offline with events waiting", async || {
        let s = a.ok("get_status", &t, json!({})).await["sync"].clone();
        s["state"] == "offline"
            && s["waiting"].as_u64().unwrap() >= 2
            && s["peers"][0]["last_error"].is_string()
    })
    .await;
    wa.shutdown().await;
}

/// A staff change as another terminal's event would arrive: straight into the log, unchecked
/// by this terminal's rules (what merging two staff lists can give).
fn merged_staff_change(ctx: &comanda_api::Ctx, record: comanda_domain::employee::EmployeeRecord) {
    use comanda_domain::event::{EmployeeSaved, EventBody, StreamId};
    ctx.store
        .write(|tx| {
            tx.append(
                StreamId::Employees,
                None,
                EventBody::EmployeeSaved(EmployeeSaved {
                    record,
                    approved_by: None,
                }),
            )
        })
        .unwrap();
}

/// Two staff lists merged by sync can give two people one PIN (each terminal checked its own
/// list). Such a PIN signs in neither, never an arbitrary one; picking the name does.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pin_two_people_share_after_a_merge_opens_neither_until_the_name_is_picked() {
    use comanda_domain::employee::{EmployeeRecord, Pin, Role};
    use comanda_domain::ids::EmployeeId;
    let app = spawn_app().await;
    let ctx = app.ctx.clone();
    let kim = tokio::task::spawn_blocking(move || {
        let pin = Pin::parse("2222").unwrap();
        let record = EmployeeRecord {
            employee_id: EmployeeId::new(&SeqIds::new(4242)),
            name: "Kim".into(),
            role: Role::Cashier,
            pin_hash: comanda_api::session::hash_pin(&ctx, &pin).unwrap(),
            active: true,
        };
        let id = record.employee_id;
        merged_staff_change(&ctx, record);
        id
    })
    .await
    .unwrap();
    let shared = app.call("login", None, json!({"pin": SAM})).await;
    assert_error(&shared, 409, "conflict", Some("pin"));
    let message = shared.1["message"].as_str().unwrap();
    assert!(
        message.contains("Sam") && message.contains("Kim"),
        "{message}"
    );
    // The sign-in screen then offers the names (no roles, no PINs).
    let names = app.call("list_staff_names", None, json!({})).await;
    assert_eq!(names.0, 200);
    let listed: Vec<&str> = names.1["staff"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(listed, ["Alex", "Kim", "Morgan", "Sam"]);
    assert!(
        names.1["staff"][0].get("pin_hash").is_none() && names.1["staff"][0].get("role").is_none()
    );
    let picked = app
        .call("login", None, json!({"pin": SAM, "employee_id": kim}))
        .await;
    assert_eq!(picked.0, 200, "{}", picked.1);
    assert_eq!(picked.1["employee"]["name"], "Kim");
    // A manager finds it under "To settle", and settles it with a new PIN for one of them.
    let manager = app.login(MORGAN).await;
    let issues = app.ok("list_sync_issues", &manager, json!({})).await;
    let staff = issues["staff"].as_array().unwrap();
    assert_eq!(staff.len(), 1, "{issues}");
    assert_eq!(staff[0]["kind"], "shared_pin");
    let what = staff[0]["what"].as_str().unwrap();
    assert!(what.contains("Sam") && what.contains("Kim"), "{what}");
    app.ok(
        "save_employee",
        &manager,
        json!({"employee_id": kim, "name": "Kim", "role": "cashier", "pin": "7373", "active": true}),
    )
    .await;
    let issues = app.ok("list_sync_issues", &manager, json!({})).await;
    assert_eq!(issues["staff"], json!([]), "settled by the new PIN");
    let (status, _) = app.call("login", None, json!({"pin": SAM})).await;
    assert_eq!(status, 200, "Sam's PIN is Sam's alone again");
}

/// Two terminals apart each take one of the store's two managers away: merged, the later change
/// is held back (the store keeps a manager, on every node alike) and shown to the manager left.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changes_that_together_leave_no_manager_keep_one_and_ask_a_manager() {
    use comanda_domain::employee::{EmployeeRecord, Pin, Role};
    use comanda_domain::ids::EmployeeId;
    let app = spawn_app().await;
    let ctx = app.ctx.clone();
    let manager = app.login(MORGAN).await;
    let staff = app.ok("list_employees", &manager, json!({})).await;
    let morgan = staff["employees"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == "Morgan")
        .unwrap()
        .clone();
    let morgan_id: EmployeeId = serde_json::from_value(morgan["employee_id"].clone()).unwrap();
    let rosa = tokio::task::spawn_blocking(move || {
        let hash = comanda_api::session::hash_pin(&ctx, &Pin::parse("4242").unwrap()).unwrap();
        let rosa = EmployeeRecord {
            employee_id: EmployeeId::new(&SeqIds::new(4343)),
            name: "Rosa".into(),
            role: Role::Manager,
            pin_hash: hash,
            active: true,
        };
        let mut morgan = ctx.store.read(|r| r.employees()).unwrap()[&morgan_id].clone();
        morgan.role = Role::Cashier;
        let mut rosa_demoted = rosa.clone();
        rosa_demoted.role = Role::Cashier;
        // As merged from two terminals: Rosa named manager; then, apart, one terminal makes
        // Morgan a cashier and the other (later) makes Rosa one.
        for record in [rosa.clone(), morgan, rosa_demoted] {
            merged_staff_change(&ctx, record);
        }
        rosa.employee_id
    })
    .await
    .unwrap();
    // Rosa is still a manager, and signs in as one; Morgan's change went through.
    let rosa_session = app.login("4242").await;
    let staff = app.ok("list_employees", &rosa_session, json!({})).await;
    let role_of = |name: &str| {
        staff["employees"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["name"] == name)
            .unwrap()["role"]
            .clone()
    };
    assert_eq!(role_of("Rosa"), "manager");
    assert_eq!(role_of("Morgan"), "cashier");
    let issues = app.ok("list_sync_issues", &rosa_session, json!({})).await;
    let listed = issues["staff"].as_array().unwrap();
    assert_eq!(listed.len(), 1, "{issues}");
    assert_eq!(listed[0]["kind"], "no_manager_left");
    assert_eq!(listed[0]["people"], json!([rosa]));
    assert!(
        listed[0]["what_to_do"]
            .as_str()
            .unwrap()
            .contains("another manager")
    );
}

/// Every node a peer: with the hub gone, terminals keep syncing with each other directly, at
/// the addresses they told the store, with the tokens the log lets them check.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn terminals_keep_syncing_with_each_other_when_the_hub_is_down() {
    let mut hub = start_hub().await;
    let (a, b, wa, wb) = two_terminals(&hub, true).await;
    // Each learns, through the hub, where the other answers.
    eventually("addresses known on both", async || {
        [&a, &b].iter().all(|app| {
            let devices = app.ctx.store.read(|r| r.devices()).unwrap();
            devices.values().filter(|d| d.address.is_some()).count() == 2
        })
    })
    .await;
    hub.stop();
    let ta = a.login(SAM).await;
    let tb = b.login(SAM).await;
    let order = a.open_table(&ta, "7").await;
    a.add(&ta, &order, &a.menu().await.item("Fries"), 1).await;
    eventually("A's order on B without the hub", async || {
        b.call("get_order", Some(&tb), json!({"order_id": order}))
            .await
            .0
            == 200
    })
    .await;
    // It came directly: the hub never had it.
    let store = hub.hub.stores().unwrap()[0].store_id;
    let on_hub = hub.hub.store(store).unwrap();
    let id: comanda_domain::ids::OrderId = order.parse().unwrap();
    assert!(on_hub.read(|r| r.order(id)).unwrap().is_none());
    // B's badge shows A as a peer it reaches, and the hub as not.
    eventually("A online and the hub not, on B's badge", async || {
        let status = b.ok("get_status", &tb, json!({})).await;
        let peers = status["sync"]["peers"].as_array().unwrap().clone();
        peers
            .iter()
            .any(|p| p["state"] == "online" && p["name"] == "Counter")
            && peers
                .iter()
                .any(|p| p["name"] == "Hub" && p["state"] != "online")
    })
    .await;
    wa.shutdown().await;
    wb.shutdown().await;
}

/// The live path: a hub back after an outage is used again as soon as its watch answers, with no
/// wait for the backoff or the breaker. The terminals' clock is frozen here (a manual clock), so
/// without the live path their retries would never come due: only the watch can bring them back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hub_back_after_an_outage_is_used_at_once_through_the_live_path() {
    let mut hub = start_hub().await;
    let (a, b, wa, wb) = two_terminals(&hub, false).await;
    let ta = a.login(SAM).await;
    let tb = b.login(SAM).await;
    eventually("both online", async || {
        a.ok("get_status", &ta, json!({})).await["sync"]["state"] == "online"
            && b.ok("get_status", &tb, json!({})).await["sync"]["state"] == "online"
    })
    .await;
    hub.stop();
    let order = a.open_table(&ta, "9").await;
    a.add(&ta, &order, &a.menu().await.item("Fries"), 1).await;
    eventually("A failed to reach the hub", async || {
        let s = a.ok("get_status", &ta, json!({})).await;
        s["sync"]["peers"][0]["state"] == "retrying"
    })
    .await;
    hub.restart().await;
    eventually(
        "A's order on B through the hub once it is back",
        async || {
            b.call("get_order", Some(&tb), json!({"order_id": order}))
                .await
                .0
                == 200
        },
    )
    .await;
    wa.shutdown().await;
    wb.shutdown().await;
}

/// A terminal installed without the demo has nobody to sign in: its first run either joins a
/// store on the pairing code alone (staff and menu come from the hub) or starts a store with its
/// first manager; once anyone is on its staff, both doors are shut.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_terminal_without_staff_is_set_up_by_pairing_or_by_its_first_manager() {
    let hub = start_hub().await;
    let a = spawn_app().await;
    pair(&a, &hub, "Counter").await;
    // B: no demo. It starts (an empty menu), says it needs setting up, and no PIN opens it.
    let b = spawn_app_with(tempfile::tempdir().unwrap(), 2, false).await;
    let boot = b.ok("get_bootstrap", "", json!({})).await;
    assert_eq!(boot["terminal"]["needs_setup"], true);
    assert_eq!(boot["catalog"]["items"].as_array().unwrap().len(), 0);
    let nobody = b.call("login", None, json!({"pin": MORGAN})).await;
    assert_error(&nobody, 401, "wrong_pin", Some("pin"));
    // A wrong code says so next to the code, and changes nothing.
    let bad = b
        .call(
            "setup_pair",
            None,
            json!({"address": hub.url, "code": "AAAAA-AAAAA", "name": "Bar"}),
        )
        .await;
    assert_error(&bad, 400, "invalid_input", Some("code"));
    // The address without its scheme is understood.
    let body = json!({"address": hub.url.trim_start_matches("https://"), "code": hub.code(), "name": "Bar"});
    let view = b.ok("setup_pair", "", body).await;
    assert_eq!(view["sync"]["paired"], true);
    assert_eq!(
        view["needs_setup"], false,
        "the store's staff came from the hub"
    );
    let boot = b.ok("get_bootstrap", "", json!({})).await;
    assert!(
        !boot["catalog"]["items"].as_array().unwrap().is_empty(),
        "and its menu"
    );
    b.login(MORGAN).await;
    // Both doors are now shut, to anyone without a session.
    let again = b
        .call(
            "setup_pair",
            None,
            json!({"address": hub.url, "code": hub.code(), "name": "Bar"}),
        )
        .await;
    assert_error(&again, 403, "forbidden", None);
    let first = b
        .call(
            "create_first_manager",
            None,
            json!({"name": "Eve", "pin": "4242"}),
        )
        .await;
    assert_error(&first, 403, "forbidden", None);

    // C: no demo, a new store. Its first manager is checked like any PIN, then signed in.
    let c = spawn_app_with(tempfile::tempdir().unwrap(), 3, false).await;
    let short = c
        .call(
            "create_first_manager",
            None,
            json!({"name": "Rosa", "pin": "12"}),
        )
        .await;
    assert_error(&short, 400, "invalid_input", Some("pin"));
    let nameless = c
        .call(
            "create_first_manager",
            None,
            json!({"name": " ", "pin": "4242"}),
        )
        .await;
    assert_error(&nameless, 400, "invalid_input", Some("name"));
    let session = c
        .ok(
            "create_first_manager",
            "",
            json!({"name": "Rosa", "pin": "4242"}),
        )
        .await;
    assert_eq!(session["employee"]["role"], "manager");
    let token = session["token"].as_str().unwrap();
    let staff = c.ok("list_employees", token, json!({})).await;
    assert_eq!(staff["employees"].as_array().unwrap().len(), 1);
    let status = c.ok("get_status", "", json!({})).await;
    assert_eq!(status["needs_setup"], false);
    let second = c
        .call(
            "create_first_manager",
            None,
            json!({"name": "Mallory", "pin": "5555"}),
        )
        .await;
    assert_error(&second, 403, "forbidden", None);
    // The PIN chosen signs in like any other.
    let (status, _) = c.call("login", None, json!({"pin": "4242"})).await;
    assert_eq!(status, 200);

    // D: no demo, joining a store whose hub has nobody on its staff (the hub said so at
    // pairing): it stays in setup, and may make the store's first manager.
    let empty = start_hub().await;
    let d = spawn_app_with(tempfile::tempdir().unwrap(), 4, false).await;
    let body = json!({"address": empty.url, "code": empty.code(), "name": "Counter"});
    let view = d.ok("setup_pair", "", body).await;
    assert_eq!(view["needs_setup"], true);
    assert!(d.ctx.store.read(|r| r.joined_empty_store()).unwrap());
    let first = d
        .ok(
            "create_first_manager",
            "",
            json!({"name": "Ana", "pin": "8080"}),
        )
        .await;
    assert_eq!(first["employee"]["name"], "Ana");
    // B joined a store that had staff: even with its staff gone, its door stays shut.
    assert!(!b.ctx.store.read(|r| r.joined_empty_store()).unwrap());
}

/// Runs `name` (a test of this binary) again inside a network namespace of its own (loopback
/// only, multicast routed to it), so mDNS never reaches the host's network. True when it ran
/// and passed; false when no namespace can be made here (said on stderr); panics when the test
/// failed inside.
fn in_own_network(name: &str) -> bool {
    let exe = std::env::current_exe().expect("this test binary");
    // Exit 97: the namespace came up without its loopback or multicast route.
    let script = "(ip link set lo up && ip link set lo multicast on && ip route add 224.0.0.0/4 dev lo) || exit 97; exec \"$0\" \"$@\"";
    let mut why = Vec::new();
    for flags in [&["--net"][..], &["--net", "--map-root-user"][..]] {
        let out = std::process::Command::new("unshare")
            .args(flags)
            .args(["sh", "-c", script])
            .arg(&exe)
            .args(["--exact", name, "--nocapture", "--test-threads=1"])
            .env("COMANDA_IN_NETNS", "1")
            .output();
        match out {
            Ok(o) if o.status.success() => return true,
            // The test ran and failed (Rust's test harness exits 101).
            Ok(o) if o.status.code() == Some(101) => panic!(
                "{name} failed inside its network namespace:\n{}\n{}",
                String::from_utf8_lossy(&o.stdout),
                String::from_utf8_lossy(&o.stderr)
            ),
            Ok(o) => why.push(format!(
                "unshare {flags:?}: {} {}",
                o.status,
                String::from_utf8_lossy(&o.stderr).trim()
            )),
            Err(e) => why.push(format!("unshare: {e}")),
        }
    }
    eprintln!("SKIPPED {name}: no network namespace can be made here ({why:?})");
    false
}

/// mDNS on the LAN: terminals A and B told the store addresses where they no longer answer (their
/// DHCP leases changed while the hub was down, say); with the hub gone, they still find each
/// other where they answer, by mDNS, and A's order reaches B. Run in a network namespace of its
/// own.
#[test]
fn with_the_hub_down_a_terminal_is_found_by_mdns_where_it_answers() {
    const NAME: &str = "sync::with_the_hub_down_a_terminal_is_found_by_mdns_where_it_answers";
    if std::env::var_os("COMANDA_IN_NETNS").is_none() {
        in_own_network(NAME);
        return;
    }
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
        .block_on(async {
            let mut hub = start_hub().await;
            let a = spawn_app().await;
            let b = spawn_app_in(tempfile::tempdir().unwrap(), 2).await;
            pair(&a, &hub, "Counter").await;
            pair(&b, &hub, "Bar").await;
            // Both tell the store addresses where nothing answers: without mDNS neither reaches
            // the other once the hub is gone.
            let wrong = "https://127.0.0.1:9".to_owned();
            for (app, advertise) in [(&a, wrong.clone()), (&b, "https://127.0.0.1:7".to_owned())] {
                let advertise = Some(advertise);
                *app.ctx.sync.peer_listen.lock().unwrap() = comanda_api::sync::PeerListen {
                    listen: Some("127.0.0.1:0".parse().unwrap()),
                    advertise,
                    discover: true,
                };
            }
            let handle = tokio::runtime::Handle::current();
            let wa = comanda_api::runtime::start(&a.ctx, &handle);
            let wb = comanda_api::runtime::start(&b.ctx, &handle);
            let a_id = a.ctx.store.device().unwrap().device_id;
            eventually("B knows A's (wrong) address from the log", async || {
                b.ctx.store.read(|r| r.devices()).unwrap()[&a_id]
                    .address
                    .as_ref()
                    == Some(&wrong)
            })
            .await;
            hub.stop();
            let ta = a.login(SAM).await;
            let tb = b.login(SAM).await;
            let order = a.open_table(&ta, "9").await;
            eventually("A's order on B, found by mDNS", async || {
                b.call("get_order", Some(&tb), json!({"order_id": order}))
                    .await
                    .0
                    == 200
            })
            .await;
            wa.shutdown().await;
            wb.shutdown().await;
        });
}
