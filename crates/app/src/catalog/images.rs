//! Product images.

use crate::Entity;
use chrono::{DateTime, Utc};
use kedai_catalog::*;
use kedai_core::ProductId;
use kedai_identity::Permission;

use super::*;
use crate::{Actor, AppError, UnitOfWork};

/// An image as requested.
#[derive(Debug, Clone, Default)]
pub struct ImageInput {
    /// Absolute http(s) URL.
    pub src: String,
    /// Name.
    pub name: Option<String>,
    /// Alternative text.
    pub alt: Option<String>,
    /// Width.
    pub width: Option<i64>,
    /// Height.
    pub height: Option<i64>,
    /// Main image (default: when it is the product's first).
    pub is_primary: Option<bool>,
    /// Display order (default: after the others).
    pub position: Option<i64>,
}

/// Adds an image to a product by URL.
///
/// # Errors
/// [`AppError::Forbidden`], [`AppError::NotFound`], [`AppError::Validation`].
pub fn add_image(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    product: ProductId,
    input: &ImageInput,
    now: DateTime<Utc>,
) -> Result<ProductImage, AppError> {
    actor.require(Permission::CatalogWrite)?;
    require_product(tx, actor, product)?;
    let existing = tx.images_of(actor.tenant, &[product])?;
    let draft = ImageDraft::new(
        &input.src,
        input.name.as_deref(),
        input.alt.as_deref(),
        input.width,
        input.height,
        input.is_primary.unwrap_or(existing.is_empty()),
        input
            .position
            .unwrap_or_else(|| i64::try_from(existing.len()).unwrap_or(i64::MAX)),
    )?;
    let id = tx.insert_image(actor.tenant, product, &draft, now)?;
    tx.images_of(actor.tenant, &[product])?
        .into_iter()
        .find(|i| i.id == id)
        .ok_or_else(|| AppError::not_found(Entity::Image, id))
}

/// Removes an image of a product.
///
/// # Errors
/// [`AppError::Forbidden`], [`AppError::NotFound`].
pub fn delete_image(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    product: ProductId,
    image: ImageId,
) -> Result<(), AppError> {
    actor.require(Permission::CatalogWrite)?;
    require_product(tx, actor, product)?;
    if tx.delete_image(actor.tenant, product, image)? {
        Ok(())
    } else {
        Err(AppError::not_found(Entity::Image, image))
    }
}

// ---------------------------------------------------------------- storefront reads
