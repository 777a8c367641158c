//! Supabase-style edge functions (`/functions/v1/*`) for inventory and orders: request and
//! response fields, envelope and status codes of the edge-function documents.

use std::collections::BTreeMap;

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use kedai_app::inventory::{AdjustCommand, AdjustTarget, AllocateCommand, StockInCommand};
use kedai_app::orders::{
    CreateOrderCommand, OrderLine, PaymentCommand, SummaryCaller, clean_details,
};
use kedai_app::{AppError, AuthFailure, inventory, orders};
use kedai_identity::Permission;
use kedai_orders::{NewOrder, OrderDetails, Period, PeriodSummary};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::{Authed, MaybeAuthed};
use crate::body::JsonBody;
use crate::dto::{Decimal, EdgeErrorBody, IntId};
use crate::error::ApiError;
use crate::surface::Edge;
use crate::{AppState, blocking};

type Result<T> = std::result::Result<T, ApiError<Edge>>;

/// Registers the edge functions.
pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(stock_in)
        .service(stock_adjust)
        .service(allocate_inventory)
        .service(order_create)
        .service(mock_payment)
        .service(edge_order_summary);
}

// ---------------------------------------------------------------------------------------------
// stock-in

/// Receive stock.
#[derive(Debug, Deserialize, ToSchema)]
pub struct StockInRequest {
    /// Product id (integer, as a number or a string).
    #[schema(value_type = i64, example = 1)]
    pub product_id: IntId,
    /// Units received, a positive integer (at most 1 000 000 000).
    #[schema(example = 100, minimum = 1, maximum = 1_000_000_000)]
    pub quantity: i64,
    /// Source code: manual_stock_in (default), purchase_order, return_goods, transfer_in,
    /// production_complete, supplier_direct, other.
    #[schema(example = "purchase_order")]
    pub source: Option<String>,
    /// Note.
    pub note: Option<String>,
    /// Receipt time, RFC 3339 (default now; not in the future).
    pub received_at: Option<DateTime<Utc>>,
}

/// A stock-in done.
#[derive(Debug, Serialize, ToSchema)]
pub struct StockInResponse {
    /// Always true.
    pub success: bool,
    /// The new inventory record (lot).
    pub inventory_id: String,
    /// The product.
    pub product_id: i64,
    /// Units received.
    pub quantity: i64,
    /// The product's available stock afterwards.
    pub current_stock: i64,
    /// `庫存入庫成功`.
    pub message: String,
}

/// Adds a stock lot and records the receipt in the ledger.
#[utoipa::path(
    tag = "edge-functions",
    request_body = StockInRequest,
    responses(
        (status = 200, body = StockInResponse),
        (status = 400, description = "Bad parameters", body = EdgeErrorBody),
        (status = 401, description = "No or bad token", body = EdgeErrorBody),
        (status = 403, description = "Role may not receive stock", body = EdgeErrorBody),
        (status = 404, description = "Unknown product", body = EdgeErrorBody),
    ),
    security(("bearer" = []))
)]
#[post("/stock-in")]
pub async fn stock_in(
    state: web::Data<AppState>,
    Authed(actor, ..): Authed<Edge>,
    body: JsonBody<StockInRequest, Edge>,
) -> Result<HttpResponse> {
    actor.require(Permission::InventoryWrite)?;
    let req = body.0;
    let source = req
        .source
        .as_deref()
        .map(|s| ApiError::parse_field("source", s))
        .transpose()?;
    let cmd = StockInCommand {
        product_id: req.product_id.0,
        quantity: req.quantity,
        source,
        note: req.note,
        received_at: req.received_at,
    };
    let now = state.now();
    let done = blocking(&state, move |store| {
        store.write(|tx| inventory::stock_in(tx, &actor, &cmd, now))
    })
    .await?;
    Ok(HttpResponse::Ok().json(StockInResponse {
        success: true,
        inventory_id: done.lot.id.to_string(),
        product_id: done.lot.product_id.get(),
        quantity: done.lot.quantity,
        current_stock: done.current_stock,
        message: "庫存入庫成功".into(),
    }))
}

// ---------------------------------------------------------------------------------------------
// stock-adjust

