//! The store: one writer connection, one reader connection, and the write transaction [`Tx`]
//! through which every change goes.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use comanda_domain::clock::Clock;
use comanda_domain::event::{Event, EventBody, StreamId};
use comanda_domain::ids::{DeviceId, EmployeeId, EventId, IdSource, OrderId, StoreId};
use rusqlite::{Connection, Transaction, TransactionBehavior, params};

use crate::checkpoint::{self, Checkpointer};
use crate::error::StoreError;
use crate::project;
use crate::reads::{self as reads};
use crate::reads::{Reader, read_methods};
use crate::schema::{self, Role};
use crate::sql::{self, DeviceRow, int};
use crate::types::{MAX_TERMINAL_NO, OrderRecord, Pairing};

/// How many order numbers a terminal hands out before it starts again from 1.
const ORDER_NUMBERS_PER_TERMINAL: u32 = 9_999;

/// The version of the projections' stored form. Bump it whenever `OrderState` (or another
/// projected state) changes shape or meaning: every store re-projects at its next open.
/// 2: orphans kept with their events, approvals recorded on the order.
/// 3: an order's lines in `order_lines`, one row each; `orders.state` without them.
/// 4: over-refunds a manager settled.
/// 5: a settled over-refund no longer counts in the balance.
/// 6: a cancel records the lines already fired; lines written off as waste (cancel while cooking).
/// 7: the staff stream always folded whole (staff conflicts held back and listed).
/// 8: an orphan's pending change is stored in its payload's wire form (keys sorted).
/// 9: printers and kitchen tickets.
/// 10: receipts on the order; printers with a drawer and fallback stations; drawer logs.
/// 11: what the kitchen must hear of (fires, voids and changes of sent lines, cancels).
/// 12: kitchen notices say their banner; the kitchen's progress and rushes on the order.
pub const PROJECTION_VERSION: u32 = 12;

/// The latest wall time a stamp may carry: 9999-12-31T23:59:59.999Z.
pub(crate) const MAX_WALL_MS: u64 = 253_402_300_799_999;

/// The terminal's local store: the event log, the outbox and the projections, in one SQLite
/// file. `Send + Sync`; share it behind an `Arc`.
///
/// **Invariant:** one command is one transaction ([`Store::write`]): a local event, its outbox
/// row, its projection and the device counters are committed together or not at all.
pub struct Store {
    writer: Mutex<Connection>,
    reader: Mutex<Connection>,
    /// The latest committed record of recently written orders, so a command on a big order
    /// neither re-reads nor re-parses its rows. Only the writer's transactions use it, and only
    /// what they committed goes in.
    cache: Mutex<OrderCache>,
    /// Moves the WAL into the database file on a thread of its own; taken with the writer.
    checkpointer: Mutex<Checkpointer>,
    clock: Arc<dyn Clock>,
    ids: Arc<dyn IdSource>,
    path: PathBuf,
}

impl fmt::Debug for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

/// Locks a connection. A panic inside a closure poisons the mutex, but the transaction it held
/// was rolled back when it was dropped, so the connection is still good.
fn lock(m: &Mutex<Connection>) -> Result<MutexGuard<'_, Connection>, StoreError> {
    let conn = m.lock().unwrap_or_else(PoisonError::into_inner);
    if !conn.is_autocommit() {
        // A transaction left open by a failed rollback: finish it before starting another.
        conn.execute_batch("ROLLBACK")?;
    }
    Ok(conn)
}

