//! Orders (003 §13, 002's OrderApiService).

use actix_web::{HttpResponse, get, patch, post, web};
use chrono::{DateTime, Utc};
use kedai_app::orders::queries::{self as order_queries, OrderListItem, OrderListQuery};
use kedai_app::orders::{self, OrderEditCommand, OrderView, PlaceOrderCommand, PlaceOrderLine};
use kedai_core::Page;
use kedai_identity::Permission;
use kedai_orders::{
    Order, OrderCustomer, OrderDetails, OrderItem, OrderSort, OrderStatus, item_discounts,
    item_status,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::*;
use crate::auth::Authed;
use crate::body::JsonBody;
use crate::dto::{
    Decimal, IntId, MerchantErrorBody, MerchantList, MerchantOk as Envelope, PageMeta,
    double_option,
};
use crate::error::ApiError;
use crate::query::Query;
use crate::surface::Merchant;
use crate::{AppState, blocking};

pub(super) fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    // Fixed paths before `/orders/{id}`.
    cfg.service(place_order)
        .service(list_orders)
        .service(order_summary)
        .service(order_trend)
        .service(order_by_number)
        .service(get_order)
        .service(order_items)
        .service(update_order_fields)
        .service(update_order_status)
        .service(customer_orders);
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
    /// Product description when sold.
    pub product_description: Option<String>,
    /// The product's main image when sold.
    pub product_image_url: Option<String>,
    /// Units.
    pub quantity: i64,
    /// Unit price.
    pub unit_price: f64,
    /// quantity × unit price.
    pub total_price: f64,
    /// The line's share of the order's `discount_amount`, in proportion to its total (the
    /// shares add up to the discount).
    pub discount_amount: f64,
    /// `active`, or `cancelled` / `refunded` with its order.
    pub status: String,
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
    /// Coupon code applied (a redeemed coupon, or a code the back office entered).
    pub coupon_code: Option<String>,
    /// The coupon's share of `discount_amount`.
    pub coupon_discount: f64,
    /// The customer, when the order has one of the merchant's.
    pub customer: Option<OrderCustomerResponse>,
    /// Lines.
    pub items: Vec<OrderItemResponse>,
    /// Payments, oldest first (not in lists).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payments: Option<Vec<PaymentResponse>>,
    /// Status history, oldest first (not in lists).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_history: Option<Vec<StatusHistoryResponse>>,
}

/// The customer of an order.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrderCustomerResponse {
    /// Customer id.
    pub id: String,
    /// Name.
    pub name: String,
    /// E-mail.
    pub email: Option<String>,
    /// Phone (E.164).
    pub phone: Option<String>,
}

impl From<OrderCustomer> for OrderCustomerResponse {
    fn from(c: OrderCustomer) -> Self {
        Self {
            id: c.id,
            name: c.name,
            email: c.email,
            phone: c.phone,
        }
    }
}

/// An order's lines, each with its status and share of the discount.
fn item_responses(order: &Order, items: Vec<OrderItem>) -> Vec<OrderItemResponse> {
    let totals: Vec<_> = items.iter().map(|i| i.total_price).collect();
    let shares = item_discounts(&totals, order.discount_amount);
    let status = item_status(order.status);
    items
        .into_iter()
        .zip(shares)
        .map(|(i, discount)| OrderItemResponse {
            id: i.id.to_string(),
            product_id: i.product_id.get(),
            product_name: i.product_name,
            product_sku: i.product_sku,
            product_description: i.product_description,
            product_image_url: i.product_image_url,
            quantity: i.quantity,
            unit_price: i.unit_price.to_f64(),
            total_price: i.total_price.to_f64(),
            discount_amount: discount.to_f64(),
            status: status.to_string(),
        })
        .collect()
}

