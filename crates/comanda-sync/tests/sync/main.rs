//! The sync crate's one integration-test binary: two or three real stores exchanging directly
//! (no network), the wire's golden files, paging, and what an answerer refuses.

mod client;
mod exchange;
mod golden;
mod regressions;
mod support;
