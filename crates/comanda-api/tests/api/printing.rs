//! The print worker against a fake printer on a real socket: a fire at the counter prints one
//! ticket per station on the node that drives its printer, once, whatever the printer does;
//! every terminal learns how it went from the order.

use comanda_api::printing::PrintWorker;
use comanda_domain::event::{EventBody, StreamId};
use comanda_domain::ids::{OrderId, PrinterId};
use comanda_domain::printer::{PrinterSaved, TicketOutcome};
use comanda_print::transport::Address;
use comanda_store::JobState;
use comanda_testkit::escpos::paper_text;
use comanda_testkit::printer::FakePrinter;
use serde_json::json;

use crate::support::*;

/// Sets up a printer of `station` on this terminal (80 mm, CP858), reached at the fake
/// printer's port.
fn printer_on(app: &TestApp, fake: &FakePrinter, name: &str, station: &str) -> PrinterId {
    printer_with(app, fake, name, |p| p.stations = vec![station.into()])
}

/// Sets up a printer on this terminal (80 mm, CP858, no station), reached at the fake
/// printer's port, as `adjust` changes it.
pub(crate) fn printer_with(
    app: &TestApp,
    fake: &FakePrinter,
    name: &str,
    adjust: impl FnOnce(&mut PrinterSaved),
) -> PrinterId {
    let Address::Tcp { host, port } = fake.address() else {
        panic!("a TCP fake")
    };
    let me = app.ctx.store.device().unwrap().device_id;
    let printer_id = PrinterId::new(&*app.ctx.ids);
    let mut saved = PrinterSaved {
        printer_id,
        name: name.into(),
        node: me,
        connection: format!("tcp:{host}:{port}"),
        columns: 48,
        code_page: "cp858".into(),
        code_page_number: 19,
        status: true,
        stations: vec![],
        receipts: false,
        active: true,
        drawer: None,
        fallback_for: vec![],
    };
    adjust(&mut saved);
    app.ctx
        .store
        .write(|tx| tx.append(StreamId::Printers, None, EventBody::PrinterSaved(saved)))
        .unwrap();
    printer_id
}

/// The fryer's printer.
fn fry_printer(app: &TestApp, fake: &FakePrinter) -> PrinterId {
    printer_on(app, fake, "Fryer", "fry")
}

/// Opens table 4 with two fries and a salad, and fires it; the order's id.
pub(crate) async fn fire(app: &TestApp, token: &str) -> String {
    let menu = app.menu().await;
    let order = app.open_table(token, "4").await;
    app.add(token, &order, &menu.item("Fries"), 2).await;
    app.add(token, &order, &menu.item("Caesar Salad"), 1).await;
    app.ok("fire_order", token, json!({ "order_id": order }))
        .await;
    order
}

fn tickets(app: &TestApp, order: &str) -> Vec<TicketOutcome> {
    let id: OrderId = order.parse().unwrap();
    let rec = app.ctx.store.read(|r| r.order(id)).unwrap().unwrap();
    rec.state
        .tickets
        .iter()
        .map(|t| t.outcome.clone())
        .collect()
}

#[tokio::test]
async fn a_fire_prints_its_fry_ticket_once_and_the_order_says_so() {
    let app = spawn_app().await;
    let fake = FakePrinter::tcp();
    fry_printer(&app, &fake);
    let token = app.login(ALEX).await;
    let order = fire(&app, &token).await;

    let mut worker = PrintWorker::default();
    worker.step(&app.ctx).await.unwrap();
    let paper = paper_text(&fake.paper());
    assert!(paper.contains("FRY"), "{paper}");
    assert!(paper.contains("2 x Fries"), "{paper}");
    assert!(paper.contains("Table 4"), "{paper}");
    assert!(
        !paper.contains("Caesar"),
        "the cold station has no printer here: {paper}"
    );
    assert_eq!(fake.cuts(), 1);
    assert_eq!(tickets(&app, &order), vec![TicketOutcome::Printed]);
    // The counter's view of the order says so: "fry ✓".
    let view = app
        .ok("get_order", &token, json!({ "order_id": order }))
        .await;
    assert_eq!(view["tickets"][0]["station"], "fry", "{view}");
    assert_eq!(view["tickets"][0]["outcome"], "printed");

    // Stepping again, or the fire seen again, prints nothing more.
    worker.step(&app.ctx).await.unwrap();
    worker.step(&app.ctx).await.unwrap();
    assert_eq!(fake.cuts(), 1);
    let jobs = app.ctx.store.read(|r| r.print_jobs(false, 10)).unwrap();
    assert_eq!(jobs.len(), 1);
    assert_eq!(jobs[0].state, JobState::Done);
}

