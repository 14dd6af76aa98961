//! The terminal's background workers, in the window and headless alike: the sync worker and the
//! server its peers ask (the print worker joins them with the printers issue). The worker is a
//! thin loop around a public `step` ([`SyncWorker::step`]) that sleeps until it is due, a local
//! change wakes it, or [`Runtime::shutdown`] stops it; tests call `step` themselves.

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
    let sync = handle.spawn(sync_loop(ctx.clone(), stopped.clone()));
    let peers = handle.spawn(peer_server(ctx.clone(), stopped));
    Runtime {
        stop,
        tasks: vec![sync, peers],
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

/// Serves `/v1/exchange` to the store's other devices on the LAN, once this terminal is paired
/// and if it was given an address to listen on; tells the worker the address to announce.
async fn peer_server(ctx: Ctx, mut stopped: watch::Receiver<bool>) {
    let config = ctx
        .sync
        .peer_listen
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .clone();
    let Some(listen) = config.listen else {
        return;
    };
    let listener = loop {
        let paired = ctx.store.device().is_ok_and(|d| d.paired);
        if paired {
            match tokio::net::TcpListener::bind(listen).await {
                Ok(l) => break l,
                Err(e) => {
                    tracing::error!(%listen, error = %e, "cannot listen for peers; trying again")
                }
            }
        }
        tokio::select! {
            _ = stopped.changed() => return,
            () = tokio::time::sleep(std::time::Duration::from_secs(1)) => {}
        }
    };
    let Ok(bound) = listener.local_addr() else {
        return;
    };
    let advertise = config.advertise.or_else(|| {
        let ip = if bound.ip().is_unspecified() {
            let hub = ctx
                .store
                .read(|r| r.sync_peers())
                .ok()?
                .first()?
                .address
                .clone();
            crate::sync::local_address_towards(&hub)?
        } else {
            bound.ip()
        };
        Some(format!(
            "http://{}",
            std::net::SocketAddr::new(ip, bound.port())
        ))
    });
    tracing::info!(%bound, advertise = advertise.as_deref().unwrap_or("-"), "answering peers");
    *ctx.sync
        .advertised
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner) = advertise;
    ctx.sync.wake();
    let serve =
        axum::serve(listener, crate::sync::peer_router(&ctx)).with_graceful_shutdown(async move {
            let _ = stopped.changed().await;
        });
    if let Err(e) = serve.await {
        tracing::error!(error = %e, "the peer server stopped");
    }
}
