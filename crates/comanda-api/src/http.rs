//! The same API over HTTP + WebSocket, on 127.0.0.1: `POST /api/<name>` for every command of
//! [`crate::commands`], `GET /api/openapi.json`, `GET /api/ws?token=…` streaming changes, and the
//! UI's files for browsers. Every failure answers a JSON `{code, message}` with a 4xx status;
//! nothing a client sends can cause a panic or a 500 (a panic would still answer a JSON 500).

use std::borrow::Cow;
use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use tokio::net::TcpListener;
use tokio::sync::broadcast::error::RecvError;
use tower_http::catch_panic::CatchPanicLayer;

use crate::bus::Change;
use crate::commands;
use crate::ctx::Ctx;
use crate::error::{ApiError, ErrorCode};

/// The largest request body any call takes.
pub const MAX_BODY: usize = 64 * 1024;

/// The UI's built files, served to browsers (the desktop shell embeds them).
pub trait Assets: Send + Sync + 'static {
    /// The file at `path` (no leading slash), if there is one.
    fn get(&self, path: &str) -> Option<Cow<'static, [u8]>>;
}

#[derive(Clone)]
struct AppState {
    ctx: Ctx,
    assets: Option<Arc<dyn Assets>>,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        (status, axum::Json(self)).into_response()
    }
}

/// The router: API, WebSocket, OpenAPI document and (when given) the UI's files.
pub fn router(ctx: Ctx, assets: Option<Arc<dyn Assets>>) -> Router {
    Router::new()
        .route("/api/openapi.json", get(openapi_doc))
        .route("/api/ws", get(ws))
        .route("/api/{name}", post(call))
        .route("/healthz", get(|| async { "ok" }))
        .method_not_allowed_fallback(|| async {
            ApiError::new(
                ErrorCode::MethodNotAllowed,
                "That method is not allowed here: calls are POST.",
            )
        })
        .fallback(fallback)
        .layer(axum::middleware::from_fn(loopback_host_only))
        .layer(axum::middleware::from_fn(security_headers))
        .layer(DefaultBodyLimit::disable())
        .layer(CatchPanicLayer::custom(
            |_: Box<dyn std::any::Any + Send>| {
                ApiError::internal(&"a handler panicked").into_response()
            },
        ))
        .with_state(AppState { ctx, assets })
}

/// Serves until `shutdown` resolves, then finishes the requests in flight.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

/// The terminal serves 127.0.0.1 only; a request naming another host is a web page trying DNS
/// rebinding (its own name resolved to 127.0.0.1) to reach the API from the browser.
async fn loopback_host_only(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok());
    // No Host at all is refused like a foreign one: every browser sends it, and a request
    // without one cannot show it is meant for this terminal.
    match host {
        Some(h) if is_loopback_host(h) => next.run(req).await,
        _ => ApiError::new(
            ErrorCode::Forbidden,
            "This terminal answers only on its own address (127.0.0.1 or localhost).",
        )
        .into_response(),
    }
}

/// The page's own files and nothing else: scripts only from this server, no framing (no
/// clickjacking of the counter), no guessing of content types, no referrer leaving the terminal.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; \
     font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; \
     frame-ancestors 'none'";

/// Adds the security headers to every answer (the UI's files, the API's JSON, its errors).
async fn security_headers(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    resp
}

/// True for `127.0.0.1`, `localhost` and `[::1]`, with or without a port.
pub fn is_loopback_host(host: &str) -> bool {
    let name = match host.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or(""),
        None => host.rsplit_once(':').map_or(host, |(n, _)| n),
    };
    matches!(
        name.to_ascii_lowercase().as_str(),
        "127.0.0.1" | "localhost" | "::1"
    )
}

async fn openapi_doc() -> Response {
    static DOC: OnceLock<String> = OnceLock::new();
    let doc = DOC.get_or_init(|| commands::openapi().to_pretty_json().unwrap_or_default());
    ([(header::CONTENT_TYPE, "application/json")], doc.clone()).into_response()
}

fn bearer(headers: &HeaderMap) -> Option<String> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(|t| t.trim().to_owned())
}

/// A call's body: at most [`MAX_BODY`], and JSON when there is one (both routers).
async fn json_body(headers: &HeaderMap, body: Body) -> Result<Bytes, ApiError> {
    let bytes: Bytes = axum::body::to_bytes(body, MAX_BODY).await.map_err(|_| {
        ApiError::new(
            ErrorCode::PayloadTooLarge,
            format!("The request is larger than {} KiB.", MAX_BODY / 1024),
        )
    })?;
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(';')
                .next()
                .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"))
        });
    if !bytes.is_empty() && !is_json {
        return Err(ApiError::new(
            ErrorCode::UnsupportedMediaType,
            "Send the request as application/json.",
        ));
    }
    Ok(bytes)
}

