//! Refunds of completed orders: guarded updates keep what an order refunded within its total
//! and each line's returned units within its quantity, then the refund and its `refunded`
//! payment record are written.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use kedai_core::{Money, StorageError, TenantId};
use kedai_orders::{
    OrderId, OrderStatus, Payment, Refund, RefundRepository, RefundedLine, Returned,
};
use serde_json::json;

use super::super::Tx;
use super::rows::PaymentRow;
use crate::convert::{corrupt, currency, money, parse, storage_error, ts, utc};
use crate::schema::{order_items, order_refunds, orders, payments};

#[derive(Queryable, Selectable)]
#[diesel(table_name = order_refunds)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
struct RefundRow {
    id: String,
    tenant_id: String,
    order_id: String,
    payment_id: String,
    amount_minor: i64,
    currency: String,
    reason: Option<String>,
    lines: String,
    points_reversed: i64,
    created_by: Option<String>,
    created_at: NaiveDateTime,
}

fn lines_json(refund: &Refund) -> String {
    serde_json::Value::from(
        refund
            .lines
            .iter()
            .map(|l| {
                json!({
                    "item_id": l.item_id.to_string(),
                    "quantity": l.quantity,
                    "amount_minor": l.amount.minor(),
                    "restock": l.restock,
                })
            })
            .collect::<Vec<_>>(),
    )
    .to_string()
}

impl TryFrom<RefundRow> for Refund {
    type Error = StorageError;

    fn try_from(r: RefundRow) -> Result<Self, StorageError> {
        let c = currency(&r.currency)?;
        let raw: Vec<serde_json::Value> =
            serde_json::from_str(&r.lines).map_err(|_| corrupt("refund lines"))?;
        let lines = raw
            .iter()
            .map(|l| {
                Ok(RefundedLine {
                    item_id: parse("order item id", l["item_id"].as_str().unwrap_or_default())?,
                    quantity: l["quantity"]
                        .as_i64()
                        .ok_or_else(|| corrupt("refund line"))?,
                    amount: money(
                        l["amount_minor"]
                            .as_i64()
                            .ok_or_else(|| corrupt("refund line"))?,
                        c,
                    ),
                    restock: l["restock"].as_bool().unwrap_or(false),
                })
            })
            .collect::<Result<_, StorageError>>()?;
        Ok(Self {
            id: parse("refund id", &r.id)?,
            tenant_id: parse("tenant id", &r.tenant_id)?,
            order_id: parse("order id", &r.order_id)?,
            payment_id: parse("payment id", &r.payment_id)?,
            amount: money(r.amount_minor, c),
            reason: r.reason,
            lines,
            points_reversed: r.points_reversed,
            created_by: r.created_by,
            created_at: utc(r.created_at),
        })
    }
}

impl RefundRepository for Tx<'_> {
    fn claim_refund(
        &mut self,
        tenant: TenantId,
        order: OrderId,
        amount: Money,
        lines: &[RefundedLine],
        at: DateTime<Utc>,
    ) -> Result<Option<Money>, StorageError> {
        let tenant = tenant.to_string();
        let order = order.to_string();
        let minor = amount.minor();
        let after: Option<i64> = diesel::update(
            orders::table
                .filter(orders::tenant_id.eq(&tenant))
                .filter(orders::id.eq(&order))
                .filter(orders::status.eq(OrderStatus::Completed.as_str()))
                .filter((orders::refunded_amount_minor + minor).le(orders::total_amount_minor)),
        )
        .set((
            orders::refunded_amount_minor.eq(orders::refunded_amount_minor + minor),
            orders::updated_at.eq(ts(at)),
        ))
        .returning(orders::refunded_amount_minor)
        .get_result(self.conn)
        .optional()
        .map_err(storage_error)?;
        let Some(after) = after else {
            return Ok(None);
        };
        for line in lines {
            let touched = diesel::update(
                order_items::table
                    .filter(order_items::tenant_id.eq(&tenant))
                    .filter(order_items::order_id.eq(&order))
                    .filter(order_items::id.eq(line.item_id.to_string()))
                    .filter(
                        (order_items::returned_quantity + line.quantity).le(order_items::quantity),
                    ),
            )
            .set(order_items::returned_quantity.eq(order_items::returned_quantity + line.quantity))
            .execute(self.conn)
            .map_err(storage_error)?;
            if touched != 1 {
                return Ok(None);
            }
        }
        Ok(Some(Money::from_minor(after, amount.currency())))
    }

    fn insert_refund(&mut self, refund: &Refund, payment: &Payment) -> Result<(), StorageError> {
        let tenant = refund.tenant_id.to_string();
        let order = refund.order_id.to_string();
        let amount = refund.amount.minor();
        diesel::insert_into(payments::table)
            .values(PaymentRow {
                id: payment.id.to_string(),
                tenant_id: tenant.clone(),
                order_id: order.clone(),
                method: payment.method.clone(),
                amount_minor: payment.amount.minor(),
                currency: payment.amount.currency().code().to_owned(),
                status: payment.status.as_str().to_owned(),
                created_by: payment.created_by.clone(),
                created_at: ts(payment.created_at),
            })
            .execute(self.conn)
            .map_err(storage_error)?;
        diesel::insert_into(order_refunds::table)
            .values((
                order_refunds::id.eq(refund.id.to_string()),
                order_refunds::tenant_id.eq(&tenant),
                order_refunds::order_id.eq(&order),
                order_refunds::payment_id.eq(refund.payment_id.to_string()),
                order_refunds::amount_minor.eq(amount),
                order_refunds::currency.eq(refund.amount.currency().code()),
                order_refunds::reason.eq(refund.reason.as_deref()),
                order_refunds::lines.eq(lines_json(refund)),
                order_refunds::points_reversed.eq(refund.points_reversed),
                order_refunds::created_by.eq(refund.created_by.as_deref()),
                order_refunds::created_at.eq(ts(refund.created_at)),
            ))
            .execute(self.conn)
            .map_err(storage_error)?;
        Ok(())
    }

    fn refunds(
        &mut self,
        tenant: TenantId,
        order: OrderId,
    ) -> Result<(Vec<Refund>, Returned), StorageError> {
        let refunds = order_refunds::table
            .filter(order_refunds::tenant_id.eq(tenant.to_string()))
            .filter(order_refunds::order_id.eq(order.to_string()))
            .order((order_refunds::created_at, order_refunds::id))
            .select(RefundRow::as_select())
            .load::<RefundRow>(self.conn)
            .map_err(storage_error)?
            .into_iter()
            .map(Refund::try_from)
            .collect::<Result<Vec<_>, _>>()?;
        let returned = order_items::table
            .filter(order_items::tenant_id.eq(tenant.to_string()))
            .filter(order_items::order_id.eq(order.to_string()))
            .filter(order_items::returned_quantity.gt(0))
            .select((order_items::id, order_items::returned_quantity))
            .load::<(String, i64)>(self.conn)
            .map_err(storage_error)?
            .into_iter()
            .map(|(id, q)| Ok((parse("order item id", &id)?, q)))
            .collect::<Result<Vec<_>, StorageError>>()?;
        Ok((refunds, returned))
    }
}
