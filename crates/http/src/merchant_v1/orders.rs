//! Orders (003 §13, 002's OrderApiService).

use actix_web::{HttpResponse, get, patch, web};
use chrono::{DateTime, Utc};
use kedai_app::orders::{self, OrderView};
use kedai_identity::Permission;
use kedai_orders::OrderStatus;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::*;
use crate::auth::Authed;
use crate::body::JsonBody;
use crate::dto::{MerchantErrorBody, Ok as Envelope};
use crate::error::ApiError;
use crate::surface::Merchant;
use crate::{AppState, blocking};

pub(super) fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(get_order).service(update_order_status);
}

/// One order line.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrderItemResponse {
    /// Line id.
    pub id: String,
    /// Product id.
    pub product_id: i64,
    /// Product name when sold.
    pub product_name: String,
    /// Product SKU when sold.
    pub product_sku: Option<String>,
    /// Units.
    pub quantity: i64,
    /// Unit price.
    pub unit_price: f64,
    /// quantity × unit price.
    pub total_price: f64,
}

/// One payment record.
#[derive(Debug, Serialize, ToSchema)]
pub struct PaymentResponse {
    /// Payment id.
    pub id: String,
    /// Method.
    pub method: String,
    /// Amount.
    pub amount: f64,
    /// `completed`, `failed` or `refunded`.
    pub status: String,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// One status change.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatusHistoryResponse {
    /// Status before (null at creation).
    pub from_status: Option<String>,
    /// Status after.
    pub to_status: String,
    /// Why: order_created, status_update, payment_completed, payment_refunded.
    pub reason: String,
    /// Tracking number recorded with it.
    pub tracking_number: Option<String>,
    /// Staff id.
    pub actor: Option<String>,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// An order with its items, payments and status history.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrderResponse {
    /// Order id.
    pub id: String,
    /// `ORD-YYYY-NNNN`.
    pub order_number: String,
    /// `delivery`, `pickup` or `dine_in`.
    pub order_type: String,
    /// One of the nine statuses.
    pub status: String,
    /// ISO-4217 currency.
    pub currency: String,
    /// Σ item totals.
    pub subtotal: f64,
    /// Shipping fee.
    pub shipping_fee: f64,
    /// Tax.
    pub tax_amount: f64,
    /// Discount.
    pub discount_amount: f64,
    /// subtotal + shipping + tax − discount.
    pub total_amount: f64,
    /// Status of the latest payment.
    pub payment_status: Option<String>,
    /// Carrier tracking number.
    pub tracking_number: Option<String>,
    /// Customer id.
    pub customer_id: Option<String>,
    /// Customer e-mail.
    pub customer_email: Option<String>,
    /// Outlet.
    pub outlet_id: Option<String>,
    /// Contact name.
    pub contact_name: Option<String>,
    /// Contact phone.
    pub contact_phone: Option<String>,
    /// Contact e-mail.
    pub contact_email: Option<String>,
    /// Shipping method.
    pub shipping_method: Option<String>,
    /// Shipping address.
    pub shipping_address: Option<String>,
    /// Payment method chosen.
    pub payment_method: Option<String>,
    /// Notes.
    pub notes: Option<String>,
    /// Special instructions.
    pub special_instructions: Option<String>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
    /// → confirmed.
    pub confirmed_at: Option<DateTime<Utc>>,
    /// → paid.
    pub paid_at: Option<DateTime<Utc>>,
    /// → processing.
    pub processing_at: Option<DateTime<Utc>>,
    /// → shipped.
    pub shipped_at: Option<DateTime<Utc>>,
    /// → delivered.
    pub delivered_at: Option<DateTime<Utc>>,
    /// → completed.
    pub completed_at: Option<DateTime<Utc>>,
    /// → cancelled.
    pub cancelled_at: Option<DateTime<Utc>>,
    /// → refunded.
    pub refunded_at: Option<DateTime<Utc>>,
    /// Lines.
    pub items: Vec<OrderItemResponse>,
    /// Payments, oldest first.
    pub payments: Vec<PaymentResponse>,
    /// Status history, oldest first.
    pub status_history: Vec<StatusHistoryResponse>,
}

impl From<OrderView> for OrderResponse {
    fn from(v: OrderView) -> Self {
        let o = v.order;
        let d = o.details;
        let s = o.stamps;
        Self {
            id: o.id.to_string(),
            order_number: o.order_number.to_string(),
            order_type: o.order_type.to_string(),
            status: o.status.to_string(),
            currency: o.currency.code().to_owned(),
            subtotal: o.subtotal.to_f64(),
            shipping_fee: o.shipping_fee.to_f64(),
            tax_amount: o.tax_amount.to_f64(),
            discount_amount: o.discount_amount.to_f64(),
            total_amount: o.total_amount.to_f64(),
            payment_status: o.payment_status.map(|p| p.to_string()),
            tracking_number: o.tracking_number,
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
            created_at: o.created_at,
            updated_at: o.updated_at,
            confirmed_at: s.confirmed_at,
            paid_at: s.paid_at,
            processing_at: s.processing_at,
            shipped_at: s.shipped_at,
            delivered_at: s.delivered_at,
            completed_at: s.completed_at,
            cancelled_at: s.cancelled_at,
            refunded_at: s.refunded_at,
            items: v
                .items
                .into_iter()
                .map(|i| OrderItemResponse {
                    id: i.id.to_string(),
                    product_id: i.product_id.get(),
                    product_name: i.product_name,
                    product_sku: i.product_sku,
                    quantity: i.quantity,
                    unit_price: i.unit_price.to_f64(),
                    total_price: i.total_price.to_f64(),
                })
                .collect(),
            payments: v
                .payments
                .into_iter()
                .map(|p| PaymentResponse {
                    id: p.id.to_string(),
                    method: p.method,
                    amount: p.amount.to_f64(),
                    status: p.status.to_string(),
                    created_at: p.created_at,
                })
                .collect(),
            status_history: v
                .history
                .into_iter()
                .map(|h| StatusHistoryResponse {
                    from_status: h.from.map(|s| s.to_string()),
                    to_status: h.to.to_string(),
                    reason: h.reason,
                    tracking_number: h.tracking_number,
                    actor: h.actor,
                    created_at: h.at,
                })
                .collect(),
        }
    }
}

/// One order with its items, payments and status history.
#[utoipa::path(
    tag = "merchant-orders",
    params(("id" = String, Path, description = "Order id")),
    responses(
        (status = 200, body = Envelope<OrderResponse>),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "Role may not read orders", body = MerchantErrorBody),
        (status = 404, description = "ORDER_NOT_FOUND", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[get("/orders/{id}")]
pub async fn get_order(
    state: web::Data<AppState>,
    Authed(actor, ..): Authed<Merchant>,
    path: web::Path<String>,
) -> Result<HttpResponse> {
    let id = order_id(&path)?;
    let view = blocking(&state, move |store| {
        store.read(|tx| orders::get_order(tx, &actor, id))
    })
    .await?;
    Ok(HttpResponse::Ok().json(Envelope::new("Order", OrderResponse::from(view))))
}

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
    Authed(actor, ..): Authed<Merchant>,
    path: web::Path<String>,
    body: JsonBody<UpdateOrderStatusRequest, Merchant>,
) -> Result<HttpResponse> {
    actor.require(Permission::OrdersWrite)?;
    let id = order_id(&path)?;
    let req = body.0;
    let to: OrderStatus = ApiError::parse_field("status", &req.status)?;
    let now = state.now();
    let view = blocking(&state, move |store| {
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
