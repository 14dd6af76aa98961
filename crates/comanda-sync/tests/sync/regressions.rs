//! Named regression tests: failures that real sync engines shipped, each replayed against
//! Comanda's exchange (issue 10, "Named regression tests").

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use comanda_domain::event::{EventBody, StreamId};
use comanda_domain::ids::{OrderId, StoreId};
use comanda_store::{OrderFilter, RefusalCode, StoreError};
use comanda_sync::wire::{ExchangeRequest, ExchangeResponse, ResultKind, WireVector};
use comanda_sync::{Failure, Link, PeerClient, Step, Transport, answer};

use crate::support::{Node, round, sync};

fn orders(n: &Node) -> Vec<comanda_store::OrderSummary> {
    n.store
        .read(|r| r.list_orders(&OrderFilter::all(10_000)))
        .unwrap()
}

/// PouchDB #1240: a checkpoint saved ahead of its data made a replicator skip changes for
/// good. Here the asker's belief about the peer is only a hint: told (wrongly) that the peer
/// holds everything, it still sends what the peer's own vector lacks.
#[test]
fn pouchdb_1240_a_belief_ahead_of_the_data_skips_nothing() {
    let a = Node::paired(1);
    let b = Node::paired(2);
    a.cashier(30, 12);
    let mut link = Link::new(b.id());
    let mine = a.store.read(|r| r.vector()).unwrap();
    let lie = ExchangeResponse {
        protocol: comanda_sync::wire::PROTOCOL_VERSION,
        from: b.id(),
        now_ms: 1_000_000,
        vector: WireVector::from(&mine),
        results: vec![],
        events: vec![],
        more: false,
    };
    let said = link.apply(&a.store, &lie).unwrap();
    assert!(
        !said.more,
        "believing the peer has it all, there is nothing to say"
    );
    sync(&a, &mut link, &b);
    assert_eq!(b.event_count(), a.event_count());
    assert_eq!(orders(&a), orders(&b));
}

/// A transport that fails `failures` times, then answers from a real store.
struct Flaky {
    left: AtomicU32,
    peer: Arc<comanda_store::Store>,
}

impl Transport for Flaky {
    async fn exchange(
        &self,
        _address: &str,
        req: &ExchangeRequest,
    ) -> Result<ExchangeResponse, Failure> {
        if self.left.load(Ordering::SeqCst) > 0 {
            self.left.fetch_sub(1, Ordering::SeqCst);
            return Err(Failure::Unreachable("connection reset".into()));
        }
        answer(&self.peer, req).map_err(|e| Failure::Protocol(e.to_string()))
    }
}

/// powersync-native #15: the upload queue stopped retrying after one failure. The worker here
/// is re-armed after every failure, however many, and delivers once the peer answers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn powersync_native_15_a_queue_retries_after_every_failure() {
    let a = Node::paired(1);
    let b = Node::paired(2);
    a.cashier(31, 5);
    let b_id = b.id();
    let peer = Arc::new(b.store);
    let store = Arc::new(a.store);
    let t = Flaky {
        left: AtomicU32::new(25),
        peer: peer.clone(),
    };
    let mut client = PeerClient::new(b_id, "http://b", 3);
    let mut now = 0u64;
    let mut delivered = false;
    for _ in 0..200 {
        match client.step(&store, &t, now).await.unwrap() {
            Step::Failed { next_ms, .. } | Step::WaitUntil(next_ms) => {
                assert!(next_ms >= now && next_ms <= now + 300_000);
                now = next_ms;
            }
            Step::Exchanged { more, .. } => {
                if !more {
                    delivered = true;
                    break;
                }
            }
            Step::Stopped => panic!("a network failure must never stop the worker"),
        }
    }
    assert!(delivered);
    let count = |s: &comanda_store::Store| s.read(|r| r.event_count()).unwrap();
    assert_eq!(count(&peer), count(&store));
}

/// powersync-sqlite-core #162: a crash in the middle of applying a download left sync wedged
/// for good. A page is one transaction here: a crash rolls it back whole, and the next exchange
/// simply brings it again.
#[test]
fn powersync_sqlite_core_162_a_crash_mid_page_does_not_wedge_sync() {
    let a = Node::paired(1);
    let b = Node::paired(2);
    b.cashier(32, 10);
    let mut link = Link::new(b.id());
    round(&a, &mut link, &b).unwrap();
    let req = link.request(&a.store).unwrap();
    let resp = answer(&b.store, &req).unwrap();
    assert!(!resp.events.is_empty() || a.event_count() > 0);
    // The process dies after storing part of the page, before the commit.
    let died: Result<(), StoreError> = a.store.write(|tx| {
        tx.ingest(&resp.events[..resp.events.len() / 2])?;
        Err(StoreError::Corrupt("power cut".into()))
    });
    assert!(died.is_err());
    sync(&a, &mut link, &b);
    assert_eq!(a.event_count(), b.event_count());
    assert_eq!(orders(&a), orders(&b));
}

