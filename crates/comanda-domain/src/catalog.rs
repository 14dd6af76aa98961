//! The menu: categories, items with prices, modifier groups with their rules, tax rates; and the
//! one function that turns a cashier's choice into a priced line, enforcing the modifier rules.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::DomainError;
use crate::ids::{CategoryId, ItemId, ModifierGroupId, ModifierId, TaxRateId};
use crate::money::{Money, Rate};

/// The whole menu of a store, published as one event (`CatalogPublished`): the latest by agreed
/// order is the menu in force. Orders keep a snapshot of what they sold, so a menu change never
/// changes a past order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Catalog {
    /// Categories in display order.
    pub categories: Vec<Category>,
    /// Items in display order within their category.
    pub items: Vec<Item>,
    /// Modifier groups, referenced by items.
    pub modifier_groups: Vec<ModifierGroup>,
    /// Tax rates, referenced by items.
    pub tax_rates: Vec<TaxRate>,
}

/// A menu category ("Burgers", "Drinks").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Category {
    /// Its id.
    pub id: CategoryId,
    /// Its name on the tab.
    pub name: String,
    /// A CSS colour for its tiles, e.g. `#c0392b`.
    pub color: String,
}

/// A thing that can be sold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    /// Its id.
    pub id: ItemId,
    /// The category it is listed under.
    pub category_id: CategoryId,
    /// Its name on the tile, the order and the receipt.
    pub name: String,
    /// Its price before modifiers; includes tax when its rate is inclusive.
    pub price: Money,
    /// The tax rate that applies.
    pub tax_rate_id: TaxRateId,
    /// Modifier groups offered with it, in the order they are asked.
    pub modifier_group_ids: Vec<ModifierGroupId>,
    /// A barcode (EAN/UPC or any code a scanner types), if it has one.
    pub barcode: Option<String>,
    /// False when it is off the menu (86'd): it cannot be added.
    pub available: bool,
    /// The kitchen stations that make it ("grill", "bar"): a fire prints a ticket at each.
    /// None: it is served from the counter and prints nowhere.
    pub stations: Vec<String>,
}

/// A group of modifiers with its rule: choose at least `min` and at most `max`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModifierGroup {
    /// Its id.
    pub id: ModifierGroupId,
    /// Its name ("Cooking", "Extras").
    pub name: String,
    /// The fewest choices; `min >= 1` makes the group required.
    pub min: u32,
    /// The most choices.
    pub max: u32,
    /// The choices.
    pub modifiers: Vec<Modifier>,
}

/// One choice within a group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Modifier {
    /// Its id.
    pub id: ModifierId,
    /// Its name ("Medium rare", "Extra cheese").
    pub name: String,
    /// What it adds to the unit price (may be negative: "No cheese −0.50").
    pub price_delta: Money,
}

/// A tax rate. Inclusive rates are already in the price (VAT style); exclusive rates are added
/// on top (sales-tax style).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaxRate {
    /// Its id.
    pub id: TaxRateId,
    /// Its name on the receipt ("VAT 10%").
    pub name: String,
    /// The rate.
    pub rate: Rate,
    /// True when prices already include it.
    pub inclusive: bool,
}

/// The tax of a line, copied from the catalog when the line is added.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct LineTax {
    /// The rate's id.
    pub rate_id: TaxRateId,
    /// The rate's name.
    pub name: String,
    /// The rate.
    pub rate: Rate,
    /// Included in the price or added on top.
    pub inclusive: bool,
}

/// A modifier as chosen on a line, copied from the catalog when chosen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChosenModifier {
    /// The group it was chosen in.
    pub group_id: ModifierGroupId,
    /// The modifier.
    pub modifier_id: ModifierId,
    /// Its name at the time.
    pub name: String,
    /// Its price delta at the time.
    pub price_delta: Money,
}

/// An item with its modifiers chosen and checked, ready to become a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PricedItem {
    /// The item.
    pub item_id: ItemId,
    /// Its name.
    pub name: String,
    /// Its base price.
    pub unit_price: Money,
    /// The chosen modifiers, in the item's group order.
    pub modifiers: Vec<ChosenModifier>,
    /// Its tax.
    pub tax: LineTax,
}

