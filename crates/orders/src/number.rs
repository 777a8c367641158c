//! Order numbers: `ORD-YYYY-NNNN`, a sequence per tenant and year that is never reused.

use std::fmt;

/// An order number such as `ORD-2026-0042`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OrderNumber(String);

impl OrderNumber {
    /// The number for the `sequence`-th order of `year` (1-based). The sequence is zero-padded
    /// to four digits and grows past 9999 as needed.
    #[must_use]
    pub fn new(year: i32, sequence: i64) -> Self {
        Self(format!("ORD-{year:04}-{sequence:04}"))
    }

    /// Wraps a stored order number.
    #[must_use]
    pub fn from_stored(text: String) -> Self {
        Self(text)
    }

    /// The text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for OrderNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_year_and_padded_sequence() {
        assert_eq!(OrderNumber::new(2026, 1).as_str(), "ORD-2026-0001");
        assert_eq!(OrderNumber::new(2026, 42).as_str(), "ORD-2026-0042");
        assert_eq!(OrderNumber::new(2027, 12345).as_str(), "ORD-2027-12345");
    }
}
