//! Staff bearer tokens: JWT (HS256) carrying tenant, staff id and role, and the extractors that
//! turn an `Authorization` header into an [`Actor`].

use std::future::{Ready, ready};
use std::marker::PhantomData;

use actix_web::{FromRequest, HttpRequest, dev::Payload, http::header, web};
use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, errors::ErrorKind};
use kedai_app::{Actor, AppError, AuthFailure};
use kedai_identity::Staff;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::error::ApiError;
use crate::surface::Surface;

/// Lifetime of a staff token, as in the merchant API documents (`expires_in: 7200`).
pub const STAFF_TOKEN_TTL_SECONDS: i64 = 7200;

/// The claims of a staff token.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Claims {
    /// Staff id.
    pub sub: String,
    /// Tenant id.
    pub tid: String,
    /// Role.
    pub role: String,
    /// Token kind: `staff`.
    pub typ: String,
    /// Issued at (seconds since the epoch).
    pub iat: i64,
    /// Expires at (seconds since the epoch).
    pub exp: i64,
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

    /// A token for a signed-in staff member, valid for [`STAFF_TOKEN_TTL_SECONDS`].
    ///
    /// # Errors
    /// [`AppError::Storage`] if signing fails (never with an HMAC key).
    pub fn issue(&self, staff: &Staff, now: DateTime<Utc>) -> Result<String, AppError> {
        let claims = Claims {
            sub: staff.id.to_string(),
            tid: staff.tenant_id.to_string(),
            role: staff.role.as_str().to_owned(),
            typ: "staff".into(),
            iat: now.timestamp(),
            exp: now.timestamp() + STAFF_TOKEN_TTL_SECONDS,
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|e| AppError::Storage(kedai_core::StorageError::other(e)))
    }

    /// The actor a token stands for.
    ///
    /// # Errors
    /// [`AuthFailure::Expired`] past its expiry, [`AuthFailure::InvalidToken`] for anything
    /// else that is not a valid staff token of this server.
    pub fn verify(&self, token: &str) -> Result<Actor, AuthFailure> {
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
        Ok(Actor {
            tenant: c.tid.parse().map_err(|_| AuthFailure::InvalidToken)?,
            staff: c.sub.parse().map_err(|_| AuthFailure::InvalidToken)?,
            role: c.role.parse().map_err(|_| AuthFailure::InvalidToken)?,
        })
    }
}

fn bearer(req: &HttpRequest) -> Result<Option<&str>, AuthFailure> {
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

fn actor(req: &HttpRequest) -> Result<Option<Actor>, AuthFailure> {
    let Some(token) = bearer(req)? else {
        return Ok(None);
    };
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or(AuthFailure::InvalidToken)?;
    state.tokens.verify(token).map(Some)
}

/// A signed-in staff member; answers 401 in surface `S`'s envelope otherwise.
#[derive(Debug)]
pub struct Authed<S>(pub Actor, pub PhantomData<S>);

impl<S: Surface> FromRequest for Authed<S> {
    type Error = ApiError<S>;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(match actor(req) {
            Ok(Some(a)) => Ok(Self(a, PhantomData)),
            Ok(None) => Err(AppError::Unauthenticated(AuthFailure::Missing).into()),
            Err(why) => Err(AppError::Unauthenticated(why).into()),
        })
    }
}

/// A staff member if a token is given; a bad token is still a 401.
#[derive(Debug)]
pub struct MaybeAuthed<S>(pub Option<Actor>, pub PhantomData<S>);

impl<S: Surface> FromRequest for MaybeAuthed<S> {
    type Error = ApiError<S>;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(
            actor(req)
                .map(|a| Self(a, PhantomData))
                .map_err(|why| AppError::Unauthenticated(why).into()),
        )
    }
}
