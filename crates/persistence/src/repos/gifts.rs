//! Gift offers and redemptions. Quotas are guarded counters — the offer's `redeemed_count`
//! and a per-member row — taken with one conditional statement each, so no race passes them.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use kedai_core::{StorageError, TenantId};
use kedai_identity::CustomerId;
use kedai_loyalty::TierId;
use kedai_loyalty::gift::{
    GiftOffer, GiftOfferDraft, GiftOfferId, GiftRedemption, GiftRedemptionId, GiftRepository,
    OfferScope, RedemptionStatus,
};

use super::Tx;
use crate::convert::{corrupt, is_unique_violation, opt_utc, parse, storage_error, ts, utc};
use crate::schema::{gift_offers, gift_redemptions};

#[derive(Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = gift_offers)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
#[diesel(treat_none_as_null = true)]
struct OfferRow {
    id: String,
    tenant_id: String,
    name: String,
    description: Option<String>,
    points: Option<i64>,
    face_value: Option<i64>,
    face_value_type: Option<String>,
    image: Option<String>,
    terms: Option<String>,
    expiry_days: Option<i64>,
    membership_tier_id: Option<i64>,
    quota: i64,
    quota_per_member: i64,
    redeemed_count: i64,
    start_at: Option<NaiveDateTime>,
    end_at: Option<NaiveDateTime>,
    status: String,
    claim_code: Option<String>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl From<&GiftOffer> for OfferRow {
    fn from(o: &GiftOffer) -> Self {
        let d = &o.draft;
        Self {
            id: o.id.to_string(),
            tenant_id: o.tenant_id.to_string(),
            name: d.name.clone(),
            description: d.description.clone(),
            points: d.points,
            face_value: d.face_value,
            face_value_type: d.face_value_type.map(|t| t.as_str().to_owned()),
            image: d.image.clone(),
            terms: d.terms.clone(),
            expiry_days: d.expiry_days,
            membership_tier_id: d.membership_tier_id.map(TierId::get),
            quota: d.quota,
            quota_per_member: d.quota_per_member,
            redeemed_count: o.redeemed_count,
            start_at: d.start_at.map(ts),
            end_at: d.end_at.map(ts),
            status: d.status.as_str().to_owned(),
            claim_code: d.claim_code.clone(),
            created_at: ts(o.created_at),
            updated_at: ts(o.updated_at),
        }
    }
}

impl TryFrom<OfferRow> for GiftOffer {
    type Error = StorageError;

    fn try_from(r: OfferRow) -> Result<Self, StorageError> {
        Ok(Self {
            id: parse("gift offer id", &r.id)?,
            tenant_id: parse("tenant id", &r.tenant_id)?,
            draft: GiftOfferDraft {
                name: r.name,
                description: r.description,
                points: r.points,
                face_value: r.face_value,
                face_value_type: r
                    .face_value_type
                    .as_deref()
                    .map(|t| parse("face value type", t))
                    .transpose()?,
                image: r.image,
                terms: r.terms,
                expiry_days: r.expiry_days,
                membership_tier_id: r
                    .membership_tier_id
                    .map(|t| TierId::new(t).map_err(|_| corrupt("tier id")))
                    .transpose()?,
                quota: r.quota,
                quota_per_member: r.quota_per_member,
                start_at: opt_utc(r.start_at),
                end_at: opt_utc(r.end_at),
                status: parse("offer status", &r.status)?,
                claim_code: r.claim_code,
            },
            redeemed_count: r.redeemed_count,
            created_at: utc(r.created_at),
            updated_at: utc(r.updated_at),
        })
    }
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = gift_redemptions)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
struct RedemptionRow {
    id: String,
    tenant_id: String,
    offer_id: String,
    customer_id: String,
    code: String,
    status: String,
    points: Option<i64>,
    expires_on: Option<String>,
    fulfilled_at: Option<NaiveDateTime>,
    fulfillment_method: Option<String>,
    used_at: Option<NaiveDateTime>,
    remarks: Option<String>,
    created_at: NaiveDateTime,
}

impl TryFrom<RedemptionRow> for GiftRedemption {
    type Error = StorageError;

