//! The printing figures: rendering a 40-line receipt to ESC/POS (beside the same receipt as
//! plain text), an order fired at the counter until its ticket is on a printer on loopback
//! (beside a bare TCP job of the same bytes to the same printer), and the commit of
//! `fire_order` with its print jobs (beside a bare SQLite transaction writing the same rows).

use std::fmt::Write as _;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use comanda_api::orders::{self, FireOrder};
use comanda_api::printing::PrintWorker;
use comanda_api::system::{SystemClock, UuidV7Ids};
use comanda_api::{Ctx, Session};
use comanda_domain::event::{EventBody, StreamId};
use comanda_domain::ids::{IdSource, OrderId, PrinterId};
use comanda_domain::printer::PrinterSaved;
use comanda_print::docs::{Amount, Document, Receipt, ReceiptLine, TaxRow};
use comanda_print::{CodePage, Paper, Profile};
use comanda_testkit::printer::FakePrinter;
use rusqlite::{Connection, TransactionBehavior, params_from_iter};

use crate::{
    COMMIT_WARMUP, EVENT_COLUMNS, Fig, ORDER_COLUMNS, bare_db, column_count, line_request,
    menu_picks, open_mirror, open_request, percentile, progress, row_values, sign_in, timing,
    upsert_order_sql,
};

/// Renders measured.
const RENDERS: usize = 2_000;
/// Fires measured (each a fresh order of two lines at two stations).
const FIRES: usize = 500;
/// Fires sent to the printer on loopback.
const PRINTS: usize = 200;

/// A receipt of `n` lines, each with a modifier, two tax rates, a card payment and a QR code.
fn receipt(n: usize) -> Document {
    Document::Receipt(Receipt {
        header: vec!["Comanda Bistro".into(), "Calle Mayor 1, Madrid".into()],
        number: "1-042".into(),
        details: vec![
            "Table 12".into(),
            "Served by Alex".into(),
            "2026-12-02 19:42".into(),
        ],
        lines: (0..n)
            .map(|i| ReceiptLine {
                quantity: format!("{}", 1 + i % 3),
                name: format!("Crème brûlée nº {i}"),
                amount: format!("{}.50", 3 + i),
                modifiers: vec![Amount {
                    label: "Extra café".into(),
                    amount: "0.80".into(),
                }],
                discount: None,
            })
            .collect(),
        discounts: vec![],
        subtotal: None,
        taxes: vec![
            TaxRow {
                name: "IVA 10% incl.".into(),
                base: "350.00".into(),
                tax: "31.82".into(),
            },
            TaxRow {
                name: "IVA 21% incl.".into(),
                base: "120.00".into(),
                tax: "20.83".into(),
            },
        ],
        total: "470.00 €".into(),
        payments: vec![Amount {
            label: "Card 4242".into(),
            amount: "470.00".into(),
        }],
        change: None,
        due: None,
        footer: vec!["Gracias".into()],
        qr: Some("comanda:order:0190a3c4-0000-7000-8000-000000000001".into()),
    })
}

/// The same receipt as plain text lines of 48 columns (the reference: what printing it without
/// ESC/POS, code pages or layout rules costs).
fn plain(doc: &Document) -> Vec<u8> {
    let mut s = String::new();
    if let Document::Receipt(r) = doc {
        for h in &r.header {
            let _ = writeln!(s, "{h:^48}");
        }
        for d in &r.details {
            let _ = writeln!(s, "{d}");
        }
        for l in &r.lines {
            let left = format!("{} {}", l.quantity, l.name);
            let _ = writeln!(s, "{left:<40}{:>8}", l.amount);
            for m in &l.modifiers {
                let _ = writeln!(s, "  {:<38}{:>8}", m.label, m.amount);
            }
        }
        for t in &r.taxes {
            let _ = writeln!(s, "{:<30}{:>9}{:>9}", t.name, t.base, t.tax);
        }
        let _ = writeln!(s, "{:<40}{:>8}", "TOTAL", r.total);
    }
    s.into_bytes()
}

