//! The real clock and id source: the only place that reads the wall clock or makes random ids.

use comanda_domain::clock::Clock;
use comanda_domain::ids::IdSource;
use uuid::Uuid;

/// The system's wall clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    #[allow(
        clippy::disallowed_methods,
        reason = "this is the injected clock's real implementation"
    )]
    fn now_ms(&self) -> u64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
            .unwrap_or(0)
    }
}

/// UUIDv7 ids: time-ordered, with 74 random bits.
#[derive(Debug, Default, Clone, Copy)]
pub struct UuidV7Ids;

impl IdSource for UuidV7Ids {
    #[allow(
        clippy::disallowed_methods,
        reason = "this is the injected id source's real implementation"
    )]
    fn next_uuid(&self) -> Uuid {
        Uuid::now_v7()
    }
}
