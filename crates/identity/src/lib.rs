//! Identity: tenants, outlets, staff, roles and their permissions, customers, password
//! hashing. Pure: no I/O.
//!
//! ```
//! use kedai_identity::{Permission, Phone, Role};
//!
//! // The whole permission matrix is one function.
//! assert!(Role::Manager.can(Permission::PriceOverride));
//! assert!(!Role::Cashier.can(Permission::PriceOverride));
//! // Phones are kept in E.164.
//! assert_eq!(Phone::parse("+852-9000 0000")?.as_str(), "+85290000000");
//! # Ok::<(), kedai_identity::IdentityError>(())
//! ```

use kedai_core::ErrorCode;

pub mod customer;
pub mod customer_auth;
pub mod message;
pub mod outlet;
pub mod password;
pub mod recipient;
pub mod repository;
pub mod role;
pub mod session;
pub mod staff;
pub mod storefront;
pub mod tenant;
pub mod verification;

pub use customer::{
    Customer, CustomerConflict, CustomerFilter, CustomerId, CustomerRepository, CustomerStats,
    CustomerUpdate, NewCustomer, Phone,
};
pub use customer_auth::{
    CustomerAuthRepository, MemberProfile, OtpChallenge, OtpChallengeId, OtpCheck, OtpRefusal,
    Recipient, RefreshCheck, SessionFamily, SessionFamilyId,
};
pub use message::{
    DeliveryState, MessageDelivery, MessageFilter, MessageId, MessageKind, MessageLog,
    OutgoingMessage,
};
pub use outlet::{NewOutlet, Outlet, OutletId, OutletRepository, OutletStatus, OutletUpdate};
pub use password::{burn_password_check, hash_password, verify_password};
pub use repository::{StaffRepository, TenantRepository};
pub use role::{Permission, Role};
pub use session::{NewSession, RefreshToken, SessionHolder, SessionId, SessionRepository};
pub use staff::{Email, NewStaff, Staff, StaffId, StaffUpdate, check_new_role, initial_password};
pub use storefront::{
    Analytics, FieldType, FormField, Hostname, LoginChannel, PortalSettings, RegistrationForm,
    StorefrontRepository,
};
pub use tenant::{NewTenant, ProfileUpdate, Tenant, TenantStatus};
pub use verification::{IdentifierChange, IdentifierKind, Proven};

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
    /// A rule refuses the change in the current state (409).
    #[error("{message}")]
    Conflict {
        /// Stable code (`CURRENCY_LOCKED`, `LAST_OWNER`, ...).
        code: ErrorCode,
        /// Why.
        message: String,
    },
    /// The caller's role may not do this to this target (403), whatever its permissions.
    #[error("{message}")]
    NotAllowed {
        /// Stable code (`OWNER_ROLE_REQUIRED`).
        code: ErrorCode,
        /// Why.
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
