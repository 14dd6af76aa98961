//! The terminal's background workers, in the window and headless alike: the sync worker, the
//! server its peers ask, the live path and the print worker. Each worker is a thin loop around
//! a public `step` ([`SyncWorker::step`], [`PrintWorker::step`]) that sleeps until it is due, a
//! change on the bus or a peer's news wakes it, or [`Runtime::shutdown`] stops it (a print job
//! in flight is finished first); tests call `step` themselves.
//!
//! The live path: one long poll (`/v1/watch`) per peer the worker exchanges with. A peer's
//! counter moving nudges the worker to exchange now instead of at its next poll; a watch that
//! answers again after failing tells the worker the peer is back (its backoff and breaker are
//! forgotten). Losing the live path only slows sync down to the poll: events travel by the
//! exchange alone.

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;

use comanda_domain::ids::{DeviceId, PrinterId};
use comanda_store::SyncPeer;
use comanda_sync::Failure;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::ctx::Ctx;
use crate::printing::{IDLE_MS, LIVE_EVERY_MS, PrintWorker};
use crate::sync::{POLL_MS, SyncWorker};

/// The longest pause between two watches of a peer that does not answer (a refused connection
/// on the LAN costs next to nothing; a peer back is then noticed within this).
const LIVE_BACKOFF_MAX: Duration = Duration::from_secs(5);

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
    let peers = handle.spawn(peer_server(ctx.clone(), stopped.clone()));
    let live = handle.spawn(live_loop(ctx.clone(), stopped.clone()));
    let print = handle.spawn(print_loop(ctx.clone(), stopped.clone()));
    let mut tasks = vec![sync, peers, live, print];
    let hosted = ctx
        .hosting
        .hub
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .take();
    if let Some(hub) = hosted {
        tasks.push(handle.spawn(hub_server(ctx.clone(), hub, stopped)));
    }
    Runtime { stop, tasks }
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
            // A local commit (or anything on the bus) is worth an exchange now, and news for
            // the peers watching this terminal.
            _ = changes.recv() => ctx.sync.changed(),
            () = tokio::time::sleep(std::time::Duration::from_millis(wait)) => {}
        }
        // Many changes at once (a page of orders) are one reason to step, not many.
        while changes.try_recv().is_ok() {}
    }
}

/// Runs one print worker per printer this node drives (a printer waiting for a confirmation
/// or timing out on a dead address holds up no other): started when a printer appears, told to
/// stop when it goes (it finishes the job in flight first), all stopped at shutdown.
async fn print_loop(ctx: Ctx, mut stopped: watch::Receiver<bool>) {
    let mut workers: BTreeMap<PrinterId, (watch::Sender<bool>, JoinHandle<()>)> = BTreeMap::new();
    let mut changes = ctx.bus.subscribe();
    loop {
        match printers_to_drive(&ctx) {
            Ok(wanted) => {
                workers.retain(|id, (stop, _)| {
                    let keep = wanted.contains(id);
                    if !keep {
                        let _ = stop.send(true);
                    }
                    keep
                });
                for id in wanted {
                    workers.entry(id).or_insert_with(|| {
                        let (stop, stop_rx) = watch::channel(false);
                        let task = tokio::spawn(printer_loop(ctx.clone(), id, stop_rx));
                        (stop, task)
                    });
                }
            }
            Err(e) => tracing::error!(error = %e, "the printers to drive cannot be read"),
        }
        tokio::select! {
            _ = stopped.changed() => break,
            _ = changes.recv() => {}
            () = tokio::time::sleep(Duration::from_millis(IDLE_MS)) => {}
        }
        while changes.try_recv().is_ok() {}
    }
    for (stop, _) in workers.values() {
        let _ = stop.send(true);
    }
    for (_, (_, task)) in workers {
        let _ = task.await;
    }
}

/// The printers this node drives: the active ones set up on it, and any other still holding
/// a job of its queue (set up under an id it had before a restore).
fn printers_to_drive(
    ctx: &Ctx,
) -> Result<std::collections::BTreeSet<PrinterId>, comanda_store::StoreError> {
    ctx.store.read(|r| {
        let nodes = r.node_ids()?;
        let mut wanted: std::collections::BTreeSet<PrinterId> = r
            .printers()?
            .values()
            .filter(|p| p.active && nodes.contains(&p.node))
            .map(|p| p.printer_id)
            .collect();
        wanted.extend(r.print_jobs(true, 1_000)?.iter().map(|j| j.printer_id));
        Ok(wanted)
    })
}

