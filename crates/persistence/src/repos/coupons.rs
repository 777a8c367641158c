//! Coupons and their redemptions. Uses are claimed and given back with guarded updates, so the
//! usage count never passes the limit however many orders race.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use kedai_core::{Page, StorageError, TenantId};
use kedai_loyalty::{
    Coupon, CouponCode, CouponId, CouponRepository, CouponStatus, DiscountType, Redemption,
};

use super::Tx;
use crate::convert::{
    corrupt, currency, is_unique_violation, money, opt_utc, parse, storage_error, ts, utc,
};
use crate::schema::{coupon_redemptions, coupons, outlets};

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = coupons)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
struct CouponRow {
    id: String,
    tenant_id: String,
    code: String,
    title: String,
    discount_type: String,
    discount_value: i64,
    currency: String,
    min_cart_total_minor: Option<i64>,
    max_discount_minor: Option<i64>,
    valid_from: Option<NaiveDateTime>,
    valid_to: Option<NaiveDateTime>,
    usage_limit: Option<i64>,
    used_count: i64,
    applicable_outlet_ids: String,
    status: String,
    created_by: Option<String>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    disabled_at: Option<NaiveDateTime>,
}

impl TryFrom<CouponRow> for Coupon {
    type Error = StorageError;

    fn try_from(r: CouponRow) -> Result<Self, StorageError> {
        let c = currency(&r.currency)?;
        Ok(Self {
            id: parse("coupon id", &r.id)?,
            tenant_id: parse("tenant id", &r.tenant_id)?,
            code: CouponCode::parse(&r.code).map_err(|_| corrupt("coupon code"))?,
            title: r.title,
            discount_type: parse::<DiscountType>("discount type", &r.discount_type)?,
            discount_value: r.discount_value,
            currency: c,
            min_cart_total: r.min_cart_total_minor.map(|m| money(m, c)),
            max_discount: r.max_discount_minor.map(|m| money(m, c)),
            valid_from: opt_utc(r.valid_from),
            valid_to: opt_utc(r.valid_to),
            usage_limit: r.usage_limit,
            used_count: r.used_count,
            applicable_outlet_ids: serde_json::from_str(&r.applicable_outlet_ids)
                .map_err(|_| corrupt("applicable_outlet_ids"))?,
            status: parse::<CouponStatus>("coupon status", &r.status)?,
            created_by: r.created_by,
            created_at: utc(r.created_at),
            updated_at: utc(r.updated_at),
            disabled_at: opt_utc(r.disabled_at),
        })
    }
}

impl From<&Coupon> for CouponRow {
    fn from(c: &Coupon) -> Self {
        Self {
            id: c.id.to_string(),
            tenant_id: c.tenant_id.to_string(),
            code: c.code.to_string(),
            title: c.title.clone(),
            discount_type: c.discount_type.as_str().to_owned(),
            discount_value: c.discount_value,
            currency: c.currency.code().to_owned(),
            min_cart_total_minor: c.min_cart_total.map(|m| m.minor()),
            max_discount_minor: c.max_discount.map(|m| m.minor()),
            valid_from: c.valid_from.map(ts),
            valid_to: c.valid_to.map(ts),
            usage_limit: c.usage_limit,
            used_count: c.used_count,
            applicable_outlet_ids: serde_json::Value::from(c.applicable_outlet_ids.clone())
                .to_string(),
            status: c.status.as_str().to_owned(),
            created_by: c.created_by.clone(),
            created_at: ts(c.created_at),
            updated_at: ts(c.updated_at),
            disabled_at: c.disabled_at.map(ts),
        }
    }
}

#[derive(Insertable)]
#[diesel(table_name = coupon_redemptions)]
struct NewRedemptionRow<'a> {
    id: String,
    tenant_id: String,
    coupon_id: String,
    order_id: &'a str,
    customer_id: Option<&'a str>,
    discount_minor: i64,
    created_at: NaiveDateTime,
}

