//! Gift offers and their redemptions (004 gifts; contract §9): what a merchant gives for points
//! (or through a claim code), how many in all and per member, when, to which tier; and the
//! single-use redemption a member shows at the counter.

use chrono::{DateTime, Days, NaiveDate, Utc};
use kedai_core::{StorageError, TenantId, TimeZone};
use kedai_identity::CustomerId;

use crate::tier::TierId;

kedai_core::uuid_id!(
    /// A gift offer.
    GiftOfferId
);
kedai_core::uuid_id!(
    /// A redemption of a gift offer.
    GiftRedemptionId
);

kedai_core::text_enum! {
    /// How an offer's face value reads.
    pub enum FaceValueType ("a face value type") {
        /// A percentage off.
        Percentage = "PERCENTAGE" | "percentage",
        /// An amount of money.
        Amount = "AMOUNT" | "amount",
    }
}

kedai_core::text_enum! {
    /// Whether an offer is shown.
    pub enum OfferStatus ("an offer status") {
        /// Shown and redeemable in its dates.
        Active = "active" | "ACTIVE",
        /// Withdrawn.
        Inactive = "inactive" | "INACTIVE",
    }
}

kedai_core::text_enum! {
    /// Where a redemption stands.
    pub enum RedemptionStatus ("a redemption status") {
        /// Issued, not yet used.
        Valid = "VALID" | "valid",
        /// Handed over or issued as the member asked.
        Fulfilled = "FULFILLED" | "fulfilled",
        /// Used at the counter.
        Used = "USED" | "used",
        /// Past its expiry unused.
        Expired = "EXPIRED" | "expired",
        /// Cancelled by the merchant.
        Voided = "VOIDED" | "voided",
    }
}

/// The longest name.
pub const NAME_MAX: usize = 200;
/// The longest description or terms.
pub const TEXT_MAX: usize = 5_000;
/// The longest claim code.
pub const CODE_MAX: usize = 64;

/// An offer as the merchant defines it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GiftOfferDraft {
    /// Name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// Points it costs; `None` when it is only claimed with a code.
    pub points: Option<i64>,
    /// Its value: minor units (`Amount`) or hundredths of a percent (`Percentage`).
    pub face_value: Option<i64>,
    /// How the face value reads.
    pub face_value_type: Option<FaceValueType>,
    /// Image URL.
    pub image: Option<String>,
    /// Terms and conditions.
    pub terms: Option<String>,
    /// Days a redemption stays valid; `None`: until used.
    pub expiry_days: Option<i64>,
    /// Only members of this tier may redeem it.
    pub membership_tier_id: Option<TierId>,
    /// How many may be redeemed in all; 0: no limit.
    pub quota: i64,
    /// How many one member may redeem; 0: no limit.
    pub quota_per_member: i64,
    /// From when.
    pub start_at: Option<DateTime<Utc>>,
    /// Until when.
    pub end_at: Option<DateTime<Utc>>,
    /// Shown or withdrawn.
    pub status: OfferStatus,
    /// A code that claims it without points (from a link or a campaign), unique per merchant.
    pub claim_code: Option<String>,
}

/// A stored offer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GiftOffer {
    /// Id.
    pub id: GiftOfferId,
    /// Owner.
    pub tenant_id: TenantId,
    /// Its definition.
    pub draft: GiftOfferDraft,
    /// How many were redeemed.
    pub redeemed_count: i64,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

/// Why an offer cannot be redeemed now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum GiftRefusal {
    /// Withdrawn, or not started, or over.
    #[error("this offer is not available now")]
    NotAvailable,
    /// Every one is gone.
    #[error("this offer is fully redeemed")]
    SoldOut,
    /// Reserved to a tier the member does not hold.
    #[error("this offer is for members of another tier")]
    WrongTier,
    /// It has no points price (it is claimed with a code).
    #[error("this offer is claimed with a code, not redeemed for points")]
    NotForPoints,
    /// The member has redeemed as many as one member may.
    #[error("you have redeemed this offer as many times as one member may")]
    MemberQuota,
}

