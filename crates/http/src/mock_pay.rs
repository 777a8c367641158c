//! The mock payment gateway's checkout page (`/pay/mock/{session}`): a small self-contained
//! HTML page where a person approves or declines a payment. No sign-in: the random session id
//! in the URL is the secret. Not part of any API surface.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, get, post, web};
use kedai_app::mock_gateway::{self as payments, MockCheckout, MockDecision};

use crate::surface::Merchant;
use crate::{AppState, blocking};

pub(crate) fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(mock_checkout_page)
        .service(approve_mock_payment)
        .service(decline_mock_payment);
}

/// Escapes text for HTML content and attribute values.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;background:#f4f5f7;margin:0;\
padding:2rem 1rem;color:#1d2330}main{max-width:26rem;margin:0 auto;background:#fff;\
border-radius:12px;padding:1.75rem;box-shadow:0 2px 10px rgba(0,0,0,.08)}\
h1{font-size:1.1rem;margin:0 0 .25rem}.muted{color:#667085;font-size:.9rem}\
.amount{font-size:2rem;font-weight:700;margin:1.25rem 0}\
form{display:inline-block;margin:0 .5rem .5rem 0}button{font-size:1rem;border:0;\
border-radius:8px;padding:.7rem 1.4rem;cursor:pointer;color:#fff}\
.approve{background:#12805c}.decline{background:#b42318}.note{margin-top:1.5rem;\
font-size:.8rem;color:#667085}";

fn page(status: StatusCode, title: &str, body: &str) -> HttpResponse {
    let html = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta name=\"robots\" content=\"noindex\"><title>{}</title><style>{STYLE}</style>\
         </head><body><main>{body}</main></body></html>",
        escape(title)
    );
    let mut response = HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(html);
    let headers = response.headers_mut();
    // The URL carries the session secret: keep it out of caches and referrers.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
        ),
    );
    response
}

fn not_found() -> HttpResponse {
    page(
        StatusCode::NOT_FOUND,
        "Payment not found",
        "<h1>Payment not found</h1><p class=\"muted\">This checkout link is unknown or has \
         been mistyped.</p>",
    )
}

fn failed() -> HttpResponse {
    page(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Something went wrong",
        "<h1>Something went wrong</h1><p class=\"muted\">Please try again shortly.</p>",
    )
}

fn summary(c: &MockCheckout) -> String {
    format!(
        "<h1>{}</h1><p class=\"muted\">Order {}</p>\
         <div class=\"amount\">{} <span>{}</span></div>",
        escape(&c.merchant_name),
        escape(&c.session.description),
        escape(c.session.amount.currency().code()),
        escape(&c.session.amount.to_string()),
    )
}

fn render(c: &MockCheckout) -> HttpResponse {
    let id = escape(&c.session.id);
    let body = match c.session.status {
        MockDecision::Pending => format!(
            // Relative actions, so the page works behind a path prefix of KEDAI_PUBLIC_URL.
            "{}<form method=\"post\" action=\"{id}/approve\">\
             <button class=\"approve\" type=\"submit\">Approve</button></form>\
             <form method=\"post\" action=\"{id}/decline\">\
             <button class=\"decline\" type=\"submit\">Decline</button></form>\
             <p class=\"note\">Kedai test gateway: no money moves.</p>",
            summary(c)
        ),
        MockDecision::Approved => format!(
            "{}<p><strong>Payment approved.</strong></p><p class=\"muted\">Reference {}. You \
             may close this page.</p>",
            summary(c),
            escape(c.session.reference.as_deref().unwrap_or_default())
        ),
        MockDecision::Declined => format!(
            "{}<p><strong>Payment declined.</strong></p><p class=\"muted\">You may close this \
             page.</p>",
            summary(c)
        ),
        MockDecision::Cancelled => format!(
            "{}<p><strong>This checkout was cancelled.</strong></p><p class=\"muted\">It was \
             replaced by a newer one, or its order was cancelled or changed. Nothing was \
             charged; return to the shop to pay.</p>",
            summary(c)
        ),
    };
    page(StatusCode::OK, "Checkout", &body)
}