/// Sends one printer's queue: woken by any change (a fire committed here or taken in from a
/// peer), else every few seconds (a printer back from paper-out).
async fn printer_loop(ctx: Ctx, printer: PrinterId, mut stopped: watch::Receiver<bool>) {
    let mut worker = PrintWorker::for_printer(printer);
    let mut changes = ctx.bus.subscribe();
    loop {
        let next = match worker.step(&ctx).await {
            Ok(next) => next,
            Err(e) => {
                tracing::error!(error = %e.message, %printer, "print step failed");
                ctx.clock.now_ms() + IDLE_MS
            }
        };
        // Nothing said of it for a while (no job): ask it, so the settings show how it is.
        let now = ctx.clock.now_ms();
        if next > now
            && ctx
                .printing
                .last_at(printer)
                .is_none_or(|at| now.saturating_sub(at) >= LIVE_EVERY_MS)
        {
            let c = ctx.clone();
            let checked = tokio::task::spawn_blocking(move || {
                let p = c.store.read(|r| r.printers())?.remove(&printer);
                Ok::<_, comanda_store::StoreError>(p.map(|p| crate::printing::check_now(&c, &p)))
            })
            .await;
            match checked {
                Ok(Ok(Some(live))) if !live.ready => {
                    tracing::debug!(%printer, words = %live.words, "printer not ready");
                }
                Ok(Err(e)) => tracing::error!(error = %e, %printer, "printer check failed"),
                _ => {}
            }
        }
        let wait = next.saturating_sub(ctx.clock.now_ms()).min(IDLE_MS);
        if wait > 0 {
            tokio::select! {
                _ = stopped.changed() => return,
                _ = changes.recv() => {}
                () = tokio::time::sleep(Duration::from_millis(wait)) => {}
            }
            while changes.try_recv().is_ok() {}
        } else if *stopped.borrow() {
            return;
        }
    }
}

/// Keeps one watch running per peer the worker exchanges with.
async fn live_loop(ctx: Ctx, mut stopped: watch::Receiver<bool>) {
    let mut watching: BTreeMap<DeviceId, (SyncPeer, JoinHandle<()>)> = BTreeMap::new();
    loop {
        let targets = ctx.sync.targets();
        watching.retain(|id, (peer, task)| {
            let keep = targets.iter().any(|t| t.peer_id == *id && t == peer);
            if !keep {
                task.abort();
            }
            keep
        });
        for t in targets {
            if let std::collections::btree_map::Entry::Vacant(slot) = watching.entry(t.peer_id) {
                let task = tokio::spawn(watch_peer(ctx.clone(), t.clone()));
                slot.insert((t, task));
            }
        }
        tokio::select! {
            _ = stopped.changed() => {
                for (_, task) in watching.into_values() {
                    task.abort();
                }
                return;
            }
            // The worker says when its peers change (it stores a permit if none waits).
            () = ctx.sync.targets_changed.notified() => {}
        }
    }
}

/// Watches one peer until aborted: nudges the worker when the peer's counter moves.
async fn watch_peer(ctx: Ctx, peer: SyncPeer) {
    let transport = match ctx.sync.transport(&peer) {
        Ok(t) => t,
        Err(why) => {
            tracing::warn!(peer = %peer.peer_id, %why, "no live path to this peer");
            return;
        }
    };
    let mut seen = None;
    // Not reached yet: the first answer tells the worker the peer is up, as an answer after a
    // failure does.
    let mut failing = true;
    let mut pause = Duration::from_secs(1);
    loop {
        // Until the peer is reached, ask for its counter at once: the answer is the news that it
        // is back, whether or not anything changed there meanwhile.
        let after = if failing { None } else { seen };
        match transport.watch(&peer.address, after).await {
            Ok(version) => {
                if failing {
                    tracing::info!(peer = %peer.peer_id, "live path back");
                    ctx.sync.revive(peer.peer_id);
                    failing = false;
                }
                pause = Duration::from_secs(1);
                if seen != Some(version) {
                    seen = Some(version);
                    ctx.sync.nudge();
                }
            }
            Err(Failure::Status { status: 404, .. }) => {
                tracing::info!(peer = %peer.peer_id, "no live path there: polling it");
                return;
            }
            Err(e) => {
                if !failing {
                    tracing::debug!(peer = %peer.peer_id, error = %e, "live path lost");
                }
                failing = true;
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(LIVE_BACKOFF_MAX);
            }
        }
    }
}

