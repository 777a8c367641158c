//! Limits on the request head, checked before anything else of a surface runs, so that an
//! oversized request (or one whose path or query carries control characters) is refused in the
//! surface's envelope (actix's own hard limits — 128 KiB of head, 96 headers — answer with a
//! bare status and stay as a last line behind these).

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{ResponseError, web};

use kedai_app::AppError;

use crate::AppState;
use crate::body::DEFAULT_BODY_LIMIT;
use crate::error::{ApiError, Failure, HeadPart};
use crate::surface::Surface;

/// Longest accepted path and query string, in bytes.
pub const MAX_URI_BYTES: usize = 8 * 1024;
/// Most bytes of header names and values together.
pub const MAX_HEADER_BYTES: usize = 16 * 1024;
/// Most header fields.
pub const MAX_HEADERS: usize = 64;

fn check(req: &ServiceRequest, names_resources: bool) -> Result<(), Failure> {
    let uri = req
        .uri()
        .path_and_query()
        .map_or(req.path().len(), |pq| pq.as_str().len());
    if uri > MAX_URI_BYTES {
        return Err(Failure::HeadTooLarge {
            part: HeadPart::Uri,
            limit: MAX_URI_BYTES,
        });
    }
    let headers = req.headers();
    if headers.len() > MAX_HEADERS {
        return Err(Failure::HeadTooLarge {
            part: HeadPart::HeaderCount,
            limit: MAX_HEADERS,
        });
    }
    let bytes: usize = headers
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len())
        .sum();
    if bytes > MAX_HEADER_BYTES {
        return Err(Failure::HeadTooLarge {
            part: HeadPart::HeaderBytes,
            limit: MAX_HEADER_BYTES,
        });
    }
    // Control characters (NUL above all, which PostgreSQL cannot take) never name anything:
    // a path holding one names no resource, a query parameter holding one is refused by name.
    if names_resources && has_control(&percent_decode(req.path().as_bytes())) {
        return Err(Failure::RouteNotFound);
    }
    if let Some(name) = control_in_query(req.query_string()) {
        return Err(Failure::App(AppError::invalid(
            name,
            "must not contain control characters",
        )));
    }
    // A declared body over the limit is refused on every route, including those that read no
    // body, before any of it is read.
    let limit = req
        .app_data::<web::Data<AppState>>()
        .map_or(DEFAULT_BODY_LIMIT, |s| s.body_limit);
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(Failure::TooLarge { limit });
    }
    Ok(())
}

/// `%XX` sequences decoded (and `+` kept: only the query reads it as a space, and a space is
/// no control character); malformed escapes are kept as they are.
fn percent_decode(raw: &[u8]) -> String {
    let hex = |b: u8| char::from(b).to_digit(16);
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let decoded = (raw[i] == b'%')
            .then(|| Some((hex(*raw.get(i + 1)?)?, hex(*raw.get(i + 2)?)?)))
            .flatten();
        if let Some((hi, lo)) = decoded {
            out.extend(u8::try_from(hi * 16 + lo).ok());
            i += 3;
        } else {
            out.push(raw[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn has_control(text: &str) -> bool {
    text.chars().any(char::is_control)
}

/// The first query parameter whose name or value holds a control character.
fn control_in_query(query: &str) -> Option<String> {
    query.split('&').find_map(|pair| {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let name = percent_decode(name.as_bytes());
        (has_control(&name) || has_control(&percent_decode(value.as_bytes()))).then(|| {
            name.chars()
                .filter(|c| !c.is_control())
                .take(64)
                .collect::<String>()
        })
    })
}

/// Refuses, in surface `S`'s envelope, requests whose head is too large, whose declared body
/// is, or whose path or query holds control characters.
pub(crate) async fn request_limits<S: Surface, B: MessageBody>(
    req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<EitherBody<B>>, actix_web::Error> {
    limited::<S, B>(req, next, true).await
}

/// As [`request_limits`], for pages that check their own paths (the mock gateway's checkout
/// pages answer in HTML and accept only UUIDs).
pub(crate) async fn head_limits<S: Surface, B: MessageBody>(
    req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<EitherBody<B>>, actix_web::Error> {
    limited::<S, B>(req, next, false).await
}

async fn limited<S: Surface, B: MessageBody>(
    req: ServiceRequest,
    next: Next<B>,
    names_resources: bool,
) -> Result<ServiceResponse<EitherBody<B>>, actix_web::Error> {
    if let Err(failure) = check(&req, names_resources) {
        let response = ApiError::<S>::from(failure).error_response();
        return Ok(req.into_response(response).map_into_right_body());
    }
    next.call(req)
        .await
        .map(ServiceResponse::map_into_left_body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_escapes_and_finds_control_characters() {
        assert_eq!(percent_decode(b"a%2Fb%41%zz%4"), "a/bA%zz%4");
        assert!(has_control(&percent_decode(b"/v1/products/1%00")));
        assert!(!has_control(&percent_decode(
            b"/v1/products/..%2F..%2Fetc%2Fpasswd"
        )));
        assert_eq!(
            control_in_query("page=1&keyword=a%00b"),
            Some("keyword".into())
        );
        assert_eq!(control_in_query("x%0A=1"), Some("x".into()));
        assert_eq!(control_in_query("keyword=caf%C3%A9+%E2%80%8F&page=2"), None);
    }
}
