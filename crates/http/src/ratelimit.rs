//! Rate limits (003 §19), kept in memory by each Kedai instance (so behind a load balancer
//! with N instances a caller may get up to N times the limit; put a shared limiter in front
//! for a hard global cap):
//!
//! - every request with a valid token: `per_token_per_minute` per session (keyed by the token's
//!   `sid`, read from the signed token without a database read);
//! - every other request: `per_ip_per_minute` per client address (the peer address, or the
//!   first `X-Forwarded-For` / `Forwarded` address when the proxy is trusted);
//! - failed sign-ins, counted within [`LOGIN_WINDOW`] per (e-mail, address) pair, per address,
//!   and per e-mail across all addresses; past `login_failures_per_email_and_ip`,
//!   `login_failures_per_ip` or `login_failures_per_email` respectively, further sign-ins are
//!   refused before the password is checked. Successful sign-ins do not count.
//!
//! The per-e-mail count is the trade-off between guessing and locking out. Counted alone at a
//! low threshold, it let anyone keep a staff member out with one wrong password every few
//! minutes from anywhere. So the low threshold is per pair (a guesser at one address is
//! stopped after a few tries, while the owner at their own address is not affected), the
//! per-address one stops one address trying many accounts, and the per-e-mail one is much
//! higher: it only caps guessing spread over many addresses, where it may lock the account
//! for everyone until the window passes — the price of bounding a distributed guess.
//!
//! `/health`, `/ready`, `/docs` and `/openapi.json` are not limited. Limited responses carry
//! `X-RateLimit-Limit`, `X-RateLimit-Remaining` and `X-RateLimit-Reset` (seconds until the
//! quota is whole again); a refusal is 429 `RATE_LIMIT_EXCEEDED` with `Retry-After`, in the
//! envelope of the surface the path belongs to.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{HttpRequest, HttpResponse, web};
use governor::clock::{Clock, DefaultClock};
use governor::middleware::StateInformationMiddleware;
use governor::nanos::Nanos;
use governor::state::StateStore;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};

use crate::AppState;
use crate::auth::bearer;
use crate::error::Failure;

/// The window failed sign-ins are counted over.
pub const LOGIN_WINDOW: Duration = Duration::from_secs(15 * 60);

/// How often (in checks) idle keys are dropped from memory.
const PRUNE_EVERY: u64 = 4096;

/// The configured limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimitConfig {
    /// Requests per minute per token (session).
    pub per_token_per_minute: u32,
    /// Requests per minute per client address, for requests without a valid token.
    pub per_ip_per_minute: u32,
    /// Take the client address from `X-Forwarded-For` / `Forwarded` (only behind a proxy
    /// that sets them).
    pub trust_forwarded_for: bool,
    /// Failed sign-ins per (e-mail, address) pair within [`LOGIN_WINDOW`] before sign-ins of
    /// that e-mail from that address are refused.
    pub login_failures_per_email_and_ip: u32,
    /// Failed sign-ins per e-mail from all addresses together within [`LOGIN_WINDOW`] before
    /// sign-ins of that e-mail are refused everywhere (much higher than the pair's: see the
    /// module notes).
    pub login_failures_per_email: u32,
    /// Failed sign-ins per client address within [`LOGIN_WINDOW`] before sign-ins are refused.
    pub login_failures_per_ip: u32,
    /// One-time sign-in codes a client address may ask for per hour.
    pub otp_per_ip_per_hour: u32,
}

impl Default for RateLimitConfig {
    fn default() -> Self {
        Self {
            per_token_per_minute: 100,
            per_ip_per_minute: 60,
            trust_forwarded_for: false,
            login_failures_per_email_and_ip: 5,
            login_failures_per_email: 100,
            login_failures_per_ip: 20,
            otp_per_ip_per_hour: 20,
        }
    }
}

type Keyed =
    RateLimiter<String, DefaultKeyedStateStore<String>, DefaultClock, StateInformationMiddleware>;

