//! Golden events: one file per kind and schema version under `tests/golden/v<schema>/`, decoded
//! by every later build so terminals in the field never break. A new kind or schema version gets
//! its file with `UPDATE_GOLDEN=1 cargo test -p comanda-domain --test domain golden`; an
//! existing file is never rewritten (a changed payload is a new schema version with a new
//! folder).

use std::path::PathBuf;

use comanda_domain::catalog::Catalog;
use comanda_domain::codec::{self, KNOWN_KINDS};
use comanda_domain::device::{DeviceAddressSet, DevicePaired, DeviceRevoked};
use comanda_domain::employee::{EmployeeRecord, PinHash, Role, StoreSettings};
use comanda_domain::event::{
    DiscountAmount, EmployeeSaved, EventBody, OrderNoteSet, OrderType, OrderTypeChanged,
    OverRefundAccepted, OverRefundSettlement, StreamId,
};
use comanda_domain::money::Money;

use crate::builder::*;

fn dir_of(schema: u32) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("tests/golden/v{schema}"))
}

fn dir() -> PathBuf {
    dir_of(1)
}

fn samples() -> Vec<comanda_domain::event::Event> {
    let n = Names::new();
    let mut d = Device::new(0);
    let mut evs = vec![];
    let bodies = vec![
        opened(12),
        line(&n, 0, 1250, 2, 0, Some(1)),
        EventBody::LineChanged(comanda_domain::event::LineChanged {
            line_id: n.lines[0],
            change: comanda_domain::event::LineChange::Allergy(Some("tree nuts".into())),
            approved_by: None,
        }),
        void(&n, 0),
        fire(&n, &[0, 1]),
        EventBody::OrderNoteSet(OrderNoteSet {
            note: Some("birthday".into()),
        }),
        EventBody::OrderTypeChanged(OrderTypeChanged {
            order_type: OrderType::Tab { name: "Sam".into() },
        }),
        discount(&n, 0, None, DiscountAmount::Fixed(Money::from_minor(300))),
        undiscount(&n, 0),
        pay_cash(&n, 0, 2500, 5000),
        void_pay(&n, 0),
        refund(&n, 0, 0, 500),
        EventBody::OverRefundAccepted(OverRefundAccepted {
            payment_id: n.payments[0],
            refunded: Money::from_minor(3000),
            settlement: OverRefundSettlement::WrittenOff,
            note: "refunded on two terminals".into(),
            approved_by: n.employees[2],
        }),
        close(0),
        cancel(0),
        reopen(&n, 1),
        confirm_cancel(&n, 0, &[n.lines[0]]),
    ];
    for mut b in bodies {
        // Every event that can name an approver names one, so the files show the field.
        b.set_approved_by(n.employees[2]);
        evs.push(d.event(n.order, Some(n.employees[0]), b));
    }
    let fire = evs
        .iter()
        .find(|e| e.body.kind() == "OrderFired")
        .map(|e| e.id)
        .expect("the samples fire");
    let mut other = |stream: StreamId, body: EventBody| {
        let mut e = d.event(n.order, None, body);
        e.stream = stream;
        evs.push(e);
    };
    let ids = comanda_domain::ids::SeqIds::new(78);
    other(
        StreamId::Catalog,
        EventBody::CatalogPublished(Catalog {
            items: vec![comanda_domain::catalog::Item {
                id: comanda_domain::ids::ItemId::new(&ids),
                category_id: comanda_domain::ids::CategoryId::new(&ids),
                name: "Cheeseburger".into(),
                price: Money::from_minor(1350),
                tax_rate_id: comanda_domain::ids::TaxRateId::new(&ids),
                modifier_group_ids: vec![],
                barcode: None,
                available: true,
                stations: vec!["grill".into()],
            }],
            ..Catalog::default()
        }),
    );
    other(
        StreamId::Employees,
        EventBody::EmployeeSaved(EmployeeSaved {
            record: EmployeeRecord {
                employee_id: n.employees[1],
                name: "Alex".into(),
                role: Role::Cashier,
                pin_hash: PinHash::from_phc(
                    "$argon2id$v=19$m=8192,t=2,p=1$c2FsdHNhbHQ$aGFzaA".into(),
                ),
                active: true,
            },
            approved_by: Some(n.employees[2]),
        }),
    );
    other(
        StreamId::Settings,
        EventBody::SettingsPublished(StoreSettings {
            kitchen_targets: vec![
                comanda_domain::employee::KitchenTarget {
                    station: "grill".into(),
                    order_type: None,
                    warning_s: 420,
                    late_s: 600,
                },
                comanda_domain::employee::KitchenTarget {
                    station: "bar".into(),
                    order_type: Some("takeaway".into()),
                    warning_s: 120,
                    late_s: 240,
                },
            ],
            ..StoreSettings::default()
        }),
    );
    let device = comanda_domain::ids::DeviceId::new(&comanda_domain::ids::SeqIds::new(77));
    other(
        StreamId::Devices,
        EventBody::DevicePaired(DevicePaired {
            device_id: device,
            terminal_no: 2,
            name: "Bar".into(),
            token_hash: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08".into(),
            cert_fingerprint: Some(
                "5d41402abc4b2a76b9719d911017c592e0b7c3b1e3a2a0f2f9b1d5a7c1e2f3a4".into(),
            ),
        }),
    );
    other(
        StreamId::Devices,
        EventBody::DeviceAddressSet(DeviceAddressSet {
            device_id: device,
            address: "https://192.168.1.21:8789".into(),
        }),
    );
    other(
        StreamId::Devices,
        EventBody::DeviceRevoked(DeviceRevoked { device_id: device }),
    );
    let printer_id = comanda_domain::ids::PrinterId::new(&ids);
    other(
        StreamId::Printers,
        EventBody::PrinterSaved(comanda_domain::printer::PrinterSaved {
            printer_id,
            name: "Grill".into(),
            node: device,
            connection: "tcp:192.168.1.50:9100".into(),
            columns: 48,
            code_page: "cp858".into(),
            code_page_number: 19,
            status: true,
            stations: vec!["grill".into(), "fry".into()],
            receipts: false,
            active: true,
            drawer: Some(comanda_domain::printer::DrawerSettings::default()),
            fallback_for: vec!["bar".into()],
        }),
    );
    other(
        StreamId::Order(n.order),
        EventBody::TicketPrinted(comanda_domain::printer::TicketPrinted {
            fire,
            station: "grill".into(),
            printer_id,
            outcome: comanda_domain::printer::TicketOutcome::Unknown {
                reason: "no confirmation from the printer within 15 s".into(),
            },
        }),
    );
    other(
        StreamId::Order(n.order),
        EventBody::ReceiptPrinted(comanda_domain::printer::ReceiptPrinted {
            receipt: format!("receipt:{}", n.payments[0]),
            printer_id,
            copy: false,
            outcome: comanda_domain::printer::TicketOutcome::Printed,
        }),
    );
    let ticket = comanda_domain::kitchen::TicketRef {
        notice: fire,
        station: "grill".into(),
    };
    other(
        StreamId::Order(n.order),
        EventBody::KitchenMarked(comanda_domain::kitchen::KitchenMarked {
            ticket: ticket.clone(),
            line_id: Some(n.lines[0]),
            step: comanda_domain::kitchen::KitchenStep::Bumped,
            generation: 0,
        }),
    );
    other(
        StreamId::Order(n.order),
        EventBody::KitchenRecalled(comanda_domain::kitchen::KitchenRecalled {
            ticket: ticket.clone(),
            line_id: None,
            generation: 1,
        }),
    );
    other(
        StreamId::Order(n.order),
        EventBody::KitchenRushed(comanda_domain::kitchen::KitchenRushed { ticket }),
    );
    other(
        StreamId::Order(n.order),
        EventBody::CourseHeld(comanda_domain::kitchen::CourseHeld {
            course: 2,
            line_ids: vec![n.lines[1]],
        }),
    );
    let mut opened = d.event(
        n.order,
        Some(n.employees[0]),
        EventBody::DrawerOpened(comanda_domain::printer::DrawerOpened {
            printer_id,
            reason: comanda_domain::printer::DrawerReason::NoSale {
                note: "change for the till".into(),
            },
            approved_by: Some(n.employees[2]),
            failed: None,
        }),
    );
    opened.stream = StreamId::Drawer(printer_id);
    evs.push(opened);
    evs
}

