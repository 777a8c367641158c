//! The storefront facts of an order, and how its status and payment read on the portal.

use super::{Channel, ShippingMethodId, ShopPaymentMethodId};
use crate::{OrderStatus, PaymentStatus};

/// The shop-only facts of an order placed on the storefront.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ShopOrderInfo {
    /// Where it was placed.
    pub channel: Channel,
    /// The shipping method chosen.
    pub shipping_method_id: Option<ShippingMethodId>,
    /// The payment method chosen.
    pub payment_method_id: Option<ShopPaymentMethodId>,
    /// Where the storefront wants the customer sent after paying.
    pub success_url: Option<String>,
    /// Where the storefront wants the customer sent after abandoning payment.
    pub cancel_url: Option<String>,
    /// The customer's locale (`zh-HK`), for messages about the order.
    pub language: Option<String>,
    /// For a guest's order, the SHA-256 (hex) of the secret the guest was given at checkout:
    /// holding it is what lets them pay the order again.
    pub guest_secret_hash: Option<String>,
}

/// How an order's status reads on the customer portal, whose clients know `pending`,
/// `confirmed`, `processing`, `completed`, `cancelled` and `refunded`:
///
/// | Kedai | portal |
/// |---|---|
/// | pending | pending |
/// | confirmed (awaiting payment) | confirmed |
/// | paid | confirmed |
/// | processing, shipped | processing |
/// | delivered, completed | completed |
/// | cancelled | cancelled |
/// | refunded | refunded |
///
/// Whether a confirmed order is paid shows in its payment status.
#[must_use]
pub const fn portal_order_status(status: OrderStatus) -> &'static str {
    match status {
        OrderStatus::Pending => "pending",
        OrderStatus::Confirmed | OrderStatus::Paid => "confirmed",
        OrderStatus::Processing | OrderStatus::Shipped => "processing",
        OrderStatus::Delivered | OrderStatus::Completed => "completed",
        OrderStatus::Cancelled => "cancelled",
        OrderStatus::Refunded => "refunded",
    }
}

/// How an order's payment reads on the customer portal (`pending`, `completed`, `failed`,
/// `refunded`, `voided`): the latest payment's outcome when there is one; otherwise `failed`
/// when the latest attempt at the gateway was declined, `voided` when the order was cancelled
/// unpaid, and `pending` while it awaits payment.
#[must_use]
pub const fn portal_payment_status(
    order_status: OrderStatus,
    payment: Option<PaymentStatus>,
    last_attempt_declined: bool,
) -> &'static str {
    match (payment, order_status) {
        (Some(PaymentStatus::Completed), _) => "completed",
        (Some(PaymentStatus::Refunded), _) | (None, OrderStatus::Refunded) => "refunded",
        (Some(PaymentStatus::Failed), OrderStatus::Cancelled) | (None, OrderStatus::Cancelled) => {
            "voided"
        }
        (Some(PaymentStatus::Failed), _) => "failed",
        (None, _) if last_attempt_declined => "failed",
        (None, _) => "pending",
    }
}
