//! Gamified campaigns (003 §15): spin-the-wheel campaigns, plays and prize claims.

use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use kedai_app::Entity;
use kedai_app::campaigns::{self, CampaignInput, ClaimOutcome, PlayOutcome, PrizeInput};
use kedai_identity::Permission;
use kedai_loyalty::campaign::{Campaign, CampaignId, Prize};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::*;
use crate::AppState;
use crate::auth::Staff;
use crate::body::JsonBody;
use crate::dto::{Decimal, MerchantErrorBody, MerchantList, MerchantOk as Envelope, PageMeta};
use crate::error::ApiError;
use crate::query::Query;
use crate::surface::Merchant;

pub(super) fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_campaigns)
        .service(create_campaign)
        .service(get_campaign)
        .service(play_campaign)
        .service(claim_campaign_reward);
}

fn campaign_id(raw: &str) -> Result<CampaignId> {
    raw.parse()
        .map_err(|_| AppError::not_found(Entity::Campaign, raw).into())
}

/// A prize on the wheel.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PrizeBody {
    /// Name shown, 1–100 characters.
    #[schema(example = "50 points")]
    pub name: String,
    /// Relative chance, 1–1 000 000.
    #[schema(example = 10)]
    pub weight: i64,
    /// How many can be won in all; null: no limit.
    #[schema(example = 20)]
    pub quantity: Option<i64>,
    /// `points`, `coupon`, `gift_offer` or `nothing`.
    #[schema(example = "points")]
    pub reward_type: String,
    /// Points, for a points prize.
    pub points: Option<i64>,
    /// The merchant's coupon code, for a coupon prize.
    pub coupon_code: Option<String>,
    /// The gift offer, for a gift prize.
    pub gift_offer_id: Option<String>,
    /// How many were won (answers only; ignored on create).
    #[serde(default, skip_deserializing)]
    #[schema(read_only)]
    pub won: i64,
}

impl From<Prize> for PrizeBody {
    fn from(p: Prize) -> Self {
        Self {
            name: p.name,
            weight: p.weight,
            quantity: p.quantity,
            reward_type: p.reward.as_str().to_owned(),
            points: p.points,
            coupon_code: p.coupon_code,
            gift_offer_id: p.gift_offer_id.map(|g| g.to_string()),
            won: p.won,
        }
    }
}

/// A campaign's rules.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CampaignRules {
    /// Plays per customer per day of the merchant's time zone, 1–100 (default 1).
    #[schema(example = 1)]
    pub daily_play_limit: Option<i64>,
    /// What the customer must have bought that day to play, in major units.
    #[schema(value_type = Option<f64>, example = 20)]
    pub min_purchase: Option<Decimal>,
}

/// A campaign to create (003 §15.2, with its prizes).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CampaignRequest {
    /// Title.
    #[schema(example = "Spin & Win April")]
    pub title: String,
    /// `game_reward` (default).
    #[schema(example = "game_reward")]
    pub campaign_type: Option<String>,
    /// `spin_wheel`.
    #[schema(example = "spin_wheel")]
    pub game_type: String,
    /// From.
    pub start_at: DateTime<Utc>,
    /// Until, after `start_at`.
    pub end_at: DateTime<Utc>,
    /// Outlets it runs at (default: all).
    #[serde(default)]
    pub outlet_ids: Vec<String>,
    /// Limits.
    pub rules: Option<CampaignRules>,
    /// The wheel: 1–24 prizes.
    pub prizes: Vec<PrizeBody>,
}

/// A campaign.
#[derive(Debug, Serialize, ToSchema)]
pub struct CampaignResponse {
    /// Id.
    pub id: String,
    /// Title.
    pub title: String,
    /// `game_reward`.
    pub campaign_type: String,
    /// `spin_wheel`.
    pub game_type: String,
    /// From.
    pub start_at: DateTime<Utc>,
    /// Until.
    pub end_at: DateTime<Utc>,
    /// Outlets.
    pub outlet_ids: Vec<String>,
    /// Whether it runs now.
    pub active: bool,
    /// Daily play limit.
    pub daily_play_limit: i64,
    /// Minimum purchase that day.
    pub min_purchase: Option<f64>,
    /// The wheel, with how many of each were won.
    pub prizes: Vec<PrizeBody>,
    /// Created.
    pub created_at: DateTime<Utc>,
}

fn respond(c: Campaign, now: DateTime<Utc>) -> CampaignResponse {
    let active = c.is_active(now);
    let d = c.draft;
    CampaignResponse {
        id: c.id.to_string(),
        title: d.title,
        campaign_type: d.campaign_type,
        game_type: d.game_type.as_str().to_owned(),
        start_at: d.start_at,
        end_at: d.end_at,
        outlet_ids: d.outlet_ids,
        active,
        daily_play_limit: d.daily_play_limit,
        min_purchase: d.min_purchase.map(|m| m.to_f64()),
        prizes: d.prizes.into_iter().map(PrizeBody::from).collect(),
        created_at: c.created_at,
    }
}

