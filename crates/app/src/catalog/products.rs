//! Products: create, change, read, list, archive.

use crate::Entity;
use chrono::{DateTime, Utc};
use kedai_catalog::*;
use kedai_core::ErrorCode;
use kedai_core::{Page, ProductId};
use kedai_identity::Permission;
use kedai_identity::Tenant;

use super::*;
use crate::{Actor, Amount, AppError, UnitOfWork};

/// A new product as requested; the price is converted in the tenant's currency.
#[derive(Debug, Clone)]
pub struct CreateProduct {
    /// Name.
    pub name: String,
    /// SKU.
    pub sku: Option<String>,
    /// Category.
    pub category: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Price.
    pub price: Amount,
    /// Status (default active).
    pub status: Option<ProductStatus>,
    /// Outlets.
    pub outlet_ids: Vec<String>,
    /// Storefront fields, categories and collections.
    pub storefront: StorefrontInput,
}

/// A partial product update as requested.
#[derive(Debug, Clone, Default)]
pub struct UpdateProduct {
    /// Name.
    pub name: Option<String>,
    /// SKU (`Some(None)` clears).
    pub sku: Option<Option<String>>,
    /// Category (`Some(None)` clears).
    pub category: Option<Option<String>>,
    /// Description (`Some(None)` clears).
    pub description: Option<Option<String>>,
    /// Price.
    pub price: Option<Amount>,
    /// Status.
    pub status: Option<ProductStatus>,
    /// Outlets.
    pub outlet_ids: Option<Vec<String>>,
    /// Storefront fields, categories and collections.
    pub storefront: StorefrontInput,
}

/// Checks that every outlet id names a live outlet of the actor's tenant; returns them in
/// their canonical form (lower-case, hyphenated), as orders and filters compare them.
fn known_outlets(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    ids: &[String],
) -> Result<Vec<String>, AppError> {
    Ok(
        crate::staff::resolve_outlets(tx, actor.tenant, "outlet_ids", ids)?
            .iter()
            .map(ToString::to_string)
            .collect(),
    )
}

/// Creates a product.
///
/// # Errors
/// [`AppError::Forbidden`], [`AppError::Validation`], [`AppError::Conflict`] `SKU_TAKEN`.
#[tracing::instrument(skip_all, fields(tenant.id = %actor.tenant))]
pub fn create_product(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    tenant: &Tenant,
    cmd: &CreateProduct,
    now: DateTime<Utc>,
) -> Result<ProductView, AppError> {
    actor.require(Permission::CatalogWrite)?;
    let currency = tenant.currency;
    let mut new = NewProduct::new(
        &cmd.name,
        cmd.sku.as_deref(),
        cmd.category.as_deref(),
        cmd.description.as_deref(),
        cmd.price.to_money(currency, "price")?,
        cmd.status.unwrap_or_default(),
        &cmd.outlet_ids,
    )?;
    // Checked as sent, so an error names the request's own index.
    new.outlet_ids = known_outlets(tx, actor, &cmd.outlet_ids)?;
    let update = storefront_update(tx, actor, &cmd.storefront, currency)?;
    new.storefront.apply(update, new.price)?;
    check_slug_free(tx, actor, new.storefront.slug.as_ref(), None)?;
    let id = tx
        .insert_product(actor.tenant, &new, now)?
        .map_err(|t| taken(t, new.sku.as_deref(), new.storefront.slug.as_ref()))?;
    link_product(tx, actor, id, &cmd.storefront)?;
    let product = require_product(tx, actor, id)?;
    view(tx, product)
}

