//! Bad input over HTTP, walked from the OpenAPI document: every route gets malformed,
//! mistyped, out-of-range, oversized and wrongly labelled requests, with and without a session.
//! Every answer must be a 4xx with a JSON `{code, message}`, the server must stay up, and
//! nothing may be written.

use std::collections::BTreeSet;

use reqwest::Method;
use serde_json::{Value, json};

use crate::fixture::Fixture;
use crate::support::{ALEX, Answer, MORGAN, assert_error, assert_refusal, spawn_app};

/// A request to send and what it must answer.
struct Case {
    label: String,
    body: Vec<u8>,
    content_type: Option<&'static str>,
    /// The status it must answer, when one status is right whoever asks.
    status: Option<u16>,
}

impl Case {
    fn json(label: impl Into<String>, body: &Value) -> Case {
        Case {
            label: label.into(),
            body: serde_json::to_vec(body).expect("body"),
            content_type: Some("application/json"),
            status: None,
        }
    }
    fn raw(label: &str, body: &[u8], content_type: Option<&'static str>, status: u16) -> Case {
        Case {
            label: label.into(),
            body: body.to_vec(),
            content_type,
            status: Some(status),
        }
    }
}

/// 10 KB of text (multi-byte characters, so a byte/char mix-up shows).
fn huge_text() -> String {
    "añ".repeat(10 * 1024 / 3)
}

/// Values of another JSON kind than `v`.
fn wrong_kinds(v: &Value) -> Vec<Value> {
    match v {
        Value::String(_) => vec![json!(42), json!(true), json!([]), json!({})],
        Value::Number(_) => vec![json!("7"), json!(2.5), json!(true), json!([]), json!({})],
        Value::Bool(_) => vec![json!("true"), json!(1)],
        Value::Array(_) => vec![json!("x"), json!(42), json!({})],
        Value::Object(_) => vec![json!("x"), json!(42), json!([])],
        Value::Null => vec![],
    }
}

/// Numbers no field takes.
fn absurd_numbers() -> Vec<Value> {
    vec![
        json!(-1),
        json!(0),
        json!(1e30),
        json!(-1e30),
        json!(i64::MAX),
        json!(i64::MIN),
        json!(u64::MAX),
        json!(2.5),
        // One more than the largest amount anyone may type.
        json!(100_000_001),
    ]
}

/// Every JSON pointer below the root of `v`, with its value.
fn pointers(v: &Value) -> Vec<(String, Value)> {
    fn go(prefix: &str, v: &Value, out: &mut Vec<(String, Value)>) {
        let children: Vec<(String, &Value)> = match v {
            Value::Object(o) => o.iter().map(|(k, x)| (k.clone(), x)).collect(),
            Value::Array(a) => a
                .iter()
                .enumerate()
                .map(|(i, x)| (i.to_string(), x))
                .collect(),
            _ => vec![],
        };
        for (k, x) in children {
            let p = format!("{prefix}/{k}");
            out.push((p.clone(), x.clone()));
            go(&p, x, out);
        }
    }
    let mut out = Vec::new();
    go("", v, &mut out);
    out
}

fn with(base: &Value, pointer: &str, value: Value) -> Value {
    let mut v = base.clone();
    *v.pointer_mut(pointer).expect("pointer") = value;
    v
}

