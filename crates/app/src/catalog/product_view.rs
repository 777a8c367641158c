//! A product as the merchant API shows it (with its stock), and the checks every catalogue
//! change shares: the product exists, its SKU and slug are free.

use crate::Entity;
use kedai_catalog::*;
use kedai_core::ErrorCode;
use kedai_core::ProductId;

use crate::{Actor, AppError, UnitOfWork};

/// A product and its available stock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductView {
    /// The product.
    pub product: Product,
    /// Σ remaining of its lots.
    pub current_stock: i64,
    /// In stock, low or out, from the stock and the product's threshold.
    pub stock_status: StockStatus,
    /// Its categories.
    pub category_ids: Vec<CategoryId>,
    /// Its collections.
    pub collection_ids: Vec<GroupId>,
}

fn sku_taken(sku: Option<&str>) -> AppError {
    AppError::conflict(
        ErrorCode::SkuTaken,
        format!(
            "SKU {} is already used by another product",
            sku.unwrap_or_default()
        ),
    )
}

/// The conflict for a SKU or slug another live product has (a concurrent write that took it
/// after the checks ran reaches here through the unique indexes).
pub(crate) fn taken(which: Taken, sku: Option<&str>, slug: Option<&Slug>) -> AppError {
    match which {
        Taken::Sku => sku_taken(sku),
        Taken::Slug => crate::catalog::slug_taken(slug.map_or("", Slug::as_str)),
    }
}

/// Loads a live product of the actor's tenant.
///
/// # Errors
/// [`AppError::NotFound`] or [`AppError::Storage`].
pub fn require_product(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    id: ProductId,
) -> Result<Product, AppError> {
    tx.find_product(actor.tenant, id)?
        .ok_or_else(|| AppError::not_found(Entity::Product, id))
}

/// The merchant's view of products: stock, stock status, categories and collections, read
/// for all of them at once.
///
/// # Errors
/// [`AppError::Storage`].
pub fn views(
    tx: &mut dyn UnitOfWork,
    products: Vec<Product>,
) -> Result<Vec<ProductView>, AppError> {
    let Some(tenant) = products.first().map(|p| p.tenant_id) else {
        return Ok(Vec::new());
    };
    let ids: Vec<ProductId> = products.iter().map(|p| p.id).collect();
    let levels = tx.stock_levels(tenant, &ids)?;
    let categories = tx.categories_of(tenant, &ids)?;
    let collections = tx.collections_of(tenant, &ids)?;
    Ok(products
        .into_iter()
        .map(|product| {
            let current_stock = levels
                .iter()
                .find(|(id, _)| *id == product.id)
                .map_or(0, |(_, s)| *s);
            ProductView {
                stock_status: kedai_catalog::stock_status(
                    product.storefront.track_inventory,
                    current_stock,
                    product.storefront.low_stock_threshold,
                ),
                category_ids: categories
                    .iter()
                    .filter(|(p, _)| *p == product.id)
                    .map(|(_, c)| c.id)
                    .collect(),
                collection_ids: collections
                    .iter()
                    .filter(|(p, _)| *p == product.id)
                    .map(|(_, c)| c.id)
                    .collect(),
                product,
                current_stock,
            }
        })
        .collect())
}

pub(super) fn view(tx: &mut dyn UnitOfWork, product: Product) -> Result<ProductView, AppError> {
    views(tx, vec![product])?
        .pop()
        .ok_or_else(|| AppError::Storage(kedai_core::StorageError::other("no product view")))
}

/// Available units of a product.
///
/// # Errors
/// [`AppError::Storage`].
pub fn stock_of(tx: &mut dyn UnitOfWork, product: &Product) -> Result<i64, AppError> {
    Ok(tx
        .stock_levels(product.tenant_id, &[product.id])?
        .first()
        .map_or(0, |(_, s)| *s))
}
