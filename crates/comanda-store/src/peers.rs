//! The nodes a terminal syncs with: what each held at the last exchange, when it last answered
//! and why it last failed; the outbox, emptied of what a peer is known to hold; and this node's
//! TLS identity.

use comanda_domain::ids::{DeviceId, EmployeeId};
use comanda_domain::vector::{Held, VersionVector};
use rusqlite::{Connection, OptionalExtension, params};

use crate::error::StoreError;
use crate::sql::{int, parse, uint};
use crate::store::Tx;
use crate::types::{NodeIdentity, PeerRecord, PinClash, SyncPeer};

impl Tx<'_> {
    /// Records a successful exchange with `peer`: what it holds (`vector`, written as given, and
    /// `holds`, the same vector parsed), its clock's skew, and the time. The outbox forgets every
    /// local event the peer holds: such an event is on two machines now. Call it in the
    /// transaction that applied the exchange's events, so a crash records both or neither.
    ///
    /// The outbox lets go by position only when the peer's digest of this device's events (in
    /// `digests`, when the peer sent it) is the digest of this node's own events at the
    /// positions the peer holds: other events there mean this log was restored from a backup
    /// (or copied) and made new events at positions the store had filled. Then nothing is let
    /// go, and this terminal takes a fresh device id (the hub keeps its own and numbers past what
    /// the peer holds): its undelivered events of the old one are shown to peers as not held,
    /// peers send what they hold there, and the door keeps both events of each such position
    /// (see [`Tx::ingest`]). Returns the fresh id, when it took one.
    pub fn record_peer(
        &mut self,
        peer: DeviceId,
        vector: &str,
        holds: &VersionVector,
        digests: &std::collections::BTreeMap<DeviceId, u64>,
        skew_ms: Option<i64>,
    ) -> Result<Option<DeviceId>, StoreError> {
        let now = int(self.clock.now_ms(), "now")?;
        self.tx
            .prepare_cached(
                "INSERT INTO peers (peer_id, vector, last_ok_ms, skew_ms) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (peer_id) DO UPDATE SET vector = excluded.vector,
                     last_ok_ms = excluded.last_ok_ms, skew_ms = excluded.skew_ms",
            )?
            .execute(params![peer.to_string(), vector, now, skew_ms])?;
        let mut acked = self.tx.prepare_cached(
            "DELETE FROM outbox WHERE event_seq IN (
                 SELECT o.event_seq FROM outbox o JOIN events e ON e.seq = o.event_seq
                 WHERE e.device_id = ?1 AND e.device_seq <= ?2)",
        )?;
        // By position, only for the current device id: only this terminal numbers its events.
        // Events made under an id it had before a restore may sit at positions the peer holds
        // with other events; they are let go one by one, when the peer sends the same event
        // back or answers for it (`Tx::delivered`).
        let me = self.device.device_id;
        let held = holds.get(me);
        if held.upto == 0 {
            return Ok(None);
        }
        if let Some(theirs) = digests.get(&me)
            && *theirs != self.digest_at(me, &held)?
        {
            let fresh = self
                .device
                .restored(self.ids, held.max(), self.clock.now_ms());
            crate::sql::save_device(&self.tx, &self.device)?;
            crate::print::hold_after_restore(&self.tx, self.clock.now_ms())?;
            self.moved_own_events = true;
            return Ok(fresh.map(|(_, f)| f));
        }
        acked.execute(params![me.to_string(), int(held.upto, "device_seq")?])?;
        Ok(None)
    }

    /// The digest of this log's events of `device` at the positions `held` names: the whole
    /// device's digest without the events at positions outside `held` (usually the few the
    /// peer has not received yet).
    fn digest_at(&self, device: DeviceId, held: &Held) -> Result<u64, StoreError> {
        let whole: Option<i64> = self
            .tx
            .prepare_cached("SELECT digest FROM device_heads WHERE device_id = ?1")?
            .query_row([device.to_string()], |r| r.get(0))
            .optional()?
            .flatten();
        let mut d = whole.unwrap_or(0).cast_unsigned();
        let mut stmt = self.tx.prepare_cached(
            "SELECT id, device_seq FROM events WHERE device_id = ?1 AND device_seq > ?2",
        )?;
        let mut rows = stmt.query(params![device.to_string(), int(held.upto, "device_seq")?])?;
        while let Some(r) = rows.next()? {
            let seq: i64 = r.get(1)?;
            if !held.holds(seq.unsigned_abs()) {
                let id: String = r.get(0)?;
                d ^= crate::sql::id_digest(crate::sql::parse(&id, "event id")?);
            }
        }
        Ok(d)
    }

    /// Lets go of the outbox rows of these events: a peer holds them (it answered for them, or
    /// sent them back). Ids that are not waiting are ignored.
    pub fn delivered(&mut self, ids: &[comanda_domain::ids::EventId]) -> Result<(), StoreError> {
        for id in ids {
            crate::sql::delivered(&self.tx, *id)?;
        }
        Ok(())
    }

    /// Sets a peer this terminal asks for exchanges: where it answers, its name and the token it
    /// gave this terminal.
    pub fn set_sync_peer(&mut self, peer: &SyncPeer) -> Result<(), StoreError> {
        self.tx
            .prepare_cached(
                "INSERT INTO peers (peer_id, vector, address, name, token, fingerprint)
                 VALUES (?1, '{}', ?2, ?3, ?4, ?5)
                 ON CONFLICT (peer_id) DO UPDATE SET address = excluded.address,
                     name = excluded.name, token = excluded.token,
                     fingerprint = excluded.fingerprint",
            )?
            .execute(params![
                peer.peer_id.to_string(),
                peer.address,
                peer.name,
                peer.token,
                peer.fingerprint
            ])?;
        Ok(())
    }

    /// Records that these active people share one PIN (found at a sign-in), with their PIN
    /// hashes as they are now: the record stands until one of them changes.
    pub fn record_pin_clash(&mut self, people: &[(EmployeeId, String)]) -> Result<(), StoreError> {
        let mut people = people.to_vec();
        people.sort();
        let ids: Vec<String> = people.iter().map(|(id, _)| id.to_string()).collect();
        let hashes: Vec<&str> = people.iter().map(|(_, h)| h.as_str()).collect();
        let now = int(self.clock.now_ms(), "now")?;
        self.tx.execute(
            "INSERT INTO pin_clashes (employees, hashes, seen_ms) VALUES (?1, ?2, ?3)
             ON CONFLICT (employees) DO UPDATE SET hashes = excluded.hashes,
                 seen_ms = excluded.seen_ms",
            params![ids.join(","), hashes.join("\n"), now],
        )?;
        Ok(())
    }

    /// Records whether the store this terminal joined had nobody on its staff (the hub said).
    pub fn set_joined_empty_store(&mut self, empty: bool) -> Result<(), StoreError> {
        self.tx.execute(
            "UPDATE device SET joined_empty_store = ?1 WHERE id = 1",
            [empty],
        )?;
        Ok(())
    }

    /// Keeps the store's PIN pepper (from the node that paired this terminal), out of the log.
    pub fn set_pin_pepper(&mut self, pepper: &[u8]) -> Result<(), StoreError> {
        self.tx
            .execute("UPDATE device SET pin_pepper = ?1 WHERE id = 1", [pepper])?;
        Ok(())
    }

    /// Keeps this node's TLS identity (certificate and key, DER), replacing any before it.
    pub fn set_identity(&mut self, cert: &[u8], key: &[u8]) -> Result<(), StoreError> {
        let now = int(self.clock.now_ms(), "now")?;
        self.tx.execute(
            "INSERT INTO node_identity (id, cert, key, created_ms) VALUES (1, ?1, ?2, ?3)
             ON CONFLICT (id) DO UPDATE SET cert = excluded.cert, key = excluded.key,
                 created_ms = excluded.created_ms",
            params![cert, key, now],
        )?;
        Ok(())
    }

    /// Records a failed exchange with `peer` (kept beside what it last held).
    pub fn record_peer_failure(&mut self, peer: DeviceId, error: &str) -> Result<(), StoreError> {
        let now = int(self.clock.now_ms(), "now")?;
        self.tx
            .prepare_cached(
                "INSERT INTO peers (peer_id, vector, last_error, last_error_ms)
                 VALUES (?1, '{}', ?2, ?3)
                 ON CONFLICT (peer_id) DO UPDATE SET last_error = excluded.last_error,
                     last_error_ms = excluded.last_error_ms",
            )?
            .execute(params![peer.to_string(), error, now])?;
        Ok(())
    }
}