/// Adjust stock, by product (newest record first) or by record.
#[derive(Debug, Deserialize, ToSchema)]
pub struct StockAdjustRequest {
    /// Product id, for a product-level adjustment (give this or `inventory_id`).
    #[schema(value_type = Option<i64>, example = 1)]
    pub product_id: Option<IntId>,
    /// Inventory record (lot) id, for a record-level adjustment.
    pub inventory_id: Option<String>,
    /// Units: positive adds, negative removes; never zero, at most 1 000 000 000 either way.
    #[schema(example = 15, minimum = -1_000_000_000, maximum = 1_000_000_000)]
    pub adjust_quantity: i64,
    /// Reason code. Increase: inventory_audit_increase, return_goods, supplier_compensation,
    /// miscount_correction. Decrease: inventory_audit_decrease, damage_writeoff,
    /// expired_removal, loss_theft, quality_issue. Either: other (needs `note`).
    #[schema(example = "inventory_audit_increase")]
    pub reason: String,
    /// Where the adjustment comes from (default manual_adjustment).
    pub source: Option<String>,
    /// Note; required with reason `other`.
    pub note: Option<String>,
}

/// An adjustment done.
#[derive(Debug, Serialize, ToSchema)]
pub struct StockAdjustResponse {
    /// Always true.
    pub success: bool,
    /// The record adjusted (the newest one touched).
    pub inventory_id: String,
    /// The product.
    pub product_id: i64,
    /// Signed units.
    pub adjustment_quantity: i64,
    /// `increase` or `decrease`.
    pub adjustment_type: String,
    /// Available before: the product's (product level) or the record's (record level).
    pub previous_available_stock: i64,
    /// Available after, on the same basis.
    pub new_available_stock: i64,
    /// Reason code.
    pub reason: String,
    /// `庫存調整成功`.
    pub message: String,
}

/// Adjusts stock under the rules of the inventory document.
#[utoipa::path(
    tag = "edge-functions",
    request_body = StockAdjustRequest,
    responses(
        (status = 200, body = StockAdjustResponse),
        (status = 400, description = "Bad parameters (zero, wrong reason direction, missing note)", body = EdgeErrorBody),
        (status = 401, description = "No or bad token", body = EdgeErrorBody),
        (status = 403, description = "Role may not adjust stock", body = EdgeErrorBody),
        (status = 404, description = "Unknown product or record", body = EdgeErrorBody),
        (status = 409, description = "Decrease beyond available stock, or of stock with no record", body = EdgeErrorBody),
    ),
    security(("bearer" = []))
)]
#[post("/stock-adjust")]
pub async fn stock_adjust(
    state: web::Data<AppState>,
    Authed(actor, ..): Authed<Edge>,
    body: JsonBody<StockAdjustRequest, Edge>,
) -> Result<HttpResponse> {
    actor.require(Permission::InventoryWrite)?;
    let req = body.0;
    let target = match (req.product_id, req.inventory_id.as_deref()) {
        (Some(p), None) => AdjustTarget::Product(p.0),
        (None, Some(lot)) => AdjustTarget::Lot(
            lot.parse()
                .map_err(|_| ApiError::invalid("inventory_id", "must be an inventory record id"))?,
        ),
        (Some(_), Some(_)) => {
            return Err(ApiError::invalid(
                "product_id",
                "give product_id or inventory_id, not both",
            ));
        }
        (None, None) => {
            return Err(ApiError::invalid(
                "product_id",
                "product_id or inventory_id is required",
            ));
        }
    };
    let cmd = AdjustCommand {
        target,
        quantity: req.adjust_quantity,
        reason: ApiError::parse_field("reason", &req.reason)?,
        source: req.source,
        note: req.note,
    };
    let now = state.now();
    let done = blocking(&state, move |store| {
        store.write(|tx| inventory::adjust_stock(tx, &actor, &cmd, now))
    })
    .await?;
    Ok(HttpResponse::Ok().json(StockAdjustResponse {
        success: true,
        inventory_id: done.lot_id.to_string(),
        product_id: done.product_id.get(),
        adjustment_quantity: done.quantity,
        adjustment_type: done.direction.to_string(),
        previous_available_stock: done.previous_available,
        new_available_stock: done.new_available,
        reason: done.reason.to_string(),
        message: "庫存調整成功".into(),
    }))
}

// ---------------------------------------------------------------------------------------------
// allocate-inventory

/// Allocate stock FIFO to a reference.
#[derive(Debug, Deserialize, ToSchema)]
pub struct AllocateRequest {
    /// Product id.
    #[schema(value_type = i64, example = 1)]
    pub product_id: IntId,
    /// Units, a positive integer.
    #[schema(example = 5)]
    pub quantity: i64,
    /// What allocates (default `order`), e.g. `order`, `adjustment`.
    #[schema(example = "order")]
    pub source: Option<String>,
    /// The reference served, e.g. an order id.
    #[schema(example = "pos-ticket-1042")]
    pub ref_id: String,
}

