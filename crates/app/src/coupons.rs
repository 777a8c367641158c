//! Coupons (003 §11): create, list, read, validate against a cart, disable; and the pieces
//! order creation and cancellation use (quote, redeem, release).
//!
//! Error codes: a code that does not exist, is disabled, not yet valid, used up, for another
//! outlet or above the cart's reach is `COUPON_INVALID`; one past its `valid_to` is
//! `COUPON_EXPIRED`. Both are 422 naming the code field.

use crate::Entity;
use chrono::{DateTime, SubsecRound, Utc};
use kedai_core::ErrorCode;
use kedai_core::{Money, Page, TenantId};
use kedai_identity::Permission;
use kedai_identity::Tenant;
use kedai_loyalty::coupon::{RedemptionId, parse_percentage};
use kedai_loyalty::{
    Coupon, CouponCode, CouponDraft, CouponId, CouponRejection, CouponRepository, CouponStatus,
    DiscountType, PromotionError, Redemption, check_promotion,
};
use serde_json::json;

use crate::store::PlacementPorts;
use crate::{Actor, Amount, AppError, FieldError, OutboxEvent, UnitOfWork, audit};

/// A coupon that applies to a cart, and what it takes off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppliedCoupon {
    /// The coupon.
    pub coupon_id: CouponId,
    /// Its normalised code.
    pub code: String,
    /// The discount on the quoted subtotal.
    pub discount: Money,
}

fn rejected(code: ErrorCode, field: &str, message: impl Into<String>) -> AppError {
    AppError::Validation {
        code,
        errors: vec![FieldError {
            field: field.to_owned(),
            message: message.into(),
        }],
    }
}

fn rejection(r: &CouponRejection, field: &str) -> AppError {
    let code = if r.is_expiry() {
        ErrorCode::CouponExpired
    } else {
        ErrorCode::CouponInvalid
    };
    rejected(code, field, r.to_string())
}

/// Finds the coupon for `code` and checks it applies, naming `field` in the error.
fn quote_coupon(
    tx: &mut dyn CouponRepository,
    tenant: TenantId,
    code: &str,
    field: &str,
    outlet_id: Option<&str>,
    subtotal: Money,
    now: DateTime<Utc>,
) -> Result<(Coupon, Money), AppError> {
    let unknown = || rejected(ErrorCode::CouponInvalid, field, "no such coupon");
    let code = CouponCode::parse(code).map_err(|_| unknown())?;
    let coupon = tx.find_coupon_by_code(tenant, &code)?.ok_or_else(unknown)?;
    let discount = coupon
        .discount_for(now, outlet_id, subtotal)
        .map_err(|r| rejection(&r, field))?;
    Ok((coupon, discount))
}

/// Checks that the coupon `code` applies to a cart of `subtotal` at `outlet_id` now, and
/// computes its discount. Changes nothing.
///
/// # Errors
/// [`AppError::Validation`] `COUPON_INVALID` or `COUPON_EXPIRED` on field `coupon_code`;
/// [`AppError::Storage`].
pub fn quote(
    tx: &mut dyn CouponRepository,
    tenant: TenantId,
    code: &str,
    outlet_id: Option<&str>,
    subtotal: Money,
    now: DateTime<Utc>,
) -> Result<AppliedCoupon, AppError> {
    let (coupon, discount) =
        quote_coupon(tx, tenant, code, "coupon_code", outlet_id, subtotal, now)?;
    Ok(AppliedCoupon {
        coupon_id: coupon.id,
        code: coupon.code.to_string(),
        discount,
    })
}

/// The merchant's coupon for a storefront promotion code, if the text can be a code and one
/// has it.
///
/// # Errors
/// [`AppError::Storage`].
pub(crate) fn find_promotion(
    tx: &mut dyn CouponRepository,
    tenant: TenantId,
    code: &str,
) -> Result<Option<Coupon>, AppError> {
    match CouponCode::parse(code) {
        Ok(code) => Ok(tx.find_coupon_by_code(tenant, &code)?),
        Err(_) => Ok(None),
    }
}

