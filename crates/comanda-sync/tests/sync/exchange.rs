//! Two and three nodes exchanging directly: convergence in pages, a lost answer, a restored
//! answerer, the outbox, and what an answerer refuses.

use comanda_domain::event::{EventBody, OrderOpened, OrderType, StreamId};
use comanda_domain::ids::{DeviceId, OrderId, SeqIds, StoreId};
use comanda_domain::vector::VersionVector;
use comanda_store::OrderFilter;
use comanda_sync::wire::{ExchangeResponse, ResultKind};
use comanda_sync::{Limits, Link, SyncError, answer, missing};

use crate::support::{Node, round, sync};

fn same_orders(a: &Node, b: &Node) {
    let list = |n: &Node| {
        n.store
            .read(|r| r.list_orders(&OrderFilter::all(10_000)))
            .unwrap()
    };
    let (la, lb) = (list(a), list(b));
    assert!(!la.is_empty());
    assert_eq!(la, lb);
    for o in la {
        assert_eq!(
            a.store.read(|r| r.order(o.order_id)).unwrap(),
            b.store.read(|r| r.order(o.order_id)).unwrap()
        );
    }
}

#[test]
fn two_nodes_converge_both_ways_in_pages() {
    let a = Node::paired(1);
    let b = Node::paired(2);
    let made_a = a.cashier(1, 40);
    let made_b = b.cashier(2, 30);
    let mut link = Link::new(b.id());
    link.pull = Limits {
        max_events: 7,
        max_bytes: 1 << 20,
    };
    link.push = Limits {
        max_events: 5,
        max_bytes: 1 << 20,
    };
    let rounds = sync(&a, &mut link, &b);
    let total = (made_a + made_b) as u64;
    assert_eq!(a.event_count(), total);
    assert_eq!(b.event_count(), total);
    assert!(
        rounds >= made_a / 5 && rounds >= made_b / 7,
        "{rounds} rounds for {made_a} and {made_b} events in pages of 5 and 7"
    );
    assert_eq!(
        a.store.read(|r| r.vector()).unwrap(),
        b.store.read(|r| r.vector()).unwrap()
    );
    same_orders(&a, &b);
    // Nothing more to say: one more round moves nothing.
    let again = round(&a, &mut link, &b).unwrap();
    assert_eq!((again.pushed, again.pulled, again.more), (0, 0, false));
}

#[test]
fn a_lost_answer_changes_nothing_but_time() {
    let a = Node::paired(1);
    let b = Node::paired(2);
    a.cashier(3, 10);
    let mut link = Link::new(b.id());
    round(&a, &mut link, &b).unwrap(); // vectors known
    let req = link.request(&a.store).unwrap();
    assert!(!req.events.is_empty());
    // B takes the events, but its answer is lost on the way back.
    let _lost = answer(&b.store, &req).unwrap();
    // The same request again (a retry), and its answer arrives: all duplicates.
    let resp = answer(&b.store, &req).unwrap();
    assert!(
        resp.results
            .iter()
            .all(|r| r.result == ResultKind::Duplicate)
    );
    let got = link.apply(&a.store, &resp).unwrap();
    assert_eq!(got.pushed, 0);
    // An old answer arriving late is harmless too.
    link.apply(&a.store, &_lost).unwrap();
    sync(&a, &mut link, &b);
    assert_eq!(a.event_count(), b.event_count());
    same_orders(&a, &b);
}

/// Regression for PouchDB #1240 (a checkpoint saved ahead of its data): the asker believes the
/// answerer holds everything, but the answerer was restored from an older backup. Its own
/// vector, in its next answer, makes the asker send what it lost.
#[test]
fn an_answerer_restored_from_an_older_backup_gets_back_what_it_lost() {
    let a = Node::paired(1);
    let hub = Node::paired(2);
    a.cashier(4, 10);
    let mut link = Link::new(hub.id());
    sync(&a, &mut link, &hub);
    let backup = hub.backup("backup.db");
    a.cashier(5, 10);
    sync(&a, &mut link, &hub);
    let everything = a.event_count();
    assert_eq!(hub.event_count(), everything);

    // The hub's disk is replaced by the backup.
    let hub = hub.restored(&backup);
    assert!(hub.event_count() < everything);
    assert!(
        link.theirs().is_some(),
        "the asker's hint says the hub holds it all"
    );
    sync(&a, &mut link, &hub);
    assert_eq!(hub.event_count(), everything);
    same_orders(&a, &hub);
}

/// Opens an order on `node`; returns its number.
fn open_order(node: &Node) -> u32 {
    node.clock.advance(1_000);
    node.store
        .write(|tx| {
            let number = tx.next_order_number()?;
            tx.append(
                StreamId::Order(OrderId::new(&*node.ids)),
                None,
                EventBody::OrderOpened(OrderOpened {
                    number,
                    order_type: OrderType::Takeaway { name: None },
                }),
            )?;
            Ok::<_, comanda_store::StoreError>(number)
        })
        .unwrap()
}