    fn try_from(r: RedemptionRow) -> Result<Self, StorageError> {
        Ok(Self {
            id: parse("redemption id", &r.id)?,
            tenant_id: parse("tenant id", &r.tenant_id)?,
            offer_id: parse("gift offer id", &r.offer_id)?,
            customer_id: parse("customer id", &r.customer_id)?,
            code: r.code,
            status: parse("redemption status", &r.status)?,
            points: r.points,
            expires_on: r
                .expires_on
                .as_deref()
                .map(|d| d.parse::<NaiveDate>().map_err(|_| corrupt("expires_on")))
                .transpose()?,
            fulfilled_at: opt_utc(r.fulfilled_at),
            fulfillment_method: r.fulfillment_method,
            used_at: opt_utc(r.used_at),
            remarks: r.remarks,
            created_at: utc(r.created_at),
        })
    }
}

fn inserted(result: Result<usize, diesel::result::Error>) -> Result<Result<(), ()>, StorageError> {
    match result {
        Ok(_) => Ok(Ok(())),
        Err(e) if is_unique_violation(&e) => Ok(Err(())),
        Err(e) => Err(storage_error(e)),
    }
}

#[derive(QueryableByName)]
struct Taken {
    #[diesel(sql_type = BigInt)]
    taken: i64,
}

impl GiftRepository for Tx<'_> {
    fn insert_offer(&mut self, offer: &GiftOffer) -> Result<Result<(), ()>, StorageError> {
        inserted(
            diesel::insert_into(gift_offers::table)
                .values(OfferRow::from(offer))
                .execute(self.conn),
        )
    }

    fn update_offer(&mut self, offer: &GiftOffer) -> Result<Result<(), ()>, StorageError> {
        let mut row = OfferRow::from(offer);
        // The count is the guarded counter's: never written from a read.
        row.redeemed_count = 0;
        inserted(
            diesel::update(
                gift_offers::table
                    .filter(gift_offers::tenant_id.eq(offer.tenant_id.to_string()))
                    .filter(gift_offers::id.eq(offer.id.to_string())),
            )
            .set((
                gift_offers::name.eq(row.name),
                gift_offers::description.eq(row.description),
                gift_offers::points.eq(row.points),
                gift_offers::face_value.eq(row.face_value),
                gift_offers::face_value_type.eq(row.face_value_type),
                gift_offers::image.eq(row.image),
                gift_offers::terms.eq(row.terms),
                gift_offers::expiry_days.eq(row.expiry_days),
                gift_offers::membership_tier_id.eq(row.membership_tier_id),
                gift_offers::quota.eq(row.quota),
                gift_offers::quota_per_member.eq(row.quota_per_member),
                gift_offers::start_at.eq(row.start_at),
                gift_offers::end_at.eq(row.end_at),
                gift_offers::status.eq(row.status),
                gift_offers::claim_code.eq(row.claim_code),
                gift_offers::updated_at.eq(row.updated_at),
            ))
            .execute(self.conn),
        )
    }

    fn find_offer(
        &mut self,
        tenant: TenantId,
        id: GiftOfferId,
    ) -> Result<Option<GiftOffer>, StorageError> {
        gift_offers::table
            .filter(gift_offers::tenant_id.eq(tenant.to_string()))
            .filter(gift_offers::id.eq(id.to_string()))
            .select(OfferRow::as_select())
            .first::<OfferRow>(self.conn)
            .optional()
            .map_err(storage_error)?
            .map(GiftOffer::try_from)
            .transpose()
    }

    fn find_offer_by_code(
        &mut self,
        tenant: TenantId,
        code: &str,
    ) -> Result<Option<GiftOffer>, StorageError> {
        gift_offers::table
            .filter(gift_offers::tenant_id.eq(tenant.to_string()))
            .filter(gift_offers::claim_code.eq(code))
            .select(OfferRow::as_select())
            .first::<OfferRow>(self.conn)
            .optional()
            .map_err(storage_error)?
            .map(GiftOffer::try_from)
            .transpose()
    }

