//! Settings of the work that leaves the process — the outbox worker, webhooks, e-mail and
//! SMS — and the ports built from them.

use std::sync::Arc;
use std::time::Duration;

use clap::Args;
use kedai_app::jobs::{LogNotifier, Notifier, Outbound};
use kedai_core::Backoff;
use kedai_integrations::{
    ChannelNotifier, HttpWebhookSender, SmsNotifier, SmsSettings, SmtpNotifier, SmtpSettings,
};
use kedai_webhooks::AddressPolicy;
use secrecy::{ExposeSecret, SecretString};

use crate::Environment;

/// Outgoing work: the worker, webhooks, e-mail over SMTP, SMS and WhatsApp.
#[derive(Debug, Clone, Args)]
pub struct OutboundSettings {
    /// How often the outbox worker looks for due work when idle, in milliseconds (a sign-in
    /// code or a redelivery wakes it at once).
    #[arg(
        long,
        env = "KEDAI_WORKER_POLL_MS",
        default_value_t = 200,
        global = true
    )]
    pub worker_poll_ms: u64,

    /// Jobs the worker runs at once.
    #[arg(
        long,
        env = "KEDAI_WORKER_CONCURRENCY",
        default_value_t = 16,
        global = true
    )]
    pub worker_concurrency: u32,

    /// How long a claimed job is the worker's before another may take it, in seconds. Longer
    /// than any one job can take (the webhook time-out, the SMTP time-out).
    #[arg(
        long,
        env = "KEDAI_WORKER_LEASE_SECS",
        default_value_t = 60,
        global = true
    )]
    pub worker_lease_secs: u64,

    /// How often the worker writes off expired points, in seconds.
    #[arg(
        long,
        env = "KEDAI_POINTS_EXPIRY_SWEEP_SECS",
        default_value_t = 60,
        global = true
    )]
    pub points_expiry_sweep_secs: u64,

    /// Attempts of a job before it is parked as failed.
    #[arg(
        long,
        env = "KEDAI_JOB_MAX_ATTEMPTS",
        default_value_t = 12,
        global = true
    )]
    pub job_max_attempts: u32,

    /// Wait after a job's first failure, in milliseconds; it doubles with each failure.
    #[arg(
        long,
        env = "KEDAI_JOB_RETRY_BASE_MS",
        default_value_t = 10_000,
        global = true
    )]
    pub job_retry_base_ms: u64,

    /// Longest wait between attempts, in milliseconds.
    #[arg(
        long,
        env = "KEDAI_JOB_RETRY_CAP_MS",
        default_value_t = 3_600_000,
        global = true
    )]
    pub job_retry_cap_ms: u64,

    /// How long a webhook endpoint has to answer, in milliseconds.
    #[arg(
        long,
        env = "KEDAI_WEBHOOK_TIMEOUT_MS",
        default_value_t = 10_000,
        global = true
    )]
    pub webhook_timeout_ms: u64,

    /// Allow `http://` webhook URLs (default: in development only).
    #[arg(long, env = "KEDAI_WEBHOOK_ALLOW_HTTP", global = true)]
    pub webhook_allow_http: Option<bool>,

    /// Allow webhooks to loopback, private and link-local addresses (default: in development
    /// only).
    #[arg(long, env = "KEDAI_WEBHOOK_ALLOW_PRIVATE", global = true)]
    pub webhook_allow_private: Option<bool>,

    /// SMTP server for e-mail, with credentials: `smtps://user:pass@host:465` (TLS),
    /// `smtp://user:pass@host:587?tls=required` (STARTTLS). Without it e-mail is only logged.
    #[arg(long, env = "KEDAI_SMTP_URL", hide_env_values = true, global = true)]
    pub smtp_url: Option<SecretString>,

    /// The e-mail sender, `Name <address>`.
    #[arg(
        long,
        env = "KEDAI_SMTP_FROM",
        default_value = "Kedai <no-reply@localhost>",
        global = true
    )]
    pub smtp_from: String,

    /// Base URL of the SMS provider's Twilio-compatible API. Without an account id SMS and
    /// WhatsApp are only logged.
    #[arg(
        long,
        env = "KEDAI_SMS_API_URL",
        default_value = "https://api.twilio.com",
        global = true
    )]
    pub sms_api_url: String,

    /// SMS provider account id.
    #[arg(long, env = "KEDAI_SMS_ACCOUNT_SID", global = true)]
    pub sms_account_sid: Option<String>,

    /// SMS provider auth token.
    #[arg(
        long,
        env = "KEDAI_SMS_AUTH_TOKEN",
        hide_env_values = true,
        global = true
    )]
    pub sms_auth_token: Option<SecretString>,

    /// SMS sender number.
    #[arg(long, env = "KEDAI_SMS_FROM", global = true)]
    pub sms_from: Option<String>,

    /// WhatsApp sender number (WhatsApp is only logged without it).
    #[arg(long, env = "KEDAI_WHATSAPP_FROM", global = true)]
    pub whatsapp_from: Option<String>,
}

