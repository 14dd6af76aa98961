//! The demo store loaded on first run, so a new user sees a working POS at once: a bistro menu
//! with required and optional modifiers, two VAT rates, two cashiers and a manager.
//!
//! Demo PINs: Alex (cashier) 1111, Sam (cashier) 2222, Morgan (manager) 9999.

use comanda_domain::catalog::{Catalog, Category, Item, Modifier, ModifierGroup, TaxRate};
use comanda_domain::employee::{EmployeeRecord, Pin, Role, StoreSettings};
use comanda_domain::event::{EmployeeSaved, EventBody, StreamId};
use comanda_domain::ids::{
    CategoryId, EmployeeId, IdSource, ItemId, ModifierGroupId, ModifierId, TaxRateId,
};
use comanda_domain::money::{Money, Rate};

use crate::ctx::Ctx;
use crate::error::ApiError;
use crate::session::hash_pin;

/// The demo staff: name, role, PIN.
pub const DEMO_STAFF: &[(&str, Role, &str)] = &[
    ("Alex", Role::Cashier, "1111"),
    ("Sam", Role::Cashier, "2222"),
    ("Morgan", Role::Manager, "9999"),
];

/// Loads the demo store if this terminal has no menu yet. Idempotent.
pub fn seed_demo_if_empty(ctx: &Ctx) -> Result<(), ApiError> {
    if ctx.store.read(|r| r.catalog())?.is_some() {
        return Ok(());
    }
    let mut staff = Vec::new();
    for (name, role, pin) in DEMO_STAFF {
        let pin = Pin::parse(pin).map_err(|e| ApiError::internal(&e))?;
        staff.push(EmployeeRecord {
            employee_id: EmployeeId::new(ctx.ids.as_ref()),
            name: (*name).into(),
            role: *role,
            pin_hash: hash_pin(ctx, &pin)?,
            active: true,
        });
    }
    let catalog = demo_catalog(ctx.ids.as_ref());
    ctx.store.write(|tx| {
        if tx.catalog()?.is_some() {
            return Ok::<_, ApiError>(());
        }
        tx.append(
            StreamId::Settings,
            None,
            EventBody::SettingsPublished(StoreSettings {
                store_name: "Comanda Demo Bistro".into(),
                currency: "EUR".into(),
                ..StoreSettings::default()
            }),
        )?;
        for e in staff {
            tx.append(
                StreamId::Employees,
                None,
                EventBody::EmployeeSaved(EmployeeSaved {
                    record: e,
                    approved_by: None,
                }),
            )?;
        }
        tx.append(
            StreamId::Catalog,
            None,
            EventBody::CatalogPublished(catalog),
        )?;
        Ok(())
    })?;
    tracing::info!("demo store loaded (PINs: Alex 1111, Sam 2222, Morgan 9999 manager)");
    Ok(())
}