    fn list_offers(
        &mut self,
        tenant: TenantId,
        scope: OfferScope,
        limit: i64,
        offset: i64,
    ) -> Result<(Vec<GiftOffer>, i64), StorageError> {
        let matching = || {
            let q = gift_offers::table
                .filter(gift_offers::tenant_id.eq(tenant.to_string()))
                .into_boxed();
            match scope {
                OfferScope::All => q,
                OfferScope::Live(now) => q
                    .filter(gift_offers::status.eq("active"))
                    .filter(
                        gift_offers::start_at
                            .is_null()
                            .or(gift_offers::start_at.le(ts(now))),
                    )
                    .filter(
                        gift_offers::end_at
                            .is_null()
                            .or(gift_offers::end_at.gt(ts(now))),
                    ),
            }
        };
        let total = matching()
            .count()
            .get_result::<i64>(self.conn)
            .map_err(storage_error)?;
        let rows = matching()
            .order((gift_offers::created_at.desc(), gift_offers::id.desc()))
            .limit(limit)
            .offset(offset)
            .select(OfferRow::as_select())
            .load::<OfferRow>(self.conn)
            .map_err(storage_error)?;
        let offers = rows
            .into_iter()
            .map(GiftOffer::try_from)
            .collect::<Result<_, _>>()?;
        Ok((offers, total))
    }

    fn take_offer(&mut self, tenant: TenantId, id: GiftOfferId) -> Result<bool, StorageError> {
        diesel::update(
            gift_offers::table
                .filter(gift_offers::tenant_id.eq(tenant.to_string()))
                .filter(gift_offers::id.eq(id.to_string()))
                .filter(
                    gift_offers::quota
                        .eq(0)
                        .or(gift_offers::redeemed_count.lt(gift_offers::quota)),
                ),
        )
        .set(gift_offers::redeemed_count.eq(gift_offers::redeemed_count + 1))
        .execute(self.conn)
        .map(|n| n == 1)
        .map_err(storage_error)
    }

    fn take_member_quota(
        &mut self,
        tenant: TenantId,
        offer: GiftOfferId,
        customer: CustomerId,
        limit: i64,
    ) -> Result<bool, StorageError> {
        // Placeholders in the order they appear: SQLite numbers `$n` by first use.
        let rows: Vec<Taken> = diesel::sql_query(
            "INSERT INTO gift_member_counts (tenant_id, offer_id, customer_id, taken) \
             VALUES ($1, $2, $3, 1) \
             ON CONFLICT (tenant_id, offer_id, customer_id) DO UPDATE \
             SET taken = gift_member_counts.taken + 1 \
             WHERE gift_member_counts.taken < $4 \
             RETURNING taken",
        )
        .bind::<Text, _>(tenant.to_string())
        .bind::<Text, _>(offer.to_string())
        .bind::<Text, _>(customer.to_string())
        .bind::<BigInt, _>(limit)
        .load(self.conn)
        .map_err(storage_error)?;
        Ok(rows.first().is_some_and(|t| t.taken <= limit))
    }

    fn insert_redemption(&mut self, r: &GiftRedemption) -> Result<Result<(), ()>, StorageError> {
        inserted(
            diesel::insert_into(gift_redemptions::table)
                .values(RedemptionRow {
                    id: r.id.to_string(),
                    tenant_id: r.tenant_id.to_string(),
                    offer_id: r.offer_id.to_string(),
                    customer_id: r.customer_id.to_string(),
                    code: r.code.clone(),
                    status: r.status.as_str().to_owned(),
                    points: r.points,
                    expires_on: r.expires_on.map(|d| d.to_string()),
                    fulfilled_at: r.fulfilled_at.map(ts),
                    fulfillment_method: r.fulfillment_method.clone(),
                    used_at: r.used_at.map(ts),
                    remarks: r.remarks.clone(),
                    created_at: ts(r.created_at),
                })
                .execute(self.conn),
        )
    }

    fn find_redemption(
        &mut self,
        tenant: TenantId,
        id: GiftRedemptionId,
        customer: Option<CustomerId>,
    ) -> Result<Option<GiftRedemption>, StorageError> {
        let mut q = gift_redemptions::table
            .filter(gift_redemptions::tenant_id.eq(tenant.to_string()))
            .filter(gift_redemptions::id.eq(id.to_string()))
            .into_boxed();
        if let Some(c) = customer {
            q = q.filter(gift_redemptions::customer_id.eq(c.to_string()));
        }
        q.select(RedemptionRow::as_select())
            .first::<RedemptionRow>(self.conn)
            .optional()
            .map_err(storage_error)?
            .map(GiftRedemption::try_from)
            .transpose()
    }

