//! Low-level rows: the event log, the device row and the conversions between SQLite integers
//! and text and domain values. Every function takes a `&Connection` (a transaction derefs to one)
//! and never opens a transaction of its own.

use std::str::FromStr;

use comanda_domain::codec::{self, StoredEvent};
use comanda_domain::event::{Event, EventBody, StreamId};
use comanda_domain::hlc::{Hlc, HlcState};
use comanda_domain::ids::{DeviceId, EventId, OrderId, StoreId};
use rusqlite::{Connection, OptionalExtension, params};

use crate::error::StoreError;

/// A `u64` as SQLite's `INTEGER` (an `i64`).
pub(crate) fn int(v: u64, what: &str) -> Result<i64, StoreError> {
    i64::try_from(v).map_err(|_| StoreError::Corrupt(format!("{what} {v} does not fit SQLite")))
}

/// A stored `INTEGER` that must not be negative.
pub(crate) fn uint(v: i64, what: &str) -> Result<u64, StoreError> {
    u64::try_from(v).map_err(|_| StoreError::Corrupt(format!("{what} is negative: {v}")))
}

/// A stored `INTEGER` that must fit a `u32`.
pub(crate) fn uint32(v: i64, what: &str) -> Result<u32, StoreError> {
    u32::try_from(v).map_err(|_| StoreError::Corrupt(format!("{what} out of range: {v}")))
}

/// A stored id or stream.
pub(crate) fn parse<T: FromStr>(s: &str, what: &str) -> Result<T, StoreError> {
    s.parse()
        .map_err(|_| StoreError::Corrupt(format!("bad {what}: {s:?}")))
}

/// The device row, as loaded at the start of a write transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DeviceRow {
    pub device_id: DeviceId,
    pub store_id: StoreId,
    pub last_seq: u64,
    pub hlc: HlcState,
    pub next_order_number: u32,
    /// Joined a store (before: a placeholder store id, and nothing leaves the terminal).
    pub paired: bool,
    /// The short number the store gave this terminal (0 before pairing).
    pub terminal_no: u32,
    /// The node that pairs devices in this store (the hub): the only author of `DevicePaired`
    /// and `DeviceRevoked` taken in. `None` before pairing.
    pub pairer: Option<DeviceId>,
    /// Restored from a backup, this terminal took a fresh id; its pairing (token, certificate)
    /// still belongs to this one until the hub moves it (a re-key).
    pub rekey_from: Option<DeviceId>,
    /// When this node learnt it was restored from a backup (its clock, ms): a kitchen ticket of
    /// a fire stamped before then may have printed here before the restore, so it is not
    /// printed again by itself (the print queue makes it unknown, for a person).
    pub restored_ms: Option<u64>,
}

impl DeviceRow {
    /// The ids this node answers to: its own, and the one its pairing was made under when it
    /// took a fresh id after a restore and the hub has not moved the pairing yet.
    pub(crate) fn ids(&self) -> Vec<DeviceId> {
        std::iter::once(self.device_id)
            .chain(self.rekey_from)
            .collect()
    }

    /// This node's log was restored from a backup or copied: another node holds events of its
    /// id it lacks, up to sequence `seen`. A terminal takes a fresh id ([`Self::rotate`]); the
    /// node that pairs devices (the hub) keeps its id, which every node's registry check names,
    /// and numbers its next events past `seen` (a position it already filled again, held
    /// elsewhere by another event, is mended by the relocation rule of the ingest).
    pub(crate) fn restored(
        &mut self,
        ids: &dyn comanda_domain::ids::IdSource,
        seen: u64,
        now_ms: u64,
    ) -> Option<(DeviceId, DeviceId)> {
        // Every stamp this log holds or has seen is before the restore was learnt, whatever the
        // clocks: a peer's clock running ahead pulls stamps past this node's own clock.
        let learnt = now_ms.max(self.hlc.wall_ms);
        self.restored_ms = Some(self.restored_ms.map_or(learnt, |r| r.max(learnt)));
        if self.pairer == Some(self.device_id) {
            if seen > self.last_seq {
                tracing::warn!(device = %self.device_id, seen, "peers hold events of this node past its log: numbering past them");
                self.last_seq = seen;
            }
            return None;
        }
        Some(self.rotate(ids))
    }

