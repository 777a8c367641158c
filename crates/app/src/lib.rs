//! Kedai's use cases: one function per operation, run inside one unit of work (one database
//! transaction), calling the domain rules and writing domain events to the outbox. Knows
//! nothing of HTTP or of the database engine.

pub mod actor;
pub mod audit;
pub mod campaigns;
pub mod catalog;
pub mod checkout;
pub mod coupons;
pub mod customer_auth;
pub mod customers;
pub mod demo;
pub mod error;
pub mod gifts;
pub mod idempotency;
pub mod identity;
pub mod inventory;
pub mod jobs;
pub mod members;
pub mod membership;
pub mod merchant;
pub mod mock_gateway;
pub mod orders;
pub mod outbox;
pub mod outlets;
pub mod payments;
pub mod points;
pub mod registration;
pub mod session;
pub mod staff;
pub mod store;
pub mod storefront;
pub mod tiers;
pub mod webhooks;

pub use actor::{Actor, Author};
pub use error::{AppError, AuthFailure, Entity, FieldError};
pub use outbox::{OutboxEvent, OutboxRepository};
pub use store::{Store, UnitOfWork};

/// A decimal amount as the client sent it (`"14.90"`, `14.9`), converted to money in the
/// tenant's currency by the use case that knows the tenant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Amount(pub String);

impl Amount {
    /// Converts to money of `currency`, naming `field` in the error.
    ///
    /// # Errors
    /// [`AppError::Validation`] for a malformed or too precise amount.
    pub fn to_money(
        &self,
        currency: kedai_core::Currency,
        field: &str,
    ) -> Result<kedai_core::Money, AppError> {
        kedai_core::Money::parse_decimal(&self.0, currency)
            .map_err(|e| AppError::invalid(field, e.to_string()))
    }
}
