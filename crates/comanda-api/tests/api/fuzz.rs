//! A property test over HTTP: random JSON (and random edits of a valid `add_line` body) sent to
//! random routes, signed in or not, never gets a 5xx, and every refusal is a `{code, message}`.

use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::{Map, Value, json};

use crate::fixture::Fixture;
use crate::support::{ALEX, assert_error_body, spawn_app};

/// Field names the API uses, so random objects often look almost right.
const FIELDS: &[&str] = &[
    "order_id",
    "line_id",
    "item_id",
    "qty",
    "modifiers",
    "group_id",
    "modifier_id",
    "note",
    "seat",
    "course",
    "pin",
    "status",
    "limit",
    "order_type",
    "type",
    "table",
    "guests",
    "name",
    "change",
    "field",
    "value",
    "reason",
    "approval",
    "discount",
    "target",
    "discount_id",
    "payment_id",
    "method",
    "tendered",
    "amount",
    "reference",
    "tip",
    "split",
    "part",
    "of",
    "code",
];

const ROUTES: &[&str] = &[
    "pair_terminal",
    "list_staff_names",
    "get_bootstrap",
    "get_status",
    "login",
    "logout",
    "list_orders",
    "get_order",
    "open_order",
    "add_line",
    "add_by_barcode",
    "change_line",
    "void_line",
    "fire_order",
    "set_order_note",
    "change_order_type",
    "apply_discount",
    "remove_discount",
    "record_payment",
    "void_payment",
    "close_order",
    "cancel_order",
    "reopen_order",
    "nope",
];

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(FIELDS).prop_map(str::to_owned),
        1 => "[a-z_]{0,12}",
    ]
}

fn number() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<i64>().prop_map(|n| json!(n)),
        (-3i64..1100).prop_map(|n| json!(n)),
        any::<u64>().prop_map(|n| json!(n)),
        any::<f64>()
            .prop_filter("JSON has no NaN or infinity", |f| f.is_finite())
            .prop_map(|f| json!(f)),
    ]
}

fn string() -> impl Strategy<Value = String> {
    prop_oneof![
        "\\PC{0,24}",
        prop::sample::select(
            &[
                "cash", "card", "dine_in", "takeaway", "tab", "order", "line", "percent", "fixed",
                "qty", "seat", "even", "lines", "all", "open", "9999", "1111",
            ][..]
        )
        .prop_map(str::to_owned),
        any::<u128>().prop_map(|n| uuid::Uuid::from_u128(n).to_string()),
        (0usize..20_000).prop_map(|n| "x".repeat(n)),
    ]
}

fn arbitrary_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        number(),
        string().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(key(), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// An edit of a JSON object: set a key to a value, or remove it.
#[derive(Debug, Clone)]
enum Edit {
    Set(String, Value),
    Remove(String),
}

fn edits() -> impl Strategy<Value = Vec<Edit>> {
    prop::collection::vec(
        prop_oneof![
            3 => (key(), arbitrary_json()).prop_map(|(k, v)| Edit::Set(k, v)),
            2 => (key(), number()).prop_map(|(k, v)| Edit::Set(k, v)),
            1 => key().prop_map(Edit::Remove),
        ],
        1..4,
    )
}

/// What to send.
#[derive(Debug, Clone)]
enum Body {
    /// Any JSON.
    Any(Value),
    /// The valid `add_line` body, edited.
    AddLine(Vec<Edit>),
}

#[derive(Debug, Clone, Copy)]
enum Token {
    None,
    Valid,
    Garbage,
}

#[test]
fn random_json_to_random_routes_never_gets_a_5xx() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let app = rt.block_on(spawn_app());
    let fx = rt.block_on(Fixture::build(&app));
    let add_line = fx
        .examples()
        .into_iter()
        .find(|(n, _)| *n == "add_line")
        .expect("add_line example")
        .1;

    let strategy = (
        prop::sample::select(ROUTES),
        prop_oneof![
            arbitrary_json().prop_map(Body::Any),
            edits().prop_map(Body::AddLine),
        ],
        prop_oneof![Just(Token::None), Just(Token::Valid), Just(Token::Garbage)],
    );
    let mut runner = TestRunner::new(Config {
        cases: 32,
        source_file: Some(file!()),
        ..Config::default()
    });
    let result = runner.run(&strategy, |(route, body, token)| {
        let body = match body {
            Body::Any(v) => v,
            Body::AddLine(edits) => {
                let mut v = add_line.clone();
                let o = v.as_object_mut().expect("object");
                for e in edits {
                    match e {
                        Edit::Set(k, x) => {
                            o.insert(k, x);
                        }
                        Edit::Remove(k) => {
                            o.remove(&k);
                        }
                    }
                }
                v
            }
        };
        rt.block_on(async {
            // A fresh session each case: a random body may be a valid `logout`.
            let token = match token {
                Token::None => None,
                Token::Valid => Some(app.login(ALEX).await),
                Token::Garbage => Some("garbage".to_owned()),
            };
            let a = app
                .raw(
                    &format!("/api/{route}"),
                    token.as_deref(),
                    Some("application/json"),
                    serde_json::to_vec(&body).expect("body"),
                )
                .await;
            prop_assert!(a.status < 500, "{route} {body}: {} {}", a.status, a.text);
            if a.status >= 400 {
                assert_error_body(&format!("{route} {body}"), &a);
            } else {
                prop_assert_eq!(a.status, 200, "{} {}", route, a.text);
                prop_assert!(a.json.is_object(), "{} {}", route, a.text);
            }
            Ok::<(), TestCaseError>(())
        })
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    rt.block_on(app.assert_healthy());
}
