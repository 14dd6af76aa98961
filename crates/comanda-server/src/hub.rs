//! The hub: the stores it serves (each a comanda-store database of its own, in which the hub is
//! a node like any terminal), the devices paired to each, and the pairing codes. A node with
//! many stores is this same code; the cloud will put another storage behind it.
//!
//! **Invariant:** a token opens exactly one store, as exactly one device: a device of store A
//! can read and write nothing of store B, and cannot speak for another device of its own store.

use std::collections::HashMap;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock, Mutex, MutexGuard, PoisonError};

use comanda_domain::clock::Clock;
use comanda_domain::device::{DevicePaired, DeviceRevoked};
use comanda_domain::event::{EventBody, StreamId};
use comanda_domain::ids::{DeviceId, IdSource, StoreId};
use comanda_store::{Pairing, Store};
use comanda_sync::SyncError;
use comanda_sync::http::{Authority, Grant};
use comanda_sync::tls::{Fingerprint, Identity, Side, pair_proof, proof_matches};
use comanda_sync::wire::{PROTOCOL_VERSION, PairRequest, PairResponse};
use include_dir::{Dir, include_dir};
use rusqlite::{Connection, OptionalExtension, params};
use rusqlite_migration::Migrations;
use serde::Serialize;

use crate::error::HubError;
use crate::secrets;

static MIGRATION_DIR: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/../../migrations/server");

static MIGRATIONS: LazyLock<Result<Migrations<'static>, String>> =
    LazyLock::new(|| Migrations::from_directory(&MIGRATION_DIR).map_err(|e| e.to_string()));

/// How long a pairing code lasts unless the admin says otherwise.
pub const CODE_TTL_MS: u64 = 15 * 60 * 1000;
/// Wrong pairing codes allowed per minute from one address before pairing waits for it.
pub const PAIR_FAILURES_PER_MINUTE: u32 = 10;
/// Wrong pairing codes allowed per minute from all addresses together: one address cannot
/// block everyone's pairing, and many cannot guess much faster than one.
pub const PAIR_FAILURES_PER_MINUTE_ALL: u32 = 100;

/// Wrong pairing codes in the current minute.
#[derive(Debug, Default)]
struct PairFailures {
    minute: u64,
    by_address: HashMap<Option<IpAddr>, u32>,
    all: u32,
}

impl PairFailures {
    /// The counts of `minute` (a new minute starts them over).
    fn of(&mut self, minute: u64) -> &mut PairFailures {
        if self.minute != minute {
            *self = PairFailures {
                minute,
                ..PairFailures::default()
            };
        }
        self
    }
}
/// The longest name a device may give itself.
pub const MAX_NAME: usize = 60;

/// A store the hub serves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoreInfo {
    /// Its id.
    pub store_id: StoreId,
    /// Its name.
    pub name: String,
    /// The hub's own device id in it.
    pub hub_device_id: DeviceId,
}

/// A device paired to a store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeviceInfo {
    /// Its id.
    pub device_id: DeviceId,
    /// Its store.
    pub store_id: StoreId,
    /// Its name.
    pub name: String,
    /// Its terminal number.
    pub terminal_no: u32,
    /// When it was paired (ms).
    pub paired_ms: u64,
    /// When it was revoked, if it was.
    pub revoked_ms: Option<u64>,
    /// When it last exchanged (ms).
    pub last_seen_ms: Option<u64>,
    /// The SHA-256 of the certificate it paired with (hex), what every node pins for it.
    pub cert_fingerprint: Option<String>,
}

/// Counters for `/metrics`.
#[derive(Debug, Default)]
pub struct Counters {
    /// Exchanges answered.
    pub exchanges: AtomicU64,
    /// Events received in exchanges.
    pub events_in: AtomicU64,
    /// Events sent in exchanges.
    pub events_out: AtomicU64,
    /// Pairings made.
    pub pairings: AtomicU64,
    /// Wrong pairing codes.
    pub pair_failures: AtomicU64,
}

