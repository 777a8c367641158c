//! What jobs need of the outside world: a webhook sender and a notifier per channel. The
//! integrations implement them; the worker is handed them once, as [`Outbound`].

use std::sync::Arc;
use std::time::Duration;

use kedai_core::Backoff;
use kedai_identity::OutgoingMessage;

/// A webhook to post.
#[derive(Debug, Clone)]
pub struct WebhookRequest<'a> {
    /// The endpoint's URL.
    pub url: &'a str,
    /// The JSON body.
    pub body: &'a str,
    /// Headers beside `Content-Type: application/json` (event, delivery, signature).
    pub headers: Vec<(&'static str, String)>,
    /// How long to wait for the whole answer.
    pub timeout: Duration,
}

/// What the endpoint answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookResponse {
    /// HTTP status.
    pub status: u16,
    /// The start of the body.
    pub body_excerpt: String,
}

/// Why something could not be sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct SendError {
    /// What went wrong (never a secret).
    pub message: String,
    /// Trying again cannot help (a refused address, a recipient the provider rejects).
    pub permanent: bool,
}

impl SendError {
    /// A failure worth retrying.
    pub fn transient(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            permanent: false,
        }
    }

    /// A failure retrying cannot mend.
    pub fn permanent(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            permanent: true,
        }
    }
}

/// Posts webhooks. Checks each address the URL's host resolves to against the operator's
/// address policy before connecting.
pub trait WebhookSender: Send + Sync {
    /// Posts one delivery attempt.
    ///
    /// # Errors
    /// [`SendError`] when no answer came (refused address, connection, time-out).
    fn post(&self, request: &WebhookRequest<'_>) -> Result<WebhookResponse, SendError>;
}

/// A message handed to its channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sent {
    /// Which transport took it (`smtp`, `sms`, `log`).
    pub transport: &'static str,
    /// The provider's id for it, when it gives one.
    pub provider_reference: Option<String>,
}

/// Delivers messages to customers: e-mail, SMS, WhatsApp.
pub trait Notifier: Send + Sync {
    /// Sends one message.
    ///
    /// # Errors
    /// [`SendError`].
    fn deliver(&self, message: &OutgoingMessage) -> Result<Sent, SendError>;
}

/// The built-in notifier: writes a line to the log for each message (kind, channel, masked
/// recipient, id; never the text, which may hold a sign-in code). The message log that owners
/// read at `GET /v1/notifications` holds the full message. The development default, and what a
/// channel without a configured provider falls back to.
#[derive(Debug, Clone, Copy, Default)]
pub struct LogNotifier;

/// A recipient with all but the last four characters masked.
#[must_use]
pub fn mask(recipient: &str) -> String {
    let n = recipient.chars().count();
    recipient
        .chars()
        .enumerate()
        .map(|(i, c)| if i + 4 < n && c != '@' { '*' } else { c })
        .collect()
}

impl Notifier for LogNotifier {
    fn deliver(&self, m: &OutgoingMessage) -> Result<Sent, SendError> {
        tracing::info!(
            message.id = %m.id,
            message.kind = m.kind.as_str(),
            message.channel = m.channel.as_str(),
            message.recipient = %mask(&m.recipient),
            tenant.id = %m.tenant_id,
            "message logged (no provider configured for its channel)"
        );
        Ok(Sent {
            transport: "log",
            provider_reference: None,
        })
    }
}

/// Gives money back at the gateway that took it.
pub trait Refunds: Send + Sync {
    /// Refunds `amount` of the payment the gateway knows as `reference`; `key` makes the call
    /// idempotent at the gateway. Returns the gateway's refund id.
    ///
    /// # Errors
    /// [`SendError`]: permanent when the gateway refuses the refund itself.
    fn refund(
        &self,
        tenant: kedai_core::TenantId,
        gateway: &str,
        reference: &str,
        amount: kedai_core::Money,
        key: &str,
    ) -> Result<String, SendError>;
}

/// Refunds where no gateway is wired (a worker built without one): every refund fails, so it is
/// parked and shows, never pretended.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoRefunds;

impl Refunds for NoRefunds {
    fn refund(
        &self,
        _: kedai_core::TenantId,
        gateway: &str,
        _: &str,
        _: kedai_core::Money,
        _: &str,
    ) -> Result<String, SendError> {
        Err(SendError::permanent(format!(
            "no {gateway} gateway is wired into this worker"
        )))
    }
}

/// Wakes the outbox worker of this instance: called after a commit that queued work someone
/// is waiting for (a sign-in code).
pub type Wake = Arc<dyn Fn() + Send + Sync>;

/// Everything the worker's jobs reach the outside world with, and how they retry.
#[derive(Clone)]
pub struct Outbound {
    /// Posts webhooks.
    pub webhooks: Arc<dyn WebhookSender>,
    /// Sends messages.
    pub notifier: Arc<dyn Notifier>,
    /// Refunds at payment gateways.
    pub refunds: Arc<dyn Refunds>,
    /// When failed jobs are tried again, and how many times.
    pub backoff: Backoff,
    /// How long a webhook endpoint has to answer.
    pub webhook_timeout: Duration,
}

#[cfg(test)]
mod tests {
    use super::mask;

    #[test]
    fn recipients_are_masked_but_for_the_last_four() {
        assert_eq!(mask("+85290001234"), "********1234");
        assert_eq!(mask("amy@example.com"), "***@*******.com");
        assert_eq!(mask("abc"), "abc");
    }
}
