//! Registering a customer from the storefront. The phone or e-mail the merchant signs customers
//! in by must be proven first: either its code was checked at `/auth/otp/verify` moments before
//! (which, for someone who is not a member yet, opens a short registration window), or the code
//! comes with the form. Without proof nothing is looked up, so the answer never tells whether
//! the number belongs to a member.

use chrono::{DateTime, Utc};
use kedai_core::ErrorCode;
use kedai_core::TenantId;
use kedai_identity::{Customer, CustomerId, MemberProfile, NewCustomer, Recipient, RefreshToken};
use serde_json::json;

use crate::customer_auth::{CustomerSession, SignInRefused, prove_code, start_session};
use crate::members::short;
use crate::storefront::settings;
use crate::{AppError, FieldError, OutboxEvent, UnitOfWork};
use kedai_identity::Tenant;

/// A registration as the customer filled it in.
#[derive(Debug, Clone, Default)]
pub struct Registration {
    /// Name (first or display name).
    pub name: String,
    /// Phone.
    pub phone: Option<String>,
    /// E-mail.
    pub email: Option<String>,
    /// Family name.
    pub last_name: Option<String>,
    /// Gender.
    pub gender: Option<String>,
    /// `YYYY-MM-DD`.
    pub date_of_birth: Option<String>,
    /// Age range (kept with the member fields' text as given).
    pub age_range: Option<String>,
    /// Address.
    pub address: Option<String>,
    /// District.
    pub district: Option<String>,
    /// Agreed to promotions.
    pub agree_to_receive_promotion: bool,
    /// Agreed to the terms.
    pub agree_to_terms: bool,
    /// Referrer's phone.
    pub referred_by_phone: Option<String>,
    /// Where they signed up (`storefront` when not given).
    pub source: Option<String>,
    /// Campaign attribution, a JSON object as text.
    pub utm_data: Option<String>,
    /// The one-time code sent to the sign-in phone or e-mail, when it was not checked before.
    pub code: Option<String>,
}

impl Registration {
    fn has(&self, key: &str) -> bool {
        let set = |v: &Option<String>| v.as_deref().is_some_and(|v| !v.trim().is_empty());
        match key {
            "name" => !self.name.trim().is_empty(),
            "lastName" => set(&self.last_name),
            "phone" => set(&self.phone),
            "email" => set(&self.email),
            "gender" => set(&self.gender),
            "dateOfBirth" => set(&self.date_of_birth),
            "ageRange" => set(&self.age_range),
            "address" => set(&self.address),
            "district" => set(&self.district),
            "agreeToReceivePromotion" => self.agree_to_receive_promotion,
            "agreeToTerms" => self.agree_to_terms,
            "referredByPhone" => set(&self.referred_by_phone),
            _ => true,
        }
    }
}

/// The answer to a registration without proof of its sign-in phone or e-mail.
fn proof_required(recipient: &Recipient) -> AppError {
    AppError::Validation {
        code: ErrorCode::OtpVerificationRequired,
        errors: vec![FieldError {
            field: recipient.kind().field().to_owned(),
            message: "must be verified first: ask for a code at /auth/otp and check it at \
                      /auth/otp/verify, or send it here as `otp`"
                .to_owned(),
        }],
    }
}

