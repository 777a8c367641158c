//! The product shapes the storefront reads: list items, images, options, variations and the
//! product page.

use chrono::{DateTime, Utc};
use kedai_app::catalog::{ShopDetail, ShopItem, VariationView};
use kedai_catalog::{ProductImage, ProductOption, ProductType};
use serde::Serialize;
use utoipa::ToSchema;

use super::*;

/// A product in a storefront list (the client's ProductListItem).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProductListItem {
    /// Integer id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Description (empty when there is none).
    pub description: String,
    /// Slug; link to `/shop/{id}` when null.
    pub slug: Option<String>,
    /// List price.
    pub price: Option<f64>,
    /// Discounted price, when below the list price.
    pub discount_price: Option<f64>,
    /// Members' price.
    pub member_price: Option<f64>,
    /// SEO title.
    pub seo_title: Option<String>,
    /// `active`.
    pub status: Option<String>,
    /// `simple`, `variable` or `subscription`.
    pub product_type: String,
    /// `in_stock`, `low_stock` or `out_of_stock`.
    pub stock_status: String,
    /// Available units (a `variable` product counts its active variations).
    pub stock_quantity: i64,
    /// Whether stock is counted.
    pub track_inventory: bool,
    /// The first category's name.
    pub category_name: Option<String>,
    /// The first category's slug.
    pub category_slug: Option<String>,
    /// Categories.
    pub categories: Vec<CategoryRef>,
    /// Brand.
    pub brand: Option<GroupRef>,
    /// Collections.
    pub collections: Vec<GroupRef>,
    /// Sold through variations.
    pub is_variable: bool,
    /// Featured.
    pub is_featured: bool,
    /// The primary image's URL.
    pub image: Option<String>,
}

impl From<ShopItem> for ProductListItem {
    fn from(i: ShopItem) -> Self {
        let p = i.product;
        let prices = p.storefront.prices(p.price);
        let first = i.categories.first();
        Self {
            id: p.id.get(),
            description: p.description.unwrap_or_default(),
            slug: p.storefront.slug.as_ref().map(ToString::to_string),
            price: Some(prices.price.to_f64()),
            discount_price: prices.discount_price.map(|m| m.to_f64()),
            member_price: prices.member_price.map(|m| m.to_f64()),
            seo_title: p.storefront.seo_title,
            status: Some(p.status.to_string()),
            product_type: p.storefront.product_type.to_string(),
            stock_status: i.stock_status.to_string(),
            stock_quantity: i.stock,
            track_inventory: p.storefront.track_inventory,
            category_name: first.map(|c| c.listing.name.clone()),
            category_slug: first.and_then(|c| c.listing.slug.as_ref().map(ToString::to_string)),
            categories: i.categories.iter().map(category_ref).collect(),
            brand: i.brand.as_ref().map(group_ref),
            collections: i.collections.iter().map(group_ref).collect(),
            is_variable: p.storefront.product_type == ProductType::Variable,
            is_featured: p.storefront.is_featured,
            image: i.images.first().map(|img| img.src.clone()),
            name: p.name,
        }
    }
}

/// An image of a product page.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ShopImage {
    /// Integer id.
    pub id: i64,
    /// URL.
    pub src: String,
    /// Name (empty when none).
    pub name: String,
    /// Alternative text (the product name when none).
    pub alt: String,
    /// Placeholder hash (none are computed: empty).
    pub blurhash: String,
    /// Thumbnail URL (the image itself: no resized copies are made).
    pub thumb_url: String,
    /// Medium URL (the image itself).
    pub medium_url: String,
    /// Width in pixels.
    pub width: Option<i64>,
    /// Height in pixels.
    pub height: Option<i64>,
    /// The main image.
    pub is_primary: bool,
}

fn shop_image(i: ProductImage, product_name: &str) -> ShopImage {
    ShopImage {
        id: i.id.get(),
        thumb_url: i.src.clone(),
        medium_url: i.src.clone(),
        src: i.src,
        name: i.name.unwrap_or_default(),
        alt: i.alt.unwrap_or_else(|| product_name.to_owned()),
        blurhash: String::new(),
        width: i.width,
        height: i.height,
        is_primary: i.is_primary,
    }
}

/// One value of an option.
#[derive(Debug, Serialize, ToSchema)]
pub struct ShopOptionValue {
    /// Integer id.
    pub id: i64,
    /// Text.
    pub value: String,
    /// Display order.
    pub position: i64,
}

/// An option of a product page.
#[derive(Debug, Serialize, ToSchema)]
pub struct ShopOption {
    /// Integer id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Display order.
    pub position: i64,
    /// Every variation has a value.
    pub required: bool,
    /// Values.
    pub values: Vec<ShopOptionValue>,
}

impl From<ProductOption> for ShopOption {
    fn from(o: ProductOption) -> Self {
        Self {
            id: o.id.get(),
            name: o.name,
            position: o.position,
            required: o.required,
            values: o
                .values
                .into_iter()
                .map(|v| ShopOptionValue {
                    id: v.id.get(),
                    value: v.value,
                    position: v.position,
                })
                .collect(),
        }
    }
}

/// An option and the value chosen for it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SelectedOption {
    /// Option name.
    pub option_name: String,
    /// Value.
    pub value: String,
}

fn selected(pairs: Vec<(String, String)>) -> Vec<SelectedOption> {
    pairs
        .into_iter()
        .map(|(option_name, value)| SelectedOption { option_name, value })
        .collect()
}

