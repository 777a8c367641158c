//! Gift offers (004 gifts; contract §9): merchants define them; members redeem them for points
//! or claim them with a code, each redemption a single-use code that staff mark used at the
//! counter. Quotas in all and per member are guarded counters, points a guarded balance: no
//! race over-redeems or overdraws.

use chrono::{DateTime, Utc};
use kedai_core::ErrorCode;
use kedai_identity::{Customer, CustomerId, Permission, Tenant};
use kedai_loyalty::gift::{
    FaceValueType, GiftOffer, GiftOfferDraft, GiftOfferId, GiftRedemption, GiftRedemptionId,
    GiftRefusal, OfferScope, OfferStatus, RedemptionStatus, redemption_code,
};
use kedai_loyalty::{PointsEntryId, PointsKind, PointsPosting, TierId};
use serde_json::json;

use crate::customer_auth::{CustomerCaller, random_seed};
use crate::{Actor, Amount, AppError, Entity, UnitOfWork};

/// An offer as the merchant sends it; on update, `None` leaves a field, `Some(None)` clears.
#[derive(Debug, Clone, Default)]
pub struct OfferInput {
    /// Name.
    pub name: Option<String>,
    /// Description.
    pub description: Option<Option<String>>,
    /// Points price.
    pub points: Option<Option<i64>>,
    /// Face value: an amount in major units, or a percentage.
    pub face_value: Option<Option<Amount>>,
    /// How the face value reads.
    pub face_value_type: Option<Option<FaceValueType>>,
    /// Image URL.
    pub image: Option<Option<String>>,
    /// Terms.
    pub terms: Option<Option<String>>,
    /// Days a redemption stays valid.
    pub expiry_days: Option<Option<i64>>,
    /// Only for this tier's members.
    pub membership_tier_id: Option<Option<TierId>>,
    /// In all (0: no limit).
    pub quota: Option<i64>,
    /// Per member (0: no limit).
    pub quota_per_member: Option<i64>,
    /// From.
    pub start_at: Option<Option<DateTime<Utc>>>,
    /// Until.
    pub end_at: Option<Option<DateTime<Utc>>>,
    /// Shown or withdrawn.
    pub status: Option<OfferStatus>,
    /// Claim code.
    pub claim_code: Option<Option<String>>,
}

fn code_taken() -> AppError {
    AppError::conflict(
        ErrorCode::GiftCodeTaken,
        "another gift offer of this merchant has this claim code",
    )
}

fn apply(
    tx: &mut dyn UnitOfWork,
    tenant: &Tenant,
    mut d: GiftOfferDraft,
    input: &OfferInput,
) -> Result<GiftOfferDraft, AppError> {
    macro_rules! take {
        ($field:ident) => {
            if let Some(v) = &input.$field {
                d.$field = v.clone();
            }
        };
    }
    take!(name);
    take!(description);
    take!(points);
    take!(face_value_type);
    take!(image);
    take!(terms);
    take!(expiry_days);
    take!(membership_tier_id);
    take!(quota);
    take!(quota_per_member);
    take!(start_at);
    take!(end_at);
    take!(status);
    take!(claim_code);
    if let Some(v) = &input.face_value {
        d.face_value = match (v, d.face_value_type) {
            (None, _) => None,
            (Some(a), Some(FaceValueType::Percentage)) => Some(
                kedai_loyalty::coupon::parse_percentage(&a.0)
                    .or_else(|m| if a.0.trim() == "0" { Ok(0) } else { Err(m) })
                    .map_err(|m| AppError::invalid("faceValue", m))?,
            ),
            (Some(a), _) => Some(a.to_money(tenant.currency, "faceValue")?.minor()),
        };
    }
    if let Some(tier) = d.membership_tier_id
        && tx.find_tier(tenant.id, tier)?.is_none()
    {
        return Err(AppError::invalid(
            "membershipTierId",
            "no such membership tier in this merchant",
        ));
    }
    d.check().map_err(AppError::fields)
}

/// Defines an offer (active, no limits, no dates unless given).
///
/// # Errors
/// [`AppError::Forbidden`] without `MembershipsWrite`; every bad field; 409
/// `GIFT_CODE_TAKEN`.
pub fn create_offer(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    tenant: &Tenant,
    input: &OfferInput,
    now: DateTime<Utc>,
) -> Result<GiftOffer, AppError> {
    actor.require(Permission::MembershipsWrite)?;
    if input.name.is_none() {
        return Err(AppError::invalid("name", "is required"));
    }
    let blank = GiftOfferDraft {
        name: String::new(),
        description: None,
        points: None,
        face_value: None,
        face_value_type: None,
        image: None,
        terms: None,
        expiry_days: None,
        membership_tier_id: None,
        quota: 0,
        quota_per_member: 0,
        start_at: None,
        end_at: None,
        status: OfferStatus::Active,
        claim_code: None,
    };
    let offer = GiftOffer {
        id: GiftOfferId::new(),
        tenant_id: actor.tenant,
        draft: apply(tx, tenant, blank, input)?,
        redeemed_count: 0,
        created_at: now,
        updated_at: now,
    };
    tx.insert_offer(&offer)?.map_err(|()| code_taken())?;
    Ok(offer)
}

