//! Sending one job to a printer, and saying what became of it. This is where "exactly one
//! ticket" is decided on the printer's side:
//!
//! 1. drain stale input, then ask the status (`DLE EOT` 1, 2, 4): a printer that is offline,
//!    out of paper or open gets nothing, and the job is [`Outcome::NotSent`] with the reason
//!    (it stays queued and is sent when the printer is back);
//! 2. write the job; a write that breaks makes it [`Outcome::Unknown`]: part of it may be on
//!    paper, so it is never sent again by itself; a person decides, and a reprint says REPRINT;
//! 3. ask `GS r 1` and wait for its answer, which the printer gives only after it processed
//!    everything before it: the answer is [`Outcome::Printed`]; no answer in time, or paper
//!    gone meanwhile, is [`Outcome::Unknown`].
//!
//! A printer that answers no status (some USB models) is set up with `status: false`: then a
//! job written whole counts as printed, the most that can be known.

use std::io;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::status::{self, Problem, Request, Status};
use crate::transport::Link;

/// How a printer is talked to around a job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Handshake {
    /// Ask its status before a job and its confirmation after.
    pub status: bool,
    /// How long a status answer may take.
    pub answer_ms: u64,
    /// How long the confirmation may take after the last byte (printing takes time).
    pub confirm_ms: u64,
}

impl Default for Handshake {
    fn default() -> Handshake {
        Handshake {
            status: true,
            answer_ms: 1_000,
            confirm_ms: 15_000,
        }
    }
}

/// What became of a job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    /// The printer confirmed it (or, without status, took all of it).
    Printed,
    /// Nothing was sent: the printer cannot print now. Safe to send again later.
    NotSent {
        /// What stops it.
        problem: Problem,
        /// The words for a person.
        reason: String,
    },
    /// Part or all of it may be on paper: never resent without a person.
    Unknown {
        /// What happened.
        reason: String,
    },
}

/// What a link said when asked for its status.
#[derive(Debug)]
pub enum Asked {
    /// It answered.
    Answered(Status),
    /// It is connected but answers nothing.
    Silent,
}

/// Reads and drops whatever the printer sent before (stale answers), for a short while.
pub fn drain(link: &mut dyn Link) -> io::Result<()> {
    let mut buf = [0u8; 256];
    // Bounded: a printer streaming without end must not keep the worker here.
    for _ in 0..64 {
        if link.read_for(&mut buf, Duration::from_millis(20))? == 0 {
            return Ok(());
        }
    }
    Ok(())
}

/// Reads until `answer` finds a reply among what came, or `timeout` passes without more.
fn await_answer(
    link: &mut dyn Link,
    timeout: Duration,
    answer: fn(&[u8]) -> Option<u8>,
) -> io::Result<Option<u8>> {
    let mut got = Vec::new();
    let mut buf = [0u8; 64];
    loop {
        let n = link.read_for(&mut buf, timeout)?;
        if n == 0 {
            return Ok(None);
        }
        got.extend_from_slice(&buf[..n]);
        if let Some(a) = answer(&got) {
            return Ok(Some(a));
        }
        // Bounded: noise alone never keeps the worker here.
        if got.len() > 1024 {
            return Ok(None);
        }
    }
}

/// Asks the printer's status (`DLE EOT` 1, 2, 4), after draining stale input.
pub fn ask_status(link: &mut dyn Link, h: &Handshake) -> io::Result<Asked> {
    drain(link)?;
    let wait = Duration::from_millis(h.answer_ms);
    let mut answers = [None; 3];
    for (i, r) in [Request::Printer, Request::OfflineCause, Request::Paper]
        .into_iter()
        .enumerate()
    {
        link.write_all(&r.bytes())?;
        answers[i] = await_answer(link, wait, status::dle_eot_answer)?;
        if i == 0 && answers[0].is_none() {
            return Ok(Asked::Silent);
        }
    }
    Ok(Asked::Answered(Status::from_answers(
        answers[0], answers[1], answers[2],
    )))
}

/// Sends one job over an open link and says what became of it.
pub fn send(link: &mut dyn Link, bytes: &[u8], h: &Handshake) -> Outcome {
    let not_sent = |problem: Problem, reason: String| Outcome::NotSent { problem, reason };
    if h.status {
        match ask_status(link, h) {
            Ok(Asked::Answered(s)) => {
                if let Some(p) = s.problem() {
                    return not_sent(p, p.message().to_string());
                }
            }
            Ok(Asked::Silent) => {
                return not_sent(
                    Problem::Offline,
                    "the printer does not answer (busy, off, or a model without status: \
                     turn status off in its settings)"
                        .into(),
                );
            }
            Err(e) => {
                return not_sent(Problem::Offline, format!("the printer did not answer: {e}"));
            }
        }
    }
    if let Err(e) = link.write_all(bytes) {
        return Outcome::Unknown {
            reason: format!("the connection broke while sending: {e}"),
        };
    }
    if !h.status {
        return Outcome::Printed;
    }
    let confirmed = link.write_all(&status::CONFIRM).and_then(|()| {
        await_answer(
            link,
            Duration::from_millis(h.confirm_ms),
            status::confirm_answer,
        )
    });
    match confirmed {
        // Paper sensor: bits 2 and 3 set when the roll is gone.
        Ok(Some(b)) if b & 0x0C != 0 => Outcome::Unknown {
            reason: "the paper ran out during the job".into(),
        },
        Ok(Some(_)) => Outcome::Printed,
        Ok(None) => Outcome::Unknown {
            reason: format!(
                "no confirmation from the printer within {} s",
                h.confirm_ms / 1000
            ),
        },
        Err(e) => Outcome::Unknown {
            reason: format!("the connection broke before the printer confirmed: {e}"),
        },
    }
}
