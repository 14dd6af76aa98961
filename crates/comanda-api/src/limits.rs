//! How many PINs may be tried, and how fast: guessing stays bounded while a cashier who fumbles
//! does not stop the counter.
//!
//! A PIN is 4 to 8 digits: whoever may try PINs without limit finds one. Every try is counted
//! **before** its hashes are checked, under one lock, so requests sent at once cannot all slip
//! through while the first are still being hashed; a try that turns out right is taken back.
//!
//! Two kinds of budget, so one person's mistakes never lock everyone out:
//!
//! - **Sign-in** (who is typing is unknown: sign-in is by PIN alone): [`SIGN_IN`]. Up to 8 wrong
//!   PINs in a row cost nothing (a fumble is one or two); from the 8th on, each wrong PIN makes
//!   the next wait, 30 s, then 1, 2, 4, 8 minutes, at most 15; any right PIN clears the row. A
//!   rolling hour never holds more than 30 wrong PINs, whoever signs in meanwhile.
//! - **Approvals and the staff list's PIN checks**, per signed-in employee: [`APPROVALS`]. A
//!   cashier guessing a manager's PIN at their own session locks only their own approvals (5 in
//!   a row free, then the same backoff, at most 20 wrong an hour); a manager signs in, or
//!   approves on another session, all the while. Checking that a new PIN is not already someone
//!   else's is a PIN test too: it counts here against whoever saves the employee.
//!
//! So in any hour at most 30 PINs are tried at sign-in, and at most 20 by each signed-in
//! employee (who must themselves have signed in with their own PIN).

use std::collections::{HashMap, VecDeque};

use comanda_domain::ids::EmployeeId;

use crate::error::{ApiError, ErrorCode};

/// The shape of one budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    /// Wrong PINs in a row that cost nothing.
    pub free_in_a_row: u32,
    /// The first wait, once they are spent; each further wrong PIN doubles it.
    pub first_wait_ms: u64,
    /// The longest wait.
    pub max_wait_ms: u64,
    /// The most wrong PINs in any rolling hour.
    pub per_hour: usize,
}

/// Sign-in: see the module's documentation.
pub const SIGN_IN: Budget = Budget {
    free_in_a_row: 8,
    first_wait_ms: 30_000,
    max_wait_ms: 15 * 60_000,
    per_hour: 30,
};

/// Approvals and PIN checks, per signed-in employee.
pub const APPROVALS: Budget = Budget {
    free_in_a_row: 5,
    first_wait_ms: 30_000,
    max_wait_ms: 15 * 60_000,
    per_hour: 20,
};

const HOUR_MS: u64 = 60 * 60_000;

/// One budget's state.
#[derive(Debug, Clone, Default)]
pub(crate) struct Limiter {
    /// When each wrong (or not yet known) try of the last hour was made, oldest first.
    tries: VecDeque<u64>,
    /// Wrong tries since the last right one.
    in_a_row: u32,
    /// No try before this time.
    locked_until: u64,
}

/// A try counted before its outcome is known. Give it back with [`Limiter::right`] when the PIN
/// was right; a wrong PIN needs nothing more.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub(crate) struct Try {
    at: u64,
    lock_before: u64,
}

impl Limiter {
    /// Counts a try, or refuses it with how long to wait.
    pub(crate) fn begin(&mut self, b: Budget, now: u64) -> Result<Try, ApiError> {
        while self
            .tries
            .front()
            .is_some_and(|t| now.saturating_sub(*t) >= HOUR_MS)
        {
            self.tries.pop_front();
        }
        let wait_until = if self.tries.len() >= b.per_hour {
            self.tries
                .front()
                .map_or(now, |t| t + HOUR_MS)
                .max(self.locked_until)
        } else {
            self.locked_until
        };
        if now < wait_until {
            return Err(too_many(wait_until - now));
        }
        let lock_before = self.locked_until;
        self.tries.push_back(now);
        self.in_a_row += 1;
        if self.in_a_row >= b.free_in_a_row {
            let doublings = (self.in_a_row - b.free_in_a_row).min(16);
            let wait = (b.first_wait_ms << doublings).min(b.max_wait_ms);
            self.locked_until = now + wait;
        }
        Ok(Try {
            at: now,
            lock_before,
        })
    }