/// Why a promotion code does not apply, as the storefront reads it (`PROMOTION_*`, field
/// `promotionCode`).
pub(crate) fn promotion_failure(e: &PromotionError) -> AppError {
    rejected(e.code(), "promotionCode", e.to_string())
}

/// Checks a storefront promotion code against a cart of `subtotal` and computes its
/// discount. Changes nothing.
///
/// # Errors
/// [`AppError::Validation`] with a `PROMOTION_*` code on field `promotionCode`;
/// [`AppError::Storage`].
pub(crate) fn quote_promotion(
    tx: &mut dyn CouponRepository,
    tenant: TenantId,
    code: &str,
    subtotal: Money,
    now: DateTime<Utc>,
) -> Result<Option<AppliedCoupon>, AppError> {
    let coupon = find_promotion(tx, tenant, code)?;
    let quote =
        check_promotion(coupon.as_ref(), now, subtotal).map_err(|e| promotion_failure(&e))?;
    Ok(coupon.map(|c| AppliedCoupon {
        coupon_id: c.id,
        code: c.code.to_string(),
        discount: quote.discount,
    }))
}

/// Takes one use of a quoted coupon for `order_id` and records the redemption, in the
/// caller's transaction (after the order row is stored). The use is claimed with one guarded
/// update, so concurrent orders never take more uses than the limit allows.
///
/// # Errors
/// [`AppError::Validation`] `COUPON_INVALID` (field `coupon_code`) when the coupon was
/// disabled or its last use taken since it was quoted; [`AppError::Storage`].
pub fn redeem(
    tx: &mut dyn PlacementPorts,
    tenant: TenantId,
    applied: &AppliedCoupon,
    order_id: &str,
    customer_id: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    if !tx.claim_use(tenant, applied.coupon_id)? {
        let why = match tx.find_coupon(tenant, applied.coupon_id)? {
            Some(c) if c.status == CouponStatus::Active => "usage limit reached",
            Some(_) => "the coupon has been disabled",
            None => "no such coupon",
        };
        return Err(rejected(ErrorCode::CouponInvalid, "coupon_code", why));
    }
    tx.record_redemption(&Redemption {
        id: RedemptionId::new(),
        tenant_id: tenant,
        coupon_id: applied.coupon_id,
        order_id: order_id.to_owned(),
        customer_id: customer_id.map(str::to_owned),
        discount: applied.discount,
        created_at: now,
    })?;
    tx.append_event(&OutboxEvent {
        tenant_id: tenant,
        event_type: "coupon.redeemed",
        aggregate_id: applied.coupon_id.to_string(),
        payload: json!({
            "coupon_id": applied.coupon_id.to_string(),
            "code": applied.code,
            "order_id": order_id,
            "customer_id": customer_id,
            "discount": applied.discount.to_string(),
            "currency": applied.discount.currency().code(),
        }),
        created_at: now,
    })?;
    Ok(())
}

/// Gives back the coupon use of an order (when it is cancelled). Does nothing when the order
/// used no coupon or already gave it back.
///
/// # Errors
/// [`AppError::Storage`].
pub fn release_for_order(
    tx: &mut dyn UnitOfWork,
    tenant: TenantId,
    order_id: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    if let Some(coupon) = tx.release_for_order(tenant, order_id, now)? {
        tracing::debug!(coupon.id = %coupon, order.id = order_id, "coupon use released");
    }
    Ok(())
}

/// A coupon as requested.
#[derive(Debug, Clone)]
pub struct CreateCoupon {
    /// Title.
    pub title: String,
    /// Code (normalised to upper case).
    pub code: String,
    /// `percentage` or `fixed`.
    pub discount_type: String,
    /// Percent (up to 2 decimals, at most 100) or an amount in the tenant's currency.
    pub discount_value: Amount,
    /// Window start.
    pub valid_from: Option<DateTime<Utc>>,
    /// Window end (after the start).
    pub valid_to: Option<DateTime<Utc>>,
    /// Most uses (above 0).
    pub usage_limit: Option<i64>,
    /// Outlets of the tenant (empty: all).
    pub applicable_outlet_ids: Vec<String>,
    /// Smallest cart total.
    pub min_cart_total: Option<Amount>,
    /// Largest discount.
    pub max_discount: Option<Amount>,
}

