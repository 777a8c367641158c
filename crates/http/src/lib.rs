//! Kedai's HTTP surfaces on actix-web — the edge functions (`/functions/v1`), the merchant API
//! (`/v1`) and the customer portal (`/v6/customer-portal`), with the mock gateway's checkout
//! page (`/pay`) — their extractors, envelopes and the OpenAPI document. Handlers are thin: they
//! extract, call one use case off the async threads, and render.

pub mod auth;
pub mod body;
pub mod dto;
pub mod error;
pub mod functions_v1;
pub mod idempotency;
pub mod limits;
pub mod merchant_v1;
mod mock_pay;
mod openapi;
pub mod portal_v6;
pub(crate) mod query;
pub mod ratelimit;
pub mod surface;
mod system;

use std::sync::Arc;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::{App, web};
use chrono::{DateTime, Utc};
use kedai_app::payments::PaymentGateway;
use kedai_app::{AppError, Store};
use kedai_core::Clock;
use kedai_core::storage::StorageErrorKind;
use utoipa::openapi::OpenApi;
use utoipa_actix_web::{AppExt, scope};

pub use auth::TokenService;
use error::ApiError;

/// What every handler needs.
#[derive(Clone)]
pub struct AppState {
    /// Runs use cases against the database.
    pub store: Arc<dyn Store>,
    /// The clock.
    pub clock: Arc<dyn Clock>,
    /// Signs and checks staff tokens.
    pub tokens: TokenService,
    /// Largest accepted request body, in bytes.
    pub body_limit: usize,
    /// The payment gateway payment intents open checkouts at.
    pub gateway: Arc<dyn PaymentGateway>,
    /// This instance's rate limiters, shared by its workers.
    pub limits: Arc<ratelimit::RateLimits>,
    /// Delivers customer messages (sign-in codes, order confirmations) after commit.
    pub notifier: Arc<dyn kedai_app::customer_auth::Notifier>,
}

impl AppState {
    /// Now, from the state's clock.
    #[must_use]
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }
}

/// Runs blocking database work on actix's blocking pool, never on the async workers, inside the
/// request's tracing span.
async fn blocking<T, S>(
    state: &web::Data<AppState>,
    work: impl FnOnce(&dyn Store) -> Result<T, AppError> + Send + 'static,
) -> Result<T, ApiError<S>>
where
    T: Send + 'static,
{
    let store = Arc::clone(&state.store);
    let span = tracing::Span::current();
    web::block(move || span.in_scope(|| work(store.as_ref())))
        .await
        .map_err(|e| {
            // The work panicked (a bug, logged with its backtrace; its transaction was rolled
            // back): a plain 500, not a 503 inviting the client to retry the same request.
            AppError::Storage(kedai_core::StorageError::new(StorageErrorKind::Other, e))
        })?
        .map_err(ApiError::from)
}

fn surfaces<T>(app: utoipa_actix_web::UtoipaApp<T>) -> utoipa_actix_web::UtoipaApp<T>
where
    T: ServiceFactory<ServiceRequest, Config = (), Error = actix_web::Error, InitError = ()>,
{
    app.service(scope::scope("/functions/v1").configure(functions_v1::routes))
        .service(scope::scope("/v1").configure(merchant_v1::routes))
        .service(
            scope::scope("/v6/customer-portal")
                .wrap(portal_v6::cors())
                .configure(portal_v6::routes),
        )
        .service(scope::scope("/pay").configure(mock_pay::routes))
        .configure(system::routes)
}

/// The OpenAPI document of every surface.
#[must_use]
pub fn openapi() -> OpenApi {
    openapi::document(surfaces(App::new().into_utoipa_app()).split_for_parts().1)
}

/// The whole application: every surface, the docs, health checks, request ids and logging.
/// Serves `main` and every HTTP test.
pub fn build_app(
    state: AppState,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let (app, doc) = surfaces(App::new().into_utoipa_app()).split_for_parts();
    let doc = openapi::document(doc);
    app.app_data(web::Data::new(state))
        .app_data(web::Data::new(system::KnownRoutes::from_doc(&doc)))
        .service(system::docs(doc))
        .route("/docs", web::get().to(system::docs_redirect))
        .default_service(web::to(system::not_found))
        .wrap(actix_web::middleware::from_fn(idempotency::replay))
        .wrap(actix_web::middleware::from_fn(auth::resolve))
        .wrap(actix_web::middleware::from_fn(ratelimit::limit))
        .wrap(actix_web::middleware::from_fn(limits::request_limits))
        .wrap(actix_web::middleware::from_fn(system::request_id_header))
        .wrap(tracing_actix_web::TracingLogger::default())
}