impl Catalog {
    /// Every kitchen station the menu names, in name order, once each.
    pub fn stations(&self) -> Vec<String> {
        let set: std::collections::BTreeSet<&str> = self
            .items
            .iter()
            .flat_map(|i| i.stations.iter().map(String::as_str))
            .collect();
        set.into_iter().map(str::to_owned).collect()
    }

    /// The item with this id.
    pub fn item(&self, id: ItemId) -> Option<&Item> {
        self.items.iter().find(|i| i.id == id)
    }

    /// The item with this barcode.
    pub fn item_by_barcode(&self, code: &str) -> Option<&Item> {
        let code = code.trim();
        self.items
            .iter()
            .find(|i| i.barcode.as_deref() == Some(code))
    }

    /// The modifier group with this id.
    pub fn group(&self, id: ModifierGroupId) -> Option<&ModifierGroup> {
        self.modifier_groups.iter().find(|g| g.id == id)
    }

    /// The tax rate with this id.
    pub fn tax_rate(&self, id: TaxRateId) -> Option<&TaxRate> {
        self.tax_rates.iter().find(|t| t.id == id)
    }

    /// Checks a cashier's choice of modifiers for an item against every group's rules and prices
    /// it. Every group of the item is checked, so a required group left empty is refused.
    pub fn price_choice(
        &self,
        item_id: ItemId,
        choices: &[(ModifierGroupId, ModifierId)],
    ) -> Result<PricedItem, DomainError> {
        let item = self
            .item(item_id)
            .filter(|i| i.available)
            .ok_or(DomainError::UnknownItem(item_id))?;
        let tax = self
            .tax_rate(item.tax_rate_id)
            .ok_or(DomainError::UnknownItem(item_id))?;
        for (g, _) in choices {
            if !item.modifier_group_ids.contains(g) {
                return Err(DomainError::UnknownModifierGroup(*g));
            }
        }
        let modifiers = self.check_groups(item, choices)?;
        Ok(PricedItem {
            item_id,
            name: item.name.clone(),
            unit_price: item.price,
            modifiers,
            tax: LineTax {
                rate_id: tax.id,
                name: tax.name.clone(),
                rate: tax.rate,
                inclusive: tax.inclusive,
            },
        })
    }

    fn check_groups(
        &self,
        item: &Item,
        choices: &[(ModifierGroupId, ModifierId)],
    ) -> Result<Vec<ChosenModifier>, DomainError> {
        let mut out = Vec::new();
        for gid in &item.modifier_group_ids {
            let group = self
                .group(*gid)
                .ok_or(DomainError::UnknownModifierGroup(*gid))?;
            let mut seen = BTreeSet::new();
            let mut count = 0usize;
            for (_, mid) in choices.iter().filter(|(g, _)| g == gid) {
                let m = group
                    .modifiers
                    .iter()
                    .find(|m| m.id == *mid)
                    .ok_or(DomainError::UnknownModifier(*mid))?;
                if !seen.insert(*mid) {
                    return Err(DomainError::DuplicateModifier(m.name.clone()));
                }
                count += 1;
                out.push(ChosenModifier {
                    group_id: group.id,
                    modifier_id: m.id,
                    name: m.name.clone(),
                    price_delta: m.price_delta,
                });
            }
            let (min, max) = (group.min as usize, group.max as usize);
            if count < min || count > max {
                return Err(DomainError::ModifierCount {
                    group: group.name.clone(),
                    rule: group.rule_in_words(),
                    got: count,
                });
            }
        }
        Ok(out)
    }
}

