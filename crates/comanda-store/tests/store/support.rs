//! Helpers shared by the store tests: opening stores on temp files, and commands that build
//! orders the way the API crate will (read, then append, in one transaction).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use comanda_domain::catalog::LineTax;
use comanda_domain::clock::ManualClock;
use comanda_domain::codec::{self, StoredEvent};
use comanda_domain::event::{
    DiscountAmount, DiscountApplied, DiscountTarget, Event, EventBody, LineAdded, LineChange,
    LineChanged, LineVoided, OrderClosed, OrderOpened, OrderType, PaymentMethod, PaymentRecorded,
    StreamId,
};
use comanda_domain::ids::{
    DeviceId, DiscountId, IdSource, ItemId, LineId, OrderId, PaymentId, SeqIds, StoreId, TaxRateId,
};
use comanda_domain::money::{Money, Percent, Rate};
use comanda_domain::order;
use comanda_domain::quantity::Quantity;
use comanda_store::{Pairing, Store, StoreError, Tx};
use rusqlite::types::Value;
use tempfile::TempDir;

/// A store on a file in its own temporary directory, with the clock and ids it was given.
pub struct TestStore {
    pub dir: TempDir,
    pub clock: Arc<ManualClock>,
    pub ids: Arc<SeqIds>,
    pub store: Store,
}

impl TestStore {
    /// A fresh store; its clock shows `now_ms`, its ids carry `seed`.
    pub fn new(seed: u64, now_ms: u64) -> TestStore {
        let dir = tempfile::tempdir().unwrap();
        let clock = Arc::new(ManualClock::new(now_ms));
        let ids = Arc::new(SeqIds::new(seed));
        let store = open(&dir.path().join("terminal.db"), &clock, &ids);
        TestStore {
            dir,
            clock,
            ids,
            store,
        }
    }

    /// A fresh store paired to the test store [`store_id`] as terminal `terminal_no`, with a
    /// device id from `seed`: what two terminals of one store look like.
    pub fn in_store(seed: u64, now_ms: u64, terminal_no: u32) -> TestStore {
        TestStore::in_store_by(seed, now_ms, terminal_no, None)
    }

    /// [`Self::in_store`], paired by `pairer` (itself, as a hub, when `None`).
    pub fn in_store_by(
        seed: u64,
        now_ms: u64,
        terminal_no: u32,
        pairer: Option<DeviceId>,
    ) -> TestStore {
        let t = TestStore::new(seed, now_ms);
        let device_id = DeviceId::new(&*t.ids);
        let pairing = Pairing {
            store_id: store_id(),
            device_id,
            terminal_no,
            pairer: pairer.unwrap_or(device_id),
        };
        t.store.write(|tx| tx.pair(&pairing)).unwrap();
        t
    }

    /// The database file.
    pub fn path(&self) -> PathBuf {
        self.dir.path().join("terminal.db")
    }

    /// Closes the store and opens the same file again, with ids from a new `seed` (a real
    /// id source never repeats itself across restarts; a `SeqIds` with its old seed would).
    pub fn reopen(self, seed: u64) -> TestStore {
        let TestStore {
            dir, clock, store, ..
        } = self;
        drop(store);
        let ids = Arc::new(SeqIds::new(seed));
        let store = open(&dir.path().join("terminal.db"), &clock, &ids);
        TestStore {
            dir,
            clock,
            ids,
            store,
        }
    }
}

/// The store the terminals of these tests join.
pub fn store_id() -> StoreId {
    StoreId::new(&SeqIds::new(900))
}

/// Events as they travel: encoded by the codec.
pub fn wire(events: &[Event]) -> Vec<StoredEvent> {
    events.iter().map(codec::encode).collect()
}

pub fn open(path: &Path, clock: &Arc<ManualClock>, ids: &Arc<SeqIds>) -> Store {
    Store::open(path, clock.clone(), ids.clone()).unwrap()
}

/// A fixed tax rate (10 % VAT, included in prices).
pub fn vat() -> LineTax {
    LineTax {
        rate_id: TaxRateId::new(&SeqIds::new(1_000)),
        name: "VAT 10%".into(),
        rate: Rate::from_milli_percent(10_000).unwrap(),
        inclusive: true,
    }
}

pub fn opened(number: u32, table: &str) -> EventBody {
    EventBody::OrderOpened(OrderOpened {
        number,
        order_type: OrderType::DineIn {
            table: table.into(),
            guests: Some(2),
        },
    })
}

pub fn line(ids: &dyn IdSource, name: &str, price_minor: i64) -> (LineId, EventBody) {
    let line_id = LineId::new(ids);
    let body = EventBody::LineAdded(LineAdded {
        line_id,
        item_id: ItemId::new(ids),
        name: name.into(),
        unit_price: Money::from_minor(price_minor),
        qty: Quantity::ONE,
        modifiers: vec![],
        tax: vat(),
        note: None,
        seat: None,
        course: None,
    });
    (line_id, body)
}

