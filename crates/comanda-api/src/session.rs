//! Signing in with a PIN, signing out, and manager approvals.
//!
//! **Invariant:** approvals are checked here, where the action takes effect, not only in the UI.
//! A PIN is only ever kept as an argon2 hash.

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};
use comanda_domain::employee::{EmployeeRecord, Pin, PinHash, Role};
use comanda_domain::ids::EmployeeId;
use comanda_store::Tx;
use serde::{Deserialize, Serialize};

use crate::ctx::Ctx;
use crate::error::{ApiError, ErrorCode};
use crate::views::{EmployeeView, SessionView};

/// A signed-in employee.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// The bearer token.
    pub token: String,
    /// Who.
    pub employee_id: EmployeeId,
    /// Their name.
    pub name: String,
    /// Their role.
    pub role: Role,
    /// Last use (Unix ms), for the idle timeout.
    pub last_used_ms: u64,
    /// When it began (Unix ms), for the absolute lifetime.
    pub created_ms: u64,
}

/// A manager's PIN given to approve an action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[ts(export, export_to = "bindings/")]
pub struct Approval {
    /// The manager's PIN.
    pub pin: String,
}

/// `login`: sign in with a PIN.
#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[ts(export, export_to = "bindings/")]
pub struct Login {
    /// 4 to 8 digits.
    pub pin: String,
    /// Who is signing in, when picked from the staff list: the PIN is then checked against
    /// this person only (the way in when two people share a PIN after terminals merged).
    #[serde(default)]
    #[ts(optional)]
    pub employee_id: Option<EmployeeId>,
}

// Argon2id with a small cost (2 MiB, 3 passes): a 4–8 digit PIN has little entropy whatever the
// cost (10^4 guesses are cheap offline at any setting), sign-in by PIN alone checks every active
// employee's hash, and a counter PC must not hold megabytes for it. The hash keeps PINs out of the
// database and the sync stream; hashes made with other parameters still verify (PHC strings carry
// them).
fn params(keyid: Option<&[u8]>) -> Params {
    let mut b = argon2::ParamsBuilder::new();
    b.m_cost(2 * 1024).t_cost(3).p_cost(1);
    if let Some(id) = keyid.and_then(|k| argon2::KeyId::new(k).ok()) {
        b.keyid(id);
    }
    b.build().unwrap_or_default()
}

/// The store's PIN pepper as this terminal holds it (from pairing; none before). Hashes made
/// with it name it by a key id, the first 4 bytes of its SHA-256, so a hash made without it (the
/// demo's, staff brought along at pairing) or with another store's is told apart.
#[derive(Clone, Default)]
pub struct Pepper(Option<Vec<u8>>);

impl std::fmt::Debug for Pepper {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The secret never prints.
        write!(
            f,
            "Pepper({})",
            if self.0.is_some() { "set" } else { "none" }
        )
    }
}

impl Pepper {
    /// This terminal's pepper.
    pub fn of(r: &comanda_store::Reader<'_>) -> Result<Pepper, ApiError> {
        Ok(Pepper(r.pin_pepper()?))
    }

    /// The same, read in a writing transaction.
    pub fn in_tx(tx: &comanda_store::Tx<'_>) -> Result<Pepper, ApiError> {
        Ok(Pepper(tx.pin_pepper()?))
    }

    fn keyid(&self) -> Option<Vec<u8>> {
        use sha2::Digest;
        self.0
            .as_ref()
            .map(|p| sha2::Sha256::digest(p)[..4].to_vec())
    }

    /// An argon2 instance for a hash naming `keyid` (none: no pepper), or `None` when this
    /// terminal does not hold that pepper.
    fn hasher(&self, keyid: Option<&[u8]>) -> Option<Argon2<'_>> {
        match (keyid.filter(|k| !k.is_empty()), &self.0) {
            (None, _) => Some(Argon2::new(
                Algorithm::Argon2id,
                Version::V0x13,
                params(None),
            )),
            (Some(k), Some(secret)) if self.keyid().as_deref() == Some(k) => {
                Argon2::new_with_secret(
                    secret,
                    Algorithm::Argon2id,
                    Version::V0x13,
                    params(Some(k)),
                )
                .ok()
            }
            (Some(_), _) => None,
        }
    }
}

/// Hashes a PIN with a fresh salt from the id source, and the store's pepper when this terminal
/// holds one.
pub fn hash_pin(ctx: &Ctx, pin: &Pin) -> Result<PinHash, ApiError> {
    let pepper = ctx.store.read(Pepper::of)?;
    hash_pin_with(ctx, pin, &pepper)
}

