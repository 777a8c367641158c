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
}
