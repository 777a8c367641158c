//! A merchant's storefront settings: the host names its storefronts answer on, the sign-in
//! channel its customers use, the registration form it asks them to fill in, the portal modules
//! it has enabled and its brand.

use chrono::{DateTime, Utc};
use kedai_core::{StorageError, TenantId};

use crate::{IdentityError, invalid};

/// A storefront host name: lower case, without scheme, port, path or trailing dot; labels of
/// letters, digits and inner hyphens, at least two of them (`shop.example.com`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Hostname(String);

impl Hostname {
    /// Normalises a host name as a browser would send it in `Host` (the port is dropped).
    ///
    /// # Errors
    /// [`IdentityError::Invalid`] for `hostname`.
    pub fn parse(text: &str) -> Result<Self, IdentityError> {
        let bad = || {
            invalid(
                "hostname",
                "must be a host name such as shop.example.com (no scheme, path or port)",
            )
        };
        let host = text.trim().to_ascii_lowercase();
        let host = match host.rsplit_once(':') {
            Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name.to_owned(),
            Some(_) => return Err(bad()),
            None => host,
        };
        let host = host.strip_suffix('.').unwrap_or(&host);
        if host.len() > 253 || !host.contains('.') {
            return Err(bad());
        }
        let label_ok = |l: &str| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        };
        if host.split('.').all(label_ok) {
            Ok(Self(host.to_owned()))
        } else {
            Err(bad())
        }
    }

    /// The normalised text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

kedai_core::text_enum! {
    /// How the merchant's customers receive their one-time sign-in codes.
    pub enum LoginChannel ("a login channel") {
        /// Text message to the customer's phone.
        Sms = "sms",
        /// WhatsApp message to the customer's phone.
        Whatsapp = "whatsapp",
        /// E-mail.
        Email = "email",
    }
}

impl LoginChannel {
    /// Whether the channel addresses customers by phone (else by e-mail).
    #[must_use]
    pub const fn uses_phone(self) -> bool {
        matches!(self, Self::Sms | Self::Whatsapp)
    }
}

kedai_core::text_enum! {
    /// The kind of input a registration form field is.
    pub enum FieldType ("a field type") {
        /// Free text.
        Text = "text",
        /// A phone number.
        Phone = "phone",
        /// An e-mail address.
        Email = "email",
        /// One of a list.
        Select = "select",
        /// A date.
        Date = "date",
        /// A tick box.
        Checkbox = "checkbox",
    }
}

/// One field of the registration form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormField {
    /// The registration body key it fills (`email`, `dateOfBirth`, ...).
    pub key: String,
    /// What the customer sees.
    pub label: String,
    /// Input kind.
    pub field_type: FieldType,
    /// Must be filled in.
    pub required: bool,
    /// Shown at all.
    pub enabled: bool,
    /// Position, ascending.
    pub order: i64,
    /// Text beside a tick box.
    pub checkbox_label: Option<String>,
}

/// The registration form a merchant asks new customers to fill in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistrationForm {
    /// Fields, in `order`.
    pub fields: Vec<FormField>,
    /// Country calling code phone inputs start with (`852`).
    pub default_country_code: String,
}

/// The registration body keys a form field may name, with the type each is collected as.
pub const REGISTRATION_KEYS: [(&str, FieldType); 12] = [
    ("name", FieldType::Text),
    ("lastName", FieldType::Text),
    ("phone", FieldType::Phone),
    ("email", FieldType::Email),
    ("gender", FieldType::Select),
    ("dateOfBirth", FieldType::Date),
    ("ageRange", FieldType::Select),
    ("address", FieldType::Text),
    ("district", FieldType::Text),
    ("agreeToReceivePromotion", FieldType::Checkbox),
    ("agreeToTerms", FieldType::Checkbox),
    ("referredByPhone", FieldType::Phone),
];

impl RegistrationForm {
    /// The form every merchant starts with: name and phone required, e-mail optional, and the
    /// two consent boxes.
    #[must_use]
    pub fn standard() -> Self {
        let field = |key: &str, label: &str, t, required, order| FormField {
            key: key.into(),
            label: label.into(),
            field_type: t,
            required,
            enabled: true,
            order,
            checkbox_label: None,
        };
        Self {
            fields: vec![
                field("name", "Name", FieldType::Text, true, 1),
                field("phone", "Phone", FieldType::Phone, true, 2),
                field("email", "Email", FieldType::Email, false, 3),
                FormField {
                    checkbox_label: Some("I agree to receive promotions".into()),
                    ..field(
                        "agreeToReceivePromotion",
                        "Promotions",
                        FieldType::Checkbox,
                        false,
                        4,
                    )
                },
                FormField {
                    checkbox_label: Some("I agree to the terms".into()),
                    ..field("agreeToTerms", "Terms", FieldType::Checkbox, false, 5)
                },
            ],
            default_country_code: "852".into(),
        }
    }

