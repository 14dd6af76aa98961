//! The one door for events made elsewhere: idempotent by id, content compared, folded in agreed
//! order whatever the arrival order, observed by the local clock only within the drift bound,
//! and never a silent drop (each event's outcome is returned; refusals are dead letters).

use comanda_domain::codec::{self, Payload, StoredEvent};
use comanda_domain::event::{Event, StreamId};
use comanda_domain::ids::{DeviceId, EventId, SeqIds, StoreId};
use comanda_domain::order;
use comanda_domain::vector::Held;
use comanda_store::{HeldWhy, MAX_DRIFT_MS, OrderFilter, Outcome, RefusalCode, StoreError};

use crate::support::{TestStore, assert_projection_is_fold, line, open_order, qty, wire};

fn events_of(t: &TestStore, stream: StreamId) -> Vec<Event> {
    t.store.read(|r| r.stream_events(stream)).unwrap()
}

/// A's order, its events as they travel.
fn an_order_of(t: &TestStore) -> (StreamId, Vec<StoredEvent>) {
    let ids = t.ids.clone();
    let (id, _) = t.store.write(|tx| open_order(tx, &*ids, "1")).unwrap();
    let stream = StreamId::Order(id);
    (stream, wire(&events_of(t, stream)))
}

#[test]
fn ingest_skips_duplicates_refolds_when_an_event_sorts_before_and_observes_the_stamp() {
    // Terminal A opens an order at 10 s; terminal B, whose clock is behind, adds lines at 5 s
    // and changes a quantity at 50 s.
    let a = TestStore::in_store(1, 10_000, 1);
    let b = TestStore::in_store(2, 5_000, 2);
    let ids = a.ids.clone();
    let (id, lines) = a.store.write(|tx| open_order(tx, &*ids, "3")).unwrap();
    let stream = StreamId::Order(id);
    let local = events_of(&a, stream);
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
    let batch = wire(&[late.clone(), early.clone(), late.clone()]);
    let got = a.store.write(|tx| tx.ingest(&batch)).unwrap();
    assert_eq!(
        got.outcomes,
        vec![Outcome::New, Outcome::New, Outcome::Duplicate],
        "the second copy in the batch is a duplicate"
    );
    assert_eq!(got.touched, vec![stream]);
    let again = a.store.write(|tx| tx.ingest(&batch)).unwrap();
    assert_eq!((again.stored(), again.duplicates()), (0, 3));
    assert!(
        again.touched.is_empty(),
        "nothing changed, nothing to announce"
    );
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
    let all_of_a = wire(&events_of(&a, stream));
    b.store.write(|tx| tx.ingest(&all_of_a)).unwrap();
    assert_eq!(
        b.store.read(|r| r.order(id)).unwrap(),
        a.store.read(|r| r.order(id)).unwrap()
    );
}

#[test]
fn events_that_sort_last_are_applied_incrementally_and_give_the_fold() {
    let a = TestStore::in_store(1, 10_000, 1);
    let b = TestStore::in_store(2, 10_000, 2);
    let (stream, opened) = an_order_of(&a);
    b.store.write(|tx| tx.ingest(&opened)).unwrap();
    b.clock.set(20_000);
    let mut more = Vec::new();
    for i in 0..5 {
        let (_, body) = line(&*b.ids, &format!("Tapa {i}"), 400 + i);
        more.push(b.store.write(|tx| tx.append(stream, None, body)).unwrap());
    }
    // Given out of order: sorted before applying, all after what A holds.
    more.reverse();
    let got = a.store.write(|tx| tx.ingest(&wire(&more))).unwrap();
    assert_eq!(got.stored(), 5);
    let StreamId::Order(id) = stream else {
        unreachable!()
    };
    assert_projection_is_fold(&a.store, id);
    assert_eq!(
        a.store.read(|r| r.order(id)).unwrap(),
        b.store.read(|r| r.order(id)).unwrap()
    );
}

