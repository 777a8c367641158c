//! `order-summary`: order statistics per period.

use std::collections::BTreeMap;

use actix_web::{HttpRequest, HttpResponse, get, web};
use kedai_app::orders::SummaryCaller;
use kedai_app::{AppError, AuthFailure, orders};
use kedai_orders::{Period, PeriodSummary};
use serde::Serialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::auth::MaybeStaff;
use crate::dto::EdgeErrorBody;
use crate::error::ApiError;
use crate::surface::Edge;

use super::Result;

/// One local day of a period.
#[derive(Debug, Serialize, ToSchema)]
pub struct SummaryDay {
    /// Local date, `YYYY-MM-DD`.
    pub date: String,
    /// Orders created that day.
    pub total_orders: i64,
    /// Their value, cancelled and refunded excluded.
    pub total_amount: f64,
    /// Of them, ever paid.
    pub paid_orders: i64,
    /// Of them, cancelled or refunded.
    pub cancelled_orders: i64,
}

/// One period's summary.
#[derive(Debug, Serialize, ToSchema)]
pub struct PeriodSummaryBody {
    /// Every day of the period, oldest first, empty days included.
    pub data: Vec<SummaryDay>,
    /// Σ totals of orders created in the period, cancelled and refunded ones excluded.
    pub total_amount: f64,
    /// Orders created in the period, whatever their status.
    pub total_orders: i64,
    /// Share of those orders ever paid (0–1, 4 decimals; 0 with no orders).
    pub paid_rate: f64,
    /// Share of those orders cancelled or refunded (0–1, 4 decimals; 0 with no orders).
    pub cancel_rate: f64,
    /// First local date of the period.
    pub from: String,
    /// Last local date (today).
    pub to: String,
}

/// Summaries by period label (named apart from the merchant API's `OrderSummaryResponse`, which
/// would otherwise replace it in the OpenAPI document).
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = EdgeOrderSummaryResponse)]
pub struct OrderSummaryResponse {
    /// Always true.
    pub success: bool,
    /// One entry per requested `period_label`.
    pub data: BTreeMap<String, PeriodSummaryBody>,
}

fn summary_body(s: &PeriodSummary, currency: kedai_core::Currency) -> PeriodSummaryBody {
    let money = |minor| kedai_core::Money::from_minor(minor, currency).to_f64();
    PeriodSummaryBody {
        data: s
            .days
            .iter()
            .map(|d| SummaryDay {
                date: d.date.to_string(),
                total_orders: d.total_orders,
                total_amount: money(d.total_amount_minor),
                paid_orders: d.paid_orders,
                cancelled_orders: d.cancelled_orders,
            })
            .collect(),
        total_amount: money(s.total_amount_minor),
        total_orders: s.total_orders,
        paid_rate: s.paid_rate,
        cancel_rate: s.cancel_rate,
        from: s.from.to_string(),
        to: s.to.to_string(),
    }
}

fn periods(query: &str) -> Result<Vec<Period>> {
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_str(query).map_err(|e| ApiError::invalid("query", e.to_string()))?;
    let mut periods = Vec::new();
    for label in pairs
        .iter()
        .filter(|(k, _)| k == "period_label" || k == "period_label[]")
        .flat_map(|(_, v)| v.split(','))
    {
        let label = label.trim();
        if label.is_empty() {
            continue;
        }
        let p: Period = ApiError::parse_field("period_label", label)?;
        if !periods.contains(&p) {
            periods.push(p);
        }
    }
    Ok(periods)
}

/// Order statistics per period, with day boundaries in the merchant's time zone. The tenant
/// comes from the bearer token, or — only for merchants that opted in to a public summary —
/// from `X-Company-Id` without a token.
#[utoipa::path(
    tag = "edge-functions",
    params(
        ("period_label" = Option<Vec<String>>, Query, explode = true, description = "One or more of today, last_7_days, last_30_days, last_60_days, last_6_months, last_1_year (repeat the parameter or separate with commas); all when absent"),
        ("X-Company-Id" = Option<String>, Header, description = "Merchant id, for a public summary without a token"),
    ),
    responses(
        (status = 200, body = OrderSummaryResponse),
        (status = 400, description = "Unknown period label", body = EdgeErrorBody),
        (status = 401, description = "No token and no opted-in merchant, or a bad token", body = EdgeErrorBody),
        (status = 403, description = "Role may not read reports", body = EdgeErrorBody),
    ),
    security((), ("bearer" = []))
)]
#[get("/order-summary")]
pub async fn edge_order_summary(
    state: web::Data<AppState>,
    req: HttpRequest,
    staff: MaybeStaff<Edge>,
) -> Result<HttpResponse> {
    let periods = periods(req.query_string())?;
    let company = if staff.is_anonymous() {
        let company = req
            .headers()
            .get("x-company-id")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse().ok())
            .ok_or(AppError::Unauthenticated(AuthFailure::Missing))?;
        Some(company)
    } else {
        None
    };
    let now = state.now();
    let summary = staff
        .run(move |store, actor| {
            let caller = match (actor, company) {
                (Some((actor, tenant)), _) => SummaryCaller::Staff(actor, tenant),
                (None, Some(company)) => SummaryCaller::Public(company),
                (None, None) => return Err(AppError::Unauthenticated(AuthFailure::Missing)),
            };
            store.read(|tx| orders::order_summary(tx, &caller, &periods, now))
        })
        .await?;
    let data = summary
        .periods
        .iter()
        .map(|s| {
            (
                s.period.label().to_owned(),
                summary_body(s, summary.currency),
            )
        })
        .collect();
    Ok(HttpResponse::Ok().json(OrderSummaryResponse {
        success: true,
        data,
    }))
}
