//! Points (003 §10.2–10.4): staff add, take off and redeem a customer's points and read their
//! ledger; completed orders earn under the merchant's rule ([`earn`]); the worker writes off
//! expired points ([`expiry`]). Every change is one ledger row posted with a guarded balance
//! update, so no race drives a balance below zero, and one outbox event.

use chrono::{DateTime, NaiveDate, Utc};
use kedai_core::{ErrorCode, Page, TenantId};
use kedai_identity::{CustomerId, Permission, Tenant};
use kedai_loyalty::points::{check_change, expires_at};
use kedai_loyalty::{
    EarningRule, LedgerFilter, PointsEntry, PointsEntryId, PointsKind, PointsPosting, Posted,
};
use serde_json::json;

use crate::{Actor, AppError, Author, Entity, OutboxEvent, UnitOfWork};

pub mod earn;
pub mod expiry;
pub mod rule;

pub use earn::earn_for_order;
pub use expiry::expire_due_points;
pub use rule::{RuleInput, earning_rule, set_earning_rule};

/// A manual change: points to add (or, negative, to take off), why, and against what.
#[derive(Debug, Clone, Default)]
pub struct AddPoints {
    /// Points; negative takes off.
    pub points: i64,
    /// Why.
    pub reason: Option<String>,
    /// A receipt, order or ticket number.
    pub reference: Option<String>,
}

/// A redemption: points spent on a reward.
#[derive(Debug, Clone, Default)]
pub struct RedeemPoints {
    /// Points to spend.
    pub points: i64,
    /// The reward they buy.
    pub reward_id: Option<String>,
    /// Why, in words (default: "Reward redemption").
    pub reason: Option<String>,
}

fn require_customer(
    tx: &mut dyn UnitOfWork,
    tenant: TenantId,
    id: CustomerId,
) -> Result<(), AppError> {
    tx.find_customer(tenant, id)?
        .map(|_| ())
        .ok_or_else(|| AppError::not_found(Entity::Customer, id))
}

/// The outbox event of a ledger row: `points.<kind>` with the change and the balance after.
pub(crate) fn points_event(entry: &PointsEntry) -> OutboxEvent {
    let p = &entry.posting;
    let event_type = match p.kind {
        PointsKind::Earn => "points.earned",
        PointsKind::Adjust => "points.adjusted",
        PointsKind::Redeem => "points.redeemed",
        PointsKind::Reverse => "points.reversed",
        PointsKind::Expire => "points.expired",
    };
    OutboxEvent {
        tenant_id: p.tenant_id,
        event_type,
        aggregate_id: p.customer_id.to_string(),
        payload: json!({
            "entry_id": p.id.to_string(),
            "customer_id": p.customer_id.to_string(),
            "points": p.delta,
            "kind": p.kind.as_str(),
            "reason": p.reason,
            "reference": p.reference,
            "balance": entry.balance_after,
            "expires_at": p.expires_at.map(|t| t.to_rfc3339()),
            "created_at": p.at.to_rfc3339(),
        }),
        created_at: p.at,
    }
}

/// Posts a change and writes its event; refuses one that would take the balance below zero.
pub(crate) fn post(
    tx: &mut dyn UnitOfWork,
    posting: &PointsPosting,
) -> Result<Option<PointsEntry>, AppError> {
    match tx.post_points(posting)? {
        Posted::Done(entry) => {
            tx.append_event(&points_event(&entry))?;
            Ok(Some(entry))
        }
        Posted::Duplicate => Ok(None),
        Posted::Insufficient { balance } => Err(AppError::rejected(
            ErrorCode::InsufficientPoints,
            "points",
            format!(
                "the balance is {balance} points; {} cannot be taken",
                -posting.delta
            ),
        )),
    }
}

/// When points added now expire under the merchant's rule, if they do.
pub(crate) fn expiry_for(
    rule: Option<&EarningRule>,
    tenant: &Tenant,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    rule.and_then(|r| r.expiry_months)
        .map(|m| expires_at(now, m, tenant.time_zone))
}

fn posting(
    author: Author,
    customer: CustomerId,
    delta: i64,
    kind: PointsKind,
    reason: String,
    reference: Option<String>,
    now: DateTime<Utc>,
) -> PointsPosting {
    PointsPosting {
        id: PointsEntryId::new(),
        tenant_id: author.tenant,
        customer_id: customer,
        delta,
        kind,
        reason,
        reference,
        actor: author.id_string(),
        expires_at: None,
        at: now,
    }
}