/// Registers a customer from the storefront and signs them in. The fields the merchant's form
/// requires must be filled, and the sign-in phone or e-mail proven (see the module notes); the
/// record is the one the merchant API shows (`customer.created` in the outbox). The other
/// identifier, which no code proved, is kept only when no other customer has it: refusing it
/// would tell the registrant whose it is.
///
/// # Errors
/// [`AppError::Validation`] naming the field, `OTP_VERIFICATION_REQUIRED` without proof;
/// [`AppError::Conflict`] `CUSTOMER_PHONE_TAKEN` or `CUSTOMER_EMAIL_TAKEN` when the proven
/// identifier is a member's already (the registrant controls it, so this tells them nothing
/// new). A wrong code is a [`SignInRefused`] value, so that the guess stays counted.
pub fn register(
    tx: &mut dyn UnitOfWork,
    merchant: &Tenant,
    r: &Registration,
    refresh: RefreshToken,
    now: DateTime<Utc>,
) -> Result<Result<CustomerSession, SignInRefused>, AppError> {
    let tenant_id = merchant.id;
    let s = settings(tx, tenant_id, now)?;
    let missing: Vec<_> = s
        .registration_form
        .required_keys()
        .filter(|k| !r.has(k))
        .map(|k| FieldError {
            field: k.to_owned(),
            message: "is required".to_owned(),
        })
        .collect();
    if !missing.is_empty() {
        return Err(AppError::Validation {
            code: ErrorCode::ValidationError,
            errors: missing,
        });
    }
    let recipient =
        Recipient::for_channel(s.login_channel, r.phone.as_deref(), r.email.as_deref())?;
    let new = NewCustomer {
        name: r.name.clone(),
        phone: r.phone.clone(),
        email: r.email.clone(),
        birth_date: r.date_of_birth.clone(),
        source: Some(
            short("source", r.source.as_ref(), 100)?.unwrap_or_else(|| "storefront".to_owned()),
        ),
        membership_tier: None,
        outlet_id: None,
    };
    let today = merchant.time_zone.local_date(now);
    let mut customer =
        Customer::new(tenant_id, CustomerId::new(), &new, today, now).map_err(|e| match e {
            // The identity rules name the merchant API's `birth_date`; the portal calls it
            // `dateOfBirth`.
            kedai_identity::IdentityError::Invalid {
                field: "birth_date",
                message,
            } => AppError::invalid("dateOfBirth", message),
            other => other.into(),
        })?;
    if let Some(p) = &r.referred_by_phone {
        kedai_identity::Phone::parse(p)
            .map_err(|_| AppError::invalid("referredByPhone", "must be an international number"))?;
    }
    let mut profile = MemberProfile {
        member_no: None,
        last_name: short("lastName", r.last_name.as_ref(), 200)?,
        gender: short("gender", r.gender.as_ref(), 20)?,
        address: short("address", r.address.as_ref(), 500)?,
        district: short("district", r.district.as_ref(), 200)?,
        agree_promotion: r.agree_to_receive_promotion,
        agree_terms: r.agree_to_terms,
        utm_data: r.utm_data.clone(),
        proven: kedai_identity::Proven::default(),
    };
    // Proof before anything is looked up: without it, every number answers alike.
    match r.code.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
        Some(code) => {
            if let Err(check) = prove_code(tx, tenant_id, &recipient, code, now)? {
                return Ok(Err(SignInRefused::Code(check)));
            }
        }
        None => {
            if !tx.claim_registration(tenant_id, recipient.as_str(), now)? {
                return Err(proof_required(&recipient));
            }
        }
    }
    profile.proven.record(&recipient);
    drop_unproven_taken(tx, tenant_id, &recipient, &mut customer)?;
    tx.insert_customer(&customer)?
        .map_err(crate::customers::taken)?;
    let profile = tx.save_member_profile(tenant_id, customer.id, &profile)?;
    tx.append_event(&OutboxEvent {
        tenant_id,
        event_type: "customer.created",
        aggregate_id: customer.id.to_string(),
        payload: json!({
            "customer_id": customer.id.to_string(),
            "name": customer.name,
            "phone": customer.phone.as_ref().map(kedai_identity::Phone::as_str),
            "email": customer.email.as_ref().map(kedai_identity::Email::as_str),
            "source": customer.source,
            "membership_tier": customer.membership_tier,
            "outlet_id": null,
            "created_at": customer.created_at.to_rfc3339(),
        }),
        created_at: now,
    })?;
    start_session(tx, customer, profile, refresh, now).map(Ok)
}

/// Leaves out of the new record the identifier no code proved when another customer has it.
fn drop_unproven_taken(
    tx: &mut dyn UnitOfWork,
    tenant_id: TenantId,
    proven: &Recipient,
    customer: &mut Customer,
) -> Result<(), AppError> {
    let other = match proven {
        Recipient::Phone(_) => customer.email.clone().map(Recipient::Email),
        Recipient::Email(_) => customer.phone.clone().map(Recipient::Phone),
    };
    if let Some(other) = other
        && tx.customer_by_recipient(tenant_id, &other)?.is_some()
    {
        match other {
            Recipient::Phone(_) => customer.phone = None,
            Recipient::Email(_) => customer.email = None,
        }
    }
    Ok(())
}
