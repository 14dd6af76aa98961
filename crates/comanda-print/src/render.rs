//! A [`Doc`] and a printer's [`Profile`] to ESC/POS bytes.
//!
//! Text is encoded by the profile's [`CodePage`] first and laid out on the encoded bytes (one
//! byte is one cell), so wrapping and the amount column stay exact even where `€` became
//! `EUR`. The style, QR and cut commands are built by the `escpos` crate into a buffer of ours
//! (`Capture`); the code page is selected with the profile's own `ESC t` number.

use std::cell::RefCell;
use std::rc::Rc;

use escpos::driver::Driver;
use escpos::printer::Printer;
use escpos::utils::{
    JustifyMode, Protocol, QRCodeCorrectionLevel, QRCodeModel, QRCodeOption, UnderlineMode,
};
use serde::{Deserialize, Serialize};

use crate::codepage::CodePage;
use crate::error::PrintError;
use crate::layout::{Align, Block, Doc, Size, Style, wrap};

/// The paper a printer takes, and so how many characters a line holds (font A).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Paper {
    /// 58 mm: 32 columns, 384 dots.
    #[serde(rename = "58mm")]
    Mm58,
    /// 80 mm on a 512-dot head: 42 columns.
    #[serde(rename = "80mm_42")]
    Mm80Narrow,
    /// 80 mm on a 576-dot head: 48 columns (most current printers).
    #[serde(rename = "80mm")]
    Mm80,
}

impl Paper {
    /// Characters per line at normal size.
    pub fn columns(self) -> usize {
        match self {
            Paper::Mm58 => 32,
            Paper::Mm80Narrow => 42,
            Paper::Mm80 => 48,
        }
    }

    /// Dots across the printable width.
    pub fn dots(self) -> u16 {
        match self {
            Paper::Mm58 => 384,
            Paper::Mm80Narrow => 512,
            Paper::Mm80 => 576,
        }
    }
}

/// What rendering needs to know of a printer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    /// Its paper.
    pub paper: Paper,
    /// The code page text is encoded in.
    pub code_page: CodePage,
    /// The `n` of `ESC t n` that selects that page on this model.
    pub code_page_number: u8,
    /// Whether it has a cutter (without one, the paper is fed past the tear bar).
    pub cutter: bool,
}

impl Profile {
    /// A profile with Epson's code page numbering and a cutter.
    pub fn new(paper: Paper, code_page: CodePage) -> Profile {
        Profile {
            paper,
            code_page,
            code_page_number: code_page.epson_number(),
            cutter: true,
        }
    }
}

/// A rendered document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// The bytes to send, from `ESC @` to the cut.
    pub bytes: Vec<u8>,
    /// Characters the code page lacked (transliterated or `?`), for the log.
    pub substituted: Vec<char>,
}

/// A driver for `escpos` that only collects what it is given.
#[derive(Clone, Default)]
struct Capture(Rc<RefCell<Vec<u8>>>);

impl Capture {
    fn take(&self) -> Vec<u8> {
        std::mem::take(&mut self.0.borrow_mut())
    }
}

impl Driver for Capture {
    fn name(&self) -> String {
        "capture".into()
    }

    fn write(&self, data: &[u8]) -> escpos::errors::Result<()> {
        self.0.borrow_mut().extend_from_slice(data);
        Ok(())
    }

    fn read(&self, _buf: &mut [u8]) -> escpos::errors::Result<usize> {
        Ok(0)
    }

    fn flush(&self) -> escpos::errors::Result<()> {
        Ok(())
    }
}

/// The line feed that prints what is buffered.
const LF: &[u8] = b"\n";

/// Lays out and renders a document for a printer.
pub fn render(doc: &Doc, profile: &Profile) -> Result<Rendered, PrintError> {
    let capture = Capture::default();
    let mut p = Printer::new(capture.clone(), Protocol::default(), None);
    let mut out = Writer {
        p: &mut p,
        profile,
        current: Style::PLAIN,
        substituted: Vec::new(),
    };
    out.p.init()?;
    out.p.custom(&[0x1B, b't', profile.code_page_number])?;
    for block in &doc.blocks {
        out.block(block)?;
    }
    out.set(Style::PLAIN)?;
    if profile.cutter {
        // `GS V A 0` feeds the last line past the cutter before it cuts.
        out.p.cut()?;
    } else {
        out.p.feeds(4)?;
    }
    let substituted = std::mem::take(&mut out.substituted);
    p.print()?;
    Ok(Rendered {
        bytes: capture.take(),
        substituted,
    })
}