/// `https://ip:port` for a server bound at `bound`: its own address, or, when it listens on
/// every interface, the one `pick` chooses.
fn https_at(bound: SocketAddr, pick: impl FnOnce() -> Option<IpAddr>) -> Option<String> {
    let ip = if bound.ip().is_unspecified() {
        pick()?
    } else {
        bound.ip()
    };
    Some(format!("https://{}", SocketAddr::new(ip, bound.port())))
}

/// Where this machine answers on `bound` as seen from the LAN (loopback when no route shows it).
fn lan_or_loopback(bound: SocketAddr) -> String {
    https_at(bound, || {
        Some(crate::sync::lan_address().unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST)))
    })
    .unwrap_or_default()
}

/// Serves the store's hub this terminal hosts, over TLS, until the runtime stops.
async fn hub_server(ctx: Ctx, hub: crate::hosting::HostedHub, mut stopped: watch::Receiver<bool>) {
    let listener = match tokio::net::TcpListener::bind(hub.listen).await {
        Ok(l) => l,
        Err(e) => {
            tracing::error!(listen = %hub.listen, error = %e, "cannot serve the hosted hub");
            *ctx.hosting
                .failed
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner) =
                Some(format!("cannot listen on {}: {e}", hub.listen));
            return;
        }
    };
    let Ok(bound) = listener.local_addr() else {
        return;
    };
    let address = hub
        .advertise
        .clone()
        .unwrap_or_else(|| lan_or_loopback(bound));
    let fingerprint = hub.identity.fingerprint();
    tracing::info!(%bound, %address, certificate = %fingerprint, "hosting the store's hub");
    *ctx.hosting
        .serving
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(crate::hosting::Serving {
        store_id: hub.store_id,
        local: https_at(bound, || Some(IpAddr::V4(Ipv4Addr::LOCALHOST))).unwrap_or_default(),
        address,
        certificate: fingerprint.short(),
        codes: hub.codes.clone(),
    });
    ctx.bus.send(crate::bus::Change::Reload);
    let close = hub.close.clone();
    if let Err(e) = comanda_sync::tls::serve(listener, &hub.identity, hub.router, async move {
        let _ = stopped.changed().await;
        close();
    })
    .await
    {
        tracing::error!(error = %e, "the hosted hub stopped");
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
    let advertise = config.advertise.clone().or_else(|| {
        https_at(bound, || {
            let hub = ctx
                .store
                .read(|r| r.sync_peers())
                .ok()?
                .first()?
                .address
                .clone();
            crate::sync::local_address_towards(&hub)
        })
    });
    tracing::info!(%bound, advertise = advertise.as_deref().unwrap_or("-"), "answering peers");
    ctx.sync
        .closing
        .store(false, std::sync::atomic::Ordering::Release);
    *ctx.sync
        .advertised
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner) = advertise;
    ctx.sync.wake();
    let identity = match ctx.store.read(|r| r.identity()) {
        Ok(Some(id)) => comanda_sync::tls::Identity::from_der(id.cert, id.key),
        Ok(None) => Err(comanda_sync::SyncError::Tls(
            "no certificate: pair this terminal again".into(),
        )),
        Err(e) => Err(comanda_sync::SyncError::Store(e)),
    };
    let identity = match identity {
        Ok(id) => id,
        Err(e) => {
            tracing::error!(error = %e, "cannot answer peers");
            return;
        }
    };
    tracing::info!(certificate = %identity.fingerprint(), "peers pin this terminal's certificate");
    // Found on the LAN by mDNS too, for as long as it answers peers.
    let _discovery = if config.discover {
        ctx.store
            .device()
            .ok()
            .and_then(|me| crate::discovery::start(&ctx, me.store_id, me.node_id, bound))
    } else {
        None
    };
    let closing = ctx.clone();
    let serve = comanda_sync::tls::serve(
        listener,
        &identity,
        crate::sync::peer_router(&ctx),
        async move {
            let _ = stopped.changed().await;
            // Answer the peers' waiting watches now rather than after their long poll.
            closing
                .sync
                .closing
                .store(true, std::sync::atomic::Ordering::Release);
            closing.sync.changed();
        },
    );
    if let Err(e) = serve.await {
        tracing::error!(error = %e, "the peer server stopped");
    }
}
