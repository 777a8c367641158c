//! Bearer tokens: JWTs (HS256) for staff (tenant, staff id, role, session) and for customers
//! (tenant, customer, session), issued and verified here without the database.

use actix_web::{HttpRequest, http::header};
use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, errors::ErrorKind};
use kedai_app::customer_auth::CustomerCaller;
use kedai_app::{Actor, AppError, AuthFailure};
use kedai_identity::SessionId;
use kedai_identity::customer_auth::CUSTOMER_ACCESS_TTL_SECONDS;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

/// Lifetime of a staff token, as in the merchant API documents (`expires_in: 7200`).
pub const STAFF_TOKEN_TTL_SECONDS: i64 = 7200;

/// The claims of a staff token.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Claims {
    /// Staff id.
    pub sub: String,
    /// Tenant id.
    pub tid: String,
    /// Role when the token was issued (the database's current role is what counts).
    pub role: String,
    /// Session id: the token works while this session is live.
    pub sid: String,
    /// Token kind: `staff`.
    pub typ: String,
    /// Issued at (seconds since the epoch).
    pub iat: i64,
    /// Expires at (seconds since the epoch).
    pub exp: i64,
}

/// The claims of a customer access token (customer portal).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct CustomerClaims {
    /// Customer id.
    pub sub: String,
    /// Tenant id.
    pub tid: String,
    /// Session id: the token works while this session is live.
    pub sid: String,
    /// Token kind: `customer`.
    pub typ: String,
    /// Issued at (seconds since the epoch).
    pub iat: i64,
    /// Expires at (seconds since the epoch).
    pub exp: i64,
}

/// What a correctly signed, unexpired token says, before the database is asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verified {
    /// The caller as the token describes them.
    pub actor: Actor,
    /// Their session.
    pub session: SessionId,
}

/// Issues and verifies staff tokens with one HMAC secret.
#[derive(Clone)]
pub struct TokenService {
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl std::fmt::Debug for TokenService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenService(..)")
    }
}

impl TokenService {
    /// A service signing with `secret`.
    #[must_use]
    pub fn new(secret: &SecretString) -> Self {
        let bytes = secret.expose_secret().as_bytes();
        Self {
            encoding: EncodingKey::from_secret(bytes),
            decoding: DecodingKey::from_secret(bytes),
        }
    }

    /// An access token for `actor` in `session`, valid for [`STAFF_TOKEN_TTL_SECONDS`].
    ///
    /// # Errors
    /// [`AppError::Storage`] if signing fails (never with an HMAC key).
    pub fn issue(
        &self,
        actor: &Actor,
        session: SessionId,
        now: DateTime<Utc>,
    ) -> Result<String, AppError> {
        let claims = Claims {
            sub: actor.staff.to_string(),
            tid: actor.tenant.to_string(),
            role: actor.role.as_str().to_owned(),
            sid: session.to_string(),
            typ: "staff".into(),
            iat: now.timestamp(),
            exp: now.timestamp() + STAFF_TOKEN_TTL_SECONDS,
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|e| AppError::Storage(kedai_core::StorageError::other(e)))
    }

    /// A customer access token for `caller`, valid for
    /// [`CUSTOMER_ACCESS_TTL_SECONDS`].
    ///
    /// # Errors
    /// [`AppError::Storage`] if signing fails (never with an HMAC key).
    pub fn issue_customer(
        &self,
        caller: &CustomerCaller,
        now: DateTime<Utc>,
    ) -> Result<String, AppError> {
        let claims = CustomerClaims {
            sub: caller.customer.to_string(),
            tid: caller.tenant.to_string(),
            sid: caller.session.to_string(),
            typ: "customer".into(),
            iat: now.timestamp(),
            exp: now.timestamp() + CUSTOMER_ACCESS_TTL_SECONDS,
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|e| AppError::Storage(kedai_core::StorageError::other(e)))
    }

    /// What a customer token says, checking only its signature, expiry and shape.
    ///
    /// # Errors
    /// [`AuthFailure::Expired`] past its expiry, [`AuthFailure::InvalidToken`] for anything
    /// else that is not a customer token of this server.
    pub fn verify_customer(&self, token: &str) -> Result<CustomerCaller, AuthFailure> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 0;
        validation.set_required_spec_claims(&["exp", "sub"]);
        let data = jsonwebtoken::decode::<CustomerClaims>(token, &self.decoding, &validation)
            .map_err(|e| match e.kind() {
                ErrorKind::ExpiredSignature => AuthFailure::Expired,
                _ => AuthFailure::InvalidToken,
            })?;
        let c = data.claims;
        if c.typ != "customer" {
            return Err(AuthFailure::InvalidToken);
        }
        Ok(CustomerCaller {
            tenant: c.tid.parse().map_err(|_| AuthFailure::InvalidToken)?,
            customer: c.sub.parse().map_err(|_| AuthFailure::InvalidToken)?,
            session: c.sid.parse().map_err(|_| AuthFailure::InvalidToken)?,
        })
    }

    /// What a token says, checking only its signature, expiry and shape (no database).
    ///
    /// # Errors
    /// [`AuthFailure::Expired`] past its expiry, [`AuthFailure::InvalidToken`] for anything
    /// else that is not a valid staff token of this server.
    pub fn verify(&self, token: &str) -> Result<Verified, AuthFailure> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 0;
        validation.set_required_spec_claims(&["exp", "sub"]);
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &validation).map_err(
            |e| match e.kind() {
                ErrorKind::ExpiredSignature => AuthFailure::Expired,
                _ => AuthFailure::InvalidToken,
            },
        )?;
        let c = data.claims;
        if c.typ != "staff" {
            return Err(AuthFailure::InvalidToken);
        }
        Ok(Verified {
            actor: Actor {
                tenant: c.tid.parse().map_err(|_| AuthFailure::InvalidToken)?,
                staff: c.sub.parse().map_err(|_| AuthFailure::InvalidToken)?,
                role: c.role.parse().map_err(|_| AuthFailure::InvalidToken)?,
            },
            session: c.sid.parse().map_err(|_| AuthFailure::InvalidToken)?,
        })
    }
}

/// The bearer token of a request, if it carries one.
///
/// # Errors
/// [`AuthFailure::InvalidToken`] for an `Authorization` header that is not a bearer token.
pub fn bearer(req: &HttpRequest) -> Result<Option<&str>, AuthFailure> {
    let Some(value) = req.headers().get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let value = value
        .to_str()
        .map_err(|_| AuthFailure::InvalidToken)?
        .trim();
    let (scheme, token) = value.split_once(' ').ok_or(AuthFailure::InvalidToken)?;
    if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
        return Err(AuthFailure::InvalidToken);
    }
    Ok(Some(token.trim()))
}
