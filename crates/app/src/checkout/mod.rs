//! Storefront checkout: a guest or signed-in customer places an order at catalogue prices, with
//! a shipping method, a promotion code (one of the merchant's coupons) and a payment method, in
//! one transaction with its FIFO stock allocation and coupon claim. The order is the same order
//! the merchant API shows (channel `online`). Also the storefront's reads of its orders, their
//! payment status (which settles a payment the customer finished at the gateway), promotion
//! checks and payment intents.
//!
//! Field names in errors are the storefront's (`lineItems[0].quantity`, `promotionCode`).

use kedai_core::ProductId;
use kedai_identity::{CustomerId, OutgoingMessage, Tenant};
use kedai_orders::checkout::portal_payment_status;
use kedai_orders::{Order, OrderItem, ShippingMethodId};

use crate::Amount;
use crate::payments::IntentStatus;

mod confirmation;
mod details;
pub mod methods;
mod orders;
mod payment;
mod place;
mod promotion;

pub use confirmation::*;
pub use orders::*;
pub use payment::*;
pub use place::*;
pub use promotion::*;

/// Most units of one line.
pub const MAX_LINE_QUANTITY: i64 = 10_000;

/// Who places or reads a storefront order: the shop, resolved once at the edge of the request
/// (its currency and time zone included), and the signed-in customer.
#[derive(Debug, Clone)]
pub struct Shopper {
    /// The shop.
    pub tenant: Tenant,
    /// The signed-in customer, `None` for a guest.
    pub customer: Option<CustomerId>,
}

/// One requested line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckoutLine {
    /// The product.
    pub product_id: ProductId,
    /// The variation of it to sell, if one was chosen.
    pub variation_id: Option<ProductId>,
    /// Units.
    pub quantity: i64,
}

/// The customer's details as given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckoutContact {
    /// First name.
    pub first_name: Option<String>,
    /// Last name.
    pub last_name: Option<String>,
    /// E-mail.
    pub email: Option<String>,
    /// Phone.
    pub phone: Option<String>,
    /// Locale (`zh-HK`).
    pub language: Option<String>,
}

/// The shipping address as given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ShippingAddress {
    /// First line.
    pub address_line1: Option<String>,
    /// Second line.
    pub address_line2: Option<String>,
    /// City.
    pub city: Option<String>,
    /// State or region.
    pub state: Option<String>,
    /// Postal code.
    pub zip_code: Option<String>,
    /// Country.
    pub country: Option<String>,
}

/// A storefront order as requested.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckoutCommand {
    /// Lines.
    pub lines: Vec<CheckoutLine>,
    /// Customer details (optional for a signed-in customer: their record fills them).
    pub contact: Option<CheckoutContact>,
    /// Shipping address.
    pub address: Option<ShippingAddress>,
    /// Shipping method (required when the shop offers any).
    pub shipping_method_id: Option<ShippingMethodId>,
    /// A promotion code.
    pub promotion_code: Option<String>,
    /// Store credits to spend.
    pub credits_used: Option<Amount>,
    /// Payment method, as given.
    pub payment_method_id: Option<String>,
    /// Where to send the customer after paying.
    pub success_url: Option<String>,
    /// Where to send the customer after abandoning payment.
    pub cancel_url: Option<String>,
    /// How many upsell offers the client accepted.
    pub accepted_offers: usize,
}

/// A storefront order with its lines.
#[derive(Debug, Clone)]
pub struct ShopOrderView {
    /// The order.
    pub order: Order,
    /// Its lines.
    pub items: Vec<OrderItem>,
    /// Where its latest payment at the gateway stands, when it was read (single orders).
    pub latest_payment: Option<IntentStatus>,
}

impl ShopOrderView {
    /// Whether a payment at the gateway awaits the customer: the gateway may have decided it
    /// since, and [`shop_payment_status`] would record that.
    #[must_use]
    pub fn awaits_gateway(&self) -> bool {
        self.latest_payment == Some(IntentStatus::RequiresAction)
    }

    /// `pending`, `completed`, `failed`, `refunded` or `voided`.
    #[must_use]
    pub fn payment_status(&self) -> &'static str {
        portal_payment_status(
            self.order.status,
            self.order.payment_status,
            self.latest_payment == Some(IntentStatus::Failed),
        )
    }
}

/// A placed storefront order and how to pay it.
#[derive(Debug, Clone)]
pub struct PlacedOrder {
    /// The order.
    pub view: ShopOrderView,
    /// The gateway's checkout page, for a payment method with a gateway.
    pub payment_url: Option<String>,
    /// What to do to pay, for a manual payment method.
    pub payment_instructions: Option<String>,
    /// The order confirmation recorded in the message log, to deliver after commit (none
    /// when the order has neither e-mail nor phone).
    pub confirmation: Option<OutgoingMessage>,
    /// For a guest, the secret that lets them pay this order again (shown once; only its hash
    /// is kept).
    pub guest_secret: Option<String>,
}
