//! Comanda's test kit: the deterministic simulation of a store's nodes syncing under faults
//! ([`sim`]), the cashier commands it plays ([`actions`]) and its seeded random source ([`rng`]).

pub mod actions;
pub mod rng;
pub mod sim;
