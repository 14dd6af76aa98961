//! A small service in progress (an open table with a sent line, a discount and a payment, a
//! closed order, two empty ones) and one valid request body for every command against it: the
//! bases that the malformed-request walk and the property test break.

use serde_json::{Value, json};

use crate::support::{ALEX, MORGAN, Menu, TestApp, client_id};

/// Ids of what [`Fixture::build`] made.
pub struct Fixture {
    /// Alex's session (a cashier).
    pub token: String,
    /// The menu.
    pub menu: Menu,
    /// Open at table 7: a sent burger (seat 1), an unsent salad, a 5 % discount, a card payment.
    pub a: String,
    /// Closed (paid in cash).
    pub b: String,
    /// Open and empty, to close.
    pub c: String,
    /// Open and empty, to cancel.
    pub e: String,
    /// The unsent salad on `a`.
    pub l1: String,
    /// The sent burger on `a`.
    pub l2: String,
    /// The discount on `a`.
    pub d1: String,
    /// The payment on `a`.
    pub p1: String,
    /// Open takeaway, paid 5.00 by card for 9.00 of fries, then 4.50 voided: 0.50 owed back.
    pub f: String,
    /// The card payment on `f`.
    pub p2: String,
    /// Takeaway paid 4.50 by card, then refunded 3.00 on two terminals: refunded past payment
    /// `p3`.
    pub g: String,
    /// The card payment on `g`.
    pub p3: String,
    /// Tab "Lee": a burger sent to the kitchen, then cancelled on another terminal that had
    /// not seen it sent (a cancel while cooking, for a manager to settle).
    pub h: String,
    /// A refused event kept for a manager (a dead letter's row id).
    pub refused: i64,
}

impl Fixture {
    /// Builds the service as Alex, a cashier.
    pub async fn build(app: &TestApp) -> Fixture {
        let token = app.login(ALEX).await;
        let menu = app.menu().await;
        let [a, b, c, e] = [10, 11, 12, 13].map(client_id);
        let [l1, l2, d1, p1] = [1, 2, 3, 4].map(client_id);
        let open =
            |id: &str, order_type: Value| json!({ "order_id": id, "order_type": order_type });
        app.ok(
            "open_order",
            &token,
            open(&a, json!({ "type": "dine_in", "table": "7", "guests": 2 })),
        )
        .await;
        app.ok(
            "add_line",
            &token,
            json!({
                "order_id": a, "line_id": l2, "item_id": menu.item("Classic Burger"), "qty": 1,
                "modifiers": [
                    menu.choice("Classic Burger", "Cooking", "Medium"),
                    menu.choice("Classic Burger", "Side", "Fries"),
                ],
                "seat": 1,
            }),
        )
        .await;
        app.ok("fire_order", &token, json!({ "order_id": a })).await;
        app.ok(
            "add_line",
            &token,
            json!({ "order_id": a, "line_id": l1, "item_id": menu.item("Caesar Salad"), "qty": 1 }),
        )
        .await;
        app.ok(
            "apply_discount",
            &token,
            json!({
                "order_id": a, "discount_id": d1, "target": { "type": "order" },
                "discount": { "type": "percent", "value": 500 }, "reason": "regular",
            }),
        )
        .await;
        app.ok(
            "record_payment",
            &token,
            json!({
                "order_id": a, "payment_id": p1,
                "method": { "type": "card", "amount": 500, "reference": "T-1" },
            }),
        )
        .await;

        app.ok(
            "open_order",
            &token,
            open(
                &b,
                json!({ "type": "dine_in", "table": "8", "guests": null }),
            ),
        )
        .await;
        app.add(&token, &b, &menu.item("Fries"), 1).await;
        let closed = app
            .ok(
                "record_payment",
                &token,
                json!({
                    "order_id": b, "payment_id": client_id(5),
                    "method": { "type": "cash", "tendered": 1000 },
                }),
            )
            .await;
        assert_eq!(closed["status"], "closed", "{closed}");

        app.ok(
            "open_order",
            &token,
            open(&c, json!({ "type": "takeaway", "name": null })),
        )
        .await;
        app.ok(
            "open_order",
            &token,
            open(&e, json!({ "type": "tab", "name": "Kim" })),
        )
        .await;

        let (f, p2) = (client_id(14), client_id(6));
        app.ok(
            "open_order",
            &token,
            open(&f, json!({ "type": "takeaway", "name": null })),
        )
        .await;
        app.add(&token, &f, &menu.item("Fries"), 1).await;
        let two = app.add(&token, &f, &menu.item("Fries"), 1).await;
        app.ok(
            "record_payment",
            &token,
            json!({
                "order_id": f, "payment_id": p2,
                "method": { "type": "card", "amount": 500, "reference": "T-2" },
            }),
        )
        .await;
        let overpaid = app
            .ok(
                "void_line",
                &token,
                json!({
                    "order_id": f, "line_id": two["lines"][1]["line_id"], "reason": "one only",
                }),
            )
            .await;
        assert_eq!(overpaid["refund_due"], 50, "{overpaid}");

        let (g, p3) = (client_id(15), client_id(7));
        app.ok(
            "open_order",
            &token,
            open(&g, json!({ "type": "takeaway", "name": null })),
        )
        .await;
        app.add(&token, &g, &menu.item("Fries"), 1).await;
        app.ok(
            "record_payment",
            &token,
            json!({
                "order_id": g, "payment_id": p3,
                "method": { "type": "card", "reference": "T-3" },
            }),
        )
        .await;
        // Two terminals each refunded 3.00 of it while apart: what sync will bring in.
        over_refund(app, &g, &p3);

        let h = client_id(16);
        app.ok(
            "open_order",
            &token,
            open(&h, json!({ "type": "tab", "name": "Lee" })),
        )
        .await;
        app.add(&token, &h, &menu.item("Fries"), 1).await;
        app.ok("fire_order", &token, json!({ "order_id": h })).await;
        cancelled_elsewhere(app, &h);
        deferred_from_a_clock_ahead(app);
        let refused = app
            .ctx
            .store
            .write(|tx| tx.dead_letter("sync", Some("not-an-id"), "unreadable: test", "{"))
            .expect("a dead letter");
        Fixture {
            token,
            menu,
            a,
            b,
            c,
            e,
            l1,
            l2,
            d1,
            p1,
            f,
            p2,
            g,
            p3,
            h,
            refused,
        }
    }

