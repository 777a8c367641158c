//! Who holds which tier (003 §10.1): a customer's tier follows their qualifying spend, moved in
//! the transaction that changes the spend (an order completed or refunded); customers join a
//! free tier by enrolling on the portal. Each move is recorded and written to the outbox.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use kedai_core::{ErrorCode, Money};
use kedai_identity::{Customer, CustomerId, Tenant};
use kedai_loyalty::{
    Tier, TierChange, TierChangeId, TierChangeReason, TierId, period_start, tier_by_spend,
};
use serde_json::json;

use crate::customer_auth::CustomerCaller;
use crate::{AppError, Entity, OutboxEvent, UnitOfWork};

/// Each tier's qualifying spend for a customer at `now`, one query per distinct period.
fn spends(
    tx: &mut dyn UnitOfWork,
    tenant: &Tenant,
    customer: CustomerId,
    tiers: &[Tier],
    now: DateTime<Utc>,
) -> Result<HashMap<i64, Money>, AppError> {
    let mut by_start: HashMap<DateTime<Utc>, i64> = HashMap::new();
    let mut out = HashMap::new();
    for t in tiers {
        let d = &t.draft;
        let since = period_start(
            now,
            d.valid_period_value,
            d.valid_period_unit,
            tenant.time_zone,
        );
        let minor = match by_start.get(&since) {
            Some(m) => *m,
            None => {
                let m = tx.qualifying_spend(tenant.id, customer, since)?;
                by_start.insert(since, m);
                m
            }
        };
        out.insert(t.id.get(), Money::from_minor(minor, tenant.currency));
    }
    Ok(out)
}

fn record(tx: &mut dyn UnitOfWork, change: &TierChange) -> Result<(), AppError> {
    if !tx.change_tier(change)? {
        return Err(AppError::lost_race("customer tier changed concurrently"));
    }
    tx.append_event(&OutboxEvent {
        tenant_id: change.tenant_id,
        event_type: "customer.tier_changed",
        aggregate_id: change.customer_id.to_string(),
        payload: json!({
            "customer_id": change.customer_id.to_string(),
            "from": change.from,
            "to": change.to,
            "reason": change.reason.as_str(),
            "qualifying_spend": change.spend.map(|s| s.to_string()),
            "changed_at": change.at.to_rfc3339(),
        }),
        created_at: change.at,
    })?;
    Ok(())
}

/// An order's customer as loyalty sees them, read once for everything a completion or a
/// refund moves: the customer, the merchant's tiers and the merchant.
#[derive(Debug, Clone)]
pub struct OrderMember {
    /// The customer.
    pub customer: Customer,
    /// The merchant's tiers.
    pub tiers: Vec<Tier>,
    /// The merchant.
    pub merchant: Tenant,
}

impl OrderMember {
    /// The tier the customer holds, when the merchant has one by that name.
    #[must_use]
    pub fn tier(&self) -> Option<&Tier> {
        let name = self.customer.membership_tier.as_deref()?;
        self.tiers
            .iter()
            .find(|t| t.draft.name.eq_ignore_ascii_case(name))
    }
}

/// The customer an order names (`None` for an order without a customer of the merchant).
///
/// # Errors
/// [`AppError::Storage`].
pub fn order_member(
    tx: &mut dyn UnitOfWork,
    tenant: kedai_core::TenantId,
    customer: Option<&str>,
) -> Result<Option<OrderMember>, AppError> {
    let Some(id) = customer.and_then(|c| c.parse::<CustomerId>().ok()) else {
        return Ok(None);
    };
    let Some(customer) = tx.find_customer(tenant, id)? else {
        return Ok(None);
    };
    let tiers = tx.list_tiers(tenant)?;
    let merchant = tx
        .find_tenant(tenant)?
        .ok_or_else(|| AppError::lost_race("the merchant"))?;
    Ok(Some(OrderMember {
        customer,
        tiers,
        merchant,
    }))
}

