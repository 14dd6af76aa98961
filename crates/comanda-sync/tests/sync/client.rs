//! The asking side as a worker: over real HTTPS (TLS, both certificates pinned) to a real
//! answering router on port 0, and through a scripted transport for every kind of failure.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use comanda_domain::ids::DeviceId;
use comanda_store::Store;
use comanda_sync::client::{BACKOFF_MAX, BREAKER_OPEN};
use comanda_sync::http::{Authority, Grant, HttpTransport, router, tls_client};
use comanda_sync::tls::{Fingerprint, Identity, Pin};
use comanda_sync::wire::{ExchangeRequest, ExchangeResponse};
use comanda_sync::{Failure, PeerClient, PeerState, Step, SyncError, Transport, answer};

use crate::support::Node;

/// One token, granted to one device of one store when it comes with that device's certificate.
struct OneToken {
    token: String,
    cert: Fingerprint,
    grant: Grant,
}

impl Authority for OneToken {
    fn authenticate(
        &self,
        token: &str,
        cert: Option<&Fingerprint>,
    ) -> Result<Option<Grant>, SyncError> {
        Ok((token == self.token && cert == Some(&self.cert)).then(|| self.grant.clone()))
    }
}

/// Serves `store` over TLS to `device`, which presents `asker`'s certificate with `token`.
/// Returns the address and the server's certificate to pin.
async fn serve(
    store: Arc<Store>,
    device: DeviceId,
    token: &str,
    asker: &Identity,
) -> (String, Fingerprint) {
    let app = router(Arc::new(OneToken {
        token: token.into(),
        cert: asker.fingerprint(),
        grant: Grant {
            store_id: store.device().unwrap().store_id,
            store,
            device_id: device,
        },
    }));
    let me = Identity::generate().unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let pin = me.fingerprint();
    tokio::spawn(async move {
        comanda_sync::tls::serve(listener, &me, app, std::future::pending()).await
    });
    (format!("https://{addr}"), pin)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_terminal_syncs_with_a_hub_over_http_until_nothing_is_left() {
    let a = Node::paired(1);
    let hub = Node::paired(2);
    a.cashier(20, 30);
    hub.cashier(21, 5);
    let (a_id, hub_id) = (a.id(), hub.id());
    let hub_store = Arc::new(hub.store);
    let me = Identity::generate().unwrap();
    let (url, pin) = serve(hub_store.clone(), a_id, "secret-a", &me).await;
    let a_store = Arc::new(a.store);
    let transport = HttpTransport::new("secret-a", &me, pin).unwrap();
    let mut client = PeerClient::new(hub_id, url, 1);
    let mut steps = 0;
    loop {
        steps += 1;
        match client.step(&a_store, &transport, 1_000).await.unwrap() {
            Step::Exchanged { more: true, .. } => {}
            Step::Exchanged { more: false, .. } => break,
            other => panic!("{other:?}"),
        }
        assert!(steps < 100);
    }
    assert_eq!(client.state(), &PeerState::Online);
    // This node has no live path: a watch says so (404), and the asker polls instead.
    match transport.watch(client.address(), None).await {
        Err(Failure::Status {
            status: 404, code, ..
        }) => assert_eq!(code, "no_live_path"),
        other => panic!("{other:?}"),
    }
    let count = |s: &Store| s.read(|r| r.event_count()).unwrap();
    assert_eq!(count(&a_store), count(&hub_store));
    assert_eq!(
        a_store.read(|r| r.vector()).unwrap(),
        hub_store.read(|r| r.vector()).unwrap()
    );
    // The hub now knows what A holds: A's outbox is empty.
    assert_eq!(a_store.read(|r| r.outbox_stats()).unwrap().waiting, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_token_stops_the_worker_until_paired_again() {
    let a = Node::paired(1);
    let hub = Node::paired(2);
    let (a_id, hub_id) = (a.id(), hub.id());
    let me = Identity::generate().unwrap();
    let (url, pin) = serve(Arc::new(hub.store), a_id, "right", &me).await;
    let store = Arc::new(a.store);
    let mut client = PeerClient::new(hub_id, url.clone(), 1);
    let wrong = HttpTransport::new("wrong", &me, pin).unwrap();
    let step = client.step(&store, &wrong, 0).await.unwrap();
    assert_eq!(step, Step::Stopped);
    assert!(matches!(client.state(), PeerState::MustPair(why) if why.contains("401")));
    // No busy loop: later steps do not even call the peer.
    assert_eq!(
        client.step(&store, &wrong, 60_000).await.unwrap(),
        Step::Stopped
    );
    let peers = store.read(|r| r.peers()).unwrap();
    assert!(
        peers[0]
            .last_error
            .as_deref()
            .unwrap()
            .contains("unauthorized")
    );
    // The right token from another certificate (a copied disk): refused the same way.
    client.reset();
    let copy = HttpTransport::new("right", &Identity::generate().unwrap(), pin).unwrap();
    assert_eq!(
        client.step(&store, &copy, 65_000).await.unwrap(),
        Step::Stopped
    );
    // Paired again (a new token), it goes on.
    client.reset();
    let right = HttpTransport::new("right", &me, pin).unwrap();
    assert!(matches!(
        client.step(&store, &right, 70_000).await.unwrap(),
        Step::Exchanged { .. }
    ));

    // The router answers malformed requests with a JSON {code, message}, never a 5xx.
    let http = tls_client(Some(&me), Pin::Is(pin)).unwrap();
    let r = http
        .post(format!("{url}/v1/exchange"))
        .bearer_auth("right")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["code"], "bad_message");
    let r = http
        .post(format!("{url}/v1/exchange"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    // A request naming another device than the token's.
    let other = Node::paired(3);
    let req = comanda_sync::Link::new(hub_id)
        .request(&other.store)
        .unwrap();
    let r = http
        .post(format!("{url}/v1/exchange"))
        .bearer_auth("right")
        .json(&req)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["code"], "wrong_device");
}

/// A transport that plays a script of failures, then answers from a real store.
struct Scripted {
    script: Mutex<VecDeque<Failure>>,
    peer: Arc<Store>,
    seen: Mutex<Vec<(u32, u32)>>,
}

impl Transport for Scripted {
    async fn exchange(
        &self,
        _address: &str,
        req: &ExchangeRequest,
    ) -> Result<ExchangeResponse, Failure> {
        self.seen
            .lock()
            .unwrap()
            .push((req.max_events, req.max_bytes));
        if let Some(f) = self.script.lock().unwrap().pop_front() {
            return Err(f);
        }
        answer(&self.peer, req).map_err(|e| Failure::Protocol(e.to_string()))
    }
}

fn status(code: u16, after: Option<u64>) -> Failure {
    Failure::Status {
        status: code,
        retry_after: after.map(Duration::from_secs),
        code: "x".into(),
        message: "y".into(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_failure_rearms_the_worker_with_backoff_a_breaker_and_what_the_peer_asked() {
    let a = Node::paired(1);
    let hub = Node::paired(2);
    a.cashier(22, 5);
    let hub_id = hub.id();
    let store = Arc::new(a.store);
    let unreachable = || Failure::Unreachable("connection refused".into());
    let t = Scripted {
        script: Mutex::new(VecDeque::from(vec![
            status(413, None),
            status(429, Some(7)),
            unreachable(),
            status(500, None),
            unreachable(),
            Failure::Protocol("garbage".into()),
            unreachable(),
        ])),
        peer: Arc::new(hub.store),
        seen: Mutex::default(),
    };
    let mut client = PeerClient::new(hub_id, "http://hub", 7);
    let mut now = 0;
    // 413: the pages are halved and the next try is at once.
    let step = client.step(&store, &t, now).await.unwrap();
    assert!(matches!(step, Step::Failed { next_ms, .. } if next_ms == now));
    // 429 with Retry-After: 7 s.
    let step = client.step(&store, &t, now).await.unwrap();
    let Step::Failed { next_ms, .. } = step else {
        panic!("{step:?}")
    };
    assert_eq!(next_ms, now + 7_000);
    // Not due yet: no call.
    assert_eq!(
        client.step(&store, &t, now + 1).await.unwrap(),
        Step::WaitUntil(next_ms)
    );
    now = next_ms;
    // Then backoff with full jitter: each delay at most the doubling cap, never past 60 s; the
    // fifth failure in a row (the 429 was the first; a 413 is not one) opens the circuit for
    // 30 s.
    let mut cap = 250;
    for n in 2..=6 {
        let step = client.step(&store, &t, now).await.unwrap();
        let Step::Failed { next_ms, .. } = step else {
            panic!("{step:?}")
        };
        assert!(next_ms >= now);
        if n >= 5 {
            assert!(next_ms >= now + BREAKER_OPEN.as_millis() as u64, "{n}");
            assert!(matches!(client.state(), PeerState::Open { .. }));
        } else {
            assert!(next_ms <= now + cap, "{n}: {} > {cap}", next_ms - now);
            assert!(matches!(client.state(), PeerState::Retrying { .. }));
        }
        cap = (cap * 2).min(BACKOFF_MAX.as_millis() as u64);
        now = next_ms;
    }
    // The script is spent: the probe goes through and everything resets.
    let step = client.step(&store, &t, now).await.unwrap();
    assert!(matches!(step, Step::Exchanged { .. }), "{step:?}");
    assert_eq!(client.state(), &PeerState::Online);
    let seen = t.seen.lock().unwrap();
    assert_eq!(seen[0], (5_000, 4 << 20));
    assert_eq!(seen[1], (2_500, 2 << 20), "halved after the 413");
}
