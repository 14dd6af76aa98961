//! The print queue: a fire makes one job per station, on the node its printer is plugged into,
//! however often and in whatever order the fire and the printer's word arrive.

use comanda_domain::catalog::{Catalog, Item};
use comanda_domain::event::{EventBody, LineAdded, OrderFired, StreamId};
use comanda_domain::ids::{
    CategoryId, DeviceId, IdSource, ItemId, LineId, OrderId, PrinterId, SeqIds, TaxRateId,
};
use comanda_domain::money::Money;
use comanda_domain::printer::{PrinterSaved, TicketOutcome, TicketPrinted, ticket_job};
use comanda_domain::quantity::Quantity;
use comanda_store::{JobState, PrintJob};

use crate::support::*;

fn item(ids: &dyn IdSource, name: &str, station: &str) -> Item {
    Item {
        id: ItemId::new(ids),
        category_id: CategoryId::new(ids),
        name: name.into(),
        price: Money::from_minor(1000),
        tax_rate_id: TaxRateId::new(ids),
        modifier_group_ids: vec![],
        barcode: None,
        available: true,
        stations: vec![station.into()],
    }
}

fn printer(ids: &dyn IdSource, node: DeviceId, station: &str) -> PrinterSaved {
    PrinterSaved {
        printer_id: PrinterId::new(ids),
        name: format!("{station} printer"),
        node,
        connection: "tcp:127.0.0.1:9100".into(),
        columns: 48,
        code_page: "cp858".into(),
        code_page_number: 19,
        status: true,
        stations: vec![station.into()],
        receipts: false,
        active: true,
        drawer: None,
        fallback_for: vec![],
    }
}

/// The store: the counter A, whose printer makes drinks, and the kitchen K, whose printer is
/// the grill's. A publishes the menu and both printers.
struct Setup {
    a: TestStore,
    k: TestStore,
    burger: Item,
    cola: Item,
    grill: PrinterSaved,
    bar: PrinterSaved,
}

fn setup() -> Setup {
    // Paired by a hub, as terminals are: a restored terminal then takes a fresh id.
    let hub = DeviceId::new(&SeqIds::new(77));
    let a = TestStore::in_store_by(1, 10_000, 1, Some(hub));
    let k = TestStore::in_store_by(2, 10_000, 2, Some(hub));
    let ids = a.ids.clone();
    let (burger, cola) = (item(&*ids, "Burger", "grill"), item(&*ids, "Cola", "bar"));
    let k_id = k.store.device().unwrap().device_id;
    let a_id = a.store.device().unwrap().device_id;
    let (grill, bar) = (printer(&*ids, k_id, "grill"), printer(&*ids, a_id, "bar"));
    let catalog = Catalog {
        items: vec![burger.clone(), cola.clone()],
        ..Catalog::default()
    };
    a.store
        .write(|tx| {
            tx.append(
                StreamId::Catalog,
                None,
                EventBody::CatalogPublished(catalog),
            )?;
            tx.append(
                StreamId::Printers,
                None,
                EventBody::PrinterSaved(grill.clone()),
            )?;
            tx.append(
                StreamId::Printers,
                None,
                EventBody::PrinterSaved(bar.clone()),
            )
        })
        .unwrap();
    let mut s = Setup {
        a,
        k,
        burger,
        cola,
        grill,
        bar,
    };
    s.sync_to_k();
    s
}

impl Setup {
    /// K takes in everything A holds (again, if it has it).
    fn sync_to_k(&mut self) {
        let a_id = self.a_id();
        let all = self
            .a
            .store
            .read(|r| r.device_events_after(a_id, 0, 1000))
            .unwrap();
        self.k.store.write(|tx| tx.ingest(&all)).unwrap();
    }

    fn a_id(&self) -> DeviceId {
        self.a.store.device().unwrap().device_id
    }