/// electric-sql PR #3363: recovering from an auth failure reset the client's progress and sent
/// everything again. Progress here is the peer's own vector: a new link (as after pairing
/// again, or a restart) sends nothing the peer already holds.
#[test]
fn electric_3363_a_fresh_link_resends_nothing_the_peer_holds() {
    let a = Node::paired(1);
    let b = Node::paired(2);
    a.cashier(33, 15);
    let mut link = Link::new(b.id());
    sync(&a, &mut link, &b);
    let mut fresh = Link::new(b.id());
    let mut sent = 0;
    loop {
        let req = fresh.request(&a.store).unwrap();
        sent += req.events.len();
        let resp = answer(&b.store, &req).unwrap();
        if !fresh.apply(&a.store, &resp).unwrap().more {
            break;
        }
    }
    assert_eq!(sent, 0);
}

/// rocicorp/mono #4246: a change the server rejected was dropped without a word. Here a refused
/// event comes back with its code and reason, and the answerer keeps it among its dead letters.
#[test]
fn rocicorp_mono_4246_a_refused_change_is_said_and_kept() {
    let a = Node::paired(1);
    let b = Node::paired(2);
    a.cashier(34, 3);
    let mut link = Link::new(b.id());
    round(&a, &mut link, &b).unwrap();
    let mut req = link.request(&a.store).unwrap();
    assert!(!req.events.is_empty());
    req.events[0].store_id = StoreId::new(&comanda_domain::ids::SeqIds::new(55));
    let resp = answer(&b.store, &req).unwrap();
    let got = link.apply(&a.store, &resp).unwrap();
    assert_eq!(got.refused_by_peer.len(), 1);
    let refused = &got.refused_by_peer[0];
    assert_eq!(refused.result, ResultKind::Refused);
    assert_eq!(
        refused.code.as_deref(),
        Some(RefusalCode::WrongStore.as_str())
    );
    assert!(refused.reason.is_some());
    assert_eq!(b.store.read(|r| r.dead_letters()).unwrap().len(), 1);
    // The genuine event still arrives with the next exchange.
    sync(&a, &mut link, &b);
    assert_eq!(a.event_count(), b.event_count());
}

/// yjs #550: one dropped message blocked every later update. Here a later page can arrive
/// first: it is held above the gap (the vector says so exactly), and the next exchange fills
/// the gap; the projection is the fold of everything, in agreed order.
#[test]
fn yjs_550_a_lost_page_blocks_nothing_after_it() {
    let a = Node::paired(1);
    let b = Node::paired(2);
    a.cashier(35, 12);
    let a_id = a.id();
    let all = a
        .store
        .read(|r| r.device_events_after(a_id, 0, 1_000))
        .unwrap();
    let half = all.len() / 2;
    // The first half is lost on the way; the second arrives.
    let got = b.store.write(|tx| tx.ingest(&all[half..])).unwrap();
    assert_eq!(got.stored(), all.len() - half);
    let held = b.store.read(|r| r.vector()).unwrap().get(a.id());
    assert_eq!(held.upto, 0);
    assert_eq!(held.above.len(), all.len() - half);
    let mut link = Link::new(a.id());
    sync(&b, &mut link, &a);
    assert_eq!(
        b.store.read(|r| r.vector()).unwrap(),
        a.store.read(|r| r.vector()).unwrap()
    );
    assert_eq!(orders(&a), orders(&b));
}

/// automerge #870: two peers reported "in sync" while holding different data, because they
/// compared flags, not content. Comanda's vectors name events by `(device, seq)`: two nodes
/// holding different events at the same positions (a copied device that forked) have equal
/// vectors and would exchange nothing. Each vector entry carries a digest of the ids held, so the
/// fork is found on the first exchange and shown to a manager on both sides, once; the asker then
/// asks for that device's events again, and the door keeps both events of the forked position
/// (the one with the larger id relocated, the same on every node) until both logs agree.
#[test]
fn automerge_870_equal_vectors_with_other_events_are_found_by_their_digests() {
    let a = Node::paired(1);
    let b = Node::paired(2);
    let c = Node::paired(3);
    c.cashier(36, 2);
    let c_id = c.id();
    let events = c
        .store
        .read(|r| r.device_events_after(c_id, 0, 100))
        .unwrap();
    let mut forked = events.clone();
    forked[0].id = comanda_domain::ids::EventId::new(&*a.ids);
    a.store.write(|tx| tx.ingest(&events)).unwrap();
    b.store.write(|tx| tx.ingest(&forked)).unwrap();
    assert_eq!(
        a.store.read(|r| r.vector()).unwrap(),
        b.store.read(|r| r.vector()).unwrap()
    );
    let forks = |n: &Node| {
        n.store
            .read(|r| r.dead_letters())
            .unwrap()
            .into_iter()
            .filter(|d| d.reason.starts_with("diverged") && d.reason.contains(&c_id.to_string()))
            .count()
    };
    let mut link = Link::new(b.id());
    let first = round(&a, &mut link, &b).unwrap();
    assert_eq!(first.pulled, 0);
    assert!(first.more, "a fork asks for the device's events again");
    sync(&a, &mut link, &b);
    assert_eq!(
        (forks(&a), forks(&b)),
        (1, 1),
        "both sides see the fork, once"
    );
    // Both events of the forked position are kept, on both, the same way.
    assert_eq!(a.event_count(), events.len() as u64 + 1);
    assert_eq!(b.event_count(), a.event_count());
    assert_eq!(
        a.store.read(|r| r.vector()).unwrap(),
        b.store.read(|r| r.vector()).unwrap()
    );
    assert_eq!(
        a.store.read(|r| r.digests()).unwrap(),
        b.store.read(|r| r.digests()).unwrap()
    );
    // Logs that agree raise nothing.
    let d = Node::paired(4);
    let e = Node::paired(5);
    d.store.write(|tx| tx.ingest(&events)).unwrap();
    e.store.write(|tx| tx.ingest(&events)).unwrap();
    let mut link = Link::new(e.id());
    let r = round(&d, &mut link, &e).unwrap();
    assert!(!r.more);
    assert_eq!((forks(&d), forks(&e)), (0, 0));
}

