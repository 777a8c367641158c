//! Customer sign-in on the customer portal: one-time codes by the merchant's channel,
//! registration, sessions with rotating refresh tokens, sign-out, the per-request session
//! check, and the member profile. Messages go to the message log in the same transaction and
//! are handed to a [`Notifier`] after commit.

use chrono::{DateTime, Utc};
use kedai_core::TenantId;
use kedai_identity::customer_auth::{
    CUSTOMER_SESSION_TTL, OTP_RESEND_COOLDOWN, OTP_TTL, OTP_WINDOW, check_code_shape, hash_otp,
    hashes_match, judge_guess, judge_refresh, may_send_code, otp_code,
};
use kedai_identity::session::hash_refresh_token;
use kedai_identity::{
    Customer, CustomerId, CustomerUpdate, MemberProfile, MessageId, MessageKind, NewCustomer,
    OtpChallenge, OtpChallengeId, OtpCheck, OtpRefusal, OutgoingMessage, Recipient, RefreshCheck,
    RefreshToken, SessionFamily, SessionFamilyId,
};
use serde_json::json;

use crate::identity::tenant;
use crate::storefront::settings;
use crate::{AppError, AuthFailure, OutboxEvent, UnitOfWork};

/// Delivers messages to customers once the transaction that wrote them has committed.
pub trait Notifier: Send + Sync {
    /// Sends one message (best effort: the message log already holds it).
    fn deliver(&self, message: &OutgoingMessage);
}

/// The built-in notifier: writes a line to the log for each message (kind, channel, masked
/// recipient, id; never the text, which may hold a sign-in code). The message log that owners
/// read at `GET /v1/notifications` holds the full message.
#[derive(Debug, Clone, Copy, Default)]
pub struct LogNotifier;

/// A recipient with all but the last four characters masked.
#[must_use]
pub fn mask(recipient: &str) -> String {
    let n = recipient.chars().count();
    recipient
        .chars()
        .enumerate()
        .map(|(i, c)| if i + 4 < n && c != '@' { '*' } else { c })
        .collect()
}

impl Notifier for LogNotifier {
    fn deliver(&self, m: &OutgoingMessage) {
        tracing::info!(
            message.id = %m.id,
            message.kind = m.kind.as_str(),
            message.channel = m.channel.as_str(),
            message.recipient = %mask(&m.recipient),
            tenant.id = %m.tenant_id,
            "message sent"
        );
    }
}

/// A random seed for a one-time code, from the system's random source.
///
/// # Errors
/// [`AppError::Storage`] when the random source fails.
pub fn random_seed() -> Result<u64, AppError> {
    let mut bytes = [0_u8; 8];
    getrandom::fill(&mut bytes)
        .map_err(|e| AppError::Storage(kedai_core::StorageError::other(e.to_string())))?;
    Ok(u64::from_le_bytes(bytes))
}

/// A signed-in customer as an access token names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CustomerCaller {
    /// Their merchant.
    pub tenant: TenantId,
    /// The customer.
    pub customer: CustomerId,
    /// Their session (the token's `sid`).
    pub session: SessionFamilyId,
}

/// A fresh customer session.
#[derive(Debug, Clone)]
pub struct CustomerSession {
    /// The customer.
    pub customer: Customer,
    /// The session.
    pub family: SessionFamily,
    /// The refresh token, shown once.
    pub refresh: RefreshToken,
    /// Their member fields.
    pub profile: MemberProfile,
}

impl CustomerSession {
    /// The caller the access token for this session names.
    #[must_use]
    pub fn caller(&self) -> CustomerCaller {
        CustomerCaller {
            tenant: self.family.tenant_id,
            customer: self.customer.id,
            session: self.family.id,
        }
    }
}

/// Why a code did not sign the customer in. The transaction still commits (the guess is
/// counted), so these are values, not errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInRefused {
    /// The code check failed.
    Code(OtpCheck),
    /// The code was right but no customer of the merchant has this phone or e-mail.
    NotRegistered,
}

