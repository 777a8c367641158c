//! Customer sign-in: one-time codes (hashed, expiring, a few attempts, a resend cool-down and a
//! cap per recipient), customer sessions as refresh-token families (each refresh rotates the
//! token; presenting a used one revokes the family) and the member fields registration collects.

use chrono::{DateTime, Duration, Utc};
use kedai_core::{StorageError, TenantId, uuid_id};
use sha2::{Digest, Sha256};

pub use crate::recipient::Recipient;
use crate::verification::Proven;
use crate::{CustomerId, IdentityError, LoginChannel, invalid};

/// Digits in a one-time code.
pub const OTP_DIGITS: usize = 6;
/// How long a code can be used.
pub const OTP_TTL: Duration = Duration::minutes(5);
/// Wrong guesses a code survives; the next is refused without looking at the code.
pub const OTP_MAX_ATTEMPTS: i32 = 5;
/// The least time between two codes for one recipient.
pub const OTP_RESEND_COOLDOWN: Duration = Duration::seconds(60);
/// The window [`OTP_MAX_PER_WINDOW`] counts codes over.
pub const OTP_WINDOW: Duration = Duration::hours(1);
/// Codes one recipient may be sent per [`OTP_WINDOW`].
pub const OTP_MAX_PER_WINDOW: usize = 5;
/// Lifetime of a customer access token.
pub const CUSTOMER_ACCESS_TTL_SECONDS: i64 = 900;
/// Lifetime of a customer session (its refresh tokens), from sign-in.
pub const CUSTOMER_SESSION_TTL: Duration = Duration::days(30);

uuid_id!(
    /// A one-time code challenge.
    OtpChallengeId
);
uuid_id!(
    /// A customer session: the family of refresh tokens one sign-in starts.
    SessionFamilyId
);

