//! The tables written in bulk, their columns, and one column value.

use chrono::{DateTime, NaiveDateTime, Utc};

/// A UTC time as stored, to the microsecond.
pub(super) fn ts(t: DateTime<Utc>) -> NaiveDateTime {
    kedai_core::time::truncate_to_micros(t).naive_utc()
}

/// One column value.
#[derive(Clone, Copy)]
pub(super) enum V<'a> {
    T(&'a str),
    I(i64),
    At(NaiveDateTime),
    Null,
}

/// The tables written in bulk, in the order their foreign keys need.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Table {
    Customers,
    Lots,
    Orders,
    OrderItems,
    Allocations,
    Movements,
    History,
    Payments,
}

impl Table {
    pub(super) const ALL: [Self; 8] = [
        Self::Customers,
        Self::Lots,
        Self::Orders,
        Self::OrderItems,
        Self::Allocations,
        Self::Movements,
        Self::History,
        Self::Payments,
    ];

    pub(super) const fn name(self) -> &'static str {
        match self {
            Self::Customers => "customers",
            Self::Lots => "inventory_lots",
            Self::Orders => "orders",
            Self::OrderItems => "order_items",
            Self::Allocations => "stock_allocations",
            Self::Movements => "stock_movements",
            Self::History => "order_status_history",
            Self::Payments => "payments",
        }
    }

    /// Columns in `schema.rs` order, which is the order `COPY` names them in.
    pub(super) const fn columns(self) -> &'static str {
        match self {
            Self::Customers => {
                "id, tenant_id, name, phone, email, birth_date, source, membership_tier, \
                 outlet_id, created_at, updated_at, member_no, last_name, gender, address, \
                 district, agree_promotion, agree_terms, utm_data, verified_phone, \
                 verified_email"
            }
            Self::Lots => {
                "id, tenant_id, product_id, quantity, remaining, source, note, received_at, \
                 created_at, created_by"
            }
            Self::Orders => {
                "id, tenant_id, order_number, order_type, status, currency, subtotal_minor, \
                 shipping_fee_minor, tax_amount_minor, discount_amount_minor, \
                 total_amount_minor, payment_status, tracking_number, customer_id, \
                 customer_email, outlet_id, contact_name, contact_phone, contact_email, \
                 shipping_method, shipping_address, payment_method, notes, \
                 special_instructions, created_by, created_at, updated_at, confirmed_at, \
                 paid_at, processing_at, shipped_at, delivered_at, completed_at, \
                 cancelled_at, refunded_at, coupon_id, coupon_code, coupon_discount_minor, \
                 channel, shipping_method_id, payment_method_id, success_url, cancel_url, \
                 language, guest_secret_hash, refunded_amount_minor"
            }
            Self::OrderItems => {
                "id, tenant_id, order_id, position, product_id, product_name, product_sku, \
                 quantity, unit_price_minor, total_price_minor, created_at, parent_product_id, \
                 product_description, product_image_url, returned_quantity"
            }
            Self::Allocations => {
                "id, tenant_id, product_id, lot_id, quantity, source, reference, created_at, \
                 released_at"
            }
            Self::Movements => {
                "id, tenant_id, product_id, lot_id, kind, quantity, reason, source, reference, \
                 note, actor, created_at"
            }
            Self::History => {
                "id, tenant_id, order_id, from_status, to_status, tracking_number, actor, \
                 reason, created_at"
            }
            Self::Payments => {
                "id, tenant_id, order_id, method, amount_minor, currency, status, created_by, \
                 created_at"
            }
        }
    }
}
