//! Kedai's HTTP surfaces on actix-web — the edge functions (`/functions/v1`), the merchant API
//! (`/v1`) and the customer portal (`/v6/customer-portal`), with the mock gateway's checkout
//! page (`/pay`) — their extractors, envelopes and the OpenAPI document. Handlers are thin: they
//! extract, call one use case off the async threads, and render.

pub mod auth;
pub mod body;
mod caller_first;
pub mod dto;
pub mod error;
pub mod functions_v1;
mod gateway_hooks;
pub mod idempotency;
pub mod limits;
pub mod merchant_v1;
mod mock_pay;
mod openapi;
pub mod portal_v6;
pub(crate) mod query;
pub mod ratelimit;
pub mod registration_form;
pub mod surface;
mod system;
pub mod token;

use std::sync::Arc;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::{App, web};
use chrono::{DateTime, Utc};
use kedai_app::payments::PaymentGateway;
use kedai_app::{AppError, Store};
use kedai_core::Clock;
use kedai_core::storage::StorageErrorKind;
use surface::{Edge, Merchant, Portal};
use utoipa::openapi::OpenApi;
use utoipa_actix_web::{AppExt, scope};

use error::ApiError;
pub use token::TokenService;

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
    /// What webhook pings reach the outside world with (the outbox worker's own ports).
    pub outbound: kedai_app::jobs::Outbound,
    /// The base URL customers and gateways reach this server at.
    pub public_url: String,
    /// Which webhook URLs merchants may register.
    pub webhook_policy: kedai_webhooks::AddressPolicy,
    /// Wakes this instance's outbox worker (queued messages go out at once).
    pub wake: kedai_app::jobs::Wake,
}

impl AppState {
    /// Now, from the state's clock.
    #[must_use]
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }
}

/// Runs blocking database work on actix's blocking pool, never on the async workers, inside the
/// request's tracing span: one hop per request, on one connection taken from the pool once
/// however many transactions the work runs (see [`Store::pinned_work`]; work that waits on a
/// payment gateway lets it go first, [`Store::unpin`]).
async fn blocking<T, S>(
    state: &web::Data<AppState>,
    work: impl FnOnce(&dyn Store) -> Result<T, AppError> + Send + 'static,
) -> Result<T, ApiError<S>>
where
    T: Send + 'static,
{
    let mut work = Some(work);
    hop(state, move |store| {
        store.pinned(|pinned| match work.take() {
            Some(work) => work(pinned),
            None => Err(AppError::Storage(kedai_core::StorageError::other(
                "request work ran twice",
            ))),
        })
    })
    .await
}

