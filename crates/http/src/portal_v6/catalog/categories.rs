//! Storefront categories (contract §6).

use actix_web::{HttpRequest, HttpResponse, get};
use kedai_app::catalog::{self as usecase};
use kedai_catalog::CategoryId;
use serde::Serialize;
use utoipa::{IntoParams, ToSchema};

use crate::dto::PortalErrorBody;
use crate::portal_v6::{PortalOk, Result, Shop, ok};
use crate::query::Query;

/// A storefront category.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ShopCategory {
    /// Integer id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Slug.
    pub slug: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Image URL.
    pub image_url: Option<String>,
    /// Parent category.
    pub parent_id: Option<i64>,
    /// Featured.
    pub is_featured: bool,
    /// Listed products in it.
    pub product_count: i64,
}

/// Whether only featured categories.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CategoryQuery {
    /// `true` or `false`.
    pub featured: Option<String>,
}

/// The merchant's categories in display order, with their listed-product counts.
#[utoipa::path(
    tag = "portal-shop",
    params(CategoryQuery),
    responses(
        (status = 200, body = PortalOk<Vec<ShopCategory>>),
        (status = 400, description = "TENANT_REQUIRED", body = PortalErrorBody),
        (status = 404, description = "COMPANY_NOT_FOUND", body = PortalErrorBody),
        (status = 422, description = "A bad `featured`", body = PortalErrorBody),
    )
)]
#[get("/shop/categories")]
pub async fn list_shop_categories(shop: Shop, req: HttpRequest) -> Result<HttpResponse> {
    let q = Query::of(&req)?;
    let featured = q.flag("featured")?;
    let list = shop
        .run(move |store, tenant| {
            store.read(|tx| usecase::shop_categories(tx, tenant.id, featured))
        })
        .await?;
    Ok(ok(list
        .into_iter()
        .map(|(c, product_count)| ShopCategory {
            id: c.id.get(),
            slug: c.listing.slug.map(|s| s.to_string()),
            name: c.listing.name,
            description: c.listing.description,
            image_url: c.listing.image_url,
            parent_id: c.parent_id.map(CategoryId::get),
            is_featured: c.is_featured,
            product_count,
        })
        .collect::<Vec<_>>()))
}
