//! Gamified campaigns (003 §15): the merchant defines a spin-the-wheel; staff play it for a
//! customer (`POST /v1/campaigns/{id}/play`), who then claims the prize with its single-use
//! code (`…/claim`). The daily play limit and each prize's quantity are guarded counters, the
//! draw uses the system's random source and is recorded with its odds.

use chrono::{DateTime, Utc};
use kedai_core::ErrorCode;
use kedai_identity::{CustomerId, Permission, Tenant};
use kedai_loyalty::campaign::{
    Campaign, CampaignDraft, CampaignId, GameType, Play, PlayId, Prize, RewardKind, draw, odds,
};
use kedai_loyalty::coupon::CouponCode;
use kedai_loyalty::gift::{GiftOfferId, redemption_code};
use kedai_loyalty::{PointsEntryId, PointsKind, PointsPosting};
use serde_json::json;

use crate::customer_auth::random_seed;
use crate::{Actor, Amount, AppError, Entity, OutboxEvent, UnitOfWork};

/// A prize as asked.
#[derive(Debug, Clone)]
pub struct PrizeInput {
    /// Name.
    pub name: String,
    /// Relative chance.
    pub weight: i64,
    /// How many in all; `None`: no limit.
    pub quantity: Option<i64>,
    /// What it gives.
    pub reward: RewardKind,
    /// Points.
    pub points: Option<i64>,
    /// Coupon code.
    pub coupon_code: Option<String>,
    /// Gift offer id.
    pub gift_offer_id: Option<String>,
}

/// A campaign as asked.
#[derive(Debug, Clone)]
pub struct CampaignInput {
    /// Title.
    pub title: String,
    /// `game_reward` (default).
    pub campaign_type: Option<String>,
    /// The game.
    pub game_type: GameType,
    /// From.
    pub start_at: DateTime<Utc>,
    /// Until.
    pub end_at: DateTime<Utc>,
    /// Outlets.
    pub outlet_ids: Vec<String>,
    /// Plays per customer per day (default 1).
    pub daily_play_limit: Option<i64>,
    /// Minimum purchase that day, in major units.
    pub min_purchase: Option<Amount>,
    /// The wheel.
    pub prizes: Vec<PrizeInput>,
}

/// What a play came to.
#[derive(Debug, Clone)]
pub struct PlayOutcome {
    /// The play.
    pub play: Play,
    /// The prize won, if any.
    pub prize: Option<Prize>,
    /// Plays the customer has left today.
    pub plays_left: i64,
}

/// What a claim gave.
#[derive(Debug, Clone)]
pub struct ClaimOutcome {
    /// The play claimed.
    pub play: Play,
    /// Its prize.
    pub prize: Prize,
    /// The gift redemption's code, for a gift prize.
    pub gift_code: Option<String>,
    /// The customer's points balance afterwards, for a points prize.
    pub points_balance: Option<i64>,
}

/// Defines a campaign, checking its outlets, coupon codes and gift offers are the merchant's.
///
/// # Errors
/// [`AppError::Forbidden`] without `MembershipsWrite`; every bad field.
pub fn create_campaign(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    tenant: &Tenant,
    input: &CampaignInput,
    now: DateTime<Utc>,
) -> Result<Campaign, AppError> {
    actor.require(Permission::MembershipsWrite)?;
    let mut prizes = Vec::with_capacity(input.prizes.len());
    for (i, p) in input.prizes.iter().enumerate() {
        let gift_offer_id = match p.gift_offer_id.as_deref() {
            Some(raw) => {
                let id: GiftOfferId = raw.trim().parse().map_err(|_| {
                    AppError::invalid(
                        format!("prizes[{i}].gift_offer_id"),
                        "is not a gift offer id",
                    )
                })?;
                if tx.find_offer(actor.tenant, id)?.is_none() {
                    return Err(AppError::invalid(
                        format!("prizes[{i}].gift_offer_id"),
                        "no such gift offer in this merchant",
                    ));
                }
                Some(id)
            }
            None => None,
        };
        if let Some(code) = p.coupon_code.as_deref() {
            let known = CouponCode::parse(code)
                .ok()
                .map(|c| tx.find_coupon_by_code(actor.tenant, &c))
                .transpose()?
                .flatten();
            if known.is_none() {
                return Err(AppError::invalid(
                    format!("prizes[{i}].coupon_code"),
                    "no such coupon in this merchant",
                ));
            }
        }
        prizes.push(Prize {
            index: i,
            name: p.name.clone(),
            weight: p.weight,
            quantity: p.quantity,
            won: 0,
            reward: p.reward,
            points: p.points,
            coupon_code: p
                .coupon_code
                .as_ref()
                .map(|c| c.trim().to_ascii_uppercase()),
            gift_offer_id,
        });
    }
    let outlets: Vec<String> = input
        .outlet_ids
        .iter()
        .map(|o| o.trim().to_owned())
        .collect();
    let known = tx.existing_outlets(actor.tenant, &outlets)?;
    if let Some(unknown) = outlets.iter().find(|o| !known.contains(o)) {
        return Err(AppError::invalid(
            "outlet_ids",
            format!("{unknown} is not an outlet of this merchant"),
        ));
    }
    let draft = CampaignDraft {
        title: input.title.clone(),
        campaign_type: input
            .campaign_type
            .clone()
            .unwrap_or_else(|| "game_reward".to_owned()),
        game_type: input.game_type,
        start_at: input.start_at,
        end_at: input.end_at,
        outlet_ids: outlets,
        daily_play_limit: input.daily_play_limit.unwrap_or(1),
        min_purchase: input
            .min_purchase
            .as_ref()
            .map(|m| m.to_money(tenant.currency, "rules.min_purchase"))
            .transpose()?,
        currency: tenant.currency,
        prizes,
    }
    .check()
    .map_err(AppError::fields)?;
    let campaign = Campaign {
        id: CampaignId::new(),
        tenant_id: actor.tenant,
        draft,
        created_at: now,
    };
    tx.insert_campaign(&campaign)?;
    Ok(campaign)
}

