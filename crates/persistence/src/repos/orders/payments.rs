//! An order's payments: recording one against the order's status and total, and listing them.

use diesel::prelude::*;
use kedai_core::{StorageError, TenantId};
use kedai_orders::{OrderId, OrderStatus, Payment};

use super::rows::PaymentRow;
use crate::convert::{currency, money, parse, storage_error, ts, utc};
use crate::repos::Tx;
use crate::schema::{orders, payments};

pub(super) fn record_payment(
    tx: &mut Tx<'_>,
    p: &Payment,
    order_status: OrderStatus,
) -> Result<bool, StorageError> {
    // Guard first: a payment decided on a stale status, or for a total an edit has since
    // changed (every payment is for exactly the order total), must not be written at all.
    let touched = diesel::update(
        orders::table
            .filter(orders::tenant_id.eq(p.tenant_id.to_string()))
            .filter(orders::id.eq(p.order_id.to_string()))
            .filter(orders::status.eq(order_status.as_str()))
            .filter(orders::total_amount_minor.eq(p.amount.minor())),
    )
    .set((
        orders::payment_status.eq(Some(p.status.as_str())),
        orders::updated_at.eq(ts(p.created_at)),
    ))
    .execute(tx.conn)
    .map_err(storage_error)?;
    if touched != 1 {
        return Ok(false);
    }
    diesel::insert_into(payments::table)
        .values(PaymentRow {
            id: p.id.to_string(),
            tenant_id: p.tenant_id.to_string(),
            order_id: p.order_id.to_string(),
            method: p.method.clone(),
            amount_minor: p.amount.minor(),
            currency: p.amount.currency().code().to_owned(),
            status: p.status.as_str().to_owned(),
            created_by: p.created_by.clone(),
            created_at: ts(p.created_at),
        })
        .execute(tx.conn)
        .map(|_| true)
        .map_err(storage_error)
}

pub(super) fn payments(
    tx: &mut Tx<'_>,
    tenant: TenantId,
    id: OrderId,
) -> Result<Vec<Payment>, StorageError> {
    payments::table
        .filter(payments::tenant_id.eq(tenant.to_string()))
        .filter(payments::order_id.eq(id.to_string()))
        .order((payments::created_at, payments::id))
        .load::<PaymentRow>(tx.conn)
        .map_err(storage_error)?
        .into_iter()
        .map(|r| {
            let c = currency(&r.currency)?;
            Ok(Payment {
                id: parse("payment id", &r.id)?,
                tenant_id: tenant,
                order_id: id,
                method: r.method,
                amount: money(r.amount_minor, c),
                status: parse("payment status", &r.status)?,
                created_by: r.created_by,
                created_at: utc(r.created_at),
            })
        })
        .collect()
}
