//! The terminal's background workers, in the window and headless alike: today the sync worker
//! (the print worker joins it with the printers issue). Each is a thin loop around a public
//! `step` ([`SyncWorker::step`]) that sleeps until it is due, a local change wakes it, or
//! [`Runtime::shutdown`] stops it; tests call `step` themselves.

use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::ctx::Ctx;
use crate::sync::{POLL_MS, SyncWorker};

/// The running workers.
#[derive(Debug)]
pub struct Runtime {
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

/// Starts the workers on `handle`.
pub fn start(ctx: &Ctx, handle: &tokio::runtime::Handle) -> Runtime {
    let (stop, stopped) = watch::channel(false);
    let sync = handle.spawn(sync_loop(ctx.clone(), stopped));
    Runtime {
        stop,
        tasks: vec![sync],
    }
}

impl Runtime {
    /// Stops the workers: each finishes the step in flight (an exchange is one transaction,
    /// committed or not) and returns.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        for t in self.tasks {
            let _ = t.await;
        }
    }
}

async fn sync_loop(ctx: Ctx, mut stopped: watch::Receiver<bool>) {
    let mut worker = SyncWorker::default();
    let mut changes = ctx.bus.subscribe();
    loop {
        let next = match worker.step(&ctx).await {
            Ok(next) => next,
            Err(e) => {
                // Never stops on its own: a failing store is tried again after a pause.
                tracing::error!(error = %e.message, "sync step failed");
                ctx.clock.now_ms() + POLL_MS
            }
        };
        let wait = next.saturating_sub(ctx.clock.now_ms()).min(POLL_MS);
        tokio::select! {
            _ = stopped.changed() => return,
            () = ctx.sync.wake.notified() => {}
            // A local commit (or anything on the bus) is worth an exchange now.
            _ = changes.recv() => {}
            () = tokio::time::sleep(std::time::Duration::from_millis(wait)) => {}
        }
        // Many changes at once (a page of orders) are one reason to step, not many.
        while changes.try_recv().is_ok() {}
    }
}
