//! The projections after local appends: each equals a fresh fold of its stream, and reads the
//! same after a restart.

use comanda_domain::catalog::Catalog;
use comanda_domain::employee::{EmployeeRecord, PinHash, Role, StoreSettings};
use comanda_domain::event::{EventBody, StreamId};
use comanda_domain::ids::EmployeeId;
use comanda_domain::money::Money;
use comanda_domain::order::{OrderStatus, render_text};
use comanda_store::{OrderFilter, StoreError};

use crate::support::{TestStore, assert_projection_is_fold, events_of, open_order, small_order};

#[test]
fn order_projection_after_appends_equals_the_fold_and_survives_a_restart() {
    let t = TestStore::new(1, 1_700_000_000_000);
    let id = small_order(&t);
    assert_projection_is_fold(&t.store, id);

    let rec = t.store.read(|r| r.order(id)).unwrap().unwrap();
    assert_eq!(rec.state.status(), OrderStatus::Closed);
    assert_eq!(rec.state.totals().balance, Money::ZERO);
    assert!(rec.conflicts.is_empty(), "{:?}", rec.conflicts);
    assert_eq!(rec.state.event_count, 9);
    let summaries = t
        .store
        .read(|r| r.list_orders(&OrderFilter::all(10)))
        .unwrap();
    insta::assert_json_snapshot!("small_order_summary", summaries);
    insta::assert_snapshot!("small_order_text", render_text(&rec.state, &rec.conflicts));

    let t = t.reopen(2);
    assert_eq!(t.store.read(|r| r.order(id)).unwrap().unwrap(), rec);
    assert_eq!(
        t.store
            .read(|r| r.list_orders(&OrderFilter::all(10)))
            .unwrap(),
        summaries
    );
    assert_projection_is_fold(&t.store, id);
}

#[test]
fn order_lists_are_newest_first_and_filter_by_status() {
    let t = TestStore::new(1, 1_000);
    let done = small_order(&t);
    t.clock.advance(60_000);
    let ids = t.ids.clone();
    let (open, _) = t.store.write(|tx| open_order(tx, &*ids, "7")).unwrap();
    let all = t
        .store
        .read(|r| r.list_orders(&OrderFilter::all(10)))
        .unwrap();
    let order: Vec<_> = all.iter().map(|o| o.order_id).collect();
    assert_eq!(order, [open, done]);
    assert_eq!(all[0].label, "Table 7");
    assert_eq!(all[0].line_count, 2);
    assert_eq!(all[0].closed_ms, None);
    let closed = t
        .store
        .read(|r| r.list_orders(&OrderFilter::with_status(OrderStatus::Closed, 10)))
        .unwrap();
    assert_eq!(closed.len(), 1);
    assert_eq!(closed[0].order_id, done);
    assert!(closed[0].closed_ms.is_some());
    let one = t
        .store
        .read(|r| r.list_orders(&OrderFilter::all(1)))
        .unwrap();
    assert_eq!(one.len(), 1);
}

