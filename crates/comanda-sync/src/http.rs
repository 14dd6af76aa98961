//! The exchange over HTTP: the answering side as an axum router (`POST /v1/exchange`, served by
//! the hub and, on the store's LAN, by every terminal), and the asking side as a
//! [`Transport`] on reqwest. JSON both ways; every error is a `{code, message}` body with a
//! status the client acts on (see [`crate::client`]).

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use comanda_domain::ids::DeviceId;
use comanda_store::{Ingested, Store};
use serde::{Deserialize, Serialize};

use crate::client::{Failure, Transport, blocking};
use crate::error::SyncError;
use crate::exchange::{MAX_PAGE_BYTES, answer_with};
use crate::wire::{ExchangeRequest, ExchangeResponse};

/// The largest request body taken: a full page of events and a vector, with room (16 MiB).
pub const MAX_BODY: usize = 2 * MAX_PAGE_BYTES as usize;

/// How long an asker waits to connect to a peer.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
/// How long an asker waits for a whole answer.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Who a bearer token stands for on this node.
#[derive(Clone)]
pub struct Grant {
    /// The store it may sync (this node's copy of it).
    pub store: Arc<Store>,
    /// The device it was issued to: the only `from` it may send.
    pub device_id: DeviceId,
}

/// What the answering side asks of the node serving it.
pub trait Authority: Send + Sync + 'static {
    /// The grant of a bearer token, or `None` when it is unknown or revoked.
    fn authenticate(&self, token: &str) -> Result<Option<Grant>, SyncError>;
    /// Called after each answered exchange, with what this node took in (to announce the
    /// streams it touched, and for metrics and "last seen") and how many events it sent.
    fn exchanged(&self, _device: DeviceId, _ingested: &Ingested, _sent: usize) {}
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
        SyncError::NotPaired | SyncError::Store(_) | SyncError::ShuttingDown => {
            StatusCode::SERVICE_UNAVAILABLE
        }
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
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY))
        .with_state(authority)
}

async fn exchange(
    State(authority): State<Arc<dyn Authority>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(token) = bearer(&headers) else {
        return error(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "a device token is needed (Authorization: Bearer …)",
        );
    };
    let grant = match authority.authenticate(token) {
        Ok(Some(g)) => g,
        Ok(None) => {
            return error(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "this device is not paired here (unknown or revoked token)",
            );
        }
        Err(e) => return sync_error(&e),
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
            authority.exchanged(grant.device_id, &ingested, resp.events.len());
            axum::Json(resp).into_response()
        }
        Ok(Err(e)) | Err(e) => sync_error(&e),
    }
}

/// The asking side over HTTP: `POST {address}/v1/exchange` with this device's token.
#[derive(Debug, Clone)]
pub struct HttpTransport {
    client: reqwest::Client,
    token: String,
}

impl HttpTransport {
    /// A transport that authenticates with `token`.
    pub fn new(token: impl Into<String>) -> Result<HttpTransport, SyncError> {
        let client = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(REQUEST_TIMEOUT)
            .build()
            .map_err(|e| SyncError::BadMessage(format!("building the HTTP client: {e}")))?;
        Ok(HttpTransport {
            client,
            token: token.into(),
        })
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
        let resp = self
            .client
            .post(&url)
            .bearer_auth(&self.token)
            .json(req)
            .send()
            .await
            .map_err(|e| Failure::Unreachable(e.to_string()))?;
        let status = resp.status();
        if status.is_success() {
            return resp
                .json::<ExchangeResponse>()
                .await
                .map_err(|e| Failure::Protocol(e.to_string()));
        }
        let after = retry_after(resp.headers());
        let text = resp.text().await.unwrap_or_default();
        let body: ErrorBody = serde_json::from_str(&text).unwrap_or(ErrorBody {
            code: "http".into(),
            message: text.chars().take(200).collect(),
        });
        Err(Failure::Status {
            status: status.as_u16(),
            retry_after: after,
            code: body.code,
            message: body.message,
        })
    }
}
