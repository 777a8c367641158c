//! The storefront catalogue (contract §6 and §12): listed products with their stock from the
//! FIFO lots, product pages with images, options and variations, related products,
//! categories, brands and collections. Public: a bad bearer token is ignored.
//! Money is JSON numbers in major units; catalogue ids are integers, brand and collection
//! ids strings; lists are bare arrays in `data`, with paging in a top-level `meta` the
//! clients ignore.

use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::{DateTime, Utc};
use kedai_app::shop::{self as usecase, ShopDetail, ShopItem, VariationView};
use kedai_catalog::{
    Category, CategoryId, GroupKind, ProductGroup, ProductImage, ProductOption, ProductType,
    StorefrontFilter, StorefrontSort,
};
use kedai_core::Page;
use serde::Serialize;
use utoipa::{IntoParams, ToSchema};

use super::{PortalOk, PortalTenant, Result, ok};
use crate::dto::PortalErrorBody;
use crate::error::ApiError;
use crate::merchant_v1::Query;
use crate::surface::Portal;
use crate::{AppState, blocking};

pub(super) fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    // The literal `related` path before the product page so neither shadows the other.
    cfg.service(list_shop_products)
        .service(list_related_products)
        .service(get_shop_product)
        .service(list_shop_categories)
        .service(list_shop_brands)
        .service(get_shop_brand)
        .service(list_shop_collections)
        .service(get_shop_collection);
}

/// A category, brand or collection as a product names it.
#[derive(Debug, Serialize, ToSchema)]
pub struct CategoryRef {
    /// Integer id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Slug.
    pub slug: Option<String>,
}

/// A brand or collection as a product names it.
#[derive(Debug, Serialize, ToSchema)]
pub struct GroupRef {
    /// Id (string).
    pub id: String,
    /// Name.
    pub name: String,
    /// Slug.
    pub slug: String,
}

fn category_ref(c: &Category) -> CategoryRef {
    CategoryRef {
        id: c.id.get(),
        name: c.listing.name.clone(),
        slug: c.listing.slug.as_ref().map(ToString::to_string),
    }
}

fn group_ref(g: &ProductGroup) -> GroupRef {
    GroupRef {
        id: g.id.to_string(),
        name: g.listing.name.clone(),
        slug: g.slug().to_owned(),
    }
}

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

/// Paging of a list, for clients that want it (the FavCRM client ignores it).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Pagination {
    /// 1-based page.
    pub page: u32,
    /// Page size.
    pub limit: u32,
    /// Matching rows in all pages.
    pub total: i64,
    /// Pages.
    pub total_pages: i64,
    /// A later page exists.
    pub has_next: bool,
    /// An earlier page exists.
    pub has_prev: bool,
}

/// The `meta` of a paged list.
#[derive(Debug, Serialize, ToSchema)]
pub struct ListMeta {
    /// Paging.
    pub pagination: Pagination,
}

/// A bare-array list with its paging beside it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PortalPage<T> {
    /// Always true.
    pub success: bool,
    /// This page.
    pub data: Vec<T>,
    /// Paging.
    pub meta: ListMeta,
}

fn pagination(page: Page, total: i64) -> Pagination {
    let limit = i64::from(page.limit());
    let total_pages = (total + limit - 1) / limit;
    Pagination {
        page: page.page(),
        limit: page.limit(),
        total,
        total_pages,
        has_next: i64::from(page.page()) < total_pages,
        has_prev: page.page() > 1,
    }
}

fn flag(q: &Query, name: &str) -> Result<Option<bool>> {
    match q.text(name).as_deref() {
        None => Ok(None),
        Some("true" | "1") => Ok(Some(true)),
        Some("false" | "0") => Ok(Some(false)),
        Some(_) => Err(ApiError::invalid(name, "must be true or false")),
    }
}