#[tokio::test]
async fn paper_out_keeps_the_ticket_with_the_reason_and_prints_it_once_when_refilled() {
    let app = spawn_app().await;
    let fake = FakePrinter::tcp();
    fry_printer(&app, &fake);
    let token = app.login(ALEX).await;
    fake.set(|f| f.paper_out = true);
    let order = fire(&app, &token).await;

    let mut worker = PrintWorker::default();
    worker.step(&app.ctx).await.unwrap();
    let jobs = app.ctx.store.read(|r| r.print_jobs(true, 10)).unwrap();
    assert_eq!(jobs[0].state, JobState::Failed);
    assert_eq!(
        jobs[0].reason.as_deref(),
        Some("the printer is out of paper")
    );
    assert!(fake.paper().is_empty());
    // The order says its fry ticket waits, and why.
    let view = app
        .ok("get_order", &token, json!({ "order_id": order }))
        .await;
    let fry = view["waiting"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["station"] == "fry")
        .cloned()
        .unwrap();
    assert_eq!(fry["problem"], "the printer is out of paper", "{view}");
    // Before its pause is over the printer is left alone.
    worker.step(&app.ctx).await.unwrap();
    assert_eq!(jobs.len(), 1);

    fake.set(|f| f.paper_out = false);
    app.clock.advance(comanda_api::printing::RETRY_MAX_MS);
    worker.step(&app.ctx).await.unwrap();
    worker.step(&app.ctx).await.unwrap();
    assert_eq!(fake.cuts(), 1);
    assert_eq!(tickets(&app, &order), vec![TicketOutcome::Printed]);
}

#[tokio::test]
async fn a_ticket_cut_mid_job_is_unknown_never_resent_and_a_reprint_says_reprint() {
    let app = spawn_app().await;
    let fake = FakePrinter::tcp();
    fry_printer(&app, &fake);
    let token = app.login(ALEX).await;
    fake.set(|f| f.drop_after = Some(40));
    let order = fire(&app, &token).await;

    let mut worker = PrintWorker::default();
    worker.step(&app.ctx).await.unwrap();
    let job = app.ctx.store.read(|r| r.print_jobs(false, 10)).unwrap()[0].clone();
    assert_eq!(job.state, JobState::Unknown, "{job:#?}");
    assert!(matches!(
        tickets(&app, &order)[..],
        [TicketOutcome::Unknown { .. }]
    ));

    fake.set(|f| f.drop_after = None);
    app.clock.advance(comanda_api::printing::RETRY_MAX_MS);
    worker.step(&app.ctx).await.unwrap();
    assert_eq!(
        fake.cuts(),
        0,
        "an unknown ticket is never sent again by itself"
    );

    // The cook says it never came out: a person asks for it again.
    assert!(app.ctx.store.write(|tx| tx.reprint(&job.job_id)).unwrap());
    worker.step(&app.ctx).await.unwrap();
    assert_eq!(fake.cuts(), 1);
    let paper = paper_text(&fake.paper());
    assert!(
        paper.contains("REPRINT") && paper.contains("2 x Fries"),
        "{paper}"
    );
    assert_eq!(tickets(&app, &order), vec![TicketOutcome::Reprinted]);
}

