//! The order summary of a tenant, per period.

use chrono::{DateTime, Utc};
use kedai_core::TenantId;
use kedai_identity::Permission;
use kedai_identity::Tenant;
use kedai_orders::{Period, PeriodSummary, earliest_start, summarize};

use crate::{Actor, AppError, AuthFailure, UnitOfWork};

/// Who asks for an order summary.
#[derive(Debug, Clone)]
pub enum SummaryCaller {
    /// A signed-in staff member (needs `reports:read`), with their merchant.
    Staff(Actor, Tenant),
    /// Anyone, naming a tenant that has opted in to a public summary.
    Public(TenantId),
}

/// A tenant's order summary.
#[derive(Debug, Clone)]
pub struct OrderSummary {
    /// Currency of the amounts.
    pub currency: kedai_core::Currency,
    /// One summary per requested period, in request order.
    pub periods: Vec<PeriodSummary>,
}

/// Summaries of the tenant's orders for each period (every period when none is named), with
/// day boundaries in its time zone.
///
/// # Errors
/// [`AppError::Forbidden`]; [`AppError::Unauthenticated`] for a public caller of a tenant that
/// has not opted in (or does not exist).
pub fn order_summary(
    tx: &mut dyn UnitOfWork,
    caller: &SummaryCaller,
    periods: &[Period],
    now: DateTime<Utc>,
) -> Result<OrderSummary, AppError> {
    let tenant = match caller {
        SummaryCaller::Staff(actor, tenant) => {
            actor.require(Permission::ReportsRead)?;
            tenant.clone()
        }
        SummaryCaller::Public(id) => tx
            .find_tenant(*id)?
            .filter(|t| t.public_order_summary)
            .ok_or(AppError::Unauthenticated(AuthFailure::Missing))?,
    };
    let periods = if periods.is_empty() {
        &Period::ALL[..]
    } else {
        periods
    };
    let today = tenant.time_zone.local_date(now);
    let from = earliest_start(periods, today, tenant.time_zone);
    let to = tenant.time_zone.end_of_day(today);
    let first = periods
        .iter()
        .map(|p| p.first_day(today))
        .min()
        .unwrap_or(today);
    let days = kedai_orders::day_starts(first, today, tenant.time_zone);
    let facts = tx.order_facts(tenant.id, from, to, &days)?;
    Ok(OrderSummary {
        currency: tenant.currency,
        periods: periods
            .iter()
            .map(|p| summarize(*p, today, tenant.time_zone, &facts))
            .collect(),
    })
}
