//! The opaque infrastructure failure every repository reports.

use std::error::Error as StdError;
use std::fmt;

/// A failure of the storage backend. Opaque to the domain; keeps its source for the log.
///
/// `retryable` marks failures that a fresh attempt of the whole unit of work may cure
/// (serialization failures, deadlocks, a lost optimistic race).
#[derive(Debug)]
pub struct StorageError {
    kind: StorageErrorKind,
    source: Box<dyn StdError + Send + Sync>,
}

/// What sort of storage failure happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StorageErrorKind {
    /// The work lost a race and may succeed if retried from the start.
    Retryable,
    /// The backend could not be reached (pool exhausted or database down).
    Unavailable,
    /// Anything else.
    Other,
}

impl StorageError {
    /// Wraps a backend error of the given kind.
    pub fn new(kind: StorageErrorKind, source: impl Into<Box<dyn StdError + Send + Sync>>) -> Self {
        Self {
            kind,
            source: source.into(),
        }
    }

    /// A backend error that is not worth retrying.
    pub fn other(source: impl Into<Box<dyn StdError + Send + Sync>>) -> Self {
        Self::new(StorageErrorKind::Other, source)
    }

    /// A lost race: the whole unit of work may be retried.
    pub fn retryable(source: impl Into<Box<dyn StdError + Send + Sync>>) -> Self {
        Self::new(StorageErrorKind::Retryable, source)
    }

    /// What kind of failure this is.
    #[must_use]
    pub const fn kind(&self) -> StorageErrorKind {
        self.kind
    }
}

impl fmt::Display for StorageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "storage failure: {}", self.source)
    }
}

impl StdError for StorageError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        Some(self.source.as_ref())
    }
}
