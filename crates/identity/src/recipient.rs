//! Who a one-time code goes to: a phone or an e-mail, in normalised form, and which of a
//! customer's identifiers that is.

use crate::{Email, IdentityError, LoginChannel, Phone, invalid};

/// Which identifier of a customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdentifierKind {
    /// The phone.
    Phone,
    /// The e-mail.
    Email,
}

impl IdentifierKind {
    /// The request field that carries it.
    #[must_use]
    pub const fn field(self) -> &'static str {
        match self {
            Self::Phone => "phone",
            Self::Email => "email",
        }
    }

    /// The channel a code to this identifier goes by, for a merchant signing customers in by
    /// `login`: e-mail for an e-mail; the merchant's phone channel for a phone, or SMS when the
    /// merchant signs in by e-mail.
    #[must_use]
    pub const fn channel(self, login: LoginChannel) -> LoginChannel {
        match (self, login) {
            (Self::Email, _) => LoginChannel::Email,
            (Self::Phone, LoginChannel::Whatsapp) => LoginChannel::Whatsapp,
            (Self::Phone, _) => LoginChannel::Sms,
        }
    }

    /// The kind the merchant's sign-in channel addresses customers by.
    #[must_use]
    pub const fn of_channel(login: LoginChannel) -> Self {
        if login.uses_phone() {
            Self::Phone
        } else {
            Self::Email
        }
    }
}

/// Who a code goes to, in the form the merchant's channel uses: an E.164 phone or a
/// lower-case e-mail.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Recipient {
    /// A phone, for SMS and WhatsApp.
    Phone(Phone),
    /// An e-mail address.
    Email(Email),
}

impl Recipient {
    /// The recipient a sign-in names, checked against the merchant's channel: a phone
    /// channel needs `phone`, the e-mail channel needs `email`.
    ///
    /// # Errors
    /// [`IdentityError::Invalid`] naming `phone` or `email`.
    pub fn for_channel(
        channel: LoginChannel,
        phone: Option<&str>,
        email: Option<&str>,
    ) -> Result<Self, IdentityError> {
        fn given(v: Option<&str>) -> Option<&str> {
            v.map(str::trim).filter(|v| !v.is_empty())
        }
        if channel.uses_phone() {
            match given(phone) {
                Some(p) => Phone::parse(p).map(Self::Phone),
                None => Err(invalid(
                    "phone",
                    format!("is required: this merchant sends sign-in codes by {channel}"),
                )),
            }
        } else {
            match given(email) {
                Some(e) => Email::parse(e).map(Self::Email),
                None => Err(invalid(
                    "email",
                    "is required: this merchant sends sign-in codes by email",
                )),
            }
        }
    }

    /// The normalised text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        match self {
            Self::Phone(p) => p.as_str(),
            Self::Email(e) => e.as_str(),
        }
    }
}

impl Recipient {
    /// Which identifier this is.
    #[must_use]
    pub const fn kind(&self) -> IdentifierKind {
        match self {
            Self::Phone(_) => IdentifierKind::Phone,
            Self::Email(_) => IdentifierKind::Email,
        }
    }

    /// Parses a phone or e-mail as the identifier `kind`.
    ///
    /// # Errors
    /// [`IdentityError::Invalid`] naming `phone` or `email`.
    pub fn parse(kind: IdentifierKind, text: &str) -> Result<Self, IdentityError> {
        match kind {
            IdentifierKind::Phone => crate::Phone::parse(text).map(Self::Phone),
            IdentifierKind::Email => crate::Email::parse(text).map(Self::Email),
        }
    }
}
