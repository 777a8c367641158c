//! The JSON body extractor: a size limit, and errors that name the bad field, in the surface's
//! envelope (actix's own `Json` answers in plain text and cannot say which field is wrong).

use kedai_core::ErrorCode;
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

/// One field a serde error names, and the top-level key of the body it sits under (`None`
/// for a field that is missing from the body itself, or an error of the whole body).
struct BadField {
    error: FieldError,
    key: Option<String>,
    missing: bool,
}

/// Turns a serde error into the field it names, or a malformed-body failure.
fn classify(e: &serde_path_to_error::Error<serde_json::Error>) -> Result<BadField, Failure> {
    use serde_json::error::Category;
    let inner = e.inner();
    let text = inner.to_string();
    let message = text.split(" at line ").next().unwrap_or(&text).to_owned();
    if matches!(
        inner.classify(),
        Category::Syntax | Category::Eof | Category::Io
    ) {
        return Err(Failure::Malformed(message));
    }
    let path = e.path().to_string();
    let path = if path == "." { String::new() } else { path };
    let named = |prefix: &str| {
        message
            .strip_prefix(prefix)
            .and_then(|m| m.split('`').next())
            .map(str::to_owned)
    };
    // "missing field `x`" and "unknown field `x`" are reported at the parent: name the field.
    let missing = named("missing field `");
    let unknown = named("unknown field `");
    let field = match missing.as_ref().or(unknown.as_ref()) {
        Some(name) if path.is_empty() => name.clone(),
        // serde_path_to_error has already stepped into an unknown key.
        Some(name) if path == *name || path.ends_with(&format!(".{name}")) => path.clone(),
        Some(name) => format!("{path}.{name}"),
        None if path.is_empty() => "body".to_owned(),
        None => path.clone(),
    };
    let key = match e.path().iter().next() {
        Some(serde_path_to_error::Segment::Map { key }) => Some(key.clone()),
        _ if path.is_empty() => unknown,
        _ => None,
    };
    Ok(BadField {
        error: FieldError {
            field,
            message: if missing.is_some() {
                "is required".to_owned()
            } else {
                message
            },
        },
        key,
        missing: missing.is_some(),
    })
}

/// Types `value` as `T`, or names every bad field at once: each field that does not fit is
/// named and set aside, and typing is tried again on the rest, until it succeeds or an error
/// cannot be set aside (a missing field). So a body gets, in one answer, every present field
/// of the wrong type or shape (the first fault within each top-level field), the unknown ones
/// where they are refused, and the first required field it lacks.
fn typed<T: DeserializeOwned>(
    mut value: serde_json::Value,
    mut errors: Vec<FieldError>,
) -> Result<T, Failure> {
    let mut set_aside: Vec<String> = Vec::new();
    loop {
        let e = match serde_path_to_error::deserialize::<_, T>(&value) {
            Ok(typed) if errors.is_empty() => return Ok(typed),
            Ok(_) => break,
            Err(e) => classify(&e)?,
        };
        // A field set aside is missing now; it was named already.
        let top = e.error.field.split(['.', '[']).next().unwrap_or_default();
        if e.missing && set_aside.iter().any(|k| k == top) {
            break;
        }
        if !errors.iter().any(|known| known.field == e.error.field) {
            errors.push(e.error);
        }
        let removed = e
            .key
            .filter(|_| !e.missing)
            .and_then(|k| value.as_object_mut()?.remove(&k).map(|_| k));
        match removed {
            Some(k) => set_aside.push(k),
            None => break,
        }
    }
    Err(Failure::App(AppError::Validation {
        code: ErrorCode::ValidationError,
        errors,
    }))
}

/// Deepest nesting of arrays and objects a body may have (real bodies need four levels).
pub const MAX_DEPTH: usize = 32;
/// Longest string, in characters, any body field may hold; fields with a tighter rule of their
/// own (names, codes) say so themselves.
pub const MAX_STRING_CHARS: usize = 10_000;
/// Most entries an array in a body may have.
pub const MAX_ARRAY_LEN: usize = 1_000;

/// What is wrong with the strings and arrays of a body: each bad one is added to `errors`;
/// nesting deeper than [`MAX_DEPTH`] makes the whole body malformed.
fn check_value(
    value: &serde_json::Value,
    path: &mut String,
    depth: usize,
    errors: &mut Vec<FieldError>,
) -> Result<(), Failure> {
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
        Value::String(text) => {
            if let Err(message) = check_text(text) {
                errors.push(FieldError {
                    field: field(path),
                    message,
                });
            }
            Ok(())
        }
        Value::Array(items) => {
            if items.len() > MAX_ARRAY_LEN {
                errors.push(FieldError {
                    field: field(path),
                    message: format!("must have at most {MAX_ARRAY_LEN} entries"),
                });
                return Ok(());
            }
            for (i, item) in items.iter().enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                check_value(item, path, depth + 1, errors)?;
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
                match check_text(key) {
                    Err(message) => errors.push(FieldError {
                        field: field(path),
                        message: format!("field name {message}"),
                    }),
                    Ok(()) => check_value(item, path, depth + 1, errors)?,
                }
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
/// within bounds, then typed, naming every field that does not fit (see `typed`).
///
/// # Errors
/// [`Failure::Malformed`] or a validation failure naming each bad field.
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
    let mut errors = Vec::new();
    check_value(&value, &mut String::new(), 1, &mut errors)?;
    typed(value, errors)
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
        Box::pin(async move {
            parse_json(&body.await?)
                .map(|v| Self(v, PhantomData))
                .map_err(ApiError::from)
        })
    }
}

/// A request body as bytes, read up to the size limit: creating requests parse it in their
/// one blocking hop, after the caller and the idempotency key (see
/// `idempotency::create`).
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
        Box::pin(async move {
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

    fn fields(r: Result<Req, Failure>) -> Vec<String> {
        match r {
            Err(Failure::App(AppError::Validation { errors, .. })) => {
                // The envelopes key `errors` by field, so their order does not matter.
                let mut fields: Vec<String> = errors.into_iter().map(|e| e.field).collect();
                fields.sort();
                fields
            }
            other => panic!("expected a validation failure, got {other:?}"),
        }
    }

    #[test]
    fn names_every_bad_field_at_once() {
        // Two fields of the wrong type.
        assert_eq!(
            fields(parse_json(br#"{"name":7,"items":[{"quantity":"2"}]}"#)),
            ["items[0].quantity", "name"]
        );
        // A bad field and a missing one.
        assert_eq!(
            fields(parse_json(br#"{"items":{"quantity":1}}"#)),
            ["items", "name"]
        );
        // Text rules and types together; a field set aside is not also called missing.
        assert_eq!(
            fields(parse_json(br#"{"name":"a\u0000","items":"x"}"#)),
            ["items", "name"]
        );
        // Only the missing field when everything present fits.
        assert_eq!(fields(parse_json(br#"{"name":"a"}"#)), ["items"]);
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
