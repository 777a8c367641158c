//! Storefront checkout on the customer portal (contract §6 and §12): shipping and payment
//! methods, placing and reading shop orders, their payment status, promotion checks, and
//! payments over the gateway. Shop money is JSON numbers in major units; shipping-method ids
//! are integers; shop order ids are the order's UUID.
//!
//! Portal statuses: a shop order is created `pending`; Kedai's statuses read as the client's
//! known values (`confirmed` also for paid, `processing` also for shipped, `completed` also for
//! delivered); payment statuses are `pending`, `completed`, `failed`, `refunded`, `voided`.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use kedai_app::Amount;
use kedai_app::checkout::methods as shop_methods;
use kedai_app::checkout::{
    self, CheckoutCommand, CheckoutContact, CheckoutLine, PlacedOrder, PortalIntent,
    ShippingAddress, ShopOrderView, Shopper,
};
use kedai_core::{Money, ProductId};
use kedai_loyalty::DiscountType;
use kedai_loyalty::coupon::percentage_to_f64;
use kedai_orders::checkout::portal_order_status;
use kedai_orders::{ShippingMethod, ShippingMethodId, ShopPaymentMethod};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{MaybeCustomer, PortalOk, PortalTenant, Result, SignedInCustomer, created, ok};
use crate::body::JsonBody;
use crate::dto::{Decimal, IntId, PortalErrorBody};
use crate::error::ApiError;
use crate::query::Query;
use crate::surface::Portal;
use crate::{AppState, blocking};

pub(super) fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_shop_shipping_methods)
        .service(list_shop_payment_methods)
        .service(create_shop_order)
        .service(list_shop_orders)
        .service(get_shop_order_payment_status)
        .service(get_shop_order)
        .service(validate_promotion)
        .service(get_payment_gateway)
        .service(portal_create_payment_intent);
}

/// The shopper of a request: the tenant, and the signed-in customer when their token is of
/// that tenant.
fn shopper(tenant: &PortalTenant, caller: &MaybeCustomer) -> Shopper {
    let tenant = tenant.0.id;
    Shopper {
        tenant,
        customer: caller
            .0
            .as_ref()
            .filter(|c| c.tenant == tenant)
            .map(|c| c.customer),
    }
}

/// A shipping method as the storefront reads it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ShopShippingMethod {
    /// Integer id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// Cost in major units (0 when `order_amount` reaches the free-shipping threshold).
    pub cost: f64,
    /// Order amount (major units) from which shipping is free.
    pub free_shipping_threshold: Option<f64>,
    /// Delivery estimate.
    pub estimated_days: Option<String>,
}

fn shop_shipping_method(m: ShippingMethod, order_amount: Option<Money>) -> ShopShippingMethod {
    let cost = order_amount.map_or(m.cost, |a| m.cost_for(a));
    ShopShippingMethod {
        id: m.id.get(),
        name: m.name,
        description: m.description,
        cost: cost.to_f64(),
        free_shipping_threshold: m.free_shipping_threshold.map(|t| t.to_f64()),
        estimated_days: m.estimated_days,
    }
}

/// The `order_amount` query parameter.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ShippingMethodsQuery {
    /// The cart amount in major units (`orderAmount` is accepted too); methods whose
    /// free-shipping threshold it reaches cost 0. Empty is the same as absent.
    #[param(schema_with = crate::dto::number_or_empty)]
    pub order_amount: Option<f64>,
}

