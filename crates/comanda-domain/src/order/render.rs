//! A plain-text drawing of an order, for snapshot tests and logs (and, later, receipts).

use std::fmt::Write;

use crate::event::{DiscountAmount, DiscountTarget, OrderType, PaymentMethod};
use crate::order::{Conflict, OrderState};

/// Draws the order as text: header, lines with modifiers, discounts, taxes, payments, balance,
/// status and conflicts. Deterministic; ids are left out except where nothing else names a thing.
pub fn render_text(o: &OrderState, conflicts: &[Conflict]) -> String {
    let mut s = String::new();
    let t = o.totals();
    let kind = match &o.order_type {
        Some(OrderType::DineIn { table, guests }) => match guests {
            Some(g) => format!("table {table} ({g} guests)"),
            None => format!("table {table}"),
        },
        Some(OrderType::Takeaway { name: Some(n) }) => format!("takeaway {n}"),
        Some(OrderType::Takeaway { name: None }) => "takeaway".into(),
        Some(OrderType::Tab { name }) => format!("tab {name}"),
        None => "(not opened)".into(),
    };
    let _ = writeln!(
        s,
        "#{} {} — {:?} gen {}",
        o.number,
        kind,
        o.status(),
        o.lifecycle.generation
    );
    if let Some(n) = &o.note {
        let _ = writeln!(s, "  note: {n}");
    }
    for l in &o.lines {
        let mark = if l.voided.is_some() {
            "VOID "
        } else if l.fired {
            "sent "
        } else {
            ""
        };
        let amount = t
            .lines
            .iter()
            .find(|a| a.line_id == l.line_id)
            .map(|a| a.total.to_string())
            .unwrap_or_else(|| "-".into());
        let _ = writeln!(
            s,
            "  {mark}{} x {} @ {} = {amount}",
            l.qty.get(),
            l.name,
            l.unit_total()
        );
        for m in &l.modifiers {
            let _ = writeln!(s, "      + {} {}", m.name, m.price_delta);
        }
        if let Some(n) = &l.note {
            let _ = writeln!(s, "      note: {n}");
        }
        if l.seat.is_some() || l.course.is_some() {
            let _ = writeln!(s, "      seat {:?} course {:?}", l.seat, l.course);
        }
    }
    for d in o.discounts.iter().filter(|d| !d.removed) {
        let what = match d.amount {
            DiscountAmount::Fixed(m) => m.to_string(),
            DiscountAmount::Percent(p) => format!("{p:?}"),
        };
        let on = match d.target {
            DiscountTarget::Order => "order".to_string(),
            DiscountTarget::Line { line_id } => o
                .line(line_id)
                .map(|l| l.name.clone())
                .unwrap_or_else(|| "?".into()),
        };
        let _ = writeln!(s, "  discount {what} on {on} ({})", d.reason);
    }
    let _ = writeln!(
        s,
        "  subtotal {}  discount {}  total {}",
        t.subtotal, t.discount, t.total
    );
    for x in &t.taxes {
        let how = if x.inclusive { "incl." } else { "added" };
        let _ = writeln!(s, "  tax {} {how} on {} = {}", x.name, x.base, x.tax);
    }
    for p in &o.payments {
        let how = match &p.method {
            PaymentMethod::Cash { tendered, change } => {
                format!("cash tendered {tendered} change {change}")
            }
            PaymentMethod::Card { reference } => format!("card ref {reference}"),
        };
        let void = if p.voided.is_some() { " VOID" } else { "" };
        let _ = writeln!(s, "  paid {} tip {} by {how}{void}", p.amount, p.tip);
    }
    for r in &o.refunds {
        let _ = writeln!(s, "  refund {} ({})", r.amount, r.reason);
    }
    let _ = writeln!(s, "  paid {}  balance {}", t.paid, t.balance);
    for c in conflicts {
        let _ = writeln!(s, "  CONFLICT {c:?}");
    }
    s
}
