//! Jobs sent for real, over a TCP socket and a pseudo-terminal, to the test kit's fake printer:
//! what the paper says, and what becomes of a job under each fault a printer has.

use comanda_print::drawer::Kick;
use comanda_print::job::{Asked, Handshake, Outcome, ask_status, send};
use comanda_print::status::{OpenLevel, Problem};
use comanda_print::transport::{Address, Timeouts, open};
use comanda_print::{CodePage, Paper, PrintError, Profile, render};
use comanda_testkit::escpos::paper_text;
use comanda_testkit::printer::FakePrinter;

use crate::fixtures;

fn receipt_bytes() -> Vec<u8> {
    let profile = Profile::new(Paper::Mm80, CodePage::Cp858);
    render(&fixtures::receipt().layout(&profile, false), &profile)
        .unwrap()
        .bytes
}

/// Short waits: the fake answers at once, and the tests that wait for nothing stay quick.
const QUICK: Handshake = Handshake {
    status: true,
    answer_ms: 500,
    confirm_ms: 700,
};

fn send_to(printer: &FakePrinter, bytes: &[u8]) -> Outcome {
    let mut link = open(&printer.address(), Timeouts::default()).unwrap();
    send(link.as_mut(), bytes, &QUICK)
}

fn check_printed_once(printer: &FakePrinter) {
    let text = paper_text(&printer.paper());
    assert!(
        text.contains("Cheeseburger") && text.contains("€ 38.75"),
        "{text}"
    );
    assert_eq!(printer.cuts(), 1);
}

#[test]
fn a_receipt_is_printed_and_confirmed_over_tcp() {
    let printer = FakePrinter::tcp();
    assert_eq!(send_to(&printer, &receipt_bytes()), Outcome::Printed);
    check_printed_once(&printer);
}

#[test]
fn a_receipt_is_printed_and_confirmed_over_a_serial_line() {
    let printer = FakePrinter::serial();
    assert!(matches!(printer.address(), Address::Serial { .. }));
    assert_eq!(send_to(&printer, &receipt_bytes()), Outcome::Printed);
    check_printed_once(&printer);
}

#[test]
fn paper_out_sends_nothing_says_why_and_prints_once_when_refilled() {
    let printer = FakePrinter::tcp();
    printer.set(|f| f.paper_out = true);
    match send_to(&printer, &receipt_bytes()) {
        Outcome::NotSent { problem, reason } => {
            assert_eq!(problem, Problem::PaperOut);
            assert!(reason.contains("out of paper"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    assert!(
        printer.paper().is_empty(),
        "nothing may reach a printer that cannot print"
    );
    printer.set(|f| f.paper_out = false);
    assert_eq!(send_to(&printer, &receipt_bytes()), Outcome::Printed);
    check_printed_once(&printer);
}

#[test]
fn cover_open_and_offline_are_told_apart() {
    let printer = FakePrinter::tcp();
    printer.set(|f| f.cover_open = true);
    assert!(matches!(
        send_to(&printer, &receipt_bytes()),
        Outcome::NotSent {
            problem: Problem::CoverOpen,
            ..
        }
    ));
    printer.set(|f| {
        f.cover_open = false;
        f.offline = true;
    });
    assert!(matches!(
        send_to(&printer, &receipt_bytes()),
        Outcome::NotSent {
            problem: Problem::Offline,
            ..
        }
    ));
    assert!(printer.paper().is_empty());
}

#[test]
fn a_silent_printer_gets_nothing() {
    let printer = FakePrinter::tcp();
    printer.set(|f| f.silent = true);
    match send_to(&printer, &receipt_bytes()) {
        Outcome::NotSent { reason, .. } => assert!(reason.contains("does not answer"), "{reason}"),
        other => panic!("{other:?}"),
    }
    assert!(printer.paper().is_empty());
}

#[test]
fn no_confirmation_makes_the_job_unknown_not_resent() {
    let printer = FakePrinter::tcp();
    printer.set(|f| f.never_confirm = true);
    match send_to(&printer, &receipt_bytes()) {
        Outcome::Unknown { reason } => assert!(reason.contains("no confirmation"), "{reason}"),
        other => panic!("{other:?}"),
    }
    // It did print: which is exactly why nobody may send it again without asking.
    check_printed_once(&printer);
}

#[test]
fn a_connection_cut_mid_job_makes_it_unknown() {
    let printer = FakePrinter::tcp();
    printer.set(|f| f.drop_after = Some(200));
    match send_to(&printer, &receipt_bytes()) {
        Outcome::Unknown { reason } => assert!(reason.contains("broke"), "{reason}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(printer.cuts(), 0, "half a receipt, never cut");
}

#[test]
fn an_unreachable_printer_is_an_error_before_anything_is_sent() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let address = Address::Tcp {
        host: "127.0.0.1".into(),
        port,
    };
    match open(&address, Timeouts::default()) {
        Err(PrintError::Unreachable(why)) => assert!(why.contains("tcp 127.0.0.1"), "{why}"),
        Err(e) => panic!("{e}"),
        Ok(_) => panic!("connected to a closed port"),
    }
}

#[test]
fn the_drawer_kick_opens_the_drawer_and_the_status_reads_it() {
    let printer = FakePrinter::tcp();
    let mut link = open(&printer.address(), Timeouts::default()).unwrap();
    match ask_status(link.as_mut(), &QUICK).unwrap() {
        Asked::Answered(s) => assert!(!s.drawer_open(OpenLevel::High)),
        Asked::Silent => panic!("silent"),
    }
    assert_eq!(
        send(link.as_mut(), &Kick::default().bytes(), &QUICK),
        Outcome::Printed
    );
    assert_eq!(printer.kicks(), 1);
    assert!(paper_text(&printer.paper()).contains("<drawer pin 2 on 50 ms off 500 ms>"));
    match ask_status(link.as_mut(), &QUICK).unwrap() {
        Asked::Answered(s) => assert!(s.drawer_open(OpenLevel::High)),
        Asked::Silent => panic!("silent"),
    }
}
