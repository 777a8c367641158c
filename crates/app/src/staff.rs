//! Staff accounts (003 §7): listing, creating, changing roles and outlet bindings,
//! deactivating. Sensitive changes are audited.

use crate::Entity;
use chrono::{DateTime, Utc};
use kedai_core::{Page, StorageError, TenantId};
use kedai_identity::{
    NewStaff, OutletId, Permission, Role, Staff, StaffId, StaffUpdate, check_new_role,
    initial_password,
};
use serde_json::json;

use crate::identity::create_staff as insert_staff;
use crate::{Actor, AppError, AuthFailure, UnitOfWork, audit};

/// A staff member with their outlet bindings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffView {
    /// The account.
    pub staff: Staff,
    /// Outlets they are bound to.
    pub outlet_ids: Vec<OutletId>,
}

/// A new staff account as requested.
#[derive(Debug, Clone)]
pub struct CreateStaff {
    /// Display name.
    pub name: Option<String>,
    /// Sign-in e-mail.
    pub email: String,
    /// Role.
    pub role: Role,
    /// One outlet id as given (003's `outlet_id`).
    pub outlet_id: Option<String>,
    /// Outlet ids as given.
    pub outlet_ids: Vec<String>,
    /// Initial password; generated when absent.
    pub password: Option<String>,
}

/// A validated new staff account, its password hashed (done outside the transaction: argon2
/// is slow on purpose).
#[derive(Debug, Clone)]
pub struct PreparedStaff {
    staff: NewStaff,
    outlet_id: Option<String>,
    outlet_ids: Vec<String>,
    generated_password: Option<String>,
}

/// A created staff account.
#[derive(Debug, Clone)]
pub struct CreatedStaff {
    /// The account.
    pub view: StaffView,
    /// The generated password, shown once, when none was given.
    pub initial_password: Option<String>,
}

/// A change of a staff account as requested; `None` leaves a field.
#[derive(Debug, Clone, Default)]
pub struct UpdateStaff {
    /// Display name.
    pub name: Option<String>,
    /// Role.
    pub role: Option<Role>,
    /// Outlet ids as given (replacing the bindings).
    pub outlet_ids: Option<Vec<String>>,
}

