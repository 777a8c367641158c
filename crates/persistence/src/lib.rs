//! Kedai's persistence: one diesel schema over SQLite (bundled, the embedded default) and
//! PostgreSQL, chosen by URL; an r2d2 pool; embedded migrations; and the repositories of every
//! domain, implemented on a unit of work that is one connection inside one transaction.

#[cfg(feature = "bulk")]
pub mod bulk;
mod convert;
pub mod db;
mod repos;
pub mod schema;
mod store;

pub use db::{
    Backend, DatabaseUrl, DbConnection, DbError, Pool, PoolOptions, connect_pool, migrate,
};
pub use store::DbStore;
