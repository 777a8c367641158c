//! The merchant profile (003 §6).

use chrono::{DateTime, Utc};
use kedai_identity::{Email, Permission, ProfileUpdate, Tenant};
use serde_json::{Value, json};

use crate::identity::tenant;
use crate::{Actor, AppError, UnitOfWork, audit};

fn field_value(t: &Tenant, field: &str) -> Value {
    match field {
        "brand_name" => json!(t.name),
        "business_type" => json!(t.business_type),
        "email" => json!(t.email.as_ref().map(Email::as_str)),
        "phone" => json!(t.phone),
        "currency" => json!(t.currency.code()),
        "time_zone" => json!(t.time_zone.name()),
        _ => Value::Null,
    }
}

/// Changes the merchant profile; audited as `merchant.profile_updated` with each changed
/// field's old and new value. A request that changes nothing writes nothing.
///
/// # Errors
/// [`AppError::Forbidden`] without `MerchantWrite`; [`AppError::Validation`] naming the field;
/// [`AppError::Conflict`] `CURRENCY_LOCKED` for a new currency once products or orders exist.
#[tracing::instrument(skip_all, fields(tenant.id = %actor.tenant))]
pub fn update_profile(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    update: &ProfileUpdate,
    now: DateTime<Utc>,
) -> Result<Tenant, AppError> {
    actor.require(Permission::MerchantWrite)?;
    tx.lock_tenant_changes(actor.tenant)?;
    let mut t = tenant(tx, actor.tenant)?;
    let before = t.clone();
    let priced = update.currency.is_some() && tx.tenant_has_priced_records(t.id)?;
    let changed = t.apply_profile(update, priced, now)?;
    if changed.is_empty() {
        return Ok(t);
    }
    tx.update_tenant_profile(&t)?;
    let diff: serde_json::Map<String, Value> = changed
        .iter()
        .map(|f| {
            (
                (*f).to_owned(),
                json!({ "from": field_value(&before, f), "to": field_value(&t, f) }),
            )
        })
        .collect();
    audit::record(
        tx,
        actor,
        now,
        "merchant.profile_updated",
        "merchant",
        Some(t.id.to_string()),
        json!({ "fields": changed, "changes": diff }),
    )?;
    Ok(t)
}
