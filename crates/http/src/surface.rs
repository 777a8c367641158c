//! The HTTP dialects Kedai speaks. Each has its own envelope; they share use cases and errors.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, HttpResponseBuilder};
use serde_json::json;

use crate::dto::{EdgeErrorBody, MerchantErrorBody};
use crate::error::Rendered;

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
