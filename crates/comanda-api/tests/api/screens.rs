//! Kitchen screens on the LAN, over their own real HTTP server (`screens_router` on a loopback
//! port): any browser sees the board read-only; a manager's one-time code pairs it and only then
//! may it bump; wrong codes are counted; a revoked screen is refused; and the screens' address
//! never answers the counter's API, nor does the counter's address take a screen's token.

use serde_json::{Value, json};

use crate::support::*;

struct Screens {
    base: String,
    client: reqwest::Client,
}

impl Screens {
    async fn start(app: &TestApp) -> Screens {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let port = listener.local_addr().expect("address").port();
        let router = comanda_api::http::screens_router(app.ctx.clone(), None);
        tokio::spawn(async move {
            let _ = comanda_api::http::serve(listener, router, std::future::pending()).await;
        });
        Screens {
            base: format!("http://127.0.0.1:{port}"),
            client: reqwest::Client::builder()
                .no_proxy()
                .build()
                .expect("client"),
        }
    }

    async fn post(&self, path: &str, token: Option<&str>, body: Value) -> (u16, Value) {
        let mut req = self.client.post(format!("{}{path}", self.base)).json(&body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let resp = req.send().await.expect("send");
        let status = resp.status().as_u16();
        (status, resp.json().await.unwrap_or(Value::Null))
    }
}

#[tokio::test]
async fn a_browser_sees_the_board_read_only_until_a_managers_code_pairs_it_and_never_the_counter_api()
 {
    let app = spawn_app().await;
    let screens = Screens::start(&app).await;
    let alex = app.login(ALEX).await;
    let morgan = app.login(MORGAN).await;
    let menu = app.menu().await;
    let order = app.open_table(&alex, "2").await;
    app.add(&alex, &order, &menu.item("Fries"), 1).await;
    app.ok("fire_order", &alex, json!({ "order_id": order }))
        .await;

    // Not paired: the board, read-only; no sync details.
    let (status, st) = screens.post("/screen/api/status", None, json!({})).await;
    assert_eq!(
        (status, &st["screen"], &st["sync"]),
        (200, &Value::Null, &Value::Null),
        "{st}"
    );
    let (status, board) = screens.post("/screen/api/board", None, json!({})).await;
    assert_eq!(status, 200, "{board}");
    let ticket = board["open"][0].clone();
    assert_eq!(ticket["station"], "fry");
    let step = json!({ "order_id": ticket["order_id"], "notice": ticket["notice"],
                       "station": "fry", "action": "bump" });
    let (status, err) = screens.post("/screen/api/step", None, step.clone()).await;
    assert_eq!(
        (status, err["code"].as_str()),
        (401, Some("unauthorized")),
        "{err}"
    );

    // The code: a manager's (a cashier alone may not).
    let (status, err) = app.call("make_screen_code", Some(&alex), json!({})).await;
    assert_eq!(
        (status, err["code"].as_str()),
        (403, Some("approval_required")),
        "{err}"
    );
    let code = app.ok("make_screen_code", &morgan, json!({})).await;
    let code = code["code"].as_str().unwrap().to_owned();
    assert_eq!(code.len(), 6);

    // Wrong codes are refused; the fifth in a row voids every code, the good one too.
    for n in 1..=5 {
        let (status, err) = screens
            .post(
                "/screen/api/pair",
                None,
                json!({ "code": "000000x", "name": "Grill" }),
            )
            .await;
        let want = if n < 5 { 403 } else { 429 };
        assert_eq!(
            (status, err["field"].as_str()),
            (want, Some("code")),
            "{n}: {err}"
        );
    }
    let (status, _) = screens
        .post(
            "/screen/api/pair",
            None,
            json!({ "code": code, "name": "Grill" }),
        )
        .await;
    assert_eq!(status, 403);

    // A new code pairs it, once.
    let code = app.ok("make_screen_code", &morgan, json!({})).await["code"].clone();
    let (status, paired) = screens
        .post(
            "/screen/api/pair",
            None,
            json!({ "code": code, "name": "Grill" }),
        )
        .await;
    assert_eq!(status, 200, "{paired}");
    let token = paired["token"].as_str().unwrap().to_owned();
    let (status, _) = screens
        .post(
            "/screen/api/pair",
            None,
            json!({ "code": code, "name": "Fry" }),
        )
        .await;
    assert_eq!(status, 403, "a code pairs one screen");
    let (_, st) = screens
        .post("/screen/api/status", Some(&token), json!({}))
        .await;
    assert_eq!(st["screen"], "Grill", "{st}");
    assert!(st["sync"].is_object(), "{st}");

    // Paired: it bumps.
    let (status, bumped) = screens
        .post("/screen/api/step", Some(&token), step.clone())
        .await;
    assert_eq!(status, 200, "{bumped}");
    assert_eq!(bumped["done"], true);

    // Never the counter API: not on the screens' address, and the token opens nothing there.
    for path in [
        "/api/get_bootstrap",
        "/api/login",
        "/api/list_orders",
        "/screen/api/login",
        "/screen/api/add_line",
    ] {
        let (status, err) = screens
            .post(path, Some(&token), json!({ "pin": "9999" }))
            .await;
        assert_eq!(status, 404, "{path}: {err}");
        assert!(err["code"].is_string(), "{path}: {err}");
    }
    let (status, _) = app.call("list_orders", Some(&token), json!({})).await;
    assert_eq!(status, 401, "a screen's token is no session");
    // Nor a session on the screens' address.
    let (status, _) = screens
        .post("/screen/api/step", Some(&alex), step.clone())
        .await;
    assert_eq!(status, 401, "a counter's session is no screen");

    // The manager sees it and revokes it: refused from then on.
    let list = app.ok("list_screens", &morgan, json!({})).await;
    let id = list["screens"][0]["screen_id"].clone();
    assert_eq!(list["screens"][0]["name"], "Grill");
    let after = app
        .ok("revoke_screen", &morgan, json!({ "screen_id": id }))
        .await;
    assert!(after["screens"][0]["revoked_ms"].is_number(), "{after}");
    let (status, _) = screens.post("/screen/api/step", Some(&token), step).await;
    assert_eq!(status, 401);
    let (status, err) = app
        .call("revoke_screen", Some(&morgan), json!({ "screen_id": id }))
        .await;
    assert_eq!(
        (status, err["field"].as_str()),
        (404, Some("screen_id")),
        "{err}"
    );

    // Bad input answers a JSON 4xx.
    let (status, err) = screens
        .post("/screen/api/board", None, json!({ "station": 7 }))
        .await;
    assert_eq!(
        (status, err["code"].as_str()),
        (400, Some("malformed_request")),
        "{err}"
    );
    let (status, err) = screens
        .post("/screen/api/pair", None, json!({ "code": "1", "name": "" }))
        .await;
    assert_eq!(
        (status, err["field"].as_str()),
        (400, Some("name")),
        "{err}"
    );
}
