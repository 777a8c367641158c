//! The customer portal's storage: storefront host names and portal settings, one-time code
//! challenges, customer sessions and their refresh tokens, member fields and numbers, and the
//! outgoing message log.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use kedai_core::{Page, StorageError, TenantId};
use kedai_identity::{
    Analytics, CustomerAuthRepository, CustomerId, FieldType, FormField, Hostname, MemberProfile,
    MessageFilter, MessageLog, OtpChallenge, OtpChallengeId, OutgoingMessage, PortalSettings,
    Proven, Recipient, RegistrationForm, SessionFamily, SessionFamilyId, StorefrontRepository,
    customer_auth::OTP_MAX_ATTEMPTS,
};
use serde_json::{Value, json};

use super::Tx;
use crate::convert::{corrupt, opt_utc, parse, storage_error, ts, utc};
use crate::schema::{
    customer_refresh_tokens, customer_session_families, customers, notifications, otp_challenges,
    otp_recipients, portal_settings, storefront_domains,
};

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

type OtpRow = (
    String,
    String,
    String,
    String,
    String,
    i32,
    NaiveDateTime,
    NaiveDateTime,
    Option<NaiveDateTime>,
);

fn otp(
    (id, tenant, channel, recipient, code_hash, attempts, created, expires, consumed): OtpRow,
) -> Result<OtpChallenge, StorageError> {
    Ok(OtpChallenge {
        id: parse("challenge id", &id)?,
        tenant_id: parse("tenant id", &tenant)?,
        channel: parse("channel", &channel)?,
        recipient,
        code_hash,
        attempts,
        created_at: utc(created),
        expires_at: utc(expires),
        consumed_at: opt_utc(consumed),
    })
}

type FamilyRow = (
    String,
    String,
    String,
    NaiveDateTime,
    NaiveDateTime,
    Option<NaiveDateTime>,
);

fn family(
    (id, tenant, customer, created, expires, revoked): FamilyRow,
) -> Result<SessionFamily, StorageError> {
    Ok(SessionFamily {
        id: parse("session id", &id)?,
        tenant_id: parse("tenant id", &tenant)?,
        customer_id: parse("customer id", &customer)?,
        created_at: utc(created),
        expires_at: utc(expires),
        revoked_at: opt_utc(revoked),
    })
}

const FAMILY_COLUMNS: (
    customer_session_families::id,
    customer_session_families::tenant_id,
    customer_session_families::customer_id,
    customer_session_families::created_at,
    customer_session_families::expires_at,
    customer_session_families::revoked_at,
) = (
    customer_session_families::id,
    customer_session_families::tenant_id,
    customer_session_families::customer_id,
    customer_session_families::created_at,
    customer_session_families::expires_at,
    customer_session_families::revoked_at,
);

#[derive(QueryableByName)]
struct Counter {
    #[diesel(sql_type = BigInt)]
    last_value: i64,
}

