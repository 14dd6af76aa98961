//! The simulation's printers: terminal 1 drives the grill and fry printer, terminal 2 the cold
//! and bar one (set up once, as `PrinterSaved` events every node learns). A printing step on a
//! terminal does what the print worker does with the store: claims the next job (`sending`
//! committed), puts it on paper, records the outcome and tells the store (`TicketPrinted`). The
//! seed makes printers fail before a byte leaves (the job waits) and kills the terminal after
//! the claim or after the paper, before the record (the job is `sending` on disk, and unknown
//! once the terminal restarts). The paper is physical: it survives kills and restores.
//!
//! After the heal every job has ended (printed or unknown, waiting for a person), and no ticket
//! is on paper twice, whatever was killed or restored from an older backup (the backup is of
//! the database file alone, as an installer puts one back: the print mark beside it stays).

use comanda_domain::event::{EventBody, StreamId};
use comanda_domain::ids::PrinterId;
use comanda_domain::printer::{PrinterSaved, TicketOutcome, TicketPrinted};
use comanda_store::JobState;

use super::Sim;

/// The stations each printing terminal drives: terminal 1, then terminal 2.
const PRINTERS: [(usize, &str, [&str; 2]); 2] = [
    (1, "Kitchen", ["grill", "fry"]),
    (2, "Bar", ["cold", "bar"]),
];

impl Sim {
    /// Publishes the menu and the printers (from terminal 1 and 2, acknowledged like any commit).
    pub(super) fn set_up_printers(&mut self) -> Result<(), String> {
        let mut made = Vec::new();
        if let Some(store) = &self.nodes[1].store {
            let e = store
                .write(|tx| {
                    tx.append(
                        StreamId::Catalog,
                        None,
                        EventBody::CatalogPublished(crate::actions::menu()),
                    )
                })
                .map_err(|e| e.to_string())?;
            made.push((e.id, 1));
        }
        for (k, (node, name, stations)) in PRINTERS.iter().enumerate() {
            let Some(store) = &self.nodes[*node].store else {
                continue;
            };
            let me = store.device().map_err(|e| e.to_string())?.device_id;
            let printer_id = PrinterId::new(&comanda_domain::ids::SeqIds::new(7_300 + k as u64));
            let saved = PrinterSaved {
                printer_id,
                name: (*name).into(),
                node: me,
                connection: format!("tcp:192.0.2.{}:9100", 10 + k),
                columns: 48,
                code_page: "cp858".into(),
                code_page_number: 19,
                status: true,
                stations: stations.iter().map(|s| (*s).into()).collect(),
                receipts: false,
                active: true,
                drawer: None,
                fallback_for: vec![],
            };
            let e = store
                .write(|tx| tx.append(StreamId::Printers, None, EventBody::PrinterSaved(saved)))
                .map_err(|e| e.to_string())?;
            made.push((e.id, *node));
        }
        for (id, node) in made {
            self.acked.insert(id, node);
        }
        Ok(())
    }

