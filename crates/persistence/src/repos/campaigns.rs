//! Campaigns, their prizes and plays. A prize's `won` and a customer's plays of the day are
//! guarded counters, each taken with one conditional statement.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use kedai_core::{Money, StorageError, TenantId};
use kedai_identity::CustomerId;
use kedai_loyalty::campaign::{
    Campaign, CampaignDraft, CampaignId, CampaignRepository, Play, PlayId, Prize,
};

use super::Tx;
use crate::convert::{corrupt, currency, opt_utc, parse, storage_error, ts, utc};
use crate::schema::{campaign_plays, campaign_prizes, campaigns, orders};

type CampaignRow = (
    String,
    String,
    String,
    String,
    String,
    NaiveDateTime,
    NaiveDateTime,
    String,
    i64,
    Option<i64>,
    String,
    NaiveDateTime,
);

type PrizeRow = (
    String,
    i64,
    String,
    i64,
    Option<i64>,
    i64,
    String,
    Option<i64>,
    Option<String>,
    Option<String>,
);

fn prize(r: PrizeRow) -> Result<Prize, StorageError> {
    Ok(Prize {
        index: usize::try_from(r.1).map_err(|_| corrupt("prize position"))?,
        name: r.2,
        weight: r.3,
        quantity: r.4,
        won: r.5,
        reward: parse("reward", &r.6)?,
        points: r.7,
        coupon_code: r.8,
        gift_offer_id: r
            .9
            .as_deref()
            .map(|g| parse("gift offer id", g))
            .transpose()?,
    })
}

impl Tx<'_> {
    fn campaigns_with_prizes(
        &mut self,
        rows: Vec<CampaignRow>,
    ) -> Result<Vec<Campaign>, StorageError> {
        let ids: Vec<String> = rows.iter().map(|r| r.0.clone()).collect();
        let prizes: Vec<PrizeRow> = campaign_prizes::table
            .filter(campaign_prizes::campaign_id.eq_any(&ids))
            .order((campaign_prizes::campaign_id, campaign_prizes::position))
            .select((
                campaign_prizes::campaign_id,
                campaign_prizes::position,
                campaign_prizes::name,
                campaign_prizes::weight,
                campaign_prizes::quantity,
                campaign_prizes::won,
                campaign_prizes::reward,
                campaign_prizes::points,
                campaign_prizes::coupon_code,
                campaign_prizes::gift_offer_id,
            ))
            .load(self.conn)
            .map_err(storage_error)?;
        rows.into_iter()
            .map(|r| {
                let c = currency(&r.10)?;
                let own = prizes
                    .iter()
                    .filter(|p| p.0 == r.0)
                    .cloned()
                    .map(prize)
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(Campaign {
                    id: parse("campaign id", &r.0)?,
                    tenant_id: parse("tenant id", &r.1)?,
                    draft: CampaignDraft {
                        title: r.2,
                        campaign_type: r.3,
                        game_type: parse("game type", &r.4)?,
                        start_at: utc(r.5),
                        end_at: utc(r.6),
                        outlet_ids: serde_json::from_str(&r.7)
                            .map_err(|_| corrupt("outlet ids"))?,
                        daily_play_limit: r.8,
                        min_purchase: r.9.map(|m| Money::from_minor(m, c)),
                        currency: c,
                        prizes: own,
                    },
                    created_at: utc(r.11),
                })
            })
            .collect()
    }
}

#[derive(QueryableByName)]
struct Plays {
    #[diesel(sql_type = BigInt)]
    plays: i64,
}

fn select_campaign() -> (
    campaigns::id,
    campaigns::tenant_id,
    campaigns::title,
    campaigns::campaign_type,
    campaigns::game_type,
    campaigns::start_at,
    campaigns::end_at,
    campaigns::outlet_ids,
    campaigns::daily_play_limit,
    campaigns::min_purchase_minor,
    campaigns::currency,
    campaigns::created_at,
) {
    (
        campaigns::id,
        campaigns::tenant_id,
        campaigns::title,
        campaigns::campaign_type,
        campaigns::game_type,
        campaigns::start_at,
        campaigns::end_at,
        campaigns::outlet_ids,
        campaigns::daily_play_limit,
        campaigns::min_purchase_minor,
        campaigns::currency,
        campaigns::created_at,
    )
}