#[tokio::test]
async fn a_manager_sets_up_a_printer_tests_it_and_sees_every_station_and_the_queue() {
    let app = spawn_app().await;
    let fake = FakePrinter::tcp();
    let Address::Tcp { port, .. } = fake.address() else {
        panic!("a TCP fake")
    };
    let cashier = app.login(ALEX).await;
    let manager = app.login(MORGAN).await;
    let body = json!({
        "name": "Fryer", "connection": format!("tcp:127.0.0.1:{port}"), "columns": 48,
        "code_page": "cp858", "status": true, "stations": ["fry", "Grill"], "receipts": false,
        "active": true
    });
    // A cashier needs a manager's PIN; bad settings say which field is wrong.
    let (status, v) = app.call("save_printer", Some(&cashier), body.clone()).await;
    assert_error(&(status, v), 403, "approval_required", Some("approval"));
    let mut bad = body.clone();
    bad["connection"] = json!("lpt1");
    let (status, v) = app.call("save_printer", Some(&manager), bad).await;
    assert_error(&(status, v), 400, "invalid_input", Some("connection"));
    let mut bad = body.clone();
    bad["columns"] = json!(40);
    let (status, v) = app.call("save_printer", Some(&manager), bad).await;
    assert_error(&(status, v), 400, "invalid_input", Some("columns"));

    let list = app.ok("save_printer", &manager, body).await;
    let printer = &list["printers"][0];
    assert_eq!(printer["name"], "Fryer");
    assert_eq!(printer["here"], true);
    assert_eq!(printer["code_page_number"], 19);
    assert_eq!(printer["stations"], json!(["fry", "grill"]));
    // Every station of the menu is listed; those without a printer say so.
    let stations = list["stations"].as_array().unwrap();
    let printer_of = |s: &str| {
        stations
            .iter()
            .find(|v| v["station"] == s)
            .map(|v| v["printer"].clone())
            .unwrap_or_else(|| panic!("no station {s}: {stations:?}"))
    };
    assert_eq!(printer_of("fry"), json!("Fryer"));
    assert_eq!(printer_of("bar"), json!(null));

    let printer_id = printer["printer_id"].as_str().unwrap().to_owned();
    let result = app
        .ok("test_print", &cashier, json!({ "printer_id": printer_id }))
        .await;
    assert_eq!(result["printed"], true, "{result}");
    assert!(paper_text(&fake.paper()).contains("TEST PAGE"));
    fake.set(|f| f.cover_open = true);
    let result = app
        .ok("test_print", &cashier, json!({ "printer_id": printer_id }))
        .await;
    assert_eq!(result["printed"], false);
    assert!(
        result["message"]
            .as_str()
            .unwrap()
            .contains("cover is open"),
        "{result}"
    );
    fake.set(|f| f.cover_open = false);

    // A fire goes through the queue; the queue shows it, and a reprint of it is asked by id.
    fire(&app, &cashier).await;
    PrintWorker::default().step(&app.ctx).await.unwrap();
    let queue = app.ok("print_queue", &cashier, json!({})).await;
    let job = &queue["jobs"][0];
    assert_eq!(job["state"], "done", "{queue}");
    assert_eq!(job["station"], "fry");
    assert_eq!(job["printer"], "Fryer");
    let open = app
        .ok("print_queue", &cashier, json!({ "open_only": true }))
        .await;
    assert_eq!(open["jobs"], json!([]));
    let again = app
        .ok("reprint_job", &cashier, json!({ "job_id": job["job_id"] }))
        .await;
    assert_eq!(again["jobs"][0]["state"], "queued");
    assert_eq!(again["jobs"][0]["reprint"], true);
    let (status, v) = app
        .call(
            "reprint_job",
            Some(&cashier),
            json!({ "job_id": "ticket:nope:fry" }),
        )
        .await;
    assert_error(&(status, v), 404, "not_found", Some("job_id"));
}