impl CustomerAuthRepository for Tx<'_> {
    fn customer_by_recipient(
        &mut self,
        tenant: TenantId,
        recipient: &Recipient,
    ) -> Result<Option<CustomerId>, StorageError> {
        let q = customers::table
            .filter(customers::tenant_id.eq(tenant.to_string()))
            .select(customers::id)
            .into_boxed();
        let q = match recipient {
            Recipient::Phone(p) => q.filter(customers::phone.eq(p.as_str().to_owned())),
            Recipient::Email(e) => q.filter(customers::email.eq(e.as_str().to_owned())),
        };
        q.first::<String>(self.conn)
            .optional()
            .map_err(storage_error)?
            .map(|id| parse("customer id", &id))
            .transpose()
    }

    fn insert_otp(&mut self, c: &OtpChallenge) -> Result<(), StorageError> {
        diesel::insert_into(otp_challenges::table)
            .values((
                otp_challenges::id.eq(c.id.to_string()),
                otp_challenges::tenant_id.eq(c.tenant_id.to_string()),
                otp_challenges::channel.eq(c.channel.as_str()),
                otp_challenges::recipient.eq(&c.recipient),
                otp_challenges::code_hash.eq(&c.code_hash),
                otp_challenges::attempts.eq(c.attempts),
                otp_challenges::created_at.eq(ts(c.created_at)),
                otp_challenges::expires_at.eq(ts(c.expires_at)),
                otp_challenges::consumed_at.eq(c.consumed_at.map(ts)),
            ))
            .execute(self.conn)
            .map(drop)
            .map_err(storage_error)
    }

    fn otp_sent_since(
        &mut self,
        tenant: TenantId,
        recipient: &str,
        since: DateTime<Utc>,
    ) -> Result<Vec<DateTime<Utc>>, StorageError> {
        otp_challenges::table
            .filter(otp_challenges::tenant_id.eq(tenant.to_string()))
            .filter(otp_challenges::recipient.eq(recipient))
            .filter(otp_challenges::created_at.gt(ts(since)))
            .select(otp_challenges::created_at)
            .load::<NaiveDateTime>(self.conn)
            .map(|v| v.into_iter().map(utc).collect())
            .map_err(storage_error)
    }

    fn claim_otp_send(
        &mut self,
        tenant: TenantId,
        recipient: &str,
        last_allowed: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<bool, StorageError> {
        diesel::sql_query(
            "INSERT INTO otp_recipients (tenant_id, recipient, last_sent_at) VALUES ($1, $2, $3) \
             ON CONFLICT (tenant_id, recipient) DO NOTHING",
        )
        .bind::<Text, _>(tenant.to_string())
        .bind::<Text, _>(recipient)
        .bind::<diesel::sql_types::Timestamp, _>(ts(DateTime::<Utc>::UNIX_EPOCH))
        .execute(self.conn)
        .map_err(storage_error)?;
        diesel::update(otp_recipients::table)
            .filter(otp_recipients::tenant_id.eq(tenant.to_string()))
            .filter(otp_recipients::recipient.eq(recipient))
            .filter(otp_recipients::last_sent_at.le(ts(last_allowed)))
            .set(otp_recipients::last_sent_at.eq(ts(now)))
            .execute(self.conn)
            .map(|n| n == 1)
            .map_err(storage_error)
    }

    fn latest_open_otp(
        &mut self,
        tenant: TenantId,
        recipient: &str,
    ) -> Result<Option<OtpChallenge>, StorageError> {
        otp_challenges::table
            .filter(otp_challenges::tenant_id.eq(tenant.to_string()))
            .filter(otp_challenges::recipient.eq(recipient))
            .filter(otp_challenges::consumed_at.is_null())
            .order((otp_challenges::created_at.desc(), otp_challenges::id.desc()))
            .select((
                otp_challenges::id,
                otp_challenges::tenant_id,
                otp_challenges::channel,
                otp_challenges::recipient,
                otp_challenges::code_hash,
                otp_challenges::attempts,
                otp_challenges::created_at,
                otp_challenges::expires_at,
                otp_challenges::consumed_at,
            ))
            .first::<OtpRow>(self.conn)
            .optional()
            .map_err(storage_error)?
            .map(otp)
            .transpose()
    }

    fn count_otp_attempt(
        &mut self,
        tenant: TenantId,
        id: OtpChallengeId,
    ) -> Result<bool, StorageError> {
        diesel::update(otp_challenges::table)
            .filter(otp_challenges::tenant_id.eq(tenant.to_string()))
            .filter(otp_challenges::id.eq(id.to_string()))
            .filter(otp_challenges::consumed_at.is_null())
            .filter(otp_challenges::attempts.lt(OTP_MAX_ATTEMPTS))
            .set(otp_challenges::attempts.eq(otp_challenges::attempts + 1))
            .execute(self.conn)
            .map(|n| n == 1)
            .map_err(storage_error)
    }

    fn consume_otp(
        &mut self,
        tenant: TenantId,
        id: OtpChallengeId,
        now: DateTime<Utc>,
    ) -> Result<bool, StorageError> {
        diesel::update(otp_challenges::table)
            .filter(otp_challenges::tenant_id.eq(tenant.to_string()))
            .filter(otp_challenges::id.eq(id.to_string()))
            .filter(otp_challenges::consumed_at.is_null())
            .set(otp_challenges::consumed_at.eq(Some(ts(now))))
            .execute(self.conn)
            .map(|n| n == 1)
            .map_err(storage_error)
    }

    fn open_registration(
        &mut self,
        tenant: TenantId,
        id: OtpChallengeId,
        until: DateTime<Utc>,
    ) -> Result<(), StorageError> {
        diesel::update(otp_challenges::table)
            .filter(otp_challenges::tenant_id.eq(tenant.to_string()))
            .filter(otp_challenges::id.eq(id.to_string()))
            .set(otp_challenges::registration_until.eq(Some(ts(until))))
            .execute(self.conn)
            .map(drop)
            .map_err(storage_error)
    }

    fn claim_registration(
        &mut self,
        tenant: TenantId,
        recipient: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StorageError> {
        // Every open window of the recipient closes at once; a concurrent claim waits on the
        // rows and then finds none open.
        diesel::update(otp_challenges::table)
            .filter(otp_challenges::tenant_id.eq(tenant.to_string()))
            .filter(otp_challenges::recipient.eq(recipient))
            .filter(otp_challenges::registration_until.gt(ts(now)))
            .set(otp_challenges::registration_until.eq(None::<NaiveDateTime>))
            .execute(self.conn)
            .map(|n| n > 0)
            .map_err(storage_error)
    }

    fn revoke_customer_sessions(
        &mut self,
        tenant: TenantId,
        customer: CustomerId,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<usize, StorageError> {
        diesel::update(customer_session_families::table)
            .filter(customer_session_families::tenant_id.eq(tenant.to_string()))
            .filter(customer_session_families::customer_id.eq(customer.to_string()))
            .filter(customer_session_families::revoked_at.is_null())
            .set((
                customer_session_families::revoked_at.eq(Some(ts(now))),
                customer_session_families::revoked_reason.eq(Some(reason)),
            ))
            .execute(self.conn)
            .map_err(storage_error)
    }

    fn insert_session_family(
        &mut self,
        f: &SessionFamily,
        token_hash: &str,
    ) -> Result<(), StorageError> {
        diesel::insert_into(customer_session_families::table)
            .values((
                customer_session_families::id.eq(f.id.to_string()),
                customer_session_families::tenant_id.eq(f.tenant_id.to_string()),
                customer_session_families::customer_id.eq(f.customer_id.to_string()),
                customer_session_families::created_at.eq(ts(f.created_at)),
                customer_session_families::expires_at.eq(ts(f.expires_at)),
                customer_session_families::revoked_at.eq(f.revoked_at.map(ts)),
            ))
            .execute(self.conn)
            .map_err(storage_error)?;
        insert_refresh(self, f, token_hash, f.created_at)
    }

    fn refresh_token(
        &mut self,
        tenant: TenantId,
        token_hash: &str,
    ) -> Result<Option<(SessionFamily, bool)>, StorageError> {
        let row = customer_refresh_tokens::table
            .inner_join(
                customer_session_families::table
                    .on(customer_session_families::id.eq(customer_refresh_tokens::family_id)),
            )
            .filter(customer_refresh_tokens::token_hash.eq(token_hash))
            .filter(customer_refresh_tokens::tenant_id.eq(tenant.to_string()))
            .select((FAMILY_COLUMNS, customer_refresh_tokens::used_at))
            .first::<(FamilyRow, Option<NaiveDateTime>)>(self.conn)
            .optional()
            .map_err(storage_error)?;
        row.map(|(f, used)| family(f).map(|f| (f, used.is_some())))
            .transpose()
    }

    fn rotate_refresh_token(
        &mut self,
        f: &SessionFamily,
        old_hash: &str,
        new_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StorageError> {
        let n = diesel::update(customer_refresh_tokens::table)
            .filter(customer_refresh_tokens::tenant_id.eq(f.tenant_id.to_string()))
            .filter(customer_refresh_tokens::token_hash.eq(old_hash))
            .filter(customer_refresh_tokens::used_at.is_null())
            .set(customer_refresh_tokens::used_at.eq(Some(ts(now))))
            .execute(self.conn)
            .map_err(storage_error)?;
        if n != 1 {
            return Ok(false);
        }
        insert_refresh(self, f, new_hash, now)?;
        Ok(true)
    }

    fn revoke_session_family(
        &mut self,
        tenant: TenantId,
        id: SessionFamilyId,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StorageError> {
        diesel::update(customer_session_families::table)
            .filter(customer_session_families::tenant_id.eq(tenant.to_string()))
            .filter(customer_session_families::id.eq(id.to_string()))
            .filter(customer_session_families::revoked_at.is_null())
            .set((
                customer_session_families::revoked_at.eq(Some(ts(now))),
                customer_session_families::revoked_reason.eq(Some(reason)),
            ))
            .execute(self.conn)
            .map(|n| n == 1)
            .map_err(storage_error)
    }

    fn session_family(
        &mut self,
        tenant: TenantId,
        customer: CustomerId,
        id: SessionFamilyId,
    ) -> Result<Option<SessionFamily>, StorageError> {
        customer_session_families::table
            .filter(customer_session_families::id.eq(id.to_string()))
            .filter(customer_session_families::tenant_id.eq(tenant.to_string()))
            .filter(customer_session_families::customer_id.eq(customer.to_string()))
            .select(FAMILY_COLUMNS)
            .first::<FamilyRow>(self.conn)
            .optional()
            .map_err(storage_error)?
            .map(family)
            .transpose()
    }

    fn member_profile(
        &mut self,
        tenant: TenantId,
        customer: CustomerId,
    ) -> Result<MemberProfile, StorageError> {
        type Row = (
            Option<i64>,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
            bool,
            bool,
            Option<String>,
            (Option<String>, Option<String>),
        );
        let row = customers::table
            .filter(customers::tenant_id.eq(tenant.to_string()))
            .filter(customers::id.eq(customer.to_string()))
            .select((
                customers::member_no,
                customers::last_name,
                customers::gender,
                customers::address,
                customers::district,
                customers::agree_promotion,
                customers::agree_terms,
                customers::utm_data,
                (customers::verified_phone, customers::verified_email),
            ))
            .first::<Row>(self.conn)
            .optional()
            .map_err(storage_error)?;
        Ok(row
            .map(
                |(member_no, last_name, gender, address, district, promo, terms, utm, proven)| {
                    MemberProfile {
                        member_no,
                        last_name,
                        gender,
                        address,
                        district,
                        agree_promotion: promo,
                        agree_terms: terms,
                        utm_data: utm,
                        proven: Proven {
                            phone: proven.0,
                            email: proven.1,
                        },
                    }
                },
            )
            .unwrap_or_default())
    }

    fn save_member_profile(
        &mut self,
        tenant: TenantId,
        customer: CustomerId,
        p: &MemberProfile,
    ) -> Result<MemberProfile, StorageError> {
        let member_no = match p.member_no {
            Some(n) => n,
            None => next_member_no(self, tenant)?,
        };
        let n = diesel::update(customers::table)
            .filter(customers::tenant_id.eq(tenant.to_string()))
            .filter(customers::id.eq(customer.to_string()))
            .set((
                customers::member_no.eq(Some(member_no)),
                customers::last_name.eq(&p.last_name),
                customers::gender.eq(&p.gender),
                customers::address.eq(&p.address),
                customers::district.eq(&p.district),
                customers::agree_promotion.eq(p.agree_promotion),
                customers::agree_terms.eq(p.agree_terms),
                customers::utm_data.eq(&p.utm_data),
                customers::verified_phone.eq(&p.proven.phone),
                customers::verified_email.eq(&p.proven.email),
            ))
            .execute(self.conn)
            .map_err(storage_error)?;
        if n != 1 {
            return Err(corrupt("customer missing"));
        }
        Ok(MemberProfile {
            member_no: Some(member_no),
            ..p.clone()
        })
    }
}

fn insert_refresh(
    tx: &mut Tx<'_>,
    f: &SessionFamily,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<(), StorageError> {
    diesel::insert_into(customer_refresh_tokens::table)
        .values((
            customer_refresh_tokens::id.eq(kedai_core::id::new_uuid_v7().to_string()),
            customer_refresh_tokens::tenant_id.eq(f.tenant_id.to_string()),
            customer_refresh_tokens::family_id.eq(f.id.to_string()),
            customer_refresh_tokens::token_hash.eq(token_hash),
            customer_refresh_tokens::created_at.eq(ts(now)),
        ))
        .execute(tx.conn)
        .map(drop)
        .map_err(storage_error)
}

/// The tenant's next member number: a counter row bumped with one UPDATE, which holds its row
/// lock until commit, so concurrent registrations take numbers one at a time.
fn next_member_no(tx: &mut Tx<'_>, tenant: TenantId) -> Result<i64, StorageError> {
    diesel::sql_query(
        "INSERT INTO member_counters (tenant_id, last_value) \
         SELECT $1, COALESCE(MAX(member_no), 0) FROM customers WHERE tenant_id = $1 \
         ON CONFLICT (tenant_id) DO NOTHING",
    )
    .bind::<Text, _>(tenant.to_string())
    .execute(tx.conn)
    .map_err(storage_error)?;
    let rows: Vec<Counter> = diesel::sql_query(
        "UPDATE member_counters SET last_value = last_value + 1 \
         WHERE tenant_id = $1 RETURNING last_value",
    )
    .bind::<Text, _>(tenant.to_string())
    .load(tx.conn)
    .map_err(storage_error)?;
    rows.first()
        .map(|c| c.last_value)
        .ok_or_else(|| corrupt("member counter missing"))
}

type MessageRow = (
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    String,
    Option<String>,
    NaiveDateTime,
);

impl MessageLog for Tx<'_> {
    fn record_message(&mut self, m: &OutgoingMessage) -> Result<(), StorageError> {
        diesel::insert_into(notifications::table)
            .values((
                notifications::id.eq(m.id.to_string()),
                notifications::tenant_id.eq(m.tenant_id.to_string()),
                notifications::kind.eq(m.kind.as_str()),
                notifications::channel.eq(m.channel.as_str()),
                notifications::recipient.eq(&m.recipient),
                notifications::subject.eq(&m.subject),
                notifications::body.eq(&m.body),
                notifications::reference.eq(&m.reference),
                notifications::created_at.eq(ts(m.created_at)),
            ))
            .execute(self.conn)
            .map(drop)
            .map_err(storage_error)
    }

    fn list_messages(
        &mut self,
        tenant: TenantId,
        filter: &MessageFilter,
        page: Page,
    ) -> Result<(Vec<OutgoingMessage>, i64), StorageError> {
        let query = || {
            let mut q = notifications::table
                .filter(notifications::tenant_id.eq(tenant.to_string()))
                .into_boxed();
            if let Some(kind) = filter.kind {
                q = q.filter(notifications::kind.eq(kind.as_str()));
            }
            if let Some(r) = &filter.recipient {
                q = q.filter(notifications::recipient.eq(r.clone()));
            }
            q
        };
        let total = query()
            .count()
            .get_result::<i64>(self.conn)
            .map_err(storage_error)?;
        let rows = query()
            .order((notifications::created_at.desc(), notifications::id.desc()))
            .limit(i64::from(page.limit()))
            .offset(page.offset())
            .select((
                notifications::id,
                notifications::tenant_id,
                notifications::kind,
                notifications::channel,
                notifications::recipient,
                notifications::subject,
                notifications::body,
                notifications::reference,
                notifications::created_at,
            ))
            .load::<MessageRow>(self.conn)
            .map_err(storage_error)?;
        let messages = rows
            .into_iter()
            .map(
                |(id, tenant, kind, channel, recipient, subject, body, reference, at)| {
                    Ok(OutgoingMessage {
                        id: parse("message id", &id)?,
                        tenant_id: parse("tenant id", &tenant)?,
                        kind: parse("message kind", &kind)?,
                        channel: parse("channel", &channel)?,
                        recipient,
                        subject,
                        body,
                        reference,
                        created_at: utc(at),
                    })
                },
            )
            .collect::<Result<Vec<_>, StorageError>>()?;
        Ok((messages, total))
    }
}
