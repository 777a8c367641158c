//! The signed-in member's own record on the customer portal: reading it, changing it, and the
//! codes that prove a new phone or e-mail before it is bound to the record.

use crate::Entity;
use chrono::{DateTime, Utc};
use kedai_core::ErrorCode;
use kedai_identity::verification::{check_keeps_sign_in, identifier_change};
use kedai_identity::{
    Customer, CustomerUpdate, IdentifierChange, IdentifierKind, MemberProfile, OtpCheck,
    OutgoingMessage, Recipient,
};

use crate::customer_auth::{CodeMessage, CustomerCaller, prove_code, send_code};
use crate::storefront::settings;
use crate::{AppError, FieldError, UnitOfWork};
use kedai_identity::Tenant;

/// A member as the portal shows them.
#[derive(Debug, Clone)]
pub struct Member {
    /// The customer record.
    pub customer: Customer,
    /// Their member fields.
    pub profile: MemberProfile,
    /// Points balance (Σ of the points ledger).
    pub points: i64,
    /// The tier definition their membership tier names, when the merchant has one.
    pub tier: Option<kedai_loyalty::Tier>,
}

/// A trimmed optional text of at most `max` characters; blank is absent.
pub(crate) fn short(
    field: &'static str,
    v: Option<&String>,
    max: usize,
) -> Result<Option<String>, AppError> {
    match v.map(|v| v.trim()).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) if v.chars().count() <= max => Ok(Some(v.to_owned())),
        Some(_) => Err(AppError::invalid(
            field,
            format!("must be at most {max} characters"),
        )),
    }
}

/// A text that is there and not blank, trimmed.
fn given(v: Option<&str>) -> Option<&str> {
    v.map(str::trim).filter(|v| !v.is_empty())
}

/// The caller's member record.
///
/// # Errors
/// [`AppError::NotFound`] `customer` when the record is gone.
pub fn profile(tx: &mut dyn UnitOfWork, caller: CustomerCaller) -> Result<Member, AppError> {
    let customer = tx
        .find_customer(caller.tenant, caller.customer)?
        .ok_or_else(|| AppError::not_found(Entity::Customer, caller.customer))?;
    let profile = tx.member_profile(caller.tenant, caller.customer)?;
    let points = tx
        .customer_stats(caller.tenant, &[caller.customer])?
        .first()
        .map_or(0, |s| s.points_balance);
    // A customer's tier is held by name (003's `membership_tier`); the definitions are few.
    let tier = match customer.membership_tier.as_deref() {
        Some(name) => tx
            .list_tiers(caller.tenant)?
            .into_iter()
            .find(|t| t.draft.name.eq_ignore_ascii_case(name.trim())),
        None => None,
    };
    Ok(Member {
        customer,
        profile,
        points,
        tier,
    })
}

/// Sends a code to a phone or e-mail the signed-in member wants to change to: a phone by the
/// merchant's phone channel (SMS when the merchant signs in by e-mail), an e-mail by e-mail.
/// The same cool-down and caps as sign-in codes apply, and it is sent whoever holds the
/// identifier, so the answer tells nothing about other members.
///
/// # Errors
/// [`AppError::Validation`] unless exactly one of `phone` and `email` is given, well formed;
/// [`AppError::Throttled`] `OTP_COOLDOWN` or `OTP_RATE_LIMITED`.
pub fn request_identifier_code(
    tx: &mut dyn UnitOfWork,
    merchant: &Tenant,
    caller: CustomerCaller,
    phone: Option<&str>,
    email: Option<&str>,
    random: u64,
    now: DateTime<Utc>,
) -> Result<OutgoingMessage, AppError> {
    let recipient = match (given(phone), given(email)) {
        (Some(p), None) => Recipient::parse(IdentifierKind::Phone, p)?,
        (None, Some(e)) => Recipient::parse(IdentifierKind::Email, e)?,
        _ => {
            return Err(AppError::invalid(
                "phone",
                "give either the new phone or the new email",
            ));
        }
    };
    let s = settings(tx, caller.tenant, now)?;
    let how = CodeMessage {
        channel: recipient.kind().channel(s.login_channel),
        brand: s.brand_name.unwrap_or_else(|| merchant.name.clone()),
        purpose: "verification",
    };
    send_code(tx, caller.tenant, &recipient, &how, random, now)
}

/// A change a member makes to their own record; `None` leaves a field.
#[derive(Debug, Clone, Default)]
pub struct ProfileChange {
    /// Name.
    pub name: Option<String>,
    /// Family name (`Some(None)` clears).
    pub last_name: Option<Option<String>>,
    /// E-mail (`Some(None)` clears, unless it is the merchant's sign-in channel).
    pub email: Option<Option<String>>,
    /// Phone (`Some(None)` clears, unless it is the merchant's sign-in channel).
    pub phone: Option<Option<String>>,
    /// Gender.
    pub gender: Option<Option<String>>,
    /// `YYYY-MM-DD`.
    pub date_of_birth: Option<Option<String>>,
    /// Address.
    pub address: Option<Option<String>>,
    /// District.
    pub district: Option<Option<String>>,
    /// Promotions consent.
    pub agree_to_receive_promotion: Option<bool>,
    /// The code sent to a new phone.
    pub phone_code: Option<String>,
    /// The code sent to a new e-mail.
    pub email_code: Option<String>,
}