/// One limit's decision for one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    /// The limit (per minute).
    pub limit: u32,
    /// Requests left now.
    pub remaining: u32,
    /// Seconds until the quota is whole again.
    pub reset: u64,
    /// `Some(seconds to wait)` when refused.
    pub retry_after: Option<u64>,
}

/// Whole seconds, rounded up, at least 1: what `Retry-After` says.
#[must_use]
pub fn retry_after_seconds(wait: Duration) -> u64 {
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    secs.max(1)
}

/// Seconds until a per-minute quota of `limit` with `remaining` left is whole again (one
/// request comes back every `60 / limit` seconds), rounded up.
#[must_use]
pub fn reset_seconds(limit: u32, remaining: u32) -> u64 {
    let used = u64::from(limit.saturating_sub(remaining));
    (used * 60).div_ceil(u64::from(limit.max(1)))
}

/// Paths that are never limited.
#[must_use]
pub fn exempt(path: &str) -> bool {
    matches!(path, "/health" | "/ready" | "/openapi.json" | "/docs") || path.starts_with("/docs/")
}

fn per_minute(n: u32) -> Quota {
    Quota::per_minute(NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN))
}

/// A governor state store over a shared map. Two limiters share one map: one records, the
/// other only looks (its updates are dropped), which gives a "would this be allowed?" check
/// that governor's own stores do not offer.
#[derive(Clone, Default)]
struct Cells {
    map: Arc<Mutex<HashMap<String, (Nanos, Instant)>>>,
    record: bool,
}

impl StateStore for Cells {
    type Key = String;

    fn measure_and_replace<T, F, E>(&self, key: &String, f: F) -> Result<T, E>
    where
        F: Fn(Option<Nanos>) -> Result<(T, Nanos), E>,
    {
        let mut map = self.map.lock().unwrap_or_else(PoisonError::into_inner);
        let (out, next) = f(map.get(key).map(|(tat, _)| *tat))?;
        if self.record {
            map.insert(key.clone(), (next, Instant::now()));
        }
        Ok(out)
    }
}

/// Counts failures per key and says, before an attempt, whether the key is still allowed one.
struct FailureLimiter {
    // Built first, so its time origin is a hair earlier: the look is never stricter than the
    // record.
    look: RateLimiter<String, Cells, DefaultClock>,
    record: RateLimiter<String, Cells, DefaultClock>,
    cells: Cells,
    clock: DefaultClock,
}

impl FailureLimiter {
    fn new(failures: u32, window: Duration) -> Self {
        let n = NonZeroU32::new(failures).unwrap_or(NonZeroU32::MIN);
        let quota = Quota::with_period(window / n.get())
            .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
            .allow_burst(n);
        let cells = Cells::default();
        let clock = DefaultClock::default();
        let look = RateLimiter::new(
            quota,
            Cells {
                record: false,
                ..cells.clone()
            },
            clock.clone(),
        );
        let record = RateLimiter::new(
            quota,
            Cells {
                record: true,
                ..cells.clone()
            },
            clock.clone(),
        );
        Self {
            look,
            record,
            cells,
            clock,
        }
    }

    /// `Some(wait)` when the key has used up its failures.
    fn blocked(&self, key: &str) -> Option<Duration> {
        self.look
            .check_key(&key.to_owned())
            .err()
            .map(|not_until| not_until.wait_time_from(self.clock.now()))
    }

    fn fail(&self, key: &str) {
        let _ = self.record.check_key(&key.to_owned());
        let mut map = self
            .cells
            .map
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if map.len() > 10_000 {
            map.retain(|_, (_, touched)| touched.elapsed() < LOGIN_WINDOW);
        }
    }
}

/// The limiters of one Kedai instance, shared by its workers.
pub struct RateLimits {
    config: RateLimitConfig,
    tokens: Keyed,
    ips: Keyed,
    login_pairs: FailureLimiter,
    login_emails: FailureLimiter,
    login_ips: FailureLimiter,
    otp_ips: Keyed,
    in_flight: std::sync::Mutex<InFlight>,
    checks: AtomicU64,
}

