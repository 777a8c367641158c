//! The points ledger: every change of a customer's points is a row (who, when, why, against
//! what), and the balance is their sum. Nothing changes a row once written.

use chrono::{DateTime, Utc};
use kedai_core::TenantId;
use kedai_identity::CustomerId;

kedai_core::uuid_id!(
    /// One row of the points ledger.
    PointsEntryId
);

kedai_core::text_enum! {
    /// Why points moved.
    pub enum PointsKind ("a points entry kind") {
        /// Earned by a completed order (reference: the order id).
        Earn = "earn",
        /// Added or taken off by staff, with a reason.
        Adjust = "adjust",
        /// Spent on a reward (reference: the reward).
        Redeem = "redeem",
        /// Taken back because the order that earned them was refunded.
        Reverse = "reverse",
        /// Expired unused.
        Expire = "expire",
    }
}

/// The most points one entry may move.
pub const MAX_POINTS_PER_ENTRY: i64 = 10_000_000;
/// The longest reason, in characters.
pub const REASON_MAX: usize = 200;
/// The longest reference, in characters.
pub const REFERENCE_MAX: usize = 100;

/// A change to post: the ledger row to write, before storage gives it its balance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PointsPosting {
    /// Id of the row.
    pub id: PointsEntryId,
    /// Owner.
    pub tenant_id: TenantId,
    /// Whose points.
    pub customer_id: CustomerId,
    /// Points added (positive) or taken off (negative); never zero.
    pub delta: i64,
    /// Why.
    pub kind: PointsKind,
    /// In words.
    pub reason: String,
    /// What it was against: an order id, a reward id, a receipt number.
    pub reference: Option<String>,
    /// Who did it: a staff id, or none for the system.
    pub actor: Option<String>,
    /// When added points expire, if they do.
    pub expires_at: Option<DateTime<Utc>>,
    /// When.
    pub at: DateTime<Utc>,
}

/// A stored ledger row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PointsEntry {
    /// The change.
    pub posting: PointsPosting,
    /// The balance right after it.
    pub balance_after: i64,
}

/// What posting a change came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Posted {
    /// Written, with the balance after it.
    Done(PointsEntry),
    /// Not written: it would take the balance below zero.
    Insufficient {
        /// The balance as it stood.
        balance: i64,
    },
    /// Not written: an order earns once, and this one already has.
    Duplicate,
}

/// The fields that break a rule, each with what is wrong.
pub type FieldErrors = Vec<(&'static str, String)>;

/// A checked manual change: points, why, against what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Points, never zero.
    pub points: i64,
    /// Why, trimmed.
    pub reason: String,
    /// Against what, trimmed.
    pub reference: Option<String>,
}

/// A manual change as staff ask for it, checked: non-zero points within bounds, a reason,
/// an optional reference. Texts are trimmed.
///
/// # Errors
/// Every field that breaks a rule.
pub fn check_change(
    points: i64,
    reason: Option<&str>,
    reference: Option<&str>,
    allow_negative: bool,
) -> Result<Change, FieldErrors> {
    let mut errors = Vec::new();
    if points == 0 || (!allow_negative && points < 0) {
        errors.push((
            "points",
            if allow_negative {
                "must not be 0".to_owned()
            } else {
                "must be greater than 0".to_owned()
            },
        ));
    } else if points.unsigned_abs() > MAX_POINTS_PER_ENTRY.unsigned_abs() {
        errors.push((
            "points",
            format!("must be at most {MAX_POINTS_PER_ENTRY} at a time"),
        ));
    }
    let reason = reason.map(str::trim).unwrap_or_default().to_owned();
    if reason.is_empty() {
        errors.push(("reason", "is required".to_owned()));
    } else if reason.chars().count() > REASON_MAX {
        errors.push(("reason", format!("must be at most {REASON_MAX} characters")));
    }
    let reference = reference
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_owned);
    if reference
        .as_ref()
        .is_some_and(|r| r.chars().count() > REFERENCE_MAX)
    {
        errors.push((
            "reference_no",
            format!("must be at most {REFERENCE_MAX} characters"),
        ));
    }
    if errors.is_empty() {
        Ok(Change {
            points,
            reason,
            reference,
        })
    } else {
        Err(errors)
    }
}
