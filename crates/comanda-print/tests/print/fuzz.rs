//! No panic on any input: the status parser on any bytes, the renderer on any text in any
//! style, the decoder on any bytes; and rendered text always reads back.

use comanda_print::status::{Status, confirm_answer, dle_eot_answer};
use comanda_print::{Block, CodePage, Doc, Paper, Profile, Size, Style, render};
use comanda_testkit::escpos::{paper, tokens};
use proptest::prelude::*;

proptest! {
    #[test]
    fn status_parsing_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
        let a = dle_eot_answer(&bytes);
        let _ = confirm_answer(&bytes);
        let s = Status::from_answers(a, bytes.first().copied(), bytes.last().copied());
        // A printer that did not answer is never taken as ready.
        if a.is_none() {
            prop_assert!(s.problem().is_some());
        }
    }

    #[test]
    fn the_decoder_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        let _ = tokens(&bytes);
        let _ = paper(&bytes);
    }

    #[test]
    fn any_text_renders_in_the_page_and_reads_back(
        words in proptest::collection::vec("[a-zA-Zéüß€ł “”0-9]{0,30}", 1..6),
        large in any::<bool>(),
        page in prop_oneof![Just(CodePage::Cp437), Just(CodePage::Cp858), Just(CodePage::Cp1252)],
    ) {
        let text = words.join(" ");
        let style = if large { Style::PLAIN.size(Size::Large) } else { Style::PLAIN };
        let doc = Doc { blocks: vec![Block::Text { text: text.clone(), style, indent: 0 }] };
        let profile = Profile::new(Paper::Mm58, page);
        let rendered = render(&doc, &profile).unwrap();
        let printed: String = paper(&rendered.bytes)
            .iter()
            .filter(|l| !l.starts_with('<'))
            .map(|l| l.trim_start_matches("[large] ").to_string())
            .collect::<Vec<_>>()
            .join(" ");
        // Every character the page has is printed as itself, in order.
        let kept: String = text.chars().filter(|c| page.byte_of(*c).is_some() && *c != ' ').collect();
        let got: String = printed.chars().filter(|c| *c != ' ').collect();
        let substituted: Vec<char> = text.chars().filter(|c| page.byte_of(*c).is_none()).collect();
        prop_assert_eq!(&rendered.substituted, &substituted);
        if substituted.is_empty() {
            prop_assert_eq!(got, kept);
        }
    }
}
