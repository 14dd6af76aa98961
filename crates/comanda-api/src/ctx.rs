//! The context every command runs in: the store, the injected clock and ids, the signed-in
//! sessions and the event bus.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use comanda_domain::clock::Clock;
use comanda_domain::ids::IdSource;
use comanda_store::Store;

use crate::bus::Bus;
use crate::error::ApiError;
use crate::session::Session;

/// How long a session lasts without use before the PIN is asked again.
pub const SESSION_IDLE_MS: u64 = 12 * 60 * 60 * 1000;

/// The signed-in sessions, and a counter bumped whenever the staff list changes in a way that
/// ends sessions, so a sign-in that read the list before the change cannot slip in after it.
#[derive(Debug, Default)]
pub(crate) struct Sessions {
    pub(crate) map: HashMap<String, Session>,
    pub(crate) staff_version: u64,
}

impl Sessions {
    /// Drops sessions idle for longer than [`SESSION_IDLE_MS`].
    pub(crate) fn prune(&mut self, now: u64) {
        self.map
            .retain(|_, s| now.saturating_sub(s.last_used_ms) <= SESSION_IDLE_MS);
    }
}

/// The application context. Cheap to share (`Arc` inside).
#[derive(Clone)]
pub struct Ctx {
    /// The local store.
    pub store: Arc<Store>,
    /// The clock.
    pub clock: Arc<dyn Clock>,
    /// The id source.
    pub ids: Arc<dyn IdSource>,
    /// The event bus.
    pub bus: Bus,
    pub(crate) sessions: Arc<Mutex<Sessions>>,
    pub(crate) pin_guard: Arc<Mutex<PinGuard>>,
}

/// How many wrong PINs (sign-in and approvals together) are allowed within [`PIN_WINDOW_MS`].
pub const MAX_WRONG_PINS: usize = 8;
/// The window over which wrong PINs are counted.
pub const PIN_WINDOW_MS: u64 = 60_000;

/// Counts recent wrong PINs, so nobody can try all 10,000 four-digit PINs at the counter or
/// through the API: past [`MAX_WRONG_PINS`] in a minute, PINs are refused until the oldest
/// mistake is a minute old.
#[derive(Debug, Default)]
pub(crate) struct PinGuard {
    wrong: std::collections::VecDeque<u64>,
}

impl PinGuard {
    /// Refuses while too many wrong PINs were typed in the last minute.
    pub(crate) fn check(&mut self, now: u64) -> Result<(), ApiError> {
        while self
            .wrong
            .front()
            .is_some_and(|t| now.saturating_sub(*t) >= PIN_WINDOW_MS)
        {
            self.wrong.pop_front();
        }
        if self.wrong.len() >= MAX_WRONG_PINS {
            let wait = self
                .wrong
                .front()
                .map_or(PIN_WINDOW_MS, |t| PIN_WINDOW_MS - now.saturating_sub(*t));
            return Err(ApiError::new(
                crate::error::ErrorCode::TooManyAttempts,
                format!(
                    "Too many wrong PINs: wait {} seconds, then try again.",
                    wait.div_ceil(1000)
                ),
            )
            .on("pin"));
        }
        Ok(())
    }

    /// Counts a wrong PIN (the queue never holds more than the limit).
    pub(crate) fn wrong(&mut self, now: u64) {
        self.wrong.push_back(now);
        while self.wrong.len() > MAX_WRONG_PINS {
            self.wrong.pop_front();
        }
    }
}

impl Ctx {
    /// Opens the store in `data_dir` (creating it), and loads the demo menu and staff on first
    /// run when `demo` is set.
    pub fn open(
        data_dir: &Path,
        clock: Arc<dyn Clock>,
        ids: Arc<dyn IdSource>,
        demo: bool,
    ) -> Result<Ctx, ApiError> {
        std::fs::create_dir_all(data_dir)
            .map_err(|e| ApiError::internal(&format!("creating {}: {e}", data_dir.display())))?;
        let store = Store::open(
            &data_dir.join("terminal.sqlite"),
            clock.clone(),
            ids.clone(),
        )?;
        let ctx = Ctx {
            store: Arc::new(store),
            clock,
            ids,
            bus: Bus::default(),
            sessions: Arc::default(),
            pin_guard: Arc::default(),
        };
        if demo {
            crate::seed::seed_demo_if_empty(&ctx)?;
        }
        Ok(ctx)
    }

    /// True while the token's session is alive (does not refresh its idle timer).
    pub fn session_alive(&self, token: &str) -> bool {
        let now = self.clock.now_ms();
        self.sessions.lock().is_ok_and(|s| {
            s.map
                .get(token)
                .is_some_and(|s| now.saturating_sub(s.last_used_ms) <= SESSION_IDLE_MS)
        })
    }

    /// The session for a token, if it is valid; refreshes its idle timer.
    pub fn session(&self, token: &str) -> Result<Session, ApiError> {
        let now = self.clock.now_ms();
        let mut sessions = self
            .sessions
            .lock()
            .map_err(|_| ApiError::internal(&"session lock poisoned"))?;
        let map = &mut sessions.map;
        match map.get_mut(token) {
            Some(s) if now.saturating_sub(s.last_used_ms) <= SESSION_IDLE_MS => {
                s.last_used_ms = now;
                Ok(s.clone())
            }
            Some(_) => {
                map.remove(token);
                Err(crate::session::unauthorized())
            }
            None => Err(crate::session::unauthorized()),
        }
    }
}
