//! Storefront brands and collections (contract §12).

use actix_web::{HttpResponse, get, web};
use kedai_app::catalog::{self as usecase};
use kedai_catalog::{GroupKind, ProductGroup};
use serde::Serialize;
use utoipa::ToSchema;

use crate::dto::PortalErrorBody;
use crate::portal_v6::{PortalOk, Result, Shop, ok};

/// A storefront brand or collection (the client's ShopBrand / ShopCollection).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ShopGroup {
    /// Id (string).
    pub id: String,
    /// Name.
    pub name: String,
    /// Slug.
    pub slug: String,
    /// Description.
    pub description: Option<String>,
    /// Image URL.
    pub image_url: Option<String>,
    /// Shown online (always true here: hidden ones are not listed).
    pub online_enabled: bool,
    /// Display order.
    pub sort_order: i64,
    /// Listed products in it.
    pub product_count: i64,
}

impl From<(ProductGroup, i64)> for ShopGroup {
    fn from((g, product_count): (ProductGroup, i64)) -> Self {
        Self {
            id: g.id.to_string(),
            slug: g.slug().to_owned(),
            name: g.listing.name,
            description: g.listing.description,
            image_url: g.listing.image_url,
            online_enabled: g.online_enabled,
            sort_order: g.listing.sort_order,
            product_count,
        }
    }
}

async fn groups(shop: Shop, kind: GroupKind) -> Result<HttpResponse> {
    let list = shop
        .run(move |store, tenant| store.read(|tx| usecase::shop_groups(tx, tenant.id, kind)))
        .await?;
    Ok(ok(list
        .into_iter()
        .map(ShopGroup::from)
        .collect::<Vec<_>>()))
}

async fn group(shop: Shop, kind: GroupKind, slug: String) -> Result<HttpResponse> {
    let g = shop
        .run(move |store, tenant| store.read(|tx| usecase::shop_group(tx, tenant.id, kind, &slug)))
        .await?;
    Ok(ok(ShopGroup::from(g)))
}

/// The merchant's brands shown online, in display order, with listed-product counts.
#[utoipa::path(
    tag = "portal-shop",
    responses(
        (status = 200, body = PortalOk<Vec<ShopGroup>>),
        (status = 400, description = "TENANT_REQUIRED", body = PortalErrorBody),
        (status = 404, description = "COMPANY_NOT_FOUND", body = PortalErrorBody),
    )
)]
#[get("/shop/brands")]
pub async fn list_shop_brands(shop: Shop) -> Result<HttpResponse> {
    groups(shop, GroupKind::Brand).await
}

/// One brand shown online, by slug.
#[utoipa::path(
    tag = "portal-shop",
    params(("slug" = String, Path, description = "Brand slug")),
    responses(
        (status = 200, body = PortalOk<ShopGroup>),
        (status = 400, description = "TENANT_REQUIRED", body = PortalErrorBody),
        (status = 404, description = "BRAND_NOT_FOUND or COMPANY_NOT_FOUND", body = PortalErrorBody),
    )
)]
#[get("/shop/brands/{slug}")]
pub async fn get_shop_brand(shop: Shop, path: web::Path<String>) -> Result<HttpResponse> {
    group(shop, GroupKind::Brand, path.into_inner()).await
}

/// The merchant's collections shown online, in display order, with listed-product counts.
#[utoipa::path(
    tag = "portal-shop",
    responses(
        (status = 200, body = PortalOk<Vec<ShopGroup>>),
        (status = 400, description = "TENANT_REQUIRED", body = PortalErrorBody),
        (status = 404, description = "COMPANY_NOT_FOUND", body = PortalErrorBody),
    )
)]
#[get("/shop/collections")]
pub async fn list_shop_collections(shop: Shop) -> Result<HttpResponse> {
    groups(shop, GroupKind::Collection).await
}

/// One collection shown online, by slug.
#[utoipa::path(
    tag = "portal-shop",
    params(("slug" = String, Path, description = "Collection slug")),
    responses(
        (status = 200, body = PortalOk<ShopGroup>),
        (status = 400, description = "TENANT_REQUIRED", body = PortalErrorBody),
        (status = 404, description = "COLLECTION_NOT_FOUND or COMPANY_NOT_FOUND", body = PortalErrorBody),
    )
)]
#[get("/shop/collections/{slug}")]
pub async fn get_shop_collection(shop: Shop, path: web::Path<String>) -> Result<HttpResponse> {
    group(shop, GroupKind::Collection, path.into_inner()).await
}