fn trimmed(v: Option<String>) -> Option<String> {
    v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

impl GiftOfferDraft {
    /// Checks a definition: a name of 1–200 characters, texts up to 5000, a points price
    /// above 0 or none, a face value of 0 or more with its type (a percentage at most 100),
    /// expiry 1–3650 days, quotas of 0 or more, an end after the start, a claim code of
    /// letters, digits, `-` and `_`. Texts are trimmed; claim codes upper-cased.
    ///
    /// # Errors
    /// Every field that breaks a rule.
    pub fn check(mut self) -> Result<Self, crate::points::FieldErrors> {
        let mut errors = Vec::new();
        self.name = self.name.trim().to_owned();
        if self.name.is_empty() || self.name.chars().count() > NAME_MAX {
            errors.push(("name", format!("must be 1 to {NAME_MAX} characters")));
        }
        self.description = trimmed(self.description);
        self.terms = trimmed(self.terms);
        self.image = trimmed(self.image);
        for (field, text) in [
            ("description", &self.description),
            ("termsAndConditions", &self.terms),
            ("image", &self.image),
        ] {
            if text.as_ref().is_some_and(|t| t.chars().count() > TEXT_MAX) {
                errors.push((field, format!("must be at most {TEXT_MAX} characters")));
            }
        }
        if self
            .points
            .is_some_and(|p| !(1..=crate::points::MAX_POINTS_PER_ENTRY).contains(&p))
        {
            errors.push(("points", "must be between 1 and 10000000".to_owned()));
        }
        match (self.face_value, self.face_value_type) {
            (Some(v), _) if v < 0 => errors.push(("faceValue", "must not be negative".into())),
            (Some(v), Some(FaceValueType::Percentage)) if v > 10_000 => {
                errors.push(("faceValue", "a percentage must not exceed 100".into()));
            }
            (Some(_), None) => errors.push((
                "faceValueType",
                "is required with a face value: PERCENTAGE or AMOUNT".into(),
            )),
            _ => {}
        }
        if self.expiry_days.is_some_and(|d| !(1..=3_650).contains(&d)) {
            errors.push(("expiryPeriod", "must be between 1 and 3650 days".into()));
        }
        if self.quota < 0 {
            errors.push(("quota", "must be 0 (no limit) or more".into()));
        }
        if self.quota_per_member < 0 {
            errors.push(("quotaPerMember", "must be 0 (no limit) or more".into()));
        }
        if let (Some(s), Some(e)) = (self.start_at, self.end_at)
            && e <= s
        {
            errors.push(("endDate", "must be after startDate".into()));
        }
        self.claim_code = trimmed(self.claim_code).map(|c| c.to_ascii_uppercase());
        if self.claim_code.as_ref().is_some_and(|c| {
            c.len() > CODE_MAX
                || !c
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        }) {
            errors.push((
                "claimCode",
                format!("must be up to {CODE_MAX} letters, digits, - or _"),
            ));
        }
        if self.points.is_none() && self.claim_code.is_none() {
            errors.push((
                "points",
                "give a points price, a claim code, or both".into(),
            ));
        }
        if errors.is_empty() {
            Ok(self)
        } else {
            Err(errors)
        }
    }
}

impl GiftOffer {
    /// Whether the offer can be had now by a member of `tier` (points or code alike):
    /// active, in its dates, not sold out, and for their tier.
    ///
    /// # Errors
    /// [`GiftRefusal`].
    pub fn available(&self, now: DateTime<Utc>, tier: Option<TierId>) -> Result<(), GiftRefusal> {
        let d = &self.draft;
        if d.status != OfferStatus::Active
            || d.start_at.is_some_and(|s| now < s)
            || d.end_at.is_some_and(|e| now >= e)
        {
            return Err(GiftRefusal::NotAvailable);
        }
        if d.quota > 0 && self.redeemed_count >= d.quota {
            return Err(GiftRefusal::SoldOut);
        }
        if d.membership_tier_id.is_some() && d.membership_tier_id != tier {
            return Err(GiftRefusal::WrongTier);
        }
        Ok(())
    }

    /// Its face value as a number: a percentage, or an amount in `currency`'s major units.
    #[must_use]
    pub fn face_value_number(&self, currency: kedai_core::Currency) -> Option<f64> {
        let v = self.draft.face_value?;
        Some(match self.draft.face_value_type {
            Some(FaceValueType::Percentage) => crate::coupon::percentage_to_f64(v),
            _ => kedai_core::Money::from_minor(v, currency).to_f64(),
        })
    }

    /// The last local day a redemption made at `now` is valid, if it expires.
    #[must_use]
    pub fn valid_until(&self, now: DateTime<Utc>, zone: TimeZone) -> Option<NaiveDate> {
        let days = u64::try_from(self.draft.expiry_days?).ok()?;
        zone.local_date(now).checked_add_days(Days::new(days))
    }
}

/// A redemption: the single-use code a member shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GiftRedemption {
    /// Id.
    pub id: GiftRedemptionId,
    /// Owner.
    pub tenant_id: TenantId,
    /// The offer.
    pub offer_id: GiftOfferId,
    /// The member.
    pub customer_id: CustomerId,
    /// The code shown at the counter.
    pub code: String,
    /// Where it stands.
    pub status: RedemptionStatus,
    /// Points it cost (none when claimed with a code).
    pub points: Option<i64>,
    /// The last local day it is valid.
    pub expires_on: Option<NaiveDate>,
    /// When it was fulfilled.
    pub fulfilled_at: Option<DateTime<Utc>>,
    /// How (`self`, `counter`).
    pub fulfillment_method: Option<String>,
    /// When it was used.
    pub used_at: Option<DateTime<Utc>>,
    /// Staff remarks.
    pub remarks: Option<String>,
    /// When.
    pub created_at: DateTime<Utc>,
}

