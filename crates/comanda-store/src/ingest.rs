//! The one door for events made elsewhere: what sync brings from a peer (and a restore, and the
//! tests) goes through [`Tx::ingest`], which checks each event, stores it exactly as it was made,
//! and brings the projections of the streams it touched up to date.
//!
//! **Invariant:** nothing from outside moves this node's clock past the drift bound, reuses a
//! sequence number of this device, replaces an event already held, or is dropped without a
//! trace: each event given ends new, held (stored, not projected), duplicate, deferred (too far
//! ahead, put aside) or refused (kept in the dead letters), and the caller learns which.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, PoisonError};

use comanda_domain::codec::{self, CodecError, StoredEvent};
use comanda_domain::event::{Event, EventBody, StreamId};
use comanda_domain::ids::{DeviceId, EventId, IdSource, OrderId, relocated_device};
use rusqlite::{Connection, params};

use crate::error::StoreError;
use crate::project;
use crate::sql::{self, DeviceRow, int};
use crate::store::{MAX_WALL_MS, Tx, insert_dead_letter};
use crate::types::{HeldWhy, Ingested, OrderRecord, Outcome, RefusalCode};

/// How far past this node's clock an event may be stamped and still go into the log (5 min). An
/// event stamped further ahead is put aside ([`Outcome::Deferred`]) and never moves the HLC: one
/// terminal with its clock a day ahead must not drag every stamp of the store a day forward.
pub const MAX_DRIFT_MS: u64 = 5 * 60 * 1000;