/// Changes an offer; its redeemed count stays.
///
/// # Errors
/// As [`create_offer`], and [`AppError::NotFound`].
pub fn update_offer(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    tenant: &Tenant,
    id: GiftOfferId,
    input: &OfferInput,
    now: DateTime<Utc>,
) -> Result<GiftOffer, AppError> {
    actor.require(Permission::MembershipsWrite)?;
    let mut offer = tx
        .find_offer(actor.tenant, id)?
        .ok_or_else(|| AppError::not_found(Entity::GiftOffer, id))?;
    offer.draft = apply(tx, tenant, offer.draft, input)?;
    offer.updated_at = now;
    tx.update_offer(&offer)?.map_err(|()| code_taken())?;
    Ok(offer)
}

/// One offer (merchant).
///
/// # Errors
/// [`AppError::Forbidden`], [`AppError::NotFound`].
pub fn get_offer(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    id: GiftOfferId,
) -> Result<GiftOffer, AppError> {
    actor.require(Permission::CustomersRead)?;
    tx.find_offer(actor.tenant, id)?
        .ok_or_else(|| AppError::not_found(Entity::GiftOffer, id))
}

/// Every offer, newest first (merchant).
///
/// # Errors
/// [`AppError::Forbidden`], [`AppError::Storage`].
pub fn list_offers(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    limit: i64,
    offset: i64,
) -> Result<(Vec<GiftOffer>, i64), AppError> {
    actor.require(Permission::CustomersRead)?;
    Ok(tx.list_offers(actor.tenant, OfferScope::All, limit, offset)?)
}

fn tier_of(
    tx: &mut dyn UnitOfWork,
    tenant: &Tenant,
    customer: Option<&Customer>,
) -> Result<Option<TierId>, AppError> {
    let Some(name) = customer.and_then(|c| c.membership_tier.as_deref()) else {
        return Ok(None);
    };
    Ok(tx
        .list_tiers(tenant.id)?
        .into_iter()
        .find(|t| t.draft.name.eq_ignore_ascii_case(name))
        .map(|t| t.id))
}

/// Whether an offer can be redeemed for points now: available, priced in points, and — for a
/// signed-in shopper — within their balance.
fn redeemable(
    offer: &GiftOffer,
    tier: Option<TierId>,
    balance: Option<i64>,
    now: DateTime<Utc>,
) -> bool {
    offer
        .draft
        .points
        .is_some_and(|p| balance.is_none_or(|b| b >= p))
        && offer.available(now, tier).is_ok()
}

/// Live offers for a storefront, each with whether the shopper can redeem it for points now.
///
/// # Errors
/// [`AppError::Storage`].
pub fn public_offers(
    tx: &mut dyn UnitOfWork,
    tenant: &Tenant,
    shopper: Option<CustomerId>,
    limit: i64,
    offset: i64,
    now: DateTime<Utc>,
) -> Result<(Vec<(GiftOffer, bool)>, i64), AppError> {
    let customer = match shopper {
        Some(id) => tx.find_customer(tenant.id, id)?,
        None => None,
    };
    let tier = tier_of(tx, tenant, customer.as_ref())?;
    let balance = match &customer {
        Some(c) => Some(tx.points_balance(tenant.id, c.id)?),
        None => None,
    };
    let (offers, total) = tx.list_offers(tenant.id, OfferScope::Live(now), limit, offset)?;
    let shown = offers
        .into_iter()
        .map(|o| {
            let ok = redeemable(&o, tier, balance, now);
            (o, ok)
        })
        .collect();
    Ok((shown, total))
}

/// One live offer for a storefront, with whether the shopper can redeem it.
///
/// # Errors
/// [`AppError::NotFound`] `GIFT_OFFER_NOT_FOUND` (also for a withdrawn one).
pub fn public_offer(
    tx: &mut dyn UnitOfWork,
    tenant: &Tenant,
    shopper: Option<CustomerId>,
    id: GiftOfferId,
    now: DateTime<Utc>,
) -> Result<(GiftOffer, bool), AppError> {
    let offer = tx
        .find_offer(tenant.id, id)?
        .filter(|o| o.draft.status == OfferStatus::Active)
        .ok_or_else(|| AppError::not_found(Entity::GiftOffer, id))?;
    let customer = match shopper {
        Some(c) => tx.find_customer(tenant.id, c)?,
        None => None,
    };
    let tier = tier_of(tx, tenant, customer.as_ref())?;
    let balance = match &customer {
        Some(c) => Some(tx.points_balance(tenant.id, c.id)?),
        None => None,
    };
    let ok = redeemable(&offer, tier, balance, now);
    Ok((offer, ok))
}