/// Two events under one position (a restored or copied terminal whose old and new events both
/// reached the store): both are kept, the smaller id in place and the other relocated, in
/// whatever order they arrive, the same on every node; a manager is told.
#[test]
fn two_events_claiming_one_sequence_number_are_both_kept_the_same_way_everywhere() {
    let b = TestStore::in_store(2, 10_000, 2);
    let (_, real) = an_order_of(&b);
    // The same (device, seq) again under another id, one with a smaller id, one with a larger.
    let ids = &*b.ids;
    let mut low = real[1].clone();
    low.id = EventId::from_uuid(uuid::Uuid::from_u128(1));
    let mut high = real[1].clone();
    high.id = EventId::new(ids);
    assert!(low.id < real[1].id && real[1].id < high.id);

    let one = TestStore::in_store(1, 10_000, 1);
    let two = TestStore::in_store(3, 10_000, 3);
    one.store.write(|tx| tx.ingest(&real)).unwrap();
    let got = one
        .store
        .write(|tx| tx.ingest(&[high.clone(), low.clone()]))
        .unwrap();
    assert_eq!(got.outcomes, vec![Outcome::New, Outcome::New]);
    // The other node sees them in another order, in other batches.
    two.store
        .write(|tx| tx.ingest(&[high.clone(), low.clone()]))
        .unwrap();
    two.store.write(|tx| tx.ingest(&real)).unwrap();

    for t in [&one, &two] {
        assert_eq!(t.store.read(|r| r.event_count()).unwrap(), 5);
        let at = |d, s| {
            t.store
                .read(|r| r.device_events_after(d, s - 1, 1))
                .unwrap()
                .into_iter()
                .next()
                .filter(|e| e.device_seq == s)
                .map(|e| e.id)
        };
        assert_eq!(at(real[1].device_id, real[1].device_seq), Some(low.id));
        for moved in [&real[1], &high] {
            let to = comanda_domain::ids::relocated_device(moved.device_id, moved.id);
            assert_eq!(at(to, 1), Some(moved.id));
        }
        let dead = t.store.read(|r| r.dead_letters()).unwrap();
        assert!(!dead.is_empty());
        assert!(dead.iter().all(|d| d.reason.starts_with("relocated:")));
    }
    assert_eq!(
        one.store.read(|r| r.vector()).unwrap(),
        two.store.read(|r| r.vector()).unwrap()
    );
    assert_eq!(
        one.store.read(|r| r.digests()).unwrap(),
        two.store.read(|r| r.digests()).unwrap()
    );
    // A node that held the moved event in place takes its relocated form as the same event.
    let three = TestStore::in_store(4, 10_000, 4);
    three.store.write(|tx| tx.ingest(&real)).unwrap();
    let moved = one
        .store
        .read(|r| {
            r.device_events_after(
                comanda_domain::ids::relocated_device(real[1].device_id, real[1].id),
                0,
                1,
            )
        })
        .unwrap();
    let got = three.store.write(|tx| tx.ingest(&moved)).unwrap();
    assert_eq!(got.outcomes, vec![Outcome::Duplicate]);
    assert_eq!(
        three
            .store
            .read(|r| r.vector())
            .unwrap()
            .get(real[1].device_id)
            .count(),
        real.len() as u64 - 1,
        "its old position is free for the event that holds it elsewhere"
    );
}

#[test]
fn the_same_id_with_other_content_is_refused_not_skipped() {
    let a = TestStore::in_store(1, 10_000, 1);
    let b = TestStore::in_store(2, 10_000, 2);
    let (_, real) = an_order_of(&b);
    a.store.write(|tx| tx.ingest(&real)).unwrap();
    let mut other = real[1].clone();
    let mut v = other.payload.to_value();
    v["name"] = serde_json::json!("Something else");
    other.payload = Payload::from_value(&v);
    let got = a
        .store
        .write(|tx| tx.ingest(&[other, real[1].clone()]))
        .unwrap();
    assert!(
        matches!(
            &got.outcomes[0],
            Outcome::Refused { code: RefusalCode::ContentDiffers, reason } if reason.contains("other content")
        ),
        "{:?}",
        got.outcomes
    );
    assert_eq!(got.outcomes[1], Outcome::Duplicate);
    assert_eq!(a.store.read(|r| r.dead_letters()).unwrap().len(), 1);
}

