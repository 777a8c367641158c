//! What an order line says beyond what was sold: its status, and its share of the order's
//! discount (002's `OrderItem.status` and `discountAmount`).

use kedai_core::Money;

use crate::OrderStatus;

kedai_core::text_enum! {
    /// Where an order line stands. Lines follow their order: Kedai does not cancel or refund
    /// single lines.
    pub enum ItemStatus ("an order item status") {
        /// Sold, or to be sold.
        Active = "active",
        /// Its order was cancelled.
        Cancelled = "cancelled",
        /// Its order was refunded.
        Refunded = "refunded",
    }
}

/// The status of every line of an order in `status`.
#[must_use]
pub const fn item_status(status: OrderStatus) -> ItemStatus {
    match status {
        OrderStatus::Cancelled => ItemStatus::Cancelled,
        OrderStatus::Refunded => ItemStatus::Refunded,
        _ => ItemStatus::Active,
    }
}

/// Each line's share of the order's discount, in proportion to its total; the shares add up to
/// the discount exactly (the minor units left by rounding down go to the lines with the
/// largest remainders, earlier lines first). A discount on an order whose lines total nothing
/// goes to no line.
#[must_use]
pub fn item_discounts(line_totals: &[Money], discount: Money) -> Vec<Money> {
    let currency = discount.currency();
    let total: i128 = line_totals.iter().map(|t| i128::from(t.minor())).sum();
    let off = i128::from(discount.minor());
    if total <= 0 || off <= 0 {
        return vec![Money::zero(currency); line_totals.len()];
    }
    let off = off.min(total);
    let mut shares: Vec<(i128, i128)> = line_totals
        .iter()
        .map(|t| {
            let exact = i128::from(t.minor()) * off;
            (exact / total, exact % total)
        })
        .collect();
    let mut left = off - shares.iter().map(|(s, _)| s).sum::<i128>();
    let mut order: Vec<usize> = (0..shares.len()).collect();
    order.sort_by(|a, b| shares[*b].1.cmp(&shares[*a].1).then(a.cmp(b)));
    for i in order {
        if left == 0 {
            break;
        }
        shares[i].0 += 1;
        left -= 1;
    }
    shares
        .into_iter()
        .map(|(s, _)| Money::from_minor(i64::try_from(s).unwrap_or(i64::MAX), currency))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use kedai_core::Currency;
    use proptest::prelude::*;

    fn myr(minor: i64) -> Money {
        Money::from_minor(
            minor,
            Currency::from_code("MYR").unwrap_or_else(|e| panic!("{e}")),
        )
    }

    fn minors(v: &[Money]) -> Vec<i64> {
        v.iter().map(|m| m.minor()).collect()
    }

    #[test]
    fn lines_follow_their_order() {
        assert_eq!(item_status(OrderStatus::Paid), ItemStatus::Active);
        assert_eq!(item_status(OrderStatus::Cancelled), ItemStatus::Cancelled);
        assert_eq!(item_status(OrderStatus::Refunded), ItemStatus::Refunded);
        assert_eq!(ItemStatus::Active.as_str(), "active");
    }

    #[test]
    fn the_discount_is_shared_in_proportion_and_adds_up() {
        // 003's coupon: 10% of 29.80 is 2.98, on one line.
        assert_eq!(minors(&item_discounts(&[myr(2980)], myr(298))), [298]);
        // 1.00 over three equal lines: 0.34, 0.33, 0.33.
        assert_eq!(
            minors(&item_discounts(&[myr(500), myr(500), myr(500)], myr(100))),
            [34, 33, 33]
        );
        // Larger lines take larger shares.
        assert_eq!(
            minors(&item_discounts(&[myr(1000), myr(3000)], myr(400))),
            [100, 300]
        );
        assert_eq!(minors(&item_discounts(&[myr(0), myr(0)], myr(100))), [0, 0]);
        assert_eq!(minors(&item_discounts(&[myr(700)], myr(0))), [0]);
    }

    proptest! {
        #[test]
        fn shares_never_exceed_their_line_and_add_up_to_the_discount(
            totals in proptest::collection::vec(0_i64..1_000_000, 1..8),
            discount in 0_i64..10_000_000,
        ) {
            let lines: Vec<Money> = totals.iter().copied().map(myr).collect();
            let shares = item_discounts(&lines, myr(discount));
            let sum: i64 = totals.iter().sum();
            let given: i64 = shares.iter().map(Money::minor).sum();
            prop_assert_eq!(given, if sum == 0 { 0 } else { discount.min(sum) });
            for (share, line) in shares.iter().zip(&lines) {
                prop_assert!(share.minor() >= 0 && share.minor() <= line.minor());
            }
        }
    }
}
