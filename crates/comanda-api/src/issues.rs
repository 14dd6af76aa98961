//! The manager's list of what sync could not settle alone, each with what to do about it:
//! events refused or unreadable (dead letters: kept as received), events put aside because the
//! terminal that made them has a clock running ahead, events from a newer version of Comanda,
//! orders holding a conflict, and the staff list's conflicts (a change held back for leaving no
//! manager, a PIN found shared). A manager's eyes only: a manager signed in, or a manager's PIN.
//!
//! What a manager can do from here: take the put-aside events in (`accept_deferred`, without
//! moving this terminal's clock), mark a refused event as looked at with a note
//! (`review_refused`), and open an order to settle its conflict there (the order's own
//! commands: `confirm_cancel`, `accept_over_refund`, `refund_payment`, `reopen_order`…).

use std::collections::BTreeMap;

use crate::views::Conflict;
use comanda_domain::codec::StoredEvent;
use comanda_domain::device::DeviceRecord;
use comanda_domain::employee::{Staff, fold_staff};
use comanda_domain::event::StreamId;
use comanda_domain::ids::{DeviceId, EmployeeId, OrderId};
use comanda_store::{DeadLetter, OrderFilter, PinClash};
use serde::{Deserialize, Serialize};

use crate::ctx::Ctx;
use crate::error::{ApiError, ErrorCode};
use crate::input;
use crate::session::{Approval, Session, require_manager};

/// Orders looked at for conflicts: the newest this many.
const CONFLICT_SCAN: u32 = 2_000;

/// Request of `list_sync_issues`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[ts(export, export_to = "bindings/")]
pub struct ListSyncIssues {
    /// A manager's PIN (unless a manager is signed in).
    #[serde(default)]
    #[ts(optional)]
    pub approval: Option<Approval>,
}

/// An event refused or unreadable, kept as received.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[ts(export, export_to = "bindings/")]
pub struct RefusedView {
    /// Its row (what `review_refused` names).
    #[ts(type = "number")]
    pub id: i64,
    /// The event's id, when it could be read.
    pub event_id: Option<String>,
    /// Its kind, when it could be read.
    pub kind: Option<String>,
    /// The terminal it came from, when it could be read ("Counter 2 · T2").
    pub from: Option<String>,
    /// When it was received here (ms).
    #[ts(type = "number")]
    pub received_ms: u64,
    /// Why it was refused.
    pub reason: String,
    /// What a manager can do about it, in words.
    pub what_to_do: String,
    /// Looked at already: who and their note.
    pub reviewed: Option<String>,
}

/// An event put aside because it was stamped ahead of this terminal's clock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[ts(export, export_to = "bindings/")]
pub struct DeferredView {
    /// The event.
    pub event_id: String,
    /// Its kind.
    pub kind: String,
    /// The terminal that made it.
    pub from: String,
    /// The time it carries (ms).
    #[ts(type = "number")]
    pub stamped_ms: u64,
    /// How far ahead of this terminal's clock it was when looked at (ms).
    #[ts(type = "number")]
    pub ahead_ms: i64,
}

/// An event from a newer version of Comanda: kept, shown once this terminal is updated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[ts(export, export_to = "bindings/")]
pub struct NewerView {
    /// The event.
    pub event_id: String,
    /// Its kind.
    pub kind: String,
    /// Its schema version.
    pub schema: u32,
    /// The terminal that made it.
    pub from: String,
}

/// An order holding a conflict for a person to settle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[ts(export, export_to = "bindings/")]
pub struct ConflictedOrderView {
    /// The order.
    pub order_id: OrderId,
    /// Its number.
    pub number: u32,
    /// "Table 4", "Tab · Ana"…
    pub label: String,
    /// What to settle.
    pub conflicts: Vec<Conflict>,
}

