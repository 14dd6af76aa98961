//! The kitchen's events: start, bump and recall on several screens at once end the same
//! everywhere, and the highest generation wins whatever the stamps (a screen's clock may run
//! behind); a rush stays; a ticket is the fire's lines at one station.

use comanda_domain::catalog::{Catalog, Item};
use comanda_domain::event::{Event, EventBody};
use comanda_domain::ids::{CategoryId, SeqIds, TaxRateId};
use comanda_domain::kitchen::{
    self, KitchenMarked, KitchenRecalled, KitchenRushed, KitchenStep, Phase, Progress, TicketRef,
};
use comanda_domain::money::Money;
use comanda_domain::order::fold;
use proptest::prelude::*;

use crate::builder::*;

/// The menu of these tests: the one item of `Names`, made at the grill and the fry station.
fn menu(n: &Names) -> Catalog {
    let ids = SeqIds::new(7);
    Catalog {
        items: vec![Item {
            id: n.item,
            category_id: CategoryId::new(&ids),
            name: "Burger".into(),
            price: Money::from_minor(1000),
            tax_rate_id: TaxRateId::new(&ids),
            modifier_group_ids: vec![],
            barcode: None,
            available: true,
            stations: vec!["grill".into(), "fry".into()],
        }],
        ..Catalog::default()
    }
}

/// An order with three lines, fired: the events and the fire's id.
fn fired(n: &Names, d: &mut Device) -> (Vec<Event>, comanda_domain::ids::EventId) {
    let mut evs = vec![d.event(n.order, None, opened(4))];
    for i in 0..3 {
        evs.push(d.event(n.order, None, line(n, i, 1000, 1, 0, None)));
    }
    let f = d.event(n.order, None, fire(n, &[0, 1, 2]));
    let id = f.id;
    evs.push(f);
    (evs, id)
}

/// One kitchen action of a random scenario.
#[derive(Debug, Clone)]
enum Act {
    Mark {
        screen: usize,
        station: bool,
        line: Option<usize>,
        bump: bool,
        generation: u32,
        wall: u64,
    },
    Recall {
        screen: usize,
        station: bool,
        line: Option<usize>,
        generation: u32,
        wall: u64,
    },
    Rush {
        screen: usize,
        station: bool,
        wall: u64,
    },
}

fn act() -> impl Strategy<Value = Act> {
    let screen = 0usize..3;
    let line = proptest::option::of(0usize..3);
    prop_oneof![
        4 => (screen.clone(), any::<bool>(), line.clone(), any::<bool>(), 0u32..4, 0u64..60_000)
            .prop_map(|(screen, station, line, bump, generation, wall)| Act::Mark { screen, station, line, bump, generation, wall }),
        2 => (screen.clone(), any::<bool>(), line, 1u32..5, 0u64..60_000)
            .prop_map(|(screen, station, line, generation, wall)| Act::Recall { screen, station, line, generation, wall }),
        1 => (screen, any::<bool>(), 0u64..60_000).prop_map(|(screen, station, wall)| Act::Rush { screen, station, wall }),
    ]
}

fn station(grill: bool) -> String {
    if grill { "grill" } else { "fry" }.into()
}