/// The demo bistro's menu.
pub fn demo_catalog(ids: &dyn IdSource) -> Catalog {
    let eur = Money::from_minor;
    let food = TaxRate {
        id: TaxRateId::new(ids),
        name: "VAT 10%".into(),
        rate: Rate::from_milli_percent(10_000).unwrap_or_default(),
        inclusive: true,
    };
    let drinks = TaxRate {
        id: TaxRateId::new(ids),
        name: "VAT 21%".into(),
        rate: Rate::from_milli_percent(21_000).unwrap_or_default(),
        inclusive: true,
    };
    let mut groups = Vec::new();
    let mut group = |name: &str, min: u32, max: u32, mods: &[(&str, i64)]| {
        let g = ModifierGroup {
            id: ModifierGroupId::new(ids),
            name: name.into(),
            min,
            max,
            modifiers: mods
                .iter()
                .map(|(n, d)| Modifier {
                    id: ModifierId::new(ids),
                    name: (*n).into(),
                    price_delta: eur(*d),
                })
                .collect(),
        };
        let id = g.id;
        groups.push(g);
        id
    };
    let cooking = group(
        "Cooking",
        1,
        1,
        &[
            ("Rare", 0),
            ("Medium rare", 0),
            ("Medium", 0),
            ("Well done", 0),
        ],
    );
    let side = group(
        "Side",
        1,
        1,
        &[("Fries", 0), ("Side salad", 0), ("Sweet potato fries", 100)],
    );
    let extras = group(
        "Extras",
        0,
        3,
        &[
            ("Cheese", 100),
            ("Bacon", 150),
            ("Avocado", 120),
            ("No onion", 0),
        ],
    );
    let size = group("Size", 1, 1, &[("Medium", 0), ("Large", 300)]);
    let toppings = group(
        "Toppings",
        0,
        4,
        &[
            ("Mushrooms", 100),
            ("Olives", 100),
            ("Extra mozzarella", 150),
            ("Chili", 0),
        ],
    );
    let dressing = group(
        "Dressing",
        1,
        1,
        &[("Vinaigrette", 0), ("Yogurt", 0), ("No dressing", 0)],
    );
    let milk = group("Milk", 0, 1, &[("Whole milk", 0), ("Oat milk", 40)]);
    let ice = group("Ice", 0, 1, &[("No ice", 0), ("Extra ice", 0)]);

    let mut categories = Vec::new();
    let mut items = Vec::new();
    // Each category's items are made at one kitchen station (drinks at the bar).
    let mut cat = |name: &str,
                   color: &str,
                   station: &str,
                   tax: &TaxRate,
                   list: &[(&str, i64, &[ModifierGroupId], Option<&str>)]| {
        let c = Category {
            id: CategoryId::new(ids),
            name: name.into(),
            color: color.into(),
        };
        for (n, p, g, code) in list {
            items.push(Item {
                id: ItemId::new(ids),
                category_id: c.id,
                name: (*n).into(),
                price: eur(*p),
                tax_rate_id: tax.id,
                modifier_group_ids: g.to_vec(),
                barcode: code.map(str::to_owned),
                available: true,
                stations: vec![station.to_owned()],
            });
        }
        categories.push(c);
    };
    cat(
        "Burgers",
        "#c0392b",
        "grill",
        &food,
        &[
            ("Classic Burger", 1250, &[cooking, side, extras], None),
            ("Cheeseburger", 1350, &[cooking, side, extras], None),
            ("Veggie Burger", 1200, &[side, extras], None),
            ("Chicken Burger", 1290, &[side, extras], None),
        ],
    );
    cat(
        "Pizza",
        "#d35400",
        "oven",
        &food,
        &[
            ("Margherita", 950, &[size, toppings], None),
            ("Pepperoni", 1100, &[size, toppings], None),
            ("Quattro Formaggi", 1200, &[size, toppings], None),
            ("Funghi", 1050, &[size, toppings], None),
        ],
    );
    cat(
        "Salads",
        "#27ae60",
        "cold",
        &food,
        &[
            ("Caesar Salad", 1090, &[], None),
            ("Greek Salad", 990, &[dressing], None),
        ],
    );
    cat(
        "Sides",
        "#b7950b",
        "fry",
        &food,
        &[
            ("Fries", 450, &[], None),
            ("Sweet Potato Fries", 550, &[], None),
            ("Onion Rings", 490, &[], None),
            ("Garlic Bread", 390, &[], None),
        ],
    );
    cat(
        "Drinks",
        "#2471a3",
        "bar",
        &drinks,
        &[
            ("Cola", 300, &[ice], Some("5449000000996")),
            ("Lemonade", 350, &[ice], Some("4006381333931")),
            ("Sparkling Water", 250, &[], Some("8410128000014")),
            ("Beer", 450, &[], Some("5410228142041")),
            ("House Wine", 500, &[], None),
            ("Coffee", 220, &[milk], None),
            ("Tea", 200, &[milk], None),
        ],
    );
    cat(
        "Desserts",
        "#7d3c98",
        "cold",
        &food,
        &[
            ("Tiramisu", 650, &[], None),
            ("Cheesecake", 600, &[], None),
            ("Ice Cream", 450, &[], None),
        ],
    );
    Catalog {
        categories,
        items,
        modifier_groups: groups,
        tax_rates: vec![food, drinks],
    }
}
