//! A product's storefront fields as requested, checked and linked to categories and
//! collections.

use kedai_catalog::*;
use kedai_core::ErrorCode;
use kedai_core::{Currency, Money, ProductId};

use crate::{Actor, Amount, AppError, UnitOfWork};

/// Storefront fields of a product as requested; `None` leaves a field as it is, `Some(None)`
/// clears it.
#[derive(Debug, Clone, Default)]
pub struct StorefrontInput {
    /// Slug.
    pub slug: Option<Option<String>>,
    /// Short name.
    pub short_name: Option<Option<String>>,
    /// Product type.
    pub product_type: Option<ProductType>,
    /// Featured.
    pub is_featured: Option<bool>,
    /// Discounted price.
    pub discount_price: Option<Option<Amount>>,
    /// Members' price.
    pub member_price: Option<Option<Amount>>,
    /// SEO title.
    pub seo_title: Option<Option<String>>,
    /// SEO description.
    pub seo_description: Option<Option<String>>,
    /// Shipping weight.
    pub shipping_weight: Option<Option<String>>,
    /// Brand.
    pub brand_id: Option<Option<GroupId>>,
    /// Track inventory.
    pub track_inventory: Option<bool>,
    /// Low-stock threshold.
    pub low_stock_threshold: Option<Option<i64>>,
    /// Exactly these categories.
    pub category_ids: Option<Vec<CategoryId>>,
    /// Exactly these collections.
    pub collection_ids: Option<Vec<GroupId>>,
}

fn money(
    v: &Option<Option<Amount>>,
    currency: Currency,
    field: &str,
) -> Result<Option<Option<Money>>, AppError> {
    match v {
        None => Ok(None),
        Some(None) => Ok(Some(None)),
        Some(Some(a)) => a.to_money(currency, field).map(|m| Some(Some(m))),
    }
}

/// Converts the requested storefront fields, checking that the brand exists.
///
/// # Errors
/// [`AppError::Validation`] for a malformed amount or an unknown brand.
pub fn storefront_update(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    input: &StorefrontInput,
    currency: Currency,
) -> Result<StorefrontUpdate, AppError> {
    if let Some(Some(brand)) = input.brand_id
        && tx
            .find_group(actor.tenant, GroupKind::Brand, brand)?
            .is_none()
    {
        return Err(AppError::invalid("brand_id", format!("no brand {brand}")));
    }
    Ok(StorefrontUpdate {
        slug: input.slug.clone(),
        short_name: input.short_name.clone(),
        product_type: input.product_type,
        is_featured: input.is_featured,
        discount_price: money(&input.discount_price, currency, "discount_price")?,
        member_price: money(&input.member_price, currency, "member_price")?,
        seo_title: input.seo_title.clone(),
        seo_description: input.seo_description.clone(),
        shipping_weight: input.shipping_weight.clone(),
        brand_id: input.brand_id,
        track_inventory: input.track_inventory,
        low_stock_threshold: input.low_stock_threshold,
    })
}

/// Refuses a slug another live product of the tenant has.
///
/// # Errors
/// [`AppError::Conflict`] `SLUG_TAKEN`.
pub fn check_slug_free(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    slug: Option<&Slug>,
    me: Option<ProductId>,
) -> Result<(), AppError> {
    let Some(slug) = slug else { return Ok(()) };
    match tx.find_product_by_slug(actor.tenant, slug.as_str())? {
        Some(other) if Some(other.id) != me => Err(slug_taken(slug.as_str())),
        _ => Ok(()),
    }
}

pub(crate) fn slug_taken(slug: &str) -> AppError {
    AppError::conflict(
        ErrorCode::SlugTaken,
        format!("slug {slug} is already in use"),
    )
}

/// Puts a product in the requested categories and collections, when they are given; each
/// must exist in the tenant.
///
/// # Errors
/// [`AppError::Validation`] naming `category_ids` or `collection_ids`.
pub fn link_product(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    product: ProductId,
    input: &StorefrontInput,
) -> Result<(), AppError> {
    if let Some(ids) = &input.category_ids {
        let mut ids = ids.clone();
        ids.sort_unstable();
        ids.dedup();
        for (i, c) in ids.iter().enumerate() {
            if tx.find_category(actor.tenant, *c)?.is_none() {
                return Err(AppError::invalid(
                    format!("category_ids[{i}]"),
                    format!("no category {c}"),
                ));
            }
        }
        tx.set_product_categories(actor.tenant, product, &ids)?;
    }
    if let Some(ids) = &input.collection_ids {
        let mut ids = ids.clone();
        ids.sort_unstable();
        ids.dedup();
        for (i, c) in ids.iter().enumerate() {
            if tx
                .find_group(actor.tenant, GroupKind::Collection, *c)?
                .is_none()
            {
                return Err(AppError::invalid(
                    format!("collection_ids[{i}]"),
                    format!("no collection {c}"),
                ));
            }
        }
        tx.set_product_collections(actor.tenant, product, &ids)?;
    }
    Ok(())
}

// ---------------------------------------------------------------- categories
