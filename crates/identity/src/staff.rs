//! Staff users: who signs in to the merchant API.

use chrono::{DateTime, Utc};
use kedai_core::ErrorCode;
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
    /// Last change of name, role or status.
    pub updated_at: Option<DateTime<Utc>>,
}

/// A partial change of a staff user; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StaffUpdate {
    /// Display name.
    pub name: Option<String>,
    /// Role.
    pub role: Option<Role>,
}

fn owner_required(what: &str) -> IdentityError {
    IdentityError::NotAllowed {
        code: ErrorCode::OwnerRoleRequired,
        message: format!("only an owner may {what}"),
    }
}

fn last_owner() -> IdentityError {
    IdentityError::Conflict {
        code: ErrorCode::LastOwner,
        message: "the merchant's last active owner can be neither demoted nor deactivated".into(),
    }
}

/// Checks that a caller of role `by` may create staff of role `role`: only an owner grants the
/// owner role.
///
/// # Errors
/// [`IdentityError::NotAllowed`] `OWNER_ROLE_REQUIRED`.
pub fn check_new_role(by: Role, role: Role) -> Result<(), IdentityError> {
    if role == Role::Owner && by != Role::Owner {
        return Err(owner_required("grant the owner role"));
    }
    Ok(())
}

impl Staff {
    /// Applies a change made by a caller of role `by`, when the merchant has `active_owners`
    /// active owners. Returns the previous role when the role changed.
    ///
    /// # Errors
    /// [`IdentityError::Invalid`] for `name`; [`IdentityError::NotAllowed`]
    /// `OWNER_ROLE_REQUIRED` when a non-owner changes an owner or grants the owner role;
    /// [`IdentityError::Conflict`] `LAST_OWNER` when the last active owner would be demoted.
    pub fn apply(
        &mut self,
        by: Role,
        update: &StaffUpdate,
        active_owners: i64,
        now: DateTime<Utc>,
    ) -> Result<Option<Role>, IdentityError> {
        self.check_editable_by(by)?;
        let name = match &update.name {
            Some(n) => clean_name(n)?,
            None => self.name.clone(),
        };
        let role = update.role.unwrap_or(self.role);
        if role != self.role {
            if (role == Role::Owner || self.role == Role::Owner) && by != Role::Owner {
                return Err(owner_required("grant, change or remove the owner role"));
            }
            if self.role == Role::Owner && self.active && active_owners <= 1 {
                return Err(last_owner());
            }
        }
        let previous = (role != self.role).then_some(self.role);
        if name != self.name || previous.is_some() {
            self.name = name;
            self.role = role;
            self.updated_at = Some(now);
        }
        Ok(previous)
    }

    /// Checks that a caller of role `by` may change this account at all (its name, role or
    /// outlets): an owner's account is changed only by owners.
    ///
    /// # Errors
    /// [`IdentityError::NotAllowed`] `OWNER_ROLE_REQUIRED`.
    pub fn check_editable_by(&self, by: Role) -> Result<(), IdentityError> {
        if self.role == Role::Owner && by != Role::Owner {
            return Err(owner_required("change an owner's account"));
        }
        Ok(())
    }

    /// Deactivates this staff user on behalf of `by` (of role `by_role`), when the merchant has
    /// `active_owners` active owners. Returns false when already inactive (nothing changes).
    ///
    /// # Errors
    /// [`IdentityError::Conflict`] `CANNOT_DEACTIVATE_SELF` for one's own account, `LAST_OWNER`
    /// for the last active owner; [`IdentityError::NotAllowed`] `OWNER_ROLE_REQUIRED` when a
    /// non-owner deactivates an owner.
    pub fn deactivate(
        &mut self,
        by: StaffId,
        by_role: Role,
        active_owners: i64,
        now: DateTime<Utc>,
    ) -> Result<bool, IdentityError> {
        if by == self.id {
            return Err(IdentityError::Conflict {
                code: ErrorCode::CannotDeactivateSelf,
                message: "you cannot deactivate your own account".into(),
            });
        }
        if !self.active {
            return Ok(false);
        }
        if self.role == Role::Owner {
            if by_role != Role::Owner {
                return Err(owner_required("deactivate an owner"));
            }
            if active_owners <= 1 {
                return Err(last_owner());
            }
        }
        self.active = false;
        self.updated_at = Some(now);
        Ok(true)
    }
}

fn clean_name(name: &str) -> Result<String, IdentityError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(invalid("name", "must be 1 to 200 characters"));
    }
    Ok(name.to_owned())
}

