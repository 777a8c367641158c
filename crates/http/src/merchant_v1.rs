//! The merchant API (`/v1/*`), first part: sign-in, products, and reading and moving orders.

use actix_web::{HttpResponse, delete, get, patch, post, put, web};
use chrono::{DateTime, Utc};
use kedai_app::catalog::{self, CreateProduct, ProductView, UpdateProduct};
use kedai_app::orders::{self, OrderView};
use kedai_app::{AppError, identity};
use kedai_core::{Page, ProductId};
use kedai_identity::Permission;
use kedai_orders::{OrderId, OrderStatus};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::{Authed, STAFF_TOKEN_TTL_SECONDS};
use crate::body::JsonBody;
use crate::dto::{Decimal, MerchantErrorBody, Ok as Envelope, OkList, PageMeta, double_option};
use crate::error::ApiError;
use crate::surface::Merchant;
use crate::{AppState, blocking};

type Result<T> = std::result::Result<T, ApiError<Merchant>>;

fn product_id(raw: &str) -> Result<ProductId> {
    raw.parse()
        .map_err(|_| AppError::not_found("product", raw).into())
}

fn order_id(raw: &str) -> Result<OrderId> {
    raw.parse()
        .map_err(|_| AppError::not_found("order", raw).into())
}

/// Registers the merchant routes.
pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(login)
        .service(list_products)
        .service(create_product)
        .service(get_product)
        .service(update_product)
        .service(delete_product)
        .service(get_order)
        .service(update_order_status);
}

// ---------------------------------------------------------------------------------------------
// auth

/// Sign in with e-mail and password.
#[derive(Debug, Deserialize, ToSchema)]
pub struct LoginRequest {
    /// Staff e-mail.
    #[schema(example = "owner@demo.kedai.dev")]
    pub email: String,
    /// Password.
    #[schema(example = "kedai-demo-2026")]
    pub password: String,
    /// Merchant id, needed only when the e-mail signs in to several merchants.
    pub merchant_id: Option<String>,
}

/// The signed-in user.
#[derive(Debug, Serialize, ToSchema)]
pub struct LoginUser {
    /// Staff id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Role.
    pub role: String,
}

/// A staff token.
#[derive(Debug, Serialize, ToSchema)]
pub struct LoginData {
    /// Bearer token (JWT).
    pub access_token: String,
    /// `Bearer`.
    pub token_type: String,
    /// Seconds until it expires (7200).
    pub expires_in: i64,
    /// The merchant (tenant) id.
    pub merchant_id: String,
    /// Who signed in.
    pub user: LoginUser,
}

/// Signs a staff member in and returns a bearer token valid for two hours.
#[utoipa::path(
    tag = "merchant-auth",
    request_body = LoginRequest,
    responses(
        (status = 200, body = Envelope<LoginData>),
        (status = 400, description = "Malformed body", body = MerchantErrorBody),
        (status = 401, description = "AUTH_INVALID_CREDENTIALS", body = MerchantErrorBody),
        (status = 422, description = "Missing fields, or merchant_id needed", body = MerchantErrorBody),
    )
)]
#[post("/auth/login")]
pub async fn login(
    state: web::Data<AppState>,
    body: JsonBody<LoginRequest, Merchant>,
) -> Result<HttpResponse> {
    let req = body.0;
    let merchant = match req
        .merchant_id
        .as_deref()
        .map(str::trim)
        .filter(|m| !m.is_empty())
    {
        Some(m) => Some(
            m.parse()
                .map_err(|_| ApiError::invalid("merchant_id", "must be a merchant id"))?,
        ),
        None => None,
    };
    let signed = blocking(&state, move |store| {
        store.read(|tx| identity::login(tx, &req.email, &req.password, merchant))
    })
    .await?;
    let token = state.tokens.issue(&signed.staff, state.now())?;
    tracing::info!(staff.id = %signed.staff.id, tenant.id = %signed.tenant.id, "staff signed in");
    Ok(HttpResponse::Ok().json(Envelope::new(
        "Signed in",
        LoginData {
            access_token: token,
            token_type: "Bearer".into(),
            expires_in: STAFF_TOKEN_TTL_SECONDS,
            merchant_id: signed.tenant.id.to_string(),
            user: LoginUser {
                id: signed.staff.id.to_string(),
                name: signed.staff.name,
                role: signed.staff.role.to_string(),
            },
        },
    )))
}

// ---------------------------------------------------------------------------------------------
// products

