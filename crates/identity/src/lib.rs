//! Identity: tenants, staff, roles and their permissions, password hashing. Pure: no I/O.

pub mod customer;
pub mod outlet;
pub mod password;
pub mod repository;
pub mod role;
pub mod session;
pub mod staff;
pub mod tenant;

pub use customer::CustomerId;
pub use outlet::OutletId;
pub use password::{burn_password_check, hash_password, verify_password};
pub use repository::{StaffRepository, TenantRepository};
pub use role::{Permission, Role};
pub use session::{NewSession, RefreshToken, SessionHolder, SessionId, SessionRepository};
pub use staff::{Email, NewStaff, Staff, StaffId};
pub use tenant::{NewTenant, Tenant};

/// Why an identity operation was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdentityError {
    /// A field that is missing or malformed.
    #[error("{field}: {message}")]
    Invalid {
        /// The field.
        field: &'static str,
        /// What is wrong.
        message: String,
    },
    /// Hashing failed (never expected with valid parameters).
    #[error("password hashing failed")]
    Hashing,
}

pub(crate) fn invalid(field: &'static str, message: impl Into<String>) -> IdentityError {
    IdentityError::Invalid {
        field,
        message: message.into(),
    }
}
