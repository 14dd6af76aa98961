//! The kitchen board: the kitchen tickets of the store's latest orders as a kitchen screen shows
//! them (`kitchen_board`), and a cook's steps on them (`kitchen_step`: start, bump, recall,
//! rush), each one `KitchenMarked`, `KitchenRecalled` or `KitchenRushed` in the order's stream.
//!
//! A step carries the generation the screen saw, read from the order in the same transaction:
//! a step sent twice says the same thing twice and changes nothing more (the fold keeps the
//! highest progress), and a bump from a screen that had not seen a recall elsewhere loses to it,
//! everywhere (see `comanda_domain::kitchen`).

use comanda_domain::employee::KitchenTarget;
use comanda_domain::event::StreamId;
use comanda_domain::ids::{EventId, LineId, OrderId};
use comanda_domain::kitchen::{
    self, Banner, KitchenMarked, KitchenRecalled, KitchenRushed, KitchenStep, Phase, TicketRef,
};
use comanda_domain::order::OrderState;
use serde::{Deserialize, Serialize};

use crate::ctx::Ctx;
use crate::error::{ApiError, ErrorCode};
use crate::session::Session;

/// How many of the latest changed orders the board looks through.
const BOARD_ORDERS: u32 = 300;

/// How far back the board looks: orders changed within the last day.
const BOARD_WITHIN_MS: u64 = 24 * 3_600_000;

/// How many bumped tickets the board keeps for a recall.
const RECALLABLE: usize = 20;

/// `kitchen_board`: which tickets.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[ts(export, export_to = "bindings/")]
pub struct KitchenBoardRequest {
    /// Only this station's tickets (none: every station's tickets; `expo`: the expo pass's view,
    /// whole orders).
    #[serde(default)]
    #[ts(optional)]
    pub station: Option<String>,
}

/// An item of a kitchen ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[ts(export, export_to = "bindings/")]
pub struct KitchenItemView {
    /// The line.
    pub line_id: LineId,
    /// How many.
    pub qty: u32,
    /// What.
    pub name: String,
    /// Its modifiers, by name.
    pub modifiers: Vec<String>,
    /// The cashier's note.
    pub note: Option<String>,
    /// The guest's allergy (shown inverted).
    pub allergy: Option<String>,
    /// The seat.
    pub seat: Option<u8>,
    /// The course.
    pub course: Option<u8>,
    /// Voided since (struck through).
    pub voided: bool,
    /// Bumped on its own.
    pub bumped: bool,
}

/// A kitchen ticket as a screen shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[ts(export, export_to = "bindings/")]
pub struct KitchenTicketView {
    /// The kitchen notice it comes from (a fire, a void, a change, a cancel).
    pub notice: EventId,
    /// The station.
    pub station: String,
    /// The order.
    pub order_id: OrderId,
    /// The order's number.
    pub number: u32,
    /// "Table 4", "Takeaway Kim".
    pub served: String,
    /// Since when (Unix ms): the notice's stamp.
    #[ts(type = "number")]
    pub since_ms: u64,
    /// `void`, `changed` or `cancel`; none for a fire.
    pub banner: Option<String>,
    /// The order was cancelled after this ticket (a CANCEL band over it).
    pub order_cancelled: bool,
    /// Its items.
    pub items: Vec<KitchenItemView>,
    /// `new`, `started` or `bumped`.
    pub phase: String,
    /// The generation the screen saw (sent back with a step).
    pub generation: u32,
    /// Someone asked to hurry it.
    pub rushed: bool,
    /// Done (bumped, or every item bumped): off the screen until recalled.
    pub done: bool,
    /// When it was done (Unix ms).
    #[ts(type = "number")]
    pub done_ms: Option<u64>,
    /// A later fire of an order the kitchen already had (its items come after an ADD-ON line).
    pub add_on: bool,
    /// The course this ticket fires, when it sends a course the counter had held.
    pub fired_course: Option<u8>,
    /// The order's items for this station held for a later course: coming, not to make yet.
    pub held: Vec<HeldItemView>,
    /// The ticket shows the warning colour this long after `since_ms` (the station's target).
    #[ts(type = "number")]
    pub warning_ms: u64,
    /// And LATE this long after.
    #[ts(type = "number")]
    pub late_ms: u64,
}