    /// A opens an order with a burger and a cola and sends it to the kitchen; returns the
    /// order and the fire's event id.
    fn fire(&self) -> (OrderId, comanda_domain::ids::EventId) {
        let ids = self.a.ids.clone();
        self.a
            .store
            .write(|tx| {
                let order_id = OrderId::new(&*ids);
                let stream = StreamId::Order(order_id);
                let number = tx.next_order_number()?;
                tx.append(stream, None, opened(number, "4"))?;
                let mut lines = vec![];
                for it in [&self.burger, &self.cola] {
                    let line_id = LineId::new(&*ids);
                    lines.push(line_id);
                    tx.append(
                        stream,
                        None,
                        EventBody::LineAdded(LineAdded {
                            line_id,
                            item_id: it.id,
                            name: it.name.clone(),
                            unit_price: it.price,
                            qty: Quantity::ONE,
                            modifiers: vec![],
                            tax: vat(),
                            note: None,
                            seat: None,
                            course: None,
                        }),
                    )?;
                }
                let fire = tx.append(
                    stream,
                    None,
                    EventBody::OrderFired(OrderFired { line_ids: lines }),
                )?;
                Ok::<_, comanda_store::StoreError>((order_id, fire.id))
            })
            .unwrap()
    }
}

fn jobs(t: &TestStore) -> Vec<PrintJob> {
    t.store.read(|r| r.print_jobs(false, 100)).unwrap()
}

#[test]
fn a_fire_makes_one_job_per_station_on_the_node_of_its_printer_however_often_it_arrives() {
    let mut s = setup();
    let (order_id, fire) = s.fire();
    // The counter drives the bar's printer: its job was made with the fire.
    let at_a = jobs(&s.a);
    assert_eq!(at_a.len(), 1, "{at_a:#?}");
    assert_eq!(at_a[0].job_id, ticket_job(fire, "bar"));
    assert_eq!(at_a[0].printer_id, s.bar.printer_id);
    assert_eq!(at_a[0].state, JobState::Queued);
    assert_eq!(at_a[0].order_id, Some(order_id));
    // The kitchen makes the grill's when the fire reaches it, and only that one.
    s.sync_to_k();
    let at_k = jobs(&s.k);
    assert_eq!(at_k.len(), 1, "{at_k:#?}");
    assert_eq!(at_k[0].job_id, ticket_job(fire, "grill"));
    assert_eq!(at_k[0].printer_id, s.grill.printer_id);
    // Delivered again, re-projected, re-opened: still one job each, untouched.
    s.sync_to_k();
    s.k.store.write(|tx| tx.reproject_all()).unwrap();
    let k = std::mem::replace(&mut s.k, TestStore::new(99, 0)).reopen(7);
    assert_eq!(jobs(&k), at_k);
    assert_eq!(jobs(&s.a), at_a);
}

#[test]
fn the_queue_sends_the_oldest_first_keeps_what_failed_and_never_resends_what_is_unknown() {
    let s = setup();
    let (_, first) = s.fire();
    let (_, second) = s.fire();
    let bar = s.bar.printer_id;
    let next = |t: &TestStore| {
        t.store
            .write(|tx| tx.next_print_job(bar))
            .unwrap()
            .map(|j| j.job_id)
    };
    assert_eq!(next(&s.a), Some(ticket_job(first, "bar")));
    let set = |job: &str, state: JobState, reason: Option<&str>| {
        s.a.store
            .write(|tx| tx.set_print_job(job, state, reason))
            .unwrap()
    };
    // Out of paper: kept, said why, and still the first to go when the paper is back.
    let first_job = ticket_job(first, "bar");
    assert!(set(&first_job, JobState::Sending, None));
    assert!(set(
        &first_job,
        JobState::Failed,
        Some("the printer is out of paper")
    ));
    assert_eq!(next(&s.a), Some(first_job.clone()));
    let failed =
        s.a.store
            .read(|r| r.print_job(&first_job))
            .unwrap()
            .unwrap();
    assert_eq!(
        failed.reason.as_deref(),
        Some("the printer is out of paper")
    );
    assert_eq!(failed.attempts, 1);
    // Cut mid-job: unknown, and the queue goes on without it.
    assert!(set(
        &first_job,
        JobState::Unknown,
        Some("the connection broke")
    ));
    assert_eq!(next(&s.a), Some(ticket_job(second, "bar")));
    // A person asks for it again: it comes back first, marked as a reprint.
    assert!(s.a.store.write(|tx| tx.reprint(&first_job)).unwrap());
    assert_eq!(next(&s.a), Some(first_job.clone()));
    assert!(
        s.a.store
            .read(|r| r.print_job(&first_job))
            .unwrap()
            .unwrap()
            .reprint
    );
    // Only what ended can be reprinted.
    assert!(
        !s.a.store
            .write(|tx| tx.reprint(&ticket_job(second, "bar")))
            .unwrap()
    );
}

