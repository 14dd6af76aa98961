//! Local appends: gap-free device sequence, strictly increasing HLC whatever the clock does,
//! and a device identity and counters that survive a restart.

use comanda_domain::event::StreamId;
use comanda_domain::ids::OrderId;

use crate::support::{TestStore, line, open_order, opened};

#[test]
fn append_numbers_events_without_gaps_and_stamps_them_in_order_when_the_clock_goes_back() {
    let t = TestStore::new(1, 100_000);
    let device = t.store.device().unwrap();
    assert_eq!(device.last_seq, 0);
    let a = StreamId::Order(OrderId::new(&*t.ids));
    let b = StreamId::Order(OrderId::new(&*t.ids));
    // The wall clock jumps forward, stalls, and goes back (NTP correction, a bad battery).
    let clock_ms = [
        100_000, 100_000, 99_000, 250_000, 5_000, 5_000, 250_001, 1, 300_000, 299_999,
    ];
    let mut events = Vec::new();
    for (i, now) in clock_ms.into_iter().enumerate() {
        t.clock.set(now);
        let stream = if i % 2 == 0 { a } else { b };
        let (_, body) = line(&*t.ids, "Water", 200);
        events.push(t.store.write(|tx| tx.append(stream, None, body)).unwrap());
    }
    for (i, e) in events.iter().enumerate() {
        assert_eq!(e.device_seq, i as u64 + 1);
        assert_eq!(e.device_id, device.device_id);
        assert_eq!(e.store_id, device.store_id);
        assert!(
            e.hlc.wall_ms >= clock_ms[i],
            "a stamp is never behind the wall clock"
        );
    }
    for w in events.windows(2) {
        assert!(w[1].hlc > w[0].hlc, "{:?} then {:?}", w[0].hlc, w[1].hlc);
    }
    assert_eq!(t.store.device().unwrap().last_seq, 10);

    // Restart with the clock far behind: the sequence and the HLC carry on from disk.
    let last = events.last().unwrap().hlc;
    let t = t.reopen(2);
    t.clock.set(10);
    let after = t.store.device().unwrap();
    assert_eq!(
        after.device_id, device.device_id,
        "the identity is made once"
    );
    assert_eq!(after.store_id, device.store_id);
    assert_eq!(after.last_seq, 10);
    let e = t
        .store
        .write(|tx| tx.append(a, None, opened(1, "2")))
        .unwrap();
    assert_eq!(e.device_seq, 11, "a sequence number is never reused");
    assert!(e.hlc > last, "{:?} must sort after {last:?}", e.hlc);

    // Every local event waits in the outbox, in the order it was written.
    let stats = t.store.read(|r| r.outbox_stats()).unwrap();
    assert_eq!(stats.waiting, 11);
    assert_eq!(stats.oldest_ms, Some(100_000));
    assert_eq!(t.store.read(|r| r.event_count()).unwrap(), 11);
}

#[test]
fn order_numbers_count_from_one_and_carry_on_after_a_restart() {
    let t = TestStore::new(1, 1_000);
    let ids = t.ids.clone();
    let (first, _) = t.store.write(|tx| open_order(tx, &*ids, "1")).unwrap();
    let (second, _) = t.store.write(|tx| open_order(tx, &*ids, "2")).unwrap();
    let t = t.reopen(2);
    let ids = t.ids.clone();
    let (third, _) = t.store.write(|tx| open_order(tx, &*ids, "3")).unwrap();
    let numbers: Vec<u32> = [first, second, third]
        .into_iter()
        .map(|id| t.store.read(|r| r.order(id)).unwrap().unwrap().state.number)
        .collect();
    assert_eq!(numbers, [1, 2, 3]);
}

#[test]
fn reads_see_the_last_commit_while_a_write_is_open() {
    let t = TestStore::new(1, 1_000);
    let ids = t.ids.clone();
    let (id, _) = t.store.write(|tx| open_order(tx, &*ids, "1")).unwrap();
    t.store
        .write(|tx| {
            let (_, body) = line(&*ids, "Tea", 250);
            tx.append(StreamId::Order(id), None, body)?;
            // Inside the transaction the new line is visible...
            assert_eq!(tx.order(id)?.unwrap().state.lines.len(), 3);
            // ...while the reader connection, not blocked, still sees the last commit.
            let seen = t.store.read(|r| r.order(id))?.unwrap();
            assert_eq!(seen.state.lines.len(), 2);
            Ok::<_, comanda_store::StoreError>(())
        })
        .unwrap();
    let seen = t.store.read(|r| r.order(id)).unwrap().unwrap();
    assert_eq!(seen.state.lines.len(), 3);
}