/// Campaigns, newest first.
#[utoipa::path(
    tag = "merchant-campaigns",
    params(
        ("page" = Option<i64>, Query, description = "1-based page (default 1)"),
        ("limit" = Option<i64>, Query, description = "1–100 (default 20)"),
    ),
    responses(
        (status = 200, body = MerchantList<CampaignResponse>),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 422, description = "Bad paging", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[get("/campaigns")]
pub async fn list_campaigns(
    state: web::Data<AppState>,
    mut staff: Staff<Merchant>,
    req: actix_web::HttpRequest,
) -> Result<HttpResponse> {
    staff.require(Permission::CustomersRead);
    let page = Query::of(&req)?.page(&["limit"])?;
    let now = state.now();
    let (list, total) = staff
        .run(move |store, actor| {
            store.read(|tx| {
                campaigns::list_campaigns(tx, &actor, i64::from(page.limit()), page.offset())
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(MerchantList {
        success: true,
        message: "Campaigns".into(),
        data: list.into_iter().map(|c| respond(c, now)).collect(),
        meta: PageMeta {
            page: page.page(),
            limit: page.limit(),
            total,
        },
    }))
}

/// Creates a campaign.
#[utoipa::path(
    tag = "merchant-campaigns",
    request_body = CampaignRequest,
    responses(
        (status = 201, body = Envelope<CampaignResponse>),
        (status = 400, description = "Malformed body", body = MerchantErrorBody),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "Role lacks memberships:write", body = MerchantErrorBody),
        (status = 422, description = "Bad fields", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[post("/campaigns")]
pub async fn create_campaign(
    state: web::Data<AppState>,
    mut staff: Staff<Merchant>,
    body: JsonBody<CampaignRequest, Merchant>,
) -> Result<HttpResponse> {
    staff.require(Permission::MembershipsWrite);
    let req = body.0;
    let mut prizes = Vec::with_capacity(req.prizes.len());
    for (i, p) in req.prizes.into_iter().enumerate() {
        prizes.push(PrizeInput {
            name: p.name,
            weight: p.weight,
            quantity: p.quantity,
            reward: ApiError::parse_field(&format!("prizes[{i}].reward_type"), &p.reward_type)?,
            points: p.points,
            coupon_code: p.coupon_code,
            gift_offer_id: p.gift_offer_id,
        });
    }
    let rules = req.rules.unwrap_or(CampaignRules {
        daily_play_limit: None,
        min_purchase: None,
    });
    let input = CampaignInput {
        title: req.title,
        campaign_type: req.campaign_type,
        game_type: ApiError::parse_field("game_type", &req.game_type)?,
        start_at: req.start_at,
        end_at: req.end_at,
        outlet_ids: req.outlet_ids,
        daily_play_limit: rules.daily_play_limit,
        min_purchase: rules.min_purchase.map(|m| m.0),
        prizes,
    };
    let now = state.now();
    let c = staff
        .run_with_tenant(move |store, actor, tenant| {
            store.write(|tx| campaigns::create_campaign(tx, &actor, &tenant, &input, now))
        })
        .await?;
    Ok(HttpResponse::Created().json(Envelope::new("Campaign created", respond(c, now))))
}

/// One campaign, with how many of each prize were won.
#[utoipa::path(
    tag = "merchant-campaigns",
    params(("id" = String, Path, description = "Campaign id")),
    responses(
        (status = 200, body = Envelope<CampaignResponse>),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 404, description = "CAMPAIGN_NOT_FOUND", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[get("/campaigns/{id}")]
pub async fn get_campaign(
    state: web::Data<AppState>,
    mut staff: Staff<Merchant>,
    path: web::Path<String>,
) -> Result<HttpResponse> {
    staff.require(Permission::CustomersRead);
    let id = campaign_id(&path)?;
    let now = state.now();
    let c = staff
        .run(move |store, actor| store.read(|tx| campaigns::get_campaign(tx, &actor, id)))
        .await?;
    Ok(HttpResponse::Ok().json(Envelope::new("Campaign", respond(c, now))))
}

/// A play (003 §15.3).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlayRequest {
    /// The customer playing.
    pub customer_id: String,
    /// Where the play comes from (`qr_code`, `app`).
    #[schema(example = "qr_code")]
    pub source: Option<String>,
}

/// What a play came to.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlayResponse {
    /// The play.
    pub play_id: String,
    /// Whether a prize was won.
    pub won: bool,
    /// The prize.
    pub prize: Option<PrizeBody>,
    /// The single-use code that claims it.
    pub reward_code: Option<String>,
    /// Plays left today.
    pub plays_left_today: i64,
    /// The odds the wheel was drawn with: `{prize, weight, of}` per prize in stock.
    #[schema(value_type = Object)]
    pub odds: serde_json::Value,
}

impl From<PlayOutcome> for PlayResponse {
    fn from(o: PlayOutcome) -> Self {
        Self {
            play_id: o.play.id.to_string(),
            won: o.prize.is_some(),
            prize: o.prize.map(PrizeBody::from),
            reward_code: o.play.reward_code,
            plays_left_today: o.plays_left,
            odds: serde_json::from_str(&o.play.odds).unwrap_or_default(),
        }
    }
}

/// Plays a campaign for a customer: within its dates, the daily limit and the minimum
/// purchase; the wheel draws among the prizes left.
#[utoipa::path(
    tag = "merchant-campaigns",
    params(("id" = String, Path, description = "Campaign id")),
    request_body = PlayRequest,
    responses(
        (status = 200, body = Envelope<PlayResponse>),
        (status = 400, description = "Malformed body", body = MerchantErrorBody),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "Role lacks customers:write", body = MerchantErrorBody),
        (status = 404, description = "CAMPAIGN_NOT_FOUND or CUSTOMER_NOT_FOUND", body = MerchantErrorBody),
        (status = 409, description = "CAMPAIGN_NOT_ACTIVE or CAMPAIGN_PLAY_LIMIT", body = MerchantErrorBody),
        (status = 422, description = "Bad fields; CAMPAIGN_MIN_PURCHASE", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[post("/campaigns/{id}/play")]
pub async fn play_campaign(
    state: web::Data<AppState>,
    mut staff: Staff<Merchant>,
    path: web::Path<String>,
    body: JsonBody<PlayRequest, Merchant>,
) -> Result<HttpResponse> {
    staff.require(Permission::CustomersWrite);
    let id = campaign_id(&path)?;
    let req = body.0;
    let now = state.now();
    let outcome = staff
        .run_with_tenant(move |store, actor, tenant| {
            store.write(|tx| {
                campaigns::play(
                    tx,
                    &actor,
                    &tenant,
                    id,
                    &req.customer_id,
                    req.source.clone(),
                    now,
                )
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(Envelope::new("Played", PlayResponse::from(outcome))))
}

/// A claim (003 §15.4).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClaimRewardRequest {
    /// The customer claiming.
    pub customer_id: String,
    /// The code the play gave.
    #[schema(example = "RWAPRIL88")]
    pub reward_code: String,
}

/// What a claim gave.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClaimRewardResponse {
    /// The play.
    pub play_id: String,
    /// The prize.
    pub prize: PrizeBody,
    /// The gift redemption's code, for a gift prize.
    pub gift_code: Option<String>,
    /// The coupon's code, for a coupon prize.
    pub coupon_code: Option<String>,
    /// The points balance afterwards, for a points prize.
    pub points_balance: Option<i64>,
    /// When.
    pub claimed_at: DateTime<Utc>,
}

/// Claims a prize with its code: points are added, a gift is issued, a coupon code handed
/// over; once.
#[utoipa::path(
    tag = "merchant-campaigns",
    params(("id" = String, Path, description = "Campaign id")),
    request_body = ClaimRewardRequest,
    responses(
        (status = 200, body = Envelope<ClaimRewardResponse>),
        (status = 400, description = "Malformed body", body = MerchantErrorBody),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "Role lacks customers:write", body = MerchantErrorBody),
        (status = 404, description = "CAMPAIGN_NOT_FOUND or CUSTOMER_NOT_FOUND", body = MerchantErrorBody),
        (status = 409, description = "REWARD_ALREADY_CLAIMED; gift refusals", body = MerchantErrorBody),
        (status = 422, description = "Bad fields; REWARD_CODE_INVALID", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[post("/campaigns/{id}/claim")]
pub async fn claim_campaign_reward(
    state: web::Data<AppState>,
    mut staff: Staff<Merchant>,
    path: web::Path<String>,
    body: JsonBody<ClaimRewardRequest, Merchant>,
) -> Result<HttpResponse> {
    staff.require(Permission::CustomersWrite);
    let id = campaign_id(&path)?;
    let req = body.0;
    let now = state.now();
    let o: ClaimOutcome = staff
        .run_with_tenant(move |store, actor, tenant| {
            store.write(|tx| {
                campaigns::claim(
                    tx,
                    &actor,
                    &tenant,
                    id,
                    &req.customer_id,
                    &req.reward_code,
                    now,
                )
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(Envelope::new(
        "Reward claimed",
        ClaimRewardResponse {
            play_id: o.play.id.to_string(),
            coupon_code: o.prize.coupon_code.clone(),
            prize: PrizeBody::from(o.prize),
            gift_code: o.gift_code,
            points_balance: o.points_balance,
            claimed_at: now,
        },
    )))
}
