//! The storefront catalogue (contract §6 and §12): listed products with their stock from the
//! FIFO lots, product pages with images, options and variations, related products,
//! categories, brands and collections. Public: a bad bearer token is ignored.
//! Money is JSON numbers in major units; catalogue ids are integers, brand and collection
//! ids strings; lists are bare arrays in `data`, with paging in a top-level `meta` the
//! clients ignore.

use kedai_catalog::{Category, ProductGroup};
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
