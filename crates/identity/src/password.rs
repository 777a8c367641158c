//! Staff password hashing with argon2id (PHC strings).

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};

use crate::IdentityError;

/// Hashes a password with argon2id and a random salt, as a PHC string.
///
/// # Errors
/// [`IdentityError::Hashing`] if the hasher fails.
pub fn hash_password(password: &str) -> Result<String, IdentityError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|_| IdentityError::Hashing)
}

/// True when `password` matches the stored PHC `hash`. A malformed hash never matches.
#[must_use]
pub fn verify_password(password: &str, hash: &str) -> bool {
    Argon2::default()
        .verify_password(password.as_bytes(), hash)
        .is_ok()
}

/// A PHC hash of a random password nobody knows.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$3cTc1R9HfMG8cnJG9eUJdeQ0E06WUBqMT5AS/W6HtVs";

/// Spends the time of one password check against a hash nobody knows, so a failed sign-in
/// takes as long whether or not the account exists.
pub fn burn_password_check(password: &str) {
    let _ = verify_password(password, DUMMY_HASH);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_differ() {
        let a = hash_password("YourPassword123").unwrap_or_default();
        let b = hash_password("YourPassword123").unwrap_or_default();
        assert!(a.starts_with("$argon2id$"));
        assert_ne!(a, b, "salted");
        assert!(verify_password("YourPassword123", &a));
        assert!(!verify_password("yourpassword123", &a));
        assert!(!verify_password("YourPassword123", "not a hash"));
    }

    #[test]
    fn the_dummy_hash_is_a_real_argon2id_hash() {
        assert!(argon2::password_hash::phc::PasswordHash::new(DUMMY_HASH).is_ok());
        assert!(!verify_password("", DUMMY_HASH));
    }
}
