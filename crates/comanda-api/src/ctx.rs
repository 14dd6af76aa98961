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
/// How long a session lasts at most, however much it is used: a shift, with room to spare.
pub const SESSION_MAX_MS: u64 = 16 * 60 * 60 * 1000;

/// True while a session is neither idle too long nor too old.
pub(crate) fn alive(s: &Session, now: u64) -> bool {
    now.saturating_sub(s.last_used_ms) <= SESSION_IDLE_MS
        && now.saturating_sub(s.created_ms) <= SESSION_MAX_MS
}

/// The signed-in sessions, and a counter bumped whenever the staff list changes in a way that
/// ends sessions, so a sign-in that read the list before the change cannot slip in after it.
#[derive(Debug, Default)]
pub(crate) struct Sessions {
    pub(crate) map: HashMap<String, Session>,
    pub(crate) staff_version: u64,
}

impl Sessions {
    /// Drops sessions idle for longer than [`SESSION_IDLE_MS`] or older than
    /// [`SESSION_MAX_MS`].
    pub(crate) fn prune(&mut self, now: u64) {
        self.map.retain(|_, s| alive(s, now));
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
    pub(crate) pin_limits: Arc<Mutex<crate::limits::PinLimits>>,
    /// What the sync worker and the badge share.
    pub sync: Arc<crate::sync::SyncShared>,
    /// The store's hub, when this terminal hosts it.
    pub hosting: Arc<crate::hosting::Hosting>,
    /// What the printers here said last.
    pub printing: Arc<crate::printing::PrintingShared>,
    /// The kitchen screens' codes and address.
    pub screens: Arc<crate::screens::ScreenShared>,
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
            pin_limits: Arc::default(),
            sync: Arc::default(),
            hosting: Arc::default(),
            printing: Arc::default(),
            screens: Arc::default(),
        };
        if demo {
            crate::seed::seed_demo_if_empty(&ctx)?;
        }
        Ok(ctx)
    }

    /// True while the token's session is alive (does not refresh its idle timer).
    pub fn session_alive(&self, token: &str) -> bool {
        let now = self.clock.now_ms();
        self.sessions
            .lock()
            .is_ok_and(|s| s.map.get(token).is_some_and(|s| alive(s, now)))
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
            Some(s) if alive(s, now) => {
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
