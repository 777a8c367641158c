//! Where points are kept: the ledger, each customer's balance (the ledger's sum, kept beside it
//! so a spend can be guarded in one statement), and each merchant's earning rule.

use chrono::{DateTime, Utc};
use kedai_core::{Page, StorageError, TenantId};
use kedai_identity::CustomerId;

use super::expiry::ExpiryPosition;
use super::ledger::{PointsEntry, PointsKind, PointsPosting, Posted};
use super::rule::EarningRule;

/// Which ledger rows to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LedgerFilter {
    /// Of one kind.
    pub kind: Option<PointsKind>,
    /// With this reference.
    pub reference: Option<String>,
    /// At or after.
    pub from: Option<DateTime<Utc>>,
    /// Before.
    pub to: Option<DateTime<Utc>>,
}

/// Points in storage. Every method is confined to one tenant.
pub trait PointsRepository {
    /// Posts a change: moves the customer's balance by `delta` with one guarded update that
    /// never takes it below zero, and appends the ledger row with the balance after it, in
    /// the caller's transaction. An earning row for a reference the customer already earned
    /// on is refused ([`Posted::Duplicate`]), however many completions race.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn post_points(&mut self, posting: &PointsPosting) -> Result<Posted, StorageError>;

    /// A customer's balance (0 when they never had points).
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn points_balance(
        &mut self,
        tenant: TenantId,
        customer: CustomerId,
    ) -> Result<i64, StorageError>;

    /// A page of a customer's ledger, newest first, and how many rows match.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn points_ledger(
        &mut self,
        tenant: TenantId,
        customer: CustomerId,
        filter: &LedgerFilter,
        page: Page,
    ) -> Result<(Vec<PointsEntry>, i64), StorageError>;

    /// Σ of the rows of one kind against one reference (the points an order earned, or took
    /// back so far).
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn points_for_reference(
        &mut self,
        tenant: TenantId,
        customer: CustomerId,
        kind: PointsKind,
        reference: &str,
    ) -> Result<i64, StorageError>;

    /// The merchant's earning rule, if they set one.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn earning_rule(&mut self, tenant: TenantId) -> Result<Option<EarningRule>, StorageError>;

    /// Sets the merchant's earning rule.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn save_earning_rule(
        &mut self,
        tenant: TenantId,
        rule: &EarningRule,
        at: DateTime<Utc>,
    ) -> Result<(), StorageError>;

    /// Customers (of any tenant) with points due to expire at `now`, up to `limit`.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn points_expiry_due(
        &mut self,
        now: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<(TenantId, CustomerId)>, StorageError>;

    /// A customer's credits and debits, for expiry, and the next expiry on record.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn expiry_position(
        &mut self,
        tenant: TenantId,
        customer: CustomerId,
    ) -> Result<(ExpiryPosition, Option<DateTime<Utc>>), StorageError>;

    /// Moves a customer's next expiry from `seen` to `next`, guarded: false, changing nothing,
    /// when it is no longer `seen` (another worker got there first).
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn move_next_expiry(
        &mut self,
        tenant: TenantId,
        customer: CustomerId,
        seen: Option<DateTime<Utc>>,
        next: Option<DateTime<Utc>>,
    ) -> Result<bool, StorageError>;
}
