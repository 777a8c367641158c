//! Payment records and what a payment does to its order.

use chrono::{DateTime, Utc};
use kedai_core::{Money, TenantId, uuid_id};

use crate::{OrderError, OrderId, OrderStatus, OrderType};

uuid_id!(
    /// A payment record.
    PaymentId
);

kedai_core::text_enum! {
    /// The outcome a payment record reports.
    pub enum PaymentStatus ("a payment status") {
        /// Money received.
        Completed = "completed",
        /// Attempt failed; nothing changes but the record.
        Failed = "failed",
        /// Money returned.
        Refunded = "refunded",
    }
}

/// An append-only payment record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payment {
    /// Id.
    pub id: PaymentId,
    /// Owner.
    pub tenant_id: TenantId,
    /// The order paid.
    pub order_id: OrderId,
    /// Method, e.g. `credit_card`, `bank_transfer`, `cash`.
    pub method: String,
    /// Amount.
    pub amount: Money,
    /// Outcome.
    pub status: PaymentStatus,
    /// Staff member who recorded it.
    pub created_by: Option<String>,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// What recording a payment does to the order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentPlan {
    /// Status moves to apply, in order (each one legal from the previous).
    pub steps: Vec<OrderStatus>,
    /// Whether the order's stock goes back to its lots (a refund of an order not yet cancelled).
    pub releases_stock: bool,
}

