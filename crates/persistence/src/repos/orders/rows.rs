//! Row types and conversions the order repository shares: orders, their items, payments and
//! status history.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use kedai_core::{StorageError, TenantId, new_uuid_v7};
use kedai_orders::{Order, OrderCoupon, OrderDetails, OrderNumber, StatusChange, StatusStamps};

use crate::convert::{currency, money, opt_utc, parse, ts, utc};
use crate::schema::{order_items, order_status_history, orders, payments};

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = orders)]
pub(crate) struct OrderRow {
    id: String,
    tenant_id: String,
    order_number: String,
    order_type: String,
    status: String,
    currency: String,
    subtotal_minor: i64,
    shipping_fee_minor: i64,
    tax_amount_minor: i64,
    discount_amount_minor: i64,
    total_amount_minor: i64,
    payment_status: Option<String>,
    tracking_number: Option<String>,
    customer_id: Option<String>,
    customer_email: Option<String>,
    outlet_id: Option<String>,
    contact_name: Option<String>,
    contact_phone: Option<String>,
    contact_email: Option<String>,
    shipping_method: Option<String>,
    shipping_address: Option<String>,
    payment_method: Option<String>,
    notes: Option<String>,
    special_instructions: Option<String>,
    created_by: Option<String>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    confirmed_at: Option<NaiveDateTime>,
    paid_at: Option<NaiveDateTime>,
    processing_at: Option<NaiveDateTime>,
    shipped_at: Option<NaiveDateTime>,
    delivered_at: Option<NaiveDateTime>,
    completed_at: Option<NaiveDateTime>,
    cancelled_at: Option<NaiveDateTime>,
    refunded_at: Option<NaiveDateTime>,
    coupon_id: Option<String>,
    coupon_code: Option<String>,
    coupon_discount_minor: i64,
    channel: String,
}

impl From<&Order> for OrderRow {
    fn from(o: &Order) -> Self {
        let d = &o.details;
        let s = &o.stamps;
        Self {
            id: o.id.to_string(),
            tenant_id: o.tenant_id.to_string(),
            order_number: o.order_number.as_str().to_owned(),
            order_type: o.order_type.as_str().to_owned(),
            status: o.status.as_str().to_owned(),
            currency: o.currency.code().to_owned(),
            subtotal_minor: o.subtotal.minor(),
            shipping_fee_minor: o.shipping_fee.minor(),
            tax_amount_minor: o.tax_amount.minor(),
            discount_amount_minor: o.discount_amount.minor(),
            total_amount_minor: o.total_amount.minor(),
            payment_status: o.payment_status.map(|p| p.as_str().to_owned()),
            tracking_number: o.tracking_number.clone(),
            customer_id: d.customer_id.clone(),
            customer_email: d.customer_email.clone(),
            outlet_id: d.outlet_id.clone(),
            contact_name: d.contact_name.clone(),
            contact_phone: d.contact_phone.clone(),
            contact_email: d.contact_email.clone(),
            shipping_method: d.shipping_method.clone(),
            shipping_address: d.shipping_address.clone(),
            payment_method: d.payment_method.clone(),
            notes: d.notes.clone(),
            special_instructions: d.special_instructions.clone(),
            created_by: o.created_by.clone(),
            created_at: ts(o.created_at),
            updated_at: ts(o.updated_at),
            confirmed_at: s.confirmed_at.map(ts),
            paid_at: s.paid_at.map(ts),
            processing_at: s.processing_at.map(ts),
            shipped_at: s.shipped_at.map(ts),
            delivered_at: s.delivered_at.map(ts),
            completed_at: s.completed_at.map(ts),
            cancelled_at: s.cancelled_at.map(ts),
            refunded_at: s.refunded_at.map(ts),
            coupon_id: o.coupon.as_ref().and_then(|c| c.coupon_id.clone()),
            coupon_code: o.coupon.as_ref().map(|c| c.code.clone()),
            coupon_discount_minor: o.coupon.as_ref().map_or(0, |c| c.discount.minor()),
            channel: o.channel.as_str().to_owned(),
        }
    }
}

impl TryFrom<OrderRow> for Order {
    type Error = StorageError;

