//! Money as integer minor units of an ISO-4217 currency. Arithmetic is checked integer
//! arithmetic; decimals appear only when parsing or rendering at the edges.

use std::fmt;
use std::str::FromStr;

/// An ISO-4217 currency with a fixed number of minor-unit digits (MYR: 2, JPY: 0, KWD: 3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Currency {
    code: iso_currency::Currency,
    exponent: u8,
}

/// A malformed amount or an arithmetic overflow.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    /// Not an ISO-4217 currency with minor units.
    #[error("`{0}` is not a supported ISO-4217 currency code")]
    UnknownCurrency(String),
    /// Not a decimal number.
    #[error("`{0}` is not a decimal amount")]
    NotDecimal(String),
    /// More fraction digits than the currency has minor units.
    #[error("`{amount}` has more than {digits} decimal places for {currency}")]
    TooPrecise {
        /// The amount as given.
        amount: String,
        /// How many the currency allows.
        digits: u8,
        /// The currency.
        currency: String,
    },
    /// The result does not fit.
    #[error("amount out of range")]
    Overflow,
    /// Two amounts in different currencies were combined.
    #[error("currency mismatch: {0} and {1}")]
    CurrencyMismatch(String, String),
}

impl Currency {
    /// Looks up an ISO-4217 code (case-insensitive).
    ///
    /// # Errors
    /// [`MoneyError::UnknownCurrency`] for unknown codes and for codes without minor units
    /// (precious metals, testing codes).
    pub fn from_code(code: &str) -> Result<Self, MoneyError> {
        let upper = code.trim().to_ascii_uppercase();
        let parsed = iso_currency::Currency::from_code(&upper)
            .ok_or_else(|| MoneyError::UnknownCurrency(code.to_owned()))?;
        let exponent = parsed
            .exponent()
            .and_then(|e| u8::try_from(e).ok())
            .ok_or_else(|| MoneyError::UnknownCurrency(code.to_owned()))?;
        Ok(Self {
            code: parsed,
            exponent,
        })
    }

    /// The three-letter code.
    #[must_use]
    pub fn code(&self) -> &'static str {
        self.code.code()
    }

    /// Minor-unit digits.
    #[must_use]
    pub const fn exponent(&self) -> u8 {
        self.exponent
    }

    fn scale(self) -> i64 {
        10_i64.pow(u32::from(self.exponent))
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Currency {
    type Err = MoneyError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::from_code(s)
    }
}

/// An amount of money: integer minor units of one currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Money {
    minor: i64,
    currency: Currency,
}

impl Money {
    /// An amount in minor units.
    #[must_use]
    pub const fn from_minor(minor: i64, currency: Currency) -> Self {
        Self { minor, currency }
    }

    /// Zero of a currency.
    #[must_use]
    pub const fn zero(currency: Currency) -> Self {
        Self::from_minor(0, currency)
    }

