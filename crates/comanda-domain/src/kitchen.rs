//! The kitchen's own events: cooks start and bump tickets (or single items of a ticket), recall
//! what was bumped, and rush a ticket; and the kitchen tickets of an order as a screen shows them.
//!
//! A kitchen ticket is the same ticket the print queue prints: one per kitchen notice of the
//! order (a fire, a void or change of a sent line, a cancel after lines were sent) and station,
//! named by the notice's event id and the station ([`crate::printer::ticket_job`]). Its events
//! live in the order's stream, so they travel, fold and converge as the order does.
//!
//! **Invariant (progress never goes back, but by a recall everyone sees):** the progress of a
//! ticket or an item is a pair (generation, phase) and the fold keeps the highest pair seen
//! ([`Progress`]). Starting and bumping raise the phase within a generation; a recall opens the
//! next generation at `New`. Two screens that bump and recall at once end the same everywhere,
//! whatever order the events arrive in: the highest generation wins, and within it the furthest
//! phase (order-model.md: "kitchen bumped on one screen, recalled on another").

use serde::{Deserialize, Serialize};

use crate::catalog::Catalog;
use crate::ids::{EventId, LineId};
use crate::order::{OrderState, Stamp};

/// How far a ticket or an item has gone in the kitchen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// On the screen, not started.
    New,
    /// A cook started it.
    Started,
    /// Done: off the screen (until recalled).
    Bumped,
}

/// A cook's step on a ticket or an item (what `KitchenMarked` records).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KitchenStep {
    /// Started.
    Started,
    /// Bumped (done).
    Bumped,
}

impl KitchenStep {
    /// The phase this step reaches.
    pub fn phase(self) -> Phase {
        match self {
            KitchenStep::Started => Phase::Started,
            KitchenStep::Bumped => Phase::Bumped,
        }
    }
}

/// The progress lattice: the highest generation wins, then the furthest phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Progress {
    /// Raised by each recall.
    pub generation: u32,
    /// Within the generation.
    pub phase: Phase,
}

impl Progress {
    /// Where every ticket starts.
    pub const NEW: Progress = Progress {
        generation: 0,
        phase: Phase::New,
    };

    /// The progress a recall of what stands at `self` reaches: the next generation, new.
    pub fn recalled(self) -> Progress {
        Progress {
            generation: self.generation.saturating_add(1),
            phase: Phase::New,
        }
    }
}

/// Which kitchen ticket: the notice's event and the station.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct TicketRef {
    /// The kitchen notice's event (a fire, a void, a change, a cancel).
    pub notice: EventId,
    /// The station.
    pub station: String,
}

/// A cook started or bumped a ticket, or one item of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KitchenMarked {
    /// The ticket.
    pub ticket: TicketRef,
    /// The item, when only one line of the ticket is meant.
    pub line_id: Option<LineId>,
    /// What the cook did.
    pub step: KitchenStep,
    /// The generation the screen saw (the ticket's, or the item's, as it stood).
    pub generation: u32,
}

/// A cook brought a bumped ticket (or item) back: it opens the next generation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KitchenRecalled {
    /// The ticket.
    pub ticket: TicketRef,
    /// The item, when only one line of the ticket is meant.
    pub line_id: Option<LineId>,
    /// The generation the recall opens (the one it saw, plus one).
    pub generation: u32,
}

/// Someone asked the kitchen to hurry a ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KitchenRushed {
    /// The ticket.
    pub ticket: TicketRef,
}

/// The counter held the lines of a course: the kitchen sees them coming ("Course 2 on hold") and
/// makes them when a fire sends them (`OrderFired` with those lines). A held line that was fired
/// is no longer held, whichever event a terminal learns of first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CourseHeld {
    /// The course (2 for mains after starters).
    pub course: u8,
    /// Its lines, not yet sent.
    pub line_ids: Vec<LineId>,
}

/// The progress of a ticket (`line_id` none) or of one of its items, as folded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KitchenProgress {
    /// The ticket.
    pub ticket: TicketRef,
    /// The item, or none for the whole ticket.
    pub line_id: Option<LineId>,
    /// The highest progress seen.
    pub progress: Progress,
    /// Who reached it, and when.
    pub stamp: Stamp,
}

/// Raises the progress of `(ticket, line_id)` in `list` to `to`, if higher (the lattice's join).
pub fn raise(
    list: &mut Vec<KitchenProgress>,
    ticket: &TicketRef,
    line_id: Option<LineId>,
    to: Progress,
    stamp: Stamp,
) {
    match list
        .iter_mut()
        .find(|p| p.ticket == *ticket && p.line_id == line_id)
    {
        Some(p) if to > p.progress => {
            p.progress = to;
            p.stamp = stamp;
        }
        Some(_) => {}
        None => list.push(KitchenProgress {
            ticket: ticket.clone(),
            line_id,
            progress: to,
            stamp,
        }),
    }
}

/// What a kitchen ticket says above its items.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Banner {
    /// A sent line was voided.
    Void,
    /// A sent line was changed.
    Changed,
    /// The order was cancelled after lines were sent.
    Cancel,
}

/// An item of a kitchen ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketItem {
    /// The line.
    pub line_id: LineId,
    /// Its progress (an item bumped alone is done while the ticket stays).
    pub progress: Progress,
}

