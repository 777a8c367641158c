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
//! Every surface is limited; `/health`, `/ready`, `/docs` and `/openapi.json` are not. Limited responses carry
//! `X-RateLimit-Limit`, `X-RateLimit-Remaining` and `X-RateLimit-Reset` (seconds until the
//! quota is whole again); a refusal is 429 `RATE_LIMIT_EXCEEDED` with `Retry-After`, in the
//! envelope of the surface the path belongs to.
use std::time::Duration;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{HttpResponse, ResponseError, web};

use crate::AppState;
use crate::error::{ApiError, Failure};
use crate::surface::Surface;
use crate::token::bearer;

mod client;
mod limiter;

pub use client::client_ip;
pub use limiter::{LOGINS_IN_FLIGHT_PER_IP, LoginAttempt, RateLimits};

/// The window failed sign-ins are counted over.
pub const LOGIN_WINDOW: Duration = Duration::from_secs(15 * 60);

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

fn set_headers(headers: &mut actix_web::http::header::HeaderMap, d: &Decision) {
    for (name, value) in [
        ("x-ratelimit-limit", u64::from(d.limit)),
        ("x-ratelimit-remaining", u64::from(d.remaining)),
        ("x-ratelimit-reset", d.reset),
    ] {
        headers.insert(HeaderName::from_static(name), HeaderValue::from(value));
    }
}

/// The 429 answer in surface `S`'s envelope.
pub(crate) fn refusal<S: Surface>(retry_after: u64) -> HttpResponse {
    ApiError::<S>::from(Failure::RateLimited { retry_after }).error_response()
}

/// The middleware of every surface's scope (health checks and the docs are outside them, and
/// never limited): counts the request against its token's or its address's limit.
pub(crate) async fn limit<S: Surface, B: MessageBody + 'static>(
    req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
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
        let mut response = refusal::<S>(wait);
        set_headers(response.headers_mut(), &decision);
        return Ok(req.into_response(response));
    }
    let mut res = next.call(req).await?.map_into_boxed_body();
    set_headers(res.headers_mut(), &decision);
    Ok(res)
}

/// Documents the limits on every operation of surface `S`: a 429 response with `Retry-After`,
/// in the surface's error envelope.
pub(crate) fn document<S: Surface>(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::schema::{ObjectBuilder, Type};
    use utoipa::openapi::{ContentBuilder, HeaderBuilder, Ref, ResponseBuilder};
    let envelope = S::ERROR_SCHEMA;
    for item in doc.paths.paths.values_mut() {
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
}
