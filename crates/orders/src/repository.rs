//! What the order use cases need from storage. Implemented by a unit of work: one connection,
//! one transaction.

use chrono::{DateTime, Utc};
use kedai_core::{StorageError, TenantId};

use crate::{
    Order, OrderFact, OrderId, OrderItem, OrderStatus, Payment, PaymentStatus, StatusChange,
};

/// Orders, their items, payments and status history.
pub trait OrderRepository {
    /// Claims the next order sequence number for a tenant and year, atomically: concurrent
    /// callers never receive the same number, and a number is never handed out twice.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn next_order_sequence(&mut self, tenant: TenantId, year: i32) -> Result<i64, StorageError>;

    /// Stores a new order with its items and its first status-history row.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn insert_order(
        &mut self,
        order: &Order,
        items: &[OrderItem],
        created: &StatusChange,
    ) -> Result<(), StorageError>;

    /// One order of the tenant.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn find_order(&mut self, tenant: TenantId, id: OrderId) -> Result<Option<Order>, StorageError>;

    /// The items of a loaded order, in the order they were given (priced in its currency).
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn order_items(&mut self, order: &Order) -> Result<Vec<OrderItem>, StorageError>;

    /// Moves the order from `change.from` to `change.to`, stamps the status's `*_at` field,
    /// records the tracking number if any, and appends the history row — only if the order is
    /// still in `change.from`. Returns false (and changes nothing) if it is not.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn transition(&mut self, tenant: TenantId, change: &StatusChange)
    -> Result<bool, StorageError>;

    /// The order's status history, oldest first.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn status_history(
        &mut self,
        tenant: TenantId,
        id: OrderId,
    ) -> Result<Vec<StatusChange>, StorageError>;

    /// Appends a payment record and sets the order's payment status to it — only if the order
    /// is still in `order_status` (the status the payment was decided on). Returns false, and
    /// records nothing, if it is not.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn record_payment(
        &mut self,
        payment: &Payment,
        order_status: OrderStatus,
    ) -> Result<bool, StorageError>;

    /// The order's payments, oldest first.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn payments(&mut self, tenant: TenantId, id: OrderId) -> Result<Vec<Payment>, StorageError>;

    /// Summary facts of the tenant's orders created in `[from, to)`.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn order_facts(
        &mut self,
        tenant: TenantId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<OrderFact>, StorageError>;

    /// How many of the tenant's orders holding `product` are still open.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn open_orders_with_product(
        &mut self,
        tenant: TenantId,
        product: kedai_core::ProductId,
    ) -> Result<i64, StorageError>;
}

/// True when a completed payment has not been refunded yet.
#[must_use]
pub fn has_unrefunded_payment(payments: &[Payment]) -> bool {
    let count = |s: PaymentStatus| payments.iter().filter(|p| p.status == s).count();
    count(PaymentStatus::Completed) > count(PaymentStatus::Refunded)
}

/// Statuses that count as open for [`OrderRepository::open_orders_with_product`].
#[must_use]
pub fn open_statuses() -> Vec<OrderStatus> {
    OrderStatus::ALL
        .into_iter()
        .filter(|s| s.is_open())
        .collect()
}
