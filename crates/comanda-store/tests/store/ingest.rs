//! Events made elsewhere: idempotent by id, folded in agreed order whatever the arrival order,
//! and observed by the local clock.

use comanda_domain::codec;
use comanda_domain::event::{Event, StreamId};
use comanda_domain::order;
use comanda_store::StoreError;

use crate::support::{TestStore, assert_projection_is_fold, line, open_order, qty};

#[test]
fn ingest_skips_duplicates_refolds_when_an_event_sorts_before_and_observes_the_stamp() {
    // Terminal A opens an order at 10 s; terminal B, whose clock is behind, adds lines at 5 s
    // and changes a quantity at 50 s.
    let a = TestStore::new(1, 10_000);
    let b = TestStore::new(2, 5_000);
    let ids = a.ids.clone();
    let (id, lines) = a.store.write(|tx| open_order(tx, &*ids, "3")).unwrap();
    let stream = StreamId::Order(id);
    let local = events_of_a(&a, stream);
    assert_eq!(local.len(), 3);

    let (_, early) = line(&*b.ids, "Salad", 900);
    let early = b.store.write(|tx| tx.append(stream, None, early)).unwrap();
    b.clock.set(50_000);
    let late = b
        .store
        .write(|tx| tx.append(stream, None, qty(lines[0], 3)))
        .unwrap();
    assert!(
        early.key() < local[0].key(),
        "B's line sorts before A's events"
    );

    let outbox_before = a.store.read(|r| r.outbox_stats()).unwrap();
    let batch = [late.clone(), early.clone(), late.clone()];
    let new = a.store.write(|tx| tx.ingest(&batch)).unwrap();
    assert_eq!(new, 2, "the duplicate in the batch is not new");
    assert_eq!(a.store.write(|tx| tx.ingest(&batch)).unwrap(), 0);
    assert_eq!(a.store.read(|r| r.event_count()).unwrap(), 5);
    assert_eq!(
        a.store.read(|r| r.outbox_stats()).unwrap(),
        outbox_before,
        "received events are not ours to push"
    );

    // The projection is the fold of the union, in whatever order it is given.
    let mut union: Vec<Event> = local.clone();
    union.extend([late.clone(), early.clone()]);
    let (expected, conflicts) = order::fold(id, &union);
    let rec = a.store.read(|r| r.order(id)).unwrap().unwrap();
    assert_eq!(rec.state, expected);
    assert_eq!(rec.conflicts, conflicts);
    assert_eq!(rec.state.lines.len(), 3);
    assert_eq!(rec.state.line(lines[0]).unwrap().qty.get(), 3);

    // A's clock still shows 10 s, but its next stamp sorts after B's 50 s.
    let (_, body) = line(&*ids, "Bread", 150);
    let next = a.store.write(|tx| tx.append(stream, None, body)).unwrap();
    assert!(next.hlc > late.hlc, "{:?} after {:?}", next.hlc, late.hlc);
    assert_eq!(next.device_seq, 4);
    assert_projection_is_fold(&a.store, id);

    // And B, taking A's events, ends with the same state.
    let all_of_a = events_of_a(&a, stream);
    b.store.write(|tx| tx.ingest(&all_of_a)).unwrap();
    assert_eq!(
        b.store.read(|r| r.order(id)).unwrap(),
        a.store.read(|r| r.order(id)).unwrap()
    );
}

fn events_of_a(t: &TestStore, stream: StreamId) -> Vec<Event> {
    t.store.read(|r| r.stream_events(stream)).unwrap()
}