/// Characters of generated passwords: no look-alikes (0/O, 1/l/I).
const PASSWORD_ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/// A 16-character initial password drawn from `random` bytes (the caller supplies them from a
/// secure source; this crate does no I/O). 16 characters of a 56-letter alphabet hold about
/// 93 bits.
#[must_use]
pub fn initial_password(random: &[u8; 16]) -> String {
    random
        .iter()
        .map(|b| {
            let i = usize::from(*b) % PASSWORD_ALPHABET.len();
            char::from(PASSWORD_ALPHABET.get(i).copied().unwrap_or(b'x'))
        })
        .collect()
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
            Some(n) => clean_name(n)?,
            // The e-mail's local part, cut to a name's length (at most 64 characters by RFC 5321,
            // but not every address keeps to it).
            None => email
                .as_str()
                .split('@')
                .next()
                .unwrap_or_default()
                .chars()
                .take(200)
                .collect(),
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
    use Role::*;

    fn staff(role: Role) -> Staff {
        Staff {
            id: StaffId::new(),
            tenant_id: TenantId::new(),
            email: Email::parse("a@b.com").unwrap_or_else(|e| panic!("{e}")),
            name: "A".into(),
            role,
            password_hash: String::new(),
            active: true,
            created_at: DateTime::UNIX_EPOCH,
            updated_at: None,
        }
    }

    fn to(role: Role) -> StaffUpdate {
        StaffUpdate {
            name: None,
            role: Some(role),
        }
    }

    fn code(r: Result<impl std::fmt::Debug, IdentityError>) -> ErrorCode {
        match r {
            Err(IdentityError::Conflict { code, .. } | IdentityError::NotAllowed { code, .. }) => {
                code
            }
            other => panic!("{other:?}"),
        }
    }

    fn invalid_field(r: Result<impl std::fmt::Debug, IdentityError>) -> &'static str {
        match r {
            Err(IdentityError::Invalid { field, .. }) => field,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn only_owners_grant_change_or_remove_the_owner_role() {
        assert_eq!(check_new_role(Owner, Owner), Ok(()));
        for by in [Admin, Manager] {
            assert_eq!(
                code(check_new_role(by, Owner)),
                ErrorCode::OwnerRoleRequired
            );
            assert_eq!(check_new_role(by, Cashier), Ok(()));
            let mut s = staff(Cashier);
            assert_eq!(
                code(s.apply(by, &to(Owner), 1, DateTime::UNIX_EPOCH)),
                ErrorCode::OwnerRoleRequired
            );
            let mut s2 = staff(Owner);
            assert_eq!(
                code(s2.apply(by, &to(Admin), 3, DateTime::UNIX_EPOCH)),
                ErrorCode::OwnerRoleRequired
            );
            assert_eq!(s2.role, Owner);
            // Nor may a non-owner rename an owner, or change their outlets.
            let rename = StaffUpdate {
                name: Some("Boss".into()),
                role: Some(Owner),
            };
            assert_eq!(
                code(s2.apply(by, &rename, 1, DateTime::UNIX_EPOCH)),
                ErrorCode::OwnerRoleRequired
            );
            assert_ne!(s2.name, "Boss");
            assert_eq!(code(s2.check_editable_by(by)), ErrorCode::OwnerRoleRequired);
            assert_eq!(staff(Manager).check_editable_by(by), Ok(()));
            s.role = Viewer;
        }
        let mut boss = staff(Owner);
        let rename = StaffUpdate {
            name: Some("Boss".into()),
            role: None,
        };
        assert_eq!(
            boss.apply(Owner, &rename, 1, DateTime::UNIX_EPOCH),
            Ok(None)
        );
        assert_eq!(boss.name, "Boss");
        let mut s = staff(Cashier);
        assert_eq!(
            s.apply(Owner, &to(Owner), 1, DateTime::UNIX_EPOCH),
            Ok(Some(Cashier))
        );
        assert_eq!(s.role, Owner);
        assert_eq!(s.updated_at, Some(DateTime::UNIX_EPOCH));
    }

    #[test]
    fn the_last_active_owner_stays() {
        let mut s = staff(Owner);
        assert_eq!(
            code(s.apply(Owner, &to(Admin), 1, DateTime::UNIX_EPOCH)),
            ErrorCode::LastOwner
        );
        let me = StaffId::new();
        assert_eq!(
            code(s.deactivate(me, Owner, 1, DateTime::UNIX_EPOCH)),
            ErrorCode::LastOwner
        );
        assert!(s.active);
        assert_eq!(s.role, Owner);
        assert_eq!(
            s.apply(Owner, &to(Admin), 2, DateTime::UNIX_EPOCH),
            Ok(Some(Owner))
        );
        let mut o = staff(Owner);
        assert_eq!(o.deactivate(me, Owner, 2, DateTime::UNIX_EPOCH), Ok(true));
        assert!(!o.active);
        // An inactive owner does not count, and may be demoted.
        assert_eq!(
            o.apply(Owner, &to(Viewer), 1, DateTime::UNIX_EPOCH),
            Ok(Some(Owner))
        );
    }

    #[test]
    fn deactivation_rules() {
        let mut s = staff(Manager);
        let id = s.id;
        assert_eq!(
            code(s.deactivate(id, Owner, 5, DateTime::UNIX_EPOCH)),
            ErrorCode::CannotDeactivateSelf
        );
        let mut owner = staff(Owner);
        assert_eq!(
            code(owner.deactivate(id, Admin, 5, DateTime::UNIX_EPOCH)),
            ErrorCode::OwnerRoleRequired
        );
        assert_eq!(
            s.deactivate(StaffId::new(), Admin, 1, DateTime::UNIX_EPOCH),
            Ok(true)
        );
        assert_eq!(
            s.deactivate(StaffId::new(), Admin, 1, DateTime::UNIX_EPOCH),
            Ok(false)
        );
        assert_eq!(
            invalid_field(staff(Agent).apply(
                Owner,
                &StaffUpdate {
                    name: Some(" ".into()),
                    role: None
                },
                1,
                DateTime::UNIX_EPOCH
            )),
            "name"
        );
    }

    #[test]
    fn initial_passwords_use_the_whole_input() {
        let a = initial_password(&[0; 16]);
        let b = initial_password(&[7; 16]);
        assert_eq!(a.chars().count(), 16);
        assert_ne!(a, b);
        assert!(a.chars().all(|c| c.is_ascii_alphanumeric()));
        let mixed: [u8; 16] = core::array::from_fn(|i| u8::try_from(i * 17).unwrap_or(0));
        assert!(NewStaff::new("a@b.com", None, Cashier, &initial_password(&mixed)).is_ok());
    }

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