/// Everything sync could not settle alone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[ts(export, export_to = "bindings/")]
pub struct SyncIssues {
    /// Refused or unreadable events, newest first (those not looked at before the others).
    pub refused: Vec<RefusedView>,
    /// Events waiting aside for a clock running ahead, oldest stamp first.
    pub deferred: Vec<DeferredView>,
    /// Events from a newer version.
    pub newer: Vec<NewerView>,
    /// Orders with a conflict, newest first.
    pub conflicts: Vec<ConflictedOrderView>,
    /// Problems with the staff list that merging terminals' changes made.
    pub staff: Vec<StaffIssueView>,
}

/// A problem with the staff list that merging terminals' changes made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[ts(export, export_to = "bindings/")]
pub struct StaffIssueView {
    /// `no_manager_left` (a change held back: it would have left no active manager) or
    /// `shared_pin` (active people found sharing a PIN at a sign-in).
    pub kind: String,
    /// Who it concerns.
    pub people: Vec<EmployeeId>,
    /// What happened, in words.
    pub what: String,
    /// What to do about it.
    pub what_to_do: String,
    /// When: the change's time, or when the shared PIN was found (ms).
    #[ts(type = "number")]
    pub at_ms: u64,
}

/// A terminal, as people call it.
fn device_name(devices: &BTreeMap<DeviceId, DeviceRecord>, id: DeviceId) -> String {
    match devices.get(&id) {
        Some(d) => match (&d.name, d.terminal_no) {
            (Some(n), Some(no)) if no > 0 => format!("{n} · T{no}"),
            (Some(n), _) => n.clone(),
            (None, Some(no)) => format!("T{no}"),
            (None, None) => format!("device {}", short(id)),
        },
        None => format!("device {} (not paired in this store)", short(id)),
    }
}

fn short(id: DeviceId) -> String {
    id.to_string()
        .chars()
        .rev()
        .take(6)
        .collect::<String>()
        .chars()
        .rev()
        .collect()
}

/// What to do about a refusal, by its reason's code.
fn what_to_do(reason: &str) -> String {
    let code = reason.split(':').next().unwrap_or("").trim();
    match code {
        "content_differs" => "Two different events carry one id: a terminal's data was copied, restored or altered. Both are kept. Check the terminal it came from before anything else is done there.",
        "sequence_taken" => "That terminal reused a number it had already given another event: its database was restored from a backup or copied. Both are kept. A restored terminal moves what it made since to a fresh identity by itself at its next sync; a copied one must be paired again to get one.",
        "diverged" => "A terminal's database was restored from a backup or copied: two machines held other events under the same numbers of one terminal. Nothing is thrown away: the terminals send each other that terminal's events again and keep both events of each such number (one moved to a number of its own), and the terminal takes a fresh identity for what it makes next. If the disk was copied (two machines running as one terminal), pair the copy again.",
        "relocated" => "Two events were made under one number of one terminal (its database was restored from a backup, or copied) and both reached the store. Both are kept, on every terminal the same way: this one was moved to a number of its own. Nothing to undo; check that terminal's recent orders with its staff.",
        "not_allowed" => "A terminal tried to change the store's list of devices, which only the hub does: that terminal may have been copied or tampered with. Nothing of it was taken in; revoke it on the hub and pair it again.",
        "wrong_store" => "It belongs to another store: a terminal is paired with the wrong hub. Nothing of it was taken in.",
        "wrong_device" | "device_mismatch" => "Its stamp names another terminal than the one it claims to come from. Nothing of it was taken in; if it repeats, call support.",
        _ => "It could not be read or did not fit its kind. It is kept as received; update this terminal, and call support if it keeps coming.",
    }
    .to_owned()
}

