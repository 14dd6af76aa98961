//! The kitchen's ticket times for a manager (`kitchen_report`): how long tickets took from the
//! fire to the bump, per station and per item, over a period, with how many ran past their
//! station's LATE target, so a slow station is seen at a glance.
//!
//! A ticket counts in the period its fire falls in. Only fires count (a VOID, CHANGED or CANCEL
//! ticket is a message, not food). A ticket's time runs from its fire's stamp to its last bump
//! (a recalled ticket counts to the bump after the recall); an item bumped alone counts to its
//! own bump. Stamps come from the terminals' clocks: a bump stamped before its fire (a clock
//! behind) counts as zero rather than as a negative time.

use comanda_domain::employee::KitchenTarget;
use comanda_domain::kitchen::{self, KitchenTicket};
use comanda_domain::order::OrderState;
use serde::{Deserialize, Serialize};

use crate::ctx::Ctx;
use crate::error::ApiError;
use crate::session::{Approval, Session, require_manager};

/// The longest period one report covers.
const MAX_PERIOD_MS: u64 = 31 * 24 * 3_600_000;

/// How many orders one report looks through at most.
const MAX_ORDERS: u32 = 50_000;

/// `kitchen_report`: which period.
#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[ts(export, export_to = "bindings/")]
pub struct KitchenReportRequest {
    /// From (Unix ms, included).
    #[ts(type = "number")]
    pub from_ms: u64,
    /// To (Unix ms, excluded).
    #[ts(type = "number")]
    pub to_ms: u64,
    /// A manager's PIN, when a cashier or a cook asks.
    #[serde(default)]
    #[ts(optional)]
    pub approval: Option<Approval>,
}

/// How long a set of tickets (or items) took, fire to bump.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[ts(export, export_to = "bindings/")]
pub struct TimeStats {
    /// How many were done.
    pub count: u32,
    /// The median time (ms).
    #[ts(type = "number")]
    pub median_ms: u64,
    /// Nine in ten were done within this (ms).
    #[ts(type = "number")]
    pub p90_ms: u64,
    /// The longest (ms).
    #[ts(type = "number")]
    pub max_ms: u64,
    /// How many ran past the LATE target.
    pub late: u32,
}

/// One station's ticket times.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[ts(export, export_to = "bindings/")]
pub struct StationTimes {
    /// The station.
    pub station: String,
    /// Its tickets' times.
    pub times: TimeStats,
    /// Its LATE target for orders of every type (ms).
    #[ts(type = "number")]
    pub late_target_ms: u64,
    /// Its tickets of the period not done yet.
    pub open: u32,
}

/// One item's times at one station.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[ts(export, export_to = "bindings/")]
pub struct ItemTimes {
    /// The item.
    pub name: String,
    /// The station.
    pub station: String,
    /// Its times (`count` is how many lines, `late` how many ran past the station's target).
    pub times: TimeStats,
}

/// `kitchen_report`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[ts(export, export_to = "bindings/")]
pub struct KitchenReport {
    /// From (Unix ms).
    #[ts(type = "number")]
    pub from_ms: u64,
    /// To (Unix ms).
    #[ts(type = "number")]
    pub to_ms: u64,
    /// Every station with a ticket in the period, slowest median first.
    pub stations: Vec<StationTimes>,
    /// Every item done in the period, slowest median first.
    pub items: Vec<ItemTimes>,
}

/// The times of one kind of thing, and how many were late.
#[derive(Default)]
struct Times {
    ms: Vec<u64>,
    late: u32,
}

impl Times {
    fn add(&mut self, ms: u64, late_ms: u64) {
        self.ms.push(ms);
        if ms >= late_ms {
            self.late += 1;
        }
    }

    fn stats(mut self) -> TimeStats {
        self.ms.sort_unstable();
        // Nearest rank: the smallest time at least `p` of them are within.
        let rank = |p: u64| -> u64 {
            let n = self.ms.len() as u64;
            if n == 0 {
                return 0;
            }
            let i = (p * n).div_ceil(100).clamp(1, n) - 1;
            self.ms
                .get(usize::try_from(i).unwrap_or_default())
                .copied()
                .unwrap_or_default()
        };
        TimeStats {
            count: u32::try_from(self.ms.len()).unwrap_or(u32::MAX),
            median_ms: rank(50),
            p90_ms: rank(90),
            max_ms: self.ms.last().copied().unwrap_or_default(),
            late: self.late,
        }
    }
}

