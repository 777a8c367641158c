//! Stock adjustments (001): product-level (newest record first) and record-level, with reason
//! codes tied to a direction.

use std::fmt;

use kedai_core::ProductId;

use crate::{InventoryError, LotId, LotStock};

/// Which way an adjustment reason moves stock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Adds stock.
    Increase,
    /// Removes stock.
    Decrease,
    /// Either way (`other`).
    Either,
}

impl fmt::Display for Direction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Increase => "increase",
            Self::Decrease => "decrease",
            Self::Either => "any",
        })
    }
}

kedai_core::text_enum! {
    /// The reason codes of 001.
    pub enum AdjustReason ("an adjustment reason") {
        /// Count found more than recorded.
        InventoryAuditIncrease = "inventory_audit_increase",
        /// Goods returned.
        ReturnGoods = "return_goods",
        /// Supplier compensation.
        SupplierCompensation = "supplier_compensation",
        /// Correction of an earlier miscount.
        MiscountCorrection = "miscount_correction",
        /// Count found less than recorded.
        InventoryAuditDecrease = "inventory_audit_decrease",
        /// Damaged, written off.
        DamageWriteoff = "damage_writeoff",
        /// Expired, removed.
        ExpiredRemoval = "expired_removal",
        /// Lost or stolen.
        LossTheft = "loss_theft",
        /// Failed quality control.
        QualityIssue = "quality_issue",
        /// Anything else; needs a note.
        Other = "other",
    }
}

impl AdjustReason {
    /// The direction this reason applies to.
    #[must_use]
    pub const fn direction(self) -> Direction {
        match self {
            Self::InventoryAuditIncrease
            | Self::ReturnGoods
            | Self::SupplierCompensation
            | Self::MiscountCorrection => Direction::Increase,
            Self::InventoryAuditDecrease
            | Self::DamageWriteoff
            | Self::ExpiredRemoval
            | Self::LossTheft
            | Self::QualityIssue => Direction::Decrease,
            Self::Other => Direction::Either,
        }
    }
}

/// A change to one lot's remaining quantity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LotChange {
    /// The lot.
    pub lot: LotId,
    /// Signed units: positive adds, negative removes.
    pub delta: i64,
}

/// What an adjustment does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AdjustPlan {
    /// An increase on a product with no lot: a new lot with this note.
    CreateLot {
        /// Units.
        quantity: i64,
        /// `Initial stock adjustment: <reason>`.
        note: String,
    },
    /// Changes to existing lots, the first being the record the response names.
    Change(Vec<LotChange>),
}

fn check_reason(
    delta: i64,
    reason: AdjustReason,
    note: Option<&str>,
) -> Result<(), InventoryError> {
    if delta == 0 {
        return Err(InventoryError::ZeroAdjustment);
    }
    if delta.unsigned_abs() > crate::MAX_QUANTITY.unsigned_abs() {
        return Err(InventoryError::QuantityTooLarge {
            field: "adjust_quantity",
        });
    }
    let direction = if delta > 0 {
        Direction::Increase
    } else {
        Direction::Decrease
    };
    let expected = reason.direction();
    if expected != Direction::Either && expected != direction {
        return Err(InventoryError::ReasonDirection { reason, expected });
    }
    if reason == AdjustReason::Other && note.is_none_or(|n| n.trim().is_empty()) {
        return Err(InventoryError::NoteRequired);
    }
    Ok(())
}

/// Plans a product-level adjustment of `delta` units.
///
/// - An increase goes to the newest record (by `created_at`); with no record, a new lot is
///   created with the note `Initial stock adjustment: <reason>` (for `other`, the note given).
/// - A decrease takes from the newest records first and can never exceed the product's
///   available stock; with no record at all it is refused.
///
/// # Errors
/// [`InventoryError::ZeroAdjustment`], [`InventoryError::ReasonDirection`],
/// [`InventoryError::NoteRequired`], [`InventoryError::NoStockRecord`] or
/// [`InventoryError::Insufficient`].
pub fn plan_product_adjustment(
    product_id: ProductId,
    lots: &[LotStock],
    delta: i64,
    reason: AdjustReason,
    note: Option<&str>,
) -> Result<AdjustPlan, InventoryError> {
    check_reason(delta, reason, note)?;
    let mut newest: Vec<&LotStock> = lots.iter().collect();
    newest.sort_by_key(|l| std::cmp::Reverse((l.created_at, l.id)));
    if delta > 0 {
        return Ok(match newest.first() {
            Some(lot) => AdjustPlan::Change(vec![LotChange { lot: lot.id, delta }]),
            None => {
                let why = match (reason, note) {
                    (AdjustReason::Other, Some(n)) => n.trim().to_owned(),
                    _ => reason.as_str().to_owned(),
                };
                AdjustPlan::CreateLot {
                    quantity: delta,
                    note: format!("Initial stock adjustment: {why}"),
                }
            }
        });
    }
    if newest.is_empty() {
        return Err(InventoryError::NoStockRecord);
    }
    let wanted = delta.unsigned_abs();
    let available: i64 = lots.iter().map(|l| l.remaining.max(0)).sum();
    if available.unsigned_abs() < wanted {
        return Err(InventoryError::Insufficient {
            product_id,
            requested: -delta,
            available,
        });
    }
    let mut left = -delta;
    let mut changes = Vec::new();
    for lot in newest.into_iter().filter(|l| l.remaining > 0) {
        if left == 0 {
            break;
        }
        let take = left.min(lot.remaining);
        changes.push(LotChange {
            lot: lot.id,
            delta: -take,
        });
        left -= take;
    }
    Ok(AdjustPlan::Change(changes))
}

