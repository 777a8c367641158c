//! Tenants: the merchants Kedai serves. Every business row belongs to one.

use chrono::{DateTime, Utc};
use kedai_core::{Currency, TenantId, TimeZone};

use crate::{IdentityError, invalid};

/// A merchant account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tenant {
    /// Id (the `merchant_id` and `X-Company-Id`).
    pub id: TenantId,
    /// Brand name.
    pub name: String,
    /// Currency of every amount.
    pub currency: Currency,
    /// Zone of its day boundaries.
    pub time_zone: TimeZone,
    /// Whether `order-summary` may be read without a token, by `X-Company-Id`.
    pub public_order_summary: bool,
    /// Creation time.
    pub created_at: DateTime<Utc>,
}

/// A validated new tenant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTenant {
    /// Brand name.
    pub name: String,
    /// Currency.
    pub currency: Currency,
    /// Time zone.
    pub time_zone: TimeZone,
    /// Public order summary opt-in.
    pub public_order_summary: bool,
}

impl NewTenant {
    /// Validates a new tenant: a name of 1–200 characters, an ISO-4217 currency, an IANA zone.
    ///
    /// # Errors
    /// [`IdentityError::Invalid`] naming the field.
    pub fn new(
        name: &str,
        currency: &str,
        time_zone: &str,
        public_order_summary: bool,
    ) -> Result<Self, IdentityError> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 200 {
            return Err(invalid("name", "must be 1 to 200 characters"));
        }
        Ok(Self {
            name: name.to_owned(),
            currency: currency
                .parse()
                .map_err(|e: kedai_core::MoneyError| invalid("currency", e.to_string()))?,
            time_zone: time_zone
                .parse()
                .map_err(|e: kedai_core::TimeZoneError| invalid("time_zone", e.to_string()))?,
            public_order_summary,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validates_fields() {
        let t = NewTenant::new(" Demo Cafe ", "myr", "Asia/Kuala_Lumpur", false);
        assert!(t.is_ok_and(|t| t.name == "Demo Cafe" && t.currency.code() == "MYR"));
        assert!(matches!(
            NewTenant::new("", "MYR", "UTC", false),
            Err(IdentityError::Invalid { field: "name", .. })
        ));
        assert!(matches!(
            NewTenant::new("a", "XXX", "UTC", false),
            Err(IdentityError::Invalid {
                field: "currency",
                ..
            })
        ));
        assert!(matches!(
            NewTenant::new("a", "MYR", "Kuala Lumpur", false),
            Err(IdentityError::Invalid {
                field: "time_zone",
                ..
            })
        ));
    }
}