pub(crate) fn peers(conn: &Connection) -> Result<Vec<PeerRecord>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT peer_id, vector, last_ok_ms, last_error, last_error_ms, skew_ms, address, name
         FROM peers ORDER BY peer_id",
    )?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let id: String = r.get(0)?;
        out.push(PeerRecord {
            peer_id: parse(&id, "peer id")?,
            vector: r.get(1)?,
            last_ok_ms: r
                .get::<_, Option<i64>>(2)?
                .map(|v| uint(v, "last_ok_ms"))
                .transpose()?,
            last_error: r.get(3)?,
            last_error_ms: r
                .get::<_, Option<i64>>(4)?
                .map(|v| uint(v, "last_error_ms"))
                .transpose()?,
            skew_ms: r.get(5)?,
            address: r.get(6)?,
            name: r.get(7)?,
        });
    }
    Ok(out)
}

pub(crate) fn sync_peers(conn: &Connection) -> Result<Vec<SyncPeer>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT peer_id, address, coalesce(name, ''), token, fingerprint FROM peers
         WHERE address IS NOT NULL AND token IS NOT NULL ORDER BY peer_id",
    )?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let id: String = r.get(0)?;
        out.push(SyncPeer {
            peer_id: parse(&id, "peer id")?,
            address: r.get(1)?,
            name: r.get(2)?,
            token: r.get(3)?,
            fingerprint: r.get(4)?,
        });
    }
    Ok(out)
}