/// A kitchen ticket as a screen shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KitchenTicket {
    /// Which.
    pub ticket: TicketRef,
    /// Since when (the notice's stamp).
    pub since: Stamp,
    /// The banner, for a void, change or cancel.
    pub banner: Option<Banner>,
    /// Its items: the notice's lines made at the station.
    pub items: Vec<TicketItem>,
    /// The ticket's own progress.
    pub progress: Progress,
    /// Someone asked to hurry it.
    pub rushed: bool,
}

impl KitchenTicket {
    /// Done: bumped whole, or every item bumped in the ticket's generation or later.
    pub fn done(&self) -> bool {
        self.progress.phase == Phase::Bumped
            || (!self.items.is_empty() && self.items.iter().all(|i| self.item_done(i)))
    }

    /// Where an item of this ticket stands for a step on it: its own progress, or new in the
    /// ticket's generation when a recall of the whole ticket came after it.
    pub fn item_progress(&self, item: &TicketItem) -> Progress {
        item.progress.max(Progress {
            generation: self.progress.generation,
            phase: Phase::New,
        })
    }

    /// The item was bumped on its own in the ticket's current generation (or later).
    pub fn item_done(&self, item: &TicketItem) -> bool {
        item.progress.phase == Phase::Bumped && item.progress.generation >= self.progress.generation
    }
}

/// The kitchen tickets of `order`, in the order of its notices, one per station their lines
/// are made at (by `catalog`), stations in name order.
pub fn tickets(order: &OrderState, catalog: &Catalog) -> Vec<KitchenTicket> {
    let progress = |t: &TicketRef, line: Option<LineId>| {
        order
            .kitchen_progress
            .iter()
            .find(|p| p.ticket == *t && p.line_id == line)
            .map_or(Progress::NEW, |p| p.progress)
    };
    let mut out = Vec::new();
    for notice in &order.kitchen {
        let at = |station: &str, line: LineId| {
            order
                .line(line)
                .and_then(|l| catalog.items.iter().find(|i| i.id == l.item_id))
                .is_some_and(|i| i.stations.iter().any(|s| s == station))
        };
        let mut stations: Vec<&str> = notice
            .lines
            .iter()
            .filter_map(|id| order.line(*id))
            .filter_map(|l| catalog.items.iter().find(|i| i.id == l.item_id))
            .flat_map(|i| i.stations.iter().map(String::as_str))
            .collect();
        stations.sort_unstable();
        stations.dedup();
        for station in stations {
            let ticket = TicketRef {
                notice: notice.event,
                station: station.to_owned(),
            };
            let items = notice
                .lines
                .iter()
                .filter(|l| at(station, **l))
                .map(|l| TicketItem {
                    line_id: *l,
                    progress: progress(&ticket, Some(*l)),
                })
                .collect();
            out.push(KitchenTicket {
                progress: progress(&ticket, None),
                rushed: order.rushed.contains(&ticket),
                banner: notice.banner,
                since: notice.stamp,
                items,
                ticket,
            });
        }
    }
    out
}

/// The expo pass's name: its progress is kept under this station, on the order's latest notice.
pub const EXPO: &str = "expo";

/// An order as the expo pass sees it: every station's tickets, and whether the pass sent it out.
///
/// The pass's own progress is kept under the order's latest kitchen notice at [`EXPO`]: a later
/// fire (an add-on) or a void is a new notice, so an order sent out comes back to the pass when
/// the kitchen has something new for it, and its bumps and recalls converge as any ticket's do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpoOrder {
    /// The pass's ticket: the latest notice, at [`EXPO`].
    pub ticket: TicketRef,
    /// The latest notice's stamp.
    pub since: Stamp,
    /// The order's kitchen tickets, every station.
    pub tickets: Vec<KitchenTicket>,
    /// The pass's progress (bumped: sent out).
    pub progress: Progress,
}

impl ExpoOrder {
    /// The pass's own ticket, as a step on it sees it (no items of its own).
    pub fn as_ticket(&self) -> KitchenTicket {
        KitchenTicket {
            ticket: self.ticket.clone(),
            since: self.since,
            banner: None,
            items: Vec::new(),
            progress: self.progress,
            rushed: false,
        }
    }

    /// Every station is done: the order can go out.
    pub fn ready(&self) -> bool {
        self.tickets.iter().all(KitchenTicket::done)
    }

    /// The pass sent it out.
    pub fn sent_out(&self) -> bool {
        self.progress.phase == Phase::Bumped
    }
}

/// The order at the expo pass, if the kitchen has any ticket of it.
pub fn expo(order: &OrderState, catalog: &Catalog) -> Option<ExpoOrder> {
    let tickets = tickets(order, catalog);
    if tickets.is_empty() {
        return None;
    }
    let last = order.kitchen.last()?;
    let ticket = TicketRef {
        notice: last.event,
        station: EXPO.to_owned(),
    };
    let progress = order
        .kitchen_progress
        .iter()
        .find(|p| p.ticket == ticket && p.line_id.is_none())
        .map_or(Progress::NEW, |p| p.progress);
    Some(ExpoOrder {
        ticket,
        since: last.stamp,
        tickets,
        progress,
    })
}