/// An item the counter holds for a later course.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[ts(export, export_to = "bindings/")]
pub struct HeldItemView {
    /// The course.
    pub course: u8,
    /// How many.
    pub qty: u32,
    /// What.
    pub name: String,
}

/// A count for the all-day line: how many of an item the open tickets hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[ts(export, export_to = "bindings/")]
pub struct AllDayView {
    /// The item.
    pub name: String,
    /// How many, over the open tickets.
    pub qty: u32,
}

/// One station's ticket of an order, as the expo pass sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[ts(export, export_to = "bindings/")]
pub struct ExpoTicketView {
    /// The ticket's notice (with the station, what a step on it names).
    pub notice: EventId,
    /// The station.
    pub station: String,
    /// `new`, `started` or `done`.
    pub phase: String,
    /// `void`, `changed` or `cancel`; none for a fire.
    pub banner: Option<String>,
    /// A later fire of the order.
    pub add_on: bool,
    /// Someone asked the station to hurry it.
    pub rushed: bool,
}

/// An order at the expo pass: every station's tickets, and whether it can go out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[ts(export, export_to = "bindings/")]
pub struct ExpoOrderView {
    /// The pass's own ticket (station `expo`, on the order's latest notice): its items are the
    /// order's kitchen items, every station; bump it to send the order out.
    pub ticket: KitchenTicketView,
    /// Each station's tickets of the order, in the order they came.
    pub stations: Vec<ExpoTicketView>,
    /// Every station is done: the order can go out.
    pub ready: bool,
}

/// `kitchen_board`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[ts(export, export_to = "bindings/")]
pub struct KitchenBoard {
    /// The tickets not done, oldest first.
    pub open: Vec<KitchenTicketView>,
    /// For the expo pass (`station: "expo"`): the orders not yet sent out, oldest first. Empty
    /// for a station's board. Its `recent` are then the orders last sent out.
    pub expo: Vec<ExpoOrderView>,
    /// The last tickets done, latest first (at most 20): what Recall brings back.
    pub recent: Vec<KitchenTicketView>,
    /// Per item, how many the open tickets hold (fires only; voided items not counted).
    pub all_day: Vec<AllDayView>,
    /// Every station the menu names.
    pub stations: Vec<String>,
    /// Orders with items held for a later course at a station that has no open ticket of them:
    /// coming, not to make yet (a station's own open tickets list theirs). Empty for expo.
    pub held: Vec<HeldCardView>,
}

/// What a station will get from an order once the counter fires a held course.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[ts(export, export_to = "bindings/")]
pub struct HeldCardView {
    /// The order.
    pub order_id: OrderId,
    /// The order's number.
    pub number: u32,
    /// "Table 4", "Takeaway Kim".
    pub served: String,
    /// The station.
    pub station: String,
    /// The items held for it.
    pub items: Vec<HeldItemView>,
}

/// What a cook does to a ticket.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
#[ts(export, export_to = "bindings/")]
pub enum KitchenAction {
    /// Started cooking it.
    Start,
    /// Done: off the screen.
    Bump,
    /// Back on the screen.
    Recall,
    /// Hurry it.
    Rush,
}

/// `kitchen_step`: a cook's step on a ticket, or on one item of it.
#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[ts(export, export_to = "bindings/")]
pub struct KitchenStepRequest {
    /// The order.
    pub order_id: OrderId,
    /// The ticket's notice.
    pub notice: EventId,
    /// The ticket's station.
    pub station: String,
    /// One item of the ticket (bump or recall that item alone); none: the whole ticket.
    #[serde(default)]
    #[ts(optional)]
    pub line_id: Option<LineId>,
    /// What the cook did.
    pub action: KitchenAction,
}

