//! What identity use cases need from storage.

use kedai_core::{Page, StorageError, TenantId};

use crate::{Email, NewStaff, NewTenant, OutletId, Role, Staff, StaffId, Tenant};

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

    /// Saves a changed profile (name, business type, contacts, currency, zone, `updated_at`).
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn update_tenant_profile(&mut self, tenant: &Tenant) -> Result<(), StorageError>;

    /// Whether the tenant has any product (archived ones too) or order: amounts stored in its
    /// currency.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn tenant_has_priced_records(&mut self, tenant: TenantId) -> Result<bool, StorageError>;
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

    /// One staff user of the tenant, active or not.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn find_staff(&mut self, tenant: TenantId, id: StaffId) -> Result<Option<Staff>, StorageError>;

    /// A page of the tenant's staff, oldest first, optionally of one role, and the total.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn list_staff(
        &mut self,
        tenant: TenantId,
        role: Option<Role>,
        page: Page,
    ) -> Result<(Vec<Staff>, i64), StorageError>;

    /// Serialises read-then-write changes of the tenant's own records (its profile, staff
    /// accounts and their outlets, outlets, customers) until the transaction ends, so that two
    /// concurrent demotions or deactivations cannot both see a second owner and no partial
    /// update writes back a row another change has just moved on (a row lock taken by a no-op
    /// update of the tenant row; SQLite's write transactions are serial anyway).
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn lock_tenant_changes(&mut self, tenant: TenantId) -> Result<(), StorageError>;

    /// How many active owners the tenant has.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn count_active_owners(&mut self, tenant: TenantId) -> Result<i64, StorageError>;

    /// Saves a changed name, role, active flag and `updated_at`.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn update_staff(&mut self, staff: &Staff) -> Result<(), StorageError>;

    /// The outlets a staff member is bound to.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn staff_outlets(
        &mut self,
        tenant: TenantId,
        staff: StaffId,
    ) -> Result<Vec<OutletId>, StorageError>;

    /// The outlet bindings of several staff members, in one query.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn staff_outlets_of(
        &mut self,
        tenant: TenantId,
        staff: &[StaffId],
    ) -> Result<Vec<(StaffId, OutletId)>, StorageError>;

    /// Replaces a staff member's outlet bindings.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn set_staff_outlets(
        &mut self,
        tenant: TenantId,
        staff: StaffId,
        outlets: &[OutletId],
    ) -> Result<(), StorageError>;
}
