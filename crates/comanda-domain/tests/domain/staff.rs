//! The staff list's merge rule (`fold_staff`): changes made on several terminals apart, in any
//! agreed order, never leave a store that had an active manager without one; what was held back
//! for it is listed, and a later change of the same person replaces it.

use comanda_domain::employee::{EmployeeRecord, PinHash, Role, fold_staff};
use comanda_domain::event::{EmployeeSaved, Event, EventBody, StreamId};
use comanda_domain::ids::{DeviceId, EmployeeId, EventId, SeqIds, StoreId};
use proptest::prelude::*;

const PEOPLE: u64 = 3;

fn person(i: u64) -> EmployeeId {
    EmployeeId::new(&SeqIds::new(500 + i))
}

/// A change: (terminal, person, manager?, active?, ms later).
type Change = (u64, u64, bool, bool, u64);

fn events(changes: &[Change]) -> Vec<Event> {
    let mut seqs = [0u64; 3];
    let mut ms = 1_700_000_000_000u64;
    let ids = SeqIds::new(77);
    changes
        .iter()
        .map(|&(t, p, manager, active, later)| {
            ms += later;
            seqs[t as usize] += 1;
            let device = DeviceId::new(&SeqIds::new(10 + t));
            Event {
                id: EventId::new(&ids),
                store_id: StoreId::from_uuid(uuid::Uuid::nil()),
                device_id: device,
                device_seq: seqs[t as usize],
                stream: StreamId::Employees,
                hlc: comanda_domain::hlc::Hlc {
                    wall_ms: ms,
                    counter: 0,
                    device,
                },
                actor: None,
                body: EventBody::EmployeeSaved(EmployeeSaved {
                    record: EmployeeRecord {
                        employee_id: person(p),
                        name: format!("P{p}"),
                        role: if manager {
                            Role::Manager
                        } else {
                            Role::Cashier
                        },
                        pin_hash: PinHash::from_phc(format!("hash-{p}")),
                        active,
                    },
                    approved_by: None,
                }),
            }
        })
        .collect()
}

fn managers(people: &std::collections::BTreeMap<EmployeeId, EmployeeRecord>) -> usize {
    people
        .values()
        .filter(|r| r.active && r.role == Role::Manager)
        .count()
}

fn change() -> impl Strategy<Value = Change> {
    (
        0..3u64,
        0..PEOPLE,
        any::<bool>(),
        prop::bool::weighted(0.8),
        0..3u64,
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// Whatever the order events arrive in, every node folds the same staff list, and once the
    /// store has an active manager it keeps one.
    #[test]
    fn a_store_that_had_a_manager_keeps_one_whatever_merges(changes in proptest::collection::vec(change(), 1..20), seed in any::<u64>()) {
        let evs = events(&changes);
        let staff = fold_staff(&evs);
        // Any arrival order folds the same (the fold sorts by agreed order).
        let mut shuffled = evs.clone();
        let mut s = seed | 1;
        for i in (1..shuffled.len()).rev() {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            shuffled.swap(i, usize::try_from(s >> 33).unwrap() % (i + 1));
        }
        prop_assert_eq!(&fold_staff(&shuffled), &staff);
        // In agreed order, no prefix goes from a manager to none.
        let mut sorted = evs.clone();
        sorted.sort_by_key(Event::key);
        let mut had = false;
        for k in 1..=sorted.len() {
            let now = managers(&fold_staff(&sorted[..k]).people);
            prop_assert!(!had || now >= 1, "a prefix of {k} events left no manager");
            had |= now >= 1;
        }
        // What is held back is each person's latest change, and that person is still a manager.
        for h in &staff.held_back {
            let latest = sorted
                .iter()
                .rev()
                .find(|e| matches!(&e.body, EventBody::EmployeeSaved(s) if s.record.employee_id == h.wanted.employee_id))
                .unwrap();
            prop_assert_eq!(latest.id, h.event_id);
            let now = &staff.people[&h.wanted.employee_id];
            prop_assert!(now.active && now.role == Role::Manager);
        }
    }
}

/// The case the rule is for: two managers, each demoted on another terminal while apart.
#[test]
fn two_terminals_demoting_the_two_managers_keep_one_and_say_so() {
    // P0 and P1 made managers; T1 demotes P0 and T2 (a later stamp) demotes P1; later P0 is
    // named manager again; later still P1 is demoted once more.
    let evs = events(&[
        (0, 0, true, true, 0),
        (0, 1, true, true, 1),
        (1, 0, false, true, 5),
        (2, 1, false, true, 6),
        (0, 0, true, true, 20),
        (0, 1, false, true, 30),
    ]);
    let staff = fold_staff(&evs[..4]);
    assert_eq!(staff.people[&person(0)].role, Role::Cashier);
    assert_eq!(
        staff.people[&person(1)].role,
        Role::Manager,
        "the later demotion is held back"
    );
    assert_eq!(staff.held_back.len(), 1);
    assert_eq!(staff.held_back[0].wanted.employee_id, person(1));
    assert_eq!(staff.held_back[0].event_id, evs[3].id);
    // P0 a manager again: P1's demotion is not applied by itself; it stays listed.
    let again = fold_staff(&evs[..5]);
    assert_eq!(again.people[&person(1)].role, Role::Manager);
    assert_eq!(again.held_back.len(), 1);
    // A later change of P1 replaces the held-back one, and now goes through.
    let settled = fold_staff(&evs);
    assert!(settled.held_back.is_empty());
    assert_eq!(settled.people[&person(1)].role, Role::Cashier);
}