impl Tx<'_> {
    /// Takes in events made elsewhere, each checked in turn:
    ///
    /// - its store must be this terminal's, its stamp's device the device that made it, its
    ///   sequence from 1 and its stamp before the year 9999; else it is refused;
    /// - an id already held must come with the same content (a duplicate, a no-op); other content
    ///   under the same id, or another event at the same `(device, seq)`, is refused;
    /// - an event stamped more than [`MAX_DRIFT_MS`] past this node's clock is put aside until
    ///   the clock catches up with it (deferred), and its skew reported;
    /// - an event under this terminal's own device id that it does not hold means its log was
    ///   restored from a backup or copied: the terminal takes a fresh device id, so it never
    ///   numbers a new event with a sequence another node already holds, and the event is taken
    ///   in as any other's;
    /// - a kind, schema or stream this build does not know is stored as it came and held (it
    ///   keeps its place in the vector, and is projected once an update knows it); a payload that
    ///   does not match its known kind is held too, and shown in the dead letters.
    ///
    /// Each refusal is also a dead letter (source `"ingest"`). Stored events are projected:
    /// incrementally when they sort after what the stream had, else by a refold. No outbox rows:
    /// these are not this device's to push. Events put aside earlier whose time has come go in
    /// first.
    pub fn ingest(&mut self, events: &[StoredEvent]) -> Result<Ingested, StoreError> {
        let due = take_due(&self.tx, self.clock.now_ms())?;
        self.pass(&due, events, Trust::Bounded)
    }

    /// A manager's decision: takes every event put aside for being ahead of the clock into the
    /// log now, without moving this node's clock (a terminal whose clock ran ahead must not drag
    /// every later stamp of the store with it). Such events sort after what this node stamps
    /// meanwhile, which the order's conflicts then show. Returns what became of them (as
    /// `released`; `outcomes` stays empty).
    pub fn accept_deferred(&mut self) -> Result<Ingested, StoreError> {
        let all = take_due(&self.tx, MAX_WALL_MS)?;
        self.pass(&all, &[], Trust::Accepted)
    }

    /// One pass of the door over `released` (events put aside earlier, counted in
    /// `Ingested::released`) then `events` (one outcome each).
    fn pass(
        &mut self,
        released: &[StoredEvent],
        events: &[StoredEvent],
        trust: Trust,
    ) -> Result<Ingested, StoreError> {
        let now = self.clock.now_ms();
        let ids = self.ids;
        let mut device = self.device;
        let mut out = Ingested::default();
        let mut fresh: BTreeMap<StreamId, Vec<Event>> = BTreeMap::new();
        let mut heads = sql::Heads::default();
        let mut refold: BTreeSet<StreamId> = BTreeSet::new();
        // Events made under an identity held before a restore wait to be let go by a peer
        // sending them back (rare: only then is a duplicate looked at twice).
        let former_unsent = !crate::reads::unsent_under_former_ids(&self.tx)?.is_empty();
        // No savepoint: every caller gives up the whole transaction when the door fails, and a
        // savepoint copies each page it changes to a sub-journal (a fifth of a page's time).
        let sp: &Connection = &self.tx;
        for (i, s) in released.iter().chain(events).enumerate() {
            let mut door = Door {
                conn: sp,
                device: &mut device,
                ids,
                now,
                trust,
                fresh: &mut fresh,
                heads: &mut heads,
                former_unsent,
                refold: &mut refold,
                rotated: &mut out.rotated,
                rehomed: &mut out.rehomed,
            };
            let outcome = door.one(s)?;
            if i < released.len() {
                if matches!(outcome, Outcome::New | Outcome::Held { .. }) {
                    out.released += 1;
                }
                continue;
            }
            if let Outcome::Deferred { skew_ms } = outcome {
                out.max_skew_ms = Some(out.max_skew_ms.unwrap_or(0).max(skew_ms));
            }
            out.outcomes.push(outcome);
        }
        heads.write(sp)?;
        // Jobs follow from the events, once every projection they read is written (below): only
        // the few kinds that make or end a ticket are kept aside (a page is thousands of lines).
        let mut new_events: Vec<Event> = fresh
            .values()
            .flatten()
            .filter(|e| crate::print::concerns_printing(&e.body))
            .cloned()
            .collect();
        new_events.sort_by_key(Event::key);
        for stream in &refold {
            fresh.remove(stream);
        }
        out.touched.extend(refold.iter().copied());
        let mut written = refold_streams(sp, self.cache, &mut self.dirty, &refold)?;
        for (stream, mut new) in fresh {
            new.sort_by_key(Event::key);
            out.touched.push(stream);
            match stream {
                StreamId::Order(id) => {
                    let current = match self.dirty.remove(&id) {
                        Some(rec) => rec,
                        None => match self
                            .cache
                            .lock()
                            .unwrap_or_else(PoisonError::into_inner)
                            .take(id)
                        {
                            Some(rec) => rec,
                            None => project::read_order(sp, id)?.map(Arc::new),
                        },
                    };
                    let current =
                        current.map(|a| Arc::try_unwrap(a).unwrap_or_else(|s| (*s).clone()));
                    let rec = project::apply_order_events(sp, current, &new)?;
                    written.push((id, rec.map(Arc::new)));
                }
                _ => {
                    project::refold(sp, stream)?;
                }
            }
        }
        if device.restored_ms != self.device.restored_ms {
            // Learnt just now that this log was restored: what waits may have printed before,
            // and so may anything this page brought that was stamped before it ended.
            device.restored_ms = device.restored_ms.map(|r| r.max(device.hlc.wall_ms));
            crate::print::hold_after_restore(sp, now)?;
        }
        let new_refs: Vec<&Event> = new_events.iter().collect();
        crate::print::derive(sp, &device.ids(), device.restored_ms, &new_refs, now)?;
        sql::save_device(sp, &device)?;
        // The door never appends: a sequence that moved under the same id was set past what
        // peers hold of this node (a restored hub), or gave moved events their place.
        self.moved_own_events |= !out.rehomed.is_empty() || device.last_seq != self.device.last_seq;
        self.dirty.extend(written);
        self.device = device;
        Ok(out)
    }
}

/// Orders as a transaction left them (`None`: gone), for the cache at commit.
type Written = Vec<(OrderId, Option<Arc<OrderRecord>>)>;

