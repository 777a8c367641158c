//! The HTTP dialects Kedai speaks. Each has its own envelope; they share use cases and errors.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, HttpResponseBuilder};
use kedai_core::ErrorCode;
use serde_json::json;

use std::collections::BTreeMap;

use serde_json::Value;

use crate::dto::{EdgeErrorBody, MerchantErrorBody, PortalError, PortalErrorBody};

/// What every envelope is built from.
#[derive(Debug, Clone, PartialEq)]
pub struct Rendered {
    /// Status for a surface that answers validation failures with 422 (merchant API).
    pub status: StatusCode,
    /// Stable code, e.g. `INSUFFICIENT_STOCK`.
    pub code: ErrorCode,
    /// Human-readable message.
    pub message: String,
    /// Bad fields and what is wrong with each.
    pub errors: BTreeMap<String, Vec<String>>,
    /// Structured details (expected amounts, stock figures).
    pub details: Option<Value>,
}

/// An HTTP dialect: how its errors look. Each surface's scope carries its own middleware
/// stack, generic over its surface, so every refusal is in the surface's envelope without
/// looking at the path.
pub trait Surface: 'static {
    /// The OpenAPI schema name of the error envelope.
    const ERROR_SCHEMA: &'static str;

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
    const ERROR_SCHEMA: &'static str = "EdgeErrorBody";

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
            code: r.code.to_string(),
            errors: (!r.errors.is_empty()).then(|| json!(r.errors)),
            details: r.details.clone(),
        })
    }
}

/// The merchant API (`/v1`): `{ success: false, message, error_code, errors }`.
#[derive(Debug, Clone, Copy)]
pub struct Merchant;

impl Surface for Merchant {
    const ERROR_SCHEMA: &'static str = "MerchantErrorBody";

    fn error_response(mut builder: HttpResponseBuilder, r: &Rendered) -> HttpResponse {
        builder.json(MerchantErrorBody {
            success: false,
            message: r.message.clone(),
            error_code: r.code.to_string(),
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
    const ERROR_SCHEMA: &'static str = "PortalErrorBody";

    fn error_response(mut builder: HttpResponseBuilder, r: &Rendered) -> HttpResponse {
        let mut details = match &r.details {
            Some(Value::Object(map)) => map.clone(),
            Some(other) => serde_json::Map::from_iter([("value".to_owned(), other.clone())]),
            None => serde_json::Map::new(),
        };
        if !r.errors.is_empty() {
            details.insert("errors".into(), json!(r.errors));
        }
        builder.json(PortalErrorBody {
            success: false,
            error: PortalError {
                code: r.code.to_string(),
                message: r.message.clone(),
                details: (!details.is_empty()).then_some(Value::Object(details)),
            },
        })
    }
}