    /// The PIN of this try was right: it does not count, and the row of mistakes is over.
    pub(crate) fn right(&mut self, t: Try) {
        if let Some(i) = self.tries.iter().rposition(|x| *x == t.at) {
            self.tries.remove(i);
        }
        self.in_a_row = 0;
        self.locked_until = 0;
    }

    /// Counts a check that is neither right nor wrong (a new PIN found free): it stays in the
    /// hour's count, but does not lengthen the row of mistakes.
    pub(crate) fn neutral(&mut self, t: Try) {
        self.in_a_row = self.in_a_row.saturating_sub(1);
        self.locked_until = t.lock_before;
    }
}

fn too_many(wait_ms: u64) -> ApiError {
    let s = wait_ms.div_ceil(1000);
    let wait = if s < 120 {
        format!("{s} seconds")
    } else {
        format!("{} minutes", s.div_ceil(60))
    };
    ApiError::new(
        ErrorCode::TooManyAttempts,
        format!("Too many wrong PINs: wait {wait}, then try again."),
    )
    .on("pin")
}

/// Every PIN budget of the terminal.
#[derive(Debug, Default)]
pub(crate) struct PinLimits {
    /// Sign-in.
    pub(crate) sign_in: Limiter,
    /// Approvals and PIN checks, per signed-in employee.
    pub(crate) approvals: HashMap<EmployeeId, Limiter>,
}

impl PinLimits {
    /// The approval budget of one signed-in employee.
    pub(crate) fn of(&mut self, e: EmployeeId) -> &mut Limiter {
        self.approvals.entry(e).or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Wrong PINs tried as fast as the limiter lets them, for `ms`: how many were tried.
    fn tries_within(b: Budget, ms: u64) -> usize {
        let mut l = Limiter::default();
        let (mut now, mut n) = (0u64, 0usize);
        while now < ms {
            if l.begin(b, now).is_ok() {
                n += 1;
            }
            now += 1000;
        }
        n
    }

    #[test]
    fn guessing_is_bounded_per_hour() {
        // At full speed, the first hour allows at most the hourly cap, and so does every later
        // hour (the backoff keeps it far lower).
        assert!(tries_within(SIGN_IN, HOUR_MS) <= SIGN_IN.per_hour);
        assert!(tries_within(APPROVALS, HOUR_MS) <= APPROVALS.per_hour);
        let day = tries_within(SIGN_IN, 24 * HOUR_MS);
        assert!(day <= 24 * SIGN_IN.per_hour, "{day}");
        // The backoff: 8 free, then 30 s, 1, 2, 4, 8 min, then every 15 min.
        assert_eq!(tries_within(SIGN_IN, HOUR_MS), 15);
    }

    #[test]
    fn a_fumble_costs_nothing_and_a_right_pin_clears_the_row() {
        let mut l = Limiter::default();
        for i in 0..7 {
            let _ = l.begin(SIGN_IN, i).expect("free");
        }
        let t = l.begin(SIGN_IN, 10).expect("the 8th is still tried");
        l.right(t);
        for i in 0..7 {
            let _ = l.begin(SIGN_IN, 20 + i).expect("a new row");
        }
    }

    #[test]
    fn the_hourly_cap_holds_even_when_right_pins_clear_the_row() {
        // An attacker at a busy counter: a colleague signs in after every 7 wrong guesses.
        let mut l = Limiter::default();
        let mut wrong = 0;
        for i in 0..2000u64 {
            let now = i * 500;
            if now >= HOUR_MS {
                break;
            }
            if i % 8 == 7 {
                if let Ok(t) = l.begin(SIGN_IN, now) {
                    l.right(t);
                }
            } else if l.begin(SIGN_IN, now).is_ok() {
                wrong += 1;
            }
        }
        assert_eq!(wrong, SIGN_IN.per_hour);
    }
}
