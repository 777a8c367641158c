//! The JSON body extractor: a size limit, and errors that name the bad field, in the surface's
//! envelope (actix's own `Json` answers in plain text and cannot say which field is wrong).

use std::marker::PhantomData;

use actix_web::{FromRequest, HttpRequest, dev::Payload, http::header, web};
use futures_util::StreamExt;
use futures_util::future::LocalBoxFuture;
use kedai_app::{AppError, FieldError};
use serde::de::DeserializeOwned;

use crate::AppState;
use crate::error::{ApiError, Failure};
use crate::surface::Surface;

/// Bodies larger than this are refused unless the state says otherwise.
pub const DEFAULT_BODY_LIMIT: usize = 256 * 1024;

/// A JSON request body of type `T`.
#[derive(Debug)]
pub struct JsonBody<T, S>(pub T, pub PhantomData<S>);

/// Turns a serde error into a bad-field or malformed-body failure.
fn classify(e: serde_path_to_error::Error<serde_json::Error>) -> Failure {
    use serde_json::error::Category;
    let inner = e.inner();
    let text = inner.to_string();
    let message = text.split(" at line ").next().unwrap_or(&text).to_owned();
    match inner.classify() {
        Category::Syntax | Category::Eof | Category::Io => Failure::Malformed(message),
        Category::Data => {
            let path = e.path().to_string();
            let path = if path == "." { String::new() } else { path };
            // "missing field `x`" is reported at the parent: name the field itself.
            let field = match message
                .strip_prefix("missing field `")
                .and_then(|m| m.split('`').next())
            {
                Some(name) if path.is_empty() => name.to_owned(),
                Some(name) => format!("{path}.{name}"),
                None if path.is_empty() => "body".to_owned(),
                None => path,
            };
            let message = if message.starts_with("missing field") {
                "is required".to_owned()
            } else {
                message
            };
            Failure::App(AppError::Validation {
                code: "VALIDATION_ERROR",
                errors: vec![FieldError { field, message }],
            })
        }
    }
}

/// Deepest nesting of arrays and objects a body may have (real bodies need four levels).
pub const MAX_DEPTH: usize = 32;
/// Longest string, in characters, any body field may hold; fields with a tighter rule of their
/// own (names, codes) say so themselves.
pub const MAX_STRING_CHARS: usize = 10_000;
/// Most entries an array in a body may have.
pub const MAX_ARRAY_LEN: usize = 1_000;

/// What is wrong with one string or array of a body, if anything.
fn check_value(value: &serde_json::Value, path: &mut String, depth: usize) -> Result<(), Failure> {
    use serde_json::Value;
    if depth > MAX_DEPTH && matches!(value, Value::Array(_) | Value::Object(_)) {
        return Err(Failure::Malformed(format!(
            "the JSON body is nested deeper than {MAX_DEPTH} levels"
        )));
    }
    let field = |path: &str| {
        if path.is_empty() {
            "body".to_owned()
        } else {
            path.to_owned()
        }
    };
    match value {
        Value::String(text) => check_text(text).map_err(|message| {
            Failure::App(AppError::Validation {
                code: "VALIDATION_ERROR",
                errors: vec![FieldError {
                    field: field(path),
                    message,
                }],
            })
        }),
        Value::Array(items) => {
            if items.len() > MAX_ARRAY_LEN {
                return Err(Failure::App(AppError::invalid(
                    field(path),
                    format!("must have at most {MAX_ARRAY_LEN} entries"),
                )));
            }
            for (i, item) in items.iter().enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                check_value(item, path, depth + 1)?;
                path.truncate(len);
            }
            Ok(())
        }
        Value::Object(map) => {
            for (key, item) in map {
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
                check_text(key).map_err(|message| {
                    Failure::App(AppError::invalid(
                        field(path),
                        format!("field name {message}"),
                    ))
                })?;
                check_value(item, path, depth + 1)?;
                path.truncate(len);
            }
            Ok(())
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => Ok(()),
    }
}

