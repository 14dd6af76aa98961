//! Documents as Comanda prints them in a busy service, with the characters that break printers
//! (€, accents, a Polish name, typographic quotes).

use comanda_print::docs::{
    Amount, Banner, CountRow, Document, DrawerCount, KitchenTicket, Receipt, ReceiptLine, TaxRow,
    TestPage, TicketItem,
};

pub fn receipt() -> Document {
    Document::Receipt(Receipt {
        header: vec![
            "Café Comanda".into(),
            "12 Rue des Écoles, 75005 Paris".into(),
            "VAT FR 12 345678901".into(),
        ],
        number: "2-0042".into(),
        details: vec![
            "Table 4 · 3 guests".into(),
            "Served by Łucja".into(),
            "2026-12-02 19:42".into(),
        ],
        lines: vec![
            ReceiptLine {
                quantity: "2".into(),
                name: "Cheeseburger".into(),
                amount: "€ 25.00".into(),
                modifiers: vec![
                    Amount::new("Medium rare", ""),
                    Amount::new("Extra cheese", "€ 1.50"),
                ],
                discount: None,
            },
            ReceiptLine {
                quantity: "1".into(),
                name: "Crème brûlée with “salted” caramel and a very long name".into(),
                amount: "€ 7.50".into(),
                modifiers: vec![],
                discount: Some(Amount::new("Staff −10%", "−€ 0.75")),
            },
            ReceiptLine {
                quantity: "3".into(),
                name: "Coffee".into(),
                amount: "€ 7.50".into(),
                modifiers: vec![],
                discount: None,
            },
        ],
        discounts: vec![Amount::new("Happy hour", "−€ 2.00")],
        subtotal: Some("€ 41.50".into()),
        taxes: vec![
            TaxRow {
                name: "VAT 10%".into(),
                base: "€ 31.14".into(),
                tax: "€ 3.11".into(),
            },
            TaxRow {
                name: "VAT 20%".into(),
                base: "€ 5.63".into(),
                tax: "€ 1.12".into(),
            },
        ],
        total: "€ 38.75".into(),
        payments: vec![
            Amount::new("Card ****4242", "€ 20.00"),
            Amount::new("Cash", "€ 20.00"),
        ],
        change: Some("€ 1.25".into()),
        due: None,
        footer: vec!["Merci et à bientôt !".into()],
        qr: Some("https://comanda.example/r/2-0042".into()),
    })
}

pub fn ticket(banner: Option<Banner>) -> Document {
    Document::Ticket(KitchenTicket {
        station: "GRILL".into(),
        number: "2-0042".into(),
        served: "Table 4".into(),
        by: "Łucja".into(),
        at: "19:42".into(),
        banner,
        items: vec![
            TicketItem {
                quantity: "2".into(),
                name: "Cheeseburger".into(),
                modifiers: vec!["Medium rare".into(), "Extra cheese".into()],
                note: Some("sauce on the side".into()),
                allergy: None,
                seat: Some("1".into()),
                course: Some("Mains".into()),
                voided: false,
            },
            TicketItem {
                quantity: "1".into(),
                name: "Entrecôte".into(),
                modifiers: vec!["Bleu".into()],
                note: None,
                allergy: Some("peanuts".into()),
                seat: Some("2".into()),
                course: Some("Mains".into()),
                voided: banner == Some(Banner::Void),
            },
        ],
        note: Some("birthday: candle on dessert".into()),
    })
}

pub fn drawer_count() -> Document {
    Document::DrawerCount(DrawerCount {
        drawer: "Counter 1 drawer".into(),
        by: "Morgan".into(),
        at: "2026-12-02 23:10".into(),
        rows: vec![
            CountRow {
                label: "€ 20 notes".into(),
                count: 7,
                amount: "€ 140.00".into(),
            },
            CountRow {
                label: "€ 2 coins".into(),
                count: 12,
                amount: "€ 24.00".into(),
            },
        ],
        expected: "€ 166.50".into(),
        counted: "€ 164.00".into(),
        difference: "−€ 2.50".into(),
        note: Some("one € 2 coin found under the drawer".into()),
    })
}

pub fn test_page() -> Document {
    Document::TestPage(TestPage {
        printer: "Kitchen grill".into(),
        address: "tcp 192.168.1.50:9100".into(),
        at: "2026-12-02 18:00".into(),
    })
}