#[test]
fn a_payload_is_kept_as_text_and_the_same_json_spaced_otherwise_is_a_duplicate() {
    let a = TestStore::in_store(1, 10_000, 1);
    let b = TestStore::in_store(2, 10_000, 2);
    let (_, real) = an_order_of(&b);
    a.store.write(|tx| tx.ingest(&real)).unwrap();
    // Held byte for byte as the device wrote it (canonical: keys sorted, no spaces).
    let held = a
        .store
        .read(|r| r.device_events_after(real[1].device_id, 0, 100))
        .unwrap();
    let line = held.iter().find(|e| e.id == real[1].id).unwrap();
    assert_eq!(line.payload.as_str(), real[1].payload.as_str());
    assert!(!line.payload.as_str().contains(": "));
    // Another client's spacing of the same JSON is the same event, not other content.
    let mut spaced = real[1].clone();
    let pretty = serde_json::to_string_pretty(&spaced.payload.to_value()).unwrap();
    spaced.payload = Payload::from_text(pretty).unwrap();
    assert_ne!(spaced.payload.as_str(), real[1].payload.as_str());
    let got = a.store.write(|tx| tx.ingest(&[spaced])).unwrap();
    assert_eq!(got.outcomes, vec![Outcome::Duplicate]);
    assert!(a.store.read(|r| r.dead_letters()).unwrap().is_empty());
    // Text that is not JSON is no payload at all.
    assert!(Payload::from_text("{\"a\":".into()).is_err());
}

#[test]
fn an_envelope_that_lies_is_refused_and_the_rest_of_the_batch_lands() {
    let a = TestStore::in_store(1, 10_000, 1);
    let b = TestStore::in_store(2, 10_000, 2);
    let (_, mut batch) = an_order_of(&b);
    let good = batch.len();
    let mut other_store = batch[1].clone();
    other_store.id = EventId::new(&*a.ids);
    other_store.device_seq = 50;
    other_store.store_id = StoreId::new(&*a.ids);
    let mut mismatch = batch[1].clone();
    mismatch.id = EventId::new(&*a.ids);
    mismatch.device_seq = 51;
    mismatch.hlc.device = a.store.device().unwrap().device_id;
    let mut zero = batch[1].clone();
    zero.id = EventId::new(&*a.ids);
    zero.device_seq = 0;
    // Regression (review): a stamp of `u64::MAX` failed the whole batch with `Corrupt`.
    let mut absurd = batch[1].clone();
    absurd.id = EventId::new(&*a.ids);
    absurd.device_seq = 99;
    absurd.hlc.wall_ms = u64::MAX;
    batch.extend([other_store, mismatch, zero, absurd]);
    let got = a.store.write(|tx| tx.ingest(&batch)).unwrap();
    assert_eq!(got.stored(), good);
    let codes: Vec<_> = got.outcomes[good..]
        .iter()
        .map(|o| match o {
            Outcome::Refused { code, .. } => Some(*code),
            _ => None,
        })
        .collect();
    assert_eq!(
        codes,
        [
            RefusalCode::WrongStore,
            RefusalCode::DeviceMismatch,
            RefusalCode::OutOfRange,
            RefusalCode::OutOfRange
        ]
        .map(Some)
    );
    let dead = a.store.read(|r| r.dead_letters()).unwrap();
    assert_eq!(dead.len(), 4);
    assert!(dead[3].reason.contains("year 9999"), "{}", dead[3].reason);
    // This terminal's clock adopted none of it: its next event is stamped near now.
    let ids = a.ids.clone();
    a.store.write(|tx| open_order(tx, &*ids, "2")).unwrap();
    let mine = a
        .store
        .read(|r| r.list_orders(&OrderFilter::all(5)))
        .unwrap();
    assert!(mine.iter().all(|o| o.updated_ms < 1_000_000), "{mine:?}");
}

#[test]
fn an_event_stamped_past_the_drift_bound_waits_aside_and_never_moves_the_clock() {
    let a = TestStore::in_store(1, 1_000_000, 1);
    let b = TestStore::in_store(2, 1_000_000, 2);
    // B's clock runs a day ahead.
    let day = 86_400_000;
    b.clock.set(1_000_000 + day);
    let (stream, ahead) = an_order_of(&b);
    let got = a.store.write(|tx| tx.ingest(&ahead)).unwrap();
    assert!(
        got.outcomes
            .iter()
            .all(|o| matches!(o, Outcome::Deferred { skew_ms } if *skew_ms >= day))
    );
    assert_eq!(got.max_skew_ms, Some(day), "{got:?}");
    assert!(got.touched.is_empty());
    assert_eq!(a.store.read(|r| r.event_count()).unwrap(), 0);
    assert_eq!(a.store.read(|r| r.vector()).unwrap().count(), 0);
    // A's own next stamp is still near its clock, not a day on.
    let ids = a.ids.clone();
    let (mine, _) = a.store.write(|tx| open_order(tx, &*ids, "2")).unwrap();
    let first = events_of(&a, StreamId::Order(mine))[0].hlc;
    assert!(first.wall_ms < 1_000_000 + MAX_DRIFT_MS, "{first:?}");
    // Sent again: still waiting, still once.
    let again = a.store.write(|tx| tx.ingest(&ahead)).unwrap();
    assert!(matches!(again.outcomes[0], Outcome::Deferred { .. }));

    // Within the bound at last: the next ingest (even an empty one) takes them in.
    a.clock.set(1_000_000 + day);
    let later = a.store.write(|tx| tx.ingest(&[])).unwrap();
    assert_eq!(later.released, ahead.len());
    assert_eq!(later.touched, vec![stream]);
    let StreamId::Order(id) = stream else {
        unreachable!()
    };
    assert_eq!(
        a.store.read(|r| r.order(id)).unwrap(),
        b.store.read(|r| r.order(id)).unwrap()
    );
    let again = a.store.write(|tx| tx.ingest(&ahead)).unwrap();
    assert_eq!(again.duplicates(), ahead.len());
}

