//! The shapes of an order in the merchant API's answers.

use chrono::{DateTime, Utc};
use kedai_app::orders::OrderView;
use kedai_app::orders::queries::OrderListItem;
use kedai_orders::{Order, OrderCustomer, OrderItem, item_discounts, item_status};
use serde::Serialize;
use utoipa::ToSchema;

/// One order line.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrderItemResponse {
    /// Line id.
    pub id: String,
    /// Product id.
    pub product_id: i64,
    /// Product name when sold.
    pub product_name: String,
    /// Product SKU when sold.
    pub product_sku: Option<String>,
    /// Product description when sold.
    pub product_description: Option<String>,
    /// The product's main image when sold.
    pub product_image_url: Option<String>,
    /// Units.
    pub quantity: i64,
    /// Unit price.
    pub unit_price: f64,
    /// quantity × unit price.
    pub total_price: f64,
    /// The line's share of the order's `discount_amount`, in proportion to its total (the
    /// shares add up to the discount).
    pub discount_amount: f64,
    /// `active`, or `cancelled` / `refunded` with its order.
    pub status: String,
}

/// One payment record.
#[derive(Debug, Serialize, ToSchema)]
pub struct PaymentResponse {
    /// Payment id.
    pub id: String,
    /// Method.
    pub method: String,
    /// Amount.
    pub amount: f64,
    /// `completed`, `failed` or `refunded`.
    pub status: String,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// One status change.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatusHistoryResponse {
    /// Status before (null at creation).
    pub from_status: Option<String>,
    /// Status after.
    pub to_status: String,
    /// Why: order_created, status_update, payment_completed, payment_refunded.
    pub reason: String,
    /// Tracking number recorded with it.
    pub tracking_number: Option<String>,
    /// Staff id.
    pub actor: Option<String>,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// An order with its items, payments and status history.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrderResponse {
    /// Order id.
    pub id: String,
    /// `ORD-YYYY-NNNN`.
    pub order_number: String,
    /// `delivery`, `pickup` or `dine_in`.
    pub order_type: String,
    /// One of the nine statuses.
    pub status: String,
    /// ISO-4217 currency.
    pub currency: String,
    /// Σ item totals.
    pub subtotal: f64,
    /// Shipping fee.
    pub shipping_fee: f64,
    /// Tax.
    pub tax_amount: f64,
    /// Discount.
    pub discount_amount: f64,
    /// subtotal + shipping + tax − discount.
    pub total_amount: f64,
    /// Status of the latest payment.
    pub payment_status: Option<String>,
    /// Carrier tracking number.
    pub tracking_number: Option<String>,
    /// Customer id.
    pub customer_id: Option<String>,
    /// Customer e-mail.
    pub customer_email: Option<String>,
    /// Outlet.
    pub outlet_id: Option<String>,
    /// Contact name.
    pub contact_name: Option<String>,
    /// Contact phone.
    pub contact_phone: Option<String>,
    /// Contact e-mail.
    pub contact_email: Option<String>,
    /// Shipping method.
    pub shipping_method: Option<String>,
    /// Shipping address.
    pub shipping_address: Option<String>,
    /// Payment method chosen.
    pub payment_method: Option<String>,
    /// Notes.
    pub notes: Option<String>,
    /// Special instructions.
    pub special_instructions: Option<String>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
    /// → confirmed.
    pub confirmed_at: Option<DateTime<Utc>>,
    /// → paid.
    pub paid_at: Option<DateTime<Utc>>,
    /// → processing.
    pub processing_at: Option<DateTime<Utc>>,
    /// → shipped.
    pub shipped_at: Option<DateTime<Utc>>,
    /// → delivered.
    pub delivered_at: Option<DateTime<Utc>>,
    /// → completed.
    pub completed_at: Option<DateTime<Utc>>,
    /// → cancelled.
    pub cancelled_at: Option<DateTime<Utc>>,
    /// → refunded.
    pub refunded_at: Option<DateTime<Utc>>,
    /// Coupon code applied (a redeemed coupon, or a code the back office entered).
    pub coupon_code: Option<String>,
    /// The coupon's share of `discount_amount`.
    pub coupon_discount: f64,
    /// The customer, when the order has one of the merchant's.
    pub customer: Option<OrderCustomerResponse>,
    /// Lines.
    pub items: Vec<OrderItemResponse>,
    /// Payments, oldest first (not in lists).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payments: Option<Vec<PaymentResponse>>,
    /// Status history, oldest first (not in lists).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_history: Option<Vec<StatusHistoryResponse>>,
}