impl Default for OutboundSettings {
    fn default() -> Self {
        Self {
            worker_poll_ms: 200,
            worker_concurrency: 16,
            worker_lease_secs: 60,
            points_expiry_sweep_secs: 60,
            job_max_attempts: 12,
            job_retry_base_ms: 10_000,
            job_retry_cap_ms: 3_600_000,
            webhook_timeout_ms: 10_000,
            webhook_allow_http: None,
            webhook_allow_private: None,
            smtp_url: None,
            smtp_from: "Kedai <no-reply@localhost>".into(),
            sms_api_url: "https://api.twilio.com".into(),
            sms_account_sid: None,
            sms_auth_token: None,
            sms_from: None,
            whatsapp_from: None,
        }
    }
}

/// A setting that cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct OutboundError(pub String);

impl OutboundSettings {
    /// Which webhook URLs are allowed: everything in development, public `https` in
    /// production, each loosened by its setting.
    #[must_use]
    pub fn address_policy(&self, environment: Environment) -> AddressPolicy {
        let development = environment == Environment::Development;
        AddressPolicy {
            allow_http: self.webhook_allow_http.unwrap_or(development),
            allow_private: self.webhook_allow_private.unwrap_or(development),
        }
    }

    /// The retry schedule.
    #[must_use]
    pub fn backoff(&self) -> Backoff {
        Backoff {
            base: Duration::from_millis(self.job_retry_base_ms.max(1)),
            cap: Duration::from_millis(self.job_retry_cap_ms.max(self.job_retry_base_ms).max(1)),
            max_attempts: self.job_max_attempts.max(1),
            jitter: Backoff::OUTBOUND.jitter,
        }
    }

    /// The notifier of the configured channels.
    ///
    /// # Errors
    /// [`OutboundError`] for an unusable SMTP URL or sender, or SMS settings missing a part.
    pub fn notifier(&self) -> Result<Arc<dyn Notifier>, OutboundError> {
        let smtp = self
            .smtp_url
            .as_ref()
            .map(|url| {
                SmtpNotifier::new(&SmtpSettings {
                    url: url.expose_secret().to_owned(),
                    from: self.smtp_from.clone(),
                })
                .map_err(OutboundError)
            })
            .transpose()?;
        let sms = match (&self.sms_account_sid, &self.sms_auth_token, &self.sms_from) {
            (None, _, _) => None,
            (Some(sid), Some(token), Some(from)) => Some(SmsNotifier::new(SmsSettings {
                base_url: self.sms_api_url.clone(),
                account_sid: sid.clone(),
                auth_token: token.expose_secret().to_owned(),
                from: from.clone(),
                whatsapp_from: self.whatsapp_from.clone(),
            })),
            _ => {
                return Err(OutboundError(
                    "KEDAI_SMS_ACCOUNT_SID needs KEDAI_SMS_AUTH_TOKEN and KEDAI_SMS_FROM".into(),
                ));
            }
        };
        if smtp.is_none() && sms.is_none() {
            return Ok(Arc::new(LogNotifier));
        }
        Ok(Arc::new(ChannelNotifier { smtp, sms }))
    }

    /// The ports jobs reach the outside world with.
    ///
    /// # Errors
    /// As [`OutboundSettings::notifier`].
    pub fn ports(&self, environment: Environment) -> Result<Outbound, OutboundError> {
        Ok(Outbound {
            webhooks: Arc::new(HttpWebhookSender::new(self.address_policy(environment))),
            notifier: self.notifier()?,
            // The server points this at its payment gateways (`app_state`).
            refunds: Arc::new(kedai_app::jobs::NoRefunds),
            backoff: self.backoff(),
            webhook_timeout: Duration::from_millis(self.webhook_timeout_ms.max(1)),
        })
    }

    /// The worker's pace.
    #[must_use]
    pub fn worker(&self) -> crate::worker::WorkerConfig {
        crate::worker::WorkerConfig {
            poll: Duration::from_millis(self.worker_poll_ms.max(1)),
            concurrency: self.worker_concurrency.max(1),
            lease: Duration::from_secs(self.worker_lease_secs.max(1)),
            event_batch: 500,
            max_attempts: self.job_max_attempts.max(1),
            sweep: Duration::from_secs(self.points_expiry_sweep_secs.max(1)),
        }
    }
}