    fn try_from(r: OrderRow) -> Result<Self, StorageError> {
        let c = currency(&r.currency)?;
        Ok(Self {
            id: parse("order id", &r.id)?,
            tenant_id: parse("tenant id", &r.tenant_id)?,
            order_number: OrderNumber::from_stored(r.order_number),
            order_type: parse("order type", &r.order_type)?,
            channel: parse("order channel", &r.channel)?,
            status: parse("order status", &r.status)?,
            currency: c,
            subtotal: money(r.subtotal_minor, c),
            shipping_fee: money(r.shipping_fee_minor, c),
            tax_amount: money(r.tax_amount_minor, c),
            discount_amount: money(r.discount_amount_minor, c),
            total_amount: money(r.total_amount_minor, c),
            coupon: r.coupon_code.map(|code| OrderCoupon {
                coupon_id: r.coupon_id,
                code,
                discount: money(r.coupon_discount_minor, c),
            }),
            payment_status: r
                .payment_status
                .as_deref()
                .map(|p| parse("payment status", p))
                .transpose()?,
            tracking_number: r.tracking_number,
            details: OrderDetails {
                customer_id: r.customer_id,
                customer_email: r.customer_email,
                outlet_id: r.outlet_id,
                contact_name: r.contact_name,
                contact_phone: r.contact_phone,
                contact_email: r.contact_email,
                shipping_method: r.shipping_method,
                shipping_address: r.shipping_address,
                payment_method: r.payment_method,
                notes: r.notes,
                special_instructions: r.special_instructions,
            },
            created_by: r.created_by,
            created_at: utc(r.created_at),
            updated_at: utc(r.updated_at),
            stamps: StatusStamps {
                confirmed_at: opt_utc(r.confirmed_at),
                paid_at: opt_utc(r.paid_at),
                processing_at: opt_utc(r.processing_at),
                shipped_at: opt_utc(r.shipped_at),
                delivered_at: opt_utc(r.delivered_at),
                completed_at: opt_utc(r.completed_at),
                cancelled_at: opt_utc(r.cancelled_at),
                refunded_at: opt_utc(r.refunded_at),
            },
        })
    }
}

#[derive(Queryable, Insertable)]
#[diesel(table_name = order_items)]
pub(super) struct ItemRow {
    pub(super) id: String,
    pub(super) tenant_id: String,
    pub(super) order_id: String,
    pub(super) position: i32,
    pub(super) product_id: i64,
    pub(super) product_name: String,
    pub(super) product_sku: Option<String>,
    pub(super) quantity: i64,
    pub(super) unit_price_minor: i64,
    pub(super) total_price_minor: i64,
    pub(super) created_at: NaiveDateTime,
    pub(super) parent_product_id: Option<i64>,
    pub(super) product_description: Option<String>,
    pub(super) product_image_url: Option<String>,
    pub(super) returned_quantity: i64,
}

#[derive(Queryable, Insertable)]
#[diesel(table_name = payments)]
pub(super) struct PaymentRow {
    pub(super) id: String,
    pub(super) tenant_id: String,
    pub(super) order_id: String,
    pub(super) method: String,
    pub(super) amount_minor: i64,
    pub(super) currency: String,
    pub(super) status: String,
    pub(super) created_by: Option<String>,
    pub(super) created_at: NaiveDateTime,
}

#[derive(Queryable, Insertable)]
#[diesel(table_name = order_status_history)]
pub(super) struct HistoryRow {
    pub(super) id: String,
    pub(super) tenant_id: String,
    pub(super) order_id: String,
    pub(super) from_status: Option<String>,
    pub(super) to_status: String,
    pub(super) tracking_number: Option<String>,
    pub(super) actor: Option<String>,
    pub(super) reason: String,
    pub(super) created_at: NaiveDateTime,
}

pub(super) fn history_row(tenant: TenantId, c: &StatusChange) -> HistoryRow {
    HistoryRow {
        id: new_uuid_v7().to_string(),
        tenant_id: tenant.to_string(),
        order_id: c.order_id.to_string(),
        from_status: c.from.map(|s| s.as_str().to_owned()),
        to_status: c.to.as_str().to_owned(),
        tracking_number: c.tracking_number.clone(),
        actor: c.actor.clone(),
        reason: c.reason.clone(),
        created_at: ts(c.at),
    }
}