/// Filters, order and paging of the storefront product list.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ShopProductQuery {
    /// In the category with this slug.
    pub category_slug: Option<String>,
    /// In this category (`categoryId` is accepted too). Empty is the same as absent.
    #[param(schema_with = crate::dto::integer_or_empty)]
    pub category_id: Option<i64>,
    /// Of the brand with this slug.
    pub brand_slug: Option<String>,
    /// In the collection with this slug.
    pub collection_slug: Option<String>,
    /// Part of the name, short name or SKU, any case.
    pub search: Option<String>,
    /// `name`, `price_asc`, `price_desc` or `newest` (default).
    pub sort: Option<String>,
    /// `true` or `false`.
    pub featured: Option<String>,
    /// 1-based page (default 1).
    #[param(minimum = 1)]
    pub page: Option<i64>,
    /// Page size, 1–100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

/// Lists the merchant's products on sale (active, not variations), with stock from the
/// lots, as a bare array.
#[utoipa::path(
    tag = "portal-shop",
    params(ShopProductQuery),
    responses(
        (status = 200, body = PortalPage<ProductListItem>),
        (status = 400, description = "TENANT_REQUIRED", body = PortalErrorBody),
        (status = 404, description = "COMPANY_NOT_FOUND", body = PortalErrorBody),
        (status = 422, description = "A bad filter, sort or page", body = PortalErrorBody),
    )
)]
#[get("/shop/products")]
pub async fn list_shop_products(
    state: web::Data<AppState>,
    PortalTenant(tenant): PortalTenant,
    req: HttpRequest,
) -> Result<HttpResponse> {
    let q = Query::of(&req)?;
    let page = q.page(&["limit"])?;
    let category_id = q
        .text_any(&["category_id", "categoryId"])
        .map(|v| {
            v.parse::<CategoryId>().map_err(|_| {
                ApiError::<Portal>::invalid("category_id", "must be a positive integer id")
            })
        })
        .transpose()?;
    let filter = StorefrontFilter {
        category_slug: q
            .text_any(&["category_slug", "categorySlug"])
            .map(|s| s.to_ascii_lowercase()),
        category_id,
        brand_slug: q
            .text_any(&["brand_slug", "brandSlug"])
            .map(|s| s.to_ascii_lowercase()),
        collection_slug: q
            .text_any(&["collection_slug", "collectionSlug"])
            .map(|s| s.to_ascii_lowercase()),
        search: q.text("search"),
        featured: flag(&q, "featured")?,
        sort: q
            .text("sort")
            .map(|s| ApiError::<Portal>::parse_field::<StorefrontSort>("sort", &s))
            .transpose()?
            .unwrap_or_default(),
    };
    let (items, total) = blocking::<_, Portal>(&state, move |store| {
        store.read(|tx| usecase::storefront_products(tx, tenant.id, &filter, page))
    })
    .await?;
    Ok(HttpResponse::Ok().json(PortalPage {
        success: true,
        data: items
            .into_iter()
            .map(ProductListItem::from)
            .collect::<Vec<_>>(),
        meta: ListMeta {
            pagination: pagination(page, total),
        },
    }))
}

/// A product page by slug or integer id: images, options, variations with their own stock,
/// categories, brand and collections.
#[utoipa::path(
    tag = "portal-shop",
    params(("slug" = String, Path, description = "The product's slug, or its integer id")),
    responses(
        (status = 200, body = PortalOk<ShopProduct>),
        (status = 400, description = "TENANT_REQUIRED", body = PortalErrorBody),
        (status = 404, description = "PRODUCT_NOT_FOUND or COMPANY_NOT_FOUND", body = PortalErrorBody),
    )
)]
#[get("/shop/products/{slug}")]
pub async fn get_shop_product(
    state: web::Data<AppState>,
    PortalTenant(tenant): PortalTenant,
    path: web::Path<String>,
) -> Result<HttpResponse> {
    let key = path.into_inner();
    let detail = blocking::<_, Portal>(&state, move |store| {
        store.read(|tx| usecase::shop_product(tx, tenant.id, &key))
    })
    .await?;
    Ok(ok(ShopProduct::from(detail)))
}

/// How many related products.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RelatedQuery {
    /// 1–100 (default 4).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

