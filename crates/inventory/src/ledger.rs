//! The append-only stock ledger: every change of a lot's remaining quantity is a movement, and
//! every allocation records which lot gave what to which reference.

use chrono::{DateTime, Utc};
use kedai_core::{ProductId, TenantId, uuid_id};

use crate::LotId;

uuid_id!(
    /// A stock movement.
    MovementId
);
uuid_id!(
    /// A stock allocation.
    AllocationId
);

kedai_core::text_enum! {
    /// The kind of a stock movement. Per lot: Σ in + Σ adjust − Σ allocate + Σ release = remaining.
    pub enum MovementKind ("a movement kind") {
        /// Stock received (a new lot).
        In = "in",
        /// Stock allocated to a reference (an order, usually).
        Allocate = "allocate",
        /// Stock adjusted (signed).
        Adjust = "adjust",
        /// An allocation given back.
        Release = "release",
    }
}

/// One ledger row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Movement {
    /// Id.
    pub id: MovementId,
    /// Owner.
    pub tenant_id: TenantId,
    /// The product.
    pub product_id: ProductId,
    /// The lot whose remaining quantity changed.
    pub lot_id: LotId,
    /// What happened.
    pub kind: MovementKind,
    /// Signed change of the lot's remaining quantity.
    pub quantity: i64,
    /// Reason code (adjustments) or source (stock-in, allocation).
    pub reason: Option<String>,
    /// Where the operation came from (`manual_adjustment`, `order`, ...).
    pub source: Option<String>,
    /// The reference it served (an order id, a caller's `ref_id`).
    pub reference: Option<String>,
    /// Free-text note.
    pub note: Option<String>,
    /// Who did it (staff id).
    pub actor: Option<String>,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// Units of one lot held by one reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allocation {
    /// Id.
    pub id: AllocationId,
    /// Owner.
    pub tenant_id: TenantId,
    /// The product.
    pub product_id: ProductId,
    /// The lot the units came from, and go back to when released.
    pub lot_id: LotId,
    /// Units.
    pub quantity: i64,
    /// What allocated them (`order`, `adjustment`, ...).
    pub source: String,
    /// The reference (order id or caller's id).
    pub reference: String,
    /// When.
    pub created_at: DateTime<Utc>,
    /// When given back, if it was.
    pub released_at: Option<DateTime<Utc>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip() {
        for k in MovementKind::ALL {
            assert_eq!(k.as_str().parse::<MovementKind>(), Ok(k));
        }
        assert!("out".parse::<MovementKind>().is_err());
    }
}