/// An allocation done.
#[derive(Debug, Serialize, ToSchema)]
pub struct AllocateResponse {
    /// Always true.
    pub success: bool,
    /// The product.
    pub product_id: i64,
    /// Available stock after the allocation.
    pub current_stock: i64,
}

/// Takes stock from the oldest lots first; all or nothing.
#[utoipa::path(
    tag = "edge-functions",
    request_body = AllocateRequest,
    responses(
        (status = 200, body = AllocateResponse),
        (status = 400, description = "Bad parameters", body = EdgeErrorBody),
        (status = 401, description = "No or bad token", body = EdgeErrorBody),
        (status = 403, description = "Role may not allocate stock", body = EdgeErrorBody),
        (status = 404, description = "Unknown product", body = EdgeErrorBody),
        (status = 409, description = "Insufficient stock; nothing allocated", body = EdgeErrorBody),
    ),
    security(("bearer" = []))
)]
#[post("/allocate-inventory")]
pub async fn allocate_inventory(
    state: web::Data<AppState>,
    Authed(actor, ..): Authed<Edge>,
    body: JsonBody<AllocateRequest, Edge>,
) -> Result<HttpResponse> {
    let req = body.0;
    let product_id = req.product_id.0.get();
    let cmd = AllocateCommand {
        product_id: req.product_id.0,
        quantity: req.quantity,
        source: req.source.unwrap_or_else(|| "order".into()),
        reference: req.ref_id,
    };
    let now = state.now();
    let stock = blocking(&state, move |store| {
        store.write(|tx| inventory::allocate(tx, &actor, &cmd, now))
    })
    .await?;
    Ok(HttpResponse::Ok().json(AllocateResponse {
        success: true,
        product_id,
        current_stock: stock,
    }))
}

// ---------------------------------------------------------------------------------------------
// order-create

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
    Authed(actor, ..): Authed<Edge>,
    body: JsonBody<OrderCreateRequest, Edge>,
) -> Result<HttpResponse> {
    actor.require(Permission::OrdersWrite)?;
    let OrderCreateRequest {
        order_data: d,
        items,
    } = body.0;
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
    let now = state.now();
    let view = blocking(&state, move |store| {
        store.write(|tx| orders::create_order(tx, &actor, &cmd, now))
    })
    .await?;
    Ok(HttpResponse::Ok().json(OrderCreateResponse {
        success: true,
        order_id: view.order.id.to_string(),
        order_number: view.order.order_number.to_string(),
        status: view.order.status.to_string(),
        total_amount: view.order.total_amount.to_f64(),
    }))
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
    Authed(actor, ..): Authed<Edge>,
    body: JsonBody<MockPaymentRequest, Edge>,
) -> Result<HttpResponse> {
    actor.require(Permission::PaymentsWrite)?;
    let req = body.0;
    let cmd = PaymentCommand {
        order_id: req
            .order_id
            .parse()
            .map_err(|_| AppError::not_found("order", &req.order_id))?,
        method: req.method,
        amount: req.amount.0,
        status: ApiError::parse_field("status", &req.status)?,
        payment_intent_id: None,
    };
    let now = state.now();
    let done = blocking(&state, move |store| {
        store.write(|tx| orders::record_payment(tx, &actor, &cmd, now))
    })
    .await?;
    Ok(HttpResponse::Ok().json(MockPaymentResponse {
        success: true,
        payment_id: done.payment.id.to_string(),
        order_id: done.payment.order_id.to_string(),
        payment_status: done.payment.status.to_string(),
        order_status: done.order_status.to_string(),
    }))
}

// ---------------------------------------------------------------------------------------------
// order-summary

/// One local day of a period.
#[derive(Debug, Serialize, ToSchema)]
pub struct SummaryDay {
    /// Local date, `YYYY-MM-DD`.
    pub date: String,
    /// Orders created that day.
    pub total_orders: i64,
    /// Their value, cancelled and refunded excluded.
    pub total_amount: f64,
    /// Of them, ever paid.
    pub paid_orders: i64,
    /// Of them, cancelled or refunded.
    pub cancelled_orders: i64,
}

