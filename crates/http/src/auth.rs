//! The staff caller of a request. Its bearer token (see [`crate::token`]) is checked against
//! its signature and expiry as the request arrives, without the database; its session (live,
//! the staff member active, the role as stored now) is checked as the first step of the
//! request's one blocking hop ([`Staff::run`]), together with the permissions the handler
//! requires ([`Staff::require`]), in one read that also finds the caller's merchant
//! ([`Staff::run_with_tenant`] hands it to the use case).
//!
//! An error answered before that hop (a bad path, query or body) is held back by
//! `caller_first` until the caller has been checked, so a request from a signed-out or
//! forbidden caller still gets its 401 or 403 first, whatever else is wrong with it.

use std::marker::PhantomData;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use chrono::{DateTime, Utc};
use futures_util::future::{Ready, ready};
use kedai_app::{Actor, AppError, AuthFailure, Store, session};
use kedai_identity::{Permission, SessionId, Tenant};

use crate::caller_first::Unchecked;
use crate::error::{ApiError, Failure};
use crate::idempotency::{Identify, Principal};
use crate::surface::Surface;
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
/// transaction around it, that also reads the caller's merchant: the request's use case is
/// handed it and never reads it again.
///
/// # Errors
/// [`AppError::Unauthenticated`], [`AppError::Storage`].
pub(crate) fn check_session(
    store: &dyn Store,
    token: Verified,
    now: DateTime<Utc>,
) -> Result<(Actor, Tenant), AppError> {
    store.lookup(|tx| {
        session::authenticate(
            tx,
            token.actor.tenant,
            token.actor.staff,
            token.session,
            now,
        )
    })
}

/// The caller of a token and their merchant, checked ([`check_session`]) and holding every
/// permission asked.
///
/// # Errors
/// [`AppError::Unauthenticated`], [`AppError::Forbidden`], [`AppError::Storage`].
fn allowed(
    store: &dyn Store,
    token: Verified,
    permissions: &[Permission],
    now: DateTime<Utc>,
) -> Result<(Actor, Tenant), AppError> {
    let (actor, tenant) = check_session(store, token, now)?;
    for p in permissions {
        actor.require(*p)?;
    }
    Ok((actor, tenant))
}

/// A staff caller not checked yet, kept in the request until the request's hop has checked
/// it; what `caller_first` checks when the request fails before its hop.
#[derive(Debug, Clone)]
pub(crate) struct UncheckedStaff {
    token: Verified,
    permissions: Vec<Permission>,
}

impl Unchecked for UncheckedStaff {
    fn check(self, store: &dyn Store, now: DateTime<Utc>) -> Result<(), Failure> {
        allowed(store, self.token, &self.permissions, now)
            .map(drop)
            .map_err(Failure::App)
    }
}

/// A staff member signed in with a token that is well signed and unexpired (else 401 in
/// surface `S`'s envelope at once); the session behind it is checked by [`Staff::run`].
#[derive(Debug)]
pub struct Staff<S> {
    token: Verified,
    permissions: Vec<Permission>,
    req: HttpRequest,
    surface: PhantomData<S>,
}

impl<S: Surface> FromRequest for Staff<S> {
    type Error = ApiError<S>;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(match unchecked(req) {
            Ok(Some(token)) => Ok(Self::pending(req, token)),
            Ok(None) => Err(AppError::Unauthenticated(AuthFailure::Missing).into()),
            Err(why) => Err(AppError::Unauthenticated(why).into()),
        })
    }
}

impl<S: Surface> Staff<S> {
    fn pending(req: &HttpRequest, token: Verified) -> Self {
        req.extensions_mut().insert(UncheckedStaff {
            token,
            permissions: Vec::new(),
        });
        Self {
            token,
            permissions: Vec::new(),
            req: req.clone(),
            surface: PhantomData,
        }
    }

    /// Asks that the caller's role grant `permission`: checked in [`Staff::run`] right after
    /// the session (403 otherwise), and before any error the handler finds after asking.
    pub fn require(&mut self, permission: Permission) {
        self.permissions.push(permission);
        if let Some(p) = self.req.extensions_mut().get_mut::<UncheckedStaff>() {
            p.permissions.push(permission);
        }
    }

