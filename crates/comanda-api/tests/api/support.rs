//! The test harness: `spawn_app()` opens a fresh terminal (demo store, manual clock, seeded ids)
//! in a temporary directory, serves it on 127.0.0.1:0 and hands back a client with helpers.

use std::path::Path;
use std::sync::{Arc, LazyLock};

use comanda_api::Ctx;
use comanda_domain::clock::ManualClock;
use comanda_domain::ids::SeqIds;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE};
use serde_json::{Value, json};
use tempfile::TempDir;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// The time every test terminal starts at: 2023-11-14 22:13:20 UTC.
pub const START_MS: u64 = 1_700_000_000_000;

/// The demo PINs (see `seed.rs`).
pub const ALEX: &str = "1111";
pub const SAM: &str = "2222";
pub const MORGAN: &str = "9999";

static TRACING: LazyLock<()> = LazyLock::new(|| {
    if std::env::var_os("TEST_LOG").is_some() {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(
                tracing_subscriber::EnvFilter::try_from_default_env()
                    .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("debug")),
            )
            .with_test_writer()
            .try_init();
    }
});

/// A running terminal and a client for it.
pub struct TestApp {
    /// `http://127.0.0.1:<port>`.
    pub base: String,
    /// The port, for the WebSocket URL.
    pub port: u16,
    /// The client (no proxy, JSON).
    pub client: reqwest::Client,
    /// The context the server runs on, to look inside the store.
    pub ctx: Ctx,
    /// The manual clock, to move time.
    pub clock: Arc<ManualClock>,
    dir: Option<TempDir>,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<()>>,
}

/// What a call answered.
#[derive(Debug, Clone)]
pub struct Answer {
    /// The HTTP status.
    pub status: u16,
    /// The body's text.
    pub text: String,
    /// The body as JSON (`Value::Null` when it is not JSON).
    pub json: Value,
}

/// A fresh terminal on a fresh data directory.
pub async fn spawn_app() -> TestApp {
    let dir = tempfile::tempdir().expect("temporary directory");
    spawn_app_in(dir, 1).await
}

/// A terminal on `dir` (a restart when it holds data). `seed` picks the id sequence: use another
/// one on restart so no id is handed out twice.
pub async fn spawn_app_in(dir: TempDir, seed: u64) -> TestApp {
    spawn_app_with(dir, seed, true).await
}

/// A terminal on `dir`, with the demo menu and staff on first run or (`demo` false) without,
/// as `--no-demo` starts it.
pub async fn spawn_app_with(dir: TempDir, seed: u64, demo: bool) -> TestApp {
    LazyLock::force(&TRACING);
    let clock = Arc::new(ManualClock::new(START_MS));
    let ctx = open_ctx(dir.path(), clock.clone(), seed, demo).await;
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("local address").port();
    let (tx, rx) = oneshot::channel::<()>();
    let router = comanda_api::http::router(ctx.clone(), None);
    let server = tokio::spawn(async move {
        comanda_api::http::serve(listener, router, async {
            let _ = rx.await;
        })
        .await
        .expect("server");
    });
    comanda_sync::tls::install_default_provider();
    let client = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client");
    TestApp {
        base: format!("http://127.0.0.1:{port}"),
        port,
        client,
        ctx,
        clock,
        dir: Some(dir),
        shutdown: Some(tx),
        server: Some(server),
    }
}

async fn open_ctx(dir: &Path, clock: Arc<ManualClock>, seed: u64, demo: bool) -> Ctx {
    let dir = dir.to_owned();
    // Opening hashes the demo PINs and touches SQLite: blocking work.
    tokio::task::spawn_blocking(move || {
        Ctx::open(&dir, clock, Arc::new(SeqIds::new(seed)), demo).expect("open the terminal")
    })
    .await
    .expect("open task")
}

impl TestApp {
    /// The terminal's data directory.
    pub fn data_dir(&self) -> &Path {
        self.dir.as_ref().expect("data directory").path()
    }

