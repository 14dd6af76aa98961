//! The exchange over HTTPS: the answering side as an axum router (`POST /v1/exchange`, served by
//! the hub and, on the store's LAN, by every terminal, behind [`crate::tls::serve`]), and the
//! asking side as a [`Transport`] on reqwest with the peer's certificate pinned. JSON both ways;
//! every error is a `{code, message}` body with a status the client acts on (see
//! [`crate::client`]). A request is granted when its bearer token and its client certificate
//! are both those of one paired device.
//!
//! The live path is `GET /v1/watch?after=N`, a long poll: it answers the node's change counter
//! for the asker's store as soon as it differs from `N`, or after [`WATCH_WAIT`] anyway. A
//! change means "exchange with me now"; the events themselves still travel only by the
//! exchange, so the live path can lose, double or delay a notice without losing an event. A
//! long poll rather than a stream (SSE, WebSocket): one plain request at a time, which any proxy
//! and any HTTP client handle, and a dead connection is found by the next request's timeout.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{Extensions, HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use comanda_domain::ids::{DeviceId, StoreId};
use comanda_store::{Ingested, Store};
use serde::{Deserialize, Serialize};

use crate::client::{Failure, Transport, blocking};
use crate::error::SyncError;
use crate::exchange::{MAX_PAGE_BYTES, answer_with};
use crate::tls::{Fingerprint, Identity, Pin, client_config, peer_cert};
use crate::wire::{ExchangeRequest, ExchangeResponse, WatchResponse};

/// The largest request body taken: a full page of events and a vector, with room (16 MiB).
pub const MAX_BODY: usize = 2 * MAX_PAGE_BYTES as usize;

/// How long an asker waits to connect to a peer.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
/// How long an asker waits for a whole answer.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a watch waits for a change before answering anyway (under common idle timeouts of
/// proxies and NAT, 30–60 s).
pub const WATCH_WAIT: Duration = Duration::from_secs(25);

/// Who a bearer token stands for on this node.
#[derive(Clone)]
pub struct Grant {
    /// The store it may sync (this node's copy of it).
    pub store: Arc<Store>,
    /// That store's id.
    pub store_id: StoreId,
    /// The device it was issued to: the only `from` it may send.
    pub device_id: DeviceId,
}

/// What the answering side asks of the node serving it.
pub trait Authority: Send + Sync + 'static {
    /// The grant of a bearer token presented over a connection with client certificate `cert`,
    /// or `None` when the token is unknown or revoked, or the certificate is not the one its
    /// device paired with.
    fn authenticate(
        &self,
        token: &str,
        cert: Option<&Fingerprint>,
    ) -> Result<Option<Grant>, SyncError>;
    /// Called after each answered exchange, with what this node took in (to announce the
    /// streams it touched, and for metrics and "last seen") and how many events it sent.
    fn exchanged(&self, _grant: &Grant, _ingested: &Ingested, _sent: usize) {}
    /// The change counter of the grant's store on this node: it moves whenever that store
    /// gains events here (a local commit, an exchange with anyone). `None`: no live path
    /// (`/v1/watch` answers 404 and askers poll).
    fn changes(&self, _grant: &Grant) -> Option<tokio::sync::watch::Receiver<u64>> {
        None
    }
    /// True once the node is shutting down: watches are answered 503 at once (and woken by a
    /// last move of the counter), so graceful shutdown never waits out a long poll, not even
    /// one sent again on a connection that is closing.
    fn closing(&self) -> bool {
        false
    }
}

/// The query of `GET /v1/watch`.
#[derive(Debug, Clone, Copy, Deserialize)]
struct WatchQuery {
    /// The counter the asker last saw (answered at once when it differs).
    #[serde(default)]
    after: Option<u64>,
}

/// The `{code, message}` body of every error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// What a program branches on.
    pub code: String,
    /// What a person reads.
    pub message: String,
}

/// An error answer.
pub fn error(status: StatusCode, code: &str, message: impl Into<String>) -> Response {
    let body = ErrorBody {
        code: code.to_owned(),
        message: message.into(),
    };
    let mut resp = (status, axum::Json(body)).into_response();
    if status == StatusCode::SERVICE_UNAVAILABLE {
        resp.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    }
    resp
}