    /// Checks a form a merchant submits: known keys, each once, of the type that key is
    /// collected as; `name` and `phone` always enabled and required (registration needs them);
    /// labels 1–100 characters; a country code of 1–3 digits. Fields come back sorted by
    /// `order`.
    ///
    /// # Errors
    /// [`IdentityError::Invalid`] naming `fields` or `defaultCountryCode`.
    pub fn validate(mut self) -> Result<Self, IdentityError> {
        let cc = self.default_country_code.trim().trim_start_matches('+');
        if cc.is_empty() || cc.len() > 3 || !cc.bytes().all(|b| b.is_ascii_digit()) {
            return Err(invalid(
                "defaultCountryCode",
                "must be 1 to 3 digits, e.g. 852",
            ));
        }
        self.default_country_code = cc.to_owned();
        let mut seen = std::collections::BTreeSet::new();
        for f in &mut self.fields {
            let Some((_, expected)) = REGISTRATION_KEYS.iter().find(|(k, _)| *k == f.key) else {
                return Err(invalid(
                    "fields",
                    format!(
                        "unknown key {:?}; known keys: {}",
                        f.key,
                        REGISTRATION_KEYS.map(|(k, _)| k).join(", ")
                    ),
                ));
            };
            if !seen.insert(f.key.clone()) {
                return Err(invalid("fields", format!("{} appears twice", f.key)));
            }
            if f.field_type != *expected {
                return Err(invalid(
                    "fields",
                    format!("{} must be of type {expected}", f.key),
                ));
            }
            f.label = f.label.trim().to_owned();
            if f.label.is_empty() || f.label.chars().count() > 100 {
                return Err(invalid(
                    "fields",
                    format!("{}: label must be 1 to 100 characters", f.key),
                ));
            }
            if matches!(f.key.as_str(), "name" | "phone") && !(f.required && f.enabled) {
                return Err(invalid(
                    "fields",
                    format!("{} is always enabled and required", f.key),
                ));
            }
        }
        for needed in ["name", "phone"] {
            if !seen.contains(needed) {
                return Err(invalid("fields", format!("{needed} must be in the form")));
            }
        }
        self.fields.sort_by_key(|f| f.order);
        Ok(self)
    }

    /// The enabled, required keys a registration must fill.
    pub fn required_keys(&self) -> impl Iterator<Item = &str> {
        self.fields
            .iter()
            .filter(|f| f.enabled && f.required)
            .map(|f| f.key.as_str())
    }
}

/// The portal modules a merchant can enable, as the storefront reads them.
pub const MODULES: [&str; 8] = [
    "bookings",
    "events",
    "payment_gateway",
    "card_builder",
    "orders_shop",
    "pages",
    "gift_offers",
    "tutor_courses",
];

/// Checks a list of module codes: each known, none twice; returned sorted as [`MODULES`] lists them.
///
/// # Errors
/// [`IdentityError::Invalid`] naming `modules`.
pub fn validate_modules(modules: &[String]) -> Result<Vec<String>, IdentityError> {
    for m in modules {
        if !MODULES.contains(&m.as_str()) {
            return Err(invalid(
                "modules",
                format!("unknown module {m:?}; known: {}", MODULES.join(", ")),
            ));
        }
    }
    Ok(MODULES
        .iter()
        .filter(|m| modules.iter().any(|x| x == *m))
        .map(|m| (*m).to_owned())
        .collect())
}

/// Third-party analytics ids a storefront loads.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Analytics {
    /// Google Tag Manager container.
    pub gtm_id: Option<String>,
    /// Google Analytics 4 measurement id.
    pub ga4_id: Option<String>,
    /// Meta pixel.
    pub meta_pixel_id: Option<String>,
}

/// A merchant's portal settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortalSettings {
    /// Owner.
    pub tenant_id: TenantId,
    /// Sign-in channel.
    pub login_channel: LoginChannel,
    /// Registration form.
    pub registration_form: RegistrationForm,
    /// Enabled modules.
    pub modules: Vec<String>,
    /// Brand name shown by storefronts (the merchant's name when unset).
    pub brand_name: Option<String>,
    /// Brand e-mail.
    pub brand_email: Option<String>,
    /// Brand logo URL.
    pub brand_logo_url: Option<String>,
    /// Analytics ids, when configured.
    pub analytics: Option<Analytics>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

impl PortalSettings {
    /// The settings of a merchant that has not changed any: SMS sign-in, the standard form,
    /// the shop, payments and pages enabled.
    #[must_use]
    pub fn defaults(tenant_id: TenantId, now: DateTime<Utc>) -> Self {
        Self {
            tenant_id,
            login_channel: LoginChannel::Sms,
            registration_form: RegistrationForm::standard(),
            modules: vec![
                "payment_gateway".into(),
                "orders_shop".into(),
                "pages".into(),
            ],
            brand_name: None,
            brand_email: None,
            brand_logo_url: None,
            analytics: None,
            updated_at: now,
        }
    }
}