#[tokio::test]
async fn a_sent_line_voided_then_the_order_cancelled_print_void_and_cancel_tickets_once() {
    let app = spawn_app().await;
    let fake = FakePrinter::tcp();
    fry_printer(&app, &fake);
    let token = app.login(ALEX).await;
    let menu = app.menu().await;
    let order = app.open_table(&token, "4").await;
    app.add(&token, &order, &menu.item("Fries"), 2).await;
    let rings = app.add(&token, &order, &menu.item("Onion Rings"), 1).await;
    let rings_line = rings["lines"][1]["line_id"].as_str().unwrap().to_owned();
    app.ok("fire_order", &token, json!({ "order_id": order }))
        .await;
    let mut worker = PrintWorker::default();
    worker.step(&app.ctx).await.unwrap();
    assert_eq!(fake.cuts(), 1);

    // The onion rings are voided after they were sent: the fryer gets a VOID ticket for them.
    app.ok(
        "void_line",
        &token,
        json!({ "order_id": order, "line_id": rings_line, "reason": "customer left",
                "approval": { "pin": MORGAN } }),
    )
    .await;
    worker.step(&app.ctx).await.unwrap();
    worker.step(&app.ctx).await.unwrap();
    assert_eq!(fake.cuts(), 2);
    let paper = paper_text(&fake.paper());
    let void_ticket = paper.split("<cut>").nth(1).unwrap();
    assert!(void_ticket.contains("** VOID **"), "{void_ticket}");
    assert!(
        void_ticket.contains("VOID 1 x Onion Rings"),
        "{void_ticket}"
    );
    assert!(!void_ticket.contains("Fries"), "{void_ticket}");

    // The whole order is cancelled: CANCEL, with what is still being made.
    app.ok(
        "cancel_order",
        &token,
        json!({ "order_id": order, "reason": "left", "approval": { "pin": MORGAN } }),
    )
    .await;
    worker.step(&app.ctx).await.unwrap();
    worker.step(&app.ctx).await.unwrap();
    assert_eq!(fake.cuts(), 3);
    let paper = paper_text(&fake.paper());
    let cancel_ticket = paper.split("<cut>").nth(2).unwrap();
    assert!(cancel_ticket.contains("** CANCEL **"), "{cancel_ticket}");
    assert!(cancel_ticket.contains("2 x Fries"), "{cancel_ticket}");
    assert!(!cancel_ticket.contains("Onion"), "{cancel_ticket}");
    // Three tickets, each told to the order once.
    assert_eq!(tickets(&app, &order).len(), 3);
}

#[tokio::test]
async fn each_station_prints_on_its_own_printer_in_one_step_and_a_silent_one_holds_up_nothing() {
    let app = spawn_app().await;
    let (fryer, cold) = (FakePrinter::tcp(), FakePrinter::tcp());
    fry_printer(&app, &fryer);
    printer_on(&app, &cold, "Cold", "cold");
    let token = app.login(ALEX).await;
    fryer.set(|f| f.silent = true);
    fire(&app, &token).await;

    PrintWorker::default().step(&app.ctx).await.unwrap();
    // The salad printed on the cold station's printer; the silent fryer got nothing and
    // its ticket waits with the reason.
    let cold_paper = paper_text(&cold.paper());
    assert!(cold_paper.contains("1 x Caesar Salad"), "{cold_paper}");
    assert!(!cold_paper.contains("Fries"), "{cold_paper}");
    assert!(fryer.paper().is_empty());
    let jobs = app.ctx.store.read(|r| r.print_jobs(false, 10)).unwrap();
    let state_of = |station: &str| {
        jobs.iter()
            .find(|j| j.station.as_deref() == Some(station))
            .map(|j| (j.state, j.reason.clone()))
            .unwrap()
    };
    assert_eq!(state_of("cold").0, JobState::Done);
    let (fry_state, fry_reason) = state_of("fry");
    assert_eq!(fry_state, JobState::Failed);
    assert!(fry_reason.unwrap().contains("does not answer"));
}

/// Tells the store, as the node that drives `printer` would, that the ticket of the order's
/// latest kitchen notice at `station` printed.
fn told_printed(app: &TestApp, order: &str, station: &str, printer: PrinterId) {
    let id: OrderId = order.parse().unwrap();
    let rec = app.ctx.store.read(|r| r.order(id)).unwrap().unwrap();
    let fire = rec.state.kitchen.last().unwrap().event;
    app.ctx
        .store
        .write(|tx| {
            tx.append(
                StreamId::Order(id),
                None,
                EventBody::TicketPrinted(comanda_domain::printer::TicketPrinted {
                    fire,
                    station: station.into(),
                    printer_id: printer,
                    outcome: TicketOutcome::Printed,
                }),
            )
        })
        .unwrap();
}