impl From<OrderView> for OrderResponse {
    fn from(v: OrderView) -> Self {
        let mut r = Self::base(v.order, v.items, v.customer);
        r.payments = Some(
            v.payments
                .into_iter()
                .map(|p| PaymentResponse {
                    id: p.id.to_string(),
                    method: p.method,
                    amount: p.amount.to_f64(),
                    status: p.status.to_string(),
                    created_at: p.created_at,
                })
                .collect(),
        );
        r.status_history = Some(
            v.history
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
        );
        r
    }
}

impl From<OrderListItem> for OrderResponse {
    fn from(v: OrderListItem) -> Self {
        Self::base(v.order, v.items, v.customer)
    }
}

impl OrderResponse {
    fn base(o: Order, items: Vec<OrderItem>, customer: Option<OrderCustomer>) -> Self {
        let items = item_responses(&o, items);
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
            coupon_code: o.coupon.as_ref().map(|c| c.code.clone()),
            coupon_discount: o.coupon.as_ref().map_or(0.0, |c| c.discount.to_f64()),
            customer: customer.map(OrderCustomerResponse::from),
            items,
            payments: None,
            status_history: None,
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

// ---------------------------------------------------------------------------------------------
// placing an order (003 §13.1)

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
fn merchant_status(s: OrderStatus) -> String {
    match s {
        OrderStatus::Confirmed => "pending_payment".into(),
        other => other.to_string(),
    }
}

/// Places an order at catalogue prices with an optional coupon, allocates its stock FIFO and
/// leaves it awaiting payment, all or nothing.
#[utoipa::path(
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
    Authed(actor, ..): Authed<Merchant>,
    body: JsonBody<PlaceOrderRequest, Merchant>,
) -> Result<HttpResponse> {
    actor.require(Permission::OrdersWrite)?;
    let req = body.0;
    let order_type = ApiError::parse_field("order_type", &req.order_type)?;
    let cmd = PlaceOrderCommand {
        customer_id: req
            .customer_id
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty()),
        outlet_id: req
            .outlet_id
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty()),
        order_type,
        items: req
            .items
            .into_iter()
            .map(|i| PlaceOrderLine {
                product_id: i.product_id.0,
                quantity: i.qty,
                unit_price: i.unit_price.map(|d| d.0),
            })
            .collect(),
        coupon_code: req
            .coupon_code
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty()),
        details: OrderDetails {
            contact_name: req.contact_name,
            contact_phone: req.contact_phone,
            contact_email: req.contact_email,
            shipping_method: req.shipping_method,
            shipping_address: req.shipping_address,
            payment_method: req.payment_method,
            notes: req.notes,
            special_instructions: req.special_instructions,
            ..OrderDetails::default()
        },
    };
    let now = state.now();
    let view = blocking(&state, move |store| {
        store.write(|tx| orders::place_order(tx, &actor, &cmd, now))
    })
    .await?;
    let o = view.order;
    let items = item_responses(&o, view.items);
    Ok(HttpResponse::Created().json(Envelope::new(
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
    )))
}

// ---------------------------------------------------------------------------------------------
// listing (002's fetchOrdersWithPagination)

/// Filters, search, sort and paging of the order list. camelCase spellings are accepted too.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrderListParams {
    /// 1-based page (default 1).
    #[param(minimum = 1, maximum = 4294967295.0)]
    pub page: Option<i64>,
    /// Page size 1–100 (default 20); `limit` is accepted too.
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<i64>,
    /// Statuses, repeated or comma-separated (`status=pending,confirmed`).
    pub status: Option<String>,
    /// First local date of creation (merchant's time zone), `YYYY-MM-DD`.
    pub date_from: Option<String>,
    /// Last local date of creation, inclusive.
    pub date_to: Option<String>,
    /// Outlet.
    pub outlet_id: Option<String>,
    /// Customer.
    pub customer_id: Option<String>,
    /// `created_at` (default), `total_amount` or `order_number`.
    pub sort_by: Option<String>,
    /// `desc` (default) or `asc`.
    pub sort_order: Option<String>,
    /// Order number, or the customer's or contact's name, e-mail or phone (substring).
    pub search: Option<String>,
}

