//! Product categories (003 §12).

use actix_web::{HttpResponse, delete, get, patch, post, web};
use chrono::{DateTime, Utc};
use kedai_app::catalog::{self, CategoryInput};
use kedai_catalog::{Category, CategoryId};
use kedai_identity::Permission;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::*;
use crate::AppState;
use crate::auth::Staff;
use crate::body::JsonBody;
use crate::dto::{IntId, MerchantErrorBody, MerchantOk as Envelope, double_option};
use crate::surface::Merchant;

/// A product category.
#[derive(Debug, Serialize, ToSchema)]
pub struct CategoryResponse {
    /// Integer id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Storefront path name.
    pub slug: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Image URL.
    pub image_url: Option<String>,
    /// Parent category.
    pub parent_id: Option<i64>,
    /// Shown in featured lists.
    pub is_featured: bool,
    /// Display order.
    pub sort_order: i64,
    /// Listed products in it (active, not variations).
    pub product_count: i64,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

impl From<(Category, i64)> for CategoryResponse {
    fn from((c, product_count): (Category, i64)) -> Self {
        Self {
            id: c.id.get(),
            name: c.listing.name,
            slug: c.listing.slug.map(|s| s.to_string()),
            description: c.listing.description,
            image_url: c.listing.image_url,
            parent_id: c.parent_id.map(CategoryId::get),
            is_featured: c.is_featured,
            sort_order: c.listing.sort_order,
            product_count,
            created_at: c.created_at,
            updated_at: c.updated_at,
        }
    }
}

/// A category to create (name required) or change (absent fields stay, `null` clears).
#[derive(Debug, Deserialize, ToSchema)]
pub struct CategoryRequest {
    /// Name, 1–200 characters.
    #[schema(example = "Coffee")]
    pub name: Option<String>,
    /// Slug (default: made from the name), unique among the merchant's categories.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, example = "coffee")]
    pub slug: Option<Option<String>>,
    /// Description.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub description: Option<Option<String>>,
    /// Image URL (http or https).
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub image_url: Option<Option<String>>,
    /// Parent category (`null`: top level).
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i64>)]
    pub parent_id: Option<Option<IntId>>,
    /// Shown in featured lists.
    pub is_featured: Option<bool>,
    /// Display order (default 0).
    pub sort_order: Option<i64>,
}

impl CategoryRequest {
    fn into_input(self) -> Result<CategoryInput> {
        Ok(CategoryInput {
            listing: listing(
                self.name,
                self.slug,
                self.description,
                self.image_url,
                self.sort_order,
            ),
            parent_id: self
                .parent_id
                .map(|p| p.map(|p| int("parent_id", p, CategoryId::new)).transpose())
                .transpose()?,
            is_featured: self.is_featured,
        })
    }
}

/// The merchant's product categories in display order, with product counts.
#[utoipa::path(
    tag = "merchant-catalogue",
    responses(
        (status = 200, body = Envelope<Vec<CategoryResponse>>),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[get("/product-categories")]
pub async fn list_product_categories(staff: Staff<Merchant>) -> Result<HttpResponse> {
    let list = staff
        .run(move |store, actor| store.read(|tx| catalog::list_categories(tx, &actor)))
        .await?;
    Ok(HttpResponse::Ok().json(Envelope::new(
        "Product categories",
        list.into_iter()
            .map(CategoryResponse::from)
            .collect::<Vec<_>>(),
    )))
}

/// Creates a product category.
#[utoipa::path(
    tag = "merchant-catalogue",
    request_body = CategoryRequest,
    responses(
        (status = 201, body = Envelope<CategoryResponse>),
        (status = 400, description = "Malformed body", body = MerchantErrorBody),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "Role may not change the catalogue", body = MerchantErrorBody),
        (status = 409, description = "SLUG_TAKEN", body = MerchantErrorBody),
        (status = 422, description = "Bad fields", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[post("/product-categories")]
pub async fn create_product_category(
    state: web::Data<AppState>,
    mut staff: Staff<Merchant>,
    body: JsonBody<CategoryRequest, Merchant>,
) -> Result<HttpResponse> {
    staff.require(Permission::CatalogWrite);
    let input = body.0.into_input()?;
    let now = state.now();
    let c = staff
        .run(move |store, actor| {
            store.write(|tx| catalog::create_category(tx, &actor, &input, now))
        })
        .await?;
    Ok(HttpResponse::Created().json(Envelope::new(
        "Product category created",
        CategoryResponse::from(c),
    )))
}

/// Changes a product category.
#[utoipa::path(
    tag = "merchant-catalogue",
    params(("id" = i64, Path, description = "Category id")),
    request_body = CategoryRequest,
    responses(
        (status = 200, body = Envelope<CategoryResponse>),
        (status = 400, description = "Malformed body", body = MerchantErrorBody),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "Role may not change the catalogue", body = MerchantErrorBody),
        (status = 404, description = "NOT_FOUND", body = MerchantErrorBody),
        (status = 409, description = "SLUG_TAKEN", body = MerchantErrorBody),
        (status = 422, description = "Bad fields", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[patch("/product-categories/{id}")]
pub async fn update_product_category(
    state: web::Data<AppState>,
    mut staff: Staff<Merchant>,
    path: web::Path<String>,
    body: JsonBody<CategoryRequest, Merchant>,
) -> Result<HttpResponse> {
    staff.require(Permission::CatalogWrite);
    let id = category_id(&path)?;
    let input = body.0.into_input()?;
    let now = state.now();
    let c = staff
        .run(move |store, actor| {
            store.write(|tx| catalog::update_category(tx, &actor, id, &input, now))
        })
        .await?;
    Ok(HttpResponse::Ok().json(Envelope::new(
        "Product category updated",
        CategoryResponse::from(c),
    )))
}

/// Deletes a product category: its products leave it, its children move to the top level.
#[utoipa::path(
    tag = "merchant-catalogue",
    params(("id" = i64, Path, description = "Category id")),
    responses(
        (status = 200, body = Envelope<DeletedInt>),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "Role may not change the catalogue", body = MerchantErrorBody),
        (status = 404, description = "NOT_FOUND", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[delete("/product-categories/{id}")]
pub async fn delete_product_category(
    mut staff: Staff<Merchant>,
    path: web::Path<String>,
) -> Result<HttpResponse> {
    staff.require(Permission::CatalogWrite);
    let id = category_id(&path)?;
    staff
        .run(move |store, actor| store.write(|tx| catalog::delete_category(tx, &actor, id)))
        .await?;
    Ok(HttpResponse::Ok().json(Envelope::new(
        "Product category deleted",
        DeletedInt {
            id: id.get(),
            deleted: true,
        },
    )))
}