/// Sends a sign-in code: checks the identifier against the merchant's channel, refuses within
/// the resend cool-down or past the hourly cap, stores the code's hash and records the message.
/// `random` seeds the code. Returns the message to deliver after commit. The code goes to any
/// well-formed phone or e-mail, registered or not, so the answer does not tell who is a member.
///
/// # Errors
/// [`AppError::Validation`] naming `phone`, `email`; [`AppError::Throttled`] `OTP_COOLDOWN` or
/// `OTP_RATE_LIMITED`.
pub fn request_otp(
    tx: &mut dyn UnitOfWork,
    tenant_id: TenantId,
    phone: Option<&str>,
    email: Option<&str>,
    random: u64,
    now: DateTime<Utc>,
) -> Result<OutgoingMessage, AppError> {
    let merchant = tenant(tx, tenant_id)?;
    let s = settings(tx, tenant_id, now)?;
    let recipient = Recipient::for_channel(s.login_channel, phone, email)?;
    let sent = tx.otp_sent_since(tenant_id, recipient.as_str(), now - OTP_WINDOW)?;
    match may_send_code(&sent, now) {
        Ok(()) => {}
        Err(OtpRefusal::Cooldown { retry_after }) => {
            return Err(AppError::Throttled {
                code: "OTP_COOLDOWN",
                message: format!("a code was sent moments ago; ask again in {retry_after} s"),
                retry_after,
            });
        }
        Err(OtpRefusal::TooMany { retry_after }) => {
            return Err(AppError::Throttled {
                code: "OTP_RATE_LIMITED",
                message: format!(
                    "too many codes were sent to this recipient; ask again in {retry_after} s"
                ),
                retry_after,
            });
        }
    }
    // The read above may be stale under concurrency; the guarded claim is not: of requests
    // racing for one recipient, one sends and the others wait out the cool-down.
    if !tx.claim_otp_send(
        tenant_id,
        recipient.as_str(),
        now - OTP_RESEND_COOLDOWN,
        now,
    )? {
        return Err(AppError::Throttled {
            code: "OTP_COOLDOWN",
            message: format!(
                "a code was sent moments ago; ask again in {} s",
                OTP_RESEND_COOLDOWN.num_seconds()
            ),
            retry_after: OTP_RESEND_COOLDOWN.num_seconds(),
        });
    }
    let id = OtpChallengeId::new();
    let code = otp_code(random);
    tx.insert_otp(&OtpChallenge {
        id,
        tenant_id,
        channel: s.login_channel,
        recipient: recipient.as_str().to_owned(),
        code_hash: hash_otp(id, &code),
        attempts: 0,
        created_at: now,
        expires_at: now + OTP_TTL,
        consumed_at: None,
    })?;
    let brand = s.brand_name.unwrap_or(merchant.name);
    let message = OutgoingMessage {
        id: MessageId::new(),
        tenant_id,
        kind: MessageKind::Otp,
        channel: s.login_channel,
        recipient: recipient.as_str().to_owned(),
        subject: (!s.login_channel.uses_phone()).then(|| format!("Your {brand} sign-in code")),
        body: format!(
            "{code} is your {brand} sign-in code. It expires in {} minutes. Do not share it.",
            OTP_TTL.num_minutes()
        ),
        reference: Some(id.to_string()),
        created_at: now,
    };
    tx.record_message(&message)?;
    Ok(message)
}

fn start_session(
    tx: &mut dyn UnitOfWork,
    customer: Customer,
    refresh: RefreshToken,
    now: DateTime<Utc>,
) -> Result<CustomerSession, AppError> {
    let family = SessionFamily {
        id: SessionFamilyId::new(),
        tenant_id: customer.tenant_id,
        customer_id: customer.id,
        created_at: now,
        expires_at: now + CUSTOMER_SESSION_TTL,
        revoked_at: None,
    };
    tx.insert_session_family(&family, &refresh.hash())?;
    let mut profile = tx.member_profile(customer.tenant_id, customer.id)?;
    if profile.member_no.is_none() {
        profile = tx.save_member_profile(customer.tenant_id, customer.id, &profile)?;
    }
    Ok(CustomerSession {
        customer,
        family,
        refresh,
        profile,
    })
}