/// Strings may hold any Unicode text (emoji, combining marks, right-to-left and zero-width
/// characters are kept as sent), but no control characters other than tab, line feed and
/// carriage return (NUL in particular, which PostgreSQL cannot store), and at most
/// [`MAX_STRING_CHARS`] characters.
fn check_text(text: &str) -> Result<(), String> {
    if text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
    {
        return Err("must not contain control characters".into());
    }
    if text.chars().count() > MAX_STRING_CHARS {
        return Err(format!("must be at most {MAX_STRING_CHARS} characters"));
    }
    Ok(())
}

/// Parses a JSON body (for tests and other extractors): well-formed UTF-8 JSON (lone surrogate
/// escapes are malformed), an object, at most [`MAX_DEPTH`] levels deep, its strings and arrays
/// within bounds, then typed, naming the field that does not fit.
///
/// # Errors
/// [`Failure::Malformed`] or a validation failure naming the field.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Failure> {
    match bytes.iter().find(|b| !b.is_ascii_whitespace()) {
        None => return Err(Failure::Malformed("a JSON object body is required".into())),
        // Every request body is an object; say so rather than naming an array index.
        Some(b'[' | b'"' | b't' | b'f' | b'n' | b'-' | b'0'..=b'9') => {
            return Err(Failure::App(AppError::invalid(
                "body",
                "must be a JSON object",
            )));
        }
        Some(_) => {}
    }
    // serde_json stops at 128 levels by itself, so parsing cannot exhaust the stack.
    let value: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| {
        let text = e.to_string();
        Failure::Malformed(text.split(" at line ").next().unwrap_or(&text).to_owned())
    })?;
    check_value(&value, &mut String::new(), 1)?;
    serde_path_to_error::deserialize(value).map_err(classify)
}

/// Reads a request body, refusing more than the configured limit.
fn read_limited(
    req: &HttpRequest,
    payload: &mut Payload,
) -> LocalBoxFuture<'static, Result<web::BytesMut, Failure>> {
    let limit = req
        .app_data::<web::Data<AppState>>()
        .map_or(DEFAULT_BODY_LIMIT, |s| s.body_limit);
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    let mut payload = payload.take();
    Box::pin(async move {
        if declared.is_some_and(|n| n > limit) {
            return Err(Failure::TooLarge { limit });
        }
        let mut body = web::BytesMut::new();
        while let Some(chunk) = payload.next().await {
            let chunk = chunk.map_err(|e| Failure::Malformed(e.to_string()))?;
            if body.len() + chunk.len() > limit {
                return Err(Failure::TooLarge { limit });
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    })
}

impl<T: DeserializeOwned + 'static, S: Surface> FromRequest for JsonBody<T, S> {
    type Error = ApiError<S>;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let body = read_limited(req, payload);
        let auth = crate::auth::settled(req);
        Box::pin(async move {
            auth.await;
            parse_json(&body.await?)
                .map(|v| Self(v, PhantomData))
                .map_err(ApiError::from)
        })
    }
}

/// A request body as bytes, read up to the size limit: creating requests parse it in their
/// one blocking hop, after the caller and the idempotency key (see
/// [`crate::idempotency::create`]).
#[derive(Debug)]
pub struct RawBody<S>(pub web::Bytes, pub PhantomData<S>);

impl<S: Surface> FromRequest for RawBody<S> {
    type Error = ApiError<S>;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let body = read_limited(req, payload);
        Box::pin(async move { Ok(Self(body.await?.freeze(), PhantomData)) })
    }
}

/// A JSON object body where an empty body (which real clients send with a JSON content type
/// on several POSTs) counts as `{}`; otherwise as strict as [`JsonBody`].
#[derive(Debug)]
pub struct LenientBody<T, S>(pub T, pub PhantomData<S>);