/// Adds points to a customer by hand (003 §10.2), or takes them off with a negative number.
/// Added points expire like earned ones when the merchant's rule has them expire.
///
/// # Errors
/// [`AppError::Forbidden`] without `PointsAdjust`; [`AppError::NotFound`]; every bad field;
/// `INSUFFICIENT_POINTS` when taking off more than the balance (nothing changes).
#[tracing::instrument(skip_all, fields(tenant.id = %actor.tenant, customer.id = %customer))]
pub fn add_points(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    tenant: &Tenant,
    customer: CustomerId,
    cmd: &AddPoints,
    now: DateTime<Utc>,
) -> Result<PointsEntry, AppError> {
    actor.require(Permission::PointsAdjust)?;
    let change = check_change(
        cmd.points,
        cmd.reason.as_deref(),
        cmd.reference.as_deref(),
        true,
    )
    .map_err(AppError::fields)?;
    let points = change.points;
    require_customer(tx, actor.tenant, customer)?;
    let mut p = posting(
        actor.into(),
        customer,
        points,
        PointsKind::Adjust,
        change.reason,
        change.reference,
        now,
    );
    if points > 0 {
        let rule = tx.earning_rule(actor.tenant)?;
        p.expires_at = expiry_for(rule.as_ref(), tenant, now);
    }
    let entry = post(tx, &p)?.ok_or_else(|| AppError::lost_race("points posting"))?;
    crate::audit::record(
        tx,
        actor,
        now,
        "points.adjusted",
        "customer",
        Some(customer.to_string()),
        json!({ "points": points, "reason": entry.posting.reason, "reference": entry.posting.reference }),
    )?;
    Ok(entry)
}

/// Spends a customer's points on a reward (003 §10.3): one guarded update, so however many
/// redemptions race the balance never goes below zero.
///
/// # Errors
/// [`AppError::Forbidden`] without `PointsRedeem`; [`AppError::NotFound`]; every bad field;
/// `INSUFFICIENT_POINTS` (nothing changes).
#[tracing::instrument(skip_all, fields(tenant.id = %actor.tenant, customer.id = %customer))]
pub fn redeem_points(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    customer: CustomerId,
    cmd: &RedeemPoints,
    now: DateTime<Utc>,
) -> Result<PointsEntry, AppError> {
    actor.require(Permission::PointsRedeem)?;
    let reason = cmd
        .reason
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .unwrap_or("Reward redemption");
    let change = check_change(cmd.points, Some(reason), cmd.reward_id.as_deref(), false).map_err(
        |errors| {
            AppError::fields(
                errors
                    .into_iter()
                    .map(|(f, m)| (if f == "reference_no" { "reward_id" } else { f }, m)),
            )
        },
    )?;
    require_customer(tx, actor.tenant, customer)?;
    let p = posting(
        actor.into(),
        customer,
        -change.points,
        PointsKind::Redeem,
        change.reason,
        change.reference,
        now,
    );
    post(tx, &p)?.ok_or_else(|| AppError::lost_race("points posting"))
}

/// Which ledger rows to list, as a merchant asks: dates are the merchant's local days.
#[derive(Debug, Clone, Default)]
pub struct LedgerQuery {
    /// Of one kind.
    pub kind: Option<PointsKind>,
    /// Against one reference.
    pub reference: Option<String>,
    /// From the start of this local day.
    pub date_from: Option<NaiveDate>,
    /// To the end of this local day.
    pub date_to: Option<NaiveDate>,
}

/// A page of a customer's points ledger, newest first, and the number of matching rows.
///
/// # Errors
/// [`AppError::Forbidden`] without `CustomersRead`; [`AppError::NotFound`];
/// [`AppError::Validation`] for a range that ends before it starts.
pub fn points_ledger(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    tenant: &Tenant,
    customer: CustomerId,
    query: &LedgerQuery,
    page: Page,
) -> Result<(Vec<PointsEntry>, i64), AppError> {
    actor.require(Permission::CustomersRead)?;
    if let (Some(from), Some(to)) = (query.date_from, query.date_to)
        && to < from
    {
        return Err(AppError::invalid("date_to", "must not be before date_from"));
    }
    require_customer(tx, actor.tenant, customer)?;
    let zone = tenant.time_zone;
    let filter = LedgerFilter {
        kind: query.kind,
        reference: query.reference.clone(),
        from: query.date_from.map(|d| zone.start_of_day(d)),
        to: query.date_to.map(|d| zone.end_of_day(d)),
    };
    Ok(tx.points_ledger(actor.tenant, customer, &filter, page)?)
}
