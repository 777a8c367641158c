//! The shop's shipping and payment methods, as the storefront lists them.

use actix_web::{HttpRequest, HttpResponse, get};
use kedai_app::checkout::methods as shop_methods;
use kedai_core::Money;
use kedai_orders::{ShippingMethod, ShopPaymentMethod};
use serde::Serialize;
use utoipa::{IntoParams, ToSchema};

use crate::dto::PortalErrorBody;
use crate::portal_v6::{PortalOk, Result, Shop, ok};
use crate::query::Query;

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
pub async fn list_shop_shipping_methods(shop: Shop, req: HttpRequest) -> Result<HttpResponse> {
    let amount = Query::of(&req)?.text_any(&["order_amount", "orderAmount"]);
    let (list, amount) = shop
        .run(move |store, tenant| {
            let amount = amount
                .map(|v| match Money::parse_decimal(&v, tenant.currency) {
                    Ok(m) if !m.is_negative() => Ok(m),
                    _ => Err(kedai_app::AppError::invalid(
                        "order_amount",
                        "must be an amount of at least 0",
                    )),
                })
                .transpose()?;
            let list = store.read(|tx| shop_methods::shop_shipping_methods(tx, tenant.id))?;
            Ok((list, amount))
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
pub async fn list_shop_payment_methods(shop: Shop) -> Result<HttpResponse> {
    let list = shop
        .run(move |store, tenant| {
            store.read(|tx| shop_methods::shop_payment_methods(tx, tenant.id))
        })
        .await?;
    Ok(ok(list
        .into_iter()
        .map(ShopPaymentMethodResponse::from)
        .collect::<Vec<_>>()))
}
