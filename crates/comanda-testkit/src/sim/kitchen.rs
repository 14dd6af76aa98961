//! The simulation's kitchen screens: after a cashier's command, a cook on some terminal may
//! start, bump or recall a ticket (or one item of it) or rush one, or the expo pass sends an
//! order out or calls it back, or a waiter holds an order's unsent lines for a later course or
//! fires what was held, at the generation that
//! terminal's copy of the order holds, partitions, kills and restores included. The run's
//! checks then hold the kitchen's progress to what they hold orders to: the same bytes on every
//! node after the heal. The cook's choices come from a random stream of their own, so the
//! seeds' faults fall where they fell before the kitchen joined.

use comanda_domain::event::{EventBody, StreamId};
use comanda_domain::kitchen::{self, KitchenMarked, KitchenRecalled, KitchenRushed, KitchenStep};
use comanda_store::OrderFilter;

use super::Sim;

/// A waiter at a terminal: holds an open order's unsent lines as course 2, or fires the lines
/// it held (the counter's "Fire course 2"). What the cook step returns.
fn waiter_step(
    tx: &mut comanda_store::Tx<'_>,
    pick: u64,
) -> Result<Option<(comanda_domain::ids::EventId, &'static str, StreamId)>, comanda_store::StoreError>
{
    let open: Vec<_> = tx
        .list_orders(&OrderFilter::with_status(
            comanda_domain::order::OrderStatus::Open,
            30,
        ))?
        .into_iter()
        .map(|o| o.order_id)
        .collect();
    if open.is_empty() {
        return Ok(None);
    }
    let order = open[(pick % open.len() as u64) as usize];
    let Some(rec) = tx.order(order)? else {
        return Ok(None);
    };
    let held: Vec<_> = rec.state.held_lines().map(|l| l.line_id).collect();
    let body = if held.is_empty() {
        let unsent: Vec<_> = rec
            .state
            .live_lines()
            .filter(|l| !l.fired)
            .map(|l| l.line_id)
            .collect();
        if unsent.is_empty() {
            return Ok(None);
        }
        EventBody::CourseHeld(kitchen::CourseHeld {
            course: 2,
            line_ids: unsent,
        })
    } else {
        EventBody::OrderFired(comanda_domain::event::OrderFired { line_ids: held })
    };
    let kind = body.kind();
    let e = tx.append(StreamId::Order(order), None, body)?;
    Ok(Some((e.id, kind, e.stream)))
}

impl Sim {
    /// Maybe one cook's step on a terminal up now.
    pub(super) fn cook(&mut self) -> Result<(), String> {
        if !self.cooks.chance(300) {
            return Ok(());
        }
        let i = self.cooks.range(1, self.plan.terminals as u64) as usize;
        let Some(store) = &self.nodes[i].store else {
            return Ok(());
        };
        let roll = self.cooks.below(100);
        let pick = self.cooks.next_u64();
        let waiter = self.cooks.chance(150);
        let made = store
            .write(|tx| {
                if waiter {
                    return waiter_step(tx, pick);
                }
                let catalog = tx.catalog()?.unwrap_or_default();
                let mut tickets = Vec::new();
                for o in tx.list_orders(&OrderFilter::all(30))? {
                    if let Some(rec) = tx.order(o.order_id)? {
                        for t in kitchen::tickets(&rec.state, &catalog) {
                            tickets.push((o.order_id, t));
                        }
                        // The expo pass sends orders out and calls them back too.
                        if let Some(e) = kitchen::expo(&rec.state, &catalog) {
                            tickets.push((o.order_id, e.as_ticket()));
                        }
                    }
                }
                if tickets.is_empty() {
                    return Ok::<_, comanda_store::StoreError>(None);
                }
                let (order, t) = &tickets[(pick % tickets.len() as u64) as usize];
                let item = roll
                    .is_multiple_of(2)
                    .then(|| t.items.get((pick >> 8) as usize % t.items.len().max(1)))
                    .flatten();
                let seen = item.map_or(t.progress, |i| t.item_progress(i));
                let body = match roll {
                    0..20 => EventBody::KitchenMarked(KitchenMarked {
                        ticket: t.ticket.clone(),
                        line_id: None,
                        step: KitchenStep::Started,
                        generation: seen.generation,
                    }),
                    20..70 => EventBody::KitchenMarked(KitchenMarked {
                        ticket: t.ticket.clone(),
                        line_id: item.map(|i| i.line_id),
                        step: KitchenStep::Bumped,
                        generation: seen.generation,
                    }),
                    70..95 => EventBody::KitchenRecalled(KitchenRecalled {
                        ticket: t.ticket.clone(),
                        line_id: item.map(|i| i.line_id),
                        generation: seen.recalled().generation,
                    }),
                    _ => EventBody::KitchenRushed(KitchenRushed {
                        ticket: t.ticket.clone(),
                    }),
                };
                let kind = body.kind();
                let e = tx.append(StreamId::Order(*order), None, body)?;
                Ok(Some((e.id, kind, e.stream)))
            })
            .map_err(|e| e.to_string())?;
        if let Some((id, kind, stream)) = made {
            self.acked.insert(id, i);
            self.report.acked = self.acked.len();
            self.report.kitchen_steps += 1;
            let name = self.nodes[i].name.clone();
            self.log(format!("{name} cook: {kind} on {stream}"));
        }
        Ok(())
    }
}