/// [`hash_pin`] with the pepper already read.
pub fn hash_pin_with(ctx: &Ctx, pin: &Pin, pepper: &Pepper) -> Result<PinHash, ApiError> {
    let salt = ctx.ids.next_uuid();
    let keyid = pepper.keyid();
    let hasher = pepper
        .hasher(keyid.as_deref())
        .ok_or_else(|| ApiError::internal(&"the PIN pepper cannot be used"))?;
    let phc: PasswordHash = hasher
        .hash_password_with_salt(pin.expose().as_bytes(), salt.as_bytes())
        .map_err(|e| ApiError::internal(&e))?;
    Ok(PinHash::from_phc(phc.to_string()))
}

/// True when the PIN matches the hash (with the pepper the hash names, if this terminal holds
/// it; a hash peppered with a secret this terminal lacks matches nothing).
pub fn pin_matches(pin: &Pin, hash: &PinHash, pepper: &Pepper) -> bool {
    let Ok(h) = PasswordHash::new(hash.as_phc()) else {
        return false;
    };
    let keyid = Params::try_from(&h).map_or_else(|_| Vec::new(), |p| p.keyid().to_vec());
    pepper
        .hasher(Some(&keyid))
        .is_some_and(|a| a.verify_password(pin.expose().as_bytes(), &h).is_ok())
}

/// The error for a missing or expired session.
pub fn unauthorized() -> ApiError {
    ApiError::new(ErrorCode::Unauthorized, "Please sign in with your PIN.")
}

/// The one active employee whose PIN this is. Every active employee's hash is checked: two
/// staff lists merged by sync can give two people the same PIN, and a PIN that opens two
/// people's sessions must open neither (never an arbitrary one of them).
/// `on_clash` hears of the people found sharing it.
fn find_by_pin<'a>(
    employees: impl Iterator<Item = &'a EmployeeRecord>,
    pin: &Pin,
    pepper: &Pepper,
    on_clash: impl FnOnce(&[&EmployeeRecord]),
) -> Result<Option<&'a EmployeeRecord>, ApiError> {
    let found: Vec<&EmployeeRecord> = employees
        .filter(|e| e.active)
        .filter(|e| pin_matches(pin, &e.pin_hash, pepper))
        .collect();
    match found.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(one)),
        several => {
            on_clash(several);
            let names: Vec<&str> = several.iter().map(|e| e.name.as_str()).collect();
            Err(ApiError::new(
                ErrorCode::Conflict,
                format!(
                    "This PIN belongs to {} people ({}) since two terminals' staff lists were merged, so it signs in neither: pick your name. A manager should give one of them a new PIN in the staff list.",
                    several.len(),
                    names.join(", ")
                ),
            )
            .on("pin"))
        }
    }
}

/// Keeps a PIN found shared for the managers' "To settle" list (`crate::issues`); a failure to
/// keep it costs only the listing, never the answer to the person at the pad.
fn record_clash(ctx: &Ctx, people: &[&EmployeeRecord]) {
    let people: Vec<(comanda_domain::ids::EmployeeId, String)> = people
        .iter()
        .map(|e| (e.employee_id, e.pin_hash.as_phc().to_owned()))
        .collect();
    if let Err(e) = ctx.store.write(|tx| tx.record_pin_clash(&people)) {
        tracing::warn!(error = %e, "could not record a shared PIN");
    }
}

/// Signs in: the active employee whose PIN this is gets a session.
pub fn login(ctx: &Ctx, req: Login) -> Result<SessionView, ApiError> {
    let pin = Pin::parse(req.pin.trim())
        .map_err(|_| ApiError::invalid("pin", "A PIN is 4 to 8 digits."))?;
    // The try is counted before any hash is checked (crate::limits), and given back if the
    // PIN is right.
    let attempt = limits(ctx)?
        .sign_in
        .begin(crate::limits::SIGN_IN, ctx.clock.now_ms())?;
    // The staff list may change while the PIN hashes are checked (they take a few ms each):
    // the session is only kept if no change that ends sessions came in between.
    for _ in 0..3 {
        let version = lock(ctx)?.staff_version;
        let (employees, pepper) = ctx
            .store
            .read(|r| Ok::<_, ApiError>((r.employees()?, Pepper::of(r)?)))?;
        let candidates = employees
            .values()
            .filter(|e| req.employee_id.is_none_or(|id| e.employee_id == id));
        let Some(e) = find_by_pin(candidates, &pin, &pepper, |people| {
            record_clash(ctx, people)
        })?
        else {
            return Err(
                ApiError::new(ErrorCode::WrongPin, "That PIN is not known. Try again.").on("pin"),
            );
        };
        limits(ctx)?.sign_in.right(attempt);
        let token = format!(
            "{}{}",
            ctx.ids.next_uuid().simple(),
            ctx.ids.next_uuid().simple()
        );
        let now = ctx.clock.now_ms();
        let session = Session {
            token: token.clone(),
            employee_id: e.employee_id,
            name: e.name.clone(),
            role: e.role,
            last_used_ms: now,
            created_ms: now,
        };
        let mut sessions = lock(ctx)?;
        if sessions.staff_version != version {
            continue;
        }
        sessions.prune(now);
        sessions.map.insert(token.clone(), session);
        drop(sessions);
        tracing::info!(employee = %e.name, "signed in");
        return Ok(SessionView {
            token,
            employee: EmployeeView::from(e),
        });
    }
    Err(ApiError::new(
        ErrorCode::Conflict,
        "The staff list is changing: try again.",
    ))
}