// Extractors that can refuse are taken as `Result`s: their own refusals are plain text, and
// every answer here must be a JSON `{code, message}`.
async fn call(
    State(st): State<AppState>,
    name: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    // A name that is not UTF-8 once percent-decoded names no call.
    let Ok(Path(name)) = name else {
        return Err(ApiError::not_found("There is no call by that name."));
    };
    if !commands::COMMANDS.iter().any(|c| c.name == name) {
        return Err(ApiError::not_found(format!(
            "There is no call named {name:?}."
        )));
    }
    let bytes = json_body(&headers, body).await?;
    let value: serde_json::Value = if bytes.is_empty() {
        serde_json::Value::Object(Default::default())
    } else {
        serde_json::from_slice(&bytes).map_err(|e| {
            ApiError::new(
                ErrorCode::MalformedRequest,
                format!("The request is not valid JSON: {e}."),
            )
        })?
    };
    let token = bearer(&headers);
    let span = tracing::info_span!("http");
    let out = tokio::task::spawn_blocking(move || {
        let _g = span.enter();
        commands::dispatch_raw(&st.ctx, &name, token.as_deref(), value)
    })
    .await
    .map_err(|e| ApiError::internal(&e))??;
    let text: Box<str> = out.into();
    Ok((
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        String::from(text),
    )
        .into_response())
}

#[derive(Deserialize)]
struct WsQuery {
    token: Option<String>,
}

async fn ws(
    State(st): State<AppState>,
    query: Result<Query<WsQuery>, QueryRejection>,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Result<Response, ApiError> {
    let token = query
        .ok()
        .and_then(|Query(q)| q.token)
        .ok_or_else(crate::session::unauthorized)?;
    st.ctx.session(&token)?;
    let upgrade = upgrade.map_err(|e| {
        ApiError::new(
            ErrorCode::MalformedRequest,
            format!("This address takes a WebSocket upgrade: {e}."),
        )
    })?;
    let rx = st.ctx.bus.subscribe();
    Ok(upgrade.on_upgrade(move |socket| stream_changes(socket, rx, st.ctx, token)))
}

/// How often a quiet WebSocket checks that its session is still alive.
const WS_SESSION_CHECK: std::time::Duration = std::time::Duration::from_secs(15);

async fn stream_changes(
    mut socket: WebSocket,
    mut rx: tokio::sync::broadcast::Receiver<Change>,
    ctx: Ctx,
    token: String,
) {
    let mut check = tokio::time::interval(WS_SESSION_CHECK);
    loop {
        tokio::select! {
            msg = rx.recv() => {
                // A signed-out, expired or revoked session hears nothing more.
                if !ctx.session_alive(&token) {
                    let _ = socket.send(Message::Close(None)).await;
                    return;
                }
                let change = match msg {
                    Ok(c) => c,
                    Err(RecvError::Lagged(_)) => Change::Reload,
                    Err(RecvError::Closed) => return,
                };
                let Ok(text) = serde_json::to_string(&change) else { continue };
                if socket.send(Message::Text(text.into())).await.is_err() {
                    return;
                }
            }
            _ = check.tick() => {
                if !ctx.session_alive(&token) {
                    let _ = socket.send(Message::Close(None)).await;
                    return;
                }
            }
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return,
                Some(Ok(_)) => {}
            }
        }
    }
}

async fn fallback(State(st): State<AppState>, method: Method, uri: Uri) -> Response {
    let path = uri.path();
    if path.starts_with("/api/") || path == "/api" {
        return ApiError::not_found(format!("There is no route {path}.")).into_response();
    }
    if method != Method::GET && method != Method::HEAD {
        return ApiError::new(ErrorCode::MethodNotAllowed, "Only GET is served here.")
            .into_response();
    }
    let Some(assets) = &st.assets else {
        return ApiError::not_found("This server has no UI files.").into_response();
    };
    let rel = path.trim_start_matches('/');
    let (file, data) = match assets.get(rel).filter(|_| !rel.is_empty()) {
        Some(d) => (rel, d),
        // The UI is one page: every other path gets index.html.
        None => match assets.get("index.html") {
            Some(d) => ("index.html", d),
            None => return ApiError::not_found("This server has no UI files.").into_response(),
        },
    };
    let mime = mime_guess::from_path(file).first_or_octet_stream();
    let mut resp = Response::new(Body::from(data.into_owned()));
    if let Ok(v) = HeaderValue::from_str(mime.as_ref()) {
        resp.headers_mut().insert(header::CONTENT_TYPE, v);
    }
    let cache = if file.starts_with("assets/") {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    resp
}

// ---- kitchen screens on the LAN ---------------------------------------------------------------

/// The kitchen screens' router, served on the LAN (`--screens-listen`): the board for any
/// browser, a paired screen's steps, pairing with a manager's code, the change stream and the
/// UI's files. Nothing of the counter's API: `/api/…` answers 404 here, and a counter's session
/// opens nothing (see [`crate::screens`]).
pub fn screens_router(ctx: Ctx, assets: Option<Arc<dyn Assets>>) -> Router {
    Router::new()
        .route(
            "/",
            get(|| async { axum::response::Redirect::to("/screen") }),
        )
        .route("/screen/api/ws", get(screen_ws))
        .route("/screen/api/{name}", post(screen_call))
        .route("/healthz", get(|| async { "ok" }))
        .method_not_allowed_fallback(|| async {
            ApiError::new(
                ErrorCode::MethodNotAllowed,
                "That method is not allowed here: calls are POST.",
            )
        })
        .fallback(fallback)
        .layer(axum::middleware::from_fn(security_headers))
        .layer(DefaultBodyLimit::disable())
        .layer(CatchPanicLayer::custom(
            |_: Box<dyn std::any::Any + Send>| {
                ApiError::internal(&"a handler panicked").into_response()
            },
        ))
        .with_state(AppState { ctx, assets })
}

fn value<T: serde::Serialize>(v: &T) -> Result<serde_json::Value, ApiError> {
    serde_json::to_value(v).map_err(|e| ApiError::internal(&e))
}

fn parse_body<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let body: &[u8] = if bytes.is_empty() { b"{}" } else { bytes };
    serde_json::from_slice(body).map_err(|e| {
        ApiError::new(
            ErrorCode::MalformedRequest,
            format!("The request does not fit this call: {e}."),
        )
    })
}

