//! The print crate's integration tests: documents rendered for real paper widths and code
//! pages, read back through the test kit's ESC/POS decoder (what the paper says, as insta
//! snapshots), golden bytes, the status parser and renderer fuzzed, and jobs sent over a real
//! socket and pseudo-terminal to the test kit's fake printer under every fault.

mod emulator;
mod fixtures;
mod fuzz;
mod golden;
mod reference;
mod send;