fn page_of(q: &Query) -> Result<Page> {
    Ok(q.page(&["per_page", "perPage", "limit"])?)
}

fn list_query(q: &Query) -> Result<OrderListQuery> {
    let statuses = q
        .list("status")
        .iter()
        .map(|s| ApiError::parse_field("status", s))
        .collect::<Result<Vec<OrderStatus>>>()?;
    let mut sort = OrderSort::default();
    if let Some(key) = q.text_any(&["sort_by", "sortBy"]) {
        sort.key = ApiError::parse_field("sort_by", &key)?;
    }
    if let Some(order) = q.text_any(&["sort_order", "sortOrder"]) {
        sort.order = ApiError::parse_field("sort_order", &order)?;
    }
    Ok(OrderListQuery {
        statuses,
        date_from: q.date(&["date_from", "dateFrom"])?,
        date_to: q.date(&["date_to", "dateTo"])?,
        outlet_id: q.text_any(&["outlet_id", "outletId"]),
        customer_id: q.text_any(&["customer_id", "customerId", "user_id", "userId"]),
        search: q.text_any(&["search", "searchTerm", "search_term", "q"]),
        sort,
    })
}

fn order_page(
    message: &str,
    page: Page,
    (items, total): (Vec<OrderListItem>, i64),
) -> HttpResponse {
    HttpResponse::Ok().json(MerchantList {
        success: true,
        message: message.into(),
        data: items.into_iter().map(OrderResponse::from).collect(),
        meta: PageMeta {
            page: page.page(),
            limit: page.limit(),
            total,
        },
    })
}