/// The shop's shipping methods: active ones, by sort order.
#[utoipa::path(
    tag = "portal-shop",
    params(ShippingMethodsQuery),
    responses(
        (status = 200, body = PortalOk<Vec<ShopShippingMethod>>),
        (status = 400, description = "TENANT_REQUIRED", body = PortalErrorBody),
        (status = 404, description = "Unknown company", body = PortalErrorBody),
        (status = 422, description = "A bad order_amount", body = PortalErrorBody),
    )
)]
#[get("/shop/shipping-methods")]
pub async fn list_shop_shipping_methods(
    state: web::Data<AppState>,
    tenant: PortalTenant,
    req: HttpRequest,
) -> Result<HttpResponse> {
    let currency = tenant.0.currency;
    let amount = Query::of(&req)?
        .text_any(&["order_amount", "orderAmount"])
        .map(|v| match Money::parse_decimal(&v, currency) {
            Ok(m) if !m.is_negative() => Ok(m),
            _ => Err(ApiError::<Portal>::invalid(
                "order_amount",
                "must be an amount of at least 0",
            )),
        })
        .transpose()?;
    let id = tenant.0.id;
    let list = blocking::<_, Portal>(&state, move |store| {
        store.read(|tx| shop_methods::shop_shipping_methods(tx, id))
    })
    .await?;
    Ok(ok(list
        .into_iter()
        .map(|m| shop_shipping_method(m, amount))
        .collect::<Vec<_>>()))
}

/// A payment-method option as the storefront reads it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ShopPaymentMethodResponse {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// `gateway`, `manual` or `cash_on_delivery`.
    #[serde(rename = "type")]
    pub kind: String,
    /// What to do to pay (manual methods).
    pub instructions: Option<String>,
    /// Checkout answers a `paymentUrl` to redirect to.
    pub has_gateway: bool,
    /// Position in the list.
    pub position: i32,
}

impl From<ShopPaymentMethod> for ShopPaymentMethodResponse {
    fn from(m: ShopPaymentMethod) -> Self {
        Self {
            has_gateway: m.has_gateway(),
            id: m.id.to_string(),
            name: m.name,
            kind: m.kind.to_string(),
            instructions: m.instructions,
            position: m.position,
        }
    }
}

/// The shop's payment-method options: active ones, by position.
#[utoipa::path(
    tag = "portal-shop",
    responses(
        (status = 200, body = PortalOk<Vec<ShopPaymentMethodResponse>>),
        (status = 400, description = "TENANT_REQUIRED", body = PortalErrorBody),
        (status = 404, description = "Unknown company", body = PortalErrorBody),
    )
)]
#[get("/shop/payment-methods")]
pub async fn list_shop_payment_methods(
    state: web::Data<AppState>,
    tenant: PortalTenant,
) -> Result<HttpResponse> {
    let id = tenant.0.id;
    let list = blocking::<_, Portal>(&state, move |store| {
        store.read(|tx| shop_methods::shop_payment_methods(tx, id))
    })
    .await?;
    Ok(ok(list
        .into_iter()
        .map(ShopPaymentMethodResponse::from)
        .collect::<Vec<_>>()))
}

/// One line of a shop order.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ShopOrderItem {
    /// The product (the parent of a sold variation).
    pub product_id: Option<i64>,
    /// The variation sold, if one was.
    pub variation_id: Option<i64>,
    /// Name when sold.
    pub product_name: String,
    /// Units.
    pub quantity: i64,
    /// Unit price in major units.
    pub unit_price: f64,
    /// quantity × unit price.
    pub line_total: f64,
    /// Always `product`.
    pub line_type: String,
    /// Always null (no upsell offers).
    pub offer_rule_id: Option<String>,
}

/// A shop order.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ShopOrder {
    /// The order's id (a UUID; use it in URLs).
    pub order_id: String,
    /// `ORD-YYYY-NNNN`.
    pub order_number: Option<String>,
    /// `pending`, `confirmed`, `processing`, `completed`, `cancelled` or `refunded`.
    pub status: String,
    /// `pending`, `completed`, `failed`, `refunded` or `voided`.
    pub payment_status: String,
    /// Σ line totals.
    pub subtotal: f64,
    /// The promotion's discount.
    pub discount_amount: f64,
    /// Shipping.
    pub shipping_cost: f64,
    /// subtotal − discount + shipping.
    pub total_amount: f64,
    /// ISO-4217 currency of the amounts.
    pub currency: String,
    /// The promotion code applied, if any.
    pub promotion_code: Option<String>,
    /// Lines.
    pub items: Vec<ShopOrderItem>,
    /// Placed at.
    pub created_at: DateTime<Utc>,
    /// The gateway's payment page to redirect to (on creation, for a method with a gateway).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_url: Option<String>,
    /// How to pay (on creation, for a manual method).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_instructions: Option<String>,
    /// On a guest's checkout only: the secret that lets the guest pay this order again
    /// (`POST /payment-intents` with `orderToken`). Shown once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order_token: Option<String>,
}

