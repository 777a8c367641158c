//! Writing orders: order numbers, a new order with its items, field edits and status
//! transitions.

use diesel::prelude::*;
use diesel::sql_types::{Integer, Text};
use kedai_core::{ProductId, StorageError, TenantId};
use kedai_orders::{Order, OrderItem, OrderStatus, StatusChange};

use super::rows::{ItemRow, OrderRow, history_row};
use crate::convert::{corrupt, storage_error, ts};
use crate::db::DbConnection;
use crate::repos::Tx;
use crate::schema::{order_items, order_status_history, orders};

#[derive(QueryableByName)]
struct Counter {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    last_value: i64,
}

pub(super) fn next_order_sequence(
    tx: &mut Tx<'_>,
    tenant: TenantId,
    year: i32,
) -> Result<i64, StorageError> {
    let rows: Vec<Counter> = if matches!(*tx.conn, DbConnection::Pg(_)) {
        // A sequence per merchant and year (see its migration): no lock held to commit, so
        // one merchant's orders do not queue on one row. A rolled-back order leaves a gap.
        diesel::sql_query("SELECT kedai_next_order_number($1, $2) AS last_value")
            .bind::<Text, _>(tenant.to_string())
            .bind::<Integer, _>(year)
            .load(tx.conn)
            .map_err(storage_error)?
    } else {
        // SQLite serialises writers anyway: a counter row, bumped in the order's
        // transaction, gives numbers without gaps.
        diesel::sql_query(
            "INSERT INTO order_counters (tenant_id, year, last_value) VALUES ($1, $2, 1) \
             ON CONFLICT (tenant_id, year) DO UPDATE SET last_value = last_value + 1 \
             RETURNING last_value",
        )
        .bind::<Text, _>(tenant.to_string())
        .bind::<Integer, _>(year)
        .load(tx.conn)
        .map_err(storage_error)?
    };
    rows.first()
        .map(|c| c.last_value)
        .ok_or_else(|| corrupt("order counter missing"))
}

pub(super) fn insert_order(
    tx: &mut Tx<'_>,
    order: &Order,
    items: &[OrderItem],
    created: &StatusChange,
) -> Result<(), StorageError> {
    diesel::insert_into(orders::table)
        .values(OrderRow::from(order))
        .execute(tx.conn)
        .map_err(storage_error)?;
    let rows = items
        .iter()
        .enumerate()
        .map(|(position, item)| {
            Ok(ItemRow {
                id: item.id.to_string(),
                tenant_id: order.tenant_id.to_string(),
                order_id: order.id.to_string(),
                position: i32::try_from(position).map_err(|_| corrupt("too many items"))?,
                product_id: item.product_id.get(),
                product_name: item.product_name.clone(),
                product_sku: item.product_sku.clone(),
                quantity: item.quantity,
                unit_price_minor: item.unit_price.minor(),
                total_price_minor: item.total_price.minor(),
                created_at: ts(item.created_at),
                parent_product_id: item.parent_product_id.map(ProductId::get),
                product_description: item.product_description.clone(),
                product_image_url: item.product_image_url.clone(),
                returned_quantity: 0,
            })
        })
        .collect::<Result<Vec<_>, StorageError>>()?;
    match &mut *tx.conn {
        // PostgreSQL: every line in one statement, one round trip.
        DbConnection::Pg(pg) if !rows.is_empty() => {
            diesel::insert_into(order_items::table)
                .values(&rows)
                .execute(pg)
                .map_err(storage_error)?;
        }
        DbConnection::Pg(_) => {}
        // SQLite runs in process: a statement per row costs no round trip.
        DbConnection::Sqlite(lite) => {
            for row in &rows {
                diesel::insert_into(order_items::table)
                    .values(row)
                    .execute(lite)
                    .map_err(storage_error)?;
            }
        }
    }
    diesel::insert_into(order_status_history::table)
        .values(history_row(order.tenant_id, created))
        .execute(tx.conn)
        .map(drop)
        .map_err(storage_error)
}

