//! Checking a checkout request: every bad field named at once, in the storefront's words.

use kedai_core::ErrorCode;
use kedai_identity::Email;
use kedai_orders::OrderDetails;

use super::*;
use crate::{AppError, FieldError, UnitOfWork};

pub(super) fn field_error(
    code: ErrorCode,
    field: impl Into<String>,
    message: impl Into<String>,
) -> AppError {
    AppError::Validation {
        code,
        errors: vec![FieldError {
            field: field.into(),
            message: message.into(),
        }],
    }
}

pub(super) fn clean(v: Option<&String>) -> Option<String> {
    v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

/// Collects field failures so one answer names every bad field.
#[derive(Default)]
pub(super) struct Problems(Vec<FieldError>);

impl Problems {
    pub(super) fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(FieldError {
            field: field.into(),
            message: message.into(),
        });
    }

    /// A text of at most `max` characters, required or not.
    pub(super) fn text(
        &mut self,
        field: &str,
        v: Option<&String>,
        max: usize,
        required: bool,
    ) -> Option<String> {
        let v = clean(v);
        match &v {
            None if required => self.add(field, "is required"),
            Some(t) if t.chars().count() > max => {
                self.add(field, format!("must be at most {max} characters"));
            }
            _ => {}
        }
        v
    }

    pub(super) fn finish(self) -> Result<(), AppError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(AppError::Validation {
                code: ErrorCode::ValidationError,
                errors: self.0,
            })
        }
    }
}

/// A return URL: absolute http(s), at most 2000 characters.
pub(super) fn url(problems: &mut Problems, field: &str, v: Option<&String>) -> Option<String> {
    let v = problems.text(field, v, 2000, false)?;
    let lower = v.to_ascii_lowercase();
    if !(lower.starts_with("https://") || lower.starts_with("http://"))
        || v.contains(char::is_whitespace)
    {
        problems.add(field, "must be an absolute http or https URL");
    }
    Some(v)
}

pub(super) fn address_text(a: &ShippingAddress) -> String {
    let region = [a.state.as_deref(), a.zip_code.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    [
        a.address_line1.as_deref(),
        a.address_line2.as_deref(),
        a.city.as_deref(),
        Some(region.as_str()).filter(|r| !r.is_empty()),
        a.country.as_deref(),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(", ")
}

/// Checked contact and address details of a checkout.
pub(super) struct Checked {
    pub(super) details: OrderDetails,
    pub(super) language: Option<String>,
    pub(super) success_url: Option<String>,
    pub(super) cancel_url: Option<String>,
}

pub(super) fn check_details(
    tx: &mut dyn UnitOfWork,
    shopper: &Shopper,
    cmd: &CheckoutCommand,
) -> Result<Checked, AppError> {
    let mut p = Problems::default();
    if cmd.lines.is_empty() {
        p.add("lineItems", "must have at least one item");
    }
    for (i, line) in cmd.lines.iter().enumerate() {
        if !(1..=MAX_LINE_QUANTITY).contains(&line.quantity) {
            p.add(
                format!("lineItems[{i}].quantity"),
                format!("must be a whole number from 1 to {MAX_LINE_QUANTITY}"),
            );
        }
    }
    let customer = match shopper.customer {
        Some(id) => tx
            .order_customers(shopper.tenant.id, &[id.to_string()])?
            .pop(),
        None => None,
    };
    let given = cmd.contact.clone().unwrap_or_default();
    // A signed-in customer may leave out what their record says.
    let required = customer.is_none();
    if cmd.contact.is_none() && required {
        p.add("customerInfo", "is required");
    }
    let first = p.text(
        "customerInfo.firstName",
        given.first_name.as_ref(),
        100,
        required && cmd.contact.is_some(),
    );
    let last = p.text(
        "customerInfo.lastName",
        given.last_name.as_ref(),
        100,
        required && cmd.contact.is_some(),
    );
    let email = p.text("customerInfo.email", given.email.as_ref(), 254, false);
    let email = email.and_then(|e| match Email::parse(&e) {
        Ok(e) => Some(e.as_str().to_owned()),
        Err(_) => {
            p.add("customerInfo.email", "must be a valid e-mail address");
            None
        }
    });
    let phone = p.text("customerInfo.phone", given.phone.as_ref(), 32, false);
    let language = p.text("customerInfo.language", given.language.as_ref(), 35, false);
    let address = match &cmd.address {
        None => {
            p.add("shippingAddress", "is required");
            ShippingAddress::default()
        }
        Some(a) => ShippingAddress {
            address_line1: p.text(
                "shippingAddress.addressLine1",
                a.address_line1.as_ref(),
                200,
                true,
            ),
            address_line2: p.text(
                "shippingAddress.addressLine2",
                a.address_line2.as_ref(),
                200,
                false,
            ),
            city: p.text("shippingAddress.city", a.city.as_ref(), 100, true),
            state: p.text("shippingAddress.state", a.state.as_ref(), 100, false),
            zip_code: p.text("shippingAddress.zipCode", a.zip_code.as_ref(), 20, false),
            country: p.text("shippingAddress.country", a.country.as_ref(), 100, false),
        },
    };
    let success_url = url(&mut p, "successUrl", cmd.success_url.as_ref());
    let cancel_url = url(&mut p, "cancelUrl", cmd.cancel_url.as_ref());
    p.finish()?;
    if cmd.accepted_offers > 0 {
        return Err(field_error(
            ErrorCode::OfferNotAvailable,
            "acceptedOffers",
            "the shop has no offers to accept",
        ));
    }
    let name = match (first, last) {
        (None, None) => customer.as_ref().map(|c| c.name.clone()),
        (f, l) => Some([f, l].into_iter().flatten().collect::<Vec<_>>().join(" ")),
    };
    let email = email.or_else(|| customer.as_ref().and_then(|c| c.email.clone()));
    let phone = phone.or_else(|| customer.as_ref().and_then(|c| c.phone.clone()));
    Ok(Checked {
        details: OrderDetails {
            customer_id: customer.as_ref().map(|c| c.id.clone()),
            customer_email: email.clone(),
            outlet_id: None,
            contact_name: name,
            contact_phone: phone,
            contact_email: email,
            shipping_method: None,
            shipping_address: Some(address_text(&address)).filter(|a| !a.is_empty()),
            payment_method: None,
            notes: None,
            special_instructions: None,
        },
        language,
        success_url,
        cancel_url,
    })
}
