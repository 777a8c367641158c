//! Reading orders: one, a page, a customer's, by number, and an order's items (002's
//! fetchOrdersWithPagination and friends).

use actix_web::{HttpResponse, get, web};
use kedai_app::orders::queries::{self as order_queries, OrderListItem, OrderListQuery};
use kedai_app::orders::{self};
use kedai_core::Page;
use kedai_identity::Permission;
use kedai_orders::query::ListTotal;
use kedai_orders::{OrderSort, OrderStatus};
use utoipa::IntoParams;

use super::super::*;
use super::*;
use crate::auth::Staff;
use crate::dto::{MerchantErrorBody, MerchantOk as Envelope, MerchantSearchList, SearchPageMeta};
use crate::error::ApiError;
use crate::query::Query;
use crate::surface::Merchant;

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
pub async fn get_order(staff: Staff<Merchant>, path: web::Path<String>) -> Result<HttpResponse> {
    let id = order_id(&path)?;
    let view = staff
        .run(move |store, actor| store.read(|tx| orders::get_order(tx, &actor, id)))
        .await?;
    Ok(HttpResponse::Ok().json(Envelope::new("Order", OrderResponse::from(view))))
}

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
    /// Order number, or the customer's or contact's name, e-mail or phone (substring,
    /// case-insensitive; `%` and `_` are literal). A search counts its matches up to 10,000:
    /// past that, `meta.total` is 10000 and `meta.total_relation` is `gte`.
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
    (items, total): (Vec<OrderListItem>, ListTotal),
) -> HttpResponse {
    HttpResponse::Ok().json(MerchantSearchList {
        success: true,
        message: message.into(),
        data: items.into_iter().map(OrderResponse::from).collect(),
        meta: SearchPageMeta {
            page: page.page(),
            limit: page.limit(),
            total: total.count,
            total_relation: total.relation.into(),
        },
    })
}

/// Lists orders with their items, customer and payment status: filtered, searched, sorted and
/// paged, in a fixed number of queries whatever the page size. A cashier sees the orders of
/// their outlets and orders without an outlet. The total is exact, except for a search that
/// matches more than 10,000 orders: then it is 10000 and `meta.total_relation` is `gte`.
#[utoipa::path(
    tag = "merchant-orders",
    params(OrderListParams),
    responses(
        (status = 200, body = MerchantSearchList<OrderResponse>),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 422, description = "Bad filter, sort or paging", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[get("/orders")]
pub async fn list_orders(
    mut staff: Staff<Merchant>,
    req: actix_web::HttpRequest,
) -> Result<HttpResponse> {
    staff.require(Permission::OrdersRead);
    let q = Query::of(&req)?;
    let page = page_of(&q)?;
    let query = list_query(&q)?;
    let listed = staff
        .run_with_tenant(move |store, actor, tenant| {
            store.read(|tx| order_queries::list_orders(tx, &actor, &tenant, &query, page))
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
        (status = 200, body = MerchantSearchList<OrderResponse>),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 404, description = "CUSTOMER_NOT_FOUND", body = MerchantErrorBody),
        (status = 422, description = "Bad paging", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[get("/customers/{id}/orders")]
pub async fn customer_orders(
    mut staff: Staff<Merchant>,
    path: web::Path<String>,
    req: actix_web::HttpRequest,
) -> Result<HttpResponse> {
    staff.require(Permission::OrdersRead);
    let page = page_of(&Query::of(&req)?)?;
    let customer = path.into_inner();
    let listed = staff
        .run_with_tenant(move |store, actor, tenant| {
            store.read(|tx| order_queries::customer_orders(tx, &actor, &tenant, &customer, page))
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
    staff: Staff<Merchant>,
    path: web::Path<String>,
) -> Result<HttpResponse> {
    let number = path.into_inner();
    let view = staff
        .run(move |store, actor| {
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
pub async fn order_items(staff: Staff<Merchant>, path: web::Path<String>) -> Result<HttpResponse> {
    let id = order_id(&path)?;
    let items = staff
        .run(move |store, actor| store.read(|tx| order_queries::order_items(tx, &actor, id)))
        .await?;
    let (order, items) = items;
    let items = item_responses(&order, items);
    Ok(HttpResponse::Ok().json(Envelope::new("Order items", items)))
}