/// A catalogue product with its current stock.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProductResponse {
    /// Integer id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// SKU.
    pub sku: Option<String>,
    /// Category.
    pub category: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Price in major units.
    pub price: f64,
    /// ISO-4217 currency.
    pub currency: String,
    /// `active` or `inactive`.
    pub status: String,
    /// Outlets that sell it (empty: all).
    pub outlet_ids: Vec<String>,
    /// Available units (Σ remaining of its lots).
    pub current_stock: i64,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

impl From<ProductView> for ProductResponse {
    fn from(v: ProductView) -> Self {
        let p = v.product;
        Self {
            id: p.id.get(),
            name: p.name,
            sku: p.sku,
            category: p.category,
            description: p.description,
            price: p.price.to_f64(),
            currency: p.price.currency().code().to_owned(),
            status: p.status.to_string(),
            outlet_ids: p.outlet_ids,
            current_stock: v.current_stock,
            created_at: p.created_at,
            updated_at: p.updated_at,
        }
    }
}

/// A new product.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateProductRequest {
    /// Name, 1–200 characters.
    #[schema(example = "Iced Latte")]
    pub name: String,
    /// SKU, unique among the merchant's products.
    #[schema(example = "DRINK-009")]
    pub sku: Option<String>,
    /// Category.
    #[schema(example = "Beverage")]
    pub category: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Price in major units, not negative.
    #[schema(value_type = f64, example = 14.9)]
    pub price: Decimal,
    /// `active` (default) or `inactive`.
    pub status: Option<String>,
    /// Outlets that sell it.
    #[serde(default)]
    pub outlet_ids: Vec<String>,
}

/// Changes to a product: absent fields stay; `null` clears sku, category or description.
#[derive(Debug, Deserialize, ToSchema)]
pub struct UpdateProductRequest {
    /// Name.
    pub name: Option<String>,
    /// SKU.
    #[serde(default, deserialize_with = "double_option")]
    pub sku: Option<Option<String>>,
    /// Category.
    #[serde(default, deserialize_with = "double_option")]
    pub category: Option<Option<String>>,
    /// Description.
    #[serde(default, deserialize_with = "double_option")]
    pub description: Option<Option<String>>,
    /// Price.
    #[schema(value_type = Option<f64>)]
    pub price: Option<Decimal>,
    /// Status.
    pub status: Option<String>,
    /// Outlets.
    pub outlet_ids: Option<Vec<String>>,
}

/// Paging of a list.
#[derive(Debug, IntoParams)]
pub struct PageQuery {
    /// 1-based page (default 1).
    pub page: Option<i64>,
    /// Page size, 1–100 (default 20).
    pub limit: Option<i64>,
}

/// Lists the merchant's products, newest first, with their stock.
#[utoipa::path(
    tag = "merchant-products",
    params(PageQuery),
    responses(
        (status = 200, body = OkList<ProductResponse>),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 422, description = "Bad paging", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[get("/products")]
pub async fn list_products(
    state: web::Data<AppState>,
    Authed(actor, ..): Authed<Merchant>,
    req: actix_web::HttpRequest,
) -> Result<HttpResponse> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(req.query_string())
        .map_err(|e| ApiError::invalid("query", e.to_string()))?;
    let number = |name: &str| -> Result<Option<i64>> {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| {
                v.trim()
                    .parse()
                    .map_err(|_| ApiError::invalid(name, "must be a whole number"))
            })
            .transpose()
    };
    let query = PageQuery {
        page: number("page")?,
        limit: number("limit")?,
    };
    let page = Page::new(query.page, query.limit).map_err(|e| {
        let field = if matches!(e, kedai_core::PageError::Page) {
            "page"
        } else {
            "limit"
        };
        ApiError::invalid(field, e.to_string())
    })?;
    let (views, total) = blocking(&state, move |store| {
        store.read(|tx| catalog::list_products(tx, &actor, page))
    })
    .await?;
    Ok(HttpResponse::Ok().json(OkList {
        success: true,
        message: "Products".into(),
        data: views.into_iter().map(ProductResponse::from).collect(),
        meta: PageMeta {
            page: page.page(),
            limit: page.limit(),
            total,
        },
    }))
}