/// Figure: render a 40-line receipt.
pub fn render_receipt() -> Result<Vec<serde_json::Value>> {
    progress(&format!(
        "printing: render a 40-line receipt, {RENDERS} times each way"
    ));
    let doc = receipt(40);
    let profile = Profile {
        paper: Paper::Mm80,
        code_page: CodePage::Cp858,
        code_page_number: 19,
        cutter: true,
    };
    let (mut ours, mut reference) = (Vec::new(), Vec::new());
    let mut bytes = 0;
    for _ in 0..RENDERS {
        let (r, d) = timing::time(|| comanda_print::render(&doc.layout(&profile, false), &profile));
        bytes = r.context("rendering")?.bytes.len();
        ours.push(d);
        let (p, d) = timing::time(|| plain(&doc));
        std::hint::black_box(p);
        reference.push(d);
    }
    Ok(vec![
        Fig {
            id: "render_receipt_p50",
            figure: "Render a 40-line receipt to ESC/POS (80 mm, CP858, QR) p50",
            unit: "ms",
            measured: Some(percentile(&ours, 50.0)),
            reference: Some(percentile(&reference, 50.0)),
            reference_what: "the same receipt as plain text (format! into a String)",
            target: "none set (informative)",
            target_ratio: None,
            target_max: None,
            note: Some(format!(
                "{RENDERS} renders, {bytes} bytes each; p99 {:.3} ms",
                percentile(&ours, 99.0)
            )),
            not_measured: None,
        }
        .json(),
    ])
}

/// Sets up a printer on this terminal for every station of the menu, at `connection`.
fn printer_for_all(ctx: &Ctx, connection: &str) -> Result<PrinterId> {
    let catalog = ctx.store.read(|r| r.catalog())?.context("no demo menu")?;
    let stations = catalog.stations();
    let me = ctx.store.device()?.device_id;
    let printer_id = PrinterId::new(&UuidV7Ids as &dyn IdSource);
    let saved = PrinterSaved {
        printer_id,
        name: "Kitchen".into(),
        node: me,
        connection: connection.into(),
        columns: 48,
        code_page: "cp858".into(),
        code_page_number: 19,
        status: true,
        stations,
        receipts: false,
        active: true,
        drawer: None,
        fallback_for: vec![],
    };
    ctx.store
        .write(|tx| tx.append(StreamId::Printers, None, EventBody::PrinterSaved(saved)))?;
    Ok(printer_id)
}

/// Opens an order of two lines (untimed); its id.
fn two_lines(ctx: &Ctx, s: &Session, i: usize) -> Result<OrderId> {
    let catalog = ctx.store.read(|r| r.catalog())?.context("no demo menu")?;
    let picks = menu_picks(&catalog);
    let view = orders::open_order(ctx, s, open_request(i))?;
    for k in 0..2 {
        orders::add_line(
            ctx,
            s,
            line_request(view.order_id, &picks[(i + k * 7) % picks.len()]),
        )?;
    }
    Ok(view.order_id)
}

fn terminal(dir: &Path) -> Result<(Ctx, Session)> {
    let ctx = Ctx::open(
        &dir.join("terminal"),
        Arc::new(SystemClock),
        Arc::new(UuidV7Ids),
        true,
    )?;
    let s = sign_in(&ctx)?;
    Ok((ctx, s))
}