/// Creates a coupon.
///
/// # Errors
/// [`AppError::Forbidden`], [`AppError::Validation`] (every bad field, unknown outlets),
/// [`AppError::Conflict`] `COUPON_CODE_TAKEN`, [`AppError::Storage`].
#[tracing::instrument(skip_all, fields(tenant.id = %actor.tenant))]
pub fn create_coupon(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    tenant: &Tenant,
    cmd: &CreateCoupon,
    now: DateTime<Utc>,
) -> Result<Coupon, AppError> {
    actor.require(Permission::CouponsWrite)?;
    let currency = tenant.currency;
    let mut errors = Vec::new();
    let mut field = |field: &str, message: String| {
        errors.push(FieldError {
            field: field.to_owned(),
            message,
        });
    };
    let discount_type = cmd
        .discount_type
        .trim()
        .parse::<DiscountType>()
        .map_err(|m| field("discount_type", m))
        .ok();
    let discount_value = match discount_type {
        Some(DiscountType::Percentage) => parse_percentage(&cmd.discount_value.0)
            .map_err(|m| field("discount_value", m))
            .ok(),
        Some(DiscountType::Fixed) => {
            match cmd.discount_value.to_money(currency, "discount_value") {
                Ok(m) if m.is_positive() => Some(m.minor()),
                Ok(_) => {
                    field("discount_value", "must be greater than 0".into());
                    None
                }
                Err(e) => {
                    field("discount_value", e.to_string());
                    None
                }
            }
        }
        None => None,
    };
    let mut amount = |name: &str, a: Option<&Amount>| match a.map(|a| a.to_money(currency, name)) {
        Some(Err(e)) => {
            field(name, e.to_string());
            None
        }
        Some(Ok(m)) => Some(m),
        None => None,
    };
    let min_cart_total = amount("min_cart_total", cmd.min_cart_total.as_ref());
    let max_discount = amount("max_discount", cmd.max_discount.as_ref());
    let draft = CouponDraft {
        title: cmd.title.clone(),
        code: cmd.code.clone(),
        discount_type: discount_type.unwrap_or(DiscountType::Fixed),
        // Placeholder when the type or value failed: the error is already recorded.
        discount_value: discount_value.unwrap_or(1),
        min_cart_total,
        max_discount,
        // Microseconds, as both databases keep them: the answer equals a later read.
        valid_from: cmd.valid_from.map(|t| t.trunc_subsecs(6)),
        valid_to: cmd.valid_to.map(|t| t.trunc_subsecs(6)),
        usage_limit: cmd.usage_limit,
        applicable_outlet_ids: cmd.applicable_outlet_ids.clone(),
    };
    let built = draft.into_coupon(
        CouponId::new(),
        actor.tenant,
        currency,
        actor.id_string(),
        now,
    );
    let coupon = match built {
        Ok(c) => Some(c),
        Err(invalid) => {
            for e in invalid {
                field(e.field, e.message);
            }
            None
        }
    };
    if let Some(c) = &coupon
        && !c.applicable_outlet_ids.is_empty()
    {
        let known = tx.existing_outlets(actor.tenant, &c.applicable_outlet_ids)?;
        for id in c
            .applicable_outlet_ids
            .iter()
            .filter(|id| !known.contains(id))
        {
            field("applicable_outlet_ids", format!("no outlet {id}"));
        }
    }
    let coupon = match coupon {
        Some(c) if errors.is_empty() => c,
        _ => {
            return Err(AppError::Validation {
                code: ErrorCode::ValidationError,
                errors,
            });
        }
    };
    tx.insert_coupon(&coupon)?.map_err(|()| {
        AppError::conflict(
            ErrorCode::CouponCodeTaken,
            format!("coupon code {} is already used", coupon.code),
        )
    })?;
    audit::record(
        tx,
        actor,
        now,
        "coupon.created",
        "coupon",
        Some(coupon.id.to_string()),
        json!({
            "code": coupon.code.as_str(),
            "discount_type": coupon.discount_type.as_str(),
            "discount_value": coupon.discount_value,
            "usage_limit": coupon.usage_limit,
        }),
    )?;
    Ok(coupon)
}

