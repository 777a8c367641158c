//! `Idempotency-Key` on creating requests (DESIGN "Security"): the first request with a key runs
//! and its response (status and body, when below 500) is kept for 24 hours; the same request
//! again with the same key gets that response back with `Idempotent-Replayed: true`. Keys are
//! private to one staff member of one tenant, or on the customer portal to one signed-in
//! customer, or to the guests of one shop. A different request with a used key is 409
//! `IDEMPOTENCY_KEY_REUSED`; the same request while the first still runs is 409
//! `IDEMPOTENCY_KEY_IN_USE`. Requests without a valid token pass through untouched (the handler
//! answers 401), as do requests without the header.
//!
//! A creating route opts in by wrapping itself in [`replay`] for its surface
//! (`wrap = "actix_web::middleware::from_fn(crate::idempotency::replay::<Merchant, _>)"`) and
//! documenting the header with [`IdempotencyKey`]; each surface says whose keys a request uses
//! ([`KeyOwner`]).

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};
use futures_util::StreamExt;
use futures_util::future::LocalBoxFuture;
use kedai_app::AppError;
use kedai_app::idempotency::{self, Decision, KeyScope, StoredResponse, fingerprint, validate_key};
use kedai_core::TenantId;

use crate::AppState;
use crate::error::{ApiError, Failure};
use crate::surface::{Merchant, Surface};

/// The response header marking a replay.
pub const REPLAYED: &str = "idempotent-replayed";

/// Who owns a surface's idempotency keys.
pub(crate) trait KeyOwner: Surface {
    /// The tenant and principal whose keys the request uses, or `None` when it is not signed in
    /// (or names no known shop): the handler answers that, and nothing is claimed.
    fn owner(req: &HttpRequest) -> LocalBoxFuture<'static, Option<(TenantId, String)>>;
}

/// The `Idempotency-Key` header of a creating route, for its OpenAPI `params`.
pub(crate) struct IdempotencyKey;

impl utoipa::IntoParams for IdempotencyKey {
    fn into_params(
        _: impl Fn() -> Option<utoipa::openapi::path::ParameterIn>,
    ) -> Vec<utoipa::openapi::path::Parameter> {
        use utoipa::openapi::Required;
        use utoipa::openapi::path::{ParameterBuilder, ParameterIn};
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        vec![
            ParameterBuilder::new()
                .name(HEADER_NAME)
                .parameter_in(ParameterIn::Header)
                .required(Required::False)
                .description(Some(
                    "1 to 255 characters. The first response to a request with this key (per \
                     staff member; on the customer portal per signed-in customer, or per shop \
                     for guests) is kept for 24 hours and replayed, with \
                     `Idempotent-Replayed: true`, for the same request again.",
                ))
                .schema(Some(
                    ObjectBuilder::new()
                        .schema_type(Type::String)
                        .min_length(Some(1))
                        .max_length(Some(idempotency::MAX_KEY_LEN)),
                ))
                .build(),
        ]
    }
}

const HEADER_NAME: &str = "Idempotency-Key";

/// Whether a response is kept for replay: anything below 500 except "not signed in" and "slow
/// down", which say the request was never looked at, and conflicts with the current state
/// (`PAYMENT_PENDING`, `INSUFFICIENT_STOCK`, ...), which a retry may find resolved.
#[must_use]
pub fn keeps(status: StatusCode) -> bool {
    !status.is_server_error()
        && status != StatusCode::UNAUTHORIZED
        && status != StatusCode::TOO_MANY_REQUESTS
        && status != StatusCode::CONFLICT
}

fn error<S: Surface>(failure: Failure) -> HttpResponse {
    ApiError::<S>::from(failure).error_response()
}

async fn run_store<T: Send + 'static>(
    state: &web::Data<AppState>,
    work: impl FnOnce(&dyn kedai_app::Store) -> Result<T, AppError> + Send + 'static,
) -> Result<T, Failure> {
    crate::blocking::<T, Merchant>(state, work)
        .await
        .map_err(ApiError::into_failure)
}

