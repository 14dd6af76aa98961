//! The store's one integration-test binary: real SQLite files in temporary directories, a
//! manual clock and seeded ids.

mod append;
mod crash;
mod ingest;
mod migrate;
mod print;
mod projection;
mod reproject;
mod rollback;
mod support;
