//! Rebuilding every projection from the event log gives the rows the incremental path wrote.

use comanda_domain::catalog::Catalog;
use comanda_domain::event::{EventBody, StreamId};
use comanda_store::StoreError;

use crate::support::{TestStore, line, open_order, raw_rows, small_order, wire};

#[test]
fn reproject_all_gives_the_rows_the_incremental_path_wrote() {
    let t = TestStore::in_store(1, 1_000_000, 1);
    let remote = TestStore::in_store(2, 900_000, 2);
    small_order(&t);
    let ids = t.ids.clone();
    let (open, lines) = t.store.write(|tx| open_order(tx, &*ids, "8")).unwrap();
    // Events from another terminal, some sorting before local ones.
    let (_, body) = line(&*remote.ids, "Olives", 300);
    let early = remote
        .store
        .write(|tx| tx.append(StreamId::Order(open), None, body))
        .unwrap();
    let void = remote
        .store
        .write(|tx| tx.append(StreamId::Order(open), None, crate::support::void(lines[1])))
        .unwrap();
    t.store
        .write(|tx| tx.ingest(&wire(&[void, early])))
        .unwrap();
    t.store
        .write(|tx| {
            tx.append(
                StreamId::Catalog,
                None,
                EventBody::CatalogPublished(Catalog::default()),
            )?;
            Ok::<_, StoreError>(())
        })
        .unwrap();

    let orders = raw_rows(&t.path(), "orders");
    let lines = raw_rows(&t.path(), "order_lines");
    assert!(!lines.is_empty());
    let small = raw_rows(&t.path(), "projections");
    assert_eq!(orders.len(), 2);
    assert_eq!(small.len(), 1);

    let n = t.store.write(|tx| tx.reproject_all()).unwrap();
    assert_eq!(n, 3, "two orders and the catalog");
    assert_eq!(raw_rows(&t.path(), "orders"), orders);
    assert_eq!(raw_rows(&t.path(), "order_lines"), lines);
    assert_eq!(raw_rows(&t.path(), "projections"), small);

    // Projections lost (a bad migration, a hand edit) come back from the log.
    let conn = rusqlite::Connection::open(t.path()).unwrap();
    conn.execute_batch("DELETE FROM orders; DELETE FROM projections;")
        .unwrap();
    drop(conn);
    assert!(t.store.read(|r| r.order(open)).unwrap().is_none());
    t.store.write(|tx| tx.reproject_all()).unwrap();
    assert_eq!(raw_rows(&t.path(), "orders"), orders);
    assert_eq!(raw_rows(&t.path(), "order_lines"), lines);
    assert_eq!(raw_rows(&t.path(), "projections"), small);
}
