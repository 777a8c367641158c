//! The shop's checkout options: shipping methods and payment-method options. Everyone signed
//! in reads them (`catalog:read`); owners and admins change them (`merchant:write`).

use actix_web::{HttpResponse, delete, get, patch, post, web};
use chrono::{DateTime, Utc};
use kedai_app::Entity;
use kedai_app::checkout::methods::{
    self as shop_methods, PaymentMethodChange, PaymentMethodInput, ShippingMethodChange,
    ShippingMethodInput,
};
use kedai_identity::Permission;
use kedai_orders::{ShippingMethod, ShippingMethodId, ShopPaymentMethod, ShopPaymentMethodId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::*;
use crate::AppState;
use crate::auth::Staff;
use crate::body::JsonBody;
use crate::dto::{Decimal, MerchantErrorBody, MerchantOk as Envelope, double_option};
use crate::surface::Merchant;

pub(super) fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_shipping_methods)
        .service(create_shipping_method)
        .service(update_shipping_method)
        .service(delete_shipping_method)
        .service(list_payment_methods)
        .service(create_payment_method)
        .service(update_payment_method)
        .service(delete_payment_method);
}

fn shipping_method_id(raw: &str) -> Result<ShippingMethodId> {
    raw.parse()
        .map_err(|_| AppError::not_found(Entity::ShippingMethod, raw).into())
}

fn payment_method_id(raw: &str) -> Result<ShopPaymentMethodId> {
    raw.parse()
        .map_err(|_| AppError::not_found(Entity::PaymentMethod, raw).into())
}

