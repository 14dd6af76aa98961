//! The domain's one integration-test binary: merge properties, conflict-policy scenarios drawn as
//! text, and golden events of every kind and schema version.

mod builder;
mod golden;
mod kitchen;
mod properties;
mod scenarios;
mod staff;