pub(super) fn update_order_fields(
    tx: &mut Tx<'_>,
    o: &Order,
    expected: OrderStatus,
) -> Result<bool, StorageError> {
    let d = &o.details;
    let n = diesel::update(
        orders::table
            .filter(orders::tenant_id.eq(o.tenant_id.to_string()))
            .filter(orders::id.eq(o.id.to_string()))
            .filter(orders::status.eq(expected.as_str())),
    )
    .set((
        orders::shipping_fee_minor.eq(o.shipping_fee.minor()),
        orders::tax_amount_minor.eq(o.tax_amount.minor()),
        orders::discount_amount_minor.eq(o.discount_amount.minor()),
        orders::total_amount_minor.eq(o.total_amount.minor()),
        orders::tracking_number.eq(o.tracking_number.as_deref()),
        orders::contact_name.eq(d.contact_name.as_deref()),
        orders::contact_phone.eq(d.contact_phone.as_deref()),
        orders::contact_email.eq(d.contact_email.as_deref()),
        orders::shipping_method.eq(d.shipping_method.as_deref()),
        orders::shipping_address.eq(d.shipping_address.as_deref()),
        orders::payment_method.eq(d.payment_method.as_deref()),
        orders::notes.eq(d.notes.as_deref()),
        orders::special_instructions.eq(d.special_instructions.as_deref()),
        orders::coupon_id.eq(o.coupon.as_ref().and_then(|c| c.coupon_id.as_deref())),
        orders::coupon_code.eq(o.coupon.as_ref().map(|c| c.code.as_str())),
        orders::coupon_discount_minor.eq(o.coupon.as_ref().map_or(0, |c| c.discount.minor())),
        orders::updated_at.eq(ts(o.updated_at)),
    ))
    .execute(tx.conn)
    .map_err(storage_error)?;
    Ok(n == 1)
}

pub(super) fn transition(
    tx: &mut Tx<'_>,
    tenant: TenantId,
    c: &StatusChange,
) -> Result<bool, StorageError> {
    let Some(from) = c.from else {
        return Err(corrupt("a status change without a from status"));
    };
    let target = orders::table
        .filter(orders::tenant_id.eq(tenant.to_string()))
        .filter(orders::id.eq(c.order_id.to_string()))
        .filter(orders::status.eq(from.as_str()));
    let at = ts(c.at);
    let status = orders::status.eq(c.to.as_str());
    let updated = orders::updated_at.eq(at);
    macro_rules! stamp {
        ($column:expr) => {
            diesel::update(target)
                .set((status, updated, $column.eq(Some(at))))
                .execute(tx.conn)
        };
    }
    let rows = match c.to {
        OrderStatus::Pending => return Err(corrupt("no status moves back to pending")),
        OrderStatus::Confirmed => stamp!(orders::confirmed_at),
        OrderStatus::Paid => stamp!(orders::paid_at),
        OrderStatus::Processing => stamp!(orders::processing_at),
        OrderStatus::Shipped => diesel::update(target)
            .set((
                status,
                updated,
                orders::shipped_at.eq(Some(at)),
                orders::tracking_number.eq(c.tracking_number.as_deref()),
            ))
            .execute(tx.conn),
        OrderStatus::Delivered => stamp!(orders::delivered_at),
        OrderStatus::Completed => stamp!(orders::completed_at),
        OrderStatus::Cancelled => stamp!(orders::cancelled_at),
        OrderStatus::Refunded => stamp!(orders::refunded_at),
    }
    .map_err(storage_error)?;
    if rows != 1 {
        return Ok(false);
    }
    diesel::insert_into(order_status_history::table)
        .values(history_row(tenant, c))
        .execute(tx.conn)
        .map_err(storage_error)?;
    Ok(true)
}
