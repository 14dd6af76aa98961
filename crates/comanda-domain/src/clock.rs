//! The injected clock. Domain code never reads the wall clock itself.

use std::sync::atomic::{AtomicU64, Ordering};

/// A source of wall-clock time in Unix milliseconds. The real one lives at the edge
/// (`comanda-api`); tests and simulations use [`ManualClock`].
pub trait Clock: Send + Sync {
    /// Milliseconds since the Unix epoch, as this machine believes (it may be wrong: see `hlc`).
    fn now_ms(&self) -> u64;
}

/// A clock that moves only when told to. Deterministic.
#[derive(Debug, Default)]
pub struct ManualClock(AtomicU64);

impl ManualClock {
    /// A clock showing `ms`.
    pub fn new(ms: u64) -> Self {
        Self(AtomicU64::new(ms))
    }
    /// Moves the clock forward (or, to simulate a bad clock, backward) to `ms`.
    pub fn set(&self, ms: u64) {
        self.0.store(ms, Ordering::SeqCst);
    }
    /// Moves the clock forward by `ms`.
    pub fn advance(&self, ms: u64) {
        self.0.fetch_add(ms, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now_ms(&self) -> u64 {
        self.0.load(Ordering::SeqCst)
    }
}