/// A shipping method.
#[derive(Debug, Serialize, ToSchema)]
pub struct ShippingMethodResponse {
    /// Integer id.
    pub id: i64,
    /// Name shown at checkout.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// Cost in major units.
    pub cost: f64,
    /// Subtotal (major units) from which it is free; null: never free.
    pub free_shipping_threshold: Option<f64>,
    /// ISO-4217 currency of the amounts.
    pub currency: String,
    /// Delivery estimate (`2-3`).
    pub estimated_days: Option<String>,
    /// Offered at checkout.
    pub active: bool,
    /// Position in the list (lower first).
    pub sort_order: i32,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

impl From<ShippingMethod> for ShippingMethodResponse {
    fn from(m: ShippingMethod) -> Self {
        Self {
            id: m.id.get(),
            name: m.name,
            description: m.description,
            cost: m.cost.to_f64(),
            free_shipping_threshold: m.free_shipping_threshold.map(|t| t.to_f64()),
            currency: m.cost.currency().code().to_owned(),
            estimated_days: m.estimated_days,
            active: m.active,
            sort_order: m.sort_order,
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

/// A new shipping method.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateShippingMethodRequest {
    /// Name, 1–100 characters.
    #[schema(example = "Standard courier")]
    pub name: String,
    /// Description, up to 2000 characters.
    pub description: Option<String>,
    /// Cost in major units, not negative.
    #[schema(value_type = f64, example = 30)]
    pub cost: Decimal,
    /// Subtotal in major units from which it is free.
    #[schema(value_type = Option<f64>, example = 500)]
    pub free_shipping_threshold: Option<Decimal>,
    /// Delivery estimate, up to 50 characters.
    #[schema(example = "2-3")]
    pub estimated_days: Option<String>,
    /// Offered at checkout (default true).
    pub active: Option<bool>,
    /// Position in the list (default 0).
    pub sort_order: Option<i32>,
}

/// Changes to a shipping method: absent fields stay; `null` clears description, threshold or
/// estimate.
#[derive(Debug, Deserialize, ToSchema)]
pub struct UpdateShippingMethodRequest {
    /// Name.
    pub name: Option<String>,
    /// Description.
    #[serde(default, deserialize_with = "double_option")]
    pub description: Option<Option<String>>,
    /// Cost in major units.
    #[schema(value_type = Option<f64>)]
    pub cost: Option<Decimal>,
    /// Free-shipping threshold in major units.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<f64>)]
    pub free_shipping_threshold: Option<Option<Decimal>>,
    /// Delivery estimate.
    #[serde(default, deserialize_with = "double_option")]
    pub estimated_days: Option<Option<String>>,
    /// Offered at checkout.
    pub active: Option<bool>,
    /// Position.
    pub sort_order: Option<i32>,
}

/// A shop payment-method option.
#[derive(Debug, Serialize, ToSchema)]
pub struct PaymentMethodResponse {
    /// Id.
    pub id: String,
    /// Name shown at checkout, and recorded as the payment's method.
    pub name: String,
    /// `gateway`, `manual` or `cash_on_delivery`.
    #[serde(rename = "type")]
    pub kind: String,
    /// What the customer must do to pay (manual methods).
    pub instructions: Option<String>,
    /// True for `gateway`: checkout opens a payment at the gateway.
    pub has_gateway: bool,
    /// Position in the list (lower first).
    pub position: i32,
    /// Offered at checkout.
    pub active: bool,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

impl From<ShopPaymentMethod> for PaymentMethodResponse {
    fn from(m: ShopPaymentMethod) -> Self {
        Self {
            has_gateway: m.has_gateway(),
            id: m.id.to_string(),
            name: m.name,
            kind: m.kind.to_string(),
            instructions: m.instructions,
            position: m.position,
            active: m.active,
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

/// A new payment method.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CreatePaymentMethodRequest {
    /// Name, 1–64 characters.
    #[schema(example = "Bank transfer")]
    pub name: String,
    /// `gateway`, `manual` or `cash_on_delivery`.
    #[serde(rename = "type")]
    #[schema(example = "manual")]
    pub kind: String,
    /// What the customer must do to pay, up to 2000 characters.
    #[schema(example = "Transfer the total to HSBC 123-456789-001 and keep the receipt.")]
    pub instructions: Option<String>,
    /// Position in the list (default 0).
    pub position: Option<i32>,
    /// Offered at checkout (default true).
    pub active: Option<bool>,
}

/// Changes to a payment method: absent fields stay; `null` clears the instructions.
#[derive(Debug, Deserialize, ToSchema)]
pub struct UpdatePaymentMethodRequest {
    /// Name.
    pub name: Option<String>,
    /// `gateway`, `manual` or `cash_on_delivery`.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// Instructions.
    #[serde(default, deserialize_with = "double_option")]
    pub instructions: Option<Option<String>>,
    /// Position.
    pub position: Option<i32>,
    /// Offered at checkout.
    pub active: Option<bool>,
}

/// A shipping method, deleted.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeletedShippingMethod {
    /// Its id.
    pub id: i64,
    /// Always true.
    pub deleted: bool,
}

/// A payment-method option, deleted.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeletedPaymentMethod {
    /// Its id.
    pub id: String,
    /// Always true.
    pub deleted: bool,
}

/// Lists the shop's shipping methods, active or not, by sort order.
#[utoipa::path(
    tag = "merchant-shop",
    responses(
        (status = 200, body = Envelope<Vec<ShippingMethodResponse>>),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[get("/shipping-methods")]
pub async fn list_shipping_methods(mut staff: Staff<Merchant>) -> Result<HttpResponse> {
    staff.require(Permission::CatalogRead);
    let list = staff
        .run(move |store, actor| store.read(|tx| shop_methods::list_shipping_methods(tx, &actor)))
        .await?;
    Ok(HttpResponse::Ok().json(Envelope::new(
        "Shipping methods",
        list.into_iter()
            .map(ShippingMethodResponse::from)
            .collect::<Vec<_>>(),
    )))
}

/// Creates a shipping method.
#[utoipa::path(
    tag = "merchant-shop",
    request_body = CreateShippingMethodRequest,
    responses(
        (status = 201, body = Envelope<ShippingMethodResponse>),
        (status = 400, description = "Malformed body", body = MerchantErrorBody),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "Role may not change shop settings", body = MerchantErrorBody),
        (status = 422, description = "Bad fields", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[post("/shipping-methods")]
pub async fn create_shipping_method(
    state: web::Data<AppState>,
    mut staff: Staff<Merchant>,
    body: JsonBody<CreateShippingMethodRequest, Merchant>,
) -> Result<HttpResponse> {
    staff.require(Permission::MerchantWrite);
    let r = body.0;
    let input = ShippingMethodInput {
        name: r.name,
        description: r.description,
        cost: r.cost.0,
        free_shipping_threshold: r.free_shipping_threshold.map(|d| d.0),
        estimated_days: r.estimated_days,
        active: r.active,
        sort_order: r.sort_order,
    };
    let now = state.now();
    let method = staff
        .run_with_tenant(move |store, actor, tenant| {
            store.write(|tx| shop_methods::create_shipping_method(tx, &actor, &tenant, &input, now))
        })
        .await?;
    Ok(HttpResponse::Created().json(Envelope::new(
        "Shipping method created",
        ShippingMethodResponse::from(method),
    )))
}

/// Changes a shipping method.
#[utoipa::path(
    tag = "merchant-shop",
    params(("id" = i64, Path, description = "Shipping method id")),
    request_body = UpdateShippingMethodRequest,
    responses(
        (status = 200, body = Envelope<ShippingMethodResponse>),
        (status = 400, description = "Malformed body", body = MerchantErrorBody),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "Role may not change shop settings", body = MerchantErrorBody),
        (status = 404, description = "SHIPPING_METHOD_NOT_FOUND", body = MerchantErrorBody),
        (status = 422, description = "Bad fields", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[patch("/shipping-methods/{id}")]
pub async fn update_shipping_method(
    state: web::Data<AppState>,
    mut staff: Staff<Merchant>,
    path: web::Path<String>,
    body: JsonBody<UpdateShippingMethodRequest, Merchant>,
) -> Result<HttpResponse> {
    staff.require(Permission::MerchantWrite);
    let id = shipping_method_id(&path)?;
    let r = body.0;
    let change = ShippingMethodChange {
        name: r.name,
        description: r.description,
        cost: r.cost.map(|d| d.0),
        free_shipping_threshold: r.free_shipping_threshold.map(|t| t.map(|d| d.0)),
        estimated_days: r.estimated_days,
        active: r.active,
        sort_order: r.sort_order,
    };
    let now = state.now();
    let method = staff
        .run_with_tenant(move |store, actor, tenant| {
            store.write(|tx| {
                shop_methods::update_shipping_method(tx, &actor, &tenant, id, &change, now)
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(Envelope::new(
        "Shipping method updated",
        ShippingMethodResponse::from(method),
    )))
}

/// Deletes a shipping method: checkout stops offering it; orders that used it keep its name
/// and cost.
#[utoipa::path(
    tag = "merchant-shop",
    params(("id" = i64, Path, description = "Shipping method id")),
    responses(
        (status = 200, body = Envelope<DeletedShippingMethod>),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "Role may not change shop settings", body = MerchantErrorBody),
        (status = 404, description = "SHIPPING_METHOD_NOT_FOUND", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[delete("/shipping-methods/{id}")]
pub async fn delete_shipping_method(
    state: web::Data<AppState>,
    mut staff: Staff<Merchant>,
    path: web::Path<String>,
) -> Result<HttpResponse> {
    staff.require(Permission::MerchantWrite);
    let id = shipping_method_id(&path)?;
    let now = state.now();
    staff
        .run(move |store, actor| {
            store.write(|tx| shop_methods::delete_shipping_method(tx, &actor, id, now))
        })
        .await?;
    Ok(HttpResponse::Ok().json(Envelope::new(
        "Shipping method deleted",
        DeletedShippingMethod {
            id: id.get(),
            deleted: true,
        },
    )))
}

/// Lists the shop's payment-method options, active or not, by position.
#[utoipa::path(
    tag = "merchant-shop",
    responses(
        (status = 200, body = Envelope<Vec<PaymentMethodResponse>>),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[get("/payment-methods")]
pub async fn list_payment_methods(mut staff: Staff<Merchant>) -> Result<HttpResponse> {
    staff.require(Permission::CatalogRead);
    let list = staff
        .run(move |store, actor| store.read(|tx| shop_methods::list_payment_methods(tx, &actor)))
        .await?;
    Ok(HttpResponse::Ok().json(Envelope::new(
        "Payment methods",
        list.into_iter()
            .map(PaymentMethodResponse::from)
            .collect::<Vec<_>>(),
    )))
}

/// Creates a payment-method option.
#[utoipa::path(
    tag = "merchant-shop",
    request_body = CreatePaymentMethodRequest,
    responses(
        (status = 201, body = Envelope<PaymentMethodResponse>),
        (status = 400, description = "Malformed body", body = MerchantErrorBody),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "Role may not change shop settings", body = MerchantErrorBody),
        (status = 422, description = "Bad fields", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[post("/payment-methods")]
pub async fn create_payment_method(
    state: web::Data<AppState>,
    mut staff: Staff<Merchant>,
    body: JsonBody<CreatePaymentMethodRequest, Merchant>,
) -> Result<HttpResponse> {
    staff.require(Permission::MerchantWrite);
    let r = body.0;
    let input = PaymentMethodInput {
        name: r.name,
        kind: r.kind,
        instructions: r.instructions,
        position: r.position,
        active: r.active,
    };
    let now = state.now();
    let method = staff
        .run(move |store, actor| {
            store.write(|tx| shop_methods::create_payment_method(tx, &actor, &input, now))
        })
        .await?;
    Ok(HttpResponse::Created().json(Envelope::new(
        "Payment method created",
        PaymentMethodResponse::from(method),
    )))
}

/// Changes a payment-method option.
#[utoipa::path(
    tag = "merchant-shop",
    params(("id" = String, Path, description = "Payment method id")),
    request_body = UpdatePaymentMethodRequest,
    responses(
        (status = 200, body = Envelope<PaymentMethodResponse>),
        (status = 400, description = "Malformed body", body = MerchantErrorBody),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "Role may not change shop settings", body = MerchantErrorBody),
        (status = 404, description = "PAYMENT_METHOD_NOT_FOUND", body = MerchantErrorBody),
        (status = 422, description = "Bad fields", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[patch("/payment-methods/{id}")]
pub async fn update_payment_method(
    state: web::Data<AppState>,
    mut staff: Staff<Merchant>,
    path: web::Path<String>,
    body: JsonBody<UpdatePaymentMethodRequest, Merchant>,
) -> Result<HttpResponse> {
    staff.require(Permission::MerchantWrite);
    let id = payment_method_id(&path)?;
    let r = body.0;
    let change = PaymentMethodChange {
        name: r.name,
        kind: r.kind,
        instructions: r.instructions,
        position: r.position,
        active: r.active,
    };
    let now = state.now();
    let method = staff
        .run(move |store, actor| {
            store.write(|tx| shop_methods::update_payment_method(tx, &actor, id, &change, now))
        })
        .await?;
    Ok(HttpResponse::Ok().json(Envelope::new(
        "Payment method updated",
        PaymentMethodResponse::from(method),
    )))
}

/// Deletes a payment-method option: checkout stops offering it.
#[utoipa::path(
    tag = "merchant-shop",
    params(("id" = String, Path, description = "Payment method id")),
    responses(
        (status = 200, body = Envelope<DeletedPaymentMethod>),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "Role may not change shop settings", body = MerchantErrorBody),
        (status = 404, description = "PAYMENT_METHOD_NOT_FOUND", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[delete("/payment-methods/{id}")]
pub async fn delete_payment_method(
    state: web::Data<AppState>,
    mut staff: Staff<Merchant>,
    path: web::Path<String>,
) -> Result<HttpResponse> {
    staff.require(Permission::MerchantWrite);
    let id = payment_method_id(&path)?;
    let now = state.now();
    staff
        .run(move |store, actor| {
            store.write(|tx| shop_methods::delete_payment_method(tx, &actor, id, now))
        })
        .await?;
    Ok(HttpResponse::Ok().json(Envelope::new(
        "Payment method deleted",
        DeletedPaymentMethod {
            id: id.to_string(),
            deleted: true,
        },
    )))
}