/// A variation on a product page, with its own stock.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ShopVariation {
    /// Integer id (order it as `productId`, or as `variationId` of its parent).
    pub id: i64,
    /// Name.
    pub name: String,
    /// SKU.
    pub sku: Option<String>,
    /// List price.
    pub price: f64,
    /// Discounted price.
    pub discount_price: Option<f64>,
    /// Members' price.
    pub member_price: Option<f64>,
    /// The list price.
    pub regular_price: f64,
    /// The discounted price when on sale.
    pub sale_price: Option<f64>,
    /// On sale.
    pub on_sale: bool,
    /// SEO title (empty when none).
    pub seo_title: String,
    /// Shipping weight, a number (the leading number of the merchant's text), or null.
    pub shipping_weight: Option<f64>,
    /// Its options and values.
    pub selected_options: Vec<SelectedOption>,
    /// Available units of its own lots.
    pub stock_quantity: i64,
    /// `in_stock`, `low_stock` or `out_of_stock`.
    pub stock_status: String,
    /// Whether stock is counted.
    pub track_inventory: bool,
    /// The parent product.
    pub parent_id: i64,
}

impl From<VariationView> for ShopVariation {
    fn from(v: VariationView) -> Self {
        let p = v.view.product;
        let prices = p.storefront.prices(p.price);
        Self {
            id: p.id.get(),
            sku: p.sku,
            price: prices.price.to_f64(),
            discount_price: prices.discount_price.map(|m| m.to_f64()),
            member_price: prices.member_price.map(|m| m.to_f64()),
            regular_price: prices.regular_price.to_f64(),
            sale_price: prices.sale_price.map(|m| m.to_f64()),
            on_sale: prices.on_sale,
            seo_title: p.storefront.seo_title.clone().unwrap_or_default(),
            shipping_weight: p.storefront.shipping_weight_number(),
            selected_options: selected(v.selected),
            stock_quantity: v.view.current_stock,
            stock_status: v.view.stock_status.to_string(),
            track_inventory: p.storefront.track_inventory,
            parent_id: p.storefront.parent_id.map_or(0, kedai_core::ProductId::get),
            name: p.name,
        }
    }
}

/// A product page (the client's Product).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ShopProduct {
    /// Integer id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Short name.
    pub short_name: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Slug.
    pub slug: Option<String>,
    /// SKU.
    pub sku: Option<String>,
    /// List price.
    pub price: f64,
    /// Discounted price, when below the list price.
    pub discount_price: Option<f64>,
    /// Members' price.
    pub member_price: Option<f64>,
    /// The list price.
    pub regular_price: f64,
    /// The discounted price when on sale.
    pub sale_price: Option<f64>,
    /// On sale.
    pub on_sale: bool,
    /// SEO title.
    pub seo_title: Option<String>,
    /// SEO description.
    pub seo_description: Option<String>,
    /// Shipping weight, a number (the leading number of the merchant's text), or null.
    pub shipping_weight: Option<f64>,
    /// `active`.
    pub status: String,
    /// `simple`, `variable` or `subscription`.
    pub product_type: String,
    /// Available units (a `variable` product counts its active variations).
    pub stock_quantity: i64,
    /// `in_stock`, `low_stock` or `out_of_stock`.
    pub stock_status: String,
    /// Whether stock is counted.
    pub track_inventory: bool,
    /// Categories.
    pub categories: Vec<CategoryRef>,
    /// Brand.
    pub brand: Option<GroupRef>,
    /// Collections.
    pub collections: Vec<GroupRef>,
    /// Featured.
    pub is_featured: bool,
    /// Sold through variations.
    pub is_variable: bool,
    /// A variation of another product.
    pub is_variation: bool,
    /// The parent of a variation.
    pub parent_product_id: Option<i64>,
    /// Images, primary first.
    pub images: Vec<ShopImage>,
    /// Options with values (the parent's, for a variation).
    pub options: Vec<ShopOption>,
    /// A variation's options and values.
    pub selected_options: Vec<SelectedOption>,
    /// Active variations, each with its own stock.
    pub variations: Vec<ShopVariation>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

impl From<ShopDetail> for ShopProduct {
    fn from(d: ShopDetail) -> Self {
        let i = d.item;
        let p = i.product;
        let prices = p.storefront.prices(p.price);
        let shipping_weight = p.storefront.shipping_weight_number();
        Self {
            id: p.id.get(),
            short_name: p.storefront.short_name,
            description: p.description,
            slug: p.storefront.slug.as_ref().map(ToString::to_string),
            sku: p.sku,
            price: prices.price.to_f64(),
            discount_price: prices.discount_price.map(|m| m.to_f64()),
            member_price: prices.member_price.map(|m| m.to_f64()),
            regular_price: prices.regular_price.to_f64(),
            sale_price: prices.sale_price.map(|m| m.to_f64()),
            on_sale: prices.on_sale,
            shipping_weight,
            seo_title: p.storefront.seo_title,
            seo_description: p.storefront.seo_description,
            status: p.status.to_string(),
            product_type: p.storefront.product_type.to_string(),
            stock_quantity: i.stock,
            stock_status: i.stock_status.to_string(),
            track_inventory: p.storefront.track_inventory,
            categories: i.categories.iter().map(category_ref).collect(),
            brand: i.brand.as_ref().map(group_ref),
            collections: i.collections.iter().map(group_ref).collect(),
            is_featured: p.storefront.is_featured,
            is_variable: p.storefront.product_type == ProductType::Variable,
            is_variation: p.storefront.parent_id.is_some(),
            parent_product_id: p.storefront.parent_id.map(kedai_core::ProductId::get),
            images: i
                .images
                .into_iter()
                .map(|img| shop_image(img, &p.name))
                .collect(),
            options: d.options.into_iter().map(ShopOption::from).collect(),
            selected_options: selected(d.selected),
            variations: d.variations.into_iter().map(ShopVariation::from).collect(),
            created_at: p.created_at,
            updated_at: p.updated_at,
            name: p.name,
        }
    }
}