fn refused(r: GiftRefusal) -> AppError {
    let code = match r {
        GiftRefusal::NotAvailable => ErrorCode::GiftNotAvailable,
        GiftRefusal::SoldOut => ErrorCode::GiftSoldOut,
        GiftRefusal::WrongTier => ErrorCode::GiftWrongTier,
        GiftRefusal::NotForPoints => ErrorCode::GiftNotForPoints,
        GiftRefusal::MemberQuota => ErrorCode::GiftMemberQuota,
    };
    AppError::conflict(code, r.to_string())
}

/// Issues a redemption of `offer` to the member: quota in all and per member taken, the points
/// price spent, a fresh single-use code.
pub(crate) fn issue(
    tx: &mut dyn UnitOfWork,
    tenant: &Tenant,
    customer: CustomerId,
    offer: &GiftOffer,
    points: Option<i64>,
    now: DateTime<Utc>,
) -> Result<(GiftRedemption, GiftOffer), AppError> {
    let customer = tx
        .find_customer(tenant.id, customer)?
        .ok_or_else(|| AppError::not_found(Entity::Customer, customer))?;
    let tier = tier_of(tx, tenant, Some(&customer))?;
    offer.available(now, tier).map_err(refused)?;
    if !tx.take_offer(tenant.id, offer.id)? {
        return Err(refused(GiftRefusal::SoldOut));
    }
    let per_member = offer.draft.quota_per_member;
    if per_member > 0 && !tx.take_member_quota(tenant.id, offer.id, customer.id, per_member)? {
        return Err(refused(GiftRefusal::MemberQuota));
    }
    let id = GiftRedemptionId::new();
    if let Some(p) = points {
        crate::points::post(
            tx,
            &PointsPosting {
                id: PointsEntryId::new(),
                tenant_id: tenant.id,
                customer_id: customer.id,
                delta: -p,
                kind: PointsKind::Redeem,
                reason: format!("Gift: {}", offer.draft.name),
                reference: Some(id.to_string()),
                actor: None,
                expires_at: None,
                at: now,
            },
        )?;
    }
    for _ in 0..5 {
        let redemption = GiftRedemption {
            id,
            tenant_id: tenant.id,
            offer_id: offer.id,
            customer_id: customer.id,
            code: redemption_code(random_seed()?),
            status: RedemptionStatus::Valid,
            points,
            expires_on: offer.valid_until(now, tenant.time_zone),
            fulfilled_at: None,
            fulfillment_method: None,
            used_at: None,
            remarks: None,
            created_at: now,
        };
        if tx.insert_redemption(&redemption)?.is_ok() {
            return Ok((redemption, offer.clone()));
        }
    }
    Err(AppError::lost_race("redemption code collided"))
}

/// Redeems an offer for its points price (004 `POST /gifts/offers/{id}/redeem`).
///
/// # Errors
/// [`AppError::NotFound`]; 409 `GIFT_NOT_AVAILABLE`, `GIFT_SOLD_OUT`, `GIFT_WRONG_TIER`,
/// `GIFT_MEMBER_QUOTA`, `GIFT_NOT_FOR_POINTS`; 422 `INSUFFICIENT_POINTS` (nothing changes).
pub fn redeem_offer(
    tx: &mut dyn UnitOfWork,
    tenant: &Tenant,
    caller: CustomerCaller,
    id: GiftOfferId,
    now: DateTime<Utc>,
) -> Result<(GiftRedemption, GiftOffer), AppError> {
    let offer = tx
        .find_offer(tenant.id, id)?
        .ok_or_else(|| AppError::not_found(Entity::GiftOffer, id))?;
    let Some(points) = offer.draft.points else {
        return Err(refused(GiftRefusal::NotForPoints));
    };
    issue(tx, tenant, caller.customer, &offer, Some(points), now)
}

/// Claims the offer a claim code names, without points (004 `POST /gifts/claim`).
///
/// # Errors
/// 422 `GIFT_CODE_INVALID`; the availability and quota refusals of [`redeem_offer`].
pub fn claim_offer(
    tx: &mut dyn UnitOfWork,
    tenant: &Tenant,
    caller: CustomerCaller,
    code: &str,
    now: DateTime<Utc>,
) -> Result<(GiftRedemption, GiftOffer), AppError> {
    let code = code.trim().to_ascii_uppercase();
    let offer = tx.find_offer_by_code(tenant.id, &code)?.ok_or_else(|| {
        AppError::rejected(
            ErrorCode::GiftCodeInvalid,
            "code",
            "no gift is claimed with this code",
        )
    })?;
    issue(tx, tenant, caller.customer, &offer, None, now)
}

