//! The audit log of sensitive staff actions (003 §21).

use actix_web::{HttpRequest, HttpResponse, get};
use chrono::{DateTime, NaiveDate, Utc};
use kedai_app::audit::{self, AuditQuery, AuditRecord};
use serde::Serialize;
use utoipa::{IntoParams, ToSchema};

use super::*;
use crate::auth::Staff;
use crate::dto::{MerchantErrorBody, MerchantList, PageMeta};
use crate::error::ApiError;
use crate::query::Query;
use crate::surface::Merchant;

pub(super) fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_audit_log);
}

/// Filters of the audit log.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
#[expect(
    dead_code,
    reason = "documents the query string, read leniently by `Query`"
)]
pub struct AuditLogQuery {
    /// 1-based page (default 1).
    #[param(minimum = 1, maximum = 4294967295.0)]
    page: Option<i64>,
    /// Page size, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    limit: Option<i64>,
    /// Only these actions (repeat or comma-separate), e.g. `auth.login`, `auth.login_failed`,
    /// `auth.logout`, `stock.adjusted`, `payment.refunded`.
    action: Option<String>,
    /// Only entries by this staff id.
    actor: Option<String>,
    /// From this time on: RFC 3339, or a date (from its start, UTC).
    date_from: Option<String>,
    /// Up to this time: RFC 3339 (exclusive), or a date (to its end, UTC).
    date_to: Option<String>,
}

/// One audit entry.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEntryResponse {
    /// Id.
    pub id: String,
    /// The staff member who acted; null for the system or a failed sign-in.
    pub actor: Option<String>,
    /// What happened.
    pub action: String,
    /// The kind of thing acted on.
    pub target_type: String,
    /// Its id.
    pub target_id: Option<String>,
    /// What changed (never secrets).
    #[schema(value_type = Object)]
    pub details: serde_json::Value,
    /// The caller's address, when known.
    pub ip: Option<String>,
    /// When.
    pub created_at: DateTime<Utc>,
}

impl From<AuditRecord> for AuditEntryResponse {
    fn from(r: AuditRecord) -> Self {
        Self {
            id: r.id,
            actor: r.actor,
            action: r.action,
            target_type: r.target_type,
            target_id: r.target_id,
            details: r.details,
            ip: r.ip,
            created_at: r.created_at,
        }
    }
}

/// A time bound: RFC 3339, or a date meaning its start (`end_of_day` false) or the start of
/// the next day (`end_of_day` true), in UTC.
fn bound(q: &Query, name: &str, end_of_day: bool) -> Result<Option<DateTime<Utc>>> {
    let Some(text) = q.text(name) else {
        return Ok(None);
    };
    if let Ok(t) = DateTime::parse_from_rfc3339(&text) {
        return Ok(Some(t.with_timezone(&Utc)));
    }
    let day = NaiveDate::parse_from_str(&text, "%Y-%m-%d")
        .ok()
        .and_then(|d| if end_of_day { d.succ_opt() } else { Some(d) })
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .ok_or_else(|| ApiError::invalid(name, "must be an RFC 3339 time or a YYYY-MM-DD date"))?;
    Ok(Some(day.and_utc()))
}

/// Lists the merchant's audit log, newest first (owner and admin).
#[utoipa::path(
    tag = "merchant-audit",
    params(AuditLogQuery),
    responses(
        (status = 200, body = MerchantList<AuditEntryResponse>),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "Role lacks audit:read", body = MerchantErrorBody),
        (status = 422, description = "Bad paging or dates", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[get("/audit-log")]
pub async fn list_audit_log(staff: Staff<Merchant>, req: HttpRequest) -> Result<HttpResponse> {
    let q = Query::of(&req)?;
    let query = AuditQuery {
        page: q.page(&["limit"])?,
        actions: q.list("action"),
        actor: q
            .parsed::<kedai_identity::StaffId>("actor", "a staff id")?
            .map(|id| id.to_string()),
        from: bound(&q, "date_from", false)?,
        to: bound(&q, "date_to", true)?,
    };
    let page = query.page;
    let (entries, total) = staff
        .run(move |store, actor| store.read(|tx| audit::list(tx, &actor, &query)))
        .await?;
    Ok(HttpResponse::Ok().json(MerchantList {
        success: true,
        message: "Audit log".into(),
        data: entries.into_iter().map(AuditEntryResponse::from).collect(),
        meta: PageMeta {
            page: page.page(),
            limit: page.limit(),
            total: i64::try_from(total).unwrap_or(i64::MAX),
        },
    }))
}
