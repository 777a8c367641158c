//! Customer sign-in on the customer portal: one-time codes by the merchant's channel, proof of
//! a phone or e-mail by its code, sessions with rotating refresh tokens, sign-out and the
//! per-request session check. Messages go to the message log in the same transaction, which queues
//! their sending by the outbox worker ([`crate::jobs`]). Registration is in [`crate::registration`], the
//! member's own record in [`crate::members`].

use crate::Entity;
use chrono::{DateTime, Utc};
use kedai_core::ErrorCode;
use kedai_core::TenantId;
use kedai_identity::customer_auth::{
    CUSTOMER_SESSION_TTL, OTP_RESEND_COOLDOWN, OTP_TTL, OTP_WINDOW, check_code_shape, hash_otp,
    hashes_match, judge_guess, judge_refresh, may_send_code, otp_code,
};
use kedai_identity::session::hash_refresh_token;
use kedai_identity::verification::REGISTRATION_WINDOW;
use kedai_identity::{
    Customer, CustomerId, LoginChannel, MemberProfile, MessageId, MessageKind, OtpChallenge,
    OtpChallengeId, OtpCheck, OtpRefusal, OutgoingMessage, Recipient, RefreshCheck, RefreshToken,
    SessionFamily, SessionFamilyId,
};

use crate::storefront::settings;
use crate::{AppError, AuthFailure, UnitOfWork};
use kedai_identity::Tenant;

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
    /// The refresh token, shown once; none when an access token was renewed without one.
    pub refresh: Option<RefreshToken>,
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

/// Why a code did not sign the customer in (or register them, or prove a new identifier). The
/// transaction still commits (the guess is counted), so these are values, not errors.
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
    merchant: &Tenant,
    phone: Option<&str>,
    email: Option<&str>,
    random: u64,
    now: DateTime<Utc>,
) -> Result<OutgoingMessage, AppError> {
    let tenant_id = merchant.id;
    let s = settings(tx, tenant_id, now)?;
    let recipient = Recipient::for_channel(s.login_channel, phone, email)?;
    let code = CodeMessage {
        channel: s.login_channel,
        brand: s.brand_name.unwrap_or_else(|| merchant.name.clone()),
        purpose: "sign-in",
    };
    send_code(tx, tenant_id, &recipient, &code, random, now)
}

/// How a one-time code is worded and sent.
pub(crate) struct CodeMessage {
    /// The channel it goes by.
    pub(crate) channel: LoginChannel,
    /// The merchant's brand.
    pub(crate) brand: String,
    /// What the code is for (`sign-in`, `verification`).
    pub(crate) purpose: &'static str,
}

