//! The hub on a real port, over TLS: pairing with one-time codes bound to the certificates, the
//! walls between stores and devices, two terminals converging through it, its health and
//! metrics.

mod tls;

use std::sync::Arc;

use comanda_domain::clock::ManualClock;
use comanda_domain::ids::SeqIds;
use comanda_server::Hub;
use comanda_store::{Pairing, Store};
use comanda_sync::http::{HttpTransport, tls_client};
use comanda_sync::pair::ask_to_pair;
use comanda_sync::tls::{Fingerprint, Identity, Pin, Side, code_key, pair_proof};
use comanda_sync::wire::PairResponse;
use comanda_sync::{Link, PeerClient, Step};
use comanda_testkit::actions;
use comanda_testkit::rng::Rng;
use serde_json::{Value, json};
use tempfile::TempDir;

struct Running {
    _dir: TempDir,
    hub: Arc<Hub>,
    url: String,
    clock: Arc<ManualClock>,
    /// A client that presents no certificate (and trusts only the hub's).
    http: reqwest::Client,
}

/// Serves `router` over TLS as `identity` on a free loopback port; returns `https://…`.
async fn serve_tls(identity: &Identity, router: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("https://{}", listener.local_addr().unwrap());
    let identity = identity.clone();
    tokio::spawn(async move {
        comanda_sync::tls::serve(listener, &identity, router, std::future::pending()).await
    });
    url
}

async fn start() -> Running {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(ManualClock::new(1_780_000_000_000));
    let hub = Arc::new(Hub::open(dir.path(), clock.clone(), Arc::new(SeqIds::new(500))).unwrap());
    let url = serve_tls(hub.identity(), comanda_server::routes::router(hub.clone())).await;
    let http = tls_client(None, Pin::Is(hub.identity().fingerprint())).unwrap();
    Running {
        _dir: dir,
        hub,
        url,
        clock,
        http,
    }
}

impl Running {
    /// The hub's certificate.
    fn pin(&self) -> Fingerprint {
        self.hub.identity().fingerprint()
    }

    /// A client presenting `identity`'s certificate.
    fn client_as(&self, identity: &Identity) -> reqwest::Client {
        tls_client(Some(identity), Pin::Is(self.pin())).unwrap()
    }