/// Plans a record-level adjustment of one lot. A decrease can never exceed what the lot holds.
///
/// # Errors
/// [`InventoryError::ZeroAdjustment`], [`InventoryError::ReasonDirection`],
/// [`InventoryError::NoteRequired`] or [`InventoryError::Insufficient`].
pub fn plan_lot_adjustment(
    product_id: ProductId,
    lot: &LotStock,
    delta: i64,
    reason: AdjustReason,
    note: Option<&str>,
) -> Result<AdjustPlan, InventoryError> {
    check_reason(delta, reason, note)?;
    if delta < 0 && lot.remaining < -delta {
        return Err(InventoryError::Insufficient {
            product_id,
            requested: -delta,
            available: lot.remaining,
        });
    }
    Ok(AdjustPlan::Change(vec![LotChange { lot: lot.id, delta }]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, Duration, Utc};

    fn pid() -> ProductId {
        ProductId::new(7).unwrap_or_else(|e| panic!("{e}"))
    }

    fn lot(created_day: i64, remaining: i64) -> LotStock {
        let t0: DateTime<Utc> = "2026-01-01T00:00:00Z"
            .parse()
            .unwrap_or_else(|e| panic!("{e}"));
        LotStock {
            id: LotId::new(),
            // Received in the opposite order to creation, to prove creation order decides.
            received_at: t0 - Duration::days(created_day),
            created_at: t0 + Duration::days(created_day),
            remaining,
        }
    }

    #[test]
    fn increases_go_to_the_newest_record_or_create_one() {
        let lots = [lot(0, 5), lot(2, 0), lot(1, 9)];
        let plan =
            plan_product_adjustment(pid(), &lots, 15, AdjustReason::InventoryAuditIncrease, None);
        assert_eq!(
            plan,
            Ok(AdjustPlan::Change(vec![LotChange {
                lot: lots[1].id,
                delta: 15
            }]))
        );
        let plan =
            plan_product_adjustment(pid(), &[], 15, AdjustReason::InventoryAuditIncrease, None);
        assert_eq!(
            plan,
            Ok(AdjustPlan::CreateLot {
                quantity: 15,
                note: "Initial stock adjustment: inventory_audit_increase".into()
            })
        );
        let plan = plan_product_adjustment(
            pid(),
            &[],
            2,
            AdjustReason::Other,
            Some(" found in back room "),
        );
        assert_eq!(
            plan,
            Ok(AdjustPlan::CreateLot {
                quantity: 2,
                note: "Initial stock adjustment: found in back room".into()
            })
        );
    }

    #[test]
    fn decreases_take_newest_first_and_never_exceed_stock() {
        let lots = [lot(0, 5), lot(2, 0), lot(1, 9)];
        let plan = plan_product_adjustment(pid(), &lots, -10, AdjustReason::DamageWriteoff, None);
        assert_eq!(
            plan,
            Ok(AdjustPlan::Change(vec![
                LotChange {
                    lot: lots[2].id,
                    delta: -9
                },
                LotChange {
                    lot: lots[0].id,
                    delta: -1
                },
            ]))
        );
        assert_eq!(
            plan_product_adjustment(pid(), &lots, -15, AdjustReason::LossTheft, None),
            Err(InventoryError::Insufficient {
                product_id: pid(),
                requested: 15,
                available: 14
            })
        );
        assert_eq!(
            plan_product_adjustment(pid(), &[], -1, AdjustReason::LossTheft, None),
            Err(InventoryError::NoStockRecord)
        );
    }

    #[test]
    fn zero_direction_and_note_rules() {
        let lots = [lot(0, 5)];
        assert_eq!(
            plan_product_adjustment(pid(), &lots, 0, AdjustReason::Other, Some("x")),
            Err(InventoryError::ZeroAdjustment)
        );
        assert_eq!(
            plan_product_adjustment(pid(), &lots, 3, AdjustReason::DamageWriteoff, None),
            Err(InventoryError::ReasonDirection {
                reason: AdjustReason::DamageWriteoff,
                expected: Direction::Decrease
            })
        );
        assert_eq!(
            plan_lot_adjustment(pid(), &lots[0], -3, AdjustReason::ReturnGoods, None),
            Err(InventoryError::ReasonDirection {
                reason: AdjustReason::ReturnGoods,
                expected: Direction::Increase
            })
        );
        for note in [None, Some(""), Some("  ")] {
            assert_eq!(
                plan_lot_adjustment(pid(), &lots[0], -1, AdjustReason::Other, note),
                Err(InventoryError::NoteRequired)
            );
        }
        assert!(
            plan_lot_adjustment(pid(), &lots[0], -1, AdjustReason::Other, Some("recount")).is_ok()
        );
    }

    #[test]
    fn record_level_limits_to_the_record() {
        let l = lot(0, 5);
        assert_eq!(
            plan_lot_adjustment(pid(), &l, -5, AdjustReason::DamageWriteoff, None),
            Ok(AdjustPlan::Change(vec![LotChange {
                lot: l.id,
                delta: -5
            }]))
        );
        assert_eq!(
            plan_lot_adjustment(pid(), &l, -6, AdjustReason::DamageWriteoff, None),
            Err(InventoryError::Insufficient {
                product_id: pid(),
                requested: 6,
                available: 5
            })
        );
        assert!(
            plan_lot_adjustment(pid(), &l, 100, AdjustReason::SupplierCompensation, None).is_ok()
        );
    }

    #[test]
    fn reason_codes_round_trip() {
        for r in AdjustReason::ALL {
            assert_eq!(r.as_str().parse::<AdjustReason>(), Ok(r));
        }
        assert!("shrinkage".parse::<AdjustReason>().is_err());
    }
}
