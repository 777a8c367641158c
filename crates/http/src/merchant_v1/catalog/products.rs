//! The catalogue: products (003 §12).

use actix_web::{HttpResponse, delete, get, patch, post, put, web};
use chrono::{DateTime, Utc};
use kedai_app::catalog::{self, CreateProduct, ProductView, UpdateProduct};
use kedai_catalog::{ProductFilter, ProductStatus};
use kedai_identity::{OutletId, Permission};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::with_storefront_fields;
use super::*;
use crate::AppState;
use crate::auth::Staff;
use crate::body::JsonBody;
use crate::dto::{
    Decimal, MerchantErrorBody, MerchantList, MerchantOk as Envelope, PageMeta, double_option,
};
use crate::error::ApiError;
use crate::query::Query;
use crate::surface::Merchant;

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
    /// Storefront path name.
    pub slug: Option<String>,
    /// Short display name.
    pub short_name: Option<String>,
    /// The parent product, for a variation.
    pub parent_id: Option<i64>,
    /// `simple`, `variable` (sold through variations) or `subscription`.
    pub product_type: String,
    /// Shown in featured lists.
    pub is_featured: bool,
    /// Discounted price in major units, below `price`.
    pub discount_price: Option<f64>,
    /// Members' price in major units.
    pub member_price: Option<f64>,
    /// Page title for search engines.
    pub seo_title: Option<String>,
    /// Page description for search engines.
    pub seo_description: Option<String>,
    /// Shipping weight as written (`0.5kg`).
    pub shipping_weight: Option<String>,
    /// Brand id.
    pub brand_id: Option<String>,
    /// Categories.
    pub category_ids: Vec<i64>,
    /// Collections.
    pub collection_ids: Vec<String>,
    /// Whether stock is counted (untracked products are always in stock).
    pub track_inventory: bool,
    /// At or below this many units the product is `low_stock`.
    pub low_stock_threshold: Option<i64>,
    /// `in_stock`, `low_stock` or `out_of_stock`.
    pub stock_status: String,
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
            slug: p.storefront.slug.map(|s| s.to_string()),
            short_name: p.storefront.short_name,
            parent_id: p.storefront.parent_id.map(kedai_core::ProductId::get),
            product_type: p.storefront.product_type.to_string(),
            is_featured: p.storefront.is_featured,
            discount_price: p.storefront.discount_price.map(|m| m.to_f64()),
            member_price: p.storefront.member_price.map(|m| m.to_f64()),
            seo_title: p.storefront.seo_title,
            seo_description: p.storefront.seo_description,
            shipping_weight: p.storefront.shipping_weight,
            brand_id: p.storefront.brand_id.map(|b| b.to_string()),
            category_ids: v.category_ids.iter().map(|c| c.get()).collect(),
            collection_ids: v.collection_ids.iter().map(ToString::to_string).collect(),
            track_inventory: p.storefront.track_inventory,
            low_stock_threshold: p.storefront.low_stock_threshold,
            stock_status: v.stock_status.to_string(),
        }
    }
}

with_storefront_fields! {
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
}

with_storefront_fields! {
/// Changes to a product: absent fields stay; `null` clears sku, category, description and the
/// optional storefront fields.
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
}

/// Paging of a list.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// 1-based page (default 1).
    #[param(minimum = 1, maximum = 4294967295.0)]
    pub page: Option<i64>,
    /// Page size, 1–100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

/// Filters of the product list.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProductQuery {
    /// 1-based page (default 1).
    #[param(minimum = 1, maximum = 4294967295.0)]
    pub page: Option<i64>,
    /// Page size, 1–100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
    /// `active` or `inactive`; several as `status=active,inactive` or repeated.
    pub status: Option<String>,
    /// Category, any case.
    pub category: Option<String>,
    /// Products sold at this outlet (those listing it, and those listing no outlet).
    pub outlet_id: Option<String>,
    /// Part of the name or SKU, any case.
    pub keyword: Option<String>,
}