/// Checks a code and, when it is right, starts a session for the customer with that phone or
/// e-mail. Every guess is counted before the code is compared (one guarded update), so
/// however many guesses race, at most five are ever compared.
///
/// # Errors
/// [`AppError::Validation`] naming `phone`, `email` or `otp`; [`AppError::Storage`].
pub fn verify_otp(
    tx: &mut dyn UnitOfWork,
    tenant_id: TenantId,
    phone: Option<&str>,
    email: Option<&str>,
    code: &str,
    refresh: RefreshToken,
    now: DateTime<Utc>,
) -> Result<Result<CustomerSession, SignInRefused>, AppError> {
    tenant(tx, tenant_id)?;
    let s = settings(tx, tenant_id, now)?;
    let recipient = Recipient::for_channel(s.login_channel, phone, email)?;
    let code = check_code_shape(code)?;
    let Some(mut challenge) = tx.latest_open_otp(tenant_id, recipient.as_str())? else {
        return Ok(Err(SignInRefused::Code(OtpCheck::NoChallenge)));
    };
    let counted = tx.count_otp_attempt(tenant_id, challenge.id)?;
    if counted {
        challenge.attempts += 1;
    }
    let matches = hashes_match(&hash_otp(challenge.id, code), &challenge.code_hash);
    match judge_guess(Some(&challenge), counted, matches, now) {
        OtpCheck::Verified => {}
        other => return Ok(Err(SignInRefused::Code(other))),
    }
    if !tx.consume_otp(tenant_id, challenge.id, now)? {
        return Ok(Err(SignInRefused::Code(OtpCheck::NoChallenge)));
    }
    let Some(id) = tx.customer_by_recipient(tenant_id, &recipient)? else {
        return Ok(Err(SignInRefused::NotRegistered));
    };
    let customer = tx
        .find_customer(tenant_id, id)?
        .ok_or_else(|| AppError::not_found("customer", id))?;
    start_session(tx, customer, refresh, now).map(Ok)
}

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

fn short(field: &'static str, v: Option<&String>, max: usize) -> Result<Option<String>, AppError> {
    match v.map(|v| v.trim()).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) if v.chars().count() <= max => Ok(Some(v.to_owned())),
        Some(_) => Err(AppError::invalid(
            field,
            format!("must be at most {max} characters"),
        )),
    }
}

/// Registers a customer from the storefront: the fields the merchant's form requires must be
/// filled; the record is the one the merchant API shows (`customer.created` in the outbox), and
/// a phone or e-mail another customer of the merchant has is refused. Starts a session.
///
/// # Errors
/// [`AppError::Validation`] naming the field; [`AppError::Conflict`] `CUSTOMER_PHONE_TAKEN` or
/// `CUSTOMER_EMAIL_TAKEN`.
pub fn register(
    tx: &mut dyn UnitOfWork,
    tenant_id: TenantId,
    r: &Registration,
    refresh: RefreshToken,
    now: DateTime<Utc>,
) -> Result<CustomerSession, AppError> {
    let merchant = tenant(tx, tenant_id)?;
    let s = settings(tx, tenant_id, now)?;
    let missing: Vec<_> = s
        .registration_form
        .required_keys()
        .filter(|k| !r.has(k))
        .map(|k| crate::FieldError {
            field: k.to_owned(),
            message: "is required".to_owned(),
        })
        .collect();
    if !missing.is_empty() {
        return Err(AppError::Validation {
            code: "VALIDATION_ERROR",
            errors: missing,
        });
    }
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
    let customer =
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
    let profile = MemberProfile {
        member_no: None,
        last_name: short("lastName", r.last_name.as_ref(), 200)?,
        gender: short("gender", r.gender.as_ref(), 20)?,
        address: short("address", r.address.as_ref(), 500)?,
        district: short("district", r.district.as_ref(), 200)?,
        agree_promotion: r.agree_to_receive_promotion,
        agree_terms: r.agree_to_terms,
        utm_data: r.utm_data.clone(),
    };
    tx.insert_customer(&customer)?
        .map_err(crate::customers::taken)?;
    tx.save_member_profile(tenant_id, customer.id, &profile)?;
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
    start_session(tx, customer, refresh, now)
}