    /// Takes a fresh device id: another node holds events of this one that this log lacks (a
    /// restore or a copy), so new events must never reuse its sequence numbers. The pairing
    /// (token and certificate) stays with the first id until the hub moves it.
    pub(crate) fn rotate(
        &mut self,
        ids: &dyn comanda_domain::ids::IdSource,
    ) -> (DeviceId, DeviceId) {
        let old = self.device_id;
        let fresh = DeviceId::new(ids);
        if self.paired && self.rekey_from.is_none() {
            self.rekey_from = Some(old);
        }
        self.device_id = fresh;
        self.last_seq = 0;
        tracing::warn!(%old, new = %fresh, "a peer holds events of this device that its log lacks: new device id");
        (old, fresh)
    }
}

pub(crate) fn load_device(conn: &Connection) -> Result<DeviceRow, StoreError> {
    let row = conn
        .prepare_cached(
            "SELECT device_id, store_id, last_seq, hlc_wall_ms, hlc_counter, next_order_number,
                    paired, terminal_no, pairer_id, rekey_from, restored_ms
             FROM device WHERE id = 1",
        )?
        .query_row([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, i64>(4)?,
                r.get::<_, i64>(5)?,
                r.get::<_, bool>(6)?,
                r.get::<_, i64>(7)?,
                r.get::<_, Option<String>>(8)?,
                r.get::<_, Option<String>>(9)?,
                r.get::<_, Option<i64>>(10)?,
            ))
        })
        .optional()?
        .ok_or_else(|| StoreError::Corrupt("the device row is missing".into()))?;
    Ok(DeviceRow {
        device_id: parse(&row.0, "device id")?,
        store_id: parse(&row.1, "store id")?,
        last_seq: uint(row.2, "last_seq")?,
        hlc: HlcState {
            wall_ms: uint(row.3, "hlc_wall_ms")?,
            counter: uint32(row.4, "hlc_counter")?,
        },
        next_order_number: uint32(row.5, "next_order_number")?,
        paired: row.6,
        terminal_no: uint32(row.7, "terminal_no")?,
        pairer: row.8.map(|p| parse(&p, "pairer id")).transpose()?,
        rekey_from: row.9.map(|p| parse(&p, "rekey_from")).transpose()?,
        restored_ms: row.10.map(|t| uint(t, "restored_ms")).transpose()?,
    })
}

pub(crate) fn save_device(conn: &Connection, d: &DeviceRow) -> Result<(), StoreError> {
    let n = conn
        .prepare_cached(
            "UPDATE device SET last_seq = ?1, hlc_wall_ms = ?2, hlc_counter = ?3,
                next_order_number = ?4, device_id = ?5, store_id = ?6, paired = ?7,
                terminal_no = ?8, pairer_id = ?9, rekey_from = ?10, restored_ms = ?11
         WHERE id = 1",
        )?
        .execute(params![
            int(d.last_seq, "last_seq")?,
            int(d.hlc.wall_ms, "hlc wall")?,
            d.hlc.counter,
            d.next_order_number,
            d.device_id.to_string(),
            d.store_id.to_string(),
            d.paired,
            d.terminal_no,
            d.pairer.map(|p| p.to_string()),
            d.rekey_from.map(|p| p.to_string()),
            d.restored_ms.map(|t| int(t, "restored_ms")).transpose()?,
        ])?;
    if n == 1 {
        Ok(())
    } else {
        Err(StoreError::Corrupt("the device row is missing".into()))
    }
}

/// Inserts a local event and counts it in its device's head; returns its local `seq`. Fails on
/// a duplicate id or `(device, seq)`.
pub(crate) fn insert_event(conn: &Connection, e: &Event) -> Result<i64, StoreError> {
    let s = codec::encode(e);
    let seq = insert_stored_new(conn, &s, Some(&e.body))?.ok_or_else(|| {
        StoreError::Corrupt(format!(
            "event {} or its sequence {} of device {} is already held",
            s.id, s.device_seq, s.device_id
        ))
    })?;
    let mut heads = Heads::default();
    heads.count(&s);
    heads.write(conn)?;
    Ok(seq)
}

/// What a batch of inserts adds to `device_heads`, per device: how many events, the highest
/// sequence, and the XOR of their [`id_digest`]s. Every insert into `events` is counted in one,
/// written in the same transaction before anything reads the heads (there is no trigger: one
/// upsert per device and batch, where a trigger ran per event).
#[derive(Debug, Default)]
pub(crate) struct Heads(std::collections::BTreeMap<DeviceId, (i64, u64, u64)>);