/// The stored hash of a code: SHA-256 over the challenge id and the code, so equal codes of
/// different challenges hash differently. The code itself is never stored.
#[must_use]
pub fn hash_otp(challenge: OtpChallengeId, code: &str) -> String {
    let digest = Sha256::digest(format!("{challenge}:{}", code.trim()).as_bytes());
    digest.iter().fold(String::with_capacity(64), |mut s, b| {
        use std::fmt::Write;
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// Compares two hashes in time independent of where they differ.
#[must_use]
pub fn hashes_match(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// A code from random bytes: [`OTP_DIGITS`] decimal digits, uniform enough (the bias of a
/// 64-bit value modulo 10⁶ is below 10⁻¹³).
#[must_use]
pub fn otp_code(random: u64) -> String {
    format!("{:06}", random % 1_000_000)
}

/// Checks the shape of a code a customer typed.
///
/// # Errors
/// [`IdentityError::Invalid`] naming `otp`.
pub fn check_code_shape(code: &str) -> Result<&str, IdentityError> {
    let code = code.trim();
    if code.len() == OTP_DIGITS && code.bytes().all(|b| b.is_ascii_digit()) {
        Ok(code)
    } else {
        Err(invalid("otp", "must be the 6-digit code that was sent"))
    }
}

/// A code sent to a recipient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OtpChallenge {
    /// Id.
    pub id: OtpChallengeId,
    /// Owner.
    pub tenant_id: TenantId,
    /// Channel it went by.
    pub channel: LoginChannel,
    /// Normalised recipient.
    pub recipient: String,
    /// [`hash_otp`] of the code.
    pub code_hash: String,
    /// Guesses made so far.
    pub attempts: i32,
    /// Sent.
    pub created_at: DateTime<Utc>,
    /// Usable until.
    pub expires_at: DateTime<Utc>,
    /// When it was used to sign in.
    pub consumed_at: Option<DateTime<Utc>>,
}

/// Why no new code is sent now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OtpRefusal {
    /// A code went to this recipient less than [`OTP_RESEND_COOLDOWN`] ago.
    Cooldown {
        /// Seconds until one may be sent.
        retry_after: i64,
    },
    /// [`OTP_MAX_PER_WINDOW`] codes went to this recipient within [`OTP_WINDOW`].
    TooMany {
        /// Seconds until one may be sent.
        retry_after: i64,
    },
}

/// Whether a new code may go to a recipient who was sent codes at `sent` (any order) now.
///
/// # Errors
/// The [`OtpRefusal`] that applies; the cool-down is reported first.
pub fn may_send_code(sent: &[DateTime<Utc>], now: DateTime<Utc>) -> Result<(), OtpRefusal> {
    let secs = |d: Duration| d.num_seconds().max(1);
    if let Some(last) = sent.iter().max() {
        let ready = *last + OTP_RESEND_COOLDOWN;
        if ready > now {
            return Err(OtpRefusal::Cooldown {
                retry_after: secs(ready - now),
            });
        }
    }
    let mut recent: Vec<_> = sent.iter().filter(|t| **t > now - OTP_WINDOW).collect();
    if recent.len() >= OTP_MAX_PER_WINDOW {
        recent.sort();
        let oldest_counted = *recent[recent.len() - OTP_MAX_PER_WINDOW];
        return Err(OtpRefusal::TooMany {
            retry_after: secs(oldest_counted + OTP_WINDOW - now),
        });
    }
    Ok(())
}

/// What a guess at a code comes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OtpCheck {
    /// Right, in time: sign in.
    Verified,
    /// Wrong; `remaining` guesses are left.
    Wrong {
        /// Guesses left.
        remaining: i32,
    },
    /// Past its expiry.
    Expired,
    /// Out of attempts: a new code is needed.
    Locked,
    /// No code is outstanding for this recipient.
    NoChallenge,
}

/// Judges a guess at `challenge` (the latest unused code of the recipient) whose attempt has
/// been counted already, so that `challenge.attempts` includes it. `matches` says whether the
/// guess hashes to the stored hash.
#[must_use]
pub fn judge_guess(
    challenge: Option<&OtpChallenge>,
    counted: bool,
    matches: bool,
    now: DateTime<Utc>,
) -> OtpCheck {
    let Some(c) = challenge else {
        return OtpCheck::NoChallenge;
    };
    if c.consumed_at.is_some() {
        return OtpCheck::NoChallenge;
    }
    if !counted || c.attempts > OTP_MAX_ATTEMPTS {
        return OtpCheck::Locked;
    }
    if now >= c.expires_at {
        return OtpCheck::Expired;
    }
    if matches {
        OtpCheck::Verified
    } else {
        OtpCheck::Wrong {
            remaining: (OTP_MAX_ATTEMPTS - c.attempts).max(0),
        }
    }
}

/// A customer session as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionFamily {
    /// Id, carried by access tokens as `sid`.
    pub id: SessionFamilyId,
    /// Owner.
    pub tenant_id: TenantId,
    /// The customer.
    pub customer_id: CustomerId,
    /// Sign-in time.
    pub created_at: DateTime<Utc>,
    /// Refresh tokens stop working at this time.
    pub expires_at: DateTime<Utc>,
    /// When it was ended (logout, reuse of a refresh token).
    pub revoked_at: Option<DateTime<Utc>>,
}

impl SessionFamily {
    /// Whether access tokens of this session still work at `now`.
    #[must_use]
    pub fn is_live(&self, now: DateTime<Utc>) -> bool {
        self.revoked_at.is_none() && now < self.expires_at
    }
}

/// What presenting a refresh token comes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefreshCheck {
    /// Unused, session live: issue the next token.
    Rotate,
    /// Already used: someone replayed it; revoke the whole session.
    Reused,
    /// The session was ended or has run out.
    Dead,
    /// Not a token of this merchant.
    Unknown,
}

