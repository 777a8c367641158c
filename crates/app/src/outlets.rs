//! Outlets (003 §8). Every signed-in staff member may read them, cashiers only the outlets they
//! are bound to; changing them needs `OutletsWrite`.

use crate::Entity;
use chrono::{DateTime, Utc};
use kedai_core::ErrorCode;
use kedai_core::Page;
use kedai_identity::outlet::sees_all_outlets;
use kedai_identity::{NewOutlet, Outlet, OutletId, OutletStatus, OutletUpdate, Permission};

use crate::{Actor, AppError, UnitOfWork};

fn code_taken(code: &str) -> AppError {
    AppError::conflict(
        ErrorCode::OutletCodeTaken,
        format!("outlet code {code} is already used by another outlet"),
    )
}

/// An outlet the actor may see.
///
/// # Errors
/// [`AppError::NotFound`] for unknown, deleted, other-tenant outlets and, for cashiers,
/// outlets they are not bound to.
pub fn require_outlet(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    id: OutletId,
) -> Result<Outlet, AppError> {
    if !sees_all_outlets(actor.role) && !tx.staff_outlets(actor.tenant, actor.staff)?.contains(&id)
    {
        return Err(AppError::not_found(Entity::Outlet, id));
    }
    tx.find_outlet(actor.tenant, id)?
        .ok_or_else(|| AppError::not_found(Entity::Outlet, id))
}

/// A page of the outlets the actor may see, oldest first, and their total.
///
/// # Errors
/// [`AppError::Storage`].
pub fn list_outlets(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    page: Page,
) -> Result<(Vec<Outlet>, i64), AppError> {
    let bound = if sees_all_outlets(actor.role) {
        None
    } else {
        Some(tx.staff_outlets(actor.tenant, actor.staff)?)
    };
    Ok(tx.list_outlets(actor.tenant, page, bound.as_deref())?)
}

/// One outlet.
///
/// # Errors
/// See [`require_outlet`].
pub fn get_outlet(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    id: OutletId,
) -> Result<Outlet, AppError> {
    require_outlet(tx, actor, id)
}

/// A new outlet as requested.
#[derive(Debug, Clone)]
pub struct CreateOutlet {
    /// Name.
    pub name: String,
    /// Code.
    pub code: String,
    /// Address.
    pub address: Option<String>,
    /// Phone.
    pub phone: Option<String>,
    /// Status (default active).
    pub status: Option<OutletStatus>,
}

/// Creates an outlet.
///
/// # Errors
/// [`AppError::Forbidden`] without `OutletsWrite`; [`AppError::Validation`];
/// [`AppError::Conflict`] `OUTLET_CODE_TAKEN`.
#[tracing::instrument(skip_all, fields(tenant.id = %actor.tenant))]
pub fn create_outlet(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    cmd: &CreateOutlet,
    now: DateTime<Utc>,
) -> Result<Outlet, AppError> {
    actor.require(Permission::OutletsWrite)?;
    let new = NewOutlet::new(
        &cmd.name,
        &cmd.code,
        cmd.address.as_deref(),
        cmd.phone.as_deref(),
        cmd.status.unwrap_or_default(),
    )?;
    let outlet = Outlet {
        id: OutletId::new(),
        tenant_id: actor.tenant,
        name: new.name,
        code: new.code,
        address: new.address,
        phone: new.phone,
        status: new.status,
        created_at: now,
        updated_at: now,
    };
    tx.insert_outlet(&outlet)?
        .map_err(|()| code_taken(&outlet.code))?;
    Ok(outlet)
}

/// Changes an outlet.
///
/// # Errors
/// [`AppError::Forbidden`]; [`AppError::NotFound`]; [`AppError::Validation`];
/// [`AppError::Conflict`] `OUTLET_CODE_TAKEN`.
#[tracing::instrument(skip_all, fields(tenant.id = %actor.tenant, outlet.id = %id))]
pub fn update_outlet(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    id: OutletId,
    update: &OutletUpdate,
    now: DateTime<Utc>,
) -> Result<Outlet, AppError> {
    actor.require(Permission::OutletsWrite)?;
    tx.lock_tenant_changes(actor.tenant)?;
    let mut outlet = require_outlet(tx, actor, id)?;
    outlet.apply(update, now)?;
    tx.update_outlet(&outlet)?
        .map_err(|()| code_taken(&outlet.code))?;
    Ok(outlet)
}

/// Deletes an outlet: it is marked deleted (kept for orders and customers that name it), its
/// code is free again, and every staff binding to it is removed.
///
/// # Errors
/// [`AppError::Forbidden`]; [`AppError::NotFound`].
#[tracing::instrument(skip_all, fields(tenant.id = %actor.tenant, outlet.id = %id))]
pub fn delete_outlet(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    id: OutletId,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    actor.require(Permission::OutletsWrite)?;
    if !tx.delete_outlet(actor.tenant, id, now)? {
        return Err(AppError::not_found(Entity::Outlet, id));
    }
    Ok(())
}