/// Sign-ins being checked right now, per (e-mail, address) pair and per address. A failure is
/// only counted once its password check ends, so without this many parallel guesses would all
/// pass the look at the counter before any of them is recorded. Keyed by the pair, not the
/// e-mail alone, so that a stranger's attempts never keep the owner's own attempt waiting.
#[derive(Debug, Default)]
struct InFlight {
    pairs: std::collections::HashSet<String>,
    ips: std::collections::HashMap<String, u32>,
}

/// Most sign-ins checked at once from one address.
pub const LOGINS_IN_FLIGHT_PER_IP: u32 = 4;

/// A sign-in attempt holding its place; dropping it lets the next attempt for the same e-mail
/// from the same address in.
#[derive(Debug)]
pub struct LoginAttempt<'a> {
    limits: &'a RateLimits,
    pair: String,
    ip: String,
}

impl Drop for LoginAttempt<'_> {
    fn drop(&mut self) {
        let mut f = self
            .limits
            .in_flight
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        f.pairs.remove(&self.pair);
        if let Some(n) = f.ips.get_mut(&self.ip) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                f.ips.remove(&self.ip);
            }
        }
    }
}

impl std::fmt::Debug for RateLimits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RateLimits")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl RateLimits {
    /// Limiters for `config`.
    #[must_use]
    pub fn new(config: RateLimitConfig) -> Self {
        Self {
            tokens: RateLimiter::keyed(per_minute(config.per_token_per_minute))
                .with_middleware::<StateInformationMiddleware>(),
            ips: RateLimiter::keyed(per_minute(config.per_ip_per_minute))
                .with_middleware::<StateInformationMiddleware>(),
            login_pairs: FailureLimiter::new(config.login_failures_per_email_and_ip, LOGIN_WINDOW),
            login_emails: FailureLimiter::new(config.login_failures_per_email, LOGIN_WINDOW),
            login_ips: FailureLimiter::new(config.login_failures_per_ip, LOGIN_WINDOW),
            otp_ips: RateLimiter::keyed(Quota::per_hour(
                NonZeroU32::new(config.otp_per_ip_per_hour).unwrap_or(NonZeroU32::MIN),
            ))
            .with_middleware::<StateInformationMiddleware>(),
            in_flight: std::sync::Mutex::default(),
            config,
            checks: AtomicU64::new(0),
        }
    }

    /// The configuration.
    #[must_use]
    pub const fn config(&self) -> RateLimitConfig {
        self.config
    }

    fn check(&self, limiter: &Keyed, limit: u32, key: &str) -> Decision {
        if self.checks.fetch_add(1, Ordering::Relaxed) % PRUNE_EVERY == PRUNE_EVERY - 1 {
            limiter.retain_recent();
        }
        match limiter.check_key(&key.to_owned()) {
            Ok(state) => {
                let remaining = state.remaining_burst_capacity();
                Decision {
                    limit,
                    remaining,
                    reset: reset_seconds(limit, remaining),
                    retry_after: None,
                }
            }
            Err(not_until) => {
                let wait = retry_after_seconds(not_until.wait_time_from(limiter.clock().now()));
                Decision {
                    limit,
                    remaining: 0,
                    reset: wait.max(reset_seconds(limit, 0)),
                    retry_after: Some(wait),
                }
            }
        }
    }

    /// Counts a request of a token's session.
    pub fn check_token(&self, session: &str) -> Decision {
        self.check(&self.tokens, self.config.per_token_per_minute, session)
    }

    /// Counts a request without a valid token from `ip`.
    pub fn check_ip(&self, ip: &str) -> Decision {
        self.check(&self.ips, self.config.per_ip_per_minute, ip)
    }

    /// Counts a request for a one-time code from `ip` (per hour, not per minute).
    pub fn check_otp_ip(&self, ip: &str) -> Decision {
        self.check(&self.otp_ips, self.config.otp_per_ip_per_hour, ip)
    }

    /// `Some(seconds)` when sign-ins of `email` from `ip` are refused for now: the pair, the
    /// address or the e-mail everywhere has used up its failures.
    #[must_use]
    pub fn login_blocked(&self, email: &str, ip: &str) -> Option<u64> {
        let email = login_key(email);
        [
            self.login_pairs.blocked(&pair_key(&email, ip)),
            self.login_ips.blocked(ip),
            self.login_emails.blocked(&email),
        ]
        .into_iter()
        .flatten()
        .max()
        .map(retry_after_seconds)
    }

    /// Takes a place for a sign-in of `email` from `ip`: one at a time per e-mail and address,
    /// and a few at a time per address, so every attempt sees the failures counted before it.
    /// `Err` carries the seconds to wait when the place is taken.
    ///
    /// # Errors
    /// The `Retry-After` seconds (1) while another attempt is being checked.
    pub fn begin_login(&self, email: &str, ip: &str) -> Result<LoginAttempt<'_>, u64> {
        let pair = pair_key(&login_key(email), ip);
        let mut f = self
            .in_flight
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let from_ip = f.ips.get(ip).copied().unwrap_or(0);
        if f.pairs.contains(&pair) || from_ip >= LOGINS_IN_FLIGHT_PER_IP {
            return Err(1);
        }
        f.pairs.insert(pair.clone());
        f.ips.insert(ip.to_owned(), from_ip + 1);
        Ok(LoginAttempt {
            limits: self,
            pair,
            ip: ip.to_owned(),
        })
    }

    /// Counts a failed sign-in of `email` from `ip`.
    pub fn login_failed(&self, email: &str, ip: &str) {
        let email = login_key(email);
        self.login_pairs.fail(&pair_key(&email, ip));
        self.login_emails.fail(&email);
        self.login_ips.fail(ip);
    }
}