impl Heads {
    /// Counts one inserted event.
    pub(crate) fn count(&mut self, s: &StoredEvent) {
        self.count_at(s.device_id, s.device_seq, s.id);
    }

    /// Counts one event inserted (or moved) at `(device, seq)`.
    pub(crate) fn count_at(&mut self, device: DeviceId, seq: u64, id: EventId) {
        let e = self.0.entry(device).or_insert((0, 0, 0));
        e.0 += 1;
        e.1 = e.1.max(seq);
        e.2 ^= id_digest(id);
    }

    /// Takes back one event counted before (moved away from its device's position; its
    /// highest sequence stays, the position is filled again by the event that moves in).
    pub(crate) fn uncount(&mut self, device: DeviceId, id: EventId) {
        let e = self.0.entry(device).or_insert((0, 0, 0));
        e.0 -= 1;
        e.2 ^= id_digest(id);
    }

    /// Adds what was counted to `device_heads`, and forgets it. SQLite has no XOR:
    /// `(a | b) - (a & b)` is one, and never overflows (the subtraction only clears bits that
    /// `a | b` has).
    pub(crate) fn write(&mut self, conn: &Connection) -> Result<(), StoreError> {
        let mut stmt = conn.prepare_cached(
            "INSERT INTO device_heads (device_id, count, max_seq, digest)
             VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (device_id) DO UPDATE SET
                 count = count + excluded.count,
                 max_seq = max(max_seq, excluded.max_seq),
                 digest = (coalesce(digest, 0) | excluded.digest)
                          - (coalesce(digest, 0) & excluded.digest)",
        )?;
        for (device, (n, max_seq, digest)) in std::mem::take(&mut self.0) {
            stmt.execute(params![
                device.to_string(),
                n,
                int(max_seq, "device_seq")?,
                digest.cast_signed()
            ])?;
        }
        Ok(())
    }
}