/// Plays the actions on three screens whose stamps are drawn at random (clocks that disagree).
fn play(acts: &[Act]) -> (Names, Vec<Event>, comanda_domain::ids::EventId) {
    let n = Names::new();
    let mut counter = Device::new(0);
    let (mut evs, fire_id) = fired(&n, &mut counter);
    let mut screens: Vec<Device> = (1..4).map(Device::new).collect();
    for a in acts {
        let (screen, wall, body) = match a {
            Act::Mark {
                screen,
                station: s,
                line,
                bump,
                generation,
                wall,
            } => (
                *screen,
                *wall,
                EventBody::KitchenMarked(KitchenMarked {
                    ticket: TicketRef {
                        notice: fire_id,
                        station: station(*s),
                    },
                    line_id: line.map(|i| n.lines[i]),
                    step: if *bump {
                        KitchenStep::Bumped
                    } else {
                        KitchenStep::Started
                    },
                    generation: *generation,
                }),
            ),
            Act::Recall {
                screen,
                station: s,
                line,
                generation,
                wall,
            } => (
                *screen,
                *wall,
                EventBody::KitchenRecalled(KitchenRecalled {
                    ticket: TicketRef {
                        notice: fire_id,
                        station: station(*s),
                    },
                    line_id: line.map(|i| n.lines[i]),
                    generation: *generation,
                }),
            ),
            Act::Rush {
                screen,
                station: s,
                wall,
            } => (
                *screen,
                *wall,
                EventBody::KitchenRushed(KitchenRushed {
                    ticket: TicketRef {
                        notice: fire_id,
                        station: station(*s),
                    },
                }),
            ),
        };
        let d = &mut screens[screen];
        d.now_ms = 1_700_000_000_000 + wall;
        let mut e = d.event(n.order, None, body);
        // A screen whose clock runs behind stamps before what it saw: the stamp is drawn.
        e.hlc.wall_ms = 1_700_000_000_000 + wall;
        evs.push(e);
    }
    (n, evs, fire_id)
}

