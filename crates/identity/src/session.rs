//! Staff sessions: one per sign-in, named by the access token's `sid` claim, kept alive by a
//! rotating refresh token that is stored only as its SHA-256 hash.

use chrono::{DateTime, Duration, Utc};
use kedai_core::{StorageError, TenantId, uuid_id};
use sha2::{Digest, Sha256};

use crate::{Role, StaffId, Tenant};

uuid_id!(
    /// A staff session (the `sid` claim of its access tokens).
    SessionId
);

/// How long a refresh token stays usable after it is issued (each refresh issues a new one).
pub const REFRESH_TTL_DAYS: i64 = 30;

/// Random bytes in a refresh token.
pub const REFRESH_TOKEN_BYTES: usize = 32;

/// When a refresh token issued at `now` expires.
#[must_use]
pub fn refresh_expiry(now: DateTime<Utc>) -> DateTime<Utc> {
    now + Duration::days(REFRESH_TTL_DAYS)
}

/// A refresh token as handed to the client: random bytes, hex-encoded.
#[derive(Clone, PartialEq, Eq)]
pub struct RefreshToken(String);

impl std::fmt::Debug for RefreshToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RefreshToken(..)")
    }
}

impl RefreshToken {
    /// A token from random bytes (the caller supplies the randomness; this crate does no I/O).
    #[must_use]
    pub fn from_random(bytes: [u8; REFRESH_TOKEN_BYTES]) -> Self {
        Self(hex(&bytes))
    }

    /// The token text the client keeps.
    #[must_use]
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The hash stored in place of the token.
    #[must_use]
    pub fn hash(&self) -> String {
        hash_refresh_token(&self.0)
    }
}

/// The stored form of a refresh token as presented by a client: lower-case hex SHA-256 of its
/// trimmed text. Any text hashes; an unknown token simply matches no session.
#[must_use]
pub fn hash_refresh_token(token: &str) -> String {
    hex(&Sha256::digest(token.trim().as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// A new session to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSession {
    /// Id.
    pub id: SessionId,
    /// Tenant.
    pub tenant_id: TenantId,
    /// Staff member.
    pub staff_id: StaffId,
    /// SHA-256 of the current refresh token.
    pub refresh_hash: String,
    /// When it was opened.
    pub created_at: DateTime<Utc>,
    /// When the current refresh token expires.
    pub expires_at: DateTime<Utc>,
}

/// What a live session says about its staff member, read on every authenticated request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionHolder {
    /// The session.
    pub session: SessionId,
    /// Tenant.
    pub tenant_id: TenantId,
    /// Staff member.
    pub staff_id: StaffId,
    /// Their role now.
    pub role: Role,
    /// Whether they may still sign in.
    pub active: bool,
}

/// Staff sessions.
pub trait SessionRepository {
    /// Stores a new session.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn insert_session(&mut self, session: &NewSession) -> Result<(), StorageError>;

    /// The unrevoked, unexpired session whose current refresh hash is `refresh_hash`, with its
    /// staff member.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn session_by_refresh(
        &mut self,
        refresh_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<SessionHolder>, StorageError>;

    /// Replaces the refresh hash, only if it is still `old_hash` and the session is not
    /// revoked: `false` when another refresh or a logout got there first. `old_hash` is kept
    /// as spent, so that presenting it again can be told from an unknown token.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn rotate_session(
        &mut self,
        tenant: TenantId,
        id: SessionId,
        old_hash: &str,
        new_hash: &str,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<bool, StorageError>;

    /// The session whose spent (already exchanged) refresh token hashes to `refresh_hash`:
    /// its tenant, id and staff member.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn session_by_spent_refresh(
        &mut self,
        refresh_hash: &str,
    ) -> Result<Option<(TenantId, SessionId, StaffId)>, StorageError>;

    /// Revokes a session of `staff`: `false` when it was already revoked or is not theirs.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn revoke_session(
        &mut self,
        tenant: TenantId,
        staff: StaffId,
        id: SessionId,
        now: DateTime<Utc>,
    ) -> Result<bool, StorageError>;

    /// The live (unrevoked, unexpired) session `id` of `staff` in `tenant`, with the staff
    /// member's current role and status and their merchant: one indexed read, made on every
    /// request, that hands the request its tenant too.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn live_session(
        &mut self,
        tenant: TenantId,
        staff: StaffId,
        id: SessionId,
        now: DateTime<Utc>,
    ) -> Result<Option<(SessionHolder, Tenant)>, StorageError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refresh_tokens_are_hex_and_hash_to_sha256() {
        let token = RefreshToken::from_random([0xab; REFRESH_TOKEN_BYTES]);
        assert_eq!(token.expose().len(), 2 * REFRESH_TOKEN_BYTES);
        assert!(token.expose().bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(token.hash().len(), 64);
        assert_ne!(token.hash(), token.expose());
        // Presented with stray spaces, it is the same token.
        assert_eq!(
            hash_refresh_token(&format!(" {} ", token.expose())),
            token.hash()
        );
        // SHA-256 of "abc".
        assert_eq!(
            hash_refresh_token("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert!(!format!("{token:?}").contains(token.expose()));
    }

    #[test]
    fn refresh_tokens_last_thirty_days() {
        let now = DateTime::<Utc>::from_timestamp(1_800_000_000, 0).unwrap_or_default();
        assert_eq!((refresh_expiry(now) - now).num_seconds(), 30 * 24 * 3600);
    }
}