fn phase_word(p: Phase) -> &'static str {
    match p {
        Phase::New => "new",
        Phase::Started => "started",
        Phase::Bumped => "bumped",
    }
}

fn banner_word(b: Banner) -> &'static str {
    match b {
        Banner::Void => "void",
        Banner::Changed => "changed",
        Banner::Cancel => "cancel",
    }
}

/// A line of the order as a ticket's item.
fn item_view(order: &OrderState, line: LineId, bumped: bool) -> Option<KitchenItemView> {
    let l = order.line(line)?;
    Some(KitchenItemView {
        line_id: l.line_id,
        qty: u32::from(l.qty),
        name: l.name.clone(),
        modifiers: l.modifiers.iter().map(|m| m.name.clone()).collect(),
        note: l.note.clone(),
        allergy: l.allergy.clone(),
        seat: l.seat,
        course: l.course,
        voided: l.voided.is_some(),
        bumped,
    })
}

/// Whether `line`'s item is made at `station`.
fn made_at(
    catalog: &comanda_domain::catalog::Catalog,
    line: &comanda_domain::order::LineState,
    station: &str,
) -> bool {
    catalog
        .items
        .iter()
        .find(|i| i.id == line.item_id)
        .is_some_and(|i| i.stations.iter().any(|s| s == station))
}

/// A held line as the kitchen sees it.
fn held_view(l: &comanda_domain::order::LineState) -> HeldItemView {
    HeldItemView {
        course: l.course.unwrap_or_default(),
        qty: u32::from(l.qty),
        name: l.name.clone(),
    }
}

/// When a ticket was done: the latest step on it (or on one of its items); with `line`, the
/// latest step on that item alone. `since` when nothing was stepped.
pub(crate) fn done_at(
    order: &OrderState,
    ticket: &TicketRef,
    line: Option<LineId>,
    since: u64,
) -> u64 {
    order
        .kitchen_progress
        .iter()
        .filter(|p| p.ticket == *ticket && (line.is_none() || p.line_id == line))
        .map(|p| p.stamp.at_ms)
        .max()
        .unwrap_or(since)
}

/// The order at the expo pass, if the kitchen has a ticket of it.
fn expo_of(
    order: &OrderState,
    catalog: &comanda_domain::catalog::Catalog,
    targets: &[KitchenTarget],
) -> Option<ExpoOrderView> {
    let e = kitchen::expo(order, catalog)?;
    let views = views_of(order, catalog, targets);
    let since_ms = views
        .iter()
        .filter(|v| !v.done)
        .map(|v| v.since_ms)
        .min()
        .unwrap_or_else(|| views.iter().map(|v| v.since_ms).max().unwrap_or_default());
    let mut items: Vec<KitchenItemView> = Vec::new();
    for v in views.iter().filter(|v| v.banner.is_none()) {
        for i in &v.items {
            let bumped = i.bumped || v.done;
            match items.iter_mut().find(|x| x.line_id == i.line_id) {
                Some(x) => x.bumped &= bumped,
                None => items.push(KitchenItemView {
                    bumped,
                    ..i.clone()
                }),
            }
        }
    }
    let (warning_s, late_s) = KitchenTarget::of(
        targets,
        kitchen::EXPO,
        crate::kitchen_targets::order_type_word(order.order_type.as_ref()),
    );
    let sent_out = e.sent_out();
    Some(ExpoOrderView {
        ready: e.ready(),
        stations: views
            .iter()
            .map(|v| ExpoTicketView {
                notice: v.notice,
                station: v.station.clone(),
                phase: if v.done {
                    "done".into()
                } else {
                    v.phase.clone()
                },
                banner: v.banner.clone(),
                add_on: v.add_on,
                rushed: v.rushed,
            })
            .collect(),
        ticket: KitchenTicketView {
            notice: e.ticket.notice,
            station: kitchen::EXPO.to_owned(),
            order_id: order.order_id,
            number: order.number,
            served: crate::printing::served(order),
            since_ms,
            banner: None,
            order_cancelled: order.cancelled.is_some(),
            items,
            phase: phase_word(e.progress.phase).to_owned(),
            generation: e.progress.generation,
            rushed: e.tickets.iter().any(|t| t.rushed),
            done: sent_out,
            done_ms: sent_out.then(|| done_at(order, &e.ticket, None, since_ms)),
            add_on: false,
            fired_course: None,
            held: order.held_lines().map(held_view).collect(),
            warning_ms: u64::from(warning_s) * 1000,
            late_ms: u64::from(late_s) * 1000,
        },
    })
}

