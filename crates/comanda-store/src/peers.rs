//! The nodes a terminal syncs with: what each held at the last exchange, when it last answered
//! and why it last failed; and the outbox, emptied of what a peer is known to hold.

use comanda_domain::ids::DeviceId;
use comanda_domain::vector::VersionVector;
use rusqlite::{Connection, params};

use crate::error::StoreError;
use crate::sql::{int, parse, uint};
use crate::store::Tx;
use crate::types::PeerRecord;

impl Tx<'_> {
    /// Records a successful exchange with `peer`: what it holds (`vector`, written as given, and
    /// `holds`, the same vector parsed), its clock's skew, and the time. The outbox forgets every
    /// local event the peer holds: such an event is on two machines now. Call it in the
    /// transaction that applied the exchange's events, so a crash records both or neither.
    pub fn record_peer(
        &mut self,
        peer: DeviceId,
        vector: &str,
        holds: &VersionVector,
        skew_ms: Option<i64>,
    ) -> Result<(), StoreError> {
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
        for (device, held) in holds.iter() {
            if held.upto > 0 {
                acked.execute(params![device.to_string(), int(held.upto, "device_seq")?])?;
            }
        }
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
    type Row = (
        String,
        String,
        Option<i64>,
        Option<String>,
        Option<i64>,
        Option<i64>,
    );
    let rows: Vec<Row> = conn
        .prepare_cached(
            "SELECT peer_id, vector, last_ok_ms, last_error, last_error_ms, skew_ms
             FROM peers ORDER BY peer_id",
        )?
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })?
        .collect::<Result<_, _>>()?;
    rows.into_iter()
        .map(|(id, vector, ok, err, err_ms, skew)| {
            Ok(PeerRecord {
                peer_id: parse(&id, "peer id")?,
                vector,
                last_ok_ms: ok.map(|v| uint(v, "last_ok_ms")).transpose()?,
                last_error: err,
                last_error_ms: err_ms.map(|v| uint(v, "last_error_ms")).transpose()?,
                skew_ms: skew,
            })
        })
        .collect()
}
