//! Where checkout's data is kept.

use chrono::{DateTime, Utc};
use kedai_core::{StorageError, TenantId};

use super::{
    ShippingMethod, ShippingMethodDraft, ShippingMethodId, ShopOrderInfo, ShopPaymentMethod,
    ShopPaymentMethodId,
};
use crate::{Order, OrderId};

/// Shipping methods, payment-method options and the shop facts of orders. Every method is
/// confined to one tenant; deleted methods are kept (orders name them) but never returned.
pub trait CheckoutRepository {
    /// Stores a new shipping method and returns its id.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn insert_shipping_method(
        &mut self,
        tenant: TenantId,
        draft: &ShippingMethodDraft,
        now: DateTime<Utc>,
    ) -> Result<ShippingMethodId, StorageError>;

    /// One shipping method of the tenant (not deleted).
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn find_shipping_method(
        &mut self,
        tenant: TenantId,
        id: ShippingMethodId,
    ) -> Result<Option<ShippingMethod>, StorageError>;

    /// The tenant's shipping methods (only active ones when `active_only`), by sort order then
    /// id.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn list_shipping_methods(
        &mut self,
        tenant: TenantId,
        active_only: bool,
    ) -> Result<Vec<ShippingMethod>, StorageError>;

    /// Saves a changed shipping method; false when it no longer exists.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn update_shipping_method(&mut self, method: &ShippingMethod) -> Result<bool, StorageError>;

    /// Deletes a shipping method (kept for the orders that name it); false when it did not
    /// exist.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn delete_shipping_method(
        &mut self,
        tenant: TenantId,
        id: ShippingMethodId,
        at: DateTime<Utc>,
    ) -> Result<bool, StorageError>;

    /// Stores a new payment method.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn insert_payment_method(&mut self, method: &ShopPaymentMethod) -> Result<(), StorageError>;

    /// One payment method of the tenant (not deleted).
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn find_payment_method(
        &mut self,
        tenant: TenantId,
        id: ShopPaymentMethodId,
    ) -> Result<Option<ShopPaymentMethod>, StorageError>;

    /// The tenant's payment methods (only active ones when `active_only`), by position then
    /// id.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn list_payment_methods(
        &mut self,
        tenant: TenantId,
        active_only: bool,
    ) -> Result<Vec<ShopPaymentMethod>, StorageError>;

    /// Saves a changed payment method; false when it no longer exists.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn update_payment_method(&mut self, method: &ShopPaymentMethod) -> Result<bool, StorageError>;

    /// Deletes a payment method (kept for the orders that name it); false when it did not
    /// exist.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn delete_payment_method(
        &mut self,
        tenant: TenantId,
        id: ShopPaymentMethodId,
        at: DateTime<Utc>,
    ) -> Result<bool, StorageError>;

    /// Records the shop facts of an order just stored, in the same transaction.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn set_shop_info(
        &mut self,
        tenant: TenantId,
        order: OrderId,
        info: &ShopOrderInfo,
    ) -> Result<(), StorageError>;

    /// The shop facts of an order of the tenant.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn shop_info(
        &mut self,
        tenant: TenantId,
        order: OrderId,
    ) -> Result<Option<ShopOrderInfo>, StorageError>;

    /// A page of a customer's storefront orders (channel `online`), newest first, and how many
    /// there are.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn customer_shop_orders(
        &mut self,
        tenant: TenantId,
        customer_id: &str,
        page: kedai_core::Page,
    ) -> Result<(Vec<Order>, i64), StorageError>;
}