/// A terminal restored from an older backup goes on taking orders under the identity the backup
/// had, at sequence numbers the hub already holds other events at (the orders made between the
/// backup and the restore). Learning from the hub that it lacks events of its own id, it takes
/// a fresh id; the hub sends what it holds at the positions of the terminal's undelivered
/// events, which move to the fresh id and are sent again: every order ends on both, once, and no
/// order number is handed out twice afterwards.
#[test]
fn a_terminal_restored_from_an_older_backup_moves_what_it_made_since_and_loses_nothing() {
    // Fewer orders after the restore than the hub holds past the backup (the hub shows it
    // events of its own id it lacks), and more (only the digests tell).
    for after in [2, 4] {
        restored_terminal(after);
    }
}

fn restored_terminal(after: usize) {
    let hub = Node::paired(2);
    let a = Node::paired_by(1, Some(hub.id()));
    let mut numbers = vec![open_order(&a), open_order(&a)];
    let mut link = Link::new(hub.id());
    sync(&a, &mut link, &hub);
    let backup = a.backup("before.db");
    numbers.extend([open_order(&a), open_order(&a), open_order(&a)]);
    sync(&a, &mut link, &hub);
    let old_id = a.id();

    // The terminal's disk is replaced by the backup; it takes orders before it next syncs.
    let a = a.restored(&backup);
    assert_eq!(a.id(), old_id);
    let after_restore: Vec<u32> = (0..after).map(|_| open_order(&a)).collect();
    let mut link = Link::new(hub.id());
    let mut moved = Vec::new();
    for _ in 0..100 {
        let r = round(&a, &mut link, &hub).unwrap();
        assert!(r.refused_by_peer.is_empty(), "{:?}", r.refused_by_peer);
        moved.extend(r.ingested.rehomed);
        if !r.more {
            break;
        }
    }
    assert_eq!(
        moved.len(),
        after.min(3),
        "the orders made after the restore at positions the hub had filled moved"
    );
    assert_ne!(a.id(), old_id, "a fresh identity");
    assert_eq!(a.store.device().unwrap().node_id, old_id, "still known as");
    let all = 5 + after as u64;
    assert_eq!(a.event_count(), all);
    assert_eq!(hub.event_count(), all);
    same_orders(&a, &hub);
    assert_eq!(
        a.store.read(|r| r.vector()).unwrap(),
        hub.store.read(|r| r.vector()).unwrap()
    );
    assert_eq!(
        a.store.read(|r| r.digests()).unwrap(),
        hub.store.read(|r| r.digests()).unwrap()
    );
    // Those made after the restore repeat numbers of the ones the backup lacked (printed
    // already, kept); the next one follows every number the store has seen from this terminal.
    assert_eq!(after_restore[..after.min(3)], numbers[2..2 + after.min(3)]);
    let next = open_order(&a);
    assert!(
        numbers.iter().chain(&after_restore).all(|n| *n < next),
        "{next} after {numbers:?} and {after_restore:?}"
    );
    // Nothing waits in the outbox: everything is held by the hub.
    sync(&a, &mut link, &hub);
    assert_eq!(a.store.read(|r| r.outbox_stats()).unwrap().waiting, 0);
    assert!(hub.store.read(|r| r.dead_letters()).unwrap().is_empty());
}

/// The hub restored from an older backup goes on making events under its own id (every
/// node's registry names it as the one that pairs devices): it numbers past what the terminals
/// show it holds, and the events it made at positions its lost events held are kept beside them
/// (one of each pair relocated, the same on both).
#[test]
fn a_restored_hub_keeps_its_id_and_both_of_each_forked_position() {
    let hub = Node::paired(2);
    let a = Node::paired_by(1, Some(hub.id()));
    open_order(&hub);
    open_order(&hub);
    let mut link = Link::new(hub.id());
    sync(&a, &mut link, &hub);
    let backup = hub.backup("hub-before.db");
    for _ in 0..3 {
        open_order(&hub);
    }
    sync(&a, &mut link, &hub);
    let hub_id = hub.id();
    let hub = hub.restored(&backup);
    open_order(&hub);
    open_order(&hub);
    // The hub asks first (its answers are committed durably, a received page is not: both
    // paths must take a restored node's numbering moving).
    let mut back = Link::new(a.id());
    sync(&hub, &mut back, &a);
    let mut link = Link::new(hub.id());
    sync(&a, &mut link, &hub);
    sync(&hub, &mut back, &a);
    assert_eq!(hub.id(), hub_id, "the pairer keeps its id");
    assert_eq!(a.event_count(), 7);
    assert_eq!(hub.event_count(), 7);
    same_orders(&a, &hub);
    assert_eq!(
        a.store.read(|r| r.digests()).unwrap(),
        hub.store.read(|r| r.digests()).unwrap()
    );
    // Its next event takes a sequence nobody holds.
    open_order(&hub);
    sync(&a, &mut link, &hub);
    assert_eq!(a.event_count(), 8);
}

