//! Stock: receiving, adjusting and allocating FIFO (the inventory edge functions).

use actix_web::{HttpRequest, HttpResponse, post, web};
use chrono::{DateTime, Utc};
use kedai_app::inventory;
use kedai_app::inventory::{AdjustCommand, AdjustTarget, AllocateCommand, StockInCommand};
use kedai_identity::Permission;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::AppState;
use crate::auth::Staff;
use crate::body::JsonBody;
use crate::dto::{EdgeErrorBody, IntId};
use crate::error::ApiError;
use crate::surface::Edge;

use super::Result;
use crate::auth::staff_principal;
use crate::body::{RawBody, parse_json};
use crate::idempotency::create;
use actix_web::http::StatusCode;

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
    params(crate::idempotency::IdempotencyKey),
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
    req: HttpRequest,
    body: RawBody<Edge>,
) -> Result<HttpResponse> {
    let now = state.now();
    let caller = staff_principal::<Edge>(&req, now)?;
    create(
        &state,
        &req,
        body.0,
        caller,
        move |store, (actor, _), body, finish| {
            actor.require(Permission::InventoryWrite)?;
            let request: StockInRequest = parse_json(body)?;
            let source = request
                .source
                .as_deref()
                .map(|s| ApiError::parse_field("source", s))
                .transpose()?;
            let cmd = StockInCommand {
                product_id: request.product_id.0,
                quantity: request.quantity,
                source,
                note: request.note,
                received_at: request.received_at,
            };
            Ok(finish.write(store, StatusCode::OK, |tx| {
                let done = inventory::stock_in(tx, &actor, &cmd, now)?;
                Ok(StockInResponse {
                    success: true,
                    inventory_id: done.lot.id.to_string(),
                    product_id: done.lot.product_id.get(),
                    quantity: done.lot.quantity,
                    current_stock: done.current_stock,
                    message: "庫存入庫成功".into(),
                })
            })?)
        },
    )
    .await
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
    mut staff: Staff<Edge>,
    body: JsonBody<StockAdjustRequest, Edge>,
) -> Result<HttpResponse> {
    staff.require(Permission::InventoryWrite);
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
    let done = staff
        .run(move |store, actor| store.write(|tx| inventory::adjust_stock(tx, &actor, &cmd, now)))
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
    params(crate::idempotency::IdempotencyKey),
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
    req: HttpRequest,
    body: RawBody<Edge>,
) -> Result<HttpResponse> {
    let now = state.now();
    let caller = staff_principal::<Edge>(&req, now)?;
    create(
        &state,
        &req,
        body.0,
        caller,
        move |store, (actor, _), body, finish| {
            let request: AllocateRequest = parse_json(body)?;
            let product_id = request.product_id.0.get();
            let cmd = AllocateCommand {
                product_id: request.product_id.0,
                quantity: request.quantity,
                source: request.source.unwrap_or_else(|| "order".into()),
                reference: request.ref_id,
            };
            Ok(finish.write(store, StatusCode::OK, |tx| {
                let stock = inventory::allocate(tx, &actor, &cmd, now)?;
                Ok(AllocateResponse {
                    success: true,
                    product_id,
                    current_stock: stock,
                })
            })?)
        },
    )
    .await
}
