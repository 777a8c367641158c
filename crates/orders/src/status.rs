//! The order status machine: one function decides every move.

use crate::OrderError;

kedai_core::text_enum! {
    /// The nine statuses of an order.
    #[derive(PartialOrd, Ord)]
    pub enum OrderStatus ("an order status") {
        /// Created, awaiting confirmation.
        Pending = "pending",
        /// Confirmed, awaiting payment (the merchant API calls it `pending_payment`).
        Confirmed = "confirmed" | "pending_payment",
        /// Paid, ready to prepare.
        Paid = "paid",
        /// Being prepared.
        Processing = "processing",
        /// Handed to the carrier.
        Shipped = "shipped",
        /// Arrived.
        Delivered = "delivered",
        /// Done (final).
        Completed = "completed",
        /// Cancelled; stock released.
        Cancelled = "cancelled",
        /// Refunded (final).
        Refunded = "refunded",
    }
}

impl OrderStatus {
    /// Open orders still hold stock or await fulfilment.
    #[must_use]
    pub const fn is_open(self) -> bool {
        matches!(
            self,
            Self::Pending | Self::Confirmed | Self::Paid | Self::Processing | Self::Shipped
        )
    }

    /// True when the status machine allows `self → to` for this order type.
    #[must_use]
    pub const fn allows(self, to: Self, order_type: OrderType) -> bool {
        use OrderStatus::{
            Cancelled, Completed, Confirmed, Delivered, Paid, Pending, Processing, Refunded,
            Shipped,
        };
        let delivery = matches!(
            (self, to),
            (Pending, Confirmed | Cancelled)
                | (Confirmed, Paid | Cancelled)
                | (Paid, Processing | Cancelled)
                | (Processing, Shipped | Cancelled)
                | (Shipped, Delivered)
                | (Delivered, Completed)
                | (Cancelled, Refunded)
        );
        // Counter orders are handed over at the counter: paid or processing → completed.
        let counter =
            order_type.is_counter() && matches!((self, to), (Paid | Processing, Completed));
        delivery || counter
    }
}

kedai_core::text_enum! {
    /// How the order reaches the customer.
    #[derive(Default)]
    pub enum OrderType ("an order type") {
        /// Shipped to an address.
        #[default]
        Delivery = "delivery",
        /// Collected at an outlet.
        Pickup = "pickup",
        /// Eaten in.
        DineIn = "dine_in",
    }
}

impl OrderType {
    /// Counter orders (pickup, dine-in) are completed when handed over.
    #[must_use]
    pub const fn is_counter(self) -> bool {
        matches!(self, Self::Pickup | Self::DineIn)
    }
}

/// An allowed move and what it entails.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    /// Status before.
    pub from: OrderStatus,
    /// Status after.
    pub to: OrderStatus,
    /// The tracking number to record (shipping only).
    pub tracking_number: Option<String>,
    /// Whether the order's stock allocations go back to their lots.
    pub releases_stock: bool,
}

/// Decides a status change: legal for the order type, with the fields it requires.
///
/// # Errors
/// [`OrderError::InvalidTransition`] when the machine forbids it (including a move to the same
/// status); [`OrderError::TrackingNumberRequired`] for processing → shipped without a tracking
/// number.
pub fn check_transition(
    order_type: OrderType,
    from: OrderStatus,
    to: OrderStatus,
    tracking_number: Option<&str>,
) -> Result<Transition, OrderError> {
    if !from.allows(to, order_type) {
        return Err(OrderError::InvalidTransition { from, to });
    }
    let tracking_number = tracking_number
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned);
    if to == OrderStatus::Shipped && tracking_number.is_none() {
        return Err(OrderError::TrackingNumberRequired);
    }
    Ok(Transition {
        from,
        to,
        tracking_number: if to == OrderStatus::Shipped {
            tracking_number
        } else {
            None
        },
        releases_stock: to == OrderStatus::Cancelled,
    })
}