fn employee(id: EmployeeId, name: &str, role: Role) -> EventBody {
    EventBody::EmployeeSaved(comanda_domain::event::EmployeeSaved {
        record: EmployeeRecord {
            employee_id: id,
            name: name.into(),
            role,
            pin_hash: PinHash::from_phc("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into()),
            active: true,
        },
        approved_by: None,
    })
}

#[test]
fn catalog_settings_and_employees_take_the_latest_by_agreed_order() {
    let t = TestStore::new(1, 1_000);
    assert_eq!(t.store.read(|r| r.catalog()).unwrap(), None);
    assert_eq!(t.store.read(|r| r.settings()).unwrap(), None);
    assert!(t.store.read(|r| r.employees()).unwrap().is_empty());

    let ana = EmployeeId::new(&*t.ids);
    let bo = EmployeeId::new(&*t.ids);
    let old_menu = Catalog::default();
    let settings = StoreSettings {
        store_name: "Casa Pepe".into(),
        ..StoreSettings::default()
    };
    t.store
        .write(|tx| {
            tx.append(
                StreamId::Catalog,
                None,
                EventBody::CatalogPublished(old_menu),
            )?;
            tx.append(
                StreamId::Settings,
                None,
                EventBody::SettingsPublished(settings.clone()),
            )?;
            tx.append(
                StreamId::Employees,
                None,
                employee(ana, "Ana", Role::Cashier),
            )?;
            tx.append(StreamId::Employees, None, employee(bo, "Bo", Role::Cashier))?;
            // Ana is promoted: the later record wins.
            tx.append(
                StreamId::Employees,
                None,
                employee(ana, "Ana", Role::Manager),
            )?;
            Ok::<_, StoreError>(())
        })
        .unwrap();
    let mut menu = Catalog::default();
    menu.categories.push(comanda_domain::catalog::Category {
        id: comanda_domain::ids::CategoryId::new(&*t.ids),
        name: "Drinks".into(),
        color: "#2980b9".into(),
    });
    t.store
        .write(|tx| {
            tx.append(
                StreamId::Catalog,
                None,
                EventBody::CatalogPublished(menu.clone()),
            )
        })
        .unwrap();

    assert_eq!(t.store.read(|r| r.catalog()).unwrap(), Some(menu.clone()));
    assert_eq!(t.store.read(|r| r.settings()).unwrap(), Some(settings));
    let staff = t.store.read(|r| r.employees()).unwrap();
    assert_eq!(staff.len(), 2);
    assert_eq!(staff[&ana].role, Role::Manager);
    assert_eq!(staff[&bo].role, Role::Cashier);
    assert_eq!(
        comanda_domain::employee::fold_employees(&events_of(&t.store, StreamId::Employees)),
        staff
    );
}

#[test]
fn projections_of_an_older_build_are_rebuilt_at_open() {
    let t = TestStore::new(1, 1_700_000_000_000);
    let id = small_order(&t);
    let before = t.store.read(|r| r.order(id)).unwrap().unwrap();
    // An older build stored the order in a form this build cannot read.
    let conn = rusqlite::Connection::open(t.path()).unwrap();
    conn.execute("UPDATE orders SET state = '{\"old\":true}'", [])
        .unwrap();
    conn.execute("UPDATE device SET projection_version = 1", [])
        .unwrap();
    drop(conn);
    let t = t.reopen(2);
    assert_eq!(t.store.read(|r| r.order(id)).unwrap().unwrap(), before);
    assert_projection_is_fold(&t.store, id);
    let version: i64 = rusqlite::Connection::open(t.path())
        .unwrap()
        .query_row("SELECT projection_version FROM device", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, i64::from(comanda_store::PROJECTION_VERSION));
}

/// The store keeps the last committed state of the orders it wrote, so a command on a big order
/// does not re-read its rows: what a transaction sees is always what its rows would say, and a
/// transaction that rolls back leaves no trace in it.
#[test]
fn what_a_write_sees_of_an_order_is_its_rows_and_a_rollback_leaves_no_trace() {
    let t = TestStore::new(1, 1_700_000_000_000);
    let id = small_order(&t);
    let ids = &*t.ids;
    let stream = StreamId::Order(id);
    let seen = |t: &TestStore| (*t.store.write(|tx| tx.order(id)).unwrap().unwrap()).clone();
    let stored = |t: &TestStore| t.store.read(|r| r.order(id)).unwrap().unwrap();
    assert_eq!(seen(&t), stored(&t));

    // A line added, then the transaction refuses: neither the rows nor what the next write
    // sees have it.
    let before = stored(&t);
    let refused: Result<(), StoreError> = t.store.write(|tx| {
        let (_, body) = crate::support::line(ids, "Soup", 600);
        tx.append(stream, None, body)?;
        assert_eq!(
            tx.order(id)?.unwrap().state.lines.len(),
            before.state.lines.len() + 1
        );
        Err(StoreError::Corrupt("refused on purpose".into()))
    });
    assert!(refused.is_err());
    assert_eq!(stored(&t), before);
    assert_eq!(seen(&t), before);

    // Many writes later, and after a restart, the two still agree with a fresh fold.
    for i in 0..30 {
        t.store
            .write(|tx| {
                let (_, body) = crate::support::line(ids, "Bread", 100 + i);
                tx.append(stream, None, body)
            })
            .unwrap();
    }
    assert_eq!(seen(&t), stored(&t));
    assert_projection_is_fold(&t.store, id);
    let t = t.reopen(2);
    assert_eq!(seen(&t), stored(&t));
    assert_projection_is_fold(&t.store, id);
}