async fn screen_call(
    State(st): State<AppState>,
    name: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let Ok(Path(name)) = name else {
        return Err(ApiError::not_found("There is no call by that name."));
    };
    if !matches!(name.as_str(), "status" | "board" | "step" | "pair") {
        return Err(ApiError::not_found(format!(
            "A kitchen screen has no call named {name:?}."
        )));
    }
    let bytes = json_body(&headers, body).await?;
    let token = bearer(&headers);
    let ctx = st.ctx.clone();
    let out = tokio::task::spawn_blocking(move || -> Result<serde_json::Value, ApiError> {
        let t = token.as_deref();
        match name.as_str() {
            "status" => value(&crate::screens::screen_status(&ctx, t)?),
            "board" => value(&crate::screens::screen_board(&ctx, parse_body(&bytes)?)?),
            "step" => value(&crate::screens::screen_step(&ctx, t, parse_body(&bytes)?)?),
            _ => value(&crate::screens::screen_pair(&ctx, parse_body(&bytes)?)?),
        }
    })
    .await
    .map_err(|e| ApiError::internal(&e))??;
    Ok(axum::Json(out).into_response())
}

async fn screen_ws(
    State(st): State<AppState>,
    query: Result<Query<WsQuery>, QueryRejection>,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Result<Response, ApiError> {
    let token = query.ok().and_then(|Query(q)| q.token);
    let upgrade = upgrade.map_err(|e| {
        ApiError::new(
            ErrorCode::MalformedRequest,
            format!("This address takes a WebSocket upgrade: {e}."),
        )
    })?;
    let rx = st.ctx.bus.subscribe();
    Ok(upgrade.on_upgrade(move |socket| screen_changes(socket, rx, st.ctx, token)))
}

/// What a screen hears: that orders, the menu or the settings changed (ids and versions, no
/// content); a paired screen whose token was revoked hears nothing more.
async fn screen_changes(
    mut socket: WebSocket,
    mut rx: tokio::sync::broadcast::Receiver<Change>,
    ctx: Ctx,
    token: Option<String>,
) {
    let mut check = tokio::time::interval(WS_SESSION_CHECK);
    loop {
        tokio::select! {
            msg = rx.recv() => {
                let change = match msg {
                    Ok(c @ (Change::Order { .. } | Change::Catalog | Change::Settings | Change::Reload)) => c,
                    Ok(Change::Printing) => continue,
                    Err(RecvError::Lagged(_)) => Change::Reload,
                    Err(RecvError::Closed) => return,
                };
                let Ok(text) = serde_json::to_string(&change) else { continue };
                if socket.send(Message::Text(text.into())).await.is_err() {
                    return;
                }
            }
            _ = check.tick() => {
                let c = ctx.clone();
                let gone = tokio::task::spawn_blocking({
                    let token = token.clone();
                    move || token.is_some() && revoked_check(&c, token.as_deref())
                }).await.unwrap_or(false);
                if gone {
                    let _ = socket.send(Message::Close(None)).await;
                    return;
                }
            }
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return,
                Some(Ok(_)) => {}
            }
        }
    }
}

/// The token named no live screen (revoked since the stream began).
fn revoked_check(ctx: &Ctx, token: Option<&str>) -> bool {
    matches!(crate::screens::screen_of(ctx, token), Ok(None))
}
