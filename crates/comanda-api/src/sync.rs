//! The terminal's side of sync: pairing with a store (`pair_terminal`), the sync worker's
//! [`step`](SyncWorker::step) (run by [`crate::runtime`]), and the badge's status.
//!
//! Pairing asks the hub for an identity with a one-time code. A terminal that holds events (the
//! demo) is emptied into an archive file first, on a manager's explicit word: its events were
//! made under a placeholder store and must not leave, and nothing is thrown away. The first
//! terminal of a new store brings its menu, settings and staff along; later ones get the store's
//! from the hub.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};

use comanda_domain::device::DeviceAddressSet;
use comanda_domain::employee::Role;
use comanda_domain::event::{EmployeeSaved, EventBody, StreamId};
use comanda_domain::ids::{DeviceId, EmployeeId};
use comanda_store::{Pairing, SyncPeer};
use comanda_sync::http::HttpTransport;
use comanda_sync::pair::{PairFailure, ask_to_pair};
use comanda_sync::tls::{Fingerprint, Identity};
use comanda_sync::{PeerClient, PeerState, Step};
use serde::{Deserialize, Serialize};

use crate::bus::Change;
use crate::ctx::Ctx;
use crate::error::{ApiError, ErrorCode};
use crate::session::Session;
use crate::views::{PeerView, SyncStatusView, TerminalView};

/// How often an idle terminal asks its peers for news when nothing wakes it (ms).
pub const POLL_MS: u64 = 1_000;
/// The most rounds one step makes with one peer before letting the others have a turn.
pub const ROUNDS_PER_STEP: usize = 50;
/// A peer last heard from longer ago than this counts as offline on the badge (ms).
pub const ONLINE_WINDOW_MS: u64 = 15_000;

/// Where this terminal answers its peers on the LAN.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PeerListen {
    /// The address to listen on (`0.0.0.0:8789`); `None`: this terminal answers no peer.
    pub listen: Option<std::net::SocketAddr>,
    /// The address peers are told (`https://192.168.1.21:8789`); by default the address of the
    /// interface that reaches the hub, with the port listened on.
    pub advertise: Option<String>,
    /// Announce this terminal and find the store's others by mDNS on the LAN (multicast; off in
    /// tests that do not make a network namespace of their own).
    pub discover: bool,
}

/// What the sync worker and the badge share.
#[derive(Debug, Default)]
pub struct SyncShared {
    /// Where this terminal answers its peers (set by the shell before the runtime starts).
    pub peer_listen: Mutex<PeerListen>,
    /// The address this terminal tells its peers, once it listens.
    pub(crate) advertised: Mutex<Option<String>>,
    /// Each peer as the worker last saw it.
    pub(crate) peers: Mutex<BTreeMap<DeviceId, PeerView>>,
    /// Wakes the worker (a pairing, a local commit).
    pub(crate) wake: tokio::sync::Notify,
    /// The worker must read its peers from the store again.
    pub(crate) reload: AtomicBool,
    /// An exchange is in flight.
    pub(crate) busy: AtomicBool,
    /// This terminal's change counter, answered on `/v1/watch` to its peers.
    pub(crate) changes: tokio::sync::watch::Sender<u64>,
    /// The peers the worker exchanges with, for the live path to watch.
    pub(crate) targets: Mutex<Vec<SyncPeer>>,
    /// Tells the live path the targets changed.
    pub(crate) targets_changed: tokio::sync::Notify,
    /// The peer server is shutting down: its watches answer 503 at once.
    pub(crate) closing: AtomicBool,
    /// Peers whose watch answered again after failing: reachable, so their backoff is
    /// forgotten at the next step.
    pub(crate) revived: Mutex<BTreeSet<DeviceId>>,
    /// This terminal's TLS identity, as the worker last read it from the store.
    pub(crate) identity: Mutex<Option<Identity>>,
    /// A pairing is under way (its round trip to the hub): the first-run doors wait for it.
    pub(crate) pairing: AtomicBool,
    /// Where mDNS found the store's other terminals answering, by device.
    pub(crate) discovered: Mutex<BTreeMap<DeviceId, String>>,
}

/// Marks a pairing under way until dropped.
struct PairingUnderWay<'a>(&'a AtomicBool);

impl Drop for PairingUnderWay<'_> {
    fn drop(&mut self) {
        self.0.store(false, Ordering::Release);
    }
}

