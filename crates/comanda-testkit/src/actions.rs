//! What cashiers do in the simulation: business commands on a terminal's store, each one
//! transaction of real events, chosen by the seed. What a command committed is acknowledged:
//! the simulation then demands it on every node.

use comanda_domain::catalog::LineTax;
use comanda_domain::event::{
    Event, EventBody, LineAdded, LineChange, LineChanged, LineVoided, OrderCancelled, OrderClosed,
    OrderFired, OrderOpened, OrderReopened, OrderType, PaymentMethod, PaymentRecorded, StreamId,
};
use comanda_domain::ids::{
    EmployeeId, IdSource, ItemId, LineId, OrderId, PaymentId, SeqIds, TaxRateId,
};
use comanda_domain::money::{Money, Rate};
use comanda_domain::order::{OrderStatus, Phase};
use comanda_domain::quantity::Quantity;
use comanda_store::{OrderFilter, Store, StoreError, Tx};

use crate::rng::Rng;

/// The tax every simulated line carries (10 %, included).
fn vat() -> LineTax {
    LineTax {
        rate_id: TaxRateId::new(&SeqIds::new(7_000)),
        name: "VAT 10%".into(),
        rate: Rate::from_milli_percent(10_000).expect("10 % is a rate"),
        inclusive: true,
    }
}

/// The manager named by approved events.
fn manager() -> EmployeeId {
    EmployeeId::new(&SeqIds::new(7_001))
}

/// The simulated menu: name, price, kitchen station.
const MENU: [(&str, i64, &str); 5] = [
    ("Burger", 1250, "grill"),
    ("Fries", 400, "fry"),
    ("Cola", 350, "bar"),
    ("Salad", 900, "cold"),
    ("Tiramisu", 650, "cold"),
];

/// The id of the simulated menu's item `k`.
fn item_id(k: usize) -> ItemId {
    ItemId::new(&SeqIds::new(7_100 + k as u64))
}

/// The simulated menu as a catalog: each item with its kitchen station (what the print queue
/// reads to make tickets).
pub fn menu() -> comanda_domain::catalog::Catalog {
    let category = comanda_domain::ids::CategoryId::new(&SeqIds::new(7_200));
    comanda_domain::catalog::Catalog {
        items: MENU
            .iter()
            .enumerate()
            .map(
                |(k, (name, price, station))| comanda_domain::catalog::Item {
                    id: item_id(k),
                    category_id: category,
                    name: (*name).into(),
                    price: Money::from_minor(*price),
                    tax_rate_id: vat().rate_id,
                    modifier_group_ids: vec![],
                    barcode: None,
                    available: true,
                    stations: vec![(*station).into()],
                },
            )
            .collect(),
        ..Default::default()
    }
}

fn line(ids: &dyn IdSource, rng: &mut Rng) -> (LineId, EventBody) {
    let k = rng.below(MENU.len() as u64) as usize;
    let (name, price, _) = MENU[k];
    let line_id = LineId::new(ids);
    let body = EventBody::LineAdded(LineAdded {
        line_id,
        item_id: item_id(k),
        name: name.into(),
        unit_price: Money::from_minor(price),
        qty: Quantity::ONE,
        modifiers: vec![],
        tax: vat(),
        note: None,
        seat: None,
        course: None,
    });
    (line_id, body)
}

/// One cashier's command on `store`, chosen by `rng` among what makes sense for the orders this
/// terminal sees. Returns the events it committed (empty when it chose to do nothing).
pub fn act(store: &Store, ids: &dyn IdSource, rng: &mut Rng) -> Result<Vec<Event>, StoreError> {
    let orders = store.read(|r| r.list_orders(&OrderFilter::all(50)))?;
    let open: Vec<OrderId> = orders
        .iter()
        .filter(|o| o.status == OrderStatus::Open)
        .map(|o| o.order_id)
        .collect();
    let closed: Vec<OrderId> = orders
        .iter()
        .filter(|o| o.status == OrderStatus::Closed)
        .map(|o| o.order_id)
        .collect();
    let choice = rng.below(100);
    let some_open = rng.pick(&open).copied();
    let some_closed = rng.pick(&closed).copied();
    store.write(|tx| {
        let mut made = Vec::new();
        match (choice, some_open, some_closed) {
            (0..25, _, _) | (25..60, None, _) => open_order(tx, ids, rng, &mut made)?,
            (25..45, Some(id), _) => {
                let (_, body) = line(ids, rng);
                made.push(tx.append(StreamId::Order(id), None, body)?);
            }
            (45..55, Some(id), _) => change_a_line(tx, id, rng, &mut made)?,
            (55..60, Some(id), _) => {
                let unsent = lines_of(tx, id, |l| !l.fired && l.voided.is_none())?;
                if !unsent.is_empty() {
                    let body = EventBody::OrderFired(OrderFired { line_ids: unsent });
                    made.push(tx.append(StreamId::Order(id), None, body)?);
                }
            }
            (60..80, Some(id), _) => pay_and_close(tx, ids, id, &mut made)?,
            (80..86, Some(id), _) => {
                let generation = generation(tx, id)?;
                let body = EventBody::OrderCancelled(OrderCancelled {
                    generation,
                    reason: "guest left".into(),
                    approved_by: Some(manager()),
                });
                made.push(tx.append(StreamId::Order(id), None, body)?);
            }
            (86..90, _, Some(id)) => {
                let generation = generation(tx, id)? + 1;
                let body = EventBody::OrderReopened(OrderReopened {
                    generation,
                    reason: "forgot the dessert".into(),
                    approved_by: manager(),
                });
                made.push(tx.append(StreamId::Order(id), None, body)?);
            }
            _ => {}
        }
        Ok(made)
    })
}

