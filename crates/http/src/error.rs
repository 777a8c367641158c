//! One error type for every surface, rendered in each surface's own envelope. This file is the
//! only place that maps failures to HTTP statuses and codes.

use kedai_core::ErrorCode;
use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use kedai_app::{AppError, AuthFailure};
use kedai_core::storage::StorageErrorKind;
use serde_json::json;

use crate::surface::{Rendered, Surface};

/// A failure before or around a use case.
#[derive(Debug)]
pub enum Failure {
    /// A use case failed.
    App(AppError),
    /// The body is not JSON, or not an object where one is needed.
    Malformed(String),
    /// The body is larger than the surface accepts.
    TooLarge {
        /// Bytes accepted.
        limit: usize,
    },
    /// The request line or headers are larger than the server accepts.
    HeadTooLarge {
        /// What was too large: the URI (414) or the headers (431).
        part: HeadPart,
        /// Bytes (or, for [`HeadPart::HeaderCount`], headers) accepted.
        limit: usize,
    },
    /// No such route.
    RouteNotFound,
    /// The route exists, but not with this method.
    MethodNotAllowed,
    /// A request the surface cannot serve as sent (400), with a stable code.
    BadRequest {
        /// Stable code.
        code: ErrorCode,
        /// Why.
        message: String,
    },
    /// Too many requests; retry after this many seconds.
    RateLimited {
        /// Seconds to wait.
        retry_after: u64,
    },
}

/// The part of a request head that was too large.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeadPart {
    /// Path and query string.
    Uri,
    /// All header names and values together.
    HeaderBytes,
    /// The number of header fields.
    HeaderCount,
}

/// An error in surface `S`'s envelope.
pub struct ApiError<S> {
    failure: Failure,
    surface: PhantomData<S>,
}

impl<S> fmt::Debug for ApiError<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.failure.fmt(f)
    }
}

impl<S> fmt::Display for ApiError<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.failure {
            Failure::App(e) => e.fmt(f),
            Failure::Malformed(m) => write!(f, "malformed request: {m}"),
            Failure::TooLarge { limit } => write!(f, "request body larger than {limit} bytes"),
            Failure::HeadTooLarge { part, limit } => f.write_str(&head_message(*part, *limit)),
            Failure::RouteNotFound => f.write_str("no such route"),
            Failure::BadRequest { message, .. } => f.write_str(message),
            Failure::MethodNotAllowed => f.write_str("method not allowed on this route"),
            Failure::RateLimited { retry_after } => {
                write!(f, "too many requests; retry after {retry_after} s")
            }
        }
    }
}

impl<S> From<AppError> for ApiError<S> {
    fn from(e: AppError) -> Self {
        Failure::App(e).into()
    }
}

impl<S> From<Failure> for ApiError<S> {
    fn from(failure: Failure) -> Self {
        Self {
            failure,
            surface: PhantomData,
        }
    }
}

impl<S> ApiError<S> {
    /// True for wrong sign-in credentials.
    #[must_use]
    pub const fn is_invalid_credentials(&self) -> bool {
        matches!(
            self.failure,
            Failure::App(AppError::Unauthenticated(AuthFailure::InvalidCredentials))
        )
    }

    /// The failure, to render in another surface's envelope.
    #[must_use]
    pub fn into_failure(self) -> Failure {
        self.failure
    }

    /// Parses a word-valued field (a status, a reason code), naming the field when it fails.
    ///
    /// # Errors
    /// A validation failure on `field` listing the accepted words.
    pub fn parse_field<T: std::str::FromStr<Err = String>>(
        field: &str,
        value: &str,
    ) -> Result<T, Self> {
        value.parse().map_err(|e: String| Self::invalid(field, e))
    }

    /// One bad request field.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        AppError::invalid(field, message).into()
    }
}

fn head_message(part: HeadPart, limit: usize) -> String {
    match part {
        HeadPart::Uri => format!("request URI longer than {limit} bytes"),
        HeadPart::HeaderBytes => format!("request headers larger than {limit} bytes in all"),
        HeadPart::HeaderCount => format!("more than {limit} request headers"),
    }
}

impl Failure {
    /// Maps the failure to status, code, message and details. Validation is 422 here; a
    /// surface whose documents say 400 for bad parameters lowers it.
    #[must_use]
    pub fn render(&self) -> Rendered {
        let plain = |status, code, message: String| Rendered {
            status,
            code,
            message,
            errors: BTreeMap::new(),
            details: None,
        };
        match self {
            Self::Malformed(m) => plain(
                StatusCode::BAD_REQUEST,
                ErrorCode::MalformedRequest,
                format!("malformed request: {m}"),
            ),
            Self::TooLarge { limit } => plain(
                StatusCode::PAYLOAD_TOO_LARGE,
                ErrorCode::PayloadTooLarge,
                format!("request body larger than {limit} bytes"),
            ),
            Self::HeadTooLarge { part, limit } => {
                let (status, code) = match part {
                    HeadPart::Uri => (StatusCode::URI_TOO_LONG, ErrorCode::UriTooLong),
                    HeadPart::HeaderBytes | HeadPart::HeaderCount => (
                        StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
                        ErrorCode::HeadersTooLarge,
                    ),
                };
                plain(status, code, head_message(*part, *limit))
            }
            Self::BadRequest { code, message } => {
                plain(StatusCode::BAD_REQUEST, *code, message.clone())
            }
            Self::RouteNotFound => plain(
                StatusCode::NOT_FOUND,
                ErrorCode::NotFound,
                "no such route".into(),
            ),
            Self::MethodNotAllowed => plain(
                StatusCode::METHOD_NOT_ALLOWED,
                ErrorCode::MethodNotAllowed,
                "method not allowed on this route".into(),
            ),
            Self::RateLimited { .. } => plain(
                StatusCode::TOO_MANY_REQUESTS,
                ErrorCode::RateLimitExceeded,
                "Too many requests".into(),
            ),
            Self::App(e) => render_app(e),
        }
    }
}