/// When `t` was done (an item bumped alone: its own bump).
fn done_ms(
    order: &OrderState,
    t: &KitchenTicket,
    line: Option<comanda_domain::ids::LineId>,
) -> u64 {
    crate::kitchen::done_at(order, &t.ticket, line, t.since.at_ms)
}

/// The kitchen's ticket times over a period (a manager).
pub fn kitchen_report(
    ctx: &Ctx,
    s: &Session,
    req: KitchenReportRequest,
) -> Result<KitchenReport, ApiError> {
    if req.to_ms <= req.from_ms {
        return Err(ApiError::invalid(
            "to_ms",
            "The period ends after it starts.",
        ));
    }
    if req.to_ms - req.from_ms > MAX_PERIOD_MS {
        return Err(ApiError::invalid(
            "to_ms",
            "A report covers 31 days at most.",
        ));
    }
    require_manager(ctx, s, req.approval.as_ref(), "see the kitchen's times")?;
    let (catalog, targets, orders) = ctx.store.read(|r| {
        Ok::<_, comanda_store::StoreError>((
            r.catalog()?.unwrap_or_default(),
            r.settings()?.map(|s| s.kitchen_targets).unwrap_or_default(),
            crate::kitchen::heard_orders(r, req.from_ms, MAX_ORDERS)?,
        ))
    })?;
    let mut stations: std::collections::BTreeMap<String, (Times, u32)> = Default::default();
    let mut items: std::collections::BTreeMap<(String, String), Times> = Default::default();
    for rec in &orders {
        let order = &rec.state;
        let order_type = crate::kitchen_targets::order_type_word(order.order_type.as_ref());
        for t in kitchen::tickets(order, &catalog) {
            if t.banner.is_some() || !(req.from_ms..req.to_ms).contains(&t.since.at_ms) {
                continue;
            }
            let late_ms =
                u64::from(KitchenTarget::of(&targets, &t.ticket.station, order_type).1) * 1000;
            let entry = stations.entry(t.ticket.station.clone()).or_default();
            if !t.done() {
                entry.1 += 1;
                continue;
            }
            let took = done_ms(order, &t, None).saturating_sub(t.since.at_ms);
            entry.0.add(took, late_ms);
            for i in &t.items {
                let Some(line) = order.line(i.line_id).filter(|l| l.is_live()) else {
                    continue;
                };
                let at = if t.item_done(i) && t.progress.phase != kitchen::Phase::Bumped {
                    done_ms(order, &t, Some(i.line_id))
                } else {
                    done_ms(order, &t, None)
                };
                items
                    .entry((line.name.clone(), t.ticket.station.clone()))
                    .or_default()
                    .add(at.saturating_sub(t.since.at_ms), late_ms);
            }
        }
    }
    let mut stations: Vec<StationTimes> = stations
        .into_iter()
        .map(|(station, (times, open))| StationTimes {
            late_target_ms: u64::from(KitchenTarget::of(&targets, &station, None).1) * 1000,
            times: times.stats(),
            station,
            open,
        })
        .collect();
    stations.sort_by(|a, b| {
        b.times
            .median_ms
            .cmp(&a.times.median_ms)
            .then(a.station.cmp(&b.station))
    });
    let mut items: Vec<ItemTimes> = items
        .into_iter()
        .map(|((name, station), times)| ItemTimes {
            name,
            station,
            times: times.stats(),
        })
        .collect();
    items.sort_by(|a, b| {
        b.times
            .median_ms
            .cmp(&a.times.median_ms)
            .then(a.name.cmp(&b.name))
            .then(a.station.cmp(&b.station))
    });
    Ok(KitchenReport {
        from_ms: req.from_ms,
        to_ms: req.to_ms,
        stations,
        items,
    })
}