pub(crate) fn limits(
    ctx: &Ctx,
) -> Result<std::sync::MutexGuard<'_, crate::limits::PinLimits>, ApiError> {
    ctx.pin_limits
        .lock()
        .map_err(|_| ApiError::internal(&"PIN limits lock poisoned"))
}

fn lock(ctx: &Ctx) -> Result<std::sync::MutexGuard<'_, crate::ctx::Sessions>, ApiError> {
    ctx.sessions
        .lock()
        .map_err(|_| ApiError::internal(&"session lock poisoned"))
}

/// Ends every session of one employee (they left, their role or their PIN changed), so no
/// sign-in that read the old staff list can survive the change.
pub(crate) fn end_sessions_of(
    ctx: &Ctx,
    id: comanda_domain::ids::EmployeeId,
) -> Result<(), ApiError> {
    let mut sessions = lock(ctx)?;
    sessions.staff_version += 1;
    sessions.map.retain(|_, x| x.employee_id != id);
    Ok(())
}

/// Ends the sessions of people who left or whose role changed (a staff change arrived by sync):
/// what ends a session on the terminal where the change was made ends it everywhere.
pub(crate) fn end_sessions_not_matching(
    ctx: &Ctx,
    staff: &std::collections::BTreeMap<EmployeeId, comanda_domain::employee::EmployeeRecord>,
) -> Result<(), ApiError> {
    let mut sessions = lock(ctx)?;
    let before = sessions.map.len();
    sessions.map.retain(|_, x| {
        staff
            .get(&x.employee_id)
            .is_some_and(|e| e.active && e.role == x.role)
    });
    if sessions.map.len() != before {
        sessions.staff_version += 1;
    }
    Ok(())
}

/// Signs out.
pub fn logout(ctx: &Ctx, s: &Session) -> Result<(), ApiError> {
    lock(ctx)?.map.remove(&s.token);
    Ok(())
}

/// For what only a manager may see or do outside an order: the manager signed in, or the one
/// whose PIN a cashier gave (a manager's session opens no transaction).
pub fn require_manager(
    ctx: &Ctx,
    s: &Session,
    approval: Option<&Approval>,
    what: &str,
) -> Result<EmployeeId, ApiError> {
    if s.role == Role::Manager {
        return Ok(s.employee_id);
    }
    ctx.store.write(|tx| approve(ctx, tx, s, approval, what))
}

/// Who approves an action that a cashier may not do alone: a manager's own session approves
/// itself; otherwise the PIN given must be an active manager's.
pub fn approve(
    ctx: &Ctx,
    tx: &Tx<'_>,
    s: &Session,
    approval: Option<&Approval>,
    what: &str,
) -> Result<EmployeeId, ApiError> {
    if s.role == Role::Manager {
        return Ok(s.employee_id);
    }
    let Some(a) = approval else {
        return Err(ApiError::new(
            ErrorCode::ApprovalRequired,
            format!("A manager's PIN is needed to {what}."),
        )
        .on("approval"));
    };
    let denied =
        || ApiError::new(ErrorCode::ApprovalDenied, "That PIN is not a manager's.").on("approval");
    // Counted against the one asking (crate::limits): a cashier guessing at their session
    // locks only their own approvals.
    let attempt = limits(ctx)?
        .of(s.employee_id)
        .begin(crate::limits::APPROVALS, ctx.clock.now_ms())
        .map_err(|e| e.on("approval"))?;
    let pin = Pin::parse(a.pin.trim()).map_err(|_| denied())?;
    let employees = tx.employees()?;
    let pepper = Pepper::in_tx(tx)?;
    // Inside the approving transaction: a clash is recorded at the next sign-in with that PIN.
    match find_by_pin(
        employees.values().filter(|e| e.role == Role::Manager),
        &pin,
        &pepper,
        |_| {},
    )? {
        Some(m) => {
            limits(ctx)?.of(s.employee_id).right(attempt);
            Ok(m.employee_id)
        }
        None => Err(denied()),
    }
}
