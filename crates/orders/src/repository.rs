//! What the order use cases need from storage. Implemented by a unit of work: one connection,
//! one transaction.

use chrono::{DateTime, Utc};
use kedai_core::{Page, StorageError, TenantId};

use crate::{
    Order, OrderCustomer, OrderFact, OrderFilter, OrderId, OrderItem, OrderSort, OrderStatus,
    Payment, PaymentStatus, StatusChange,
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

    /// One order of the tenant, by its number.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn find_order_by_number(
        &mut self,
        tenant: TenantId,
        number: &str,
    ) -> Result<Option<Order>, StorageError>;

    /// One page of the tenant's orders matching `filter`, in `sort` order, and how many match
    /// in all. Two queries whatever the page size.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn list_orders(
        &mut self,
        tenant: TenantId,
        filter: &OrderFilter,
        sort: OrderSort,
        page: Page,
    ) -> Result<(Vec<Order>, i64), StorageError>;

    /// The items of every order in `orders` (one tenant), in one query, each order's items in
    /// the order they were given.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn items_of_orders(&mut self, orders: &[Order]) -> Result<Vec<OrderItem>, StorageError>;

    /// The tenant's customers among `ids`, in one query.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn order_customers(
        &mut self,
        tenant: TenantId,
        ids: &[String],
    ) -> Result<Vec<OrderCustomer>, StorageError>;

    /// Writes an order's details, amounts, coupon and tracking number (never its status or
    /// stamps) — only if it is still in `expected`. Returns false, changing nothing, if not.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn update_order_fields(
        &mut self,
        order: &Order,
        expected: OrderStatus,
    ) -> Result<bool, StorageError>;

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
    /// is still in `order_status` (the status the payment was decided on) and its total still
    /// equals the payment's amount. Returns false, and records nothing, if not.
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

    /// Summary facts of the tenant's orders created in `[from, to)`, grouped by the database:
    /// one fact per local day, status and paid flag when `day_starts` splits the range into
    /// days (day `i` runs from `day_starts[i]` to the next start, the last one to `to`; each
    /// fact's `created_at` is its day's start), or one per status and paid flag when
    /// `day_starts` is empty (each fact's `created_at` is then `from`).
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn order_facts(
        &mut self,
        tenant: TenantId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        day_starts: &[DateTime<Utc>],
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