impl CouponRepository for Tx<'_> {
    fn insert_coupon(&mut self, coupon: &Coupon) -> Result<Result<(), ()>, StorageError> {
        match diesel::insert_into(coupons::table)
            .values(CouponRow::from(coupon))
            .execute(self.conn)
        {
            Ok(_) => Ok(Ok(())),
            Err(e) if is_unique_violation(&e) => Ok(Err(())),
            Err(e) => Err(storage_error(e)),
        }
    }

    fn find_coupon(
        &mut self,
        tenant: TenantId,
        id: CouponId,
    ) -> Result<Option<Coupon>, StorageError> {
        coupons::table
            .filter(coupons::tenant_id.eq(tenant.to_string()))
            .filter(coupons::id.eq(id.to_string()))
            .select(CouponRow::as_select())
            .first::<CouponRow>(self.conn)
            .optional()
            .map_err(storage_error)?
            .map(Coupon::try_from)
            .transpose()
    }

    fn find_coupon_by_code(
        &mut self,
        tenant: TenantId,
        code: &CouponCode,
    ) -> Result<Option<Coupon>, StorageError> {
        coupons::table
            .filter(coupons::tenant_id.eq(tenant.to_string()))
            .filter(coupons::code.eq(code.as_str()))
            .select(CouponRow::as_select())
            .first::<CouponRow>(self.conn)
            .optional()
            .map_err(storage_error)?
            .map(Coupon::try_from)
            .transpose()
    }

    fn list_coupons(
        &mut self,
        tenant: TenantId,
        status: Option<CouponStatus>,
        page: Page,
    ) -> Result<(Vec<Coupon>, i64), StorageError> {
        let matching = || {
            let mut q = coupons::table
                .filter(coupons::tenant_id.eq(tenant.to_string()))
                .into_boxed();
            if let Some(s) = status {
                q = q.filter(coupons::status.eq(s.as_str()));
            }
            q
        };
        let total = matching()
            .count()
            .get_result::<i64>(self.conn)
            .map_err(storage_error)?;
        let rows = matching()
            .order((coupons::created_at.desc(), coupons::id.desc()))
            .limit(i64::from(page.limit()))
            .offset(page.offset())
            .select(CouponRow::as_select())
            .load::<CouponRow>(self.conn)
            .map_err(storage_error)?;
        let coupons = rows
            .into_iter()
            .map(Coupon::try_from)
            .collect::<Result<_, _>>()?;
        Ok((coupons, total))
    }

    fn disable_coupon(
        &mut self,
        tenant: TenantId,
        id: CouponId,
        at: DateTime<Utc>,
    ) -> Result<bool, StorageError> {
        diesel::update(
            coupons::table
                .filter(coupons::tenant_id.eq(tenant.to_string()))
                .filter(coupons::id.eq(id.to_string()))
                .filter(coupons::status.eq(CouponStatus::Active.as_str())),
        )
        .set((
            coupons::status.eq(CouponStatus::Disabled.as_str()),
            coupons::disabled_at.eq(Some(ts(at))),
            coupons::updated_at.eq(ts(at)),
        ))
        .execute(self.conn)
        .map(|n| n == 1)
        .map_err(storage_error)
    }

    fn existing_outlets(
        &mut self,
        tenant: TenantId,
        ids: &[String],
    ) -> Result<Vec<String>, StorageError> {
        outlets::table
            .filter(outlets::tenant_id.eq(tenant.to_string()))
            .filter(outlets::id.eq_any(ids))
            .filter(outlets::deleted_at.is_null())
            .select(outlets::id)
            .load::<String>(self.conn)
            .map_err(storage_error)
    }

    fn claim_use(&mut self, tenant: TenantId, id: CouponId) -> Result<bool, StorageError> {
        // One statement: the condition is checked on the row the update locks, so racing
        // claims serialise on it and the count never passes the limit.
        diesel::update(
            coupons::table
                .filter(coupons::tenant_id.eq(tenant.to_string()))
                .filter(coupons::id.eq(id.to_string()))
                .filter(coupons::status.eq(CouponStatus::Active.as_str()))
                .filter(
                    coupons::usage_limit
                        .is_null()
                        .or(coupons::used_count.nullable().lt(coupons::usage_limit)),
                ),
        )
        .set(coupons::used_count.eq(coupons::used_count + 1))
        .execute(self.conn)
        .map(|n| n == 1)
        .map_err(storage_error)
    }

    fn record_redemption(&mut self, r: &Redemption) -> Result<(), StorageError> {
        diesel::insert_into(coupon_redemptions::table)
            .values(NewRedemptionRow {
                id: r.id.to_string(),
                tenant_id: r.tenant_id.to_string(),
                coupon_id: r.coupon_id.to_string(),
                order_id: &r.order_id,
                customer_id: r.customer_id.as_deref(),
                discount_minor: r.discount.minor(),
                created_at: ts(r.created_at),
            })
            .execute(self.conn)
            .map(drop)
            .map_err(storage_error)
    }

    fn release_for_order(
        &mut self,
        tenant: TenantId,
        order_id: &str,
        at: DateTime<Utc>,
    ) -> Result<Option<CouponId>, StorageError> {
        // Guarded on `released_at IS NULL`: a use is given back at most once.
        let released = diesel::update(
            coupon_redemptions::table
                .filter(coupon_redemptions::tenant_id.eq(tenant.to_string()))
                .filter(coupon_redemptions::order_id.eq(order_id))
                .filter(coupon_redemptions::released_at.is_null()),
        )
        .set(coupon_redemptions::released_at.eq(Some(ts(at))))
        .returning(coupon_redemptions::coupon_id)
        .get_results::<String>(self.conn)
        .map_err(storage_error)?;
        let Some(coupon) = released.into_iter().next() else {
            return Ok(None);
        };
        diesel::update(
            coupons::table
                .filter(coupons::tenant_id.eq(tenant.to_string()))
                .filter(coupons::id.eq(&coupon))
                .filter(coupons::used_count.gt(0)),
        )
        .set((
            coupons::used_count.eq(coupons::used_count - 1),
            coupons::updated_at.eq(ts(at)),
        ))
        .execute(self.conn)
        .map_err(storage_error)?;
        parse("coupon id", &coupon).map(Some)
    }
}
