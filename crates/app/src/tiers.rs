//! Membership tier definitions: managed by the merchant, listed by storefronts.

use crate::Entity;
use chrono::{DateTime, Utc};
use kedai_core::ErrorCode;
use kedai_core::TenantId;
use kedai_identity::Permission;
use kedai_identity::Tenant;
use kedai_loyalty::tier::{TierFieldError, parse_discount};
use kedai_loyalty::{PeriodUnit, Tier, TierDraft, TierId};

use crate::{Actor, Amount, AppError, UnitOfWork};

/// A tier as requested; on update, `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct TierInput {
    /// Name.
    pub name: Option<String>,
    /// Description (`Some(None)` clears it).
    pub description: Option<Option<String>>,
    /// Price in major units.
    pub price: Option<Amount>,
    /// Validity in units.
    pub valid_period_value: Option<i64>,
    /// Months or years.
    pub valid_period_unit: Option<PeriodUnit>,
    /// Discount percentage (`10`, `12.5`).
    pub discount: Option<Amount>,
    /// Qualifying spend in major units.
    pub min_spend: Option<Amount>,
    /// Points multiplier (`1.5`).
    pub points_multiplier: Option<Amount>,
    /// Benefits.
    pub benefits: Option<Vec<String>>,
    /// Highlighted.
    pub is_popular: Option<bool>,
    /// Display order.
    pub sort_order: Option<i64>,
}

fn field(e: TierFieldError) -> AppError {
    AppError::invalid(e.field, e.message)
}

fn name_taken(name: &str) -> AppError {
    AppError::conflict(
        ErrorCode::TierNameTaken,
        format!("a membership tier named {name} already exists"),
    )
}

fn apply(mut d: TierDraft, input: &TierInput) -> Result<TierDraft, AppError> {
    let currency = d.price.currency();
    if let Some(n) = &input.name {
        d.name.clone_from(n);
    }
    if let Some(desc) = &input.description {
        d.description.clone_from(desc);
    }
    if let Some(p) = &input.price {
        d.price = p.to_money(currency, "price")?;
    }
    if let Some(v) = input.valid_period_value {
        d.valid_period_value = v;
    }
    if let Some(u) = input.valid_period_unit {
        d.valid_period_unit = u;
    }
    if let Some(p) = &input.discount {
        d.discount = parse_discount(&p.0).map_err(|m| AppError::invalid("discount", m))?;
    }
    if let Some(m) = &input.min_spend {
        d.min_spend = m.to_money(currency, "min_spend")?;
    }
    if let Some(m) = &input.points_multiplier {
        d.points_multiplier = kedai_loyalty::points::parse_multiplier(&m.0)
            .map_err(|m| AppError::invalid("points_multiplier", m))?;
    }
    if let Some(b) = &input.benefits {
        d.benefits.clone_from(b);
    }
    if let Some(p) = input.is_popular {
        d.is_popular = p;
    }
    if let Some(s) = input.sort_order {
        d.sort_order = s;
    }
    d.check().map_err(field)
}

/// Defines a tier. Absent fields take defaults: free, 12 months, no discount, no minimum
/// spend, no benefits.
///
/// # Errors
/// [`AppError::Forbidden`], [`AppError::Validation`], [`AppError::Conflict`]
/// `TIER_NAME_TAKEN`.
pub fn create_tier(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    tenant: &Tenant,
    input: &TierInput,
    now: DateTime<Utc>,
) -> Result<Tier, AppError> {
    actor.require(Permission::MembershipsWrite)?;
    if input.name.is_none() {
        return Err(AppError::invalid("name", "is required"));
    }
    let currency = tenant.currency;
    let zero = kedai_core::Money::zero(currency);
    let draft = apply(
        TierDraft {
            name: String::new(),
            description: None,
            price: zero,
            valid_period_value: 12,
            valid_period_unit: PeriodUnit::Months,
            discount: 0,
            min_spend: zero,
            points_multiplier: kedai_loyalty::points::MULTIPLIER_ONE,
            benefits: Vec::new(),
            is_popular: false,
            sort_order: 0,
        },
        input,
    )?;
    let id = tx
        .insert_tier(actor.tenant, &draft, now)?
        .map_err(|()| name_taken(&draft.name))?;
    tx.find_tier(actor.tenant, id)?
        .ok_or_else(|| AppError::not_found(Entity::MembershipTier, id))
}

/// Changes a tier.
///
/// # Errors
/// [`AppError::Forbidden`], [`AppError::NotFound`], [`AppError::Validation`],
/// [`AppError::Conflict`] `TIER_NAME_TAKEN`.
pub fn update_tier(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    id: TierId,
    input: &TierInput,
    now: DateTime<Utc>,
) -> Result<Tier, AppError> {
    actor.require(Permission::MembershipsWrite)?;
    let mut tier = tx
        .find_tier(actor.tenant, id)?
        .ok_or_else(|| AppError::not_found(Entity::MembershipTier, id))?;
    tier.draft = apply(tier.draft, input)?;
    tier.updated_at = now;
    tx.update_tier(&tier)?
        .map_err(|()| name_taken(&tier.draft.name))?;
    Ok(tier)
}

/// Deletes a tier.
///
/// # Errors
/// [`AppError::Forbidden`], [`AppError::NotFound`].
pub fn delete_tier(tx: &mut dyn UnitOfWork, actor: &Actor, id: TierId) -> Result<(), AppError> {
    actor.require(Permission::MembershipsWrite)?;
    if tx.delete_tier(actor.tenant, id)? {
        Ok(())
    } else {
        Err(AppError::not_found(Entity::MembershipTier, id))
    }
}

/// The merchant's tiers in display order.
///
/// # Errors
/// [`AppError::Forbidden`], [`AppError::Storage`].
pub fn list_tiers(tx: &mut dyn UnitOfWork, actor: &Actor) -> Result<Vec<Tier>, AppError> {
    actor.require(Permission::CustomersRead)?;
    Ok(tx.list_tiers(actor.tenant)?)
}

/// The tiers a storefront lists, in display order.
///
/// # Errors
/// [`AppError::Storage`].
pub fn public_tiers(tx: &mut dyn UnitOfWork, tenant: TenantId) -> Result<Vec<Tier>, AppError> {
    Ok(tx.list_tiers(tenant)?)
}
