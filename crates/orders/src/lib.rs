//! Orders: the order aggregate, the 9-state status machine, amount rules, order numbers,
//! payments and their effect on an order, and the order summary. Pure: no I/O.
//!
//! Checking a status transition of 002's machine, and pricing an order with a coupon's
//! discount (003 §20: two 14.90 lattes, 10% off, total 26.82):
//!
//! ```
//! use kedai_core::{Currency, Money};
//! use kedai_orders::{Charges, Claimed, LineInput, OrderStatus, OrderType, check_transition, price_order};
//!
//! // A delivery order cannot skip from paid to shipped, and shipping needs a tracking number.
//! assert!(check_transition(OrderType::Delivery, OrderStatus::Paid, OrderStatus::Shipped, None).is_err());
//! assert!(check_transition(OrderType::Delivery, OrderStatus::Processing, OrderStatus::Shipped, None).is_err());
//! let moved = check_transition(
//!     OrderType::Delivery, OrderStatus::Processing, OrderStatus::Shipped, Some("MY123456789"),
//! )?;
//! assert_eq!(moved.tracking_number.as_deref(), Some("MY123456789"));
//!
//! let myr = Currency::from_code("MYR").expect("a currency");
//! let latte = LineInput { quantity: 2, unit_price: Money::from_minor(1490, myr), claimed_total: None };
//! let coupon = Money::from_minor(1490 * 2, myr).percent(10).expect("in range");
//! let charges = Charges { discount_amount: coupon, ..Charges::none(myr) };
//! let priced = price_order(&[latte], charges, Claimed::default())?;
//! assert_eq!((priced.subtotal.to_string(), priced.total.to_string()), ("29.80".into(), "26.82".into()));
//! # Ok::<(), kedai_orders::OrderError>(())
//! ```

pub mod checkout;
pub mod edit;
pub mod item;
pub mod model;
pub mod number;
pub mod overview;
pub mod payment;
pub mod placement;
pub mod pricing;
pub mod query;
pub mod refund;
pub mod repository;
pub mod status;
pub mod summary;

pub use checkout::{
    Channel, CheckoutRepository, PaymentMethodKind, ShippingMethod, ShippingMethodId,
    ShopOrderInfo, ShopPaymentMethod, ShopPaymentMethodId,
};
pub use edit::{EditError, OrderEdit, apply_edit};
pub use item::{ItemStatus, item_discounts, item_status};
pub use model::{
    NewOrder, Order, OrderCoupon, OrderDetails, OrderId, OrderItem, OrderItemId, StatusChange,
    StatusStamps,
};
pub use number::OrderNumber;
pub use overview::{MAX_TREND_DAYS, OrderOverview, TrendDay, overview, trend};
pub use payment::{Payment, PaymentId, PaymentPlan, PaymentStatus, plan_payment};
pub use placement::{LinePrices, LineToPrice, PriceSource, price_lines};
pub use pricing::{
    Charges, Claimed, LineInput, Mismatch, PricedLine, PricedOrder, is_price_override, price_order,
};
pub use query::{
    InvertedRange, OrderCustomer, OrderFilter, OrderSort, SortKey, SortOrder, like_pattern,
    local_date_range,
};
pub use refund::{
    Refund, RefundError, RefundId, RefundPlan, RefundRepository, RefundableLine, RefundedLine,
    ReturnLine, Returned, plan_refund,
};
pub use repository::{OrderRepository, has_unrefunded_payment, open_statuses};
pub use status::{OrderStatus, OrderType, Transition, check_transition};
pub use summary::{
    DaySummary, OrderFact, Period, PeriodSummary, day_starts, earliest_start, summarize,
};

/// Why an order operation was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OrderError {
    /// The status machine forbids this move.
    #[error("cannot move an order from {from} to {to}")]
    InvalidTransition {
        /// Current status.
        from: OrderStatus,
        /// Requested status.
        to: OrderStatus,
    },
    /// processing → shipped needs a tracking number.
    #[error("a tracking number is required to mark an order as shipped")]
    TrackingNumberRequired,
    /// An order without items.
    #[error("an order needs at least one item")]
    NoItems,
    /// A line quantity of zero or less.
    #[error("item {index}: quantity must be a positive integer")]
    InvalidQuantity {
        /// Position of the item in the request.
        index: usize,
    },
    /// A negative unit price or charge.
    #[error("{field} must not be negative")]
    NegativeAmount {
        /// The offending field.
        field: String,
    },
    /// Figures in the request disagree with the computed ones.
    #[error("order amounts do not add up: {}", describe_mismatches(.mismatches))]
    AmountMismatch {
        /// Each figure that disagrees, with the expected value.
        mismatches: Vec<Mismatch>,
    },
    /// Discounts larger than what they discount.
    #[error("discount exceeds the order amount")]
    NegativeTotal,
    /// A payment amount that is not the order total.
    #[error("payment amount {amount} must equal the order total {expected}")]
    PaymentAmountMismatch {
        /// Amount given.
        amount: kedai_core::Money,
        /// Order total.
        expected: kedai_core::Money,
    },
    /// A payment of zero or less.
    #[error("payment amount must be greater than zero")]
    NonPositivePayment,
    /// The order is not in a state that accepts this payment.
    #[error("an order in status {status} cannot take a {payment} payment")]
    PaymentNotAllowed {
        /// Current order status.
        status: OrderStatus,
        /// The payment status requested.
        payment: PaymentStatus,
    },
    /// A refund for an order with no completed, unrefunded payment.
    #[error("the order has no completed payment to refund")]
    NothingToRefund,
    /// An initial status other than pending or confirmed.
    #[error("a new order starts as pending or confirmed, not {0}")]
    InvalidInitialStatus(OrderStatus),
    /// Amount arithmetic overflowed.
    #[error(transparent)]
    Money(#[from] kedai_core::MoneyError),
}

/// `field is X but should be Y; ...` for every mismatch.
#[must_use]
pub fn describe_mismatches(mismatches: &[Mismatch]) -> String {
    mismatches
        .iter()
        .map(|m| format!("{} is {} but should be {}", m.field, m.claimed, m.expected))
        .collect::<Vec<_>>()
        .join("; ")
}
