//! The unit-of-work runner: one pooled connection, one transaction per attempt, bounded retries
//! for lost races. SQLite writes take the write lock up front (`BEGIN IMMEDIATE`), so they queue
//! instead of failing half-way; PostgreSQL runs at READ COMMITTED with guarded updates.

use std::time::Duration;

use diesel::connection::{AnsiTransactionManager, TransactionManager};
use diesel::result::QueryResult;
use kedai_app::{AppError, Store, UnitOfWork, store::Work};
use kedai_core::StorageError;
use kedai_core::storage::StorageErrorKind;

use crate::convert::storage_error;
use crate::db::{DbConnection, Pool};
use crate::repos::Tx;

/// How many times a unit of work that lost a race is run before giving up.
const MAX_ATTEMPTS: u32 = 12;

/// The database-backed [`Store`].
#[derive(Clone)]
pub struct DbStore {
    pool: Pool,
    /// SQLite takes one writer at a time. Writers of this process wait here, each woken as
    /// the one before finishes, rather than in SQLite's busy handler, which sleeps between
    /// tries (up to 100 ms a nap) and lets late comers overtake: under load that made the
    /// slowest 1% of orders wait a second. Another process on the same file still meets the
    /// busy handler.
    sqlite_writer: std::sync::Arc<std::sync::Mutex<()>>,
}

impl std::fmt::Debug for DbStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DbStore")
            .field("state", &self.pool.state())
            .finish()
    }
}

#[derive(Clone, Copy)]
enum Mode {
    Write,
    Read,
}

fn begin(conn: &mut DbConnection, mode: Mode) -> QueryResult<()> {
    match (conn, mode) {
        (DbConnection::Sqlite(c), Mode::Write) => {
            AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")
        }
        (DbConnection::Sqlite(c), Mode::Read) => {
            AnsiTransactionManager::begin_transaction_sql(c, "BEGIN")
        }
        (DbConnection::Pg(c), Mode::Write) => {
            AnsiTransactionManager::begin_transaction_sql(c, "BEGIN")
        }
        (DbConnection::Pg(c), Mode::Read) => AnsiTransactionManager::begin_transaction_sql(
            c,
            "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
        ),
    }
}

fn commit(conn: &mut DbConnection) -> QueryResult<()> {
    match conn {
        DbConnection::Sqlite(c) => AnsiTransactionManager::commit_transaction(c),
        DbConnection::Pg(c) => AnsiTransactionManager::commit_transaction(c),
    }
}

fn rollback(conn: &mut DbConnection) -> QueryResult<()> {
    match conn {
        DbConnection::Sqlite(c) => AnsiTransactionManager::rollback_transaction(c),
        DbConnection::Pg(c) => AnsiTransactionManager::rollback_transaction(c),
    }
}

fn backoff(attempt: u32) {
    // Exponential with jitter from the clock's nanoseconds: racing retries spread out.
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let base = 1_u64 << attempt.min(6);
    std::thread::sleep(Duration::from_millis(base + u64::from(nanos % 7)));
}

impl DbStore {
    /// Wraps a pool.
    #[must_use]
    pub fn new(pool: Pool) -> Self {
        Self {
            pool,
            sqlite_writer: std::sync::Arc::default(),
        }
    }

    /// The pool.
    #[must_use]
    pub const fn pool(&self) -> &Pool {
        &self.pool
    }

    fn run(&self, mode: Mode, work: &mut Work<'_>) -> Result<(), AppError> {
        let mut conn = self
            .pool
            .get()
            .map_err(|e| AppError::Storage(StorageError::new(StorageErrorKind::Unavailable, e)))?;
        // A poisoned lock guards no data: take it anyway.
        let _turn =
            (matches!(mode, Mode::Write) && matches!(*conn, DbConnection::Sqlite(_))).then(|| {
                self.sqlite_writer
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
            });
        let mut attempt = 0;
        loop {
            attempt += 1;
            begin(&mut conn, mode).map_err(storage_error)?;
            // A panicking use case must not hand its open transaction back to the pool, where
            // every later request on this connection would fail: roll back, then panic on.
            let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                work(&mut Tx { conn: &mut conn })
            }))
            .unwrap_or_else(|panic| {
                if let Err(e) = rollback(&mut conn) {
                    tracing::debug!(error = %e, "rollback after a panic");
                }
                std::panic::resume_unwind(panic)
            })
            .and_then(|()| commit(&mut conn).map_err(|e| storage_error(e).into()));
            let Err(error) = outcome else {
                return Ok(());
            };
            // A failed commit has already ended the transaction; a failed rollback means the
            // connection is unusable, which the pool's next check will find.
            if let Err(e) = rollback(&mut conn) {
                tracing::debug!(error = %e, "rollback after failure");
            }
            if error.is_retryable() && attempt < MAX_ATTEMPTS {
                tracing::debug!(attempt, %error, "retrying unit of work");
                backoff(attempt);
                continue;
            }
            return Err(error);
        }
    }
}

impl Store for DbStore {
    fn write_work(&self, work: &mut Work<'_>) -> Result<(), AppError> {
        self.run(Mode::Write, work)
    }

    fn read_work(&self, work: &mut Work<'_>) -> Result<(), AppError> {
        self.run(Mode::Read, work)
    }

    fn lookup_work(&self, work: &mut Work<'_>) -> Result<(), AppError> {
        // One statement in autocommit: no BEGIN and COMMIT around it.
        let mut conn = self
            .pool
            .get()
            .map_err(|e| AppError::Storage(StorageError::new(StorageErrorKind::Unavailable, e)))?;
        work(&mut Tx { conn: &mut conn })
    }

    fn ping(&self) -> Result<(), StorageError> {
        use diesel::connection::SimpleConnection;
        let mut conn = self
            .pool
            .get()
            .map_err(|e| StorageError::new(StorageErrorKind::Unavailable, e))?;
        conn.batch_execute("SELECT 1")
            .map_err(|e| StorageError::new(StorageErrorKind::Unavailable, e))
    }
}

/// Makes the unit of work usable as `&mut dyn UnitOfWork`.
impl UnitOfWork for Tx<'_> {}
