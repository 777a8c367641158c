//! The merchant and the customer of a portal request. What the request says about them (its
//! `X-Company-Id`, the host it was sent to, its customer token's signature and expiry) is read
//! as it arrives, without the database; the merchant is found and the customer's session
//! checked as the first step of the request's one blocking hop ([`Shop::run`],
//! [`Shop::shopper`], [`SignedIn::run`]).
//!
//! An error answered before that hop (a bad path, query or body, a rate limit) is held back by
//! `caller_first` until the merchant, and the customer where the route needs one, have been
//! checked: a request for an unknown merchant, with another merchant's token or with a
//! signed-out one gets that answer first, whatever else is wrong with it.

use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use chrono::{DateTime, Utc};
use kedai_app::checkout::Shopper;
use kedai_app::customer_auth::{self, CustomerCaller};
use kedai_app::storefront::{portal_tenant, tenant_by_host};
use kedai_app::{AppError, AuthFailure, Entity, Store};
use kedai_core::{ErrorCode, TenantId};
use kedai_identity::Tenant;

use super::{Result, company_header, tenant_missing, token_caller};
use crate::caller_first::Unchecked;
use crate::error::{ApiError, Failure};
use crate::idempotency::{Identify, Principal};
use crate::surface::Portal;
use crate::{AppState, blocking};

/// Where a request's merchant comes from: its `X-Company-Id` (or the `companyId` an auth call
/// sends instead), else the storefront host it was sent to, else its customer token's tenant.
#[derive(Debug, Clone)]
struct TenantKey {
    company: Option<String>,
    host: String,
    from_token: Option<TenantId>,
}

impl TenantKey {
    fn of(req: &HttpRequest, token: Option<CustomerCaller>) -> Self {
        Self {
            company: company_header(req),
            host: req.connection_info().host().to_owned(),
            from_token: token.map(|c| c.tenant),
        }
    }

    /// The merchant, or `None` when the request names none.
    ///
    /// # Errors
    /// [`AppError::NotFound`] `company` for an unknown or malformed company id,
    /// [`AppError::Storage`].
    fn find(&self, store: &dyn Store) -> std::result::Result<Option<Tenant>, AppError> {
        store.lookup(|tx| {
            if let Some(raw) = &self.company {
                let id: TenantId = raw
                    .parse()
                    .map_err(|_| AppError::not_found(Entity::Company, raw))?;
                return portal_tenant(tx, id)
                    .map(Some)
                    .map_err(|_| AppError::not_found(Entity::Company, raw));
            }
            if let Some(t) = tenant_by_host(tx, &self.host)? {
                return Ok(Some(t));
            }
            match self.from_token {
                Some(id) => portal_tenant(tx, id).map(Some),
                None => Ok(None),
            }
        })
    }
}

/// Checks that a customer token is of `tenant` and its session live.
///
/// # Errors
/// [`AppError::NotAllowed`] `FORBIDDEN_TENANT`, [`AppError::Unauthenticated`],
/// [`AppError::Storage`].
fn check_customer(
    store: &dyn Store,
    tenant: &Tenant,
    caller: CustomerCaller,
    now: DateTime<Utc>,
) -> std::result::Result<(), AppError> {
    if tenant.id != caller.tenant {
        return Err(AppError::NotAllowed {
            code: ErrorCode::ForbiddenTenant,
            message: "this token belongs to another merchant".into(),
        });
    }
    store.lookup(|tx| customer_auth::authenticate(tx, caller, now))
}

/// The shopper of a request inside its hop: the merchant, and the customer when the token is a
/// live one of that merchant (anonymous otherwise).
fn shopper_of(
    store: &dyn Store,
    tenant: Tenant,
    token: Option<CustomerCaller>,
    now: DateTime<Utc>,
) -> Shopper {
    let customer = token
        .filter(|c| check_customer(store, &tenant, *c, now).is_ok())
        .map(|c| c.customer);
    Shopper { tenant, customer }
}

/// A request's merchant and customer not checked yet, kept in the request until its hop has
/// checked them; what `caller_first` checks when the request fails before its hop: the
/// merchant, and the customer on routes that need one.
#[derive(Debug, Clone)]
pub(crate) struct UncheckedShopper {
    key: TenantKey,
    member: Option<CustomerCaller>,
}

impl Unchecked for UncheckedShopper {
    fn check(self, store: &dyn Store, now: DateTime<Utc>) -> std::result::Result<(), Failure> {
        let tenant = self
            .key
            .find(store)
            .map_err(Failure::App)?
            .ok_or_else(|| tenant_missing().into_failure())?;
        match self.member {
            Some(caller) => check_customer(store, &tenant, caller, now).map_err(Failure::App),
            None => Ok(()),
        }
    }
}

/// The merchant a portal request names, with the customer token it carries if any (a bad one
/// is anonymous: public routes never answer 401).
#[derive(Debug)]
pub struct Shop {
    key: TenantKey,
    token: Option<CustomerCaller>,
    req: HttpRequest,
}

impl FromRequest for Shop {
    type Error = ApiError<Portal>;
    type Future = Ready<Result<Self>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let token = token_caller(req).ok().flatten();
        ready(Ok(Self::pending(req, token, None)))
    }
}

impl Shop {
    fn pending(
        req: &HttpRequest,
        token: Option<CustomerCaller>,
        member: Option<CustomerCaller>,
    ) -> Self {
        let key = TenantKey::of(req, token);
        req.extensions_mut().insert(UncheckedShopper {
            key: key.clone(),
            member,
        });
        Self {
            key,
            token,
            req: req.clone(),
        }
    }

