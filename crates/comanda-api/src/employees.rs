//! `list_employees` and `save_employee`: the staff list, kept by a manager. PINs are hashed
//! before they leave this function and must be unique among active staff (sign-in is by PIN
//! alone).

use comanda_domain::employee::{EmployeeRecord, Pin, Role};
use comanda_domain::event::{EmployeeSaved, EventBody, StreamId};
use comanda_domain::ids::EmployeeId;
use serde::{Deserialize, Serialize};

use crate::bus::Change;
use crate::catalog::Empty;
use crate::ctx::Ctx;
use crate::error::{ApiError, ErrorCode};
use crate::input;
use crate::session::{Approval, Pepper, Session, approve, hash_pin_with, limits, pin_matches};
use crate::shapes;
use crate::views::EmployeeView;

/// The staff list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[ts(export, export_to = "bindings/")]
pub struct EmployeeList {
    /// Everyone, active first, then by name.
    pub employees: Vec<EmployeeView>,
}

/// The names of the active staff, for the sign-in screen's "pick your name" (no role, no PIN).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[ts(export, export_to = "bindings/")]
pub struct StaffNames {
    /// Active employees, by name.
    pub staff: Vec<StaffName>,
}

/// One name on the sign-in screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[ts(export, export_to = "bindings/")]
pub struct StaffName {
    /// Who.
    pub employee_id: EmployeeId,
    /// Their name.
    pub name: String,
}

/// The active staff's names: what a sign-in by name needs when a PIN is shared after two staff
/// lists merged. Public, like the PIN pad itself (the counter API answers on this machine only).
pub fn list_staff_names(ctx: &Ctx, _req: Empty) -> Result<StaffNames, ApiError> {
    let all = ctx.store.read(|r| r.employees())?;
    let mut staff: Vec<StaffName> = all
        .into_values()
        .filter(|e| e.active)
        .map(|e| StaffName {
            employee_id: e.employee_id,
            name: e.name,
        })
        .collect();
    staff.sort_by(|a, b| a.name.cmp(&b.name).then(a.employee_id.cmp(&b.employee_id)));
    Ok(StaffNames { staff })
}

/// Request of `save_employee`: adds someone (no id) or changes them.
#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[ts(export, export_to = "bindings/")]
pub struct SaveEmployee {
    /// Who to change; none to add someone.
    #[serde(default)]
    #[ts(optional)]
    pub employee_id: Option<EmployeeId>,
    /// Their name.
    pub name: String,
    /// Their role.
    pub role: shapes::Role,
    /// A new PIN (4 to 8 digits); required when adding, optional when changing.
    #[serde(default)]
    #[ts(optional)]
    pub pin: Option<String>,
    /// False when they have left.
    pub active: bool,
    /// A manager's PIN (unless a manager is signed in).
    #[serde(default)]
    #[ts(optional)]
    pub approval: Option<Approval>,
}

fn list(records: impl Iterator<Item = EmployeeRecord>) -> EmployeeList {
    let mut employees: Vec<EmployeeView> = records.map(|r| EmployeeView::from(&r)).collect();
    employees.sort_by(|a, b| b.active.cmp(&a.active).then_with(|| a.name.cmp(&b.name)));
    EmployeeList { employees }
}

/// The staff list (names and roles only).
pub fn list_employees(ctx: &Ctx, _s: &Session, _req: Empty) -> Result<EmployeeList, ApiError> {
    let all = ctx.store.read(|r| r.employees())?;
    Ok(list(all.into_values()))
}

/// Adds or changes an employee, with a manager's approval.
pub fn save_employee(ctx: &Ctx, s: &Session, req: SaveEmployee) -> Result<EmployeeList, ApiError> {
    let name = input::required("name", &req.name, 40)?;
    let role = Role::from(req.role);
    let pin = match req.pin.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(p) => {
            Some(Pin::parse(p).map_err(|_| ApiError::invalid("pin", "A PIN is 4 to 8 digits."))?)
        }
    };
    let pepper = ctx.store.read(Pepper::of)?;
    let pin_hash = pin
        .as_ref()
        .map(|p| hash_pin_with(ctx, p, &pepper))
        .transpose()?;
    let out = ctx.store.write(|tx| {
        let approver = approve(ctx, tx, s, req.approval.as_ref(), "change the staff list")?;
        let all = tx.employees()?;
        let existing = match req.employee_id {
            Some(id) => Some(all.get(&id).ok_or_else(|| {
                ApiError::not_found("That employee does not exist.").on("employee_id")
            })?),
            None => None,
        };
        if let Some(p) = &pin {
            // Whether a PIN is someone else's is a PIN test: counted against the one saving
            // (crate::limits), so the staff list is no way to try PINs unchecked.
            let attempt = limits(ctx)?
                .of(s.employee_id)
                .begin(crate::limits::APPROVALS, ctx.clock.now_ms())?;
            let taken = all
                .values()
                .filter(|e| e.active && Some(e.employee_id) != req.employee_id)
                .any(|e| pin_matches(p, &e.pin_hash, &pepper));
            if !taken {
                limits(ctx)?.of(s.employee_id).neutral(attempt);
            } else {
                return Err(ApiError::new(
                    ErrorCode::Conflict,
                    "Someone else already has that PIN: choose another.",
                )
                .on("pin"));
            }
        }
        let pin_hash = match (pin_hash.clone(), existing) {
            (Some(h), _) => h,
            // Someone coming back gets a new PIN: theirs may have gone to someone else meanwhile
            // (PINs are hashed, so an old one cannot be compared with the others).
            (None, Some(e)) if req.active && !e.active => {
                return Err(ApiError::invalid(
                    "pin",
                    format!("Give {} a new PIN to bring them back.", e.name),
                ));
            }
            (None, Some(e)) => e.pin_hash.clone(),
            (None, None) => return Err(ApiError::invalid("pin", "A new employee needs a PIN.")),
        };
        // The store always keeps an active manager: without one nobody could approve anything,
        // nor name a new manager.
        let still_manager = |e: &EmployeeRecord| e.active && e.role == Role::Manager;
        let managers_after = all
            .values()
            .filter(|e| Some(e.employee_id) != req.employee_id && still_manager(e))
            .count()
            + usize::from(req.active && role == Role::Manager);
        if managers_after == 0 {
            return Err(ApiError::new(
                ErrorCode::Conflict,
                "The store must keep at least one active manager: name another manager first.",
            )
            .on("role"));
        }
        let record = EmployeeRecord {
            employee_id: req
                .employee_id
                .unwrap_or_else(|| EmployeeId::new(ctx.ids.as_ref())),
            name,
            role,
            pin_hash,
            active: req.active,
        };
        if existing == Some(&record) {
            return Ok((None, list(all.into_values())));
        }
        // A departure, a changed role or a changed PIN takes effect at once: their sessions end.
        let revoke = (!record.active
            || existing.is_some_and(|e| e.role != record.role || e.pin_hash != record.pin_hash))
        .then_some(record.employee_id);
        tx.append(
            StreamId::Employees,
            Some(s.employee_id),
            EventBody::EmployeeSaved(EmployeeSaved {
                record,
                approved_by: Some(approver),
            }),
        )?;
        Ok((revoke, list(tx.employees()?.into_values())))
    })?;
    let (revoke, out) = out;
    if let Some(id) = revoke {
        crate::session::end_sessions_of(ctx, id)?;
    }
    ctx.bus.send(Change::Settings);
    Ok(out)
}