/// What each (ticket, item) must end at: the highest progress any event names for it.
fn expected(evs: &[Event]) -> std::collections::BTreeMap<(String, Option<String>), Progress> {
    let mut out = std::collections::BTreeMap::new();
    for e in evs {
        let (t, line, p) = match &e.body {
            EventBody::KitchenMarked(m) => (
                &m.ticket,
                m.line_id,
                Progress {
                    generation: m.generation,
                    phase: m.step.phase(),
                },
            ),
            EventBody::KitchenRecalled(r) => (
                &r.ticket,
                r.line_id,
                Progress {
                    generation: r.generation,
                    phase: Phase::New,
                },
            ),
            _ => continue,
        };
        let key = (t.station.clone(), line.map(|l| l.to_string()));
        let e = out.entry(key).or_insert(p);
        *e = (*e).max(p);
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Whatever order the screens' events arrive in, duplicated or not, and whatever their
    /// stamps, each ticket and item ends at the highest progress named for it, the rushes are
    /// those asked, and every node holds the same state.
    #[test]
    fn bumps_and_recalls_end_at_the_highest_generation_everywhere(acts in proptest::collection::vec(act(), 0..30), seed in any::<u64>(), dups in proptest::collection::vec(any::<prop::sample::Index>(), 0..6)) {
        let (n, evs, _) = play(&acts);
        let (a, _) = fold(n.order, &evs);
        let want = expected(&evs);
        prop_assert_eq!(a.kitchen_progress.len(), want.len());
        for p in &a.kitchen_progress {
            let key = (p.ticket.station.clone(), p.line_id.map(|l| l.to_string()));
            prop_assert_eq!(Some(&p.progress), want.get(&key));
        }
        let rushes = acts.iter().filter_map(|a| match a { Act::Rush { station, .. } => Some(*station), _ => None }).collect::<std::collections::BTreeSet<_>>();
        prop_assert_eq!(a.rushed.len(), rushes.len());
        // Another node: the same events shuffled and some twice.
        let mut other = evs.clone();
        for d in &dups {
            other.push(d.get(&evs).clone());
        }
        let mut s = seed | 1;
        for i in (1..other.len()).rev() {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let j = usize::try_from(s >> 33).unwrap() % (i + 1);
            other.swap(i, j);
        }
        let (b, _) = fold(n.order, &other);
        prop_assert_eq!(serde_json::to_string(&a).unwrap(), serde_json::to_string(&b).unwrap());
    }

    /// Progress never goes back as events arrive one by one: each (ticket, item) only rises.
    #[test]
    fn progress_only_rises_as_events_arrive(acts in proptest::collection::vec(act(), 0..30)) {
        let (n, evs, _) = play(&acts);
        let mut seen: std::collections::BTreeMap<(String, Option<String>), Progress> = Default::default();
        for k in 1..=evs.len() {
            let (o, _) = fold(n.order, &evs[..k]);
            for p in &o.kitchen_progress {
                let key = (p.ticket.station.clone(), p.line_id.map(|l| l.to_string()));
                if let Some(before) = seen.get(&key) {
                    prop_assert!(p.progress >= *before, "{key:?} went from {before:?} to {:?}", p.progress);
                }
                seen.insert(key, p.progress);
            }
        }
    }
}

#[test]
fn a_fire_makes_one_ticket_per_station_and_bump_recall_and_item_bumps_read_as_cooks_expect() {
    let n = Names::new();
    let mut counter = Device::new(0);
    let (mut evs, fire_id) = fired(&n, &mut counter);
    let catalog = menu(&n);
    let (o, _) = fold(n.order, &evs);
    let tickets = kitchen::tickets(&o, &catalog);
    let stations: Vec<&str> = tickets.iter().map(|t| t.ticket.station.as_str()).collect();
    assert_eq!(stations, ["fry", "grill"]);
    assert!(tickets.iter().all(|t| t.items.len() == 3 && !t.done()));
    assert!(tickets.iter().all(|t| t.banner.is_none() && !t.rushed));

    let grill = TicketRef {
        notice: fire_id,
        station: "grill".into(),
    };
    let mut screen = Device::new(1);
    screen.observe(&evs);
    let mut say = |evs: &mut Vec<Event>, body: EventBody| {
        let e = screen.event(n.order, None, body);
        evs.push(e);
    };
    // The grill bumps its three items one by one: the ticket is done.
    for i in 0..3 {
        say(
            &mut evs,
            EventBody::KitchenMarked(KitchenMarked {
                ticket: grill.clone(),
                line_id: Some(n.lines[i]),
                step: KitchenStep::Bumped,
                generation: 0,
            }),
        );
    }
    let grill_of = |evs: &[Event]| {
        let (o, _) = fold(n.order, evs);
        kitchen::tickets(&o, &catalog)
            .into_iter()
            .find(|t| t.ticket == grill)
            .unwrap()
    };
    assert!(grill_of(&evs).done());
    // Recalled whole: back on the screen, its items' old bumps no longer count.
    say(
        &mut evs,
        EventBody::KitchenRecalled(KitchenRecalled {
            ticket: grill.clone(),
            line_id: None,
            generation: 1,
        }),
    );
    let t = grill_of(&evs);
    assert!(!t.done(), "{t:?}");
    assert_eq!(t.progress.generation, 1);
    // A stale bump from a screen that had not seen the recall changes nothing.
    say(
        &mut evs,
        EventBody::KitchenMarked(KitchenMarked {
            ticket: grill.clone(),
            line_id: None,
            step: KitchenStep::Bumped,
            generation: 0,
        }),
    );
    assert!(!grill_of(&evs).done());
    // Bumped in the new generation: done; rushed stays said.
    say(
        &mut evs,
        EventBody::KitchenMarked(KitchenMarked {
            ticket: grill.clone(),
            line_id: None,
            step: KitchenStep::Bumped,
            generation: 1,
        }),
    );
    say(
        &mut evs,
        EventBody::KitchenRushed(KitchenRushed {
            ticket: grill.clone(),
        }),
    );
    let t = grill_of(&evs);
    assert!(t.done() && t.rushed);
    // The fry ticket is untouched by all of it.
    let (o, _) = fold(n.order, &evs);
    let fry = kitchen::tickets(&o, &catalog)
        .into_iter()
        .find(|t| t.ticket.station == "fry")
        .unwrap();
    assert!(!fry.done() && !fry.rushed);
}

#[test]
fn a_void_after_the_fire_makes_a_void_ticket_and_a_cancel_a_cancel_ticket() {
    let n = Names::new();
    let mut d = Device::new(0);
    let (mut evs, _) = fired(&n, &mut d);
    evs.push(d.event(n.order, None, void(&n, 1)));
    evs.push(d.event(n.order, None, cancel(0)));
    let (o, _) = fold(n.order, &evs);
    let tickets = kitchen::tickets(&o, &menu(&n));
    let banners: Vec<_> = tickets
        .iter()
        .map(|t| (t.ticket.station.as_str(), t.banner, t.items.len()))
        .collect();
    assert_eq!(
        banners,
        [
            ("fry", None, 3),
            ("grill", None, 3),
            ("fry", Some(kitchen::Banner::Void), 1),
            ("grill", Some(kitchen::Banner::Void), 1),
            ("fry", Some(kitchen::Banner::Cancel), 2),
            ("grill", Some(kitchen::Banner::Cancel), 2),
        ]
    );
}

#[test]
fn a_tickets_targets_are_its_stations_for_its_order_type_then_for_every_type_then_the_default() {
    use comanda_domain::employee::KitchenTarget;
    let t = |station: &str, order_type: Option<&str>, w, l| KitchenTarget {
        station: station.into(),
        order_type: order_type.map(Into::into),
        warning_s: w,
        late_s: l,
    };
    let targets = [
        t("fry", None, 120, 240),
        t("fry", Some("takeaway"), 60, 120),
        t("bar", Some("tab"), 90, 180),
    ];
    assert_eq!(
        KitchenTarget::of(&targets, "fry", Some("dine_in")),
        (120, 240)
    );
    assert_eq!(
        KitchenTarget::of(&targets, "fry", Some("takeaway")),
        (60, 120)
    );
    assert_eq!(KitchenTarget::of(&targets, "fry", None), (120, 240));
    assert_eq!(KitchenTarget::of(&targets, "bar", Some("tab")), (90, 180));
    assert_eq!(
        KitchenTarget::of(&targets, "bar", Some("dine_in")),
        KitchenTarget::DEFAULT
    );
    assert_eq!(KitchenTarget::of(&targets, "grill", None), (300, 480));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Holds and fires from two terminals with clocks that disagree, arriving in any order and
    /// duplicated: a line is held when some hold names it and no fire sent it, on every node.
    #[test]
    fn a_line_is_held_until_some_fire_sends_it_whatever_the_order(
        acts in proptest::collection::vec((any::<bool>(), 0u8..4, 1u8..4, 0u64..60_000, 0usize..2), 1..12),
        order in any::<proptest::sample::Index>(),
    ) {
        let n = Names::new();
        let mut counter = Device::new(0);
        let mut evs = vec![counter.event(n.order, None, opened(4))];
        for i in 0..4 {
            evs.push(counter.event(n.order, None, line(&n, i, 1000, 1, 0, None)));
        }
        let mut terminals = [Device::new(1), Device::new(2)];
        let (mut held, mut fired) = (std::collections::BTreeSet::new(), std::collections::BTreeSet::new());
        for (hold, mask, course, wall, t) in &acts {
            let lines: Vec<_> = (0..4).filter(|i| mask & (1 << i) != 0 || *i == usize::from(*mask)).map(|i| n.lines[i]).collect();
            let body = if *hold {
                held.extend(lines.iter().copied());
                EventBody::CourseHeld(kitchen::CourseHeld { course: *course, line_ids: lines })
            } else {
                fired.extend(lines.iter().copied());
                fire_lines(&lines)
            };
            let d = &mut terminals[*t];
            d.now_ms = 1_700_000_000_000 + wall;
            evs.push(d.event(n.order, None, body));
        }
        let want: Vec<_> = n.lines[..4].iter().filter(|l| held.contains(*l) && !fired.contains(*l)).copied().collect();
        let mut shuffled = evs.clone();
        let k = order.index(shuffled.len());
        shuffled.rotate_left(k);
        shuffled.reverse();
        shuffled.push(evs[evs.len() - 1].clone());
        let (a, _) = fold(n.order, &evs);
        let (b, _) = fold(n.order, &shuffled);
        prop_assert_eq!(&a, &b);
        let got: Vec<_> = a.held_lines().map(|l| l.line_id).collect();
        prop_assert_eq!(got, want);
    }
}

/// An `OrderFired` of these lines.
fn fire_lines(lines: &[comanda_domain::ids::LineId]) -> EventBody {
    EventBody::OrderFired(comanda_domain::event::OrderFired {
        line_ids: lines.to_vec(),
    })
}
