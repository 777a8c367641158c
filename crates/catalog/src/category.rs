//! Categories: a tree of listings products belong to.

use chrono::{DateTime, Utc};
use kedai_core::TenantId;

use crate::{CategoryId, Listing};

/// A product category.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Category {
    /// Id.
    pub id: CategoryId,
    /// Owner.
    pub tenant_id: TenantId,
    /// Name, slug (unique per tenant when set), description, image and order.
    pub listing: Listing,
    /// The parent category.
    pub parent_id: Option<CategoryId>,
    /// Shown in featured lists.
    pub is_featured: bool,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

/// A validated new category.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCategory {
    /// Name, slug, description, image and order.
    pub listing: Listing,
    /// The parent category (checked to exist by the caller).
    pub parent_id: Option<CategoryId>,
    /// Featured.
    pub is_featured: bool,
}

/// Whether making `parent` the parent of category `id` would put a category under itself;
/// `parents` holds every category of the tenant with its current parent.
#[must_use]
pub fn creates_cycle(
    parents: &[(CategoryId, Option<CategoryId>)],
    id: CategoryId,
    parent: CategoryId,
) -> bool {
    let mut at = Some(parent);
    // Each category is visited at most once, so a cycle already stored cannot loop forever.
    for _ in 0..=parents.len() {
        match at {
            None => return false,
            Some(c) if c == id => return true,
            Some(c) => at = parents.iter().find(|(x, _)| *x == c).and_then(|(_, p)| *p),
        }
    }
    true
}