#[test]
fn an_unknown_kind_is_held_in_the_vector_passed_on_as_made_and_projected_once_known() {
    let a = TestStore::in_store(1, 10_000, 1);
    let b = TestStore::in_store(2, 10_000, 2);
    let (stream, events) = an_order_of(&b);
    let StreamId::Order(id) = stream else {
        unreachable!()
    };
    // A newer build's kind, and a kind this build knows at a schema it does not.
    let mut newer = events.clone();
    newer[1].kind = "LineAddedWithAllergens".into();
    let mut v = newer[1].payload.to_value();
    v["allergens"] = serde_json::json!(["nuts"]);
    newer[1].payload = Payload::from_value(&v);
    newer[2].schema = 9;
    let got = a.store.write(|tx| tx.ingest(&newer)).unwrap();
    assert_eq!(got.outcomes[0], Outcome::New);
    for o in &got.outcomes[1..] {
        assert!(
            matches!(o, Outcome::Held { why: HeldWhy::Newer, reason } if reason.contains("newer version")),
            "{o:?}"
        );
    }
    // Held: counted in the vector (no gap for a peer to resend for ever) and passed on exactly.
    let device_b = b.store.device().unwrap().device_id;
    assert_eq!(
        a.store.read(|r| r.vector()).unwrap().get(device_b),
        Held::upto(3)
    );
    let served = a
        .store
        .read(|r| r.device_events_after(device_b, 0, 10))
        .unwrap();
    assert_eq!(served, newer);
    // Not projected: the order shows what this build can read.
    let rec = a.store.read(|r| r.order(id)).unwrap().unwrap();
    assert!(rec.state.lines.is_empty());
    assert!(a.store.read(|r| r.dead_letters()).unwrap().is_empty());

    // "An update that knows it": the held rows are made readable in the file, as a newer build
    // reads them; the next open projects them.
    let db = rusqlite::Connection::open(a.path()).unwrap();
    db.execute(
        "UPDATE events SET kind = 'LineAdded', payload = json_remove(payload, '$.allergens')
         WHERE kind = 'LineAddedWithAllergens'",
        [],
    )
    .unwrap();
    db.execute("UPDATE events SET schema = 1 WHERE schema = 9", [])
        .unwrap();
    drop(db);
    let a = a.reopen(11);
    let rec = a.store.read(|r| r.order(id)).unwrap().unwrap();
    assert_eq!(rec, b.store.read(|r| r.order(id)).unwrap().unwrap());
    assert_projection_is_fold(&a.store, id);
}

#[test]
fn a_payload_that_does_not_match_its_kind_is_held_and_shown_never_projected() {
    let a = TestStore::in_store(1, 10_000, 1);
    let b = TestStore::in_store(2, 10_000, 2);
    let (stream, mut events) = an_order_of(&b);
    events[1].payload = Payload::from_value(&serde_json::json!({"line_id": 5}));
    let got = a.store.write(|tx| tx.ingest(&events)).unwrap();
    assert!(matches!(
        got.outcomes[1],
        Outcome::Held {
            why: HeldWhy::Refused,
            ..
        }
    ));
    let dead = a.store.read(|r| r.dead_letters()).unwrap();
    assert_eq!(dead.len(), 1);
    assert!(dead[0].reason.contains("bad payload"), "{}", dead[0].reason);
    let StreamId::Order(id) = stream else {
        unreachable!()
    };
    let rec = a.store.read(|r| r.order(id)).unwrap().unwrap();
    assert_eq!(
        rec.state.lines.len(),
        1,
        "the line with the bad payload is not there"
    );
    let a = a.reopen(12);
    let rec = a.store.read(|r| r.order(id)).unwrap().unwrap();
    assert_eq!(rec.state.lines.len(), 1, "and an open does not release it");
    // Nor does re-projecting the whole log (after an upgrade).
    let db = rusqlite::Connection::open(a.path()).unwrap();
    db.execute("UPDATE device SET projection_version = 0", [])
        .unwrap();
    drop(db);
    let a = a.reopen(13);
    let again = a.store.read(|r| r.order(id)).unwrap().unwrap();
    assert_eq!(again, rec);
}

