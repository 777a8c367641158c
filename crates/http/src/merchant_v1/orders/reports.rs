//! The order overview and trend (002's getOrderSummary, getOrderTrendAnalysis).

use actix_web::{HttpResponse, get, web};
use kedai_app::orders::queries::{self as order_queries};
use kedai_identity::Permission;
use serde::Serialize;
use utoipa::ToSchema;

use super::super::*;
use crate::AppState;
use crate::auth::Staff;
use crate::dto::{MerchantErrorBody, MerchantOk as Envelope};
use crate::query::Query;
use crate::surface::Merchant;

/// 002's `OrderSummary` for orders created in the range.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrderSummaryResponse {
    /// First local date (null: since the beginning).
    pub date_from: Option<chrono::NaiveDate>,
    /// Last local date (null: up to now).
    pub date_to: Option<chrono::NaiveDate>,
    /// ISO-4217 currency.
    pub currency: String,
    /// Orders created.
    pub total_orders: i64,
    /// Value of the orders paid and not cancelled or refunded.
    pub total_revenue: f64,
    /// Revenue per paid order (half-up to the minor unit).
    pub average_order_value: f64,
    /// Pending or confirmed (awaiting payment).
    pub pending_orders: i64,
    /// Paid, processing, shipped or delivered.
    pub in_progress_orders: i64,
    /// Completed.
    pub completed_orders: i64,
    /// Cancelled.
    pub cancelled_orders: i64,
    /// Refunded.
    pub refunded_orders: i64,
}

/// Counts and revenue of the orders created between two local dates of the merchant (both
/// optional and inclusive).
#[utoipa::path(
    tag = "merchant-orders",
    params(
        ("date_from" = Option<String>, Query, description = "First local date, YYYY-MM-DD"),
        ("date_to" = Option<String>, Query, description = "Last local date, inclusive"),
    ),
    responses(
        (status = 200, body = Envelope<OrderSummaryResponse>),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "Role may not read reports", body = MerchantErrorBody),
        (status = 422, description = "Bad dates", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[get("/orders/summary")]
pub async fn order_summary(
    mut staff: Staff<Merchant>,
    req: actix_web::HttpRequest,
) -> Result<HttpResponse> {
    staff.require(Permission::ReportsRead);
    let q = Query::of(&req)?;
    let (from, to) = (
        q.date(&["date_from", "dateFrom"])?,
        q.date(&["date_to", "dateTo"])?,
    );
    let o = staff
        .run_with_tenant(move |store, actor, tenant| {
            store.read(|tx| order_queries::order_overview(tx, &actor, &tenant, from, to))
        })
        .await?;
    let m = |minor| kedai_core::Money::from_minor(minor, o.currency).to_f64();
    let f = o.figures;
    Ok(HttpResponse::Ok().json(Envelope::new(
        "Order summary",
        OrderSummaryResponse {
            date_from: from,
            date_to: to,
            currency: o.currency.code().to_owned(),
            total_orders: f.total_orders,
            total_revenue: m(f.total_revenue_minor),
            average_order_value: m(f.average_order_value_minor),
            pending_orders: f.pending_orders,
            in_progress_orders: f.in_progress_orders,
            completed_orders: f.completed_orders,
            cancelled_orders: f.cancelled_orders,
            refunded_orders: f.refunded_orders,
        },
    )))
}

/// One day of the trend.
#[derive(Debug, Serialize, ToSchema)]
pub struct TrendDayResponse {
    /// Local date.
    pub date: chrono::NaiveDate,
    /// Orders created that day.
    pub orders: i64,
    /// Revenue of that day's orders (paid, not cancelled or refunded).
    pub revenue: f64,
    /// That day's orders that were paid.
    pub paid_orders: i64,
    /// That day's orders now cancelled or refunded.
    pub cancelled_orders: i64,
}

/// A daily series of orders and revenue.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrderTrendResponse {
    /// First local date.
    pub date_from: chrono::NaiveDate,
    /// Last local date.
    pub date_to: chrono::NaiveDate,
    /// ISO-4217 currency.
    pub currency: String,
    /// Every day, oldest first, empty days included.
    pub days: Vec<TrendDayResponse>,
}

/// Orders and revenue per local day for charts, empty days included: from `date_from`
/// (default 29 days before `date_to`) to `date_to` (default today), at most 366 days.
#[utoipa::path(
    tag = "merchant-orders",
    params(
        ("date_from" = Option<String>, Query, description = "First local date, YYYY-MM-DD"),
        ("date_to" = Option<String>, Query, description = "Last local date, inclusive (default today)"),
    ),
    responses(
        (status = 200, body = Envelope<OrderTrendResponse>),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "Role may not read reports", body = MerchantErrorBody),
        (status = 422, description = "Bad or too long a range", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[get("/orders/trend")]
pub async fn order_trend(
    state: web::Data<AppState>,
    mut staff: Staff<Merchant>,
    req: actix_web::HttpRequest,
) -> Result<HttpResponse> {
    staff.require(Permission::ReportsRead);
    let q = Query::of(&req)?;
    let (from, to) = (
        q.date(&["date_from", "dateFrom"])?,
        q.date(&["date_to", "dateTo"])?,
    );
    let now = state.now();
    let t = staff
        .run_with_tenant(move |store, actor, tenant| {
            store.read(|tx| order_queries::order_trend(tx, &actor, &tenant, from, to, now))
        })
        .await?;
    let c = t.currency;
    Ok(HttpResponse::Ok().json(Envelope::new(
        "Order trend",
        OrderTrendResponse {
            date_from: t.from,
            date_to: t.to,
            currency: c.code().to_owned(),
            days: t
                .days
                .into_iter()
                .map(|d| TrendDayResponse {
                    date: d.date,
                    orders: d.orders,
                    revenue: kedai_core::Money::from_minor(d.revenue_minor, c).to_f64(),
                    paid_orders: d.paid_orders,
                    cancelled_orders: d.cancelled_orders,
                })
                .collect(),
        },
    )))
}
