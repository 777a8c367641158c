//! Percentages as coupons and tiers store them: whole hundredths of a percent.

/// Largest percentage, in hundredths of a percent (100%).
pub const MAX_PERCENT_HUNDREDTHS: i64 = 10_000;

/// Parses a percentage with at most two decimals (`10`, `12.5`, `"7.25"`) into hundredths of a
/// percent (`1000`, `1250`, `725`). It must be above 0 and at most 100.
///
/// # Errors
/// A message saying what is wrong.
pub fn parse_percentage(text: &str) -> Result<i64, String> {
    let text = text.trim();
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !digits(whole) || !digits(fraction) || text.ends_with('.') {
        return Err("must be a number".into());
    }
    let fraction = fraction.trim_end_matches('0');
    if fraction.len() > 2 {
        return Err("may have at most 2 decimal places".into());
    }
    let whole: i64 = whole
        .parse()
        .ok()
        .filter(|w| *w <= 100)
        .ok_or("must not exceed 100")?;
    let mut hundredths = 0;
    for i in 0..2 {
        let digit = fraction
            .as_bytes()
            .get(i)
            .map_or(0, |b| i64::from(b - b'0'));
        hundredths = hundredths * 10 + digit;
    }
    let value = whole * 100 + hundredths;
    if value <= 0 {
        Err("must be greater than 0".into())
    } else if value > MAX_PERCENT_HUNDREDTHS {
        Err("must not exceed 100".into())
    } else {
        Ok(value)
    }
}

/// Renders hundredths of a percent as a decimal number (`1250` → `12.5`).
#[must_use]
#[expect(
    clippy::cast_precision_loss,
    reason = "at most 10000, exact in a double"
)]
pub fn percentage_to_f64(hundredths: i64) -> f64 {
    hundredths as f64 / 100.0
}