/// Checks an absolute `http`/`https` URL of at most 2,000 characters.
///
/// # Errors
/// [`IdentityError::Invalid`] naming `field`.
pub fn check_url(field: &'static str, url: &str) -> Result<String, IdentityError> {
    let url = url.trim();
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    match rest {
        Some(r)
            if !r.is_empty()
                && url.len() <= 2000
                && !url.chars().any(|c| c.is_whitespace() || c.is_control()) =>
        {
            Ok(url.to_owned())
        }
        _ => Err(invalid(field, "must be an absolute http(s) URL")),
    }
}

/// Storage of storefront domains and portal settings.
pub trait StorefrontRepository {
    /// The tenant a host name is registered to.
    ///
    /// # Errors
    /// [`StorageError`] when the database fails.
    fn tenant_by_hostname(&mut self, host: &Hostname) -> Result<Option<TenantId>, StorageError>;

    /// Registers a host name; `Ok(false)` when it is already registered (to anyone).
    ///
    /// # Errors
    /// [`StorageError`] when the database fails.
    fn insert_hostname(
        &mut self,
        tenant: TenantId,
        host: &Hostname,
        now: DateTime<Utc>,
    ) -> Result<bool, StorageError>;

    /// Removes one of the tenant's host names; `false` when it had no such name.
    ///
    /// # Errors
    /// [`StorageError`] when the database fails.
    fn delete_hostname(&mut self, tenant: TenantId, host: &Hostname) -> Result<bool, StorageError>;

    /// The tenant's host names with their registration times, by name.
    ///
    /// # Errors
    /// [`StorageError`] when the database fails.
    fn hostnames(
        &mut self,
        tenant: TenantId,
    ) -> Result<Vec<(Hostname, DateTime<Utc>)>, StorageError>;

    /// The tenant's settings, if it has saved any.
    ///
    /// # Errors
    /// [`StorageError`] when the database fails or a stored value is corrupt.
    fn portal_settings(&mut self, tenant: TenantId)
    -> Result<Option<PortalSettings>, StorageError>;

    /// Saves the tenant's settings (insert or replace).
    ///
    /// # Errors
    /// [`StorageError`] when the database fails.
    fn save_portal_settings(&mut self, settings: &PortalSettings) -> Result<(), StorageError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_names_are_normalised_like_a_host_header() {
        for (given, want) in [
            ("Shop.Example.COM", "shop.example.com"),
            ("shop.example.com:8443", "shop.example.com"),
            ("shop.example.com.", "shop.example.com"),
            ("  a-b.example.hk ", "a-b.example.hk"),
        ] {
            assert_eq!(
                Hostname::parse(given).map(|h| h.0),
                Ok(want.to_owned()),
                "{given}"
            );
        }
        for bad in [
            "",
            "localhost",
            "https://shop.example.com",
            "shop.example.com/path",
            "-shop.example.com",
            "shop..example.com",
            "shop.example.com:abc",
            "shop_example.com",
        ] {
            assert!(Hostname::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_standard_form_is_valid_and_needs_name_and_phone() {
        let form = RegistrationForm::standard()
            .validate()
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(form.required_keys().collect::<Vec<_>>(), ["name", "phone"]);
    }

    #[test]
    fn forms_are_checked_key_by_key() {
        let mut form = RegistrationForm::standard();
        form.fields[2].required = true;
        form.fields[0].order = 9;
        let ok = form.clone().validate().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(ok.fields.last().map(|f| f.key.as_str()), Some("name"));
        assert_eq!(ok.required_keys().count(), 3);

        let mut unknown = form.clone();
        unknown.fields[2].key = "shoeSize".into();
        assert!(unknown.validate().is_err());
        let mut twice = form.clone();
        twice.fields[2].key = "phone".into();
        twice.fields[2].field_type = FieldType::Phone;
        assert!(twice.validate().is_err());
        let mut wrong_type = form.clone();
        wrong_type.fields[2].field_type = FieldType::Date;
        assert!(wrong_type.validate().is_err());
        let mut optional_phone = form.clone();
        optional_phone.fields[1].required = false;
        assert!(optional_phone.validate().is_err());
        let mut no_name = form.clone();
        no_name.fields.remove(0);
        assert!(no_name.validate().is_err());
        let mut bad_cc = form;
        bad_cc.default_country_code = "85a".into();
        assert!(bad_cc.validate().is_err());
    }

    #[test]
    fn modules_are_known_and_ordered() {
        let given = vec!["pages".to_owned(), "orders_shop".to_owned()];
        assert_eq!(
            validate_modules(&given),
            Ok(vec!["orders_shop".to_owned(), "pages".to_owned()])
        );
        assert!(validate_modules(&["shop".to_owned()]).is_err());
    }

    #[test]
    fn urls_must_be_absolute_http() {
        assert!(check_url("u", "https://cdn.example.com/a.png").is_ok());
        assert!(check_url("u", "ftp://x").is_err());
        assert!(check_url("u", "https://").is_err());
        assert!(check_url("u", "https://a b").is_err());
    }
}