#[test]
fn every_kind_has_a_golden_file_that_decodes() {
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    for e in samples() {
        let dir = dir_of(codec::current_schema(e.body.kind()));
        let path = dir.join(format!("{}.json", e.body.kind()));
        if !path.exists() && update {
            std::fs::create_dir_all(&dir).unwrap();
            let text = serde_json::to_string_pretty(&codec::encode(&e)).unwrap();
            std::fs::write(&path, text + "\n").unwrap();
        }
        assert!(
            path.exists(),
            "no golden file {} (run with UPDATE_GOLDEN=1 once)",
            path.display()
        );
    }
    for kind in KNOWN_KINDS {
        // Every version ever written still decodes: schema 1 of every kind, and each later one.
        for schema in 1..=codec::current_schema(kind) {
            let path = dir_of(schema).join(format!("{kind}.json"));
            if schema > 1 && !path.exists() {
                continue;
            }
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|_| panic!("missing golden file {}", path.display()));
            let e = codec::decode_json(&text).unwrap_or_else(|err| panic!("{kind}: {err}"));
            assert_eq!(e.body.kind(), *kind);
        }
        let path = dir_of(codec::current_schema(kind)).join(format!("{kind}.json"));
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|_| panic!("missing golden file {}", path.display()));
        let e = codec::decode_json(&text).unwrap_or_else(|err| panic!("{kind}: {err}"));
        // Today's encoder writes exactly what the current version's file holds.
        let again: serde_json::Value = serde_json::to_value(codec::encode(&e)).unwrap();
        let file: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(again, file, "{kind}: re-encoding changed the event");
        // The store's text path decodes the same body as the Value path.
        let payload = file["payload"].to_string();
        let schema = u32::try_from(file["schema"].as_u64().unwrap()).unwrap();
        assert_eq!(
            codec::decode_body_str(kind, schema, &payload).unwrap(),
            e.body,
            "{kind}: text decoding differs"
        );
    }
}