/// What a change does to one identifier, and the code that proves a new one.
struct Step<'a> {
    kind: IdentifierKind,
    change: IdentifierChange,
    code: Option<&'a str>,
}

/// Changes the caller's own member record. A new phone or e-mail is bound only with the code
/// sent to it (see [`request_identifier_code`]); without one the change is refused before
/// anything is looked up, so it cannot test whether another member has it. The identifier the
/// merchant signs customers in by cannot be removed, and phone and e-mail stay unique.
///
/// # Errors
/// [`AppError::Validation`] naming the field, `OTP_VERIFICATION_REQUIRED` for a new phone or
/// e-mail without its code; [`AppError::Conflict`] `CUSTOMER_PHONE_TAKEN` or
/// `CUSTOMER_EMAIL_TAKEN` for a proven identifier another member has. A wrong code is an
/// [`OtpCheck`] value, so that the guess stays counted.
pub fn update_profile(
    tx: &mut dyn UnitOfWork,
    merchant: &Tenant,
    caller: CustomerCaller,
    change: &ProfileChange,
    now: DateTime<Utc>,
) -> Result<Result<Member, OtpCheck>, AppError> {
    let s = settings(tx, caller.tenant, now)?;
    let mut member = profile(tx, caller)?;
    let phone = Step {
        kind: IdentifierKind::Phone,
        change: identifier_change(
            IdentifierKind::Phone,
            member
                .customer
                .phone
                .as_ref()
                .map(kedai_identity::Phone::as_str),
            change.phone.as_ref().map(Option::as_deref),
        )?,
        code: given(change.phone_code.as_deref()),
    };
    let email = Step {
        kind: IdentifierKind::Email,
        change: identifier_change(
            IdentifierKind::Email,
            member
                .customer
                .email
                .as_ref()
                .map(kedai_identity::Email::as_str),
            change.email.as_ref().map(Option::as_deref),
        )?,
        code: given(change.email_code.as_deref()),
    };
    let mut unproven = Vec::new();
    for step in [&phone, &email] {
        let kind = step.kind;
        check_keeps_sign_in(s.login_channel, kind, &step.change)?;
        if matches!(step.change, IdentifierChange::Replaced(_)) && step.code.is_none() {
            unproven.push(FieldError {
                field: kind.field().to_owned(),
                message: format!(
                    "must be verified: ask for a code at /profile/verification-code and send \
                     it as `{}Otp`",
                    kind.field()
                ),
            });
        }
    }
    if !unproven.is_empty() {
        return Err(AppError::Validation {
            code: ErrorCode::OtpVerificationRequired,
            errors: unproven,
        });
    }
    let update = CustomerUpdate {
        name: change.name.clone(),
        phone: change.phone.clone(),
        email: change.email.clone(),
        birth_date: change.date_of_birth.clone(),
        ..CustomerUpdate::default()
    };
    member
        .customer
        .apply(&update, merchant.time_zone.local_date(now), now)
        .map_err(|e| match e {
            kedai_identity::IdentityError::Invalid {
                field: "birth_date",
                message,
            } => AppError::invalid("dateOfBirth", message),
            other => other.into(),
        })?;
    let p = &mut member.profile;
    for step in [&phone, &email] {
        match (&step.change, step.code) {
            (IdentifierChange::Replaced(next), Some(code)) => {
                if let Err(check) = prove_code(tx, caller.tenant, next, code, now)? {
                    return Ok(Err(check));
                }
                p.proven.record(next);
            }
            (IdentifierChange::Cleared, _) => match step.kind {
                IdentifierKind::Phone => p.proven.phone = None,
                IdentifierKind::Email => p.proven.email = None,
            },
            _ => {}
        }
    }
    if let Some(v) = &change.last_name {
        p.last_name = short("lastName", v.as_ref(), 200)?;
    }
    if let Some(v) = &change.gender {
        p.gender = short("gender", v.as_ref(), 20)?;
    }
    if let Some(v) = &change.address {
        p.address = short("address", v.as_ref(), 500)?;
    }
    if let Some(v) = &change.district {
        p.district = short("district", v.as_ref(), 200)?;
    }
    if let Some(v) = change.agree_to_receive_promotion {
        p.agree_promotion = v;
    }
    tx.update_customer(&member.customer)?
        .map_err(crate::customers::taken)?;
    member.profile = tx.save_member_profile(caller.tenant, caller.customer, &member.profile)?;
    Ok(Ok(member))
}