/// One campaign with its prizes' counts.
///
/// # Errors
/// [`AppError::Forbidden`], [`AppError::NotFound`].
pub fn get_campaign(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    id: CampaignId,
) -> Result<Campaign, AppError> {
    actor.require(Permission::CustomersRead)?;
    tx.find_campaign(actor.tenant, id)?
        .ok_or_else(|| AppError::not_found(Entity::Campaign, id))
}

/// Campaigns, newest first.
///
/// # Errors
/// [`AppError::Forbidden`], [`AppError::Storage`].
pub fn list_campaigns(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    limit: i64,
    offset: i64,
) -> Result<(Vec<Campaign>, i64), AppError> {
    actor.require(Permission::CustomersRead)?;
    Ok(tx.list_campaigns(actor.tenant, limit, offset)?)
}

fn customer_of(
    tx: &mut dyn UnitOfWork,
    tenant: &Tenant,
    raw: &str,
) -> Result<CustomerId, AppError> {
    let id: CustomerId = raw
        .trim()
        .parse()
        .map_err(|_| AppError::not_found(Entity::Customer, raw))?;
    tx.find_customer(tenant.id, id)?
        .map(|c| c.id)
        .ok_or_else(|| AppError::not_found(Entity::Customer, raw))
}

/// Plays the campaign for a customer: within its dates, the daily limit (merchant-local day)
/// and the minimum purchase that day; the wheel draws among the prizes in stock.
///
/// # Errors
/// [`AppError::Forbidden`] without `CustomersWrite`; 404 campaign or customer; 409
/// `CAMPAIGN_NOT_ACTIVE`, `CAMPAIGN_PLAY_LIMIT`; 422 `CAMPAIGN_MIN_PURCHASE`.
pub fn play(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    tenant: &Tenant,
    id: CampaignId,
    customer: &str,
    source: Option<String>,
    now: DateTime<Utc>,
) -> Result<PlayOutcome, AppError> {
    actor.require(Permission::CustomersWrite)?;
    let campaign = tx
        .find_campaign(actor.tenant, id)?
        .ok_or_else(|| AppError::not_found(Entity::Campaign, id))?;
    if !campaign.is_active(now) {
        return Err(AppError::conflict(
            ErrorCode::CampaignNotActive,
            "the campaign is not running now",
        ));
    }
    let customer = customer_of(tx, tenant, customer)?;
    let zone = tenant.time_zone;
    let today = zone.local_date(now);
    let d = &campaign.draft;
    if let Some(min) = d.min_purchase.filter(|m| m.is_positive()) {
        let bought = tx.purchases_between(
            tenant.id,
            customer,
            zone.start_of_day(today),
            zone.end_of_day(today),
        )?;
        if bought < min.minor() {
            return Err(AppError::rejected(
                ErrorCode::CampaignMinPurchase,
                "customer_id",
                format!("a purchase of {min} today is needed to play"),
            ));
        }
    }
    let day = today.to_string();
    let Some(played) = tx.take_play(tenant.id, id, customer, &day, d.daily_play_limit)? else {
        return Err(AppError::conflict(
            ErrorCode::CampaignPlayLimit,
            format!(
                "the customer has played {} time(s) today, as many as the campaign allows",
                d.daily_play_limit
            ),
        ));
    };
    // Draw; a prize that ran out under a concurrent play is left out and the wheel drawn again.
    let mut wheel = d.prizes.clone();
    let (won, chances) = loop {
        let chances = odds(&wheel);
        let Some(p) = draw(&wheel, random_seed()?).cloned() else {
            break (None, chances);
        };
        // Counted whether limited or not: what was won shows per prize.
        if tx.take_prize(tenant.id, id, p.index)? {
            break (Some(p), chances);
        }
        if let Some(gone) = wheel.iter_mut().find(|w| w.index == p.index) {
            gone.won = gone.quantity.unwrap_or(0);
        }
    };
    let won = won.filter(|p| p.reward != RewardKind::Nothing);
    let play = Play {
        id: PlayId::new(),
        tenant_id: tenant.id,
        campaign_id: id,
        customer_id: customer,
        day,
        prize: won.as_ref().map(|p| p.index),
        reward_code: match &won {
            Some(_) => Some(format!("RW{}", &redemption_code(random_seed()?)[3..])),
            None => None,
        },
        odds: serde_json::Value::from(
            chances
                .iter()
                .map(|(i, w, t)| json!({ "prize": i, "weight": w, "of": t }))
                .collect::<Vec<_>>(),
        )
        .to_string(),
        source: source.map(|s| s.trim().chars().take(64).collect()),
        claimed_at: None,
        created_at: now,
    };
    tx.insert_play(&play)?;
    Ok(PlayOutcome {
        plays_left: (d.daily_play_limit - played).max(0),
        play,
        prize: won,
    })
}

