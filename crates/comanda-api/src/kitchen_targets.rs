//! The kitchen's age targets: after how long a station's tickets turn to the warning colour and
//! then LATE, per station and, where a manager wants it, per order type (ui.md, "Kitchen": a
//! takeaway burger may be late sooner than a table's). They are store settings
//! (`SettingsPublished` schema 3), so every kitchen screen of the store colours a ticket alike;
//! a station no target names takes 5 and 8 minutes.

use comanda_domain::employee::{KitchenTarget, StoreSettings};
use comanda_domain::event::{EventBody, OrderType, StreamId};
use serde::{Deserialize, Serialize};

use crate::catalog::Empty;
use crate::ctx::Ctx;
use crate::error::ApiError;
use crate::session::{Approval, Session, approve};

/// The order types a target may be limited to, as words.
pub const ORDER_TYPES: [&str; 3] = ["dine_in", "takeaway", "tab"];

/// The word of an order's type, as targets name it (none while the type is not known).
pub fn order_type_word(t: Option<&OrderType>) -> Option<&'static str> {
    t.map(|t| match t {
        OrderType::DineIn { .. } => "dine_in",
        OrderType::Takeaway { .. } => "takeaway",
        OrderType::Tab { .. } => "tab",
    })
}

/// One station's targets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[ts(export, export_to = "bindings/")]
pub struct KitchenTargetView {
    /// The station.
    pub station: String,
    /// Only orders of this type (`dine_in`, `takeaway`, `tab`); none: every type.
    #[serde(default)]
    #[ts(optional)]
    pub order_type: Option<String>,
    /// Seconds after which a ticket shows the warning colour.
    pub warning_s: u32,
    /// Seconds after which it is LATE.
    pub late_s: u32,
}

/// `kitchen_targets` and `save_kitchen_targets`: the targets set, and every station.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[ts(export, export_to = "bindings/")]
pub struct KitchenTargets {
    /// The targets a manager set.
    pub targets: Vec<KitchenTargetView>,
    /// Every station the menu names.
    pub stations: Vec<String>,
    /// What a station no target names takes: seconds to the warning colour.
    pub default_warning_s: u32,
    /// And to LATE.
    pub default_late_s: u32,
}

/// `save_kitchen_targets`: the whole list (what is not in it goes back to the default).
#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[ts(export, export_to = "bindings/")]
pub struct SaveKitchenTargets {
    /// The targets.
    pub targets: Vec<KitchenTargetView>,
    /// A manager's PIN, when a cashier or a cook asks.
    #[serde(default)]
    #[ts(optional)]
    pub approval: Option<Approval>,
}

fn view_of(settings: Option<StoreSettings>, stations: Vec<String>) -> KitchenTargets {
    KitchenTargets {
        targets: settings
            .map(|s| s.kitchen_targets)
            .unwrap_or_default()
            .into_iter()
            .map(|t| KitchenTargetView {
                station: t.station,
                order_type: t.order_type,
                warning_s: t.warning_s,
                late_s: t.late_s,
            })
            .collect(),
        stations,
        default_warning_s: KitchenTarget::DEFAULT.0,
        default_late_s: KitchenTarget::DEFAULT.1,
    }
}

/// The menu's stations, and the expo pass (whose times run from an order's oldest open ticket).
fn stations_of(catalog: &comanda_domain::catalog::Catalog) -> Vec<String> {
    let mut s = catalog.stations();
    if !s.iter().any(|x| x == comanda_domain::kitchen::EXPO) {
        s.push(comanda_domain::kitchen::EXPO.to_owned());
    }
    s
}

/// The targets in force.
pub fn kitchen_targets(ctx: &Ctx, _s: &Session, _req: Empty) -> Result<KitchenTargets, ApiError> {
    let (settings, catalog) = ctx
        .store
        .read(|r| Ok::<_, comanda_store::StoreError>((r.settings()?, r.catalog()?)))?;
    Ok(view_of(settings, stations_of(&catalog.unwrap_or_default())))
}

/// Sets the kitchen's targets for the whole store (a manager's PIN).
pub fn save_kitchen_targets(
    ctx: &Ctx,
    s: &Session,
    req: SaveKitchenTargets,
) -> Result<KitchenTargets, ApiError> {
    if req.targets.len() > 100 {
        return Err(ApiError::invalid("targets", "At most 100 targets."));
    }
    let mut targets: Vec<KitchenTarget> = Vec::with_capacity(req.targets.len());
    for t in &req.targets {
        let station = crate::input::required("station", &t.station, 40)?.to_lowercase();
        let order_type = match t.order_type.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(o) if ORDER_TYPES.contains(&o) => Some(o.to_owned()),
            Some(_) => {
                return Err(ApiError::invalid(
                    "order_type",
                    "An order type is dine_in, takeaway or tab (or none for every type).",
                ));
            }
        };
        if !(30..=7_200).contains(&t.warning_s) {
            return Err(ApiError::invalid(
                "warning_s",
                "The warning comes between 30 seconds and 2 hours after the ticket.",
            ));
        }
        if t.late_s <= t.warning_s || t.late_s > 14_400 {
            return Err(ApiError::invalid(
                "late_s",
                "LATE comes after the warning, and within 4 hours.",
            ));
        }
        if targets
            .iter()
            .any(|k| k.station == station && k.order_type == order_type)
        {
            return Err(ApiError::invalid(
                "targets",
                format!("{station} is named twice for the same order type."),
            ));
        }
        targets.push(KitchenTarget {
            station,
            order_type,
            warning_s: t.warning_s,
            late_s: t.late_s,
        });
    }
    let (settings, catalog) = ctx.store.write(|tx| {
        approve(
            ctx,
            tx,
            s,
            req.approval.as_ref(),
            "change the kitchen's times",
        )?;
        let catalog = tx.catalog()?.unwrap_or_default();
        let stations = stations_of(&catalog);
        if let Some(t) = targets.iter().find(|t| !stations.contains(&t.station)) {
            return Err(ApiError::invalid(
                "station",
                format!("No item of the menu is made at {}.", t.station),
            ));
        }
        let mut settings = tx.settings()?.unwrap_or_default();
        if settings.kitchen_targets != targets {
            settings.kitchen_targets = targets;
            tx.append(
                StreamId::Settings,
                Some(s.employee_id),
                EventBody::SettingsPublished(settings.clone()),
            )?;
        }
        Ok::<_, ApiError>((settings, catalog))
    })?;
    crate::sync::announce(ctx, &[StreamId::Settings])?;
    Ok(view_of(Some(settings), stations_of(&catalog)))
}