/// Parses outlet ids of the actor's tenant, dropping repeats; an id that is malformed or not a
/// live outlet of the tenant is a validation error on `field` (`field[i]`).
///
/// # Errors
/// [`AppError::Validation`], [`AppError::Storage`].
pub fn resolve_outlets(
    tx: &mut dyn UnitOfWork,
    tenant: TenantId,
    field: &str,
    raw: &[String],
) -> Result<Vec<OutletId>, AppError> {
    if raw.len() > 200 {
        return Err(AppError::invalid(field, "at most 200 outlets"));
    }
    let mut ids: Vec<OutletId> = Vec::with_capacity(raw.len());
    for (i, text) in raw.iter().enumerate() {
        let id: OutletId = text
            .parse()
            .map_err(|_| AppError::invalid(format!("{field}[{i}]"), "is not an outlet id"))?;
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    let live = tx.live_outlets(tenant, &ids)?;
    if let Some(i) = raw
        .iter()
        .position(|t| t.parse::<OutletId>().is_ok_and(|id| !live.contains(&id)))
    {
        return Err(AppError::invalid(
            format!("{field}[{i}]"),
            "no such outlet in this merchant",
        ));
    }
    Ok(ids)
}

/// The caller's own account as stored now: its role may have changed since the token was
/// issued, and a deactivated account may change nothing.
fn acting(tx: &mut dyn UnitOfWork, actor: &Actor) -> Result<Staff, AppError> {
    tx.find_staff(actor.tenant, actor.staff)?
        .filter(|s| s.active)
        .ok_or(AppError::Unauthenticated(AuthFailure::InvalidToken))
}

fn require_staff(tx: &mut dyn UnitOfWork, actor: &Actor, id: StaffId) -> Result<Staff, AppError> {
    tx.find_staff(actor.tenant, id)?
        .ok_or_else(|| AppError::not_found(Entity::Staff, id))
}

fn view(tx: &mut dyn UnitOfWork, staff: Staff) -> Result<StaffView, AppError> {
    let outlet_ids = tx.staff_outlets(staff.tenant_id, staff.id)?;
    Ok(StaffView { staff, outlet_ids })
}

fn random_password() -> Result<String, AppError> {
    let mut bytes = [0_u8; 16];
    getrandom::fill(&mut bytes)
        .map_err(|e| AppError::Storage(StorageError::other(e.to_string())))?;
    Ok(initial_password(&bytes))
}

/// Validates a new account and hashes its password (or a generated one), outside any
/// transaction.
///
/// # Errors
/// [`AppError::Forbidden`] without `StaffWrite`; [`AppError::Validation`].
pub fn prepare_staff(actor: &Actor, cmd: &CreateStaff) -> Result<PreparedStaff, AppError> {
    actor.require(Permission::StaffWrite)?;
    let generated_password = match cmd.password {
        Some(_) => None,
        None => Some(random_password()?),
    };
    let password = cmd
        .password
        .as_deref()
        .or(generated_password.as_deref())
        .unwrap_or_default();
    let staff = NewStaff::new(&cmd.email, cmd.name.as_deref(), cmd.role, password)?;
    Ok(PreparedStaff {
        staff,
        outlet_id: cmd.outlet_id.clone(),
        outlet_ids: cmd.outlet_ids.clone(),
        generated_password,
    })
}

/// Creates a staff account bound to its outlets; audited as `staff.created`.
///
/// # Errors
/// [`AppError::Forbidden`]; [`AppError::NotAllowed`] `OWNER_ROLE_REQUIRED` when a non-owner
/// creates an owner; [`AppError::Validation`] for unknown outlets; [`AppError::Conflict`]
/// `STAFF_EMAIL_TAKEN`.
#[tracing::instrument(skip_all, fields(tenant.id = %actor.tenant))]
pub fn create_staff(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    new: &PreparedStaff,
    now: DateTime<Utc>,
) -> Result<CreatedStaff, AppError> {
    actor.require(Permission::StaffWrite)?;
    let me = acting(tx, actor)?;
    check_new_role(me.role, new.staff.role)?;
    let mut outlets = match &new.outlet_id {
        Some(one) => resolve_outlets(tx, actor.tenant, "outlet_id", std::slice::from_ref(one))
            .map_err(|e| match e {
                AppError::Validation { .. } => {
                    AppError::invalid("outlet_id", "no such outlet in this merchant")
                }
                other => other,
            })?,
        None => Vec::new(),
    };
    for id in resolve_outlets(tx, actor.tenant, "outlet_ids", &new.outlet_ids)? {
        if !outlets.contains(&id) {
            outlets.push(id);
        }
    }
    let staff = insert_staff(tx, actor.tenant, &new.staff, now)?;
    tx.set_staff_outlets(actor.tenant, staff.id, &outlets)?;
    audit::record(
        tx,
        actor,
        now,
        "staff.created",
        "staff",
        Some(staff.id.to_string()),
        json!({
            "email": staff.email.as_str(),
            "role": staff.role.as_str(),
            "outlet_ids": outlets.iter().map(ToString::to_string).collect::<Vec<_>>(),
            "password_generated": new.generated_password.is_some(),
        }),
    )?;
    Ok(CreatedStaff {
        view: StaffView {
            staff,
            outlet_ids: outlets,
        },
        initial_password: new.generated_password.clone(),
    })
}

/// One staff account.
///
/// # Errors
/// [`AppError::Forbidden`] without `StaffRead`; [`AppError::NotFound`].
pub fn get_staff(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    id: StaffId,
) -> Result<StaffView, AppError> {
    actor.require(Permission::StaffRead)?;
    let staff = require_staff(tx, actor, id)?;
    view(tx, staff)
}

/// A page of staff accounts, oldest first, optionally of one role, and the total.
///
/// # Errors
/// [`AppError::Forbidden`] without `StaffRead`; [`AppError::Storage`].
pub fn list_staff(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    role: Option<Role>,
    page: Page,
) -> Result<(Vec<StaffView>, i64), AppError> {
    actor.require(Permission::StaffRead)?;
    let (staff, total) = tx.list_staff(actor.tenant, role, page)?;
    let ids: Vec<StaffId> = staff.iter().map(|s| s.id).collect();
    let bindings = tx.staff_outlets_of(actor.tenant, &ids)?;
    let views = staff
        .into_iter()
        .map(|s| {
            let outlet_ids = bindings
                .iter()
                .filter(|(sid, _)| *sid == s.id)
                .map(|(_, o)| *o)
                .collect();
            StaffView {
                staff: s,
                outlet_ids,
            }
        })
        .collect();
    Ok((views, total))
}

/// Changes a staff account's name, role or outlets; audited as `staff.role_changed` and
/// `staff.outlets_changed`.
///
/// # Errors
/// [`AppError::Forbidden`]; [`AppError::NotFound`]; [`AppError::Validation`];
/// [`AppError::NotAllowed`] `OWNER_ROLE_REQUIRED`; [`AppError::Conflict`] `LAST_OWNER`.
#[tracing::instrument(skip_all, fields(tenant.id = %actor.tenant, staff.id = %id))]
pub fn update_staff(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    id: StaffId,
    cmd: &UpdateStaff,
    now: DateTime<Utc>,
) -> Result<StaffView, AppError> {
    actor.require(Permission::StaffWrite)?;
    // Every staff change of a tenant takes the same lock before reading: a rename racing a
    // deactivation or a role change must not write back the row it read before them.
    tx.lock_tenant_changes(actor.tenant)?;
    let me = acting(tx, actor)?;
    let mut staff = require_staff(tx, actor, id)?;
    let owners = tx.count_active_owners(actor.tenant)?;
    let outlets = match &cmd.outlet_ids {
        Some(raw) => Some(resolve_outlets(tx, actor.tenant, "outlet_ids", raw)?),
        None => None,
    };
    let before = staff.clone();
    let previous_role = staff.apply(
        me.role,
        &StaffUpdate {
            name: cmd.name.clone(),
            role: cmd.role,
        },
        owners,
        now,
    )?;
    if staff != before {
        tx.update_staff(&staff)?;
    }
    if let Some(from) = previous_role {
        audit::record(
            tx,
            actor,
            now,
            "staff.role_changed",
            "staff",
            Some(id.to_string()),
            json!({ "from": from.as_str(), "to": staff.role.as_str() }),
        )?;
    }
    let current = tx.staff_outlets(actor.tenant, id)?;
    if let Some(next) = outlets {
        let mut a = current.clone();
        let mut b = next.clone();
        a.sort();
        b.sort();
        if a != b {
            tx.set_staff_outlets(actor.tenant, id, &next)?;
            if staff.updated_at != Some(now) {
                staff.updated_at = Some(now);
                tx.update_staff(&staff)?;
            }
            audit::record(
                tx,
                actor,
                now,
                "staff.outlets_changed",
                "staff",
                Some(id.to_string()),
                json!({
                    "from": current.iter().map(ToString::to_string).collect::<Vec<_>>(),
                    "to": next.iter().map(ToString::to_string).collect::<Vec<_>>(),
                }),
            )?;
        }
    }
    view(tx, staff)
}

/// Deactivates a staff account: it can no longer sign in. Deactivating an inactive account
/// changes nothing. Audited as `staff.deactivated`.
///
/// # Errors
/// [`AppError::Forbidden`]; [`AppError::NotFound`]; [`AppError::NotAllowed`]
/// `OWNER_ROLE_REQUIRED`; [`AppError::Conflict`] `CANNOT_DEACTIVATE_SELF` or `LAST_OWNER`.
#[tracing::instrument(skip_all, fields(tenant.id = %actor.tenant, staff.id = %id))]
pub fn deactivate_staff(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    id: StaffId,
    now: DateTime<Utc>,
) -> Result<StaffView, AppError> {
    actor.require(Permission::StaffWrite)?;
    tx.lock_tenant_changes(actor.tenant)?;
    let me = acting(tx, actor)?;
    let mut staff = require_staff(tx, actor, id)?;
    let owners = tx.count_active_owners(actor.tenant)?;
    if staff.deactivate(me.id, me.role, owners, now)? {
        tx.update_staff(&staff)?;
        audit::record(
            tx,
            actor,
            now,
            "staff.deactivated",
            "staff",
            Some(id.to_string()),
            json!({ "role": staff.role.as_str() }),
        )?;
    }
    view(tx, staff)
}
