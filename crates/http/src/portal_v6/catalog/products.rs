//! Listed products, a product page and its related products (contract §6).

use actix_web::{HttpRequest, HttpResponse, get, web};
use kedai_app::catalog::{self as usecase};
use kedai_catalog::{CategoryId, StorefrontFilter, StorefrontSort};
use kedai_core::Page;
use utoipa::IntoParams;

use super::*;
use crate::dto::PortalErrorBody;
use crate::error::ApiError;
use crate::portal_v6::page::{PortalPage, paged};
use crate::portal_v6::{PortalOk, Result, Shop, ok};
use crate::query::Query;
use crate::surface::Portal;

/// Filters, order and paging of the storefront product list.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ShopProductQuery {
    /// In the category with this slug.
    pub category_slug: Option<String>,
    /// In this category (`categoryId` is accepted too). Empty is the same as absent.
    #[param(schema_with = crate::dto::integer_or_empty)]
    pub category_id: Option<i64>,
    /// Of the brand with this slug.
    pub brand_slug: Option<String>,
    /// In the collection with this slug.
    pub collection_slug: Option<String>,
    /// Part of the name, short name or SKU, any case.
    pub search: Option<String>,
    /// `name`, `price_asc`, `price_desc` or `newest` (default).
    pub sort: Option<String>,
    /// `true` or `false`.
    pub featured: Option<String>,
    /// 1-based page (default 1).
    #[param(minimum = 1)]
    pub page: Option<i64>,
    /// Page size, 1–100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

/// Lists the merchant's products on sale (active, not variations), with stock from the
/// lots, as a bare array.
#[utoipa::path(
    tag = "portal-shop",
    params(ShopProductQuery),
    responses(
        (status = 200, body = PortalPage<ProductListItem>),
        (status = 400, description = "TENANT_REQUIRED", body = PortalErrorBody),
        (status = 404, description = "COMPANY_NOT_FOUND", body = PortalErrorBody),
        (status = 422, description = "A bad filter, sort or page", body = PortalErrorBody),
    )
)]
#[get("/shop/products")]
pub async fn list_shop_products(shop: Shop, req: HttpRequest) -> Result<HttpResponse> {
    let q = Query::of(&req)?;
    let page = q.page(&["limit"])?;
    let category_id = q
        .text_any(&["category_id", "categoryId"])
        .map(|v| {
            v.parse::<CategoryId>().map_err(|_| {
                ApiError::<Portal>::invalid("category_id", "must be a positive integer id")
            })
        })
        .transpose()?;
    let filter = StorefrontFilter {
        category_slug: q
            .text_any(&["category_slug", "categorySlug"])
            .map(|s| s.to_ascii_lowercase()),
        category_id,
        brand_slug: q
            .text_any(&["brand_slug", "brandSlug"])
            .map(|s| s.to_ascii_lowercase()),
        collection_slug: q
            .text_any(&["collection_slug", "collectionSlug"])
            .map(|s| s.to_ascii_lowercase()),
        search: q.text("search"),
        featured: q.flag("featured")?,
        sort: q
            .text("sort")
            .map(|s| ApiError::<Portal>::parse_field::<StorefrontSort>("sort", &s))
            .transpose()?
            .unwrap_or_default(),
    };
    let (items, total) = shop
        .run(move |store, tenant| {
            store.read(|tx| usecase::storefront_products(tx, tenant.id, &filter, page))
        })
        .await?;
    Ok(HttpResponse::Ok().json(paged(
        items.into_iter().map(ProductListItem::from).collect(),
        page,
        total,
    )))
}

/// A product page by slug or integer id: images, options, variations with their own stock,
/// categories, brand and collections.
#[utoipa::path(
    tag = "portal-shop",
    params(("slug" = String, Path, description = "The product's slug, or its integer id")),
    responses(
        (status = 200, body = PortalOk<ShopProduct>),
        (status = 400, description = "TENANT_REQUIRED", body = PortalErrorBody),
        (status = 404, description = "PRODUCT_NOT_FOUND or COMPANY_NOT_FOUND", body = PortalErrorBody),
    )
)]
#[get("/shop/products/{slug}")]
pub async fn get_shop_product(shop: Shop, path: web::Path<String>) -> Result<HttpResponse> {
    let key = path.into_inner();
    let detail = shop
        .run(move |store, tenant| store.read(|tx| usecase::shop_product(tx, tenant.id, &key)))
        .await?;
    Ok(ok(ShopProduct::from(detail)))
}

/// How many related products.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RelatedQuery {
    /// 1–100 (default 4).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

/// Products related to one (sharing a category, collection or brand first, then the newest
/// others; never the product itself), as a bare array.
#[utoipa::path(
    tag = "portal-shop",
    params(("slug" = String, Path, description = "The product's slug, or its integer id"), RelatedQuery),
    responses(
        (status = 200, body = PortalOk<Vec<ProductListItem>>),
        (status = 400, description = "TENANT_REQUIRED", body = PortalErrorBody),
        (status = 404, description = "PRODUCT_NOT_FOUND or COMPANY_NOT_FOUND", body = PortalErrorBody),
        (status = 422, description = "A bad limit", body = PortalErrorBody),
    )
)]
#[get("/shop/products/{slug}/related")]
pub async fn list_related_products(
    shop: Shop,
    path: web::Path<String>,
    req: HttpRequest,
) -> Result<HttpResponse> {
    let q = Query::of(&req)?;
    let limit = q.number("limit")?.unwrap_or(4);
    if !(1..=i64::from(Page::MAX_LIMIT)).contains(&limit) {
        return Err(ApiError::invalid(
            "limit",
            format!("must be between 1 and {}", Page::MAX_LIMIT),
        ));
    }
    let key = path.into_inner();
    let items = shop
        .run(move |store, tenant| {
            store.read(|tx| usecase::shop_related(tx, tenant.id, &key, limit))
        })
        .await?;
    Ok(ok(items
        .into_iter()
        .map(ProductListItem::from)
        .collect::<Vec<_>>()))
}