impl Store {
    /// Opens (creating if needed) the database file and brings its schema to the latest
    /// version. On the first open it creates the device identity: `device_id` and `store_id`
    /// from `ids` (pairing to a real store comes later).
    pub fn open(
        path: &Path,
        clock: Arc<dyn Clock>,
        ids: Arc<dyn IdSource>,
    ) -> Result<Store, StoreError> {
        let mut writer = schema::connect(path, Role::Writer)?;
        schema::migrate(&mut writer)?;
        let tx = writer.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let has_device: i64 = tx.query_row("SELECT count(*) FROM device", [], |r| r.get(0))?;
        if has_device == 0 {
            tx.execute(
                "INSERT INTO device (id, device_id, store_id, last_seq, hlc_wall_ms, hlc_counter,
                                     next_order_number, created_ms)
                 VALUES (1, ?1, ?2, 0, 0, 0, 1, ?3)",
                params![
                    DeviceId::new(&*ids).to_string(),
                    StoreId::new(&*ids).to_string(),
                    int(clock.now_ms(), "created_ms")?,
                ],
            )?;
        }
        // Per-device digests added by a migration are computed from the log once.
        sql::fill_digests(&tx)?;
        // Events held as from a newer version that this build now knows are projected.
        let known_now = project::release_known(&tx)?;
        if known_now > 0 {
            tracing::info!(
                events = known_now,
                "events from a newer version now projected"
            );
        }
        // Projections written by a build that stored or folded them differently are rebuilt
        // from the log before anything reads them.
        let version: i64 = tx.query_row(
            "SELECT projection_version FROM device WHERE id = 1",
            [],
            |r| r.get(0),
        )?;
        if version != i64::from(PROJECTION_VERSION) {
            let streams = project::reproject_all(&tx)?;
            tx.execute(
                "UPDATE device SET projection_version = ?1 WHERE id = 1",
                [PROJECTION_VERSION],
            )?;
            if version != 0 {
                tracing::info!(
                    from = version,
                    to = PROJECTION_VERSION,
                    streams,
                    "re-projected"
                );
            }
        }
        let cut = crate::print::recover(&tx)?;
        if cut > 0 {
            tracing::warn!(
                jobs = cut,
                "print jobs cut by a stop are left for a person to check"
            );
        }
        // The print mark counts more claimed jobs than this file: it was put back from a backup.
        // Seen now, before a printer could print again what the lost life printed.
        if let Some(m) = crate::print::mark::ahead(&tx, path)? {
            let mut device = sql::load_device(&tx)?;
            let seen = device.last_seq;
            device.restored(&*ids, seen, clock.now_ms().max(m.wall_ms));
            sql::save_device(&tx, &device)?;
            tx.execute(
                "UPDATE device SET print_claims = ?1 WHERE id = 1",
                [int(m.claims, "print_claims")?],
            )?;
            let held = crate::print::hold_after_restore(&tx, clock.now_ms())?;
            tracing::warn!(
                claims = m.claims,
                held,
                "this database was restored from a backup: it counts fewer print jobs than its printers took; waiting tickets are left for a person"
            );
        }
        tx.commit()?;
        // From here on commits only note the WAL's length; the checkpoint thread copies it.
        writer.wal_hook(Some(checkpoint::wal_hook));
        let reader = schema::connect(path, Role::Reader)?;
        Ok(Store {
            writer: Mutex::new(writer),
            reader: Mutex::new(reader),
            cache: Mutex::new(OrderCache::default()),
            checkpointer: Mutex::new(Checkpointer::new(path)),
            clock,
            ids,
            path: path.to_owned(),
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The store's clock, now (ms).
    pub fn now_ms(&self) -> u64 {
        self.clock.now_ms()
    }

    /// This terminal's identity and last `device_seq`.
    pub fn device(&self) -> Result<crate::DeviceInfo, StoreError> {
        self.read(|r| r.device())
    }

    /// Runs one command as one transaction: takes the writer, `BEGIN IMMEDIATE`, runs `f`,
    /// `COMMIT`. When `f` returns `Err` (or panics) everything it wrote is rolled back, so
    /// nothing is ever half-written. When this returns `Ok`, the commit is on disk.
    pub fn write<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce(&mut Tx<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        self.write_as(true, f)
    }

    /// [`Self::write`] for a transaction that only takes in what a peer sent (and notes what
    /// the peer holds): committed without waiting for the disk (`synchronous=NORMAL`, still
    /// atomic and never corrupt). A power cut may undo the last such transactions; nothing is
    /// lost by it, since the sender still holds those events and the next exchange, which
    /// compares what each side's log holds, brings them again. A transaction that appended a
    /// local event is refused (rolled back): those are always committed durably.
    pub fn write_received<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce(&mut Tx<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        self.write_as(false, f)
    }

    fn write_as<T, E: From<StoreError>>(
        &self,
        durable: bool,
        f: impl FnOnce(&mut Tx<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        let mut conn = lock(&self.writer)?;
        if !durable {
            conn.pragma_update(None, "synchronous", "NORMAL")
                .map_err(StoreError::from)?;
        }
        let result = Self::run(&mut conn, &self.clock, &self.ids, &self.cache, durable, f).map(
            |(v, printed)| {
                if let Some(m) = printed
                    && let Err(e) = crate::print::mark::write(&self.path, m)
                {
                    tracing::warn!(error = %e, "the print mark was not written");
                }
                v
            },
        );
        self.checkpointer
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .after_commit(&conn);
        if !durable {
            // Back to durable commits whatever happened: the next writer may be a command.
            conn.pragma_update(None, "synchronous", "FULL")
                .map_err(StoreError::from)?;
        }
        result
    }

    fn run<T, E: From<StoreError>>(
        conn: &mut Connection,
        clock: &Arc<dyn Clock>,
        ids: &Arc<dyn IdSource>,
        cache: &Mutex<OrderCache>,
        durable: bool,
        f: impl FnOnce(&mut Tx<'_>) -> Result<T, E>,
    ) -> Result<(T, Option<crate::print::mark::Mark>), E> {
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(StoreError::from)?;
        let device = sql::load_device(&tx)?;
        let (me, last_seq) = (device.device_id, device.last_seq);
        let mut t = Tx {
            tx,
            device,
            clock: &**clock,
            ids: &**ids,
            cache,
            dirty: HashMap::new(),
            dropped_all: false,
            moved_own_events: false,
            printed: None,
        };
        match f(&mut t) {
            // (A device id taken afresh, after a restore, starts its sequence again: not a local
            // event. Anything made under it later is committed durably, WAL frames and all.)
            // (Events moved to a new position by an ingest were committed durably where they
            // were; the move is atomic with what took their place, so a power cut undoes both.)
            Ok(_)
                if !durable
                    && !t.moved_own_events
                    && t.device.device_id == me
                    && t.device.last_seq != last_seq =>
            {
                let _rollback = t.tx.rollback();
                Err(StoreError::Corrupt(
                    "a local event was appended in a transaction that takes in a peer's events"
                        .into(),
                )
                .into())
            }
            Ok(v) => {
                let Tx {
                    tx,
                    dirty,
                    dropped_all,
                    printed,
                    ..
                } = t;
                tx.commit().map_err(StoreError::from)?;
                // Committed: what this transaction wrote is now what the rows say.
                let mut cache = cache.lock().unwrap_or_else(PoisonError::into_inner);
                if dropped_all {
                    cache.clear();
                }
                for (id, rec) in dirty {
                    cache.put(id, rec);
                }
                Ok((v, printed))
            }
            Err(e) => {
                // The caller's error is the one to report. Should the rollback itself fail,
                // the next `lock` finds the transaction open and rolls it back.
                let _rollback = t.tx.rollback();
                Err(e)
            }
        }
    }

    /// The writer's `synchronous` setting (2 = FULL: every commit waits for the disk).
    pub fn synchronous(&self) -> Result<i64, StoreError> {
        let conn = lock(&self.writer)?;
        Ok(conn.query_row("PRAGMA synchronous", [], |r| r.get(0))?)
    }

    /// Moves everything this terminal holds into an archive file and empties it, ready to pair:
    /// the archive is a complete copy of the database (`VACUUM INTO`), written before anything
    /// is deleted, so events never synced are kept, never thrown away. Returns how many events
    /// went into the archive. Refuses an `archive` path that already exists.
    pub fn archive_and_clear(&self, archive: &Path) -> Result<u64, StoreError> {
        if archive.exists() {
            return Err(StoreError::Corrupt(format!(
                "the archive {} already exists",
                archive.display()
            )));
        }
        let mut conn = lock(&self.writer)?;
        conn.execute("VACUUM INTO ?1", [archive.display().to_string()])?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let held = reads::event_count(&tx)?;
        tx.execute_batch(
            "DELETE FROM held_events; DELETE FROM approvals; DELETE FROM outbox;
             DELETE FROM order_lines; DELETE FROM orders; DELETE FROM projections;
             DELETE FROM entity_ids; DELETE FROM dead_letters; DELETE FROM future_events;
             DELETE FROM peers; DELETE FROM events; DELETE FROM device_heads;
             UPDATE device SET last_seq = 0, next_order_number = 1;",
        )?;
        tx.commit()?;
        self.cache
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
        tracing::warn!(events = held, archive = %archive.display(), "terminal emptied into an archive");
        Ok(held)
    }

    /// Runs `f` on the reader connection, inside one read transaction (a consistent snapshot).
    /// In WAL mode the reader never waits for the writer.
    pub fn read<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce(&Reader<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        let mut conn = lock(&self.reader)?;
        let tx = conn.transaction().map_err(StoreError::from)?;
        f(&Reader { conn: &tx })
        // `tx` drops here and ends the read transaction (nothing to commit).
    }

    /// `PRAGMA quick_check` and `PRAGMA foreign_key_check`: `Ok` when SQLite finds nothing
    /// wrong with the file.
    pub fn check_integrity(&self) -> Result<(), StoreError> {
        let conn = lock(&self.writer)?;
        schema::quick_check(&conn)?;
        let dangling: i64 =
            conn.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
                r.get(0)
            })?;
        if dangling == 0 {
            Ok(())
        } else {
            Err(StoreError::Integrity(format!(
                "{dangling} rows break a foreign key"
            )))
        }
    }
}

/// One write transaction, from [`Store::write`]. Offers the same reads as [`Reader`], so a
/// command can read and then write in one transaction.
pub struct Tx<'a> {
    pub(crate) tx: Transaction<'a>,
    /// The device row as of the last change made through this transaction.
    pub(crate) device: DeviceRow,
    pub(crate) clock: &'a dyn Clock,
    pub(crate) ids: &'a dyn IdSource,
    pub(crate) cache: &'a Mutex<OrderCache>,
    /// Orders this transaction wrote, as it left them (`None`: no longer there). Put in the
    /// cache when the transaction commits, forgotten when it rolls back.
    pub(crate) dirty: HashMap<OrderId, Option<Arc<OrderRecord>>>,
    /// Every projection was rebuilt: the cache is cleared at commit.
    dropped_all: bool,
    /// An ingest or an exchange's bookkeeping moved this node's numbering without a local
    /// append (after a restore: events moved to their place, or the counter set past what peers
    /// hold): not a local event, so a received page's commit may carry it.
    pub(crate) moved_own_events: bool,
    /// The print claims counted by this transaction: the print mark is written once it is
    /// committed, before the job's bytes leave.
    printed: Option<crate::print::mark::Mark>,
}

/// Committed order records, at most [`ORDER_CACHE`] of them (the least recently written go
/// first).
#[derive(Default)]
pub(crate) struct OrderCache {
    map: HashMap<OrderId, (u64, Option<Arc<OrderRecord>>)>,
    tick: u64,
}

/// How many orders the cache keeps: the open orders of a busy service, with room.
const ORDER_CACHE: usize = 256;

impl OrderCache {
    fn get(&mut self, id: OrderId) -> Option<Option<Arc<OrderRecord>>> {
        self.tick += 1;
        let tick = self.tick;
        self.map.get_mut(&id).map(|(t, rec)| {
            *t = tick;
            rec.clone()
        })
    }