/// Lists the merchant's products, newest first, with their stock.
#[utoipa::path(
    tag = "merchant-products",
    params(ProductQuery),
    responses(
        (status = 200, body = MerchantList<ProductResponse>),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 422, description = "Bad paging or filters", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[get("/products")]
pub async fn list_products(
    staff: Staff<Merchant>,
    req: actix_web::HttpRequest,
) -> Result<HttpResponse> {
    let q = Query::of(&req)?;
    let page = q.page(&["limit"])?;
    let filter = ProductFilter {
        statuses: q
            .list("status")
            .iter()
            .map(|s| ApiError::parse_field::<ProductStatus>("status", s))
            .collect::<Result<_>>()?,
        category: q.text("category"),
        outlet_id: q
            .parsed::<OutletId>("outlet_id", "an outlet id")?
            .map(|o| o.to_string()),
        keyword: q.text("keyword"),
    };
    let (views, total) = staff
        .run(move |store, actor| store.read(|tx| catalog::list_products(tx, &actor, &filter, page)))
        .await?;
    Ok(HttpResponse::Ok().json(MerchantList {
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
        (status = 409, description = "SKU_TAKEN, SLUG_TAKEN", body = MerchantErrorBody),
        (status = 422, description = "Bad fields", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[post("/products")]
pub async fn create_product(
    state: web::Data<AppState>,
    mut staff: Staff<Merchant>,
    body: JsonBody<CreateProductRequest, Merchant>,
) -> Result<HttpResponse> {
    staff.require(Permission::CatalogWrite);
    let mut req = body.0;
    let storefront = req.take_storefront().into_input()?;
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
        storefront,
    };
    let now = state.now();
    let view = staff
        .run_with_tenant(move |store, actor, tenant| {
            store.write(|tx| catalog::create_product(tx, &actor, &tenant, &cmd, now))
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
pub async fn get_product(staff: Staff<Merchant>, path: web::Path<String>) -> Result<HttpResponse> {
    let id = product_id(&path)?;
    let view = staff
        .run(move |store, actor| store.read(|tx| catalog::get_product(tx, &actor, id)))
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
        (status = 409, description = "SKU_TAKEN, SLUG_TAKEN", body = MerchantErrorBody),
        (status = 422, description = "Bad fields", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[put("/products/{id}")]
pub async fn update_product(
    state: web::Data<AppState>,
    staff: Staff<Merchant>,
    path: web::Path<String>,
    body: JsonBody<UpdateProductRequest, Merchant>,
) -> Result<HttpResponse> {
    change_product(state, staff, path, body).await
}

/// Changes a product; absent fields stay as they are (the same as `PUT`).
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
        (status = 409, description = "SKU_TAKEN, SLUG_TAKEN, PRODUCT_HAS_VARIATIONS", body = MerchantErrorBody),
        (status = 422, description = "Bad fields", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[patch("/products/{id}")]
pub async fn patch_product(
    state: web::Data<AppState>,
    staff: Staff<Merchant>,
    path: web::Path<String>,
    body: JsonBody<UpdateProductRequest, Merchant>,
) -> Result<HttpResponse> {
    change_product(state, staff, path, body).await
}

async fn change_product(
    state: web::Data<AppState>,
    mut staff: Staff<Merchant>,
    path: web::Path<String>,
    body: JsonBody<UpdateProductRequest, Merchant>,
) -> Result<HttpResponse> {
    staff.require(Permission::CatalogWrite);
    let id = product_id(&path)?;
    let mut req = body.0;
    let storefront = req.take_storefront().into_input()?;
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
        storefront,
    };
    let now = state.now();
    let view = staff
        .run(move |store, actor| {
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
    staff: Staff<Merchant>,
    path: web::Path<String>,
) -> Result<HttpResponse> {
    let id = product_id(&path)?;
    let now = state.now();
    staff
        .run(move |store, actor| store.write(|tx| catalog::delete_product(tx, &actor, id, now)))
        .await?;
    Ok(HttpResponse::Ok().json(Envelope::new(
        "Product deleted",
        DeletedProduct {
            id: id.get(),
            archived: true,
        },
    )))
}