/// A redemption with its offer (gone when the offer is).
pub type Redeemed = (GiftRedemption, Option<GiftOffer>);

/// A member's redemptions, newest first, of one status as the member reads it (valid and
/// fulfilled ones past their last local day are expired), with their offers: one query for
/// the page, one for its offers.
///
/// # Errors
/// [`AppError::Storage`].
pub fn member_redemptions(
    tx: &mut dyn UnitOfWork,
    tenant: &Tenant,
    caller: CustomerCaller,
    status: Option<RedemptionStatus>,
    limit: i64,
    offset: i64,
    now: DateTime<Utc>,
) -> Result<(Vec<Redeemed>, i64), AppError> {
    let today = tenant.time_zone.local_date(now);
    let (list, total) =
        tx.list_redemptions(tenant.id, caller.customer, status, today, limit, offset)?;
    let mut ids: Vec<GiftOfferId> = list.iter().map(|r| r.offer_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let offers = tx.find_offers(tenant.id, &ids)?;
    let out = list
        .into_iter()
        .map(|r| {
            let offer = offers.iter().find(|o| o.id == r.offer_id).cloned();
            (r, offer)
        })
        .collect();
    Ok((out, total))
}

/// One of the member's redemptions.
///
/// # Errors
/// [`AppError::NotFound`] `REDEMPTION_NOT_FOUND` (also for another member's).
pub fn member_redemption(
    tx: &mut dyn UnitOfWork,
    tenant: &Tenant,
    caller: CustomerCaller,
    id: GiftRedemptionId,
) -> Result<(GiftRedemption, Option<GiftOffer>), AppError> {
    let r = tx
        .find_redemption(tenant.id, id, Some(caller.customer))?
        .ok_or_else(|| AppError::not_found(Entity::GiftRedemption, id))?;
    let offer = tx.find_offer(tenant.id, r.offer_id)?;
    Ok((r, offer))
}

/// The member marks a valid redemption fulfilled (issued to them as they chose).
///
/// # Errors
/// [`AppError::NotFound`]; 409 `REDEMPTION_NOT_USABLE` when it is not valid (or expired).
pub fn fulfill_redemption(
    tx: &mut dyn UnitOfWork,
    tenant: &Tenant,
    caller: CustomerCaller,
    id: GiftRedemptionId,
    now: DateTime<Utc>,
) -> Result<(GiftRedemption, Option<GiftOffer>), AppError> {
    let (r, _) = member_redemption(tx, tenant, caller, id)?;
    if r.status_at(tenant.time_zone.local_date(now)) != RedemptionStatus::Valid
        || !tx.move_redemption(
            tenant.id,
            id,
            &[RedemptionStatus::Valid],
            RedemptionStatus::Fulfilled,
            Some("self"),
            now,
        )?
    {
        return Err(not_usable(&r));
    }
    member_redemption(tx, tenant, caller, id)
}

fn not_usable(r: &GiftRedemption) -> AppError {
    AppError::conflict(
        ErrorCode::RedemptionNotUsable,
        format!("redemption {} is {} and cannot be used", r.code, r.status),
    )
}

/// Staff mark a redemption used at the counter, by its code: once, however many tills race.
///
/// # Errors
/// [`AppError::Forbidden`] without `PointsRedeem`; 404 `REDEMPTION_NOT_FOUND`; 409
/// `REDEMPTION_NOT_USABLE` when used, voided or expired.
pub fn use_redemption(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    tenant: &Tenant,
    code: &str,
    now: DateTime<Utc>,
) -> Result<GiftRedemption, AppError> {
    actor.require(Permission::PointsRedeem)?;
    let code = code.trim().to_ascii_uppercase();
    let r = tx
        .find_redemption_by_code(actor.tenant, &code)?
        .ok_or_else(|| AppError::not_found(Entity::GiftRedemption, &code))?;
    let usable = matches!(
        r.status_at(tenant.time_zone.local_date(now)),
        RedemptionStatus::Valid | RedemptionStatus::Fulfilled
    );
    if !usable
        || !tx.move_redemption(
            actor.tenant,
            r.id,
            &[RedemptionStatus::Valid, RedemptionStatus::Fulfilled],
            RedemptionStatus::Used,
            None,
            now,
        )?
    {
        return Err(not_usable(&r));
    }
    crate::audit::record(
        tx,
        actor,
        now,
        "gift.redemption_used",
        "gift_redemption",
        Some(r.id.to_string()),
        json!({ "code": r.code, "offer_id": r.offer_id.to_string() }),
    )?;
    tx.find_redemption(actor.tenant, r.id, None)?
        .ok_or_else(|| AppError::not_found(Entity::GiftRedemption, r.id))
}
