//! Our receipts and tickets against a reference library: python-escpos (PyPI, 3.1) prints the
//! same lines, in the same styles, code page, QR code and cut, and both byte streams are read
//! back by the test kit's decoder. They must say the same on paper, give or take equivalent
//! commands (python-escpos sets sizes and bold with `ESC !`, we with `GS !` and `ESC E`; it
//! feeds before its cut with `ESC d`, we cut with feed in `GS V A`), and the text bytes must
//! be python-escpos's own encoding of that code page (`€`, accents): a table of ours that
//! disagrees with its table reads as different text.
//!
//! `cargo xtask test` installs python-escpos in the emulator's virtual environment and passes
//! that environment's Python in `COMANDA_PYTHON`. Without it this test fails and says so.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use comanda_print::docs::{Banner, Document};
use comanda_print::{CodePage, Paper, Profile, render};
use comanda_testkit::escpos::{Token, paper, tokens};
use serde_json::{Value, json};

use crate::fixtures;

fn python() -> PathBuf {
    let py = std::env::var_os("COMANDA_PYTHON")
        .map(PathBuf::from)
        .expect(
            "COMANDA_PYTHON must name a Python with python-escpos 3.1: `cargo xtask test` installs \
         it beside emupos (Python 3.13 or newer, e.g. under pyenv)",
        );
    assert!(
        py.exists(),
        "COMANDA_PYTHON={} does not exist",
        py.display()
    );
    py
}

/// What our bytes print, as the items the reference script takes: each line of text with its
/// style, each QR code, each cut.
fn items(bytes: &[u8]) -> Vec<Value> {
    let (mut align, mut bold, mut width, mut height, mut reverse, mut underline) =
        (0u8, false, 1u8, 1u8, false, false);
    let mut out = Vec::new();
    let mut line: Option<(Value, String)> = None;
    let style = |align: u8, bold, width, height, reverse, underline| {
        let align = ["left", "center", "right"][usize::from(align.min(2))];
        json!({
            "align": align,
            "bold": bold, "width": width, "height": height,
            "reverse": reverse, "underline": underline,
        })
    };
    let flush = |out: &mut Vec<Value>, line: &mut Option<(Value, String)>| {
        if let Some((mut s, text)) = line.take() {
            s["kind"] = json!("text");
            s["text"] = json!(text);
            out.push(s);
        }
    };
    for t in tokens(bytes) {
        match t {
            Token::Text(s) => match &mut line {
                Some((_, text)) => text.push_str(&s),
                None => line = Some((style(align, bold, width, height, reverse, underline), s)),
            },
            Token::LineFeed | Token::Feed(_) => flush(&mut out, &mut line),
            Token::Init => {
                (align, bold, width, height, reverse, underline) = (0, false, 1, 1, false, false)
            }
            Token::Align(a) => align = a,
            Token::Bold(b) => bold = b,
            Token::Underline(u) => underline = u > 0,
            Token::Size {
                width: w,
                height: h,
            } => (width, height) = (w, h),
            Token::Reverse(r) => reverse = r,
            Token::Qr(data) => {
                flush(&mut out, &mut line);
                out.push(json!({ "kind": "qr", "data": data, "module": 4 }));
            }
            Token::Cut => {
                flush(&mut out, &mut line);
                out.push(json!({ "kind": "cut" }));
            }
            // The code page is the script's to select (it is given the same one).
            Token::CodePage(_) => {}
            other => panic!("our document has an unexpected command: {other:?}"),
        }
    }
    flush(&mut out, &mut line);
    out
}

/// The bytes python-escpos makes of `items`.
fn reference(code_page: &str, items: &[Value]) -> Vec<u8> {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/print/reference_escpos.py");
    let mut child = Command::new(python())
        .arg(&script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python runs");
    let doc = json!({ "code_page": code_page, "items": items });
    child
        .stdin
        .take()
        .unwrap()
        .write_all(doc.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "python-escpos failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// What a person reads on the paper: the lines that are not blank (feeds are equivalent).
fn read(bytes: &[u8]) -> Vec<String> {
    paper(bytes)
        .into_iter()
        .filter(|l| !l.trim().is_empty())
        .collect()
}

fn same_paper(doc: &Document, page: CodePage, name: &str) {
    let profile = Profile {
        paper: Paper::Mm80,
        code_page: page,
        code_page_number: page.epson_number(),
        cutter: true,
    };
    let ours = render(&doc.layout(&profile, false), &profile)
        .unwrap()
        .bytes;
    let items = items(&ours);
    assert!(items.len() > 10, "{items:?}");
    let theirs = reference(name, &items);
    assert_eq!(
        read(&ours),
        read(&theirs),
        "ours (left) and python-escpos's (right)"
    );
    // The reference did select the code page, with the same `ESC t` number.
    assert!(
        tokens(&theirs).contains(&Token::CodePage(page.epson_number())),
        "python-escpos selected another code page"
    );
}

#[test]
fn a_receipt_reads_the_same_from_python_escpos_in_cp858_with_the_euro() {
    let doc = fixtures::receipt();
    same_paper(&doc, CodePage::Cp858, "CP858");
    // The euro made it through both.
    let profile = Profile {
        paper: Paper::Mm80,
        code_page: CodePage::Cp858,
        code_page_number: 19,
        cutter: true,
    };
    let ours = render(&doc.layout(&profile, false), &profile)
        .unwrap()
        .bytes;
    assert!(read(&ours).iter().any(|l| l.contains('€')));
}

#[test]
fn a_kitchen_ticket_reads_the_same_from_python_escpos_in_cp437() {
    same_paper(
        &fixtures::ticket(Some(Banner::Changed)),
        CodePage::Cp437,
        "CP437",
    );
}
