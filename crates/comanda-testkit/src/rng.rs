//! The simulation's random source: the domain's SplitMix64 (one seed, one run, everywhere).

pub use comanda_domain::rng::Rng;
