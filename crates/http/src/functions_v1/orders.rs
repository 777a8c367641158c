//! `order-create` and `mock-payment`: orders and their payments.

use actix_web::{HttpResponse, post, web};
use kedai_app::Entity;
use kedai_app::orders::{CreateOrderCommand, OrderLine, PaymentCommand, clean_details};
use kedai_app::{AppError, orders};
use kedai_identity::Permission;
use kedai_orders::{NewOrder, OrderDetails};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::AppState;
use crate::dto::{Decimal, EdgeErrorBody, IntId};
use crate::error::ApiError;
use crate::surface::Edge;

use super::Result;
use crate::auth::staff_principal;
use crate::body::{RawBody, parse_json};
use crate::idempotency::create;
use actix_web::HttpRequest;
use actix_web::http::StatusCode;

/// Order fields. camelCase names of the order service are accepted too.
#[derive(Debug, Deserialize, ToSchema)]
pub struct OrderData {
    /// Customer e-mail.
    #[serde(alias = "customerEmail")]
    pub customer_email: Option<String>,
    /// Customer id.
    #[serde(alias = "userId", alias = "user_id", alias = "customerId")]
    pub customer_id: Option<String>,
    /// Total; checked against subtotal + shipping + tax − discount.
    #[serde(alias = "totalAmount")]
    #[schema(value_type = Option<f64>, example = 29.8)]
    pub total_amount: Option<Decimal>,
    /// Subtotal; checked against Σ item totals.
    #[schema(value_type = Option<f64>)]
    pub subtotal: Option<Decimal>,
    /// Shipping fee (default 0).
    #[serde(alias = "shippingFee")]
    #[schema(value_type = Option<f64>)]
    pub shipping_fee: Option<Decimal>,
    /// Tax (default 0).
    #[serde(alias = "taxAmount")]
    #[schema(value_type = Option<f64>)]
    pub tax_amount: Option<Decimal>,
    /// Discount (default 0).
    #[serde(alias = "discountAmount")]
    #[schema(value_type = Option<f64>)]
    pub discount_amount: Option<Decimal>,
    /// Initial status: `pending` (default) or `confirmed`.
    pub status: Option<String>,
    /// `delivery` (default), `pickup` or `dine_in`.
    #[serde(alias = "orderType")]
    pub order_type: Option<String>,
    /// Outlet.
    #[serde(alias = "outletId")]
    pub outlet_id: Option<String>,
    /// Shipping method.
    #[serde(alias = "shippingMethod")]
    pub shipping_method: Option<String>,
    /// Shipping address.
    #[serde(alias = "shippingAddress")]
    pub shipping_address: Option<String>,
    /// Contact name.
    #[serde(alias = "contactName")]
    pub contact_name: Option<String>,
    /// Contact phone.
    #[serde(alias = "contactPhone")]
    pub contact_phone: Option<String>,
    /// Contact e-mail.
    #[serde(alias = "contactEmail")]
    pub contact_email: Option<String>,
    /// Payment method chosen.
    #[serde(alias = "paymentMethod")]
    pub payment_method: Option<String>,
    /// Notes.
    pub notes: Option<String>,
    /// Special instructions.
    #[serde(alias = "specialInstructions")]
    pub special_instructions: Option<String>,
}

/// One order line.
#[derive(Debug, Deserialize, ToSchema)]
pub struct OrderItemInput {
    /// Product id.
    #[serde(alias = "productId")]
    #[schema(value_type = i64, example = 1)]
    pub product_id: IntId,
    /// Units, a positive integer.
    #[schema(example = 2)]
    pub quantity: i64,
    /// Unit price.
    #[serde(alias = "unitPrice")]
    #[schema(value_type = f64, example = 14.9)]
    pub unit_price: Decimal,
    /// Line total; checked against quantity × unit price.
    #[serde(alias = "totalPrice")]
    #[schema(value_type = Option<f64>)]
    pub total_price: Option<Decimal>,
}

/// Create an order and allocate its stock.
#[derive(Debug, Deserialize, ToSchema)]
pub struct OrderCreateRequest {
    /// Order fields.
    pub order_data: OrderData,
    /// Lines, at least one.
    pub items: Vec<OrderItemInput>,
}

/// An order created.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrderCreateResponse {
    /// Always true.
    pub success: bool,
    /// The order.
    pub order_id: String,
    /// `ORD-YYYY-NNNN`.
    pub order_number: String,
    /// Its status.
    pub status: String,
    /// Its total.
    pub total_amount: f64,
}

