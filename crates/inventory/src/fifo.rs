//! FIFO allocation planning: take from the oldest lots first, all or nothing.

use chrono::{DateTime, Utc};

use crate::LotId;

/// What FIFO planning needs of a lot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LotStock {
    /// The lot.
    pub id: LotId,
    /// When it was received.
    pub received_at: DateTime<Utc>,
    /// When it was recorded; breaks ties of `received_at`.
    pub created_at: DateTime<Utc>,
    /// Units available.
    pub remaining: i64,
}

/// Units to take from one lot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Take {
    /// The lot.
    pub lot: LotId,
    /// Units, positive.
    pub quantity: i64,
}

/// Plans taking `quantity` units from `lots`, oldest `received_at` first (ties: oldest record,
/// then id). Returns `Err(available)` when the lots hold fewer than `quantity` units, in which
/// case nothing is to be taken. `quantity` must be positive.
///
/// # Errors
/// `Err(available)`: the total available units, when short.
pub fn plan_fifo(lots: &[LotStock], quantity: i64) -> Result<Vec<Take>, i64> {
    let available: i64 = lots.iter().map(|l| l.remaining.max(0)).sum();
    if quantity <= 0 || available < quantity {
        return Err(available);
    }
    let mut ordered: Vec<&LotStock> = lots.iter().filter(|l| l.remaining > 0).collect();
    ordered.sort_by_key(|l| (l.received_at, l.created_at, l.id));
    let mut left = quantity;
    let mut plan = Vec::new();
    for lot in ordered {
        if left == 0 {
            break;
        }
        let take = left.min(lot.remaining);
        plan.push(Take {
            lot: lot.id,
            quantity: take,
        });
        left -= take;
    }
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;
    use proptest::prelude::*;

    fn t0() -> DateTime<Utc> {
        "2026-01-01T00:00:00Z"
            .parse()
            .unwrap_or_else(|e| panic!("{e}"))
    }

    fn lot(day: i64, remaining: i64) -> LotStock {
        LotStock {
            id: LotId::new(),
            received_at: t0() + Duration::days(day),
            created_at: t0(),
            remaining,
        }
    }

    #[test]
    fn spans_the_oldest_lots_first() {
        let lots = [lot(2, 10), lot(0, 5), lot(1, 3)];
        let plan = plan_fifo(&lots, 7).unwrap_or_default();
        assert_eq!(
            plan,
            vec![
                Take {
                    lot: lots[1].id,
                    quantity: 5
                },
                Take {
                    lot: lots[2].id,
                    quantity: 2
                }
            ]
        );
    }

    #[test]
    fn short_stock_allocates_nothing() {
        let lots = [lot(0, 2), lot(1, 3)];
        assert_eq!(plan_fifo(&lots, 6), Err(5));
        assert_eq!(plan_fifo(&[], 1), Err(0));
        assert_eq!(plan_fifo(&lots, 0), Err(5));
        assert_eq!(plan_fifo(&lots, 5).map(|p| p.len()), Ok(2));
    }

    proptest! {
        #[test]
        fn fifo_invariants(
            remaining in proptest::collection::vec((0_i64..50, 0_i64..30), 0..40),
            quantity in 1_i64..400,
        ) {
            let lots: Vec<LotStock> = remaining.iter().map(|(day, r)| lot(*day, *r)).collect();
            let available: i64 = lots.iter().map(|l| l.remaining).sum();
            match plan_fifo(&lots, quantity) {
                Err(avail) => {
                    // Short stock allocates nothing, and says what there is.
                    prop_assert!(available < quantity);
                    prop_assert_eq!(avail, available);
                }
                Ok(plan) => {
                    // Quantities add up, each take is positive and within its lot.
                    prop_assert!(available >= quantity);
                    prop_assert_eq!(plan.iter().map(|t| t.quantity).sum::<i64>(), quantity);
                    for take in &plan {
                        let l = lots.iter().find(|l| l.id == take.lot);
                        prop_assert!(take.quantity > 0 && l.is_some_and(|l| take.quantity <= l.remaining));
                    }
                    // Oldest first: every lot used before the last one is used up, and no unused
                    // lot with stock is older than a used one.
                    let last = plan.len() - 1;
                    for (i, take) in plan.iter().enumerate() {
                        let l = lots.iter().find(|l| l.id == take.lot).copied();
                        let Some(l) = l else { continue };
                        if i < last {
                            prop_assert_eq!(take.quantity, l.remaining);
                        }
                        for other in lots.iter().filter(|o| o.remaining > 0 && !plan.iter().any(|t| t.lot == o.id)) {
                            prop_assert!((other.received_at, other.created_at, other.id) > (l.received_at, l.created_at, l.id));
                        }
                    }
                }
            }
        }
    }
}
