//! Gamified campaigns (003 §15): a spin-the-wheel with weighted prizes whose quantities are
//! stock, a daily play limit per customer counted in merchant-local days, a minimum purchase,
//! and a single-use reward code for each win.

use chrono::{DateTime, Utc};
use kedai_core::{Money, StorageError, TenantId};
use kedai_identity::CustomerId;

use crate::gift::GiftOfferId;

kedai_core::uuid_id!(
    /// A campaign.
    CampaignId
);
kedai_core::uuid_id!(
    /// One play of a campaign.
    PlayId
);

kedai_core::text_enum! {
    /// The game a campaign plays.
    pub enum GameType ("a game type") {
        /// A wheel of weighted prizes.
        SpinWheel = "spin_wheel",
    }
}

kedai_core::text_enum! {
    /// What a prize gives.
    pub enum RewardKind ("a reward type") {
        /// Points added to the customer's balance.
        Points = "points",
        /// A coupon code of the merchant's.
        Coupon = "coupon",
        /// A gift offer, issued as a redemption without points.
        GiftOffer = "gift_offer",
        /// Nothing: a "try again" slice of the wheel.
        Nothing = "nothing",
    }
}

/// The most prizes on one wheel.
pub const MAX_PRIZES: usize = 24;
/// The largest weight of one prize.
pub const MAX_WEIGHT: i64 = 1_000_000;

/// A slice of the wheel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prize {
    /// Its position on the wheel (0-based), its id within the campaign.
    pub index: usize,
    /// Name shown.
    pub name: String,
    /// Relative chance among the prizes still in stock.
    pub weight: i64,
    /// How many can be won in all; `None`: no limit.
    pub quantity: Option<i64>,
    /// How many were won.
    pub won: i64,
    /// What it gives.
    pub reward: RewardKind,
    /// Points, for [`RewardKind::Points`].
    pub points: Option<i64>,
    /// The coupon code, for [`RewardKind::Coupon`].
    pub coupon_code: Option<String>,
    /// The offer, for [`RewardKind::GiftOffer`].
    pub gift_offer_id: Option<GiftOfferId>,
}

impl Prize {
    /// Whether any are left.
    #[must_use]
    pub fn in_stock(&self) -> bool {
        self.quantity.is_none_or(|q| self.won < q)
    }
}

/// A campaign as the merchant defines it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CampaignDraft {
    /// Title.
    pub title: String,
    /// `game_reward`.
    pub campaign_type: String,
    /// The game.
    pub game_type: GameType,
    /// From.
    pub start_at: DateTime<Utc>,
    /// Until.
    pub end_at: DateTime<Utc>,
    /// Outlets it runs at (empty: all).
    pub outlet_ids: Vec<String>,
    /// Plays per customer per merchant-local day (at least 1).
    pub daily_play_limit: i64,
    /// The purchase a customer must have made that day to play.
    pub min_purchase: Option<Money>,
    /// The merchant's currency.
    pub currency: kedai_core::Currency,
    /// The wheel.
    pub prizes: Vec<Prize>,
}

/// A stored campaign.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Campaign {
    /// Id.
    pub id: CampaignId,
    /// Owner.
    pub tenant_id: TenantId,
    /// Definition and prize counts.
    pub draft: CampaignDraft,
    /// Created.
    pub created_at: DateTime<Utc>,
}

impl Campaign {
    /// Whether it runs at `now`.
    #[must_use]
    pub fn is_active(&self, now: DateTime<Utc>) -> bool {
        self.draft.start_at <= now && now < self.draft.end_at
    }
}

