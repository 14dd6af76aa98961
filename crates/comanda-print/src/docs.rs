//! The documents Comanda prints, built from plain data the caller prepared (amounts already
//! formatted in the store's currency, names already chosen): a customer receipt, a kitchen
//! ticket per station, a drawer count slip and a test page. Each turns into a [`Doc`]; the
//! same data renders on every paper width and code page.
//!
//! The data derives serde so a print job can keep what it prints and render it again for a
//! reprint (which then says REPRINT).

use serde::{Deserialize, Serialize};

use crate::layout::{Doc, Size, Style};
use crate::render::{Paper, Profile};

/// A label with its amount ("Cash", "20.00"); an empty amount prints the label alone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Amount {
    /// What it is.
    pub label: String,
    /// How much, formatted.
    pub amount: String,
}

impl Amount {
    /// A label with an amount.
    pub fn new(label: impl Into<String>, amount: impl Into<String>) -> Amount {
        Amount {
            label: label.into(),
            amount: amount.into(),
        }
    }
}

/// One line of a receipt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptLine {
    /// "2" or "0.350 kg".
    pub quantity: String,
    /// The item's name.
    pub name: String,
    /// The line's amount before its discount.
    pub amount: String,
    /// Its modifiers, each with its price when it has one.
    pub modifiers: Vec<Amount>,
    /// A discount on this line ("-10%", "-1.50").
    pub discount: Option<Amount>,
}

/// One tax rate's part of the total.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaxRow {
    /// The rate's name ("VAT 10%").
    pub name: String,
    /// What it was charged on.
    pub base: String,
    /// The tax.
    pub tax: String,
}

/// A customer receipt (or a bill, when payments do not cover the total yet).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    /// The store's name first, then its address lines and tax number.
    pub header: Vec<String>,
    /// The order's number as people call it ("1-042").
    pub number: String,
    /// How it was served and other facts ("Table 4", "Alex", "2026-12-02 19:42").
    pub details: Vec<String>,
    /// The lines sold.
    pub lines: Vec<ReceiptLine>,
    /// Discounts on the whole order.
    pub discounts: Vec<Amount>,
    /// The subtotal, when discounts or added taxes make it differ from the total.
    pub subtotal: Option<String>,
    /// Taxes by rate.
    pub taxes: Vec<TaxRow>,
    /// What is owed in all.
    pub total: String,
    /// Payments and refunds, in order ("Card", "Cash", "Tip").
    pub payments: Vec<Amount>,
    /// The change given back, if any.
    pub change: Option<String>,
    /// What is still to pay, when this is a bill.
    pub due: Option<String>,
    /// Lines at the bottom ("Thank you!").
    pub footer: Vec<String>,
    /// A QR code (the receipt online, a feedback link).
    pub qr: Option<String>,
}

/// What happened to a ticket after it was first sent to the kitchen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Banner {
    /// Items or modifiers changed.
    Changed,
    /// The items listed are voided: stop making them.
    Void,
    /// The whole order is cancelled.
    Cancel,
}

impl Banner {
    fn word(self) -> &'static str {
        match self {
            Banner::Changed => "CHANGED",
            Banner::Void => "VOID",
            Banner::Cancel => "CANCEL",
        }
    }
}

/// One item on a kitchen ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketItem {
    /// "2".
    pub quantity: String,
    /// The item's name (the kitchen's name if it has one).
    pub name: String,
    /// Its modifiers ("Medium rare", "No onion").
    pub modifiers: Vec<String>,
    /// The cashier's note on it.
    pub note: Option<String>,
    /// An allergy to say loudly.
    pub allergy: Option<String>,
    /// The seat it is for.
    pub seat: Option<String>,
    /// The course it belongs to ("Starters").
    pub course: Option<String>,
    /// Voided after it was sent: stop making it.
    pub voided: bool,
}

/// A kitchen ticket: one fire of one order for one station.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KitchenTicket {
    /// The station ("GRILL").
    pub station: String,
    /// The order's number ("1-042").
    pub number: String,
    /// How it is served: a table, a name, takeaway ("Table 4", "Takeaway Maria").
    pub served: String,
    /// Who sent it.
    pub by: String,
    /// When it was sent ("19:42").
    pub at: String,
    /// What changed since it was first sent, if anything.
    pub banner: Option<Banner>,
    /// The items, in the order to make them (a course heading prints when it changes).
    pub items: Vec<TicketItem>,
    /// A note on the whole order.
    pub note: Option<String>,
}

