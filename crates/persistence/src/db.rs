//! Connections: the backend chosen by URL scheme, the pool, per-connection set-up, migrations.

use std::path::Path;
use std::time::Duration;

use diesel::Connection;
use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::sqlite::SqliteConnection;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

pub use connection::DbConnection;

mod connection {
    use diesel::pg::PgConnection;
    use diesel::sqlite::SqliteConnection;

    /// One connection to either backend. Every query in Kedai runs on this type.
    #[derive(diesel::MultiConnection)]
    pub enum DbConnection {
        /// PostgreSQL (production).
        Pg(PgConnection),
        /// SQLite (embedded default).
        Sqlite(SqliteConnection),
    }
}

/// Which database engine a URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// SQLite file.
    Sqlite,
    /// PostgreSQL server.
    Postgres,
}

/// A database URL with its backend decided by scheme: `postgres://` or `postgresql://` is
/// PostgreSQL; `sqlite://PATH`, `sqlite:PATH` or a plain path is a SQLite file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatabaseUrl {
    backend: Backend,
    target: String,
}

/// A database set-up failure.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// The URL is unusable.
    #[error("invalid database URL: {0}")]
    InvalidUrl(String),
    /// The pool could not open connections.
    #[error("cannot connect to the database: {0}")]
    Connect(#[from] r2d2::Error),
    /// Migrations failed.
    #[error("migrations failed: {0}")]
    Migrate(String),
    /// Anything else.
    #[error("database error: {0}")]
    Other(String),
}

impl DatabaseUrl {
    /// Parses a URL or path.
    ///
    /// # Errors
    /// [`DbError::InvalidUrl`] for an empty value, an unknown scheme, or `:memory:` (each pooled
    /// connection would get its own empty database).
    pub fn parse(url: &str) -> Result<Self, DbError> {
        let url = url.trim();
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Self {
                backend: Backend::Postgres,
                target: without_loopback_tls(url, std::env::var_os("PGSSLMODE").is_some()),
            });
        }
        let path = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .unwrap_or(url);
        if path.is_empty() || path.contains(":memory:") {
            return Err(DbError::InvalidUrl(format!(
                "`{url}`: give a SQLite file path or a postgres:// URL"
            )));
        }
        if let Some((scheme, _)) = path.split_once("://") {
            return Err(DbError::InvalidUrl(format!(
                "unsupported scheme `{scheme}`: use a file path, sqlite:// or postgres://"
            )));
        }
        Ok(Self {
            backend: Backend::Sqlite,
            target: path.to_owned(),
        })
    }

    /// The backend.
    #[must_use]
    pub const fn backend(&self) -> Backend {
        self.backend
    }

    /// The URL with any password masked, for logs.
    #[must_use]
    pub fn redacted(&self) -> String {
        match self.backend {
            Backend::Sqlite => self.target.clone(),
            Backend::Postgres => match (self.target.find("://"), self.target.rfind('@')) {
                (Some(s), Some(at)) if at > s => {
                    let creds = &self.target[s + 3..at];
                    let user = creds.split(':').next().unwrap_or_default();
                    format!("{}{user}:***{}", &self.target[..s + 3], &self.target[at..])
                }
                _ => self.target.clone(),
            },
        }
    }
}

/// Pool sizing.
#[derive(Debug, Clone, Copy)]
pub struct PoolOptions {
    /// Most connections.
    pub max_size: u32,
    /// How long a request waits for a free connection before failing.
    pub connection_timeout: Duration,
}

impl Default for PoolOptions {
    fn default() -> Self {
        Self {
            max_size: 10,
            connection_timeout: Duration::from_secs(5),
        }
    }
}

/// The connection pool.
pub type Pool = r2d2::Pool<Manager>;

/// Opens connections of the URL's backend (never guessing: a mistyped PostgreSQL URL must not
/// silently become a SQLite file) and sets each one up.
#[derive(Debug)]
pub struct Manager {
    url: DatabaseUrl,
}

const SQLITE_SETUP: &str = "PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL; \
     PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;";
/// `jit = off`: Kedai's queries are short, and JIT compilation, triggered by cost estimates
/// (a grouped summary over a range join is estimated at millions of rows), costs more than
/// the query itself (measured: 140 ms of JIT for a 12 ms trend query).
const PG_SETUP: &str = "SET statement_timeout = '30s'; SET TIME ZONE 'UTC'; SET jit = off;";