/// Products related to one (sharing a category, collection or brand first, then the newest
/// others; never the product itself), as a bare array.
#[utoipa::path(
    tag = "portal-shop",
    params(("slug" = String, Path, description = "The product's slug, or its integer id"), RelatedQuery),
    responses(
        (status = 200, body = PortalOk<Vec<ProductListItem>>),
        (status = 400, description = "TENANT_REQUIRED", body = PortalErrorBody),
        (status = 404, description = "PRODUCT_NOT_FOUND or COMPANY_NOT_FOUND", body = PortalErrorBody),
        (status = 422, description = "A bad limit", body = PortalErrorBody),
    )
)]
#[get("/shop/products/{slug}/related")]
pub async fn list_related_products(
    state: web::Data<AppState>,
    PortalTenant(tenant): PortalTenant,
    path: web::Path<String>,
    req: HttpRequest,
) -> Result<HttpResponse> {
    let q = Query::of(&req)?;
    let limit = q.number("limit")?.unwrap_or(4);
    if !(1..=i64::from(Page::MAX_LIMIT)).contains(&limit) {
        return Err(ApiError::invalid(
            "limit",
            format!("must be between 1 and {}", Page::MAX_LIMIT),
        ));
    }
    let key = path.into_inner();
    let items = blocking::<_, Portal>(&state, move |store| {
        store.read(|tx| usecase::shop_related(tx, tenant.id, &key, limit))
    })
    .await?;
    Ok(ok(items
        .into_iter()
        .map(ProductListItem::from)
        .collect::<Vec<_>>()))
}

/// A storefront category.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ShopCategory {
    /// Integer id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Slug.
    pub slug: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Image URL.
    pub image_url: Option<String>,
    /// Parent category.
    pub parent_id: Option<i64>,
    /// Featured.
    pub is_featured: bool,
    /// Listed products in it.
    pub product_count: i64,
}

/// Whether only featured categories.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CategoryQuery {
    /// `true` or `false`.
    pub featured: Option<String>,
}

/// The merchant's categories in display order, with their listed-product counts.
#[utoipa::path(
    tag = "portal-shop",
    params(CategoryQuery),
    responses(
        (status = 200, body = PortalOk<Vec<ShopCategory>>),
        (status = 400, description = "TENANT_REQUIRED", body = PortalErrorBody),
        (status = 404, description = "COMPANY_NOT_FOUND", body = PortalErrorBody),
        (status = 422, description = "A bad `featured`", body = PortalErrorBody),
    )
)]
#[get("/shop/categories")]
pub async fn list_shop_categories(
    state: web::Data<AppState>,
    PortalTenant(tenant): PortalTenant,
    req: HttpRequest,
) -> Result<HttpResponse> {
    let q = Query::of(&req)?;
    let featured = flag(&q, "featured")?;
    let list = blocking::<_, Portal>(&state, move |store| {
        store.read(|tx| usecase::shop_categories(tx, tenant.id, featured))
    })
    .await?;
    Ok(ok(list
        .into_iter()
        .map(|(c, product_count)| ShopCategory {
            id: c.id.get(),
            slug: c.listing.slug.map(|s| s.to_string()),
            name: c.listing.name,
            description: c.listing.description,
            image_url: c.listing.image_url,
            parent_id: c.parent_id.map(CategoryId::get),
            is_featured: c.is_featured,
            product_count,
        })
        .collect::<Vec<_>>()))
}

/// A storefront brand or collection (the client's ShopBrand / ShopCollection).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ShopGroup {
    /// Id (string).
    pub id: String,
    /// Name.
    pub name: String,
    /// Slug.
    pub slug: String,
    /// Description.
    pub description: Option<String>,
    /// Image URL.
    pub image_url: Option<String>,
    /// Shown online (always true here: hidden ones are not listed).
    pub online_enabled: bool,
    /// Display order.
    pub sort_order: i64,
    /// Listed products in it.
    pub product_count: i64,
}

