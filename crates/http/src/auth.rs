//! The extractors that turn a staff bearer token (see [`crate::token`]) into an [`Actor`] after
//! checking, per request, that the session is live and the staff member active (taking the
//! role from the database).

use std::marker::PhantomData;

use actix_web::body::MessageBody;
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use futures_util::future::LocalBoxFuture;
use kedai_app::{Actor, AppError, AuthFailure, session};
use kedai_core::storage::StorageErrorKind;
use kedai_core::{StorageError, TenantId};

use crate::error::{ApiError, Failure};
use crate::idempotency::KeyOwner;
use crate::surface::{Edge, Merchant, Surface};
use crate::token::{Verified, bearer};
use crate::{AppState, blocking};

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

/// Middleware of the staff surfaces (edge functions, merchant API): checks the request's token
/// and session before the handler runs, so that the extractors answer at once and a 401 comes
/// before any body error (actix polls a handler's extractors together, and the first to fail
/// answers). The portal's customer tokens are checked by its own extractors, which know the
/// tenant.
pub(crate) async fn resolve(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let outcome = signed_in(req.request()).await.map_err(Kept::keep);
    req.extensions_mut().insert(Resolved(outcome));
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
fn resolved(req: &HttpRequest) -> Option<Verified> {
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

/// Staff keys: private to the staff member of the request's live session.
fn staff_key_owner(req: &HttpRequest) -> LocalBoxFuture<'static, Option<(TenantId, String)>> {
    let owner = resolved(req).map(|v| (v.actor.tenant, v.actor.staff.to_string()));
    Box::pin(std::future::ready(owner))
}

impl KeyOwner for Merchant {
    fn owner(req: &HttpRequest) -> LocalBoxFuture<'static, Option<(TenantId, String)>> {
        staff_key_owner(req)
    }
}

impl KeyOwner for Edge {
    fn owner(req: &HttpRequest) -> LocalBoxFuture<'static, Option<(TenantId, String)>> {
        staff_key_owner(req)
    }
}
