//! The one text encoder per printer profile. A receipt printer draws one byte as one glyph of
//! the code page selected by `ESC t n`; so every character of a document goes out as one byte
//! of that page, or, when the page lacks it, transliterated to ASCII (`ł` → `l`, `“` → `"`,
//! `€` → `EUR` on CP437), or as `?`. What was replaced is reported, never silently lost, and
//! UTF-8 never reaches a printer.
//!
//! The byte tables are those of `oem_cp` (CP437, CP850, CP858) and `encoding_rs`
//! (Windows-1252); the same table decodes, so the test kit reads back what was sent.

use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

/// A code page a printer profile can select.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CodePage {
    /// IBM PC (USA): every printer's default; no €.
    Cp437,
    /// Multilingual Latin 1 (DOS); no €.
    Cp850,
    /// CP850 with € at 0xD5 (where CP850 has a dotless ı).
    Cp858,
    /// Windows Latin 1, € at 0x80.
    Cp1252,
}

/// The code pages in the order a settings screen lists them.
pub const ALL: [CodePage; 4] = [
    CodePage::Cp437,
    CodePage::Cp850,
    CodePage::Cp858,
    CodePage::Cp1252,
];

/// Windows-1252's upper half as `encoding_rs` decodes it; its five unassigned bytes are `None`.
static CP1252: LazyLock<[Option<char>; 128]> = LazyLock::new(|| {
    let mut table = [None; 128];
    for (i, slot) in table.iter_mut().enumerate() {
        let byte = [0x80 + i as u8];
        let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(&byte);
        // encoding_rs maps the unassigned bytes (0x81, 0x8D, 0x8F, 0x90, 0x9D) to C1 controls.
        *slot = text.chars().next().filter(|c| !c.is_control());
    }
    table
});

impl CodePage {
    /// The `n` of `ESC t n` selecting this page on Epson's TM printers and the many that copy
    /// their table (a profile can override it: some makers number pages otherwise).
    pub fn epson_number(self) -> u8 {
        match self {
            CodePage::Cp437 => 0,
            CodePage::Cp850 => 2,
            CodePage::Cp1252 => 16,
            CodePage::Cp858 => 19,
        }
    }

    /// Its usual name ("CP858").
    pub fn name(self) -> &'static str {
        match self {
            CodePage::Cp437 => "CP437",
            CodePage::Cp850 => "CP850",
            CodePage::Cp858 => "CP858",
            CodePage::Cp1252 => "CP1252",
        }
    }

    /// The character a byte stands for on this page: ASCII below 0x80 (controls excepted),
    /// the page's table above.
    pub fn decode(self, byte: u8) -> Option<char> {
        if byte < 0x80 {
            let c = char::from(byte);
            return (!c.is_control()).then_some(c);
        }
        let i = usize::from(byte - 0x80);
        match self {
            CodePage::Cp437 => Some(oem_cp::code_table::DECODING_TABLE_CP437[i]),
            CodePage::Cp850 => Some(oem_cp::code_table::DECODING_TABLE_CP850[i]),
            CodePage::Cp858 => Some(oem_cp::code_table::DECODING_TABLE_CP858[i]),
            CodePage::Cp1252 => CP1252[i],
        }
    }

    /// The byte for a character on this page, if the page has it. Printable ASCII is itself;
    /// controls have no byte (a document never sends one as text).
    pub fn byte_of(self, c: char) -> Option<u8> {
        if c.is_ascii() {
            return (!c.is_ascii_control()).then_some(c as u8);
        }
        // A no-break space prints as a space on every page.
        if c == '\u{a0}' {
            return Some(b' ');
        }
        (0x80..=0xFFu8).find(|&b| self.decode(b) == Some(c))
    }

    /// Encodes text for this page: each character one byte, or its ASCII transliteration, or
    /// `?`. Line breaks and other controls become spaces (layout breaks lines, not the text).
    pub fn encode(self, text: &str) -> Encoded {
        let mut out = Encoded::default();
        for c in text.chars() {
            if c.is_control() {
                out.bytes.push(b' ');
                continue;
            }
            if let Some(b) = self.byte_of(c) {
                out.bytes.push(b);
                continue;
            }
            out.substituted.push(c);
            match deunicode::deunicode_char(c).filter(|s| !s.is_empty()) {
                Some(ascii) => out.bytes.extend(
                    ascii
                        .bytes()
                        .map(|b| if b.is_ascii_control() { b' ' } else { b }),
                ),
                None => out.bytes.push(b'?'),
            }
        }
        out
    }

    /// Decodes bytes of this page back to text (`?` for a byte the page does not assign).
    pub fn decode_str(self, bytes: &[u8]) -> String {
        bytes
            .iter()
            .map(|&b| self.decode(b).unwrap_or('?'))
            .collect()
    }
}

/// Text encoded for a code page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Encoded {
    /// One byte per printed cell.
    pub bytes: Vec<u8>,
    /// The characters the page lacked, in order (transliterated or printed as `?`).
    pub substituted: Vec<char>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn euro_is_one_byte_where_the_page_has_it_and_spelled_out_where_not() {
        assert_eq!(CodePage::Cp858.encode("€").bytes, vec![0xD5]);
        assert_eq!(CodePage::Cp1252.encode("€").bytes, vec![0x80]);
        let on_437 = CodePage::Cp437.encode("3,50 €");
        assert_eq!(on_437.bytes, b"3,50 EUR".to_vec());
        assert_eq!(on_437.substituted, vec!['€']);
        let on_850 = CodePage::Cp850.encode("€");
        assert_eq!(on_850.bytes, b"EUR".to_vec());
    }

    #[test]
    fn accents_keep_their_byte_and_what_a_page_lacks_is_transliterated() {
        assert_eq!(CodePage::Cp437.encode("Crème brûlée").bytes, {
            let mut v = b"Cr".to_vec();
            v.extend([0x8A, b'm', b'e', b' ', b'b', b'r', 0x96, b'l', 0x82, b'e']);
            v
        });
        // Polish Ł and ź are on none of these pages; typographic quotes only on CP1252.
        let e = CodePage::Cp850.encode("Łódź “bar”");
        assert_eq!(CodePage::Cp850.decode_str(&e.bytes), "Lódz \"bar\"");
        assert_eq!(e.substituted, vec!['Ł', 'ź', '“', '”']);
        let e = CodePage::Cp1252.encode("Łódź “bar”");
        assert_eq!(CodePage::Cp1252.decode_str(&e.bytes), "Lódz “bar”");
    }

    #[test]
    fn every_page_round_trips_its_own_characters() {
        for page in ALL {
            for b in 0x20..=0xFFu8 {
                if let Some(c) = page.decode(b) {
                    if c == '\u{a0}' {
                        continue;
                    }
                    assert_eq!(
                        page.byte_of(c),
                        Some(b),
                        "{} byte {b:#x} ({c})",
                        page.name()
                    );
                }
            }
        }
    }

    #[test]
    fn controls_and_unknown_symbols_never_leave_as_utf8() {
        let e = CodePage::Cp437.encode("a\nb\u{1b}c🍔");
        assert!(e.bytes.iter().all(|&b| b >= 0x20), "{:?}", e.bytes);
        assert_eq!(&e.bytes[..5], b"a b c");
    }

    #[test]
    fn cp1252_leaves_its_unassigned_bytes_unassigned() {
        for b in [0x81, 0x8D, 0x8F, 0x90, 0x9D] {
            assert_eq!(CodePage::Cp1252.decode(b), None);
        }
        assert_eq!(CodePage::Cp1252.decode(0xE9), Some('é'));
    }
}
