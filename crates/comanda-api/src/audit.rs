//! `list_approvals`: the audit of what managers approved, across the store — voids of sent lines,
//! discounts past the limit, payment voids, refunds, cancels, reopens, settled over-refunds and
//! staff changes — newest first, each with who did it, who approved it, when, and on which order.
//! A manager's eyes only: a manager signed in, or a manager's PIN given.

use comanda_domain::employee::Role;
use comanda_domain::event::{EventBody, StreamId};
use comanda_domain::ids::OrderId;
use comanda_domain::order::Stamp;
use comanda_store::OrderRecord;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::collections::hash_map::Entry;

use crate::ctx::Ctx;
use crate::error::ApiError;
use crate::session::{Approval, Session, require_manager};
use crate::views::{ApprovalView, Names, action_words};

/// Request of `list_approvals`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[ts(export, export_to = "bindings/")]
pub struct ListApprovals {
    /// At most this many, newest first (default 200, at most 1000).
    #[serde(default)]
    #[ts(optional, type = "number")]
    pub limit: Option<i64>,
    /// A manager's PIN (unless a manager is signed in).
    #[serde(default)]
    #[ts(optional)]
    pub approval: Option<Approval>,
}

/// One approved action in the store's audit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[ts(export, export_to = "bindings/")]
pub struct AuditEntryView {
    /// What, who, who approved, when.
    pub approval: ApprovalView,
    /// The order it was on (none for a staff change).
    pub order_id: Option<OrderId>,
    /// The order's number and label ("#12 · Table 4"), or "Staff list".
    pub on: String,
}

/// The audit list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[ts(export, export_to = "bindings/")]
pub struct AuditList {
    /// Newest first.
    pub entries: Vec<AuditEntryView>,
}

/// The store's approvals, newest first (a manager's session, or a manager's PIN).
pub fn list_approvals(ctx: &Ctx, s: &Session, req: ListApprovals) -> Result<AuditList, ApiError> {
    let limit = req.limit.unwrap_or(200);
    if !(1..=1000).contains(&limit) {
        return Err(ApiError::invalid(
            "limit",
            "The limit must be between 1 and 1000.",
        ));
    }
    require_manager(ctx, s, req.approval.as_ref(), "see who approved what")?;
    let entries = ctx.store.read(|r| {
        let events = r.approved_events(u32::try_from(limit).unwrap_or(200))?;
        let employees = r.employees()?;
        let names = Names(&employees);
        // Many approvals can be on one order: each order is read once.
        let mut orders: HashMap<OrderId, Option<OrderRecord>> = HashMap::new();
        let mut out = Vec::with_capacity(events.len());
        for e in events {
            let Some(approver) = e.body.approved_by() else {
                continue;
            };
            let stamp = Stamp {
                at_ms: e.hlc.wall_ms,
                by: e.actor,
                device: e.device_id,
            };
            let (order_id, on, detail) = match e.stream {
                StreamId::Order(id) => {
                    // The order's own audit trail words it ("Burger × 2", "payment of 12.00").
                    let rec = match orders.entry(id) {
                        Entry::Occupied(o) => o.into_mut(),
                        Entry::Vacant(v) => v.insert(r.order(id)?),
                    };
                    let detail = rec
                        .as_ref()
                        .and_then(|o| o.state.approvals.iter().find(|a| a.event_id == e.id))
                        .map(|a| a.detail.clone())
                        .unwrap_or_default();
                    let on = rec.as_ref().map_or_else(
                        || "an order not held here".to_owned(),
                        |o| {
                            format!(
                                "#{} · {}",
                                o.state.number,
                                comanda_domain::event::OrderType::label_of(
                                    o.state.order_type.as_ref()
                                )
                            )
                        },
                    );
                    (Some(id), on, detail)
                }
                _ => {
                    let detail = match &e.body {
                        EventBody::EmployeeSaved(x) => {
                            let role = match x.record.role {
                                Role::Manager => "manager",
                                Role::Cashier => "cashier",
                            };
                            if x.record.active {
                                format!("{} ({role})", x.record.name)
                            } else {
                                format!("{} (left)", x.record.name)
                            }
                        }
                        _ => String::new(),
                    };
                    (None, "Staff list".to_owned(), detail)
                }
            };
            out.push(AuditEntryView {
                approval: ApprovalView {
                    action: action_words(e.body.kind()).to_owned(),
                    detail,
                    stamp: names.stamp(&stamp),
                    approved_by: names.of(Some(approver)),
                },
                order_id,
                on,
            });
        }
        Ok::<_, ApiError>(out)
    })?;
    Ok(AuditList { entries })
}
