//! Proof of control of a phone or e-mail. A customer's own phone or e-mail is bound to their
//! member record only after a one-time code sent to it was typed back: at registration (the
//! code checked just before, or sent with the form), and when they change it. A code that
//! proves a recipient nobody has registered opens a short registration window for it.
//!
//! The record remembers which of its identifiers were proven. An identifier someone else put
//! there (staff at the counter, or a registration made before proof was required) is claimed by
//! the first code sign-in to it, and every session issued before that claim ends: whoever
//! typed another person's number keeps nothing of the record.

use chrono::Duration;

pub use crate::recipient::IdentifierKind;
use crate::recipient::Recipient;
use crate::{IdentityError, LoginChannel, invalid};

/// How long a code proven for someone who is not a member may be used to register.
pub const REGISTRATION_WINDOW: Duration = Duration::minutes(15);

/// The identifiers of a member record that were proven by a code, as their normalised text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Proven {
    /// The phone that was proven, if any.
    pub phone: Option<String>,
    /// The e-mail that was proven, if any.
    pub email: Option<String>,
}

impl Proven {
    /// Whether `recipient` was proven for this record.
    #[must_use]
    pub fn proves(&self, recipient: &Recipient) -> bool {
        let proven = match recipient.kind() {
            IdentifierKind::Phone => self.phone.as_deref(),
            IdentifierKind::Email => self.email.as_deref(),
        };
        proven == Some(recipient.as_str())
    }

    /// Records that `recipient` was proven.
    pub fn record(&mut self, recipient: &Recipient) {
        let text = Some(recipient.as_str().to_owned());
        match recipient.kind() {
            IdentifierKind::Phone => self.phone = text,
            IdentifierKind::Email => self.email = text,
        }
    }
}

/// A member's change of their own phone or e-mail, as the change names it against what is
/// stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdentifierChange {
    /// Not named, or the same as stored.
    Unchanged,
    /// Removed.
    Cleared,
    /// Replaced by a new identifier: needs a code sent to it.
    Replaced(Recipient),
}

/// What `requested` (absent: not named; `Some(None)` or blank: clear) does to the stored
/// identifier `current` of `kind`.
///
/// # Errors
/// [`IdentityError::Invalid`] naming `phone` or `email` for a malformed new value.
pub fn identifier_change(
    kind: IdentifierKind,
    current: Option<&str>,
    requested: Option<Option<&str>>,
) -> Result<IdentifierChange, IdentityError> {
    let Some(requested) = requested else {
        return Ok(IdentifierChange::Unchanged);
    };
    match requested.map(str::trim).filter(|v| !v.is_empty()) {
        None if current.is_none() => Ok(IdentifierChange::Unchanged),
        None => Ok(IdentifierChange::Cleared),
        Some(text) => {
            let next = Recipient::parse(kind, text)?;
            if current == Some(next.as_str()) {
                Ok(IdentifierChange::Unchanged)
            } else {
                Ok(IdentifierChange::Replaced(next))
            }
        }
    }
}

/// Checks that a change may remove the identifier the merchant signs customers in by.
///
/// # Errors
/// [`IdentityError::Invalid`] naming it: the member could not sign in again.
pub fn check_keeps_sign_in(
    login: LoginChannel,
    kind: IdentifierKind,
    change: &IdentifierChange,
) -> Result<(), IdentityError> {
    if *change == IdentifierChange::Cleared && IdentifierKind::of_channel(login) == kind {
        return Err(invalid(
            kind.field(),
            "is how you sign in; it cannot be removed",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phone(p: &str) -> Recipient {
        Recipient::parse(IdentifierKind::Phone, p).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn a_record_proves_only_what_a_code_proved() {
        let mut proven = Proven::default();
        let amy = phone("+60123456789");
        assert!(!proven.proves(&amy));
        proven.record(&amy);
        assert!(proven.proves(&amy));
        assert!(!proven.proves(&phone("+60123456780")));
        let mail = Recipient::parse(IdentifierKind::Email, "Amy@Example.com")
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(!proven.proves(&mail));
        proven.record(&mail);
        assert_eq!(proven.email.as_deref(), Some("amy@example.com"));
        assert!(proven.proves(&amy) && proven.proves(&mail));
    }

    #[test]
    fn changes_are_read_against_what_is_stored() {
        use IdentifierChange::*;
        let k = IdentifierKind::Phone;
        let now = Some("+60123456789");
        for (current, requested, want) in [
            (now, None, Some(Unchanged)),
            (now, Some(Some("+60 12-345 6789")), Some(Unchanged)),
            (
                now,
                Some(Some("+60123456780")),
                Some(Replaced(phone("+60123456780"))),
            ),
            (now, Some(None), Some(Cleared)),
            (now, Some(Some("  ")), Some(Cleared)),
            (None, Some(None), Some(Unchanged)),
            (None, Some(Some("0123")), None),
        ] {
            assert_eq!(
                identifier_change(k, current, requested).ok(),
                want,
                "{current:?} {requested:?}"
            );
        }
    }

    #[test]
    fn the_sign_in_identifier_stays_and_codes_go_by_its_kind() {
        let cleared = IdentifierChange::Cleared;
        assert!(check_keeps_sign_in(LoginChannel::Sms, IdentifierKind::Phone, &cleared).is_err());
        assert!(check_keeps_sign_in(LoginChannel::Sms, IdentifierKind::Email, &cleared).is_ok());
        assert!(check_keeps_sign_in(LoginChannel::Email, IdentifierKind::Email, &cleared).is_err());
        assert_eq!(
            IdentifierKind::Phone.channel(LoginChannel::Email),
            LoginChannel::Sms
        );
        assert_eq!(
            IdentifierKind::Phone.channel(LoginChannel::Whatsapp),
            LoginChannel::Whatsapp
        );
        assert_eq!(
            IdentifierKind::Email.channel(LoginChannel::Sms),
            LoginChannel::Email
        );
    }
}
