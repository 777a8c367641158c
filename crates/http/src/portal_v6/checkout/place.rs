//! Placing a shop order (contract §6).

use actix_web::{HttpResponse, post, web};
use kedai_app::checkout::{
    self, CheckoutCommand, CheckoutContact, CheckoutLine, PlacedOrder, ShippingAddress,
};
use kedai_core::ProductId;
use kedai_orders::ShippingMethodId;
use serde::Deserialize;
use utoipa::ToSchema;

use super::shapes::shop_order;
use super::*;
use crate::AppState;
use crate::body::{RawBody, parse_json};
use crate::dto::{Decimal, IntId, PortalErrorBody};
use crate::error::ApiError;
use crate::idempotency::{Answer, create};
use crate::portal_v6::Shop;
use crate::portal_v6::{PortalOk, Result};
use crate::surface::Portal;
use actix_web::http::StatusCode;

/// One requested line: `productId` (or 004's `variantId` alone) and `quantity`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LineItemRequest {
    /// The product (integer, or a string holding one).
    #[schema(value_type = Option<i64>, example = 42)]
    pub product_id: Option<IntId>,
    /// Units, a whole number from 1.
    #[schema(example = 2)]
    pub quantity: i64,
    /// The variation of the product to sell (`variantId` is accepted too).
    #[serde(alias = "variantId")]
    #[schema(value_type = Option<i64>)]
    pub variation_id: Option<IntId>,
}

/// The customer's details (004's `customer` object, with `name`, is accepted too).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CustomerInfoRequest {
    /// First name (required for guests).
    #[schema(example = "Mei")]
    pub first_name: Option<String>,
    /// Last name (required for guests).
    #[schema(example = "Chan")]
    pub last_name: Option<String>,
    /// Full name, split into first and last (004's form).
    pub name: Option<String>,
    /// E-mail.
    #[schema(example = "mei@example.com")]
    pub email: Option<String>,
    /// Phone.
    pub phone: Option<String>,
    /// Locale for messages about the order (`zh-HK`).
    pub language: Option<String>,
}

/// Where to ship.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ShippingAddressRequest {
    /// First line (required).
    #[schema(example = "Flat 5A, 8 Harbour Road")]
    pub address_line1: Option<String>,
    /// Second line.
    pub address_line2: Option<String>,
    /// City (required).
    #[schema(example = "Hong Kong")]
    pub city: Option<String>,
    /// State or region.
    pub state: Option<String>,
    /// Postal code.
    pub zip_code: Option<String>,
    /// Country.
    pub country: Option<String>,
}

/// A shop order as the storefront sends it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreateShopOrderRequest {
    /// Lines (004's `items` is accepted too).
    #[serde(alias = "items")]
    pub line_items: Option<Vec<LineItemRequest>>,
    /// Upsell offers accepted (the shop has none: must be empty).
    #[schema(value_type = Option<Vec<Object>>)]
    pub accepted_offers: Option<Vec<serde_json::Value>>,
    /// The customer (004's `customer` is accepted too); optional when signed in.
    #[serde(alias = "customer")]
    pub customer_info: Option<CustomerInfoRequest>,
    /// Where to ship.
    pub shipping_address: Option<ShippingAddressRequest>,
    /// One of the shop's shipping methods (required when it offers any).
    #[schema(value_type = Option<i64>)]
    pub shipping_method_id: Option<IntId>,
    /// A promotion code.
    pub promotion_code: Option<String>,
    /// Store credits to spend (a decimal string or number).
    #[schema(value_type = Option<String>)]
    pub credits_used: Option<Decimal>,
    /// One of the shop's payment methods.
    pub payment_method_id: Option<String>,
    /// Where the gateway sends the customer after paying.
    pub success_url: Option<String>,
    /// Where the gateway sends the customer after giving up.
    pub cancel_url: Option<String>,
}

fn split_name(name: Option<String>) -> (Option<String>, Option<String>) {
    let Some(name) = name.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty()) else {
        return (None, None);
    };
    match name.rsplit_once(char::is_whitespace) {
        Some((first, last)) => (Some(first.trim().to_owned()), Some(last.to_owned())),
        None => (Some(name), None),
    }
}

