//! First run of a terminal installed without the demo (`--no-demo`): nobody is on its staff
//! list, so nobody could sign in to pair it or to add staff. Two doors, open only while the
//! terminal has no active staff at all:
//!
//! - [`setup_pair`]: join a store through its hub with a one-time code (the store's menu and
//!   staff then come from the hub); the code is the authority, as it is for the hub;
//! - [`create_first_manager`]: start a new store here with its first manager, who is signed in
//!   at once (and who can later pair this terminal, bringing the staff along); on a paired
//!   terminal, only when the hub said at pairing that the store had nobody on its staff.
//!
//! Once someone is on the staff list both doors are shut, and everything goes through a
//! manager's session as usual.

use std::collections::BTreeMap;

use comanda_domain::employee::{EmployeeRecord, Pin, Role};
use comanda_domain::event::{EmployeeSaved, EventBody, StreamId};
use comanda_domain::ids::EmployeeId;
use serde::{Deserialize, Serialize};

use crate::bus::Change;
use crate::ctx::Ctx;
use crate::error::{ApiError, ErrorCode};
use crate::input;
use crate::session::{Login, hash_pin};
use crate::sync::PairTerminal;
use crate::views::{SessionView, TerminalView};

/// True while nobody on this terminal's staff list is active: the first-run doors are open
/// (`TerminalView::needs_setup` says the same to the screens).
pub fn needs_setup(ctx: &Ctx) -> Result<bool, ApiError> {
    Ok(nobody_active(&ctx.store.read(|r| r.employees())?))
}

/// Nobody on this staff list is active.
pub(crate) fn nobody_active(staff: &BTreeMap<EmployeeId, EmployeeRecord>) -> bool {
    !staff.values().any(|e| e.active)
}

fn shut() -> ApiError {
    ApiError::new(
        ErrorCode::Forbidden,
        "This terminal already has staff: a manager signs in to do this.",
    )
}

/// Pairs a terminal that has no staff with a store, on the strength of the pairing code alone.
pub fn setup_pair(ctx: &Ctx, req: PairTerminal) -> Result<TerminalView, ApiError> {
    if !needs_setup(ctx)? {
        return Err(shut());
    }
    crate::sync::pair(ctx, None, req)
}

/// Request of `create_first_manager`.
#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[ts(export, export_to = "bindings/")]
pub struct FirstManager {
    /// Their name.
    pub name: String,
    /// Their PIN, 4 to 8 digits.
    pub pin: String,
}

/// Starts a store on this terminal with its first manager, and signs them in.
pub fn create_first_manager(ctx: &Ctx, req: FirstManager) -> Result<SessionView, ApiError> {
    if ctx.sync.pairing.load(std::sync::atomic::Ordering::Acquire) {
        return Err(ApiError::new(
            ErrorCode::Conflict,
            "This terminal is being paired: wait for that to finish.",
        ));
    }
    let name = input::required("name", &req.name, 40)?;
    let pin = Pin::parse(req.pin.trim())
        .map_err(|_| ApiError::invalid("pin", "A PIN is 4 to 8 digits."))?;
    let pin_hash = hash_pin(ctx, &pin)?;
    let device = ctx.store.device()?;
    let employee_id = ctx.store.write(|tx| {
        // Checked in the writing transaction: two first managers made at once are one.
        if !nobody_active(&tx.employees()?) {
            return Err(shut());
        }
        // A paired terminal may only start the staff of a store that had nobody on it when it
        // joined, as the hub said then: what it has received so far proves nothing.
        if device.paired && !tx.joined_empty_store()? {
            return Err(shut());
        }
        let employee_id = EmployeeId::new(ctx.ids.as_ref());
        tx.append(
            StreamId::Employees,
            None,
            EventBody::EmployeeSaved(EmployeeSaved {
                record: EmployeeRecord {
                    employee_id,
                    name: name.clone(),
                    role: Role::Manager,
                    pin_hash,
                    active: true,
                },
                approved_by: None,
            }),
        )?;
        Ok(employee_id)
    })?;
    tracing::info!(%name, "the first manager was created on this terminal");
    ctx.bus.send(Change::Settings);
    crate::session::login(
        ctx,
        Login {
            pin: req.pin,
            employee_id: Some(employee_id),
        },
    )
}
