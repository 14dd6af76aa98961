//! The terminal's local store: an append-only event log in SQLite, the outbox of events not yet
//! pushed, and the projections (orders, catalog, settings, employees) folded from the log.
//!
//! - [`Store::write`] runs one command as one `BEGIN IMMEDIATE` transaction; inside it
//!   [`Tx::append`] stamps a local event (id, gap-free `device_seq`, HLC), stores it with its
//!   outbox row and updates its stream's projection. Nothing is half-written: an `Err` from the
//!   command rolls everything back.
//! - [`Store::read`] runs reads on a second connection; in WAL mode it never waits for the
//!   writer.
//! - [`Tx::ingest`] takes events made elsewhere (sync), idempotently by event id.
//!
//! **Invariant:** the event log is the truth; every projection row equals a fresh fold of its
//! stream's events ([`Tx::reproject_all`] rebuilds them and changes nothing).
//!
//! **API boundary:** time and ids come only from the injected [`Clock`](comanda_domain::clock::Clock)
//! and [`IdSource`](comanda_domain::ids::IdSource); the schema lives in `migrations/terminal/`.

mod checkpoint;
mod error;
mod ingest;
mod peers;
mod print;
mod project;
mod reads;
mod schema;
mod screens;
mod sql;
mod store;
pub mod system;
mod types;

pub use error::StoreError;
pub use ingest::MAX_DRIFT_MS;
pub use print::{JobKind, JobState, NewJob, PrintJob};
pub use reads::Reader;
pub use screens::ScreenRecord;
pub use sql::id_digest;
pub use store::{PROJECTION_VERSION, Store, Tx};
pub use types::{
    DeadLetter, DeviceInfo, HeldWhy, Ingested, MAX_TERMINAL_NO, NodeIdentity, OrderFilter,
    OrderRecord, OrderSummary, OutboxStats, Outcome, Pairing, PeerRecord, PinClash, RefusalCode,
    SyncPeer,
};
