//! Repository implementations on the unit of work.

mod audit;
mod catalog;
mod customers;
mod identity;
mod inventory;
mod orders;
mod outbox;
mod outlets;

use crate::db::DbConnection;

/// One connection inside one transaction; implements every repository trait.
pub(crate) struct Tx<'a> {
    pub(crate) conn: &'a mut DbConnection,
}
