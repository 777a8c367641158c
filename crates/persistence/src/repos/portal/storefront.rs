//! Storefront host names and portal settings (with the registration form and analytics ids
//! they keep as JSON).

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use kedai_core::{StorageError, TenantId};
use kedai_identity::{
    Analytics, FieldType, FormField, Hostname, PortalSettings, RegistrationForm,
    StorefrontRepository,
};
use serde_json::{Value, json};

use crate::convert::{corrupt, parse, storage_error, ts, utc};
use crate::repos::Tx;
use crate::schema::{portal_settings, storefront_domains};

fn form_to_json(form: &RegistrationForm) -> String {
    json!({
        "fields": form.fields.iter().map(|f| json!({
            "key": f.key,
            "label": f.label,
            "type": f.field_type.as_str(),
            "required": f.required,
            "enabled": f.enabled,
            "order": f.order,
            "checkboxLabel": f.checkbox_label,
        })).collect::<Vec<_>>(),
        "defaultCountryCode": form.default_country_code,
    })
    .to_string()
}

fn form_from_json(text: &str) -> Result<RegistrationForm, StorageError> {
    let bad = || corrupt("registration form");
    let v: Value = serde_json::from_str(text).map_err(|_| bad())?;
    let fields = v["fields"]
        .as_array()
        .ok_or_else(bad)?
        .iter()
        .map(|f| {
            Ok(FormField {
                key: f["key"].as_str().ok_or_else(bad)?.to_owned(),
                label: f["label"].as_str().ok_or_else(bad)?.to_owned(),
                field_type: parse::<FieldType>("field type", f["type"].as_str().unwrap_or(""))?,
                required: f["required"].as_bool().unwrap_or(false),
                enabled: f["enabled"].as_bool().unwrap_or(true),
                order: f["order"].as_i64().unwrap_or(0),
                checkbox_label: f["checkboxLabel"].as_str().map(str::to_owned),
            })
        })
        .collect::<Result<Vec<_>, StorageError>>()?;
    Ok(RegistrationForm {
        fields,
        default_country_code: v["defaultCountryCode"].as_str().unwrap_or("852").to_owned(),
    })
}

fn analytics_to_json(a: &Analytics) -> String {
    json!({ "gtmId": a.gtm_id, "ga4Id": a.ga4_id, "metaPixelId": a.meta_pixel_id }).to_string()
}

fn analytics_from_json(text: &str) -> Result<Analytics, StorageError> {
    let v: Value = serde_json::from_str(text).map_err(|_| corrupt("analytics"))?;
    let s = |k: &str| v[k].as_str().map(str::to_owned);
    Ok(Analytics {
        gtm_id: s("gtmId"),
        ga4_id: s("ga4Id"),
        meta_pixel_id: s("metaPixelId"),
    })
}

#[derive(Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = portal_settings)]
#[diesel(treat_none_as_null = true)]
struct SettingsRow {
    tenant_id: String,
    login_channel: String,
    registration_form: Option<String>,
    modules: String,
    brand_name: Option<String>,
    brand_email: Option<String>,
    brand_logo_url: Option<String>,
    analytics: Option<String>,
    updated_at: NaiveDateTime,
}