#[test]
fn a_job_cut_by_a_stop_is_unknown_after_the_restart() {
    let mut s = setup();
    let (_, fire) = s.fire();
    let job = ticket_job(fire, "bar");
    s.a.store
        .write(|tx| tx.set_print_job(&job, JobState::Sending, None))
        .unwrap();
    let a = std::mem::replace(&mut s.a, TestStore::new(98, 0)).reopen(8);
    let after = a.store.read(|r| r.print_job(&job)).unwrap().unwrap();
    assert_eq!(after.state, JobState::Unknown);
    assert!(after.reason.unwrap().contains("stopped"));
}

#[test]
fn a_restored_kitchen_prints_nothing_again_when_its_word_comes_back_with_the_fire() {
    let mut s = setup();
    // The kitchen's disk as backed up before the service.
    let backup = s.k.dir.path().join("backup.db");
    rusqlite::Connection::open(s.k.path())
        .unwrap()
        .execute("VACUUM INTO ?1", [backup.to_str().unwrap()])
        .unwrap();
    let (order_id, fire) = s.fire();
    s.sync_to_k();
    // The kitchen prints the grill's ticket and says so.
    let job = ticket_job(fire, "grill");
    let printed = EventBody::TicketPrinted(TicketPrinted {
        fire,
        station: "grill".into(),
        printer_id: s.grill.printer_id,
        outcome: TicketOutcome::Printed,
    });
    s.k.store
        .write(|tx| {
            tx.set_print_job(&job, JobState::Done, None)?;
            tx.append(StreamId::Order(order_id), None, printed)
        })
        .unwrap();
    let k_id = s.k.store.device().unwrap().device_id;
    let said =
        s.k.store
            .read(|r| r.device_events_after(k_id, 0, 100))
            .unwrap();
    // The kitchen's disk dies; the backup comes back. It takes in the kitchen's own word first
    // (from the hub), then the counter's fire: no job waits to be printed.
    let clock = std::sync::Arc::new(comanda_domain::clock::ManualClock::new(20_000));
    let ids = std::sync::Arc::new(comanda_domain::ids::SeqIds::new(11));
    let restored = open(&backup, &clock, &ids);
    restored.write(|tx| tx.ingest(&said)).unwrap();
    // Its own word came back from elsewhere: it knows it was restored and took a fresh id; the
    // printers it drives were set up under the old one, which it still answers to.
    assert_ne!(restored.device().unwrap().device_id, k_id);
    let a_id = s.a_id();
    let all =
        s.a.store
            .read(|r| r.device_events_after(a_id, 0, 1000))
            .unwrap();
    restored.write(|tx| tx.ingest(&all)).unwrap();
    let after = restored.read(|r| r.print_job(&job)).unwrap().unwrap();
    assert_eq!(after.state, JobState::Done, "{after:#?}");
    let grill = s.grill.printer_id;
    assert_eq!(restored.write(|tx| tx.next_print_job(grill)).unwrap(), None);
    // And the order says the ticket was printed, on every node that holds the word.
    let order = restored.read(|r| r.order(order_id)).unwrap().unwrap();
    assert_eq!(order.state.tickets.len(), 1);
    assert_eq!(order.state.tickets[0].outcome, TicketOutcome::Printed);
}