/// Judges a refresh token found by its hash: `used` says whether it was already exchanged.
#[must_use]
pub fn judge_refresh(found: Option<(&SessionFamily, bool)>, now: DateTime<Utc>) -> RefreshCheck {
    match found {
        None => RefreshCheck::Unknown,
        Some((family, _)) if !family.is_live(now) => RefreshCheck::Dead,
        Some((_, true)) => RefreshCheck::Reused,
        Some((_, false)) => RefreshCheck::Rotate,
    }
}

/// The member fields registration collects beyond the customer record.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemberProfile {
    /// The integer member number storefronts show (`ApiMember.id`).
    pub member_no: Option<i64>,
    /// Family name.
    pub last_name: Option<String>,
    /// `M`, `F`, `O` or as given.
    pub gender: Option<String>,
    /// Address.
    pub address: Option<String>,
    /// District.
    pub district: Option<String>,
    /// Agreed to receive promotions.
    pub agree_promotion: bool,
    /// Agreed to the terms.
    pub agree_terms: bool,
    /// Campaign attribution (a JSON object as text).
    pub utm_data: Option<String>,
    /// Which of the customer's phone and e-mail were proven by a code.
    pub proven: Proven,
}

/// Storage of codes, customer sessions and member fields.
pub trait CustomerAuthRepository {
    /// The tenant's customer with this phone or e-mail.
    ///
    /// # Errors
    /// [`StorageError`] when the database fails.
    fn customer_by_recipient(
        &mut self,
        tenant: TenantId,
        recipient: &Recipient,
    ) -> Result<Option<CustomerId>, StorageError>;

    /// Stores a new challenge.
    ///
    /// # Errors
    /// [`StorageError`] when the database fails.
    fn insert_otp(&mut self, challenge: &OtpChallenge) -> Result<(), StorageError>;

    /// When codes went to `recipient` since `since`.
    ///
    /// # Errors
    /// [`StorageError`] when the database fails.
    fn otp_sent_since(
        &mut self,
        tenant: TenantId,
        recipient: &str,
        since: DateTime<Utc>,
    ) -> Result<Vec<DateTime<Utc>>, StorageError>;

