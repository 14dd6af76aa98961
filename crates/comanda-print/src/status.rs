//! What a printer says about itself: the real-time status requests (`DLE EOT n`) and the
//! parsing of their one-byte answers, and the paper-sensor request (`GS r 1`) whose answer,
//! coming after everything sent before it was processed, confirms a job was printed.
//!
//! Parsing never fails and never panics, whatever the bytes (it is fuzzed): a printer's line
//! may carry stale answers, automatic status bytes or noise, so an answer is the last byte
//! that has the fixed bits its layout requires, and a byte without them is no answer.

use serde::{Deserialize, Serialize};

/// A real-time status request, `DLE EOT n`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Request {
    /// n = 1: online, drawer pin 3.
    Printer = 1,
    /// n = 2: why it is offline (cover open, paper end, error).
    OfflineCause = 2,
    /// n = 3: what error.
    ErrorCause = 3,
    /// n = 4: the roll paper sensors.
    Paper = 4,
}

impl Request {
    /// The bytes of the request.
    pub fn bytes(self) -> [u8; 3] {
        [0x10, 0x04, self as u8]
    }
}

/// `GS r 1`: transmit the paper sensor status. Processed in order with the job, so its answer
/// means what came before it was printed.
pub const CONFIRM: [u8; 3] = [0x1D, b'r', 1];

/// The last byte among `bytes` shaped like a `DLE EOT` answer (`0xx1xx10`: bits 1 and 4 set,
/// 0 and 7 clear).
pub fn dle_eot_answer(bytes: &[u8]) -> Option<u8> {
    bytes.iter().rev().copied().find(|b| b & 0x93 == 0x12)
}

/// The last byte among `bytes` shaped like a `GS r 1` answer (bits 4 and 7 clear, so it
/// cannot be taken for a `DLE EOT` answer).
pub fn confirm_answer(bytes: &[u8]) -> Option<u8> {
    bytes.iter().rev().copied().find(|b| b & 0x90 == 0)
}

/// Which level of the drawer sensor (pin 3) means the drawer is open: drawers differ.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OpenLevel {
    /// Pin 3 high means open (Epson's default).
    #[default]
    High,
    /// Pin 3 low means open.
    Low,
}

/// What stops a printer from printing now, the most specific first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Problem {
    /// The cover is open.
    CoverOpen,
    /// Out of paper.
    PaperOut,
    /// An error (cutter jam, overheating).
    Error,
    /// Offline for another reason (the feed button held).
    Offline,
}

impl Problem {
    /// What to tell a person.
    pub fn message(self) -> &'static str {
        match self {
            Problem::CoverOpen => "the printer's cover is open",
            Problem::PaperOut => "the printer is out of paper",
            Problem::Error => "the printer reports an error (cutter jam or overheating?)",
            Problem::Offline => "the printer is offline",
        }
    }
}

/// A printer's state from its answers to `DLE EOT` 1, 2 and 4.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Status {
    /// It would print now.
    pub online: bool,
    /// The cover is open.
    pub cover_open: bool,
    /// The paper is near its end (still printing).
    pub paper_near_end: bool,
    /// No paper.
    pub paper_out: bool,
    /// An error stopped it.
    pub error: bool,
    /// The drawer sensor (pin 3) is high.
    pub drawer_pin3_high: bool,
}

impl Status {
    /// Reads the three answers. An answer without the fixed bits is treated as absent.
    pub fn from_answers(
        printer: Option<u8>,
        offline_cause: Option<u8>,
        paper: Option<u8>,
    ) -> Status {
        let valid = |b: Option<u8>| b.filter(|b| b & 0x93 == 0x12);
        let (printer, cause, paper) = (valid(printer), valid(offline_cause), valid(paper));
        let bit = |b: Option<u8>, mask: u8| b.is_some_and(|b| b & mask != 0);
        Status {
            online: printer.is_some_and(|b| b & 0x08 == 0),
            cover_open: bit(cause, 0x04),
            paper_out: bit(cause, 0x20) || bit(paper, 0x60),
            paper_near_end: bit(paper, 0x0C),
            error: bit(cause, 0x40),
            drawer_pin3_high: bit(printer, 0x04),
        }
    }

    /// What keeps it from printing, if anything.
    pub fn problem(&self) -> Option<Problem> {
        if self.cover_open {
            Some(Problem::CoverOpen)
        } else if self.paper_out {
            Some(Problem::PaperOut)
        } else if self.error {
            Some(Problem::Error)
        } else if !self.online {
            Some(Problem::Offline)
        } else {
            None
        }
    }

    /// Whether the drawer is open, for a drawer whose sensor reads `level` when open.
    pub fn drawer_open(&self, level: OpenLevel) -> bool {
        match level {
            OpenLevel::High => self.drawer_pin3_high,
            OpenLevel::Low => !self.drawer_pin3_high,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_an_epson_printer_out_of_paper_with_its_drawer_open() {
        // n=1: fixed 0x12 | offline 0x08 | pin 3 high 0x04; n=2: paper end 0x20; n=4: 0x6C.
        let s = Status::from_answers(Some(0x1E), Some(0x32), Some(0x7E));
        assert!(!s.online);
        assert!(s.paper_out && s.paper_near_end && !s.cover_open);
        assert_eq!(s.problem(), Some(Problem::PaperOut));
        assert!(s.drawer_open(OpenLevel::High));
        assert!(!s.drawer_open(OpenLevel::Low));
    }

    #[test]
    fn a_healthy_printer_has_no_problem_and_noise_is_no_answer() {
        let ok = Status::from_answers(Some(0x12), Some(0x12), Some(0x12));
        assert_eq!(ok.problem(), None);
        // 0xFF lacks the fixed bits: as good as no answer, which is offline.
        let noise = Status::from_answers(Some(0xFF), None, Some(0x00));
        assert_eq!(noise.problem(), Some(Problem::Offline));
        assert_eq!(dle_eot_answer(&[0x00, 0x16, 0xFF]), Some(0x16));
        assert_eq!(dle_eot_answer(&[]), None);
        assert_eq!(confirm_answer(&[0x12, 0x03]), Some(0x03));
    }
}
