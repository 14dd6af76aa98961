//! `get_order` and `list_orders`: read-only, on the store's reader connection.

use comanda_domain::ids::OrderId;
use comanda_domain::order::OrderStatus;
use comanda_store::OrderFilter;
use serde::{Deserialize, Serialize};

use crate::ctx::Ctx;
use crate::error::ApiError;
use crate::session::Session;
use crate::views::{Names, OrderSummaryView, OrderView, Printing};

/// Request of `get_order`.
#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[ts(export, export_to = "bindings/")]
pub struct GetOrder {
    /// The order.
    pub order_id: OrderId,
}

/// Which orders to list.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
#[ts(export, export_to = "bindings/")]
pub enum StatusFilter {
    /// Open orders (the default).
    #[default]
    Open,
    /// Closed orders.
    Closed,
    /// Cancelled orders.
    Cancelled,
    /// All.
    All,
}

/// Request of `list_orders`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[ts(export, export_to = "bindings/")]
pub struct ListOrders {
    /// Which (default: open).
    #[serde(default)]
    #[ts(optional)]
    pub status: Option<StatusFilter>,
    /// At most this many, newest first (default 200, at most 1000).
    #[serde(default)]
    #[ts(optional, type = "number")]
    pub limit: Option<i64>,
}

/// The most orders one list returns.
pub const MAX_LIST: i64 = 1000;

/// An order, whole.
pub fn get_order(ctx: &Ctx, _s: &Session, req: GetOrder) -> Result<OrderView, ApiError> {
    ctx.store.read(|r| {
        let rec = r
            .order(req.order_id)?
            .ok_or_else(|| ApiError::not_found("That order does not exist.").on("order_id"))?;
        let employees = r.employees()?;
        // Only an order the kitchen has heard of can have tickets waiting.
        let (catalog, printers) = if rec.state.kitchen.is_empty() {
            (Default::default(), Default::default())
        } else {
            (r.catalog()?.unwrap_or_default(), r.printers()?)
        };
        let why_failed = |job: &str| {
            r.print_job(job)
                .ok()
                .flatten()
                .filter(|j| j.state == comanda_store::JobState::Failed)
                .and_then(|j| j.reason)
        };
        Ok(OrderView::build(
            &rec.state,
            &rec.conflicts,
            &Names(&employees),
            (!rec.state.kitchen.is_empty()).then_some(&Printing {
                catalog: &catalog,
                printers: &printers,
                why_failed: &why_failed,
            }),
        ))
    })
}

/// Orders by status, newest first.
pub fn list_orders(
    ctx: &Ctx,
    _s: &Session,
    req: ListOrders,
) -> Result<Vec<OrderSummaryView>, ApiError> {
    let limit = req.limit.unwrap_or(200);
    if !(1..=MAX_LIST).contains(&limit) {
        return Err(ApiError::invalid(
            "limit",
            format!("The limit must be between 1 and {MAX_LIST}."),
        ));
    }
    let status = match req.status.unwrap_or_default() {
        StatusFilter::Open => Some(OrderStatus::Open),
        StatusFilter::Closed => Some(OrderStatus::Closed),
        StatusFilter::Cancelled => Some(OrderStatus::Cancelled),
        StatusFilter::All => None,
    };
    let filter = OrderFilter {
        status,
        limit: u32::try_from(limit).unwrap_or(200),
    };
    let rows = ctx.store.read(|r| r.list_orders(&filter))?;
    Ok(rows.into_iter().map(OrderSummaryView::from).collect())
}