    /// One printing step on a printing terminal, with the seed's faults (`faults` false: the
    /// printer and the terminal behave, as in the heal). Returns whether a job was taken.
    pub(super) fn print_step(&mut self, node: usize, faults: bool) -> Result<bool, String> {
        let Some(store) = &self.nodes[node].store else {
            return Ok(false);
        };
        let printers = store.read(|r| r.printers()).map_err(|e| e.to_string())?;
        let nodes = store.read(|r| r.node_ids()).map_err(|e| e.to_string())?;
        let mine: Vec<PrinterId> = printers
            .values()
            .filter(|p| p.active && nodes.contains(&p.node))
            .map(|p| p.printer_id)
            .collect();
        for printer in mine {
            let claimed = store
                .write(|tx| {
                    let job = tx.next_print_job(printer)?;
                    if let Some(j) = &job {
                        tx.set_print_job(&j.job_id, JobState::Sending, None)?;
                    }
                    Ok::<_, comanda_store::StoreError>(job)
                })
                .map_err(|e| e.to_string())?;
            let Some(job) = claimed else { continue };
            let name = self.nodes[node].name.clone();
            let roll = if faults { self.rng.below(1000) } else { 1000 };
            if roll < 100 {
                // Out of paper: nothing sent, the job waits.
                store
                    .write(|tx| {
                        tx.set_print_job(&job.job_id, JobState::Failed, Some("out of paper"))
                    })
                    .map_err(|e| e.to_string())?;
                self.log(format!(
                    "{name}: printer out of paper, {} waits",
                    short(&job.job_id)
                ));
                return Ok(true);
            }
            if roll < 160 {
                self.kill(
                    node,
                    format!("{name} killed after claiming {}", short(&job.job_id)),
                );
                return Ok(true);
            }
            *self.paper.entry(job.job_id.clone()).or_insert(0) += 1;
            self.report.tickets_printed += 1;
            if roll < 220 {
                self.kill(
                    node,
                    format!("{name} killed after printing {}", short(&job.job_id)),
                );
                return Ok(true);
            }
            let outcome = if job.reprint {
                TicketOutcome::Reprinted
            } else {
                TicketOutcome::Printed
            };
            let said = match (job.order_id, job.fire, &job.station) {
                (Some(order), Some(fire), Some(station)) => Some((
                    StreamId::Order(order),
                    EventBody::TicketPrinted(TicketPrinted {
                        fire,
                        station: station.clone(),
                        printer_id: printer,
                        outcome,
                    }),
                )),
                _ => None,
            };
            let event = store
                .write(|tx| {
                    tx.set_print_job(&job.job_id, JobState::Done, None)?;
                    said.map(|(stream, body)| tx.append(stream, None, body))
                        .transpose()
                })
                .map_err(|e| e.to_string())?;
            if let Some(e) = event {
                self.acked.insert(e.id, node);
                self.report.acked = self.acked.len();
            }
            self.log(format!("{name} printed {}", short(&job.job_id)));
            return Ok(true);
        }
        Ok(false)
    }

    /// Prints everything waiting on every printing terminal, without faults (the heal).
    pub(super) fn drain_printers(&mut self) -> Result<(), String> {
        for (node, _, _) in PRINTERS {
            while self.print_step(node, false)? {}
        }
        Ok(())
    }

    /// After the heal: every job ended, and no ticket on paper twice.
    pub(super) fn check_printing(&mut self) -> Result<(), String> {
        for n in &self.nodes {
            let Some(store) = &n.store else { continue };
            let jobs = store
                .read(|r| r.print_jobs(false, 100_000))
                .map_err(|e| e.to_string())?;
            for j in &jobs {
                if !matches!(j.state, JobState::Done | JobState::Unknown) {
                    return Err(format!("{}: job {} left {:?}", n.name, j.job_id, j.state));
                }
                if j.state == JobState::Unknown {
                    self.report.tickets_unknown += 1;
                }
            }
        }
        // Never twice, a restore of the printer's terminal included: it knows it was restored
        // when it opens (its print mark counts more claims than its file), or at its next
        // exchange, and leaves what may have printed for a person.
        if let Some((job, times)) = self.paper.iter().find(|(_, t)| **t > 1) {
            return Err(format!("ticket {job} printed {times} times"));
        }
        Ok(())
    }
}

/// A job's id in the trace: the fire's counter and source (its id's second and last groups)
/// and the station, as `0013…f61a:grill`.
fn short(job: &str) -> String {
    let mut parts = job.split(':').skip(1);
    let (Some(id), Some(station)) = (parts.next(), parts.next()) else {
        return job.to_owned();
    };
    let groups: Vec<&str> = id.split('-').collect();
    match (groups.get(1), groups.last()) {
        (Some(n), Some(last)) => {
            let tail = last.get(last.len().saturating_sub(4)..).unwrap_or(last);
            format!("{n}…{tail}:{station}")
        }
        _ => job.to_owned(),
    }
}
