//! Receipts, the cash drawer and station fallbacks, against fake printers on real sockets: a
//! cash payment kicks the drawer once and prints the receipt asked for once, however often it
//! is sent; a later receipt says REPRINT; a no-sale needs a reason and a manager and is
//! recorded with both; a kick the printer could not take is recorded as failed and never sent
//! later; a station whose printer stays down prints on its fallback, once.

use comanda_api::printing::PrintWorker;
use comanda_domain::event::{EventBody, StreamId};
use comanda_domain::ids::{OrderId, PrinterId};
use comanda_domain::printer::{DrawerReason, DrawerSettings, FALLBACK_AFTER_MS, TicketOutcome};
use comanda_store::{JobKind, JobState};
use comanda_testkit::escpos::paper_text;
use comanda_testkit::printer::FakePrinter;
use serde_json::json;

use crate::printing::{fire, printer_with};
use crate::support::*;

/// The counter's receipt printer, with a drawer on pin 2.
fn till(app: &TestApp, fake: &FakePrinter) -> PrinterId {
    printer_with(app, fake, "Counter", |p| {
        p.receipts = true;
        p.drawer = Some(DrawerSettings::default());
    })
}

/// The drawer's events: (reason, approved_by is some, failed).
fn openings(app: &TestApp, printer: PrinterId) -> Vec<(DrawerReason, bool, Option<String>)> {
    app.ctx
        .store
        .read(|r| r.stream_events(StreamId::Drawer(printer)))
        .unwrap()
        .into_iter()
        .filter_map(|e| match e.body {
            EventBody::DrawerOpened(d) => Some((d.reason, d.approved_by.is_some(), d.failed)),
            _ => None,
        })
        .collect()
}

async fn pay_cash(app: &TestApp, token: &str, order: &str, payment: &str) -> serde_json::Value {
    app.ok(
        "record_payment",
        token,
        json!({
            "order_id": order, "payment_id": payment,
            "method": { "type": "cash", "tendered": 10000 }, "receipt": true,
        }),
    )
    .await
}

#[tokio::test]
async fn a_cash_payment_kicks_the_drawer_and_prints_the_receipt_once_however_often_it_is_sent() {
    let app = spawn_app().await;
    let fake = FakePrinter::tcp();
    let printer = till(&app, &fake);
    let token = app.login(ALEX).await;
    let order = fire(&app, &token).await;
    let payment = client_id(900);
    let paid = pay_cash(&app, &token, &order, &payment).await;
    assert_eq!(paid["status"], "closed", "{paid}");
    // The screen sends it again (a retry after a timeout): nothing more is asked.
    pay_cash(&app, &token, &order, &payment).await;
    let jobs = app.ctx.store.read(|r| r.print_jobs(false, 10)).unwrap();
    let kinds: Vec<JobKind> = jobs.iter().map(|j| j.kind).collect();
    assert_eq!(kinds.len(), 2, "{jobs:#?}");
    assert!(kinds.contains(&JobKind::Drawer) && kinds.contains(&JobKind::Receipt));

    let mut worker = PrintWorker::default();
    worker.step(&app.ctx).await.unwrap();
    // The kick goes first: the cashier is at the drawer.
    assert_eq!(fake.kicks(), 1);
    assert!(fake.drawer_open());
    assert_eq!(fake.cuts(), 0);
    worker.step(&app.ctx).await.unwrap();
    worker.step(&app.ctx).await.unwrap();
    assert_eq!(fake.kicks(), 1);
    assert_eq!(fake.cuts(), 1);
    let paper = paper_text(&fake.paper());
    assert!(
        paper.contains("Fries") && paper.contains("Caesar Salad"),
        "{paper}"
    );
    assert!(paper.contains("Cash"), "{paper}");
    assert!(paper.contains("Thank you!"), "{paper}");
    assert!(
        !paper.contains("REPRINT"),
        "the first receipt is the original: {paper}"
    );

    let opened = openings(&app, printer);
    let id: OrderId = order.parse().unwrap();
    assert!(
        matches!(&opened[..], [(DrawerReason::Sale { order_id, .. }, false, None)] if *order_id == id),
        "{opened:?}"
    );
    let view = app
        .ok("get_order", &token, json!({ "order_id": order }))
        .await;
    assert_eq!(view["receipts"][0]["outcome"], "printed", "{view}");
    assert_eq!(view["receipts"][0]["copy"], false);

    // The guest asks for another: a copy, marked REPRINT; the same request twice prints once.
    let request = "0190a3c4-0000-7000-8000-0000000000c1";
    let body = json!({ "order_id": order, "request_id": request });
    let job = app.ok("print_receipt", &token, body.clone()).await;
    assert_eq!(job["kind"], "receipt", "{job}");
    app.ok("print_receipt", &token, body).await;
    worker.step(&app.ctx).await.unwrap();
    worker.step(&app.ctx).await.unwrap();
    assert_eq!(fake.cuts(), 2);
    let copy = paper_text(&fake.paper()[..]);
    assert_eq!(copy.matches("REPRINT").count(), 1, "{copy}");
    assert_eq!(fake.kicks(), 1, "a receipt copy opens no drawer");
    let view = app
        .ok("get_order", &token, json!({ "order_id": order }))
        .await;
    assert_eq!(view["receipts"][1]["copy"], true, "{view}");
}