/// odoo #138664: two waiters adding to one table's order offline lost one's lines on sync.
/// Lines are an add-wins set: both waiters' lines are on the order everywhere.
#[test]
fn odoo_138664_two_waiters_on_one_table_lose_no_line() {
    let a = Node::paired(1);
    let b = Node::paired(2);
    let mut seed = 37;
    while orders(&a).is_empty() {
        a.cashier(seed, 1);
        seed += 100;
    }
    let mut link = Link::new(b.id());
    sync(&a, &mut link, &b);
    let table = orders(&a)[0].order_id;
    let add = |n: &Node, name: &str| {
        let ids = n.ids.clone();
        n.store
            .write(|tx| tx.append(StreamId::Order(table), None, line_added(&*ids, name)))
            .unwrap();
    };
    // Apart: each waiter adds to the same order.
    add(&a, "Fries");
    add(&b, "Cola");
    add(&b, "Salad");
    sync(&a, &mut link, &b);
    let lines = |n: &Node, id: OrderId| {
        let mut names: Vec<String> = n
            .store
            .read(|r| r.order(id))
            .unwrap()
            .unwrap()
            .state
            .lines
            .iter()
            .map(|l| l.name.clone())
            .collect();
        names.sort();
        names
    };
    let on_a = lines(&a, table);
    assert!(on_a.contains(&"Fries".to_owned()) && on_a.contains(&"Cola".to_owned()));
    assert!(on_a.contains(&"Salad".to_owned()));
    assert_eq!(on_a, lines(&b, table));
}

fn line_added(ids: &dyn comanda_domain::ids::IdSource, name: &str) -> EventBody {
    use comanda_domain::catalog::LineTax;
    use comanda_domain::event::LineAdded;
    use comanda_domain::ids::{ItemId, LineId, TaxRateId};
    use comanda_domain::money::{Money, Rate};
    EventBody::LineAdded(LineAdded {
        line_id: LineId::new(ids),
        item_id: ItemId::new(ids),
        name: name.into(),
        unit_price: Money::from_minor(400),
        qty: comanda_domain::quantity::Quantity::ONE,
        modifiers: vec![],
        tax: LineTax {
            rate_id: TaxRateId::new(ids),
            name: "VAT 10%".into(),
            rate: Rate::from_milli_percent(10_000).unwrap(),
            inclusive: true,
        },
        note: None,
        seat: None,
        course: None,
    })
}

/// An unpair or reset that threw away events not yet synced (several engines): pairing refuses
/// a terminal that holds events, and emptying one first keeps them whole in an archive.
#[test]
fn a_reset_never_throws_away_what_was_not_synced() {
    let a = Node::unpaired(1);
    a.cashier(38, 4);
    let held = a.event_count();
    assert!(held > 0);
    let device_id = comanda_domain::ids::DeviceId::new(&*a.ids);
    let pairing = comanda_store::Pairing {
        store_id: crate::support::store_id(),
        device_id,
        terminal_no: 4,
        pairer: device_id,
    };
    let refused = a.store.write(|tx| tx.pair(&pairing)).unwrap_err();
    assert!(matches!(refused, StoreError::NotEmpty(n) if n == held));
    let archive = a.dir.path().join("archive.sqlite");
    assert_eq!(a.store.archive_and_clear(&archive).unwrap(), held);
    let kept: i64 = rusqlite::Connection::open(&archive)
        .unwrap()
        .query_row("SELECT count(*) FROM events", [], |r| r.get(0))
        .unwrap();
    assert_eq!(kept as u64, held);
}
