//! The real clock and id source, from the store crate (kept here so the shell's imports stay
//! where they were).

pub use comanda_store::system::{SystemClock, UuidV7Ids};
