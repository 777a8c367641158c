//! Inventory: stock lots, FIFO allocation planning, stock-in, adjustments and the append-only
//! movement ledger. Pure: no I/O. The products themselves are `kedai-catalog`'s.
//!
//! Planning a FIFO allocation: the oldest lot gives first, and a plan is all or nothing.
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use kedai_inventory::{LotId, LotStock, plan_fifo};
//!
//! let day = |d| Utc.with_ymd_and_hms(2026, 12, d, 9, 0, 0).unwrap();
//! let (older, newer) = (LotId::new(), LotId::new());
//! let lots = [
//!     LotStock { id: newer, received_at: day(3), created_at: day(3), remaining: 10 },
//!     LotStock { id: older, received_at: day(1), created_at: day(1), remaining: 3 },
//! ];
//! let plan = plan_fifo(&lots, 5).expect("13 units are on hand");
//! let taken: Vec<_> = plan.iter().map(|t| (t.lot, t.quantity)).collect();
//! assert_eq!(taken, [(older, 3), (newer, 2)]);
//! // Short stock takes nothing and says what is available.
//! assert_eq!(plan_fifo(&lots, 14), Err(13));
//! ```

pub mod adjust;
pub mod fifo;
pub mod ledger;
pub mod lot;
pub mod repository;

pub use adjust::{
    AdjustPlan, AdjustReason, Direction, LotChange, plan_lot_adjustment, plan_product_adjustment,
};
pub use fifo::{LotStock, Take, plan_fifo};
pub use ledger::{Allocation, AllocationId, Movement, MovementId, MovementKind};
pub use lot::{Lot, LotId, StockIn, StockSource};
pub use repository::InventoryRepository;

use kedai_core::ProductId;

pub use kedai_core::MAX_QUANTITY;

/// Why an inventory operation was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InventoryError {
    /// Not enough available stock; nothing was taken.
    #[error(
        "insufficient stock for product {product_id}: requested {requested}, available {available}"
    )]
    Insufficient {
        /// The product.
        product_id: ProductId,
        /// Units asked for.
        requested: i64,
        /// Units available.
        available: i64,
    },
    /// A quantity of zero or less where a positive one is needed.
    #[error("quantity must be a positive integer")]
    NonPositiveQuantity,
    /// An adjustment of zero.
    #[error("adjust_quantity must not be zero")]
    ZeroAdjustment,
    /// A quantity (received or adjusted) beyond [`MAX_QUANTITY`] units.
    #[error("quantity must be at most {MAX_QUANTITY}")]
    QuantityTooLarge {
        /// The field that carried it (`quantity` or `adjust_quantity`).
        field: &'static str,
    },
    /// A decrease where the product has no stock records.
    #[error("cannot decrease stock that has no inventory record")]
    NoStockRecord,
    /// The reason code does not fit the direction of the adjustment.
    #[error("reason `{reason}` is for {expected} adjustments")]
    ReasonDirection {
        /// The reason given.
        reason: AdjustReason,
        /// The direction the reason belongs to.
        expected: Direction,
    },
    /// `other` needs a note saying why.
    #[error("reason `other` requires a note explaining the adjustment")]
    NoteRequired,
    /// A receipt dated in the future.
    #[error("received_at must not be in the future")]
    ReceivedInFuture,
}