/// The bad requests for one route, built from its valid `base` body and its schema.
fn cases(name: &str, base: &Value, required: &BTreeSet<String>) -> Vec<Case> {
    let mut out = vec![
        Case::raw("not JSON", b"{not json", Some("application/json"), 400),
        Case::raw(
            "truncated JSON",
            b"{\"order_id\": ",
            Some("application/json"),
            400,
        ),
        Case::raw(
            "not UTF-8",
            b"{\"pin\": \"\xff\xfe\"}",
            Some("application/json"),
            400,
        ),
        Case::raw("text/plain", br#"{"pin":"1111"}"#, Some("text/plain"), 415),
        Case::raw("no content type", br#"{}"#, None, 415),
        Case::raw(
            "form content type",
            b"pin=1111",
            Some("application/x-www-form-urlencoded"),
            415,
        ),
        Case::raw(
            "64 KiB + 1",
            &vec![b' '; comanda_api::http::MAX_BODY + 1],
            Some("application/json"),
            413,
        ),
        Case::raw(
            "1 MiB",
            &vec![b'['; 1024 * 1024],
            Some("application/json"),
            413,
        ),
    ];
    // Exactly at the limit: read in full, then refused for what it says.
    let mut at_limit = format!("{{\"note\": \"{}", "x".repeat(comanda_api::http::MAX_BODY));
    at_limit.truncate(comanda_api::http::MAX_BODY - 2);
    at_limit.push_str("\"}");
    assert_eq!(at_limit.len(), comanda_api::http::MAX_BODY);
    out.push(Case {
        label: "exactly 64 KiB".into(),
        body: at_limit.into_bytes(),
        content_type: Some("application/json"),
        status: None,
    });
    for v in [
        json!([]),
        json!(42),
        json!("x"),
        json!(null),
        json!(true),
        json!([base]),
    ] {
        out.push(Case::json(format!("a JSON {v:.20}"), &v));
    }
    // Nested deeper than the JSON parser goes (it stops at 128 levels, not at the stack's end).
    out.push(Case::raw(
        "nested 60,000 deep",
        "[".repeat(60_000).as_bytes(),
        Some("application/json"),
        400,
    ));
    if !required.is_empty() {
        out.push(Case::json("an empty object", &json!({})));
        out.push(Case {
            label: "an empty body".into(),
            body: Vec::new(),
            content_type: Some("application/json"),
            status: None,
        });
    }
    let mut unknown = base.clone();
    unknown["unexpected"] = json!(1);
    out.push(Case::json("an unknown field", &unknown));
    for field in required {
        let mut v = base.clone();
        v.as_object_mut().expect("object").remove(field);
        out.push(Case::json(format!("without {field}"), &v));
    }
    for (p, v) in pointers(base) {
        for w in wrong_kinds(&v) {
            out.push(Case::json(format!("{p} = {w}"), &with(base, &p, w)));
        }
        match v {
            Value::Number(_) => {
                for n in absurd_numbers() {
                    // A zero tip is a tip of zero: valid.
                    if (name, p.as_str(), &n) == ("record_payment", "/tip", &json!(0)) {
                        continue;
                    }
                    out.push(Case::json(format!("{p} = {n}"), &with(base, &p, n)));
                }
            }
            Value::String(_) => {
                let big = json!(huge_text());
                out.push(Case::json(format!("{p} = 10 KB"), &with(base, &p, big)));
                for s in ["", "   ", "\u{0}\u{7}"] {
                    // An empty note is no note: valid.
                    if p.ends_with("note") && s.trim().is_empty() {
                        continue;
                    }
                    out.push(Case::json(
                        format!("{p} = {s:?}"),
                        &with(base, &p, json!(s)),
                    ));
                }
            }
            _ => {}
        }
    }
    out
}

/// The schema of a route's request body.
fn request_schema<'a>(doc: &'a Value, path: &str) -> &'a Value {
    let r =
        doc["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
            .as_str()
            .unwrap_or_else(|| panic!("{path} has no request schema"));
    let name = r.trim_start_matches("#/components/schemas/");
    &doc["components"]["schemas"][name]
}

#[tokio::test]
async fn every_route_of_the_openapi_document_refuses_bad_input_with_a_json_4xx_and_writes_nothing()
{
    let app = spawn_app().await;
    let fx = Fixture::build(&app).await;
    let doc = app.request(Method::GET, "/api/openapi.json", None).await;
    assert_eq!(doc.status, 200);
    let paths: Vec<String> = doc.json["paths"]
        .as_object()
        .expect("paths")
        .keys()
        .cloned()
        .collect();
    let examples = fx.examples();
    let documented: BTreeSet<&str> = paths.iter().map(|p| &p["/api/".len()..]).collect();
    let exemplified: BTreeSet<&str> = examples.iter().map(|(n, _)| *n).collect();
    assert_eq!(
        documented, exemplified,
        "every documented route needs a valid example in fixture.rs"
    );

    let events_before = app.event_count();
    let order_before = app.order_text(&fx.token, &fx.a).await;
    let mut sent = 0usize;
    let mut codes = BTreeSet::new();
    for path in &paths {
        let name = &path["/api/".len()..];
        let schema = request_schema(&doc.json, path);
        let required: BTreeSet<String> = schema["required"]
            .as_array()
            .map(|r| {
                r.iter()
                    .filter_map(|f| f.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        let base = &examples
            .iter()
            .find(|(n, _)| *n == name)
            .expect("example")
            .1;
        for f in &required {
            assert!(base.get(f).is_some(), "the {name} example lacks {f}");
        }
        for k in base.as_object().expect("object").keys() {
            assert!(
                schema["properties"].get(k).is_some(),
                "the {name} example has {k}, which is not in its schema"
            );
        }
        let public = doc.json["paths"][path]["post"]["security"].is_null();
        for token in [None, Some(fx.token.as_str()), Some("garbage")] {
            for case in cases(name, base, &required) {
                let a = app
                    .raw(path, token, case.content_type, case.body.clone())
                    .await;
                let what = format!("POST {path} ({}) token={token:?}", case.label);
                assert_refusal(&what, &a);
                if token == Some(fx.token.as_str()) {
                    codes.insert(a.json["code"].as_str().unwrap_or_default().to_owned());
                }
                if let Some(s) = case.status {
                    assert_eq!(a.status, s, "{what}: {}", a.text);
                }
                if case.label == "exactly 64 KiB" {
                    assert_ne!(a.status, 413, "{what}: the limit itself is allowed");
                }
                // Signed out, a call that is JSON is refused for the session before its body
                // is looked at.
                if case.status.is_none() && !public && token != Some(fx.token.as_str()) {
                    assert_eq!(
                        (a.status, a.json["code"].as_str()),
                        (401, Some("unauthorized")),
                        "{what}: {}",
                        a.text
                    );
                }
                sent += 1;
            }
            if required.is_empty() && !public && token != Some(fx.token.as_str()) {
                let a = app
                    .raw(path, token, Some("application/json"), b"{}".to_vec())
                    .await;
                assert_eq!(a.status, 401, "{path} {{}} token={token:?}: {}", a.text);
                assert_refusal(path, &a);
            }
            for method in [Method::GET, Method::PUT, Method::DELETE, Method::PATCH] {
                let a = app.request(method.clone(), path, token).await;
                assert_eq!(a.status, 405, "{method} {path}: {}", a.text);
                assert_refusal(&format!("{method} {path}"), &a);
            }
        }
        app.assert_healthy().await;
    }

    for (method, path) in [
        (Method::POST, "/api/nope"),
        (Method::POST, "/api/"),
        (Method::POST, "/api"),
        (Method::GET, "/api"),
        (Method::POST, "/api/login/extra"),
        (Method::GET, "/api/nope/deeper"),
        (Method::POST, "/api/LOGIN"),
        (Method::POST, "/api/%FF"),
        (Method::POST, "/api/..%2Flogin"),
        (Method::GET, "/nope"),
    ] {
        for token in [None, Some(fx.token.as_str())] {
            let a = app.request(method.clone(), path, token).await;
            assert_eq!(a.status, 404, "{method} {path}: {}", a.text);
            assert_refusal(&format!("{method} {path}"), &a);
        }
    }
    for (method, path) in [
        (Method::GET, "/api/nope".to_owned()),
        (Method::GET, "/api/%FF".to_owned()),
        (Method::POST, "/api/openapi.json".to_owned()),
        (Method::POST, "/api/ws".to_owned()),
        (Method::GET, "/api/ws".to_owned()),
        (Method::GET, "/api/ws?token=garbage".to_owned()),
        (Method::GET, format!("/api/ws?token={}", fx.token)),
        (
            Method::GET,
            format!("/api/ws?token={0}&token={0}", fx.token),
        ),
        (Method::GET, "/api/ws?token=%FF".to_owned()),
        (Method::POST, "/healthz".to_owned()),
    ] {
        let a = app.request(method.clone(), &path, None).await;
        assert_refusal(&format!("{method} {path}"), &a);
    }
    app.assert_healthy().await;

    assert!(sent > 2000, "only {sent} requests sent");
    // Signed in, the walk gets past the parser into the commands' own checks.
    for code in [
        "malformed_request",
        "invalid_input",
        "approval_denied",
        "payload_too_large",
        "unsupported_media_type",
    ] {
        assert!(codes.contains(code), "no {code} among {codes:?}");
    }
    assert_eq!(
        app.event_count(),
        events_before,
        "a refused request wrote events"
    );
    assert_eq!(app.order_text(&fx.token, &fx.a).await, order_before);
    // The session survived everything (no malformed logout signed it out).
    assert_eq!(
        app.call("list_orders", Some(&fx.token), json!({})).await.0,
        200
    );
}

/// Each example of the walk succeeds on its own, so every malformed variant of it is refused
/// for the one thing it breaks.
#[tokio::test]
async fn examples_are_valid() {
    let app = spawn_app().await;
    let fx = Fixture::build(&app).await;
    for (name, body) in fx.examples() {
        let token = app.login(ALEX).await;
        let (status, v) = app.call(name, Some(&token), body.clone()).await;
        if matches!(
            name,
            "pair_terminal" | "setup_pair" | "create_first_manager"
        ) {
            // Well formed, and refused before anything happens (to a cashier; the first-run
            // doors to a terminal that has staff): they succeed in `sync.rs`, against a real
            // hub and on a terminal without staff.
            assert_eq!(
                (status, v["code"].as_str()),
                (403, Some("forbidden")),
                "{v}"
            );
            continue;
        }
        if matches!(
            name,
            "reprint_job"
                | "test_print"
                | "check_printer"
                | "retry_printer"
                | "confirm_printed"
                | "kitchen_step"
                | "revoke_screen"
        ) {
            // Well formed, about a job or a printer this terminal does not have: they succeed
            // in `printing.rs`, against a fake printer on a real socket.
            assert_eq!(
                (status, v["code"].as_str()),
                (404, Some("not_found")),
                "{v}"
            );
            continue;
        }
        if matches!(name, "make_pairing_code" | "pair_with_hosted_hub") {
            // A cashier may not; a manager may only on a terminal hosting the hub (tested in
            // Chromium against a real `--host-hub` process, e2e/hosting.spec.ts).
            assert!(
                matches!(
                    v["code"].as_str(),
                    Some("approval_required" | "forbidden" | "conflict")
                ),
                "{v}"
            );
            continue;
        }
        assert_eq!(status, 200, "{name} {body}: {v}");
    }
}

#[tokio::test]
async fn malformed_requests_get_stable_error_bodies() {
    let app = spawn_app().await;
    let fx = Fixture::build(&app).await;
    let t = Some(fx.token.as_str());
    let add = json!({ "order_id": fx.a, "item_id": fx.menu.item("Fries"), "qty": 1 });
    let json_case = |label: &str, body: Value| Case::json(label, &body);
    let mut unknown = add.clone();
    unknown["colour"] = json!("red");
    let mut long_note = add.clone();
    long_note["note"] = json!("x".repeat(10 * 1024));
    let cases = vec![
        Case::raw("not JSON", b"{not json", Some("application/json"), 400),
        json_case("an array", json!([])),
        json_case("a number", json!(42)),
        json_case("a string", json!("x")),
        json_case("null", json!(null)),
        json_case("an empty object", json!({})),
        json_case("an unknown field", unknown),
        json_case("qty a string", with(&add, "/qty", json!("2"))),
        json_case("qty a float", with(&add, "/qty", json!(2.5))),
        json_case("qty 1e30", with(&add, "/qty", json!(1e30))),
        json_case("qty i64::MAX", with(&add, "/qty", json!(i64::MAX))),
        json_case("qty 0", with(&add, "/qty", json!(0))),
        json_case("order_id not a uuid", with(&add, "/order_id", json!("42"))),
        json_case("note 10 KB", long_note),
        Case::raw("text/plain", b"{}", Some("text/plain"), 415),
        Case::raw(
            "64 KiB + 1",
            &vec![b' '; comanda_api::http::MAX_BODY + 1],
            Some("application/json"),
            413,
        ),
    ];
    let mut seen = Vec::new();
    for case in cases {
        let a = app
            .raw("/api/add_line", t, case.content_type, case.body)
            .await;
        seen.push(json!({ "case": case.label, "status": a.status, "body": a.json }));
    }
    let others: [(&str, Answer); 4] = [
        (
            "GET /api/add_line",
            app.request(Method::GET, "/api/add_line", t).await,
        ),
        (
            "POST /api/nope",
            app.request(Method::POST, "/api/nope", t).await,
        ),
        (
            "add_line without a session",
            app.raw(
                "/api/add_line",
                None,
                Some("application/json"),
                b"{}".to_vec(),
            )
            .await,
        ),
        (
            "login with a PIN nobody has",
            app.raw(
                "/api/login",
                None,
                Some("application/json"),
                br#"{"pin":"0000"}"#.to_vec(),
            )
            .await,
        ),
    ];
    for (label, a) in others {
        seen.push(json!({ "case": label, "status": a.status, "body": a.json }));
    }
    insta::assert_json_snapshot!(seen);
}

/// Regression: serde reads a struct from an array too, so `[]` was a valid empty request (a
/// `logout` signed the session out) and `["1111"]` a valid `login`.
#[tokio::test]
async fn an_array_is_not_a_request() {
    let app = spawn_app().await;
    let t = app.login(ALEX).await;
    let got = app.call("logout", Some(&t), json!([])).await;
    assert_error(&got, 400, "malformed_request", None);
    let got = app.call("login", None, json!([ALEX])).await;
    assert_error(&got, 400, "malformed_request", None);
    let got = app.call("list_orders", Some(&t), json!(["all", 10])).await;
    assert_error(&got, 400, "malformed_request", None);
    assert_eq!(app.call("list_orders", Some(&t), json!({})).await.0, 200);
}

/// Regression: axum's own refusals were plain text: a call name that is not UTF-8, and
/// `/api/ws` without a WebSocket upgrade (which also answered 400 before checking the session).
#[tokio::test]
async fn refusals_of_the_routing_layer_are_json_too() {
    let app = spawn_app().await;
    let t = app.login(ALEX).await;
    let a = app.request(Method::POST, "/api/%FF%FE", Some(&t)).await;
    assert_error(&(a.status, a.json), 404, "not_found", None);
    let a = app.request(Method::GET, "/api/ws", None).await;
    assert_error(&(a.status, a.json), 401, "unauthorized", None);
    let a = app
        .request(Method::GET, &format!("/api/ws?token={t}"), None)
        .await;
    assert_error(&(a.status, a.json), 400, "malformed_request", None);
    let a = app
        .request(Method::GET, &format!("/api/ws?token={t}&token={t}"), None)
        .await;
    assert_error(&(a.status, a.json), 401, "unauthorized", None);
}

/// Regression (review): the OpenAPI document said every request body was required, while calls
/// such as `get_bootstrap` and `get_status` take none. The document and the server agree: a call
/// whose body is optional answers 200 with no body at all; one whose body is required refuses
/// it with a JSON 400.
#[tokio::test]
async fn the_document_says_which_calls_need_a_body_and_the_server_agrees() {
    let app = spawn_app().await;
    let doc = app.request(Method::GET, "/api/openapi.json", None).await;
    let paths = doc.json["paths"].as_object().expect("paths").clone();
    let mut optional = vec![];
    for (path, item) in paths {
        let op = &item["post"];
        let required = op["requestBody"]["required"].as_bool().unwrap_or(false);
        // A manager, so a call for managers' eyes answers too.
        let token = app.login(MORGAN).await;
        let a = app.raw(&path, Some(&token), None, Vec::new()).await;
        if required {
            assert_eq!(a.status, 400, "{path}: {}", a.text);
            assert_eq!(a.json["code"], "malformed_request", "{path}");
        } else {
            // Taken without a body: answered as `{}` (make_pairing_code then says this terminal
            // hosts no hub, in words, which is its answer to `{}` here).
            let expected = if path == "/api/make_pairing_code" {
                409
            } else {
                200
            };
            assert_eq!(a.status, expected, "{path} takes no body: {}", a.text);
            optional.push(path.trim_start_matches("/api/").to_owned());
        }
    }
    optional.sort();
    assert_eq!(
        optional,
        [
            "drawer_status",
            "get_bootstrap",
            "get_status",
            "kitchen_board",
            "kitchen_targets",
            "list_approvals",
            "list_employees",
            "list_orders",
            "list_printers",
            "list_screens",
            "list_staff_names",
            "list_sync_issues",
            "logout",
            "make_pairing_code",
            "make_screen_code",
            "print_queue"
        ]
    );
}