    /// The session the token names (the one [`Staff::run`] checks).
    #[must_use]
    pub const fn session(&self) -> SessionId {
        self.token.session
    }

    /// Runs the request's one blocking hop: the session and the permissions asked are checked
    /// first, then `work` runs on the same connection with the caller as stored now.
    ///
    /// # Errors
    /// 401 for a session that has ended or a staff member no longer active, 403 for a missing
    /// permission, and whatever `work` fails with, in surface `S`'s envelope.
    pub async fn run<T: Send + 'static>(
        self,
        work: impl FnOnce(&dyn Store, Actor) -> Result<T, AppError> + Send + 'static,
    ) -> Result<T, ApiError<S>> {
        self.run_with_tenant(move |store, actor, _| work(store, actor))
            .await
    }

    /// As [`Staff::run`], handing `work` the caller's merchant too (read with the session).
    ///
    /// # Errors
    /// As [`Staff::run`].
    pub async fn run_with_tenant<T: Send + 'static>(
        self,
        work: impl FnOnce(&dyn Store, Actor, Tenant) -> Result<T, AppError> + Send + 'static,
    ) -> Result<T, ApiError<S>> {
        let Self {
            token,
            permissions,
            req,
            ..
        } = self;
        run_checked(&req, Some(token), permissions, move |store, caller| {
            let (actor, tenant) = caller.ok_or(AppError::Unauthenticated(AuthFailure::Missing))?;
            work(store, actor, tenant)
        })
        .await
    }
}

/// Runs `work` in the request's hop after checking the caller, if any; the request no longer
/// holds a pending check afterwards.
async fn run_checked<T: Send + 'static, S: Surface>(
    req: &HttpRequest,
    token: Option<Verified>,
    permissions: Vec<Permission>,
    work: impl FnOnce(&dyn Store, Option<(Actor, Tenant)>) -> Result<T, AppError> + Send + 'static,
) -> Result<T, ApiError<S>> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or(AppError::Unauthenticated(AuthFailure::InvalidToken))?;
    let now = state.now();
    let out = blocking::<_, S>(&state, move |store| {
        let actor = token
            .map(|t| allowed(store, t, &permissions, now))
            .transpose()?;
        work(store, actor)
    })
    .await;
    req.extensions_mut().remove::<UncheckedStaff>();
    out
}

/// A staff member if the request carries a token (checked as [`Staff`] checks it: a bad one is
/// still a 401); anonymous without one.
#[derive(Debug)]
pub struct MaybeStaff<S>(Option<Staff<S>>, HttpRequest);

impl<S: Surface> FromRequest for MaybeStaff<S> {
    type Error = ApiError<S>;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(match unchecked(req) {
            Ok(token) => Ok(Self(token.map(|t| Staff::pending(req, t)), req.clone())),
            Err(why) => Err(AppError::Unauthenticated(why).into()),
        })
    }
}

impl<S: Surface> MaybeStaff<S> {
    /// Whether the request carries no token.
    #[must_use]
    pub const fn is_anonymous(&self) -> bool {
        self.0.is_none()
    }

    /// As [`Staff::run_with_tenant`], with `None` for an anonymous caller.
    ///
    /// # Errors
    /// As [`Staff::run`].
    pub async fn run<T: Send + 'static>(
        self,
        work: impl FnOnce(&dyn Store, Option<(Actor, Tenant)>) -> Result<T, AppError> + Send + 'static,
    ) -> Result<T, ApiError<S>> {
        let (token, permissions) = self
            .0
            .map_or((None, Vec::new()), |s| (Some(s.token), s.permissions));
        run_checked(&self.1, token, permissions, work).await
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
    now: DateTime<Utc>,
) -> Result<impl Identify<S, (Actor, Tenant)>, ApiError<S>> {
    let token = unchecked(req)
        .map_err(AppError::Unauthenticated)?
        .ok_or(AppError::Unauthenticated(AuthFailure::Missing))?;
    Ok(move |store: &dyn Store| {
        let (actor, tenant) = check_session(store, token, now)?;
        Ok(Principal {
            tenant: actor.tenant,
            owner: actor.staff.to_string(),
            caller: (actor, tenant),
        })
    })
}