/// The middleware of a creating route of surface `S`.
pub(crate) async fn replay<S: KeyOwner, B: MessageBody + 'static>(
    req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let header_value = req
        .headers()
        .get(HeaderName::from_static("idempotency-key"))
        .cloned();
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let (Some(raw), Some(state)) = (header_value, state) else {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body);
    };
    let path = req.path().to_owned();
    // Staff keys are private to the staff member; storefront keys to the signed-in customer,
    // or to the shop's guests together. Without a valid staff token and live session the
    // handler answers 401, and without a known shop 400 or 404, before anything else.
    let owner = S::owner(req.request()).await;
    let Some((tenant, principal)) = owner else {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body);
    };
    let key = match raw
        .to_str()
        .map_err(|_| AppError::invalid(idempotency::HEADER, "must be printable ASCII characters"))
        .and_then(|k| validate_key(k).map(str::to_owned))
    {
        Ok(key) => key,
        Err(e) => return Ok(req.into_response(error::<S>(Failure::App(e)))),
    };

    // Buffer the body to fingerprint it, then hand it on. A body over the limit is passed on
    // as far as read, so the handler refuses it as usual.
    let (http_req, mut payload) = req.into_parts();
    let limit = state.body_limit;
    let mut body = web::BytesMut::new();
    let mut oversized = false;
    while let Some(chunk) = payload.next().await {
        match chunk {
            Ok(chunk) => {
                body.extend_from_slice(&chunk);
                if body.len() > limit {
                    oversized = true;
                    break;
                }
            }
            Err(e) => {
                let failure = Failure::Malformed(e.to_string());
                return Ok(ServiceResponse::new(http_req, error::<S>(failure)));
            }
        }
    }
    let body = body.freeze();
    let req = ServiceRequest::from_parts(http_req, Payload::from(body.clone()));
    if oversized {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body);
    }

    let scope = KeyScope {
        tenant,
        principal,
        key,
    };
    let method = req.method().as_str().to_owned();
    let hash = fingerprint(&method, &path, &body);
    let now = state.now();
    let decision = {
        let (scope, hash, path) = (scope.clone(), hash.clone(), path.clone());
        run_store(&state, move |store| {
            store.write(|tx| idempotency::begin(tx, &scope, &method, &path, &hash, now))
        })
        .await
    };
    let decision = match decision {
        Ok(d) => d,
        Err(failure) => return Ok(req.into_response(error::<S>(failure))),
    };
    match decision {
        Decision::Run => {}
        Decision::Replay(stored) => {
            let status = StatusCode::from_u16(stored.status).unwrap_or(StatusCode::OK);
            let response = HttpResponse::build(status)
                .insert_header((header::CONTENT_TYPE, "application/json"))
                .insert_header((
                    HeaderName::from_static(REPLAYED),
                    HeaderValue::from_static("true"),
                ))
                .body(stored.body);
            return Ok(req.into_response(response));
        }
        Decision::InUse => {
            let e = AppError::conflict(
                "IDEMPOTENCY_KEY_IN_USE",
                "a request with this Idempotency-Key is still being processed; retry shortly",
            );
            return Ok(req.into_response(error::<S>(Failure::App(e))));
        }
        Decision::Reused => {
            let e = AppError::conflict(
                "IDEMPOTENCY_KEY_REUSED",
                "this Idempotency-Key was used for a different request",
            );
            return Ok(req.into_response(error::<S>(Failure::App(e))));
        }
    }

    let res = match next.call(req).await {
        Ok(res) => res,
        Err(e) => {
            release(&state, scope).await;
            return Err(e);
        }
    };
    let status = res.status();
    if !keeps(status) {
        release(&state, scope).await;
        return Ok(res.map_into_boxed_body());
    }
    let (http_req, response) = res.into_parts();
    let (head, body) = response.into_parts();
    let Ok(bytes) = actix_web::body::to_bytes(body).await else {
        release(&state, scope).await;
        let failure = Failure::App(AppError::Storage(kedai_core::StorageError::other(
            "response body could not be read",
        )));
        return Ok(ServiceResponse::new(http_req, error::<S>(failure)));
    };
    let stored = StoredResponse {
        status: status.as_u16(),
        body: String::from_utf8_lossy(&bytes).into_owned(),
    };
    let completed = run_store(&state, move |store| {
        store.write(|tx| idempotency::complete(tx, &scope, &hash, &stored, now))
    })
    .await;
    if let Err(failure) = completed {
        // The request itself succeeded; the key stays claimed and answers IN_USE until it
        // expires, which is safer than running the request twice.
        tracing::warn!(error = ?failure, "idempotent response not kept");
    }
    let response = head.set_body(BoxBody::new(bytes));
    Ok(ServiceResponse::new(http_req, response))
}

async fn release(state: &web::Data<AppState>, scope: KeyScope) {
    if let Err(failure) = run_store(state, move |store| {
        store.write(|tx| idempotency::release(tx, &scope))
    })
    .await
    {
        tracing::warn!(error = ?failure, "idempotency key not released");
    }
}

/// Documents the conflicts of the keyed operations of surface `S` (those whose parameters
/// name `Idempotency-Key`).
pub(crate) fn document<S: Surface>(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
    let conflict = ResponseBuilder::new()
        .description(
            "A conflict; with an Idempotency-Key also IDEMPOTENCY_KEY_REUSED (the key was used \
             for a different request) or IDEMPOTENCY_KEY_IN_USE (the first request with it is \
             still running)",
        )
        .content(
            "application/json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name(S::ERROR_SCHEMA)))
                .build(),
        )
        .build();
    for item in doc.paths.paths.values_mut() {
        let Some(op) = item.post.as_mut() else {
            continue;
        };
        let keyed = op
            .parameters
            .iter()
            .flatten()
            .any(|p| matches!(p, RefOr::T(p) if p.name == HEADER_NAME));
        if keyed {
            op.responses
                .responses
                .entry("409".into())
                .or_insert_with(|| RefOr::T(conflict.clone()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_errors_conflicts_and_unauthenticated_answers_are_not_kept() {
        for (status, kept) in [
            (StatusCode::OK, true),
            (StatusCode::CREATED, true),
            (StatusCode::UNPROCESSABLE_ENTITY, true),
            (StatusCode::CONFLICT, false),
            (StatusCode::UNAUTHORIZED, false),
            (StatusCode::TOO_MANY_REQUESTS, false),
            (StatusCode::INTERNAL_SERVER_ERROR, false),
            (StatusCode::SERVICE_UNAVAILABLE, false),
        ] {
            assert_eq!(keeps(status), kept, "{status}");
        }
    }
}
