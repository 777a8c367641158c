//! The merchant's registration form in the shape the FavCRM client reads
//! (`RegistrationFormConfig`): the portal serves it to storefronts, the merchant API to the
//! back office that edits it.

use kedai_identity::RegistrationForm;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A field of the registration form.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RegistrationField {
    /// The registration body key it fills (`name`, `phone`, `email`, `dateOfBirth`, ...).
    pub key: String,
    /// What the customer sees.
    pub label: String,
    /// `text`, `phone`, `email`, `select`, `date` or `checkbox`.
    #[serde(rename = "type")]
    pub field_type: String,
    /// Must be filled in.
    pub required: bool,
    /// Shown at all.
    pub enabled: bool,
    /// Position, ascending.
    pub order: i64,
    /// Text beside a tick box.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checkbox_label: Option<String>,
}

/// The merchant's registration form (the FavCRM client's `RegistrationFormConfig`).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RegistrationFormConfig {
    /// Fields, in order.
    pub fields: Vec<RegistrationField>,
    /// Country calling code phone inputs start with.
    pub default_country_code: String,
    /// The same.
    pub country_code: String,
    /// The calling code with its `+`.
    pub country_phone_prefix: String,
}

impl From<RegistrationForm> for RegistrationFormConfig {
    fn from(f: RegistrationForm) -> Self {
        Self {
            fields: f
                .fields
                .into_iter()
                .map(|x| RegistrationField {
                    key: x.key,
                    label: x.label,
                    field_type: x.field_type.as_str().to_owned(),
                    required: x.required,
                    enabled: x.enabled,
                    order: x.order,
                    checkbox_label: x.checkbox_label,
                })
                .collect(),
            country_phone_prefix: format!("+{}", f.default_country_code),
            country_code: f.default_country_code.clone(),
            default_country_code: f.default_country_code,
        }
    }
}