impl r2d2::ManageConnection for Manager {
    type Connection = DbConnection;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<DbConnection, Self::Error> {
        match self.url.backend {
            Backend::Sqlite => {
                let mut c = SqliteConnection::establish(&self.url.target)
                    .map_err(diesel::r2d2::Error::ConnectionError)?;
                // busy_timeout first: setting WAL on a busy database must wait, not fail.
                c.batch_execute(SQLITE_SETUP)
                    .map_err(diesel::r2d2::Error::QueryError)?;
                Ok(DbConnection::Sqlite(c))
            }
            Backend::Postgres => {
                let mut c = PgConnection::establish(&self.url.target)
                    .map_err(diesel::r2d2::Error::ConnectionError)?;
                c.batch_execute(PG_SETUP)
                    .map_err(diesel::r2d2::Error::QueryError)?;
                Ok(DbConnection::Pg(c))
            }
        }
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), Self::Error> {
        conn.batch_execute("SELECT 1")
            .map_err(diesel::r2d2::Error::QueryError)
    }

    /// A connection whose transaction could not be rolled back (its server went away, or a
    /// panic interrupted the work) is never handed out again.
    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        use diesel::r2d2::R2D2Connection;
        std::thread::panicking()
            || match conn {
                DbConnection::Sqlite(c) => c.is_broken(),
                DbConnection::Pg(c) => c.is_broken(),
            }
    }
}

/// Pool checkouts since the process started, every pool counted (an operator's and the
/// query-count tests' measure of how many times requests go to the pool).
static CHECKOUTS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Connections taken from any pool since the process started.
#[must_use]
pub fn pool_checkouts() -> u64 {
    CHECKOUTS.load(std::sync::atomic::Ordering::Relaxed)
}

#[derive(Debug)]
struct CountCheckouts;

impl r2d2::HandleEvent for CountCheckouts {
    fn handle_checkout(&self, _: r2d2::event::CheckoutEvent) {
        CHECKOUTS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }
}

/// Opens a pool for the URL, creating the SQLite file's folder if needed.
///
/// # Errors
/// [`DbError`] when the folder cannot be made or no connection can be opened.
pub fn connect_pool(url: &DatabaseUrl, options: PoolOptions) -> Result<Pool, DbError> {
    if url.backend == Backend::Sqlite
        && let Some(dir) = Path::new(&url.target)
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
    {
        std::fs::create_dir_all(dir)
            .map_err(|e| DbError::Other(format!("cannot create {}: {e}", dir.display())))?;
    }
    let pool = r2d2::Pool::builder()
        .max_size(options.max_size)
        .connection_timeout(options.connection_timeout)
        // Not pinged on checkout: a statement per request saved. A connection found dead when
        // its transaction begins is replaced (see the store), and one broken mid-way is
        // dropped when it comes back (`has_broken`).
        .test_on_check_out(false)
        .event_handler(Box::new(CountCheckouts))
        .build(Manager { url: url.clone() })?;
    Ok(pool)
}

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/sqlite");
const PG_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/postgres");

/// An arbitrary constant naming Kedai's migration lock on PostgreSQL.
const PG_MIGRATION_LOCK: i64 = 0x4B45_4441_495F_4D49;

/// Applies pending migrations of the connection's backend; returns the versions applied.
/// On PostgreSQL an advisory lock keeps several instances starting at once from racing.
///
/// # Errors
/// [`DbError::Migrate`].
pub fn migrate(pool: &Pool) -> Result<Vec<String>, DbError> {
    let mut conn = pool.get()?;
    let applied = match &mut *conn {
        DbConnection::Sqlite(c) => c
            .run_pending_migrations(SQLITE_MIGRATIONS)
            .map(|v| v.iter().map(ToString::to_string).collect()),
        DbConnection::Pg(c) => {
            c.batch_execute(&format!("SELECT pg_advisory_lock({PG_MIGRATION_LOCK})"))
                .map_err(|e| DbError::Migrate(e.to_string()))?;
            let result = c
                .run_pending_migrations(PG_MIGRATIONS)
                .map(|v| v.iter().map(ToString::to_string).collect());
            let unlock =
                c.batch_execute(&format!("SELECT pg_advisory_unlock({PG_MIGRATION_LOCK})"));
            unlock.map_err(|e| DbError::Migrate(e.to_string()))?;
            result
        }
    };
    applied.map_err(|e| DbError::Migrate(e.to_string()))
}

/// Reverts every migration, newest first (for migration tests).
///
/// # Errors
/// [`DbError::Migrate`].
pub fn revert_all(pool: &Pool) -> Result<(), DbError> {
    let mut conn = pool.get()?;
    let result = match &mut *conn {
        DbConnection::Sqlite(c) => c.revert_all_migrations(SQLITE_MIGRATIONS).map(drop),
        DbConnection::Pg(c) => c.revert_all_migrations(PG_MIGRATIONS).map(drop),
    };
    result.map_err(|e| DbError::Migrate(e.to_string()))
}