/// Claims a play's prize with its code (003 §15.4): points are added, a gift offer is issued
/// as a redemption, a coupon's code is handed over; once, however often the code is sent.
///
/// # Errors
/// [`AppError::Forbidden`] without `CustomersWrite`; 404 campaign or customer; 422
/// `REWARD_CODE_INVALID`; 409 `REWARD_ALREADY_CLAIMED`.
pub fn claim(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    tenant: &Tenant,
    id: CampaignId,
    customer: &str,
    code: &str,
    now: DateTime<Utc>,
) -> Result<ClaimOutcome, AppError> {
    actor.require(Permission::CustomersWrite)?;
    let campaign = tx
        .find_campaign(actor.tenant, id)?
        .ok_or_else(|| AppError::not_found(Entity::Campaign, id))?;
    let customer = customer_of(tx, tenant, customer)?;
    let code = code.trim().to_ascii_uppercase();
    let invalid_code = || {
        AppError::rejected(
            ErrorCode::RewardCodeInvalid,
            "reward_code",
            "this code claims no prize of this customer in this campaign",
        )
    };
    let play = tx
        .find_play_by_code(tenant.id, id, &code)?
        .filter(|p| p.customer_id == customer)
        .ok_or_else(invalid_code)?;
    let prize = play
        .prize
        .and_then(|i| campaign.draft.prizes.iter().find(|p| p.index == i))
        .cloned()
        .ok_or_else(invalid_code)?;
    if !tx.claim_play(tenant.id, play.id, now)? {
        return Err(AppError::conflict(
            ErrorCode::RewardAlreadyClaimed,
            "this reward was claimed already",
        ));
    }
    let mut gift_code = None;
    let mut points_balance = None;
    match prize.reward {
        RewardKind::Points => {
            let rule = tx.earning_rule(tenant.id)?;
            let entry = crate::points::post(
                tx,
                &PointsPosting {
                    id: PointsEntryId::new(),
                    tenant_id: tenant.id,
                    customer_id: customer,
                    delta: prize.points.unwrap_or(0),
                    kind: PointsKind::Adjust,
                    reason: format!("Campaign prize: {}", campaign.draft.title),
                    reference: Some(play.id.to_string()),
                    actor: crate::Author::from(actor).id_string(),
                    expires_at: crate::points::expiry_for(rule.as_ref(), tenant, now),
                    at: now,
                },
            )?;
            points_balance = entry.map(|e| e.balance_after);
        }
        RewardKind::GiftOffer => {
            if let Some(offer_id) = prize.gift_offer_id {
                let offer = tx
                    .find_offer(tenant.id, offer_id)?
                    .ok_or_else(|| AppError::not_found(Entity::GiftOffer, offer_id))?;
                let (r, _) = crate::gifts::issue(tx, tenant, customer, &offer, None, now)?;
                gift_code = Some(r.code);
            }
        }
        RewardKind::Coupon | RewardKind::Nothing => {}
    }
    tx.append_event(&OutboxEvent {
        tenant_id: tenant.id,
        event_type: "campaign.reward_claimed",
        aggregate_id: id.to_string(),
        payload: json!({
            "campaign_id": id.to_string(),
            "customer_id": customer.to_string(),
            "play_id": play.id.to_string(),
            "reward_code": code,
            "prize": prize.name,
            "reward": prize.reward.as_str(),
            "points": prize.points,
            "coupon_code": prize.coupon_code,
            "gift_code": gift_code,
            "claimed_at": now.to_rfc3339(),
        }),
        created_at: now,
    })?;
    Ok(ClaimOutcome {
        play,
        prize,
        gift_code,
        points_balance,
    })
}