/// One row of a drawer count ("20.00 notes", 3, "60.00").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CountRow {
    /// The denomination or the kind.
    pub label: String,
    /// How many.
    pub count: u32,
    /// Their value.
    pub amount: String,
}

/// The slip printed when a drawer is counted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrawerCount {
    /// Which drawer, which terminal.
    pub drawer: String,
    /// Who counted.
    pub by: String,
    /// When.
    pub at: String,
    /// What was counted.
    pub rows: Vec<CountRow>,
    /// What the drawer should hold.
    pub expected: String,
    /// What it holds.
    pub counted: String,
    /// Counted minus expected ("-2.50").
    pub difference: String,
    /// A note by the person who counted.
    pub note: Option<String>,
}

/// A page to check a printer: its settings, every size and style, the code page's special
/// characters and a QR code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestPage {
    /// The printer's name in Comanda.
    pub printer: String,
    /// How it is reached ("tcp 192.168.1.50:9100").
    pub address: String,
    /// When.
    pub at: String,
}

/// Anything Comanda prints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Document {
    /// A customer receipt.
    Receipt(Receipt),
    /// A kitchen ticket.
    Ticket(KitchenTicket),
    /// A drawer count slip.
    DrawerCount(DrawerCount),
    /// A test page.
    TestPage(TestPage),
}

impl Document {
    /// Lays the document out. `reprint` adds the REPRINT banner at the top (a copy, not the
    /// first print: the kitchen must not cook it again).
    pub fn layout(&self, profile: &Profile, reprint: bool) -> Doc {
        let mut d = Doc::new();
        if reprint {
            d.text(
                "*** REPRINT ***",
                Style::PLAIN.bold().size(Size::Large).center().reverse(),
            );
            d.feed(1);
        }
        match self {
            Document::Receipt(r) => receipt(&mut d, r),
            Document::Ticket(t) => ticket(&mut d, t),
            Document::DrawerCount(c) => drawer_count(&mut d, c),
            Document::TestPage(t) => test_page(&mut d, t, profile),
        }
        d
    }
}

const BOLD: Style = Style::PLAIN.bold();

fn receipt(d: &mut Doc, r: &Receipt) {
    let mut header = r.header.iter();
    if let Some(name) = header.next() {
        d.text(name, BOLD.size(Size::Large).center());
    }
    for l in header {
        d.text(l, Style::PLAIN.center());
    }
    d.feed(1);
    d.text(
        format!("Order {}", r.number),
        BOLD.size(Size::Tall).center(),
    );
    for l in &r.details {
        d.text(l, Style::PLAIN.center());
    }
    d.rule('-');
    for line in &r.lines {
        d.pair(
            format!("{} {}", line.quantity, line.name),
            &line.amount,
            Style::PLAIN,
        );
        for m in &line.modifiers {
            d.indented_pair(2, &m.label, &m.amount, Style::PLAIN);
        }
        if let Some(disc) = &line.discount {
            d.indented_pair(2, &disc.label, &disc.amount, Style::PLAIN);
        }
    }
    d.rule('-');
    if let Some(sub) = &r.subtotal {
        d.pair("Subtotal", sub, Style::PLAIN);
    }
    for disc in &r.discounts {
        d.pair(&disc.label, &disc.amount, Style::PLAIN);
    }
    d.pair("TOTAL", &r.total, BOLD.size(Size::Tall));
    if !r.taxes.is_empty() {
        d.feed(1);
        for t in &r.taxes {
            d.pair(format!("{} on {}", t.name, t.base), &t.tax, Style::PLAIN);
        }
    }
    if !r.payments.is_empty() {
        d.rule('-');
        for p in &r.payments {
            d.pair(&p.label, &p.amount, Style::PLAIN);
        }
    }
    if let Some(change) = &r.change {
        d.pair("Change", change, BOLD);
    }
    if let Some(due) = &r.due {
        d.pair("TO PAY", due, BOLD.size(Size::Tall));
    }
    if !r.footer.is_empty() {
        d.feed(1);
        for l in &r.footer {
            d.text(l, Style::PLAIN.center());
        }
    }
    if let Some(qr) = &r.qr {
        d.feed(1);
        d.qr(qr, 6);
    }
}

