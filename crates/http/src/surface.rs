//! The HTTP dialects Kedai speaks. Each has its own envelope; they share use cases and errors.

use actix_web::http::StatusCode;
use serde_json::{Map, Value, json};

use crate::error::Rendered;

/// An HTTP dialect: how its errors look.
pub trait Surface: 'static {
    /// The status this surface answers with.
    fn status(rendered: &Rendered) -> StatusCode {
        rendered.status
    }

    /// The error body.
    fn error_body(rendered: &Rendered) -> Value;
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

    fn error_body(r: &Rendered) -> Value {
        let mut body = Map::new();
        body.insert("success".into(), Value::Bool(false));
        body.insert("error".into(), Value::String(r.message.clone()));
        body.insert("code".into(), Value::String(r.code.into()));
        if !r.errors.is_empty() {
            body.insert("errors".into(), json!(r.errors));
        }
        if let Some(d) = &r.details {
            body.insert("details".into(), d.clone());
        }
        Value::Object(body)
    }
}

/// The merchant API (`/v1`): `{ success: false, message, error_code, errors }`.
#[derive(Debug, Clone, Copy)]
pub struct Merchant;

impl Surface for Merchant {
    fn error_body(r: &Rendered) -> Value {
        let mut body = json!({
            "success": false,
            "message": r.message,
            "error_code": r.code,
            "errors": r.errors,
        });
        if let (Some(d), Some(map)) = (&r.details, body.as_object_mut()) {
            map.insert("details".into(), d.clone());
        }
        body
    }
}
