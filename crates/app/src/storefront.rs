//! The customer portal's tenant context and the merchant's storefront settings: which tenant a
//! request is for, the host names storefronts answer on, the sign-in channel, the registration
//! form, the enabled modules and brand; and the outgoing message log owners read.

use crate::Entity;
use chrono::{DateTime, Utc};
use kedai_core::ErrorCode;
use kedai_core::{Page, TenantId};
use kedai_identity::storefront::{check_url, validate_modules};
use kedai_identity::{
    Analytics, Hostname, LoginChannel, MessageDelivery, MessageFilter, OutgoingMessage, Permission,
    PortalSettings, RegistrationForm, Tenant, TenantStatus,
};
use serde_json::json;

use crate::{Actor, AppError, UnitOfWork};

/// The active tenant a portal request names by id.
///
/// # Errors
/// [`AppError::NotFound`] `tenant` for an unknown or suspended one.
pub fn portal_tenant(tx: &mut dyn UnitOfWork, id: TenantId) -> Result<Tenant, AppError> {
    match tx.find_tenant(id)? {
        Some(t) if t.status == TenantStatus::Active => Ok(t),
        _ => Err(AppError::not_found(Entity::Tenant, id)),
    }
}

/// The active tenant a storefront host name is registered to, if any.
///
/// # Errors
/// [`AppError::Storage`].
pub fn tenant_by_host(tx: &mut dyn UnitOfWork, host: &str) -> Result<Option<Tenant>, AppError> {
    let Ok(host) = Hostname::parse(host) else {
        return Ok(None);
    };
    let Some(id) = tx.tenant_by_hostname(&host)? else {
        return Ok(None);
    };
    Ok(tx
        .find_tenant(id)?
        .filter(|t| t.status == TenantStatus::Active))
}

/// A tenant's portal settings, the defaults when it saved none.
///
/// # Errors
/// [`AppError::Storage`].
pub fn settings(
    tx: &mut dyn UnitOfWork,
    tenant: TenantId,
    now: DateTime<Utc>,
) -> Result<PortalSettings, AppError> {
    Ok(tx
        .portal_settings(tenant)?
        .unwrap_or_else(|| PortalSettings::defaults(tenant, now)))
}

/// A change to the portal settings; `None` leaves a field, `Some(None)` clears an optional one.
#[derive(Debug, Clone, Default)]
pub struct SettingsUpdate {
    /// Sign-in channel.
    pub login_channel: Option<String>,
    /// Enabled modules.
    pub modules: Option<Vec<String>>,
    /// Brand name.
    pub brand_name: Option<Option<String>>,
    /// Brand e-mail.
    pub brand_email: Option<Option<String>>,
    /// Brand logo URL.
    pub brand_logo_url: Option<Option<String>>,
    /// Analytics ids.
    pub analytics: Option<Option<Analytics>>,
    /// Registration form.
    pub registration_form: Option<RegistrationForm>,
}

