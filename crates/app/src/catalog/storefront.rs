//! The storefront's reads of the catalogue: listed products, one product with its
//! variations, related products, categories, brands and collections.

use crate::Entity;
use kedai_catalog::*;
use kedai_core::{Page, ProductId, TenantId};

use super::*;
use crate::{AppError, UnitOfWork};

/// A listed product as a storefront shows it in a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShopItem {
    /// The product.
    pub product: Product,
    /// Available units: its lots, plus its active variations' for a `variable` product.
    pub stock: i64,
    /// In stock, low or out.
    pub stock_status: StockStatus,
    /// Its categories, in display order.
    pub categories: Vec<Category>,
    /// Its brand, when shown online.
    pub brand: Option<ProductGroup>,
    /// Its collections shown online.
    pub collections: Vec<ProductGroup>,
    /// Its images, primary first.
    pub images: Vec<ProductImage>,
}

/// A product as a storefront shows it on its own page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShopDetail {
    /// The list fields.
    pub item: ShopItem,
    /// Options with values (the parent's, for a variation).
    pub options: Vec<ProductOption>,
    /// `(option, value)` of a variation.
    pub selected: Vec<(String, String)>,
    /// Active variations with their own stock.
    pub variations: Vec<VariationView>,
}

/// Builds the list fields of many products with one query per kind of fact: stock (summed
/// by the database), categories, collections, brands, images and, for `variable` products,
/// their variations.
fn items(
    tx: &mut dyn UnitOfWork,
    tenant: TenantId,
    products: Vec<Product>,
) -> Result<Vec<ShopItem>, AppError> {
    if products.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<ProductId> = products.iter().map(|p| p.id).collect();
    let variable: Vec<ProductId> = products
        .iter()
        .filter(|p| p.storefront.product_type == ProductType::Variable)
        .map(|p| p.id)
        .collect();
    let children: Vec<(ProductId, ProductId)> = if variable.is_empty() {
        Vec::new()
    } else {
        tx.variations_of(tenant, &variable)?
            .into_iter()
            .filter(Product::is_on_sale)
            .filter_map(|v| v.storefront.parent_id.map(|p| (p, v.id)))
            .collect()
    };
    let mut counted = ids.clone();
    counted.extend(children.iter().map(|(_, c)| *c));
    let totals = tx.stock_totals(tenant, &counted)?;
    let total_of = |id: ProductId| totals.iter().find(|(p, _)| *p == id).map_or(0, |(_, n)| *n);
    let categories = tx.categories_of(tenant, &ids)?;
    let collections = tx.collections_of(tenant, &ids)?;
    let mut brand_ids: Vec<GroupId> = products
        .iter()
        .filter_map(|p| p.storefront.brand_id)
        .collect();
    brand_ids.sort_unstable();
    brand_ids.dedup();
    let brands = if brand_ids.is_empty() {
        Vec::new()
    } else {
        tx.find_brands(tenant, &brand_ids)?
    };
    let images = tx.images_of(tenant, &ids)?;
    Ok(products
        .into_iter()
        .map(|product| {
            let stock = total_of(product.id)
                + children
                    .iter()
                    .filter(|(p, _)| *p == product.id)
                    .map(|(_, c)| total_of(*c))
                    .sum::<i64>();
            ShopItem {
                stock,
                stock_status: stock_status(
                    product.storefront.track_inventory,
                    stock,
                    product.storefront.low_stock_threshold,
                ),
                categories: categories
                    .iter()
                    .filter(|(p, _)| *p == product.id)
                    .map(|(_, c)| c.clone())
                    .collect(),
                brand: product.storefront.brand_id.and_then(|b| {
                    brands
                        .iter()
                        .find(|g| g.id == b && g.online_enabled)
                        .cloned()
                }),
                collections: collections
                    .iter()
                    .filter(|(p, g)| *p == product.id && g.online_enabled)
                    .map(|(_, g)| g.clone())
                    .collect(),
                images: images
                    .iter()
                    .filter(|i| i.product_id == product.id)
                    .cloned()
                    .collect(),
                product,
            }
        })
        .collect())
}