/// The 64-bit mix of an event id that the per-device digest XORs together (SplitMix64's
/// finaliser of the id's two halves): the same on every node, platform and build.
pub fn id_digest(id: EventId) -> u64 {
    let v = id.as_uuid().as_u128();
    let mut z = ((v >> 64) as u64) ^ (v as u64);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Fills the digests not computed yet (after the migration that added them) from the log.
pub(crate) fn fill_digests(conn: &Connection) -> Result<(), StoreError> {
    let devices: Vec<String> = conn
        .prepare("SELECT device_id FROM device_heads WHERE digest IS NULL")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    for device in devices {
        let ids: Vec<String> = conn
            .prepare_cached("SELECT id FROM events WHERE device_id = ?1")?
            .query_map([&device], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        let mut d = 0u64;
        for id in ids {
            d ^= id_digest(parse(&id, "event id")?);
        }
        conn.execute(
            "UPDATE device_heads SET digest = ?2 WHERE device_id = ?1",
            params![device, d.cast_signed()],
        )?;
    }
    Ok(())
}

/// Inserts an event as it was made (its payload and schema untouched, so it is held and passed
/// on exactly as its device wrote it) and returns its local `seq`, unless the log already holds
/// its id or its `(device, seq)`: then nothing is written and `None` comes back (the caller
/// finds out which). `body` is the decoded payload, when this build knows it: it fills the
/// approvals and the ids a caller chose. The caller counts what was inserted in a [`Heads`].
pub(crate) fn insert_stored_new(
    conn: &Connection,
    s: &StoredEvent,
    body: Option<&EventBody>,
) -> Result<Option<i64>, StoreError> {
    let n = conn
        .prepare_cached(
            "INSERT OR IGNORE INTO events (id, store_id, device_id, device_seq, stream, hlc_wall_ms,
                                 hlc_counter, hlc_device, actor, kind, schema, payload)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        )?
        .execute(params![
            s.id.to_string(),
            s.store_id.to_string(),
            s.device_id.to_string(),
            int(s.device_seq, "device_seq")?,
            s.stream,
            int(s.hlc.wall_ms, "hlc wall")?,
            s.hlc.counter,
            s.hlc.device.to_string(),
            s.actor.map(|a| a.to_string()),
            s.kind,
            s.schema,
            s.payload.as_str(),
        ])?;
    if n == 0 {
        return Ok(None);
    }
    let seq = conn.last_insert_rowid();
    if let Some(body) = body {
        index_event(conn, seq, s, body)?;
    }
    Ok(Some(seq))
}

/// Fills what is looked up by an event's payload: the approvals, the ids a caller chose.
pub(crate) fn index_event(
    conn: &Connection,
    seq: i64,
    s: &StoredEvent,
    body: &EventBody,
) -> Result<(), StoreError> {
    if let Some(approver) = body.approved_by() {
        conn.prepare_cached(
            "INSERT INTO approvals (event_seq, stream, kind, actor, approved_by, wall_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?
        .execute(params![
            seq,
            s.stream,
            s.kind,
            s.actor.map(|a| a.to_string()),
            approver.to_string(),
            int(s.hlc.wall_ms, "hlc wall")?,
        ])?;
    }
    if let Ok(StreamId::Order(order_id)) = s.stream.parse::<StreamId>()
        && let Some((kind, id)) = entity_of(body, order_id)
    {
        conn.prepare_cached(
            "INSERT OR IGNORE INTO entity_ids (id, kind, order_id) VALUES (?1, ?2, ?3)",
        )?
        .execute(params![id, kind, order_id.to_string()])?;
    }
    Ok(())
}

/// The event at a local `seq`, as it was made.
pub(crate) fn stored_by_seq(conn: &Connection, seq: i64) -> Result<StoredEvent, StoreError> {
    conn.prepare_cached(&format!(
        "SELECT {EVENT_COLUMNS} FROM events WHERE seq = ?1"
    ))?
    .query_row([seq], RawEvent::from_row)?
    .stored()
}

/// The id a caller may choose that an order event creates, and its kind.
fn entity_of(body: &EventBody, order_id: OrderId) -> Option<(&'static str, String)> {
    Some(match body {
        EventBody::OrderOpened(_) => ("order", order_id.to_string()),
        EventBody::LineAdded(a) => ("line", a.line_id.to_string()),
        EventBody::PaymentRecorded(p) => ("payment", p.payment_id.to_string()),
        EventBody::DiscountApplied(d) => ("discount", d.discount_id.to_string()),
        EventBody::RefundIssued(r) => ("refund", r.refund_id.to_string()),
        _ => return None,
    })
}

/// The order an id a caller chose already belongs to, and what it names there.
pub(crate) fn entity_owner(
    conn: &Connection,
    id: &str,
) -> Result<Option<(String, OrderId)>, StoreError> {
    let row: Option<(String, String)> = conn
        .query_row(
            "SELECT kind, order_id FROM entity_ids WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    row.map(|(kind, order)| Ok((kind, parse(&order, "entity order id")?)))
        .transpose()
}

/// The columns of an event row, in [`RawEvent::from_row`]'s order.
const EVENT_COLUMNS: &str = "id, store_id, device_id, device_seq, stream, hlc_wall_ms, hlc_counter,
                hlc_device, actor, kind, schema, payload";

/// The event stored under this id, as it was made, if any.
pub(crate) fn stored_by_id(
    conn: &Connection,
    id: EventId,
) -> Result<Option<StoredEvent>, StoreError> {
    conn.prepare_cached(&format!("SELECT {EVENT_COLUMNS} FROM events WHERE id = ?1"))?
        .query_row([id.to_string()], RawEvent::from_row)
        .optional()?
        .map(RawEvent::stored)
        .transpose()
}

/// Events of one device after `after_seq`, in sequence order, at most `limit`, as they were
/// made (held ones too: a node passes on what it cannot read).
pub(crate) fn device_events_after(
    conn: &Connection,
    device: DeviceId,
    after_seq: u64,
    limit: u32,
) -> Result<Vec<StoredEvent>, StoreError> {
    conn.prepare_cached(&format!(
        "SELECT {EVENT_COLUMNS} FROM events
         WHERE device_id = ?1 AND device_seq > ?2 ORDER BY device_seq LIMIT ?3"
    ))?
    .query_map(
        params![device.to_string(), int(after_seq, "device_seq")?, limit],
        RawEvent::from_row,
    )?
    .map(|r| r.map_err(StoreError::from).and_then(RawEvent::stored))
    .collect()
}

/// The id of the stored event that holds `(device, seq)`, if any.
pub(crate) fn event_at(
    conn: &Connection,
    device: DeviceId,
    seq: u64,
) -> Result<Option<String>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT id FROM events WHERE device_id = ?1 AND device_seq = ?2")?
        .query_row(params![device.to_string(), int(seq, "device_seq")?], |r| {
            r.get(0)
        })
        .optional()?)
}

/// The device id an event this terminal made and has not sent yet (its outbox row is there) was
/// made under, by id.
pub(crate) fn unsent_local(conn: &Connection, id: &str) -> Result<Option<DeviceId>, StoreError> {
    let device: Option<String> = conn
        .prepare_cached(
            "SELECT e.device_id FROM events e JOIN outbox o ON o.event_seq = e.seq
             WHERE e.id = ?1",
        )?
        .query_row([id], |r| r.get(0))
        .optional()?;
    device.map(|d| parse(&d, "device id")).transpose()
}

/// Lets an event's outbox row go (a peer holds it); nothing when it has none.
pub(crate) fn delivered(conn: &Connection, id: EventId) -> Result<(), StoreError> {
    conn.prepare_cached(
        "DELETE FROM outbox WHERE event_seq = (SELECT seq FROM events WHERE id = ?1)",
    )?
    .execute([id.to_string()])?;
    Ok(())
}

/// The local `seq` and stream of an event, by id.
pub(crate) fn row_of(conn: &Connection, id: EventId) -> Result<Option<(i64, String)>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT seq, stream FROM events WHERE id = ?1")?
        .query_row([id.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

/// Moves an event to another device's position: its id, content and time stay, its device,
/// sequence and stamp's device change (the envelope rule: a stamp names its device).
pub(crate) fn move_event(
    conn: &Connection,
    seq: i64,
    device: DeviceId,
    device_seq: u64,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "UPDATE events SET device_id = ?2, device_seq = ?3, hlc_device = ?2 WHERE seq = ?1",
    )?
    .execute(params![
        seq,
        device.to_string(),
        int(device_seq, "device_seq")?
    ])?;
    Ok(())
}

/// The envelope of an event row, parsed (shared by the decoded and the as-made forms).
struct Envelope {
    id: EventId,
    store_id: StoreId,
    device_id: DeviceId,
    device_seq: u64,
    hlc: Hlc,
    actor: Option<comanda_domain::ids::EmployeeId>,
}

/// An event row as stored, before decoding.
pub(crate) struct RawEvent {
    id: String,
    store_id: String,
    device_id: String,
    device_seq: i64,
    stream: String,
    wall_ms: i64,
    counter: i64,
    hlc_device: String,
    actor: Option<String>,
    kind: String,
    schema: i64,
    payload: String,
}

impl RawEvent {
    /// The envelope, parsed: id, store, device, sequence, stamp and actor.
    fn envelope(&self) -> Result<Envelope, StoreError> {
        Ok(Envelope {
            id: parse(&self.id, "event id")?,
            store_id: parse(&self.store_id, "store id")?,
            device_id: parse(&self.device_id, "device id")?,
            device_seq: uint(self.device_seq, "device_seq")?,
            hlc: Hlc {
                wall_ms: uint(self.wall_ms, "hlc wall")?,
                counter: uint32(self.counter, "hlc counter")?,
                device: parse(&self.hlc_device, "hlc device")?,
            },
            actor: self
                .actor
                .as_deref()
                .map(|a| parse(a, "actor"))
                .transpose()?,
        })
    }

    /// The event, decoded.
    pub(crate) fn decode(self) -> Result<Event, StoreError> {
        let e = self.envelope()?;
        Ok(Event {
            id: e.id,
            store_id: e.store_id,
            device_id: e.device_id,
            device_seq: e.device_seq,
            stream: parse(&self.stream, "stream")?,
            hlc: e.hlc,
            actor: e.actor,
            body: codec::decode_body_str(
                &self.kind,
                uint32(self.schema, "schema")?,
                &self.payload,
            )?,
        })
    }

    /// The event as it was made: the envelope parsed, the payload as JSON, kind and schema as
    /// given (this build may not know them).
    pub(crate) fn stored(self) -> Result<StoredEvent, StoreError> {
        let e = self.envelope()?;
        Ok(StoredEvent {
            id: e.id,
            store_id: e.store_id,
            device_id: e.device_id,
            device_seq: e.device_seq,
            hlc: e.hlc,
            actor: e.actor,
            payload: codec::Payload::from_text(self.payload)?,
            schema: uint32(self.schema, "schema")?,
            stream: self.stream,
            kind: self.kind,
        })
    }

    pub(crate) fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawEvent> {
        Ok(RawEvent {
            id: r.get(0)?,
            store_id: r.get(1)?,
            device_id: r.get(2)?,
            device_seq: r.get(3)?,
            stream: r.get(4)?,
            wall_ms: r.get(5)?,
            counter: r.get(6)?,
            hlc_device: r.get(7)?,
            actor: r.get(8)?,
            kind: r.get(9)?,
            schema: r.get(10)?,
            payload: r.get(11)?,
        })
    }
}

/// Every event, stream by stream (each stream's events in agreed order), handed to `f` one
/// stream at a time as read, not yet decoded: one scan of the log instead of one query per
/// stream.
pub(crate) fn for_each_stream_raw(
    conn: &Connection,
    mut f: impl FnMut(StreamId, Vec<RawEvent>) -> Result<(), StoreError>,
) -> Result<usize, StoreError> {
    // Held events (unknown or refused) are left out; almost always there are none, and the scan
    // of the whole log then pays no lookup per row.
    let none_held: bool =
        conn.query_row("SELECT NOT EXISTS (SELECT 1 FROM held_events)", [], |r| {
            r.get(0)
        })?;
    let mut stmt = conn.prepare(if none_held {
        "SELECT id, store_id, device_id, device_seq, stream, hlc_wall_ms, hlc_counter,
                hlc_device, actor, kind, schema, payload
         FROM events
         ORDER BY stream, hlc_wall_ms, hlc_counter, hlc_device, id"
    } else {
        "SELECT id, store_id, device_id, device_seq, stream, hlc_wall_ms, hlc_counter,
                hlc_device, actor, kind, schema, payload
         FROM events
         WHERE NOT EXISTS (SELECT 1 FROM held_events h WHERE h.event_seq = events.seq)
         ORDER BY stream, hlc_wall_ms, hlc_counter, hlc_device, id"
    })?;
    let mut rows = stmt.query([])?;
    let mut current: Option<(StreamId, Vec<RawEvent>)> = None;
    let mut count = 0;
    while let Some(row) = rows.next()? {
        let raw = RawEvent::from_row(row)?;
        if let Some((stream, events)) =
            current.take_if(|(_, events)| events.first().is_some_and(|e| e.stream != raw.stream))
        {
            f(stream, events)?;
            count += 1;
        }
        match &mut current {
            Some((_, events)) => events.push(raw),
            None => current = Some((parse(&raw.stream, "stream")?, vec![raw])),
        }
    }
    if let Some((stream, events)) = current {
        f(stream, events)?;
        count += 1;
    }
    Ok(count)
}

/// How many events of a stream the log holds that can be projected (not held aside).
pub(crate) fn stream_len(conn: &Connection, stream: StreamId) -> Result<u64, StoreError> {
    let n: i64 = conn
        .prepare_cached(
            "SELECT count(*) FROM events WHERE stream = ?1
               AND NOT EXISTS (SELECT 1 FROM held_events h WHERE h.event_seq = events.seq)",
        )?
        .query_row([stream.to_string()], |r| r.get(0))?;
    Ok(n.unsigned_abs())
}

/// A stream's events in agreed order (HLC, then event id; UUID text sorts as its bytes).
pub(crate) fn stream_events(conn: &Connection, stream: StreamId) -> Result<Vec<Event>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, store_id, device_id, device_seq, stream, hlc_wall_ms, hlc_counter,
                hlc_device, actor, kind, schema, payload
         FROM events WHERE stream = ?1
           AND NOT EXISTS (SELECT 1 FROM held_events h WHERE h.event_seq = events.seq)
         ORDER BY hlc_wall_ms, hlc_counter, hlc_device, id",
    )?;
    let raws = stmt
        .query_map([stream.to_string()], RawEvent::from_row)?
        .collect::<Result<Vec<_>, _>>()?;
    raws.into_iter().map(RawEvent::decode).collect()
}

/// The events that name an approving manager, newest first (by wall time), at most `limit`.
pub(crate) fn approved_events(conn: &Connection, limit: u32) -> Result<Vec<Event>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT e.id, e.store_id, e.device_id, e.device_seq, e.stream, e.hlc_wall_ms,
                e.hlc_counter, e.hlc_device, e.actor, e.kind, e.schema, e.payload
         FROM approvals a JOIN events e ON e.seq = a.event_seq
         ORDER BY a.wall_ms DESC, a.event_seq DESC
         LIMIT ?1",
    )?;
    let raws = stmt
        .query_map([limit], RawEvent::from_row)?
        .collect::<Result<Vec<_>, _>>()?;
    raws.into_iter().map(RawEvent::decode).collect()
}