impl SyncShared {
    /// Asks the worker to look at its peers again now.
    pub fn wake(&self) {
        self.reload.store(true, Ordering::Release);
        self.wake.notify_one();
    }

    /// Asks the worker for an exchange now (a peer has news), without reloading its peers.
    pub fn nudge(&self) {
        self.wake.notify_one();
    }

    /// Tells this terminal's watchers that it gained events.
    pub(crate) fn changed(&self) {
        self.changes.send_modify(|v| *v += 1);
    }

    /// The live path reached `peer` again after failing.
    pub(crate) fn revive(&self, peer: DeviceId) {
        self.revived
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(peer);
        self.nudge();
    }

    /// A transport to `peer` as this terminal, pinned to the certificate it paired with.
    pub(crate) fn transport(&self, peer: &SyncPeer) -> Result<HttpTransport, String> {
        let identity = self
            .identity
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
            .ok_or("this terminal has no certificate: pair it again")?;
        let pin: Fingerprint = peer
            .fingerprint
            .as_deref()
            .ok_or("paired before certificates were pinned: pair it again")?
            .parse()
            .map_err(|e: comanda_sync::SyncError| e.to_string())?;
        HttpTransport::new(&peer.token, &identity, pin).map_err(|e| e.to_string())
    }

    /// The peers to watch.
    pub(crate) fn targets(&self) -> Vec<SyncPeer> {
        self.targets
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

/// The sync worker: one [`PeerClient`] per peer this terminal asks.
#[derive(Debug, Default)]
pub struct SyncWorker {
    clients: BTreeMap<DeviceId, (PeerClient, HttpTransport, String)>,
    loaded: bool,
}

impl SyncWorker {
    /// One unit of work: every peer that is due gets its exchanges (until it has no more, or
    /// [`ROUNDS_PER_STEP`]); what came in is announced on the bus. Returns when to step again
    /// at the latest (ms, the context's clock).
    pub async fn step(&mut self, ctx: &Ctx) -> Result<u64, ApiError> {
        if !self.loaded || ctx.sync.reload.swap(false, Ordering::AcqRel) {
            self.load(ctx)?;
        }
        let revived = std::mem::take(
            &mut *ctx
                .sync
                .revived
                .lock()
                .unwrap_or_else(PoisonError::into_inner),
        );
        let mut next = ctx.clock.now_ms() + POLL_MS;
        for (peer, (client, transport, name)) in &mut self.clients {
            if revived.contains(peer) {
                // Its watch answered with this terminal's token: it is up and takes us.
                client.reset();
            }
            for _ in 0..ROUNDS_PER_STEP {
                let now = ctx.clock.now_ms();
                ctx.sync.busy.store(true, Ordering::Release);
                let step = client.step(&ctx.store, transport, now).await;
                ctx.sync.busy.store(false, Ordering::Release);
                let step = step.map_err(|e| ApiError::internal(&e))?;
                let more = match &step {
                    Step::Exchanged { round, more } => {
                        announce(ctx, &round.ingested.touched)?;
                        *more
                    }
                    Step::WaitUntil(at) | Step::Failed { next_ms: at, .. } => {
                        next = next.min(*at);
                        false
                    }
                    Step::Stopped => false,
                };
                snapshot(ctx, *peer, client, name);
                if !more {
                    break;
                }
            }
        }
        Ok(next)
    }

    fn load(&mut self, ctx: &Ctx) -> Result<(), ApiError> {
        let (me, hubs, devices, identity) = ctx.store.read(|r| {
            Ok::<_, ApiError>((r.device()?, r.sync_peers()?, r.devices()?, r.identity()?))
        })?;
        *ctx.sync
            .identity
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = identity
            .map(|id| Identity::from_der(id.cert, id.key))
            .transpose()
            .map_err(|e| ApiError::internal(&e))?;
        if !me.paired {
            self.clients.clear();
            ctx.sync
                .targets
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .clear();
            self.loaded = true;
            return Ok(());
        }
        // The token this terminal was given authenticates it with every node of the store.
        let token = hubs.first().map(|h| h.token.clone());
        let mut wanted: Vec<SyncPeer> = hubs.clone();
        let discovered = ctx
            .sync
            .discovered
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        if let Some(token) = &token {
            for (id, d) in &devices {
                let known = wanted.iter().any(|w| w.peer_id == *id);
                if *id != me.node_id
                    && d.active()
                    && !known
                    && let Some(address) =
                        crate::discovery::address_of(&discovered, *id, d.address.as_ref())
                {
                    wanted.push(SyncPeer {
                        peer_id: *id,
                        address,
                        name: d.name.clone().unwrap_or_default(),
                        token: token.clone(),
                        fingerprint: d.cert_fingerprint.clone(),
                    });
                }
            }
        }
        *ctx.sync
            .targets
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = wanted.clone();
        ctx.sync.targets_changed.notify_one();
        let mut clients = BTreeMap::new();
        for peer in wanted {
            let transport = match ctx.sync.transport(&peer) {
                Ok(t) => t,
                Err(why) => {
                    tracing::warn!(peer = %peer.peer_id, name = %peer.name, %why, "not syncing with this peer");
                    continue;
                }
            };
            // A peer known before keeps its link (what it holds, its backoff) unless its address
            // changed; a new pairing starts afresh.
            let client = match self.clients.remove(&peer.peer_id) {
                Some((c, _, _)) if c.address() == peer.address => c,
                _ => PeerClient::new(peer.peer_id, peer.address, ctx.clock.now_ms()),
            };
            clients.insert(peer.peer_id, (client, transport, peer.name));
        }
        self.clients = clients;
        self.loaded = true;
        // Tell the store where this terminal answers, when that changed.
        let advertised = ctx
            .sync
            .advertised
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        if let Some(address) = advertised
            && devices.get(&me.node_id).and_then(|d| d.address.as_ref()) != Some(&address)
        {
            ctx.store.write(|tx| {
                tx.append(
                    StreamId::Devices,
                    None,
                    EventBody::DeviceAddressSet(DeviceAddressSet {
                        device_id: me.node_id,
                        address: address.clone(),
                    }),
                )
            })?;
            tracing::info!(%address, "peers are told this terminal's address");
        }
        Ok(())
    }
}

/// Checks the tokens of peers that ask this terminal: a device of its store, paired and not
/// revoked, as the log says.
#[derive(Clone)]
pub struct TerminalAuthority {
    ctx: Ctx,
}

impl comanda_sync::http::Authority for TerminalAuthority {
    fn authenticate(
        &self,
        token: &str,
        cert: Option<&Fingerprint>,
    ) -> Result<Option<comanda_sync::http::Grant>, comanda_sync::SyncError> {
        let hash = comanda_sync::http::token_hash(token);
        let (me, devices) = self
            .ctx
            .store
            .read(|r| Ok::<_, comanda_store::StoreError>((r.device()?, r.devices()?)))?;
        if !me.paired {
            return Ok(None);
        }
        // The token and the certificate its device paired with, both.
        let cert = cert.map(ToString::to_string);
        Ok(devices
            .into_iter()
            .find(|(id, d)| {
                *id != me.node_id
                    && d.active()
                    && d.token_hash.as_deref() == Some(&hash)
                    && cert.is_some()
                    && d.cert_fingerprint == cert
            })
            .map(|(device_id, _)| comanda_sync::http::Grant {
                store: self.ctx.store.clone(),
                store_id: me.store_id,
                device_id,
            }))
    }

    fn changes(
        &self,
        _grant: &comanda_sync::http::Grant,
    ) -> Option<tokio::sync::watch::Receiver<u64>> {
        Some(self.ctx.sync.changes.subscribe())
    }

    fn closing(&self) -> bool {
        self.ctx.sync.closing.load(Ordering::Acquire)
    }

    /// What a peer brought by asking this terminal reaches its screens like what it pulled.
    fn exchanged(
        &self,
        grant: &comanda_sync::http::Grant,
        ingested: &comanda_store::Ingested,
        _sent: usize,
    ) {
        // Announced on the bus, which also moves this terminal's change counter for the peers
        // watching it (runtime's sync loop): one mechanism for local and received changes.
        let device = grant.device_id;
        if ingested.touched.is_empty() {
            return;
        }
        let (ctx, touched) = (self.ctx.clone(), ingested.touched.clone());
        // Reading the orders to announce is store work: on a blocking thread.
        tokio::task::spawn_blocking(move || {
            if let Err(e) = announce(&ctx, &touched) {
                tracing::warn!(%device, error = %e.message, "could not announce what a peer sent");
            }
        });
    }
}

/// The router peers ask: `POST /v1/exchange`, for the devices of this terminal's store.
pub fn peer_router(ctx: &Ctx) -> axum::Router {
    comanda_sync::http::router(std::sync::Arc::new(TerminalAuthority { ctx: ctx.clone() }))
}

/// The address of this machine's interface that reaches `hub` (`http://host:port`): what peers
/// on the same LAN can reach it at. No packet is sent (a UDP socket is only connected).
pub fn local_address_towards(hub: &str) -> Option<std::net::IpAddr> {
    let url = reqwest::Url::parse(hub).ok()?;
    let host = url.host_str()?;
    let port = url.port_or_known_default()?;
    let target = std::net::ToSocketAddrs::to_socket_addrs(&(host, port))
        .ok()?
        .next()?;
    source_towards(target)
}

/// The address this machine sends from towards `target`: the route is looked up by connecting
/// a UDP socket, which sends nothing.
fn source_towards(target: std::net::SocketAddr) -> Option<std::net::IpAddr> {
    let bind = if target.is_ipv4() {
        "0.0.0.0:0"
    } else {
        "[::]:0"
    };
    let socket = std::net::UdpSocket::bind(bind).ok()?;
    socket.connect(target).ok()?;
    Some(socket.local_addr().ok()?.ip()).filter(|ip| !ip.is_unspecified())
}

/// This machine's address on its LAN (the interface of its default route), for telling people
/// where a hub it hosts answers. No packet is sent.
pub fn lan_address() -> Option<std::net::IpAddr> {
    // A documentation address (TEST-NET-1): only the route to it is looked up.
    source_towards(std::net::SocketAddr::from(([192, 0, 2, 1], 9)))
}

/// Tells the screens what an exchange changed; a change of staff ends the sessions of people who
/// left or changed role, on this terminal as on the one where it was made.
pub(crate) fn announce(ctx: &Ctx, touched: &[StreamId]) -> Result<(), ApiError> {
    for stream in touched {
        match stream {
            StreamId::Order(id) => {
                let version = ctx
                    .store
                    .read(|r| r.order(*id))?
                    .map_or(0, |o| o.state.event_count);
                ctx.bus.send(Change::Order {
                    order_id: *id,
                    version,
                });
            }
            StreamId::Catalog => ctx.bus.send(Change::Catalog),
            StreamId::Settings | StreamId::Printers | StreamId::Drawer(_) => {
                ctx.bus.send(Change::Settings)
            }
            // A device paired, revoked or moved: the worker looks at its peers again.
            StreamId::Devices => ctx.sync.reload.store(true, Ordering::Release),
            StreamId::Employees => {
                let staff = ctx.store.read(|r| r.employees())?;
                crate::session::end_sessions_not_matching(ctx, &staff)?;
                ctx.bus.send(Change::Settings);
            }
        }
    }
    Ok(())
}

fn snapshot(ctx: &Ctx, peer: DeviceId, client: &PeerClient, name: &str) {
    let (state, next_try_ms, error) = match client.state() {
        PeerState::Online => ("online", None, None),
        PeerState::Retrying { next_ms, .. } => ("retrying", Some(*next_ms), None),
        PeerState::Open { next_ms } => ("offline", Some(*next_ms), None),
        PeerState::MustPair(why) => ("must_pair", None, Some(why.clone())),
    };
    let view = PeerView {
        peer_id: peer,
        name: name.to_owned(),
        address: client.address().to_owned(),
        state: state.into(),
        next_try_ms,
        last_ok_ms: None,
        last_error: error,
        skew_ms: None,
        certificate: None,
    };
    ctx.sync
        .peers
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .insert(peer, view);
}

/// The badge: paired or not, each peer, what waits, what was held or refused.
pub fn status(ctx: &Ctx) -> Result<SyncStatusView, ApiError> {
    let now = ctx.clock.now_ms();
    // One snapshot of everything the badge reads.
    let (device, outbox, records, deferred, held, dead, (hubs, devices, identity)) =
        ctx.store.read(|r| {
            Ok::<_, ApiError>((
                r.device()?,
                r.outbox_stats()?,
                r.peers()?,
                r.deferred_count()?,
                r.held_counts()?,
                r.dead_letter_counts()?.1,
                (r.sync_peers()?, r.devices()?, r.identity()?),
            ))
        })?;
    // Each peer's pinned certificate: the hub's from pairing, a terminal's from the log.
    let pinned = |peer: DeviceId| {
        hubs.iter()
            .find(|h| h.peer_id == peer)
            .and_then(|h| h.fingerprint.clone())
            .or_else(|| devices.get(&peer).and_then(|d| d.cert_fingerprint.clone()))
            .and_then(|f| f.parse::<Fingerprint>().ok())
            .map(|f| f.short())
    };
    let live = ctx
        .sync
        .peers
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clone();
    // Every peer the worker asks (the hub, and the terminals the log knows an address for),
    // with what the store recorded of their last exchange.
    let mut peers: BTreeMap<DeviceId, PeerView> = live;
    for rec in &records {
        if rec.address.is_some() && !peers.contains_key(&rec.peer_id) {
            peers.insert(
                rec.peer_id,
                PeerView {
                    peer_id: rec.peer_id,
                    name: rec.name.clone().unwrap_or_default(),
                    address: rec.address.clone().unwrap_or_default(),
                    state: "connecting".into(),
                    next_try_ms: None,
                    last_ok_ms: None,
                    last_error: None,
                    skew_ms: None,
                    certificate: None,
                },
            );
        }
    }
    let mut peers: Vec<PeerView> = peers.into_values().collect();
    for view in &mut peers {
        view.certificate = pinned(view.peer_id);
        let Some(rec) = records.iter().find(|r| r.peer_id == view.peer_id) else {
            continue;
        };
        view.last_ok_ms = rec.last_ok_ms;
        view.skew_ms = rec.skew_ms;
        if view.last_error.is_none()
            && rec
                .last_error_ms
                .is_some_and(|e| rec.last_ok_ms.is_none_or(|ok| e > ok))
        {
            view.last_error = rec.last_error.clone();
        }
    }
    let waiting = u32::try_from(outbox.waiting).unwrap_or(u32::MAX);
    let recent = |p: &PeerView| {
        p.state == "online"
            && p.last_ok_ms
                .is_some_and(|ok| now.saturating_sub(ok) <= ONLINE_WINDOW_MS)
    };
    let (state, label) = if !device.paired {
        (
            "not_paired",
            "Working on its own — not connected to other terminals".to_owned(),
        )
    } else if peers.iter().any(|p| p.state == "must_pair") {
        (
            "must_pair",
            "Must be paired again — the hub no longer knows this terminal".to_owned(),
        )
    } else if ctx.sync.busy.load(Ordering::Acquire) && waiting > 0 {
        ("syncing", "Syncing…".to_owned())
    } else if peers.iter().any(recent) {
        let label = if waiting == 0 {
            "Online — in sync".to_owned()
        } else {
            "Online — sending".to_owned()
        };
        ("online", label)
    } else {
        (
            "offline",
            "Offline — orders are kept here and sent when the connection is back".to_owned(),
        )
    };
    let clock_warning = peers
        .iter()
        .filter_map(|p| p.skew_ms)
        .map(i64::unsigned_abs)
        .max()
        .filter(|s| *s > comanda_store::MAX_DRIFT_MS);
    Ok(SyncStatusView {
        state: state.into(),
        label,
        waiting: if device.paired { waiting } else { 0 },
        oldest_ms: if device.paired {
            outbox.oldest_ms
        } else {
            None
        },
        paired: device.paired,
        terminal_no: device.terminal_no,
        peers,
        deferred: u32::try_from(deferred).unwrap_or(u32::MAX),
        held_newer: u32::try_from(held.0).unwrap_or(u32::MAX),
        refused: u32::try_from(dead).unwrap_or(u32::MAX),
        clock_skew_ms: clock_warning,
        hub_address: ctx.hosting.address(),
        hub_error: ctx.hosting.failure(),
        certificate: identity
            .filter(|_| device.paired)
            .map(|id| Fingerprint::of(&id.cert).short()),
    })
}

/// Request of `pair_terminal`.
#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[ts(export, export_to = "bindings/")]
pub struct PairTerminal {
    /// Where the hub answers: `192.168.1.10:8788` (`https://` is understood; nodes always
    /// talk over TLS).
    pub address: String,
    /// The one-time code a manager made on the hub (`XXXXX-XXXXX`).
    pub code: String,
    /// What this terminal is called in lists ("Counter 2").
    pub name: String,
    /// Empty this terminal first: its events (the demo) go into an archive file beside its
    /// database. Needed when it holds any event.
    #[serde(default)]
    pub wipe: bool,
}

/// The hub's address as typed (`192.168.1.10:8788`, with or without `http://` or `https://`)
/// as nodes reach each other: always over TLS, so always `https://`.
fn parse_address(address: &str) -> Result<String, ApiError> {
    let a = address.trim().trim_end_matches('/');
    let rest = a
        .strip_prefix("https://")
        .or_else(|| a.strip_prefix("http://"))
        .unwrap_or(a);
    let url = format!("https://{rest}");
    let ok = !rest.contains("://")
        && reqwest::Url::parse(&url).is_ok_and(|u| {
            u.host().is_some() && matches!(u.path(), "" | "/") && u.query().is_none()
        });
    if ok {
        Ok(url)
    } else {
        Err(ApiError::new(
            ErrorCode::InvalidInput,
            "The hub's address looks like 192.168.1.10:8788 (the address and port the hub shows).",
        )
        .on("address"))
    }
}

/// Pairs this terminal with a store through its hub (a manager only). See the module's words.
pub fn pair_terminal(ctx: &Ctx, s: &Session, req: PairTerminal) -> Result<TerminalView, ApiError> {
    if s.role != Role::Manager {
        return Err(ApiError::new(
            ErrorCode::Forbidden,
            "Only a manager can pair this terminal with a store.",
        ));
    }
    pair(ctx, Some(s.employee_id), req)
}

/// Pairs this terminal, on the word of `actor` (none on a terminal set up without staff, see
/// [`crate::setup`]).
pub(crate) fn pair(
    ctx: &Ctx,
    actor: Option<EmployeeId>,
    req: PairTerminal,
) -> Result<TerminalView, ApiError> {
    let address = parse_address(&req.address)?;
    if ctx.sync.pairing.swap(true, Ordering::AcqRel) {
        return Err(ApiError::new(
            ErrorCode::Conflict,
            "This terminal is already being paired: wait for that to finish.",
        ));
    }
    let _under_way = PairingUnderWay(&ctx.sync.pairing);
    let name = req.name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 60 {
        return Err(ApiError::new(
            ErrorCode::InvalidInput,
            "Give this terminal a name of 1 to 60 characters (\"Counter 2\").",
        )
        .on("name"));
    }
    let device = ctx.store.device()?;
    if device.paired {
        return Err(ApiError::new(
            ErrorCode::Conflict,
            "This terminal is already paired with a store.",
        ));
    }
    let held = ctx.store.read(|r| r.event_count())?;
    if held > 0 && !req.wipe {
        return Err(ApiError::new(
            ErrorCode::NotEmpty,
            format!(
                "This terminal holds {held} events (the demo or orders taken here). Pairing moves them into an archive file on this computer and starts empty; the menu and staff come along if the store has none yet."
            ),
        )
        .on("wipe"));
    }
    let runtime = tokio::runtime::Handle::try_current()
        .map_err(|_| ApiError::internal(&"pairing needs the async runtime"))?;
    // A certificate of its own for this pairing: a copied disk that pairs gets another.
    let identity = Identity::generate().map_err(|e| ApiError::internal(&e))?;
    let paired = runtime
        .block_on(ask_to_pair(&address, &req.code, &name, &identity))
        .map_err(|f| pair_error(&address, f))?;
    let answer = paired.answer;
    // A pepper that does not read would leave PINs unpeppered without a word: refused instead.
    let pepper = answer
        .pin_pepper
        .as_deref()
        .map(hex::decode)
        .transpose()
        .map_err(|_| {
            ApiError::new(
                ErrorCode::Unreachable,
                "The hub answered with a PIN pepper that does not read: nothing was changed here. Update the hub.",
            )
        })?;
    // What to carry over if the store turns out to be new.
    let (catalog, settings, staff) = ctx
        .store
        .read(|r| Ok::<_, ApiError>((r.catalog()?, r.settings()?, r.employees()?)))?;
    if held > 0 {
        let archive = ctx.store.path().with_file_name(format!(
            "terminal-before-pairing-{}.sqlite",
            ctx.clock.now_ms()
        ));
        ctx.store.archive_and_clear(&archive)?;
    }
    ctx.store.write(|tx| {
        tx.pair(&Pairing {
            store_id: answer.store_id,
            device_id: answer.device_id,
            terminal_no: answer.terminal_no,
            pairer: answer.peer,
        })?;
        tx.set_identity(identity.cert_der(), identity.key_der())?;
        if let Some(pepper) = &pepper {
            tx.set_pin_pepper(pepper)?;
        }
        tx.set_joined_empty_store(answer.store_has_staff == Some(false))?;
        tx.set_sync_peer(&SyncPeer {
            peer_id: answer.peer,
            address: address.clone(),
            name: "Hub".into(),
            token: answer.token.clone(),
            fingerprint: Some(paired.node.to_string()),
        })
    })?;
    tracing::info!(hub = %paired.node, me = %identity.fingerprint(), "certificates pinned");
    // Learn what the store has before deciding what to bring.
    let transport = HttpTransport::new(&answer.token, &identity, paired.node)
        .map_err(|e| ApiError::internal(&e))?;
    let mut client = PeerClient::new(answer.peer, address.clone(), ctx.clock.now_ms());
    if !runtime.block_on(exchange_until_done(ctx, &mut client, &transport)) {
        tracing::warn!("paired, but the first exchange did not finish; the worker goes on");
    }
    let brought = ctx.store.write(|tx| {
        let mut brought = false;
        if tx.catalog()?.is_none()
            && let Some(c) = catalog
        {
            tx.append(StreamId::Catalog, actor, EventBody::CatalogPublished(c))?;
            brought = true;
        }
        if tx.settings()?.is_none()
            && let Some(st) = settings
        {
            tx.append(StreamId::Settings, actor, EventBody::SettingsPublished(st))?;
            brought = true;
        }
        if tx.employees()?.is_empty() {
            for record in staff.into_values() {
                tx.append(
                    StreamId::Employees,
                    actor,
                    EventBody::EmployeeSaved(EmployeeSaved {
                        record,
                        approved_by: actor,
                    }),
                )?;
                brought = true;
            }
        }
        Ok::<_, ApiError>(brought)
    })?;
    // What this terminal brought reaches the hub before the next terminal pairs.
    if brought && !runtime.block_on(exchange_until_done(ctx, &mut client, &transport)) {
        tracing::warn!("the menu and staff brought along wait for the worker to send them");
    }
    // Joining a store with its own staff list: whoever is not on it is signed out here.
    let staff_now = ctx.store.read(|r| r.employees())?;
    crate::session::end_sessions_not_matching(ctx, &staff_now)?;
    tracing::info!(store = %answer.store_id, terminal = answer.terminal_no, "paired");
    ctx.sync.wake();
    ctx.bus.send(Change::Reload);
    crate::catalog::get_status(ctx)
}

/// Exchanges with one peer until neither has more (or a failure): true when done.
async fn exchange_until_done(
    ctx: &Ctx,
    client: &mut PeerClient,
    transport: &HttpTransport,
) -> bool {
    for _ in 0..ROUNDS_PER_STEP {
        match client.step(&ctx.store, transport, ctx.clock.now_ms()).await {
            Ok(Step::Exchanged { more: true, .. }) => {}
            Ok(Step::Exchanged { more: false, .. }) => return true,
            _ => return false,
        }
    }
    false
}

/// What a pairing that did not go through tells the manager, next to the field at fault.
fn pair_error(address: &str, failure: PairFailure) -> ApiError {
    match failure {
        PairFailure::Unreachable { reason, .. } => ApiError::new(
            ErrorCode::Unreachable,
            format!("The hub did not answer at {address}: {reason}. Check the address and that the hub is running."),
        )
        .on("address"),
        PairFailure::NotANode(why) => ApiError::new(
            ErrorCode::Unreachable,
            format!("The address answered, but not as a Comanda hub: {why}"),
        )
        .on("address"),
        PairFailure::NotProved => ApiError::new(
            ErrorCode::Unreachable,
            "The machine that answered could not prove it made this pairing code: another machine may be in the way. Nothing was changed here; check the address on the hub itself.",
        )
        .on("address"),
        PairFailure::Refused { status, message, .. } => match status {
            403 => ApiError::new(
                ErrorCode::InvalidInput,
                "That pairing code is not valid: it may be mistyped, already used or expired (or another machine is in the way). Make a new one on the hub.",
            )
            .on("code"),
            429 => ApiError::new(ErrorCode::TooManyAttempts, message).on("code"),
            400 => ApiError::new(ErrorCode::InvalidInput, message),
            _ => ApiError::new(
                ErrorCode::Unreachable,
                format!("The hub could not pair this terminal now ({status}): {message}"),
            ),
        },
    }
}