fn checkout_command(r: CreateShopOrderRequest) -> Result<CheckoutCommand> {
    let mut lines = Vec::new();
    for (i, l) in r.line_items.unwrap_or_default().into_iter().enumerate() {
        let (product_id, variation_id): (ProductId, Option<ProductId>) =
            match (l.product_id, l.variation_id) {
                (Some(p), v) => (p.0, v.map(|v| v.0)),
                (None, Some(v)) => (v.0, Some(v.0)),
                (None, None) => {
                    return Err(ApiError::invalid(
                        format!("lineItems[{i}].productId"),
                        "is required",
                    ));
                }
            };
        lines.push(CheckoutLine {
            product_id,
            variation_id,
            quantity: l.quantity,
        });
    }
    let contact = r.customer_info.map(|c| {
        let (first, last) = match (c.first_name, c.last_name) {
            (None, None) => split_name(c.name),
            other => other,
        };
        CheckoutContact {
            first_name: first,
            last_name: last,
            email: c.email,
            phone: c.phone,
            language: c.language,
        }
    });
    Ok(CheckoutCommand {
        lines,
        contact,
        address: r.shipping_address.map(|a| ShippingAddress {
            address_line1: a.address_line1,
            address_line2: a.address_line2,
            city: a.city,
            state: a.state,
            zip_code: a.zip_code,
            country: a.country,
        }),
        shipping_method_id: r
            .shipping_method_id
            .map(|i| ShippingMethodId::new(i.0.get()))
            .transpose()
            .map_err(|_| {
                ApiError::<Portal>::invalid("shippingMethodId", "must be a positive integer id")
            })?,
        promotion_code: r.promotion_code,
        credits_used: r.credits_used.map(|d| d.0),
        payment_method_id: r.payment_method_id,
        success_url: r.success_url,
        cancel_url: r.cancel_url,
        accepted_offers: r.accepted_offers.map_or(0, |o| o.len()),
    })
}

fn placed(p: PlacedOrder) -> ShopOrder {
    ShopOrder {
        payment_url: p.payment_url,
        payment_instructions: p.payment_instructions,
        order_token: p.guest_secret,
        ..shop_order(p.view)
    }
}

/// Places a shop order, for a guest (no token) or the signed-in customer: prices from the
/// catalogue, shipping from the chosen method (free at or above its threshold), the promotion
/// code's discount on the subtotal, stock allocated oldest lot first, the coupon use claimed,
/// all in one transaction. With `Idempotency-Key`, a repeat answers the first order. For a
/// payment method with a gateway the answer has a `paymentUrl` to redirect to; for a manual
/// one, `paymentInstructions`. A guest's answer carries `orderToken`, which lets them pay the
/// order again later.
#[utoipa::path(
    params(crate::idempotency::IdempotencyKey),
    tag = "portal-shop",
    request_body = CreateShopOrderRequest,
    responses(
        (status = 201, body = PortalOk<ShopOrder>),
        (status = 400, description = "Malformed body, or TENANT_REQUIRED", body = PortalErrorBody),
        (status = 404, description = "Unknown company", body = PortalErrorBody),
        (status = 409, description = "INSUFFICIENT_STOCK; nothing changed", body = PortalErrorBody),
        (status = 422, description = "VALIDATION_ERROR, PRODUCT_NOT_FOUND, VARIATION_NOT_FOUND, \
            PRODUCT_NOT_AVAILABLE, SHIPPING_METHOD_REQUIRED, SHIPPING_METHOD_NOT_FOUND, \
            PAYMENT_METHOD_NOT_FOUND, PROMOTION_* (as /validate-promotion), INSUFFICIENT_CREDITS, \
            OFFER_NOT_AVAILABLE; nothing changed", body = PortalErrorBody),
    ),
    security((), ("bearer" = []))
)]
#[post("/shop/orders")]
pub async fn create_shop_order(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: RawBody<Portal>,
) -> Result<HttpResponse> {
    let now = state.now();
    let caller = Shop::principal(&req, now);
    let gateway = std::sync::Arc::clone(&state.gateway);
    let wake = std::sync::Arc::clone(&state.wake);
    create(
        &state,
        &req,
        body.0,
        caller,
        move |store, shopper, body, finish| {
            let cmd = checkout_command(parse_json(body)?)?;
            let placed_order =
                checkout::place_shop_order(store, &shopper, gateway.as_ref(), &cmd, now)?;
            if placed_order.confirmation.is_some() {
                wake();
            }
            let answer = Answer::json(
                StatusCode::CREATED,
                &PortalOk {
                    success: true,
                    data: placed(placed_order),
                },
            )?;
            Ok(finish.after(store, answer)?)
        },
    )
    .await
}
