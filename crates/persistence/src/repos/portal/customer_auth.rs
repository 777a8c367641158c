//! Customer sign-in: customers by recipient, one-time code challenges and registration
//! windows, session families and refresh tokens, and member profiles.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::Text;
use kedai_core::{StorageError, TenantId};
use kedai_identity::{
    CustomerAuthRepository, CustomerId, MemberProfile, OtpChallenge, OtpChallengeId, Proven,
    Recipient, SessionFamily, SessionFamilyId, customer_auth::OTP_MAX_ATTEMPTS,
};

use super::members::next_member_no;
use super::otp::{OtpRow, otp};
use super::sessions::{FAMILY_COLUMNS, FamilyRow, family, insert_refresh};
use crate::convert::{corrupt, parse, storage_error, ts, utc};
use crate::repos::Tx;
use crate::schema::{
    customer_refresh_tokens, customer_session_families, customers, otp_challenges, otp_recipients,
};

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