fn sync_error(e: &SyncError) -> Response {
    let status = match e {
        SyncError::Protocol(_) | SyncError::BadMessage(_) | SyncError::WrongPeer { .. } => {
            StatusCode::BAD_REQUEST
        }
        SyncError::WrongStore => StatusCode::FORBIDDEN,
        SyncError::NotPaired
        | SyncError::Store(_)
        | SyncError::ShuttingDown
        | SyncError::Tls(_) => StatusCode::SERVICE_UNAVAILABLE,
    };
    if let SyncError::Store(inner) = e {
        tracing::error!(error = %inner, "exchange failed in the store");
        return error(status, e.code(), "the store could not answer; try again");
    }
    error(status, e.code(), e.to_string())
}

/// The SHA-256 of a bearer token, in hex: what nodes keep and compare (a token carries 256
/// random bits, so a fast hash is as safe as a slow one, and costs nothing per exchange).
pub fn token_hash(token: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(token.as_bytes()))
}

/// The bearer token of a request, if it carries one.
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

/// The router of the answering side: `POST /v1/exchange`.
pub fn router(authority: Arc<dyn Authority>) -> Router {
    Router::new()
        .route("/v1/exchange", post(exchange))
        .route("/v1/watch", get(watch))
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY))
        .with_state(authority)
}

/// The grant of the request's bearer token and client certificate, or the error to answer.
fn grant_of(
    authority: &dyn Authority,
    headers: &HeaderMap,
    extensions: &Extensions,
) -> Result<Grant, Box<Response>> {
    let Some(token) = bearer(headers) else {
        return Err(Box::new(error(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "a device token is needed (Authorization: Bearer …)",
        )));
    };
    match authority.authenticate(token, peer_cert(extensions).as_ref()) {
        Ok(Some(g)) => Ok(g),
        Ok(None) => Err(Box::new(error(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "this device is not paired here (unknown or revoked token, or not the certificate it paired with)",
        ))),
        Err(e) => Err(Box::new(sync_error(&e))),
    }
}

async fn watch(
    State(authority): State<Arc<dyn Authority>>,
    extensions: Extensions,
    headers: HeaderMap,
    query: Result<Query<WatchQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let grant = match grant_of(authority.as_ref(), &headers, &extensions) {
        Ok(g) => g,
        Err(resp) => return *resp,
    };
    let Ok(Query(q)) = query else {
        return error(
            StatusCode::BAD_REQUEST,
            "bad_message",
            "`after` must be a whole number (the counter last seen)",
        );
    };
    let Some(mut changes) = authority.changes(&grant) else {
        return error(
            StatusCode::NOT_FOUND,
            "no_live_path",
            "this node has no live path: exchange on a timer",
        );
    };
    let shutting_down = || {
        let mut resp = error(
            StatusCode::SERVICE_UNAVAILABLE,
            "shutting_down",
            "this node is shutting down: watch again in a moment",
        );
        resp.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        resp
    };
    if authority.closing() {
        return shutting_down();
    }
    let now = *changes.borrow_and_update();
    if q.after != Some(now) {
        return axum::Json(WatchResponse { version: now }).into_response();
    }
    // Nothing new yet: wait for a change (or the node shutting down), at most WATCH_WAIT.
    let _ = tokio::time::timeout(WATCH_WAIT, changes.changed()).await;
    if authority.closing() {
        return shutting_down();
    }
    let version = *changes.borrow();
    axum::Json(WatchResponse { version }).into_response()
}

async fn exchange(
    State(authority): State<Arc<dyn Authority>>,
    extensions: Extensions,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let grant = match grant_of(authority.as_ref(), &headers, &extensions) {
        Ok(g) => g,
        Err(resp) => return *resp,
    };
    let req: ExchangeRequest = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => {
            return error(
                StatusCode::BAD_REQUEST,
                "bad_message",
                format!("not an exchange request: {e}"),
            );
        }
    };
    if req.from != grant.device_id {
        return error(
            StatusCode::FORBIDDEN,
            "wrong_device",
            "the request names another device than the token's",
        );
    }
    let store = grant.store.clone();
    match blocking(move || answer_with(&store, &req)).await {
        Ok(Ok((resp, ingested))) => {
            authority.exchanged(&grant, &ingested, resp.events.len());
            axum::Json(resp).into_response()
        }
        Ok(Err(e)) | Err(e) => sync_error(&e),
    }
}