    /// Takes an order out (to change it without copying it); it comes back at commit.
    pub(crate) fn take(&mut self, id: OrderId) -> Option<Option<Arc<OrderRecord>>> {
        self.map.remove(&id).map(|(_, rec)| rec)
    }

    fn put(&mut self, id: OrderId, rec: Option<Arc<OrderRecord>>) {
        self.tick += 1;
        self.map.insert(id, (self.tick, rec));
        if self.map.len() > ORDER_CACHE {
            let oldest = self
                .map
                .iter()
                .min_by_key(|(_, (t, _))| *t)
                .map(|(k, _)| *k);
            if let Some(k) = oldest {
                self.map.remove(&k);
            }
        }
    }

    fn clear(&mut self) {
        self.map.clear();
    }
}

impl fmt::Debug for Tx<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tx").field("device", &self.device).finish()
    }
}

impl Tx<'_> {
    pub(crate) fn conn(&self) -> &Connection {
        &self.tx
    }

    /// One order's state and conflicts, if any event of it is known: as this transaction left
    /// it, else as last committed (from the cache, or its rows). Shared, not copied: a 500-line
    /// order costs nothing to look at. Drop it before appending to the order, so the append can
    /// change it in place.
    pub fn order(&self, id: OrderId) -> Result<Option<Arc<OrderRecord>>, StoreError> {
        if let Some(rec) = self.dirty.get(&id) {
            return Ok(rec.clone());
        }
        let cached = self
            .cache
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(id);
        match cached {
            Some(rec) => Ok(rec),
            None => Ok(project::read_order(&self.tx, id)?.map(Arc::new)),
        }
    }

    /// The store's clock, now (ms).
    pub fn now_ms(&self) -> u64 {
        self.clock.now_ms()
    }

    /// This terminal's device id, as the transaction holds it (no read).
    pub fn device_id(&self) -> DeviceId {
        self.device.device_id
    }

    /// The order's record, taken out of this transaction's changes or the cache to be changed
    /// (copied only when someone still holds it).
    fn take_order(&mut self, id: OrderId) -> Result<Option<OrderRecord>, StoreError> {
        let rec = match self.dirty.remove(&id) {
            Some(rec) => rec,
            None => {
                let cached = self
                    .cache
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .take(id);
                match cached {
                    Some(rec) => rec,
                    None => return project::read_order(&self.tx, id),
                }
            }
        };
        Ok(rec.map(|a| Arc::try_unwrap(a).unwrap_or_else(|shared| (*shared).clone())))
    }

    /// Appends a local event: a new id from the id source, `device_seq = last_seq + 1`, an HLC
    /// stamp strictly above every stamp issued or observed (even if the clock went back). In the
    /// same transaction it inserts the event, its outbox row, updates its stream's projection
    /// and persists the device row. All of it or nothing: on `Err` this transaction is as it
    /// was before the call.
    pub fn append(
        &mut self,
        stream: StreamId,
        actor: Option<EmployeeId>,
        body: EventBody,
    ) -> Result<Event, StoreError> {
        let now = self.clock.now_ms();
        let mut device = self.device;
        device.last_seq = device
            .last_seq
            .checked_add(1)
            .ok_or_else(|| StoreError::Corrupt("device_seq overflow".into()))?;
        let hlc = device.hlc.tick(now, device.device_id);
        let event = Event {
            id: EventId::new(self.ids),
            store_id: device.store_id,
            device_id: device.device_id,
            device_seq: device.last_seq,
            stream,
            hlc,
            actor,
            body,
        };
        let current = match stream {
            StreamId::Order(id) => Some((id, self.take_order(id)?)),
            _ => None,
        };
        let sp = self.tx.savepoint()?;
        let seq = sql::insert_event(&sp, &event)?;
        sp.prepare_cached("INSERT INTO outbox (event_seq, enqueued_ms) VALUES (?1, ?2)")?
            .execute(params![seq, int(now, "enqueued_ms")?])?;
        let written = match current {
            Some((id, rec)) => Some((id, project::apply_order(&sp, rec, &event)?)),
            None => {
                project::apply(&sp, &event)?;
                None
            }
        };
        crate::print::derive(&sp, &device.ids(), device.restored_ms, &[&event], now)?;
        sql::save_device(&sp, &device)?;
        sp.commit()?;
        if let Some((id, rec)) = written {
            self.dirty.insert(id, rec.map(Arc::new));
        }
        self.device = device;
        Ok(event)
    }

    /// Takes the next order number of this terminal and persists the counter: `terminal_no *
    /// 10000 + k`, `k` going 1 to 9999 and round again, so two terminals of a store never hand
    /// out the same number, online or not (odoo #71455).
    pub fn next_order_number(&mut self) -> Result<u32, StoreError> {
        let mut device = self.device;
        let k = (device.next_order_number.max(1) - 1) % ORDER_NUMBERS_PER_TERMINAL + 1;
        device.next_order_number = k % ORDER_NUMBERS_PER_TERMINAL + 1;
        let n = device
            .terminal_no
            .checked_mul(10_000)
            .and_then(|base| base.checked_add(k))
            .ok_or_else(|| StoreError::Corrupt("order number overflow".into()))?;
        sql::save_device(&self.tx, &device)?;
        self.device = device;
        Ok(n)
    }

    /// Joins a store: this terminal takes the store id, a fresh device id and its terminal number
    /// from the node that paired it. Refused while the log holds any event (the demo, or a
    /// store's events): they were made under another identity and must not leave, and they are
    /// never thrown away here; the app moves such a file aside and pairs a fresh one.
    pub fn pair(&mut self, pairing: &Pairing) -> Result<(), StoreError> {
        let held = reads::event_count(&self.tx)?;
        if held > 0 {
            return Err(StoreError::NotEmpty(held));
        }
        if pairing.terminal_no > MAX_TERMINAL_NO {
            return Err(StoreError::Corrupt(format!(
                "terminal number {} is out of range (0 to {MAX_TERMINAL_NO})",
                pairing.terminal_no
            )));
        }
        let mut device = self.device;
        device.store_id = pairing.store_id;
        device.device_id = pairing.device_id;
        device.terminal_no = pairing.terminal_no;
        device.pairer = Some(pairing.pairer);
        device.paired = true;
        device.last_seq = 0;
        device.next_order_number = 1;
        sql::save_device(&self.tx, &device)?;
        self.device = device;
        Ok(())
    }

    /// Rebuilds every projection from the event log (recovery, benchmarks). Returns how many
    /// streams were projected.
    pub fn reproject_all(&mut self) -> Result<usize, StoreError> {
        let n = project::reproject_all(&self.tx)?;
        self.dirty.clear();
        self.dropped_all = true;
        Ok(n)
    }

    /// The printer's next job to send (the oldest queued or failed one).
    pub fn next_print_job(
        &mut self,
        printer: comanda_domain::ids::PrinterId,
    ) -> Result<Option<crate::PrintJob>, StoreError> {
        crate::print::next_job(&self.tx, printer)
    }

    /// Moves a print job to `state` with the reason shown to people (`sending` counts an
    /// attempt). Returns false when there is no such job.
    pub fn set_print_job(
        &mut self,
        job_id: &str,
        state: crate::JobState,
        reason: Option<&str>,
    ) -> Result<bool, StoreError> {
        let now = self.clock.now_ms();
        let set = crate::print::set_state(&self.tx, job_id, state, reason, now)?;
        if set && state == crate::JobState::Sending {
            let wall = now.max(self.device.hlc.wall_ms);
            self.printed = Some(crate::print::mark::claim(&self.tx, wall)?);
        }
        Ok(set)
    }

    /// Makes a receipt or drawer job unless one of its id exists (asked twice, made once).
    /// Returns whether it was made.
    pub fn queue_print_job(&mut self, job: &crate::NewJob) -> Result<bool, StoreError> {
        crate::print::queue(&self.tx, job, self.clock.now_ms())
    }

    /// Moves a waiting job to another printer (a station's fallback), with the reason.
    pub fn move_print_job(
        &mut self,
        job_id: &str,
        to: comanda_domain::ids::PrinterId,
        reason: &str,
    ) -> Result<bool, StoreError> {
        crate::print::move_job(&self.tx, job_id, to, reason, self.clock.now_ms())
    }

    /// A person asks for a printed or unknown job again: it is queued and prints REPRINT.
    /// Returns false when the job is not one that ended.
    pub fn reprint(&mut self, job_id: &str) -> Result<bool, StoreError> {
        crate::print::reprint(&self.tx, job_id, self.clock.now_ms())
    }

    /// Puts aside something that could not be decoded or stored, for a person to review.
    /// `event_id` is the id as received, when one could be read. Returns the row id.
    pub fn dead_letter(
        &mut self,
        source: &str,
        event_id: Option<&str>,
        reason: &str,
        raw: &str,
    ) -> Result<i64, StoreError> {
        insert_dead_letter(&self.tx, self.clock.now_ms(), source, event_id, reason, raw)
    }

    /// Records, once until a person looks at it, that this node and `peer` hold the same
    /// positions of `device`'s log but not the same events (their digests differ): a fork, such
    /// as a copied terminal that went on numbering. Returns true when it was recorded now.
    pub fn note_divergence(
        &mut self,
        peer: DeviceId,
        device: DeviceId,
    ) -> Result<bool, StoreError> {
        let reason = format!(
            "diverged: this node and peer {peer} hold the same sequence numbers of device {device} but not the same events"
        );
        let open: i64 = self.tx.query_row(
            "SELECT count(*) FROM dead_letters WHERE reason = ?1 AND reviewed = 0",
            [&reason],
            |r| r.get(0),
        )?;
        if open > 0 {
            return Ok(false);
        }
        insert_dead_letter(&self.tx, self.clock.now_ms(), "sync", None, &reason, "{}")?;
        tracing::error!(%peer, %device, "logs diverged: the same positions hold other events");
        Ok(true)
    }

    /// Marks a dead letter as looked at by `by`, with what they made of it. Returns false when
    /// there is no such row. Looking again replaces the note; the row itself never changes.
    pub fn review_dead_letter(
        &mut self,
        id: i64,
        by: EmployeeId,
        note: &str,
    ) -> Result<bool, StoreError> {
        let n = self.tx.execute(
            "UPDATE dead_letters SET reviewed = 1, reviewed_by = ?2, reviewed_ms = ?3,
                 review_note = ?4
             WHERE id = ?1",
            params![id, by.to_string(), int(self.clock.now_ms(), "now")?, note],
        )?;
        Ok(n == 1)
    }
}

read_methods!(Tx);

pub(crate) fn insert_dead_letter(
    conn: &Connection,
    now_ms: u64,
    source: &str,
    event_id: Option<&str>,
    reason: &str,
    raw: &str,
) -> Result<i64, StoreError> {
    conn.execute(
        "INSERT INTO dead_letters (event_id, received_ms, source, reason, raw)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![event_id, int(now_ms, "received_ms")?, source, reason, raw],
    )?;
    Ok(conn.last_insert_rowid())
}

/// The store is shared between threads (the API runs commands on blocking threads).
const _: () = {
    const fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Store>();
};
