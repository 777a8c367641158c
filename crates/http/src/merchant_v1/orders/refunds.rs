//! Refunds of completed orders (returns): `POST /v1/orders/{id}/refunds` and the order's
//! refunds.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use kedai_app::orders::{self, OrderRefunds, RefundCommand, RefundLineInput};
use kedai_identity::Permission;
use kedai_orders::Refund;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::super::*;
use crate::AppState;
use crate::auth::{Staff, staff_principal};
use crate::body::{RawBody, parse_json};
use crate::dto::{Decimal, MerchantErrorBody, MerchantOk as Envelope};
use crate::idempotency::create;
use crate::surface::Merchant;

/// A line to return.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefundLineRequest {
    /// The order line's id (`items[].id` of the order).
    pub item_id: String,
    /// Units returned, 1 to what is left of the line.
    #[schema(example = 1)]
    pub quantity: i64,
    /// Put the units back into the lots they came from (default false).
    #[serde(default)]
    pub restock: bool,
}

/// A refund: an amount, lines, or both (lines price themselves at what they were paid, net of
/// the order discount; an amount, when given, is what is given back).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefundRequest {
    /// Money to give back, in major units, above 0 and within what is left.
    #[schema(value_type = Option<f64>, example = 14.90)]
    pub amount: Option<Decimal>,
    /// Lines returned.
    #[serde(default)]
    pub lines: Vec<RefundLineRequest>,
    /// Why, up to 500 characters.
    #[schema(example = "Cup arrived cracked")]
    pub reason: Option<String>,
}

/// A returned line.
#[derive(Debug, Serialize, ToSchema)]
pub struct RefundedLineResponse {
    /// The order line.
    pub item_id: String,
    /// Units returned.
    pub quantity: i64,
    /// Their value, net of the order discount.
    pub amount: f64,
    /// Whether they went back into stock.
    pub restock: bool,
}

/// One refund.
#[derive(Debug, Serialize, ToSchema)]
pub struct RefundResponse {
    /// Id.
    pub id: String,
    /// Money given back.
    #[schema(example = 14.9)]
    pub amount: f64,
    /// Why.
    pub reason: Option<String>,
    /// Lines returned.
    pub lines: Vec<RefundedLineResponse>,
    /// Points taken back from the customer.
    pub points_reversed: i64,
    /// Its `refunded` payment record (the gateway refund follows it).
    pub payment_id: String,
    /// Who gave it.
    pub created_by: Option<String>,
    /// When.
    pub created_at: DateTime<Utc>,
}

impl From<Refund> for RefundResponse {
    fn from(r: Refund) -> Self {
        Self {
            id: r.id.to_string(),
            amount: r.amount.to_f64(),
            reason: r.reason,
            lines: r
                .lines
                .into_iter()
                .map(|l| RefundedLineResponse {
                    item_id: l.item_id.to_string(),
                    quantity: l.quantity,
                    amount: l.amount.to_f64(),
                    restock: l.restock,
                })
                .collect(),
            points_reversed: r.points_reversed,
            payment_id: r.payment_id.to_string(),
            created_by: r.created_by,
            created_at: r.created_at,
        }
    }
}

/// An order's refunds.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrderRefundsResponse {
    /// The order.
    pub order_id: String,
    /// Σ refunded.
    #[schema(example = 14.9)]
    pub refunded_total: f64,
    /// What is left of the total to refund.
    #[schema(example = 11.92)]
    pub refundable: f64,
    /// Oldest first.
    pub refunds: Vec<RefundResponse>,
}

fn respond(order: &str, r: OrderRefunds) -> OrderRefundsResponse {
    OrderRefundsResponse {
        order_id: order.to_owned(),
        refunded_total: r.refunded.to_f64(),
        refundable: r.refundable.to_f64(),
        refunds: r.refunds.into_iter().map(RefundResponse::from).collect(),
    }
}

/// Gives money back on a completed order (a return), by amount, by lines, or both, through the
/// gateway that took the payment; the order stays completed. Returned lines may go back into
/// the lots they came from; the customer's points are taken back in proportion. Never more
/// than was paid, however many refunds race. The newest refund is the last of `refunds`.
#[utoipa::path(
    params(("id" = String, Path, description = "Order id"), crate::idempotency::IdempotencyKey),
    tag = "merchant-orders",
    request_body = RefundRequest,
    responses(
        (status = 201, body = Envelope<OrderRefundsResponse>),
        (status = 400, description = "Malformed body", body = MerchantErrorBody),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "Role may not record payments", body = MerchantErrorBody),
        (status = 404, description = "ORDER_NOT_FOUND", body = MerchantErrorBody),
        (status = 409, description = "ORDER_NOT_REFUNDABLE: not completed and paid", body = MerchantErrorBody),
        (status = 422, description = "Bad fields; NOTHING_TO_REFUND: more than is left", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[post("/orders/{id}/refunds")]
pub async fn refund_order(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    body: RawBody<Merchant>,
) -> Result<HttpResponse> {
    let now = state.now();
    let caller = staff_principal::<Merchant>(&req, now)?;
    let raw_id = path.into_inner();
    create(
        &state,
        &req,
        body.0,
        caller,
        move |store, (actor, _tenant), body, finish| {
            actor.require(Permission::PaymentsWrite)?;
            let id = order_id(&raw_id)?;
            let request: RefundRequest = parse_json(body)?;
            let cmd = RefundCommand {
                amount: request.amount.map(|a| a.0),
                lines: request
                    .lines
                    .into_iter()
                    .map(|l| RefundLineInput {
                        item_id: l.item_id,
                        quantity: l.quantity,
                        restock: l.restock,
                    })
                    .collect(),
                reason: request.reason,
            };
            Ok(finish.write(store, StatusCode::CREATED, |tx| {
                let refunds = orders::refund_order(tx, &actor, id, &cmd, now)?;
                Ok(Envelope::new("Order refunded", respond(&raw_id, refunds)))
            })?)
        },
    )
    .await
}

/// An order's refunds and what is left to refund.
#[utoipa::path(
    params(("id" = String, Path, description = "Order id")),
    tag = "merchant-orders",
    responses(
        (status = 200, body = Envelope<OrderRefundsResponse>),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 404, description = "ORDER_NOT_FOUND", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[get("/orders/{id}/refunds")]
pub async fn order_refunds(
    mut staff: Staff<Merchant>,
    path: web::Path<String>,
) -> Result<HttpResponse> {
    staff.require(Permission::OrdersRead);
    let id = order_id(&path)?;
    let raw = path.into_inner();
    let refunds = staff
        .run(move |store, actor| store.read(|tx| orders::order_refunds(tx, &actor, id)))
        .await?;
    Ok(HttpResponse::Ok().json(Envelope::new("Order refunds", respond(&raw, refunds))))
}