fn open_order(
    tx: &mut Tx<'_>,
    ids: &dyn IdSource,
    rng: &mut Rng,
    made: &mut Vec<Event>,
) -> Result<(), StoreError> {
    let id = OrderId::new(ids);
    let stream = StreamId::Order(id);
    let number = tx.next_order_number()?;
    let order_type = match rng.below(3) {
        0 => OrderType::DineIn {
            table: format!("{}", rng.range(1, 20)),
            guests: Some(2),
        },
        1 => OrderType::Takeaway { name: None },
        _ => OrderType::Tab { name: "Sam".into() },
    };
    made.push(tx.append(
        stream,
        None,
        EventBody::OrderOpened(OrderOpened { number, order_type }),
    )?);
    for _ in 0..rng.range(1, 3) {
        let (_, body) = line(ids, rng);
        made.push(tx.append(stream, None, body)?);
    }
    Ok(())
}

fn lines_of(
    tx: &Tx<'_>,
    id: OrderId,
    keep: impl Fn(&comanda_domain::order::LineState) -> bool,
) -> Result<Vec<LineId>, StoreError> {
    Ok(tx
        .order(id)?
        .map(|o| {
            o.state
                .lines
                .iter()
                .filter(|l| keep(l))
                .map(|l| l.line_id)
                .collect()
        })
        .unwrap_or_default())
}

fn generation(tx: &Tx<'_>, id: OrderId) -> Result<u32, StoreError> {
    Ok(tx
        .order(id)?
        .map(|o| o.state.lifecycle.generation)
        .unwrap_or(0))
}

fn change_a_line(
    tx: &mut Tx<'_>,
    id: OrderId,
    rng: &mut Rng,
    made: &mut Vec<Event>,
) -> Result<(), StoreError> {
    let live = lines_of(tx, id, |l| l.voided.is_none())?;
    let Some(&line_id) = rng.pick(&live) else {
        return Ok(());
    };
    let body = if rng.chance(500) {
        EventBody::LineVoided(LineVoided {
            line_id,
            reason: "wrong item".into(),
            approved_by: Some(manager()),
        })
    } else {
        let qty = Quantity::parse(rng.range(1, 4) as i64).unwrap_or(Quantity::ONE);
        EventBody::LineChanged(LineChanged {
            line_id,
            change: LineChange::Qty(qty),
            approved_by: Some(manager()),
        })
    };
    made.push(tx.append(StreamId::Order(id), None, body)?);
    Ok(())
}

fn pay_and_close(
    tx: &mut Tx<'_>,
    ids: &dyn IdSource,
    id: OrderId,
    made: &mut Vec<Event>,
) -> Result<(), StoreError> {
    let Some(rec) = tx.order(id)? else {
        return Ok(());
    };
    if rec.state.lifecycle.phase != Phase::Open {
        return Ok(());
    }
    let balance = rec.state.totals().balance;
    let generation = rec.state.lifecycle.generation;
    drop(rec);
    let stream = StreamId::Order(id);
    if balance.is_positive() {
        let body = EventBody::PaymentRecorded(PaymentRecorded {
            payment_id: PaymentId::new(ids),
            method: PaymentMethod::Card {
                reference: "SIM".into(),
            },
            amount: balance,
            tip: Money::ZERO,
            split: None,
        });
        made.push(tx.append(stream, None, body)?);
    }
    made.push(tx.append(
        stream,
        None,
        EventBody::OrderClosed(OrderClosed { generation }),
    )?);
    Ok(())
}