/// The migration version names of each tree: they must match.
#[must_use]
pub fn migration_versions() -> (Vec<String>, Vec<String>) {
    use diesel::migration::MigrationSource;
    let names = |m: &EmbeddedMigrations| -> Vec<String> {
        MigrationSource::<diesel::sqlite::Sqlite>::migrations(m)
            .map(|ms| ms.iter().map(|m| m.name().to_string()).collect())
            .unwrap_or_default()
    };
    (names(&SQLITE_MIGRATIONS), names(&PG_MIGRATIONS))
}

/// `url` with `sslmode=disable` added when it names a server on this machine (`localhost` or a
/// loopback address) and says nothing of TLS itself (no `sslmode` in the URL, no `PGSSLMODE`):
/// encrypting traffic that never leaves the machine protects nothing, and libpq's default
/// (`prefer`) spends a quarter of a short read's time on it. Any URL that names its `sslmode`,
/// or another host, is kept as written.
fn without_loopback_tls(url: &str, sslmode_from_env: bool) -> String {
    let Ok(parsed) = url::Url::parse(url) else {
        return url.to_owned();
    };
    // `postgres:` is not a scheme the URL standard knows, so an IPv4 host reads as a name.
    let loopback = match parsed.host() {
        Some(url::Host::Domain(d)) => {
            d.eq_ignore_ascii_case("localhost")
                || d.parse::<std::net::IpAddr>()
                    .is_ok_and(|ip| ip.is_loopback())
        }
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    };
    let says_tls_or_host = parsed
        .query_pairs()
        .any(|(k, _)| k == "sslmode" || k == "host" || k == "hostaddr");
    if !loopback || says_tls_or_host || sslmode_from_env {
        return url.to_owned();
    }
    let joiner = if parsed.query().is_some() { '&' } else { '?' };
    format!("{url}{joiner}sslmode=disable")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_database_on_this_machine_is_reached_without_tls_unless_the_url_says() {
        let t = |u: &str| without_loopback_tls(u, false);
        assert_eq!(
            t("postgres://postgres@127.0.0.1:5432/kedai"),
            "postgres://postgres@127.0.0.1:5432/kedai?sslmode=disable"
        );
        assert_eq!(
            t("postgresql://k:p@localhost/kedai?application_name=kedai"),
            "postgresql://k:p@localhost/kedai?application_name=kedai&sslmode=disable"
        );
        assert_eq!(
            t("postgres://k@[::1]/kedai"),
            "postgres://k@[::1]/kedai?sslmode=disable"
        );
        for kept in [
            "postgres://k@db.internal:5432/kedai",
            "postgres://k@10.0.0.5/kedai",
            "postgres://k@127.0.0.1/kedai?sslmode=require",
            "postgres://k@localhost/kedai?host=/var/run/postgresql",
        ] {
            assert_eq!(t(kept), kept);
        }
        assert_eq!(
            without_loopback_tls("postgres://k@127.0.0.1/kedai", true),
            "postgres://k@127.0.0.1/kedai"
        );
    }

    #[test]
    fn urls_choose_their_backend() {
        let b = |u: &str| DatabaseUrl::parse(u).map(|d| d.backend());
        assert_eq!(b("./data/kedai.db").ok(), Some(Backend::Sqlite));
        assert_eq!(b("sqlite://./data/kedai.db").ok(), Some(Backend::Sqlite));
        assert_eq!(b("sqlite:/tmp/k.db").ok(), Some(Backend::Sqlite));
        assert_eq!(
            b("postgres://postgres@127.0.0.1/kedai").ok(),
            Some(Backend::Postgres)
        );
        assert_eq!(b("postgresql://u:p@h/db").ok(), Some(Backend::Postgres));
        assert!(b("mysql://root@localhost/kedai").is_err());
        assert!(b("postgress://typo@localhost/kedai").is_err());
        assert!(b("").is_err());
        assert!(b(":memory:").is_err());
    }

    #[test]
    fn passwords_never_reach_logs() {
        let url = DatabaseUrl::parse("postgres://kedai:s3cret@db:5432/kedai")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(url.redacted(), "postgres://kedai:***@db:5432/kedai");
    }

    #[test]
    fn both_migration_trees_have_the_same_versions() {
        let (sqlite, pg) = migration_versions();
        assert!(!sqlite.is_empty());
        assert_eq!(sqlite, pg);
    }
}
