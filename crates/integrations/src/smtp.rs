//! E-mail over SMTP with lettre: the server and its credentials from one URL
//! (`smtps://user:pass@host:465` for TLS, `smtp://user:pass@host:587?tls=required` for
//! STARTTLS, `smtp://host:25` without encryption, for a relay on the same network).

use kedai_app::jobs::{Notifier, SendError, Sent};
use kedai_identity::OutgoingMessage;
use lettre::message::{Mailbox, header::ContentType};
use lettre::{Message, SmtpTransport, Transport};

/// How to reach the SMTP server.
#[derive(Clone)]
pub struct SmtpSettings {
    /// `smtp://` or `smtps://` URL with credentials.
    pub url: String,
    /// The sender (`Kedai <no-reply@example.com>`).
    pub from: String,
}

impl std::fmt::Debug for SmtpSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpSettings")
            .field("from", &self.from)
            .finish_non_exhaustive()
    }
}

/// Sends e-mail messages through one SMTP server.
pub struct SmtpNotifier {
    transport: SmtpTransport,
    from: Mailbox,
}

impl std::fmt::Debug for SmtpNotifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpNotifier")
            .field("from", &self.from)
            .finish_non_exhaustive()
    }
}

impl SmtpNotifier {
    /// A notifier for these settings.
    ///
    /// # Errors
    /// A message naming what is wrong with the URL or the sender (never the password).
    pub fn new(settings: &SmtpSettings) -> Result<Self, String> {
        let transport = SmtpTransport::from_url(&settings.url)
            .map_err(|e| format!("KEDAI_SMTP_URL is not a usable SMTP URL: {e}"))?
            .timeout(Some(std::time::Duration::from_secs(15)))
            .build();
        let from = settings
            .from
            .parse::<Mailbox>()
            .map_err(|e| format!("KEDAI_SMTP_FROM is not an e-mail address: {e}"))?;
        Ok(Self { transport, from })
    }
}

impl Notifier for SmtpNotifier {
    fn deliver(&self, message: &OutgoingMessage) -> Result<Sent, SendError> {
        let to = message.recipient.parse::<Mailbox>().map_err(|e| {
            SendError::permanent(format!("the recipient is not an e-mail address: {e}"))
        })?;
        let email = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(message.subject.clone().unwrap_or_default())
            .header(ContentType::TEXT_PLAIN)
            .body(message.body.clone())
            .map_err(|e| SendError::permanent(format!("the message cannot be built: {e}")))?;
        match self.transport.send(&email) {
            Ok(response) => Ok(Sent {
                transport: "smtp",
                provider_reference: response.message().next().map(ToOwned::to_owned),
            }),
            Err(e) if e.is_permanent() => Err(SendError::permanent(format!(
                "the SMTP server refused the message: {e}"
            ))),
            Err(e) => Err(SendError::transient(format!("SMTP failed: {e}"))),
        }
    }
}