fn clean_text(
    field: &'static str,
    value: Option<&String>,
    max: usize,
) -> Result<Option<String>, AppError> {
    let Some(v) = value.map(|v| v.trim()).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    if v.chars().count() > max {
        return Err(AppError::invalid(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    Ok(Some(v.to_owned()))
}

/// Changes the portal settings (owner and admin: `MerchantWrite`), audited.
///
/// # Errors
/// [`AppError::Forbidden`]; [`AppError::Validation`] naming the field.
pub fn update_settings(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    update: &SettingsUpdate,
    now: DateTime<Utc>,
) -> Result<PortalSettings, AppError> {
    actor.require(Permission::MerchantWrite)?;
    let mut s = settings(tx, actor.tenant, now)?;
    if let Some(c) = &update.login_channel {
        s.login_channel = c
            .parse::<LoginChannel>()
            .map_err(|e| AppError::invalid("login_channel", e))?;
    }
    if let Some(m) = &update.modules {
        s.modules = validate_modules(m).map_err(AppError::from)?;
    }
    if let Some(v) = &update.brand_name {
        s.brand_name = clean_text("brand_name", v.as_ref(), 200)?;
    }
    if let Some(v) = &update.brand_email {
        s.brand_email = v
            .as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(|e| kedai_identity::Email::parse(e).map(|e| e.as_str().to_owned()))
            .transpose()
            .map_err(|_| AppError::invalid("brand_email", "must be an e-mail address"))?;
    }
    if let Some(v) = &update.brand_logo_url {
        s.brand_logo_url = v
            .as_deref()
            .map(|u| check_url("brand_logo_url", u))
            .transpose()
            .map_err(AppError::from)?;
    }
    if let Some(a) = &update.analytics {
        s.analytics = match a {
            None => None,
            Some(a) => Some(Analytics {
                gtm_id: clean_text("analytics.gtmId", a.gtm_id.as_ref(), 50)?,
                ga4_id: clean_text("analytics.ga4Id", a.ga4_id.as_ref(), 50)?,
                meta_pixel_id: clean_text("analytics.metaPixelId", a.meta_pixel_id.as_ref(), 50)?,
            }),
        };
    }
    if let Some(form) = &update.registration_form {
        s.registration_form = form.clone().validate().map_err(AppError::from)?;
    }
    s.updated_at = now;
    tx.save_portal_settings(&s)?;
    crate::audit::record(
        tx,
        actor,
        now,
        "portal.settings_updated",
        "portal_settings",
        Some(actor.tenant.to_string()),
        json!({
            "login_channel": s.login_channel.as_str(),
            "modules": s.modules,
        }),
    )?;
    Ok(s)
}

/// The merchant's storefront host names (`MerchantWrite`, which owners and admins have).
///
/// # Errors
/// [`AppError::Forbidden`].
pub fn domains(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
) -> Result<Vec<(Hostname, DateTime<Utc>)>, AppError> {
    actor.require(Permission::MerchantWrite)?;
    Ok(tx.hostnames(actor.tenant)?)
}

/// Registers a storefront host name for the merchant.
///
/// # Errors
/// [`AppError::Forbidden`]; [`AppError::Validation`] `hostname`; [`AppError::Conflict`]
/// `DOMAIN_TAKEN` when any merchant has it already.
pub fn add_domain(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    hostname: &str,
    now: DateTime<Utc>,
) -> Result<(Hostname, DateTime<Utc>), AppError> {
    actor.require(Permission::MerchantWrite)?;
    let host = Hostname::parse(hostname).map_err(AppError::from)?;
    if !tx.insert_hostname(actor.tenant, &host, now)? {
        return Err(AppError::conflict(
            ErrorCode::DomainTaken,
            format!("{} is already registered", host.as_str()),
        ));
    }
    crate::audit::record(
        tx,
        actor,
        now,
        "portal.domain_added",
        "storefront_domain",
        Some(host.as_str().to_owned()),
        json!({}),
    )?;
    Ok((host, now))
}

/// Removes one of the merchant's storefront host names.
///
/// # Errors
/// [`AppError::Forbidden`]; [`AppError::NotFound`] `storefront domain`.
pub fn remove_domain(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    hostname: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    actor.require(Permission::MerchantWrite)?;
    let missing = || AppError::not_found(Entity::StorefrontDomain, hostname);
    let host = Hostname::parse(hostname).map_err(|_| missing())?;
    if !tx.delete_hostname(actor.tenant, &host)? {
        return Err(missing());
    }
    crate::audit::record(
        tx,
        actor,
        now,
        "portal.domain_removed",
        "storefront_domain",
        Some(host.as_str().to_owned()),
        json!({}),
    )
}

/// One page of the merchant's outgoing messages, newest first (`NotificationsRead`: owners and
/// admins, since the log holds sign-in codes).
///
/// # Errors
/// [`AppError::Forbidden`].
pub fn messages(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    filter: &MessageFilter,
    page: Page,
) -> Result<(Vec<(OutgoingMessage, MessageDelivery)>, i64), AppError> {
    actor.require(Permission::NotificationsRead)?;
    Ok(tx.list_messages(actor.tenant, filter, page)?)
}
