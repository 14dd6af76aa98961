//! The WebSocket of changes: a signed-in listener hears about an order changed over HTTP; an
//! upgrade without a live session is refused with a 401.

use std::time::Duration;

use futures_util::StreamExt;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::{self, Message};

use crate::support::{ALEX, TestApp, spawn_app};

/// The next text message, as JSON (ten seconds at most).
async fn next_json<S>(ws: &mut S) -> Value
where
    S: futures_util::Stream<Item = Result<Message, tungstenite::Error>> + Unpin,
{
    loop {
        let msg = tokio::time::timeout(Duration::from_secs(10), ws.next())
            .await
            .expect("a message within 10 s")
            .expect("the socket is open")
            .expect("a good frame");
        if let Message::Text(text) = msg {
            return serde_json::from_str(&text).expect("JSON");
        }
    }
}

fn ws_url(app: &TestApp, query: &str) -> String {
    format!("ws://127.0.0.1:{}/api/ws{query}", app.port)
}

#[tokio::test]
async fn a_change_over_http_reaches_the_websocket() {
    let app = spawn_app().await;
    let t = app.login(ALEX).await;
    let (mut ws, resp) = tokio_tungstenite::connect_async(ws_url(&app, &format!("?token={t}")))
        .await
        .expect("upgrade");
    assert_eq!(resp.status().as_u16(), 101);

    let id = app.open_table(&t, "11").await;
    assert_eq!(
        next_json(&mut ws).await,
        json!({ "type": "order", "order_id": id, "version": 1 })
    );
    let menu = app.menu().await;
    let view = app.add(&t, &id, &menu.item("Tea"), 1).await;
    // The echo carries the version the answer already had: the screen that made the call
    // knows it has nothing to fetch.
    assert_eq!(view["version"], 2);
    assert_eq!(
        next_json(&mut ws).await,
        json!({ "type": "order", "order_id": id, "version": 2 })
    );
    // A refused call changes nothing and says nothing.
    let (status, _) = app
        .call(
            "add_line",
            Some(&t),
            json!({ "order_id": id, "item_id": menu.item("Tea"), "qty": 0 }),
        )
        .await;
    assert_eq!(status, 400);
    app.ok("fire_order", &t, json!({ "order_id": id })).await;
    assert_eq!(
        next_json(&mut ws).await,
        json!({ "type": "order", "order_id": id, "version": 3 }),
        "the next message is the fire, not the refusal"
    );
    ws.close(None).await.expect("close");
}

#[tokio::test]
async fn an_upgrade_without_a_live_session_is_refused_with_401() {
    let app = spawn_app().await;
    let t = app.login(ALEX).await;
    app.ok("logout", &t, json!({})).await;
    for query in [
        String::new(),
        "?token=".to_owned(),
        "?token=garbage".to_owned(),
        format!("?token={t}"),
    ] {
        match tokio_tungstenite::connect_async(ws_url(&app, &query)).await {
            Err(tungstenite::Error::Http(resp)) => {
                assert_eq!(resp.status().as_u16(), 401, "{query}");
                let body: Value =
                    serde_json::from_slice(resp.body().as_deref().unwrap_or_default())
                        .expect("a JSON body");
                assert_eq!(body["code"], "unauthorized", "{query}");
            }
            Err(e) => panic!("{query}: expected an HTTP 401, got {e}"),
            Ok(_) => panic!("{query}: the upgrade was accepted"),
        }
    }
    app.assert_healthy().await;
}