fn shop_order(view: ShopOrderView) -> ShopOrder {
    let payment_status = view.payment_status();
    let o = view.order;
    ShopOrder {
        order_id: o.id.to_string(),
        order_number: Some(o.order_number.as_str().to_owned()),
        status: portal_order_status(o.status).to_owned(),
        payment_status: payment_status.to_owned(),
        subtotal: o.subtotal.to_f64(),
        discount_amount: o.discount_amount.to_f64(),
        shipping_cost: o.shipping_fee.to_f64(),
        total_amount: o.total_amount.to_f64(),
        currency: o.currency.code().to_owned(),
        promotion_code: o.coupon.map(|c| c.code),
        items: view
            .items
            .into_iter()
            .map(|i| ShopOrderItem {
                product_id: Some(i.parent_product_id.unwrap_or(i.product_id).get()),
                variation_id: i.parent_product_id.map(|_| i.product_id.get()),
                product_name: i.product_name,
                quantity: i.quantity,
                unit_price: i.unit_price.to_f64(),
                line_total: i.total_price.to_f64(),
                line_type: "product".into(),
                offer_rule_id: None,
            })
            .collect(),
        created_at: o.created_at,
        payment_url: None,
        payment_instructions: None,
        order_token: None,
    }
}

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
    tenant: PortalTenant,
    caller: MaybeCustomer,
    body: JsonBody<CreateShopOrderRequest, Portal>,
) -> Result<HttpResponse> {
    let shopper = shopper(&tenant, &caller);
    let cmd = checkout_command(body.0)?;
    let now = state.now();
    let gateway = std::sync::Arc::clone(&state.gateway);
    let placed_order = blocking::<_, Portal>(&state, move |store| {
        checkout::place_shop_order(store, shopper, gateway.as_ref(), &cmd, now)
    })
    .await?;
    if let Some(message) = &placed_order.confirmation {
        super::deliver(&state, std::slice::from_ref(message));
    }
    Ok(created(placed(placed_order)))
}

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

/// Paging facts of a list, in the envelope's `meta` (the client ignores it).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ShopOrdersMeta {
    /// Paging.
    pub pagination: ShopOrdersPagination,
}

/// A page of a list.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ShopOrdersPagination {
    /// 1-based page.
    pub page: u32,
    /// Page size.
    pub limit: u32,
    /// Rows in all pages.
    pub total: i64,
    /// Pages.
    pub total_pages: i64,
    /// A later page exists.
    pub has_next: bool,
    /// An earlier page exists.
    pub has_prev: bool,
}

/// A bare array in `data`, paging in `meta`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ShopOrderList<T> {
    /// Always true.
    pub success: bool,
    /// This page.
    pub data: Vec<T>,
    /// Paging.
    pub meta: ShopOrdersMeta,
}

