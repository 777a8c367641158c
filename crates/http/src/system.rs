//! Health checks, the OpenAPI document and docs, unknown routes, and the request-id header.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, HttpRequest, HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa::openapi::OpenApi;
use utoipa_swagger_ui::SwaggerUi;

use crate::AppState;
use crate::error::{ApiError, Failure};
use crate::surface::{Edge, Merchant};

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

/// The process can serve: the database answers.
#[utoipa::path(
    tag = "system",
    responses((status = 200, body = HealthResponse), (status = 503, description = "Database unavailable", body = HealthResponse))
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
            HttpResponse::ServiceUnavailable().json(HealthResponse {
                status: "unavailable".into(),
            })
        }
        Err(_) => HttpResponse::ServiceUnavailable().json(HealthResponse {
            status: "unavailable".into(),
        }),
    }
}

/// `/openapi.json` and the interactive docs at `/docs`, served from vendored assets.
pub(crate) fn docs(doc: OpenApi) -> SwaggerUi {
    SwaggerUi::new("/docs/{_:.*}").url("/openapi.json", doc)
}

/// Unknown routes, in the envelope of the surface the path belongs to.
pub(crate) async fn not_found(req: HttpRequest) -> HttpResponse {
    use actix_web::ResponseError;
    if req.path().starts_with("/functions/") {
        ApiError::<Edge>::from(Failure::RouteNotFound).error_response()
    } else {
        ApiError::<Merchant>::from(Failure::RouteNotFound).error_response()
    }
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
