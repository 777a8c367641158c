//! Points taken back when an order that earned them is refunded: in proportion to the money
//! given back, counted over all of the order's refunds so rounding never takes more than was
//! earned, and a full refund takes it all.

/// The points to take back now: the share of `earned` that `refunded` (all refunds so far,
/// this one included) is of `paid`, rounded down, less what was `reversed` before.
#[must_use]
pub fn reversal_due(earned: i64, reversed: i64, refunded: i64, paid: i64) -> i64 {
    if earned <= 0 || paid <= 0 || refunded <= 0 {
        return 0;
    }
    let share = i128::from(earned) * i128::from(refunded.min(paid)) / i128::from(paid);
    let target = i64::try_from(share).unwrap_or(earned).min(earned);
    (target - reversed.max(0)).max(0)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::reversal_due;

    #[test]
    fn in_proportion_and_all_of_it_on_a_full_refund() {
        // 29 points on 29.80: a refund of 14.90 takes 14; the rest of the money, the rest.
        assert_eq!(reversal_due(29, 0, 1_490, 2_980), 14);
        assert_eq!(reversal_due(29, 14, 2_980, 2_980), 15);
        assert_eq!(reversal_due(29, 29, 2_980, 2_980), 0);
        assert_eq!(reversal_due(0, 0, 2_980, 2_980), 0);
        assert_eq!(reversal_due(29, 0, 0, 2_980), 0);
    }

    proptest! {
        #[test]
        fn never_more_than_earned_and_all_when_all_is_refunded(
            earned in 0_i64..100_000,
            paid in 1_i64..10_000_000,
            cuts in prop::collection::vec(1_i64..5_000_000, 1..10),
        ) {
            let (mut refunded, mut reversed) = (0, 0);
            for cut in cuts {
                refunded = (refunded + cut).min(paid);
                let due = reversal_due(earned, reversed, refunded, paid);
                prop_assert!(due >= 0);
                reversed += due;
                prop_assert!(reversed <= earned);
            }
            reversed += reversal_due(earned, reversed, paid, paid);
            prop_assert_eq!(reversed, earned);
        }
    }
}
