//! Kitchen screens on the store's LAN: any browser (a wall TV's, a tablet's) opens this
//! terminal's screen address (`--screens-listen`, `http://<terminal>:8790/screen`) and sees the
//! kitchen board, read-only. A manager makes a one-time code at the counter (`make_screen_code`);
//! typed on the screen it pairs it (`screen_pair`), and the screen may then start, bump, recall
//! and rush, with a token of its own (only its SHA-256 is kept, in the terminal's `screens`
//! table; `revoke_screen` ends it).
//!
//! **Never the counter API:** the screens' router ([`crate::http::screens_router`]) answers only
//! `status`, `board`, `step` and `pair` under `/screen/api/`, and the change stream; a screen's
//! token is no session and opens nothing on the counter's address; the counter's sessions open
//! nothing here. Codes: 6 digits, 10 minutes, one use; 5 wrong tries in a row void every code.

use std::sync::{Mutex, PoisonError};

use comanda_domain::ids::IdSource;
use comanda_store::ScreenRecord;
use serde::{Deserialize, Serialize};
use sha2::Digest;

use crate::ctx::Ctx;
use crate::error::{ApiError, ErrorCode};
use crate::kitchen::{KitchenBoard, KitchenBoardRequest, KitchenStepRequest, KitchenTicketView};
use crate::session::{Approval, Session, approve};
use crate::views::SyncStatusView;

/// How long a screen pairing code lasts.
pub const SCREEN_CODE_TTL_MS: u64 = 10 * 60 * 1000;

/// Wrong codes in a row after which every code is void.
const MAX_WRONG: u32 = 5;

/// What the terminal holds for its screens: the codes not used yet, the wrong tries, and the
/// address the screens' server listens on.
#[derive(Debug, Default)]
pub struct ScreenShared {
    codes: Mutex<Codes>,
    /// The screens' address (`http://192.168.1.21:8790/screen`), once the server listens.
    pub address: Mutex<Option<String>>,
}

