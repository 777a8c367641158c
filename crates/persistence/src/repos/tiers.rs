//! Membership tier definitions.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use kedai_core::{StorageError, TenantId};
use kedai_loyalty::{Tier, TierDraft, TierId, TierRepository};

use super::Tx;
use crate::convert::{
    corrupt, currency, is_unique_violation, money, parse, storage_error, ts, utc,
};
use crate::schema::membership_tiers;

#[derive(Queryable)]
struct TierRow {
    id: i64,
    tenant_id: String,
    name: String,
    description: Option<String>,
    price_minor: i64,
    currency: String,
    valid_period_value: i64,
    valid_period_unit: String,
    discount_bp: i64,
    min_spend_minor: i64,
    benefits: String,
    is_popular: bool,
    sort_order: i64,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    points_multiplier: i64,
}

impl TryFrom<TierRow> for Tier {
    type Error = StorageError;

    fn try_from(r: TierRow) -> Result<Self, StorageError> {
        let c = currency(&r.currency)?;
        Ok(Self {
            id: TierId::new(r.id).map_err(|_| corrupt(format!("tier id {}", r.id)))?,
            tenant_id: parse("tenant id", &r.tenant_id)?,
            draft: TierDraft {
                name: r.name,
                description: r.description,
                price: money(r.price_minor, c),
                valid_period_value: r.valid_period_value,
                valid_period_unit: parse("period unit", &r.valid_period_unit)?,
                discount: r.discount_bp,
                min_spend: money(r.min_spend_minor, c),
                points_multiplier: r.points_multiplier,
                benefits: serde_json::from_str(&r.benefits).map_err(|_| corrupt("benefits"))?,
                is_popular: r.is_popular,
                sort_order: r.sort_order,
            },
            created_at: utc(r.created_at),
            updated_at: utc(r.updated_at),
        })
    }
}

fn benefits_json(b: &[String]) -> String {
    serde_json::Value::from(b.to_vec()).to_string()
}

impl TierRepository for Tx<'_> {
    fn insert_tier(
        &mut self,
        tenant: TenantId,
        t: &TierDraft,
        now: DateTime<Utc>,
    ) -> Result<Result<TierId, ()>, StorageError> {
        let inserted = diesel::insert_into(membership_tiers::table)
            .values((
                membership_tiers::tenant_id.eq(tenant.to_string()),
                membership_tiers::name.eq(&t.name),
                membership_tiers::description.eq(t.description.as_deref()),
                membership_tiers::price_minor.eq(t.price.minor()),
                membership_tiers::currency.eq(t.price.currency().code()),
                membership_tiers::valid_period_value.eq(t.valid_period_value),
                membership_tiers::valid_period_unit.eq(t.valid_period_unit.as_str()),
                membership_tiers::discount_bp.eq(t.discount),
                membership_tiers::min_spend_minor.eq(t.min_spend.minor()),
                membership_tiers::points_multiplier.eq(t.points_multiplier),
                membership_tiers::benefits.eq(benefits_json(&t.benefits)),
                membership_tiers::is_popular.eq(t.is_popular),
                membership_tiers::sort_order.eq(t.sort_order),
                membership_tiers::created_at.eq(ts(now)),
                membership_tiers::updated_at.eq(ts(now)),
            ))
            .returning(membership_tiers::id)
            .get_result::<i64>(self.conn);
        match inserted {
            Ok(id) => TierId::new(id)
                .map(Ok)
                .map_err(|_| corrupt(format!("tier id {id}"))),
            Err(e) if is_unique_violation(&e) => Ok(Err(())),
            Err(e) => Err(storage_error(e)),
        }
    }

    fn find_tier(&mut self, tenant: TenantId, id: TierId) -> Result<Option<Tier>, StorageError> {
        membership_tiers::table
            .filter(membership_tiers::tenant_id.eq(tenant.to_string()))
            .filter(membership_tiers::id.eq(id.get()))
            .first::<TierRow>(self.conn)
            .optional()
            .map_err(storage_error)?
            .map(Tier::try_from)
            .transpose()
    }

    fn update_tier(&mut self, tier: &Tier) -> Result<Result<(), ()>, StorageError> {
        let t = &tier.draft;
        let updated = diesel::update(
            membership_tiers::table
                .filter(membership_tiers::tenant_id.eq(tier.tenant_id.to_string()))
                .filter(membership_tiers::id.eq(tier.id.get())),
        )
        .set((
            membership_tiers::name.eq(&t.name),
            membership_tiers::description.eq(t.description.as_deref()),
            membership_tiers::price_minor.eq(t.price.minor()),
            membership_tiers::valid_period_value.eq(t.valid_period_value),
            membership_tiers::valid_period_unit.eq(t.valid_period_unit.as_str()),
            membership_tiers::discount_bp.eq(t.discount),
            membership_tiers::min_spend_minor.eq(t.min_spend.minor()),
            membership_tiers::points_multiplier.eq(t.points_multiplier),
            membership_tiers::benefits.eq(benefits_json(&t.benefits)),
            membership_tiers::is_popular.eq(t.is_popular),
            membership_tiers::sort_order.eq(t.sort_order),
            membership_tiers::updated_at.eq(ts(tier.updated_at)),
        ))
        .execute(self.conn);
        match updated {
            Ok(_) => Ok(Ok(())),
            Err(e) if is_unique_violation(&e) => Ok(Err(())),
            Err(e) => Err(storage_error(e)),
        }
    }

    fn delete_tier(&mut self, tenant: TenantId, id: TierId) -> Result<bool, StorageError> {
        diesel::delete(
            membership_tiers::table
                .filter(membership_tiers::tenant_id.eq(tenant.to_string()))
                .filter(membership_tiers::id.eq(id.get())),
        )
        .execute(self.conn)
        .map(|n| n == 1)
        .map_err(storage_error)
    }

    fn list_tiers(&mut self, tenant: TenantId) -> Result<Vec<Tier>, StorageError> {
        membership_tiers::table
            .filter(membership_tiers::tenant_id.eq(tenant.to_string()))
            .order((
                membership_tiers::sort_order.asc(),
                membership_tiers::id.asc(),
            ))
            .load::<TierRow>(self.conn)
            .map_err(storage_error)?
            .into_iter()
            .map(Tier::try_from)
            .collect()
    }
}