#[test]
fn three_nodes_converge_when_the_hub_is_down() {
    let t1 = Node::paired(1);
    let t2 = Node::paired(2);
    let hub = Node::paired(3);
    t1.cashier(6, 8);
    t2.cashier(7, 8);
    let mut t1_hub = Link::new(hub.id());
    sync(&t1, &mut t1_hub, &hub);
    // The hub goes down; the terminals sync with each other directly.
    t1.cashier(8, 5);
    let mut t2_t1 = Link::new(t1.id());
    sync(&t2, &mut t2_t1, &t1);
    same_orders(&t1, &t2);
    // The hub comes back and gets everything from whichever terminal asks first.
    let mut t2_hub = Link::new(hub.id());
    sync(&t2, &mut t2_hub, &hub);
    assert_eq!(hub.event_count(), t1.event_count());
    same_orders(&t1, &hub);
}

#[test]
fn the_outbox_forgets_what_a_peer_holds() {
    let a = Node::paired(1);
    let b = Node::paired(2);
    let made = a.cashier(9, 6);
    let waiting = a.store.read(|r| r.outbox_stats()).unwrap();
    assert_eq!(waiting.waiting, made as u64);
    let mut link = Link::new(b.id());
    sync(&a, &mut link, &b);
    let after = a.store.read(|r| r.outbox_stats()).unwrap();
    assert_eq!((after.waiting, after.oldest_ms), (0, None));
    let peers = a.store.read(|r| r.peers()).unwrap();
    assert_eq!(peers.len(), 1);
    assert_eq!(peers[0].peer_id, b.id());
    assert!(peers[0].last_ok_ms.is_some());
}

#[test]
fn pages_keep_to_count_and_bytes_and_always_carry_one_event() {
    let a = Node::paired(1);
    let made = a.cashier(10, 10);
    assert!(made > 3);
    a.store
        .read(|r| {
            let mine = r.vector()?;
            let empty = VersionVector::new();
            let tiny = Limits {
                max_events: 100,
                max_bytes: 1,
            };
            let (page, more) = missing(r, &mine, &empty, tiny).unwrap();
            assert_eq!((page.len(), more), (1, true), "one event, however large");
            let three = Limits {
                max_events: 3,
                max_bytes: 1 << 20,
            };
            let (page, more) = missing(r, &mine, &empty, three).unwrap();
            assert_eq!((page.len(), more), (3, true));
            let seqs: Vec<u64> = page.iter().map(|e| e.device_seq).collect();
            assert_eq!(seqs, vec![1, 2, 3], "in sequence order");
            let (page, more) = missing(r, &mine, &empty, Limits::DEFAULT).unwrap();
            assert_eq!((page.len(), more), (made, false));
            let (page, more) = missing(r, &mine, &mine, Limits::DEFAULT).unwrap();
            assert_eq!((page.len(), more), (0, false));
            Ok::<_, comanda_store::StoreError>(())
        })
        .unwrap();
}

#[test]
fn an_answerer_refuses_what_is_not_for_it() {
    let a = Node::paired(1);
    let b = Node::paired(2);
    a.cashier(11, 3);
    let link = Link::new(b.id());
    let good = link.request(&a.store).unwrap();

    let mut other_store = good.clone();
    other_store.store_id = StoreId::new(&SeqIds::new(5));
    assert!(matches!(
        answer(&b.store, &other_store),
        Err(SyncError::WrongStore)
    ));
    let mut newer = good.clone();
    newer.protocol = 2;
    assert!(matches!(
        answer(&b.store, &newer),
        Err(SyncError::Protocol(2))
    ));
    let lonely = Node::unpaired(3);
    assert!(matches!(
        answer(&lonely.store, &good),
        Err(SyncError::NotPaired)
    ));
    assert!(matches!(
        Link::new(b.id()).request(&lonely.store),
        Err(SyncError::NotPaired)
    ));
    let err = answer(&lonely.store, &good).unwrap_err();
    assert_eq!(err.code(), "not_paired");

    // An answer from someone else than the peer asked is not taken.
    let resp: ExchangeResponse = answer(&b.store, &good).unwrap();
    let mut wrong = Link::new(DeviceId::new(&SeqIds::new(99)));
    assert!(matches!(
        wrong.apply(&a.store, &resp),
        Err(SyncError::WrongPeer { .. })
    ));
}