/// The key of an (e-mail, address) pair; a line feed cannot occur in either.
fn pair_key(email: &str, ip: &str) -> String {
    format!("{email}\n{ip}")
}

fn login_key(email: &str) -> String {
    email.trim().to_lowercase()
}

/// The client's address: the peer, or behind a trusted proxy the last address in
/// `X-Forwarded-For` — the one that proxy appended. Earlier entries (and the `Forwarded`
/// header) are whatever the client chose to send, so they are never believed.
#[must_use]
pub fn client_ip(req: &HttpRequest, trust_forwarded_for: bool) -> String {
    let peer = || {
        req.peer_addr()
            .map_or_else(|| "unknown".to_owned(), |a| a.ip().to_string())
    };
    if !trust_forwarded_for {
        return peer();
    }
    let forwarded: Vec<&str> = req
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .collect();
    last_forwarded(&forwarded).unwrap_or_else(peer)
}

/// The right-most address of `X-Forwarded-For` header values (several headers count as one
/// list), without a port.
fn last_forwarded(values: &[&str]) -> Option<String> {
    let last = values
        .iter()
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .rfind(|s| !s.is_empty())?;
    if let Ok(ip) = last.parse::<std::net::IpAddr>() {
        return Some(ip.to_string());
    }
    last.parse::<std::net::SocketAddr>()
        .ok()
        .map(|a| a.ip().to_string())
}

fn set_headers(headers: &mut actix_web::http::header::HeaderMap, d: &Decision) {
    for (name, value) in [
        ("x-ratelimit-limit", u64::from(d.limit)),
        ("x-ratelimit-remaining", u64::from(d.remaining)),
        ("x-ratelimit-reset", d.reset),
    ] {
        headers.insert(HeaderName::from_static(name), HeaderValue::from(value));
    }
}

/// The 429 answer in the envelope of the surface `path` belongs to.
pub(crate) fn refusal(path: &str, retry_after: u64) -> HttpResponse {
    crate::surface::error_for(path, Failure::RateLimited { retry_after })
}

