//! Changing an order's status and its other fields (002's updateOrderFields).

use actix_web::{HttpResponse, patch, web};
use kedai_app::orders::{self, OrderEditCommand};
use kedai_identity::Permission;
use kedai_orders::OrderStatus;
use serde::Deserialize;
use utoipa::ToSchema;

use super::super::*;
use super::*;
use crate::AppState;
use crate::auth::Staff;
use crate::body::JsonBody;
use crate::dto::{Decimal, MerchantErrorBody, MerchantOk as Envelope, double_option};
use crate::error::ApiError;
use crate::surface::Merchant;

/// A status change.
#[derive(Debug, Deserialize, ToSchema)]
pub struct UpdateOrderStatusRequest {
    /// The new status; `pending_payment` is accepted for `confirmed`.
    #[schema(example = "processing")]
    pub status: String,
    /// Required to move processing → shipped.
    #[serde(alias = "trackingNumber")]
    pub tracking_number: Option<String>,
}

/// Moves an order through the status machine. Cancelling releases its stock to the lots it
/// came from; processing → shipped needs `tracking_number`; pickup and dine-in orders may also
/// go from paid or processing straight to completed.
#[utoipa::path(
    tag = "merchant-orders",
    params(("id" = String, Path, description = "Order id")),
    request_body = UpdateOrderStatusRequest,
    responses(
        (status = 200, body = Envelope<OrderResponse>),
        (status = 400, description = "Malformed body", body = MerchantErrorBody),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "Role may not change orders", body = MerchantErrorBody),
        (status = 404, description = "ORDER_NOT_FOUND", body = MerchantErrorBody),
        (status = 409, description = "INVALID_STATUS_TRANSITION", body = MerchantErrorBody),
        (status = 422, description = "Unknown status, or TRACKING_NUMBER_REQUIRED", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[patch("/orders/{id}/status")]
pub async fn update_order_status(
    state: web::Data<AppState>,
    mut staff: Staff<Merchant>,
    path: web::Path<String>,
    body: JsonBody<UpdateOrderStatusRequest, Merchant>,
) -> Result<HttpResponse> {
    staff.require(Permission::OrdersWrite);
    let id = order_id(&path)?;
    let req = body.0;
    let to: OrderStatus = ApiError::parse_field("status", &req.status)?;
    let now = state.now();
    let view = staff
        .run(move |store, actor| {
            store.write(|tx| {
                orders::change_status(tx, &actor, id, to, req.tracking_number.as_deref(), now)
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(Envelope::new(
        "Order status updated",
        OrderResponse::from(view),
    )))
}

/// Fields to change; absent fields stay, `null` clears a text field. camelCase spellings are
/// accepted. `status` is refused here: use `PATCH /v1/orders/{id}/status`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateOrderFieldsRequest {
    /// Refused: statuses change through `PATCH /v1/orders/{id}/status`.
    #[schema(value_type = Option<String>)]
    pub status: Option<serde_json::Value>,
    /// Contact name.
    #[serde(default, deserialize_with = "double_option", alias = "contactName")]
    #[schema(value_type = Option<String>)]
    pub contact_name: Option<Option<String>>,
    /// Contact phone.
    #[serde(default, deserialize_with = "double_option", alias = "contactPhone")]
    #[schema(value_type = Option<String>)]
    pub contact_phone: Option<Option<String>>,
    /// Contact e-mail.
    #[serde(default, deserialize_with = "double_option", alias = "contactEmail")]
    #[schema(value_type = Option<String>)]
    pub contact_email: Option<Option<String>>,
    /// Shipping method.
    #[serde(default, deserialize_with = "double_option", alias = "shippingMethod")]
    #[schema(value_type = Option<String>)]
    pub shipping_method: Option<Option<String>>,
    /// Shipping address.
    #[serde(default, deserialize_with = "double_option", alias = "shippingAddress")]
    #[schema(value_type = Option<String>)]
    pub shipping_address: Option<Option<String>>,
    /// Payment method.
    #[serde(default, deserialize_with = "double_option", alias = "paymentMethod")]
    #[schema(value_type = Option<String>)]
    pub payment_method: Option<Option<String>>,
    /// Notes.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub notes: Option<Option<String>>,
    /// Special instructions.
    #[serde(
        default,
        deserialize_with = "double_option",
        alias = "specialInstructions"
    )]
    #[schema(value_type = Option<String>)]
    pub special_instructions: Option<Option<String>>,
    /// Tracking number, correctable once the order is processing, shipped or delivered.
    #[serde(default, deserialize_with = "double_option", alias = "trackingNumber")]
    #[schema(value_type = Option<String>)]
    pub tracking_number: Option<Option<String>>,
    /// Shipping fee (before payment only).
    #[serde(alias = "shippingFee")]
    #[schema(value_type = Option<f64>)]
    pub shipping_fee: Option<Decimal>,
    /// Tax (before payment only).
    #[serde(alias = "taxAmount")]
    #[schema(value_type = Option<f64>)]
    pub tax_amount: Option<Decimal>,
    /// Discount other than the coupon's (before payment only).
    #[serde(alias = "discountAmount")]
    #[schema(value_type = Option<f64>)]
    pub discount_amount: Option<Decimal>,
    /// A coupon code entered by hand (before payment only; `null` removes it and its discount).
    #[serde(default, deserialize_with = "double_option", alias = "couponCode")]
    #[schema(value_type = Option<String>)]
    pub coupon_code: Option<Option<String>>,
    /// That coupon's discount.
    #[serde(alias = "couponDiscount")]
    #[schema(value_type = Option<f64>)]
    pub coupon_discount: Option<Decimal>,
    /// The total the client computed; must equal subtotal + shipping + tax − discounts.
    #[serde(alias = "totalAmount")]
    #[schema(value_type = Option<f64>)]
    pub total_amount: Option<Decimal>,
}

/// Changes an order's contact, shipping, notes, tracking number, and — before payment — its
/// charges and hand-entered coupon, keeping the total equal to what the items give.
#[utoipa::path(
    tag = "merchant-orders",
    params(("id" = String, Path, description = "Order id")),
    request_body = UpdateOrderFieldsRequest,
    responses(
        (status = 200, body = Envelope<OrderResponse>),
        (status = 400, description = "Malformed body", body = MerchantErrorBody),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "Role may not change orders", body = MerchantErrorBody),
        (status = 404, description = "ORDER_NOT_FOUND", body = MerchantErrorBody),
        (status = 409, description = "ORDER_NOT_EDITABLE", body = MerchantErrorBody),
        (status = 422, description = "Bad fields, status given, AMOUNT_MISMATCH", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[patch("/orders/{id}")]
pub async fn update_order_fields(
    state: web::Data<AppState>,
    mut staff: Staff<Merchant>,
    path: web::Path<String>,
    body: JsonBody<UpdateOrderFieldsRequest, Merchant>,
) -> Result<HttpResponse> {
    staff.require(Permission::OrdersWrite);
    let id = order_id(&path)?;
    let r = body.0;
    if r.status.is_some() {
        return Err(ApiError::invalid(
            "status",
            "use PATCH /v1/orders/{id}/status to change the status",
        ));
    }
    let cmd = OrderEditCommand {
        contact_name: r.contact_name,
        contact_phone: r.contact_phone,
        contact_email: r.contact_email,
        shipping_method: r.shipping_method,
        shipping_address: r.shipping_address,
        payment_method: r.payment_method,
        notes: r.notes,
        special_instructions: r.special_instructions,
        tracking_number: r.tracking_number,
        shipping_fee: r.shipping_fee.map(|d| d.0),
        tax_amount: r.tax_amount.map(|d| d.0),
        discount_amount: r.discount_amount.map(|d| d.0),
        coupon_code: r.coupon_code,
        coupon_discount: r.coupon_discount.map(|d| d.0),
        total_amount: r.total_amount.map(|d| d.0),
    };
    let now = state.now();
    let view = staff
        .run(move |store, actor| {
            store.write(|tx| orders::update_order_fields(tx, &actor, id, cmd.clone(), now))
        })
        .await?;
    Ok(HttpResponse::Ok().json(Envelope::new("Order updated", OrderResponse::from(view))))
}
