//! Tenants: the merchants Kedai serves. Every business row belongs to one.

use chrono::{DateTime, Utc};
use kedai_core::ErrorCode;
use kedai_core::{Currency, TenantId, TimeZone};

use crate::{Email, IdentityError, invalid};

kedai_core::text_enum! {
    /// Whether a merchant account may trade.
    #[derive(Default)]
    pub enum TenantStatus ("a merchant status") {
        /// Trading.
        #[default]
        Active = "active",
        /// Suspended by the operator.
        Suspended = "suspended",
    }
}

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
    /// Kind of business (`F&B`, `Retail`).
    pub business_type: Option<String>,
    /// Contact e-mail.
    pub email: Option<Email>,
    /// Contact phone, as the merchant writes it.
    pub phone: Option<String>,
    /// Trading or suspended.
    pub status: TenantStatus,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last profile change.
    pub updated_at: Option<DateTime<Utc>>,
}

/// A partial change of the merchant profile; `None` leaves a field as it is, `Some(None)`
/// clears an optional one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProfileUpdate {
    /// Brand name.
    pub brand_name: Option<String>,
    /// Kind of business.
    pub business_type: Option<Option<String>>,
    /// Contact e-mail.
    pub email: Option<Option<String>>,
    /// Contact phone.
    pub phone: Option<Option<String>>,
    /// ISO-4217 currency.
    pub currency: Option<String>,
    /// IANA time zone.
    pub time_zone: Option<String>,
}

impl Tenant {
    /// Applies a profile change and returns the names of the fields whose value changed.
    /// `has_priced_records` says whether the merchant already has products or orders: their
    /// stored amounts are minor units of the current currency, so it can no longer change.
    ///
    /// # Errors
    /// [`IdentityError::Invalid`] naming the field; [`IdentityError::Conflict`]
    /// `CURRENCY_LOCKED` for a new currency once there are products or orders.
    pub fn apply_profile(
        &mut self,
        update: &ProfileUpdate,
        has_priced_records: bool,
        now: DateTime<Utc>,
    ) -> Result<Vec<&'static str>, IdentityError> {
        let mut next = self.clone();
        if let Some(name) = &update.brand_name {
            next.name = clean_name("brand_name", name)?;
        }
        if let Some(kind) = &update.business_type {
            next.business_type = optional_text("business_type", kind.as_deref(), 100)?;
        }
        if let Some(email) = &update.email {
            next.email = match email.as_deref().map(str::trim).filter(|e| !e.is_empty()) {
                Some(e) => Some(Email::parse(e)?),
                None => None,
            };
        }
        if let Some(phone) = &update.phone {
            next.phone = match phone.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
                Some(p) => Some(contact_phone("phone", p)?),
                None => None,
            };
        }
        if let Some(code) = &update.currency {
            next.currency = code
                .parse()
                .map_err(|e: kedai_core::MoneyError| invalid("currency", e.to_string()))?;
        }
        if let Some(zone) = &update.time_zone {
            next.time_zone = zone
                .parse()
                .map_err(|e: kedai_core::TimeZoneError| invalid("time_zone", e.to_string()))?;
        }
        if next.currency != self.currency && has_priced_records {
            return Err(IdentityError::Conflict {
                code: ErrorCode::CurrencyLocked,
                message: format!(
                    "the currency stays {}: the merchant already has products or orders priced in it",
                    self.currency.code()
                ),
            });
        }
        let mut changed = Vec::new();
        for (field, differs) in [
            ("brand_name", next.name != self.name),
            ("business_type", next.business_type != self.business_type),
            ("email", next.email != self.email),
            ("phone", next.phone != self.phone),
            ("currency", next.currency != self.currency),
            ("time_zone", next.time_zone != self.time_zone),
        ] {
            if differs {
                changed.push(field);
            }
        }
        if !changed.is_empty() {
            next.updated_at = Some(now);
            *self = next;
        }
        Ok(changed)
    }
}

fn clean_name(field: &'static str, name: &str) -> Result<String, IdentityError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(invalid(field, "must be 1 to 200 characters"));
    }
    Ok(name.to_owned())
}

/// Trims an optional text; empty is `None`; longer than `max` characters is refused.
pub(crate) fn optional_text(
    field: &'static str,
    value: Option<&str>,
    max: usize,
) -> Result<Option<String>, IdentityError> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        Some(v) if v.chars().count() > max => {
            Err(invalid(field, format!("must be at most {max} characters")))
        }
        Some(v) => Ok(Some(v.to_owned())),
        None => Ok(None),
    }
}