#[test]
fn a_gap_shows_in_the_vector_until_it_is_filled() {
    let a = TestStore::in_store(1, 10_000, 1);
    let b = TestStore::in_store(2, 10_000, 2);
    let (_, events) = an_order_of(&b);
    let device_b = b.store.device().unwrap().device_id;
    a.store
        .write(|tx| tx.ingest(&[events[0].clone(), events[2].clone()]))
        .unwrap();
    let held = a.store.read(|r| r.vector()).unwrap().get(device_b);
    assert_eq!(
        (held.upto, held.above.iter().copied().collect::<Vec<_>>()),
        (1, vec![3])
    );
    a.store.write(|tx| tx.ingest(&events[1..2])).unwrap();
    assert_eq!(
        a.store.read(|r| r.vector()).unwrap().get(device_b),
        Held::upto(3)
    );
    // The vector is kept beside the log (`device_heads`), and says what a scan of the log says,
    // for every device, whatever path wrote the events.
    let _local = an_order_of(&a);
    let scan: Vec<(String, i64, i64)> = rusqlite::Connection::open(a.path())
        .unwrap()
        .prepare(
            "SELECT device_id, count(*), max(device_seq) FROM events GROUP BY device_id ORDER BY 1",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let heads: Vec<(String, i64, i64)> = rusqlite::Connection::open(a.path())
        .unwrap()
        .prepare("SELECT device_id, count, max_seq FROM device_heads ORDER BY 1")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(heads, scan);
    assert!(heads.len() >= 2);
    // And each device's digest is the XOR of its events' id digests, whatever path wrote them.
    let ids: Vec<(String, String)> = rusqlite::Connection::open(a.path())
        .unwrap()
        .prepare("SELECT device_id, id FROM events")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut expected: std::collections::BTreeMap<comanda_domain::ids::DeviceId, u64> =
        std::collections::BTreeMap::new();
    for (device, id) in ids {
        *expected.entry(device.parse().unwrap()).or_default() ^=
            comanda_store::id_digest(id.parse().unwrap());
    }
    assert_eq!(a.store.read(|r| r.digests()).unwrap(), expected);
}

#[test]
fn own_events_from_elsewhere_give_this_terminal_a_fresh_device_id() {
    let hub = DeviceId::new(&SeqIds::new(99));
    let t = TestStore::in_store_by(1, 10_000, 1, Some(hub));
    let ids = t.ids.clone();
    let (id, _) = t.store.write(|tx| open_order(tx, &*ids, "1")).unwrap();
    let mine = events_of(&t, StreamId::Order(id));
    let old = t.store.device().unwrap().device_id;
    // A peer holds an event of this device that its file lost (restored from a backup).
    let mut lost = codec::encode(&mine[2]);
    lost.id = EventId::new(&*t.ids);
    lost.device_seq = 7;
    t.store
        .write(|tx| {
            let got = tx.ingest(&[lost.clone()])?;
            assert_eq!(got.outcomes, vec![Outcome::New]);
            let (was, now) = got.rotated.expect("a new identity");
            assert_eq!(was, old);
            let (_, body) = line(&*ids, "Tea", 250);
            let e = tx.append(StreamId::Order(id), None, body)?;
            assert_eq!((e.device_id, e.device_seq), (now, 1));
            assert_eq!(e.hlc.device, now);
            Ok::<_, StoreError>(())
        })
        .unwrap();
    let v = t.store.read(|r| r.vector()).unwrap();
    let held = v.get(old);
    assert_eq!((held.upto, held.above.len()), (3, 1), "old 1–3 and 7 kept");
    assert_ne!(t.store.device().unwrap().device_id, old);
    assert_projection_is_fold(&t.store, id);
}

#[test]
fn pairing_is_refused_once_the_log_holds_events_and_order_numbers_carry_the_terminal() {
    let t = TestStore::in_store(1, 10_000, 7);
    let ids = t.ids.clone();
    let info = t.store.device().unwrap();
    assert!(info.paired);
    assert_eq!(info.terminal_no, 7);
    let numbers: Vec<u32> = (0..3)
        .map(|_| t.store.write(|tx| tx.next_order_number()).unwrap())
        .collect();
    assert_eq!(numbers, vec![70_001, 70_002, 70_003]);
    t.store.write(|tx| open_order(tx, &*ids, "1")).unwrap();
    let again = comanda_store::Pairing {
        store_id: info.store_id,
        device_id: info.device_id,
        terminal_no: 8,
        pairer: info.device_id,
    };
    let err = t.store.write(|tx| tx.pair(&again)).unwrap_err();
    assert!(matches!(err, StoreError::NotEmpty(3)), "{err}");
    assert_eq!(t.store.device().unwrap().terminal_no, 7);

    // After 9999 numbers a terminal starts again from 1 in its own block.
    let db = rusqlite::Connection::open(t.path()).unwrap();
    db.execute("UPDATE device SET next_order_number = 9999", [])
        .unwrap();
    drop(db);
    let t = t.reopen(5);
    let wrap: Vec<u32> = (0..2)
        .map(|_| t.store.write(|tx| tx.next_order_number()).unwrap())
        .collect();
    assert_eq!(wrap, vec![79_999, 70_001]);
}

#[test]
fn a_manager_takes_events_from_a_clock_ahead_in_without_moving_the_clock() {
    let a = TestStore::in_store(1, 1_000_000, 1);
    let b = TestStore::in_store(2, 1_000_000, 2);
    b.clock.set(1_000_000 + 86_400_000);
    let (stream, ahead) = an_order_of(&b);
    a.store.write(|tx| tx.ingest(&ahead)).unwrap();
    let got = a.store.write(|tx| tx.accept_deferred()).unwrap();
    assert_eq!(got.released, ahead.len());
    assert_eq!(got.touched, vec![stream]);
    let StreamId::Order(id) = stream else {
        unreachable!()
    };
    assert_eq!(
        a.store.read(|r| r.order(id)).unwrap(),
        b.store.read(|r| r.order(id)).unwrap()
    );
    // The clock did not follow: A's next stamp is near its own time.
    let ids = a.ids.clone();
    let (mine, _) = a.store.write(|tx| open_order(tx, &*ids, "2")).unwrap();
    let first = events_of(&a, StreamId::Order(mine))[0].hlc;
    assert!(first.wall_ms < 1_000_000 + MAX_DRIFT_MS, "{first:?}");
    // Nothing is left aside, and the same events again are duplicates.
    assert_eq!(
        a.store.write(|tx| tx.accept_deferred()).unwrap().released,
        0
    );
    let again = a.store.write(|tx| tx.ingest(&ahead)).unwrap();
    assert_eq!(again.duplicates(), ahead.len());
}

#[test]
fn a_terminal_emptied_for_pairing_keeps_everything_in_its_archive() {
    let t = TestStore::new(1, 10_000);
    let ids = t.ids.clone();
    let (id, _) = t.store.write(|tx| open_order(tx, &*ids, "1")).unwrap();
    let archive = t.dir.path().join("before-pairing.sqlite");
    assert_eq!(t.store.archive_and_clear(&archive).unwrap(), 3);
    assert_eq!(t.store.read(|r| r.event_count()).unwrap(), 0);
    assert_eq!(
        t.store.read(|r| r.vector()).unwrap().count(),
        0,
        "nothing held"
    );
    assert!(t.store.read(|r| r.order(id)).unwrap().is_none());
    assert!(
        t.store.archive_and_clear(&archive).is_err(),
        "never overwritten"
    );
    // The archive holds the whole log and its projection.
    let old = rusqlite::Connection::open(&archive).unwrap();
    let n: i64 = old
        .query_row("SELECT count(*) FROM events", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 3);
    // Now it pairs, and numbers from its terminal's block.
    let device_id = comanda_domain::ids::DeviceId::new(&*t.ids);
    let pairing = comanda_store::Pairing {
        store_id: crate::support::store_id(),
        device_id,
        terminal_no: 3,
        pairer: device_id,
    };
    t.store.write(|tx| tx.pair(&pairing)).unwrap();
    assert_eq!(t.store.write(|tx| tx.next_order_number()).unwrap(), 30_001);
    // With its TLS identity and the hub pinned, kept across a reopen; a second identity
    // replaces the first (pairing makes a fresh one).
    assert!(t.store.read(|r| r.identity()).unwrap().is_none());
    t.store
        .write(|tx| {
            tx.set_identity(b"cert-1", b"key-1")?;
            tx.set_identity(b"cert-2", b"key-2")?;
            tx.set_sync_peer(&comanda_store::SyncPeer {
                peer_id: comanda_domain::ids::DeviceId::new(&*ids),
                address: "https://127.0.0.1:8788".into(),
                name: "Hub".into(),
                token: "cmd_x".into(),
                fingerprint: Some("ab".repeat(32)),
            })
        })
        .unwrap();
    let t = t.reopen(2);
    let id = t.store.read(|r| r.identity()).unwrap().unwrap();
    assert_eq!(
        (id.cert.as_slice(), id.key.as_slice()),
        (&b"cert-2"[..], &b"key-2"[..])
    );
    assert!(!format!("{id:?}").contains("107"), "the key never prints"); // b'k' = 107
    let hubs = t.store.read(|r| r.sync_peers()).unwrap();
    assert_eq!(
        hubs[0].fingerprint.as_deref(),
        Some("ab".repeat(32).as_str())
    );
}

/// Only the node that pairs devices (the hub) writes the store's device registry: a
/// `DevicePaired` or `DeviceRevoked` made by any other device is refused at the door (a stolen or
/// copied terminal cannot add a device of its own, nor re-pin another's certificate, on every
/// terminal), and the pairer's own is taken in.
#[test]
fn only_the_pairer_writes_the_device_registry() {
    use comanda_domain::device::{DevicePaired, DeviceRevoked};
    use comanda_domain::event::EventBody;
    // `hub` pairs devices; `t` trusts it; `rogue` is another terminal of the store.
    let hub = TestStore::in_store(1, 10_000, 0);
    let hub_id = hub.store.device().unwrap().device_id;
    let t = TestStore::new(2, 10_000);
    let t_id = comanda_domain::ids::DeviceId::new(&*t.ids);
    t.store
        .write(|tx| {
            tx.pair(&comanda_store::Pairing {
                store_id: crate::support::store_id(),
                device_id: t_id,
                terminal_no: 1,
                pairer: hub_id,
            })
        })
        .unwrap();
    let rogue = TestStore::in_store(3, 10_000, 2);
    let paired = |who: comanda_domain::ids::DeviceId| {
        EventBody::DevicePaired(DevicePaired {
            device_id: who,
            terminal_no: 9,
            name: "Intruder".into(),
            token_hash: "00".repeat(32),
            cert_fingerprint: Some("11".repeat(32)),
        })
    };
    let intruder = comanda_domain::ids::DeviceId::new(&*rogue.ids);
    for (store, body) in [
        (&rogue, paired(intruder)),
        (
            &rogue,
            EventBody::DeviceRevoked(DeviceRevoked { device_id: t_id }),
        ),
        (&hub, paired(intruder)),
    ] {
        store
            .store
            .write(|tx| tx.append(StreamId::Devices, None, body))
            .unwrap();
    }
    let from_rogue = wire(&events_of(&rogue, StreamId::Devices));
    let got = t.store.write(|tx| tx.ingest(&from_rogue)).unwrap();
    assert_eq!(got.stored(), 0);
    assert!(got.outcomes.iter().all(|o| matches!(
        o,
        Outcome::Refused {
            code: RefusalCode::NotAllowed,
            ..
        }
    )));
    assert!(t.store.read(|r| r.devices()).unwrap().is_empty());
    let dead = t.store.read(|r| r.dead_letters()).unwrap();
    assert!(
        dead[0].reason.starts_with("not_allowed"),
        "{}",
        dead[0].reason
    );
    // The hub's own is taken in.
    let from_hub = wire(&events_of(&hub, StreamId::Devices));
    assert_eq!(
        t.store.write(|tx| tx.ingest(&from_hub)).unwrap().stored(),
        1
    );
    assert!(
        t.store
            .read(|r| r.devices())
            .unwrap()
            .contains_key(&intruder)
    );
}
