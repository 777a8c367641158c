//! Test support: the real Kedai server on a free port against a fresh database (a temporary
//! SQLite file, or a new PostgreSQL database from `KEDAI_TEST_POSTGRES_URL`), typed HTTP
//! helpers, fixtures made through the use cases, and a fingerprint of every table to prove a
//! refused request changed nothing.

pub mod platform;
pub mod portal;

mod app;
mod fixtures;
mod http;
mod identity;
mod inspect;
mod racing;
pub mod standins;

use kedai::Running;
use kedai_core::TenantId;
use kedai_identity::Role;
use kedai_persistence::DbStore;

use app::TestDb;

pub use http::Resp;
pub use racing::race;

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// A temporary SQLite file.
    Sqlite,
    /// A fresh database on the PostgreSQL server of `KEDAI_TEST_POSTGRES_URL`.
    Postgres,
}

/// The demo-like password every test staff member has.
pub const PASSWORD: &str = "correct-horse-battery";

/// A running Kedai with a fresh database and a tenant whose owner is signed in.
pub struct TestApp {
    // Field order is drop order: stop the worker and the server before dropping their database.
    _worker: Option<kedai::Worker>,
    server: Running,
    store: DbStore,
    database_url: String,
    secret: String,
    agent: ureq::Agent,
    _db: TestDb,
    /// The main tenant.
    pub tenant: TenantId,
    /// Its owner's token.
    pub owner: String,
}

/// The roles, for permission tables.
pub const ROLES: [Role; 6] = [
    Role::Owner,
    Role::Admin,
    Role::Manager,
    Role::Cashier,
    Role::Agent,
    Role::Viewer,
];

/// Declares each named test body (a `fn(Backend)`) once per backend:
/// `<module>::sqlite::<name>` and `<module>::postgres::<name>`.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $( #[test] fn $name() { super::$name($crate::support::Backend::Sqlite) } )*
        }
        mod postgres {
            $( #[test] fn $name() { super::$name($crate::support::Backend::Postgres) } )*
        }
    };
}
