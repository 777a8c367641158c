//! Coupons: codes that discount an order. The rules here decide whether a coupon applies to a
//! cart and how much it takes off; storage keeps the usage count honest under concurrency.

use chrono::{DateTime, Utc};
use kedai_core::{Currency, Money, Page, StorageError, TenantId, uuid_id};

uuid_id!(
    /// A coupon.
    CouponId
);

uuid_id!(
    /// One use of a coupon by an order.
    RedemptionId
);

kedai_core::text_enum! {
    /// How a coupon discounts.
    pub enum DiscountType ("a discount type") {
        /// A share of the cart total.
        Percentage = "percentage",
        /// A fixed amount off.
        Fixed = "fixed",
    }
}

kedai_core::text_enum! {
    /// Whether a coupon can still be used.
    pub enum CouponStatus ("a coupon status") {
        /// Usable (within its validity window and usage limit).
        Active = "active",
        /// Switched off by the merchant; never usable again.
        Disabled = "disabled",
    }
}

/// Largest percentage, in hundredths of a percent (100%).
pub const MAX_PERCENT_HUNDREDTHS: i64 = 10_000;

/// A coupon code: trimmed, upper-case, 3–32 characters of `A-Z`, `0-9`, `_` and `-`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CouponCode(String);

impl CouponCode {
    /// Normalises and checks a code (`lunch10` → `LUNCH10`).
    ///
    /// # Errors
    /// A message saying what is wrong.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let code = raw.trim().to_ascii_uppercase();
        if !(3..=32).contains(&code.len()) {
            return Err("must be 3 to 32 characters".into());
        }
        if !code
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
        {
            return Err("may contain only letters, digits, `_` and `-`".into());
        }
        Ok(Self(code))
    }

    /// The normalised code.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for CouponCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Parses a percentage with at most two decimals (`10`, `12.5`, `"7.25"`) into hundredths of a
/// percent (`1000`, `1250`, `725`). It must be above 0 and at most 100.
///
/// # Errors
/// A message saying what is wrong.
pub fn parse_percentage(text: &str) -> Result<i64, String> {
    let text = text.trim();
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !digits(whole) || !digits(fraction) || text.ends_with('.') {
        return Err("must be a number".into());
    }
    let fraction = fraction.trim_end_matches('0');
    if fraction.len() > 2 {
        return Err("may have at most 2 decimal places".into());
    }
    let whole: i64 = whole
        .parse()
        .ok()
        .filter(|w| *w <= 100)
        .ok_or("must not exceed 100")?;
    let mut hundredths = 0;
    for i in 0..2 {
        let digit = fraction
            .as_bytes()
            .get(i)
            .map_or(0, |b| i64::from(b - b'0'));
        hundredths = hundredths * 10 + digit;
    }
    let value = whole * 100 + hundredths;
    if value <= 0 {
        Err("must be greater than 0".into())
    } else if value > MAX_PERCENT_HUNDREDTHS {
        Err("must not exceed 100".into())
    } else {
        Ok(value)
    }
}

/// Renders hundredths of a percent as a decimal number (`1250` → `12.5`).
#[must_use]
#[expect(
    clippy::cast_precision_loss,
    reason = "at most 10000, exact in a double"
)]
pub fn percentage_to_f64(hundredths: i64) -> f64 {
    hundredths as f64 / 100.0
}

