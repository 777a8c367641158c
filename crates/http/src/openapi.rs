//! The OpenAPI document's finishing: the surfaces' documents merged (each with its rate limits
//! and idempotency conflicts in its own envelope), title and description, the bearer scheme,
//! and a description on every response, which OpenAPI 3.1 requires and SDK generators check.

use actix_web::http::StatusCode;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{OpenApi, RefOr};

/// The document as served and committed, from each surface's own.
pub(crate) fn document(surfaces: Vec<OpenApi>) -> OpenApi {
    let mut doc = OpenApi::default();
    for surface in surfaces {
        doc.merge(surface);
    }
    doc.info.title = "Kedai".into();
    doc.info.version = env!("CARGO_PKG_VERSION").into();
    doc.info.description = Some(
        "O2O commerce and CRM backend. Surfaces: Supabase-style edge functions \
         (`/functions/v1`), the merchant API (`/v1`), and the FavCRM-style customer portal \
         (`/v6/customer-portal`); `/pay` is the built-in mock gateway's checkout page. Each \
         surface answers in its own envelope. Amounts are decimal numbers in major units of the \
         merchant's currency; times are RFC 3339 UTC."
            .into(),
    );
    doc.info.license = Some(utoipa::openapi::License::new("Apache-2.0"));
    describe_responses(&mut doc);
    let components = doc.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        "bearer",
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .bearer_format("JWT")
                .build(),
        ),
    );
    doc
}

/// Gives every response without a description its status's reason phrase (`OK`, `Created`).
fn describe_responses(doc: &mut OpenApi) {
    for item in doc.paths.paths.values_mut() {
        for op in [
            &mut item.get,
            &mut item.post,
            &mut item.put,
            &mut item.patch,
            &mut item.delete,
        ]
        .into_iter()
        .flatten()
        {
            for (status, response) in &mut op.responses.responses {
                if let RefOr::T(response) = response
                    && response.description.trim().is_empty()
                {
                    response.description = status
                        .parse::<u16>()
                        .ok()
                        .and_then(|s| StatusCode::from_u16(s).ok())
                        .and_then(|s| s.canonical_reason())
                        .unwrap_or("Response")
                        .to_owned();
                }
            }
        }
    }
}