/// A contact phone kept as written (`+60-12-3456789`): digits with spaces, `+`, `-`, `.`,
/// parentheses, 6 to 15 digits, at most 32 characters.
pub(crate) fn contact_phone(field: &'static str, phone: &str) -> Result<String, IdentityError> {
    let phone = phone.trim();
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    let allowed = phone
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '+' | '-' | '.' | '(' | ')'));
    if !allowed || !(6..=15).contains(&digits) || phone.chars().count() > 32 {
        return Err(invalid(
            field,
            "must be a phone number: 6 to 15 digits, with optional +, spaces, dashes, dots or parentheses",
        ));
    }
    Ok(phone.to_owned())
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
        Ok(Self {
            name: clean_name("name", name)?,
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

    fn tenant() -> Tenant {
        let t = NewTenant::new("Demo Cafe", "MYR", "Asia/Kuala_Lumpur", false)
            .unwrap_or_else(|e| panic!("{e}"));
        Tenant {
            id: TenantId::new(),
            name: t.name,
            currency: t.currency,
            time_zone: t.time_zone,
            public_order_summary: false,
            business_type: None,
            email: None,
            phone: None,
            status: TenantStatus::Active,
            created_at: DateTime::UNIX_EPOCH,
            updated_at: None,
        }
    }

    #[test]
    fn profile_updates_report_what_changed() {
        let mut t = tenant();
        let now = DateTime::UNIX_EPOCH + chrono::Duration::days(1);
        let changed = t.apply_profile(
            &ProfileUpdate {
                brand_name: Some(" Demo Cafe Group ".into()),
                business_type: Some(Some("Retail & F&B".into())),
                email: Some(Some(" Shop@Brand.COM".into())),
                phone: Some(Some("+60-12-8888888".into())),
                currency: Some("MYR".into()),
                time_zone: Some("Asia/Kuala_Lumpur".into()),
            },
            true,
            now,
        );
        assert_eq!(
            changed,
            Ok(vec!["brand_name", "business_type", "email", "phone"])
        );
        assert_eq!(t.name, "Demo Cafe Group");
        assert_eq!(t.email.as_ref().map(Email::as_str), Some("shop@brand.com"));
        assert_eq!(t.updated_at, Some(now));
        // Nothing new: nothing changed, not even the stamp.
        let mut same = t.clone();
        assert_eq!(
            same.apply_profile(&ProfileUpdate::default(), false, DateTime::UNIX_EPOCH),
            Ok(vec![])
        );
        assert_eq!(same, t);
        // null clears.
        let changed = t.apply_profile(
            &ProfileUpdate {
                phone: Some(None),
                ..ProfileUpdate::default()
            },
            false,
            now,
        );
        assert_eq!(changed, Ok(vec!["phone"]));
        assert_eq!(t.phone, None);
    }

    #[test]
    fn the_currency_is_locked_once_amounts_exist() {
        let mut t = tenant();
        let update = ProfileUpdate {
            currency: Some("sgd".into()),
            brand_name: Some("New".into()),
            ..ProfileUpdate::default()
        };
        let before = t.clone();
        assert!(matches!(
            t.apply_profile(&update, true, DateTime::UNIX_EPOCH),
            Err(IdentityError::Conflict {
                code: ErrorCode::CurrencyLocked,
                ..
            })
        ));
        assert_eq!(t, before, "a refused update changes nothing");
        assert_eq!(
            t.apply_profile(&update, false, DateTime::UNIX_EPOCH),
            Ok(vec!["brand_name", "currency"])
        );
        assert_eq!(t.currency.code(), "SGD");
    }

    #[test]
    fn profile_fields_are_validated() {
        for (update, field) in [
            (
                ProfileUpdate {
                    brand_name: Some("  ".into()),
                    ..ProfileUpdate::default()
                },
                "brand_name",
            ),
            (
                ProfileUpdate {
                    email: Some(Some("nope".into())),
                    ..ProfileUpdate::default()
                },
                "email",
            ),
            (
                ProfileUpdate {
                    phone: Some(Some("call me".into())),
                    ..ProfileUpdate::default()
                },
                "phone",
            ),
            (
                ProfileUpdate {
                    currency: Some("XXY".into()),
                    ..ProfileUpdate::default()
                },
                "currency",
            ),
            (
                ProfileUpdate {
                    time_zone: Some("Mars/Base".into()),
                    ..ProfileUpdate::default()
                },
                "time_zone",
            ),
            (
                ProfileUpdate {
                    business_type: Some(Some("x".repeat(101))),
                    ..ProfileUpdate::default()
                },
                "business_type",
            ),
        ] {
            let mut t = tenant();
            assert!(
                matches!(t.apply_profile(&update, false, DateTime::UNIX_EPOCH), Err(IdentityError::Invalid { field: f, .. }) if f == field),
                "{field}"
            );
        }
    }

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