fn ticket(d: &mut Doc, t: &KitchenTicket) {
    if let Some(banner) = t.banner {
        d.text(
            format!("** {} **", banner.word()),
            BOLD.size(Size::Large).center().reverse(),
        );
    }
    d.text(&t.station, BOLD.size(Size::Large).center());
    d.text(
        format!("#{}  {}", t.number, t.served),
        BOLD.size(Size::Large),
    );
    d.text(format!("{}  {}", t.at, t.by), Style::PLAIN);
    d.rule('=');
    let mut course: Option<&str> = None;
    for item in &t.items {
        if item.course.as_deref() != course {
            course = item.course.as_deref();
            if let Some(c) = course {
                d.text(format!("-- {c} --"), BOLD.center());
            }
        }
        if let Some(seat) = &item.seat {
            d.text(format!("Seat {seat}"), Style::PLAIN);
        }
        let what = format!("{} x {}", item.quantity, item.name);
        if item.voided {
            d.text(format!("VOID {what}"), BOLD.size(Size::Large).reverse());
        } else {
            d.text(what, BOLD.size(Size::Large));
        }
        for m in &item.modifiers {
            d.indented(2, m, Style::PLAIN.size(Size::Tall));
        }
        if let Some(allergy) = &item.allergy {
            d.indented(
                2,
                format!("ALLERGY: {allergy}"),
                BOLD.size(Size::Tall).reverse(),
            );
        }
        if let Some(note) = &item.note {
            d.indented(2, format!("Note: {note}"), Style::PLAIN.size(Size::Tall));
        }
    }
    if let Some(note) = &t.note {
        d.rule('-');
        d.text(format!("Note: {note}"), BOLD.size(Size::Tall));
    }
    d.rule('=');
}

fn drawer_count(d: &mut Doc, c: &DrawerCount) {
    d.text("DRAWER COUNT", BOLD.size(Size::Large).center());
    d.text(&c.drawer, Style::PLAIN.center());
    d.text(format!("{}  {}", c.at, c.by), Style::PLAIN.center());
    d.rule('-');
    for row in &c.rows {
        d.pair(
            format!("{} x {}", row.count, row.label),
            &row.amount,
            Style::PLAIN,
        );
    }
    d.rule('-');
    d.pair("Expected", &c.expected, Style::PLAIN);
    d.pair("Counted", &c.counted, BOLD);
    d.pair("Difference", &c.difference, BOLD.size(Size::Tall));
    if let Some(note) = &c.note {
        d.feed(1);
        d.text(format!("Note: {note}"), Style::PLAIN);
    }
    d.feed(2);
    d.text("Signature: ______________________", Style::PLAIN);
}

fn test_page(d: &mut Doc, t: &TestPage, profile: &Profile) {
    let columns = profile.paper.columns();
    d.text("TEST PAGE", BOLD.size(Size::Large).center());
    d.text(&t.printer, BOLD.center());
    d.text(&t.address, Style::PLAIN.center());
    d.text(&t.at, Style::PLAIN.center());
    d.rule('-');
    let paper = match profile.paper {
        Paper::Mm58 => "58 mm",
        Paper::Mm80Narrow | Paper::Mm80 => "80 mm",
    };
    d.pair("Paper", format!("{paper}, {columns} columns"), Style::PLAIN);
    d.pair(
        "Code page",
        format!(
            "{} (ESC t {})",
            profile.code_page.name(),
            profile.code_page_number
        ),
        Style::PLAIN,
    );
    // A ruler: the last digit must be the last cell of the line.
    let ruler: String = (1..=columns)
        .map(|i| char::from(b'0' + (i % 10) as u8))
        .collect();
    d.text(ruler, Style::PLAIN);
    d.text("Normal  ", Style::PLAIN);
    d.text("Bold", BOLD);
    d.text("Tall", Style::PLAIN.size(Size::Tall));
    d.text("Large", Style::PLAIN.size(Size::Large));
    d.text(" Reverse ", Style::PLAIN.reverse());
    d.text("Accents: é è à ç ñ ü ö ß Å Ø", Style::PLAIN);
    d.text("Money: € £ ¥ $ 1.234,56", Style::PLAIN);
    d.feed(1);
    d.qr("https://comanda.example/test", 5);
}
