//! Employees, their roles, PINs (only ever kept as hashes) and store settings that govern what a
//! cashier may do alone.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::DomainError;
use crate::event::{Event, EventBody};
use crate::ids::{EmployeeId, EventId};
use crate::money::Percent;

/// What an employee may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Takes orders and payments.
    Cashier,
    /// Everything a cashier does, and approves voids of sent lines, big discounts and reopens.
    Manager,
}

/// A PIN as typed: 4 to 8 digits. Never printed, never stored: only its hash is kept.
#[derive(Clone, PartialEq, Eq)]
pub struct Pin(String);

impl Pin {
    /// Parses a PIN.
    pub fn parse(s: &str) -> Result<Self, DomainError> {
        if (4..=8).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Pin(s.to_owned()))
        } else {
            Err(DomainError::Pin)
        }
    }
    /// The digits, for hashing or verifying only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Pin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Pin(****)")
    }
}

/// A PIN's argon2 hash in PHC string form. Made and checked at the edge (`comanda-api`).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PinHash(String);

impl PinHash {
    /// Wraps a PHC string.
    pub fn from_phc(s: String) -> Self {
        PinHash(s)
    }
    /// The PHC string.
    pub fn as_phc(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for PinHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PinHash(…)")
    }
}

/// An employee as saved (the payload of `EmployeeSaved`; the latest by agreed order wins).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmployeeRecord {
    /// Their id.
    pub employee_id: EmployeeId,
    /// Their name, as shown on screen and receipts.
    pub name: String,
    /// Their role.
    pub role: Role,
    /// Their PIN's hash.
    pub pin_hash: PinHash,
    /// False once they have left: they can no longer sign in.
    pub active: bool,
}

/// Store-wide settings (the payload of `SettingsPublished`; the latest by agreed order wins).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoreSettings {
    /// The store's name, for the screen and receipts.
    pub store_name: String,
    /// ISO 4217 code of the currency prices are in.
    pub currency: String,
    /// The largest discount a cashier may give alone, as a share of the order's subtotal with
    /// every discount no manager approved counted together (so a full comp of one cheap line on
    /// a large order passes); above it a manager's PIN is needed.
    pub cashier_discount_limit: Percent,
    /// The largest card tip a cashier may record alone, as a share of what the payment pays;
    /// above it a manager's PIN is needed (a mistyped tip is money out of the customer's
    /// account). Schema 2; schema 1 settings take the default.
    #[serde(default = "default_card_tip_limit")]
    pub card_tip_limit: Percent,
    /// How long a kitchen station's tickets may wait before they show as late, per station
    /// (and order type). Schema 3; older settings have none and take [`KitchenTarget::DEFAULT`].
    #[serde(default)]
    pub kitchen_targets: Vec<KitchenTarget>,
}

/// The ages at which a station's tickets turn to warning and then late (ui.md, "Kitchen").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KitchenTarget {
    /// The station ("grill", "bar").
    pub station: String,
    /// Only orders of this type (`dine_in`, `takeaway`, `tab`); none: every type.
    pub order_type: Option<String>,
    /// Seconds after which a ticket shows the warning colour.
    pub warning_s: u32,
    /// Seconds after which it is LATE.
    pub late_s: u32,
}

impl KitchenTarget {
    /// For a station no target names: warning at 5 minutes, late at 8.
    pub const DEFAULT: (u32, u32) = (300, 480);

    /// The (warning, late) seconds for a ticket of `station` on an order of `order_type`: the
    /// target naming both, else the station's target for every type, else the default.
    pub fn of(targets: &[KitchenTarget], station: &str, order_type: Option<&str>) -> (u32, u32) {
        let at = |t: Option<&str>| {
            targets
                .iter()
                .find(|k| k.station == station && k.order_type.as_deref() == t)
                .map(|k| (k.warning_s, k.late_s))
        };
        order_type
            .and_then(|o| at(Some(o)))
            .or_else(|| at(None))
            .unwrap_or(Self::DEFAULT)
    }
}

fn default_card_tip_limit() -> Percent {
    Percent::from_bp(3000).unwrap_or_default()
}

impl Default for StoreSettings {
    fn default() -> Self {
        StoreSettings {
            store_name: "Comanda".into(),
            currency: "EUR".into(),
            cashier_discount_limit: Percent::from_bp(1000).unwrap_or_default(),
            card_tip_limit: default_card_tip_limit(),
            kitchen_targets: Vec::new(),
        }
    }
}

/// Folds the `employees` stream: [`fold_staff`]'s staff list.
pub fn fold_employees<'a>(
    events: impl IntoIterator<Item = &'a Event>,
) -> BTreeMap<EmployeeId, EmployeeRecord> {
    fold_staff(events).people
}

/// The staff list as the log says, and the changes it held back.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Staff {
    /// Everyone, by id.
    pub people: BTreeMap<EmployeeId, EmployeeRecord>,
    /// Changes not applied because they would have left the store without an active manager.
    pub held_back: Vec<HeldBack>,
}

/// A change to the staff list that was not applied: made on one terminal while another took the
/// store's other manager away (or the reverse), it would have left nobody able to approve
/// anything, nor name a new manager. The person stays a manager until a manager makes the change
/// again, once someone else is a manager.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeldBack {
    /// The event that asked for the change.
    pub event_id: EventId,
    /// Who made it (when it was someone).
    pub by: Option<EmployeeId>,
    /// The record it asked for (a role other than manager, or not active).
    pub wanted: EmployeeRecord,
    /// When it was made (its stamp's wall time, ms).
    pub at_ms: u64,
}

/// Folds the `employees` stream in agreed order, the last record of each person winning, with
/// one rule on top: a change that would leave no active manager where there was one is held
/// back (the person stays an active manager with their old role) and listed. The rule is a pure
/// function of the events, so every node holds back the same change. A later change of the
/// same person replaces it, applied or held back in its turn.
pub fn fold_staff<'a>(events: impl IntoIterator<Item = &'a Event>) -> Staff {
    let mut evs: Vec<&Event> = events.into_iter().collect();
    evs.sort_by_key(|e| e.key());
    let mut staff = Staff::default();
    let is_manager = |r: &EmployeeRecord| r.active && r.role == Role::Manager;
    for e in evs {
        let EventBody::EmployeeSaved(saved) = &e.body else {
            continue;
        };
        let id = saved.record.employee_id;
        staff.held_back.retain(|h| h.wanted.employee_id != id);
        let managers_before = staff.people.values().filter(|r| is_manager(r)).count();
        let was_manager = staff.people.get(&id).is_some_and(is_manager);
        let leaves_none = managers_before == 1 && was_manager && !is_manager(&saved.record);
        if leaves_none {
            // Their name may still change; their role and presence stay.
            if let Some(current) = staff.people.get_mut(&id) {
                current.name.clone_from(&saved.record.name);
                current.pin_hash = saved.record.pin_hash.clone();
            }
            staff.held_back.push(HeldBack {
                event_id: e.id,
                by: e.actor,
                wanted: saved.record.clone(),
                at_ms: e.hlc.wall_ms,
            });
        } else {
            staff.people.insert(id, saved.record.clone());
        }
    }
    staff
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pins_are_4_to_8_digits_and_never_print() {
        assert!(Pin::parse("123").is_err());
        assert!(Pin::parse("12a4").is_err());
        assert!(Pin::parse("123456789").is_err());
        let p = Pin::parse("1234").unwrap();
        assert_eq!(format!("{p:?}"), "Pin(****)");
    }
}