/// The hub. Share it behind an `Arc`.
pub struct Hub {
    data_dir: PathBuf,
    db: Mutex<Connection>,
    stores: Mutex<HashMap<StoreId, Arc<Store>>>,
    clock: Arc<dyn Clock>,
    ids: Arc<dyn IdSource>,
    /// Wrong pairing codes this minute, per asking address and in all.
    pair_failures: Mutex<PairFailures>,
    /// What `/metrics` reports.
    pub counters: Counters,
    /// Per store, the change counter `/v1/watch` answers.
    changes: Mutex<HashMap<StoreId, tokio::sync::watch::Sender<u64>>>,
    /// Per device, when it last exchanged and when that was last written to `server.sqlite`.
    seen: Mutex<HashMap<DeviceId, (u64, u64)>>,
    /// Shutting down: watches are answered 503 at once.
    closing: std::sync::atomic::AtomicBool,
    /// The hub's TLS identity (the same in every store it serves).
    identity: Identity,
}

/// How stale the `last_seen_ms` kept in `server.sqlite` may get: an exchange writes it only when
/// the written value is older than this (a write with `synchronous=FULL` per exchange would
/// cost an fsync per round of every device). Reads overlay the exact value kept in memory.
const SEEN_WRITE_EVERY_MS: u64 = 10_000;

impl std::fmt::Debug for Hub {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hub")
            .field("data_dir", &self.data_dir)
            .finish()
    }
}