impl GiftRedemption {
    /// Its status as a member sees it: a valid or fulfilled redemption past its last day is
    /// expired.
    #[must_use]
    pub fn status_at(&self, today: NaiveDate) -> RedemptionStatus {
        match self.status {
            RedemptionStatus::Valid | RedemptionStatus::Fulfilled
                if self.expires_on.is_some_and(|d| today > d) =>
            {
                RedemptionStatus::Expired
            }
            s => s,
        }
    }
}

const CODE_ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A redemption code from 50 random bits: `GF-` and ten characters of Crockford's base32.
#[must_use]
pub fn redemption_code(random: u64) -> String {
    let mut code = String::from("GF-");
    for i in 0..10 {
        let index = usize::try_from((random >> (i * 5)) & 31).unwrap_or(0);
        code.push(char::from(CODE_ALPHABET[index]));
    }
    code
}

/// Which offers to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OfferScope {
    /// Every offer (the merchant).
    All,
    /// Active offers whose dates include now (a storefront).
    Live(DateTime<Utc>),
}

/// Offers and redemptions in storage. Every method is confined to one tenant.
pub trait GiftRepository {
    /// Stores a new offer. `Ok(Err(()))` when its claim code is taken.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn insert_offer(&mut self, offer: &GiftOffer) -> Result<Result<(), ()>, StorageError>;

    /// Saves a changed offer. `Ok(Err(()))` when its claim code is taken.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn update_offer(&mut self, offer: &GiftOffer) -> Result<Result<(), ()>, StorageError>;

    /// One offer.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn find_offer(
        &mut self,
        tenant: TenantId,
        id: GiftOfferId,
    ) -> Result<Option<GiftOffer>, StorageError>;

    /// The offer a claim code claims.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn find_offer_by_code(
        &mut self,
        tenant: TenantId,
        code: &str,
    ) -> Result<Option<GiftOffer>, StorageError>;

    /// Offers, newest first, `limit` from `offset`, and how many match.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn list_offers(
        &mut self,
        tenant: TenantId,
        scope: OfferScope,
        limit: i64,
        offset: i64,
    ) -> Result<(Vec<GiftOffer>, i64), StorageError>;

    /// Takes one of an offer's quota, guarded: false when none is left, however many race.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn take_offer(&mut self, tenant: TenantId, id: GiftOfferId) -> Result<bool, StorageError>;

    /// Takes one of a member's quota of an offer (`limit` > 0), guarded: false when they have
    /// had `limit`, however many race.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn take_member_quota(
        &mut self,
        tenant: TenantId,
        offer: GiftOfferId,
        customer: CustomerId,
        limit: i64,
    ) -> Result<bool, StorageError>;

    /// Stores a redemption. `Ok(Err(()))` when its code is taken (draw another).
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn insert_redemption(
        &mut self,
        redemption: &GiftRedemption,
    ) -> Result<Result<(), ()>, StorageError>;

    /// One redemption, of one member when `customer` is given.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn find_redemption(
        &mut self,
        tenant: TenantId,
        id: GiftRedemptionId,
        customer: Option<CustomerId>,
    ) -> Result<Option<GiftRedemption>, StorageError>;

    /// The redemption with this code.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn find_redemption_by_code(
        &mut self,
        tenant: TenantId,
        code: &str,
    ) -> Result<Option<GiftRedemption>, StorageError>;

    /// Offers by id (those that exist), one query however many.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn find_offers(
        &mut self,
        tenant: TenantId,
        ids: &[GiftOfferId],
    ) -> Result<Vec<GiftOffer>, StorageError>;

    /// A member's redemptions, newest first, optionally of one status as
    /// [`GiftRedemption::status_at`] reads it on `today`, `limit` from `offset`, and how many
    /// match.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn list_redemptions(
        &mut self,
        tenant: TenantId,
        customer: CustomerId,
        status: Option<RedemptionStatus>,
        today: NaiveDate,
        limit: i64,
        offset: i64,
    ) -> Result<(Vec<GiftRedemption>, i64), StorageError>;

    /// Moves a redemption from one of `from` to `to`, stamping the time, guarded: false when
    /// it is in none of `from` (another request moved it first).
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn move_redemption(
        &mut self,
        tenant: TenantId,
        id: GiftRedemptionId,
        from: &[RedemptionStatus],
        to: RedemptionStatus,
        method: Option<&str>,
        at: DateTime<Utc>,
    ) -> Result<bool, StorageError>;
}

#[cfg(test)]
mod tests;
