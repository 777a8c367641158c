//! The limiters of one instance: a quota per token and per address, and failed sign-ins
//! counted per (e-mail, address) pair, per address and per e-mail.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use governor::clock::{Clock, DefaultClock};
use governor::middleware::StateInformationMiddleware;
use governor::nanos::Nanos;
use governor::state::StateStore;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};

use super::{Decision, LOGIN_WINDOW, RateLimitConfig, reset_seconds, retry_after_seconds};

/// How often (in checks) idle keys are dropped from memory.
const PRUNE_EVERY: u64 = 4096;
type Keyed =
    RateLimiter<String, DefaultKeyedStateStore<String>, DefaultClock, StateInformationMiddleware>;

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

#[cfg(test)]
mod tests {
    use super::*;

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