/// Decides the effect of a payment on an order.
///
/// - completed: a pending order moves to confirmed then paid; a confirmed one to paid.
/// - failed: recorded only; the order must still be awaiting payment.
/// - refunded: needs a completed payment not yet refunded; the order is cancelled (if it is not
///   already, which releases its stock) and then refunded.
///
/// The amount must be positive and equal the order total.
///
/// # Errors
/// [`OrderError::NonPositivePayment`], [`OrderError::PaymentAmountMismatch`],
/// [`OrderError::PaymentNotAllowed`], [`OrderError::NothingToRefund`], or
/// [`OrderError::InvalidTransition`] when a refund would need an illegal cancellation.
pub fn plan_payment(
    order_type: OrderType,
    status: OrderStatus,
    total: Money,
    amount: Money,
    payment: PaymentStatus,
    has_unrefunded_payment: bool,
) -> Result<PaymentPlan, OrderError> {
    if !amount.is_positive() {
        return Err(OrderError::NonPositivePayment);
    }
    if amount != total {
        return Err(OrderError::PaymentAmountMismatch {
            amount,
            expected: total,
        });
    }
    let not_allowed = || OrderError::PaymentNotAllowed { status, payment };
    match payment {
        PaymentStatus::Completed => match status {
            OrderStatus::Pending => Ok(vec![OrderStatus::Confirmed, OrderStatus::Paid]),
            OrderStatus::Confirmed => Ok(vec![OrderStatus::Paid]),
            _ => Err(not_allowed()),
        }
        .map(|steps| PaymentPlan {
            steps,
            releases_stock: false,
        }),
        PaymentStatus::Failed => match status {
            OrderStatus::Pending | OrderStatus::Confirmed => Ok(PaymentPlan {
                steps: Vec::new(),
                releases_stock: false,
            }),
            _ => Err(not_allowed()),
        },
        PaymentStatus::Refunded => {
            if !has_unrefunded_payment {
                return Err(OrderError::NothingToRefund);
            }
            let mut steps = Vec::with_capacity(2);
            let mut from = status;
            if status != OrderStatus::Cancelled {
                if !status.allows(OrderStatus::Cancelled, order_type) {
                    return Err(OrderError::InvalidTransition {
                        from: status,
                        to: OrderStatus::Cancelled,
                    });
                }
                steps.push(OrderStatus::Cancelled);
                from = OrderStatus::Cancelled;
            }
            if !from.allows(OrderStatus::Refunded, order_type) {
                return Err(OrderError::InvalidTransition {
                    from,
                    to: OrderStatus::Refunded,
                });
            }
            steps.push(OrderStatus::Refunded);
            Ok(PaymentPlan {
                releases_stock: status != OrderStatus::Cancelled,
                steps,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::OrderStatus::*;
    use super::*;
    use kedai_core::Currency;

    fn m(minor: i64) -> Money {
        Money::from_minor(
            minor,
            Currency::from_code("MYR").unwrap_or_else(|e| panic!("{e}")),
        )
    }

    fn plan(
        status: OrderStatus,
        amount: i64,
        payment: PaymentStatus,
        paid: bool,
    ) -> Result<PaymentPlan, OrderError> {
        plan_payment(
            OrderType::Delivery,
            status,
            m(5500),
            m(amount),
            payment,
            paid,
        )
    }

    #[test]
    fn completed_payments_walk_to_paid() {
        assert_eq!(
            plan(Pending, 5500, PaymentStatus::Completed, false).map(|p| p.steps),
            Ok(vec![Confirmed, Paid])
        );
        assert_eq!(
            plan(Confirmed, 5500, PaymentStatus::Completed, false).map(|p| p.steps),
            Ok(vec![Paid])
        );
        for status in [
            Paid, Processing, Shipped, Delivered, Completed, Cancelled, Refunded,
        ] {
            assert_eq!(
                plan(status, 5500, PaymentStatus::Completed, true),
                Err(OrderError::PaymentNotAllowed {
                    status,
                    payment: PaymentStatus::Completed
                })
            );
        }
    }

    #[test]
    fn amounts_must_be_positive_and_equal_the_total() {
        assert_eq!(
            plan(Pending, 0, PaymentStatus::Completed, false),
            Err(OrderError::NonPositivePayment)
        );
        assert_eq!(
            plan(Pending, -5500, PaymentStatus::Completed, false),
            Err(OrderError::NonPositivePayment)
        );
        assert_eq!(
            plan(Pending, 5000, PaymentStatus::Failed, false),
            Err(OrderError::PaymentAmountMismatch {
                amount: m(5000),
                expected: m(5500)
            })
        );
    }

    #[test]
    fn failed_payments_change_nothing() {
        let p = plan(Confirmed, 5500, PaymentStatus::Failed, false);
        assert_eq!(
            p,
            Ok(PaymentPlan {
                steps: vec![],
                releases_stock: false
            })
        );
        assert!(plan(Paid, 5500, PaymentStatus::Failed, true).is_err());
    }

    #[test]
    fn refunds_cancel_then_refund_and_release_stock_once() {
        let p = plan(Paid, 5500, PaymentStatus::Refunded, true);
        assert_eq!(
            p,
            Ok(PaymentPlan {
                steps: vec![Cancelled, Refunded],
                releases_stock: true
            })
        );
        let p = plan(Processing, 5500, PaymentStatus::Refunded, true);
        assert!(p.is_ok_and(|p| p.releases_stock));
        // Already cancelled: its stock went back then.
        let p = plan(Cancelled, 5500, PaymentStatus::Refunded, true);
        assert_eq!(
            p,
            Ok(PaymentPlan {
                steps: vec![Refunded],
                releases_stock: false
            })
        );
        assert_eq!(
            plan(Paid, 5500, PaymentStatus::Refunded, false),
            Err(OrderError::NothingToRefund)
        );
        assert_eq!(
            plan(Shipped, 5500, PaymentStatus::Refunded, true),
            Err(OrderError::InvalidTransition {
                from: Shipped,
                to: Cancelled
            })
        );
        assert_eq!(
            plan(Refunded, 5500, PaymentStatus::Refunded, true),
            Err(OrderError::InvalidTransition {
                from: Refunded,
                to: Cancelled
            })
        );
    }

    #[test]
    fn names_round_trip() {
        for p in PaymentStatus::ALL {
            assert_eq!(p.as_str().parse::<PaymentStatus>(), Ok(p));
        }
        assert!("pending".parse::<PaymentStatus>().is_err());
    }
}