    /// Parses a decimal such as `14.90`, `-3`, `0.5` in the currency's minor units.
    /// Trailing zeros beyond the minor units are accepted (`14.900`); other extra digits are not.
    ///
    /// # Errors
    /// [`MoneyError::NotDecimal`], [`MoneyError::TooPrecise`] or [`MoneyError::Overflow`].
    pub fn parse_decimal(text: &str, currency: Currency) -> Result<Self, MoneyError> {
        let not_decimal = || MoneyError::NotDecimal(text.to_owned());
        let trimmed = text.trim();
        let (negative, digits) = match trimmed.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, trimmed.strip_prefix('+').unwrap_or(trimmed)),
        };
        let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() && fraction.is_empty()
            || !all_digits(whole)
            || !all_digits(fraction)
            || digits.ends_with('.') && fraction.is_empty() && whole.is_empty()
        {
            return Err(not_decimal());
        }
        let exp = usize::from(currency.exponent);
        let significant = fraction.trim_end_matches('0');
        if significant.len() > exp {
            return Err(MoneyError::TooPrecise {
                amount: text.to_owned(),
                digits: currency.exponent,
                currency: currency.code().to_owned(),
            });
        }
        let whole_value: i64 = if whole.is_empty() {
            0
        } else {
            whole.parse().map_err(|_| MoneyError::Overflow)?
        };
        let mut fraction_value: i64 = 0;
        for i in 0..exp {
            let digit = significant
                .as_bytes()
                .get(i)
                .map_or(0, |b| i64::from(b - b'0'));
            fraction_value = fraction_value * 10 + digit;
        }
        let minor = whole_value
            .checked_mul(currency.scale())
            .and_then(|w| w.checked_add(fraction_value))
            .ok_or(MoneyError::Overflow)?;
        Ok(Self::from_minor(
            if negative { -minor } else { minor },
            currency,
        ))
    }

    /// Minor units.
    #[must_use]
    pub const fn minor(&self) -> i64 {
        self.minor
    }

    /// The currency.
    #[must_use]
    pub const fn currency(&self) -> Currency {
        self.currency
    }

    /// True for amounts above zero.
    #[must_use]
    pub const fn is_positive(&self) -> bool {
        self.minor > 0
    }

    /// True for amounts below zero.
    #[must_use]
    pub const fn is_negative(&self) -> bool {
        self.minor < 0
    }

    /// The amount as a JSON-friendly number. For amounts below 2^53 minor units the result is
    /// the double nearest the exact decimal, so it prints as that decimal (`26.82`).
    #[must_use]
    #[expect(
        clippy::cast_precision_loss,
        reason = "rendering only; exact below 2^53 minor units"
    )]
    pub fn to_f64(&self) -> f64 {
        self.minor as f64 / self.currency.scale() as f64
    }

    fn same_currency(&self, other: &Self) -> Result<(), MoneyError> {
        if self.currency == other.currency {
            Ok(())
        } else {
            Err(MoneyError::CurrencyMismatch(
                self.currency.code().to_owned(),
                other.currency.code().to_owned(),
            ))
        }
    }

    /// `self + other`.
    ///
    /// # Errors
    /// [`MoneyError::CurrencyMismatch`] or [`MoneyError::Overflow`].
    pub fn checked_add(self, other: Self) -> Result<Self, MoneyError> {
        self.same_currency(&other)?;
        let minor = self
            .minor
            .checked_add(other.minor)
            .ok_or(MoneyError::Overflow)?;
        Ok(Self::from_minor(minor, self.currency))
    }

    /// `self - other`.
    ///
    /// # Errors
    /// [`MoneyError::CurrencyMismatch`] or [`MoneyError::Overflow`].
    pub fn checked_sub(self, other: Self) -> Result<Self, MoneyError> {
        self.same_currency(&other)?;
        let minor = self
            .minor
            .checked_sub(other.minor)
            .ok_or(MoneyError::Overflow)?;
        Ok(Self::from_minor(minor, self.currency))
    }

    /// `self × quantity`.
    ///
    /// # Errors
    /// [`MoneyError::Overflow`].
    pub fn checked_mul(self, quantity: i64) -> Result<Self, MoneyError> {
        let minor = self
            .minor
            .checked_mul(quantity)
            .ok_or(MoneyError::Overflow)?;
        Ok(Self::from_minor(minor, self.currency))
    }

    /// `percent`% of this amount, rounded half-up (away from zero) to the minor unit:
    /// 10% of 29.80 is 2.98.
    ///
    /// # Errors
    /// [`MoneyError::Overflow`].
    pub fn percent(self, percent: i64) -> Result<Self, MoneyError> {
        let product = i128::from(self.minor) * i128::from(percent);
        let rounded = (product.abs() + 50) / 100 * product.signum();
        let minor = i64::try_from(rounded).map_err(|_| MoneyError::Overflow)?;
        Ok(Self::from_minor(minor, self.currency))
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let exp = usize::from(self.currency.exponent);
        let sign = if self.minor < 0 { "-" } else { "" };
        let abs = self.minor.unsigned_abs();
        if exp == 0 {
            return write!(f, "{sign}{abs}");
        }
        let scale = 10_u64.pow(u32::from(self.currency.exponent));
        write!(f, "{sign}{}.{:0exp$}", abs / scale, abs % scale)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn myr() -> Currency {
        Currency::from_code("MYR").unwrap_or_else(|e| panic!("{e}"))
    }

    fn parse(s: &str, c: Currency) -> Result<i64, MoneyError> {
        Money::parse_decimal(s, c).map(|m| m.minor())
    }

    #[test]
    fn currencies_know_their_minor_units() {
        assert_eq!(myr().exponent(), 2);
        assert_eq!(Currency::from_code("jpy").map(|c| c.exponent()), Ok(0));
        assert_eq!(Currency::from_code("KWD").map(|c| c.exponent()), Ok(3));
        assert!(Currency::from_code("XAU").is_err());
        assert!(Currency::from_code("ABC").is_err());
    }

    #[test]
    fn parses_decimals_exactly() {
        let c = myr();
        assert_eq!(parse("14.90", c), Ok(1490));
        assert_eq!(parse("14.9", c), Ok(1490));
        assert_eq!(parse("14.900", c), Ok(1490));
        assert_eq!(parse("14", c), Ok(1400));
        assert_eq!(parse("0.05", c), Ok(5));
        assert_eq!(parse(".5", c), Ok(50));
        assert_eq!(parse("-2.98", c), Ok(-298));
        assert!(matches!(
            parse("14.905", c),
            Err(MoneyError::TooPrecise { .. })
        ));
        assert!(matches!(parse("abc", c), Err(MoneyError::NotDecimal(_))));
        assert!(matches!(parse("", c), Err(MoneyError::NotDecimal(_))));
        assert!(matches!(parse("1e3", c), Err(MoneyError::NotDecimal(_))));
        assert!(matches!(
            parse("99999999999999999999", c),
            Err(MoneyError::Overflow)
        ));
        let jpy = Currency::from_code("JPY").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(parse("1500", jpy), Ok(1500));
        assert!(parse("1500.5", jpy).is_err());
    }

    #[test]
    fn percent_rounds_half_up_like_the_lunch_coupon() {
        let subtotal = Money::from_minor(2980, myr());
        let discount = subtotal.percent(10).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(discount.minor(), 298);
        assert_eq!(
            subtotal.checked_sub(discount).map(|m| m.to_string()),
            Ok("26.82".into())
        );
        assert_eq!(
            Money::from_minor(5, myr()).percent(50).map(|m| m.minor()),
            Ok(3)
        );
        assert_eq!(
            Money::from_minor(-5, myr()).percent(50).map(|m| m.minor()),
            Ok(-3)
        );
    }

    #[test]
    fn renders_with_the_currency_digits() {
        assert_eq!(Money::from_minor(2682, myr()).to_string(), "26.82");
        assert_eq!(Money::from_minor(-5, myr()).to_string(), "-0.05");
        assert!((Money::from_minor(2682, myr()).to_f64() - 26.82).abs() < f64::EPSILON);
        assert_eq!(Money::from_minor(2682, myr()).to_f64().to_string(), "26.82");
    }

    #[test]
    fn arithmetic_is_checked() {
        let a = Money::from_minor(i64::MAX, myr());
        assert_eq!(
            a.checked_add(Money::from_minor(1, myr())),
            Err(MoneyError::Overflow)
        );
        assert_eq!(a.checked_mul(2), Err(MoneyError::Overflow));
        let hkd = Currency::from_code("HKD").unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(
            Money::zero(myr()).checked_add(Money::zero(hkd)),
            Err(MoneyError::CurrencyMismatch(..))
        ));
    }

    proptest! {
        #[test]
        fn display_then_parse_round_trips(minor in -1_000_000_000_000_i64..1_000_000_000_000) {
            let m = Money::from_minor(minor, myr());
            prop_assert_eq!(Money::parse_decimal(&m.to_string(), myr()), Ok(m));
        }

        #[test]
        fn f64_rendering_parses_back_exactly(minor in 0_i64..1_000_000_000_000) {
            let m = Money::from_minor(minor, myr());
            prop_assert_eq!(Money::parse_decimal(&m.to_f64().to_string(), myr()), Ok(m));
        }
    }
}