/// The middleware: counts the request against its token's or its address's limit.
pub(crate) async fn limit(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let Some(state) = req
        .app_data::<web::Data<AppState>>()
        .filter(|_| !exempt(req.path()))
        .cloned()
    else {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body);
    };
    let limits = &state.limits;
    let session = bearer(req.request()).ok().flatten().and_then(|token| {
        state
            .tokens
            .verify(token)
            .map(|v| v.session.to_string())
            .or_else(|_| {
                state
                    .tokens
                    .verify_customer(token)
                    .map(|c| c.session.to_string())
            })
            .ok()
    });
    let decision = match session {
        Some(sid) => limits.check_token(&sid),
        None => limits.check_ip(&client_ip(
            req.request(),
            limits.config().trust_forwarded_for,
        )),
    };
    if let Some(wait) = decision.retry_after {
        let mut response = refusal(req.path(), wait);
        set_headers(response.headers_mut(), &decision);
        return Ok(req.into_response(response));
    }
    let mut res = next.call(req).await?.map_into_boxed_body();
    set_headers(res.headers_mut(), &decision);
    Ok(res)
}

/// Documents the limits on every limited operation: a 429 response with `Retry-After`, in
/// the surface's error envelope.
pub(crate) fn document(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::schema::{ObjectBuilder, Type};
    use utoipa::openapi::{ContentBuilder, HeaderBuilder, Ref, ResponseBuilder};
    for (path, item) in &mut doc.paths.paths {
        if exempt(path) {
            continue;
        }
        let envelope = crate::surface::SurfaceKind::of(path).error_schema();
        let response = ResponseBuilder::new()
            .description(
                "RATE_LIMIT_EXCEEDED: too many requests for this token or address; retry after \
                 `Retry-After` seconds",
            )
            .header(
                "Retry-After",
                HeaderBuilder::new()
                    .schema(Some(ObjectBuilder::new().schema_type(Type::Integer)))
                    .description(Some("Seconds to wait"))
                    .build(),
            )
            .content(
                "application/json",
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name(envelope)))
                    .build(),
            )
            .build();
        for op in [
            &mut item.get,
            &mut item.post,
            &mut item.put,
            &mut item.patch,
            &mut item.delete,
        ]
        .into_iter()
        .flatten()
        {
            op.responses
                .responses
                .entry("429".into())
                .or_insert_with(|| response.clone().into());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_address_the_proxy_appended_is_believed() {
        assert_eq!(
            last_forwarded(&["1.2.3.4, 10.0.0.7"]).as_deref(),
            Some("10.0.0.7")
        );
        assert_eq!(
            last_forwarded(&["9.9.9.9", "203.0.113.5:4711"]).as_deref(),
            Some("203.0.113.5")
        );
        assert_eq!(
            last_forwarded(&["2001:db8::1"]).as_deref(),
            Some("2001:db8::1")
        );
        assert_eq!(last_forwarded(&["1.2.3.4, not-an-ip"]), None);
        assert_eq!(last_forwarded(&[" , "]), None);
        assert_eq!(last_forwarded(&[]), None);
    }

    #[test]
    fn retry_after_rounds_up_to_whole_seconds() {
        assert_eq!(retry_after_seconds(Duration::ZERO), 1);
        assert_eq!(retry_after_seconds(Duration::from_millis(1)), 1);
        assert_eq!(retry_after_seconds(Duration::from_millis(1500)), 2);
        assert_eq!(retry_after_seconds(Duration::from_secs(60)), 60);
    }

    #[test]
    fn reset_is_the_time_to_refill() {
        assert_eq!(reset_seconds(100, 100), 0);
        assert_eq!(reset_seconds(100, 99), 1);
        assert_eq!(reset_seconds(100, 0), 60);
        assert_eq!(reset_seconds(3, 1), 40);
    }

    #[test]
    fn health_and_docs_are_exempt() {
        for p in [
            "/health",
            "/ready",
            "/docs",
            "/docs/",
            "/docs/index.html",
            "/openapi.json",
        ] {
            assert!(exempt(p), "{p}");
        }
        for p in [
            "/v1/products",
            "/functions/v1/stock-in",
            "/healthz",
            "/documents",
        ] {
            assert!(!exempt(p), "{p}");
        }
    }

    #[test]
    fn forwarded_addresses_count_only_behind_a_trusted_proxy() {
        let req = actix_web::test::TestRequest::default()
            .peer_addr("10.0.0.7:50000".parse().unwrap_or_else(|e| panic!("{e}")))
            .insert_header(("x-forwarded-for", "203.0.113.9, 10.0.0.1"))
            .to_http_request();
        assert_eq!(client_ip(&req, false), "10.0.0.7");
        // Only the entry the trusted proxy appended counts; the rest is the client's say-so.
        assert_eq!(client_ip(&req, true), "10.0.0.1");
        let direct = actix_web::test::TestRequest::default()
            .peer_addr("10.0.0.8:1".parse().unwrap_or_else(|e| panic!("{e}")))
            .to_http_request();
        assert_eq!(client_ip(&direct, true), "10.0.0.8");
    }

    #[test]
    fn a_token_gets_its_quota_then_is_refused() {
        let limits = RateLimits::new(RateLimitConfig {
            per_token_per_minute: 3,
            ..RateLimitConfig::default()
        });
        let seen: Vec<(u32, bool)> = (0..4)
            .map(|_| {
                let d = limits.check_token("a");
                (d.remaining, d.retry_after.is_some())
            })
            .collect();
        assert_eq!(seen, [(2, false), (1, false), (0, false), (0, true)]);
        // Another token is unaffected.
        assert_eq!(limits.check_token("b").remaining, 2);
    }

    #[test]
    fn failed_sign_ins_block_the_pair_the_address_and_at_a_higher_count_the_email() {
        let limits = RateLimits::new(RateLimitConfig {
            login_failures_per_email_and_ip: 3,
            login_failures_per_ip: 5,
            login_failures_per_email: 8,
            ..RateLimitConfig::default()
        });
        for _ in 0..10 {
            // Looking does not count.
            assert_eq!(limits.login_blocked("A@x.io", "1.1.1.1"), None);
        }
        for _ in 0..3 {
            assert_eq!(limits.login_blocked("a@x.io", "1.1.1.1"), None);
            limits.login_failed(" A@X.io ", "1.1.1.1");
        }
        let wait = limits.login_blocked("a@x.io", "1.1.1.1");
        assert!(wait.is_some_and(|s| (1..=300).contains(&s)), "{wait:?}");
        // The owner at another address is not kept out by the guesser's failures.
        assert_eq!(limits.login_blocked("a@x.io", "2.2.2.2"), None);
        // Other e-mails from the guessing address have two failures left there.
        assert_eq!(limits.login_blocked("b@x.io", "1.1.1.1"), None);
        limits.login_failed("b@x.io", "1.1.1.1");
        limits.login_failed("c@x.io", "1.1.1.1");
        assert!(limits.login_blocked("d@x.io", "1.1.1.1").is_some());
        assert_eq!(limits.login_blocked("d@x.io", "3.3.3.3"), None);
        // Guesses for one e-mail spread over many addresses: blocked everywhere at 8.
        for i in 0..5 {
            limits.login_failed("e@x.io", &format!("10.0.0.{i}"));
        }
        assert_eq!(limits.login_blocked("e@x.io", "10.0.1.1"), None);
        for i in 5..8 {
            limits.login_failed("e@x.io", &format!("10.0.0.{i}"));
        }
        assert!(limits.login_blocked("e@x.io", "10.0.1.1").is_some());
    }

    #[test]
    fn attempts_wait_for_their_own_pair_only() {
        let limits = RateLimits::new(RateLimitConfig::default());
        let held = limits.begin_login("a@x.io", "1.1.1.1");
        assert!(held.is_ok());
        assert_eq!(limits.begin_login("A@x.io", "1.1.1.1").err(), Some(1));
        // The same account from the owner's own address is not held up by it.
        assert!(limits.begin_login("a@x.io", "2.2.2.2").is_ok());
        drop(held);
        assert!(limits.begin_login("a@x.io", "1.1.1.1").is_ok());
    }
}
