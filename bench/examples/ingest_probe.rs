//! A probe, not a figure: times a page-by-page ingest of 10,000 orders from one store into a
//! fresh one in this process (no HTTP), to profile the door alone. `cargo run --release -p
//! comanda-bench --example ingest_probe -- DIR`, under `perf record` to see where the time goes.
#![allow(
    clippy::disallowed_methods,
    reason = "a probe timing itself, as the bench does"
)]

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use comanda_api::system::{SystemClock, UuidV7Ids};
use comanda_domain::catalog::LineTax;
use comanda_domain::event::{EventBody, LineAdded, OrderOpened, OrderType, StreamId};
use comanda_domain::ids::{DeviceId, ItemId, LineId, OrderId, StoreId, TaxRateId};
use comanda_domain::money::{Money, Rate};
use comanda_domain::quantity::Quantity;
use comanda_store::{Pairing, Store};

fn main() -> anyhow::Result<()> {
    let dir = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "/tmp/probe".into()),
    );
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    let ids = UuidV7Ids;
    let store_id = StoreId::new(&ids);
    let hub = DeviceId::new(&ids);
    let open = |name: &str, terminal_no| -> anyhow::Result<Store> {
        let s = Store::open(&dir.join(name), Arc::new(SystemClock), Arc::new(UuidV7Ids))?;
        s.write(|tx| {
            tx.pair(&Pairing {
                store_id,
                device_id: DeviceId::new(&UuidV7Ids),
                terminal_no,
                pairer: hub,
            })
        })?;
        Ok(s)
    };
    let a = open("a.sqlite", 1)?;
    let tax = LineTax {
        rate_id: TaxRateId::new(&ids),
        name: "VAT 10%".into(),
        rate: Rate::from_milli_percent(10_000)?,
        inclusive: true,
    };
    let items: Vec<ItemId> = (0..5).map(|_| ItemId::new(&ids)).collect();
    for i in 0..10_000usize {
        let id = OrderId::new(&ids);
        a.write(|tx| {
            let stream = StreamId::Order(id);
            let number = tx.next_order_number()?;
            tx.append(
                stream,
                None,
                EventBody::OrderOpened(OrderOpened {
                    number,
                    order_type: OrderType::DineIn {
                        table: (1 + i % 40).to_string(),
                        guests: None,
                    },
                }),
            )?;
            for j in 0..1 + i % 3 {
                tx.append(
                    stream,
                    None,
                    EventBody::LineAdded(LineAdded {
                        line_id: LineId::new(&UuidV7Ids),
                        item_id: items[(i + j) % 5],
                        name: "burger".into(),
                        unit_price: Money::from_minor(1250),
                        qty: Quantity::ONE,
                        modifiers: Vec::new(),
                        tax: tax.clone(),
                        note: None,
                        seat: None,
                        course: None,
                    }),
                )?;
            }
            Ok::<_, comanda_store::StoreError>(())
        })?;
    }
    let device = a.device()?.device_id;
    let t = Instant::now();
    let mut pages = Vec::new();
    let mut after = 0;
    loop {
        let page = a.read(|r| r.device_events_after(device, after, 5000))?;
        let Some(last) = page.last() else { break };
        after = last.device_seq;
        pages.push(serde_json::to_string(&page)?);
    }
    let read = t.elapsed();
    // Each round ingests into a fresh store, so a profile can be made mostly of the door.
    let rounds: usize = std::env::var("PROBE_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    for round in 0..rounds {
        let b = open(&format!("b{round}.sqlite"), 2)?;
        let t = Instant::now();
        let mut n = 0;
        for text in &pages {
            let page: Vec<comanda_domain::codec::StoredEvent> = serde_json::from_str(text)?;
            let got = b.write_received(|tx| tx.ingest(&page))?;
            n += got.outcomes.len();
        }
        let ingest = t.elapsed();
        println!(
            "events {n}: read+encode {:.0} ms, decode+ingest {:.0} ms ({:.0} events/s)",
            read.as_secs_f64() * 1e3,
            ingest.as_secs_f64() * 1e3,
            n as f64 / ingest.as_secs_f64()
        );
    }
    Ok(())
}
