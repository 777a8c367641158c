//! The extractors that turn a staff bearer token (see [`crate::token`]) into an [`Actor`] after
//! checking, per request, that the session is live and the staff member active (taking the
//! role from the database).

use std::marker::PhantomData;

use actix_web::body::MessageBody;
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use futures_util::FutureExt;
use futures_util::future::{LocalBoxFuture, Shared};
use kedai_app::{Actor, AppError, AuthFailure, session};
use kedai_core::StorageError;
use kedai_core::storage::StorageErrorKind;

use crate::error::{ApiError, Failure};
use crate::idempotency::{Identify, Principal};
use crate::surface::{Merchant, Surface};
use crate::token::{Verified, bearer};
use crate::{AppState, blocking};

/// What the request's staff token says, checked against its signature and expiry only (no
/// database): `None` without a token.
///
/// # Errors
/// [`AuthFailure::InvalidToken`] or [`AuthFailure::Expired`].
pub(crate) fn unchecked(req: &HttpRequest) -> Result<Option<Verified>, AuthFailure> {
    let Some(token) = bearer(req)? else {
        return Ok(None);
    };
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or(AuthFailure::InvalidToken)?;
    state.tokens.verify(token).map(Some)
}

/// Checks a verified token's session in the caller's unit of work: the session must be live
/// and the staff member active, and the role is the one stored now. One indexed read, no
/// transaction around it.
///
/// # Errors
/// [`AppError::Unauthenticated`], [`AppError::Storage`].
pub(crate) fn check_session(
    store: &dyn kedai_app::Store,
    token: Verified,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Verified, AppError> {
    let actor = store.lookup(|tx| {
        session::authenticate(
            tx,
            token.actor.tenant,
            token.actor.staff,
            token.session,
            now,
        )
    })?;
    Ok(Verified {
        actor,
        session: token.session,
    })
}

/// The request's token checked against its signature and then its session (see
/// [`check_session`]), in a blocking hop of its own.
fn signed_in(req: &HttpRequest) -> LocalBoxFuture<'static, Result<Option<Verified>, Failure>> {
    let checked = unchecked(req).and_then(|token| {
        let state = req
            .app_data::<web::Data<AppState>>()
            .ok_or(AuthFailure::InvalidToken)?;
        Ok(token.map(|t| (t, state.clone())))
    });
    Box::pin(async move {
        let Some((token, state)) =
            checked.map_err(|e| Failure::App(AppError::Unauthenticated(e)))?
        else {
            return Ok(None);
        };
        let now = state.now();
        blocking::<_, Merchant>(&state, move |store| check_session(store, token, now))
            .await
            .map(Some)
            .map_err(ApiError::into_failure)
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

/// The request's session check, run at most once, when an extractor first needs it.
type Check = Shared<LocalBoxFuture<'static, Result<Option<Verified>, Kept>>>;

/// The caller's check, kept in the request by [`resolve`].
#[derive(Clone)]
struct Resolved(Check);

/// Middleware of the staff surfaces (edge functions, merchant API): prepares the request's
/// session check, which the extractors that need the caller share (one database read at
/// most). Body extractors wait until it has settled ([`settled`]), and actix answers with the
/// first extractor that fails in parameter order, so a 401 still comes before any body error.
/// Keyed creating routes check the session inside their one blocking hop instead
/// ([`check_session`]), and never start this one. The portal's customer tokens are checked by
/// its own extractors, which know the tenant.
pub(crate) async fn resolve(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let check: LocalBoxFuture<'static, Result<Option<Verified>, Kept>> =
        Box::pin(signed_in(req.request()).map(|outcome| outcome.map_err(Kept::keep)));
    req.extensions_mut().insert(Resolved(check.shared()));
    next.call(req).await
}

/// The caller, from the shared check, or checked now where [`resolve`] does not run.
fn caller(req: &HttpRequest) -> LocalBoxFuture<'static, Result<Option<Verified>, Failure>> {
    let kept = req.extensions().get::<Resolved>().cloned();
    match kept {
        Some(Resolved(check)) => Box::pin(async move { check.await.map_err(Kept::failure) }),
        None => signed_in(req),
    }
}

/// Settles once the request's session check has, whatever it found (at once where there is
/// none): what body extractors wait for, so that a 401 is answered before any body error.
pub(crate) fn settled(req: &HttpRequest) -> LocalBoxFuture<'static, ()> {
    let kept = req.extensions().get::<Resolved>().cloned();
    match kept {
        Some(Resolved(check)) => Box::pin(check.map(drop)),
        None => Box::pin(std::future::ready(())),
    }
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

/// The staff caller of a creating request, for [`crate::idempotency::create`]: the token is
/// checked now, without the database (a missing or bad one is a 401 at once); its session in
/// the request's one hop, before anything else.
///
/// # Errors
/// [`AppError::Unauthenticated`] in surface `S`'s envelope.
pub(crate) fn staff_principal<S: Surface>(
    req: &HttpRequest,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<impl Identify<S, Actor>, ApiError<S>> {
    let token = unchecked(req)
        .map_err(AppError::Unauthenticated)?
        .ok_or(AppError::Unauthenticated(AuthFailure::Missing))?;
    Ok(move |store: &dyn kedai_app::Store| {
        let checked = check_session(store, token, now)?;
        Ok(Principal {
            caller: checked.actor,
            tenant: checked.actor.tenant,
            owner: checked.actor.staff.to_string(),
        })
    })
}
