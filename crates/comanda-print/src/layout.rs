//! The document model every printed thing is built from: blocks of text in a few styles, a
//! line with an amount flush right, rules, a QR code, feeds and the cut. It knows nothing of
//! printers: [`crate::render()`] lays it out for a paper width and a code page.

/// How big the characters are (`GS !`). Wide and large halve the characters per line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Size {
    /// One cell.
    #[default]
    Normal,
    /// Double height, normal width: stands out and keeps the line length.
    Tall,
    /// Double width and height: a kitchen ticket's items, a banner.
    Large,
}

impl Size {
    /// How many cells one character takes across.
    pub fn width(self) -> usize {
        match self {
            Size::Normal | Size::Tall => 1,
            Size::Large => 2,
        }
    }
}

/// Where a line sits across the paper.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Align {
    /// Flush left.
    #[default]
    Left,
    /// Centred.
    Center,
    /// Flush right.
    Right,
}

/// How a block's text looks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Style {
    /// Emphasised (`ESC E`).
    pub bold: bool,
    /// Character size (`GS !`).
    pub size: Size,
    /// Alignment (`ESC a`).
    pub align: Align,
    /// White on black (`GS B`): allergies, banners.
    pub reverse: bool,
    /// Underlined (`ESC -`).
    pub underline: bool,
}

impl Style {
    /// Plain text, flush left.
    pub const PLAIN: Style = Style {
        bold: false,
        size: Size::Normal,
        align: Align::Left,
        reverse: false,
        underline: false,
    };

    /// This style, bold.
    pub const fn bold(self) -> Style {
        Style { bold: true, ..self }
    }

    /// This style at a size.
    pub const fn size(self, size: Size) -> Style {
        Style { size, ..self }
    }

    /// This style, centred.
    pub const fn center(self) -> Style {
        Style {
            align: Align::Center,
            ..self
        }
    }

    /// This style, white on black.
    pub const fn reverse(self) -> Style {
        Style {
            reverse: true,
            ..self
        }
    }
}

/// One block of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// Text, word-wrapped to the paper; an empty text is an empty line.
    Text {
        /// What it says (one paragraph; line breaks in it become spaces).
        text: String,
        /// How it looks.
        style: Style,
        /// Cells of indent on every line (after the first too).
        indent: usize,
    },
    /// A label and a value flush right on the same line ("2 Burger ...... 21.00"): the value
    /// stays on the first line, and what of the label does not fit goes on indented lines
    /// under it. An empty value leaves the label alone.
    Pair {
        /// The label, flush left.
        left: String,
        /// The value, flush right.
        right: String,
        /// How both look (alignment is ignored).
        style: Style,
        /// Cells of indent before the label.
        indent: usize,
    },
    /// A full-width line of one character (`-`, `=`).
    Rule(char),
    /// A QR code, centred.
    Qr {
        /// Its content (a URL, a reference).
        data: String,
        /// Module size in dots (1–16).
        module: u8,
    },
    /// Blank lines.
    Feed(u8),
}

/// A document: blocks printed top to bottom, then the paper is cut.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Doc {
    /// The blocks in order.
    pub blocks: Vec<Block>,
}

impl Doc {
    /// An empty document.
    pub fn new() -> Doc {
        Doc::default()
    }

    /// Adds a paragraph of text.
    pub fn text(&mut self, text: impl Into<String>, style: Style) -> &mut Doc {
        self.blocks.push(Block::Text {
            text: text.into(),
            style,
            indent: 0,
        });
        self
    }

    /// Adds an indented paragraph of text.
    pub fn indented(&mut self, indent: usize, text: impl Into<String>, style: Style) -> &mut Doc {
        self.blocks.push(Block::Text {
            text: text.into(),
            style,
            indent,
        });
        self
    }

    /// Adds a label with its value flush right.
    pub fn pair(
        &mut self,
        left: impl Into<String>,
        right: impl Into<String>,
        style: Style,
    ) -> &mut Doc {
        self.blocks.push(Block::Pair {
            left: left.into(),
            right: right.into(),
            style,
            indent: 0,
        });
        self
    }

    /// Adds an indented label with its value flush right.
    pub fn indented_pair(
        &mut self,
        indent: usize,
        left: impl Into<String>,
        right: impl Into<String>,
        style: Style,
    ) -> &mut Doc {
        self.blocks.push(Block::Pair {
            left: left.into(),
            right: right.into(),
            style,
            indent,
        });
        self
    }

    /// Adds a full-width rule.
    pub fn rule(&mut self, c: char) -> &mut Doc {
        self.blocks.push(Block::Rule(c));
        self
    }

    /// Adds blank lines.
    pub fn feed(&mut self, lines: u8) -> &mut Doc {
        self.blocks.push(Block::Feed(lines));
        self
    }

    /// Adds a QR code.
    pub fn qr(&mut self, data: impl Into<String>, module: u8) -> &mut Doc {
        self.blocks.push(Block::Qr {
            data: data.into(),
            module,
        });
        self
    }
}

/// Word-wraps already encoded text (one byte per cell) to `width` cells: breaks at spaces,
/// and inside a word only when the word alone is longer than a line. Never returns an empty
/// list (an empty text is one empty line).
pub fn wrap(bytes: &[u8], width: usize) -> Vec<Vec<u8>> {
    let width = width.max(1);
    let mut lines: Vec<Vec<u8>> = Vec::new();
    let mut line: Vec<u8> = Vec::new();
    for word in bytes.split(|&b| b == b' ').filter(|w| !w.is_empty()) {
        let mut word = word;
        let room = if line.is_empty() { 0 } else { 1 };
        if line.len() + room + word.len() <= width {
            if !line.is_empty() {
                line.push(b' ');
            }
            line.extend_from_slice(word);
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        while word.len() > width {
            lines.push(word[..width].to_vec());
            word = &word[width..];
        }
        line.extend_from_slice(word);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::wrap;

    fn w(s: &str, width: usize) -> Vec<String> {
        wrap(s.as_bytes(), width)
            .into_iter()
            .map(|l| String::from_utf8(l).unwrap())
            .collect()
    }

    #[test]
    fn wraps_at_spaces_and_breaks_only_words_longer_than_a_line() {
        assert_eq!(w("two cheese burgers", 10), ["two cheese", "burgers"]);
        assert_eq!(
            w("supercalifragilistic", 8),
            ["supercal", "ifragili", "stic"]
        );
        assert_eq!(w("", 8), [""]);
        assert_eq!(w("a  b", 8), ["a b"]);
    }
}