fn int(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

/// The hub's identity from `server.sqlite`, made and kept there at first open.
fn load_identity(db: &Connection, clock: &dyn Clock) -> Result<Identity, HubError> {
    let tls = |e: SyncError| HubError::Setup(format!("the hub's certificate: {e}"));
    let kept: Option<(Vec<u8>, Vec<u8>)> = db
        .query_row(
            "SELECT cert, key FROM node_identity WHERE id = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    if let Some((cert, key)) = kept {
        return Identity::from_der(cert, key).map_err(tls);
    }
    let identity = Identity::generate().map_err(tls)?;
    db.execute(
        "INSERT INTO node_identity (id, cert, key, created_ms) VALUES (1, ?1, ?2, ?3)",
        params![identity.cert_der(), identity.key_der(), int(clock.now_ms())],
    )?;
    tracing::info!(fingerprint = %identity.fingerprint(), "the hub made its certificate");
    Ok(identity)
}

fn parse<T: std::str::FromStr>(s: &str, what: &str) -> Result<T, HubError> {
    s.parse()
        .map_err(|_| HubError::Setup(format!("bad {what} in the server database: {s:?}")))
}

impl Hub {
    /// Opens (creating) the hub's data directory: `server.sqlite` and `stores/`.
    pub fn open(
        data_dir: &Path,
        clock: Arc<dyn Clock>,
        ids: Arc<dyn IdSource>,
    ) -> Result<Hub, HubError> {
        std::fs::create_dir_all(data_dir.join("stores"))
            .map_err(|e| HubError::Setup(format!("creating {}: {e}", data_dir.display())))?;
        let mut db = Connection::open(data_dir.join("server.sqlite"))?;
        db.busy_timeout(std::time::Duration::from_secs(5))?;
        db.pragma_update_and_check(None, "journal_mode", "WAL", |_| Ok(()))?;
        db.pragma_update(None, "synchronous", "FULL")?;
        db.pragma_update(None, "foreign_keys", "ON")?;
        match &*MIGRATIONS {
            Ok(m) => m.to_latest(&mut db)?,
            Err(e) => return Err(HubError::Setup(format!("embedded migrations: {e}"))),
        }
        let identity = load_identity(&db, &*clock)?;
        Ok(Hub {
            identity,
            data_dir: data_dir.to_owned(),
            db: Mutex::new(db),
            stores: Mutex::default(),
            clock,
            ids,
            pair_failures: Mutex::default(),
            counters: Counters::default(),
            changes: Mutex::default(),
            seen: Mutex::default(),
            closing: std::sync::atomic::AtomicBool::new(false),
        })
    }

    /// The hub's TLS identity: what it serves with, and what terminals pin.
    pub fn identity(&self) -> &Identity {
        &self.identity
    }

    /// The change counter of a store (made on first use).
    fn change_counter<T>(
        &self,
        store: StoreId,
        f: impl FnOnce(&tokio::sync::watch::Sender<u64>) -> T,
    ) -> T {
        let mut all = self.changes.lock().unwrap_or_else(PoisonError::into_inner);
        f(all
            .entry(store)
            .or_insert_with(|| tokio::sync::watch::channel(0).0))
    }

    /// Marks the hub as serving: watches wait for changes again (after [`Self::close_watches`],
    /// when the same hub serves again).
    pub fn open_watches(&self) {
        self.closing.store(false, Ordering::Release);
    }

    /// Answers every watch waiting (at shutdown, so that graceful shutdown does not wait out
    /// their long polls); their askers exchange, fail, and come back when the hub does.
    pub fn close_watches(&self) {
        self.closing.store(true, Ordering::Release);
        let all = self.changes.lock().unwrap_or_else(PoisonError::into_inner);
        for counter in all.values() {
            counter.send_modify(|v| *v += 1);
        }
    }

    /// Tells the store's watchers it gained events.
    fn changed(&self, store: StoreId) {
        self.change_counter(store, |c| c.send_modify(|v| *v += 1));
    }

    fn db(&self) -> MutexGuard<'_, Connection> {
        self.db.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn store_path(&self, id: StoreId) -> PathBuf {
        self.data_dir.join("stores").join(format!("{id}.sqlite"))
    }

    /// Creates a store, with the hub as its first node.
    pub fn create_store(&self, name: &str) -> Result<StoreInfo, HubError> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > MAX_NAME {
            return Err(HubError::BadRequest(format!(
                "a store's name has 1 to {MAX_NAME} characters"
            )));
        }
        let store_id = StoreId::new(&*self.ids);
        let hub_device_id = DeviceId::new(&*self.ids);
        let store = Store::open(
            &self.store_path(store_id),
            self.clock.clone(),
            self.ids.clone(),
        )?;
        store.write(|tx| {
            tx.pair(&Pairing {
                store_id,
                device_id: hub_device_id,
                terminal_no: 0,
                // The hub pairs devices: it writes the registry.
                pairer: hub_device_id,
            })
        })?;
        self.db().execute(
            "INSERT INTO stores (store_id, name, hub_device_id, created_ms, pin_pepper)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                store_id.to_string(),
                name,
                hub_device_id.to_string(),
                int(self.clock.now_ms()),
                secrets::new_pepper()?.to_vec()
            ],
        )?;
        self.lock_stores().insert(store_id, Arc::new(store));
        Ok(StoreInfo {
            store_id,
            name: name.to_owned(),
            hub_device_id,
        })
    }

    fn lock_stores(&self) -> MutexGuard<'_, HashMap<StoreId, Arc<Store>>> {
        self.stores.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Every store served.
    pub fn stores(&self) -> Result<Vec<StoreInfo>, HubError> {
        let rows: Vec<(String, String, String)> = self
            .db()
            .prepare("SELECT store_id, name, hub_device_id FROM stores ORDER BY created_ms")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<Result<_, _>>()?;
        rows.into_iter()
            .map(|(id, name, hub)| {
                Ok(StoreInfo {
                    store_id: parse(&id, "store id")?,
                    name,
                    hub_device_id: parse(&hub, "device id")?,
                })
            })
            .collect()
    }

    /// The hub's node of a store (opened on first use).
    pub fn store(&self, id: StoreId) -> Result<Arc<Store>, HubError> {
        if let Some(s) = self.lock_stores().get(&id) {
            return Ok(s.clone());
        }
        let known: Option<String> = self
            .db()
            .query_row(
                "SELECT store_id FROM stores WHERE store_id = ?1",
                [id.to_string()],
                |r| r.get(0),
            )
            .optional()?;
        if known.is_none() {
            return Err(HubError::NotFound(format!("store {id}")));
        }
        let store = Arc::new(Store::open(
            &self.store_path(id),
            self.clock.clone(),
            self.ids.clone(),
        )?);
        Ok(self.lock_stores().entry(id).or_insert(store).clone())
    }

    /// Makes a one-time pairing code for `store`, valid for `ttl_ms`. Returns the code; only its
    /// hash is kept.
    pub fn make_code(&self, store: StoreId, ttl_ms: u64) -> Result<String, HubError> {
        self.store(store)?;
        let code = secrets::new_code()?;
        let now = self.clock.now_ms();
        self.db().execute(
            "INSERT INTO pairing_codes (code_hash, store_id, created_ms, expires_ms)
             VALUES (?1, ?2, ?3, ?4)",
            params![
                comanda_sync::tls::code_key(&code, &self.identity.fingerprint())
                    .map_err(|e| HubError::Setup(e.to_string()))?,
                store.to_string(),
                int(now),
                int(now.saturating_add(ttl_ms))
            ],
        )?;
        Ok(code)
    }

    /// Pairs a device with the store of a one-time code: a fresh device id, the next terminal
    /// number, a token (returned once, kept as a hash). The device proves it knows the code for
    /// this connection's two certificates (`joiner`: the client certificate it presented), and
    /// the answer proves the hub does (see [`comanda_sync::tls::pair_proof`]). Wrong codes are
    /// limited per minute.
    pub fn pair(
        &self,
        req: &PairRequest,
        joiner: Option<Fingerprint>,
        from: Option<IpAddr>,
    ) -> Result<PairResponse, HubError> {
        let name = req.name.trim();
        if name.is_empty() || name.chars().count() > MAX_NAME {
            return Err(HubError::BadRequest(format!(
                "a device's name has 1 to {MAX_NAME} characters"
            )));
        }
        let Some(joiner) = joiner else {
            return Err(HubError::BadRequest(
                "pairing needs a TLS connection on which the device presents its certificate"
                    .into(),
            ));
        };
        let now = self.clock.now_ms();
        let minute = now / 60_000;
        {
            let mut f = self
                .pair_failures
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            let f = f.of(minute);
            if f.by_address.get(&from).copied().unwrap_or(0) >= PAIR_FAILURES_PER_MINUTE
                || f.all >= PAIR_FAILURES_PER_MINUTE_ALL
            {
                return Err(HubError::TooManyAttempts);
            }
        }
        let already: Option<String> = self
            .db()
            .query_row(
                "SELECT device_id FROM devices WHERE cert_fingerprint = ?1",
                [joiner.to_string()],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(device) = already {
            return Err(HubError::BadRequest(format!(
                "this certificate already belongs to device {device}: a device pairs with a certificate of its own, made for the pairing"
            )));
        }
        // The code is the one the proof was made with: the open codes are few (single use,
        // minutes long), each is tried in constant time.
        let hub = self.identity.fingerprint();
        let open: Vec<(String, String)> = self
            .db()
            .prepare(
                "SELECT code_hash, store_id FROM pairing_codes
                 WHERE used_ms IS NULL AND expires_ms >= ?1",
            )?
            .query_map([int(now)], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        let Some((code_hash, store_id)) = open
            .into_iter()
            .find(|(key, _)| proof_matches(&req.proof, key, Side::Joiner, &hub, &joiner))
        else {
            return Err(self.wrong_code(minute, from));
        };
        let token = secrets::new_token()?;
        let device_id = DeviceId::new(&*self.ids);
        // The store's node is opened before the hub's database is locked (opening it may read
        // that database).
        let node = self.store(parse(&store_id, "store id")?)?;
        let has_staff = node.read(|r| r.employees())?.values().any(|e| e.active);
        let mut db = self.db();
        let tx = db.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        // Used meanwhile by another request with the same code: refused like any used code.
        let still_free: Option<i64> = tx
            .query_row(
                "SELECT 1 FROM pairing_codes WHERE code_hash = ?1 AND used_ms IS NULL",
                [&code_hash],
                |r| r.get(0),
            )
            .optional()?;
        if still_free.is_none() {
            drop(tx);
            drop(db);
            return Err(self.wrong_code(minute, from));
        }
        let (store_name, hub_device, terminal_no, pepper): (String, String, i64, Option<Vec<u8>>) =
            tx.query_row(
                "SELECT name, hub_device_id, next_terminal_no, pin_pepper FROM stores
                 WHERE store_id = ?1",
                [&store_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )?;
        // A store made before peppers existed gets its pepper now, once.
        let pepper = match pepper {
            Some(p) => p,
            None => {
                let p = secrets::new_pepper()?.to_vec();
                tx.execute(
                    "UPDATE stores SET pin_pepper = ?2 WHERE store_id = ?1",
                    params![store_id, p],
                )?;
                p
            }
        };
        tx.execute(
            "UPDATE stores SET next_terminal_no = next_terminal_no + 1 WHERE store_id = ?1",
            [&store_id],
        )?;
        tx.execute(
            "INSERT INTO devices (device_id, store_id, name, terminal_no, token_hash, paired_ms,
                                  cert_fingerprint)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                device_id.to_string(),
                store_id,
                name,
                terminal_no,
                secrets::hash(&token),
                int(now),
                joiner.to_string()
            ],
        )?;
        tx.execute(
            "UPDATE pairing_codes SET used_ms = ?2, used_by = ?3 WHERE code_hash = ?1",
            params![code_hash, int(now), device_id.to_string()],
        )?;
        // Every node of the store learns of the device from the log: its number, its name, the
        // hash of its token (to check it when it asks them directly).
        node.write(|t| {
            t.append(
                StreamId::Devices,
                None,
                EventBody::DevicePaired(DevicePaired {
                    device_id,
                    terminal_no: u32::try_from(terminal_no).unwrap_or(0),
                    name: name.to_owned(),
                    token_hash: secrets::hash(&token),
                    cert_fingerprint: Some(joiner.to_string()),
                }),
            )
        })?;
        tx.commit()?;
        self.changed(parse(&store_id, "store id")?);
        self.counters.pairings.fetch_add(1, Ordering::Relaxed);
        tracing::info!(store = %store_id, device = %device_id, terminal_no, certificate = %joiner, "device paired");
        Ok(PairResponse {
            protocol: PROTOCOL_VERSION,
            store_id: parse(&store_id, "store id")?,
            store_name,
            device_id,
            terminal_no: u32::try_from(terminal_no)
                .map_err(|_| HubError::Setup("terminal number out of range".into()))?,
            token,
            peer: parse(&hub_device, "device id")?,
            proof: pair_proof(&code_hash, Side::Pairer, &hub, &joiner),
            pin_pepper: Some(hex::encode(pepper)),
            store_has_staff: Some(has_staff),
        })
    }

    /// Counts a wrong pairing code (for the per-minute limit) and says so.
    fn wrong_code(&self, minute: u64, from: Option<IpAddr>) -> HubError {
        let mut f = self
            .pair_failures
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let f = f.of(minute);
        *f.by_address.entry(from).or_default() += 1;
        f.all += 1;
        self.counters.pair_failures.fetch_add(1, Ordering::Relaxed);
        HubError::BadCode
    }

    /// The devices of a store (every store when `None`), revoked ones too.
    pub fn devices(&self, store: Option<StoreId>) -> Result<Vec<DeviceInfo>, HubError> {
        type Row = (
            String,
            String,
            String,
            i64,
            i64,
            Option<i64>,
            Option<i64>,
            Option<String>,
        );
        let rows: Vec<Row> = self
            .db()
            .prepare(
                "SELECT device_id, store_id, name, terminal_no, paired_ms, revoked_ms, last_seen_ms,
                        cert_fingerprint
                 FROM devices WHERE ?1 IS NULL OR store_id = ?1 ORDER BY store_id, terminal_no",
            )?
            .query_map([store.map(|s| s.to_string())], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                ))
            })?
            .collect::<Result<_, _>>()?;
        let recent = self
            .seen
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        rows.into_iter()
            .map(|(d, s, name, no, paired, revoked, seen, cert)| {
                let device_id: DeviceId = parse(&d, "device id")?;
                let written = seen.map(|v| u64::try_from(v).unwrap_or(0));
                let last_seen_ms = match (written, recent.get(&device_id)) {
                    (w, Some((mem, _))) => Some(w.unwrap_or(0).max(*mem)),
                    (w, None) => w,
                };
                Ok(DeviceInfo {
                    device_id,
                    store_id: parse(&s, "store id")?,
                    name,
                    terminal_no: u32::try_from(no).unwrap_or(0),
                    paired_ms: u64::try_from(paired).unwrap_or(0),
                    revoked_ms: revoked.map(|v| u64::try_from(v).unwrap_or(0)),
                    last_seen_ms,
                    cert_fingerprint: cert,
                })
            })
            .collect()
    }

    /// Revokes a device: its token opens nothing from now on.
    pub fn revoke(&self, device: DeviceId) -> Result<(), HubError> {
        let store: Option<String> = self
            .db()
            .query_row(
                "SELECT store_id FROM devices WHERE device_id = ?1 AND revoked_ms IS NULL",
                [device.to_string()],
                |r| r.get(0),
            )
            .optional()?;
        let Some(store) = store else {
            return Err(HubError::NotFound(format!("paired device {device}")));
        };
        // Every node stops answering it, the hub first.
        self.db().execute(
            "UPDATE devices SET revoked_ms = ?2 WHERE device_id = ?1",
            params![device.to_string(), int(self.clock.now_ms())],
        )?;
        let store_id = parse(&store, "store id")?;
        self.store(store_id)?.write(|t| {
            t.append(
                StreamId::Devices,
                None,
                EventBody::DeviceRevoked(DeviceRevoked { device_id: device }),
            )
        })?;
        self.changed(store_id);
        Ok(())
    }

    /// True when the hub's database answers and every store it lists opens.
    pub fn ready(&self) -> Result<(), HubError> {
        for s in self.stores()? {
            self.store(s.store_id)?;
        }
        Ok(())
    }
}

