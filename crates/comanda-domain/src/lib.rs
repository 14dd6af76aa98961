//! Comanda's order domain: pure, deterministic, no IO.
//!
//! Everything here is a value or a pure function over values. The clock and the id source are
//! traits passed in by callers ([`clock::Clock`], [`ids::IdSource`]), so the same inputs always
//! give the same outputs, in tests, in simulations and on every terminal.
//!
//! The centre is [`order::fold`]: an order is the *set* of events said about it, and its state is
//! `fold(events) -> (OrderState, Vec<Conflict>)`. Conflicts are data, never errors.

pub mod catalog;
pub mod clock;
pub mod codec;
pub mod device;
pub mod employee;
pub mod error;
pub mod event;
pub mod hlc;
pub mod ids;
pub mod kitchen;
pub mod money;
pub mod order;
pub mod printer;
pub mod quantity;
pub mod rng;
pub mod vector;

pub use error::DomainError;