/// The tickets of one order, as views, coloured by the store's `targets`.
fn views_of(
    order: &OrderState,
    catalog: &comanda_domain::catalog::Catalog,
    targets: &[KitchenTarget],
) -> Vec<KitchenTicketView> {
    let order_type = crate::kitchen_targets::order_type_word(order.order_type.as_ref());
    let first_fire = order
        .kitchen
        .iter()
        .find(|n| n.banner.is_none())
        .map(|n| n.event);
    let held_lines: Vec<_> = order.held_lines().collect();
    kitchen::tickets(order, catalog)
        .into_iter()
        .map(|t| {
            let (warning_s, late_s) = KitchenTarget::of(targets, &t.ticket.station, order_type);
            let fired_course = order.held.iter().find_map(|c| {
                (t.banner.is_none()
                    && !t.items.is_empty()
                    && t.items.iter().all(|i| c.line_ids.contains(&i.line_id)))
                .then_some(c.course)
            });
            let held = held_lines
                .iter()
                .filter(|l| made_at(catalog, l, &t.ticket.station))
                .map(|l| held_view(l))
                .collect();
            let done = t.done();
            let done_ms = done.then(|| done_at(order, &t.ticket, None, t.since.at_ms));
            KitchenTicketView {
                notice: t.ticket.notice,
                station: t.ticket.station.clone(),
                order_id: order.order_id,
                number: order.number,
                served: crate::printing::served(order),
                since_ms: t.since.at_ms,
                banner: t.banner.map(|b| banner_word(b).to_owned()),
                order_cancelled: order.cancelled.is_some(),
                items: t
                    .items
                    .iter()
                    .filter_map(|i| item_view(order, i.line_id, t.item_done(i)))
                    .collect(),
                phase: phase_word(t.progress.phase).to_owned(),
                generation: t.progress.generation,
                rushed: t.rushed,
                done,
                done_ms,
                add_on: t.banner.is_none() && first_fire.is_some_and(|f| f != t.ticket.notice),
                fired_course,
                held,
                warning_ms: u64::from(warning_s) * 1000,
                late_ms: u64::from(late_s) * 1000,
            }
        })
        .collect()
}

/// The orders (any status) the kitchen has heard of, changed at or after `since_ms`, the latest
/// changed first, at most `limit` looked at: those with a kitchen notice.
pub(crate) fn heard_orders(
    r: &comanda_store::Reader<'_>,
    since_ms: u64,
    limit: u32,
) -> Result<Vec<comanda_store::OrderRecord>, comanda_store::StoreError> {
    Ok(r.orders_touched_since(since_ms, limit)?
        .into_iter()
        .filter(|rec| !rec.state.kitchen.is_empty())
        .collect())
}

/// The kitchen board of this terminal: the latest orders' tickets, open ones oldest first.
pub fn kitchen_board(
    ctx: &Ctx,
    _s: &Session,
    req: KitchenBoardRequest,
) -> Result<KitchenBoard, ApiError> {
    board(ctx, req)
}

