//! `comanda-server`, the always-on node of a store (the hub box, on embedded SQLite): it pairs
//! terminals with one-time codes, holds every event of its stores like any node, and answers the
//! sync protocol. A node with many stores is this same code.
//!
//! - [`hub`]: the stores, devices and pairing codes, and the [`Authority`](comanda_sync::http::Authority)
//!   that maps a device token to its store;
//! - [`routes`]: the HTTP surface;
//! - [`secrets`]: tokens and codes, kept only as hashes.

pub mod error;
pub mod hub;
pub mod openapi;
pub mod routes;
pub mod secrets;

pub use error::HubError;
pub use hub::Hub;