/// Sends a code to `recipient`: refuses within the resend cool-down or past the hourly cap,
/// stores the code's hash and records the message to deliver after commit.
pub(crate) fn send_code(
    tx: &mut dyn UnitOfWork,
    tenant_id: TenantId,
    recipient: &Recipient,
    how: &CodeMessage,
    random: u64,
    now: DateTime<Utc>,
) -> Result<OutgoingMessage, AppError> {
    let sent = tx.otp_sent_since(tenant_id, recipient.as_str(), now - OTP_WINDOW)?;
    match may_send_code(&sent, now) {
        Ok(()) => {}
        Err(OtpRefusal::Cooldown { retry_after }) => {
            return Err(AppError::Throttled {
                code: ErrorCode::OtpCooldown,
                message: format!("a code was sent moments ago; ask again in {retry_after} s"),
                retry_after,
            });
        }
        Err(OtpRefusal::TooMany { retry_after }) => {
            return Err(AppError::Throttled {
                code: ErrorCode::OtpRateLimited,
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
            code: ErrorCode::OtpCooldown,
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
        channel: how.channel,
        recipient: recipient.as_str().to_owned(),
        code_hash: hash_otp(id, &code),
        attempts: 0,
        created_at: now,
        expires_at: now + OTP_TTL,
        consumed_at: None,
    })?;
    let (brand, purpose) = (&how.brand, how.purpose);
    let message = OutgoingMessage {
        id: MessageId::new(),
        tenant_id,
        kind: MessageKind::Otp,
        channel: how.channel,
        recipient: recipient.as_str().to_owned(),
        subject: (!how.channel.uses_phone()).then(|| format!("Your {brand} {purpose} code")),
        body: format!(
            "{code} is your {brand} {purpose} code. It expires in {} minutes. Do not share it.",
            OTP_TTL.num_minutes()
        ),
        reference: Some(id.to_string()),
        created_at: now,
    };
    crate::jobs::queue_message(tx, &message)?;
    Ok(message)
}

/// Checks a code typed for `recipient` against their newest unused code and uses it up when
/// it is right. Every guess is counted before the code is compared (one guarded update), so
/// however many guesses race, at most five are ever compared. A refusal is a value: the
/// transaction must commit so the guess stays counted.
///
/// # Errors
/// [`AppError::Validation`] naming `otp` for a code that is not 6 digits;
/// [`AppError::Storage`].
pub(crate) fn prove_code(
    tx: &mut dyn UnitOfWork,
    tenant_id: TenantId,
    recipient: &Recipient,
    code: &str,
    now: DateTime<Utc>,
) -> Result<Result<OtpChallengeId, OtpCheck>, AppError> {
    let code = check_code_shape(code)?;
    let Some(mut challenge) = tx.latest_open_otp(tenant_id, recipient.as_str())? else {
        return Ok(Err(OtpCheck::NoChallenge));
    };
    let counted = tx.count_otp_attempt(tenant_id, challenge.id)?;
    if counted {
        challenge.attempts += 1;
    }
    let matches = hashes_match(&hash_otp(challenge.id, code), &challenge.code_hash);
    match judge_guess(Some(&challenge), counted, matches, now) {
        OtpCheck::Verified => {}
        other => return Ok(Err(other)),
    }
    if !tx.consume_otp(tenant_id, challenge.id, now)? {
        return Ok(Err(OtpCheck::NoChallenge));
    }
    Ok(Ok(challenge.id))
}

pub(crate) fn start_session(
    tx: &mut dyn UnitOfWork,
    customer: Customer,
    mut profile: MemberProfile,
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
    if profile.member_no.is_none() {
        profile = tx.save_member_profile(customer.tenant_id, customer.id, &profile)?;
    }
    Ok(CustomerSession {
        customer,
        family,
        refresh: Some(refresh),
        profile,
    })
}

/// Checks a code and, when it is right, starts a session for the customer with that phone or
/// e-mail (see `prove_code`). A right code for someone who is not a member lets them
/// register within [`REGISTRATION_WINDOW`]. A right code for a member whose record holds that
/// identifier without proof (typed in by someone else) claims it: every session of the record
/// issued before ends.
///
/// # Errors
/// [`AppError::Validation`] naming `phone`, `email` or `otp`; [`AppError::Storage`].
pub fn verify_otp(
    tx: &mut dyn UnitOfWork,
    merchant: &Tenant,
    phone: Option<&str>,
    email: Option<&str>,
    code: &str,
    refresh: RefreshToken,
    now: DateTime<Utc>,
) -> Result<Result<CustomerSession, SignInRefused>, AppError> {
    let tenant_id = merchant.id;
    let s = settings(tx, tenant_id, now)?;
    let recipient = Recipient::for_channel(s.login_channel, phone, email)?;
    let challenge = match prove_code(tx, tenant_id, &recipient, code, now)? {
        Ok(id) => id,
        Err(check) => return Ok(Err(SignInRefused::Code(check))),
    };
    let Some(id) = tx.customer_by_recipient(tenant_id, &recipient)? else {
        tx.open_registration(tenant_id, challenge, now + REGISTRATION_WINDOW)?;
        return Ok(Err(SignInRefused::NotRegistered));
    };
    let customer = tx
        .find_customer(tenant_id, id)?
        .ok_or_else(|| AppError::not_found(Entity::Customer, id))?;
    let mut profile = tx.member_profile(tenant_id, id)?;
    if !profile.proven.proves(&recipient) {
        tx.revoke_customer_sessions(tenant_id, id, "identifier_reclaimed", now)?;
        profile.proven.record(&recipient);
        profile = tx.save_member_profile(tenant_id, id, &profile)?;
    }
    start_session(tx, customer, profile, refresh, now).map(Ok)
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
        .ok_or_else(|| AppError::not_found(Entity::Customer, family.customer_id))?;
    let profile = tx.member_profile(tenant_id, customer.id)?;
    Ok(Ok(CustomerSession {
        customer,
        family,
        refresh: Some(next),
        profile,
    }))
}

/// Renews the access token of a live session from the access token itself, as 004's
/// `/auth/refresh` with only the bearer does: the session goes on; no refresh token is issued
/// (that takes the refresh token), so a renewal never outlives the session or its revocation.
///
/// # Errors
/// [`AppError::Unauthenticated`] `InvalidToken` for an ended or unknown session;
/// [`AppError::Storage`].
pub fn renew(
    tx: &mut dyn UnitOfWork,
    caller: CustomerCaller,
    now: DateTime<Utc>,
) -> Result<CustomerSession, AppError> {
    let family = tx
        .session_family(caller.tenant, caller.customer, caller.session)?
        .filter(|f| f.is_live(now))
        .ok_or(AppError::Unauthenticated(AuthFailure::InvalidToken))?;
    let customer = tx
        .find_customer(caller.tenant, caller.customer)?
        .ok_or(AppError::Unauthenticated(AuthFailure::InvalidToken))?;
    let profile = tx.member_profile(caller.tenant, caller.customer)?;
    Ok(CustomerSession {
        customer,
        family,
        refresh: None,
        profile,
    })
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
