//! What identity use cases need from storage.

use kedai_core::{StorageError, TenantId};

use crate::{Email, NewStaff, NewTenant, Staff, StaffId, Tenant};

/// Tenants.
pub trait TenantRepository {
    /// Stores a new tenant.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn insert_tenant(
        &mut self,
        id: TenantId,
        tenant: &NewTenant,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Tenant, StorageError>;

    /// One tenant.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn find_tenant(&mut self, id: TenantId) -> Result<Option<Tenant>, StorageError>;
}

/// Staff users.
pub trait StaffRepository {
    /// Stores a new staff user.
    ///
    /// # Errors
    /// `Ok(Err(()))` when the e-mail is already used in the tenant; [`StorageError`] on backend
    /// failure.
    fn insert_staff(
        &mut self,
        tenant: TenantId,
        id: StaffId,
        staff: &NewStaff,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Result<Staff, ()>, StorageError>;

    /// Active staff with this e-mail, in every tenant.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn active_staff_by_email(&mut self, email: &Email) -> Result<Vec<Staff>, StorageError>;
}
