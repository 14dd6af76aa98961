//! What the paper says, for every document on the paper widths and code pages restaurants
//! use: snapshots of the decoded text (`snapshots/`), and the exact bytes of one receipt
//! (`golden/`, rewritten with `UPDATE_GOLDEN=1` when a change is meant).

use comanda_print::docs::{Banner, Document};
use comanda_print::{CodePage, Paper, Profile, render};
use comanda_testkit::escpos::{paper, paper_text};

use crate::fixtures;

fn printed(doc: &Document, paper: Paper, page: CodePage, reprint: bool) -> String {
    let profile = Profile::new(paper, page);
    let rendered = render(&doc.layout(&profile, reprint), &profile).unwrap();
    paper_text(&rendered.bytes)
}

#[test]
fn receipt_80mm_cp858() {
    insta::assert_snapshot!(printed(
        &fixtures::receipt(),
        Paper::Mm80,
        CodePage::Cp858,
        false
    ));
}

#[test]
fn receipt_58mm_cp437_spells_out_the_euro() {
    let text = printed(&fixtures::receipt(), Paper::Mm58, CodePage::Cp437, false);
    assert!(text.contains("EUR 25.00") && !text.contains('€'), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn receipt_reprint_80mm_42_cp1252() {
    insta::assert_snapshot!(printed(
        &fixtures::receipt(),
        Paper::Mm80Narrow,
        CodePage::Cp1252,
        true
    ));
}

#[test]
fn kitchen_ticket_80mm() {
    insta::assert_snapshot!(printed(
        &fixtures::ticket(None),
        Paper::Mm80,
        CodePage::Cp858,
        false
    ));
}

#[test]
fn kitchen_ticket_changed_void_cancel_and_reprint_58mm() {
    let text = [Banner::Changed, Banner::Void, Banner::Cancel]
        .into_iter()
        .map(|b| {
            printed(
                &fixtures::ticket(Some(b)),
                Paper::Mm58,
                CodePage::Cp850,
                false,
            )
        })
        .chain([printed(
            &fixtures::ticket(None),
            Paper::Mm58,
            CodePage::Cp850,
            true,
        )])
        .collect::<Vec<_>>()
        .join("\n\n");
    insta::assert_snapshot!(text);
}

#[test]
fn drawer_count_slip_80mm() {
    insta::assert_snapshot!(printed(
        &fixtures::drawer_count(),
        Paper::Mm80,
        CodePage::Cp858,
        false
    ));
}

#[test]
fn test_page_on_every_paper() {
    for p in [Paper::Mm58, Paper::Mm80Narrow, Paper::Mm80] {
        let text = printed(&fixtures::test_page(), p, CodePage::Cp858, false);
        // The ruler fills exactly one line of the paper.
        let ruler = text.lines().find(|l| l.starts_with("1234567890")).unwrap();
        assert_eq!(ruler.len(), p.columns(), "{ruler}");
        insta::assert_snapshot!(format!("test_page_{}", p.columns()), text);
    }
}

#[test]
fn no_line_is_wider_than_its_paper() {
    let docs = [
        fixtures::receipt(),
        fixtures::ticket(Some(Banner::Void)),
        fixtures::drawer_count(),
        fixtures::test_page(),
    ];
    for doc in &docs {
        for p in [Paper::Mm58, Paper::Mm80Narrow, Paper::Mm80] {
            let profile = Profile::new(p, CodePage::Cp437);
            let bytes = render(&doc.layout(&profile, true), &profile).unwrap().bytes;
            for line in paper(&bytes) {
                let (text, large) = match line.strip_prefix('[') {
                    Some(rest) => {
                        let (tags, text) = rest.split_once("] ").unwrap();
                        (
                            text.to_string(),
                            tags.contains("large") || tags.contains("wide"),
                        )
                    }
                    None => (line.clone(), false),
                };
                let cells = text.chars().count() * if large { 2 } else { 1 };
                if !text.starts_with("<qr") {
                    assert!(
                        cells <= p.columns(),
                        "{} cells > {}: {line}",
                        cells,
                        p.columns()
                    );
                }
            }
        }
    }
}

#[test]
fn the_receipts_bytes_are_the_golden_ones() {
    let profile = Profile::new(Paper::Mm80, CodePage::Cp858);
    let bytes = render(&fixtures::receipt().layout(&profile, false), &profile)
        .unwrap()
        .bytes;
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/print/golden/receipt_80mm_cp858.bin");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, &bytes).unwrap();
    }
    let golden = std::fs::read(&path).expect("golden file (UPDATE_GOLDEN=1 writes it)");
    assert!(
        bytes == golden,
        "the receipt's bytes changed; UPDATE_GOLDEN=1 if meant"
    );
    // Only the code page's bytes: none of the receipt's characters went out as UTF-8.
    for c in ["€", "é", "è", "à", "É", "·", "−"] {
        assert!(
            !bytes.windows(c.len()).any(|w| w == c.as_bytes()),
            "{c} reached the printer as UTF-8"
        );
    }
    assert!(
        bytes.windows(3).any(|w| w == [0x1B, b't', 19]),
        "ESC t 19 selects CP858"
    );
    assert!(bytes.contains(&0xD5), "€ is 0xD5 on CP858");
}
