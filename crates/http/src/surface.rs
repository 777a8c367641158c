//! The HTTP dialects Kedai speaks. Each has its own envelope; they share use cases and errors.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, HttpResponseBuilder};
use serde_json::json;

use crate::dto::{EdgeErrorBody, MerchantErrorBody, PortalError, PortalErrorBody};
use crate::error::Rendered;
use crate::error::{ApiError, Failure};

/// An HTTP dialect: how its errors look.
pub trait Surface: 'static {
    /// The status this surface answers with.
    fn status(rendered: &Rendered) -> StatusCode {
        rendered.status
    }

    /// The error response, its body in this surface's envelope.
    fn error_response(builder: HttpResponseBuilder, rendered: &Rendered) -> HttpResponse;
}

/// Supabase-style edge functions (`/functions/v1`): `{ success: false, error: "..." }`, and 400
/// for every bad parameter as the edge-function documents say.
#[derive(Debug, Clone, Copy)]
pub struct Edge;

impl Surface for Edge {
    fn status(rendered: &Rendered) -> StatusCode {
        if rendered.status == StatusCode::UNPROCESSABLE_ENTITY {
            StatusCode::BAD_REQUEST
        } else {
            rendered.status
        }
    }

    fn error_response(mut builder: HttpResponseBuilder, r: &Rendered) -> HttpResponse {
        builder.json(EdgeErrorBody {
            success: false,
            error: r.message.clone(),
            code: r.code.to_owned(),
            errors: (!r.errors.is_empty()).then(|| json!(r.errors)),
            details: r.details.clone(),
        })
    }
}

/// The merchant API (`/v1`): `{ success: false, message, error_code, errors }`.
#[derive(Debug, Clone, Copy)]
pub struct Merchant;

impl Surface for Merchant {
    fn error_response(mut builder: HttpResponseBuilder, r: &Rendered) -> HttpResponse {
        builder.json(MerchantErrorBody {
            success: false,
            message: r.message.clone(),
            error_code: r.code.to_owned(),
            errors: json!(r.errors),
            details: r.details.clone(),
        })
    }
}

/// The customer portal (`/v6/customer-portal`): `{ success: false, error: { code, message,
/// details? } }`, the shape the FavCRM client reads; bad fields go in `details.errors`.
#[derive(Debug, Clone, Copy)]
pub struct Portal;

impl Surface for Portal {
    fn error_response(mut builder: HttpResponseBuilder, r: &Rendered) -> HttpResponse {
        let mut details = match &r.details {
            Some(serde_json::Value::Object(map)) => map.clone(),
            Some(other) => serde_json::Map::from_iter([("value".to_owned(), other.clone())]),
            None => serde_json::Map::new(),
        };
        if !r.errors.is_empty() {
            details.insert("errors".into(), json!(r.errors));
        }
        builder.json(PortalErrorBody {
            success: false,
            error: PortalError {
                code: r.code.to_owned(),
                message: r.message.clone(),
                details: (!details.is_empty()).then_some(serde_json::Value::Object(details)),
            },
        })
    }
}

/// The surface a path belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SurfaceKind {
    /// `/functions/v1`.
    Edge,
    /// `/v6/customer-portal`.
    Portal,
    /// Everything else (the merchant API's envelope).
    Merchant,
}

impl SurfaceKind {
    /// The surface of `path`.
    #[must_use]
    pub fn of(path: &str) -> Self {
        if path.starts_with("/functions/") {
            Self::Edge
        } else if path.starts_with("/v6/") {
            Self::Portal
        } else {
            Self::Merchant
        }
    }

    /// The OpenAPI schema name of this surface's error envelope.
    #[must_use]
    pub const fn error_schema(self) -> &'static str {
        match self {
            Self::Edge => "EdgeErrorBody",
            Self::Portal => "PortalErrorBody",
            Self::Merchant => "MerchantErrorBody",
        }
    }
}

/// The error response for `failure` in the envelope of the surface `path` belongs to.
pub(crate) fn error_for(path: &str, failure: Failure) -> HttpResponse {
    use actix_web::ResponseError;
    match SurfaceKind::of(path) {
        SurfaceKind::Edge => ApiError::<Edge>::from(failure).error_response(),
        SurfaceKind::Portal => ApiError::<Portal>::from(failure).error_response(),
        SurfaceKind::Merchant => ApiError::<Merchant>::from(failure).error_response(),
    }
}
