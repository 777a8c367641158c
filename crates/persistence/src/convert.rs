//! Row ↔ domain conversions and diesel error translation. Reads are fallible: a bad stored
//! value is a storage error, never a panic.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use kedai_core::storage::StorageErrorKind;
use kedai_core::{Currency, Money, ProductId, StorageError};

/// Translates a diesel error: lost races (serialization failures, deadlocks, a busy SQLite) are
/// retryable; a lost or refused connection (the database restarting or shutting down) is
/// unavailable; everything else is opaque.
pub(crate) fn storage_error(e: DieselError) -> StorageError {
    let kind = error_kind(&e);
    StorageError::new(kind, e)
}

/// What kind of storage failure a diesel error is.
pub(crate) fn error_kind(e: &DieselError) -> StorageErrorKind {
    match e {
        DieselError::DatabaseError(DatabaseErrorKind::SerializationFailure, _) => {
            StorageErrorKind::Retryable
        }
        DieselError::DatabaseError(
            DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
            _,
        )
        // The connection's transaction state is unknown after a failed rollback: the pool
        // drops such a connection, and the next request gets a fresh one.
        | DieselError::BrokenTransactionManager => StorageErrorKind::Unavailable,
        DieselError::DatabaseError(_, info) => message_kind(info.message()),
        _ => StorageErrorKind::Other,
    }
}

/// Classifies a database error by its message, for the cases diesel reports as `Unknown`.
fn message_kind(m: &str) -> StorageErrorKind {
    const RETRYABLE: [&str; 3] = [
        "deadlock detected",
        "database is locked",
        "database table is locked",
    ];
    // libpq's words for a connection that broke, and PostgreSQL's for a server that is
    // stopping, starting or recovering (SQLSTATE classes 08 and 57P).
    const UNAVAILABLE: [&str; 11] = [
        "server closed the connection",
        "terminating connection due to administrator command",
        "terminating connection because of crash of another server process",
        "no connection to the server",
        "could not receive data from server",
        "could not send data to server",
        "connection to server",
        "the database system is shutting down",
        "the database system is starting up",
        "the database system is in recovery mode",
        "the database system is not yet accepting connections",
    ];
    if RETRYABLE.iter().any(|r| m.contains(r)) {
        StorageErrorKind::Retryable
    } else if UNAVAILABLE.iter().any(|u| m.contains(u)) {
        StorageErrorKind::Unavailable
    } else {
        StorageErrorKind::Other
    }
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

#[cfg(test)]
mod tests {
    use diesel::result::{DatabaseErrorKind, Error as DieselError};
    use kedai_core::storage::StorageErrorKind;

    use super::error_kind;

    fn db(kind: DatabaseErrorKind, message: &str) -> DieselError {
        DieselError::DatabaseError(kind, Box::new(message.to_owned()))
    }

    #[test]
    fn lost_races_are_retryable() {
        let cases = [
            db(
                DatabaseErrorKind::SerializationFailure,
                "could not serialize access",
            ),
            db(DatabaseErrorKind::Unknown, "deadlock detected"),
            db(DatabaseErrorKind::Unknown, "database is locked"),
        ];
        for e in cases {
            assert_eq!(error_kind(&e), StorageErrorKind::Retryable, "{e}");
        }
    }

    #[test]
    fn a_lost_database_is_unavailable_not_internal() {
        let cases = [
            db(DatabaseErrorKind::ClosedConnection, "anything"),
            db(
                DatabaseErrorKind::UnableToSendCommand,
                "no connection to the server",
            ),
            db(
                DatabaseErrorKind::Unknown,
                "server closed the connection unexpectedly\n\tThis probably means the server terminated abnormally",
            ),
            db(
                DatabaseErrorKind::Unknown,
                "terminating connection due to administrator command",
            ),
            db(
                DatabaseErrorKind::Unknown,
                "the database system is shutting down",
            ),
            db(
                DatabaseErrorKind::Unknown,
                "the database system is starting up",
            ),
            db(
                DatabaseErrorKind::Unknown,
                "could not receive data from server: Connection refused",
            ),
            DieselError::BrokenTransactionManager,
        ];
        for e in cases {
            assert_eq!(error_kind(&e), StorageErrorKind::Unavailable, "{e}");
        }
    }

    #[test]
    fn everything_else_stays_internal() {
        let cases = [
            db(DatabaseErrorKind::UniqueViolation, "duplicate key value"),
            db(
                DatabaseErrorKind::CheckViolation,
                "violates check constraint",
            ),
            db(DatabaseErrorKind::Unknown, "syntax error at or near"),
            db(DatabaseErrorKind::Unknown, "no such table: orders"),
            DieselError::NotFound,
        ];
        for e in cases {
            assert_eq!(error_kind(&e), StorageErrorKind::Other, "{e}");
        }
    }
}
