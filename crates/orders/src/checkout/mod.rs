//! Checkout, the storefront's side of orders: the shipping methods and payment-method
//! options a customer picks from, the charges of a storefront order, and how an order's status
//! and payment read on the customer portal.

mod payment_method;
mod repository;
mod shipping;
mod storefront;
#[cfg(test)]
mod tests;

pub use payment_method::*;
pub use repository::*;
pub use shipping::*;
pub use storefront::*;

use kedai_core::uuid_id;

kedai_core::int_id!(
    /// A shipping method id: a positive integer, as storefront clients address shipping methods.
    ShippingMethodId
);

uuid_id!(
    /// A payment-method option of the shop (bank transfer, cash on delivery, card).
    ShopPaymentMethodId
);

kedai_core::text_enum! {
    /// Where an order was placed.
    #[derive(Default)]
    pub enum Channel ("an order channel") {
        /// By staff, through the merchant API or the edge functions.
        #[default]
        Merchant = "merchant",
        /// By a customer or guest, on the storefront (customer portal).
        Online = "online",
    }
}

kedai_core::text_enum! {
    /// How a shop payment method is paid.
    pub enum PaymentMethodKind ("a payment method type") {
        /// Online, at the payment gateway: checkout answers a payment URL.
        Gateway = "gateway",
        /// Offline by the customer (bank transfer, e-wallet to a number): checkout answers
        /// the method's instructions and staff record the payment.
        Manual = "manual",
        /// Paid to the courier on delivery; staff record the payment.
        CashOnDelivery = "cash_on_delivery",
    }
}

/// A field that breaks a rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidField {
    /// The field, as named in the request.
    pub field: &'static str,
    /// What is wrong.
    pub message: String,
}

pub(crate) fn bad(field: &'static str, message: impl Into<String>) -> InvalidField {
    InvalidField {
        field,
        message: message.into(),
    }
}

pub(crate) const NAME_MAX: usize = 100;
pub(crate) const TEXT_MAX: usize = 2000;
pub(crate) const DAYS_MAX: usize = 50;

pub(crate) fn clean_name(name: &str, errors: &mut Vec<InvalidField>) -> String {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > NAME_MAX {
        errors.push(bad("name", format!("must be 1 to {NAME_MAX} characters")));
    }
    name.to_owned()
}

pub(crate) fn clean_text(
    field: &'static str,
    value: Option<&str>,
    max: usize,
    errors: &mut Vec<InvalidField>,
) -> Option<String> {
    let v = value.map(str::trim).filter(|v| !v.is_empty())?;
    if v.chars().count() > max {
        errors.push(bad(field, format!("must be at most {max} characters")));
    }
    Some(v.to_owned())
}
