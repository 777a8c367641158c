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

type Connection = r2d2::PooledConnection<crate::db::Manager>;
use crate::repos::Tx;

/// How many times a unit of work that lost a race is run before giving up.
const MAX_ATTEMPTS: u32 = 12;

/// How long a checkout waits for a connection while the database is known to be down, by
/// default.
pub const FAIL_FAST: Duration = Duration::from_millis(250);

/// How long a readiness probe waits for a connection at most: a probe that times out reads as
/// a hang, not as the 503 it should see.
const PING_WAIT: Duration = Duration::from_millis(800);

/// The database-backed [`Store`].
#[derive(Clone)]
pub struct DbStore {
    pool: Pool,
    /// A circuit breaker on connection checkouts. Closed, a checkout waits up to the pool's
    /// timeout for a connection. When one times out because the database cannot be reached
    /// (a connection attempt failed, or none is left), it opens: checkouts wait only
    /// `fail_fast`, so while the database is down every request answers 503 at once instead
    /// of holding a worker for the whole timeout. Each of those short waits is also a trial:
    /// the pool keeps reconnecting in the background, and the first checkout that gets a
    /// connection closes the breaker again.
    down: std::sync::Arc<std::sync::atomic::AtomicBool>,
    fail_fast: Duration,
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

/// Whether a checkout timeout carries the error of a failed connection attempt: r2d2 writes
/// it after its fixed "timed out" text (and nothing when every connection was only busy).
fn carries_cause(e: &r2d2::Error) -> bool {
    const TIMED_OUT: &str = "timed out waiting for connection";
    e.to_string().len() > TIMED_OUT.len()
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
            down: std::sync::Arc::default(),
            fail_fast: FAIL_FAST,
            sqlite_writer: std::sync::Arc::default(),
        }
    }

    /// The same store, failing checkouts after `wait` while the database is down.
    #[must_use]
    pub fn with_fail_fast(mut self, wait: Duration) -> Self {
        self.fail_fast = wait;
        self
    }

    /// Whether the breaker is open: the last checkout found the database unreachable.
    #[must_use]
    pub fn database_down(&self) -> bool {
        self.down.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// A connection, waiting at most `limit` (and only the fail-fast wait while the database
    /// is down); see the breaker on [`DbStore`].
    fn checkout(&self, limit: Option<Duration>) -> Result<Connection, StorageError> {
        use std::sync::atomic::Ordering;
        let normal = self.pool.connection_timeout();
        let mut wait = if self.database_down() {
            self.fail_fast.min(normal)
        } else {
            normal
        };
        if let Some(limit) = limit {
            wait = wait.min(limit);
        }
        match self.pool.get_timeout(wait) {
            Ok(conn) => {
                self.down.store(false, Ordering::Relaxed);
                Ok(conn)
            }
            Err(e) => {
                // A failed connection attempt, or no connection at all: the database is out of
                // reach. Every connection busy with the database up is only a full pool.
                if carries_cause(&e) || self.pool.state().connections == 0 {
                    self.down.store(true, Ordering::Relaxed);
                }
                Err(StorageError::new(StorageErrorKind::Unavailable, e))
            }
        }
    }

    /// The pool.
    #[must_use]
    pub const fn pool(&self) -> &Pool {
        &self.pool
    }

    fn run(&self, mode: Mode, work: &mut Work<'_>) -> Result<(), AppError> {
        let mut conn = self.checkout(None)?;
        self.run_on(&mut conn, mode, work)
    }

    /// Runs `work` in a transaction on `conn`. A connection that turns out to be dead when the
    /// transaction begins (the server restarted since it was last used: pooled connections
    /// are not pinged on checkout) is replaced by a fresh one, once; nothing had run on it.
    fn run_on(
        &self,
        conn: &mut Connection,
        mode: Mode,
        work: &mut Work<'_>,
    ) -> Result<(), AppError> {
        // A poisoned lock guards no data: take it anyway.
        let _turn = (matches!(mode, Mode::Write) && matches!(**conn, DbConnection::Sqlite(_)))
            .then(|| {
                self.sqlite_writer
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
            });
        let mut attempt = 0;
        let mut replaced = false;
        loop {
            attempt += 1;
            if let Err(e) = begin(conn, mode) {
                let e = storage_error(e);
                if e.kind() == StorageErrorKind::Unavailable && !replaced {
                    tracing::debug!(error = %e, "replacing a dead pooled connection");
                    *conn = self.checkout(None)?;
                    replaced = true;
                    continue;
                }
                return Err(e.into());
            }
            // A panicking use case must not hand its open transaction back to the pool, where
            // every later request on this connection would fail: roll back, then panic on.
            let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                work(&mut Tx { conn: &mut *conn })
            }))
            .unwrap_or_else(|panic| {
                if let Err(e) = rollback(conn) {
                    tracing::debug!(error = %e, "rollback after a panic");
                }
                std::panic::resume_unwind(panic)
            })
            .and_then(|()| commit(conn).map_err(|e| storage_error(e).into()));
            let Err(error) = outcome else {
                return Ok(());
            };
            // A failed commit has already ended the transaction; a failed rollback means the
            // connection is unusable, which the pool finds when it is returned.
            if let Err(e) = rollback(conn) {
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

/// A [`DbStore`] bound to one connection taken once: every unit of work of one request runs on
/// it, one transaction after another (see [`Store::pinned_work`]), until the work lets it go
/// before waiting on something else ([`Store::unpin`]).
struct Pinned<'a> {
    store: &'a DbStore,
    conn: std::sync::Mutex<Option<Connection>>,
}