/// Folds streams again whole; returns the orders among them as they now are (for the cache at
/// commit; their cached and pending copies are dropped now).
fn refold_streams(
    conn: &Connection,
    cache: &std::sync::Mutex<crate::store::OrderCache>,
    dirty: &mut std::collections::HashMap<OrderId, Option<Arc<OrderRecord>>>,
    streams: &BTreeSet<StreamId>,
) -> Result<Written, StoreError> {
    let mut written = Vec::new();
    for stream in streams {
        let rec = project::refold(conn, *stream)?;
        if let StreamId::Order(id) = stream {
            dirty.remove(id);
            cache
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .take(*id);
            written.push((*id, rec.map(Arc::new)));
        }
    }
    Ok(written)
}

/// How far an event's stamp is trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Trust {
    /// Within the drift bound, and observed by the clock; past it, put aside.
    Bounded,
    /// Taken in whatever its stamp, by a manager's decision; the clock does not observe it.
    Accepted,
}

/// One pass of the door: the connection, the device row as it goes, and where new events are
/// gathered per stream for projecting.
struct Door<'c> {
    conn: &'c Connection,
    device: &'c mut DeviceRow,
    ids: &'c dyn IdSource,
    now: u64,
    trust: Trust,
    fresh: &'c mut BTreeMap<StreamId, Vec<Event>>,
    /// What the events stored so far add to `device_heads` (written once, after the last).
    heads: &'c mut sql::Heads,
    /// This terminal has undelivered events made under a former id.
    former_unsent: bool,
    /// Streams to fold again whole (an event of theirs moved).
    refold: &'c mut BTreeSet<StreamId>,
    rotated: &'c mut Option<(DeviceId, DeviceId)>,
    rehomed: &'c mut Vec<EventId>,
}

/// Whether an event's position (its device and sequence) is free in the log.
enum Position {
    /// Nobody's.
    Free,
    /// It held an event with a larger id, which was relocated.
    Freed,
    /// Another event's: what becomes of this one.
    Taken(Outcome),
    /// Another event's, with a smaller id: this one goes to its relocated position.
    Relocate,
}

/// An event as it is held once moved off a position another event holds: sequence 1 of
/// [`relocated_device`]`(device, id)`, its stamp naming that device (a stamp names its device);
/// its id, content and time unchanged.
fn relocated_form(s: &StoredEvent) -> StoredEvent {
    let to = relocated_device(s.device_id, s.id);
    let mut moved = s.clone();
    moved.device_id = to;
    moved.device_seq = 1;
    moved.hlc.device = to;
    moved
}

