//! Categories, as the merchant manages them.

use crate::Entity;
use chrono::{DateTime, Utc};
use kedai_catalog::*;
use kedai_core::TenantId;
use kedai_identity::Permission;

use super::*;
use crate::{Actor, AppError, UnitOfWork};

/// A category as requested.
#[derive(Debug, Clone, Default)]
pub struct CategoryInput {
    /// Name, slug, description, image URL and order.
    pub listing: ListingUpdate,
    /// Parent (`Some(None)` moves it to the top).
    pub parent_id: Option<Option<CategoryId>>,
    /// Featured.
    pub is_featured: Option<bool>,
}

fn category_slug_taken(slug: Option<&Slug>) -> AppError {
    slug_taken(slug.map_or("", Slug::as_str))
}

/// Creates a category.
///
/// # Errors
/// [`AppError::Forbidden`], [`AppError::Validation`] (`name` required, unknown `parent_id`),
/// [`AppError::Conflict`] `SLUG_TAKEN`.
pub fn create_category(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    input: &CategoryInput,
    now: DateTime<Utc>,
) -> Result<(Category, i64), AppError> {
    actor.require(Permission::CatalogWrite)?;
    let l = &input.listing;
    let name = l
        .name
        .as_deref()
        .ok_or_else(|| AppError::invalid("name", "is required"))?;
    let listing = Listing::new(
        name,
        l.slug.clone().flatten().as_deref(),
        l.description.clone().flatten().as_deref(),
        l.image_url.clone().flatten().as_deref(),
        l.sort_order,
        false,
    )?;
    let parent_id = input.parent_id.flatten();
    if let Some(p) = parent_id
        && tx.find_category(actor.tenant, p)?.is_none()
    {
        return Err(AppError::invalid("parent_id", format!("no category {p}")));
    }
    let new = NewCategory {
        listing,
        parent_id,
        is_featured: input.is_featured.unwrap_or(false),
    };
    let id = tx
        .insert_category(actor.tenant, &new, now)?
        .map_err(|()| category_slug_taken(new.listing.slug.as_ref()))?;
    let category = tx
        .find_category(actor.tenant, id)?
        .ok_or_else(|| AppError::not_found(Entity::Category, id))?;
    Ok((category, 0))
}

fn category_count(
    tx: &mut dyn UnitOfWork,
    tenant: TenantId,
    id: CategoryId,
) -> Result<i64, AppError> {
    Ok(tx
        .list_categories(tenant, None)?
        .into_iter()
        .find(|(c, _)| c.id == id)
        .map_or(0, |(_, n)| n))
}

/// Changes a category; a parent that would put it under itself is refused.
///
/// # Errors
/// [`AppError::Forbidden`], [`AppError::NotFound`], [`AppError::Validation`],
/// [`AppError::Conflict`] `SLUG_TAKEN`.
pub fn update_category(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    id: CategoryId,
    input: &CategoryInput,
    now: DateTime<Utc>,
) -> Result<(Category, i64), AppError> {
    actor.require(Permission::CatalogWrite)?;
    let mut category = tx
        .find_category(actor.tenant, id)?
        .ok_or_else(|| AppError::not_found(Entity::Category, id))?;
    category.listing.apply(input.listing.clone(), false)?;
    if let Some(parent) = input.parent_id {
        if let Some(p) = parent {
            let all: Vec<(CategoryId, Option<CategoryId>)> = tx
                .list_categories(actor.tenant, None)?
                .into_iter()
                .map(|(c, _)| (c.id, c.parent_id))
                .collect();
            if !all.iter().any(|(c, _)| *c == p) {
                return Err(AppError::invalid("parent_id", format!("no category {p}")));
            }
            if creates_cycle(&all, id, p) {
                return Err(AppError::invalid(
                    "parent_id",
                    "would put the category under itself",
                ));
            }
        }
        category.parent_id = parent;
    }
    if let Some(f) = input.is_featured {
        category.is_featured = f;
    }
    category.updated_at = now;
    tx.update_category(&category)?
        .map_err(|()| category_slug_taken(category.listing.slug.as_ref()))?;
    let count = category_count(tx, actor.tenant, id)?;
    Ok((category, count))
}

/// Deletes a category; its products leave it and its children move to the top level.
///
/// # Errors
/// [`AppError::Forbidden`], [`AppError::NotFound`].
pub fn delete_category(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    id: CategoryId,
) -> Result<(), AppError> {
    actor.require(Permission::CatalogWrite)?;
    if tx.delete_category(actor.tenant, id)? {
        Ok(())
    } else {
        Err(AppError::not_found(Entity::Category, id))
    }
}

/// The merchant's categories with their listed-product counts.
///
/// # Errors
/// [`AppError::Forbidden`], [`AppError::Storage`].
pub fn list_categories(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
) -> Result<Vec<(Category, i64)>, AppError> {
    actor.require(Permission::CatalogRead)?;
    Ok(tx.list_categories(actor.tenant, None)?)
}

// ---------------------------------------------------------------- brands and collections
