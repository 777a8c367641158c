//! Row ↔ domain conversions and diesel error translation. Reads are fallible: a bad stored
//! value is a storage error, never a panic.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use kedai_core::storage::StorageErrorKind;
use kedai_core::{Currency, Money, ProductId, StorageError};

/// Translates a diesel error: lost races (serialization failures, deadlocks, a busy SQLite) are
/// retryable; everything else is opaque.
pub(crate) fn storage_error(e: DieselError) -> StorageError {
    let retryable = match &e {
        DieselError::DatabaseError(DatabaseErrorKind::SerializationFailure, _) => true,
        DieselError::DatabaseError(_, info) => {
            let m = info.message();
            m.contains("deadlock detected")
                || m.contains("database is locked")
                || m.contains("database table is locked")
        }
        _ => false,
    };
    let kind = if retryable {
        StorageErrorKind::Retryable
    } else {
        StorageErrorKind::Other
    };
    StorageError::new(kind, e)
}

/// True for a unique-constraint violation.
pub(crate) fn is_unique_violation(e: &DieselError) -> bool {
    matches!(
        e,
        DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _)
    )
}

pub(crate) fn corrupt(what: impl Into<String>) -> StorageError {
    StorageError::other(format!("corrupt stored value: {}", what.into()))
}

pub(crate) fn ts(t: DateTime<Utc>) -> NaiveDateTime {
    t.naive_utc()
}

pub(crate) fn utc(t: NaiveDateTime) -> DateTime<Utc> {
    t.and_utc()
}

pub(crate) fn opt_utc(t: Option<NaiveDateTime>) -> Option<DateTime<Utc>> {
    t.map(utc)
}

pub(crate) fn parse<T: std::str::FromStr>(what: &str, s: &str) -> Result<T, StorageError> {
    s.parse().map_err(|_| corrupt(format!("{what} `{s}`")))
}

pub(crate) fn currency(s: &str) -> Result<Currency, StorageError> {
    Currency::from_code(s).map_err(|_| corrupt(format!("currency `{s}`")))
}

pub(crate) fn money(minor: i64, c: Currency) -> Money {
    Money::from_minor(minor, c)
}

pub(crate) fn product_id(id: i64) -> Result<ProductId, StorageError> {
    ProductId::new(id).map_err(|_| corrupt(format!("product id {id}")))
}
