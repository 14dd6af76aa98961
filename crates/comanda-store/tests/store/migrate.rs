//! A terminal's database from an older build is brought up to date at open: the migrations that
//! add the id index (`entity_ids`), the line rows (`order_lines`) and the approvals index fill
//! them from the events already held, and the projections are rebuilt.

use comanda_domain::event::{EventBody, LineVoided, StreamId};
use comanda_domain::ids::EmployeeId;
use rusqlite::Connection;

use crate::support::{TestStore, assert_projection_is_fold, open_order, small_order};

#[test]
fn an_older_database_gets_its_ids_lines_and_approvals_from_its_events() {
    let t = TestStore::new(1, 1_700_000_000_000);
    let id = small_order(&t);
    let ids = &*t.ids;
    let (other, lines) = t.store.write(|tx| open_order(tx, ids, "8")).unwrap();
    let manager = EmployeeId::new(ids);
    t.store
        .write(|tx| {
            tx.append(
                StreamId::Order(other),
                None,
                EventBody::LineVoided(LineVoided {
                    line_id: lines[0],
                    reason: "dropped".into(),
                    approved_by: Some(manager),
                }),
            )
        })
        .unwrap();
    let count = |c: &Connection, table: &str| -> i64 {
        c.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .unwrap()
    };
    let conn = Connection::open(t.path()).unwrap();
    let (entities, approvals) = (count(&conn, "entity_ids"), count(&conn, "approvals"));
    assert!(entities >= 6 && approvals == 1, "{entities} {approvals}");
    // As the build before these migrations left it: schema version 3, none of their tables,
    // projections of an older form.
    conn.execute_batch(
        "DROP TABLE entity_ids; DROP TABLE order_lines; DROP TABLE approvals;
         DROP TABLE held_events; DROP TABLE future_events; DROP TABLE peers;
         DROP TABLE node_identity; DROP TABLE pin_clashes;
         DROP TABLE device_heads; DROP TABLE print_jobs;
         ALTER TABLE dead_letters DROP COLUMN reviewed_by;
         ALTER TABLE dead_letters DROP COLUMN reviewed_ms;
         ALTER TABLE dead_letters DROP COLUMN review_note;
         ALTER TABLE device DROP COLUMN paired; ALTER TABLE device DROP COLUMN terminal_no;
         ALTER TABLE device DROP COLUMN pin_pepper; ALTER TABLE device DROP COLUMN pairer_id;
         ALTER TABLE device DROP COLUMN joined_empty_store;
         ALTER TABLE device DROP COLUMN rekey_from;
         ALTER TABLE device DROP COLUMN restored_ms;
         ALTER TABLE device DROP COLUMN print_claims;
         PRAGMA user_version = 3;
         UPDATE device SET projection_version = 2;",
    )
    .unwrap();
    drop(conn);

    let t = t.reopen(2);
    let conn = Connection::open(t.path()).unwrap();
    assert_eq!(count(&conn, "entity_ids"), entities);
    assert_eq!(count(&conn, "approvals"), approvals);
    let approver: String = conn
        .query_row("SELECT approved_by FROM approvals", [], |r| r.get(0))
        .unwrap();
    assert_eq!(approver, manager.to_string());
    assert!(count(&conn, "order_lines") > 0);
    // The vector beside the log is filled from the log.
    let device = t.store.device().unwrap().device_id;
    let held = t.store.read(|r| r.vector()).unwrap().get(device);
    assert_eq!(i64::try_from(held.upto).unwrap(), count(&conn, "events"));
    assert_eq!(count(&conn, "device_heads"), 1);
    assert_projection_is_fold(&t.store, id);
    assert_projection_is_fold(&t.store, other);
    // The ids are claimed again: the order's lines belong to it.
    let owner = t
        .store
        .read(|r| r.entity_owner(&lines[1].to_string()))
        .unwrap();
    assert_eq!(owner, Some(("line".to_owned(), other)));
}