impl Door<'_> {
    fn one(&mut self, s: &StoredEvent) -> Result<Outcome, StoreError> {
        if let Some((code, reason)) = self.envelope_fault(s) {
            return self.refuse(s, code, reason);
        }
        // The common case (another device's event within the drift bound) is inserted first and
        // looked up only if a uniqueness constraint says it is not new: two indexed reads saved
        // per event. This device's own events and events stamped past the bound take the path
        // that checks first (a restore or a clone must be seen before anything is stored).
        let past_bound =
            self.trust == Trust::Bounded && s.hlc.wall_ms > self.now.saturating_add(MAX_DRIFT_MS);
        if s.device_id == self.device.device_id || past_bound {
            return self.checked(s);
        }
        self.take_in(s)
    }

    /// Stores an event (unless the log refuses it as not new, then says why), observes its
    /// stamp, and projects or holds it.
    fn take_in(&mut self, s: &StoredEvent) -> Result<Outcome, StoreError> {
        let decoded = codec::decode(s);
        let body = decoded.as_ref().ok().map(|e| &e.body);
        let Some(seq) = sql::insert_stored_new(self.conn, s, body)? else {
            return self.not_new(s);
        };
        self.heads.count(s);
        if self.trust == Trust::Bounded {
            self.device.hlc.observe(&s.hlc);
        }
        match decoded {
            Ok(event) => {
                self.count_number(&event);
                self.fresh.entry(event.stream).or_default().push(event);
                Ok(Outcome::New)
            }
            Err(e) => self.hold(s, seq, &e),
        }
    }

    /// An order opened under this terminal's number by another device id is one this terminal
    /// opened under an identity it had before a restore: its counter, as old as the backup,
    /// moves past that number so no number is given twice.
    fn count_number(&mut self, event: &Event) {
        let terminal = self.device.terminal_no;
        if let EventBody::OrderOpened(o) = &event.body
            && terminal > 0
            && event.device_id != self.device.device_id
            && o.number / 10_000 == terminal
        {
            let next = o.number % 10_000 + 1;
            self.device.next_order_number = self.device.next_order_number.max(next);
        }
    }

    /// Takes an event in at its relocated position (another event holds its own), and says so.
    fn take_relocated(&mut self, s: &StoredEvent) -> Result<Outcome, StoreError> {
        let moved = relocated_form(s);
        let outcome = self.take_in(&moved)?;
        if matches!(outcome, Outcome::New | Outcome::Held { .. }) {
            note_relocation(self.conn, self.now, s, moved.device_id)?;
        }
        Ok(outcome)
    }

    /// Why an event the log would not take is not new.
    fn not_new(&mut self, s: &StoredEvent) -> Result<Outcome, StoreError> {
        if let Some(outcome) = self.held_already(s)? {
            return Ok(outcome);
        }
        match self.position(s)? {
            Position::Taken(outcome) => Ok(outcome),
            Position::Freed => self.take_in(s),
            Position::Relocate => self.take_relocated(s),
            Position::Free => Err(StoreError::Corrupt(format!(
                "event {} was not stored, and neither its id nor its sequence is taken",
                s.id
            ))),
        }
    }

    /// Its id is held already: the same event (a duplicate), or other content (refused).
    fn held_already(&mut self, s: &StoredEvent) -> Result<Option<Outcome>, StoreError> {
        let Some(held) = sql::stored_by_id(self.conn, s.id)? else {
            return Ok(None);
        };
        if held == *s {
            if self.former_unsent && s.device_id != self.device.device_id {
                // One of ours, made before a restore, sent back: the peer holds it.
                sql::delivered(self.conn, s.id)?;
            }
            return Ok(Some(Outcome::Duplicate));
        }
        if relocated_form(&held) == *s {
            // The peer moved it off a position another event holds (see `position`): so do we.
            self.relocate_held(&held)?;
            return Ok(Some(Outcome::Duplicate));
        }
        if held == relocated_form(s) {
            return Ok(Some(Outcome::Duplicate));
        }
        let reason = format!("event {} is already held with other content", s.id);
        self.refuse(s, RefusalCode::ContentDiffers, reason)
            .map(Some)
    }

    /// Moves an event held to its relocated position (see [`relocated_form`]), and says so.
    fn relocate_held(&mut self, held: &StoredEvent) -> Result<(), StoreError> {
        if let Some(stream) = relocate(self.conn, self.now, self.heads, held)? {
            self.refold.insert(stream);
        }
        Ok(())
    }

    /// Whether its device's sequence number is another event's. Another holder means two events
    /// made under one position reached the store (a terminal restored or copied): the smaller
    /// id keeps the position, the other is relocated (the same on every node), both are kept,
    /// and a manager is told. When the one held is this terminal's own, not sent yet, under its
    /// current id, the terminal also takes a fresh id for what it makes next.
    fn position(&mut self, s: &StoredEvent) -> Result<Position, StoreError> {
        let Some(other) = sql::event_at(self.conn, s.device_id, s.device_seq)? else {
            return Ok(Position::Free);
        };
        // Two events made under one position (a restored or copied terminal whose old and new
        // events both reached the store): every node keeps the smaller id in place and moves
        // the other to its relocated position, so all end with the same log. When the one held
        // is this terminal's and undelivered, it was made after a restore under the backup's
        // identity: new events take a fresh id from now on.
        let held_id: EventId = sql::parse(&other, "event id")?;
        let ours = sql::unsent_local(self.conn, &other)?;
        if ours == Some(self.device.device_id)
            && let Some((old, fresh)) = self.device.restored(self.ids, s.device_seq, self.now)
        {
            *self.rotated = Some((self.rotated.map_or(old, |r| r.0), fresh));
        }
        if s.id < held_id {
            if let Some(held) = sql::stored_by_id(self.conn, held_id)? {
                self.relocate_held(&held)?;
                if ours.is_some() {
                    self.rehomed.push(held_id);
                }
                return Ok(Position::Freed);
            }
        } else if s.id > held_id {
            return Ok(Position::Relocate);
        }
        let reason = format!(
            "device {} seq {} is already event {other}",
            s.device_id, s.device_seq
        );
        self.refuse(s, RefusalCode::SequenceTaken, reason)
            .map(Position::Taken)
    }

    /// Keeps a stored event out of the projections: from a newer version, or not fitting its
    /// kind (then also a dead letter).
    fn hold(&mut self, s: &StoredEvent, seq: i64, e: &CodecError) -> Result<Outcome, StoreError> {
        let why = match e {
            CodecError::UnknownKind(_)
            | CodecError::UnknownSchema { .. }
            | CodecError::BadStream(_) => HeldWhy::Newer,
            CodecError::BadPayload { .. } | CodecError::NotJson(_) => HeldWhy::Refused,
        };
        let reason = match why {
            HeldWhy::Newer => format!("from a newer version: {e}"),
            HeldWhy::Refused => e.to_string(),
        };
        self.conn
            .prepare_cached("INSERT INTO held_events (event_seq, why, reason) VALUES (?1, ?2, ?3)")?
            .execute(params![seq, why.as_str(), reason])?;
        if why == HeldWhy::Refused {
            self.dead_letter(s, &reason)?;
        }
        Ok(Outcome::Held { why, reason })
    }

    /// The path that checks before it stores: this device's own events (a restore or a clone
    /// shows there) and events stamped past the drift bound.
    fn checked(&mut self, s: &StoredEvent) -> Result<Outcome, StoreError> {
        if let Some(outcome) = self.held_already(s)? {
            return Ok(outcome);
        }
        if self.trust == Trust::Bounded && s.hlc.wall_ms > self.now.saturating_add(MAX_DRIFT_MS) {
            let skew_ms = s.hlc.wall_ms - self.now;
            self.conn
                .prepare_cached(
                    "INSERT OR IGNORE INTO future_events
                         (id, device_id, device_seq, wall_ms, received_ms, raw)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                )?
                .execute(params![
                    s.id.to_string(),
                    s.device_id.to_string(),
                    int(s.device_seq, "device_seq")?,
                    int(s.hlc.wall_ms, "hlc wall")?,
                    int(self.now, "received_ms")?,
                    serde_json::to_string(s)?,
                ])?;
            return Ok(Outcome::Deferred { skew_ms });
        }
        if s.device_id == self.device.device_id
            && let Some((old, fresh)) = self.device.restored(self.ids, s.device_seq, self.now)
        {
            // Another node holds an event of ours we do not: this log was restored or copied.
            // New events get a new identity; this one is taken in as another device's.
            *self.rotated = Some((self.rotated.map_or(old, |r| r.0), fresh));
        }
        match self.position(s)? {
            Position::Taken(outcome) => Ok(outcome),
            Position::Relocate => self.take_relocated(s),
            Position::Free | Position::Freed => self.take_in(s),
        }
    }

    /// What is wrong with the envelope alone, if anything.
    fn envelope_fault(&self, s: &StoredEvent) -> Option<(RefusalCode, String)> {
        if s.store_id != self.device.store_id {
            Some((
                RefusalCode::WrongStore,
                format!("of store {}, not this one", s.store_id),
            ))
        } else if s.hlc.device != s.device_id {
            Some((
                RefusalCode::DeviceMismatch,
                format!(
                    "stamped by device {} but made by {}",
                    s.hlc.device, s.device_id
                ),
            ))
        } else if s.device_seq == 0 || i64::try_from(s.device_seq).is_err() {
            Some((
                RefusalCode::OutOfRange,
                format!(
                    "device_seq {} is out of range (sequences start at 1)",
                    s.device_seq
                ),
            ))
        } else if s.hlc.wall_ms > MAX_WALL_MS {
            Some((
                RefusalCode::OutOfRange,
                format!("hlc wall {} ms is past the year 9999", s.hlc.wall_ms),
            ))
        } else if matches!(s.kind.as_str(), "DevicePaired" | "DeviceRevoked")
            && self.device.pairer.is_some_and(|p| p != s.device_id)
        {
            Some((
                RefusalCode::NotAllowed,
                format!(
                    "{} made by device {}: only the node that pairs devices writes the registry",
                    s.kind, s.device_id
                ),
            ))
        } else {
            None
        }
    }

    fn refuse(
        &mut self,
        s: &StoredEvent,
        code: RefusalCode,
        reason: String,
    ) -> Result<Outcome, StoreError> {
        self.dead_letter(s, &format!("{}: {reason}", code.as_str()))?;
        Ok(Outcome::Refused { code, reason })
    }

    fn dead_letter(&self, s: &StoredEvent, reason: &str) -> Result<i64, StoreError> {
        let raw = serde_json::to_string(s)?;
        insert_dead_letter(
            self.conn,
            self.now,
            "ingest",
            Some(&s.id.to_string()),
            reason,
            &raw,
        )
    }
}

