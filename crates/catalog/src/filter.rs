//! What a storefront product list is narrowed to, and its order.

use crate::CategoryId;

kedai_core::text_enum! {
    /// The order of a storefront product list.
    #[derive(Default)]
    pub enum StorefrontSort ("a sort order") {
        /// By name, A to Z.
        Name = "name",
        /// Cheapest first (the sale price where there is one).
        PriceAsc = "price_asc",
        /// Dearest first.
        PriceDesc = "price_desc",
        /// Newest first (the default).
        #[default]
        Newest = "newest",
    }
}

/// What a storefront product list is narrowed to and how it is ordered. Lists hold only
/// active, live products that are not variations.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StorefrontFilter {
    /// In the category with this slug.
    pub category_slug: Option<String>,
    /// In this category.
    pub category_id: Option<CategoryId>,
    /// Of the brand with this slug.
    pub brand_slug: Option<String>,
    /// In the collection with this slug.
    pub collection_slug: Option<String>,
    /// Part of the name, short name or SKU, any case.
    pub search: Option<String>,
    /// Featured or not.
    pub featured: Option<bool>,
    /// Order.
    pub sort: StorefrontSort,
}
