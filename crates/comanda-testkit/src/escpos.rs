//! A small ESC/POS decoder, so tests assert on what the paper says, not on hex: bytes become
//! [`Token`]s (text and commands), and [`paper`] prints them as the lines a person would read,
//! each tagged with its style (`[center bold large] GRILL`), with QR codes, cuts and drawer
//! kicks named where they happen.
//!
//! Text is decoded in the code page the bytes selected with `ESC t n` (Epson's numbering), from
//! the same tables the printer side encodes with. The decoder never fails: an unknown command
//! becomes [`Token::Unknown`] and decoding goes on.

use comanda_print::CodePage;

/// One thing found in a printer's byte stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Token {
    /// Printable bytes (a run without commands), decoded.
    Text(String),
    /// `LF`: print the line and feed one.
    LineFeed,
    /// `ESC @`.
    Init,
    /// `ESC t n`.
    CodePage(u8),
    /// `ESC a n`: 0 left, 1 centre, 2 right.
    Align(u8),
    /// `ESC E n`.
    Bold(bool),
    /// `ESC - n`.
    Underline(u8),
    /// `GS ! n`: width and height multipliers.
    Size {
        /// Width multiplier (1–8).
        width: u8,
        /// Height multiplier (1–8).
        height: u8,
    },
    /// `GS B n`.
    Reverse(bool),
    /// `ESC d n`: print and feed n lines.
    Feed(u8),
    /// A QR code printed (`GS ( k` … store, then print), with what it holds.
    Qr(String),
    /// `GS V`: cut.
    Cut,
    /// `ESC p m t1 t2`: a drawer kick.
    DrawerKick {
        /// The pin (0 = pin 2, 1 = pin 5).
        m: u8,
        /// On time, 2 ms units.
        t1: u8,
        /// Off time, 2 ms units.
        t2: u8,
    },
    /// `DLE DC4 1 m t`: a real-time drawer kick.
    RealtimeKick {
        /// The pin.
        m: u8,
        /// The pulse, 100 ms units.
        t: u8,
    },
    /// `DLE EOT n`: a status request.
    StatusRequest(u8),
    /// `GS r n`: a sensor status request (a print confirmation).
    SensorRequest(u8),
    /// Bytes this decoder does not know.
    Unknown(Vec<u8>),
}

const ESC: u8 = 0x1B;
const GS: u8 = 0x1D;
const DLE: u8 = 0x10;

/// The Epson `ESC t` numbers of the pages Comanda prints in.
fn page_of(n: u8) -> CodePage {
    match n {
        2 => CodePage::Cp850,
        16 => CodePage::Cp1252,
        19 => CodePage::Cp858,
        _ => CodePage::Cp437,
    }
}

/// Splits a byte stream into tokens.
pub fn tokens(bytes: &[u8]) -> Vec<Token> {
    let mut out = Vec::new();
    let mut page = CodePage::Cp437;
    let mut qr = String::new();
    let mut i = 0;
    let arg = |i: usize| bytes.get(i).copied().unwrap_or(0);
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'\n' => {
                out.push(Token::LineFeed);
                i += 1;
            }
            b'\r' => i += 1,
            ESC => {
                let (tok, len) = match arg(i + 1) {
                    b'@' => {
                        page = CodePage::Cp437;
                        (Token::Init, 2)
                    }
                    b't' => {
                        page = page_of(arg(i + 2));
                        (Token::CodePage(arg(i + 2)), 3)
                    }
                    b'a' => (Token::Align(arg(i + 2) % 48), 3),
                    b'E' => (Token::Bold(arg(i + 2) & 1 == 1), 3),
                    b'-' => (Token::Underline(arg(i + 2) % 48), 3),
                    b'd' => (Token::Feed(arg(i + 2)), 3),
                    // ESC ! n: the print mode at once (what other drivers send for size and
                    // bold): bold is bit 3, double height bit 4, double width bit 5,
                    // underline bit 7. Read as the same tokens as GS !, ESC E and ESC -.
                    b'!' => {
                        let n = arg(i + 2);
                        out.push(Token::Bold(n & 0x08 != 0));
                        out.push(Token::Underline(u8::from(n & 0x80 != 0)));
                        (
                            Token::Size {
                                width: 1 + u8::from(n & 0x20 != 0),
                                height: 1 + u8::from(n & 0x10 != 0),
                            },
                            3,
                        )
                    }
                    b'p' => (
                        Token::DrawerKick {
                            m: arg(i + 2) % 48,
                            t1: arg(i + 3),
                            t2: arg(i + 4),
                        },
                        5,
                    ),
                    _ => (
                        Token::Unknown(bytes[i..(i + 2).min(bytes.len())].to_vec()),
                        2,
                    ),
                };
                out.push(tok);
                i += len;
            }
            GS => {
                let (tok, len) = match arg(i + 1) {
                    b'!' => {
                        let n = arg(i + 2);
                        (
                            Token::Size {
                                width: (n >> 4) + 1,
                                height: (n & 0x0F) + 1,
                            },
                            3,
                        )
                    }
                    b'B' => (Token::Reverse(arg(i + 2) & 1 == 1), 3),
                    b'r' => (Token::SensorRequest(arg(i + 2)), 3),
                    // GS V m, or GS V m n for m = 65, 66, 97, 98, 103, 104.
                    b'V' => {
                        let m = arg(i + 2);
                        (Token::Cut, if m >= 65 { 4 } else { 3 })
                    }
                    b'(' if arg(i + 2) == b'k' => {
                        let len = usize::from(arg(i + 3)) | usize::from(arg(i + 4)) << 8;
                        let body = &bytes[(i + 5).min(bytes.len())..(i + 5 + len).min(bytes.len())];
                        let tok = match body {
                            // cn = 49 (QR), fn = 80: store the data.
                            [49, 80, 48, data @ ..] => {
                                qr = String::from_utf8_lossy(data).into_owned();
                                None
                            }
                            // fn = 81: print what is stored.
                            [49, 81, ..] => Some(Token::Qr(std::mem::take(&mut qr))),
                            _ => None,
                        };
                        if let Some(t) = tok {
                            out.push(t);
                        }
                        i += 5 + len;
                        continue;
                    }
                    _ => (
                        Token::Unknown(bytes[i..(i + 2).min(bytes.len())].to_vec()),
                        2,
                    ),
                };
                out.push(tok);
                i += len;
            }
            DLE => {
                let (tok, len) = match (arg(i + 1), arg(i + 2)) {
                    (0x04, n) => (Token::StatusRequest(n), 3),
                    (0x14, 1) => (
                        Token::RealtimeKick {
                            m: arg(i + 3),
                            t: arg(i + 4),
                        },
                        5,
                    ),
                    _ => (
                        Token::Unknown(bytes[i..(i + 2).min(bytes.len())].to_vec()),
                        2,
                    ),
                };
                out.push(tok);
                i += len;
            }
            b if b < 0x20 || b == 0x7F => {
                out.push(Token::Unknown(vec![b]));
                i += 1;
            }
            _ => {
                let start = i;
                while i < bytes.len() && bytes[i] >= 0x20 && bytes[i] != 0x7F {
                    i += 1;
                }
                out.push(Token::Text(page.decode_str(&bytes[start..i])));
            }
        }
    }
    out
}