/// Figure: `fire_order` with its print jobs, against the bare transaction writing its rows.
pub fn fire_commit(dir: &Path) -> Result<Vec<serde_json::Value>> {
    progress(&format!(
        "printing: {COMMIT_WARMUP} warm-up + {FIRES} fire_order commits with their print jobs, each followed by the bare reference"
    ));
    let (ctx, s) = terminal(dir)?;
    printer_for_all(&ctx, "tcp:127.0.0.1:9")?;
    let mirror = open_mirror(ctx.store.path())?;
    let mut bare = bare_db(&dir.join("reference.sqlite"), &mirror)?;
    let upsert = upsert_order_sql();
    let (mut ours, mut reference) = (Vec::new(), Vec::new());
    let mut jobs = 0;
    for i in 0..COMMIT_WARMUP + FIRES {
        let order_id = two_lines(&ctx, &s, i)?;
        let (r, d) = timing::time(|| {
            orders::fire_order(
                &ctx,
                &s,
                FireOrder {
                    order_id,
                    course: None,
                    hold_later: None,
                },
            )
        });
        r?;
        let rows = fire_rows(&mirror, order_id)?;
        let (r, d_bare) = timing::time(|| bare_fire(&mut bare, &rows, &upsert));
        r?;
        if i >= COMMIT_WARMUP {
            ours.push(d);
            reference.push(d_bare);
            jobs += rows.jobs.len();
        }
    }
    let (m50, r50) = (percentile(&ours, 50.0), percentile(&reference, 50.0));
    progress(&format!(
        "printing: fire_order p50 {m50:.3} ms, bare p50 {r50:.3} ms"
    ));
    Ok(vec![
        Fig {
            id: "fire_commit_p50",
            figure: "fire_order commit with its print jobs p50 (synchronous=FULL)",
            unit: "ms",
            measured: Some(m50),
            reference: Some(r50),
            reference_what: "bare rusqlite tx writing the same event, order, lines, outbox and print-job rows (p50)",
            target: "≤ 2× reference",
            target_ratio: Some(2.0),
            target_max: None,
            note: Some(format!(
                "{FIRES} fires of 2 lines after {COMMIT_WARMUP} warm-up, {:.1} print jobs each; p99 {:.3} ms (bare {:.3} ms)",
                jobs as f64 / FIRES as f64,
                percentile(&ours, 99.0),
                percentile(&reference, 99.0)
            )),
            not_measured: None,
        }
        .json(),
    ])
}

/// The rows one fire wrote.
struct FireRows {
    event: Vec<rusqlite::types::Value>,
    enqueued_ms: i64,
    order: Vec<rusqlite::types::Value>,
    lines: Vec<Vec<rusqlite::types::Value>>,
    jobs: Vec<Vec<rusqlite::types::Value>>,
}

const LINE_COLUMNS: &str = "order_id, pos, state";
const JOB_COLUMNS: &str = "job_id, printer_id, kind, order_id, fire_event_id, station, state, \
     reason, attempts, reprint, created_ms, updated_ms, detail";