/// The printer being written to, and the style it is in.
struct Writer<'a> {
    p: &'a mut Printer<Capture>,
    profile: &'a Profile,
    current: Style,
    substituted: Vec<char>,
}

impl Writer<'_> {
    fn encode(&mut self, text: &str) -> Vec<u8> {
        let e = self.profile.code_page.encode(text);
        self.substituted.extend(e.substituted);
        e.bytes
    }

    /// Characters per line at a size.
    fn columns(&self, size: Size) -> usize {
        self.profile.paper.columns() / size.width()
    }

    /// Sends only the style commands that change something.
    fn set(&mut self, style: Style) -> Result<(), PrintError> {
        let was = self.current;
        if style.align != was.align {
            self.p.justify(match style.align {
                Align::Left => JustifyMode::LEFT,
                Align::Center => JustifyMode::CENTER,
                Align::Right => JustifyMode::RIGHT,
            })?;
        }
        if style.bold != was.bold {
            self.p.bold(style.bold)?;
        }
        if style.size != was.size {
            match style.size {
                Size::Normal => self.p.reset_size()?,
                Size::Tall => self.p.size(1, 2)?,
                Size::Large => self.p.size(2, 2)?,
            };
        }
        if style.reverse != was.reverse {
            self.p.reverse(style.reverse)?;
        }
        if style.underline != was.underline {
            self.p.underline(if style.underline {
                UnderlineMode::Single
            } else {
                UnderlineMode::None
            })?;
        }
        self.current = style;
        Ok(())
    }

    fn line(&mut self, indent: usize, bytes: &[u8]) -> Result<(), PrintError> {
        let mut line = vec![b' '; indent];
        line.extend_from_slice(bytes);
        line.extend_from_slice(LF);
        self.p.custom(&line)?;
        Ok(())
    }

    fn block(&mut self, block: &Block) -> Result<(), PrintError> {
        match block {
            Block::Text {
                text,
                style,
                indent,
            } => {
                self.set(*style)?;
                let bytes = self.encode(text);
                let width = self.columns(style.size).saturating_sub(*indent);
                for l in wrap(&bytes, width) {
                    self.line(*indent, &l)?;
                }
            }
            Block::Pair {
                left,
                right,
                style,
                indent,
            } => {
                self.set(Style {
                    align: Align::Left,
                    ..*style
                })?;
                let (left, right) = (self.encode(left), self.encode(right));
                let columns = self.columns(style.size);
                let room = columns.saturating_sub(indent + right.len() + 1);
                if room < 4 {
                    // The value leaves no room: the label on its lines, the value under it.
                    for l in wrap(&left, columns.saturating_sub(*indent)) {
                        self.line(*indent, &l)?;
                    }
                    let pad = columns.saturating_sub(right.len());
                    self.line(pad, &right)?;
                    return Ok(());
                }
                let mut lines = wrap(&left, room).into_iter();
                let mut first = lines.next().unwrap_or_default();
                if !right.is_empty() {
                    first.resize(columns - indent - right.len(), b' ');
                    first.extend_from_slice(&right);
                }
                self.line(*indent, &first)?;
                // What did not fit goes under the label, indented, across the whole width.
                let rest = lines.collect::<Vec<_>>().join(&b' ');
                if !rest.is_empty() {
                    for l in wrap(&rest, columns.saturating_sub(indent + 2)) {
                        self.line(indent + 2, &l)?;
                    }
                }
            }
            Block::Rule(c) => {
                self.set(Style::PLAIN)?;
                let mut cell = self.encode(&c.to_string());
                if cell.len() != 1 {
                    cell = vec![b'-'];
                }
                let line = cell.repeat(self.columns(Size::Normal));
                self.line(0, &line)?;
            }
            Block::Qr { data, module } => {
                self.set(Style::PLAIN.center())?;
                let option = QRCodeOption::new(
                    QRCodeModel::Model2,
                    (*module).clamp(1, 16),
                    QRCodeCorrectionLevel::M,
                );
                self.p.qrcode_option(data, option)?;
                self.p.custom(LF)?;
            }
            Block::Feed(n) => {
                if *n > 0 {
                    self.p.feeds(*n)?;
                }
            }
        }
        Ok(())
    }
}