    /// `POST /v1/pair` as `identity` with the proof of `code`, answer as it came.
    async fn pair_as(&self, identity: &Identity, code: &str, name: &str) -> (u16, Value) {
        let proof = pair_proof(
            &code_key(code, &self.pin()).unwrap(),
            Side::Joiner,
            &self.pin(),
            &identity.fingerprint(),
        );
        let r = self
            .client_as(identity)
            .post(format!("{}/v1/pair", self.url))
            .json(&json!({"proof": proof, "name": name}))
            .send()
            .await
            .unwrap();
        (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
    }

    async fn post(&self, path: &str, body: &Value) -> (u16, Value) {
        let r = self
            .http
            .post(format!("{}{path}", self.url))
            .json(body)
            .send()
            .await
            .unwrap();
        (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
    }

    /// Pairs a fresh identity with `code`, as a terminal does; checks the hub's proof.
    async fn pair(&self, code: &str, name: &str) -> (PairResponse, Identity) {
        let identity = Identity::generate().unwrap();
        let paired = ask_to_pair(&self.url, code, name, &identity).await.unwrap();
        assert_eq!(
            paired.node,
            self.pin(),
            "the certificate pinned is the hub's"
        );
        (paired.answer, identity)
    }
}

/// A terminal: its own store file, paired with what the hub answered, and its certificate.
struct Terminal {
    _dir: TempDir,
    store: Arc<Store>,
    ids: Arc<SeqIds>,
    pairing: PairResponse,
    identity: Identity,
    hub: Fingerprint,
}

impl Terminal {
    /// Its transport to the hub.
    fn transport(&self) -> HttpTransport {
        HttpTransport::new(&self.pairing.token, &self.identity, self.hub).unwrap()
    }
}

fn terminal((pairing, identity): (PairResponse, Identity), seed: u64, s: &Running) -> Terminal {
    let dir = tempfile::tempdir().unwrap();
    let ids = Arc::new(SeqIds::new(seed));
    let store = Store::open(&dir.path().join("t.db"), s.clock.clone(), ids.clone()).unwrap();
    store
        .write(|tx| {
            tx.pair(&Pairing {
                store_id: pairing.store_id,
                device_id: pairing.device_id,
                terminal_no: pairing.terminal_no,
                pairer: pairing.peer,
            })
        })
        .unwrap();
    Terminal {
        _dir: dir,
        store: Arc::new(store),
        ids,
        pairing,
        hub: s.pin(),
        identity,
    }
}

async fn sync(t: &Terminal, url: &str) {
    let transport = t.transport();
    let mut client = PeerClient::new(t.pairing.peer, url, 1);
    for _ in 0..100 {
        match client.step(&t.store, &transport, 0).await.unwrap() {
            Step::Exchanged { more: false, .. } => return,
            Step::Exchanged { .. } => {}
            other => panic!("{other:?}"),
        }
    }
    panic!("no end");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_terminals_paired_with_codes_see_each_others_orders_through_the_hub() {
    let s = start().await;
    let store = s.hub.create_store("Bistro").unwrap();
    let code1 = s.hub.make_code(store.store_id, 60_000).unwrap();
    let code2 = s.hub.make_code(store.store_id, 60_000).unwrap();
    // Typed in lower case with a space: still the code.
    let p1 = s
        .pair(&code1.to_lowercase().replace('-', " "), "Counter 1")
        .await;
    let p2 = s.pair(&code2, "Bar").await;
    assert_eq!((p1.0.terminal_no, p2.0.terminal_no), (1, 2));
    assert_eq!(p1.0.store_id, store.store_id);
    assert_eq!(p1.0.peer, store.hub_device_id);
    assert_ne!(p1.0.device_id, p2.0.device_id);
    assert_ne!(p1.0.token, p2.0.token);
    // One PIN pepper per store, handed to each of its terminals.
    assert_eq!(p1.0.pin_pepper.as_ref().map(String::len), Some(64));
    assert_eq!(p1.0.pin_pepper, p2.0.pin_pepper);

    let t1 = terminal(p1, 1, &s);
    let t2 = terminal(p2, 2, &s);
    let mut rng = Rng::new(5);
    for _ in 0..10 {
        actions::act(&t1.store, &*t1.ids, &mut rng).unwrap();
        actions::act(&t2.store, &*t2.ids, &mut rng).unwrap();
    }
    sync(&t1, &s.url).await;
    sync(&t2, &s.url).await;
    sync(&t1, &s.url).await;
    let orders = |t: &Terminal| {
        t.store
            .read(|r| r.list_orders(&comanda_store::OrderFilter::all(1_000)))
            .unwrap()
    };
    let (o1, o2) = (orders(&t1), orders(&t2));
    assert_eq!(o1, o2);
    // Numbers carry the terminal: 1xxxx from the counter, 2xxxx from the bar, never the same.
    assert!(o1.iter().any(|o| o.number / 10_000 == 1));
    assert!(o1.iter().any(|o| o.number / 10_000 == 2));
    let mut numbers: Vec<u32> = o1.iter().map(|o| o.number).collect();
    numbers.dedup();
    assert_eq!(numbers.len(), o1.len());
    let hub_store = s.hub.store(store.store_id).unwrap();
    assert_eq!(
        hub_store.read(|r| r.vector()).unwrap(),
        t1.store.read(|r| r.vector()).unwrap()
    );
    let devices = s.hub.devices(Some(store.store_id)).unwrap();
    assert_eq!(devices.len(), 2);
    assert!(devices.iter().all(|d| d.last_seen_ms.is_some()));
    // Each with the certificate it paired with, as the terminal holds it.
    let of = |t: &Terminal| {
        devices
            .iter()
            .find(|d| d.device_id == t.pairing.device_id)
            .and_then(|d| d.cert_fingerprint.clone())
    };
    assert_eq!(of(&t1), Some(t1.identity.fingerprint().to_string()));
    assert_eq!(of(&t2), Some(t2.identity.fingerprint().to_string()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_watch_answers_when_another_device_pushes_and_only_for_its_own_store() {
    let s = start().await;
    let a = s.hub.create_store("A").unwrap();
    let b = s.hub.create_store("B").unwrap();
    let code = |store| s.hub.make_code(store, 60_000).unwrap();
    let t1 = terminal(s.pair(&code(a.store_id), "Counter").await, 1, &s);
    let t2 = terminal(s.pair(&code(a.store_id), "Bar").await, 2, &s);
    let tb = terminal(s.pair(&code(b.store_id), "Elsewhere").await, 3, &s);
    let watcher = Terminal::transport;
    // Without `after`, the counter comes at once.
    let seen = watcher(&t2).watch(&s.url, None).await.unwrap();
    let seen_b = watcher(&tb).watch(&s.url, None).await.unwrap();
    // Waiting on it: the answer comes when the counter pushes an order.
    let (w2, wb) = (watcher(&t2), watcher(&tb));
    let url = s.url.clone();
    let waiting = tokio::spawn(async move { w2.watch(&url, Some(seen)).await });
    let url = s.url.clone();
    let waiting_b = tokio::spawn(async move { wb.watch(&url, Some(seen_b)).await });
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert!(!waiting.is_finished(), "nothing changed yet");
    let mut rng = Rng::new(5);
    let before = t1.store.read(|r| r.event_count()).unwrap();
    while t1.store.read(|r| r.event_count()).unwrap() == before {
        actions::act(&t1.store, &*t1.ids, &mut rng).unwrap();
    }
    sync(&t1, &s.url).await;
    let now = waiting.await.unwrap().unwrap();
    assert_ne!(now, seen);
    // Store B's device heard nothing of store A's order.
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert!(!waiting_b.is_finished(), "another store's change woke B");
    waiting_b.abort();
    // A hub shutting down answers the watches waiting, not after their long poll.
    let w2 = watcher(&t2);
    let url = s.url.clone();
    let waiting = tokio::spawn(async move { w2.watch(&url, Some(now)).await });
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    s.hub.close_watches();
    match tokio::time::timeout(std::time::Duration::from_secs(5), waiting)
        .await
        .expect("answered at shutdown")
        .unwrap()
    {
        Err(comanda_sync::Failure::Status { status: 503, .. }) => {}
        other => panic!("{other:?}"),
    }
    // And any watch sent while it shuts down is answered at once, not held.
    match watcher(&t2).watch(&s.url, Some(now)).await {
        Err(comanda_sync::Failure::Status { status: 503, .. }) => {}
        other => panic!("{other:?}"),
    }
    s.hub.open_watches();
    let now = watcher(&t2).watch(&s.url, None).await.unwrap();
    // A push of nothing new moves nothing: the counter is what it was.
    sync(&t1, &s.url).await;
    assert_eq!(watcher(&t2).watch(&s.url, None).await.unwrap(), now);
    // A revoked token watches nothing.
    s.hub.revoke(t2.pairing.device_id).unwrap();
    match watcher(&t2).watch(&s.url, Some(now)).await {
        Err(comanda_sync::Failure::Status { status: 401, .. }) => {}
        other => panic!("{other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pairing_code_is_single_use_expiring_and_guessing_is_limited() {
    let s = start().await;
    let store = s.hub.create_store("Bistro").unwrap();
    let code = s.hub.make_code(store.store_id, 60_000).unwrap();
    let first = s.pair(&code, "Counter").await;
    let fresh = Identity::generate().unwrap();
    let (status, body) = s.pair_as(&fresh, &code, "Again").await;
    assert_eq!((status, body["code"].as_str()), (403, Some("bad_code")));
    // A certificate already paired cannot pair again, whatever the code.
    let other = s.hub.make_code(store.store_id, 60_000).unwrap();
    let (status, body) = s.pair_as(&first.1, &other, "Clone").await;
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("bad_request")),
        "{body}"
    );
    let late = s.hub.make_code(store.store_id, 60_000).unwrap();
    s.clock.advance(60_001);
    let (status, _) = s.pair_as(&fresh, &late, "Late").await;
    assert_eq!(status, 403, "expired");
    let (status, body) = s.post("/v1/pair", &json!({"proof": 5})).await;
    assert_eq!((status, body["code"].as_str()), (400, Some("bad_request")));
    // The code itself is not what the hub takes: only a proof of it.
    let (status, _) = s
        .post("/v1/pair", &json!({"code": "AAAAA-AAAAA", "name": "x"}))
        .await;
    assert_eq!(status, 400);
    let (status, _) = s.pair_as(&fresh, "AAAAA-AAAAA", "").await;
    assert_eq!(status, 400, "a name is needed");
    // Without a client certificate, even the right proof is refused.
    let good = s.hub.make_code(store.store_id, 600_000).unwrap();
    let (status, body) = s
        .post(
            "/v1/pair",
            &json!({"proof": pair_proof(&code_key(&good, &s.pin()).unwrap(), Side::Joiner, &s.pin(), &fresh.fingerprint()), "name": "x"}),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    // Guessing: after ten wrong codes in a minute, even a right one waits.
    s.clock.advance(60_000);
    let good = s.hub.make_code(store.store_id, 600_000).unwrap();
    for i in 0..10 {
        let (status, _) = s.pair_as(&fresh, &format!("ZZZZZ-ZZZ{i:02}"), "x").await;
        assert_eq!(status, 403);
    }
    let (status, _) = s.pair_as(&fresh, &good, "Counter").await;
    assert_eq!(status, 429);
    let proof = pair_proof(
        &code_key(&good, &s.pin()).unwrap(),
        Side::Joiner,
        &s.pin(),
        &fresh.fingerprint(),
    );
    let r = s
        .client_as(&fresh)
        .post(format!("{}/v1/pair", s.url))
        .json(&json!({"proof": proof, "name": "Counter"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 429);
    assert_eq!(r.headers()["retry-after"], "60");
    // The limit is per asking address: another machine on the LAN still pairs (here, from
    // 127.0.0.2), so one guesser cannot block everyone's pairing.
    let other = Identity::generate().unwrap();
    let from_elsewhere = reqwest::Client::builder()
        .use_preconfigured_tls(
            comanda_sync::tls::client_config(Some(&other), Pin::Is(s.pin())).unwrap(),
        )
        .local_address(std::net::IpAddr::from([127, 0, 0, 2]))
        .build()
        .unwrap();
    let proof = pair_proof(
        &code_key(&good, &s.pin()).unwrap(),
        Side::Joiner,
        &s.pin(),
        &other.fingerprint(),
    );
    let r = from_elsewhere
        .post(format!("{}/v1/pair", s.url))
        .json(&json!({"proof": proof, "name": "Bar"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    s.clock.advance(60_000);
    let again = s.hub.make_code(store.store_id, 600_000).unwrap();
    s.pair(&again, "Counter").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_of_one_store_reads_and_writes_nothing_of_another() {
    let s = start().await;
    let a = s.hub.create_store("A").unwrap();
    let b = s.hub.create_store("B").unwrap();
    let pa = s
        .pair(&s.hub.make_code(a.store_id, 60_000).unwrap(), "A1")
        .await;
    let pb = s
        .pair(&s.hub.make_code(b.store_id, 60_000).unwrap(), "B1")
        .await;
    assert_ne!(
        pa.0.pin_pepper, pb.0.pin_pepper,
        "each store its own pepper"
    );
    let ta = terminal(pa, 1, &s);
    let tb = terminal(pb, 2, &s);
    let mut rng = Rng::new(9);
    for _ in 0..5 {
        actions::act(&tb.store, &*tb.ids, &mut rng).unwrap();
    }
    sync(&tb, &s.url).await;
    let exchange = |as_: &Terminal, token: &str, body: Value| {
        s.client_as(&as_.identity)
            .post(format!("{}/v1/exchange", s.url))
            .bearer_auth(token)
            .json(&body)
            .send()
    };
    // A's token, asking as A, in store B: refused.
    let mut req = Link::new(b.hub_device_id).request(&ta.store).unwrap();
    req.store_id = b.store_id;
    let r = exchange(&ta, &ta.pairing.token, serde_json::to_value(&req).unwrap())
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["code"], "wrong_store");
    // A's token over a connection with B's certificate, or with none: A is not who is asking.
    let req = Link::new(a.hub_device_id).request(&ta.store).unwrap();
    let r = exchange(&tb, &ta.pairing.token, serde_json::to_value(&req).unwrap())
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let r = s
        .http
        .post(format!("{}/v1/exchange", s.url))
        .bearer_auth(&ta.pairing.token)
        .json(&req)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    // A's token speaking as B's device: refused.
    let req = Link::new(b.hub_device_id).request(&tb.store).unwrap();
    let r = exchange(&ta, &ta.pairing.token, serde_json::to_value(&req).unwrap())
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    // A's own exchange with its store sees none of B's events (only its store's device list).
    sync(&ta, &s.url).await;
    let held = ta.store.read(|r| r.vector()).unwrap();
    let devices: Vec<_> = held.iter().map(|(d, _)| d).collect();
    assert_eq!(
        devices,
        vec![a.hub_device_id],
        "only store A's hub wrote what A holds"
    );
    assert!(held.get(tb.pairing.device_id).count() == 0 && held.get(b.hub_device_id).count() == 0);
    // Revoked: the token opens nothing.
    s.hub.revoke(tb.pairing.device_id).unwrap();
    let req = Link::new(b.hub_device_id).request(&tb.store).unwrap();
    let r = exchange(&tb, &tb.pairing.token, serde_json::to_value(&req).unwrap())
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_readiness_and_metrics_answer() {
    let s = start().await;
    let store = s.hub.create_store("Bistro").unwrap();
    let p = s
        .pair(&s.hub.make_code(store.store_id, 60_000).unwrap(), "C")
        .await;
    let t = terminal(p, 1, &s);
    let mut rng = Rng::new(2);
    let mut made = 0;
    for _ in 0..4 {
        made += actions::act(&t.store, &*t.ids, &mut rng).unwrap().len();
    }
    sync(&t, &s.url).await;
    let get = |path: &str| s.http.get(format!("{}{path}", s.url)).send();
    assert_eq!(get("/healthz").await.unwrap().status(), 200);
    assert_eq!(get("/readyz").await.unwrap().status(), 200);
    let metrics = get("/metrics").await.unwrap().text().await.unwrap();
    assert!(metrics.contains("comanda_exchanges_total "), "{metrics}");
    assert!(metrics.contains("comanda_pairings_total 1"), "{metrics}");
    let held = format!(
        "comanda_events_held{{store=\"{}\",device=\"{}\"}} {made}",
        store.store_id, t.pairing.device_id
    );
    assert!(metrics.contains(&held), "{held}\n{metrics}");
    let r = get("/nowhere").await.unwrap();
    assert_eq!(r.status(), 404);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["code"], "not_found");
}

/// The `/v1` document names every route the hub serves, each answers, every schema it refers to
/// is in it, and malformed bodies on each POST route are refused with a JSON `{code, message}`
/// and a 4xx, never a 5xx.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_openapi_document_matches_the_routes_and_bad_bodies_get_a_4xx() {
    let s = start().await;
    s.hub.create_store("Bistro").unwrap();
    let doc: Value = s
        .http
        .get(format!("{}/v1/openapi.json", s.url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let paths = doc["paths"].as_object().unwrap();
    let mut documented: Vec<String> = paths.keys().cloned().collect();
    documented.sort();
    assert_eq!(
        documented,
        [
            "/healthz",
            "/metrics",
            "/readyz",
            "/v1/exchange",
            "/v1/openapi.json",
            "/v1/pair",
            "/v1/watch"
        ]
    );
    // Every $ref resolves.
    let text = doc.to_string();
    for part in text.split("\"$ref\":\"#/components/schemas/").skip(1) {
        let name = &part[..part.find('"').unwrap()];
        assert!(
            doc["components"]["schemas"][name].is_object(),
            "{name} is not in the document"
        );
    }
    for (path, item) in paths {
        let url = format!("{}{path}", s.url);
        if let Some(op) = item.get("get") {
            if op.get("security").is_none() {
                let r = s.http.get(&url).send().await.unwrap();
                assert_eq!(r.status(), 200, "GET {path}");
                continue;
            }
            // Secured: no token, a wrong one, a bad query: a documented 4xx with {code, message}.
            for (token, query) in [
                (None, ""),
                (Some("garbage"), ""),
                (Some("garbage"), "?after=x"),
            ] {
                let mut req = s.http.get(format!("{url}{query}"));
                if let Some(t) = token {
                    req = req.bearer_auth(t);
                }
                let r = req.send().await.unwrap();
                let status = r.status().as_u16();
                assert!((400..500).contains(&status), "GET {path}{query}: {status}");
                let v: Value = r.json().await.unwrap();
                assert!(v["code"].is_string() && v["message"].is_string(), "{v}");
                assert!(
                    op["responses"][status.to_string()].is_object(),
                    "GET {path} answered {status}, which is not documented"
                );
            }
            continue;
        }
        for body in ["{not json", "{}", "[]", "null", "{\"code\": 5}"] {
            for token in [None, Some("garbage")] {
                let mut req = s
                    .http
                    .post(&url)
                    .header("content-type", "application/json")
                    .body(body);
                if let Some(t) = token {
                    req = req.bearer_auth(t);
                }
                let r = req.send().await.unwrap();
                let status = r.status().as_u16();
                assert!((400..500).contains(&status), "POST {path} {body}: {status}");
                let v: Value = r.json().await.unwrap();
                assert!(
                    v["code"].is_string() && v["message"].is_string(),
                    "POST {path} {body}: {v}"
                );
                let documented = item["post"]["responses"][status.to_string()].is_object();
                assert!(
                    documented,
                    "POST {path} answered {status}, which is not documented"
                );
            }
        }
    }
}
