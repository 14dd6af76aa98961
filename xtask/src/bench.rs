//! `cargo xtask bench`: builds the benchmarks in release mode and prints the quality-bar figures
//! beside their same-run references.

use anyhow::Result;

use crate::sh;

/// Runs the benchmark binary of `comanda-store` and prints its report.
pub fn bench(_rest: &[String]) -> Result<()> {
    sh::step("benchmarks (release)", || sh::run("cargo", &["run", "--release", "-p", "comanda-bench", "--"], &[]))
}
