//! How a merchant's customers earn points (003 §10.2): so many points for every so much spent,
//! rounded one way, multiplied by the customer's tier, on the order types and channels the
//! merchant chooses, expiring after some months or never.

use kedai_core::{Currency, Money};
use kedai_orders::{Channel, OrderType};

kedai_core::text_enum! {
    /// How a fractional number of points is made whole.
    pub enum Rounding ("a rounding") {
        /// Down to the whole point below (the default: a customer never gets a point they did
        /// not fully earn).
        Down = "down",
        /// To the nearest whole point, halves up.
        Nearest = "nearest",
        /// Up to the whole point above.
        Up = "up",
    }
}

/// The most points one step of spend may earn.
pub const MAX_POINTS_PER_STEP: i64 = 10_000;
/// The longest expiry, in months (ten years).
pub const MAX_EXPIRY_MONTHS: i64 = 120;
/// A multiplier of one, in hundredths.
pub const MULTIPLIER_ONE: i64 = 100;
/// The largest tier multiplier, in hundredths (10×).
pub const MAX_MULTIPLIER: i64 = 1_000;

/// A merchant's earning rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EarningRule {
    /// Whether orders earn points at all.
    pub enabled: bool,
    /// Points earned for every [`EarningRule::per_amount`] spent.
    pub points: i64,
    /// The spend that earns [`EarningRule::points`].
    pub per_amount: Money,
    /// How fractions of a point are made whole.
    pub rounding: Rounding,
    /// The order types that earn.
    pub order_types: Vec<OrderType>,
    /// The channels that earn.
    pub channels: Vec<Channel>,
    /// Months after which earned points expire (at the end of that local day); `None`: never.
    pub expiry_months: Option<i64>,
}

/// A rule field that breaks a rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct RuleFieldError {
    /// The field.
    pub field: &'static str,
    /// What is wrong.
    pub message: String,
}

fn invalid(field: &'static str, message: impl Into<String>) -> RuleFieldError {
    RuleFieldError {
        field,
        message: message.into(),
    }
}

impl EarningRule {
    /// What a merchant starts with: 1 point for every 1 unit of their currency, rounded down,
    /// on every order type and channel, never expiring.
    #[must_use]
    pub fn standard(currency: Currency) -> Self {
        Self {
            enabled: true,
            points: 1,
            per_amount: Money::from_minor(10_i64.pow(u32::from(currency.exponent())), currency),
            rounding: Rounding::Down,
            order_types: OrderType::ALL.to_vec(),
            channels: Channel::ALL.to_vec(),
            expiry_months: None,
        }
    }

    /// Checks a rule: 1 to 10 000 points for a spend above zero, at least one order type and
    /// one channel (duplicates dropped), an expiry of 1 to 120 months or none.
    ///
    /// # Errors
    /// Every field that breaks a rule.
    pub fn check(mut self) -> Result<Self, Vec<RuleFieldError>> {
        let mut errors = Vec::new();
        if !(1..=MAX_POINTS_PER_STEP).contains(&self.points) {
            errors.push(invalid(
                "points",
                format!("must be between 1 and {MAX_POINTS_PER_STEP}"),
            ));
        }
        if !self.per_amount.is_positive() {
            errors.push(invalid("per_amount", "must be greater than 0"));
        }
        self.order_types.sort_by_key(|t| t.as_str());
        self.order_types.dedup();
        if self.order_types.is_empty() {
            errors.push(invalid("order_types", "name at least one order type"));
        }
        self.channels.sort_by_key(|c| c.as_str());
        self.channels.dedup();
        if self.channels.is_empty() {
            errors.push(invalid("channels", "name at least one channel"));
        }
        if self
            .expiry_months
            .is_some_and(|m| !(1..=MAX_EXPIRY_MONTHS).contains(&m))
        {
            errors.push(invalid(
                "expiry_months",
                format!("must be between 1 and {MAX_EXPIRY_MONTHS}, or null for never"),
            ));
        }
        if errors.is_empty() {
            Ok(self)
        } else {
            Err(errors)
        }
    }

    /// Whether an order of this type, placed on this channel, earns.
    #[must_use]
    pub fn applies_to(&self, order_type: OrderType, channel: Channel) -> bool {
        self.enabled && self.order_types.contains(&order_type) && self.channels.contains(&channel)
    }

    /// The points a spend earns at a tier multiplier (hundredths: `150` is 1.5×): the spend
    /// divided by [`EarningRule::per_amount`], times [`EarningRule::points`] and the
    /// multiplier, made whole by [`EarningRule::rounding`]. Nothing for a spend of zero or
    /// less, or in another currency.
    #[must_use]
    pub fn points_for(&self, spend: Money, multiplier: i64) -> i64 {
        if !spend.is_positive()
            || spend.currency() != self.per_amount.currency()
            || !self.per_amount.is_positive()
            || multiplier <= 0
        {
            return 0;
        }
        let numerator =
            i128::from(spend.minor()) * i128::from(self.points) * i128::from(multiplier);
        let denominator = i128::from(self.per_amount.minor()) * i128::from(MULTIPLIER_ONE);
        let whole = numerator / denominator;
        let rest = numerator % denominator;
        let points = match self.rounding {
            Rounding::Down => whole,
            Rounding::Up => whole + i128::from(rest > 0),
            Rounding::Nearest => whole + i128::from(rest * 2 >= denominator),
        };
        i64::try_from(points).unwrap_or(i64::MAX)
    }
}

/// Parses a tier's points multiplier (`1`, `1.5`, `"2.25"`): above 0, at most 10, at most two
/// decimals; into hundredths (`150`).
///
/// # Errors
/// A message saying what is wrong.
pub fn parse_multiplier(text: &str) -> Result<i64, String> {
    let value = crate::coupon::parse_percentage(text).map_err(|m| {
        if m.contains("exceed") {
            "must not exceed 10".to_owned()
        } else {
            m
        }
    })?;
    if value > MAX_MULTIPLIER {
        return Err("must not exceed 10".into());
    }
    Ok(value)
}
