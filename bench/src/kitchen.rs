//! Counter to kitchen: an order fired on one terminal, timed until a kitchen screen on another
//! terminal has it on its board. `terminals` terminals each open an order, add an item made at a
//! kitchen station and fire it once a second; one more terminal is the kitchen screen: on every
//! order change its bus announces (its sync worker took events in from the hub's live path or
//! from a peer), it reads the board as the kitchen page does (`kitchen_board`, coalescing the
//! changes that come while a read runs), and the fire is timed from its commit returning on the
//! counter to the end of the first board read that holds its ticket. The browser's paint is not
//! in the figure: the page paints the board it got in the same frame (Kitchen.svelte).

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

use anyhow::{Result, bail};
use comanda_domain::ids::OrderId;

use crate::sync::{Hub, SyncArgs, live_terminal};
use crate::timing::Timer;
use crate::{Fig, progress};

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// The figure (see the module).
pub fn kitchen_latency(args: &SyncArgs, work: &Path) -> Result<Vec<serde_json::Value>> {
    let dir = tempfile::Builder::new()
        .prefix("kitchen-")
        .tempdir_in(work)?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let hub = Hub::start(&args.hub, dir.path(), 1)?;
    progress(&format!(
        "kitchen: pairing a kitchen terminal and {} counters with the hub",
        args.terminals
    ));
    let mut nodes = (0..=args.terminals)
        .map(|n| live_terminal(&hub, dir.path(), n, &rt))
        .collect::<Result<Vec<_>>>()?;
    let clock = Arc::new(Timer::start());
    let fired: Arc<Mutex<BTreeMap<OrderId, Duration>>> = Arc::default();
    let shown: Arc<Mutex<BTreeMap<OrderId, Duration>>> = Arc::default();
    let reads = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let done = Arc::new(AtomicBool::new(false));

    // The kitchen screen: its bus's order changes wake a reader that reads the board.
    let kitchen = &nodes[0];
    let (wake, woken) = mpsc::channel::<()>();
    let mut rx = kitchen.ctx.bus.subscribe();
    let listener = rt.spawn(async move {
        loop {
            match rx.recv().await {
                Ok(comanda_api::bus::Change::Order { .. })
                | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                    if wake.send(()).is_err() {
                        return;
                    }
                }
                Ok(_) => {}
                Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
            }
        }
    });
    let errors: Arc<Mutex<Vec<String>>> = Arc::default();
    let per_terminal = args.seconds;
    std::thread::scope(|scope| {
        let (ctx, session) = (kitchen.ctx.clone(), kitchen.session.clone());
        let (shown_r, clock_r, reads_r, done_r, errors_r) = (
            shown.clone(),
            clock.clone(),
            reads.clone(),
            done.clone(),
            errors.clone(),
        );
        scope.spawn(move || {
            while !done_r.load(Ordering::Acquire) {
                if woken.recv_timeout(Duration::from_millis(50)).is_err() {
                    continue;
                }
                while woken.try_recv().is_ok() {}
                let board = comanda_api::kitchen::kitchen_board(
                    &ctx,
                    &session,
                    comanda_api::kitchen::KitchenBoardRequest::default(),
                );
                let at = clock_r.elapsed();
                reads_r.fetch_add(1, Ordering::Relaxed);
                match board {
                    Ok(b) => {
                        let mut s = lock(&shown_r);
                        for t in b.open.iter().chain(&b.recent) {
                            s.entry(t.order_id).or_insert(at);
                        }
                    }
                    Err(e) => lock(&errors_r).push(e.message),
                }
            }
        });
        // Let the first exchanges settle, then the counters fire once a second each.
        std::thread::sleep(Duration::from_secs(2));
        progress(&format!(
            "kitchen: {} counters fire an order a second each for {} s",
            args.terminals, args.seconds
        ));
        let counters: Vec<_> = nodes.iter().enumerate().skip(1).collect();
        let mut handles = Vec::new();
        for (n, t) in counters {
            let (fired, clock, errors) = (fired.clone(), clock.clone(), errors.clone());
            handles.push(scope.spawn(move || {
                let offset = Duration::from_millis((n * 1000 / args.terminals.max(1)) as u64);
                std::thread::sleep(offset);
                let start = clock.elapsed();
                let catalog = t
                    .ctx
                    .store
                    .read(|r| r.catalog())
                    .ok()
                    .flatten()
                    .unwrap_or_default();
                let Some(pick) = t
                    .picks
                    .iter()
                    .find(|(item, _)| catalog.item(*item).is_some_and(|i| !i.stations.is_empty()))
                else {
                    lock(&errors).push("no item made at a kitchen station".into());
                    return;
                };
                for k in 0..per_terminal {
                    let due = start + Duration::from_secs(k as u64);
                    let now = clock.elapsed();
                    if due > now {
                        std::thread::sleep(due - now);
                    }
                    let step = || -> Result<OrderId, comanda_api::ApiError> {
                        let o = comanda_api::orders::open_order(
                            &t.ctx,
                            &t.session,
                            crate::open_request(n * 1000 + k),
                        )?;
                        comanda_api::orders::add_line(
                            &t.ctx,
                            &t.session,
                            crate::line_request(o.order_id, pick),
                        )?;
                        comanda_api::orders::fire_order(
                            &t.ctx,
                            &t.session,
                            comanda_api::orders::FireOrder {
                                order_id: o.order_id,
                                course: None,
                                hold_later: None,
                            },
                        )?;
                        Ok(o.order_id)
                    };
                    match step() {
                        Ok(id) => {
                            lock(&fired).insert(id, clock.elapsed());
                        }
                        Err(e) => lock(&errors).push(e.message),
                    }
                }
            }));
        }
        for h in handles {
            let _ = h.join();
        }
        // Let the last tickets arrive.
        for _ in 0..100 {
            if lock(&shown).len() >= lock(&fired).len() {
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        done.store(true, Ordering::Release);
    });
    listener.abort();
    for t in &mut nodes {
        if let Some(w) = t.workers.take() {
            rt.block_on(w.shutdown());
        }
    }
    let errors = lock(&errors).clone();
    if !errors.is_empty() {
        bail!("{} steps failed, the first: {}", errors.len(), errors[0]);
    }
    let (fired, shown) = (lock(&fired).clone(), lock(&shown).clone());
    let samples: Vec<Duration> = fired
        .iter()
        .filter_map(|(id, at)| shown.get(id).map(|s| s.saturating_sub(*at)))
        .collect();
    let (got, expected) = (samples.len(), args.terminals * per_terminal);
    let spread: Vec<String> = [10.0, 25.0, 75.0, 90.0, 99.9]
        .iter()
        .map(|q| format!("p{q} {:.1} ms", crate::percentile(&samples, *q)))
        .collect();
    let note = format!(
        "{} counters × 1 fire/s × {} s, one kitchen terminal reading its board on each change its bus announces ({} board reads); {got} of {expected} fires seen on the board within 10 s of the last ({}); the browser's paint is not included; every terminal, its workers and the hub share this machine's cores",
        args.terminals,
        args.seconds,
        reads.load(Ordering::Relaxed),
        spread.join(", ")
    );
    let p = |q: f64| crate::percentile(&samples, q);
    let not_measured = (got < expected).then(|| format!("{got} of {expected} fires seen"));
    Ok(vec![
        Fig {
            id: "kitchen_p50",
            figure: "Counter to a kitchen screen on another terminal (fired → on its board), p50",
            unit: "ms",
            measured: Some(p(50.0)),
            reference: None,
            reference_what: "none: an absolute target",
            target: "≤ 20 ms",
            target_ratio: None,
            target_max: Some(20.0),
            note: Some(note),
            not_measured: not_measured.clone(),
        }
        .json(),
        Fig {
            id: "kitchen_p99",
            figure: "Counter to a kitchen screen on another terminal (fired → on its board), p99",
            unit: "ms",
            measured: Some(p(99.0)),
            reference: None,
            reference_what: "none: an absolute target",
            target: "≤ 100 ms",
            target_ratio: None,
            target_max: Some(100.0),
            note: None,
            not_measured,
        }
        .json(),
    ])
}