#[test]
fn unknown_kinds_schemas_and_bad_payloads_are_errors_not_panics() {
    let text = std::fs::read_to_string(dir().join("LineAdded.json")).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["kind"] = "FutureKind".into();
    assert!(matches!(
        codec::decode_json(&v.to_string()),
        Err(codec::CodecError::UnknownKind(_))
    ));
    v["kind"] = "LineAdded".into();
    v["schema"] = 99.into();
    assert!(matches!(
        codec::decode_json(&v.to_string()),
        Err(codec::CodecError::UnknownSchema { .. })
    ));
    v["schema"] = 1.into();
    v["payload"]["qty"] = 0.into();
    assert!(matches!(
        codec::decode_json(&v.to_string()),
        Err(codec::CodecError::BadPayload { .. })
    ));
    v["payload"]["qty"] = 1.into();
    v["stream"] = "nonsense".into();
    assert!(matches!(
        codec::decode_json(&v.to_string()),
        Err(codec::CodecError::BadStream(_))
    ));
    assert!(matches!(
        codec::decode_json("{not json"),
        Err(codec::CodecError::NotJson(_))
    ));
}

#[test]
fn schema_1_events_read_with_no_approver() {
    // A terminal on the old build recorded these without the approver: they still decode, and
    // say nothing rather than something made up.
    for kind in [
        "LineChanged",
        "PaymentVoided",
        "OrderCancelled",
        "EmployeeSaved",
    ] {
        let text = std::fs::read_to_string(dir_of(1).join(format!("{kind}.json"))).unwrap();
        let e = codec::decode_json(&text).unwrap();
        assert_eq!(e.body.approved_by(), None, "{kind}");
    }
    let text = std::fs::read_to_string(dir_of(2).join("PaymentVoided.json")).unwrap();
    assert!(
        codec::decode_json(&text)
            .unwrap()
            .body
            .approved_by()
            .is_some()
    );
    // A build that knows only schema 1 must refuse schema 2 rather than drop the approver: the
    // codec refuses any version above the one it writes.
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["schema"] = 3.into();
    assert!(matches!(
        codec::decode_json(&v.to_string()),
        Err(codec::CodecError::UnknownSchema { .. })
    ));
}

#[test]
fn every_kind_goes_to_its_wire_form_and_back_unchanged() {
    // The domain's body → the wire type → text → the wire type → the domain's body.
    for e in samples() {
        let stored = codec::encode(&e);
        assert_eq!(codec::decode(&stored).unwrap(), e, "{}", e.body.kind());
    }
}

#[test]
fn a_projection_keeps_a_pending_body_in_its_wire_form() {
    #[derive(serde::Serialize, serde::Deserialize, PartialEq, Debug)]
    struct Holder {
        #[serde(with = "comanda_domain::codec::tagged_body")]
        pending: Option<comanda_domain::event::EventBody>,
    }
    for e in samples() {
        let h = Holder {
            pending: Some(e.body.clone()),
        };
        let text = serde_json::to_string(&h).unwrap();
        // The same `{kind, payload}` the log holds for it.
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        let stored = codec::encode(&e);
        assert_eq!(v["pending"]["kind"], stored.kind);
        assert_eq!(v["pending"]["payload"], stored.payload.to_value());
        assert_eq!(serde_json::from_str::<Holder>(&text).unwrap(), h);
    }
    let none: Holder = serde_json::from_str(r#"{"pending":null}"#).unwrap();
    assert_eq!(none.pending, None);
}
