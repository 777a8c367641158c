//! The catalogue, managed by the merchant: products and their storefront fields, categories,
//! brands, collections, variations, options and images (003 §12).

use kedai_app::Entity;
use kedai_catalog::{CategoryId, GroupId, GroupKind, ListingUpdate};
use serde::Serialize;
use utoipa::ToSchema;

use super::*;
use crate::dto::{Decimal, IntId};

mod categories;
mod groups;
mod images;
mod options;
mod products;
mod storefront_fields;
mod variations;

pub use categories::*;
pub use groups::*;
pub use images::*;
pub use options::*;
pub use products::*;
pub use storefront_fields::*;
pub use variations::*;

pub(super) fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_products)
        .service(create_product)
        .service(get_product)
        .service(update_product)
        .service(patch_product)
        .service(delete_product)
        .service(list_product_categories)
        .service(create_product_category)
        .service(update_product_category)
        .service(delete_product_category)
        .service(list_brands)
        .service(create_brand)
        .service(update_brand)
        .service(delete_brand)
        .service(list_collections)
        .service(create_collection)
        .service(update_collection)
        .service(delete_collection)
        .service(list_variations)
        .service(create_variation)
        .service(update_variation)
        .service(delete_variation)
        .service(create_product_option)
        .service(create_product_image)
        .service(delete_product_image);
}

fn category_id(raw: &str) -> Result<CategoryId> {
    raw.parse()
        .map_err(|_| AppError::not_found(Entity::Category, raw).into())
}

fn group_id(kind: GroupKind, raw: &str) -> Result<GroupId> {
    raw.parse().map_err(|_| {
        AppError::not_found(
            match kind {
                GroupKind::Brand => Entity::Brand,
                GroupKind::Collection => Entity::Collection,
            },
            raw,
        )
        .into()
    })
}

fn int<T>(
    field: &str,
    id: IntId,
    make: fn(i64) -> std::result::Result<T, kedai_core::IdError>,
) -> Result<T> {
    make(id.0.get()).map_err(|_| ApiError::invalid(field, "must be a positive integer id"))
}

fn amount(v: Option<Option<Decimal>>) -> Option<Option<kedai_app::Amount>> {
    v.map(|o| o.map(|d| d.0))
}

/// The name, slug, description, image and order of a category, brand or collection.
fn listing(
    name: Option<String>,
    slug: Option<Option<String>>,
    description: Option<Option<String>>,
    image_url: Option<Option<String>>,
    sort_order: Option<i64>,
) -> ListingUpdate {
    ListingUpdate {
        name,
        slug,
        description,
        image_url,
        sort_order,
    }
}

/// A deleted catalogue entity with an integer id.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeletedInt {
    /// Id.
    pub id: i64,
    /// Always true.
    pub deleted: bool,
}

/// A deleted brand or collection.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeletedText {
    /// Id.
    pub id: String,
    /// Always true.
    pub deleted: bool,
}