#[cfg(test)]
mod tests {
    use super::OrderStatus::*;
    use super::*;

    /// The law of 002 for delivery orders: every allowed (from, to) pair; all others refused.
    const DELIVERY: [(OrderStatus, OrderStatus); 11] = [
        (Pending, Confirmed),
        (Pending, Cancelled),
        (Confirmed, Paid),
        (Confirmed, Cancelled),
        (Paid, Processing),
        (Paid, Cancelled),
        (Processing, Shipped),
        (Processing, Cancelled),
        (Shipped, Delivered),
        (Delivered, Completed),
        (Cancelled, Refunded),
    ];

    #[test]
    fn all_81_pairs_for_delivery_orders() {
        let mut allowed = 0;
        for from in OrderStatus::ALL {
            for to in OrderStatus::ALL {
                let want = DELIVERY.contains(&(from, to));
                let got = check_transition(OrderType::Delivery, from, to, Some("TRACK-1"));
                assert_eq!(got.is_ok(), want, "{from} -> {to}");
                if let Err(e) = got {
                    assert_eq!(e, OrderError::InvalidTransition { from, to });
                } else {
                    allowed += 1;
                }
            }
        }
        assert_eq!(allowed, 11);
    }

    #[test]
    fn counter_orders_also_complete_from_paid_and_processing() {
        for order_type in [OrderType::Pickup, OrderType::DineIn] {
            for from in OrderStatus::ALL {
                for to in OrderStatus::ALL {
                    let want = DELIVERY.contains(&(from, to))
                        || matches!((from, to), (Paid | Processing, Completed));
                    assert_eq!(
                        from.allows(to, order_type),
                        want,
                        "{order_type}: {from} -> {to}"
                    );
                }
            }
            let done = check_transition(order_type, Paid, Completed, None);
            assert!(done.is_ok_and(|t| t.tracking_number.is_none() && !t.releases_stock));
        }
        assert!(!Paid.allows(Completed, OrderType::Delivery));
        assert!(!Processing.allows(Completed, OrderType::Delivery));
    }

    #[test]
    fn shipping_needs_a_tracking_number() {
        for missing in [None, Some(""), Some("   ")] {
            assert_eq!(
                check_transition(OrderType::Delivery, Processing, Shipped, missing),
                Err(OrderError::TrackingNumberRequired)
            );
        }
        let t = check_transition(OrderType::Delivery, Processing, Shipped, Some(" TRK-9 "));
        assert_eq!(t.map(|t| t.tracking_number), Ok(Some("TRK-9".to_owned())));
        // A tracking number on any other move is ignored, not stored.
        let t = check_transition(OrderType::Delivery, Pending, Confirmed, Some("X"));
        assert_eq!(t.map(|t| t.tracking_number), Ok(None));
    }

    #[test]
    fn cancelling_releases_stock_and_finals_are_final() {
        for from in [Pending, Confirmed, Paid, Processing] {
            let t = check_transition(OrderType::Delivery, from, Cancelled, None);
            assert!(t.is_ok_and(|t| t.releases_stock), "{from}");
        }
        for to in OrderStatus::ALL {
            assert!(!Completed.allows(to, OrderType::Pickup));
            assert!(!Refunded.allows(to, OrderType::Pickup));
        }
    }

    #[test]
    fn names_round_trip_and_pending_payment_is_confirmed() {
        for s in OrderStatus::ALL {
            assert_eq!(s.as_str().parse::<OrderStatus>(), Ok(s));
        }
        assert_eq!("pending_payment".parse::<OrderStatus>(), Ok(Confirmed));
        assert!("PAID".parse::<OrderStatus>().is_err());
        for t in OrderType::ALL {
            assert_eq!(t.as_str().parse::<OrderType>(), Ok(t));
        }
        assert!("takeaway".parse::<OrderType>().is_err());
    }
}