/// Exchanges a refresh token for the next one of its session. A token that was used already
/// revokes the whole session (someone replayed it), and the revocation commits.
///
/// # Errors
/// [`AppError::Storage`].
pub fn refresh(
    tx: &mut dyn UnitOfWork,
    tenant_id: TenantId,
    token: &str,
    next: RefreshToken,
    now: DateTime<Utc>,
) -> Result<Result<CustomerSession, RefreshCheck>, AppError> {
    let old = hash_refresh_token(token);
    let found = tx.refresh_token(tenant_id, &old)?;
    let check = judge_refresh(found.as_ref().map(|(f, used)| (f, *used)), now);
    let family = match (check, found) {
        (RefreshCheck::Rotate, Some((family, _))) => family,
        (RefreshCheck::Reused, Some((family, _))) => {
            tx.revoke_session_family(tenant_id, family.id, "refresh_token_reused", now)?;
            return Ok(Err(RefreshCheck::Reused));
        }
        (other, _) => return Ok(Err(other)),
    };
    if !tx.rotate_refresh_token(&family, &old, &next.hash(), now)? {
        // Used between the read and the update: a replay racing the rightful holder.
        tx.revoke_session_family(tenant_id, family.id, "refresh_token_reused", now)?;
        return Ok(Err(RefreshCheck::Reused));
    }
    let customer = tx
        .find_customer(tenant_id, family.customer_id)?
        .ok_or_else(|| AppError::not_found("customer", family.customer_id))?;
    let profile = tx.member_profile(tenant_id, customer.id)?;
    Ok(Ok(CustomerSession {
        customer,
        family,
        refresh: next,
        profile,
    }))
}

/// Ends the caller's session: its access and refresh tokens stop working.
///
/// # Errors
/// [`AppError::Storage`].
pub fn logout(
    tx: &mut dyn UnitOfWork,
    caller: CustomerCaller,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    tx.revoke_session_family(caller.tenant, caller.session, "logout", now)?;
    Ok(())
}

/// The per-request check of a customer access token: its session must be live.
///
/// # Errors
/// [`AppError::Unauthenticated`] `InvalidToken` for an ended or unknown session.
pub fn authenticate(
    tx: &mut dyn UnitOfWork,
    caller: CustomerCaller,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    match tx.session_family(caller.tenant, caller.customer, caller.session)? {
        Some(f) if f.is_live(now) => Ok(()),
        _ => Err(AppError::Unauthenticated(AuthFailure::InvalidToken)),
    }
}

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

/// The caller's member record.
///
/// # Errors
/// [`AppError::NotFound`] `customer` when the record is gone.
pub fn profile(tx: &mut dyn UnitOfWork, caller: CustomerCaller) -> Result<Member, AppError> {
    let customer = tx
        .find_customer(caller.tenant, caller.customer)?
        .ok_or_else(|| AppError::not_found("customer", caller.customer))?;
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
}

/// Changes the caller's own member record. The identifier the merchant signs customers in by
/// cannot be removed (they could not sign in again), and phone and e-mail stay unique.
///
/// # Errors
/// [`AppError::Validation`] naming the field; [`AppError::Conflict`] `CUSTOMER_PHONE_TAKEN` or
/// `CUSTOMER_EMAIL_TAKEN`.
pub fn update_profile(
    tx: &mut dyn UnitOfWork,
    caller: CustomerCaller,
    change: &ProfileChange,
    now: DateTime<Utc>,
) -> Result<Member, AppError> {
    let merchant = tenant(tx, caller.tenant)?;
    let s = settings(tx, caller.tenant, now)?;
    let mut member = profile(tx, caller)?;
    let clears = |v: &Option<Option<String>>| {
        matches!(v, Some(None)) || matches!(v, Some(Some(t)) if t.trim().is_empty())
    };
    if s.login_channel.uses_phone() && clears(&change.phone) {
        return Err(AppError::invalid(
            "phone",
            "is how you sign in; it cannot be removed",
        ));
    }
    if !s.login_channel.uses_phone() && clears(&change.email) {
        return Err(AppError::invalid(
            "email",
            "is how you sign in; it cannot be removed",
        ));
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
    Ok(member)
}

#[cfg(test)]
mod tests {
    use super::mask;

    #[test]
    fn recipients_are_masked_but_for_the_last_four() {
        assert_eq!(mask("+85290001234"), "********1234");
        assert_eq!(mask("amy@example.com"), "***@*******.com");
        assert_eq!(mask("abc"), "abc");
    }
}
