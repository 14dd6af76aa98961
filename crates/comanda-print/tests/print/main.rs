//! The print crate's integration tests: documents rendered for real paper widths and code
//! pages, read back through the test kit's ESC/POS decoder (what the paper says, as insta
//! snapshots), golden bytes, and the status parser and renderer fuzzed.

mod fixtures;
mod fuzz;
mod golden;