async fn hop<T, S>(
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

/// A surface's scope with its own stack, outermost first: request-head limits and rate limits
/// in the surface's envelope, then the scope's routes, each answering unknown paths in that
/// envelope too. Keyed creating routes add the idempotency middleware themselves.
macro_rules! surface_scope {
    ($path:literal, $surface:ty, $configure:expr $(, wrap = $inner:expr)*) => {
        scope::scope($path)
            .configure($configure)
            .default_service(web::to(system::not_found::<$surface>))
            $(.wrap($inner))*
            .wrap(actix_web::middleware::from_fn(
                ratelimit::limit::<$surface, _>,
            ))
            .wrap(actix_web::middleware::from_fn(
                limits::request_limits::<$surface, _>,
            ))
    };
}

/// Adds the surfaces to an app (or, for the OpenAPI document, to an empty one), each surface
/// documented in its own envelope.
fn surfaces<T>(
    app: utoipa_actix_web::UtoipaApp<T>,
) -> (utoipa_actix_web::UtoipaApp<T>, Vec<OpenApi>)
where
    T: ServiceFactory<ServiceRequest, Config = (), Error = actix_web::Error, InitError = ()>,
{
    let mut docs = Vec::new();
    let app = app
        .service(surface_scope!(
            "/functions/v1",
            Edge,
            functions_v1::routes,
            wrap = actix_web::middleware::from_fn(
                caller_first::caller_first::<Edge, auth::UncheckedStaff, _>
            )
        ))
        .service(surface_scope!(
            "/v1",
            Merchant,
            merchant_v1::routes,
            wrap = actix_web::middleware::from_fn(
                caller_first::caller_first::<Merchant, auth::UncheckedStaff, _>
            )
        ))
        .service(surface_scope!(
            "/v6/customer-portal",
            Portal,
            portal_v6::routes,
            wrap = actix_web::middleware::from_fn(
                caller_first::caller_first::<Portal, portal_v6::UncheckedShopper, _>
            ),
            wrap = portal_v6::cors()
        ))
        .service(
            scope::scope("/pay")
                .configure(mock_pay::routes)
                .wrap(actix_web::middleware::from_fn(
                    ratelimit::limit::<Merchant, _>,
                ))
                .wrap(actix_web::middleware::from_fn(
                    limits::head_limits::<Merchant, _>,
                )),
        )
        .service(
            scope::scope("/webhooks")
                .configure(gateway_hooks::routes)
                .wrap(actix_web::middleware::from_fn(
                    ratelimit::limit::<Merchant, _>,
                ))
                .wrap(actix_web::middleware::from_fn(
                    limits::head_limits::<Merchant, _>,
                )),
        )
        .configure(system::routes);
    let doc = |app: utoipa_actix_web::UtoipaApp<_>| app.split_for_parts().1;
    docs.push(surface_doc::<Edge>(doc(App::new()
        .into_utoipa_app()
        .service(
            scope::scope("/functions/v1").configure(functions_v1::routes),
        ))));
    docs.push(surface_doc::<Merchant>(doc(App::new()
        .into_utoipa_app()
        .service(scope::scope("/v1").configure(merchant_v1::routes))
        .service(scope::scope("/pay").configure(mock_pay::routes))
        .service(
            scope::scope("/webhooks").configure(gateway_hooks::routes),
        ))));
    docs.push(surface_doc::<Portal>(doc(App::new()
        .into_utoipa_app()
        .service(
            scope::scope("/v6/customer-portal").configure(portal_v6::routes),
        ))));
    docs.push(
        App::new()
            .into_utoipa_app()
            .configure(system::routes)
            .split_for_parts()
            .1,
    );
    (app, docs)
}

/// The OpenAPI paths of one surface, with its rate limits and idempotency conflicts in its
/// envelope.
fn surface_doc<S: surface::Surface>(mut doc: OpenApi) -> OpenApi {
    ratelimit::document::<S>(&mut doc);
    idempotency::document::<S>(&mut doc);
    doc
}

/// The OpenAPI document of every surface.
#[must_use]
pub fn openapi() -> OpenApi {
    openapi::document(surfaces(App::new().into_utoipa_app()).1)
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
    let (app, docs) = surfaces(App::new().into_utoipa_app());
    let doc = openapi::document(docs);
    app.into_app()
        .app_data(web::Data::new(state))
        .app_data(web::Data::new(system::KnownRoutes::from_doc(&doc)))
        .service(system::docs(doc))
        .route("/docs", web::get().to(system::docs_redirect))
        .default_service(web::to(system::not_found::<Merchant>))
        .wrap(actix_web::middleware::from_fn(system::request_id_header))
        .wrap(tracing_actix_web::TracingLogger::default())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Schemas are keyed by name in one document: two surfaces naming different shapes alike
    /// would document one of them wrongly.
    #[test]
    fn surfaces_never_give_two_shapes_one_schema_name() {
        let (_, docs) = surfaces(App::new().into_utoipa_app());
        let mut seen: std::collections::BTreeMap<String, String> = Default::default();
        let mut clashes = Vec::new();
        for doc in &docs {
            let Some(components) = &doc.components else {
                continue;
            };
            for (name, schema) in &components.schemas {
                let json = serde_json::to_string(schema).unwrap_or_default();
                match seen.get(name) {
                    Some(other) if *other != json => clashes.push(name.clone()),
                    Some(_) => {}
                    None => {
                        seen.insert(name.clone(), json);
                    }
                }
            }
        }
        assert!(clashes.is_empty(), "one name, two shapes: {clashes:?}");
    }
}
