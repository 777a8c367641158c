//! Coupon codes: how a code is normalised and what it may contain.

/// A coupon code: trimmed, upper-case, 3–32 characters of `A-Z`, `0-9`, `_` and `-`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CouponCode(pub(super) String);

impl CouponCode {
    /// Normalises and checks a code (`lunch10` → `LUNCH10`).
    ///
    /// # Errors
    /// A message saying what is wrong.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let code = raw.trim().to_ascii_uppercase();
        if !(3..=32).contains(&code.len()) {
            return Err("must be 3 to 32 characters".into());
        }
        if !code
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
        {
            return Err("may contain only letters, digits, `_` and `-`".into());
        }
        Ok(Self(code))
    }

    /// The normalised code.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for CouponCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