#[derive(Debug, Default)]
struct Codes {
    live: Vec<(String, u64)>,
    wrong: u32,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The hash of a screen's token, as the table keeps it.
fn token_hash(token: &str) -> String {
    hex(&sha2::Sha256::digest(token.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Random bytes from the id source's randomness (UUIDs v7 carry 74 random bits each).
fn random_hex(ids: &dyn IdSource, uuids: usize) -> String {
    (0..uuids)
        .map(|_| ids.next_uuid().simple().to_string())
        .collect::<String>()
}

/// `make_screen_code`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[ts(export, export_to = "bindings/")]
pub struct MakeScreenCode {
    /// A manager's PIN, when a cashier asks.
    #[serde(default)]
    #[ts(optional)]
    pub approval: Option<Approval>,
}

/// A one-time code to pair a kitchen screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[ts(export, export_to = "bindings/")]
pub struct ScreenCodeView {
    /// Six digits, typed on the screen.
    pub code: String,
    /// Valid until (Unix ms).
    #[ts(type = "number")]
    pub expires_ms: u64,
    /// Where the screen opens the board (none: this terminal serves no screens).
    pub address: Option<String>,
}

/// A paired screen, for the manager.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[ts(export, export_to = "bindings/")]
pub struct ScreenView {
    /// Its id.
    pub screen_id: String,
    /// Its name.
    pub name: String,
    /// Paired when (Unix ms).
    #[ts(type = "number")]
    pub paired_ms: u64,
    /// Last seen (Unix ms).
    #[ts(type = "number")]
    pub last_ms: Option<u64>,
    /// Revoked when (Unix ms).
    #[ts(type = "number")]
    pub revoked_ms: Option<u64>,
}

/// `list_screens` and `revoke_screen`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[ts(export, export_to = "bindings/")]
pub struct ScreenList {
    /// Every screen paired here, newest first.
    pub screens: Vec<ScreenView>,
    /// Where screens open the board (none: this terminal serves no screens).
    pub address: Option<String>,
}

/// `list_screens`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[ts(export, export_to = "bindings/")]
pub struct ListScreens {
    /// A manager's PIN, when a cashier asks.
    #[serde(default)]
    #[ts(optional)]
    pub approval: Option<Approval>,
}

/// `revoke_screen`.
#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[ts(export, export_to = "bindings/")]
pub struct RevokeScreen {
    /// The screen.
    pub screen_id: String,
    /// A manager's PIN, when a cashier asks.
    #[serde(default)]
    #[ts(optional)]
    pub approval: Option<Approval>,
}

fn view(s: ScreenRecord) -> ScreenView {
    ScreenView {
        screen_id: s.screen_id,
        name: s.name,
        paired_ms: s.paired_ms,
        last_ms: s.last_ms,
        revoked_ms: s.revoked_ms,
    }
}

fn address(ctx: &Ctx) -> Option<String> {
    lock(&ctx.screens.address).clone()
}

/// A one-time code to pair a kitchen screen with this terminal (a manager).
pub fn make_screen_code(
    ctx: &Ctx,
    s: &Session,
    req: MakeScreenCode,
) -> Result<ScreenCodeView, ApiError> {
    ctx.store
        .write(|tx| approve(ctx, tx, s, req.approval.as_ref(), "pair a kitchen screen"))?;
    let now = ctx.clock.now_ms();
    // Six digits from the id source's random bits.
    let digits: u64 = u64::from_str_radix(&random_hex(ctx.ids.as_ref(), 1)[20..32], 16)
        .unwrap_or_default()
        % 1_000_000;
    let code = format!("{digits:06}");
    let expires_ms = now + SCREEN_CODE_TTL_MS;
    let mut codes = lock(&ctx.screens.codes);
    codes.live.retain(|(_, until)| *until > now);
    codes.live.push((code.clone(), expires_ms));
    Ok(ScreenCodeView {
        code,
        expires_ms,
        address: address(ctx),
    })
}

/// The screens paired with this terminal (a manager).
pub fn list_screens(ctx: &Ctx, s: &Session, req: ListScreens) -> Result<ScreenList, ApiError> {
    crate::session::require_manager(ctx, s, req.approval.as_ref(), "see the kitchen screens")?;
    let screens = ctx.store.read(|r| r.screens())?;
    Ok(ScreenList {
        screens: screens.into_iter().map(view).collect(),
        address: address(ctx),
    })
}

/// Ends a screen's pairing: its token opens nothing more (a manager).
pub fn revoke_screen(ctx: &Ctx, s: &Session, req: RevokeScreen) -> Result<ScreenList, ApiError> {
    let now = ctx.clock.now_ms();
    let screens = ctx.store.write(|tx| {
        approve(ctx, tx, s, req.approval.as_ref(), "unpair a kitchen screen")?;
        if !tx.revoke_screen(&req.screen_id, now)? {
            return Err(ApiError::not_found("No paired screen has that id.").on("screen_id"));
        }
        Ok::<_, ApiError>(tx.screens()?)
    })?;
    Ok(ScreenList {
        screens: screens.into_iter().map(view).collect(),
        address: address(ctx),
    })
}

// ---- what the screens' router calls ---------------------------------------------------------

/// `pair` on the screens' address: a code and a name for the screen.
#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[ts(export, export_to = "bindings/")]
pub struct PairScreen {
    /// The six digits a manager made at the counter.
    pub code: String,
    /// What to call this screen ("Grill").
    pub name: String,
}

/// A screen paired: keep the token (it is shown once).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[ts(export, export_to = "bindings/")]
pub struct ScreenPaired {
    /// Send as `Authorization: Bearer <token>` to the screens' address.
    pub token: String,
    /// Its id.
    pub screen_id: String,
    /// Its name.
    pub name: String,
}

/// `status` on the screens' address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[ts(export, export_to = "bindings/")]
pub struct ScreenStatus {
    /// The store.
    pub store_name: String,
    /// The terminal's clock (Unix ms): tickets' ages count from it.
    #[ts(type = "number")]
    pub now_ms: u64,
    /// The screen's own name when its token is good; none: not paired (read-only).
    pub screen: Option<String>,
    /// The terminal's sync state, for a paired screen (the red band when peers are lost).
    pub sync: Option<SyncStatusView>,
}

/// Pairs a screen with a code a manager made. Wrong codes count: 5 in a row void them all.
pub fn screen_pair(ctx: &Ctx, req: PairScreen) -> Result<ScreenPaired, ApiError> {
    let name = crate::input::required("name", &req.name, 40)?;
    let code = req.code.trim();
    let now = ctx.clock.now_ms();
    {
        let mut codes = lock(&ctx.screens.codes);
        codes.live.retain(|(_, until)| *until > now);
        match codes.live.iter().position(|(c, _)| c == code) {
            Some(at) => {
                codes.live.remove(at);
                codes.wrong = 0;
            }
            None => {
                codes.wrong += 1;
                if codes.wrong >= MAX_WRONG {
                    codes.live.clear();
                    codes.wrong = 0;
                    return Err(ApiError::new(
                        ErrorCode::TooManyAttempts,
                        "Too many wrong codes: every code is void. Ask a manager for a new one.",
                    )
                    .on("code"));
                }
                return Err(ApiError::new(
                    ErrorCode::Forbidden,
                    "That code is wrong or has expired. A manager makes one at the counter: Printers & screens.",
                )
                .on("code"));
            }
        }
    }
    let token = random_hex(ctx.ids.as_ref(), 2);
    let screen = ScreenRecord {
        screen_id: ctx.ids.next_uuid().to_string(),
        name: name.clone(),
        paired_ms: now,
        paired_by: None,
        last_ms: None,
        revoked_ms: None,
    };
    ctx.store
        .write(|tx| tx.save_screen(&screen, &token_hash(&token)))?;
    tracing::info!(screen = %screen.screen_id, name = %screen.name, "kitchen screen paired");
    Ok(ScreenPaired {
        token,
        screen_id: screen.screen_id,
        name,
    })
}

/// The screen a token is, if it is a live one.
pub fn screen_of(ctx: &Ctx, token: Option<&str>) -> Result<Option<ScreenRecord>, ApiError> {
    let Some(token) = token.filter(|t| !t.is_empty() && t.len() <= 128) else {
        return Ok(None);
    };
    let found = ctx.store.read(|r| r.screen_by_token(&token_hash(token)))?;
    if let Some(s) = &found {
        let now = ctx.clock.now_ms();
        if s.last_ms.is_none_or(|l| l + 60_000 < now) {
            let id = s.screen_id.clone();
            ctx.store.write(|tx| tx.screen_seen(&id, now))?;
        }
    }
    Ok(found)
}

fn must_be_paired(ctx: &Ctx, token: Option<&str>) -> Result<ScreenRecord, ApiError> {
    screen_of(ctx, token)?.ok_or_else(|| {
        ApiError::new(
            ErrorCode::Unauthorized,
            "This screen is not paired: it shows the board but cannot change it. Pair it with a code from a manager.",
        )
    })
}

/// The screen's view of the terminal.
pub fn screen_status(ctx: &Ctx, token: Option<&str>) -> Result<ScreenStatus, ApiError> {
    let screen = screen_of(ctx, token)?;
    let store_name = ctx
        .store
        .read(|r| r.settings())?
        .unwrap_or_default()
        .store_name;
    let sync = match &screen {
        Some(_) => Some(crate::sync::status(ctx)?),
        None => None,
    };
    Ok(ScreenStatus {
        store_name,
        now_ms: ctx.clock.now_ms(),
        screen: screen.map(|s| s.name),
        sync,
    })
}

/// The board, for any screen (read-only without a token).
pub fn screen_board(ctx: &Ctx, req: KitchenBoardRequest) -> Result<KitchenBoard, ApiError> {
    crate::kitchen::board(ctx, req)
}

/// A cook's step from a paired screen.
pub fn screen_step(
    ctx: &Ctx,
    token: Option<&str>,
    req: KitchenStepRequest,
) -> Result<KitchenTicketView, ApiError> {
    must_be_paired(ctx, token)?;
    crate::kitchen::step(ctx, None, req)
}

/// Binds the screens' listener on `listen` and records the address screens open (this machine's
/// LAN address when `listen` names every interface). Returns the listener to serve
/// [`crate::http::screens_router`] on, and the address.
pub async fn bind(
    ctx: &Ctx,
    listen: std::net::SocketAddr,
) -> std::io::Result<(tokio::net::TcpListener, String)> {
    let listener = tokio::net::TcpListener::bind(listen).await?;
    let local = listener.local_addr()?;
    let ip = if local.ip().is_unspecified() {
        crate::sync::lan_address().unwrap_or(local.ip())
    } else {
        local.ip()
    };
    let url = format!(
        "http://{}/screen",
        std::net::SocketAddr::new(ip, local.port())
    );
    *lock(&ctx.screens.address) = Some(url.clone());
    Ok((listener, url))
}