/// The style in force.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Look {
    align: u8,
    bold: bool,
    underline: bool,
    width: u8,
    height: u8,
    reverse: bool,
}

impl Look {
    fn tags(&self) -> String {
        let mut tags = Vec::new();
        match self.align {
            1 => tags.push("center"),
            2 => tags.push("right"),
            _ => {}
        }
        if self.bold {
            tags.push("bold");
        }
        match (self.width > 1, self.height > 1) {
            (true, true) => tags.push("large"),
            (false, true) => tags.push("tall"),
            (true, false) => tags.push("wide"),
            _ => {}
        }
        if self.reverse {
            tags.push("reverse");
        }
        if self.underline {
            tags.push("underline");
        }
        if tags.is_empty() {
            String::new()
        } else {
            format!("[{}] ", tags.join(" "))
        }
    }
}

/// What the paper says: one string per printed line, styled lines tagged, and `<qr …>`,
/// `<cut>`, `<drawer …>` where those happen; a blank line is empty whatever its style.
/// Spaces are kept as printed (the amount column's alignment is part of what is checked).
pub fn paper(bytes: &[u8]) -> Vec<String> {
    let mut lines = Vec::new();
    let mut look = Look {
        width: 1,
        height: 1,
        ..Look::default()
    };
    let mut line: Option<(Look, String)> = None;
    let flush = |lines: &mut Vec<String>, line: &mut Option<(Look, String)>| match line.take() {
        Some((l, text)) if !text.trim().is_empty() => lines.push(format!("{}{}", l.tags(), text)),
        _ => lines.push(String::new()),
    };
    for t in tokens(bytes) {
        match t {
            Token::Text(s) => match &mut line {
                Some((_, text)) => text.push_str(&s),
                None => line = Some((look, s)),
            },
            Token::LineFeed => flush(&mut lines, &mut line),
            Token::Feed(n) => {
                if line.is_some() {
                    flush(&mut lines, &mut line);
                    for _ in 1..n {
                        lines.push(String::new());
                    }
                } else {
                    for _ in 0..n {
                        lines.push(String::new());
                    }
                }
            }
            Token::Init => {
                look = Look {
                    width: 1,
                    height: 1,
                    ..Look::default()
                }
            }
            Token::Align(a) => look.align = a,
            Token::Bold(b) => look.bold = b,
            Token::Underline(u) => look.underline = u > 0,
            Token::Size { width, height } => {
                look.width = width;
                look.height = height;
            }
            Token::Reverse(r) => look.reverse = r,
            Token::Qr(data) => lines.push(format!("<qr {data}>")),
            Token::Cut => {
                if line.is_some() {
                    flush(&mut lines, &mut line);
                }
                lines.push("<cut>".into());
            }
            Token::DrawerKick { m, t1, t2 } => lines.push(format!(
                "<drawer pin {} on {} ms off {} ms>",
                if m == 1 { 5 } else { 2 },
                u32::from(t1) * 2,
                u32::from(t2) * 2
            )),
            Token::RealtimeKick { m, t } => lines.push(format!(
                "<drawer now pin {} pulse {} ms>",
                if m == 1 { 5 } else { 2 },
                u32::from(t) * 100
            )),
            Token::Unknown(b) => lines.push(format!("<unknown {b:02x?}>")),
            Token::CodePage(_) | Token::StatusRequest(_) | Token::SensorRequest(_) => {}
        }
    }
    if line.is_some() {
        flush(&mut lines, &mut line);
    }
    lines
}

/// [`paper`] as one text, lines joined, for snapshots.
pub fn paper_text(bytes: &[u8]) -> String {
    paper(bytes).join("\n")
}
