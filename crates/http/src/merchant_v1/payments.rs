//! Payments (003 §14): payment intents at the gateway, their verification, and the list.

use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use kedai_app::Entity;
use kedai_app::payments::{
    self, CreateIntent, IntentFilter, IntentRow, IntentStatus, PaymentIntentId, Verified,
};
use kedai_app::{AppError, FieldError};
use kedai_core::ErrorCode;
use kedai_identity::Permission;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::*;
use crate::AppState;
use crate::auth::Staff;
use crate::auth::staff_principal;
use crate::body::{RawBody, parse_json};
use crate::dto::{Decimal, MerchantErrorBody, MerchantList, MerchantOk as Envelope, PageMeta};
use crate::error::ApiError;
use crate::idempotency::{Answer, create};
use crate::query::Query;
use crate::surface::Merchant;
use actix_web::HttpRequest;
use actix_web::http::StatusCode;

pub(super) fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(create_payment_intent)
        .service(verify_payment)
        .service(list_payments);
}

/// A payment intent to open.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CreatePaymentIntentRequest {
    /// The order to pay; it must await payment (pending or confirmed).
    pub order_id: String,
    /// Method code: `fpx`, `card`, `ewallet`, ... (1–64 characters).
    #[schema(example = "fpx")]
    pub method: String,
    /// Exactly the order's outstanding total, in major units.
    #[schema(value_type = f64, example = 26.82)]
    pub amount: Decimal,
    /// The merchant's currency.
    #[schema(example = "MYR")]
    pub currency: String,
}

/// An opened payment intent.
#[derive(Debug, Serialize, ToSchema)]
pub struct PaymentIntentResponse {
    /// Intent id.
    pub payment_intent_id: String,
    /// `requires_action`: the customer pays at `payment_url`.
    pub status: String,
    /// The gateway's checkout page.
    pub payment_url: String,
    /// The order.
    pub order_id: String,
    /// Amount in major units.
    pub amount: f64,
    /// ISO-4217 currency.
    pub currency: String,
    /// Method code.
    pub method: String,
    /// Opened.
    pub created_at: DateTime<Utc>,
}

/// A payment intent to verify with the gateway.
#[derive(Debug, Deserialize, ToSchema)]
pub struct VerifyPaymentRequest {
    /// Intent id.
    pub payment_intent_id: String,
    /// The gateway's reference, when the client has it; must then match the gateway's.
    #[schema(example = "GX99887766")]
    pub gateway_reference: Option<String>,
}

/// A verified, successful payment.
#[derive(Debug, Serialize, ToSchema)]
pub struct VerifiedPaymentResponse {
    /// Intent id.
    pub payment_intent_id: String,
    /// `succeeded`.
    pub status: String,
    /// The order.
    pub order_id: String,
    /// The order's status now (`paid` right after payment).
    pub order_status: String,
    /// The payment recorded on the order.
    pub payment_id: String,
    /// The gateway's reference.
    pub gateway_reference: Option<String>,
    /// Amount in major units.
    pub amount: f64,
    /// ISO-4217 currency.
    pub currency: String,
}

/// One payment intent in the list.
#[derive(Debug, Serialize, ToSchema)]
pub struct PaymentRecordResponse {
    /// Intent id.
    pub payment_intent_id: String,
    /// The order.
    pub order_id: String,
    /// Its number.
    pub order_number: String,
    /// Amount in major units.
    pub amount: f64,
    /// ISO-4217 currency.
    pub currency: String,
    /// Method code.
    pub method: String,
    /// `requires_action`, `succeeded`, `failed` or `cancelled`.
    pub status: String,
    /// Gateway name.
    pub gateway: String,
    /// The gateway's reference.
    pub gateway_reference: Option<String>,
    /// The order payment recorded on success.
    pub payment_id: Option<String>,
    /// Opened.
    pub created_at: DateTime<Utc>,
    /// Succeeded or failed at.
    pub completed_at: Option<DateTime<Utc>>,
}