impl<T: DeserializeOwned + 'static, S: Surface> FromRequest for LenientBody<T, S> {
    type Error = ApiError<S>;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let body = read_limited(req, payload);
        let auth = crate::auth::settled(req);
        Box::pin(async move {
            auth.await;
            let body = body.await?;
            let bytes: &[u8] = if body.iter().all(u8::is_ascii_whitespace) {
                b"{}"
            } else {
                &body
            };
            parse_json(bytes)
                .map(|v| Self(v, PhantomData))
                .map_err(ApiError::from)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[expect(dead_code, reason = "fields exist to be deserialized")]
    struct Item {
        quantity: i64,
    }

    #[derive(Debug, Deserialize)]
    #[expect(dead_code, reason = "fields exist to be deserialized")]
    struct Req {
        name: String,
        items: Vec<Item>,
    }

    fn field(r: Result<Req, Failure>) -> String {
        match r {
            Err(Failure::App(AppError::Validation { errors, .. })) => errors[0].field.clone(),
            other => panic!("expected a validation failure, got {other:?}"),
        }
    }

    #[test]
    fn names_the_bad_field() {
        assert_eq!(field(parse_json(br#"{"items":[]}"#)), "name");
        assert_eq!(
            field(parse_json(br#"{"name":"a","items":[{"quantity":"2"}]}"#)),
            "items[0].quantity"
        );
        assert_eq!(
            field(parse_json(br#"{"name":"a","items":[{}]}"#)),
            "items[0].quantity"
        );
        assert_eq!(field(parse_json(br"[1]")), "body");
        assert_eq!(field(parse_json(br"42")), "body");
    }

    #[test]
    fn bounds_depth_arrays_strings_and_control_characters() {
        let deep = format!(
            r#"{{"name":"a","items":[],"x":{}1{}}}"#,
            "[".repeat(MAX_DEPTH),
            "]".repeat(MAX_DEPTH)
        );
        assert!(matches!(
            parse_json::<Req>(deep.as_bytes()),
            Err(Failure::Malformed(_))
        ));
        let ok = format!(
            r#"{{"name":"a","items":[],"x":{}1{}}}"#,
            "[".repeat(MAX_DEPTH - 1),
            "]".repeat(MAX_DEPTH - 1)
        );
        assert!(parse_json::<Req>(ok.as_bytes()).is_ok());
        let items = vec![r#"{"quantity":1}"#; MAX_ARRAY_LEN + 1].join(",");
        let many = format!(r#"{{"name":"a","items":[{items}]}}"#);
        assert_eq!(field(parse_json(many.as_bytes())), "items");
        let long = format!(
            r#"{{"name":"{}","items":[]}}"#,
            "é".repeat(MAX_STRING_CHARS + 1)
        );
        assert_eq!(field(parse_json(long.as_bytes())), "name");
        let fits = format!(
            r#"{{"name":"{}","items":[]}}"#,
            "é".repeat(MAX_STRING_CHARS)
        );
        assert!(parse_json::<Req>(fits.as_bytes()).is_ok());
        assert_eq!(
            field(parse_json(br#"{"name":"a\u0000","items":[]}"#)),
            "name"
        );
        assert_eq!(
            field(parse_json(
                br#"{"name":"a","items":[{"quantity":1,"note":"\u001b"}]}"#
            )),
            "items[0].note"
        );
        let text = serde_json::json!({ "name": "tab\tline\n\r \u{1F600} \u{202E}", "items": [] });
        assert!(parse_json::<Req>(text.to_string().as_bytes()).is_ok());
    }

    #[test]
    fn syntax_errors_are_malformed() {
        for bad in [
            &b"{"[..],
            b"",
            b"  ",
            b"{\"name\": }",
            b"{\"name\":\"a\",\"items\":[]} trailing",
            b"<xml/>",
            b"{\"name\":\"\xff\"}",
            br#"{"name":"\ud800","items":[]}"#,
        ] {
            assert!(
                matches!(parse_json::<Req>(bad), Err(Failure::Malformed(_))),
                "{bad:?}"
            );
        }
    }
}
