//! One command, one transaction: a command that fails (or panics) after writing leaves no
//! trace.

use std::panic::{AssertUnwindSafe, catch_unwind};

use comanda_domain::event::StreamId;
use comanda_store::StoreError;

use crate::support::{TestStore, line, open_order, raw_rows, small_order};

/// A command's own error, as the API crate will have.
#[derive(Debug, thiserror::Error)]
enum CommandError {
    #[error(transparent)]
    Store(StoreError),
    #[error("refused: {0}")]
    Refused(&'static str),
}

impl From<StoreError> for CommandError {
    fn from(e: StoreError) -> Self {
        CommandError::Store(e)
    }
}

/// Everything the store holds, as raw rows.
fn everything(t: &TestStore) -> Vec<Vec<Vec<rusqlite::types::Value>>> {
    [
        "device",
        "events",
        "outbox",
        "orders",
        "projections",
        "dead_letters",
    ]
    .into_iter()
    .map(|table| raw_rows(&t.path(), table))
    .collect()
}

#[test]
fn a_command_that_fails_after_appending_leaves_nothing() {
    let t = TestStore::new(1, 5_000);
    let id = small_order(&t);
    let before = everything(&t);
    let device = t.store.device().unwrap();

    let ids = t.ids.clone();
    let result = t.store.write(|tx| {
        open_order(tx, &*ids, "9")?;
        let (_, body) = line(&*ids, "Wine", 2_000);
        tx.append(StreamId::Order(id), None, body)?;
        tx.dead_letter("test", None, "a reason", "raw")?;
        // The command finds a reason to refuse after it has written.
        Err::<(), _>(CommandError::Refused("over the limit"))
    });
    assert!(
        matches!(result, Err(CommandError::Refused(_))),
        "{result:?}"
    );

    assert_eq!(
        everything(&t),
        before,
        "no event, outbox row, projection or counter"
    );
    assert_eq!(t.store.device().unwrap(), device);
    // The next command takes the sequence number the failed one did not keep.
    let (_, body) = line(&*ids, "Water", 200);
    let e = t
        .store
        .write(|tx| tx.append(StreamId::Order(id), None, body))
        .unwrap();
    assert_eq!(e.device_seq, device.last_seq + 1);
    t.store.check_integrity().unwrap();
}

#[test]
fn a_command_that_panics_leaves_nothing_and_the_store_still_works() {
    let t = TestStore::new(1, 5_000);
    let ids = t.ids.clone();
    t.store.write(|tx| open_order(tx, &*ids, "1")).unwrap();
    let before = everything(&t);

    let panicked = catch_unwind(AssertUnwindSafe(|| {
        t.store.write(|tx| {
            open_order(tx, &*ids, "2")?;
            if before.len() == 6 {
                panic!("a bug in a command");
            }
            Ok::<_, StoreError>(())
        })
    }));
    assert!(panicked.is_err());
    assert_eq!(everything(&t), before);

    let (id, _) = t.store.write(|tx| open_order(tx, &*ids, "3")).unwrap();
    assert_eq!(
        t.store.read(|r| r.order(id)).unwrap().unwrap().state.number,
        2
    );
    t.store.check_integrity().unwrap();
}

/// A transaction that takes in a peer's events is committed without waiting for the disk; one
/// that appends a local event is always durable, so appending in the former is refused and
/// leaves nothing. Afterwards ordinary commands still commit (durably).
#[test]
fn a_local_event_is_never_committed_in_a_transaction_for_received_events() {
    let t = TestStore::new(1, 5_000);
    let id = small_order(&t);
    let before = everything(&t);
    let ids = t.ids.clone();
    let refused = t.store.write_received(|tx| {
        tx.dead_letter("test", None, "a reason", "raw")?;
        let (_, body) = line(&*ids, "Wine", 2_000);
        tx.append(StreamId::Order(id), None, body)
    });
    assert!(
        matches!(refused, Err(StoreError::Corrupt(_))),
        "{refused:?}"
    );
    assert_eq!(everything(&t), before, "nothing of it was kept");
    // What received transactions do is kept.
    t.store
        .write_received(|tx| tx.dead_letter("test", None, "a reason", "raw").map(|_| ()))
        .unwrap();
    assert_eq!(raw_rows(&t.path(), "dead_letters").len(), 1);
    // And the writer is back to durable commits for commands.
    let (_, body) = line(&*ids, "Water", 200);
    t.store
        .write(|tx| tx.append(StreamId::Order(id), None, body))
        .unwrap();
    assert_eq!(t.store.synchronous().unwrap(), 2, "FULL");
    t.store.check_integrity().unwrap();
}