fn refused_view(
    d: &DeadLetter,
    devices: &BTreeMap<DeviceId, DeviceRecord>,
    names: &crate::views::Names<'_>,
    reviews: &BTreeMap<i64, (Option<String>, Option<String>)>,
) -> RefusedView {
    let parsed: Option<StoredEvent> = serde_json::from_str(&d.raw).ok();
    let reviewed = d.reviewed.then(|| match reviews.get(&d.id) {
        Some((by, note)) => {
            let who = by
                .as_deref()
                .and_then(|b| b.parse().ok())
                .map_or_else(|| "someone".to_owned(), |id| names.of(Some(id)));
            match note.as_deref().filter(|n| !n.is_empty()) {
                Some(n) => format!("{who}: {n}"),
                None => who,
            }
        }
        None => "looked at".to_owned(),
    });
    RefusedView {
        id: d.id,
        event_id: d.event_id.clone(),
        kind: parsed.as_ref().map(|e| e.kind.clone()),
        from: parsed.as_ref().map(|e| device_name(devices, e.device_id)),
        received_ms: d.received_ms,
        reason: d.reason.clone(),
        what_to_do: what_to_do(&d.reason),
        reviewed,
    }
}

/// The staff list's problems: changes held back for leaving no manager, and PINs found shared
/// that still are (everyone in it active, with the PIN they had then).
fn staff_issues(
    staff: &Staff,
    clashes: &[PinClash],
    names: &crate::views::Names<'_>,
) -> Vec<StaffIssueView> {
    let mut out: Vec<StaffIssueView> = staff
        .held_back
        .iter()
        .map(|h| {
            let who = &h.wanted.name;
            let change = if h.wanted.active {
                format!("made {who} a cashier")
            } else {
                format!("marked {who} as gone")
            };
            StaffIssueView {
                kind: "no_manager_left".into(),
                people: vec![h.wanted.employee_id],
                what: format!(
                    "{} {change} while another terminal took the store's other manager away. Together the two changes would have left no active manager, so {who} is still a manager.",
                    h.by.map_or_else(|| "Someone".to_owned(), |by| names.of(Some(by)))
                ),
                what_to_do: format!(
                    "Name another manager in the staff list, then make the change to {who} again if it still stands."
                ),
                at_ms: h.at_ms,
            }
        })
        .collect();
    for clash in clashes {
        let current = clash.people.iter().all(|(id, hash)| {
            staff
                .people
                .get(id)
                .is_some_and(|e| e.active && e.pin_hash.as_phc() == hash)
        });
        if !current {
            continue;
        }
        let who: Vec<String> = clash
            .people
            .iter()
            .map(|(id, _)| names.of(Some(*id)))
            .collect();
        out.push(StaffIssueView {
            kind: "shared_pin".into(),
            people: clash.people.iter().map(|(id, _)| *id).collect(),
            what: format!(
                "{} have the same PIN since two terminals' staff lists were merged: it signs in neither until they pick their name.",
                who.join(" and ")
            ),
            what_to_do: "Give one of them a new PIN in the staff list.".into(),
            at_ms: clash.seen_ms,
        });
    }
    out
}

fn issues(ctx: &Ctx) -> Result<SyncIssues, ApiError> {
    let now = ctx.clock.now_ms();
    ctx.store.read(|r| {
        let devices = r.devices()?;
        let employees = r.employees()?;
        let names = crate::views::Names(&employees);
        let reviews = r.dead_letter_reviews()?;
        let mut refused: Vec<RefusedView> = r
            .dead_letters()?
            .iter()
            .map(|d| refused_view(d, &devices, &names, &reviews))
            .collect();
        refused.sort_by_key(|v| (v.reviewed.is_some(), std::cmp::Reverse(v.id)));
        let deferred = r
            .deferred_events()?
            .into_iter()
            .map(|(e, _)| DeferredView {
                event_id: e.id.to_string(),
                kind: e.kind.clone(),
                from: device_name(&devices, e.device_id),
                stamped_ms: e.hlc.wall_ms,
                ahead_ms: i64::try_from(e.hlc.wall_ms).unwrap_or(i64::MAX)
                    - i64::try_from(now).unwrap_or(i64::MAX),
            })
            .collect();
        let newer = r
            .newer_events()?
            .into_iter()
            .map(|e| NewerView {
                event_id: e.id.to_string(),
                kind: e.kind.clone(),
                schema: e.schema,
                from: device_name(&devices, e.device_id),
            })
            .collect();
        let mut conflicts = Vec::new();
        for o in r.list_orders(&OrderFilter::all(CONFLICT_SCAN))? {
            if o.conflict_count == 0 {
                continue;
            }
            if let Some(rec) = r.order(o.order_id)? {
                conflicts.push(ConflictedOrderView {
                    order_id: o.order_id,
                    number: o.number,
                    label: o.label.clone(),
                    conflicts: crate::views::conflicts_of(&rec.conflicts),
                });
            }
        }
        let staff = staff_issues(
            &fold_staff(&r.stream_events(StreamId::Employees)?),
            &r.pin_clashes()?,
            &names,
        );
        Ok::<_, ApiError>(SyncIssues {
            refused,
            deferred,
            newer,
            conflicts,
            staff,
        })
    })
}

