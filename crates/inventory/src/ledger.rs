//! The append-only stock ledger: every change of a lot's remaining quantity is a movement, and
//! every allocation records which lot gave what to which reference.

use std::fmt;
use std::str::FromStr;

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

/// The kind of a stock movement. Per lot: Σ in + Σ adjust − Σ allocate + Σ release = remaining.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MovementKind {
    /// Stock received (a new lot).
    In,
    /// Stock allocated to a reference (an order, usually).
    Allocate,
    /// Stock adjusted (signed).
    Adjust,
    /// An allocation given back.
    Release,
}

impl MovementKind {
    /// Every kind.
    pub const ALL: [Self; 4] = [Self::In, Self::Allocate, Self::Adjust, Self::Release];

    /// The stored name.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::In => "in",
            Self::Allocate => "allocate",
            Self::Adjust => "adjust",
            Self::Release => "release",
        }
    }
}

impl fmt::Display for MovementKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for MovementKind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| format!("`{s}` is not a movement kind"))
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
