//! Comanda's sync: every node of a store (terminals, the hub, later the cloud) holds every event
//! of the store, and any two converge by anti-entropy (sync-protocol.md, "Every node a peer").
//!
//! - [`wire`]: the messages, versioned, apart from the domain's types;
//! - [`exchange`]: [`answer`] for the answering side, [`Link`] for the asking side, and
//!   [`missing`], what one vector lacks of another.
//!
//! - [`client`]: the asking side as a worker you can step ([`PeerClient`]): backoff with full
//!   jitter, a circuit breaker, what each failure does;
//! - [`http`]: the exchange over HTTP (an axum router for the answering side, a reqwest
//!   [`Transport`] for the asking side);
//! - [`pair`]: the joining side of pairing;
//! - [`tls`]: node identities, certificates pinned at pairing, the TLS listener.
//!
//! `wire` and `exchange` open no socket and read no clock: the deterministic simulation runs
//! that very code over its simulated network.

pub mod client;
pub mod error;
pub mod exchange;
pub mod http;
pub mod pair;
pub mod tls;
pub mod wire;

pub use client::{Failure, PeerClient, PeerState, Step, Transport};
pub use error::SyncError;
pub use exchange::{Limits, Link, Round, answer, answer_with, missing};