/// What sync could not settle alone (a manager's session, or a manager's PIN).
pub fn list_sync_issues(
    ctx: &Ctx,
    s: &Session,
    req: ListSyncIssues,
) -> Result<SyncIssues, ApiError> {
    require_manager(
        ctx,
        s,
        req.approval.as_ref(),
        "see what sync could not settle",
    )?;
    issues(ctx)
}

/// Request of `accept_deferred`.
#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[ts(export, export_to = "bindings/")]
pub struct AcceptDeferred {
    /// Why ("the bar terminal's clock was a day ahead; set right now").
    pub reason: String,
    /// A manager's PIN (unless a manager is signed in).
    #[serde(default)]
    #[ts(optional)]
    pub approval: Option<Approval>,
}

/// Takes in every event put aside for a clock running ahead. This terminal's clock does not
/// move; they sort after what others stamped meanwhile.
pub fn accept_deferred(
    ctx: &Ctx,
    s: &Session,
    req: AcceptDeferred,
) -> Result<SyncIssues, ApiError> {
    let reason = input::required("reason", &req.reason, input::MAX_TEXT)?;
    let by = require_manager(
        ctx,
        s,
        req.approval.as_ref(),
        "take in events from a clock running ahead",
    )?;
    let waiting = ctx.store.read(|r| r.deferred_count())?;
    if waiting == 0 {
        return Err(ApiError::new(
            ErrorCode::Conflict,
            "Nothing is waiting aside: there is nothing to take in.",
        ));
    }
    let got = ctx.store.write(|tx| tx.accept_deferred())?;
    tracing::warn!(
        events = got.released,
        %by,
        %reason,
        "events from a clock running ahead taken in"
    );
    crate::sync::announce(ctx, &got.touched)?;
    issues(ctx)
}

/// Request of `review_refused`.
#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[ts(export, export_to = "bindings/")]
pub struct ReviewRefused {
    /// The row (`RefusedView::id`).
    #[ts(type = "number")]
    pub id: i64,
    /// What the manager made of it ("the bar terminal was restored; paired again").
    pub note: String,
    /// A manager's PIN (unless a manager is signed in).
    #[serde(default)]
    #[ts(optional)]
    pub approval: Option<Approval>,
}

/// Marks a refused event as looked at, with a note; it stays kept as received.
pub fn review_refused(ctx: &Ctx, s: &Session, req: ReviewRefused) -> Result<SyncIssues, ApiError> {
    let note = input::required("note", &req.note, input::MAX_TEXT)?;
    let by = require_manager(
        ctx,
        s,
        req.approval.as_ref(),
        "mark a refused event as looked at",
    )?;
    let found = ctx
        .store
        .write(|tx| tx.review_dead_letter(req.id, by, &note))?;
    if !found {
        return Err(ApiError::new(
            ErrorCode::NotFound,
            format!("There is no refused event number {}.", req.id),
        )
        .on("id"));
    }
    ctx.bus.send(crate::bus::Change::Settings);
    issues(ctx)
}
