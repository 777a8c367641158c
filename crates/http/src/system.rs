//! Health checks, the OpenAPI document and docs, unknown routes, and the request-id header.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, HttpRequest, HttpResponse, ResponseError, get, web};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa::openapi::OpenApi;
use utoipa_swagger_ui::SwaggerUi;

use crate::AppState;
use crate::error::{ApiError, Failure};
use crate::surface::Surface;

pub(crate) fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(health).service(ready);
}

/// Liveness or readiness.
#[derive(Debug, Serialize, ToSchema)]
pub struct HealthResponse {
    /// `ok`, or `unavailable` when the database does not answer.
    pub status: String,
}

/// The process is up.
#[utoipa::path(tag = "system", responses((status = 200, body = HealthResponse)))]
#[get("/health")]
async fn health() -> HttpResponse {
    HttpResponse::Ok().json(HealthResponse {
        status: "ok".into(),
    })
}

/// The process can serve: the database answers. Answers within a second either way (a
/// 1-second probe reads the 503 rather than timing out), with `Retry-After` on a 503.
#[utoipa::path(
    tag = "system",
    responses(
        (status = 200, body = HealthResponse),
        (status = 503, description = "Database unavailable; see Retry-After", body = HealthResponse,
            headers(("Retry-After" = u64, description = "Seconds before asking again"))),
    )
)]
#[get("/ready")]
async fn ready(state: web::Data<AppState>) -> HttpResponse {
    let store = std::sync::Arc::clone(&state.store);
    match web::block(move || store.ping()).await {
        Ok(Ok(())) => HttpResponse::Ok().json(HealthResponse {
            status: "ok".into(),
        }),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "readiness check failed");
            unavailable()
        }
        Err(_) => unavailable(),
    }
}

fn unavailable() -> HttpResponse {
    HttpResponse::ServiceUnavailable()
        .insert_header((actix_web::http::header::RETRY_AFTER, "1"))
        .json(HealthResponse {
            status: "unavailable".into(),
        })
}

/// `/openapi.json` and the interactive docs at `/docs`, served from vendored assets.
pub(crate) fn docs(doc: OpenApi) -> SwaggerUi {
    SwaggerUi::new("/docs/{_:.*}").url("/openapi.json", doc)
}

/// `/docs` without its slash (the README's link): the docs live under `/docs/`.
pub(crate) async fn docs_redirect() -> HttpResponse {
    HttpResponse::PermanentRedirect()
        .insert_header((actix_web::http::header::LOCATION, "/docs/"))
        .finish()
}

/// The documented routes and their methods, to tell a wrong method (405) from a wrong path.
#[derive(Debug, Clone, Default)]
pub(crate) struct KnownRoutes(Vec<(Vec<String>, Vec<&'static str>)>);

impl KnownRoutes {
    pub(crate) fn from_doc(doc: &OpenApi) -> Self {
        let routes = doc
            .paths
            .paths
            .iter()
            .map(|(template, item)| {
                let methods = [
                    ("GET", item.get.is_some()),
                    ("POST", item.post.is_some()),
                    ("PUT", item.put.is_some()),
                    ("PATCH", item.patch.is_some()),
                    ("DELETE", item.delete.is_some()),
                ];
                let allowed = methods
                    .iter()
                    .filter(|(_, on)| *on)
                    .map(|(m, _)| *m)
                    .collect();
                (template.split('/').map(str::to_owned).collect(), allowed)
            })
            .collect();
        Self(routes)
    }

    /// The methods of the route whose template matches `path`, if one does.
    fn allowed(&self, path: &str) -> Option<&[&'static str]> {
        let segments: Vec<&str> = path.split('/').collect();
        self.0.iter().find_map(|(template, methods)| {
            let matches = template.len() == segments.len()
                && template
                    .iter()
                    .zip(&segments)
                    .all(|(t, s)| t.starts_with('{') || t == s);
            matches.then_some(methods.as_slice())
        })
    }
}

/// Unknown routes of surface `S` (every surface's scope answers its own), in its envelope: 405
/// with `Allow` when the path exists with other methods, 404 otherwise.
pub(crate) async fn not_found<S: Surface>(
    req: HttpRequest,
    routes: web::Data<KnownRoutes>,
) -> HttpResponse {
    let allowed = routes
        .allowed(req.path())
        .filter(|m| !m.contains(&req.method().as_str()));
    let failure = || {
        if allowed.is_some() {
            Failure::MethodNotAllowed
        } else {
            Failure::RouteNotFound
        }
    };
    let mut response = ApiError::<S>::from(failure()).error_response();
    if let Some(value) = allowed.and_then(|m| HeaderValue::from_str(&m.join(", ")).ok()) {
        response
            .headers_mut()
            .insert(actix_web::http::header::ALLOW, value);
    }
    response
}

/// Echoes the request id tracing gave the request as `x-request-id`, so a client can quote it.
pub(crate) async fn request_id_header(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let id = req
        .extensions()
        .get::<tracing_actix_web::RequestId>()
        .map(ToString::to_string);
    let mut res = next.call(req).await?;
    if let Some(value) = id.and_then(|id| HeaderValue::from_str(&id).ok()) {
        res.headers_mut()
            .insert(HeaderName::from_static("x-request-id"), value);
    }
    Ok(res)
}
