//! The printing fault matrix: every printer fault × a redelivery of the fire (the same events
//! taken in again from a peer, or every projection rebuilt) × a stop of the terminal at each
//! step of the job (after the claim, after the send, after the outcome is recorded) gives the
//! kitchen its ticket exactly once, or one job marked unknown waiting for a person; never two.
//! After the person's reprint, exactly one more ticket, marked REPRINT.
//!
//! Real parts: the terminal's SQLite store on disk, reopened after each stop; the fake printer
//! on a real socket. The order of the cases is fixed, so a failure replays exactly.

use comanda_api::printing::{Crash, PrintWorker, RETRY_MAX_MS};
use comanda_domain::ids::OrderId;
use comanda_domain::printer::TicketOutcome;
use comanda_store::JobState;
use comanda_testkit::escpos::paper_text;
use comanda_testkit::printer::{FakePrinter, Faults};

use crate::printing::{fire, printer_with};
use crate::support::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fault {
    None,
    /// The printer says it is offline.
    Offline,
    /// Nothing answers at the printer's address (unplugged, wrong address): mended by saving
    /// the printer again with the right one.
    Unreachable,
    PaperOut,
    CoverOpen,
    /// Connected, answers nothing.
    Silent,
    /// Prints, never confirms.
    NeverConfirm,
    /// The connection drops 40 bytes into the job.
    DropMidJob,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Redelivery {
    None,
    /// The order's events taken in again, as from a peer.
    Ingest,
    /// Every projection rebuilt, as after an upgrade.
    Reproject,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stop {
    None,
    AfterClaim,
    AfterSend,
    AfterRecord,
}

const FAULTS: [Fault; 8] = [
    Fault::None,
    Fault::Offline,
    Fault::Unreachable,
    Fault::PaperOut,
    Fault::CoverOpen,
    Fault::Silent,
    Fault::NeverConfirm,
    Fault::DropMidJob,
];
const REDELIVERIES: [Redelivery; 3] = [Redelivery::None, Redelivery::Ingest, Redelivery::Reproject];
const STOPS: [Stop; 4] = [
    Stop::None,
    Stop::AfterClaim,
    Stop::AfterSend,
    Stop::AfterRecord,
];

fn apply(fake: &FakePrinter, fault: Fault) {
    fake.set(|f| {
        *f = Faults::default();
        match fault {
            Fault::None | Fault::Unreachable => {}
            Fault::Offline => f.offline = true,
            Fault::PaperOut => f.paper_out = true,
            Fault::CoverOpen => f.cover_open = true,
            Fault::Silent => f.silent = true,
            Fault::NeverConfirm => f.never_confirm = true,
            Fault::DropMidJob => f.drop_after = Some(40),
        }
    });
}

/// A worker with short waits (a silent printer costs 150 ms, not seconds).
fn worker(crash: Option<Crash>) -> PrintWorker {
    let mut w = PrintWorker::default();
    w.answer_ms = 150;
    w.confirm_ms = 300;
    w.crash = crash;
    w
}

fn redeliver(app: &TestApp, how: Redelivery) {
    match how {
        Redelivery::None => {}
        Redelivery::Ingest => {
            let me = app.ctx.store.device().unwrap().device_id;
            let all = app
                .ctx
                .store
                .read(|r| r.device_events_after(me, 0, 10_000))
                .unwrap();
            app.ctx.store.write(|tx| tx.ingest(&all)).unwrap();
        }
        Redelivery::Reproject => {
            app.ctx.store.write(|tx| tx.reproject_all()).unwrap();
        }
    }
}

/// Runs one case; returns a line describing what went wrong, if anything.
async fn case(fault: Fault, redelivery: Redelivery, stop: Stop, seed: u64) -> Option<String> {
    let what = format!("{fault:?} × {redelivery:?} × stop {stop:?}");
    let fake = FakePrinter::tcp();
    let mut app = spawn_app_in(tempfile::tempdir().unwrap(), seed).await;
    // Unreachable: the printer's address is a port nothing listens on.
    let offline = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead_port = offline.local_addr().unwrap().port();
    drop(offline);
    let printer = printer_with(&app, &fake, "Fryer", |p| {
        p.stations = vec!["fry".into()];
        if fault == Fault::Unreachable {
            p.connection = format!("tcp:127.0.0.1:{dead_port}");
        }
    });
    let token = app.login(ALEX).await;
    let order: OrderId = fire(&app, &token).await.parse().unwrap();
    apply(&fake, fault);

    // The first try, stopped where the case says.
    let crash = match stop {
        Stop::AfterClaim => Some(Crash::AfterClaim),
        Stop::AfterSend => Some(Crash::AfterSend),
        Stop::None | Stop::AfterRecord => None,
    };
    worker(crash).step(&app.ctx).await.unwrap();
    if stop != Stop::None {
        let dir = app.stop().await;
        app = spawn_app_in(dir, seed + 1000).await;
    }
    redeliver(&app, redelivery);

    // The printer is mended; time passes; the worker (a new one after a stop) keeps going.
    apply(&fake, Fault::None);
    if fault == Fault::Unreachable {
        let (host, port) = match fake.address() {
            comanda_print::transport::Address::Tcp { host, port } => (host, port),
            other => panic!("a TCP fake, not {other:?}"),
        };
        let mut saved = app.ctx.store.read(|r| r.printers()).unwrap()[&printer].clone();
        saved.connection = format!("tcp:{host}:{port}");
        app.ctx
            .store
            .write(|tx| {
                tx.append(
                    comanda_domain::event::StreamId::Printers,
                    None,
                    comanda_domain::event::EventBody::PrinterSaved(saved),
                )
            })
            .unwrap();
    }
    let mut w = worker(None);
    for _ in 0..4 {
        app.clock.advance(RETRY_MAX_MS);
        w.step(&app.ctx).await.unwrap();
    }
    redeliver(&app, redelivery);
    for _ in 0..2 {
        app.clock.advance(RETRY_MAX_MS);
        w.step(&app.ctx).await.unwrap();
    }

    let jobs = app.ctx.store.read(|r| r.print_jobs(false, 100)).unwrap();
    if jobs.len() != 1 {
        return Some(format!("{what}: {} jobs, not one", jobs.len()));
    }
    let job = &jobs[0];
    let paper = paper_text(&fake.paper());
    let printed = paper.matches("2 x Fries").count();
    let cuts = fake.cuts();
    if printed > 1 || cuts > 1 {
        return Some(format!("{what}: printed {printed} times ({cuts} cuts)"));
    }
    let told: Vec<TicketOutcome> = app
        .ctx
        .store
        .read(|r| r.order(order))
        .unwrap()
        .unwrap()
        .state
        .tickets
        .iter()
        .map(|t| t.outcome.clone())
        .collect();
    match job.state {
        JobState::Done => {
            if cuts != 1 || told != [TicketOutcome::Printed] {
                return Some(format!(
                    "{what}: done, but {cuts} cuts, the order says {told:?}"
                ));
            }
        }
        JobState::Unknown => {
            // Waiting for a person: it may be on paper (once at most), and is never resent by
            // itself. A fault that stops a job before a byte leaves, with no stop, must not
            // end here: the job prints once the printer is back.
            let must_print = stop == Stop::None
                && matches!(
                    fault,
                    Fault::None
                        | Fault::Offline
                        | Fault::PaperOut
                        | Fault::CoverOpen
                        | Fault::Silent
                );
            if must_print {
                return Some(format!(
                    "{what}: unknown ({:?}), should have printed",
                    job.reason
                ));
            }
            // The person's reprint: exactly one more, marked REPRINT.
            assert!(app.ctx.store.write(|tx| tx.reprint(&job.job_id)).unwrap());
            w.step(&app.ctx).await.unwrap();
            w.step(&app.ctx).await.unwrap();
            let after = paper_text(&fake.paper());
            if fake.cuts() != cuts + 1 || after.matches("REPRINT").count() != 1 {
                return Some(format!(
                    "{what}: the reprint made {} cuts, {} REPRINT",
                    fake.cuts() - cuts,
                    after.matches("REPRINT").count()
                ));
            }
        }
        other => return Some(format!("{what}: left {other:?} ({:?})", job.reason)),
    }
    let _ = app.stop().await;
    None
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_fault_redelivery_and_stop_gives_one_ticket_or_one_unknown_never_two() {
    let mut failures = Vec::new();
    let mut seed = 10;
    for fault in FAULTS {
        for redelivery in REDELIVERIES {
            for stop in STOPS {
                seed += 1;
                if let Some(f) = case(fault, redelivery, stop, seed).await {
                    failures.push(f);
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