#[tokio::test]
async fn the_counter_sees_tickets_not_yet_told_of_and_warns_when_another_terminals_printer_stays_silent()
 {
    let app = spawn_app().await;
    let fake = FakePrinter::tcp();
    // The fryer's printer is plugged into the kitchen terminal; no printer takes "cold".
    let kitchen = comanda_domain::ids::DeviceId::new(&comanda_domain::ids::SeqIds::new(4_242));
    let fryer = printer_with(&app, &fake, "Fryer", |p| {
        p.stations = vec!["fry".into()];
        p.node = kitchen;
    });
    let token = app.login(ALEX).await;
    let order = fire(&app, &token).await;
    let view = app
        .ok("get_order", &token, json!({ "order_id": order }))
        .await;
    let waiting: Vec<(String, Option<String>)> = view["waiting"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                w["station"].as_str().unwrap().to_owned(),
                w["printer"].as_str().map(str::to_owned),
            )
        })
        .collect();
    assert_eq!(
        waiting,
        vec![("cold".into(), None), ("fry".into(), Some("Fryer".into()))],
        "{view}"
    );
    // Nothing printed here: the ticket is the kitchen terminal's to print.
    PrintWorker::default().step(&app.ctx).await.unwrap();
    assert!(fake.paper().is_empty());

    // Within the first seconds, printing is what a ticket does: no warning yet.
    let list = app.ok("list_printers", &token, json!({})).await;
    assert_eq!(list["printers"][0]["unconfirmed"], 0, "{list}");
    assert!(list["printers"][0]["problem"].is_null(), "{list}");
    // Half a minute with no word from the kitchen terminal: the counter says so.
    app.clock.advance(31_000);
    let list = app.ok("list_printers", &token, json!({})).await;
    let p = &list["printers"][0];
    assert_eq!(p["here"], false, "{list}");
    assert_eq!(p["unconfirmed"], 1, "{list}");
    assert!(
        p["problem"]
            .as_str()
            .unwrap()
            .contains("has not confirmed 1 ticket"),
        "{list}"
    );
    let cold = list["stations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["station"] == "cold")
        .unwrap();
    assert_eq!(cold["unconfirmed"], 1, "{list}");
    assert!(cold["printer"].is_null());

    // The kitchen terminal's word arrives: the fry ticket is printed, the warning goes.
    told_printed(&app, &order, "fry", fryer);
    let view = app
        .ok("get_order", &token, json!({ "order_id": order }))
        .await;
    assert_eq!(view["tickets"][0]["station"], "fry", "{view}");
    assert_eq!(view["waiting"].as_array().unwrap().len(), 1, "{view}");
    assert_eq!(view["waiting"][0]["station"], "cold");
    let list = app.ok("list_printers", &token, json!({})).await;
    assert_eq!(list["printers"][0]["unconfirmed"], 0, "{list}");
    assert!(list["printers"][0]["problem"].is_null(), "{list}");
}