/// The customer of an order.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrderCustomerResponse {
    /// Customer id.
    pub id: String,
    /// Name.
    pub name: String,
    /// E-mail.
    pub email: Option<String>,
    /// Phone (E.164).
    pub phone: Option<String>,
}

impl From<OrderCustomer> for OrderCustomerResponse {
    fn from(c: OrderCustomer) -> Self {
        Self {
            id: c.id,
            name: c.name,
            email: c.email,
            phone: c.phone,
        }
    }
}

/// An order's lines, each with its status and share of the discount.
pub(super) fn item_responses(order: &Order, items: Vec<OrderItem>) -> Vec<OrderItemResponse> {
    let totals: Vec<_> = items.iter().map(|i| i.total_price).collect();
    let shares = item_discounts(&totals, order.discount_amount);
    let status = item_status(order.status);
    items
        .into_iter()
        .zip(shares)
        .map(|(i, discount)| OrderItemResponse {
            id: i.id.to_string(),
            product_id: i.product_id.get(),
            product_name: i.product_name,
            product_sku: i.product_sku,
            product_description: i.product_description,
            product_image_url: i.product_image_url,
            quantity: i.quantity,
            unit_price: i.unit_price.to_f64(),
            total_price: i.total_price.to_f64(),
            discount_amount: discount.to_f64(),
            status: status.to_string(),
        })
        .collect()
}

impl From<OrderView> for OrderResponse {
    fn from(v: OrderView) -> Self {
        let mut r = Self::base(v.order, v.items, v.customer);
        r.payments = Some(
            v.payments
                .into_iter()
                .map(|p| PaymentResponse {
                    id: p.id.to_string(),
                    method: p.method,
                    amount: p.amount.to_f64(),
                    status: p.status.to_string(),
                    created_at: p.created_at,
                })
                .collect(),
        );
        r.status_history = Some(
            v.history
                .into_iter()
                .map(|h| StatusHistoryResponse {
                    from_status: h.from.map(|s| s.to_string()),
                    to_status: h.to.to_string(),
                    reason: h.reason,
                    tracking_number: h.tracking_number,
                    actor: h.actor,
                    created_at: h.at,
                })
                .collect(),
        );
        r
    }
}

impl From<OrderListItem> for OrderResponse {
    fn from(v: OrderListItem) -> Self {
        Self::base(v.order, v.items, v.customer)
    }
}

impl OrderResponse {
    fn base(o: Order, items: Vec<OrderItem>, customer: Option<OrderCustomer>) -> Self {
        let items = item_responses(&o, items);
        let d = o.details;
        let s = o.stamps;
        Self {
            id: o.id.to_string(),
            order_number: o.order_number.to_string(),
            order_type: o.order_type.to_string(),
            status: o.status.to_string(),
            currency: o.currency.code().to_owned(),
            subtotal: o.subtotal.to_f64(),
            shipping_fee: o.shipping_fee.to_f64(),
            tax_amount: o.tax_amount.to_f64(),
            discount_amount: o.discount_amount.to_f64(),
            total_amount: o.total_amount.to_f64(),
            payment_status: o.payment_status.map(|p| p.to_string()),
            tracking_number: o.tracking_number,
            customer_id: d.customer_id,
            customer_email: d.customer_email,
            outlet_id: d.outlet_id,
            contact_name: d.contact_name,
            contact_phone: d.contact_phone,
            contact_email: d.contact_email,
            shipping_method: d.shipping_method,
            shipping_address: d.shipping_address,
            payment_method: d.payment_method,
            notes: d.notes,
            special_instructions: d.special_instructions,
            created_at: o.created_at,
            updated_at: o.updated_at,
            confirmed_at: s.confirmed_at,
            paid_at: s.paid_at,
            processing_at: s.processing_at,
            shipped_at: s.shipped_at,
            delivered_at: s.delivered_at,
            completed_at: s.completed_at,
            cancelled_at: s.cancelled_at,
            refunded_at: s.refunded_at,
            coupon_code: o.coupon.as_ref().map(|c| c.code.clone()),
            coupon_discount: o.coupon.as_ref().map_or(0.0, |c| c.discount.to_f64()),
            customer: customer.map(OrderCustomerResponse::from),
            items,
            payments: None,
            status_history: None,
        }
    }
}
