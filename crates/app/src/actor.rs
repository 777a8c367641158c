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