    /// Claims the right to send `recipient` a code now: one guarded update that succeeds only
    /// when the last code went out at or before `last_allowed` (or never). It holds the
    /// recipient's row until commit, so concurrent requests send one code at most.
    ///
    /// # Errors
    /// [`StorageError`] when the database fails.
    fn claim_otp_send(
        &mut self,
        tenant: TenantId,
        recipient: &str,
        last_allowed: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<bool, StorageError>;

    /// The newest unused challenge of `recipient`.
    ///
    /// # Errors
    /// [`StorageError`] when the database fails.
    fn latest_open_otp(
        &mut self,
        tenant: TenantId,
        recipient: &str,
    ) -> Result<Option<OtpChallenge>, StorageError>;

    /// Counts one guess, only while fewer than [`OTP_MAX_ATTEMPTS`] were made and the code is
    /// unused (one guarded update); `false` when it was not counted.
    ///
    /// # Errors
    /// [`StorageError`] when the database fails.
    fn count_otp_attempt(
        &mut self,
        tenant: TenantId,
        id: OtpChallengeId,
    ) -> Result<bool, StorageError>;

    /// Marks the challenge used, once; `false` when it already was.
    ///
    /// # Errors
    /// [`StorageError`] when the database fails.
    fn consume_otp(
        &mut self,
        tenant: TenantId,
        id: OtpChallengeId,
        now: DateTime<Utc>,
    ) -> Result<bool, StorageError>;

    /// Lets the recipient of a used challenge register until `until`: its code proved them,
    /// but nobody of the merchant has their phone or e-mail yet.
    ///
    /// # Errors
    /// [`StorageError`] when the database fails.
    fn open_registration(
        &mut self,
        tenant: TenantId,
        id: OtpChallengeId,
        until: DateTime<Utc>,
    ) -> Result<(), StorageError>;

    /// Uses up the recipient's open registration window (one guarded update): `true` when
    /// one was open at `now`. Of concurrent registrations with one proof, one gets it.
    ///
    /// # Errors
    /// [`StorageError`] when the database fails.
    fn claim_registration(
        &mut self,
        tenant: TenantId,
        recipient: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StorageError>;

    /// Ends every live session of a customer; returns how many ended.
    ///
    /// # Errors
    /// [`StorageError`] when the database fails.
    fn revoke_customer_sessions(
        &mut self,
        tenant: TenantId,
        customer: CustomerId,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<usize, StorageError>;

    /// Starts a session with its first refresh token (stored as `token_hash`).
    ///
    /// # Errors
    /// [`StorageError`] when the database fails.
    fn insert_session_family(
        &mut self,
        family: &SessionFamily,
        token_hash: &str,
    ) -> Result<(), StorageError>;

    /// The session a refresh token belongs to and whether the token was used already.
    ///
    /// # Errors
    /// [`StorageError`] when the database fails.
    fn refresh_token(
        &mut self,
        tenant: TenantId,
        token_hash: &str,
    ) -> Result<Option<(SessionFamily, bool)>, StorageError>;

    /// Exchanges a refresh token for the next one of its session: marks `old_hash` used only
    /// if it was not (one guarded update) and stores `new_hash`. `false` when the old token was
    /// used meanwhile.
    ///
    /// # Errors
    /// [`StorageError`] when the database fails.
    fn rotate_refresh_token(
        &mut self,
        family: &SessionFamily,
        old_hash: &str,
        new_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StorageError>;

    /// Ends a session; `false` when it had ended already.
    ///
    /// # Errors
    /// [`StorageError`] when the database fails.
    fn revoke_session_family(
        &mut self,
        tenant: TenantId,
        id: SessionFamilyId,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StorageError>;

    /// A session of the customer, for checking an access token.
    ///
    /// # Errors
    /// [`StorageError`] when the database fails.
    fn session_family(
        &mut self,
        tenant: TenantId,
        customer: CustomerId,
        id: SessionFamilyId,
    ) -> Result<Option<SessionFamily>, StorageError>;

    /// The member fields of a customer (all empty for one registered elsewhere).
    ///
    /// # Errors
    /// [`StorageError`] when the database fails.
    fn member_profile(
        &mut self,
        tenant: TenantId,
        customer: CustomerId,
    ) -> Result<MemberProfile, StorageError>;

    /// Saves the member fields of a customer, giving them the tenant's next member number
    /// when they have none.
    ///
    /// # Errors
    /// [`StorageError`] when the database fails.
    fn save_member_profile(
        &mut self,
        tenant: TenantId,
        customer: CustomerId,
        profile: &MemberProfile,
    ) -> Result<MemberProfile, StorageError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + s, 0).unwrap_or_default()
    }

    fn challenge(attempts: i32) -> OtpChallenge {
        OtpChallenge {
            id: OtpChallengeId::new(),
            tenant_id: TenantId::new(),
            channel: LoginChannel::Sms,
            recipient: "+85290000000".into(),
            code_hash: String::new(),
            attempts,
            created_at: at(0),
            expires_at: at(0) + OTP_TTL,
            consumed_at: None,
        }
    }

    #[test]
    fn the_channel_decides_which_identifier_is_needed() {
        let sms = Recipient::for_channel(LoginChannel::Sms, Some("+852 9000 0000"), None);
        assert_eq!(
            sms.map(|r| r.as_str().to_owned()),
            Ok("+85290000000".to_owned())
        );
        assert!(Recipient::for_channel(LoginChannel::Whatsapp, None, Some("a@b.co")).is_err());
        let mail = Recipient::for_channel(LoginChannel::Email, None, Some("Amy@Example.COM"));
        assert_eq!(
            mail.map(|r| r.as_str().to_owned()),
            Ok("amy@example.com".to_owned())
        );
        assert!(Recipient::for_channel(LoginChannel::Email, Some("+85290000000"), None).is_err());
        assert!(Recipient::for_channel(LoginChannel::Sms, Some("12"), None).is_err());
    }

    #[test]
    fn codes_are_six_digits_and_hashed_per_challenge() {
        assert_eq!(otp_code(42), "000042");
        assert_eq!(otp_code(u64::MAX).len(), 6);
        let (a, b) = (OtpChallengeId::new(), OtpChallengeId::new());
        assert_ne!(hash_otp(a, "123456"), hash_otp(b, "123456"));
        assert!(hashes_match(
            &hash_otp(a, "123456"),
            &hash_otp(a, " 123456 ")
        ));
        assert!(!hashes_match(
            &hash_otp(a, "123456"),
            &hash_otp(a, "123457")
        ));
        assert!(check_code_shape("012345").is_ok());
        for bad in ["12345", "1234567", "12345a", ""] {
            assert!(check_code_shape(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn resending_waits_for_the_cooldown_and_the_hourly_cap() {
        assert_eq!(may_send_code(&[], at(0)), Ok(()));
        assert_eq!(
            may_send_code(&[at(0)], at(10)),
            Err(OtpRefusal::Cooldown { retry_after: 50 })
        );
        assert_eq!(may_send_code(&[at(0)], at(60)), Ok(()));
        let five: Vec<_> = (0..5).map(|i| at(i * 100)).collect();
        assert_eq!(
            may_send_code(&five, at(1000)),
            Err(OtpRefusal::TooMany { retry_after: 2600 })
        );
        assert_eq!(may_send_code(&five, at(3600)), Ok(()));
    }

    #[test]
    fn guesses_are_judged_after_they_are_counted() {
        let now = at(30);
        assert_eq!(judge_guess(None, false, false, now), OtpCheck::NoChallenge);
        assert_eq!(
            judge_guess(Some(&challenge(1)), true, false, now),
            OtpCheck::Wrong { remaining: 4 }
        );
        assert_eq!(
            judge_guess(Some(&challenge(5)), true, false, now),
            OtpCheck::Wrong { remaining: 0 }
        );
        assert_eq!(
            judge_guess(Some(&challenge(5)), true, true, now),
            OtpCheck::Verified
        );
        // The sixth guess is not counted, so it is refused even when right.
        assert_eq!(
            judge_guess(Some(&challenge(5)), false, true, now),
            OtpCheck::Locked
        );
        assert_eq!(
            judge_guess(Some(&challenge(1)), true, true, at(0) + OTP_TTL),
            OtpCheck::Expired
        );
        let mut used = challenge(1);
        used.consumed_at = Some(now);
        assert_eq!(
            judge_guess(Some(&used), true, true, now),
            OtpCheck::NoChallenge
        );
    }

    #[test]
    fn a_used_refresh_token_revokes_and_a_dead_session_refuses() {
        let family = SessionFamily {
            id: SessionFamilyId::new(),
            tenant_id: TenantId::new(),
            customer_id: CustomerId::new(),
            created_at: at(0),
            expires_at: at(0) + CUSTOMER_SESSION_TTL,
            revoked_at: None,
        };
        assert_eq!(judge_refresh(None, at(1)), RefreshCheck::Unknown);
        assert_eq!(
            judge_refresh(Some((&family, false)), at(1)),
            RefreshCheck::Rotate
        );
        assert_eq!(
            judge_refresh(Some((&family, true)), at(1)),
            RefreshCheck::Reused
        );
        assert_eq!(
            judge_refresh(Some((&family, false)), family.expires_at),
            RefreshCheck::Dead
        );
        let revoked = SessionFamily {
            revoked_at: Some(at(2)),
            ..family
        };
        assert_eq!(
            judge_refresh(Some((&revoked, true)), at(3)),
            RefreshCheck::Dead
        );
        assert!(!revoked.is_live(at(3)));
    }
}