/// One period's summary.
#[derive(Debug, Serialize, ToSchema)]
pub struct PeriodSummaryBody {
    /// Every day of the period, oldest first, empty days included.
    pub data: Vec<SummaryDay>,
    /// Σ totals of orders created in the period, cancelled and refunded ones excluded.
    pub total_amount: f64,
    /// Orders created in the period, whatever their status.
    pub total_orders: i64,
    /// Share of those orders ever paid (0–1, 4 decimals; 0 with no orders).
    pub paid_rate: f64,
    /// Share of those orders cancelled or refunded (0–1, 4 decimals; 0 with no orders).
    pub cancel_rate: f64,
    /// First local date of the period.
    pub from: String,
    /// Last local date (today).
    pub to: String,
}

/// Summaries by period label (named apart from the merchant API's `OrderSummaryResponse`, which
/// would otherwise replace it in the OpenAPI document).
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = EdgeOrderSummaryResponse)]
pub struct OrderSummaryResponse {
    /// Always true.
    pub success: bool,
    /// One entry per requested `period_label`.
    pub data: BTreeMap<String, PeriodSummaryBody>,
}

fn summary_body(s: &PeriodSummary, currency: kedai_core::Currency) -> PeriodSummaryBody {
    let money = |minor| kedai_core::Money::from_minor(minor, currency).to_f64();
    PeriodSummaryBody {
        data: s
            .days
            .iter()
            .map(|d| SummaryDay {
                date: d.date.to_string(),
                total_orders: d.total_orders,
                total_amount: money(d.total_amount_minor),
                paid_orders: d.paid_orders,
                cancelled_orders: d.cancelled_orders,
            })
            .collect(),
        total_amount: money(s.total_amount_minor),
        total_orders: s.total_orders,
        paid_rate: s.paid_rate,
        cancel_rate: s.cancel_rate,
        from: s.from.to_string(),
        to: s.to.to_string(),
    }
}

fn periods(query: &str) -> Result<Vec<Period>> {
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_str(query).map_err(|e| ApiError::invalid("query", e.to_string()))?;
    let mut periods = Vec::new();
    for label in pairs
        .iter()
        .filter(|(k, _)| k == "period_label" || k == "period_label[]")
        .flat_map(|(_, v)| v.split(','))
    {
        let label = label.trim();
        if label.is_empty() {
            continue;
        }
        let p: Period = ApiError::parse_field("period_label", label)?;
        if !periods.contains(&p) {
            periods.push(p);
        }
    }
    Ok(periods)
}

/// Order statistics per period, with day boundaries in the merchant's time zone. The tenant
/// comes from the bearer token, or — only for merchants that opted in to a public summary —
/// from `X-Company-Id` without a token.
#[utoipa::path(
    tag = "edge-functions",
    params(
        ("period_label" = Option<Vec<String>>, Query, explode = true, description = "One or more of today, last_7_days, last_30_days, last_60_days, last_6_months, last_1_year (repeat the parameter or separate with commas); all when absent"),
        ("X-Company-Id" = Option<String>, Header, description = "Merchant id, for a public summary without a token"),
    ),
    responses(
        (status = 200, body = OrderSummaryResponse),
        (status = 400, description = "Unknown period label", body = EdgeErrorBody),
        (status = 401, description = "No token and no opted-in merchant, or a bad token", body = EdgeErrorBody),
        (status = 403, description = "Role may not read reports", body = EdgeErrorBody),
    ),
    security((), ("bearer" = []))
)]
#[get("/order-summary")]
pub async fn edge_order_summary(
    state: web::Data<AppState>,
    req: HttpRequest,
    MaybeAuthed(actor, ..): MaybeAuthed<Edge>,
) -> Result<HttpResponse> {
    let periods = periods(req.query_string())?;
    let caller = match actor {
        Some(a) => SummaryCaller::Staff(a),
        None => {
            let company = req
                .headers()
                .get("x-company-id")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse().ok())
                .ok_or(AppError::Unauthenticated(AuthFailure::Missing))?;
            SummaryCaller::Public(company)
        }
    };
    let now = state.now();
    let summary = blocking(&state, move |store| {
        store.read(|tx| orders::order_summary(tx, caller, &periods, now))
    })
    .await?;
    let data = summary
        .periods
        .iter()
        .map(|s| {
            (
                s.period.label().to_owned(),
                summary_body(s, summary.currency),
            )
        })
        .collect();
    Ok(HttpResponse::Ok().json(OrderSummaryResponse {
        success: true,
        data,
    }))
}