    fn find_redemption_by_code(
        &mut self,
        tenant: TenantId,
        code: &str,
    ) -> Result<Option<GiftRedemption>, StorageError> {
        gift_redemptions::table
            .filter(gift_redemptions::tenant_id.eq(tenant.to_string()))
            .filter(gift_redemptions::code.eq(code))
            .select(RedemptionRow::as_select())
            .first::<RedemptionRow>(self.conn)
            .optional()
            .map_err(storage_error)?
            .map(GiftRedemption::try_from)
            .transpose()
    }

    fn find_offers(
        &mut self,
        tenant: TenantId,
        ids: &[GiftOfferId],
    ) -> Result<Vec<GiftOffer>, StorageError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let keys: Vec<String> = ids.iter().map(ToString::to_string).collect();
        gift_offers::table
            .filter(gift_offers::tenant_id.eq(tenant.to_string()))
            .filter(gift_offers::id.eq_any(keys))
            .select(OfferRow::as_select())
            .load::<OfferRow>(self.conn)
            .map_err(storage_error)?
            .into_iter()
            .map(GiftOffer::try_from)
            .collect()
    }

    fn list_redemptions(
        &mut self,
        tenant: TenantId,
        customer: CustomerId,
        status: Option<RedemptionStatus>,
        today: NaiveDate,
        limit: i64,
        offset: i64,
    ) -> Result<(Vec<GiftRedemption>, i64), StorageError> {
        use RedemptionStatus as S;
        // The status as `GiftRedemption::status_at` reads it: valid and fulfilled ones past
        // their last day (`YYYY-MM-DD` text compares as dates) read as expired.
        let today = today.to_string();
        let matching = || {
            let q = gift_redemptions::table
                .filter(gift_redemptions::tenant_id.eq(tenant.to_string()))
                .filter(gift_redemptions::customer_id.eq(customer.to_string()))
                .into_boxed();
            let live = gift_redemptions::expires_on
                .is_null()
                .or(gift_redemptions::expires_on.ge(today.clone()));
            match status {
                None => q,
                Some(s @ (S::Valid | S::Fulfilled)) => q
                    .filter(gift_redemptions::status.eq(s.as_str()))
                    .filter(live),
                Some(S::Expired) => q.filter(
                    gift_redemptions::status
                        .eq(S::Expired.as_str())
                        .or(gift_redemptions::status
                            .eq_any([S::Valid.as_str(), S::Fulfilled.as_str()])
                            .and(gift_redemptions::expires_on.lt(today.clone()))),
                ),
                Some(s) => q.filter(gift_redemptions::status.eq(s.as_str())),
            }
        };
        let total = matching()
            .count()
            .get_result::<i64>(self.conn)
            .map_err(storage_error)?;
        let rows = matching()
            .order((
                gift_redemptions::created_at.desc(),
                gift_redemptions::id.desc(),
            ))
            .limit(limit)
            .offset(offset)
            .select(RedemptionRow::as_select())
            .load::<RedemptionRow>(self.conn)
            .map_err(storage_error)?;
        let list = rows
            .into_iter()
            .map(GiftRedemption::try_from)
            .collect::<Result<_, _>>()?;
        Ok((list, total))
    }

    fn move_redemption(
        &mut self,
        tenant: TenantId,
        id: GiftRedemptionId,
        from: &[RedemptionStatus],
        to: RedemptionStatus,
        method: Option<&str>,
        at: DateTime<Utc>,
    ) -> Result<bool, StorageError> {
        let from: Vec<&str> = from.iter().map(|s| s.as_str()).collect();
        let target = gift_redemptions::table
            .filter(gift_redemptions::tenant_id.eq(tenant.to_string()))
            .filter(gift_redemptions::id.eq(id.to_string()))
            .filter(gift_redemptions::status.eq_any(from));
        let moved = match to {
            RedemptionStatus::Used => diesel::update(target)
                .set((
                    gift_redemptions::status.eq(to.as_str()),
                    gift_redemptions::used_at.eq(Some(ts(at))),
                ))
                .execute(self.conn),
            RedemptionStatus::Fulfilled => diesel::update(target)
                .set((
                    gift_redemptions::status.eq(to.as_str()),
                    gift_redemptions::fulfilled_at.eq(Some(ts(at))),
                    gift_redemptions::fulfillment_method.eq(method),
                ))
                .execute(self.conn),
            _ => diesel::update(target)
                .set(gift_redemptions::status.eq(to.as_str()))
                .execute(self.conn),
        }
        .map_err(storage_error)?;
        Ok(moved == 1)
    }
}