/// Takes out the events put aside for being ahead of the clock that are now within the bound.
fn take_due(conn: &Connection, now: u64) -> Result<Vec<StoredEvent>, StoreError> {
    let bound = int(now.saturating_add(MAX_DRIFT_MS), "drift bound")?;
    let raws: Vec<String> = conn
        .prepare_cached("SELECT raw FROM future_events WHERE wall_ms <= ?1 ORDER BY wall_ms, id")?
        .query_map([bound], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    if raws.is_empty() {
        return Ok(Vec::new());
    }
    conn.prepare_cached("DELETE FROM future_events WHERE wall_ms <= ?1")?
        .execute([bound])?;
    raws.iter()
        .map(|r| serde_json::from_str(r).map_err(StoreError::from))
        .collect()
}

/// Moves an event held to its relocated position (see [`relocated_form`]) and tells a manager;
/// returns its stream (to fold again).
fn relocate(
    conn: &Connection,
    now: u64,
    heads: &mut sql::Heads,
    held: &StoredEvent,
) -> Result<Option<StreamId>, StoreError> {
    let to = relocated_device(held.device_id, held.id);
    let Some((seq, stream)) = sql::row_of(conn, held.id)? else {
        return Ok(None);
    };
    sql::move_event(conn, seq, to, 1)?;
    heads.uncount(held.device_id, held.id);
    heads.count_at(to, 1, held.id);
    note_relocation(conn, now, held, to)?;
    Ok(stream.parse::<StreamId>().ok())
}

/// A dead letter for a manager (once per event and node): two events held one position.
fn note_relocation(
    conn: &Connection,
    now: u64,
    moved: &StoredEvent,
    to: DeviceId,
) -> Result<(), StoreError> {
    let reason = format!(
        "relocated: event {} and another event both held sequence {} of device {}: a terminal was restored from a backup or copied; both are kept, this one now as sequence 1 of {to}",
        moved.id, moved.device_seq, moved.device_id
    );
    let raw = serde_json::to_string(moved)?;
    insert_dead_letter(
        conn,
        now,
        "sync",
        Some(&moved.id.to_string()),
        &reason,
        &raw,
    )?;
    Ok(())
}