/// The signed-in customer's shop orders, newest first.
#[utoipa::path(
    tag = "portal-shop",
    params(ShopOrdersQuery),
    responses(
        (status = 200, body = ShopOrderList<ShopOrder>),
        (status = 401, description = "No, bad or expired token", body = PortalErrorBody),
        (status = 403, description = "FORBIDDEN_TENANT", body = PortalErrorBody),
        (status = 422, description = "Bad paging", body = PortalErrorBody),
    ),
    security(("bearer" = []))
)]
#[get("/shop/orders")]
pub async fn list_shop_orders(
    state: web::Data<AppState>,
    tenant: PortalTenant,
    SignedInCustomer(caller): SignedInCustomer,
    req: HttpRequest,
) -> Result<HttpResponse> {
    let page = Query::of(&req)?.page(&["limit"])?;
    let tenant_id = tenant.0.id;
    let customer = caller.customer;
    let (views, total) = blocking::<_, Portal>(&state, move |store| {
        store.read(|tx| checkout::my_shop_orders(tx, tenant_id, customer, page))
    })
    .await?;
    let pages = (total + i64::from(page.limit()) - 1) / i64::from(page.limit());
    Ok(HttpResponse::Ok().json(ShopOrderList {
        success: true,
        data: views.into_iter().map(shop_order).collect(),
        meta: ShopOrdersMeta {
            pagination: ShopOrdersPagination {
                page: page.page(),
                limit: page.limit(),
                total,
                total_pages: pages,
                has_next: i64::from(page.page()) < pages,
                has_prev: page.page() > 1,
            },
        },
    }))
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
    tenant: PortalTenant,
    caller: MaybeCustomer,
    path: web::Path<String>,
) -> Result<HttpResponse> {
    let shopper = shopper(&tenant, &caller);
    let id = path.into_inner();
    let now = state.now();
    let gateway = std::sync::Arc::clone(&state.gateway);
    let view = blocking::<_, Portal>(&state, move |store| {
        checkout::shop_order_settled(store, shopper, gateway.as_ref(), &id, now)
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
    tenant: PortalTenant,
    caller: MaybeCustomer,
    path: web::Path<String>,
) -> Result<HttpResponse> {
    let shopper = shopper(&tenant, &caller);
    let id = path.into_inner();
    let now = state.now();
    let gateway = std::sync::Arc::clone(&state.gateway);
    let status = blocking::<_, Portal>(&state, move |store| {
        checkout::shop_payment_status(store, shopper, gateway.as_ref(), &id, now)
    })
    .await?;
    Ok(ok(PaymentStatusResponse {
        order_id: status.order.id.to_string(),
        order_status: portal_order_status(status.order.status).to_owned(),
        payment_status: status.payment_status.to_owned(),
        paid_at: status.order.stamps.paid_at,
    }))
}

/// A promotion code to check.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ValidatePromotionRequest {
    /// The code (`code` is accepted too).
    #[serde(alias = "code")]
    #[schema(example = "SPRING10")]
    pub promotion_code: Option<String>,
    /// `online` (default), `booking` or `event`; codes apply on every channel.
    #[schema(example = "online")]
    pub channel: Option<String>,
    /// The amount in major units.
    #[schema(value_type = f64, example = 450)]
    pub amount: Decimal,
    /// The service booked (accepted, not used).
    pub service_uuid: Option<String>,
    /// The event (accepted, not used): the FavCRM client types it as a number, events have
    /// string ids, so either is read.
    pub event_id: Option<EventRef>,
}

/// An event named by a number or a string.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum EventRef {
    /// A number.
    Number(i64),
    /// A string id.
    Text(String),
}

/// What a promotion code does to an amount.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PromotionValidation {
    /// Whether the code applies.
    pub is_valid: bool,
    /// The code (upper case when it is one).
    pub promotion_code: String,
    /// `percentage` or `fixed_amount`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub discount_type: Option<String>,
    /// Percent (`10` is 10%) or an amount in major units.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub discount_value: Option<f64>,
    /// What it takes off the amount.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub discount_amount: Option<f64>,
    /// The amount given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub original_price: Option<f64>,
    /// The amount after the discount.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub final_price: Option<f64>,
    /// The discount as a percentage of the amount (two decimals).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub savings_percentage: Option<f64>,
    /// Why it does not apply.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
    /// `PROMOTION_NOT_FOUND`, `PROMOTION_DISABLED`, `PROMOTION_NOT_STARTED`,
    /// `PROMOTION_EXPIRED`, `PROMOTION_USAGE_LIMIT_REACHED`, `PROMOTION_MIN_AMOUNT_NOT_MET` or
    /// `PROMOTION_NOT_APPLICABLE`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
}

