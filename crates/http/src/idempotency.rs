//! Creating requests, and `Idempotency-Key` on them (DESIGN "Security"): the first request with
//! a key runs and its response (status and body, when below 500) is kept for 24 hours; the
//! same request again with the same key gets that response back with
//! `Idempotent-Replayed: true`. Keys are private to one staff member of one tenant, or on the
//! customer portal to one signed-in customer, or to the guests of one shop. A different
//! request with a used key is 409 `IDEMPOTENCY_KEY_REUSED`; the same request while the first
//! still runs is 409 `IDEMPOTENCY_KEY_IN_USE`.
//!
//! A creating route runs in one blocking hop on one pooled connection (`create`): who calls
//! (the staff session, or the storefront's shop and customer), the key's claim (committed by
//! itself, so that a racing duplicate sees it), then the body, the use case and the stored
//! answer in one transaction. Its routes document the header with `IdempotencyKey`.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};
use chrono::{DateTime, Utc};
use kedai_app::idempotency::{self, Decision, KeyScope, StoredResponse, fingerprint, validate_key};
use kedai_app::{AppError, Store, UnitOfWork};
use kedai_core::ErrorCode;
use kedai_core::TenantId;
use serde::Serialize;

use crate::AppState;
use crate::error::{ApiError, Failure};
use crate::surface::Surface;

/// The response header marking a replay.
pub const REPLAYED: &str = "idempotent-replayed";

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

/// A finished answer of a creating request: its status and JSON body.
#[derive(Debug, Clone)]
pub(crate) struct Answer {
    status: StatusCode,
    body: String,
}

impl Answer {
    /// `value` as the JSON body of a `status` answer.
    pub(crate) fn json<T: Serialize>(status: StatusCode, value: &T) -> Result<Self, AppError> {
        serde_json::to_string(value)
            .map(|body| Self { status, body })
            .map_err(|e| AppError::Storage(kedai_core::StorageError::other(e)))
    }

    fn response(self) -> HttpResponse {
        HttpResponse::build(self.status)
            .insert_header((header::CONTENT_TYPE, "application/json"))
            .body(self.body)
    }
}

/// The claim of a request on its key, to complete with its answer in the transaction that did
/// its work (so that an order and the answer that reports it are committed together).
pub(crate) struct Claim {
    scope: KeyScope,
    hash: String,
    now: DateTime<Utc>,
}

/// What a creating request's work gets to finish with: its key's claim, if it has one.
pub(crate) struct Finish<'a>(Option<&'a Claim>);

impl Finish<'_> {
    /// Keeps `answer` as the key's response, in `tx`, and hands it back.
    ///
    /// # Errors
    /// [`AppError::Storage`].
    fn with(&self, tx: &mut dyn UnitOfWork, answer: Answer) -> Result<Answer, AppError> {
        if let Some(claim) = self.0 {
            let stored = StoredResponse {
                status: answer.status.as_u16(),
                body: answer.body.clone(),
            };
            idempotency::complete(tx, &claim.scope, &claim.hash, &stored, claim.now)?;
        }
        Ok(answer)
    }

    /// Runs `work` in one write transaction and answers `status` with the JSON of what it
    /// returns, kept as the key's response in that same transaction: the usual finish of a
    /// creating request whose work is one transaction.
    ///
    /// # Errors
    /// The work's failure (nothing is kept then), [`AppError::Storage`].
    pub(crate) fn write<T: Serialize>(
        &self,
        store: &dyn Store,
        status: StatusCode,
        mut work: impl FnMut(&mut dyn UnitOfWork) -> Result<T, AppError>,
    ) -> Result<Answer, AppError> {
        store.write(|tx| {
            let value = work(tx)?;
            self.with(tx, Answer::json(status, &value)?)
        })
    }

    /// Keeps `answer` as the key's response in a transaction of its own, for work that is not
    /// one transaction (it calls the payment gateway between transactions).
    ///
    /// # Errors
    /// [`AppError::Storage`].
    pub(crate) fn after(&self, store: &dyn Store, answer: Answer) -> Result<Answer, AppError> {
        if self.0.is_none() {
            return Ok(answer);
        }
        store.write(|tx| self.with(tx, answer.clone()))
    }
}

/// Who a creating request is for: what the work needs of the caller, and whose keys it uses.
pub(crate) struct Principal<W> {
    /// The caller as the work takes it.
    pub(crate) caller: W,
    /// The tenant the key belongs to.
    pub(crate) tenant: TenantId,
    /// Whose key within the tenant (`staff id`, `customer:<id>`, `guest`).
    pub(crate) owner: String,
}

/// How a creating request finds its caller, in its hop.
pub(crate) trait Identify<S, W>:
    FnOnce(&dyn Store) -> Result<Principal<W>, ApiError<S>> + Send + 'static
{
}

impl<S, W, F> Identify<S, W> for F where
    F: FnOnce(&dyn Store) -> Result<Principal<W>, ApiError<S>> + Send + 'static
{
}

enum Outcome {
    Answered(Answer),
    Replayed(StoredResponse),
    Failed(Failure, Option<Claim>),
}

