//! `cargo xtask soak`: runs simulation seeds on every core for a while and prints seeds per
//! second; stops at the first failure and prints the command that replays it.
//!
//! Usage: `soak [--seconds N] [--from SEED]` (defaults: 60 s, seed 1,000,000, past the seeds
//! `cargo test` runs).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use comanda_testkit::sim;

fn arg(args: &[String], name: &str, default: u64) -> u64 {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let seconds = arg(&args, "--seconds", 60);
    let from = arg(&args, "--from", 1_000_000);
    let next = Arc::new(AtomicU64::new(from));
    let done = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    // The soak measures its own wall time; the simulation inside never reads a clock.
    #[allow(clippy::disallowed_methods, reason = "the soak's own stopwatch")]
    let started = std::time::Instant::now();
    let workers: Vec<_> = (0..threads)
        .map(|_| {
            let (next, done, stop) = (next.clone(), done.clone(), stop.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    let seed = next.fetch_add(1, Ordering::Relaxed);
                    if let Err(failure) = sim::run(seed) {
                        stop.store(true, Ordering::Relaxed);
                        return Some(failure);
                    }
                    done.fetch_add(1, Ordering::Relaxed);
                }
                None
            })
        })
        .collect();
    while !stop.load(Ordering::Relaxed) && started.elapsed() < Duration::from_secs(seconds) {
        std::thread::sleep(Duration::from_millis(200));
    }
    stop.store(true, Ordering::Relaxed);
    let failures: Vec<_> = workers
        .into_iter()
        .filter_map(|w| w.join().ok().flatten())
        .collect();
    let secs = started.elapsed().as_secs_f64();
    let n = done.load(Ordering::Relaxed);
    println!(
        "{n} seeds from {from} in {secs:.1} s on {threads} threads: {:.1} seeds/s",
        n as f64 / secs
    );
    if let Some(f) = failures.first() {
        eprintln!("{f}");
        std::process::exit(1);
    }
}