impl ModifierGroup {
    /// The rule as a person reads it: "exactly 1", "1 to 3", "up to 2".
    pub fn rule_in_words(&self) -> String {
        match (self.min, self.max) {
            (a, b) if a == b => format!("exactly {a}"),
            (0, b) => format!("up to {b}"),
            (a, b) => format!("{a} to {b}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::SeqIds;

    fn menu() -> (
        Catalog,
        ItemId,
        ModifierGroupId,
        Vec<ModifierId>,
        ModifierGroupId,
        Vec<ModifierId>,
    ) {
        let ids = SeqIds::new(9);
        let cat = CategoryId::new(&ids);
        let tax = TaxRateId::new(&ids);
        let cooking = ModifierGroupId::new(&ids);
        let extras = ModifierGroupId::new(&ids);
        let cm: Vec<_> = (0..3).map(|_| ModifierId::new(&ids)).collect();
        let em: Vec<_> = (0..3).map(|_| ModifierId::new(&ids)).collect();
        let item = ItemId::new(&ids);
        let m = |id, name: &str, d| Modifier {
            id,
            name: name.into(),
            price_delta: Money::from_minor(d),
        };
        let c = Catalog {
            categories: vec![Category {
                id: cat,
                name: "Burgers".into(),
                color: "#c00".into(),
            }],
            items: vec![Item {
                id: item,
                category_id: cat,
                name: "Burger".into(),
                price: Money::from_minor(1250),
                tax_rate_id: tax,
                modifier_group_ids: vec![cooking, extras],
                barcode: Some("123".into()),
                available: true,
                stations: Vec::new(),
            }],
            modifier_groups: vec![
                ModifierGroup {
                    id: cooking,
                    name: "Cooking".into(),
                    min: 1,
                    max: 1,
                    modifiers: vec![
                        m(cm[0], "Rare", 0),
                        m(cm[1], "Medium", 0),
                        m(cm[2], "Well", 0),
                    ],
                },
                ModifierGroup {
                    id: extras,
                    name: "Extras".into(),
                    min: 0,
                    max: 2,
                    modifiers: vec![
                        m(em[0], "Cheese", 100),
                        m(em[1], "Bacon", 200),
                        m(em[2], "No onion", -50),
                    ],
                },
            ],
            tax_rates: vec![TaxRate {
                id: tax,
                name: "VAT 10%".into(),
                rate: Rate::from_milli_percent(10_000).unwrap(),
                inclusive: true,
            }],
        };
        (c, item, cooking, cm, extras, em)
    }

    #[test]
    fn required_group_must_be_chosen() {
        let (c, item, ..) = menu();
        let err = c.price_choice(item, &[]).unwrap_err();
        assert_eq!(err.to_string(), "Cooking: choose exactly 1 (none chosen).");
    }

    #[test]
    fn max_is_enforced_and_duplicates_refused() {
        let (c, item, cooking, cm, extras, em) = menu();
        let three = [
            (cooking, cm[0]),
            (extras, em[0]),
            (extras, em[1]),
            (extras, em[2]),
        ];
        assert_eq!(
            c.price_choice(item, &three).unwrap_err().to_string(),
            "Extras: choose up to 2 (3 chosen)."
        );
        let dup = [(cooking, cm[0]), (extras, em[0]), (extras, em[0])];
        assert_eq!(
            c.price_choice(item, &dup).unwrap_err().to_string(),
            "Cheese is chosen twice: choose it once."
        );
    }

    #[test]
    fn modifiers_from_elsewhere_are_refused() {
        let (c, item, cooking, cm, extras, _) = menu();
        assert!(matches!(
            c.price_choice(item, &[(cooking, cm[0]), (extras, cm[1])]),
            Err(DomainError::UnknownModifier(_))
        ));
        let stranger = ModifierGroupId::new(&SeqIds::new(77));
        assert!(matches!(
            c.price_choice(item, &[(stranger, cm[0])]),
            Err(DomainError::UnknownModifierGroup(_))
        ));
        assert!(matches!(
            c.price_choice(ItemId::new(&SeqIds::new(78)), &[]),
            Err(DomainError::UnknownItem(_))
        ));
    }

    #[test]
    fn a_valid_choice_is_priced_in_group_order() {
        let (c, item, cooking, cm, extras, em) = menu();
        let p = c
            .price_choice(item, &[(extras, em[1]), (cooking, cm[1])])
            .unwrap();
        assert_eq!(
            p.modifiers
                .iter()
                .map(|m| m.name.as_str())
                .collect::<Vec<_>>(),
            ["Medium", "Bacon"]
        );
        assert_eq!(p.tax.rate.milli_percent(), 10_000);
        assert_eq!(c.item_by_barcode(" 123 ").unwrap().id, item);
    }
}
