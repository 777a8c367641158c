//! Points (003 §10.2–10.4): what orders earn under the merchant's rule, staff adjustments and
//! redemptions, reversal on refunds, and expiry — all over one append-only ledger whose sum is
//! the balance and never goes below zero.

mod expiry;
mod ledger;
mod repository;
mod reversal;
mod rule;
#[cfg(test)]
mod tests;

pub use expiry::{Credit, ExpiryPosition, expires_at};
pub use ledger::{
    Change, FieldErrors, MAX_POINTS_PER_ENTRY, PointsEntry, PointsEntryId, PointsKind,
    PointsPosting, Posted, REASON_MAX, REFERENCE_MAX, check_change,
};
pub use repository::{LedgerFilter, PointsRepository};
pub use reversal::reversal_due;
pub use rule::{
    EarningRule, MAX_EXPIRY_MONTHS, MAX_MULTIPLIER, MAX_POINTS_PER_STEP, MULTIPLIER_ONE, Rounding,
    RuleFieldError, parse_multiplier,
};
