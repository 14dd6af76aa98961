//! Comanda's sync: every node of a store (terminals, the hub, later the cloud) holds every event
//! of the store, and any two converge by anti-entropy (sync-protocol.md, "Every node a peer").
//!
//! - [`wire`]: the messages, versioned, apart from the domain's types;
//! - [`exchange`]: [`answer`] for the answering side, [`Link`] for the asking side, and
//!   [`missing`], what one vector lacks of another.
//!
//! Nothing here opens a socket or reads a clock: the transport and the time are the caller's, so
//! the deterministic simulation runs this very code.

pub mod error;
pub mod exchange;
pub mod wire;

pub use error::SyncError;
pub use exchange::{Limits, Link, Round, answer, missing};
