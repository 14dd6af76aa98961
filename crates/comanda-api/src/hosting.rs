//! A terminal that hosts the store's hub role in-process (`comanda --host-hub ADDR`), so a store
//! without a hub box still has a node that pairs terminals and relays between them. The shell
//! opens the hub (comanda-server's, on its own data under the terminal's) and hands it here as a
//! [`HostedHub`]: the runtime serves it over TLS beside the terminal's own peer server, and a
//! manager makes pairing codes from the sync panel ([`make_pairing_code`]) instead of the hub's
//! admin command line. The terminal itself pairs with it like any other terminal: the hub is a
//! node of its own, with its own device id and log, in the same process.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};

use comanda_domain::ids::StoreId;
use comanda_sync::tls::Identity;
use serde::{Deserialize, Serialize};

use crate::catalog::Empty;
use crate::ctx::Ctx;
use crate::error::{ApiError, ErrorCode};
use crate::session::{Session, require_manager};

/// How long a pairing code made from the panel lasts.
pub const CODE_TTL_MS: u64 = 15 * 60 * 1000;

/// What the hosted hub does for the panel.
pub trait PairingCodes: Send + Sync {
    /// A one-time pairing code for the hub's store, valid `ttl_ms`.
    fn make_code(&self, ttl_ms: u64) -> Result<String, String>;
}

/// The hub role, handed over by the shell before the runtime starts.
#[derive(Clone)]
pub struct HostedHub {
    /// Where to listen (`0.0.0.0:8788`; port 0 picks one).
    pub listen: SocketAddr,
    /// The address to tell people (`https://192.168.1.21:8788`); by default this machine's LAN
    /// address with the port listened on.
    pub advertise: Option<String>,
    /// The hub's routes (`/v1/pair`, `/v1/exchange`…).
    pub router: axum::Router,
    /// The hub's certificate.
    pub identity: Identity,
    /// The store it serves: only a terminal paired with that store makes its codes.
    pub store_id: StoreId,
    /// Makes pairing codes.
    pub codes: Arc<dyn PairingCodes>,
    /// Answers the hub's waiting watches at shutdown.
    pub close: Arc<dyn Fn() + Send + Sync>,
}

impl std::fmt::Debug for HostedHub {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HostedHub")
            .field("listen", &self.listen)
            .field("identity", &self.identity)
            .finish_non_exhaustive()
    }
}

/// The hosted hub, as the runtime and the panel share it.
#[derive(Debug, Default)]
pub struct Hosting {
    /// Handed over by the shell; taken by the runtime, which serves it.
    pub(crate) hub: Mutex<Option<HostedHub>>,
    /// Once served: the address people pair with, the certificate's short form, the codes.
    pub(crate) serving: Mutex<Option<Serving>>,
    /// Why the hub could not be served, when it could not (its port taken…).
    pub(crate) failed: Mutex<Option<String>>,
}

/// A hub being served.
#[derive(Clone)]
pub(crate) struct Serving {
    pub(crate) store_id: StoreId,
    pub(crate) address: String,
    /// The same hub on loopback, for this terminal's own pairing.
    pub(crate) local: String,
    pub(crate) certificate: String,
    pub(crate) codes: Arc<dyn PairingCodes>,
}

impl std::fmt::Debug for Serving {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Serving")
            .field("address", &self.address)
            .finish_non_exhaustive()
    }
}

impl Hosting {
    /// Hands the hub role to this terminal (before `runtime::start`).
    pub fn host(&self, hub: HostedHub) {
        *self.hub.lock().unwrap_or_else(PoisonError::into_inner) = Some(hub);
    }

    /// Why the hub handed over could not be served, if it could not.
    pub fn failure(&self) -> Option<String> {
        self.failed
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The address people pair with, once the hub is served.
    pub fn address(&self) -> Option<String> {
        self.serving
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
            .map(|s| s.address.clone())
    }
}

/// A pairing code made from the panel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[ts(export, export_to = "bindings/")]
pub struct PairingCodeView {
    /// The one-time code (`XXXXX-XXXXX`).
    pub code: String,
    /// The hub's address to type beside it.
    pub address: String,
    /// When it stops working (Unix ms).
    #[ts(type = "number")]
    pub expires_ms: u64,
    /// The hub's certificate, shortened, to compare with the joining terminal's panel.
    pub certificate: String,
}

/// Makes a one-time pairing code for the store's hub this terminal hosts (a manager).
pub fn make_pairing_code(ctx: &Ctx, s: &Session, _req: Empty) -> Result<PairingCodeView, ApiError> {
    require_manager(ctx, s, None, "make a pairing code")?;
    let serving = serving(ctx)?;
    // The staff that may make codes are the store's: this terminal must be paired with the
    // store its hub serves (before that, its staff are the demo's or another store's).
    let device = ctx.store.device()?;
    if !device.paired || device.store_id != serving.store_id {
        return Err(ApiError::new(
            ErrorCode::Forbidden,
            "Pair this terminal with the hub it hosts first: only the store's managers make its codes.",
        ));
    }
    let code = serving
        .codes
        .make_code(CODE_TTL_MS)
        .map_err(|e| ApiError::internal(&e))?;
    tracing::info!(by = %s.name, "pairing code made on the hosted hub");
    Ok(PairingCodeView {
        code,
        address: serving.address,
        expires_ms: ctx.clock.now_ms() + CODE_TTL_MS,
        certificate: serving.certificate,
    })
}

/// Request of `pair_with_hosted_hub`.
#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[ts(export, export_to = "bindings/")]
pub struct PairHosted {
    /// What this terminal is called in lists ("Counter 1").
    pub name: String,
    /// Empty this terminal first (its events go into an archive file); needed when it holds any.
    #[serde(default)]
    pub wipe: bool,
}

/// Pairs this terminal with the hub it hosts (a manager), with a code made in-process: the first
/// pairing of a hosting terminal, before which nobody can make codes for the store.
pub fn pair_with_hosted_hub(
    ctx: &Ctx,
    s: &Session,
    req: PairHosted,
) -> Result<crate::views::TerminalView, ApiError> {
    let serving = serving(ctx)?;
    let code = serving
        .codes
        .make_code(CODE_TTL_MS)
        .map_err(|e| ApiError::internal(&e))?;
    crate::sync::pair_terminal(
        ctx,
        s,
        crate::sync::PairTerminal {
            address: serving.local,
            code,
            name: req.name,
            wipe: req.wipe,
        },
    )
}

fn serving(ctx: &Ctx) -> Result<Serving, ApiError> {
    if let Some(why) = ctx.hosting.failure() {
        return Err(ApiError::new(
            ErrorCode::Unreachable,
            format!("The hub this terminal should host is not running: {why}"),
        ));
    }
    ctx.hosting
        .serving
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clone()
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::Conflict,
                "This terminal does not host the store's hub: make codes on the hub (comanda-server admin pair-code), or start this terminal with --host-hub.",
            )
        })
}