/// Adds a product to the catalogue.
#[utoipa::path(
    tag = "merchant-products",
    request_body = CreateProductRequest,
    responses(
        (status = 201, body = Envelope<ProductResponse>),
        (status = 400, description = "Malformed body", body = MerchantErrorBody),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "Role may not change the catalogue", body = MerchantErrorBody),
        (status = 409, description = "SKU_TAKEN", body = MerchantErrorBody),
        (status = 422, description = "Bad fields", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[post("/products")]
pub async fn create_product(
    state: web::Data<AppState>,
    Authed(actor, ..): Authed<Merchant>,
    body: JsonBody<CreateProductRequest, Merchant>,
) -> Result<HttpResponse> {
    actor.require(Permission::CatalogWrite)?;
    let req = body.0;
    let cmd = CreateProduct {
        name: req.name,
        sku: req.sku,
        category: req.category,
        description: req.description,
        price: req.price.0,
        status: req
            .status
            .as_deref()
            .map(|s| ApiError::parse_field("status", s))
            .transpose()?,
        outlet_ids: req.outlet_ids,
    };
    let now = state.now();
    let view = blocking(&state, move |store| {
        store.write(|tx| catalog::create_product(tx, &actor, &cmd, now))
    })
    .await?;
    Ok(HttpResponse::Created().json(Envelope::new(
        "Product created",
        ProductResponse::from(view),
    )))
}

/// One product with its stock.
#[utoipa::path(
    tag = "merchant-products",
    params(("id" = i64, Path, description = "Product id")),
    responses(
        (status = 200, body = Envelope<ProductResponse>),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 404, description = "PRODUCT_NOT_FOUND", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[get("/products/{id}")]
pub async fn get_product(
    state: web::Data<AppState>,
    Authed(actor, ..): Authed<Merchant>,
    path: web::Path<String>,
) -> Result<HttpResponse> {
    let id = product_id(&path)?;
    let view = blocking(&state, move |store| {
        store.read(|tx| catalog::get_product(tx, &actor, id))
    })
    .await?;
    Ok(HttpResponse::Ok().json(Envelope::new("Product", ProductResponse::from(view))))
}

/// Changes a product; absent fields stay as they are.
#[utoipa::path(
    tag = "merchant-products",
    params(("id" = i64, Path, description = "Product id")),
    request_body = UpdateProductRequest,
    responses(
        (status = 200, body = Envelope<ProductResponse>),
        (status = 400, description = "Malformed body", body = MerchantErrorBody),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "Role may not change the catalogue", body = MerchantErrorBody),
        (status = 404, description = "PRODUCT_NOT_FOUND", body = MerchantErrorBody),
        (status = 409, description = "SKU_TAKEN", body = MerchantErrorBody),
        (status = 422, description = "Bad fields", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[put("/products/{id}")]
pub async fn update_product(
    state: web::Data<AppState>,
    Authed(actor, ..): Authed<Merchant>,
    path: web::Path<String>,
    body: JsonBody<UpdateProductRequest, Merchant>,
) -> Result<HttpResponse> {
    actor.require(Permission::CatalogWrite)?;
    let id = product_id(&path)?;
    let req = body.0;
    let cmd = UpdateProduct {
        name: req.name,
        sku: req.sku,
        category: req.category,
        description: req.description,
        price: req.price.map(|p| p.0),
        status: req
            .status
            .as_deref()
            .map(|s| ApiError::parse_field("status", s))
            .transpose()?,
        outlet_ids: req.outlet_ids,
    };
    let now = state.now();
    let view = blocking(&state, move |store| {
        store.write(|tx| catalog::update_product(tx, &actor, id, &cmd, now))
    })
    .await?;
    Ok(HttpResponse::Ok().json(Envelope::new(
        "Product updated",
        ProductResponse::from(view),
    )))
}

/// The id of a deleted product.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeletedProduct {
    /// Product id.
    pub id: i64,
    /// Always true: the product is archived, kept for order history.
    pub archived: bool,
}

/// Removes a product from the catalogue. Refused (409 `PRODUCT_IN_USE`) while it has stock on
/// hand or is on an open order; otherwise archived: gone from the catalogue, kept for history.
#[utoipa::path(
    tag = "merchant-products",
    params(("id" = i64, Path, description = "Product id")),
    responses(
        (status = 200, body = Envelope<DeletedProduct>),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "Role may not change the catalogue", body = MerchantErrorBody),
        (status = 404, description = "PRODUCT_NOT_FOUND", body = MerchantErrorBody),
        (status = 409, description = "PRODUCT_IN_USE", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[delete("/products/{id}")]
pub async fn delete_product(
    state: web::Data<AppState>,
    Authed(actor, ..): Authed<Merchant>,
    path: web::Path<String>,
) -> Result<HttpResponse> {
    let id = product_id(&path)?;
    let now = state.now();
    blocking(&state, move |store| {
        store.write(|tx| catalog::delete_product(tx, &actor, id, now))
    })
    .await?;
    Ok(HttpResponse::Ok().json(Envelope::new(
        "Product deleted",
        DeletedProduct {
            id: id.get(),
            archived: true,
        },
    )))
}

// ---------------------------------------------------------------------------------------------
// orders

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