fn render_app(e: &AppError) -> Rendered {
    let message = e.to_string();
    let plain = |status, code| Rendered {
        status,
        code,
        message: message.clone(),
        errors: BTreeMap::new(),
        details: None,
    };
    match e {
        AppError::Validation { code, errors } => {
            let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
            for fe in errors {
                map.entry(fe.field.clone())
                    .or_default()
                    .push(fe.message.clone());
            }
            Rendered {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                code: *code,
                message,
                errors: map,
                details: None,
            }
        }
        AppError::AmountMismatch(mismatches) => {
            let mut errors = BTreeMap::new();
            let mut expected = serde_json::Map::new();
            for m in mismatches {
                errors.insert(
                    m.field.clone(),
                    vec![format!("is {} but should be {}", m.claimed, m.expected)],
                );
                expected.insert(m.field.clone(), json!(m.expected.to_f64()));
            }
            Rendered {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                code: ErrorCode::AmountMismatch,
                message,
                errors,
                details: Some(json!({ "expected": expected })),
            }
        }
        AppError::NotFound { entity, .. } => plain(StatusCode::NOT_FOUND, entity.not_found_code()),
        AppError::Unauthenticated(why) => plain(
            StatusCode::UNAUTHORIZED,
            match why {
                AuthFailure::Missing => ErrorCode::AuthRequired,
                AuthFailure::InvalidToken => ErrorCode::AuthTokenInvalid,
                AuthFailure::Expired => ErrorCode::AuthTokenExpired,
                AuthFailure::InvalidCredentials => ErrorCode::AuthInvalidCredentials,
            },
        ),
        AppError::Forbidden(_) => plain(StatusCode::FORBIDDEN, ErrorCode::Forbidden),
        AppError::NotAllowed { code, .. } => plain(StatusCode::FORBIDDEN, *code),
        AppError::InsufficientStock {
            product_id,
            requested,
            available,
        } => Rendered {
            details: Some(
                json!({ "product_id": product_id.get(), "requested": requested, "available": available }),
            ),
            ..plain(StatusCode::CONFLICT, ErrorCode::InsufficientStock)
        },
        AppError::InvalidTransition { from, to } => Rendered {
            details: Some(json!({ "from": from.as_str(), "to": to.as_str() })),
            ..plain(StatusCode::CONFLICT, ErrorCode::InvalidStatusTransition)
        },
        AppError::TrackingNumberRequired => Rendered {
            errors: BTreeMap::from([(
                "tracking_number".to_owned(),
                vec!["is required to ship".to_owned()],
            )]),
            ..plain(
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorCode::TrackingNumberRequired,
            )
        },
        AppError::Conflict { code, .. } => plain(StatusCode::CONFLICT, *code),
        AppError::Throttled {
            code, retry_after, ..
        } => Rendered {
            details: Some(json!({ "retryAfter": retry_after })),
            ..plain(StatusCode::TOO_MANY_REQUESTS, *code)
        },
        AppError::Storage(s) => match s.kind() {
            StorageErrorKind::Unavailable | StorageErrorKind::Retryable => Rendered {
                message: "the service is busy or the database is unavailable; retry shortly".into(),
                ..plain(
                    StatusCode::SERVICE_UNAVAILABLE,
                    ErrorCode::ServiceUnavailable,
                )
            },
            StorageErrorKind::Other => Rendered {
                message: "internal error".into(),
                ..plain(StatusCode::INTERNAL_SERVER_ERROR, ErrorCode::InternalError)
            },
        },
    }
}

impl<S: Surface> ResponseError for ApiError<S> {
    fn status_code(&self) -> StatusCode {
        S::status(&self.failure.render())
    }

    fn error_response(&self) -> HttpResponse {
        let rendered = self.failure.render();
        if rendered.status.is_server_error() {
            // Logged once, here, with the cause chain; the body stays generic.
            let cause = match &self.failure {
                Failure::App(AppError::Storage(s)) => {
                    let mut chain = s.to_string();
                    let mut source = std::error::Error::source(s);
                    while let Some(inner) = source {
                        chain.push_str(": ");
                        chain.push_str(&inner.to_string());
                        source = inner.source();
                    }
                    chain
                }
                other => format!("{other:?}"),
            };
            tracing::error!(error.cause = %cause, "request failed");
        }
        let status = S::status(&rendered);
        let mut response = S::error_response(HttpResponse::build(status), &rendered);
        if status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if let Failure::RateLimited { retry_after } = self.failure {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
        }
        if let Failure::App(AppError::Throttled { retry_after, .. }) = self.failure {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after.max(1)));
        }
        if status == StatusCode::SERVICE_UNAVAILABLE {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        response
    }
}