impl From<IntentRow> for PaymentRecordResponse {
    fn from(r: IntentRow) -> Self {
        let i = r.intent;
        Self {
            payment_intent_id: i.id.to_string(),
            order_id: i.order_id.to_string(),
            order_number: r.order_number,
            amount: i.amount.to_f64(),
            currency: i.amount.currency().code().to_owned(),
            method: i.method,
            status: i.status.to_string(),
            gateway: i.gateway,
            gateway_reference: i.gateway_reference,
            payment_id: i.payment_id.map(|p| p.to_string()),
            created_at: i.created_at,
            completed_at: i.completed_at,
        }
    }
}

/// Paging and filters of the payment list.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PaymentListQuery {
    /// 1-based page (default 1).
    #[param(minimum = 1, maximum = 4294967295.0)]
    pub page: Option<i64>,
    /// Page size, 1–100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
    /// Only this order's intents.
    pub order_id: Option<String>,
    /// `requires_action`, `succeeded`, `failed` or `cancelled`.
    pub status: Option<String>,
}

/// Opens a payment intent for an order awaiting payment and a checkout at the gateway; the
/// customer pays at `payment_url`, then the client calls `POST /v1/payments/verify`.
#[utoipa::path(
    params(crate::idempotency::IdempotencyKey),
    tag = "merchant-payments",
    request_body = CreatePaymentIntentRequest,
    responses(
        (status = 201, body = Envelope<PaymentIntentResponse>),
        (status = 400, description = "Malformed body", body = MerchantErrorBody),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "Role may not take payments", body = MerchantErrorBody),
        (status = 404, description = "ORDER_NOT_FOUND", body = MerchantErrorBody),
        (status = 409, description = "PAYMENT_NOT_ALLOWED: the order does not await payment; PAYMENT_ALREADY_APPROVED: the customer approved an earlier checkout of it (verify that one)", body = MerchantErrorBody),
        (status = 422, description = "Bad fields, or PAYMENT_FAILED: amount is not the order total", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[post("/payments/intents")]
pub async fn create_payment_intent(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: RawBody<Merchant>,
) -> Result<HttpResponse> {
    let now = state.now();
    let caller = staff_principal::<Merchant>(&req, now)?;
    let gateway = std::sync::Arc::clone(&state.gateway);
    create(
        &state,
        &req,
        body.0,
        caller,
        move |store, (actor, tenant), body, finish| {
            actor.require(Permission::PaymentsWrite)?;
            let request: CreatePaymentIntentRequest = parse_json(body)?;
            let cmd = CreateIntent {
                order_id: request.order_id,
                method: request.method,
                amount: request.amount.0,
                currency: request.currency,
            };
            let opened =
                payments::create_intent(store, &actor, &tenant, gateway.as_ref(), &cmd, now)?;
            let i = opened.intent;
            let answer = Answer::json(
                StatusCode::CREATED,
                &Envelope::new(
                    "Payment intent created",
                    PaymentIntentResponse {
                        payment_intent_id: i.id.to_string(),
                        status: i.status.to_string(),
                        payment_url: opened.payment_url,
                        order_id: i.order_id.to_string(),
                        amount: i.amount.to_f64(),
                        currency: i.amount.currency().code().to_owned(),
                        method: i.method,
                        created_at: i.created_at,
                    },
                ),
            )?;
            Ok(finish.after(store, answer)?)
        },
    )
    .await
}

/// Verifies a payment intent with the gateway. Approved: the payment is recorded and the order
/// is paid (verifying again answers the same success, paying once). Declined: 422
/// `PAYMENT_FAILED`. Not decided yet: 409 `PAYMENT_PENDING`. Order no longer awaiting payment:
/// 409 `PAYMENT_NOT_ALLOWED`, nothing recorded.
#[utoipa::path(
    params(crate::idempotency::IdempotencyKey),
    tag = "merchant-payments",
    request_body = VerifyPaymentRequest,
    responses(
        (status = 200, body = Envelope<VerifiedPaymentResponse>),
        (status = 400, description = "Malformed body", body = MerchantErrorBody),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "Role may not take payments", body = MerchantErrorBody),
        (status = 404, description = "PAYMENT_INTENT_NOT_FOUND", body = MerchantErrorBody),
        (status = 409, description = "PAYMENT_PENDING or PAYMENT_NOT_ALLOWED", body = MerchantErrorBody),
        (status = 422, description = "PAYMENT_FAILED: declined, or the reference does not match", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[post("/payments/verify")]
pub async fn verify_payment(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: RawBody<Merchant>,
) -> Result<HttpResponse> {
    let now = state.now();
    let caller = staff_principal::<Merchant>(&req, now)?;
    let gateway = std::sync::Arc::clone(&state.gateway);
    create(
        &state,
        &req,
        body.0,
        caller,
        move |store, (actor, _), body, finish| {
            actor.require(Permission::PaymentsWrite)?;
            let request: VerifyPaymentRequest = parse_json(body)?;
            let id: PaymentIntentId = request.payment_intent_id.parse().map_err(|_| {
                AppError::not_found(Entity::PaymentIntent, &request.payment_intent_id)
            })?;
            let verified = payments::verify_intent(
                store,
                &actor,
                gateway.as_ref(),
                id,
                request.gateway_reference.as_deref(),
                now,
            )?;
            match verified {
                Verified::Succeeded {
                    intent,
                    order_status,
                    payment_id,
                } => {
                    let answer = Answer::json(
                        StatusCode::OK,
                        &Envelope::new(
                            "Payment verified",
                            VerifiedPaymentResponse {
                                payment_intent_id: intent.id.to_string(),
                                status: intent.status.to_string(),
                                order_id: intent.order_id.to_string(),
                                order_status: order_status.to_string(),
                                payment_id: payment_id.to_string(),
                                gateway_reference: intent.gateway_reference,
                                amount: intent.amount.to_f64(),
                                currency: intent.amount.currency().code().to_owned(),
                            },
                        ),
                    )?;
                    Ok(finish.after(store, answer)?)
                }
                // The failed intent is committed; the answer is the error.
                Verified::Declined { reason, .. } => Err(AppError::Validation {
                    code: ErrorCode::PaymentFailed,
                    errors: vec![FieldError {
                        field: "payment_intent_id".into(),
                        message: reason,
                    }],
                }
                .into()),
            }
        },
    )
    .await
}

/// Lists payment intents, newest first, with their order numbers.
#[utoipa::path(
    tag = "merchant-payments",
    params(PaymentListQuery),
    responses(
        (status = 200, body = MerchantList<PaymentRecordResponse>),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 422, description = "Bad paging or filter", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[get("/payments")]
pub async fn list_payments(
    mut staff: Staff<Merchant>,
    req: actix_web::HttpRequest,
) -> Result<HttpResponse> {
    staff.require(Permission::OrdersRead);
    let query = Query::of(&req)?;
    let page = query.page(&["limit"])?;
    let filter = IntentFilter {
        order_id: query.parsed("order_id", "an order id")?,
        status: query
            .text("status")
            .map(|s| ApiError::parse_field::<IntentStatus>("status", &s))
            .transpose()?,
        outlet_scope: None,
    };
    let (rows, total) = staff
        .run(move |store, actor| store.read(|tx| payments::list_intents(tx, &actor, &filter, page)))
        .await?;
    Ok(HttpResponse::Ok().json(MerchantList {
        success: true,
        message: "Payments".into(),
        data: rows.into_iter().map(PaymentRecordResponse::from).collect(),
        meta: PageMeta {
            page: page.page(),
            limit: page.limit(),
            total,
        },
    }))
}