/// A page of the tenant's coupons, newest first, optionally of one status.
///
/// # Errors
/// [`AppError::Forbidden`], [`AppError::Storage`].
pub fn list_coupons(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    status: Option<CouponStatus>,
    page: Page,
) -> Result<(Vec<Coupon>, i64), AppError> {
    actor.require(Permission::CouponsRead)?;
    Ok(tx.list_coupons(actor.tenant, status, page)?)
}

/// One coupon.
///
/// # Errors
/// [`AppError::Forbidden`], [`AppError::NotFound`], [`AppError::Storage`].
pub fn get_coupon(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    id: CouponId,
) -> Result<Coupon, AppError> {
    actor.require(Permission::CouponsRead)?;
    tx.find_coupon(actor.tenant, id)?
        .ok_or_else(|| AppError::not_found(Entity::Coupon, id))
}

/// Disables a coupon: it can no longer be used. Disabling a disabled coupon changes nothing.
///
/// # Errors
/// [`AppError::Forbidden`], [`AppError::NotFound`], [`AppError::Storage`].
#[tracing::instrument(skip_all, fields(tenant.id = %actor.tenant, coupon.id = %id))]
pub fn disable_coupon(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    id: CouponId,
    now: DateTime<Utc>,
) -> Result<Coupon, AppError> {
    actor.require(Permission::CouponsWrite)?;
    let coupon = tx
        .find_coupon(actor.tenant, id)?
        .ok_or_else(|| AppError::not_found(Entity::Coupon, id))?;
    if coupon.status == CouponStatus::Disabled {
        return Ok(coupon);
    }
    if !tx.disable_coupon(actor.tenant, id, now)? {
        return Err(AppError::lost_race("coupon disabled concurrently"));
    }
    audit::record(
        tx,
        actor,
        now,
        "coupon.disabled",
        "coupon",
        Some(id.to_string()),
        json!({ "code": coupon.code.as_str(), "used_count": coupon.used_count }),
    )?;
    Ok(Coupon {
        status: CouponStatus::Disabled,
        disabled_at: Some(now),
        updated_at: now,
        ..coupon
    })
}

/// A cart to check a coupon against.
#[derive(Debug, Clone)]
pub struct ValidateCoupon {
    /// The code.
    pub code: String,
    /// The customer, when known (accepted; coupons have no per-customer limit yet).
    pub customer_id: Option<String>,
    /// Cart total in the tenant's currency.
    pub cart_total: Amount,
    /// The outlet, needed for outlet-restricted coupons.
    pub outlet_id: Option<String>,
}

/// A coupon that applies, with its effect on the cart.
#[derive(Debug, Clone)]
pub struct CouponQuote {
    /// The coupon.
    pub coupon: Coupon,
    /// What it takes off.
    pub discount: Money,
    /// Cart total minus the discount.
    pub final_total: Money,
}

/// Checks a coupon against a cart without using it.
///
/// # Errors
/// [`AppError::Forbidden`]; [`AppError::Validation`] for a bad `cart_total`, or
/// `COUPON_INVALID` / `COUPON_EXPIRED` on field `code` (an outlet the coupon does not apply
/// at is `COUPON_INVALID`); [`AppError::Storage`].
pub fn validate_coupon(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    tenant: &Tenant,
    cmd: &ValidateCoupon,
    now: DateTime<Utc>,
) -> Result<CouponQuote, AppError> {
    actor.require(Permission::CouponsRead)?;
    let currency = tenant.currency;
    let cart_total = cmd.cart_total.to_money(currency, "cart_total")?;
    if cart_total.is_negative() {
        return Err(AppError::invalid("cart_total", "must not be negative"));
    }
    let outlet = cmd
        .outlet_id
        .as_deref()
        .map(str::trim)
        .filter(|o| !o.is_empty());
    let (coupon, discount) =
        quote_coupon(tx, actor.tenant, &cmd.code, "code", outlet, cart_total, now)?;
    let final_total = cart_total
        .checked_sub(discount)
        .map_err(|e| AppError::invalid("cart_total", e.to_string()))?;
    Ok(CouponQuote {
        coupon,
        discount,
        final_total,
    })
}
