//! Staff sessions: signing in (with the audit trail of successes and failures), rotating refresh
//! tokens, signing out, and the per-request check that a token's session is still good.

use chrono::{DateTime, Utc};
use kedai_core::TenantId;
use kedai_identity::session::{REFRESH_TOKEN_BYTES, hash_refresh_token, refresh_expiry};
use kedai_identity::{Email, NewSession, RefreshToken, SessionId, StaffId, Tenant};
use serde_json::json;

use crate::audit::AuditEntry;
use crate::identity::{SignedIn, login};
use crate::{Actor, AppError, AuthFailure, Store, UnitOfWork};

/// A new random refresh token.
///
/// # Errors
/// [`AppError::Storage`] when the system's random source fails.
pub fn new_refresh_token() -> Result<RefreshToken, AppError> {
    let mut bytes = [0_u8; REFRESH_TOKEN_BYTES];
    getrandom::fill(&mut bytes)
        .map_err(|e| AppError::Storage(kedai_core::StorageError::other(e.to_string())))?;
    Ok(RefreshToken::from_random(bytes))
}

/// A signed-in staff member with a fresh session.
#[derive(Debug, Clone)]
pub struct Session {
    /// Who signed in, and their tenant.
    pub signed: SignedIn,
    /// The caller as the access token describes them.
    pub actor: Actor,
    /// The session (the access token's `sid`).
    pub id: SessionId,
    /// The refresh token, shown once.
    pub refresh: RefreshToken,
    /// When the refresh token expires.
    pub refresh_expires_at: DateTime<Utc>,
}

/// A sign-in attempt.
#[derive(Debug, Clone)]
pub struct Credentials {
    /// E-mail as typed.
    pub email: String,
    /// Password.
    pub password: String,
    /// Merchant, when the e-mail signs in to several.
    pub merchant: Option<TenantId>,
    /// The caller's address, for the audit log.
    pub ip: Option<String>,
}

/// Signs a staff member in: checks the password outside any write transaction (hashing is slow
/// and must not hold SQLite's write lock), then opens a session and records `auth.login`; a
/// refusal for wrong credentials records `auth.login_failed` in every merchant where the e-mail
/// belongs to active staff (the e-mail only, never the password).
///
/// # Errors
/// As [`login`]; [`AppError::Storage`].
pub fn sign_in(
    store: &dyn Store,
    credentials: &Credentials,
    now: DateTime<Utc>,
) -> Result<Session, AppError> {
    let checked = store.read(|tx| {
        login(
            tx,
            &credentials.email,
            &credentials.password,
            credentials.merchant,
        )
    });
    let signed = match checked {
        Ok(signed) => signed,
        Err(AppError::Unauthenticated(AuthFailure::InvalidCredentials)) => {
            store.write(|tx| record_failed_login(tx, credentials, now))?;
            return Err(AppError::Unauthenticated(AuthFailure::InvalidCredentials));
        }
        Err(e) => return Err(e),
    };
    let refresh = new_refresh_token()?;
    store.write(|tx| open_session(tx, &signed, &refresh, credentials.ip.as_deref(), now))
}

