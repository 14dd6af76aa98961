//! The hub's HTTP surface: `/v1/pair`, `/v1/exchange` (the sync protocol, from comanda-sync),
//! `/healthz`, `/readyz`, `/metrics` and `/v1/openapi.json`. Every error is a `{code, message}`
//! body.

use std::fmt::Write as _;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use comanda_sync::http::error;
use comanda_sync::wire::PairRequest;

use crate::error::HubError;
use crate::hub::Hub;

/// The whole router of the hub.
pub fn router(hub: Arc<Hub>) -> Router {
    let sync = comanda_sync::http::router(hub.clone());
    Router::new()
        .route("/v1/pair", post(pair))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(ready))
        .route("/metrics", get(metrics))
        .route(
            "/v1/openapi.json",
            get(|| async { axum::Json(crate::openapi::document()) }),
        )
        .fallback(|| async { error(StatusCode::NOT_FOUND, "not_found", "no such route") })
        .with_state(hub)
        .merge(sync)
        .layer(axum::extract::DefaultBodyLimit::max(
            comanda_sync::http::MAX_BODY,
        ))
}

async fn pair(
    State(hub): State<Arc<Hub>>,
    extensions: axum::http::Extensions,
    body: Bytes,
) -> Response {
    let req: PairRequest = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => {
            return error(
                StatusCode::BAD_REQUEST,
                "bad_request",
                format!("expected {{\"proof\": \"…\", \"name\": \"Counter 2\"}}: {e}"),
            );
        }
    };
    let joiner = comanda_sync::tls::peer_cert(&extensions);
    let from = extensions
        .get::<axum::extract::ConnectInfo<comanda_sync::tls::PeerAddr>>()
        .map(|c| c.0.addr.ip());
    match tokio::task::spawn_blocking(move || hub.pair(&req, joiner, from)).await {
        Ok(Ok(resp)) => axum::Json(resp).into_response(),
        Ok(Err(e)) => e.into_response(),
        Err(_) => HubError::Setup("pairing was interrupted".into()).into_response(),
    }
}

async fn ready(State(hub): State<Arc<Hub>>) -> Response {
    match tokio::task::spawn_blocking(move || hub.ready()).await {
        Ok(Ok(())) => "ready".into_response(),
        Ok(Err(e)) => e.into_response(),
        Err(_) => HubError::Setup("interrupted".into()).into_response(),
    }
}

async fn metrics(State(hub): State<Arc<Hub>>) -> Response {
    match tokio::task::spawn_blocking(move || render_metrics(&hub)).await {
        Ok(Ok(text)) => {
            ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], text).into_response()
        }
        Ok(Err(e)) => e.into_response(),
        Err(_) => HubError::Setup("interrupted".into()).into_response(),
    }
}

/// The Prometheus text exposition of the hub's counters and each store's state.
pub fn render_metrics(hub: &Hub) -> Result<String, HubError> {
    let mut out = String::new();
    let c = &hub.counters;
    for (name, help, value) in [
        (
            "comanda_exchanges_total",
            "Exchanges answered.",
            &c.exchanges,
        ),
        (
            "comanda_events_received_total",
            "Events received in exchanges.",
            &c.events_in,
        ),
        (
            "comanda_events_sent_total",
            "Events sent in exchanges.",
            &c.events_out,
        ),
        ("comanda_pairings_total", "Devices paired.", &c.pairings),
        (
            "comanda_pair_failures_total",
            "Wrong pairing codes.",
            &c.pair_failures,
        ),
    ] {
        let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} counter");
        let _ = writeln!(out, "{name} {}", value.load(Ordering::Relaxed));
    }
    let _ = writeln!(
        out,
        "# HELP comanda_events_held Events the hub holds, per store and device.\n# TYPE comanda_events_held gauge"
    );
    let mut refused = String::new();
    for s in hub.stores()? {
        let store = hub.store(s.store_id)?;
        let vector = store.read(|r| r.vector())?;
        for (device, held) in vector.iter() {
            let _ = writeln!(
                out,
                "comanda_events_held{{store=\"{}\",device=\"{device}\"}} {}",
                s.store_id,
                held.count()
            );
        }
        let (dead, _) = store.read(|r| r.dead_letter_counts())?;
        let _ = writeln!(
            refused,
            "comanda_refusals{{store=\"{}\"}} {dead}",
            s.store_id
        );
    }
    let _ = writeln!(
        out,
        "# HELP comanda_refusals Events refused or held as unreadable, per store.\n# TYPE comanda_refusals gauge\n{refused}"
    );
    let _ = writeln!(
        out,
        "# HELP comanda_peer_last_seen_ms When each paired device last exchanged (Unix ms).\n# TYPE comanda_peer_last_seen_ms gauge"
    );
    for d in hub.devices(None)? {
        if d.revoked_ms.is_none() {
            let _ = writeln!(
                out,
                "comanda_peer_last_seen_ms{{store=\"{}\",device=\"{}\",terminal=\"{}\"}} {}",
                d.store_id,
                d.device_id,
                d.terminal_no,
                d.last_seen_ms.unwrap_or(0)
            );
        }
    }
    Ok(out)
}
