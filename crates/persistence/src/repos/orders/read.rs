//! Reading orders: one order by id or number, their items and customers, the status history,
//! and the open orders holding a product.

use diesel::prelude::*;
use kedai_core::{ProductId, StorageError, TenantId};
use kedai_orders::{
    Order, OrderCustomer, OrderId, OrderItem, OrderStatus, StatusChange, open_statuses,
};

use super::rows::{HistoryRow, ItemRow, OrderRow};
use crate::convert::{corrupt, money, parse, product_id, storage_error, utc};
use crate::repos::Tx;
use crate::schema::{customers, order_items, order_status_history, orders};

pub(super) fn find_order(
    tx: &mut Tx<'_>,
    tenant: TenantId,
    id: OrderId,
) -> Result<Option<Order>, StorageError> {
    orders::table
        .filter(orders::tenant_id.eq(tenant.to_string()))
        .filter(orders::id.eq(id.to_string()))
        .select(OrderRow::as_select())
        .first::<OrderRow>(tx.conn)
        .optional()
        .map_err(storage_error)?
        .map(Order::try_from)
        .transpose()
}

pub(super) fn order_items(tx: &mut Tx<'_>, order: &Order) -> Result<Vec<OrderItem>, StorageError> {
    items_of_orders(tx, std::slice::from_ref(order))
}

pub(super) fn find_order_by_number(
    tx: &mut Tx<'_>,
    tenant: TenantId,
    number: &str,
) -> Result<Option<Order>, StorageError> {
    orders::table
        .filter(orders::tenant_id.eq(tenant.to_string()))
        .filter(orders::order_number.eq(number))
        .select(OrderRow::as_select())
        .first::<OrderRow>(tx.conn)
        .optional()
        .map_err(storage_error)?
        .map(Order::try_from)
        .transpose()
}

pub(super) fn items_of_orders(
    tx: &mut Tx<'_>,
    orders: &[Order],
) -> Result<Vec<OrderItem>, StorageError> {
    let Some(first) = orders.first() else {
        return Ok(Vec::new());
    };
    let ids: Vec<String> = orders.iter().map(|o| o.id.to_string()).collect();
    let rows = order_items::table
        .filter(order_items::tenant_id.eq(first.tenant_id.to_string()))
        .filter(order_items::order_id.eq_any(ids))
        .order((order_items::order_id, order_items::position))
        .load::<ItemRow>(tx.conn)
        .map_err(storage_error)?;
    rows.into_iter()
        .map(|r| {
            let order = orders
                .iter()
                .find(|o| o.id.to_string() == r.order_id)
                .ok_or_else(|| corrupt("order item of another order"))?;
            let c = order.currency;
            Ok(OrderItem {
                id: parse("order item id", &r.id)?,
                order_id: order.id,
                product_id: product_id(r.product_id)?,
                parent_product_id: r.parent_product_id.map(product_id).transpose()?,
                product_name: r.product_name,
                product_sku: r.product_sku,
                product_description: r.product_description,
                product_image_url: r.product_image_url,
                quantity: r.quantity,
                unit_price: money(r.unit_price_minor, c),
                total_price: money(r.total_price_minor, c),
                created_at: utc(r.created_at),
            })
        })
        .collect()
}

pub(super) fn order_customers(
    tx: &mut Tx<'_>,
    tenant: TenantId,
    ids: &[String],
) -> Result<Vec<OrderCustomer>, StorageError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    customers::table
        .filter(customers::tenant_id.eq(tenant.to_string()))
        .filter(customers::id.eq_any(ids))
        .select((
            customers::id,
            customers::name,
            customers::email,
            customers::phone,
        ))
        .load::<(String, String, Option<String>, Option<String>)>(tx.conn)
        .map_err(storage_error)
        .map(|rows| {
            rows.into_iter()
                .map(|(id, name, email, phone)| OrderCustomer {
                    id,
                    name,
                    email,
                    phone,
                })
                .collect()
        })
}

pub(super) fn status_history(
    tx: &mut Tx<'_>,
    tenant: TenantId,
    id: OrderId,
) -> Result<Vec<StatusChange>, StorageError> {
    order_status_history::table
        .filter(order_status_history::tenant_id.eq(tenant.to_string()))
        .filter(order_status_history::order_id.eq(id.to_string()))
        .order((order_status_history::created_at, order_status_history::id))
        .load::<HistoryRow>(tx.conn)
        .map_err(storage_error)?
        .into_iter()
        .map(|r| {
            Ok(StatusChange {
                order_id: id,
                from: r
                    .from_status
                    .as_deref()
                    .map(|s| parse("order status", s))
                    .transpose()?,
                to: parse("order status", &r.to_status)?,
                tracking_number: r.tracking_number,
                actor: r.actor,
                reason: r.reason,
                at: utc(r.created_at),
            })
        })
        .collect()
}

pub(super) fn open_orders_with_product(
    tx: &mut Tx<'_>,
    tenant: TenantId,
    product: ProductId,
) -> Result<i64, StorageError> {
    let open: Vec<&str> = open_statuses()
        .into_iter()
        .map(OrderStatus::as_str)
        .collect();
    let holding = order_items::table
        .filter(order_items::tenant_id.eq(tenant.to_string()))
        .filter(order_items::product_id.eq(product.get()))
        .select(order_items::order_id);
    orders::table
        .filter(orders::tenant_id.eq(tenant.to_string()))
        .filter(orders::status.eq_any(open))
        .filter(orders::id.eq_any(holding))
        .count()
        .get_result(tx.conn)
        .map_err(storage_error)
}
