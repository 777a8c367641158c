//! Placing an order at the counter or in an app (003 §13.1).

use actix_web::{HttpResponse, post, web};
use chrono::{DateTime, Utc};
use kedai_app::orders::{self, PlaceOrderCommand, PlaceOrderLine};
use kedai_identity::Permission;
use kedai_orders::{OrderDetails, OrderStatus};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::super::*;
use super::*;
use crate::AppState;
use crate::auth::staff_principal;
use crate::body::{RawBody, parse_json};
use crate::dto::{Decimal, IntId, MerchantErrorBody, MerchantOk as Envelope};
use crate::error::ApiError;
use crate::idempotency::create;
use crate::surface::Merchant;
use actix_web::HttpRequest;
use actix_web::http::StatusCode;

/// One line of a new order.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PlaceOrderItem {
    /// Product id (a number, or a string holding one).
    #[schema(value_type = i64, example = 1)]
    pub product_id: IntId,
    /// Product name as the client shows it (informational; the catalogue's name is kept).
    #[schema(example = "Iced Latte")]
    pub name: Option<String>,
    /// Units, at least 1.
    #[serde(alias = "quantity")]
    #[schema(example = 2)]
    pub qty: i64,
    /// Unit price the client shows; must equal the catalogue price when given.
    #[schema(value_type = Option<f64>, example = 14.9)]
    pub unit_price: Option<Decimal>,
}

/// A new order.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PlaceOrderRequest {
    /// One of the merchant's customers.
    pub customer_id: Option<String>,
    /// The outlet it is sold at.
    pub outlet_id: Option<String>,
    /// `pickup`, `delivery` or `dine_in`.
    #[schema(example = "pickup")]
    pub order_type: String,
    /// Lines, at least one.
    pub items: Vec<PlaceOrderItem>,
    /// A coupon code of the merchant.
    #[schema(example = "LUNCH10")]
    pub coupon_code: Option<String>,
    /// Notes.
    #[schema(example = "Less sugar")]
    pub notes: Option<String>,
    /// Contact name (default: the customer's).
    pub contact_name: Option<String>,
    /// Contact phone (default: the customer's).
    pub contact_phone: Option<String>,
    /// Contact e-mail (default: the customer's).
    pub contact_email: Option<String>,
    /// Shipping method, for delivery.
    pub shipping_method: Option<String>,
    /// Shipping address, for delivery.
    pub shipping_address: Option<String>,
    /// Payment method the customer chose.
    pub payment_method: Option<String>,
    /// Special instructions.
    pub special_instructions: Option<String>,
}

/// A placed order, in 003's shape.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlacedOrderResponse {
    /// Order id.
    pub order_id: String,
    /// `ORD-YYYY-NNNN`.
    pub order_number: String,
    /// `pending_payment`: created and awaiting payment (the status machine's `confirmed`).
    #[schema(example = "pending_payment")]
    pub status: String,
    /// `pickup`, `delivery` or `dine_in`.
    pub order_type: String,
    /// Σ lines.
    #[schema(example = 29.8)]
    pub subtotal: f64,
    /// The coupon's discount.
    #[schema(example = 2.98)]
    pub discount: f64,
    /// subtotal − discount.
    #[schema(example = 26.82)]
    pub total: f64,
    /// ISO-4217 currency.
    #[schema(example = "MYR")]
    pub currency: String,
    /// The coupon applied.
    pub coupon_code: Option<String>,
    /// Customer.
    pub customer_id: Option<String>,
    /// Outlet.
    pub outlet_id: Option<String>,
    /// Lines at catalogue prices.
    pub items: Vec<OrderItemResponse>,
    /// Created.
    pub created_at: DateTime<Utc>,
}

/// Merchant-facing status names: `confirmed` is shown as 003's `pending_payment`.
pub(super) fn merchant_status(s: OrderStatus) -> String {
    match s {
        OrderStatus::Confirmed => "pending_payment".into(),
        other => other.to_string(),
    }
}

/// Places an order at catalogue prices with an optional coupon, allocates its stock FIFO and
/// leaves it awaiting payment, all or nothing.
#[utoipa::path(
    params(crate::idempotency::IdempotencyKey),
    tag = "merchant-orders",
    request_body = PlaceOrderRequest,
    responses(
        (status = 201, body = Envelope<PlacedOrderResponse>),
        (status = 400, description = "Malformed body", body = MerchantErrorBody),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "Role may not create orders", body = MerchantErrorBody),
        (status = 404, description = "PRODUCT_NOT_FOUND", body = MerchantErrorBody),
        (status = 409, description = "INSUFFICIENT_STOCK, PRODUCT_INACTIVE", body = MerchantErrorBody),
        (status = 422, description = "Bad fields, CUSTOMER_NOT_FOUND, OUTLET_NOT_FOUND, PRODUCT_NOT_AVAILABLE, COUPON_INVALID, COUPON_EXPIRED, AMOUNT_MISMATCH", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[post("/orders")]
pub async fn place_order(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: RawBody<Merchant>,
) -> Result<HttpResponse> {
    let now = state.now();
    let caller = staff_principal::<Merchant>(&req, now)?;
    create(
        &state,
        &req,
        body.0,
        caller,
        move |store, (actor, tenant), body, finish| {
            actor.require(Permission::OrdersWrite)?;
            let request: PlaceOrderRequest = parse_json(body)?;
            let order_type = ApiError::parse_field("order_type", &request.order_type)?;
            let cmd = PlaceOrderCommand {
                customer_id: request
                    .customer_id
                    .map(|s| s.trim().to_owned())
                    .filter(|s| !s.is_empty()),
                outlet_id: request
                    .outlet_id
                    .map(|s| s.trim().to_owned())
                    .filter(|s| !s.is_empty()),
                order_type,
                items: request
                    .items
                    .into_iter()
                    .map(|i| PlaceOrderLine {
                        product_id: i.product_id.0,
                        quantity: i.qty,
                        unit_price: i.unit_price.map(|d| d.0),
                    })
                    .collect(),
                coupon_code: request
                    .coupon_code
                    .map(|s| s.trim().to_owned())
                    .filter(|s| !s.is_empty()),
                details: OrderDetails {
                    contact_name: request.contact_name,
                    contact_phone: request.contact_phone,
                    contact_email: request.contact_email,
                    shipping_method: request.shipping_method,
                    shipping_address: request.shipping_address,
                    payment_method: request.payment_method,
                    notes: request.notes,
                    special_instructions: request.special_instructions,
                    ..OrderDetails::default()
                },
            };
            Ok(finish.write(store, StatusCode::CREATED, |tx| {
                let view = orders::place_order(tx, &actor, &tenant, &cmd, now)?;
                let o = view.order;
                let items = item_responses(&o, view.items);
                Ok(Envelope::new(
                    "Order created",
                    PlacedOrderResponse {
                        order_id: o.id.to_string(),
                        order_number: o.order_number.to_string(),
                        status: merchant_status(o.status),
                        order_type: o.order_type.to_string(),
                        subtotal: o.subtotal.to_f64(),
                        discount: o.discount_amount.to_f64(),
                        total: o.total_amount.to_f64(),
                        currency: o.currency.code().to_owned(),
                        coupon_code: o.coupon.map(|c| c.code),
                        customer_id: o.details.customer_id,
                        outlet_id: o.details.outlet_id,
                        items,
                        created_at: o.created_at,
                    },
                ))
            })?)
        },
    )
    .await
}