/// An HTTP client over TLS that presents `identity` and accepts only what `pin` says, with
/// every timeout set.
pub fn tls_client(identity: Option<&Identity>, pin: Pin) -> Result<reqwest::Client, SyncError> {
    reqwest::Client::builder()
        .use_preconfigured_tls(client_config(identity, pin)?)
        .https_only(true)
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(REQUEST_TIMEOUT)
        .tcp_nodelay(true)
        .build()
        .map_err(|e| SyncError::Tls(format!("building the HTTP client: {e}")))
}

/// An error with its causes (`reqwest` puts what went wrong, a refused certificate, a refused
/// connection, in the chain rather than in its own words), a refused certificate in words.
pub fn with_causes(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        let more = readable(c);
        if !text.contains(&more) {
            text.push_str(": ");
            text.push_str(&more);
        }
        cause = c.source();
    }
    text
}

/// A cause in words: a certificate refused by a pin says why rather than rustls' debug form.
fn readable(c: &(dyn std::error::Error + 'static)) -> String {
    // rustls' error reaches here wrapped in one `io::Error` or more.
    let mut inner = c;
    let tls = loop {
        if let Some(t) = inner.downcast_ref::<rustls::Error>() {
            break Some(t);
        }
        match inner
            .downcast_ref::<std::io::Error>()
            .and_then(std::io::Error::get_ref)
        {
            Some(next) => inner = next,
            None => break None,
        }
    };
    match tls {
        Some(rustls::Error::InvalidCertificate(rustls::CertificateError::Other(why))) => {
            why.0.to_string()
        }
        _ => c.to_string(),
    }
}

/// The asking side over HTTPS: `POST {address}/v1/exchange` with this device's token and
/// certificate, to the node whose certificate is pinned.
#[derive(Debug, Clone)]
pub struct HttpTransport {
    client: reqwest::Client,
    token: String,
}

impl HttpTransport {
    /// A transport that authenticates as `identity` with `token`, to the node `peer` only.
    pub fn new(
        token: impl Into<String>,
        identity: &Identity,
        peer: Fingerprint,
    ) -> Result<HttpTransport, SyncError> {
        Ok(HttpTransport {
            client: tls_client(Some(identity), Pin::Is(peer))?,
            token: token.into(),
        })
    }

    /// Waits on `GET {address}/v1/watch` for the peer's change counter to differ from `after`
    /// (or [`WATCH_WAIT`] to pass) and returns it.
    pub async fn watch(&self, address: &str, after: Option<u64>) -> Result<u64, Failure> {
        let mut url = format!("{}/v1/watch", address.trim_end_matches('/'));
        if let Some(after) = after {
            url.push_str(&format!("?after={after}"));
        }
        let req = self.client.get(&url).timeout(WATCH_WAIT + REQUEST_TIMEOUT);
        self.send::<WatchResponse>(req).await.map(|w| w.version)
    }

    /// Sends `req` with this device's token and reads a JSON answer, or says why not.
    async fn send<T: serde::de::DeserializeOwned>(
        &self,
        req: reqwest::RequestBuilder,
    ) -> Result<T, Failure> {
        let resp = req
            .bearer_auth(&self.token)
            .send()
            .await
            .map_err(|e| Failure::Unreachable(with_causes(&e)))?;
        if resp.status().is_success() {
            return resp
                .json::<T>()
                .await
                .map_err(|e| Failure::Protocol(e.to_string()));
        }
        Err(status_failure(resp).await)
    }
}

/// What a refused request says: its status, `Retry-After` and `{code, message}`.
async fn status_failure(resp: reqwest::Response) -> Failure {
    let status = resp.status();
    let after = retry_after(resp.headers());
    let text = resp.text().await.unwrap_or_default();
    let body: ErrorBody = serde_json::from_str(&text).unwrap_or(ErrorBody {
        code: "http".into(),
        message: text.chars().take(200).collect(),
    });
    Failure::Status {
        status: status.as_u16(),
        retry_after: after,
        code: body.code,
        message: body.message,
    }
}

fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse::<u64>()
        .ok()
        .map(Duration::from_secs)
}

impl Transport for HttpTransport {
    async fn exchange(
        &self,
        address: &str,
        req: &ExchangeRequest,
    ) -> Result<ExchangeResponse, Failure> {
        let url = format!("{}/v1/exchange", address.trim_end_matches('/'));
        self.send(self.client.post(&url).json(req)).await
    }
}