/// A coupon as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coupon {
    /// Id.
    pub id: CouponId,
    /// Owner.
    pub tenant_id: TenantId,
    /// Code, unique within the tenant.
    pub code: CouponCode,
    /// Title shown to staff and customers.
    pub title: String,
    /// Percentage or fixed.
    pub discount_type: DiscountType,
    /// Percentage: hundredths of a percent (1000 = 10%); fixed: minor units of `currency`.
    pub discount_value: i64,
    /// Currency of the fixed value and of the money limits.
    pub currency: Currency,
    /// Smallest cart total it applies to.
    pub min_cart_total: Option<Money>,
    /// Largest discount it gives.
    pub max_discount: Option<Money>,
    /// Not usable before.
    pub valid_from: Option<DateTime<Utc>>,
    /// Not usable after.
    pub valid_to: Option<DateTime<Utc>>,
    /// Most uses in total (`None`: unlimited).
    pub usage_limit: Option<i64>,
    /// Uses so far (released uses are given back).
    pub used_count: i64,
    /// Outlets it applies at (empty: every outlet).
    pub applicable_outlet_ids: Vec<String>,
    /// Active or disabled.
    pub status: CouponStatus,
    /// Staff member who created it.
    pub created_by: Option<String>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
    /// When it was disabled.
    pub disabled_at: Option<DateTime<Utc>>,
}

/// Why a coupon does not apply to a cart.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CouponRejection {
    /// The merchant disabled it.
    #[error("the coupon has been disabled")]
    Disabled,
    /// Its validity window has not opened yet.
    #[error("the coupon is not valid until {0}")]
    NotYetValid(DateTime<Utc>),
    /// Its validity window has closed.
    #[error("the coupon expired at {0}")]
    Expired(DateTime<Utc>),
    /// Every use has been taken.
    #[error("the coupon's usage limit has been reached")]
    UsageLimitReached,
    /// It applies at some outlets only, and no outlet was named.
    #[error("the coupon applies at certain outlets only; an outlet is required")]
    OutletRequired,
    /// It does not apply at the named outlet.
    #[error("the coupon does not apply at outlet {0}")]
    WrongOutlet(String),
    /// The cart total is below the coupon's minimum.
    #[error("the cart total must be at least {0}")]
    BelowMinimum(Money),
    /// The cart is in another currency than the coupon.
    #[error("the coupon is for {coupon}, not {cart}")]
    CurrencyMismatch {
        /// The coupon's currency.
        coupon: Currency,
        /// The cart's currency.
        cart: Currency,
    },
}

impl CouponRejection {
    /// True when the coupon failed on its validity window having closed (`COUPON_EXPIRED`);
    /// every other rejection, including "not yet valid", is an invalid coupon.
    #[must_use]
    pub const fn is_expiry(&self) -> bool {
        matches!(self, Self::Expired(_))
    }
}

impl Coupon {
    /// The discount this coupon gives on `cart_total` at `outlet`, at `now`.
    ///
    /// Checks, in order: status, validity window (`valid_from ≤ now ≤ valid_to`), usage limit,
    /// outlet (an empty list applies everywhere; a restricted coupon needs an outlet), currency
    /// and minimum cart total. A percentage is rounded half-up to the minor unit (10% of 29.80
    /// is 2.98); the result is capped by `max_discount` and never exceeds the cart total (nor
    /// goes below zero).
    ///
    /// # Errors
    /// The first [`CouponRejection`] that applies.
    pub fn discount_for(
        &self,
        now: DateTime<Utc>,
        outlet: Option<&str>,
        cart_total: Money,
    ) -> Result<Money, CouponRejection> {
        if self.status == CouponStatus::Disabled {
            return Err(CouponRejection::Disabled);
        }
        if let Some(from) = self.valid_from.filter(|from| now < *from) {
            return Err(CouponRejection::NotYetValid(from));
        }
        if let Some(to) = self.valid_to.filter(|to| now > *to) {
            return Err(CouponRejection::Expired(to));
        }
        if self.usage_limit.is_some_and(|l| self.used_count >= l) {
            return Err(CouponRejection::UsageLimitReached);
        }
        if !self.applicable_outlet_ids.is_empty() {
            match outlet {
                None => return Err(CouponRejection::OutletRequired),
                Some(o) if !self.applicable_outlet_ids.iter().any(|a| a == o) => {
                    return Err(CouponRejection::WrongOutlet(o.to_owned()));
                }
                Some(_) => {}
            }
        }
        if cart_total.currency() != self.currency {
            return Err(CouponRejection::CurrencyMismatch {
                coupon: self.currency,
                cart: cart_total.currency(),
            });
        }
        if let Some(min) = self
            .min_cart_total
            .filter(|m| cart_total.minor() < m.minor())
        {
            return Err(CouponRejection::BelowMinimum(min));
        }
        Ok(Money::from_minor(
            self.discount_minor(cart_total.minor()),
            self.currency,
        ))
    }