    /// A valid body for every command, against this service as it was built. Each one, sent
    /// alone, succeeds (`examples_are_valid` checks it), so a body that breaks one part of it
    /// tests that part.
    pub fn examples(&self) -> Vec<(&'static str, Value)> {
        let m = &self.menu;
        let (a, b, c, e) = (&self.a, &self.b, &self.c, &self.e);
        let manager = json!({ "pin": MORGAN });
        vec![
            ("get_bootstrap", json!({})),
            ("list_printers", json!({})),
            (
                "save_printer",
                json!({
                    "name": "Grill", "connection": "tcp:127.0.0.1:9", "columns": 48,
                    "code_page": "cp858", "code_page_number": 19, "status": true,
                    "stations": ["grill"], "receipts": true, "active": true,
                    "drawer": { "pin": 2, "on_ms": 50, "off_ms": 500, "realtime": false,
                                "open_high": true },
                    "fallback_for": ["bar"],
                    "approval": manager,
                }),
            ),
            ("print_queue", json!({ "open_only": true })),
            (
                "print_receipt",
                json!({ "order_id": a, "request_id": "0190a3c4-0000-7000-8000-0000000000aa" }),
            ),
            (
                "open_drawer",
                json!({
                    "request_id": "0190a3c4-0000-7000-8000-0000000000ab",
                    "reason": "change for the till", "approval": manager,
                }),
            ),
            ("drawer_status", json!({})),
            (
                "reprint_job",
                json!({ "job_id": "ticket:00000000-0000-7000-8000-000000000001:grill" }),
            ),
            ("test_print", json!({ "printer_id": client_id(200) })),
            ("check_printer", json!({ "printer_id": client_id(200) })),
            ("retry_printer", json!({ "printer_id": client_id(200) })),
            ("kitchen_board", json!({ "station": "grill" })),
            ("kitchen_targets", json!({})),
            ("make_screen_code", json!({ "approval": manager })),
            ("list_screens", json!({ "approval": manager })),
            (
                "revoke_screen",
                json!({ "screen_id": "no-such-screen", "approval": manager }),
            ),
            (
                "kitchen_report",
                json!({ "from_ms": 1_699_990_000_000u64, "to_ms": 1_700_010_000_000u64,
                        "approval": manager }),
            ),
            (
                "save_kitchen_targets",
                json!({ "targets": [{ "station": "grill", "warning_s": 240, "late_s": 420 }],
                        "approval": manager }),
            ),
            (
                "kitchen_step",
                json!({ "order_id": a, "notice": "00000000-0000-7000-8000-000000000001",
                        "station": "grill", "action": "bump" }),
            ),
            (
                "confirm_printed",
                json!({ "job_id": "ticket:00000000-0000-7000-8000-000000000001:grill" }),
            ),
            ("get_status", json!({})),
            ("login", json!({ "pin": ALEX })),
            ("logout", json!({})),
            ("list_orders", json!({ "status": "all", "limit": 10 })),
            ("get_order", json!({ "order_id": a })),
            (
                "open_order",
                json!({
                    "order_id": client_id(100),
                    "order_type": { "type": "dine_in", "table": "9", "guests": 4 },
                }),
            ),
            (
                "add_line",
                json!({
                    "order_id": a, "line_id": client_id(101), "item_id": m.item("Classic Burger"),
                    "qty": 2,
                    "modifiers": [
                        m.choice("Classic Burger", "Cooking", "Rare"),
                        m.choice("Classic Burger", "Side", "Side salad"),
                    ],
                    "note": "no onion", "seat": 1, "course": 2,
                }),
            ),
            (
                "add_by_barcode",
                json!({ "order_id": a, "code": "5449000000996" }),
            ),
            (
                "change_line",
                json!({
                    "order_id": a, "line_id": self.l1, "change": { "field": "qty", "value": 3 },
                }),
            ),
            (
                "void_line",
                json!({
                    "order_id": a, "line_id": self.l2, "reason": "wrong item",
                    "approval": manager,
                }),
            ),
            ("fire_order", json!({ "order_id": a })),
            (
                "set_order_note",
                json!({ "order_id": a, "note": "birthday" }),
            ),
            (
                "change_order_type",
                json!({ "order_id": a, "order_type": { "type": "tab", "name": "Sam" } }),
            ),
            (
                "apply_discount",
                json!({
                    "order_id": a, "discount_id": client_id(102), "target": { "type": "order" },
                    "discount": { "type": "percent", "value": 5000 }, "reason": "staff meal",
                    "approval": manager,
                }),
            ),
            (
                "remove_discount",
                json!({ "order_id": a, "discount_id": self.d1 }),
            ),
            (
                "record_payment",
                json!({
                    "order_id": a, "payment_id": client_id(103),
                    "method": { "type": "cash", "tendered": 2000, "amount": 500 },
                    "tip": 100, "split": { "type": "seat", "value": 1 },
                }),
            ),
            (
                "void_payment",
                json!({
                    "order_id": a, "payment_id": self.p1, "reason": "wrong card",
                    "approval": manager,
                }),
            ),
            (
                "refund_payment",
                json!({
                    "order_id": self.f, "refund_id": client_id(104), "payment_id": self.p2,
                    "amount": 50, "method": { "type": "cash" }, "reason": "one fries too many",
                    "approval": manager,
                }),
            ),
            (
                "accept_over_refund",
                json!({
                    "order_id": self.g, "payment_id": self.p3, "settlement": "written_off",
                    "reason": "refunded on two terminals", "approval": manager,
                }),
            ),
            ("close_order", json!({ "order_id": c })),
            (
                "confirm_cancel",
                json!({
                    "order_id": self.h, "reason": "guest left after the fries went in",
                    "approval": manager,
                }),
            ),
            (
                "cancel_order",
                // Nothing was sent to the kitchen: no approval asked (so none given, or a
                // broken one would pass unnoticed).
                json!({ "order_id": e, "reason": "walked out" }),
            ),
            (
                "reopen_order",
                json!({ "order_id": b, "reason": "forgot a drink", "approval": manager }),
            ),
            ("list_sync_issues", json!({ "approval": manager })),
            (
                "accept_deferred",
                json!({ "reason": "the bar's clock was a day ahead", "approval": manager }),
            ),
            (
                "review_refused",
                json!({ "id": self.refused, "note": "test data", "approval": manager }),
            ),
            (
                "list_approvals",
                json!({ "limit": 50, "approval": manager }),
            ),
            ("list_employees", json!({})),
            ("list_staff_names", json!({})),
            (
                "pair_terminal",
                json!({
                    "address": "127.0.0.1:9", "code": "AAAAA-AAAAA",
                    "name": "Counter 2", "wipe": false,
                }),
            ),
            (
                "setup_pair",
                json!({"address": "127.0.0.1:9", "code": "AAAAA-AAAAA", "name": "Counter 2"}),
            ),
            (
                "create_first_manager",
                json!({"name": "Rosa", "pin": "4242"}),
            ),
            ("make_pairing_code", json!({})),
            (
                "pair_with_hosted_hub",
                json!({"name": "Counter 1", "wipe": true}),
            ),
            (
                "save_employee",
                json!({
                    "name": "Robin", "role": "cashier", "pin": "4321", "active": true,
                    "approval": manager,
                }),
            ),
        ]
    }
}