impl Pinned<'_> {
    fn with<T>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T, AppError>,
    ) -> Result<T, AppError> {
        let mut held = self
            .conn
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let conn = match &mut *held {
            Some(conn) => conn,
            empty => empty.insert(self.store.checkout(None)?),
        };
        f(conn)
    }
}

impl Store for Pinned<'_> {
    fn write_work(&self, work: &mut Work<'_>) -> Result<(), AppError> {
        self.with(|conn| self.store.run_on(conn, Mode::Write, work))
    }

    fn read_work(&self, work: &mut Work<'_>) -> Result<(), AppError> {
        self.with(|conn| self.store.run_on(conn, Mode::Read, work))
    }

    fn lookup_work(&self, work: &mut Work<'_>) -> Result<(), AppError> {
        self.with(|conn| lookup_on(self.store, conn, work))
    }

    fn pinned_work(
        &self,
        work: &mut dyn FnMut(&dyn Store) -> Result<(), AppError>,
    ) -> Result<(), AppError> {
        work(self)
    }

    fn unpin(&self) {
        self.conn
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
    }

    fn ping(&self) -> Result<(), StorageError> {
        self.store.ping()
    }
}

/// One statement in autocommit on `conn` (no BEGIN and COMMIT around it), on a fresh
/// connection if `conn` turns out to be dead before anything ran.
fn lookup_on(store: &DbStore, conn: &mut Connection, work: &mut Work<'_>) -> Result<(), AppError> {
    match work(&mut Tx { conn: &mut *conn }) {
        Err(AppError::Storage(e)) if e.kind() == StorageErrorKind::Unavailable => {
            tracing::debug!(error = %e, "replacing a dead pooled connection");
            *conn = store.checkout(None)?;
            work(&mut Tx { conn: &mut *conn })
        }
        other => other,
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
        let mut conn = self.checkout(None)?;
        lookup_on(self, &mut conn, work)
    }

    fn pinned_work(
        &self,
        work: &mut dyn FnMut(&dyn Store) -> Result<(), AppError>,
    ) -> Result<(), AppError> {
        let pinned = Pinned {
            store: self,
            conn: std::sync::Mutex::new(None),
        };
        work(&pinned)
    }

    fn ping(&self) -> Result<(), StorageError> {
        use diesel::connection::SimpleConnection;
        let mut conn = self.checkout(Some(PING_WAIT))?;
        conn.batch_execute("SELECT 1")
            .map_err(|e| StorageError::new(StorageErrorKind::Unavailable, e))
    }
}

/// Makes the unit of work usable as `&mut dyn UnitOfWork`.
impl UnitOfWork for Tx<'_> {}