    /// The discount in minor units on a total of `total` minor units, after the cap, clamped
    /// to `0..=total`.
    fn discount_minor(&self, total: i64) -> i64 {
        let total = total.max(0);
        let raw = match self.discount_type {
            DiscountType::Percentage => {
                // Half-up to the minor unit; i128 cannot overflow for i64 × 10000.
                let product = i128::from(total) * i128::from(self.discount_value.max(0));
                i64::try_from((product + 5_000) / 10_000).unwrap_or(i64::MAX)
            }
            DiscountType::Fixed => self.discount_value.max(0),
        };
        let capped = self
            .max_discount
            .map_or(raw, |cap| raw.min(cap.minor().max(0)));
        capped.min(total)
    }
}

/// A coupon as requested, with amounts already in the tenant's currency.
#[derive(Debug, Clone)]
pub struct CouponDraft {
    /// Title.
    pub title: String,
    /// Code as given.
    pub code: String,
    /// Discount type.
    pub discount_type: DiscountType,
    /// Hundredths of a percent or minor units, as parsed by the caller.
    pub discount_value: i64,
    /// Minimum cart total.
    pub min_cart_total: Option<Money>,
    /// Discount cap.
    pub max_discount: Option<Money>,
    /// Window start.
    pub valid_from: Option<DateTime<Utc>>,
    /// Window end.
    pub valid_to: Option<DateTime<Utc>>,
    /// Most uses.
    pub usage_limit: Option<i64>,
    /// Outlets (empty: all).
    pub applicable_outlet_ids: Vec<String>,
}

/// A field of a draft that breaks a rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidField {
    /// The field, as named in the request.
    pub field: &'static str,
    /// What is wrong.
    pub message: String,
}

fn bad(field: &'static str, message: impl Into<String>) -> InvalidField {
    InvalidField {
        field,
        message: message.into(),
    }
}

impl CouponDraft {
    /// Checks every field and builds the new coupon, active and unused.
    ///
    /// # Errors
    /// Every [`InvalidField`] found (not just the first).
    pub fn into_coupon(
        self,
        id: CouponId,
        tenant_id: TenantId,
        currency: Currency,
        created_by: Option<String>,
        now: DateTime<Utc>,
    ) -> Result<Coupon, Vec<InvalidField>> {
        let mut errors = Vec::new();
        let title = self.title.trim().to_owned();
        if title.is_empty() || title.chars().count() > 200 {
            errors.push(bad("title", "must be 1 to 200 characters"));
        }
        let code = CouponCode::parse(&self.code).map_err(|m| errors.push(bad("code", m)));
        if self.discount_value <= 0 {
            errors.push(bad("discount_value", "must be greater than 0"));
        } else if self.discount_type == DiscountType::Percentage
            && self.discount_value > MAX_PERCENT_HUNDREDTHS
        {
            errors.push(bad("discount_value", "must not exceed 100"));
        }
        if self.min_cart_total.is_some_and(|m| m.is_negative()) {
            errors.push(bad("min_cart_total", "must not be negative"));
        }
        if self.max_discount.is_some_and(|m| !m.is_positive()) {
            errors.push(bad("max_discount", "must be greater than 0"));
        }
        if let (Some(from), Some(to)) = (self.valid_from, self.valid_to)
            && to <= from
        {
            errors.push(bad("valid_to", "must be after valid_from"));
        }
        if self.usage_limit.is_some_and(|l| l <= 0) {
            errors.push(bad("usage_limit", "must be greater than 0"));
        }
        let mut outlets: Vec<String> = Vec::with_capacity(self.applicable_outlet_ids.len());
        for o in &self.applicable_outlet_ids {
            let o = o.trim();
            if o.is_empty() {
                errors.push(bad("applicable_outlet_ids", "must not contain empty ids"));
            } else if !outlets.iter().any(|x| x == o) {
                outlets.push(o.to_owned());
            }
        }
        match code {
            Ok(code) if errors.is_empty() => Ok(Coupon {
                id,
                tenant_id,
                code,
                title,
                discount_type: self.discount_type,
                discount_value: self.discount_value,
                currency,
                min_cart_total: self.min_cart_total,
                max_discount: self.max_discount,
                valid_from: self.valid_from,
                valid_to: self.valid_to,
                usage_limit: self.usage_limit,
                used_count: 0,
                applicable_outlet_ids: outlets,
                status: CouponStatus::Active,
                created_by,
                created_at: now,
                updated_at: now,
                disabled_at: None,
            }),
            _ => Err(errors),
        }
    }
}