impl StorefrontRepository for Tx<'_> {
    fn tenant_by_hostname(&mut self, host: &Hostname) -> Result<Option<TenantId>, StorageError> {
        storefront_domains::table
            .filter(storefront_domains::hostname.eq(host.as_str()))
            .select(storefront_domains::tenant_id)
            .first::<String>(self.conn)
            .optional()
            .map_err(storage_error)?
            .map(|t| parse("tenant id", &t))
            .transpose()
    }

    fn insert_hostname(
        &mut self,
        tenant: TenantId,
        host: &Hostname,
        now: DateTime<Utc>,
    ) -> Result<bool, StorageError> {
        // Inside a transaction a failed INSERT would abort it on PostgreSQL, so look first; the
        // primary key still refuses a concurrent duplicate.
        let taken = storefront_domains::table
            .filter(storefront_domains::hostname.eq(host.as_str()))
            .count()
            .get_result::<i64>(self.conn)
            .map_err(storage_error)?;
        if taken > 0 {
            return Ok(false);
        }
        diesel::insert_into(storefront_domains::table)
            .values((
                storefront_domains::hostname.eq(host.as_str()),
                storefront_domains::tenant_id.eq(tenant.to_string()),
                storefront_domains::created_at.eq(ts(now)),
            ))
            .execute(self.conn)
            .map(|_| true)
            .map_err(storage_error)
    }

    fn delete_hostname(&mut self, tenant: TenantId, host: &Hostname) -> Result<bool, StorageError> {
        diesel::delete(
            storefront_domains::table
                .filter(storefront_domains::tenant_id.eq(tenant.to_string()))
                .filter(storefront_domains::hostname.eq(host.as_str())),
        )
        .execute(self.conn)
        .map(|n| n == 1)
        .map_err(storage_error)
    }

    fn hostnames(
        &mut self,
        tenant: TenantId,
    ) -> Result<Vec<(Hostname, DateTime<Utc>)>, StorageError> {
        storefront_domains::table
            .filter(storefront_domains::tenant_id.eq(tenant.to_string()))
            .order(storefront_domains::hostname.asc())
            .select((storefront_domains::hostname, storefront_domains::created_at))
            .load::<(String, NaiveDateTime)>(self.conn)
            .map_err(storage_error)?
            .into_iter()
            .map(|(h, at)| {
                Hostname::parse(&h)
                    .map(|h| (h, utc(at)))
                    .map_err(|_| corrupt("hostname"))
            })
            .collect()
    }

    fn portal_settings(
        &mut self,
        tenant: TenantId,
    ) -> Result<Option<PortalSettings>, StorageError> {
        let Some(r) = portal_settings::table
            .filter(portal_settings::tenant_id.eq(tenant.to_string()))
            .select(SettingsRow::as_select())
            .first::<SettingsRow>(self.conn)
            .optional()
            .map_err(storage_error)?
        else {
            return Ok(None);
        };
        let modules: Vec<String> =
            serde_json::from_str(&r.modules).map_err(|_| corrupt("portal modules"))?;
        Ok(Some(PortalSettings {
            tenant_id: tenant,
            login_channel: parse("login channel", &r.login_channel)?,
            registration_form: match r.registration_form.as_deref() {
                Some(f) => form_from_json(f)?,
                None => RegistrationForm::standard(),
            },
            modules,
            brand_name: r.brand_name,
            brand_email: r.brand_email,
            brand_logo_url: r.brand_logo_url,
            analytics: r
                .analytics
                .as_deref()
                .map(analytics_from_json)
                .transpose()?,
            updated_at: utc(r.updated_at),
        }))
    }

    fn save_portal_settings(&mut self, s: &PortalSettings) -> Result<(), StorageError> {
        let row = SettingsRow {
            tenant_id: s.tenant_id.to_string(),
            login_channel: s.login_channel.as_str().to_owned(),
            registration_form: Some(form_to_json(&s.registration_form)),
            modules: json!(s.modules).to_string(),
            brand_name: s.brand_name.clone(),
            brand_email: s.brand_email.clone(),
            brand_logo_url: s.brand_logo_url.clone(),
            analytics: s.analytics.as_ref().map(analytics_to_json),
            updated_at: ts(s.updated_at),
        };
        let updated = diesel::update(
            portal_settings::table.filter(portal_settings::tenant_id.eq(&row.tenant_id)),
        )
        .set(&row)
        .execute(self.conn)
        .map_err(storage_error)?;
        if updated == 0 {
            diesel::insert_into(portal_settings::table)
                .values(&row)
                .execute(self.conn)
                .map_err(storage_error)?;
        }
        Ok(())
    }
}