/// Whether asking to approve (or decline) left the session in another state.
fn refused(approve: bool, now: MockDecision) -> bool {
    let wanted = if approve {
        MockDecision::Approved
    } else {
        MockDecision::Declined
    };
    now != wanted
}

/// A session id as the gateway makes them (a UUID); anything else is unknown.
fn plausible(id: &str) -> bool {
    id.len() == 36 && id.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-')
}

async fn respond(state: &web::Data<AppState>, id: String, decision: Option<bool>) -> HttpResponse {
    if !plausible(&id) {
        return not_found();
    }
    let now = state.now();
    let found = blocking::<_, Merchant>(state, move |store| match decision {
        None => store.read(|tx| payments::mock_checkout(tx, &id)),
        Some(approve) => store.write(|tx| payments::decide_mock(tx, &id, approve, now)),
    })
    .await;
    match found {
        // An approval (or decline) that did not take, because the session was decided or
        // cancelled before, is refused, never shown as if it had.
        Ok(Some(c)) if decision.is_some_and(|approve| refused(approve, c.session.status)) => {
            let mut response = render(&c);
            *response.status_mut() = StatusCode::CONFLICT;
            response
        }
        Ok(Some(c)) => render(&c),
        Ok(None) => not_found(),
        Err(e) => {
            tracing::error!(error = %e, "mock checkout failed");
            failed()
        }
    }
}

/// The mock gateway's checkout page: merchant, order, amount, and Approve / Decline buttons
/// (or the decision, once made). An HTML page for people, not an API.
#[utoipa::path(
    tag = "mock-gateway",
    params(("session_id" = String, Path, description = "Checkout session id from `payment_url`")),
    responses(
        (status = 200, description = "Checkout page", content_type = "text/html", body = String),
        (status = 404, description = "Unknown session", content_type = "text/html", body = String),
    )
)]
#[get("/mock/{session_id}")]
pub async fn mock_checkout_page(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> HttpResponse {
    respond(&state, path.into_inner(), None).await
}

/// Approves the payment (the first decision wins) and shows the result. A checkout that was
/// cancelled (replaced by a newer one, its order cancelled or changed) or decided already
/// takes no approval: 409 with a page that says so.
#[utoipa::path(
    tag = "mock-gateway",
    params(("session_id" = String, Path, description = "Checkout session id")),
    responses(
        (status = 200, description = "Result page", content_type = "text/html", body = String),
        (status = 404, description = "Unknown session", content_type = "text/html", body = String),
        (status = 409, description = "Cancelled or already decided: nothing was approved", content_type = "text/html", body = String),
    )
)]
#[post("/mock/{session_id}/approve")]
pub async fn approve_mock_payment(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> HttpResponse {
    respond(&state, path.into_inner(), Some(true)).await
}

/// Declines the payment (the first decision wins) and shows the result.
#[utoipa::path(
    tag = "mock-gateway",
    params(("session_id" = String, Path, description = "Checkout session id")),
    responses(
        (status = 200, description = "Result page", content_type = "text/html", body = String),
        (status = 404, description = "Unknown session", content_type = "text/html", body = String),
        (status = 409, description = "Cancelled or already decided: nothing was declined", content_type = "text/html", body = String),
    )
)]
#[post("/mock/{session_id}/decline")]
pub async fn decline_mock_payment(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> HttpResponse {
    respond(&state, path.into_inner(), Some(false)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape("<b>Tom & \"Jerry's\"</b>"),
            "&lt;b&gt;Tom &amp; &quot;Jerry&#39;s&quot;&lt;/b&gt;"
        );
    }

    #[test]
    fn only_uuids_are_looked_up() {
        assert!(plausible("0b8f6c1e-9a51-4d2b-8f0e-3c2a1b4d5e6f"));
        assert!(!plausible("x"));
        assert!(!plausible("0b8f6c1e-9a51-4d2b-8f0e-3c2a1b4d5e6g"));
    }
}