/// The board, for a signed-in session or a kitchen screen (`crate::screens`).
pub(crate) fn board(ctx: &Ctx, req: KitchenBoardRequest) -> Result<KitchenBoard, ApiError> {
    let station = req
        .station
        .as_deref()
        .map(|s| crate::input::required("station", s, 40))
        .transpose()?;
    let now = ctx.clock.now_ms();
    let (catalog, targets, orders) = ctx.store.read(|r| {
        Ok::<_, comanda_store::StoreError>((
            r.catalog()?.unwrap_or_default(),
            r.settings()?.map(|s| s.kitchen_targets).unwrap_or_default(),
            heard_orders(r, now.saturating_sub(BOARD_WITHIN_MS), BOARD_ORDERS)?,
        ))
    })?;
    let stations = catalog.stations();
    if station.as_deref() == Some(kitchen::EXPO) {
        let (done, mut open): (Vec<_>, Vec<_>) = orders
            .iter()
            .filter_map(|rec| expo_of(&rec.state, &catalog, &targets))
            .partition(|e| e.ticket.done);
        open.sort_by(|a, b| {
            (a.ticket.since_ms, a.ticket.notice).cmp(&(b.ticket.since_ms, b.ticket.notice))
        });
        let mut recent: Vec<KitchenTicketView> = done.into_iter().map(|e| e.ticket).collect();
        recent.sort_by_key(|t| std::cmp::Reverse(t.done_ms));
        recent.truncate(RECALLABLE);
        return Ok(KitchenBoard {
            open: Vec::new(),
            expo: open,
            recent,
            all_day: Vec::new(),
            stations,
            held: Vec::new(),
        });
    }
    let mut all: Vec<KitchenTicketView> = orders
        .iter()
        .flat_map(|rec| views_of(&rec.state, &catalog, &targets))
        .filter(|t| station.as_ref().is_none_or(|s| *s == t.station))
        .collect();
    // Oldest first; within a millisecond, by the notice's id (time-ordered as it was made).
    all.sort_by(|a, b| (a.since_ms, a.notice, &a.station).cmp(&(b.since_ms, b.notice, &b.station)));
    let (done, open): (Vec<_>, Vec<_>) = all.into_iter().partition(|t| t.done);
    let mut recent = done;
    recent.sort_by_key(|t| std::cmp::Reverse(t.done_ms));
    recent.truncate(RECALLABLE);
    let mut counts: std::collections::BTreeMap<String, u32> = Default::default();
    for t in open.iter().filter(|t| t.banner.is_none()) {
        for i in t.items.iter().filter(|i| !i.voided && !i.bumped) {
            *counts.entry(i.name.clone()).or_default() += i.qty;
        }
    }
    let mut all_day: Vec<AllDayView> = counts
        .into_iter()
        .map(|(name, qty)| AllDayView { name, qty })
        .collect();
    all_day.sort_by(|a, b| b.qty.cmp(&a.qty).then(a.name.cmp(&b.name)));
    let mut held = Vec::new();
    for rec in orders.iter().filter(|r| r.state.cancelled.is_none()) {
        let order = &rec.state;
        let lines: Vec<_> = order.held_lines().collect();
        if lines.is_empty() {
            continue;
        }
        for s in stations
            .iter()
            .filter(|s| station.as_ref().is_none_or(|f| f == *s))
        {
            let items: Vec<HeldItemView> = lines
                .iter()
                .filter(|l| made_at(&catalog, l, s))
                .map(|l| held_view(l))
                .collect();
            let has_ticket = open
                .iter()
                .any(|t| t.order_id == order.order_id && t.station == *s);
            if !items.is_empty() && !has_ticket {
                held.push(HeldCardView {
                    order_id: order.order_id,
                    number: order.number,
                    served: crate::printing::served(order),
                    station: s.clone(),
                    items,
                });
            }
        }
    }
    held.sort_by(|a, b| (a.number, &a.station).cmp(&(b.number, &b.station)));
    Ok(KitchenBoard {
        open,
        expo: Vec::new(),
        recent,
        all_day,
        stations,
        held,
    })
}

