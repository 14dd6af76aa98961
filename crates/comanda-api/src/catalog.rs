//! `get_bootstrap` and `get_status`: the terminal, its menu and its sync badge.

use serde::{Deserialize, Serialize};

use crate::ctx::Ctx;
use crate::error::ApiError;
use crate::shapes::Catalog;
use crate::views::{BootstrapView, TerminalView};

/// Request of `get_bootstrap` and `get_status` (no fields).
#[derive(Debug, Clone, Default, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[ts(export, export_to = "bindings/")]
pub struct Empty {}

/// The terminal and its status badge. A terminal that is not paired works on its own: nothing
/// "waits", since its events never leave it.
pub fn get_status(ctx: &Ctx) -> Result<TerminalView, ApiError> {
    // Read apart: the badge reads the store itself (one reader at a time).
    let sync = crate::sync::status(ctx)?;
    ctx.store.read(|r| {
        let device = r.device()?;
        let settings = r.settings()?.unwrap_or_default();
        Ok(TerminalView {
            store_name: settings.store_name,
            currency: settings.currency,
            cashier_discount_limit_bp: settings.cashier_discount_limit.bp(),
            device_id: device.device_id,
            store_id: device.store_id,
            sync,
            now_ms: ctx.clock.now_ms(),
            needs_setup: crate::setup::nobody_active(&r.employees()?),
        })
    })
}

/// Everything the counter needs to start.
pub fn get_bootstrap(ctx: &Ctx) -> Result<BootstrapView, ApiError> {
    let terminal = get_status(ctx)?;
    // No menu yet (a terminal installed without the demo, before it joins a store): an empty
    // one, so the first-run screens still start.
    let catalog = ctx.store.read(|r| r.catalog())?.unwrap_or_default();
    Ok(BootstrapView {
        terminal,
        catalog: Catalog::from(&catalog),
    })
}
