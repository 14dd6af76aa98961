//! Comanda's test kit: the deterministic simulation of a store's nodes syncing under faults
//! ([`sim`]), the cashier commands it plays ([`actions`]) and its seeded random source ([`rng`]);
//! an ESC/POS decoder ([`escpos`]) so printer tests read what the paper says, and a fake
//! printer to send to ([`printer`]).

pub mod actions;
pub mod escpos;
pub mod printer;
pub mod rng;
pub mod sim;