#[tokio::test]
async fn a_no_sale_needs_a_reason_and_a_manager_and_is_recorded_with_both() {
    let app = spawn_app().await;
    let fake = FakePrinter::tcp();
    let printer = till(&app, &fake);
    let cashier = app.login(ALEX).await;
    let request = "0190a3c4-0000-7000-8000-0000000000d1";

    let got = app
        .call(
            "open_drawer",
            Some(&cashier),
            json!({ "request_id": request, "reason": "change for the till" }),
        )
        .await;
    assert_error(&got, 403, "approval_required", Some("approval"));
    let got = app
        .call(
            "open_drawer",
            Some(&cashier),
            json!({ "request_id": request, "reason": " ", "approval": { "pin": MORGAN } }),
        )
        .await;
    assert_error(&got, 400, "invalid_input", Some("reason"));
    let body = json!({
        "request_id": request, "reason": "change for the till", "approval": { "pin": MORGAN },
    });
    let view = app.ok("open_drawer", &cashier, body.clone()).await;
    assert_eq!(view["kicking"], true, "{view}");
    assert_eq!(view["printer"], "Counter");
    // Sent twice, it opens once.
    app.ok("open_drawer", &cashier, body).await;

    let mut worker = PrintWorker::default();
    worker.step(&app.ctx).await.unwrap();
    worker.step(&app.ctx).await.unwrap();
    assert_eq!(fake.kicks(), 1);
    let opened = openings(&app, printer);
    assert!(
        matches!(&opened[..], [(DrawerReason::NoSale { note }, true, None)] if note == "change for the till"),
        "{opened:?}"
    );
    // The sensor says open (the fake's drawer opened on the kick); the log says who and why.
    let view = app.ok("drawer_status", &cashier, json!({})).await;
    assert_eq!(view["open"], true, "{view}");
    assert_eq!(view["opened"], 1);
    assert_eq!(view["no_sales"], 1);
    let last = view["last"].as_str().unwrap();
    assert!(
        last.contains("no sale: change for the till") && last.contains("approved by Morgan"),
        "{last}"
    );
    fake.close_drawer();
    let view = app.ok("drawer_status", &cashier, json!({})).await;
    assert_eq!(view["open"], false, "{view}");
    // The manager's audit lists it.
    let manager = app.login(MORGAN).await;
    let audit = app.ok("list_approvals", &manager, json!({})).await;
    assert!(
        audit.to_string().contains("Drawer opened (no sale)"),
        "{audit}"
    );
}