impl Authority for Hub {
    fn authenticate(
        &self,
        token: &str,
        cert: Option<&Fingerprint>,
    ) -> Result<Option<Grant>, SyncError> {
        let found: Option<(String, String, Option<String>)> = self
            .db()
            .query_row(
                "SELECT device_id, store_id, cert_fingerprint FROM devices
                 WHERE token_hash = ?1 AND revoked_ms IS NULL",
                [secrets::hash(token)],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()
            .map_err(|e| SyncError::Store(comanda_store::StoreError::Sqlite(e)))?;
        let Some((device, store, paired_with)) = found else {
            return Ok(None);
        };
        // The token alone is not enough: it must come with the certificate its device paired
        // with (a token copied off its device opens nothing elsewhere; a whole disk copied after
        // pairing carries both, and is found by the digests, see comanda-store).
        let presented = cert.map(ToString::to_string);
        if paired_with.is_none() || presented != paired_with {
            tracing::warn!(
                %device,
                presented = presented.as_deref().unwrap_or("none"),
                "a device's token came with another certificate than the one it paired with"
            );
            return Ok(None);
        }
        let device_id: DeviceId = device
            .parse()
            .map_err(|_| SyncError::BadMessage("bad device id in the server database".into()))?;
        let store_id: StoreId = store
            .parse()
            .map_err(|_| SyncError::BadMessage("bad store id in the server database".into()))?;
        let store = self.store(store_id).map_err(|e| match e {
            HubError::Store(s) => SyncError::Store(s),
            other => SyncError::BadMessage(other.to_string()),
        })?;
        Ok(Some(Grant {
            store,
            store_id,
            device_id,
        }))
    }

    fn changes(&self, grant: &Grant) -> Option<tokio::sync::watch::Receiver<u64>> {
        Some(self.change_counter(grant.store_id, tokio::sync::watch::Sender::subscribe))
    }

    fn closing(&self) -> bool {
        self.closing.load(Ordering::Acquire)
    }

    fn exchanged(&self, grant: &Grant, ingested: &comanda_store::Ingested, sent: usize) {
        let device = grant.device_id;
        if ingested.stored() > 0 {
            self.changed(grant.store_id);
        }
        self.counters.exchanges.fetch_add(1, Ordering::Relaxed);
        self.counters
            .events_in
            .fetch_add(ingested.stored() as u64, Ordering::Relaxed);
        self.counters
            .events_out
            .fetch_add(sent as u64, Ordering::Relaxed);
        let now = self.clock.now_ms();
        let write = {
            let mut seen = self.seen.lock().unwrap_or_else(PoisonError::into_inner);
            let entry = seen.entry(device).or_insert((now, 0));
            entry.0 = entry.0.max(now);
            let due = entry.1 == 0 || now.saturating_sub(entry.1) >= SEEN_WRITE_EVERY_MS;
            if due {
                entry.1 = now;
            }
            due
        };
        if write {
            let seen = self.db().execute(
                "UPDATE devices SET last_seen_ms = ?2 WHERE device_id = ?1",
                params![device.to_string(), int(now)],
            );
            if let Err(e) = seen {
                tracing::warn!(%device, error = %e, "could not record last seen");
            }
        }
    }
}
