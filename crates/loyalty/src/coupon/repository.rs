//! Where coupons and their redemptions are kept.

use chrono::{DateTime, Utc};
use kedai_core::{Page, StorageError, TenantId};

use super::aggregate::{Coupon, CouponId, CouponStatus};
use super::code::CouponCode;
use super::redemption::Redemption;

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