    /// Stops the server (finishing requests in flight), drops the context and returns the data
    /// directory, to open it again.
    pub async fn stop(mut self) -> TempDir {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(server) = self.server.take() {
            server.await.expect("server task");
        }
        self.dir.take().expect("data directory")
    }

    /// `POST /api/<name>` with a JSON body, signed in with `token` when given.
    pub async fn call(&self, name: &str, token: Option<&str>, body: Value) -> (u16, Value) {
        let a = self
            .raw(
                &format!("/api/{name}"),
                token,
                Some("application/json"),
                serde_json::to_vec(&body).expect("body"),
            )
            .await;
        (a.status, a.json)
    }

    /// A call that must succeed: its JSON.
    pub async fn ok(&self, name: &str, token: &str, body: Value) -> Value {
        let (status, v) = self.call(name, Some(token), body.clone()).await;
        assert_eq!(status, 200, "{name} {body} answered {v}");
        v
    }

    /// `POST path` with any bytes and content type.
    pub async fn raw(
        &self,
        path: &str,
        token: Option<&str>,
        content_type: Option<&str>,
        body: Vec<u8>,
    ) -> Answer {
        let mut req = self.client.post(format!("{}{path}", self.base)).body(body);
        if let Some(ct) = content_type {
            req = req.header(CONTENT_TYPE, ct);
        }
        if let Some(t) = token {
            req = req.header(AUTHORIZATION, format!("Bearer {t}"));
        }
        answer(req.send().await.expect("request")).await
    }

    /// Any method on any path.
    pub async fn request(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
    ) -> Answer {
        let mut req = self.client.request(method, format!("{}{path}", self.base));
        if let Some(t) = token {
            req = req.header(AUTHORIZATION, format!("Bearer {t}"));
        }
        answer(req.send().await.expect("request")).await
    }

    /// Signs in; the session token.
    pub async fn login(&self, pin: &str) -> String {
        let (status, v) = self.call("login", None, json!({ "pin": pin })).await;
        assert_eq!(status, 200, "login {pin}: {v}");
        v["token"].as_str().expect("token").to_owned()
    }

    /// `/healthz` answers.
    pub async fn assert_healthy(&self) {
        let a = self.request(reqwest::Method::GET, "/healthz", None).await;
        assert_eq!((a.status, a.text.as_str()), (200, "ok"), "healthz");
    }

    /// How many events the store holds.
    pub fn event_count(&self) -> u64 {
        self.ctx
            .store
            .read(|r| r.event_count())
            .expect("event count")
    }

    /// The menu, from `get_bootstrap`.
    pub async fn menu(&self) -> Menu {
        let (status, v) = self.call("get_bootstrap", None, json!({})).await;
        assert_eq!(status, 200, "get_bootstrap: {v}");
        Menu(v["catalog"].clone())
    }

    /// `get_order`, as the raw text of the body (for byte-for-byte comparisons).
    pub async fn order_text(&self, token: &str, order_id: &str) -> String {
        let a = self
            .raw(
                "/api/get_order",
                Some(token),
                Some("application/json"),
                serde_json::to_vec(&json!({ "order_id": order_id })).expect("body"),
            )
            .await;
        assert_eq!(a.status, 200, "get_order: {}", a.text);
        a.text
    }

    /// Opens an order at `table`; its id.
    pub async fn open_table(&self, token: &str, table: &str) -> String {
        let v = self
            .ok(
                "open_order",
                token,
                json!({ "order_type": { "type": "dine_in", "table": table, "guests": 2 } }),
            )
            .await;
        v["order_id"].as_str().expect("order_id").to_owned()
    }