/// Moves a customer into the tier their qualifying spend now reaches (see
/// [`tier_by_spend`]), recording the move. Nothing for a merchant without tiers.
///
/// # Errors
/// [`AppError::Storage`]; a lost race when the customer's tier changed concurrently.
pub fn follow_spend(
    tx: &mut dyn UnitOfWork,
    member: &OrderMember,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let OrderMember {
        customer,
        tiers,
        merchant,
    } = member;
    if tiers.is_empty() {
        return Ok(());
    }
    let (tenant, id) = (merchant.id, customer.id);
    let spend = spends(tx, merchant, id, tiers, now)?;
    let current = customer.membership_tier.clone();
    let target = tier_by_spend(tiers, current.as_deref(), |t| {
        spend
            .get(&t.id.get())
            .copied()
            .unwrap_or_else(|| Money::zero(merchant.currency))
    });
    let to = target.map(|t| t.draft.name.clone());
    let same = match (&current, &to) {
        (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
        (None, None) => true,
        _ => false,
    };
    if same {
        return Ok(());
    }
    let decided = target
        .or_else(|| {
            current
                .as_deref()
                .and_then(|c| tiers.iter().find(|t| t.draft.name.eq_ignore_ascii_case(c)))
        })
        .and_then(|t| spend.get(&t.id.get()).copied());
    record(
        tx,
        &TierChange {
            id: TierChangeId::new(),
            tenant_id: tenant,
            customer_id: id,
            from: current,
            to,
            reason: TierChangeReason::Spend,
            spend: decided,
            at: now,
        },
    )
}

/// Enrols the signed-in customer in a free tier whose minimum spend they reach (004
/// `POST /membership/enroll`). Enrolling in the tier they hold changes nothing. Returns their
/// membership id (the customer's id: one membership per customer and merchant).
///
/// # Errors
/// [`AppError::NotFound`] `TIER_NOT_FOUND`; 422 `TIER_PAYMENT_REQUIRED` for a paid tier and
/// `TIER_NOT_QUALIFIED` below its minimum spend; 409 `TIER_PAID_HELD` while a bought tier is
/// held.
pub fn enroll(
    tx: &mut dyn UnitOfWork,
    tenant: &Tenant,
    caller: CustomerCaller,
    tier: TierId,
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    let t = tx
        .find_tier(tenant.id, tier)?
        .ok_or_else(|| AppError::not_found(Entity::MembershipTier, tier))?;
    if t.draft.price.is_positive() {
        return Err(AppError::rejected(
            ErrorCode::TierPaymentRequired,
            "tierId",
            "this tier is bought, not joined: paid tiers cannot be bought online yet",
        ));
    }
    let customer = tx
        .find_customer(tenant.id, caller.customer)?
        .ok_or_else(|| AppError::not_found(Entity::Customer, caller.customer))?;
    let membership = customer.id.to_string();
    let current = customer.membership_tier.clone();
    if current
        .as_deref()
        .is_some_and(|c| c.eq_ignore_ascii_case(&t.draft.name))
    {
        return Ok(membership);
    }
    let tiers = tx.list_tiers(tenant.id)?;
    if let Some(held) = current
        .as_deref()
        .and_then(|c| tiers.iter().find(|x| x.draft.name.eq_ignore_ascii_case(c)))
        .filter(|x| x.draft.price.is_positive())
    {
        return Err(AppError::conflict(
            ErrorCode::TierPaidHeld,
            format!("the member holds the bought tier {}", held.draft.name),
        ));
    }
    let spend = spends(tx, tenant, customer.id, std::slice::from_ref(&t), now)?
        .get(&t.id.get())
        .copied()
        .unwrap_or_else(|| Money::zero(tenant.currency));
    if spend.minor() < t.draft.min_spend.minor() {
        return Err(AppError::rejected(
            ErrorCode::TierNotQualified,
            "tierId",
            format!(
                "the tier needs a qualifying spend of {}; the member's is {}",
                t.draft.min_spend, spend
            ),
        ));
    }
    record(
        tx,
        &TierChange {
            id: TierChangeId::new(),
            tenant_id: tenant.id,
            customer_id: customer.id,
            from: current,
            to: Some(t.draft.name.clone()),
            reason: TierChangeReason::Enroll,
            spend: Some(spend),
            at: now,
        },
    )?;
    Ok(membership)
}
