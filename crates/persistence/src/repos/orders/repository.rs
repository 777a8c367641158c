//! The order repository on the unit of work: each method hands its work to the file that holds
//! that concern.

use chrono::{DateTime, Utc};
use kedai_core::{Page, ProductId, StorageError, TenantId};
use kedai_orders::{
    Order, OrderCustomer, OrderFact, OrderFilter, OrderId, OrderItem, OrderRepository, OrderSort,
    OrderStatus, Payment, StatusChange,
};

use super::{facts, list, payments, read, write};
use crate::repos::Tx;

impl OrderRepository for Tx<'_> {
    fn next_order_sequence(&mut self, tenant: TenantId, year: i32) -> Result<i64, StorageError> {
        write::next_order_sequence(self, tenant, year)
    }

    fn insert_order(
        &mut self,
        order: &Order,
        items: &[OrderItem],
        created: &StatusChange,
    ) -> Result<(), StorageError> {
        write::insert_order(self, order, items, created)
    }

    fn find_order(&mut self, tenant: TenantId, id: OrderId) -> Result<Option<Order>, StorageError> {
        read::find_order(self, tenant, id)
    }

    fn order_items(&mut self, order: &Order) -> Result<Vec<OrderItem>, StorageError> {
        read::order_items(self, order)
    }

    fn find_order_by_number(
        &mut self,
        tenant: TenantId,
        number: &str,
    ) -> Result<Option<Order>, StorageError> {
        read::find_order_by_number(self, tenant, number)
    }

    fn list_orders(
        &mut self,
        tenant: TenantId,
        filter: &OrderFilter,
        sort: OrderSort,
        page: Page,
    ) -> Result<(Vec<Order>, i64), StorageError> {
        list::list_orders(self, tenant, filter, sort, page)
    }

    fn items_of_orders(&mut self, orders: &[Order]) -> Result<Vec<OrderItem>, StorageError> {
        read::items_of_orders(self, orders)
    }

    fn order_customers(
        &mut self,
        tenant: TenantId,
        ids: &[String],
    ) -> Result<Vec<OrderCustomer>, StorageError> {
        read::order_customers(self, tenant, ids)
    }

    fn update_order_fields(
        &mut self,
        o: &Order,
        expected: OrderStatus,
    ) -> Result<bool, StorageError> {
        write::update_order_fields(self, o, expected)
    }

    fn transition(&mut self, tenant: TenantId, c: &StatusChange) -> Result<bool, StorageError> {
        write::transition(self, tenant, c)
    }

    fn status_history(
        &mut self,
        tenant: TenantId,
        id: OrderId,
    ) -> Result<Vec<StatusChange>, StorageError> {
        read::status_history(self, tenant, id)
    }

    fn record_payment(
        &mut self,
        p: &Payment,
        order_status: OrderStatus,
    ) -> Result<bool, StorageError> {
        payments::record_payment(self, p, order_status)
    }

    fn payments(&mut self, tenant: TenantId, id: OrderId) -> Result<Vec<Payment>, StorageError> {
        payments::payments(self, tenant, id)
    }

    fn order_facts(
        &mut self,
        tenant: TenantId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        day_starts: &[DateTime<Utc>],
    ) -> Result<Vec<OrderFact>, StorageError> {
        facts::order_facts(self, tenant, from, to, day_starts)
    }

    fn open_orders_with_product(
        &mut self,
        tenant: TenantId,
        product: ProductId,
    ) -> Result<i64, StorageError> {
        read::open_orders_with_product(self, tenant, product)
    }
}
