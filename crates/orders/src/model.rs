//! The order aggregate as stored and read.

use chrono::{DateTime, Utc};
use kedai_core::{Currency, Money, ProductId, TenantId, uuid_id};

use crate::{OrderNumber, OrderStatus, OrderType, PaymentStatus};

uuid_id!(
    /// An order.
    OrderId
);
uuid_id!(
    /// One line of an order.
    OrderItemId
);

/// Contact, shipping and free-text fields of an order, all optional.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OrderDetails {
    /// The customer's id, when known.
    pub customer_id: Option<String>,
    /// The customer's e-mail.
    pub customer_email: Option<String>,
    /// Outlet the order belongs to.
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
    /// Payment method the customer chose.
    pub payment_method: Option<String>,
    /// Notes.
    pub notes: Option<String>,
    /// Special instructions.
    pub special_instructions: Option<String>,
}

/// An order with its amounts, details, status and status stamps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Order {
    /// Id.
    pub id: OrderId,
    /// Owner.
    pub tenant_id: TenantId,
    /// `ORD-YYYY-NNNN`.
    pub order_number: OrderNumber,
    /// Delivery or counter.
    pub order_type: OrderType,
    /// Who placed it: staff (`merchant`) or the storefront (`online`).
    pub channel: crate::Channel,
    /// Current status.
    pub status: OrderStatus,
    /// Currency of every amount.
    pub currency: Currency,
    /// Σ item totals.
    pub subtotal: Money,
    /// Shipping fee.
    pub shipping_fee: Money,
    /// Tax.
    pub tax_amount: Money,
    /// Discount, the coupon's included.
    pub discount_amount: Money,
    /// subtotal + shipping + tax − discount.
    pub total_amount: Money,
    /// The coupon applied, if any.
    pub coupon: Option<OrderCoupon>,
    /// Status of the latest payment.
    pub payment_status: Option<PaymentStatus>,
    /// Carrier tracking number, set when shipped.
    pub tracking_number: Option<String>,
    /// Contact, shipping and notes.
    pub details: OrderDetails,
    /// Staff member who created it.
    pub created_by: Option<String>,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
    /// When each status was reached.
    pub stamps: StatusStamps,
}

/// A coupon on an order: a redeemed coupon of the merchant (`coupon_id` set), or a discount the
/// back office labelled with a code by hand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderCoupon {
    /// The redeemed coupon, when the code is one of the merchant's coupons.
    pub coupon_id: Option<String>,
    /// The code.
    pub code: String,
    /// Its share of the order's discount.
    pub discount: Money,
}

/// When an order reached each status (`*_at`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StatusStamps {
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
}

impl StatusStamps {
    /// Records that `status` was reached at `at` (pending has no stamp: it is `created_at`).
    pub fn stamp(&mut self, status: OrderStatus, at: DateTime<Utc>) {
        let slot = match status {
            OrderStatus::Pending => return,
            OrderStatus::Confirmed => &mut self.confirmed_at,
            OrderStatus::Paid => &mut self.paid_at,
            OrderStatus::Processing => &mut self.processing_at,
            OrderStatus::Shipped => &mut self.shipped_at,
            OrderStatus::Delivered => &mut self.delivered_at,
            OrderStatus::Completed => &mut self.completed_at,
            OrderStatus::Cancelled => &mut self.cancelled_at,
            OrderStatus::Refunded => &mut self.refunded_at,
        };
        *slot = Some(at);
    }
}

/// One line of an order, with a snapshot of the product as sold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderItem {
    /// Id.
    pub id: OrderItemId,
    /// The order.
    pub order_id: OrderId,
    /// The product sold (a variation, when one was chosen).
    pub product_id: ProductId,
    /// The product the sold variation belongs to, when a variation was sold.
    pub parent_product_id: Option<ProductId>,
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
    pub unit_price: Money,
    /// quantity × unit price.
    pub total_price: Money,
    /// Creation time.
    pub created_at: DateTime<Utc>,
}

/// What a new order is made from, before it has a number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOrder {
    /// Delivery or counter.
    pub order_type: OrderType,
    /// pending (default) or confirmed.
    pub status: OrderStatus,
    /// Who places it.
    pub channel: crate::Channel,
    /// Contact, shipping and notes.
    pub details: OrderDetails,
}

/// One row of an order's status history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusChange {
    /// The order.
    pub order_id: OrderId,
    /// Status before (`None` when the order was created).
    pub from: Option<OrderStatus>,
    /// Status after.
    pub to: OrderStatus,
    /// Tracking number recorded with this change.
    pub tracking_number: Option<String>,
    /// Who made the change (staff id), if a person did.
    pub actor: Option<String>,
    /// Why: `order_created`, `status_update`, `payment_completed`, `payment_refunded`.
    pub reason: String,
    /// When.
    pub at: DateTime<Utc>,
}
