//! The storefront catalogue: the merchant's management of categories, brands, collections,
//! variations, options and images, and the storefront's reads of listed products. A variation
//! is a product (own lots, price and stock) whose parent is a `variable` product.

use chrono::{DateTime, Utc};
use kedai_catalog::{
    Category, CategoryId, GroupId, GroupKind, ImageDraft, ImageId, Listing, ListingUpdate,
    NewCategory, OptionDraft, OptionValueId, ProductGroup, ProductImage, ProductOption,
    ProductType, Slug, StockStatus, StorefrontFields, StorefrontFilter, StorefrontUpdate,
    VariationError, check_variation_parent, check_variation_values, creates_cycle, stock_status,
};
use kedai_catalog::{NewProduct, Product, ProductStatus, ProductUpdate};
use kedai_core::{Currency, Money, Page, ProductId, TenantId};
use kedai_identity::Permission;

use crate::catalog::{ProductView, require_product, taken, views};
use crate::{Actor, Amount, AppError, UnitOfWork};

/// Storefront fields of a product as requested; `None` leaves a field as it is, `Some(None)`
/// clears it.
#[derive(Debug, Clone, Default)]
pub struct ShopInput {
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
pub fn shop_update(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    input: &ShopInput,
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
    AppError::conflict("SLUG_TAKEN", format!("slug {slug} is already in use"))
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
    input: &ShopInput,
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
        .ok_or_else(|| AppError::not_found("category", id))?;
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
        .ok_or_else(|| AppError::not_found("category", id))?;
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
        Err(AppError::not_found("category", id))
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

/// A brand or collection as requested.
#[derive(Debug, Clone, Default)]
pub struct GroupInput {
    /// Name, slug, description, image URL and order.
    pub listing: ListingUpdate,
    /// Shown on the storefront.
    pub online_enabled: Option<bool>,
}

fn group_entity(kind: GroupKind) -> &'static str {
    match kind {
        GroupKind::Brand => "brand",
        GroupKind::Collection => "collection",
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

/// A variation with its stock and option values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VariationView {
    /// The variation's product row, stock, status and links.
    pub view: ProductView,
    /// Its option values.
    pub values: Vec<OptionValueId>,
    /// `(option name, value)` of each, in the parent's option order.
    pub selected: Vec<(String, String)>,
}

/// A variation as requested; on update, `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct VariationInput {
    /// Name (default: the parent's name and the option values).
    pub name: Option<String>,
    /// SKU.
    pub sku: Option<Option<String>>,
    /// Price (default: the parent's).
    pub price: Option<Amount>,
    /// Status.
    pub status: Option<ProductStatus>,
    /// Option values (exactly these).
    pub option_value_ids: Option<Vec<OptionValueId>>,
    /// Discount and members' prices, weight, stock tracking.
    pub shop: ShopInput,
}

fn variation_error(e: VariationError, parent: ProductId) -> AppError {
    match e {
        VariationError::ParentIsVariation => {
            AppError::conflict("PRODUCT_IS_VARIATION", e.to_string())
        }
        VariationError::ParentNotVariable => {
            AppError::conflict("PRODUCT_NOT_VARIABLE", e.to_string())
        }
        VariationError::OtherTenant => AppError::not_found("product", parent),
        VariationError::ForeignValue(_)
        | VariationError::TwoValues(_)
        | VariationError::MissingRequired(_) => {
            AppError::invalid("option_value_ids", e.to_string())
        }
        VariationError::Duplicate => AppError::conflict("VARIATION_EXISTS", e.to_string()),
        VariationError::HasVariations => {
            AppError::conflict("PRODUCT_HAS_VARIATIONS", e.to_string())
        }
    }
}

fn selected_of(options: &[ProductOption], values: &[OptionValueId]) -> Vec<(String, String)> {
    options
        .iter()
        .filter_map(|o| {
            o.values
                .iter()
                .find(|v| values.contains(&v.id))
                .map(|v| (o.name.clone(), v.value.clone()))
        })
        .collect()
}

/// The parent's variations with their stock and values, oldest first.
///
/// # Errors
/// [`AppError::Storage`].
fn variation_views(
    tx: &mut dyn UnitOfWork,
    tenant: TenantId,
    parent: ProductId,
    options: &[ProductOption],
) -> Result<Vec<VariationView>, AppError> {
    let variations = tx.variations_of(tenant, &[parent])?;
    let ids: Vec<ProductId> = variations.iter().map(|v| v.id).collect();
    let values = tx.variation_values(tenant, &ids)?;
    Ok(views(tx, variations)?
        .into_iter()
        .map(|view| {
            let mine: Vec<OptionValueId> = values
                .iter()
                .filter(|(p, _)| *p == view.product.id)
                .map(|(_, v)| *v)
                .collect();
            VariationView {
                selected: selected_of(options, &mine),
                values: mine,
                view,
            }
        })
        .collect())
}

fn require_parent(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    parent: ProductId,
) -> Result<Product, AppError> {
    let product = require_product(tx, actor, parent)?;
    check_variation_parent(&product, actor.tenant).map_err(|e| variation_error(e, parent))?;
    Ok(product)
}

fn require_variation(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    parent: ProductId,
    id: ProductId,
) -> Result<Product, AppError> {
    let v = tx
        .find_product(actor.tenant, id)?
        .filter(|v| v.storefront.parent_id == Some(parent))
        .ok_or_else(|| AppError::not_found("variation", id))?;
    Ok(v)
}

/// The variations of a `variable` product.
///
/// # Errors
/// [`AppError::Forbidden`], [`AppError::NotFound`].
pub fn list_variations(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    parent: ProductId,
) -> Result<Vec<VariationView>, AppError> {
    actor.require(Permission::CatalogRead)?;
    let product = require_product(tx, actor, parent)?;
    let options = tx.options_of(actor.tenant, product.id)?;
    variation_views(tx, actor.tenant, parent, &options)
}

fn siblings(
    tx: &mut dyn UnitOfWork,
    tenant: TenantId,
    parent: ProductId,
    except: Option<ProductId>,
) -> Result<Vec<Vec<OptionValueId>>, AppError> {
    let ids: Vec<ProductId> = tx
        .variations_of(tenant, &[parent])?
        .into_iter()
        .map(|v| v.id)
        .filter(|id| Some(*id) != except)
        .collect();
    let values = tx.variation_values(tenant, &ids)?;
    Ok(ids
        .iter()
        .map(|id| {
            values
                .iter()
                .filter(|(p, _)| p == id)
                .map(|(_, v)| *v)
                .collect()
        })
        .collect())
}

fn one_variation(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    parent: ProductId,
    id: ProductId,
) -> Result<VariationView, AppError> {
    let options = tx.options_of(actor.tenant, parent)?;
    variation_views(tx, actor.tenant, parent, &options)?
        .into_iter()
        .find(|v| v.view.product.id == id)
        .ok_or_else(|| AppError::not_found("variation", id))
}

/// Adds a variation to a `variable` product: a product of its own (own lots, price, stock)
/// sold at the parent's outlets, with option values from the parent's options.
///
/// # Errors
/// [`AppError::Forbidden`], [`AppError::NotFound`] (parent), [`AppError::Validation`],
/// [`AppError::Conflict`] `PRODUCT_NOT_VARIABLE`, `PRODUCT_IS_VARIATION`, `VARIATION_EXISTS`,
/// `SKU_TAKEN`.
pub fn create_variation(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    parent_id: ProductId,
    input: &VariationInput,
    now: DateTime<Utc>,
) -> Result<VariationView, AppError> {
    actor.require(Permission::CatalogWrite)?;
    let parent = require_parent(tx, actor, parent_id)?;
    let options = tx.options_of(actor.tenant, parent_id)?;
    let others = siblings(tx, actor.tenant, parent_id, None)?;
    let chosen = input.option_value_ids.clone().unwrap_or_default();
    let values = check_variation_values(&options, &chosen, &others)
        .map_err(|e| variation_error(e, parent_id))?;
    let currency = parent.price.currency();
    let price = match &input.price {
        Some(p) => p.to_money(currency, "price")?,
        None => parent.price,
    };
    let name = match input
        .name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
    {
        Some(n) => n.to_owned(),
        None => {
            let picked: Vec<String> = selected_of(&options, &values)
                .into_iter()
                .map(|(_, v)| v)
                .collect();
            if picked.is_empty() {
                parent.name.clone()
            } else {
                format!("{} - {}", parent.name, picked.join(" / "))
            }
        }
    };
    let mut new = NewProduct::new(
        &name,
        input.sku.clone().flatten().as_deref(),
        None,
        None,
        price,
        input.status.unwrap_or_default(),
        &parent.outlet_ids,
    )?;
    new.storefront = StorefrontFields {
        parent_id: Some(parent_id),
        ..StorefrontFields::default()
    };
    if input.shop.product_type == Some(ProductType::Variable) {
        return Err(AppError::invalid(
            "product_type",
            "a variation cannot itself have variations",
        ));
    }
    let update = shop_update(tx, actor, &input.shop, currency)?;
    new.storefront.apply(update, new.price)?;
    check_slug_free(tx, actor, new.storefront.slug.as_ref(), None)?;
    let id = tx
        .insert_product(actor.tenant, &new, now)?
        .map_err(|t| taken(t, new.sku.as_deref(), new.storefront.slug.as_ref()))?;
    tx.set_variation_values(actor.tenant, id, &values)?;
    one_variation(tx, actor, parent_id, id)
}

/// Changes a variation of `parent`.
///
/// # Errors
/// [`AppError::Forbidden`], [`AppError::NotFound`], [`AppError::Validation`],
/// [`AppError::Conflict`] `VARIATION_EXISTS`, `SKU_TAKEN`.
pub fn update_variation(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    parent_id: ProductId,
    id: ProductId,
    input: &VariationInput,
    now: DateTime<Utc>,
) -> Result<VariationView, AppError> {
    actor.require(Permission::CatalogWrite)?;
    require_product(tx, actor, parent_id)?;
    let mut v = require_variation(tx, actor, parent_id, id)?;
    let currency = v.price.currency();
    let price = match &input.price {
        Some(p) => Some(p.to_money(currency, "price")?),
        None => None,
    };
    v.apply(
        ProductUpdate {
            name: input.name.clone(),
            sku: input.sku.clone(),
            price,
            status: input.status,
            ..ProductUpdate::default()
        },
        now,
    )?;
    let update = shop_update(tx, actor, &input.shop, currency)?;
    v.storefront.apply(update, v.price)?;
    check_slug_free(tx, actor, v.storefront.slug.as_ref(), Some(id))?;
    let values = match &input.option_value_ids {
        Some(chosen) => {
            let options = tx.options_of(actor.tenant, parent_id)?;
            let others = siblings(tx, actor.tenant, parent_id, Some(id))?;
            Some(
                check_variation_values(&options, chosen, &others)
                    .map_err(|e| variation_error(e, parent_id))?,
            )
        }
        None => None,
    };
    tx.update_product(&v)?
        .map_err(|t| taken(t, v.sku.as_deref(), v.storefront.slug.as_ref()))?;
    if let Some(values) = values {
        tx.set_variation_values(actor.tenant, id, &values)?;
    }
    one_variation(tx, actor, parent_id, id)
}

/// Deletes a variation of `parent`, as products are deleted: refused while it has stock or is
/// on an open order, archived otherwise.
///
/// # Errors
/// [`AppError::Forbidden`], [`AppError::NotFound`], [`AppError::Conflict`] `PRODUCT_IN_USE`.
pub fn delete_variation(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    parent_id: ProductId,
    id: ProductId,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    actor.require(Permission::CatalogWrite)?;
    require_product(tx, actor, parent_id)?;
    require_variation(tx, actor, parent_id, id)?;
    crate::catalog::delete_product(tx, actor, id, now)
}

// ---------------------------------------------------------------- options and images

/// Adds an option with its values to a product (not to a variation).
///
/// # Errors
/// [`AppError::Forbidden`], [`AppError::NotFound`], [`AppError::Conflict`]
/// `PRODUCT_IS_VARIATION` or `OPTION_EXISTS`.
pub fn add_option(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    product: ProductId,
    option: &OptionDraft,
    now: DateTime<Utc>,
) -> Result<ProductOption, AppError> {
    actor.require(Permission::CatalogWrite)?;
    let p = require_product(tx, actor, product)?;
    if p.storefront.parent_id.is_some() {
        return Err(AppError::conflict(
            "PRODUCT_IS_VARIATION",
            "options belong to the parent product, not to a variation",
        ));
    }
    let id = tx
        .insert_option(actor.tenant, product, option, now)?
        .map_err(|()| {
            AppError::conflict(
                "OPTION_EXISTS",
                format!("the product already has an option named {}", option.name),
            )
        })?;
    tx.options_of(actor.tenant, product)?
        .into_iter()
        .find(|o| o.id == id)
        .ok_or_else(|| AppError::not_found("option", id))
}

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
        .ok_or_else(|| AppError::not_found("image", id))
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
        Err(AppError::not_found("image", image))
    }
}

// ---------------------------------------------------------------- storefront reads

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
        .ok_or_else(|| AppError::not_found("product", key))
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
        .ok_or_else(|| AppError::not_found("product", key))?;
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