impl CampaignDraft {
    /// Checks a definition: a title of 1–200 characters, an end after the start, a daily limit
    /// of 1–100, a minimum purchase of 0 or more, 1–24 prizes each named, weighted 1–1 000 000,
    /// with a quantity of 0 or more and the reward's own field (points 1–1 000 000, a coupon
    /// code, a gift offer).
    ///
    /// # Errors
    /// Every field that breaks a rule.
    pub fn check(mut self) -> Result<Self, crate::points::FieldErrors> {
        let mut errors = Vec::new();
        self.title = self.title.trim().to_owned();
        if self.title.is_empty() || self.title.chars().count() > 200 {
            errors.push(("title", "must be 1 to 200 characters".to_owned()));
        }
        if self.end_at <= self.start_at {
            errors.push(("end_at", "must be after start_at".to_owned()));
        }
        if !(1..=100).contains(&self.daily_play_limit) {
            errors.push((
                "rules.daily_play_limit",
                "must be between 1 and 100".to_owned(),
            ));
        }
        if self.min_purchase.is_some_and(|m| m.is_negative()) {
            errors.push(("rules.min_purchase", "must not be negative".to_owned()));
        }
        if self.prizes.is_empty() || self.prizes.len() > MAX_PRIZES {
            errors.push(("prizes", format!("give 1 to {MAX_PRIZES} prizes")));
        }
        for (i, p) in self.prizes.iter_mut().enumerate() {
            p.index = i;
            p.name = p.name.trim().to_owned();
            let bad = |what: &str| ("prizes", format!("prizes[{i}]: {what}"));
            if p.name.is_empty() || p.name.chars().count() > 100 {
                errors.push(bad("name must be 1 to 100 characters"));
            }
            if !(1..=MAX_WEIGHT).contains(&p.weight) {
                errors.push(bad("weight must be between 1 and 1000000"));
            }
            if p.quantity.is_some_and(|q| q < 0) {
                errors.push(bad("quantity must not be negative"));
            }
            match p.reward {
                RewardKind::Points if !p.points.is_some_and(|n| (1..=1_000_000).contains(&n)) => {
                    errors.push(bad("a points prize needs points between 1 and 1000000"));
                }
                RewardKind::Coupon
                    if p.coupon_code.as_ref().is_none_or(|c| c.trim().is_empty()) =>
                {
                    errors.push(bad("a coupon prize needs coupon_code"));
                }
                RewardKind::GiftOffer if p.gift_offer_id.is_none() => {
                    errors.push(bad("a gift prize needs gift_offer_id"));
                }
                _ => {}
            }
        }
        if errors.is_empty() {
            Ok(self)
        } else {
            Err(errors)
        }
    }
}

/// Each prize's chance in stock, for the record of a draw: `(index, weight, total)`.
#[must_use]
pub fn odds(prizes: &[Prize]) -> Vec<(usize, i64, i64)> {
    let total: i64 = prizes
        .iter()
        .filter(|p| p.in_stock())
        .map(|p| p.weight)
        .sum();
    prizes
        .iter()
        .filter(|p| p.in_stock())
        .map(|p| (p.index, p.weight, total))
        .collect()
}

/// Draws a prize among those in stock, each with a chance of its weight over the total, from
/// a uniformly random `random`. `None` when nothing is in stock.
#[must_use]
pub fn draw(prizes: &[Prize], random: u64) -> Option<&Prize> {
    let total: u64 = prizes
        .iter()
        .filter(|p| p.in_stock())
        .map(|p| u64::try_from(p.weight).unwrap_or(0))
        .sum();
    if total == 0 {
        return None;
    }
    // Rejection-free within 2^-40 of uniform: the weights total at most 24 × 10^6 < 2^25.
    let mut pick = random % total;
    for p in prizes.iter().filter(|p| p.in_stock()) {
        let w = u64::try_from(p.weight).unwrap_or(0);
        if pick < w {
            return Some(p);
        }
        pick -= w;
    }
    None
}

/// A recorded play.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Play {
    /// Id.
    pub id: PlayId,
    /// Owner.
    pub tenant_id: TenantId,
    /// The campaign.
    pub campaign_id: CampaignId,
    /// Who played.
    pub customer_id: CustomerId,
    /// The merchant-local day, `YYYY-MM-DD`.
    pub day: String,
    /// The prize won (its index), if any.
    pub prize: Option<usize>,
    /// The single-use code that claims it.
    pub reward_code: Option<String>,
    /// The odds it was drawn with, as JSON.
    pub odds: String,
    /// Where the play came from (`qr_code`, `app`).
    pub source: Option<String>,
    /// When it was claimed.
    pub claimed_at: Option<DateTime<Utc>>,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// Campaigns and plays in storage. Every method is confined to one tenant.
