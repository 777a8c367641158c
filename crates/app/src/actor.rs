//! Who is calling: a staff member of one tenant with one role.

use kedai_core::TenantId;
use kedai_identity::{Permission, Role, StaffId};

use crate::AppError;

/// An authenticated staff caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Actor {
    /// The tenant every read and write is confined to.
    pub tenant: TenantId,
    /// The staff member.
    pub staff: StaffId,
    /// Their role.
    pub role: Role,
}

impl Actor {
    /// Checks the role grants `permission`.
    ///
    /// # Errors
    /// [`AppError::Forbidden`] when it does not.
    pub fn require(&self, permission: Permission) -> Result<(), AppError> {
        if self.role.can(permission) {
            Ok(())
        } else {
            Err(AppError::Forbidden(permission))
        }
    }

    /// The staff id as recorded in ledgers and history.
    #[must_use]
    pub fn id_string(&self) -> Option<String> {
        Some(self.staff.to_string())
    }
}

/// Whom a change is recorded against in ledgers and history: a staff member, or nobody in
/// particular when a customer or guest acts on the storefront (their order carries their
/// customer id instead).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Author {
    /// The tenant every read and write is confined to.
    pub tenant: TenantId,
    /// The staff member, when one acts.
    pub staff: Option<StaffId>,
}

impl Author {
    /// The storefront of `tenant`: no staff member.
    #[must_use]
    pub const fn storefront(tenant: TenantId) -> Self {
        Self {
            tenant,
            staff: None,
        }
    }

    /// The staff id as recorded in ledgers and history, if a staff member acts.
    #[must_use]
    pub fn id_string(&self) -> Option<String> {
        self.staff.map(|s| s.to_string())
    }
}

impl From<&Actor> for Author {
    fn from(actor: &Actor) -> Self {
        Self {
            tenant: actor.tenant,
            staff: Some(actor.staff),
        }
    }
}