    /// Adds `qty` of an item without modifiers; the new view.
    pub async fn add(&self, token: &str, order_id: &str, item_id: &str, qty: i64) -> Value {
        self.ok(
            "add_line",
            token,
            json!({ "order_id": order_id, "item_id": item_id, "qty": qty }),
        )
        .await
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

async fn answer(resp: reqwest::Response) -> Answer {
    let status = resp.status().as_u16();
    let text = resp.text().await.expect("body");
    let json = serde_json::from_str(&text).unwrap_or(Value::Null);
    Answer { status, text, json }
}

/// Asserts an answer is a refusal the way every refusal must look: a 4xx with a JSON body
/// holding a string `code` and a string `message`.
pub fn assert_refusal(what: &str, a: &Answer) {
    assert!(
        (400..500).contains(&a.status),
        "{what}: expected a 4xx, got {} {}",
        a.status,
        short(&a.text)
    );
    assert_error_body(what, a);
}

/// Asserts the body is `{code: string, message: string, …}`.
pub fn assert_error_body(what: &str, a: &Answer) {
    assert!(
        a.json["code"].is_string() && a.json["message"].is_string(),
        "{what}: expected a JSON {{code, message}}, got {} {:?}",
        a.status,
        short(&a.text)
    );
}

/// The start of a long text, for failure messages.
pub fn short(s: &str) -> &str {
    match s.char_indices().nth(300) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// Asserts `(status, body)` is the error `code` (with `field` when given).
#[track_caller]
pub fn assert_error(got: &(u16, Value), status: u16, code: &str, field: Option<&str>) {
    let (s, v) = got;
    assert_eq!(
        (*s, v["code"].as_str()),
        (status, Some(code)),
        "expected {status} {code}, got {s} {v}"
    );
    assert!(v["message"].is_string(), "no message in {v}");
    if let Some(f) = field {
        assert_eq!(v["field"].as_str(), Some(f), "field of {v}");
    }
}

/// The demo menu as `get_bootstrap` returns it, with lookups by name.
pub struct Menu(pub Value);

impl Menu {
    /// The item's id.
    pub fn item(&self, name: &str) -> String {
        self.item_value(name)["id"]
            .as_str()
            .expect("item id")
            .to_owned()
    }

    fn item_value(&self, name: &str) -> &Value {
        self.0["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|i| i["name"] == name)
            .unwrap_or_else(|| panic!("no item {name} on the menu"))
    }

    /// The item's price (minor units).
    pub fn price(&self, name: &str) -> i64 {
        self.item_value(name)["price"].as_i64().expect("price")
    }

    /// A `{group_id, modifier_id}` choice, looked up through the item's own groups, so it is
    /// the group the item really uses.
    pub fn choice(&self, item: &str, group: &str, modifier: &str) -> Value {
        let item = self.item_value(item);
        let g = self.0["modifier_groups"]
            .as_array()
            .expect("modifier groups")
            .iter()
            .filter(|g| {
                item["modifier_group_ids"]
                    .as_array()
                    .expect("group ids")
                    .contains(&g["id"])
            })
            .find(|g| g["name"] == group)
            .unwrap_or_else(|| panic!("no group {group} on {}", item["name"]));
        let m = g["modifiers"]
            .as_array()
            .expect("modifiers")
            .iter()
            .find(|m| m["name"] == modifier)
            .unwrap_or_else(|| panic!("no {modifier} in {group}"));
        json!({ "group_id": g["id"], "modifier_id": m["id"] })
    }
}

/// A fresh id chosen by the client, as a UUID string (deterministic per `n`).
pub fn client_id(n: u64) -> String {
    uuid::Uuid::from_u64_pair(0x0190_0000_0000_7000 | n, 0x8000_0000_0000_0000 | n).to_string()
}

/// Replaces every UUID in a JSON value by `[id N]`, numbered by first appearance, so a snapshot
/// does not depend on how many ids were drawn before.
pub fn redact_ids(v: &Value) -> Value {
    fn go(v: &Value, seen: &mut Vec<String>) -> Value {
        match v {
            Value::String(s) if uuid::Uuid::parse_str(s).is_ok() => {
                let n = match seen.iter().position(|x| x == s) {
                    Some(n) => n,
                    None => {
                        seen.push(s.clone());
                        seen.len() - 1
                    }
                };
                Value::String(format!("[id {}]", n + 1))
            }
            Value::Array(a) => Value::Array(a.iter().map(|x| go(x, seen)).collect()),
            Value::Object(o) => {
                Value::Object(o.iter().map(|(k, x)| (k.clone(), go(x, seen))).collect())
            }
            other => other.clone(),
        }
    }
    go(v, &mut Vec::new())
}