/// Brings in, as sync would, an event from another terminal of this store whose clock runs a
/// day ahead: it waits aside for a manager.
pub fn deferred_from_a_clock_ahead(app: &TestApp) {
    use comanda_domain::event::{EventBody, OrderNoteSet, StreamId};
    use comanda_domain::hlc::Hlc;
    use comanda_domain::ids::{DeviceId, EventId, OrderId};
    let me = app.ctx.store.device().expect("device");
    let other = DeviceId::new(app.ctx.ids.as_ref());
    let event = comanda_domain::event::Event {
        id: EventId::new(app.ctx.ids.as_ref()),
        store_id: me.store_id,
        device_id: other,
        device_seq: 1,
        stream: StreamId::Order(OrderId::new(app.ctx.ids.as_ref())),
        hlc: Hlc {
            wall_ms: comanda_domain::clock::Clock::now_ms(&*app.clock) + 86_400_000,
            counter: 0,
            device: other,
        },
        actor: None,
        body: EventBody::OrderNoteSet(OrderNoteSet {
            note: Some("from tomorrow".into()),
        }),
    };
    let got = app
        .ctx
        .store
        .write(|tx| tx.ingest(&[comanda_domain::codec::encode(&event)]))
        .expect("ingest");
    assert_eq!(got.released, 0);
    assert_eq!(app.ctx.store.read(|r| r.deferred_count()).unwrap(), 1);
}

