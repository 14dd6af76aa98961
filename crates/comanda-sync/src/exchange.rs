//! Anti-entropy between two nodes: each shows the other its version vector and sends, in pages,
//! what the other lacks. One exchange is push, pull and reconcile at once, so a lost answer, a
//! duplicated request or a peer restored from an older backup is repaired by the next one; no
//! cursor is kept that could run ahead of the data (PouchDB #1240).
//!
//! [`answer`] is the answering side (the hub's and every terminal's `/v1/exchange`). [`Link`]
//! is the asking side for one peer: [`Link::request`] builds the next request, [`Link::apply`]
//! takes the answer in. Between the two, any transport: HTTP in the app, the simulated network
//! in `comanda-testkit`.
//!
//! **Invariant:** the events of a page are stored, and the peer's vector recorded, in one
//! transaction: a crash mid-page keeps both or neither, and what the peer is believed to hold is
//! only ever a hint for what to send first; each answer's own vector corrects it.

use std::collections::BTreeSet;

use comanda_domain::codec::StoredEvent;
use comanda_domain::ids::{DeviceId, EventId};
use comanda_domain::vector::{Held, VersionVector};
use comanda_store::{Ingested, Reader, Store};

use crate::error::SyncError;
use crate::wire::{
    EventResult, ExchangeRequest, ExchangeResponse, PROTOCOL_VERSION, ResultKind, WireVector,
};

/// How much one page may carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The most events.
    pub max_events: u32,
    /// The most bytes of events (their JSON length).
    pub max_bytes: u32,
}

/// The most events a page may carry, whatever is asked.
pub const MAX_PAGE_EVENTS: u32 = 5_000;

/// The most bytes of events a page may carry, whatever is asked (8 MiB).
pub const MAX_PAGE_BYTES: u32 = 8 << 20;

impl Limits {
    /// 5,000 events or 4 MiB: a whole service of one terminal in a few pages (each page is one
    /// round trip and one transaction on each side), and still small enough for a shop's LAN or
    /// a phone line; a peer that answers 413 gets half as much.
    pub const DEFAULT: Limits = Limits {
        max_events: 5_000,
        max_bytes: 4 << 20,
    };

    /// Within [`MAX_PAGE_EVENTS`] and [`MAX_PAGE_BYTES`], and at least one event.
    pub fn clamped(self) -> Limits {
        Limits {
            max_events: self.max_events.clamp(1, MAX_PAGE_EVENTS),
            max_bytes: self.max_bytes.clamp(1, MAX_PAGE_BYTES),
        }
    }

    /// Half of these (at least one event): what to try after a page was too large (413).
    pub fn halved(self) -> Limits {
        Limits {
            max_events: (self.max_events / 2).max(1),
            max_bytes: (self.max_bytes / 2).max(1),
        }
    }
}

/// What `mine` holds that `theirs` lacks: each device's events in sequence order, device after
/// device, up to `limits` (always at least one event, however large, so a big event cannot
/// stall a device for ever). Returns the page and whether more is waiting.
pub fn missing(
    r: &Reader<'_>,
    mine: &VersionVector,
    theirs: &VersionVector,
    limits: Limits,
) -> Result<(Vec<StoredEvent>, bool), SyncError> {
    let limits = limits.clamped();
    let mut page = Vec::new();
    let mut bytes: u64 = 0;
    for (device, held) in mine.iter() {
        let their = theirs.get(device);
        if held.max() <= their.upto && held.above.iter().all(|s| their.holds(*s)) {
            continue;
        }
        let mut after = their.upto;
        loop {
            let room = limits.max_events - page.len() as u32;
            let batch = r.device_events_after(device, after, room.min(500))?;
            let Some(last) = batch.last() else {
                break;
            };
            after = last.device_seq;
            for e in batch {
                if their.holds(e.device_seq) {
                    continue;
                }
                let size = serde_json::to_string(&e).map_or(0, |t| t.len() as u64);
                if !page.is_empty()
                    && (page.len() as u32 >= limits.max_events
                        || bytes + size > u64::from(limits.max_bytes))
                {
                    return Ok((page, true));
                }
                bytes += size;
                page.push(e);
            }
            if page.len() as u32 >= limits.max_events {
                // Full: more waits if this device or another still has something they lack.
                let more = has_more(r, mine, theirs, device, after)?;
                return Ok((page, more));
            }
        }
    }
    Ok((page, false))
}