/// Changes a product.
///
/// # Errors
/// [`AppError::Forbidden`], [`AppError::NotFound`], [`AppError::Validation`],
/// [`AppError::Conflict`] `SKU_TAKEN`.
#[tracing::instrument(skip_all, fields(tenant.id = %actor.tenant, product.id = %id))]
pub fn update_product(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    id: ProductId,
    cmd: &UpdateProduct,
    now: DateTime<Utc>,
) -> Result<ProductView, AppError> {
    actor.require(Permission::CatalogWrite)?;
    let mut product = require_product(tx, actor, id)?;
    let price = match &cmd.price {
        Some(p) => Some(p.to_money(product.price.currency(), "price")?),
        None => None,
    };
    product.apply(
        ProductUpdate {
            name: cmd.name.clone(),
            sku: cmd.sku.clone(),
            category: cmd.category.clone(),
            description: cmd.description.clone(),
            price,
            status: cmd.status,
            outlet_ids: cmd.outlet_ids.clone(),
        },
        now,
    )?;
    if let Some(raw) = &cmd.outlet_ids {
        product.outlet_ids = known_outlets(tx, actor, raw)?;
    }
    let update: StorefrontUpdate =
        storefront_update(tx, actor, &cmd.storefront, product.price.currency())?;
    let was = product.storefront.product_type;
    product.storefront.apply(update, product.price)?;
    if was == ProductType::Variable
        && product.storefront.product_type != ProductType::Variable
        && !tx.variations_of(actor.tenant, &[id])?.is_empty()
    {
        return Err(AppError::conflict(
            ErrorCode::ProductHasVariations,
            format!("product {id} has variations; delete them before changing its type"),
        ));
    }
    check_slug_free(tx, actor, product.storefront.slug.as_ref(), Some(id))?;
    tx.update_product(&product)?
        .map_err(|t| taken(t, product.sku.as_deref(), product.storefront.slug.as_ref()))?;
    link_product(tx, actor, id, &cmd.storefront)?;
    view(tx, product)
}

/// One product with its stock.
///
/// # Errors
/// [`AppError::Forbidden`], [`AppError::NotFound`].
pub fn get_product(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    id: ProductId,
) -> Result<ProductView, AppError> {
    actor.require(Permission::CatalogRead)?;
    let product = require_product(tx, actor, id)?;
    view(tx, product)
}

/// A page of the products matching `filter`, with their stock, and the total that match.
///
/// # Errors
/// [`AppError::Forbidden`], [`AppError::Storage`].
pub fn list_products(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    filter: &ProductFilter,
    page: Page,
) -> Result<(Vec<ProductView>, i64), AppError> {
    actor.require(Permission::CatalogRead)?;
    let (products, total) = tx.list_products(actor.tenant, filter, page)?;
    Ok((views(tx, products)?, total))
}

/// Deletes a product from the catalogue. A product that still has stock on hand or is on an
/// open order is refused (`PRODUCT_IN_USE`): adjust its stock or finish those orders first.
/// Otherwise it is archived, not erased, so order history and the stock ledger keep naming it;
/// an archived product is gone from the catalogue, cannot be stocked or sold, and frees its SKU.
///
/// # Errors
/// [`AppError::Forbidden`], [`AppError::NotFound`], [`AppError::Conflict`] `PRODUCT_IN_USE`.
#[tracing::instrument(skip_all, fields(tenant.id = %actor.tenant, product.id = %id))]
pub fn delete_product(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    id: ProductId,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    actor.require(Permission::CatalogWrite)?;
    let product = require_product(tx, actor, id)?;
    let stock = stock_of(tx, &product)?;
    if stock > 0 {
        return Err(AppError::conflict(
            ErrorCode::ProductInUse,
            format!("product {id} still has {stock} units in stock"),
        ));
    }
    let variations = tx.variations_of(actor.tenant, &[id])?.len();
    if variations > 0 {
        return Err(AppError::conflict(
            ErrorCode::ProductInUse,
            format!("product {id} has {variations} variations; delete them first"),
        ));
    }
    let open = tx.open_orders_with_product(actor.tenant, id)?;
    if open > 0 {
        return Err(AppError::conflict(
            ErrorCode::ProductInUse,
            format!("product {id} is on {open} open orders"),
        ));
    }
    if !tx.archive_product(actor.tenant, id, now)? {
        return Err(AppError::not_found(Entity::Product, id));
    }
    Ok(())
}