/// Checks a promotion code against an amount without using it. An unknown, expired or used-up
/// code is a 200 with `isValid: false` and an `errorCode`; only a malformed request (no code,
/// an amount that is not a number, an unknown channel) is an error.
#[utoipa::path(
    tag = "portal-shop",
    request_body = ValidatePromotionRequest,
    responses(
        (status = 200, body = PortalOk<PromotionValidation>),
        (status = 400, description = "Malformed body, or TENANT_REQUIRED", body = PortalErrorBody),
        (status = 404, description = "Unknown company", body = PortalErrorBody),
        (status = 422, description = "VALIDATION_ERROR: no code, a bad amount or channel", body = PortalErrorBody),
    ),
    security((), ("bearer" = []))
)]
#[post("/validate-promotion")]
pub async fn validate_promotion(
    state: web::Data<AppState>,
    tenant: PortalTenant,
    body: JsonBody<ValidatePromotionRequest, Portal>,
) -> Result<HttpResponse> {
    let r = body.0;
    let code = r
        .promotion_code
        .map(|c| c.trim().to_owned())
        .filter(|c| !c.is_empty())
        .ok_or_else(|| ApiError::<Portal>::invalid("promotionCode", "is required"))?;
    if let Some(channel) = r
        .channel
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
        && !["online", "booking", "event"].contains(&channel)
    {
        return Err(ApiError::invalid(
            "channel",
            "must be online, booking or event",
        ));
    }
    let amount: Amount = r.amount.0;
    let tenant_id = tenant.0.id;
    let now = state.now();
    let check = blocking::<_, Portal>(&state, move |store| {
        store.read(|tx| checkout::check_promotion_code(tx, tenant_id, &code, &amount, now))
    })
    .await?;
    let body = match check.outcome {
        Ok((coupon, quote)) => PromotionValidation {
            is_valid: true,
            promotion_code: check.code,
            discount_type: Some(
                match coupon.discount_type {
                    DiscountType::Percentage => "percentage",
                    DiscountType::Fixed => "fixed_amount",
                }
                .into(),
            ),
            discount_value: Some(match coupon.discount_type {
                DiscountType::Percentage => percentage_to_f64(coupon.discount_value),
                DiscountType::Fixed => {
                    Money::from_minor(coupon.discount_value, coupon.currency).to_f64()
                }
            }),
            discount_amount: Some(quote.discount.to_f64()),
            original_price: Some(quote.original.to_f64()),
            final_price: Some(quote.final_amount.to_f64()),
            savings_percentage: Some(percentage_to_f64(quote.savings_hundredths)),
            error_message: None,
            error_code: None,
        },
        Err(why) => PromotionValidation {
            is_valid: false,
            promotion_code: check.code,
            discount_type: None,
            discount_value: None,
            discount_amount: None,
            original_price: None,
            final_price: None,
            savings_percentage: None,
            error_message: Some(why.to_string()),
            error_code: Some(why.code().to_owned()),
        },
    };
    Ok(ok(body))
}

/// The payment gateway the storefront pays through.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PaymentGatewayResponse {
    /// A key the browser may hold (not a secret).
    pub publishable_key: String,
    /// The gateway (`mock`: Kedai's built-in test gateway, paid on its own page).
    pub gateway: String,
}

/// The payment gateway of the shop and its publishable key.
#[utoipa::path(
    tag = "portal-shop",
    responses(
        (status = 200, body = PortalOk<PaymentGatewayResponse>),
        (status = 400, description = "TENANT_REQUIRED", body = PortalErrorBody),
        (status = 404, description = "Unknown company", body = PortalErrorBody),
    )
)]
#[get("/payment-gateway")]
pub async fn get_payment_gateway(
    state: web::Data<AppState>,
    tenant: PortalTenant,
) -> Result<HttpResponse> {
    let info = checkout::gateway_info(state.gateway.as_ref(), tenant.0.id);
    Ok(ok(PaymentGatewayResponse {
        publishable_key: info.publishable_key,
        gateway: info.gateway,
    }))
}

/// A payment to open.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreatePaymentIntentRequest {
    /// Amount in major units: the order's total.
    #[schema(value_type = f64, example = 420)]
    pub amount: Decimal,
    /// ISO-4217 currency: the shop's.
    #[schema(example = "HKD")]
    pub currency: String,
    /// The shop order to pay (its id).
    pub order_id: Option<String>,
    /// A booking (not sold here yet: refused).
    #[schema(value_type = Option<Object>)]
    pub booking_id: Option<serde_json::Value>,
    /// A membership tier (not sold here yet: refused).
    #[schema(value_type = Option<Object>)]
    pub tier_id: Option<serde_json::Value>,
    /// For a guest's order: the `orderToken` its checkout answered.
    pub order_token: Option<String>,
}