#[test]
fn an_event_claiming_a_used_sequence_number_goes_to_the_dead_letters() {
    let a = TestStore::new(1, 10_000);
    let b = TestStore::new(2, 10_000);
    let ids = b.ids.clone();
    b.store.write(|tx| open_order(tx, &*ids, "1")).unwrap();
    let stream = b
        .store
        .read(|r| r.list_orders(&comanda_store::OrderFilter::all(1)))
        .unwrap()[0]
        .order_id;
    let real = events_of_a(&b, StreamId::Order(stream));
    a.store.write(|tx| tx.ingest(&real)).unwrap();

    // The same (device, seq) again under another id: a forked or restored-from-backup device.
    let mut forged = real[1].clone();
    forged.id = comanda_domain::ids::EventId::new(&*a.ids);
    let new = a.store.write(|tx| tx.ingest(&[forged.clone()])).unwrap();
    assert_eq!(new, 0);
    let dead = a.store.read(|r| r.dead_letters()).unwrap();
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0].source, "ingest");
    assert_eq!(dead[0].event_id, Some(forged.id.to_string()));
    assert!(
        dead[0].reason.contains("already event"),
        "{}",
        dead[0].reason
    );
    assert!(!dead[0].reviewed);
    let raw = codec::decode_json(&dead[0].raw).unwrap();
    assert_eq!(raw, forged, "the raw text keeps the whole event");
    assert_eq!(a.store.read(|r| r.event_count()).unwrap(), 3);
}

/// Regression (review): a stamp of `u64::MAX` failed the whole batch with `Corrupt`, and no
/// dead letter kept it, so a sync would stall on it for ever.
#[test]
fn an_absurd_stamp_goes_to_the_dead_letters_and_the_rest_of_the_batch_lands() {
    let a = TestStore::new(1, 10_000);
    let b = TestStore::new(2, 10_000);
    let ids = b.ids.clone();
    b.store.write(|tx| open_order(tx, &*ids, "1")).unwrap();
    let stream = b
        .store
        .read(|r| r.list_orders(&comanda_store::OrderFilter::all(1)))
        .unwrap()[0]
        .order_id;
    let mut batch = events_of_a(&b, StreamId::Order(stream));
    let mut absurd = batch[1].clone();
    absurd.id = comanda_domain::ids::EventId::new(&*a.ids);
    absurd.device_seq = 99;
    absurd.hlc.wall_ms = u64::MAX;
    batch.push(absurd.clone());
    let new = a.store.write(|tx| tx.ingest(&batch)).unwrap();
    assert_eq!(new, batch.len() - 1);
    let dead = a.store.read(|r| r.dead_letters()).unwrap();
    assert_eq!(dead.len(), 1);
    assert!(dead[0].reason.contains("year 9999"), "{}", dead[0].reason);
    assert_eq!(dead[0].event_id, Some(absurd.id.to_string()));
    // This terminal's clock did not adopt the stamp: its next event is stamped near now.
    let ids = a.ids.clone();
    a.store.write(|tx| open_order(tx, &*ids, "2")).unwrap();
    let device = a.store.device().unwrap();
    let mine: Vec<_> = a
        .store
        .read(|r| r.list_orders(&comanda_store::OrderFilter::all(5)))
        .unwrap();
    assert!(
        mine.iter().all(|o| o.updated_ms < 1_000_000_000),
        "{mine:?}"
    );
    assert!(device.last_seq >= 1);
}

#[test]
fn own_events_restored_from_elsewhere_move_the_sequence_on() {
    let t = TestStore::new(1, 10_000);
    let ids = t.ids.clone();
    let (id, _) = t.store.write(|tx| open_order(tx, &*ids, "1")).unwrap();
    let mine = events_of_a(&t, StreamId::Order(id));
    // A copy of this device's log (from a server) holds an event the local file lost.
    let mut lost = mine[2].clone();
    lost.id = comanda_domain::ids::EventId::new(&*t.ids);
    lost.device_seq = 7;
    t.store
        .write(|tx| {
            assert_eq!(tx.ingest(&[lost])?, 1);
            let (_, body) = line(&*ids, "Tea", 250);
            let e = tx.append(StreamId::Order(id), None, body)?;
            assert_eq!(e.device_seq, 8, "7 is taken: never reuse a sequence number");
            Ok::<_, StoreError>(())
        })
        .unwrap();
    assert_projection_is_fold(&t.store, id);
}