fn fire_rows(mirror: &Connection, order_id: OrderId) -> Result<FireRows> {
    let (seq, id, event) = mirror.query_row(
        &format!("SELECT seq, id, {EVENT_COLUMNS} FROM events ORDER BY seq DESC LIMIT 1"),
        [],
        |r| {
            let vals = (2..2 + column_count(EVENT_COLUMNS))
                .map(|i| r.get::<_, rusqlite::types::Value>(i))
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, vals))
        },
    )?;
    let enqueued_ms = mirror.query_row(
        "SELECT enqueued_ms FROM outbox WHERE event_seq = ?1",
        [seq],
        |r| r.get(0),
    )?;
    let order = mirror.query_row(
        &format!("SELECT {ORDER_COLUMNS} FROM orders WHERE order_id = ?1"),
        [order_id.to_string()],
        |r| row_values(r, column_count(ORDER_COLUMNS)),
    )?;
    let mut stmt = mirror.prepare(&format!(
        "SELECT {LINE_COLUMNS} FROM order_lines WHERE order_id = ?1"
    ))?;
    let lines = stmt
        .query_map([order_id.to_string()], |r| {
            row_values(r, column_count(LINE_COLUMNS))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut stmt = mirror.prepare(&format!(
        "SELECT {JOB_COLUMNS} FROM print_jobs WHERE fire_event_id = ?1"
    ))?;
    let jobs = stmt
        .query_map([id], |r| row_values(r, column_count(JOB_COLUMNS)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(FireRows {
        event,
        enqueued_ms,
        order,
        lines,
        jobs,
    })
}

fn insert_sql(table: &str, cols: &str, conflict: &str) -> String {
    let marks: Vec<String> = (1..=column_count(cols)).map(|i| format!("?{i}")).collect();
    format!(
        "INSERT INTO {table} ({cols}) VALUES ({}) {conflict}",
        marks.join(", ")
    )
}

/// The reference: one transaction writing the fire's rows.
fn bare_fire(conn: &mut Connection, rows: &FireRows, upsert: &str) -> Result<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    tx.prepare_cached(&insert_sql("events", EVENT_COLUMNS, ""))?
        .execute(params_from_iter(&rows.event))?;
    let seq = tx.last_insert_rowid();
    tx.prepare_cached(upsert)?
        .execute(params_from_iter(&rows.order))?;
    for l in &rows.lines {
        tx.prepare_cached(&insert_sql(
            "order_lines",
            LINE_COLUMNS,
            "ON CONFLICT (order_id, pos) DO UPDATE SET state = excluded.state",
        ))?
        .execute(params_from_iter(l))?;
    }
    tx.prepare_cached("INSERT INTO outbox (event_seq, enqueued_ms) VALUES (?1, ?2)")?
        .execute(rusqlite::params![seq, rows.enqueued_ms])?;
    for j in &rows.jobs {
        tx.prepare_cached(&insert_sql(
            "print_jobs",
            JOB_COLUMNS,
            "ON CONFLICT (job_id) DO NOTHING",
        ))?
        .execute(params_from_iter(j))?;
    }
    tx.commit()?;
    Ok(())
}

/// Figure: fired at the counter → the ticket's bytes on a printer on loopback (confirmed).
pub fn fire_to_paper(dir: &Path) -> Result<Vec<serde_json::Value>> {
    progress(&format!(
        "printing: {PRINTS} fires until their tickets are on a fake printer on 127.0.0.1, each followed by a bare TCP job of the same bytes"
    ));
    let fake = FakePrinter::tcp();
    let comanda_print::transport::Address::Tcp { host, port } = fake.address() else {
        anyhow::bail!("the fake printer is not on TCP");
    };
    let (ctx, s) = terminal(dir)?;
    printer_for_all(&ctx, &format!("tcp:{host}:{port}"))?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let mut worker = PrintWorker::default();
    let (mut ours, mut reference) = (Vec::new(), Vec::new());
    let mut ticket_bytes = 0;
    for i in 0..PRINTS + 20 {
        let order_id = two_lines(&ctx, &s, i)?;
        let before = fake.paper().len();
        let cuts = fake.cuts();
        let t = timing::Timer::start();
        orders::fire_order(
            &ctx,
            &s,
            FireOrder {
                order_id,
                course: None,
                hold_later: None,
            },
        )?;
        while fake.cuts() == cuts {
            rt.block_on(worker.step(&ctx))?;
        }
        let d = t.elapsed();
        let sent = fake.paper().len() - before;
        // The reference: the same number of bytes as one bare job on a fresh connection,
        // confirmed the same way (GS r 1), to the same printer.
        let payload = vec![b'x'; sent];
        let (r, d_ref) = timing::time(|| bare_job(&host, port, &payload));
        r?;
        if i >= 20 {
            ours.push(d);
            reference.push(d_ref);
            ticket_bytes += sent;
        }
    }
    let (m50, r50) = (percentile(&ours, 50.0), percentile(&reference, 50.0));
    progress(&format!(
        "printing: fired → on paper p50 {m50:.3} ms, bare TCP job p50 {r50:.3} ms"
    ));
    Ok(vec![
        Fig {
            id: "fire_to_paper_p50",
            figure: "Order fired → its tickets' bytes on a TCP printer on loopback, confirmed (p50)",
            unit: "ms",
            measured: Some(m50),
            reference: Some(r50),
            reference_what: "a bare TCP job of the same bytes to the same printer: connect, write, GS r 1, read (p50)",
            target: "none set (informative)",
            target_ratio: None,
            target_max: None,
            note: Some(format!(
                "{PRINTS} fires of 2 lines after 20 warm-up, {} bytes of tickets each; the worker asks the printer's status first (DLE EOT 1, 2, 4); p99 {:.3} ms (bare {:.3} ms)",
                ticket_bytes / PRINTS.max(1),
                percentile(&ours, 99.0),
                percentile(&reference, 99.0)
            )),
            not_measured: None,
        }
        .json(),
    ])
}

/// Connects, writes `bytes` and a `GS r 1`, and reads the answer.
fn bare_job(host: &str, port: u16, bytes: &[u8]) -> Result<()> {
    let mut c = TcpStream::connect((host, port))?;
    c.set_nodelay(true)?;
    c.set_read_timeout(Some(Duration::from_secs(5)))?;
    c.write_all(bytes)?;
    c.write_all(&[0x1D, b'r', 1])?;
    let mut answer = [0u8; 1];
    c.read_exact(&mut answer)?;
    Ok(())
}
