//! Tenants, staff and sign-in.

use crate::Entity;
use chrono::{DateTime, Utc};
use kedai_core::ErrorCode;
use kedai_core::TenantId;
use kedai_identity::{
    Email, NewStaff, NewTenant, Role, Staff, StaffId, Tenant, burn_password_check, verify_password,
};

use crate::{AppError, AuthFailure, UnitOfWork};

/// Creates a tenant.
///
/// # Errors
/// [`AppError::Storage`].
pub fn create_tenant(
    tx: &mut dyn UnitOfWork,
    id: TenantId,
    tenant: &NewTenant,
    now: DateTime<Utc>,
) -> Result<Tenant, AppError> {
    Ok(tx.insert_tenant(id, tenant, now)?)
}

/// Loads a tenant.
///
/// # Errors
/// [`AppError::NotFound`] or [`AppError::Storage`].
pub fn tenant(tx: &mut dyn UnitOfWork, id: TenantId) -> Result<Tenant, AppError> {
    tx.find_tenant(id)?
        .ok_or_else(|| AppError::not_found(Entity::Tenant, id))
}

/// Creates a staff user in a tenant.
///
/// # Errors
/// [`AppError::NotFound`] for an unknown tenant, [`AppError::Conflict`] `STAFF_EMAIL_TAKEN`
/// when the e-mail is already used in the tenant, or [`AppError::Storage`].
pub fn create_staff(
    tx: &mut dyn UnitOfWork,
    tenant_id: TenantId,
    staff: &NewStaff,
    now: DateTime<Utc>,
) -> Result<Staff, AppError> {
    tenant(tx, tenant_id)?;
    tx.insert_staff(tenant_id, StaffId::new(), staff, now)?
        .map_err(|()| {
            AppError::conflict(
                ErrorCode::StaffEmailTaken,
                format!(
                    "{} is already a staff e-mail of this merchant",
                    staff.email.as_str()
                ),
            )
        })
}

/// Validates a new staff user (hashing the password) outside any transaction.
///
/// # Errors
/// [`AppError::Validation`].
pub fn new_staff(
    email: &str,
    name: Option<&str>,
    role: Role,
    password: &str,
) -> Result<NewStaff, AppError> {
    Ok(NewStaff::new(email, name, role, password)?)
}

/// A successful sign-in.
#[derive(Debug, Clone)]
pub struct SignedIn {
    /// The staff member.
    pub staff: Staff,
    /// Their tenant.
    pub tenant: Tenant,
}

/// Signs a staff member in by e-mail and password. When the e-mail belongs to staff of several
/// merchants, `merchant_id` picks one; without it, the password must match exactly one of them.
///
/// # Errors
/// [`AppError::Unauthenticated`] with [`AuthFailure::InvalidCredentials`] for an unknown
/// e-mail, a wrong password or an inactive account; [`AppError::Validation`] on `merchant_id`
/// when the password matches accounts of several merchants.
pub fn login(
    tx: &mut dyn UnitOfWork,
    email: &str,
    password: &str,
    merchant_id: Option<TenantId>,
) -> Result<SignedIn, AppError> {
    let denied = || AppError::Unauthenticated(AuthFailure::InvalidCredentials);
    let Ok(email) = Email::parse(email) else {
        burn_password_check(password);
        return Err(denied());
    };
    let candidates: Vec<Staff> = tx
        .active_staff_by_email(&email)?
        .into_iter()
        .filter(|s| merchant_id.is_none_or(|m| s.tenant_id == m))
        .collect();
    if candidates.is_empty() {
        burn_password_check(password);
        return Err(denied());
    }
    let mut matching: Vec<Staff> = candidates
        .into_iter()
        .filter(|s| verify_password(password, &s.password_hash))
        .collect();
    let staff = match matching.len() {
        0 => return Err(denied()),
        1 => matching.remove(0),
        _ => {
            return Err(AppError::invalid(
                "merchant_id",
                "this e-mail signs in to several merchants; say which one with merchant_id",
            ));
        }
    };
    let tenant = tenant(tx, staff.tenant_id)?;
    Ok(SignedIn { staff, tenant })
}