pub(crate) fn identity(conn: &Connection) -> Result<Option<NodeIdentity>, StoreError> {
    Ok(conn
        .query_row(
            "SELECT cert, key FROM node_identity WHERE id = 1",
            [],
            |r| {
                Ok(NodeIdentity {
                    cert: r.get(0)?,
                    key: r.get(1)?,
                })
            },
        )
        .optional()?)
}

/// PIN clashes found at sign-ins.
pub(crate) fn pin_clashes(conn: &Connection) -> Result<Vec<PinClash>, StoreError> {
    let mut stmt = conn.prepare_cached("SELECT employees, hashes, seen_ms FROM pin_clashes")?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let ids: String = r.get(0)?;
        let hashes: String = r.get(1)?;
        let people = ids
            .split(',')
            .zip(hashes.split('\n'))
            .map(|(id, h)| Ok((parse(id, "employee id")?, h.to_owned())))
            .collect::<Result<Vec<_>, StoreError>>()?;
        out.push(PinClash {
            people,
            seen_ms: uint(r.get(2)?, "seen_ms")?,
        });
    }
    Ok(out)
}

pub(crate) fn pin_pepper(conn: &Connection) -> Result<Option<Vec<u8>>, StoreError> {
    Ok(
        conn.query_row("SELECT pin_pepper FROM device WHERE id = 1", [], |r| {
            r.get(0)
        })?,
    )
}

pub(crate) fn joined_empty_store(conn: &Connection) -> Result<bool, StoreError> {
    Ok(conn.query_row(
        "SELECT joined_empty_store FROM device WHERE id = 1",
        [],
        |r| r.get(0),
    )?)
}