#[test]
fn a_kitchen_put_back_from_its_backup_knows_it_when_it_opens_and_prints_nothing_twice() {
    let mut s = setup();
    let backup = s.k.dir.path().join("backup.db");
    rusqlite::Connection::open(s.k.path())
        .unwrap()
        .execute("VACUUM INTO ?1", [backup.to_str().unwrap()])
        .unwrap();
    // The service: the grill prints the first order's ticket; the second's waits (no paper).
    let (order_id, first) = s.fire();
    let (_, second) = s.fire();
    s.sync_to_k();
    let (first_job, second_job) = (ticket_job(first, "grill"), ticket_job(second, "grill"));
    // Each claimed (sending) before a byte leaves, as the worker does.
    s.k.store
        .write(|tx| {
            tx.set_print_job(&first_job, JobState::Sending, None)?;
            tx.set_print_job(&second_job, JobState::Sending, None)
        })
        .unwrap();
    s.k.store
        .write(|tx| {
            tx.set_print_job(&first_job, JobState::Done, None)?;
            tx.set_print_job(&second_job, JobState::Failed, Some("out of paper"))?;
            tx.append(
                StreamId::Order(order_id),
                None,
                EventBody::TicketPrinted(TicketPrinted {
                    fire: first,
                    station: "grill".into(),
                    printer_id: s.grill.printer_id,
                    outcome: TicketOutcome::Printed,
                }),
            )
        })
        .unwrap();
    let k_id = s.k.store.device().unwrap().device_id;
    // A plain restart is not a restore.
    s.k = std::mem::replace(&mut s.k, TestStore::new(97, 0)).reopen(12);
    assert_eq!(s.k.store.device().unwrap().device_id, k_id);
    assert_eq!(
        jobs(&s.k)
            .iter()
            .find(|j| j.job_id == second_job)
            .unwrap()
            .state,
        JobState::Failed
    );
    // The disk is put back from the backup, in place, with no peer reachable. The counter
    // sends both fires again before any peer could tell the kitchen what it printed.
    let TestStore {
        dir, clock, store, ..
    } = std::mem::replace(&mut s.k, TestStore::new(96, 0));
    drop(store);
    let path = dir.path().join("terminal.db");
    for ext in ["", "-wal", "-shm"] {
        let _gone = std::fs::remove_file(format!("{}{ext}", path.display()));
    }
    std::fs::copy(&backup, &path).unwrap();
    let ids = std::sync::Arc::new(SeqIds::new(13));
    let restored = open(&path, &clock, &ids);
    // It knew at once: a fresh id for what it makes next, the old one still its printers'.
    let now = restored.device().unwrap();
    assert_ne!(now.device_id, k_id);
    let a_id = s.a_id();
    let all =
        s.a.store
            .read(|r| r.device_events_after(a_id, 0, 1000))
            .unwrap();
    restored.write(|tx| tx.ingest(&all)).unwrap();
    // Neither ticket goes out by itself: the first did print, the second may have. Each waits
    // for a person, saying why.
    let grill = s.grill.printer_id;
    assert_eq!(restored.write(|tx| tx.next_print_job(grill)).unwrap(), None);
    for job in [&first_job, &second_job] {
        let j = restored.read(|r| r.print_job(job)).unwrap().unwrap();
        assert_eq!(j.state, JobState::Unknown, "{j:#?}");
        assert!(j.reason.unwrap().contains("restored from a backup"));
    }
    // What is fired after the restore prints as usual.
    s.a.clock.advance(5_000);
    let (_, third) = s.fire();
    let all =
        s.a.store
            .read(|r| r.device_events_after(a_id, 0, 1000))
            .unwrap();
    restored.write(|tx| tx.ingest(&all)).unwrap();
    assert_eq!(
        restored
            .write(|tx| tx.next_print_job(grill))
            .unwrap()
            .map(|j| j.job_id),
        Some(ticket_job(third, "grill"))
    );
}

#[test]
fn a_terminal_emptied_on_purpose_is_not_taken_for_a_restored_one() {
    let mut s = setup();
    let (order_id, fire) = s.fire();
    let job = ticket_job(fire, "bar");
    s.a.store
        .write(|tx| {
            tx.set_print_job(&job, JobState::Sending, None)?;
            tx.set_print_job(&job, JobState::Done, None)?;
            tx.append(
                StreamId::Order(order_id),
                None,
                EventBody::TicketPrinted(TicketPrinted {
                    fire,
                    station: "bar".into(),
                    printer_id: s.bar.printer_id,
                    outcome: TicketOutcome::Printed,
                }),
            )
        })
        .unwrap();
    let archive = s.a.dir.path().join("archive.db");
    s.a.store.archive_and_clear(&archive).unwrap();
    let a_id = s.a_id();
    s.a = std::mem::replace(&mut s.a, TestStore::new(95, 0)).reopen(14);
    assert_eq!(s.a_id(), a_id);
}