/// True when `mine` still holds something `theirs` lacks past `(device, after)`.
fn has_more(
    r: &Reader<'_>,
    mine: &VersionVector,
    theirs: &VersionVector,
    device: DeviceId,
    after: u64,
) -> Result<bool, SyncError> {
    for (d, held) in mine.iter().filter(|(d, _)| *d >= device) {
        let their = theirs.get(d);
        let from = if d == device { after } else { their.upto };
        if held.max() <= from {
            continue;
        }
        if r.device_events_after(d, from, 1_000)?
            .iter()
            .any(|e| !their.holds(e.device_seq))
        {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The skew between two clocks, `theirs - mine`, in ms (saturated).
fn skew(theirs: u64, mine: u64) -> i64 {
    let d = i128::from(theirs) - i128::from(mine);
    d.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64
}

/// Answers one exchange: takes in the events sent (one transaction, which also records what the
/// asker holds), then sends a page of what the asker lacks.
pub fn answer(store: &Store, req: &ExchangeRequest) -> Result<ExchangeResponse, SyncError> {
    answer_with(store, req).map(|(resp, _)| resp)
}

/// [`answer`], with what the answering node took in (its streams touched, to announce).
pub fn answer_with(
    store: &Store,
    req: &ExchangeRequest,
) -> Result<(ExchangeResponse, Ingested), SyncError> {
    if req.protocol != PROTOCOL_VERSION {
        return Err(SyncError::Protocol(req.protocol));
    }
    let me = store.device()?;
    if !me.paired {
        return Err(SyncError::NotPaired);
    }
    if req.store_id != me.store_id {
        return Err(SyncError::WrongStore);
    }
    if req.events.len() > MAX_PAGE_EVENTS as usize {
        return Err(SyncError::BadMessage(format!(
            "{} events in one request (at most {MAX_PAGE_EVENTS})",
            req.events.len()
        )));
    }
    let theirs = VersionVector::try_from(&req.vector)?;
    let wire_theirs =
        serde_json::to_string(&req.vector).map_err(|e| SyncError::BadMessage(e.to_string()))?;
    let (ingested, now) = store.write(|tx| {
        let got = tx.ingest(&req.events)?;
        let now = tx.now_ms();
        tx.record_peer(
            req.from,
            &wire_theirs,
            &theirs,
            &req.vector.digests(),
            Some(skew(req.now_ms, now)),
        )?;
        Ok::<_, SyncError>((got, now))
    })?;
    log_refusals(&ingested, req.from);
    let results = req
        .events
        .iter()
        .zip(&ingested.outcomes)
        .map(|(e, o)| EventResult::of(e.id, o))
        .collect();
    let limits = Limits {
        max_events: req.max_events,
        max_bytes: req.max_bytes,
    };
    let (resp, mine, digests) = store.read(|r| {
        let mine = r.vector()?;
        let digests = r.digests()?;
        let (events, more) = missing(r, &mine, &theirs, limits)?;
        let resp = ExchangeResponse {
            protocol: PROTOCOL_VERSION,
            from: me.node_id,
            now_ms: now,
            vector: shown(r, &mine, &digests, &BTreeSet::new())?,
            results,
            events,
            more,
        };
        Ok::<_, SyncError>((resp, mine, digests))
    })?;
    note_divergence(store, req.from, &req.vector, &mine, &digests)?;
    Ok((resp, ingested))
}

/// The vector a node shows its peers: what it holds, except the devices it asks to be sent
/// again (`resend`: forked with that peer), and the positions of events it made
/// under an identity it had before a restore and has not had delivered yet. A peer holding
/// those positions then sends what it holds there: the same event (delivered: the outbox lets
/// it go) or another one (made before the restore, lost with the old disk: ours moves to the
/// current id, see `comanda_store::Tx::ingest`). Their digests are left out (the positions
/// shown are not the ones held).
fn shown(
    r: &Reader<'_>,
    mine: &VersionVector,
    digests: &std::collections::BTreeMap<DeviceId, u64>,
    resend: &BTreeSet<DeviceId>,
) -> Result<WireVector, SyncError> {
    let unsure = r.unsent_under_former_ids()?;
    if unsure.is_empty() && resend.is_empty() {
        return Ok(WireVector::with_digests(mine, digests));
    }
    let mut shown = mine.clone();
    let mut digests = digests.clone();
    for device in resend {
        shown.set(*device, Held::default());
        digests.remove(device);
    }
    for (device, seqs) in &unsure {
        let held = mine.get(*device);
        let mut kept = Held::default();
        for s in (1..=held.upto).chain(held.above.iter().copied()) {
            if !seqs.contains(&s) {
                kept.insert(s);
            }
        }
        shown.set(*device, kept);
        digests.remove(device);
    }
    Ok(WireVector::with_digests(&shown, &digests))
}

/// Records a fork with `peer` (the same positions of a device's log, other events there), once
/// until a person looks at it: the anti-entropy exchange alone would call the two logs equal and
/// send nothing (automerge #870).
fn note_divergence(
    store: &Store,
    peer: DeviceId,
    theirs: &WireVector,
    mine: &VersionVector,
    digests: &std::collections::BTreeMap<DeviceId, u64>,
) -> Result<Vec<DeviceId>, SyncError> {
    let forks = theirs.diverged_from(mine, digests);
    if forks.is_empty() {
        return Ok(forks);
    }
    store.write_received(|tx| {
        for device in &forks {
            tx.note_divergence(peer, *device)?;
        }
        Ok::<_, SyncError>(())
    })?;
    Ok(forks)
}

fn log_refusals(ingested: &Ingested, from: DeviceId) {
    if ingested.refused() > 0 {
        tracing::warn!(peer = %from, refused = ingested.refused(), "events refused");
    }
    if let Some(skew) = ingested.max_skew_ms {
        tracing::warn!(peer = %from, skew_ms = skew, "events stamped past the drift bound");
    }
}

/// The asking side of anti-entropy with one peer.
#[derive(Debug, Clone)]
pub struct Link {
    peer: DeviceId,
    /// What the peer held at its last answer (a hint for what to send first).
    theirs: Option<VersionVector>,
    /// How much to send in one request (halved after a 413).
    pub push: Limits,
    /// How much to ask for in one answer.
    pub pull: Limits,
    /// Devices of which the peer holds the same positions as this node but other events there
    /// (their digests differ): the next request shows none of their events held, so the peer
    /// sends them all and the door keeps both sides of each position (one relocated).
    resend: BTreeSet<DeviceId>,
    /// Positions of this node's undelivered events of a former id that the peer held at its
    /// last answer: asked about once (the next request shows them not held, so the peer sends
    /// what it holds there); asked again at once only when they change.
    settling: BTreeSet<(DeviceId, u64)>,
}

/// What one round did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Round {
    /// Events sent that the peer did not have.
    pub pushed: usize,
    /// Events received that this node did not have.
    pub pulled: usize,
    /// Events the peer refused, with its code and reason.
    pub refused_by_peer: Vec<EventResult>,
    /// What this node did with the page received.
    pub ingested: Ingested,
    /// The peer's clock minus this node's (ms).
    pub skew_ms: i64,
    /// Another round would move more: the peer has more for us, or we for it.
    pub more: bool,
}

impl Link {
    /// A link to `peer`, knowing nothing of what it holds.
    pub fn new(peer: DeviceId) -> Link {
        Link {
            peer,
            theirs: None,
            push: Limits::DEFAULT,
            pull: Limits::DEFAULT,
            resend: BTreeSet::new(),
            settling: BTreeSet::new(),
        }
    }

    /// A link that believes the peer holds `theirs`: what a node whose bookkeeping was lost or
    /// restored from an old backup believes. Its first request offers everything past `theirs`;
    /// the peer answers each event it already holds as a duplicate and stores nothing twice.
    pub fn believing(peer: DeviceId, theirs: VersionVector) -> Link {
        Link {
            theirs: Some(theirs),
            ..Link::new(peer)
        }
    }

    /// The peer.
    pub fn peer(&self) -> DeviceId {
        self.peer
    }

    /// What the peer held at its last answer, if it answered.
    pub fn theirs(&self) -> Option<&VersionVector> {
        self.theirs.as_ref()
    }

    /// The next request: this node's vector, and (once the peer's vector is known) a page of
    /// what it lacks.
    pub fn request(&self, store: &Store) -> Result<ExchangeRequest, SyncError> {
        let me = store.device()?;
        if !me.paired {
            return Err(SyncError::NotPaired);
        }
        let now_ms = store.now_ms();
        store.read(|r| {
            let mine = r.vector()?;
            let digests = r.digests()?;
            let events = match &self.theirs {
                Some(theirs) => missing(r, &mine, theirs, self.push)?.0,
                None => Vec::new(),
            };
            Ok(ExchangeRequest {
                protocol: PROTOCOL_VERSION,
                store_id: me.store_id,
                from: me.node_id,
                now_ms,
                vector: shown(r, &mine, &digests, &self.resend)?,
                events,
                max_events: self.pull.max_events,
                max_bytes: self.pull.max_bytes,
            })
        })
    }

    /// Takes an answer in: its events and the peer's vector in one transaction. Answers may
    /// come late, twice or out of order: each only adds events (idempotently) and replaces a
    /// hint.
    pub fn apply(&mut self, store: &Store, resp: &ExchangeResponse) -> Result<Round, SyncError> {
        if resp.protocol != PROTOCOL_VERSION {
            return Err(SyncError::Protocol(resp.protocol));
        }
        if resp.from != self.peer {
            return Err(SyncError::WrongPeer {
                expected: self.peer.to_string(),
                got: resp.from.to_string(),
            });
        }
        if resp.events.len() > MAX_PAGE_EVENTS as usize {
            return Err(SyncError::BadMessage(format!(
                "{} events in one answer (at most {MAX_PAGE_EVENTS})",
                resp.events.len()
            )));
        }
        let theirs = VersionVector::try_from(&resp.vector)?;
        let wire = serde_json::to_string(&resp.vector)
            .map_err(|e| SyncError::BadMessage(e.to_string()))?;
        // What the peer sent is still held by the peer: taken in without waiting for the disk.
        let delivered: Vec<EventId> = resp
            .results
            .iter()
            .filter(|r| {
                matches!(
                    r.result,
                    ResultKind::New | ResultKind::Held | ResultKind::Duplicate
                )
            })
            .map(|r| r.id)
            .collect();
        let (ingested, skew_ms) = store.write_received(|tx| {
            let got = tx.ingest(&resp.events)?;
            // Events made under a former id leave the outbox one by one, never by position.
            if !tx.unsent_under_former_ids()?.is_empty() {
                tx.delivered(&delivered)?;
            }
            let skew_ms = skew(resp.now_ms, tx.now_ms());
            tx.record_peer(
                self.peer,
                &wire,
                &theirs,
                &resp.vector.digests(),
                Some(skew_ms),
            )?;
            Ok::<_, SyncError>((got, skew_ms))
        })?;
        log_refusals(&ingested, self.peer);
        let (mine, digests, unsure) = store.read(|r| {
            Ok::<_, SyncError>((r.vector()?, r.digests()?, r.unsent_under_former_ids()?))
        })?;
        // Undelivered events of a former id at positions the peer holds: it sends what it
        // holds there once it sees our vector without them. Asked again at once only when they
        // changed since the last answer: a peer that cannot send them yet (it holds them aside,
        // stamped ahead of its clock) is asked at the next exchange, not in a spin.
        let settling: BTreeSet<(DeviceId, u64)> = unsure
            .iter()
            .flat_map(|(d, seqs)| seqs.iter().map(move |s| (*d, *s)))
            .filter(|(d, s)| theirs.holds(*d, *s))
            .collect();
        let to_settle = !settling.is_empty() && settling != self.settling;
        self.settling = settling;
        let forks = note_divergence(store, self.peer, &resp.vector, &mine, &digests)?;
        // Asked again only for a fork not asked about in the last request (a fork the resend
        // did not mend waits for the timer, and a person has the note).
        let fresh_fork = forks.iter().any(|d| !self.resend.contains(d));
        self.resend = forks.into_iter().collect();
        let pushed = resp
            .results
            .iter()
            .filter(|r| matches!(r.result, ResultKind::New | ResultKind::Held))
            .count();
        // Another round helps when the peer has more for us, or lacks something of ours and the
        // last push either sent nothing (its vector was not known yet) or moved something. A
        // push the peer took none of (it put them aside: its clock is behind) waits for the
        // timer instead of spinning.
        let more = resp.more
            || to_settle
            || fresh_fork
            || (!theirs.covers(&mine) && (resp.results.is_empty() || pushed > 0));
        let round = Round {
            pushed,
            pulled: ingested.stored(),
            refused_by_peer: resp
                .results
                .iter()
                .filter(|r| r.result == ResultKind::Refused)
                .cloned()
                .collect(),
            ingested,
            skew_ms,
            more,
        };
        self.theirs = Some(theirs);
        Ok(round)
    }
}