/// Lists orders with their items, customer and payment status: filtered, searched, sorted and
/// paged, in a fixed number of queries whatever the page size. A cashier sees the orders of
/// their outlets and orders without an outlet.
#[utoipa::path(
    tag = "merchant-orders",
    params(OrderListParams),
    responses(
        (status = 200, body = MerchantList<OrderResponse>),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 422, description = "Bad filter, sort or paging", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[get("/orders")]
pub async fn list_orders(
    state: web::Data<AppState>,
    Authed(actor, ..): Authed<Merchant>,
    req: actix_web::HttpRequest,
) -> Result<HttpResponse> {
    actor.require(Permission::OrdersRead)?;
    let q = Query::of(&req)?;
    let page = page_of(&q)?;
    let query = list_query(&q)?;
    let listed = blocking(&state, move |store| {
        store.read(|tx| order_queries::list_orders(tx, &actor, &query, page))
    })
    .await?;
    Ok(order_page("Orders", page, listed))
}

/// A customer's orders, newest first, paged (002's `getOrderByUserId`).
#[utoipa::path(
    tag = "merchant-orders",
    params(
        ("id" = String, Path, description = "Customer id"),
        ("page" = Option<i64>, Query, minimum = 1, maximum = 4294967295.0, description = "1-based page"),
        ("per_page" = Option<i64>, Query, minimum = 1, maximum = 100, description = "Page size 1–100 (or `limit`)"),
    ),
    responses(
        (status = 200, body = MerchantList<OrderResponse>),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 404, description = "CUSTOMER_NOT_FOUND", body = MerchantErrorBody),
        (status = 422, description = "Bad paging", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[get("/customers/{id}/orders")]
pub async fn customer_orders(
    state: web::Data<AppState>,
    Authed(actor, ..): Authed<Merchant>,
    path: web::Path<String>,
    req: actix_web::HttpRequest,
) -> Result<HttpResponse> {
    actor.require(Permission::OrdersRead)?;
    let page = page_of(&Query::of(&req)?)?;
    let customer = path.into_inner();
    let listed = blocking(&state, move |store| {
        store.read(|tx| order_queries::customer_orders(tx, &actor, &customer, page))
    })
    .await?;
    Ok(order_page("Customer orders", page, listed))
}

/// One order by its number (002's `getOrderByOrderNumber`).
#[utoipa::path(
    tag = "merchant-orders",
    params(("order_number" = String, Path, description = "ORD-YYYY-NNNN")),
    responses(
        (status = 200, body = Envelope<OrderResponse>),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 404, description = "ORDER_NOT_FOUND", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[get("/orders/by-number/{order_number}")]
pub async fn order_by_number(
    state: web::Data<AppState>,
    Authed(actor, ..): Authed<Merchant>,
    path: web::Path<String>,
) -> Result<HttpResponse> {
    let number = path.into_inner();
    let view = blocking(&state, move |store| {
        store.read(|tx| order_queries::order_by_number(tx, &actor, &number))
    })
    .await?;
    Ok(HttpResponse::Ok().json(Envelope::new("Order", OrderResponse::from(view))))
}

/// An order's lines (002's `fetchOrderItems`).
#[utoipa::path(
    tag = "merchant-orders",
    params(("id" = String, Path, description = "Order id")),
    responses(
        (status = 200, body = Envelope<Vec<OrderItemResponse>>),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 404, description = "ORDER_NOT_FOUND", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[get("/orders/{id}/items")]
pub async fn order_items(
    state: web::Data<AppState>,
    Authed(actor, ..): Authed<Merchant>,
    path: web::Path<String>,
) -> Result<HttpResponse> {
    let id = order_id(&path)?;
    let items = blocking(&state, move |store| {
        store.read(|tx| order_queries::order_items(tx, &actor, id))
    })
    .await?;
    let (order, items) = items;
    let items = item_responses(&order, items);
    Ok(HttpResponse::Ok().json(Envelope::new("Order items", items)))
}

// ---------------------------------------------------------------------------------------------
// changing fields (002's updateOrderFields)

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
    Authed(actor, ..): Authed<Merchant>,
    path: web::Path<String>,
    body: JsonBody<UpdateOrderFieldsRequest, Merchant>,
) -> Result<HttpResponse> {
    actor.require(Permission::OrdersWrite)?;
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
    let view = blocking(&state, move |store| {
        store.write(|tx| orders::update_order_fields(tx, &actor, id, cmd.clone(), now))
    })
    .await?;
    Ok(HttpResponse::Ok().json(Envelope::new("Order updated", OrderResponse::from(view))))
}

// ---------------------------------------------------------------------------------------------
// overview and trend (002's getOrderSummary, getOrderTrendAnalysis)

/// 002's `OrderSummary` for orders created in the range.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrderSummaryResponse {
    /// First local date (null: since the beginning).
    pub date_from: Option<chrono::NaiveDate>,
    /// Last local date (null: up to now).
    pub date_to: Option<chrono::NaiveDate>,
    /// ISO-4217 currency.
    pub currency: String,
    /// Orders created.
    pub total_orders: i64,
    /// Value of the orders paid and not cancelled or refunded.
    pub total_revenue: f64,
    /// Revenue per paid order (half-up to the minor unit).
    pub average_order_value: f64,
    /// Pending or confirmed (awaiting payment).
    pub pending_orders: i64,
    /// Paid, processing, shipped or delivered.
    pub in_progress_orders: i64,
    /// Completed.
    pub completed_orders: i64,
    /// Cancelled.
    pub cancelled_orders: i64,
    /// Refunded.
    pub refunded_orders: i64,
}

/// Counts and revenue of the orders created between two local dates of the merchant (both
/// optional and inclusive).
#[utoipa::path(
    tag = "merchant-orders",
    params(
        ("date_from" = Option<String>, Query, description = "First local date, YYYY-MM-DD"),
        ("date_to" = Option<String>, Query, description = "Last local date, inclusive"),
    ),
    responses(
        (status = 200, body = Envelope<OrderSummaryResponse>),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "Role may not read reports", body = MerchantErrorBody),
        (status = 422, description = "Bad dates", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[get("/orders/summary")]
pub async fn order_summary(
    state: web::Data<AppState>,
    Authed(actor, ..): Authed<Merchant>,
    req: actix_web::HttpRequest,
) -> Result<HttpResponse> {
    actor.require(Permission::ReportsRead)?;
    let q = Query::of(&req)?;
    let (from, to) = (
        q.date(&["date_from", "dateFrom"])?,
        q.date(&["date_to", "dateTo"])?,
    );
    let o = blocking(&state, move |store| {
        store.read(|tx| order_queries::order_overview(tx, &actor, from, to))
    })
    .await?;
    let m = |minor| kedai_core::Money::from_minor(minor, o.currency).to_f64();
    let f = o.figures;
    Ok(HttpResponse::Ok().json(Envelope::new(
        "Order summary",
        OrderSummaryResponse {
            date_from: from,
            date_to: to,
            currency: o.currency.code().to_owned(),
            total_orders: f.total_orders,
            total_revenue: m(f.total_revenue_minor),
            average_order_value: m(f.average_order_value_minor),
            pending_orders: f.pending_orders,
            in_progress_orders: f.in_progress_orders,
            completed_orders: f.completed_orders,
            cancelled_orders: f.cancelled_orders,
            refunded_orders: f.refunded_orders,
        },
    )))
}

/// One day of the trend.
#[derive(Debug, Serialize, ToSchema)]
pub struct TrendDayResponse {
    /// Local date.
    pub date: chrono::NaiveDate,
    /// Orders created that day.
    pub orders: i64,
    /// Revenue of that day's orders (paid, not cancelled or refunded).
    pub revenue: f64,
    /// That day's orders that were paid.
    pub paid_orders: i64,
    /// That day's orders now cancelled or refunded.
    pub cancelled_orders: i64,
}

/// A daily series of orders and revenue.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrderTrendResponse {
    /// First local date.
    pub date_from: chrono::NaiveDate,
    /// Last local date.
    pub date_to: chrono::NaiveDate,
    /// ISO-4217 currency.
    pub currency: String,
    /// Every day, oldest first, empty days included.
    pub days: Vec<TrendDayResponse>,
}

/// Orders and revenue per local day for charts, empty days included: from `date_from`
/// (default 29 days before `date_to`) to `date_to` (default today), at most 366 days.
#[utoipa::path(
    tag = "merchant-orders",
    params(
        ("date_from" = Option<String>, Query, description = "First local date, YYYY-MM-DD"),
        ("date_to" = Option<String>, Query, description = "Last local date, inclusive (default today)"),
    ),
    responses(
        (status = 200, body = Envelope<OrderTrendResponse>),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "Role may not read reports", body = MerchantErrorBody),
        (status = 422, description = "Bad or too long a range", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[get("/orders/trend")]
pub async fn order_trend(
    state: web::Data<AppState>,
    Authed(actor, ..): Authed<Merchant>,
    req: actix_web::HttpRequest,
) -> Result<HttpResponse> {
    actor.require(Permission::ReportsRead)?;
    let q = Query::of(&req)?;
    let (from, to) = (
        q.date(&["date_from", "dateFrom"])?,
        q.date(&["date_to", "dateTo"])?,
    );
    let now = state.now();
    let t = blocking(&state, move |store| {
        store.read(|tx| order_queries::order_trend(tx, &actor, from, to, now))
    })
    .await?;
    let c = t.currency;
    Ok(HttpResponse::Ok().json(Envelope::new(
        "Order trend",
        OrderTrendResponse {
            date_from: t.from,
            date_to: t.to,
            currency: c.code().to_owned(),
            days: t
                .days
                .into_iter()
                .map(|d| TrendDayResponse {
                    date: d.date,
                    orders: d.orders,
                    revenue: kedai_core::Money::from_minor(d.revenue_minor, c).to_f64(),
                    paid_orders: d.paid_orders,
                    cancelled_orders: d.cancelled_orders,
                })
                .collect(),
        },
    )))
}
