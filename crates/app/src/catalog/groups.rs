//! Brands and collections, as the merchant manages them.

use crate::Entity;
use chrono::{DateTime, Utc};
use kedai_catalog::*;
use kedai_identity::Permission;

use super::*;
use crate::{Actor, AppError, UnitOfWork};

/// A brand or collection as requested.
#[derive(Debug, Clone, Default)]
pub struct GroupInput {
    /// Name, slug, description, image URL and order.
    pub listing: ListingUpdate,
    /// Shown on the storefront.
    pub online_enabled: Option<bool>,
}

pub(super) fn group_entity(kind: GroupKind) -> Entity {
    match kind {
        GroupKind::Brand => Entity::Brand,
        GroupKind::Collection => Entity::Collection,
    }
}

fn group_count(tx: &mut dyn UnitOfWork, g: &ProductGroup) -> Result<i64, AppError> {
    Ok(tx
        .list_groups(g.tenant_id, g.kind, false)?
        .into_iter()
        .find(|(x, _)| x.id == g.id)
        .map_or(0, |(_, n)| n))
}

/// Creates a brand or collection; without a slug, one is made from the name.
///
/// # Errors
/// [`AppError::Forbidden`], [`AppError::Validation`], [`AppError::Conflict`] `SLUG_TAKEN`.
pub fn create_group(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    kind: GroupKind,
    input: &GroupInput,
    now: DateTime<Utc>,
) -> Result<(ProductGroup, i64), AppError> {
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
        true,
    )?;
    let group = ProductGroup {
        id: GroupId::new(),
        tenant_id: actor.tenant,
        kind,
        listing,
        online_enabled: input.online_enabled.unwrap_or(true),
        created_at: now,
        updated_at: now,
    };
    tx.insert_group(&group)?
        .map_err(|()| slug_taken(group.slug()))?;
    Ok((group, 0))
}

/// Changes a brand or collection.
///
/// # Errors
/// [`AppError::Forbidden`], [`AppError::NotFound`], [`AppError::Validation`],
/// [`AppError::Conflict`] `SLUG_TAKEN`.
pub fn update_group(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    kind: GroupKind,
    id: GroupId,
    input: &GroupInput,
    now: DateTime<Utc>,
) -> Result<(ProductGroup, i64), AppError> {
    actor.require(Permission::CatalogWrite)?;
    let mut group = tx
        .find_group(actor.tenant, kind, id)?
        .ok_or_else(|| AppError::not_found(group_entity(kind), id))?;
    group.listing.apply(input.listing.clone(), true)?;
    if let Some(o) = input.online_enabled {
        group.online_enabled = o;
    }
    group.updated_at = now;
    tx.update_group(&group)?
        .map_err(|()| slug_taken(group.slug()))?;
    let count = group_count(tx, &group)?;
    Ok((group, count))
}

/// Deletes a brand (its products lose it) or collection (its products leave it).
///
/// # Errors
/// [`AppError::Forbidden`], [`AppError::NotFound`].
pub fn delete_group(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    kind: GroupKind,
    id: GroupId,
) -> Result<(), AppError> {
    actor.require(Permission::CatalogWrite)?;
    if tx.delete_group(actor.tenant, kind, id)? {
        Ok(())
    } else {
        Err(AppError::not_found(group_entity(kind), id))
    }
}

/// The merchant's brands or collections (online or not) with their listed-product counts.
///
/// # Errors
/// [`AppError::Forbidden`], [`AppError::Storage`].
pub fn list_groups(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    kind: GroupKind,
) -> Result<Vec<(ProductGroup, i64)>, AppError> {
    actor.require(Permission::CatalogRead)?;
    Ok(tx.list_groups(actor.tenant, kind, false)?)
}

// ---------------------------------------------------------------- variations