#[tokio::test]
async fn a_printer_here_says_how_it_is_when_checked_and_after_each_job() {
    let app = spawn_app().await;
    let fake = FakePrinter::tcp();
    let fryer = fry_printer(&app, &fake);
    let token = app.login(ALEX).await;
    let body = json!({ "printer_id": fryer.to_string() });
    let live = app.ok("check_printer", &token, body.clone()).await;
    assert_eq!(live["ready"], true, "{live}");
    assert_eq!(live["words"], "ready");
    fake.set(|f| f.paper_near_end = true);
    let live = app.ok("check_printer", &token, body.clone()).await;
    assert_eq!(
        (live["ready"].clone(), live["paper_low"].clone()),
        (json!(true), json!(true)),
        "{live}"
    );
    fake.set(|f| f.cover_open = true);
    let live = app.ok("check_printer", &token, body.clone()).await;
    assert_eq!(live["ready"], false, "{live}");
    assert_eq!(live["words"], "the printer's cover is open");
    // The settings show the last word beside the printer.
    let list = app.ok("list_printers", &token, json!({})).await;
    assert_eq!(
        list["printers"][0]["live"]["words"], "the printer's cover is open",
        "{list}"
    );

    // A job tells it too: out of paper, then printed once refilled.
    fake.set(|f| {
        f.cover_open = false;
        f.paper_out = true;
    });
    fire(&app, &token).await;
    let mut worker = PrintWorker::default();
    worker.step(&app.ctx).await.unwrap();
    let list = app.ok("list_printers", &token, json!({})).await;
    assert_eq!(list["printers"][0]["live"]["ready"], false, "{list}");
    assert_eq!(
        list["printers"][0]["live"]["words"],
        "the printer is out of paper"
    );
    fake.set(|f| f.paper_out = false);
    app.clock.advance(comanda_api::printing::RETRY_MAX_MS);
    worker.step(&app.ctx).await.unwrap();
    let list = app.ok("list_printers", &token, json!({})).await;
    assert_eq!(list["printers"][0]["live"]["ready"], true, "{list}");

    // A printer that cannot be reached says why; one on another terminal is checked there.
    let gone = FakePrinter::tcp();
    let dead = printer_on(&app, &gone, "Bar", "bar");
    drop(gone);
    let live = app
        .ok(
            "check_printer",
            &token,
            json!({ "printer_id": dead.to_string() }),
        )
        .await;
    assert_eq!(live["ready"], false, "{live}");
    assert!(
        live["words"]
            .as_str()
            .unwrap()
            .contains("cannot be reached"),
        "{live}"
    );
    let elsewhere = printer_with(&app, &fake, "Pass", |p| {
        p.node = comanda_domain::ids::DeviceId::new(&comanda_domain::ids::SeqIds::new(4_243));
    });
    let (status, err) = app
        .call(
            "check_printer",
            Some(&token),
            json!({ "printer_id": elsewhere.to_string() }),
        )
        .await;
    assert_eq!(status, 409, "{err}");
    assert_eq!(err["field"], "printer_id");
}

#[tokio::test]
async fn a_person_confirms_a_ticket_that_did_print_and_retries_a_printer_whose_paper_is_back() {
    let app = spawn_app().await;
    let fake = FakePrinter::tcp();
    let fryer = fry_printer(&app, &fake);
    let token = app.login(ALEX).await;

    // Cut mid-job: unknown. The cook has it: "It printed" ends it, nothing prints again.
    fake.set(|f| f.drop_after = Some(40));
    let order = fire(&app, &token).await;
    let mut worker = PrintWorker::default();
    worker.step(&app.ctx).await.unwrap();
    let job = app.ctx.store.read(|r| r.print_jobs(false, 10)).unwrap()[0].clone();
    assert_eq!(job.state, JobState::Unknown);
    fake.set(|f| f.drop_after = None);
    let queue = app
        .ok("confirm_printed", &token, json!({ "job_id": job.job_id }))
        .await;
    assert_eq!(queue["jobs"][0]["state"], "done", "{queue}");
    assert_eq!(tickets(&app, &order), vec![TicketOutcome::Printed]);
    app.clock.advance(comanda_api::printing::RETRY_MAX_MS);
    worker.step(&app.ctx).await.unwrap();
    assert_eq!(fake.cuts(), 0, "confirming prints nothing");
    // Only a job left unknown can be confirmed.
    let (status, err) = app
        .call(
            "confirm_printed",
            Some(&token),
            json!({ "job_id": job.job_id }),
        )
        .await;
    assert_eq!(
        (status, err["field"].as_str()),
        (409, Some("job_id")),
        "{err}"
    );

    // Out of paper: the printer waits out its pause, unless a person says it is back.
    fake.set(|f| f.paper_out = true);
    app.add(&token, &order, &app.menu().await.item("Fries"), 1)
        .await;
    app.ok("fire_order", &token, json!({ "order_id": order }))
        .await;
    worker.step(&app.ctx).await.unwrap();
    assert_eq!(fake.cuts(), 0);
    fake.set(|f| f.paper_out = false);
    worker.step(&app.ctx).await.unwrap();
    assert_eq!(fake.cuts(), 0, "still in its pause");
    app.ok(
        "retry_printer",
        &token,
        json!({ "printer_id": fryer.to_string() }),
    )
    .await;
    worker.step(&app.ctx).await.unwrap();
    assert_eq!(fake.cuts(), 1, "tried again at once, printed once");
    worker.step(&app.ctx).await.unwrap();
    assert_eq!(fake.cuts(), 1);
}
