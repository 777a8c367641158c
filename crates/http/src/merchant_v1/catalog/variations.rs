//! Variations of a variable product (003 §12).

use actix_web::{HttpResponse, delete, get, patch, post, web};
use kedai_app::Entity;
use kedai_app::catalog::{self, StorefrontInput, VariationInput, VariationView};
use kedai_catalog::OptionValueId;
use kedai_identity::Permission;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::*;
use crate::AppState;
use crate::auth::Staff;
use crate::body::JsonBody;
use crate::dto::{Decimal, IntId, MerchantErrorBody, MerchantOk as Envelope, double_option};
use crate::error::ApiError;
use crate::surface::Merchant;

/// An option and its chosen value.
#[derive(Debug, Serialize, ToSchema)]
pub struct SelectedOptionResponse {
    /// Option name (`Colour`).
    pub option_name: String,
    /// Value (`Red`).
    pub value: String,
}

/// A variation: a product of its own (stock it in like any product) under a `variable`
/// parent.
#[derive(Debug, Serialize, ToSchema)]
pub struct VariationResponse {
    /// The variation's product fields, stock included.
    #[serde(flatten)]
    pub product: ProductResponse,
    /// Its option values.
    pub option_value_ids: Vec<i64>,
    /// Its options and values, in the parent's option order.
    pub selected_options: Vec<SelectedOptionResponse>,
}

impl From<VariationView> for VariationResponse {
    fn from(v: VariationView) -> Self {
        Self {
            product: ProductResponse::from(v.view),
            option_value_ids: v.values.iter().map(|x| x.get()).collect(),
            selected_options: v
                .selected
                .into_iter()
                .map(|(option_name, value)| SelectedOptionResponse { option_name, value })
                .collect(),
        }
    }
}

/// A variation to create or change; absent fields stay (or, on create, default to the
/// parent's price and a name made from the parent's and the option values).
#[derive(Debug, Deserialize, ToSchema)]
pub struct VariationRequest {
    /// Name.
    #[schema(example = "Tee - Red / L")]
    pub name: Option<String>,
    /// SKU, unique among the merchant's products.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, example = "TEE-RED-L")]
    pub sku: Option<Option<String>>,
    /// Price in major units, not negative.
    #[schema(value_type = Option<f64>, example = 59.9)]
    pub price: Option<Decimal>,
    /// Discounted price, below the price.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<f64>)]
    pub discount_price: Option<Option<Decimal>>,
    /// Members' price, not above the price.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<f64>)]
    pub member_price: Option<Option<Decimal>>,
    /// `active` (default) or `inactive`.
    pub status: Option<String>,
    /// Values of the parent's options, at most one per option, every required option
    /// answered; no two variations may have the same values.
    #[schema(value_type = Option<Vec<i64>>)]
    pub option_value_ids: Option<Vec<IntId>>,
    /// Shipping weight as written.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub shipping_weight: Option<Option<String>>,
    /// Whether stock is counted.
    pub track_inventory: Option<bool>,
    /// Low-stock threshold.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i64>)]
    pub low_stock_threshold: Option<Option<i64>>,
}

impl VariationRequest {
    fn into_input(self) -> Result<VariationInput> {
        Ok(VariationInput {
            name: self.name,
            sku: self.sku,
            price: self.price.map(|p| p.0),
            status: self
                .status
                .as_deref()
                .map(|s| ApiError::parse_field("status", s))
                .transpose()?,
            option_value_ids: self
                .option_value_ids
                .map(|ids| {
                    ids.into_iter()
                        .enumerate()
                        .map(|(i, v)| int(&format!("option_value_ids[{i}]"), v, OptionValueId::new))
                        .collect::<Result<Vec<_>>>()
                })
                .transpose()?,
            shop: StorefrontInput {
                discount_price: amount(self.discount_price),
                member_price: amount(self.member_price),
                shipping_weight: self.shipping_weight,
                track_inventory: self.track_inventory,
                low_stock_threshold: self.low_stock_threshold,
                ..StorefrontInput::default()
            },
        })
    }
}