impl CampaignRepository for Tx<'_> {
    fn insert_campaign(&mut self, c: &Campaign) -> Result<(), StorageError> {
        let d = &c.draft;
        diesel::insert_into(campaigns::table)
            .values((
                campaigns::id.eq(c.id.to_string()),
                campaigns::tenant_id.eq(c.tenant_id.to_string()),
                campaigns::title.eq(&d.title),
                campaigns::campaign_type.eq(&d.campaign_type),
                campaigns::game_type.eq(d.game_type.as_str()),
                campaigns::start_at.eq(ts(d.start_at)),
                campaigns::end_at.eq(ts(d.end_at)),
                campaigns::outlet_ids.eq(serde_json::Value::from(d.outlet_ids.clone()).to_string()),
                campaigns::daily_play_limit.eq(d.daily_play_limit),
                campaigns::min_purchase_minor.eq(d.min_purchase.map(|m| m.minor())),
                campaigns::currency.eq(d.currency.code()),
                campaigns::created_at.eq(ts(c.created_at)),
            ))
            .execute(self.conn)
            .map_err(storage_error)?;
        for p in &d.prizes {
            diesel::insert_into(campaign_prizes::table)
                .values((
                    campaign_prizes::tenant_id.eq(c.tenant_id.to_string()),
                    campaign_prizes::campaign_id.eq(c.id.to_string()),
                    campaign_prizes::position.eq(i64::try_from(p.index).unwrap_or(i64::MAX)),
                    campaign_prizes::name.eq(&p.name),
                    campaign_prizes::weight.eq(p.weight),
                    campaign_prizes::quantity.eq(p.quantity),
                    campaign_prizes::won.eq(0_i64),
                    campaign_prizes::reward.eq(p.reward.as_str()),
                    campaign_prizes::points.eq(p.points),
                    campaign_prizes::coupon_code.eq(p.coupon_code.as_deref()),
                    campaign_prizes::gift_offer_id.eq(p.gift_offer_id.map(|g| g.to_string())),
                ))
                .execute(self.conn)
                .map_err(storage_error)?;
        }
        Ok(())
    }

    fn find_campaign(
        &mut self,
        tenant: TenantId,
        id: CampaignId,
    ) -> Result<Option<Campaign>, StorageError> {
        let rows: Vec<CampaignRow> = campaigns::table
            .filter(campaigns::tenant_id.eq(tenant.to_string()))
            .filter(campaigns::id.eq(id.to_string()))
            .select(select_campaign())
            .load(self.conn)
            .map_err(storage_error)?;
        Ok(self.campaigns_with_prizes(rows)?.into_iter().next())
    }

    fn list_campaigns(
        &mut self,
        tenant: TenantId,
        limit: i64,
        offset: i64,
    ) -> Result<(Vec<Campaign>, i64), StorageError> {
        let total = campaigns::table
            .filter(campaigns::tenant_id.eq(tenant.to_string()))
            .count()
            .get_result::<i64>(self.conn)
            .map_err(storage_error)?;
        let rows: Vec<CampaignRow> = campaigns::table
            .filter(campaigns::tenant_id.eq(tenant.to_string()))
            .order((campaigns::created_at.desc(), campaigns::id.desc()))
            .limit(limit)
            .offset(offset)
            .select(select_campaign())
            .load(self.conn)
            .map_err(storage_error)?;
        Ok((self.campaigns_with_prizes(rows)?, total))
    }

    fn take_play(
        &mut self,
        tenant: TenantId,
        campaign: CampaignId,
        customer: CustomerId,
        day: &str,
        limit: i64,
    ) -> Result<Option<i64>, StorageError> {
        // Placeholders in the order they appear: SQLite numbers `$n` by first use.
        let rows: Vec<Plays> = diesel::sql_query(
            "INSERT INTO campaign_play_counts (tenant_id, campaign_id, customer_id, day, plays) \
             VALUES ($1, $2, $3, $4, 1) \
             ON CONFLICT (tenant_id, campaign_id, customer_id, day) DO UPDATE \
             SET plays = campaign_play_counts.plays + 1 \
             WHERE campaign_play_counts.plays < $5 \
             RETURNING plays",
        )
        .bind::<Text, _>(tenant.to_string())
        .bind::<Text, _>(campaign.to_string())
        .bind::<Text, _>(customer.to_string())
        .bind::<Text, _>(day)
        .bind::<BigInt, _>(limit)
        .load(self.conn)
        .map_err(storage_error)?;
        Ok(rows.first().map(|p| p.plays).filter(|p| *p <= limit))
    }

    fn take_prize(
        &mut self,
        tenant: TenantId,
        campaign: CampaignId,
        index: usize,
    ) -> Result<bool, StorageError> {
        diesel::update(
            campaign_prizes::table
                .filter(campaign_prizes::tenant_id.eq(tenant.to_string()))
                .filter(campaign_prizes::campaign_id.eq(campaign.to_string()))
                .filter(campaign_prizes::position.eq(i64::try_from(index).unwrap_or(i64::MAX)))
                .filter(
                    campaign_prizes::quantity
                        .is_null()
                        .or(campaign_prizes::won.lt(campaign_prizes::quantity.assume_not_null())),
                ),
        )
        .set(campaign_prizes::won.eq(campaign_prizes::won + 1))
        .execute(self.conn)
        .map(|n| n == 1)
        .map_err(storage_error)
    }

    fn insert_play(&mut self, p: &Play) -> Result<(), StorageError> {
        diesel::insert_into(campaign_plays::table)
            .values((
                campaign_plays::id.eq(p.id.to_string()),
                campaign_plays::tenant_id.eq(p.tenant_id.to_string()),
                campaign_plays::campaign_id.eq(p.campaign_id.to_string()),
                campaign_plays::customer_id.eq(p.customer_id.to_string()),
                campaign_plays::day.eq(&p.day),
                campaign_plays::prize_position
                    .eq(p.prize.map(|i| i64::try_from(i).unwrap_or(i64::MAX))),
                campaign_plays::reward_code.eq(p.reward_code.as_deref()),
                campaign_plays::odds.eq(&p.odds),
                campaign_plays::source.eq(p.source.as_deref()),
                campaign_plays::claimed_at.eq(p.claimed_at.map(ts)),
                campaign_plays::created_at.eq(ts(p.created_at)),
            ))
            .execute(self.conn)
            .map(|_| ())
            .map_err(storage_error)
    }

    fn find_play_by_code(
        &mut self,
        tenant: TenantId,
        campaign: CampaignId,
        code: &str,
    ) -> Result<Option<Play>, StorageError> {
        let row = campaign_plays::table
            .filter(campaign_plays::tenant_id.eq(tenant.to_string()))
            .filter(campaign_plays::campaign_id.eq(campaign.to_string()))
            .filter(campaign_plays::reward_code.eq(code))
            .select((
                campaign_plays::id,
                campaign_plays::customer_id,
                campaign_plays::day,
                campaign_plays::prize_position,
                campaign_plays::odds,
                campaign_plays::source,
                campaign_plays::claimed_at,
                campaign_plays::created_at,
            ))
            .first::<(
                String,
                String,
                String,
                Option<i64>,
                String,
                Option<String>,
                Option<NaiveDateTime>,
                NaiveDateTime,
            )>(self.conn)
            .optional()
            .map_err(storage_error)?;
        row.map(|r| {
            Ok(Play {
                id: parse("play id", &r.0)?,
                tenant_id: tenant,
                campaign_id: campaign,
                customer_id: parse("customer id", &r.1)?,
                day: r.2,
                prize: r.3.map(|i| usize::try_from(i).unwrap_or(usize::MAX)),
                reward_code: Some(code.to_owned()),
                odds: r.4,
                source: r.5,
                claimed_at: opt_utc(r.6),
                created_at: utc(r.7),
            })
        })
        .transpose()
    }

    fn claim_play(
        &mut self,
        tenant: TenantId,
        id: PlayId,
        at: DateTime<Utc>,
    ) -> Result<bool, StorageError> {
        diesel::update(
            campaign_plays::table
                .filter(campaign_plays::tenant_id.eq(tenant.to_string()))
                .filter(campaign_plays::id.eq(id.to_string()))
                .filter(campaign_plays::claimed_at.is_null()),
        )
        .set(campaign_plays::claimed_at.eq(Some(ts(at))))
        .execute(self.conn)
        .map(|n| n == 1)
        .map_err(storage_error)
    }

    fn purchases_between(
        &mut self,
        tenant: TenantId,
        customer: CustomerId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<i64, StorageError> {
        orders::table
            .filter(orders::tenant_id.eq(tenant.to_string()))
            .filter(orders::customer_id.eq(customer.to_string()))
            .filter(orders::paid_at.ge(ts(from)))
            .filter(orders::paid_at.lt(ts(to)))
            .filter(orders::status.ne_all(["cancelled", "refunded"]))
            .select(sql::<BigInt>(
                "CAST(COALESCE(SUM(total_amount_minor - refunded_amount_minor), 0) AS BIGINT)",
            ))
            .first::<i64>(self.conn)
            .map_err(storage_error)
    }
}