/// Appends a cancel no manager approved straight to the store, as a terminal that had not seen
/// the order's lines sent would make it (the API asks a manager for a cancel after firing).
pub fn cancelled_elsewhere(app: &TestApp, order_id: &str) {
    use comanda_domain::event::{EventBody, OrderCancelled, StreamId};
    let order: comanda_domain::ids::OrderId = order_id.parse().expect("order id");
    app.ctx
        .store
        .write(|tx| {
            tx.append(
                StreamId::Order(order),
                None,
                EventBody::OrderCancelled(OrderCancelled {
                    generation: 0,
                    reason: "guest left".into(),
                    approved_by: None,
                }),
            )
        })
        .expect("a cancel");
}

/// Appends two refunds of 3.00 against a payment straight to the store, as two terminals that
/// each refunded it offline would (the API never lets one terminal refund past a payment).
pub fn over_refund(app: &TestApp, order_id: &str, payment_id: &str) {
    use comanda_domain::event::{EventBody, RefundIssued, StreamId};
    use comanda_domain::ids::{OrderId, PaymentId, RefundId};
    let order: OrderId = order_id.parse().expect("order id");
    let payment: PaymentId = payment_id.parse().expect("payment id");
    app.ctx
        .store
        .write(|tx| {
            for n in 0..2 {
                tx.append(
                    StreamId::Order(order),
                    None,
                    EventBody::RefundIssued(RefundIssued {
                        refund_id: RefundId::new(app.ctx.ids.as_ref()),
                        payment_id: payment,
                        amount: comanda_domain::money::Money::from_minor(300),
                        method: None,
                        reason: format!("cold, terminal {n}"),
                        approved_by: None,
                    }),
                )?;
            }
            Ok::<_, comanda_store::StoreError>(())
        })
        .expect("two refunds");
}
