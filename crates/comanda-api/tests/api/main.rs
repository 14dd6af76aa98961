//! `comanda-api`'s one integration-test binary: each test spins up the HTTP server on port 0
//! over a fresh data directory (demo store, manual clock, seeded ids) and talks to it as a
//! browser would. Logs are silent unless `TEST_LOG` is set.

mod approvals;
mod bad_input;
mod cashier;
mod employees;
mod fixture;
mod fuzz;
mod idempotency;
mod issues;
mod kitchen;
mod malformed;
mod money;
mod print_faults;
mod printing;
mod receipts;
mod review;
mod screens;
mod sequences;
mod split;
mod support;
mod sync;
mod websocket;