    /// The merchant named by an auth call, which may also name it as `companyId` in its body or
    /// query: the header wins, and both given and different is a 400.
    ///
    /// # Errors
    /// 400 `COMPANY_MISMATCH`.
    pub(crate) fn with_company(mut self, company_id: Option<String>) -> Result<Self> {
        let company_id = company_id
            .map(|c| c.trim().to_owned())
            .filter(|c| !c.is_empty());
        match (&self.key.company, company_id) {
            (Some(h), Some(c)) if !h.eq_ignore_ascii_case(&c) => Err(Failure::BadRequest {
                code: ErrorCode::CompanyMismatch,
                message: "companyId differs from the X-Company-Id header".into(),
            }
            .into()),
            (None, Some(c)) => {
                self.key.company = Some(c);
                if let Some(p) = self.req.extensions_mut().get_mut::<UncheckedShopper>() {
                    p.key = self.key.clone();
                }
                Ok(self)
            }
            _ => Ok(self),
        }
    }

    /// Runs the request's one blocking hop: the merchant is found first, then `work` runs on
    /// the same connection.
    ///
    /// # Errors
    /// 400 `TENANT_REQUIRED` when the request names no merchant, 404 `COMPANY_NOT_FOUND`, and
    /// whatever `work` fails with.
    pub async fn run<T: Send + 'static>(
        self,
        work: impl FnOnce(&dyn Store, Tenant) -> std::result::Result<T, AppError> + Send + 'static,
    ) -> Result<T> {
        in_hop(&self.req, self.key, work).await
    }

    /// As [`Shop::run`], with the shopper: the merchant, and the signed-in customer when the
    /// request carries a live token of that merchant.
    ///
    /// # Errors
    /// As [`Shop::run`].
    pub async fn shopper<T: Send + 'static>(
        self,
        work: impl FnOnce(&dyn Store, Shopper) -> std::result::Result<T, AppError> + Send + 'static,
    ) -> Result<T> {
        let now = now(&self.req)?;
        let token = self.token;
        in_hop(&self.req, self.key, move |store, tenant| {
            work(store, shopper_of(store, tenant, token, now))
        })
        .await
    }

    /// The shopper of a creating request, for [`crate::idempotency::create`], found inside its
    /// one hop as [`Shop::shopper`] finds it. Storefront keys are the signed-in customer's
    /// (`customer:<id>`), or the shop's guests' together (`guest`: keys are random per
    /// checkout, and a different request with a used key is refused, not replayed).
    pub(crate) fn principal(
        req: &HttpRequest,
        now: DateTime<Utc>,
    ) -> impl Identify<Portal, Shopper> {
        let token = token_caller(req).ok().flatten();
        let key = TenantKey::of(req, token);
        move |store: &dyn Store| {
            let tenant = key.find(store)?.ok_or_else(tenant_missing)?;
            let shopper = shopper_of(store, tenant, token, now);
            Ok(Principal {
                tenant: shopper.tenant.id,
                owner: shopper
                    .customer
                    .map_or_else(|| "guest".to_owned(), |c| format!("customer:{c}")),
                caller: shopper,
            })
        }
    }
}

/// A signed-in customer of the request's merchant: 401 at once without a well-signed,
/// unexpired customer token; 403 `FORBIDDEN_TENANT` for a token of another merchant and 401
/// for a session that has ended, from [`SignedIn::run`].
#[derive(Debug)]
pub struct SignedIn {
    shop: Shop,
    caller: CustomerCaller,
}

impl FromRequest for SignedIn {
    type Error = ApiError<Portal>;
    type Future = Ready<Result<Self>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(match token_caller(req) {
            Ok(Some(caller)) => Ok(Self {
                shop: Shop::pending(req, Some(caller), Some(caller)),
                caller,
            }),
            Ok(None) => Err(AppError::Unauthenticated(AuthFailure::Missing).into()),
            Err(why) => Err(AppError::Unauthenticated(why).into()),
        })
    }
}

impl SignedIn {
    /// Runs the request's one blocking hop: the merchant is found and the customer's session
    /// checked first, then `work` runs on the same connection.
    ///
    /// # Errors
    /// As [`Shop::run`], and 403 `FORBIDDEN_TENANT`, 401 for a session that has ended.
    pub async fn run<T: Send + 'static>(
        self,
        work: impl FnOnce(&dyn Store, Tenant, CustomerCaller) -> std::result::Result<T, AppError>
        + Send
        + 'static,
    ) -> Result<T> {
        let now = now(&self.shop.req)?;
        let caller = self.caller;
        in_hop(&self.shop.req, self.shop.key, move |store, tenant| {
            check_customer(store, &tenant, caller, now)?;
            work(store, tenant, caller)
        })
        .await
    }
}

fn now(req: &HttpRequest) -> Result<DateTime<Utc>> {
    Ok(state(req)?.now())
}

fn state(req: &HttpRequest) -> Result<web::Data<AppState>> {
    req.app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(tenant_missing)
}

/// Finds the merchant and runs `work` in the request's one hop; the request no longer holds a
/// pending check afterwards.
async fn in_hop<T: Send + 'static>(
    req: &HttpRequest,
    key: TenantKey,
    work: impl FnOnce(&dyn Store, Tenant) -> std::result::Result<T, AppError> + Send + 'static,
) -> Result<T> {
    let state = state(req)?;
    let out = blocking::<_, Portal>(&state, move |store| match key.find(store)? {
        Some(tenant) => work(store, tenant).map(Some),
        None => Ok(None),
    })
    .await;
    req.extensions_mut().remove::<UncheckedShopper>();
    out?.ok_or_else(tenant_missing)
}
