//! The customer's shop orders, one order, and its payment status.

use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::{DateTime, Utc};
use kedai_app::checkout::{self};
use kedai_orders::checkout::portal_order_status;
use serde::Serialize;
use utoipa::{IntoParams, ToSchema};

use super::shapes::shop_order;
use super::*;
use crate::AppState;
use crate::dto::PortalErrorBody;
use crate::portal_v6::page::{PortalPage, paged};
use crate::portal_v6::{PortalOk, Result, Shop, SignedIn, ok};
use crate::query::Query;

/// Paging of the order list.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ShopOrdersQuery {
    /// 1-based page (default 1).
    #[param(minimum = 1)]
    pub page: Option<i64>,
    /// Page size, 1–100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

/// The signed-in customer's shop orders, newest first.
#[utoipa::path(
    tag = "portal-shop",
    params(ShopOrdersQuery),
    responses(
        (status = 200, body = PortalPage<ShopOrder>),
        (status = 401, description = "No, bad or expired token", body = PortalErrorBody),
        (status = 403, description = "FORBIDDEN_TENANT", body = PortalErrorBody),
        (status = 422, description = "Bad paging", body = PortalErrorBody),
    ),
    security(("bearer" = []))
)]
#[get("/shop/orders")]
pub async fn list_shop_orders(member: SignedIn, req: HttpRequest) -> Result<HttpResponse> {
    let page = Query::of(&req)?.page(&["limit"])?;
    let (views, total) = member
        .run(move |store, tenant, caller| {
            store.read(|tx| checkout::my_shop_orders(tx, tenant.id, caller.customer, page))
        })
        .await?;
    Ok(HttpResponse::Ok().json(paged(
        views.into_iter().map(shop_order).collect(),
        page,
        total,
    )))
}

/// One shop order. Readable by its unguessable id without a token (the guest's success page
/// reads it right after checkout). Nobody but its own customer sees its contact details or
/// address, and no token and another customer's token get the same answer.
#[utoipa::path(
    tag = "portal-shop",
    params(("orderId" = String, Path, description = "The order's id (UUID)")),
    responses(
        (status = 200, body = PortalOk<ShopOrder>),
        (status = 404, description = "ORDER_NOT_FOUND", body = PortalErrorBody),
    ),
    security((), ("bearer" = []))
)]
#[get("/shop/orders/{orderId}")]
pub async fn get_shop_order(
    state: web::Data<AppState>,
    shop: Shop,
    path: web::Path<String>,
) -> Result<HttpResponse> {
    let id = path.into_inner();
    let now = state.now();
    let gateway = std::sync::Arc::clone(&state.gateway);
    let view = shop
        .shopper(move |store, shopper| {
            checkout::shop_order_settled(store, &shopper, gateway.as_ref(), &id, now)
        })
        .await?;
    Ok(ok(shop_order(view)))
}

/// Where a shop order's payment stands.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PaymentStatusResponse {
    /// The order's id.
    pub order_id: String,
    /// `pending`, `confirmed`, `processing`, `completed`, `cancelled` or `refunded`.
    pub order_status: String,
    /// `pending`, `completed`, `failed`, `refunded` or `voided`.
    pub payment_status: String,
    /// When it was paid.
    pub paid_at: Option<DateTime<Utc>>,
}

/// A shop order's payment status. A payment the customer has just approved at the gateway is
/// recorded now, so the storefront's return page sees it paid.
#[utoipa::path(
    tag = "portal-shop",
    params(("orderId" = String, Path, description = "The order's id (UUID)")),
    responses(
        (status = 200, body = PortalOk<PaymentStatusResponse>),
        (status = 404, description = "ORDER_NOT_FOUND", body = PortalErrorBody),
    ),
    security((), ("bearer" = []))
)]
#[get("/shop/orders/{orderId}/payment-status")]
pub async fn get_shop_order_payment_status(
    state: web::Data<AppState>,
    shop: Shop,
    path: web::Path<String>,
) -> Result<HttpResponse> {
    let id = path.into_inner();
    let now = state.now();
    let gateway = std::sync::Arc::clone(&state.gateway);
    let status = shop
        .shopper(move |store, shopper| {
            checkout::shop_payment_status(store, &shopper, gateway.as_ref(), &id, now)
        })
        .await?;
    Ok(ok(PaymentStatusResponse {
        order_id: status.order.id.to_string(),
        order_status: portal_order_status(status.order.status).to_owned(),
        payment_status: status.payment_status.to_owned(),
        paid_at: status.order.stamps.paid_at,
    }))
}