/// An opened payment.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PaymentIntentResponse {
    /// The secret the payment page holds.
    pub client_secret: String,
    /// The payment intent's id.
    pub payment_intent_id: String,
    /// The gateway's publishable key.
    pub publishable_key: String,
    /// The gateway's page to send the customer to.
    pub payment_url: String,
}

fn given(v: Option<serde_json::Value>) -> Option<String> {
    match v? {
        serde_json::Value::Null => None,
        serde_json::Value::String(s) => Some(s),
        other => Some(other.to_string()),
    }
}

/// Opens a payment at the gateway for a shop order awaiting payment, for exactly its total.
/// Any earlier unfinished payment of it is cancelled at the gateway (its page then says so and
/// takes no approval). Only the order's customer may: a member's order needs their token, a
/// guest's order the `orderToken` its checkout answered. Bookings and tiers are not sold here
/// yet.
#[utoipa::path(
    tag = "portal-shop",
    request_body = CreatePaymentIntentRequest,
    responses(
        (status = 201, body = PortalOk<PaymentIntentResponse>),
        (status = 400, description = "Malformed body, or TENANT_REQUIRED", body = PortalErrorBody),
        (status = 403, description = "FORBIDDEN: not the order's customer (no or another customer's token, or a guest order without its orderToken)", body = PortalErrorBody),
        (status = 404, description = "ORDER_NOT_FOUND", body = PortalErrorBody),
        (status = 409, description = "PAYMENT_NOT_ALLOWED: the order does not await payment; PAYMENT_ALREADY_APPROVED: an earlier checkout was approved", body = PortalErrorBody),
        (status = 422, description = "VALIDATION_ERROR, AMOUNT_MISMATCH, PAYMENT_TARGET_NOT_SUPPORTED", body = PortalErrorBody),
    ),
    security((), ("bearer" = []))
)]
#[post("/payment-intents")]
pub async fn portal_create_payment_intent(
    state: web::Data<AppState>,
    tenant: PortalTenant,
    caller: MaybeCustomer,
    body: JsonBody<CreatePaymentIntentRequest, Portal>,
) -> Result<HttpResponse> {
    let shopper = shopper(&tenant, &caller);
    let r = body.0;
    let cmd = PortalIntent {
        amount: r.amount.0,
        currency: r.currency,
        order_id: r.order_id,
        booking_id: given(r.booking_id),
        tier_id: given(r.tier_id),
        order_token: r.order_token,
    };
    let now = state.now();
    let gateway = std::sync::Arc::clone(&state.gateway);
    let opened = blocking::<_, Portal>(&state, move |store| {
        checkout::open_shop_intent(store, shopper, gateway.as_ref(), &cmd, now)
    })
    .await?;
    let info = checkout::gateway_info(state.gateway.as_ref(), tenant.0.id);
    Ok(created(PaymentIntentResponse {
        client_secret: format!(
            "{}_secret_{}",
            opened.intent.id,
            opened.intent.gateway_session.unwrap_or_default()
        ),
        payment_intent_id: opened.intent.id.to_string(),
        publishable_key: info.publishable_key,
        payment_url: opened.payment_url,
    }))
}

/// Whose `Idempotency-Key` a portal request uses: the shop's and the signed-in customer's
/// (`customer:<id>`), or the shop's guests' together (`guest`: keys are random per checkout,
/// and a different request with a used key is refused, not replayed). `None` when the shop is
/// unknown: the handler answers that.
pub async fn idempotency_owner(req: &HttpRequest) -> Option<(kedai_core::TenantId, String)> {
    use actix_web::FromRequest;
    let tenant = PortalTenant::extract(req).await.ok()?;
    let caller = MaybeCustomer::extract(req).await.ok()?;
    let shopper = shopper(&tenant, &caller);
    let principal = shopper
        .customer
        .map_or_else(|| "guest".to_owned(), |c| format!("customer:{c}"));
    Some((shopper.tenant, principal))
}