#[tokio::test]
async fn a_kick_the_printer_cannot_take_is_recorded_as_failed_and_never_sent_later() {
    let app = spawn_app().await;
    let fake = FakePrinter::tcp();
    let printer = till(&app, &fake);
    let token = app.login(ALEX).await;
    let order = fire(&app, &token).await;
    fake.set(|f| f.paper_out = true);
    pay_cash(&app, &token, &order, &client_id(901)).await;

    let mut worker = PrintWorker::default();
    worker.step(&app.ctx).await.unwrap();
    assert_eq!(fake.kicks(), 0);
    let opened = openings(&app, printer);
    assert!(
        matches!(&opened[..], [(DrawerReason::Sale { .. }, false, Some(why))] if why.contains("paper")),
        "{opened:?}"
    );
    let view = app.ok("drawer_status", &token, json!({})).await;
    assert!(
        view["problem"]
            .as_str()
            .unwrap_or_default()
            .contains("paper"),
        "{view}"
    );
    // Paper back, minutes later: the receipt prints, the drawer stays shut.
    fake.set(|f| f.paper_out = false);
    app.clock.advance(comanda_api::printing::RETRY_MAX_MS);
    for _ in 0..3 {
        worker.step(&app.ctx).await.unwrap();
    }
    assert_eq!(fake.kicks(), 0, "a kick is never sent late");
    assert_eq!(fake.cuts(), 1, "the receipt waited and printed once");
    let jobs = app.ctx.store.read(|r| r.print_jobs(false, 10)).unwrap();
    assert!(jobs.iter().all(|j| j.state == JobState::Done), "{jobs:#?}");
}

#[tokio::test]
async fn a_station_whose_printer_stays_down_prints_on_its_fallback_once() {
    let app = spawn_app().await;
    let fryer = FakePrinter::tcp();
    let expo = FakePrinter::tcp();
    printer_with(&app, &fryer, "Fryer", |p| p.stations = vec!["fry".into()]);
    let expo_id = printer_with(&app, &expo, "Expo", |p| p.fallback_for = vec!["fry".into()]);
    let manager = app.login(MORGAN).await;
    let list = app.ok("list_printers", &manager, json!({})).await;
    let fry = list["stations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["station"] == "fry")
        .unwrap()
        .clone();
    assert_eq!(fry["printer"], "Fryer", "{list}");
    assert_eq!(fry["fallback"], "Expo", "{list}");

    fryer.set(|f| f.cover_open = true);
    let token = app.login(ALEX).await;
    let order = fire(&app, &token).await;
    let mut worker = PrintWorker::default();
    worker.step(&app.ctx).await.unwrap();
    assert_eq!(
        expo.cuts(),
        0,
        "a short failure waits for the station's own printer"
    );
    // The fryer stays down past the fallback delay: the ticket moves, and prints once there.
    let mut waited = 0;
    while waited <= FALLBACK_AFTER_MS + comanda_api::printing::RETRY_MAX_MS {
        app.clock.advance(5_000);
        waited += 5_000;
        worker.step(&app.ctx).await.unwrap();
    }
    assert_eq!(expo.cuts(), 1);
    let paper = paper_text(&expo.paper());
    assert!(
        paper.contains("FRY") && paper.contains("2 x Fries"),
        "{paper}"
    );
    let id: OrderId = order.parse().unwrap();
    let rec = app.ctx.store.read(|r| r.order(id)).unwrap().unwrap();
    assert_eq!(rec.state.tickets.len(), 1);
    assert_eq!(rec.state.tickets[0].outcome, TicketOutcome::Printed);
    let job = &app.ctx.store.read(|r| r.print_jobs(false, 10)).unwrap()[0];
    assert_eq!(job.printer_id, expo_id, "{job:#?}");
    // The fryer back: nothing more prints anywhere.
    fryer.set(|f| f.cover_open = false);
    app.clock.advance(comanda_api::printing::RETRY_MAX_MS);
    worker.step(&app.ctx).await.unwrap();
    assert_eq!(fryer.cuts() + expo.cuts(), 1);
}