impl From<(ProductGroup, i64)> for ShopGroup {
    fn from((g, product_count): (ProductGroup, i64)) -> Self {
        Self {
            id: g.id.to_string(),
            slug: g.slug().to_owned(),
            name: g.listing.name,
            description: g.listing.description,
            image_url: g.listing.image_url,
            online_enabled: g.online_enabled,
            sort_order: g.listing.sort_order,
            product_count,
        }
    }
}

async fn groups(
    state: web::Data<AppState>,
    tenant: kedai_core::TenantId,
    kind: GroupKind,
) -> Result<HttpResponse> {
    let list = blocking::<_, Portal>(&state, move |store| {
        store.read(|tx| usecase::shop_groups(tx, tenant, kind))
    })
    .await?;
    Ok(ok(list
        .into_iter()
        .map(ShopGroup::from)
        .collect::<Vec<_>>()))
}

async fn group(
    state: web::Data<AppState>,
    tenant: kedai_core::TenantId,
    kind: GroupKind,
    slug: String,
) -> Result<HttpResponse> {
    let g = blocking::<_, Portal>(&state, move |store| {
        store.read(|tx| usecase::shop_group(tx, tenant, kind, &slug))
    })
    .await?;
    Ok(ok(ShopGroup::from(g)))
}

/// The merchant's brands shown online, in display order, with listed-product counts.
#[utoipa::path(
    tag = "portal-shop",
    responses(
        (status = 200, body = PortalOk<Vec<ShopGroup>>),
        (status = 400, description = "TENANT_REQUIRED", body = PortalErrorBody),
        (status = 404, description = "COMPANY_NOT_FOUND", body = PortalErrorBody),
    )
)]
#[get("/shop/brands")]
pub async fn list_shop_brands(
    state: web::Data<AppState>,
    PortalTenant(tenant): PortalTenant,
) -> Result<HttpResponse> {
    groups(state, tenant.id, GroupKind::Brand).await
}

/// One brand shown online, by slug.
#[utoipa::path(
    tag = "portal-shop",
    params(("slug" = String, Path, description = "Brand slug")),
    responses(
        (status = 200, body = PortalOk<ShopGroup>),
        (status = 400, description = "TENANT_REQUIRED", body = PortalErrorBody),
        (status = 404, description = "BRAND_NOT_FOUND or COMPANY_NOT_FOUND", body = PortalErrorBody),
    )
)]
#[get("/shop/brands/{slug}")]
pub async fn get_shop_brand(
    state: web::Data<AppState>,
    PortalTenant(tenant): PortalTenant,
    path: web::Path<String>,
) -> Result<HttpResponse> {
    group(state, tenant.id, GroupKind::Brand, path.into_inner()).await
}

/// The merchant's collections shown online, in display order, with listed-product counts.
#[utoipa::path(
    tag = "portal-shop",
    responses(
        (status = 200, body = PortalOk<Vec<ShopGroup>>),
        (status = 400, description = "TENANT_REQUIRED", body = PortalErrorBody),
        (status = 404, description = "COMPANY_NOT_FOUND", body = PortalErrorBody),
    )
)]
#[get("/shop/collections")]
pub async fn list_shop_collections(
    state: web::Data<AppState>,
    PortalTenant(tenant): PortalTenant,
) -> Result<HttpResponse> {
    groups(state, tenant.id, GroupKind::Collection).await
}

/// One collection shown online, by slug.
#[utoipa::path(
    tag = "portal-shop",
    params(("slug" = String, Path, description = "Collection slug")),
    responses(
        (status = 200, body = PortalOk<ShopGroup>),
        (status = 400, description = "TENANT_REQUIRED", body = PortalErrorBody),
        (status = 404, description = "COLLECTION_NOT_FOUND or COMPANY_NOT_FOUND", body = PortalErrorBody),
    )
)]
#[get("/shop/collections/{slug}")]
pub async fn get_shop_collection(
    state: web::Data<AppState>,
    PortalTenant(tenant): PortalTenant,
    path: web::Path<String>,
) -> Result<HttpResponse> {
    group(state, tenant.id, GroupKind::Collection, path.into_inner()).await
}