/// Runs a creating request in one blocking hop. `identify` finds the caller (checking the
/// session, or the shop and customer) and answers in the surface's envelope when it cannot;
/// then the `Idempotency-Key`, when sent, is claimed (or its answer replayed, or refused); then
/// `work` parses the body and runs the use case, finishing its answer with [`Finish::write`]
/// inside its transaction. A failed request's key is kept with its error when the error is one
/// a retry would meet again ([`keeps`]), and released otherwise.
///
/// # Errors
/// The caller's, the key's or the work's failure, in surface `S`'s envelope.
pub(crate) async fn create<S, W>(
    state: &web::Data<AppState>,
    req: &HttpRequest,
    body: web::Bytes,
    identify: impl Identify<S, W>,
    work: impl FnOnce(&dyn Store, W, &[u8], Finish<'_>) -> Result<Answer, ApiError<S>> + Send + 'static,
) -> Result<HttpResponse, ApiError<S>>
where
    S: Surface + Send,
    W: Send + 'static,
{
    let key = req
        .headers()
        .get(HeaderName::from_static("idempotency-key"))
        .map(|raw| {
            raw.to_str()
                .map_err(|_| {
                    AppError::invalid(idempotency::HEADER, "must be printable ASCII characters")
                })
                .and_then(|k| validate_key(k).map(str::to_owned))
        });
    let method = req.method().as_str().to_owned();
    let path = req.path().to_owned();
    let hash = key.is_some().then(|| fingerprint(&method, &path, &body));
    let now = state.now();
    let run = move |store: &dyn Store| -> Result<Outcome, AppError> {
        let principal = match identify(store) {
            Ok(p) => p,
            Err(e) => return Ok(Outcome::Failed(e.into_failure(), None)),
        };
        let claim = match (key, hash) {
            (Some(Err(e)), _) => return Ok(Outcome::Failed(Failure::App(e), None)),
            (Some(Ok(key)), Some(hash)) => {
                let scope = KeyScope {
                    tenant: principal.tenant,
                    principal: principal.owner.clone(),
                    key,
                };
                let decision =
                    store.write(|tx| idempotency::begin(tx, &scope, &method, &path, &hash, now))?;
                match decision {
                    Decision::Run => Some(Claim { scope, hash, now }),
                    Decision::Replay(stored) => return Ok(Outcome::Replayed(stored)),
                    Decision::InUse => {
                        return Ok(Outcome::Failed(
                            Failure::App(AppError::conflict(
                                ErrorCode::IdempotencyKeyInUse,
                                "a request with this Idempotency-Key is still being processed; \
                                 retry shortly",
                            )),
                            None,
                        ));
                    }
                    Decision::Reused => {
                        return Ok(Outcome::Failed(
                            Failure::App(AppError::conflict(
                                ErrorCode::IdempotencyKeyReused,
                                "this Idempotency-Key was used for a different request",
                            )),
                            None,
                        ));
                    }
                }
            }
            _ => None,
        };
        Ok(
            match work(store, principal.caller, &body, Finish(claim.as_ref())) {
                Ok(answer) => Outcome::Answered(answer),
                Err(e) => Outcome::Failed(e.into_failure(), claim),
            },
        )
    };
    let outcome = crate::blocking::<_, S>(state, run).await?;
    match outcome {
        Outcome::Answered(answer) => Ok(answer.response()),
        Outcome::Replayed(stored) => {
            let status = StatusCode::from_u16(stored.status).unwrap_or(StatusCode::OK);
            Ok(HttpResponse::build(status)
                .insert_header((header::CONTENT_TYPE, "application/json"))
                .insert_header((
                    HeaderName::from_static(REPLAYED),
                    HeaderValue::from_static("true"),
                ))
                .body(stored.body))
        }
        Outcome::Failed(failure, None) => Err(failure.into()),
        Outcome::Failed(failure, Some(claim)) => {
            Ok(settle_failed::<S>(state, claim, failure).await)
        }
    }
}

/// The answer to a request that failed after claiming its key: the key keeps the answer when
/// a retry would meet the same error ([`keeps`]), and is released otherwise.
async fn settle_failed<S: Surface>(
    state: &web::Data<AppState>,
    claim: Claim,
    failure: Failure,
) -> HttpResponse {
    let response = ApiError::<S>::from(failure).error_response();
    let status = response.status();
    let (head, body) = response.into_parts();
    let bytes = match actix_web::body::MessageBody::try_into_bytes(body) {
        Ok(bytes) if keeps(status) => bytes,
        Ok(bytes) => {
            release(state, claim).await;
            return head.set_body(actix_web::body::BoxBody::new(bytes));
        }
        Err(body) => {
            release(state, claim).await;
            return head.set_body(body);
        }
    };
    let stored = StoredResponse {
        status: status.as_u16(),
        body: String::from_utf8_lossy(&bytes).into_owned(),
    };
    let kept = crate::blocking::<_, S>(state, move |store| {
        store.write(|tx| idempotency::complete(tx, &claim.scope, &claim.hash, &stored, claim.now))
    })
    .await;
    if let Err(e) = kept {
        // The key stays claimed and answers IN_USE until it expires, which is safer than
        // running the request twice.
        tracing::warn!(error = ?e, "idempotent response not kept");
    }
    head.set_body(actix_web::body::BoxBody::new(bytes))
}

async fn release(state: &web::Data<AppState>, claim: Claim) {
    let released = crate::blocking::<_, crate::surface::Merchant>(state, move |store| {
        store.write(|tx| idempotency::release(tx, &claim.scope))
    })
    .await;
    if let Err(e) = released {
        tracing::warn!(error = ?e, "idempotency key not released");
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
