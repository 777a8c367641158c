//! Staff users: who signs in to the merchant API.

use chrono::{DateTime, Utc};
use kedai_core::{TenantId, uuid_id};

use crate::{IdentityError, Role, hash_password, invalid};

uuid_id!(
    /// A staff user.
    StaffId
);

/// A normalised (trimmed, lower-case) e-mail address.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    /// Validates the shape of an address: one `@`, a non-empty local part, a dotted domain,
    /// no spaces, at most 254 characters.
    ///
    /// # Errors
    /// [`IdentityError::Invalid`] for `email`.
    pub fn parse(text: &str) -> Result<Self, IdentityError> {
        let email = text.trim().to_lowercase();
        let valid = email.len() <= 254
            && !email.chars().any(char::is_whitespace)
            && email.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && !domain.contains('@')
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
            });
        if valid {
            Ok(Self(email))
        } else {
            Err(invalid("email", "must be a valid e-mail address"))
        }
    }

    /// The address.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A staff user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Staff {
    /// Id.
    pub id: StaffId,
    /// Employer.
    pub tenant_id: TenantId,
    /// Sign-in e-mail, unique per tenant.
    pub email: Email,
    /// Display name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// argon2id PHC string.
    pub password_hash: String,
    /// Inactive staff cannot sign in.
    pub active: bool,
    /// Creation time.
    pub created_at: DateTime<Utc>,
}

/// A validated new staff user with the password already hashed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewStaff {
    /// E-mail.
    pub email: Email,
    /// Name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// argon2id PHC string.
    pub password_hash: String,
}

impl NewStaff {
    /// Shortest password accepted.
    pub const MIN_PASSWORD: usize = 8;

    /// Validates and hashes: a valid e-mail, a name (defaults to the e-mail's local part), a
    /// password of at least 8 and at most 256 characters.
    ///
    /// # Errors
    /// [`IdentityError::Invalid`] naming the field, or [`IdentityError::Hashing`].
    pub fn new(
        email: &str,
        name: Option<&str>,
        role: Role,
        password: &str,
    ) -> Result<Self, IdentityError> {
        let email = Email::parse(email)?;
        let chars = password.chars().count();
        if !(Self::MIN_PASSWORD..=256).contains(&chars) {
            return Err(invalid(
                "password",
                format!("must be {} to 256 characters", Self::MIN_PASSWORD),
            ));
        }
        let name = match name.map(str::trim).filter(|n| !n.is_empty()) {
            Some(n) if n.chars().count() > 200 => {
                return Err(invalid("name", "must be at most 200 characters"));
            }
            Some(n) => n.to_owned(),
            None => email
                .as_str()
                .split('@')
                .next()
                .unwrap_or_default()
                .to_owned(),
        };
        Ok(Self {
            password_hash: hash_password(password)?,
            email,
            name,
            role,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            Email::parse(" Merchant@Brand.COM ").map(|e| e.as_str().to_owned()),
            Ok("merchant@brand.com".into())
        );
        for bad in [
            "",
            "no-at",
            "@brand.com",
            "a@b",
            "a b@c.com",
            "a@b@c.com",
            "a@.com",
            "a@com.",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn new_staff_validates_and_hashes() {
        let s = NewStaff::new("alice@brand.com", None, Role::Cashier, "correct horse");
        let s = s.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(s.name, "alice");
        assert!(crate::verify_password("correct horse", &s.password_hash));
        assert!(matches!(
            NewStaff::new("alice@brand.com", None, Role::Cashier, "short"),
            Err(IdentityError::Invalid {
                field: "password",
                ..
            })
        ));
    }
}
