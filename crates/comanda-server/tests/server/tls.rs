//! TLS between nodes against machines that should not be trusted: a relay in the middle of a
//! pairing, a fake hub that accepts any code, and another node at a paired address.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::IntoResponse;
use comanda_sync::Failure;
use comanda_sync::http::tls_client;
use comanda_sync::pair::{PairFailure, ask_to_pair};
use comanda_sync::tls::{Identity, Pin};
use serde_json::json;

use super::{serve_tls, start, terminal};

/// A machine in the middle: it ends the terminal's TLS with a certificate of its own and relays
/// every request to the hub over its own TLS connection (as a compromised router could).
async fn relay_to(hub_url: String, hub_pin: Pin) -> String {
    let me = Identity::generate().unwrap();
    let upstream = tls_client(Some(&me), hub_pin).unwrap();
    let relay = axum::Router::new()
        .fallback(
            |State((up, url)): State<(reqwest::Client, String)>,
             method: Method,
             uri: Uri,
             headers: HeaderMap,
             body: Bytes| async move {
                let mut req = up
                    .request(method, format!("{url}{uri}"))
                    .header("content-type", "application/json")
                    .body(body);
                if let Some(auth) = headers.get("authorization") {
                    req = req.header("authorization", auth.clone());
                }
                let r = req.send().await.unwrap();
                let status = StatusCode::from_u16(r.status().as_u16()).unwrap();
                (status, r.bytes().await.unwrap()).into_response()
            },
        )
        .with_state((upstream, hub_url));
    serve_tls(&me, relay).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_relay_in_the_middle_of_a_pairing_gets_nothing_and_the_code_still_works() {
    let s = start().await;
    let store = s.hub.create_store("Bistro").unwrap();
    let code = s.hub.make_code(store.store_id, 60_000).unwrap();
    let relay = relay_to(s.url.clone(), Pin::Is(s.pin())).await;
    let identity = Identity::generate().unwrap();
    // The terminal proved the code for the relay's certificate; the hub sees another one.
    match ask_to_pair(&relay, &code, "Counter", &identity).await {
        Err(PairFailure::Refused { status: 403, .. }) => {}
        other => panic!("{other:?}"),
    }
    assert!(
        s.hub.devices(None).unwrap().is_empty(),
        "nothing was paired"
    );
    // The code was never used: the terminal pairs with the real hub.
    let paired = ask_to_pair(&s.url, &code, "Counter", &identity)
        .await
        .unwrap();
    assert_eq!(paired.node, s.pin());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fake_hub_that_accepts_any_code_is_not_trusted() {
    let fake = Identity::generate().unwrap();
    let store_id = comanda_domain::ids::StoreId::new(&comanda_domain::ids::SeqIds::new(3));
    let device = comanda_domain::ids::DeviceId::new(&comanda_domain::ids::SeqIds::new(4));
    let answer = json!({
        "protocol": 1, "store_id": store_id, "store_name": "Evil", "device_id": device,
        "terminal_no": 1, "token": "cmd_x", "peer": device, "proof": "00".repeat(32),
    });
    let router = axum::Router::new()
        .route(
            "/v1/pair",
            axum::routing::post(move || async move { axum::Json(answer) }),
        )
        .fallback(|| async { "ok" });
    let url = serve_tls(&fake, router).await;
    let identity = Identity::generate().unwrap();
    match ask_to_pair(&url, "ABCDE-FGHJK", "Counter", &identity).await {
        Err(PairFailure::NotProved) => {}
        other => panic!("{other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_node_at_a_paired_address_is_refused_by_its_certificate() {
    let s = start().await;
    let store = s.hub.create_store("Bistro").unwrap();
    let t = terminal(
        s.pair(&s.hub.make_code(store.store_id, 60_000).unwrap(), "Counter")
            .await,
        1,
        &s,
    );
    assert!(t.transport().watch(&s.url, None).await.is_ok());
    // Another hub (another machine that took the address, or a hub reinstalled from scratch).
    let other = start().await;
    match t.transport().watch(&other.url, None).await {
        Err(Failure::Unreachable(why)) => {
            assert!(why.contains("not the one paired with"), "{why}");
        }
        other => panic!("{other:?}"),
    }
    // And plain HTTP to a node gets no answer from it.
    comanda_sync::tls::install_default_provider();
    let plain = reqwest::Client::new();
    let url = s.url.replacen("https://", "http://", 1);
    assert!(plain.get(format!("{url}/healthz")).send().await.is_err());
}