/// A page of the tenant's listed products (active, live, not variations) with the total.
///
/// # Errors
/// [`AppError::Storage`].
pub fn storefront_products(
    tx: &mut dyn UnitOfWork,
    tenant: TenantId,
    filter: &StorefrontFilter,
    page: Page,
) -> Result<(Vec<ShopItem>, i64), AppError> {
    let (products, total) = tx.storefront_products(tenant, filter, page)?;
    Ok((items(tx, tenant, products)?, total))
}

/// A storefront product by slug or by integer id: active and live (variations included).
fn shown_product(
    tx: &mut dyn UnitOfWork,
    tenant: TenantId,
    key: &str,
) -> Result<Product, AppError> {
    let found = match key.parse::<ProductId>() {
        Ok(id) => tx.find_product(tenant, id)?,
        Err(_) => tx.find_product_by_slug(tenant, &key.trim().to_ascii_lowercase())?,
    };
    found
        .filter(Product::is_on_sale)
        .ok_or_else(|| AppError::not_found(Entity::Product, key))
}

/// A storefront product page: the list fields, options, active variations with their own
/// stock, and a variation's selected options.
///
/// # Errors
/// [`AppError::NotFound`] for an unknown, inactive or archived product.
pub fn shop_product(
    tx: &mut dyn UnitOfWork,
    tenant: TenantId,
    key: &str,
) -> Result<ShopDetail, AppError> {
    let product = shown_product(tx, tenant, key)?;
    let options_of = product.storefront.parent_id.unwrap_or(product.id);
    let options = tx.options_of(tenant, options_of)?;
    let selected = if product.storefront.parent_id.is_some() {
        let values: Vec<OptionValueId> = tx
            .variation_values(tenant, &[product.id])?
            .into_iter()
            .map(|(_, v)| v)
            .collect();
        selected_of(&options, &values)
    } else {
        Vec::new()
    };
    let variations = if product.storefront.product_type == ProductType::Variable {
        variation_views(tx, tenant, product.id, &options)?
            .into_iter()
            .filter(|v| v.view.product.is_on_sale())
            .collect()
    } else {
        Vec::new()
    };
    let item = items(tx, tenant, vec![product])?
        .pop()
        .ok_or_else(|| AppError::not_found(Entity::Product, key))?;
    Ok(ShopDetail {
        item,
        options,
        selected,
        variations,
    })
}

/// Up to `limit` listed products related to the one named by `key` (never itself).
///
/// # Errors
/// [`AppError::NotFound`] for an unknown product.
pub fn shop_related(
    tx: &mut dyn UnitOfWork,
    tenant: TenantId,
    key: &str,
    limit: i64,
) -> Result<Vec<ShopItem>, AppError> {
    let product = shown_product(tx, tenant, key)?;
    let related = tx.related_products(tenant, &product, limit)?;
    items(tx, tenant, related)
}

/// The tenant's categories with listed-product counts, optionally only featured ones.
///
/// # Errors
/// [`AppError::Storage`].
pub fn shop_categories(
    tx: &mut dyn UnitOfWork,
    tenant: TenantId,
    featured: Option<bool>,
) -> Result<Vec<(Category, i64)>, AppError> {
    Ok(tx.list_categories(tenant, featured)?)
}

/// The tenant's brands or collections shown online, with listed-product counts.
///
/// # Errors
/// [`AppError::Storage`].
pub fn shop_groups(
    tx: &mut dyn UnitOfWork,
    tenant: TenantId,
    kind: GroupKind,
) -> Result<Vec<(ProductGroup, i64)>, AppError> {
    Ok(tx.list_groups(tenant, kind, true)?)
}

/// One brand or collection shown online, by slug.
///
/// # Errors
/// [`AppError::NotFound`].
pub fn shop_group(
    tx: &mut dyn UnitOfWork,
    tenant: TenantId,
    kind: GroupKind,
    slug: &str,
) -> Result<(ProductGroup, i64), AppError> {
    let slug = slug.trim().to_ascii_lowercase();
    tx.list_groups(tenant, kind, true)?
        .into_iter()
        .find(|(g, _)| g.slug() == slug)
        .ok_or_else(|| AppError::not_found(group_entity(kind), slug))
}
