//! The storefront catalogue (contract §6 and §12): listed products with their stock from the
//! FIFO lots, product pages with images, options and variations, related products,
//! categories, brands and collections. Public: a bad bearer token is ignored.
//! Money is JSON numbers in major units; catalogue ids are integers, brand and collection
//! ids strings; lists are bare arrays in `data`, with paging in a top-level `meta` the
//! clients ignore.

use kedai_catalog::{Category, ProductGroup};
use kedai_core::Page;
use serde::Serialize;
use utoipa::ToSchema;

mod categories;
mod groups;
mod products;
mod shapes;

pub use categories::*;
pub use groups::*;
pub use products::*;
pub use shapes::*;

pub(super) fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    // The literal `related` path before the product page so neither shadows the other.
    cfg.service(list_shop_products)
        .service(list_related_products)
        .service(get_shop_product)
        .service(list_shop_categories)
        .service(list_shop_brands)
        .service(get_shop_brand)
        .service(list_shop_collections)
        .service(get_shop_collection);
}

/// A category, brand or collection as a product names it.
#[derive(Debug, Serialize, ToSchema)]
pub struct CategoryRef {
    /// Integer id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Slug.
    pub slug: Option<String>,
}

/// A brand or collection as a product names it.
#[derive(Debug, Serialize, ToSchema)]
pub struct GroupRef {
    /// Id (string).
    pub id: String,
    /// Name.
    pub name: String,
    /// Slug.
    pub slug: String,
}

fn category_ref(c: &Category) -> CategoryRef {
    CategoryRef {
        id: c.id.get(),
        name: c.listing.name.clone(),
        slug: c.listing.slug.as_ref().map(ToString::to_string),
    }
}

fn group_ref(g: &ProductGroup) -> GroupRef {
    GroupRef {
        id: g.id.to_string(),
        name: g.listing.name.clone(),
        slug: g.slug().to_owned(),
    }
}

/// Paging of a list, for clients that want it (the FavCRM client ignores it).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Pagination {
    /// 1-based page.
    pub page: u32,
    /// Page size.
    pub limit: u32,
    /// Matching rows in all pages.
    pub total: i64,
    /// Pages.
    pub total_pages: i64,
    /// A later page exists.
    pub has_next: bool,
    /// An earlier page exists.
    pub has_prev: bool,
}

/// The `meta` of a paged list.
#[derive(Debug, Serialize, ToSchema)]
pub struct ListMeta {
    /// Paging.
    pub pagination: Pagination,
}

/// A bare-array list with its paging beside it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PortalPage<T> {
    /// Always true.
    pub success: bool,
    /// This page.
    pub data: Vec<T>,
    /// Paging.
    pub meta: ListMeta,
}

fn pagination(page: Page, total: i64) -> Pagination {
    let limit = i64::from(page.limit());
    let total_pages = (total + limit - 1) / limit;
    Pagination {
        page: page.page(),
        limit: page.limit(),
        total,
        total_pages,
        has_next: i64::from(page.page()) < total_pages,
        has_prev: page.page() > 1,
    }
}