/// The variations of a product, oldest first, each with its own stock.
#[utoipa::path(
    tag = "merchant-catalogue",
    params(("id" = i64, Path, description = "Parent product id")),
    responses(
        (status = 200, body = Envelope<Vec<VariationResponse>>),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 404, description = "PRODUCT_NOT_FOUND", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[get("/products/{id}/variations")]
pub async fn list_variations(
    staff: Staff<Merchant>,
    path: web::Path<String>,
) -> Result<HttpResponse> {
    let id = product_id(&path)?;
    let list = staff
        .run(move |store, actor| store.read(|tx| catalog::list_variations(tx, &actor, id)))
        .await?;
    Ok(HttpResponse::Ok().json(Envelope::new(
        "Variations",
        list.into_iter()
            .map(VariationResponse::from)
            .collect::<Vec<_>>(),
    )))
}

/// Adds a variation to a `variable` product.
#[utoipa::path(
    tag = "merchant-catalogue",
    params(("id" = i64, Path, description = "Parent product id")),
    request_body = VariationRequest,
    responses(
        (status = 201, body = Envelope<VariationResponse>),
        (status = 400, description = "Malformed body", body = MerchantErrorBody),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "Role may not change the catalogue", body = MerchantErrorBody),
        (status = 404, description = "PRODUCT_NOT_FOUND", body = MerchantErrorBody),
        (status = 409, description = "PRODUCT_NOT_VARIABLE, PRODUCT_IS_VARIATION, VARIATION_EXISTS, SKU_TAKEN", body = MerchantErrorBody),
        (status = 422, description = "Bad fields", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[post("/products/{id}/variations")]
pub async fn create_variation(
    state: web::Data<AppState>,
    mut staff: Staff<Merchant>,
    path: web::Path<String>,
    body: JsonBody<VariationRequest, Merchant>,
) -> Result<HttpResponse> {
    staff.require(Permission::CatalogWrite);
    let id = product_id(&path)?;
    let input = body.0.into_input()?;
    let now = state.now();
    let v = staff
        .run(move |store, actor| {
            store.write(|tx| catalog::create_variation(tx, &actor, id, &input, now))
        })
        .await?;
    Ok(HttpResponse::Created().json(Envelope::new(
        "Variation created",
        VariationResponse::from(v),
    )))
}

fn variation_id(raw: &str) -> Result<kedai_core::ProductId> {
    raw.parse()
        .map_err(|_| AppError::not_found(Entity::Variation, raw).into())
}

/// Changes a variation.
#[utoipa::path(
    tag = "merchant-catalogue",
    params(
        ("id" = i64, Path, description = "Parent product id"),
        ("variationId" = i64, Path, description = "Variation id"),
    ),
    request_body = VariationRequest,
    responses(
        (status = 200, body = Envelope<VariationResponse>),
        (status = 400, description = "Malformed body", body = MerchantErrorBody),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "Role may not change the catalogue", body = MerchantErrorBody),
        (status = 404, description = "PRODUCT_NOT_FOUND, NOT_FOUND", body = MerchantErrorBody),
        (status = 409, description = "VARIATION_EXISTS, SKU_TAKEN", body = MerchantErrorBody),
        (status = 422, description = "Bad fields", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[patch("/products/{id}/variations/{variationId}")]
pub async fn update_variation(
    state: web::Data<AppState>,
    mut staff: Staff<Merchant>,
    path: web::Path<(String, String)>,
    body: JsonBody<VariationRequest, Merchant>,
) -> Result<HttpResponse> {
    staff.require(Permission::CatalogWrite);
    let (parent, variation) = path.into_inner();
    let parent = product_id(&parent)?;
    let variation = variation_id(&variation)?;
    let input = body.0.into_input()?;
    let now = state.now();
    let v = staff
        .run(move |store, actor| {
            store.write(|tx| catalog::update_variation(tx, &actor, parent, variation, &input, now))
        })
        .await?;
    Ok(HttpResponse::Ok().json(Envelope::new(
        "Variation updated",
        VariationResponse::from(v),
    )))
}

/// Deletes a variation: refused (409 `PRODUCT_IN_USE`) while it has stock or is on an open
/// order; otherwise archived.
#[utoipa::path(
    tag = "merchant-catalogue",
    params(
        ("id" = i64, Path, description = "Parent product id"),
        ("variationId" = i64, Path, description = "Variation id"),
    ),
    responses(
        (status = 200, body = Envelope<DeletedInt>),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "Role may not change the catalogue", body = MerchantErrorBody),
        (status = 404, description = "PRODUCT_NOT_FOUND, NOT_FOUND", body = MerchantErrorBody),
        (status = 409, description = "PRODUCT_IN_USE", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[delete("/products/{id}/variations/{variationId}")]
pub async fn delete_variation(
    state: web::Data<AppState>,
    mut staff: Staff<Merchant>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse> {
    staff.require(Permission::CatalogWrite);
    let (parent, variation) = path.into_inner();
    let parent = product_id(&parent)?;
    let variation = variation_id(&variation)?;
    let now = state.now();
    staff
        .run(move |store, actor| {
            store.write(|tx| catalog::delete_variation(tx, &actor, parent, variation, now))
        })
        .await?;
    Ok(HttpResponse::Ok().json(Envelope::new(
        "Variation deleted",
        DeletedInt {
            id: variation.get(),
            deleted: true,
        },
    )))
}