pub fn qty(line_id: LineId, n: i64) -> EventBody {
    EventBody::LineChanged(LineChanged {
        line_id,
        change: LineChange::Qty(Quantity::parse(n).unwrap()),
        approved_by: None,
    })
}

pub fn void(line_id: LineId) -> EventBody {
    EventBody::LineVoided(LineVoided {
        line_id,
        reason: "customer changed their mind".into(),
        approved_by: None,
    })
}

pub fn discount(ids: &dyn IdSource, bp: i64) -> EventBody {
    EventBody::DiscountApplied(DiscountApplied {
        discount_id: DiscountId::new(ids),
        target: DiscountTarget::Order,
        amount: DiscountAmount::Percent(Percent::from_bp(bp).unwrap()),
        reason: "regular".into(),
        approved_by: None,
    })
}

pub fn payment(ids: &dyn IdSource, amount: Money) -> EventBody {
    EventBody::PaymentRecorded(PaymentRecorded {
        payment_id: PaymentId::new(ids),
        method: PaymentMethod::Card {
            reference: "AUTH-1".into(),
        },
        amount,
        tip: Money::ZERO,
        split: None,
    })
}

pub fn closed() -> EventBody {
    EventBody::OrderClosed(OrderClosed { generation: 0 })
}

/// A command: opens an order (taking the next number) with two lines. Returns the order and
/// its lines.
pub fn open_order(
    tx: &mut Tx<'_>,
    ids: &dyn IdSource,
    table: &str,
) -> Result<(OrderId, Vec<LineId>), StoreError> {
    let order_id = OrderId::new(ids);
    let stream = StreamId::Order(order_id);
    let number = tx.next_order_number()?;
    tx.append(stream, None, opened(number, table))?;
    let (a, body) = line(ids, "Burger", 1250);
    tx.append(stream, None, body)?;
    let (b, body) = line(ids, "Cola", 350);
    tx.append(stream, None, body)?;
    Ok((order_id, vec![a, b]))
}

/// A command: pays the order's balance by card (read, then write, in one transaction), then
/// closes it.
pub fn pay_and_close(tx: &mut Tx<'_>, ids: &dyn IdSource, id: OrderId) -> Result<(), StoreError> {
    let balance = tx
        .order(id)?
        .map(|o| o.state.totals().balance)
        .unwrap_or_default();
    if balance.is_positive() {
        tx.append(StreamId::Order(id), None, payment(ids, balance))?;
    }
    tx.append(StreamId::Order(id), None, closed())?;
    Ok(())
}

/// Builds the small order of the issue through the store, one command per step: open, add
/// lines, change a quantity, void a line, discount, pay, close. Returns the order.
pub fn small_order(t: &TestStore) -> OrderId {
    let ids = &*t.ids;
    let (id, lines) = t.store.write(|tx| open_order(tx, ids, "4")).unwrap();
    let stream = StreamId::Order(id);
    t.clock.advance(1_000);
    t.store
        .write(|tx| {
            let (_, body) = line(ids, "Fries", 400);
            tx.append(stream, None, body)?;
            tx.append(stream, None, qty(lines[0], 2))
        })
        .unwrap();
    t.clock.advance(1_000);
    t.store
        .write(|tx| tx.append(stream, None, void(lines[1])))
        .unwrap();
    t.clock.advance(1_000);
    t.store
        .write(|tx| tx.append(stream, None, discount(ids, 1000)))
        .unwrap();
    t.clock.advance(1_000);
    t.store.write(|tx| pay_and_close(tx, ids, id)).unwrap();
    id
}

/// The events of a stream as stored, in agreed order.
pub fn events_of(store: &Store, stream: StreamId) -> Vec<Event> {
    store.read(|r| r.stream_events(stream)).unwrap()
}

/// Asserts that the stored projection of an order equals a fresh fold of its stored events.
pub fn assert_projection_is_fold(store: &Store, id: OrderId) {
    let events = events_of(store, StreamId::Order(id));
    let (state, conflicts) = order::fold(id, &events);
    let rec = store.read(|r| r.order(id)).unwrap().unwrap();
    assert_eq!(rec.state, state, "order {id}: stored state is not the fold");
    assert_eq!(rec.conflicts, conflicts, "order {id}: stored conflicts");
}

/// Every row of a table, every column, ordered by its first column: for comparing projections
/// byte for byte.
pub fn raw_rows(path: &Path, table: &str) -> Vec<Vec<Value>> {
    let conn = rusqlite::Connection::open(path).unwrap();
    let mut stmt = conn
        .prepare(&format!("SELECT * FROM {table} ORDER BY 1"))
        .unwrap();
    let n = stmt.column_count();
    stmt.query_map([], |r| (0..n).map(|i| r.get::<_, Value>(i)).collect())
        .unwrap()
        .collect::<Result<Vec<_>, _>>()
        .unwrap()
}