/// A cook's step: starts, bumps, recalls or rushes a ticket (or bumps or recalls one item),
/// at the generation the order holds now. Returns the ticket as it then stands.
pub fn kitchen_step(
    ctx: &Ctx,
    s: &Session,
    req: KitchenStepRequest,
) -> Result<KitchenTicketView, ApiError> {
    step(ctx, Some(s.employee_id), req)
}

/// A step by someone signed in (`actor`), or by a paired kitchen screen (none).
pub(crate) fn step(
    ctx: &Ctx,
    actor: Option<comanda_domain::ids::EmployeeId>,
    req: KitchenStepRequest,
) -> Result<KitchenTicketView, ApiError> {
    let station = crate::input::required("station", &req.station, 40)?;
    let ticket = TicketRef {
        notice: req.notice,
        station,
    };
    let (event, view) = ctx.store.write(|tx| {
        let rec = tx
            .order(req.order_id)?
            .ok_or_else(|| ApiError::not_found("That order does not exist.").on("order_id"))?;
        let catalog = tx.catalog()?.unwrap_or_default();
        let found = if ticket.station == kitchen::EXPO {
            // The pass's ticket: the order's latest notice, no items of its own.
            kitchen::expo(&rec.state, &catalog)
                .filter(|e| e.ticket == ticket)
                .map(|e| e.as_ticket())
        } else {
            kitchen::tickets(&rec.state, &catalog)
                .into_iter()
                .find(|t| t.ticket == ticket)
        };
        let Some(t) = found else {
            return Err(ApiError::not_found(
                "That order has no such kitchen ticket (the order may have a newer one).",
            )
            .on("notice"));
        };
        let progress = match req.line_id {
            None => t.progress,
            Some(line) => t
                .items
                .iter()
                .find(|i| i.line_id == line)
                .map(|i| t.item_progress(i))
                .ok_or_else(|| {
                    ApiError::invalid("line_id", "That item is not on this ticket.")
                })?,
        };
        let body = match req.action {
            KitchenAction::Start | KitchenAction::Bump => {
                comanda_domain::event::EventBody::KitchenMarked(KitchenMarked {
                    ticket: ticket.clone(),
                    line_id: req.line_id,
                    step: if req.action == KitchenAction::Start {
                        KitchenStep::Started
                    } else {
                        KitchenStep::Bumped
                    },
                    generation: progress.generation,
                })
            }
            KitchenAction::Recall => {
                if !t.done() && req.line_id.is_none() {
                    return Err(ApiError::new(
                        ErrorCode::Conflict,
                        "That ticket is on the screen already: only a bumped ticket can be recalled.",
                    )
                    .on("notice"));
                }
                comanda_domain::event::EventBody::KitchenRecalled(KitchenRecalled {
                    ticket: ticket.clone(),
                    line_id: req.line_id,
                    generation: progress.recalled().generation,
                })
            }
            KitchenAction::Rush => {
                if req.line_id.is_some() {
                    return Err(ApiError::invalid("line_id", "A whole ticket is rushed, not one item."));
                }
                comanda_domain::event::EventBody::KitchenRushed(KitchenRushed {
                    ticket: ticket.clone(),
                })
            }
        };
        let event = tx.append(StreamId::Order(req.order_id), actor, body)?;
        let rec = tx
            .order(req.order_id)?
            .ok_or_else(|| ApiError::internal(&"the order just written is not there"))?;
        let targets = tx.settings()?.map(|s| s.kitchen_targets).unwrap_or_default();
        let view = if ticket.station == kitchen::EXPO {
            expo_of(&rec.state, &catalog, &targets).map(|e| e.ticket)
        } else {
            views_of(&rec.state, &catalog, &targets)
                .into_iter()
                .find(|v| v.notice == ticket.notice && v.station == ticket.station)
        }
        .ok_or_else(|| ApiError::internal(&"the ticket just stepped is not there"))?;
        Ok::<_, ApiError>((event, view))
    })?;
    crate::sync::announce(ctx, &[event.stream])?;
    Ok(view)
}
