//! What a bulk load is asked for, what it reports, and how it fails.

use std::collections::BTreeMap;
use std::time::Duration;

use kedai_core::TenantId;

/// What to load.
#[derive(Debug, Clone)]
pub struct BulkOptions {
    /// The tenant that receives the data (it must exist).
    pub tenant: TenantId,
    /// Products to create.
    pub products: u32,
    /// Customers to create.
    pub customers: u32,
    /// Orders to create.
    pub orders: u64,
    /// Seed of the generator: the same seed gives the same shapes (ids and times differ).
    pub seed: u64,
    /// Orders per transaction.
    pub chunk: u64,
}

/// What was loaded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BulkReport {
    /// Products created.
    pub products: u64,
    /// Customers created.
    pub customers: u64,
    /// Lots received.
    pub lots: u64,
    /// Orders created.
    pub orders: u64,
    /// Order lines.
    pub items: u64,
    /// Stock allocations.
    pub allocations: u64,
    /// Stock ledger rows.
    pub movements: u64,
    /// Status-history rows.
    pub history: u64,
    /// Payments.
    pub payments: u64,
    /// Orders per final status.
    pub by_status: BTreeMap<&'static str, u64>,
    /// Time taken.
    pub elapsed: Duration,
}

/// A bulk load failure.
#[derive(Debug, thiserror::Error)]
pub enum BulkError {
    /// The tenant does not exist.
    #[error("no tenant {0}")]
    NoTenant(TenantId),
    /// A stored tenant value is unusable.
    #[error("tenant {0} has an unusable {1}")]
    BadTenant(TenantId, &'static str),
    /// Nothing to sell orders from.
    #[error("orders need at least one product")]
    NoProducts,
    /// The pool gave no connection.
    #[error("cannot connect: {0}")]
    Connect(#[from] r2d2::Error),
    /// A query failed.
    #[error("database error: {0}")]
    Query(#[from] diesel::result::Error),
}
