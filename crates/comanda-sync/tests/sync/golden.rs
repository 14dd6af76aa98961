//! The wire's golden files: an exchange made by this build must read exactly as the files in
//! `tests/golden/v1/` (a changed shape is a new protocol version, never an edit), and every file
//! there must decode. `UPDATE_GOLDEN=1` writes them, for a new version only.

use std::path::PathBuf;

use comanda_sync::Link;
use comanda_sync::wire::{ExchangeRequest, ExchangeResponse};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::support::Node;

fn golden(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("tests/golden/v1/{name}.json"))
}

fn check<T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(name: &str, made: &T) {
    let path = golden(name);
    let text = serde_json::to_string_pretty(made).unwrap() + "\n";
    if std::env::var("UPDATE_GOLDEN").is_ok() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &text).unwrap();
    }
    let file = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    let read: T = serde_json::from_str(&file).unwrap();
    assert_eq!(&read, made, "{name}: the wire changed shape");
    let as_value = |t: &str| serde_json::from_str::<serde_json::Value>(t).unwrap();
    assert_eq!(
        as_value(&file),
        as_value(&text),
        "{name}: field names or layout"
    );
}

#[test]
fn an_exchange_reads_as_its_golden_files() {
    let a = Node::paired(1);
    let b = Node::paired(2);
    a.cashier(1, 2);
    b.cashier(2, 1);
    let mut link = Link::new(b.id());
    let first: ExchangeRequest = link.request(&a.store).unwrap();
    let answer: ExchangeResponse = comanda_sync::answer(&b.store, &first).unwrap();
    link.apply(&a.store, &answer).unwrap();
    let second = link.request(&a.store).unwrap();
    assert!(!second.events.is_empty());
    let reply = comanda_sync::answer(&b.store, &second).unwrap();
    check("exchange_request_first", &first);
    check("exchange_response_first", &answer);
    check("exchange_request_push", &second);
    check("exchange_response_push", &reply);
}

/// A request from a node older than the digests (its vector entries carry none) still reads,
/// and an answerer compares nothing it was not sent: nodes of both builds keep syncing.
#[test]
fn a_request_without_digests_from_an_older_node_still_reads() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden/v1-before-digests/exchange_request_first.json");
    let text = std::fs::read_to_string(&path).unwrap();
    let old: ExchangeRequest = serde_json::from_str(&text).unwrap();
    assert!(old.vector.devices.iter().all(|d| d.digest.is_none()));
    let mine = comanda_domain::vector::VersionVector::try_from(&old.vector).unwrap();
    let digests = std::collections::BTreeMap::from([(old.vector.devices[0].device, 42u64)]);
    assert!(old.vector.diverged_from(&mine, &digests).is_empty());
}
