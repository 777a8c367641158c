//! Repository implementations on the unit of work.

mod audit;
mod campaigns;
mod catalog;
mod checkout;
mod coupons;
mod customers;
mod gifts;
mod idempotency;
mod identity;
mod inventory;
mod membership;
mod orders;
mod outbound;
mod outbox;
mod outlets;
mod payment_gateways;
mod payments;
mod points;
mod portal;
mod session;
mod tiers;

use crate::db::DbConnection;

/// One connection inside one transaction; implements every repository trait.
pub(crate) struct Tx<'a> {
    pub(crate) conn: &'a mut DbConnection,
}
