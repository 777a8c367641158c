//! Posting webhooks over HTTP(S). Every address a host resolves to is checked against the
//! operator's address policy before connecting (the connection goes to the addresses checked,
//! so a name re-pointed at an internal address between checks cannot slip through), and
//! redirects are not followed.

use std::io;
use std::time::Duration;

use kedai_app::jobs::{SendError, WebhookRequest, WebhookResponse, WebhookSender};
use kedai_webhooks::{AddressPolicy, check_address, check_url, excerpt};
use ureq::config::Config;
use ureq::http::Uri;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{DefaultConnector, NextTimeout};

/// Resolves with the system resolver, then refuses the host when any address is not allowed.
struct GuardedResolver {
    inner: DefaultResolver,
    policy: AddressPolicy,
}

impl std::fmt::Debug for GuardedResolver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GuardedResolver")
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}

impl Resolver for GuardedResolver {
    fn resolve(
        &self,
        uri: &Uri,
        config: &Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let addrs = self.inner.resolve(uri, config, timeout)?;
        for addr in addrs.iter() {
            if let Err(e) = check_address(addr.ip(), self.policy) {
                return Err(ureq::Error::Io(io::Error::new(
                    io::ErrorKind::PermissionDenied,
                    format!("webhook address refused: the URL {e}"),
                )));
            }
        }
        Ok(addrs)
    }
}

/// Posts webhooks with ureq.
#[derive(Debug)]
pub struct HttpWebhookSender {
    agent: ureq::Agent,
    policy: AddressPolicy,
}

impl HttpWebhookSender {
    /// A sender under `policy`.
    #[must_use]
    pub fn new(policy: AddressPolicy) -> Self {
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .https_only(!policy.allow_http)
            .user_agent("Kedai-Webhooks/1")
            // Keep a connection per job the worker runs at once to a busy endpoint (the
            // default keeps 3 per host: a burst would open new ones, and wait on them).
            .max_idle_connections(256)
            .max_idle_connections_per_host(32)
            .timeout_global(Some(Duration::from_secs(10)))
            .build();
        let agent = ureq::Agent::with_parts(
            config,
            DefaultConnector::new(),
            GuardedResolver {
                inner: DefaultResolver::default(),
                policy,
            },
        );
        Self { agent, policy }
    }
}

/// The most of an answer's body read (the log keeps less).
const READ_LIMIT: u64 = 16 * 1024;

fn send_error(e: &ureq::Error) -> SendError {
    match e {
        ureq::Error::Io(io) if io.kind() == io::ErrorKind::PermissionDenied => {
            SendError::permanent(io.to_string())
        }
        ureq::Error::Timeout(_) => SendError::transient("the endpoint did not answer in time"),
        ureq::Error::HostNotFound => SendError::transient("the endpoint's host was not found"),
        ureq::Error::ConnectionFailed => {
            SendError::transient("the endpoint refused the connection")
        }
        other => SendError::transient(format!("the request failed: {other}")),
    }
}

impl WebhookSender for HttpWebhookSender {
    fn post(&self, request: &WebhookRequest<'_>) -> Result<WebhookResponse, SendError> {
        // The URL was checked when saved; the policy may have changed since.
        check_url(request.url, self.policy)
            .map_err(|e| SendError::permanent(format!("the webhook URL {e}")))?;
        let mut builder = self
            .agent
            .post(request.url)
            .config()
            .timeout_global(Some(request.timeout))
            .build()
            .header("Content-Type", "application/json");
        for (name, value) in &request.headers {
            builder = builder.header(*name, value.as_str());
        }
        let mut response = builder
            .send(request.body.as_bytes())
            .map_err(|e| send_error(&e))?;
        let status = response.status().as_u16();
        let body = response
            .body_mut()
            .with_config()
            .limit(READ_LIMIT)
            .read_to_string()
            .unwrap_or_default();
        Ok(WebhookResponse {
            status,
            body_excerpt: excerpt(&body),
        })
    }
}