pub trait CampaignRepository {
    /// Stores a campaign.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn insert_campaign(&mut self, campaign: &Campaign) -> Result<(), StorageError>;

    /// One campaign with its prizes' counts.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn find_campaign(
        &mut self,
        tenant: TenantId,
        id: CampaignId,
    ) -> Result<Option<Campaign>, StorageError>;

    /// Campaigns, newest first, and how many there are.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn list_campaigns(
        &mut self,
        tenant: TenantId,
        limit: i64,
        offset: i64,
    ) -> Result<(Vec<Campaign>, i64), StorageError>;

    /// Takes one play of a customer's daily limit, guarded: the plays that day with this one,
    /// or `None` when they have played `limit` times that day, however many race.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn take_play(
        &mut self,
        tenant: TenantId,
        campaign: CampaignId,
        customer: CustomerId,
        day: &str,
        limit: i64,
    ) -> Result<Option<i64>, StorageError>;

    /// Takes one of a prize, guarded by its quantity: false when none is left.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn take_prize(
        &mut self,
        tenant: TenantId,
        campaign: CampaignId,
        index: usize,
    ) -> Result<bool, StorageError>;

    /// Stores a play.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn insert_play(&mut self, play: &Play) -> Result<(), StorageError>;

    /// The play a reward code claims, for this customer.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn find_play_by_code(
        &mut self,
        tenant: TenantId,
        campaign: CampaignId,
        code: &str,
    ) -> Result<Option<Play>, StorageError>;

    /// Marks a play's reward claimed, guarded: false when it was claimed already.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn claim_play(
        &mut self,
        tenant: TenantId,
        id: PlayId,
        at: DateTime<Utc>,
    ) -> Result<bool, StorageError>;

    /// What a customer paid, less refunds, for orders paid in `[from, to)` and not cancelled,
    /// in minor units.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn purchases_between(
        &mut self,
        tenant: TenantId,
        customer: CustomerId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<i64, StorageError>;
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn prize(index: usize, weight: i64, quantity: Option<i64>, won: i64) -> Prize {
        Prize {
            index,
            name: format!("p{index}"),
            weight,
            quantity,
            won,
            reward: RewardKind::Nothing,
            points: None,
            coupon_code: None,
            gift_offer_id: None,
        }
    }

    #[test]
    fn draws_follow_the_weights_of_what_is_in_stock() {
        let wheel = [prize(0, 1, Some(1), 0), prize(1, 3, None, 0)];
        // Four equal slices of the random range: one for the first, three for the second.
        let picks: Vec<usize> = (0..4)
            .map(|r| draw(&wheel, r).map_or(99, |p| p.index))
            .collect();
        assert_eq!(picks, [0, 1, 1, 1]);
        // The first is gone: everything goes to the second.
        let drained = [prize(0, 1, Some(1), 1), prize(1, 3, None, 0)];
        assert!((0..8).all(|r| draw(&drained, r).map(|p| p.index) == Some(1)));
        assert_eq!(odds(&drained), [(1, 3, 3)]);
        let empty = [prize(0, 5, Some(0), 0)];
        assert_eq!(draw(&empty, 7), None);
    }

    proptest! {
        #[test]
        fn a_draw_is_always_in_stock(
            weights in prop::collection::vec((1_i64..1_000, prop::option::of(0_i64..3), 0_i64..3), 1..24),
            random in any::<u64>(),
        ) {
            let wheel: Vec<Prize> = weights
                .iter()
                .enumerate()
                .map(|(i, (w, q, won))| prize(i, *w, *q, *won))
                .collect();
            match draw(&wheel, random) {
                Some(p) => prop_assert!(p.in_stock()),
                None => prop_assert!(wheel.iter().all(|p| !p.in_stock())),
            }
        }
    }
}
