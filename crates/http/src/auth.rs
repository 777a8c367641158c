//! Staff bearer tokens: JWT (HS256) carrying tenant, staff id, role and session, and the
//! extractors that turn an `Authorization` header into an [`Actor`] after checking, per request,
//! that the session is live and the staff member active (taking the role from the database).

use std::marker::PhantomData;

use actix_web::body::MessageBody;
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpMessage, HttpRequest, http::header, web};
use chrono::{DateTime, Utc};
use futures_util::future::LocalBoxFuture;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, errors::ErrorKind};
use kedai_app::customer_auth::CustomerCaller;
use kedai_app::{Actor, AppError, AuthFailure, session};
use kedai_core::StorageError;
use kedai_core::storage::StorageErrorKind;
use kedai_identity::SessionId;
use kedai_identity::customer_auth::CUSTOMER_ACCESS_TTL_SECONDS;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use crate::error::{ApiError, Failure};
use crate::surface::{Merchant, Surface};
use crate::{AppState, blocking};

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
    /// [`CUSTOMER_ACCESS_TTL_SECONDS`](kedai_identity::customer_auth::CUSTOMER_ACCESS_TTL_SECONDS).
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

/// The request's token checked against its signature and then its session: the session must be
/// live and the staff member active, and the role is the one stored now. One indexed read.
fn signed_in(req: &HttpRequest) -> LocalBoxFuture<'static, Result<Option<Verified>, Failure>> {
    let unauthenticated = AppError::Unauthenticated;
    let checked = bearer(req).and_then(|token| {
        let Some(token) = token else {
            return Ok(None);
        };
        let state = req
            .app_data::<web::Data<AppState>>()
            .ok_or(AuthFailure::InvalidToken)?;
        state.tokens.verify(token).map(|v| Some((v, state.clone())))
    });
    Box::pin(async move {
        let Some((verified, state)) = checked.map_err(|e| Failure::App(unauthenticated(e)))? else {
            return Ok(None);
        };
        let now = state.now();
        let actor = blocking::<_, Merchant>(&state, move |store| {
            // One primary-key read: no transaction needed around it.
            store.lookup(|tx| {
                session::authenticate(
                    tx,
                    verified.actor.tenant,
                    verified.actor.staff,
                    verified.session,
                    now,
                )
            })
        })
        .await
        .map_err(ApiError::into_failure)?;
        Ok(Some(Verified {
            actor,
            session: verified.session,
        }))
    })
}

/// A failure of [`signed_in`] in a form that can be kept in the request and copied.
#[derive(Debug, Clone)]
enum Kept {
    Auth(AuthFailure),
    Storage(StorageErrorKind, String),
}

impl Kept {
    fn keep(failure: Failure) -> Self {
        match failure {
            Failure::App(AppError::Unauthenticated(why)) => Self::Auth(why),
            Failure::App(AppError::Storage(e)) => Self::Storage(e.kind(), e.to_string()),
            other => Self::Storage(StorageErrorKind::Other, format!("{other:?}")),
        }
    }

    fn failure(self) -> Failure {
        match self {
            Self::Auth(why) => Failure::App(AppError::Unauthenticated(why)),
            Self::Storage(kind, message) => {
                Failure::App(AppError::Storage(StorageError::new(kind, message)))
            }
        }
    }
}

/// The caller, resolved once per request by [`resolve`] before the handler's extractors run.
#[derive(Debug, Clone)]
struct Resolved(Result<Option<Verified>, Kept>);

/// Middleware: checks the request's token and session before the handler runs, so that the
/// extractors answer at once and a 401 comes before any body error (actix polls a handler's
/// extractors together, and the first to fail answers).
pub(crate) async fn resolve(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    if crate::surface::SurfaceKind::of(req.path()) == crate::surface::SurfaceKind::Portal {
        // Customer tokens: checked by the portal's own extractors, which know the tenant.
    } else if !crate::ratelimit::exempt(req.path()) {
        let outcome = signed_in(req.request()).await.map_err(Kept::keep);
        req.extensions_mut().insert(Resolved(outcome));
    }
    next.call(req).await
}

/// The caller as [`resolve`] found them, or checked now when it did not run.
fn caller(req: &HttpRequest) -> LocalBoxFuture<'static, Result<Option<Verified>, Failure>> {
    let kept = req.extensions().get::<Resolved>().cloned();
    match kept {
        Some(Resolved(outcome)) => Box::pin(std::future::ready(outcome.map_err(Kept::failure))),
        None => signed_in(req),
    }
}

/// The caller [`resolve`] found, if the token was good (no database read).
pub(crate) fn resolved(req: &HttpRequest) -> Option<Verified> {
    req.extensions()
        .get::<Resolved>()
        .and_then(|r| r.0.as_ref().ok().copied().flatten())
}

/// A signed-in staff member; answers 401 in surface `S`'s envelope otherwise.
#[derive(Debug)]
pub struct Authed<S>(pub Actor, pub PhantomData<S>);

impl<S: Surface> FromRequest for Authed<S> {
    type Error = ApiError<S>;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let check = caller(req);
        Box::pin(async move {
            match check.await {
                Ok(Some(v)) => Ok(Self(v.actor, PhantomData)),
                Ok(None) => Err(AppError::Unauthenticated(AuthFailure::Missing).into()),
                Err(e) => Err(e.into()),
            }
        })
    }
}

/// A signed-in staff member and their session (for signing out).
#[derive(Debug)]
pub struct AuthedSession<S>(pub Verified, pub PhantomData<S>);

impl<S: Surface> FromRequest for AuthedSession<S> {
    type Error = ApiError<S>;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let check = caller(req);
        Box::pin(async move {
            match check.await {
                Ok(Some(v)) => Ok(Self(v, PhantomData)),
                Ok(None) => Err(AppError::Unauthenticated(AuthFailure::Missing).into()),
                Err(e) => Err(e.into()),
            }
        })
    }
}

/// A staff member if a token is given; a bad token is still a 401.
#[derive(Debug)]
pub struct MaybeAuthed<S>(pub Option<Actor>, pub PhantomData<S>);

impl<S: Surface> FromRequest for MaybeAuthed<S> {
    type Error = ApiError<S>;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let check = caller(req);
        Box::pin(async move {
            check
                .await
                .map(|v| Self(v.map(|v| v.actor), PhantomData))
                .map_err(ApiError::from)
        })
    }
}
