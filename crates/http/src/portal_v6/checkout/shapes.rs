//! A shop order as the storefront reads it.

use chrono::{DateTime, Utc};
use kedai_app::checkout::ShopOrderView;
use kedai_orders::checkout::portal_order_status;
use serde::Serialize;
use utoipa::ToSchema;

/// One line of a shop order.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ShopOrderItem {
    /// The product (the parent of a sold variation).
    pub product_id: Option<i64>,
    /// The variation sold, if one was.
    pub variation_id: Option<i64>,
    /// Name when sold.
    pub product_name: String,
    /// Units.
    pub quantity: i64,
    /// Unit price in major units.
    pub unit_price: f64,
    /// quantity × unit price.
    pub line_total: f64,
    /// Always `product`.
    pub line_type: String,
    /// Always null (no upsell offers).
    pub offer_rule_id: Option<String>,
}

/// A shop order.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ShopOrder {
    /// The order's id (a UUID; use it in URLs).
    pub order_id: String,
    /// `ORD-YYYY-NNNN`.
    pub order_number: Option<String>,
    /// `pending`, `confirmed`, `processing`, `completed`, `cancelled` or `refunded`.
    pub status: String,
    /// `pending`, `completed`, `failed`, `refunded` or `voided`.
    pub payment_status: String,
    /// Σ line totals.
    pub subtotal: f64,
    /// The promotion's discount.
    pub discount_amount: f64,
    /// Shipping.
    pub shipping_cost: f64,
    /// subtotal − discount + shipping.
    pub total_amount: f64,
    /// ISO-4217 currency of the amounts.
    pub currency: String,
    /// The promotion code applied, if any.
    pub promotion_code: Option<String>,
    /// Lines.
    pub items: Vec<ShopOrderItem>,
    /// Placed at.
    pub created_at: DateTime<Utc>,
    /// The gateway's payment page to redirect to (on creation, for a method with a gateway).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_url: Option<String>,
    /// How to pay (on creation, for a manual method).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_instructions: Option<String>,
    /// On a guest's checkout only: the secret that lets the guest pay this order again
    /// (`POST /payment-intents` with `orderToken`). Shown once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order_token: Option<String>,
}

pub(super) fn shop_order(view: ShopOrderView) -> ShopOrder {
    let payment_status = view.payment_status();
    let o = view.order;
    ShopOrder {
        order_id: o.id.to_string(),
        order_number: Some(o.order_number.as_str().to_owned()),
        status: portal_order_status(o.status).to_owned(),
        payment_status: payment_status.to_owned(),
        subtotal: o.subtotal.to_f64(),
        discount_amount: o.discount_amount.to_f64(),
        shipping_cost: o.shipping_fee.to_f64(),
        total_amount: o.total_amount.to_f64(),
        currency: o.currency.code().to_owned(),
        promotion_code: o.coupon.map(|c| c.code),
        items: view
            .items
            .into_iter()
            .map(|i| ShopOrderItem {
                product_id: Some(i.parent_product_id.unwrap_or(i.product_id).get()),
                variation_id: i.parent_product_id.map(|_| i.product_id.get()),
                product_name: i.product_name,
                quantity: i.quantity,
                unit_price: i.unit_price.to_f64(),
                line_total: i.total_price.to_f64(),
                line_type: "product".into(),
                offer_rule_id: None,
            })
            .collect(),
        created_at: o.created_at,
        payment_url: None,
        payment_instructions: None,
        order_token: None,
    }
}
