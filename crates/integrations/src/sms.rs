//! SMS and WhatsApp through a provider with Twilio's Messages API:
//! `POST {base}/2010-04-01/Accounts/{sid}/Messages.json` with basic authentication and a form
//! of `To`, `From` and `Body`; WhatsApp numbers carry the `whatsapp:` prefix.

use base64::Engine;
use kedai_app::jobs::{Notifier, SendError, Sent};
use kedai_identity::{LoginChannel, OutgoingMessage};

/// How to reach the provider.
#[derive(Clone)]
pub struct SmsSettings {
    /// The API's base URL (`https://api.twilio.com`).
    pub base_url: String,
    /// Account id.
    pub account_sid: String,
    /// Auth token.
    pub auth_token: String,
    /// The SMS sender number.
    pub from: String,
    /// The WhatsApp sender number (WhatsApp is not sent without it).
    pub whatsapp_from: Option<String>,
}

impl std::fmt::Debug for SmsSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmsSettings")
            .field("base_url", &self.base_url)
            .field("account_sid", &self.account_sid)
            .field("from", &self.from)
            .finish_non_exhaustive()
    }
}

/// Sends SMS and WhatsApp messages.
#[derive(Debug)]
pub struct SmsNotifier {
    settings: SmsSettings,
    agent: ureq::Agent,
}

impl SmsNotifier {
    /// A notifier for these settings.
    #[must_use]
    pub fn new(settings: SmsSettings) -> Self {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(std::time::Duration::from_secs(15)))
            .build()
            .into();
        Self { settings, agent }
    }

    /// Whether this provider sends on `channel`.
    #[must_use]
    pub fn sends(&self, channel: LoginChannel) -> bool {
        match channel {
            LoginChannel::Sms => true,
            LoginChannel::Whatsapp => self.settings.whatsapp_from.is_some(),
            LoginChannel::Email => false,
        }
    }
}

impl Notifier for SmsNotifier {
    fn deliver(&self, message: &OutgoingMessage) -> Result<Sent, SendError> {
        let s = &self.settings;
        let (to, from) = match message.channel {
            LoginChannel::Whatsapp => {
                let from = s.whatsapp_from.as_deref().ok_or_else(|| {
                    SendError::permanent("no WhatsApp sender number is configured")
                })?;
                (
                    format!("whatsapp:{}", message.recipient),
                    format!("whatsapp:{from}"),
                )
            }
            _ => (message.recipient.clone(), s.from.clone()),
        };
        let url = format!(
            "{}/2010-04-01/Accounts/{}/Messages.json",
            s.base_url.trim_end_matches('/'),
            s.account_sid
        );
        let credentials = base64::engine::general_purpose::STANDARD
            .encode(format!("{}:{}", s.account_sid, s.auth_token));
        let mut response = self
            .agent
            .post(&url)
            .header("Authorization", format!("Basic {credentials}"))
            .send_form([
                ("To", to.as_str()),
                ("From", from.as_str()),
                ("Body", message.body.as_str()),
            ])
            .map_err(|e| SendError::transient(format!("the SMS provider failed: {e}")))?;
        let status = response.status().as_u16();
        let body = response
            .body_mut()
            .with_config()
            .limit(64 * 1024)
            .read_to_string()
            .unwrap_or_default();
        let answer: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
        let detail = answer
            .get("message")
            .and_then(serde_json::Value::as_str)
            .unwrap_or("")
            .to_owned();
        match status {
            200..=299 => Ok(Sent {
                transport: "sms",
                provider_reference: answer
                    .get("sid")
                    .and_then(serde_json::Value::as_str)
                    .map(ToOwned::to_owned),
            }),
            // Bad number, unverified sender: the same request fails the same way again.
            400 | 404 | 422 => Err(SendError::permanent(format!(
                "the SMS provider refused the message ({status}): {detail}"
            ))),
            _ => Err(SendError::transient(format!(
                "the SMS provider answered {status}: {detail}"
            ))),
        }
    }
}
