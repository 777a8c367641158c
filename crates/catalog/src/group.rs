//! Brands and collections.

use chrono::{DateTime, Utc};
use kedai_core::TenantId;

use crate::{GroupId, Listing, Slug};

kedai_core::text_enum! {
    /// Brands and collections share one shape.
    pub enum GroupKind ("a product grouping") {
        /// A brand (a product has at most one).
        Brand = "brand",
        /// A collection (a product may be in many).
        Collection = "collection",
    }
}

/// A brand or a collection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductGroup {
    /// Id.
    pub id: GroupId,
    /// Owner.
    pub tenant_id: TenantId,
    /// Brand or collection.
    pub kind: GroupKind,
    /// Name, slug (always set), description, image and order.
    pub listing: Listing,
    /// Shown on the storefront.
    pub online_enabled: bool,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

impl ProductGroup {
    /// The slug (brands and collections always have one).
    #[must_use]
    pub fn slug(&self) -> &str {
        self.listing.slug.as_ref().map_or("", Slug::as_str)
    }
}