/// Opens a session for a staff member whose password was just checked.
///
/// # Errors
/// [`AppError::Storage`].
pub fn open_session(
    tx: &mut dyn UnitOfWork,
    signed: &SignedIn,
    refresh: &RefreshToken,
    ip: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Session, AppError> {
    let id = SessionId::new();
    let expires_at = refresh_expiry(now);
    tx.insert_session(&NewSession {
        id,
        tenant_id: signed.tenant.id,
        staff_id: signed.staff.id,
        refresh_hash: refresh.hash(),
        created_at: now,
        expires_at,
    })?;
    tx.append_audit(&AuditEntry {
        tenant_id: signed.tenant.id,
        actor: Some(signed.staff.id.to_string()),
        action: "auth.login",
        target_type: "staff",
        target_id: Some(signed.staff.id.to_string()),
        details: json!({ "email": signed.staff.email.as_str(), "session_id": id.to_string() }),
        ip: ip.map(str::to_owned),
        created_at: now,
    })?;
    Ok(Session {
        actor: Actor {
            tenant: signed.tenant.id,
            staff: signed.staff.id,
            role: signed.staff.role,
        },
        signed: signed.clone(),
        id,
        refresh: refresh.clone(),
        refresh_expires_at: expires_at,
    })
}

/// Records a refused sign-in in every merchant (of the one named) where the e-mail belongs to
/// active staff. An e-mail nobody uses belongs to no merchant's log.
///
/// # Errors
/// [`AppError::Storage`].
pub fn record_failed_login(
    tx: &mut dyn UnitOfWork,
    credentials: &Credentials,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let Ok(email) = Email::parse(&credentials.email) else {
        return Ok(());
    };
    let mut tenants: Vec<TenantId> = tx
        .active_staff_by_email(&email)?
        .into_iter()
        .map(|s| s.tenant_id)
        .filter(|t| credentials.merchant.is_none_or(|m| *t == m))
        .collect();
    tenants.sort_unstable();
    tenants.dedup();
    for tenant_id in tenants {
        tx.append_audit(&AuditEntry {
            tenant_id,
            actor: None,
            action: "auth.login_failed",
            target_type: "staff",
            target_id: None,
            details: json!({ "email": email.as_str() }),
            ip: credentials.ip.clone(),
            created_at: now,
        })?;
    }
    Ok(())
}

/// A rotated session.
#[derive(Debug, Clone)]
pub struct Refreshed {
    /// The caller, with their current role.
    pub actor: Actor,
    /// The session.
    pub id: SessionId,
    /// The new refresh token; the presented one no longer works.
    pub refresh: RefreshToken,
    /// When the new refresh token expires.
    pub refresh_expires_at: DateTime<Utc>,
}

/// Exchanges a refresh token for a new one (and the caller for a new access token). The swap is
/// a guarded update on the presented token's hash, so of two racing refreshes with one token
/// only one succeeds. A token that was already exchanged ends its whole session (someone
/// replayed it: the thief or the rightful holder, and neither may go on), recorded as
/// `auth.refresh_reused`; that revocation commits, so it is a value, not an error.
///
/// # Errors
/// [`AppError::Storage`].
pub fn refresh_session(
    tx: &mut dyn UnitOfWork,
    presented: &str,
    fresh: &RefreshToken,
    ip: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Result<Refreshed, RefreshRefused>, AppError> {
    let old_hash = hash_refresh_token(presented);
    let Some(holder) = tx.session_by_refresh(&old_hash, now)? else {
        return match tx.session_by_spent_refresh(&old_hash)? {
            Some((tenant, session, staff)) => {
                end_replayed(tx, tenant, session, staff, ip, now)?;
                Ok(Err(RefreshRefused::Reused))
            }
            None => Ok(Err(RefreshRefused::Invalid)),
        };
    };
    if !holder.active {
        return Ok(Err(RefreshRefused::Invalid));
    }
    let expires_at = refresh_expiry(now);
    if !tx.rotate_session(
        holder.tenant_id,
        holder.session,
        &old_hash,
        &fresh.hash(),
        now,
        expires_at,
    )? {
        // Exchanged between the read and the update: a replay racing the rightful holder.
        end_replayed(
            tx,
            holder.tenant_id,
            holder.session,
            holder.staff_id,
            ip,
            now,
        )?;
        return Ok(Err(RefreshRefused::Reused));
    }
    Ok(Ok(Refreshed {
        actor: Actor {
            tenant: holder.tenant_id,
            staff: holder.staff_id,
            role: holder.role,
        },
        id: holder.session,
        refresh: fresh.clone(),
        refresh_expires_at: expires_at,
    }))
}

/// Why a refresh token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefreshRefused {
    /// Unknown, expired, of a revoked session, or of a deactivated staff member.
    Invalid,
    /// Already exchanged: its session has been ended.
    Reused,
}

fn end_replayed(
    tx: &mut dyn UnitOfWork,
    tenant: TenantId,
    session: SessionId,
    staff: StaffId,
    ip: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    if tx.revoke_session(tenant, staff, session, now)? {
        tx.append_audit(&AuditEntry {
            tenant_id: tenant,
            actor: None,
            action: "auth.refresh_reused",
            target_type: "staff",
            target_id: Some(staff.to_string()),
            details: json!({ "session_id": session.to_string() }),
            ip: ip.map(str::to_owned),
            created_at: now,
        })?;
    }
    Ok(())
}

/// Signs out: revokes the caller's session, so its access and refresh tokens stop working.
///
/// # Errors
/// [`AppError::Unauthenticated`] when the session is already revoked; [`AppError::Storage`].
pub fn logout(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    session: SessionId,
    ip: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    if !tx.revoke_session(actor.tenant, actor.staff, session, now)? {
        return Err(AppError::Unauthenticated(AuthFailure::InvalidToken));
    }
    tx.append_audit(&AuditEntry {
        tenant_id: actor.tenant,
        actor: actor.id_string(),
        action: "auth.logout",
        target_type: "staff",
        target_id: actor.id_string(),
        details: json!({ "session_id": session.to_string() }),
        ip: ip.map(str::to_owned),
        created_at: now,
    })?;
    Ok(())
}

/// The caller a signed token stands for, as the database sees them now, with their merchant
/// (read in the same statement, so no use case of the request reads it again): the session
/// must be live and the staff member active; the role is the current one, not the token's.
///
/// # Errors
/// [`AppError::Unauthenticated`] with [`AuthFailure::InvalidToken`] otherwise;
/// [`AppError::Storage`].
pub fn authenticate(
    tx: &mut dyn UnitOfWork,
    tenant: TenantId,
    staff: StaffId,
    session: SessionId,
    now: DateTime<Utc>,
) -> Result<(Actor, Tenant), AppError> {
    let (holder, merchant) = tx
        .live_session(tenant, staff, session, now)?
        .filter(|(h, _)| h.active)
        .ok_or(AppError::Unauthenticated(AuthFailure::InvalidToken))?;
    let actor = Actor {
        tenant: holder.tenant_id,
        staff: holder.staff_id,
        role: holder.role,
    };
    Ok((actor, merchant))
}