/// One use of a coupon by an order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redemption {
    /// Id.
    pub id: RedemptionId,
    /// Owner.
    pub tenant_id: TenantId,
    /// The coupon.
    pub coupon_id: CouponId,
    /// The order that used it (one redemption per order).
    pub order_id: String,
    /// The customer, when known.
    pub customer_id: Option<String>,
    /// The discount given.
    pub discount: Money,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// Coupons and their redemptions. Every method is confined to one tenant.
pub trait CouponRepository {
    /// Stores a new coupon. `Ok(Err(()))` when its code is already used in the tenant.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn insert_coupon(&mut self, coupon: &Coupon) -> Result<Result<(), ()>, StorageError>;

    /// One coupon of the tenant.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn find_coupon(
        &mut self,
        tenant: TenantId,
        id: CouponId,
    ) -> Result<Option<Coupon>, StorageError>;

    /// The tenant's coupon with this code.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn find_coupon_by_code(
        &mut self,
        tenant: TenantId,
        code: &CouponCode,
    ) -> Result<Option<Coupon>, StorageError>;

    /// A page of the tenant's coupons, newest first, optionally of one status, with the
    /// number of matching coupons.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn list_coupons(
        &mut self,
        tenant: TenantId,
        status: Option<CouponStatus>,
        page: Page,
    ) -> Result<(Vec<Coupon>, i64), StorageError>;

    /// Disables an active coupon. Returns false when it was not active (already disabled).
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn disable_coupon(
        &mut self,
        tenant: TenantId,
        id: CouponId,
        at: DateTime<Utc>,
    ) -> Result<bool, StorageError>;

    /// Which of `ids` are live outlets of the tenant.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn existing_outlets(
        &mut self,
        tenant: TenantId,
        ids: &[String],
    ) -> Result<Vec<String>, StorageError>;

    /// Takes one use of an active coupon, atomically: one guarded update that succeeds only
    /// while the coupon is active and below its usage limit. Returns false, changing nothing,
    /// otherwise. However many orders race, the count never passes the limit.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn claim_use(&mut self, tenant: TenantId, id: CouponId) -> Result<bool, StorageError>;

    /// Records which order used a coupon (after [`CouponRepository::claim_use`]).
    ///
    /// # Errors
    /// [`StorageError`] on backend failure (including a second redemption for one order).
    fn record_redemption(&mut self, redemption: &Redemption) -> Result<(), StorageError>;

    /// Gives back the use an order took: marks its unreleased redemption released and lowers
    /// the coupon's count, once. Returns the coupon, or `None` when the order has no
    /// unreleased redemption.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn release_for_order(
        &mut self,
        tenant: TenantId,
        order_id: &str,
        at: DateTime<Utc>,
    ) -> Result<Option<CouponId>, StorageError>;
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn myr() -> Currency {
        Currency::from_code("MYR").unwrap_or_else(|e| panic!("{e}"))
    }

    fn at(day: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 4, day, 12, 0, 0)
            .single()
            .unwrap_or_else(|| panic!("bad date"))
    }

    fn rm(minor: i64) -> Money {
        Money::from_minor(minor, myr())
    }

    fn lunch10() -> Coupon {
        CouponDraft {
            title: "10% OFF Lunch Promo".into(),
            code: " lunch10 ".into(),
            discount_type: DiscountType::Percentage,
            discount_value: 1000,
            min_cart_total: None,
            max_discount: None,
            valid_from: Some(at(15)),
            valid_to: Some(at(25)),
            usage_limit: Some(500),
            applicable_outlet_ids: vec![],
        }
        .into_coupon(CouponId::new(), TenantId::new(), myr(), None, at(1))
        .unwrap_or_else(|e| panic!("{e:?}"))
    }

    #[test]
    fn ten_percent_of_29_80_is_2_98() {
        let c = lunch10();
        assert_eq!(c.code.as_str(), "LUNCH10");
        assert_eq!(c.discount_for(at(20), None, rm(2980)), Ok(rm(298)));
    }

    #[test]
    fn percentages_round_half_up_and_respect_the_cap_and_the_total() {
        let mut c = lunch10();
        c.discount_value = 1250; // 12.5%
        assert_eq!(c.discount_for(at(20), None, rm(100)), Ok(rm(13))); // 12.5 → 13
        assert_eq!(c.discount_for(at(20), None, rm(99)), Ok(rm(12))); // 12.375 → 12
        c.max_discount = Some(rm(500));
        assert_eq!(c.discount_for(at(20), None, rm(100_000)), Ok(rm(500)));
        c.discount_value = MAX_PERCENT_HUNDREDTHS;
        c.max_discount = None;
        assert_eq!(c.discount_for(at(20), None, rm(2980)), Ok(rm(2980)));
        assert_eq!(c.discount_for(at(20), None, rm(0)), Ok(rm(0)));
    }

    #[test]
    fn fixed_discounts_never_exceed_the_cart() {
        let mut c = lunch10();
        c.discount_type = DiscountType::Fixed;
        c.discount_value = 500;
        assert_eq!(c.discount_for(at(20), None, rm(2980)), Ok(rm(500)));
        assert_eq!(c.discount_for(at(20), None, rm(300)), Ok(rm(300)));
        c.max_discount = Some(rm(200));
        assert_eq!(c.discount_for(at(20), None, rm(2980)), Ok(rm(200)));
    }

    #[test]
    fn rejections_in_order() {
        let c = lunch10();
        let cart = rm(2980);
        // The window is inclusive at both ends.
        assert!(c.discount_for(at(15), None, cart).is_ok());
        assert!(c.discount_for(at(25), None, cart).is_ok());
        let early = c.discount_for(at(14), None, cart);
        assert_eq!(early, Err(CouponRejection::NotYetValid(at(15))));
        assert!(!early.err().is_some_and(|r| r.is_expiry()));
        let late = c.discount_for(at(26), None, cart);
        assert_eq!(late, Err(CouponRejection::Expired(at(25))));
        assert!(late.err().is_some_and(|r| r.is_expiry()));

        let mut used_up = c.clone();
        used_up.used_count = 500;
        assert_eq!(
            used_up.discount_for(at(20), None, cart),
            Err(CouponRejection::UsageLimitReached)
        );
        used_up.usage_limit = None;
        assert!(used_up.discount_for(at(20), None, cart).is_ok());

        let mut off = c.clone();
        off.status = CouponStatus::Disabled;
        assert_eq!(
            off.discount_for(at(20), None, cart),
            Err(CouponRejection::Disabled)
        );

        let mut min = c.clone();
        min.min_cart_total = Some(rm(3000));
        assert_eq!(
            min.discount_for(at(20), None, cart),
            Err(CouponRejection::BelowMinimum(rm(3000)))
        );
        assert!(min.discount_for(at(20), None, rm(3000)).is_ok());

        let hkd = Currency::from_code("HKD").unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(
            c.discount_for(at(20), None, Money::from_minor(2980, hkd)),
            Err(CouponRejection::CurrencyMismatch { .. })
        ));
    }

    #[test]
    fn outlet_restrictions() {
        let mut c = lunch10();
        assert!(c.discount_for(at(20), Some("any"), rm(100)).is_ok());
        c.applicable_outlet_ids = vec!["out_101".into(), "out_102".into()];
        assert_eq!(
            c.discount_for(at(20), None, rm(100)),
            Err(CouponRejection::OutletRequired)
        );
        assert_eq!(
            c.discount_for(at(20), Some("out_999"), rm(100)),
            Err(CouponRejection::WrongOutlet("out_999".into()))
        );
        assert!(c.discount_for(at(20), Some("out_102"), rm(100)).is_ok());
    }

    #[test]
    fn codes_are_normalised_and_checked() {
        assert_eq!(
            CouponCode::parse(" summer-sale_1 ").map(|c| c.0),
            Ok("SUMMER-SALE_1".into())
        );
        for bad in [
            "",
            "AB",
            "HAS SPACE",
            "ÜBER10",
            "X".repeat(33).as_str(),
            "a.b.c",
        ] {
            assert!(CouponCode::parse(bad).is_err(), "{bad:?}");
        }
        assert!(CouponCode::parse(&"X".repeat(32)).is_ok());
    }

    #[test]
    fn percentages_parse_to_hundredths() {
        assert_eq!(parse_percentage("10"), Ok(1000));
        assert_eq!(parse_percentage("12.5"), Ok(1250));
        assert_eq!(parse_percentage("7.25"), Ok(725));
        assert_eq!(parse_percentage("0.01"), Ok(1));
        assert_eq!(parse_percentage("100"), Ok(10_000));
        assert_eq!(parse_percentage("100.00"), Ok(10_000));
        assert_eq!(parse_percentage("10.500"), Ok(1050));
        for bad in [
            "0", "0.00", "-5", "100.01", "101", "1.234", "abc", "", ".5", "5.", "1e2",
        ] {
            assert!(parse_percentage(bad).is_err(), "{bad:?}");
        }
        assert!((percentage_to_f64(1250) - 12.5).abs() < f64::EPSILON);
    }

    #[test]
    fn drafts_report_every_bad_field() {
        let draft = CouponDraft {
            title: " ".into(),
            code: "x".into(),
            discount_type: DiscountType::Percentage,
            discount_value: 0,
            min_cart_total: Some(rm(-1)),
            max_discount: Some(rm(0)),
            valid_from: Some(at(10)),
            valid_to: Some(at(10)),
            usage_limit: Some(0),
            applicable_outlet_ids: vec![" ".into()],
        };
        let errors = draft
            .into_coupon(CouponId::new(), TenantId::new(), myr(), None, at(1))
            .err()
            .unwrap_or_default();
        let fields: Vec<&str> = errors.iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            [
                "title",
                "code",
                "discount_value",
                "min_cart_total",
                "max_discount",
                "valid_to",
                "usage_limit",
                "applicable_outlet_ids"
            ]
        );
    }

    proptest! {
        #[test]
        fn discount_is_between_zero_and_the_total(
            total in 0_i64..10_000_000_000,
            percent in 1_i64..=10_000,
            fixed in 1_i64..10_000_000_000,
            cap in proptest::option::of(1_i64..1_000_000_000),
            percentage in any::<bool>(),
        ) {
            let mut c = lunch10();
            c.discount_type = if percentage { DiscountType::Percentage } else { DiscountType::Fixed };
            c.discount_value = if percentage { percent } else { fixed };
            c.max_discount = cap.map(rm);
            let d = c.discount_for(at(20), None, rm(total)).map(|m| m.minor());
            prop_assert!(matches!(d, Ok(x) if (0..=total).contains(&x)), "{d:?}");
            if let (Ok(x), Some(cap)) = (d, cap) {
                prop_assert!(x <= cap);
            }
        }
    }
}