/// Creates the order and its items and allocates stock FIFO in one transaction: all or nothing.
/// The customer and outlet it names must be the merchant's, and the outlet one the caller may
/// sell at; a unit price below the catalogue's needs `orders:price_override` (owners, admins
/// and managers) and is recorded in the audit log.
#[utoipa::path(
    params(crate::idempotency::IdempotencyKey),
    tag = "edge-functions",
    request_body = OrderCreateRequest,
    responses(
        (status = 200, body = OrderCreateResponse),
        (status = 400, description = "Bad parameters; amounts that do not add up (expected values in `details`); CUSTOMER_NOT_FOUND, OUTLET_NOT_FOUND, OUTLET_INACTIVE (an outlet the caller may not sell at) or PRODUCT_NOT_AVAILABLE (not sold at that outlet)", body = EdgeErrorBody),
        (status = 401, description = "No or bad token", body = EdgeErrorBody),
        (status = 403, description = "Role may not create orders, or may not sell below the catalogue price (`orders:price_override`)", body = EdgeErrorBody),
        (status = 404, description = "Unknown product", body = EdgeErrorBody),
        (status = 409, description = "Insufficient stock or product not on sale; nothing created", body = EdgeErrorBody),
    ),
    security(("bearer" = []))
)]
#[post("/order-create")]
pub async fn order_create(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: RawBody<Edge>,
) -> Result<HttpResponse> {
    let now = state.now();
    let caller = staff_principal::<Edge>(&req, now)?;
    create(
        &state,
        &req,
        body.0,
        caller,
        move |store, (actor, tenant), body, finish| {
            actor.require(Permission::OrdersWrite)?;
            let OrderCreateRequest {
                order_data: d,
                items,
            } = parse_json::<OrderCreateRequest>(body)?;
            let order = NewOrder {
                order_type: d
                    .order_type
                    .as_deref()
                    .map(|t| ApiError::parse_field("order_data.order_type", t))
                    .transpose()?
                    .unwrap_or_default(),
                status: d
                    .status
                    .as_deref()
                    .map(|s| ApiError::parse_field("order_data.status", s))
                    .transpose()?
                    .unwrap_or(kedai_orders::OrderStatus::Pending),
                channel: kedai_orders::Channel::Merchant,
                details: clean_details(OrderDetails {
                    customer_id: d.customer_id,
                    customer_email: d.customer_email,
                    outlet_id: d.outlet_id,
                    contact_name: d.contact_name,
                    contact_phone: d.contact_phone,
                    contact_email: d.contact_email,
                    shipping_method: d.shipping_method,
                    shipping_address: d.shipping_address,
                    payment_method: d.payment_method,
                    notes: d.notes,
                    special_instructions: d.special_instructions,
                }),
            };
            let cmd = CreateOrderCommand {
                order,
                items: items
                    .into_iter()
                    .map(|i| OrderLine {
                        product_id: i.product_id.0,
                        quantity: i.quantity,
                        unit_price: i.unit_price.0,
                        total_price: i.total_price.map(|t| t.0),
                    })
                    .collect(),
                shipping_fee: d.shipping_fee.map(|v| v.0),
                tax_amount: d.tax_amount.map(|v| v.0),
                discount_amount: d.discount_amount.map(|v| v.0),
                subtotal: d.subtotal.map(|v| v.0),
                total_amount: d.total_amount.map(|v| v.0),
            };
            Ok(finish.write(store, StatusCode::OK, |tx| {
                let view = orders::create_order(tx, &actor, &tenant, &cmd, now)?;
                Ok(OrderCreateResponse {
                    success: true,
                    order_id: view.order.id.to_string(),
                    order_number: view.order.order_number.to_string(),
                    status: view.order.status.to_string(),
                    total_amount: view.order.total_amount.to_f64(),
                })
            })?)
        },
    )
    .await
}

// ---------------------------------------------------------------------------------------------
// mock-payment

/// Record a payment outcome.
#[derive(Debug, Deserialize, ToSchema)]
pub struct MockPaymentRequest {
    /// The order.
    pub order_id: String,
    /// Method, e.g. credit_card, bank_transfer, cash.
    #[schema(example = "credit_card")]
    pub method: String,
    /// Amount; must equal the order total.
    #[schema(value_type = f64, example = 29.8)]
    pub amount: Decimal,
    /// `completed`, `failed` or `refunded`.
    #[schema(example = "completed")]
    pub status: String,
}

/// A payment recorded.
#[derive(Debug, Serialize, ToSchema)]
pub struct MockPaymentResponse {
    /// Always true.
    pub success: bool,
    /// The payment record.
    pub payment_id: String,
    /// The order.
    pub order_id: String,
    /// The payment's status.
    pub payment_status: String,
    /// The order's status afterwards.
    pub order_status: String,
}

/// Records a payment: completed moves a pending or confirmed order to paid; failed is recorded
/// only; refunded cancels the order (releasing its stock) and then refunds it.
#[utoipa::path(
    params(crate::idempotency::IdempotencyKey),
    tag = "edge-functions",
    request_body = MockPaymentRequest,
    responses(
        (status = 200, body = MockPaymentResponse),
        (status = 400, description = "Bad parameters or an amount other than the order total", body = EdgeErrorBody),
        (status = 401, description = "No or bad token", body = EdgeErrorBody),
        (status = 403, description = "Role may not record payments", body = EdgeErrorBody),
        (status = 404, description = "Unknown order", body = EdgeErrorBody),
        (status = 409, description = "Order not in a state for this payment", body = EdgeErrorBody),
    ),
    security(("bearer" = []))
)]
#[post("/mock-payment")]
pub async fn mock_payment(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: RawBody<Edge>,
) -> Result<HttpResponse> {
    let now = state.now();
    let caller = staff_principal::<Edge>(&req, now)?;
    create(
        &state,
        &req,
        body.0,
        caller,
        move |store, (actor, _), body, finish| {
            actor.require(Permission::PaymentsWrite)?;
            let req = parse_json::<MockPaymentRequest>(body)?;
            let cmd = PaymentCommand {
                order_id: req
                    .order_id
                    .parse()
                    .map_err(|_| AppError::not_found(Entity::Order, &req.order_id))?,
                method: req.method,
                amount: req.amount.0,
                status: ApiError::parse_field("status", &req.status)?,
                payment_intent_id: None,
            };
            Ok(finish.write(store, StatusCode::OK, |tx| {
                let done = orders::record_payment(tx, &actor, &cmd, now)?;
                Ok(MockPaymentResponse {
                    success: true,
                    payment_id: done.payment.id.to_string(),
                    order_id: done.payment.order_id.to_string(),
                    payment_status: done.payment.status.to_string(),
                    order_status: done.order_status.to_string(),
                })
            })?)
        },
    )
    .await
}
