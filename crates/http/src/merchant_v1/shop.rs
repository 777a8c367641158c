//! The storefront catalogue, managed by the merchant: categories, brands, collections,
//! variations, options and images, and the shop fields of products.

use actix_web::{HttpResponse, delete, get, patch, post, web};
use chrono::{DateTime, Utc};
use kedai_app::shop::{
    self, CategoryInput, GroupInput, ImageInput, ShopInput, VariationInput, VariationView,
};
use kedai_catalog::{
    Category, CategoryId, GroupId, GroupKind, ImageId, ListingUpdate, OptionDraft, OptionValueId,
    ProductGroup, ProductImage, ProductOption,
};
use kedai_identity::Permission;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::*;
use crate::auth::Authed;
use crate::body::JsonBody;
use crate::dto::{Decimal, IntId, MerchantErrorBody, MerchantOk as Envelope, double_option};
use crate::error::ApiError;
use crate::merchant_v1::catalog::ProductResponse;
use crate::surface::Merchant;
use crate::{AppState, blocking};

pub(super) fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_product_categories)
        .service(create_product_category)
        .service(update_product_category)
        .service(delete_product_category)
        .service(list_brands)
        .service(create_brand)
        .service(update_brand)
        .service(delete_brand)
        .service(list_collections)
        .service(create_collection)
        .service(update_collection)
        .service(delete_collection)
        .service(list_variations)
        .service(create_variation)
        .service(update_variation)
        .service(delete_variation)
        .service(create_product_option)
        .service(create_product_image)
        .service(delete_product_image);
}

fn category_id(raw: &str) -> Result<CategoryId> {
    raw.parse()
        .map_err(|_| AppError::not_found("category", raw).into())
}

fn group_id(kind: GroupKind, raw: &str) -> Result<GroupId> {
    raw.parse().map_err(|_| {
        AppError::not_found(
            match kind {
                GroupKind::Brand => "brand",
                GroupKind::Collection => "collection",
            },
            raw,
        )
        .into()
    })
}

fn int<T>(
    field: &str,
    id: IntId,
    make: fn(i64) -> std::result::Result<T, kedai_core::IdError>,
) -> Result<T> {
    make(id.0.get()).map_err(|_| ApiError::invalid(field, "must be a positive integer id"))
}

fn amount(v: Option<Option<Decimal>>) -> Option<Option<kedai_app::Amount>> {
    v.map(|o| o.map(|d| d.0))
}

/// The storefront fields of a product request, taken out of it by the struct that
/// [`with_shop_fields`] declares.
#[derive(Debug, Default)]
pub struct ShopFieldsRequest {
    slug: Option<Option<String>>,
    short_name: Option<Option<String>>,
    product_type: Option<String>,
    is_featured: Option<bool>,
    discount_price: Option<Option<Decimal>>,
    member_price: Option<Option<Decimal>>,
    seo_title: Option<Option<String>>,
    seo_description: Option<Option<String>>,
    shipping_weight: Option<Option<String>>,
    brand_id: Option<Option<String>>,
    category_ids: Option<Vec<IntId>>,
    collection_ids: Option<Vec<String>>,
    track_inventory: Option<bool>,
    low_stock_threshold: Option<Option<i64>>,
}

/// Declares a product request struct with its own fields followed by the storefront fields
/// (absent fields stay as they are, `null` clears), and `take_shop` to move those out. The
/// fields are written into each struct rather than flattened, so that a bad value is
/// reported under its own name.
macro_rules! with_shop_fields {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $( $(#[$fmeta:meta])* pub $field:ident : $ty:ty ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        pub struct $name {
            $( $(#[$fmeta])* pub $field: $ty, )*
            /// Storefront path name: lower-case letters and digits in words joined by
            /// hyphens, unique among the merchant's live products, not all digits.
            #[serde(default, deserialize_with = "crate::dto::double_option")]
            #[schema(value_type = Option<String>, example = "iced-latte")]
            pub slug: Option<Option<String>>,
            /// Short display name.
            #[serde(default, deserialize_with = "crate::dto::double_option")]
            #[schema(value_type = Option<String>)]
            pub short_name: Option<Option<String>>,
            /// `simple` (default), `variable` (sold through variations) or `subscription`.
            pub product_type: Option<String>,
            /// Shown in featured lists.
            pub is_featured: Option<bool>,
            /// Discounted price in major units, below `price`.
            #[serde(default, deserialize_with = "crate::dto::double_option")]
            #[schema(value_type = Option<f64>)]
            pub discount_price: Option<Option<crate::dto::Decimal>>,
            /// Members' price in major units, not above `price`.
            #[serde(default, deserialize_with = "crate::dto::double_option")]
            #[schema(value_type = Option<f64>)]
            pub member_price: Option<Option<crate::dto::Decimal>>,
            /// Page title for search engines.
            #[serde(default, deserialize_with = "crate::dto::double_option")]
            #[schema(value_type = Option<String>)]
            pub seo_title: Option<Option<String>>,
            /// Page description for search engines.
            #[serde(default, deserialize_with = "crate::dto::double_option")]
            #[schema(value_type = Option<String>)]
            pub seo_description: Option<Option<String>>,
            /// Shipping weight as written (`0.5kg`).
            #[serde(default, deserialize_with = "crate::dto::double_option")]
            #[schema(value_type = Option<String>)]
            pub shipping_weight: Option<Option<String>>,
            /// A brand of the merchant.
            #[serde(default, deserialize_with = "crate::dto::double_option")]
            #[schema(value_type = Option<String>)]
            pub brand_id: Option<Option<String>>,
            /// Exactly these categories of the merchant.
            #[schema(value_type = Option<Vec<i64>>)]
            pub category_ids: Option<Vec<crate::dto::IntId>>,
            /// Exactly these collections of the merchant.
            pub collection_ids: Option<Vec<String>>,
            /// Whether stock is counted (default true; untracked products are always in
            /// stock).
            pub track_inventory: Option<bool>,
            /// At or below this many units the product is `low_stock`.
            #[serde(default, deserialize_with = "crate::dto::double_option")]
            #[schema(value_type = Option<i64>)]
            pub low_stock_threshold: Option<Option<i64>>,
        }

        impl $name {
            /// Moves the storefront fields out.
            pub(crate) fn take_shop(&mut self) -> crate::merchant_v1::shop::ShopFieldsRequest {
                crate::merchant_v1::shop::ShopFieldsRequest::new(
                    self.slug.take(),
                    self.short_name.take(),
                    self.product_type.take(),
                    self.is_featured.take(),
                    self.discount_price.take(),
                    self.member_price.take(),
                    self.seo_title.take(),
                    self.seo_description.take(),
                    self.shipping_weight.take(),
                    self.brand_id.take(),
                    self.category_ids.take(),
                    self.collection_ids.take(),
                    self.track_inventory.take(),
                    self.low_stock_threshold.take(),
                )
            }
        }
    };
}
pub(crate) use with_shop_fields;

impl ShopFieldsRequest {
    /// Gathers the fields.
    #[expect(clippy::too_many_arguments, reason = "one argument per request field")]
    pub(crate) const fn new(
        slug: Option<Option<String>>,
        short_name: Option<Option<String>>,
        product_type: Option<String>,
        is_featured: Option<bool>,
        discount_price: Option<Option<Decimal>>,
        member_price: Option<Option<Decimal>>,
        seo_title: Option<Option<String>>,
        seo_description: Option<Option<String>>,
        shipping_weight: Option<Option<String>>,
        brand_id: Option<Option<String>>,
        category_ids: Option<Vec<IntId>>,
        collection_ids: Option<Vec<String>>,
        track_inventory: Option<bool>,
        low_stock_threshold: Option<Option<i64>>,
    ) -> Self {
        Self {
            slug,
            short_name,
            product_type,
            is_featured,
            discount_price,
            member_price,
            seo_title,
            seo_description,
            shipping_weight,
            brand_id,
            category_ids,
            collection_ids,
            track_inventory,
            low_stock_threshold,
        }
    }

    /// Converts to the use case's input, naming malformed ids.
    pub(crate) fn into_input(self) -> Result<ShopInput> {
        Ok(ShopInput {
            slug: self.slug,
            short_name: self.short_name,
            product_type: self
                .product_type
                .as_deref()
                .map(|t| ApiError::parse_field("product_type", t))
                .transpose()?,
            is_featured: self.is_featured,
            discount_price: amount(self.discount_price),
            member_price: amount(self.member_price),
            seo_title: self.seo_title,
            seo_description: self.seo_description,
            shipping_weight: self.shipping_weight,
            brand_id: self
                .brand_id
                .map(|b| {
                    b.map(|b| {
                        b.parse::<GroupId>()
                            .map_err(|_| ApiError::invalid("brand_id", "must be a brand id"))
                    })
                    .transpose()
                })
                .transpose()?,
            track_inventory: self.track_inventory,
            low_stock_threshold: self.low_stock_threshold,
            category_ids: self
                .category_ids
                .map(|ids| {
                    ids.into_iter()
                        .enumerate()
                        .map(|(i, c)| int(&format!("category_ids[{i}]"), c, CategoryId::new))
                        .collect::<Result<Vec<_>>>()
                })
                .transpose()?,
            collection_ids: self
                .collection_ids
                .map(|ids| {
                    ids.iter()
                        .enumerate()
                        .map(|(i, c)| {
                            c.parse::<GroupId>().map_err(|_| {
                                ApiError::invalid(
                                    format!("collection_ids[{i}]"),
                                    "must be a collection id",
                                )
                            })
                        })
                        .collect::<Result<Vec<_>>>()
                })
                .transpose()?,
        })
    }
}

/// The name, slug, description, image and order of a category, brand or collection.
fn listing(
    name: Option<String>,
    slug: Option<Option<String>>,
    description: Option<Option<String>>,
    image_url: Option<Option<String>>,
    sort_order: Option<i64>,
) -> ListingUpdate {
    ListingUpdate {
        name,
        slug,
        description,
        image_url,
        sort_order,
    }
}

/// A deleted catalogue entity with an integer id.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeletedInt {
    /// Id.
    pub id: i64,
    /// Always true.
    pub deleted: bool,
}

/// A deleted brand or collection.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeletedText {
    /// Id.
    pub id: String,
    /// Always true.
    pub deleted: bool,
}

// ---------------------------------------------------------------- categories

/// A product category.
#[derive(Debug, Serialize, ToSchema)]
pub struct CategoryResponse {
    /// Integer id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Storefront path name.
    pub slug: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Image URL.
    pub image_url: Option<String>,
    /// Parent category.
    pub parent_id: Option<i64>,
    /// Shown in featured lists.
    pub is_featured: bool,
    /// Display order.
    pub sort_order: i64,
    /// Listed products in it (active, not variations).
    pub product_count: i64,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

impl From<(Category, i64)> for CategoryResponse {
    fn from((c, product_count): (Category, i64)) -> Self {
        Self {
            id: c.id.get(),
            name: c.listing.name,
            slug: c.listing.slug.map(|s| s.to_string()),
            description: c.listing.description,
            image_url: c.listing.image_url,
            parent_id: c.parent_id.map(CategoryId::get),
            is_featured: c.is_featured,
            sort_order: c.listing.sort_order,
            product_count,
            created_at: c.created_at,
            updated_at: c.updated_at,
        }
    }
}

/// A category to create (name required) or change (absent fields stay, `null` clears).
#[derive(Debug, Deserialize, ToSchema)]
pub struct CategoryRequest {
    /// Name, 1–200 characters.
    #[schema(example = "Coffee")]
    pub name: Option<String>,
    /// Slug (default: made from the name), unique among the merchant's categories.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, example = "coffee")]
    pub slug: Option<Option<String>>,
    /// Description.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub description: Option<Option<String>>,
    /// Image URL (http or https).
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub image_url: Option<Option<String>>,
    /// Parent category (`null`: top level).
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i64>)]
    pub parent_id: Option<Option<IntId>>,
    /// Shown in featured lists.
    pub is_featured: Option<bool>,
    /// Display order (default 0).
    pub sort_order: Option<i64>,
}

impl CategoryRequest {
    fn into_input(self) -> Result<CategoryInput> {
        Ok(CategoryInput {
            listing: listing(
                self.name,
                self.slug,
                self.description,
                self.image_url,
                self.sort_order,
            ),
            parent_id: self
                .parent_id
                .map(|p| p.map(|p| int("parent_id", p, CategoryId::new)).transpose())
                .transpose()?,
            is_featured: self.is_featured,
        })
    }
}

/// The merchant's product categories in display order, with product counts.
#[utoipa::path(
    tag = "merchant-catalogue",
    responses(
        (status = 200, body = Envelope<Vec<CategoryResponse>>),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[get("/product-categories")]
pub async fn list_product_categories(
    state: web::Data<AppState>,
    Authed(actor, ..): Authed<Merchant>,
) -> Result<HttpResponse> {
    let list = blocking(&state, move |store| {
        store.read(|tx| shop::list_categories(tx, &actor))
    })
    .await?;
    Ok(HttpResponse::Ok().json(Envelope::new(
        "Product categories",
        list.into_iter()
            .map(CategoryResponse::from)
            .collect::<Vec<_>>(),
    )))
}

/// Creates a product category.
#[utoipa::path(
    tag = "merchant-catalogue",
    request_body = CategoryRequest,
    responses(
        (status = 201, body = Envelope<CategoryResponse>),
        (status = 400, description = "Malformed body", body = MerchantErrorBody),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "Role may not change the catalogue", body = MerchantErrorBody),
        (status = 409, description = "SLUG_TAKEN", body = MerchantErrorBody),
        (status = 422, description = "Bad fields", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[post("/product-categories")]
pub async fn create_product_category(
    state: web::Data<AppState>,
    Authed(actor, ..): Authed<Merchant>,
    body: JsonBody<CategoryRequest, Merchant>,
) -> Result<HttpResponse> {
    actor.require(Permission::CatalogWrite)?;
    let input = body.0.into_input()?;
    let now = state.now();
    let c = blocking(&state, move |store| {
        store.write(|tx| shop::create_category(tx, &actor, &input, now))
    })
    .await?;
    Ok(HttpResponse::Created().json(Envelope::new(
        "Product category created",
        CategoryResponse::from(c),
    )))
}

/// Changes a product category.
#[utoipa::path(
    tag = "merchant-catalogue",
    params(("id" = i64, Path, description = "Category id")),
    request_body = CategoryRequest,
    responses(
        (status = 200, body = Envelope<CategoryResponse>),
        (status = 400, description = "Malformed body", body = MerchantErrorBody),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "Role may not change the catalogue", body = MerchantErrorBody),
        (status = 404, description = "NOT_FOUND", body = MerchantErrorBody),
        (status = 409, description = "SLUG_TAKEN", body = MerchantErrorBody),
        (status = 422, description = "Bad fields", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[patch("/product-categories/{id}")]
pub async fn update_product_category(
    state: web::Data<AppState>,
    Authed(actor, ..): Authed<Merchant>,
    path: web::Path<String>,
    body: JsonBody<CategoryRequest, Merchant>,
) -> Result<HttpResponse> {
    actor.require(Permission::CatalogWrite)?;
    let id = category_id(&path)?;
    let input = body.0.into_input()?;
    let now = state.now();
    let c = blocking(&state, move |store| {
        store.write(|tx| shop::update_category(tx, &actor, id, &input, now))
    })
    .await?;
    Ok(HttpResponse::Ok().json(Envelope::new(
        "Product category updated",
        CategoryResponse::from(c),
    )))
}

/// Deletes a product category: its products leave it, its children move to the top level.
#[utoipa::path(
    tag = "merchant-catalogue",
    params(("id" = i64, Path, description = "Category id")),
    responses(
        (status = 200, body = Envelope<DeletedInt>),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "Role may not change the catalogue", body = MerchantErrorBody),
        (status = 404, description = "NOT_FOUND", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[delete("/product-categories/{id}")]
pub async fn delete_product_category(
    state: web::Data<AppState>,
    Authed(actor, ..): Authed<Merchant>,
    path: web::Path<String>,
) -> Result<HttpResponse> {
    actor.require(Permission::CatalogWrite)?;
    let id = category_id(&path)?;
    blocking(&state, move |store| {
        store.write(|tx| shop::delete_category(tx, &actor, id))
    })
    .await?;
    Ok(HttpResponse::Ok().json(Envelope::new(
        "Product category deleted",
        DeletedInt {
            id: id.get(),
            deleted: true,
        },
    )))
}

// ---------------------------------------------------------------- brands and collections

/// A brand or a collection.
#[derive(Debug, Serialize, ToSchema)]
pub struct GroupResponse {
    /// Id (UUID).
    pub id: String,
    /// Name.
    pub name: String,
    /// Storefront path name.
    pub slug: String,
    /// Description.
    pub description: Option<String>,
    /// Image URL.
    pub image_url: Option<String>,
    /// Shown on the storefront.
    pub online_enabled: bool,
    /// Display order.
    pub sort_order: i64,
    /// Listed products in it (active, not variations).
    pub product_count: i64,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

impl From<(ProductGroup, i64)> for GroupResponse {
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
            created_at: g.created_at,
            updated_at: g.updated_at,
        }
    }
}

/// A brand or collection to create (name required) or change.
#[derive(Debug, Deserialize, ToSchema)]
pub struct GroupRequest {
    /// Name, 1–200 characters.
    #[schema(example = "Acme Roasters")]
    pub name: Option<String>,
    /// Slug (default: made from the name; required when the name has no letters or digits
    /// to make one from), unique per merchant.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, example = "acme-roasters")]
    pub slug: Option<Option<String>>,
    /// Description.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub description: Option<Option<String>>,
    /// Image URL (http or https).
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub image_url: Option<Option<String>>,
    /// Shown on the storefront (default true).
    pub online_enabled: Option<bool>,
    /// Display order (default 0).
    pub sort_order: Option<i64>,
}

impl From<GroupRequest> for GroupInput {
    fn from(r: GroupRequest) -> Self {
        Self {
            listing: listing(r.name, r.slug, r.description, r.image_url, r.sort_order),
            online_enabled: r.online_enabled,
        }
    }
}

async fn list_groups(
    state: web::Data<AppState>,
    actor: kedai_app::Actor,
    kind: GroupKind,
) -> Result<HttpResponse> {
    let list = blocking(&state, move |store| {
        store.read(|tx| shop::list_groups(tx, &actor, kind))
    })
    .await?;
    Ok(HttpResponse::Ok().json(Envelope::new(
        match kind {
            GroupKind::Brand => "Brands",
            GroupKind::Collection => "Collections",
        },
        list.into_iter()
            .map(GroupResponse::from)
            .collect::<Vec<_>>(),
    )))
}

async fn create_group(
    state: web::Data<AppState>,
    actor: kedai_app::Actor,
    kind: GroupKind,
    req: GroupRequest,
) -> Result<HttpResponse> {
    actor.require(Permission::CatalogWrite)?;
    let input = GroupInput::from(req);
    let now = state.now();
    let g = blocking(&state, move |store| {
        store.write(|tx| shop::create_group(tx, &actor, kind, &input, now))
    })
    .await?;
    Ok(HttpResponse::Created().json(Envelope::new(
        match kind {
            GroupKind::Brand => "Brand created",
            GroupKind::Collection => "Collection created",
        },
        GroupResponse::from(g),
    )))
}

async fn update_group(
    state: web::Data<AppState>,
    actor: kedai_app::Actor,
    kind: GroupKind,
    raw: &str,
    req: GroupRequest,
) -> Result<HttpResponse> {
    actor.require(Permission::CatalogWrite)?;
    let id = group_id(kind, raw)?;
    let input = GroupInput::from(req);
    let now = state.now();
    let g = blocking(&state, move |store| {
        store.write(|tx| shop::update_group(tx, &actor, kind, id, &input, now))
    })
    .await?;
    Ok(HttpResponse::Ok().json(Envelope::new(
        match kind {
            GroupKind::Brand => "Brand updated",
            GroupKind::Collection => "Collection updated",
        },
        GroupResponse::from(g),
    )))
}

async fn delete_group(
    state: web::Data<AppState>,
    actor: kedai_app::Actor,
    kind: GroupKind,
    raw: &str,
) -> Result<HttpResponse> {
    actor.require(Permission::CatalogWrite)?;
    let id = group_id(kind, raw)?;
    blocking(&state, move |store| {
        store.write(|tx| shop::delete_group(tx, &actor, kind, id))
    })
    .await?;
    Ok(HttpResponse::Ok().json(Envelope::new(
        match kind {
            GroupKind::Brand => "Brand deleted",
            GroupKind::Collection => "Collection deleted",
        },
        DeletedText {
            id: id.to_string(),
            deleted: true,
        },
    )))
}

/// The merchant's brands in display order (online or not), with product counts.
#[utoipa::path(
    tag = "merchant-catalogue",
    responses(
        (status = 200, body = Envelope<Vec<GroupResponse>>),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[get("/brands")]
pub async fn list_brands(
    state: web::Data<AppState>,
    Authed(actor, ..): Authed<Merchant>,
) -> Result<HttpResponse> {
    list_groups(state, actor, GroupKind::Brand).await
}

/// Creates a brand.
#[utoipa::path(
    tag = "merchant-catalogue",
    request_body = GroupRequest,
    responses(
        (status = 201, body = Envelope<GroupResponse>),
        (status = 400, description = "Malformed body", body = MerchantErrorBody),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "Role may not change the catalogue", body = MerchantErrorBody),
        (status = 409, description = "SLUG_TAKEN", body = MerchantErrorBody),
        (status = 422, description = "Bad fields", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[post("/brands")]
pub async fn create_brand(
    state: web::Data<AppState>,
    Authed(actor, ..): Authed<Merchant>,
    body: JsonBody<GroupRequest, Merchant>,
) -> Result<HttpResponse> {
    create_group(state, actor, GroupKind::Brand, body.0).await
}

/// Changes a brand.
#[utoipa::path(
    tag = "merchant-catalogue",
    params(("id" = String, Path, description = "Brand id")),
    request_body = GroupRequest,
    responses(
        (status = 200, body = Envelope<GroupResponse>),
        (status = 400, description = "Malformed body", body = MerchantErrorBody),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "Role may not change the catalogue", body = MerchantErrorBody),
        (status = 404, description = "NOT_FOUND", body = MerchantErrorBody),
        (status = 409, description = "SLUG_TAKEN", body = MerchantErrorBody),
        (status = 422, description = "Bad fields", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[patch("/brands/{id}")]
pub async fn update_brand(
    state: web::Data<AppState>,
    Authed(actor, ..): Authed<Merchant>,
    path: web::Path<String>,
    body: JsonBody<GroupRequest, Merchant>,
) -> Result<HttpResponse> {
    update_group(state, actor, GroupKind::Brand, &path, body.0).await
}

/// Deletes a brand; its products keep selling without one.
#[utoipa::path(
    tag = "merchant-catalogue",
    params(("id" = String, Path, description = "Brand id")),
    responses(
        (status = 200, body = Envelope<DeletedText>),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "Role may not change the catalogue", body = MerchantErrorBody),
        (status = 404, description = "NOT_FOUND", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[delete("/brands/{id}")]
pub async fn delete_brand(
    state: web::Data<AppState>,
    Authed(actor, ..): Authed<Merchant>,
    path: web::Path<String>,
) -> Result<HttpResponse> {
    delete_group(state, actor, GroupKind::Brand, &path).await
}

/// The merchant's collections in display order (online or not), with product counts.
#[utoipa::path(
    tag = "merchant-catalogue",
    responses(
        (status = 200, body = Envelope<Vec<GroupResponse>>),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[get("/collections")]
pub async fn list_collections(
    state: web::Data<AppState>,
    Authed(actor, ..): Authed<Merchant>,
) -> Result<HttpResponse> {
    list_groups(state, actor, GroupKind::Collection).await
}

/// Creates a collection.
#[utoipa::path(
    tag = "merchant-catalogue",
    request_body = GroupRequest,
    responses(
        (status = 201, body = Envelope<GroupResponse>),
        (status = 400, description = "Malformed body", body = MerchantErrorBody),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "Role may not change the catalogue", body = MerchantErrorBody),
        (status = 409, description = "SLUG_TAKEN", body = MerchantErrorBody),
        (status = 422, description = "Bad fields", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[post("/collections")]
pub async fn create_collection(
    state: web::Data<AppState>,
    Authed(actor, ..): Authed<Merchant>,
    body: JsonBody<GroupRequest, Merchant>,
) -> Result<HttpResponse> {
    create_group(state, actor, GroupKind::Collection, body.0).await
}

/// Changes a collection.
#[utoipa::path(
    tag = "merchant-catalogue",
    params(("id" = String, Path, description = "Collection id")),
    request_body = GroupRequest,
    responses(
        (status = 200, body = Envelope<GroupResponse>),
        (status = 400, description = "Malformed body", body = MerchantErrorBody),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "Role may not change the catalogue", body = MerchantErrorBody),
        (status = 404, description = "NOT_FOUND", body = MerchantErrorBody),
        (status = 409, description = "SLUG_TAKEN", body = MerchantErrorBody),
        (status = 422, description = "Bad fields", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[patch("/collections/{id}")]
pub async fn update_collection(
    state: web::Data<AppState>,
    Authed(actor, ..): Authed<Merchant>,
    path: web::Path<String>,
    body: JsonBody<GroupRequest, Merchant>,
) -> Result<HttpResponse> {
    update_group(state, actor, GroupKind::Collection, &path, body.0).await
}

/// Deletes a collection; its products leave it.
#[utoipa::path(
    tag = "merchant-catalogue",
    params(("id" = String, Path, description = "Collection id")),
    responses(
        (status = 200, body = Envelope<DeletedText>),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "Role may not change the catalogue", body = MerchantErrorBody),
        (status = 404, description = "NOT_FOUND", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[delete("/collections/{id}")]
pub async fn delete_collection(
    state: web::Data<AppState>,
    Authed(actor, ..): Authed<Merchant>,
    path: web::Path<String>,
) -> Result<HttpResponse> {
    delete_group(state, actor, GroupKind::Collection, &path).await
}

// ---------------------------------------------------------------- variations

/// An option and its chosen value.
#[derive(Debug, Serialize, ToSchema)]
pub struct SelectedOptionResponse {
    /// Option name (`Colour`).
    pub option_name: String,
    /// Value (`Red`).
    pub value: String,
}

/// A variation: a product of its own (stock it in like any product) under a `variable`
/// parent.
#[derive(Debug, Serialize, ToSchema)]
pub struct VariationResponse {
    /// The variation's product fields, stock included.
    #[serde(flatten)]
    pub product: ProductResponse,
    /// Its option values.
    pub option_value_ids: Vec<i64>,
    /// Its options and values, in the parent's option order.
    pub selected_options: Vec<SelectedOptionResponse>,
}

impl From<VariationView> for VariationResponse {
    fn from(v: VariationView) -> Self {
        Self {
            product: ProductResponse::from(v.view),
            option_value_ids: v.values.iter().map(|x| x.get()).collect(),
            selected_options: v
                .selected
                .into_iter()
                .map(|(option_name, value)| SelectedOptionResponse { option_name, value })
                .collect(),
        }
    }
}

/// A variation to create or change; absent fields stay (or, on create, default to the
/// parent's price and a name made from the parent's and the option values).
#[derive(Debug, Deserialize, ToSchema)]
pub struct VariationRequest {
    /// Name.
    #[schema(example = "Tee - Red / L")]
    pub name: Option<String>,
    /// SKU, unique among the merchant's products.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, example = "TEE-RED-L")]
    pub sku: Option<Option<String>>,
    /// Price in major units, not negative.
    #[schema(value_type = Option<f64>, example = 59.9)]
    pub price: Option<Decimal>,
    /// Discounted price, below the price.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<f64>)]
    pub discount_price: Option<Option<Decimal>>,
    /// Members' price, not above the price.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<f64>)]
    pub member_price: Option<Option<Decimal>>,
    /// `active` (default) or `inactive`.
    pub status: Option<String>,
    /// Values of the parent's options, at most one per option, every required option
    /// answered; no two variations may have the same values.
    #[schema(value_type = Option<Vec<i64>>)]
    pub option_value_ids: Option<Vec<IntId>>,
    /// Shipping weight as written.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub shipping_weight: Option<Option<String>>,
    /// Whether stock is counted.
    pub track_inventory: Option<bool>,
    /// Low-stock threshold.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i64>)]
    pub low_stock_threshold: Option<Option<i64>>,
}

impl VariationRequest {
    fn into_input(self) -> Result<VariationInput> {
        Ok(VariationInput {
            name: self.name,
            sku: self.sku,
            price: self.price.map(|p| p.0),
            status: self
                .status
                .as_deref()
                .map(|s| ApiError::parse_field("status", s))
                .transpose()?,
            option_value_ids: self
                .option_value_ids
                .map(|ids| {
                    ids.into_iter()
                        .enumerate()
                        .map(|(i, v)| int(&format!("option_value_ids[{i}]"), v, OptionValueId::new))
                        .collect::<Result<Vec<_>>>()
                })
                .transpose()?,
            shop: ShopInput {
                discount_price: amount(self.discount_price),
                member_price: amount(self.member_price),
                shipping_weight: self.shipping_weight,
                track_inventory: self.track_inventory,
                low_stock_threshold: self.low_stock_threshold,
                ..ShopInput::default()
            },
        })
    }
}

/// The variations of a product, oldest first, each with its own stock.
#[utoipa::path(
    tag = "merchant-catalogue",
    params(("id" = i64, Path, description = "Parent product id")),
    responses(
        (status = 200, body = Envelope<Vec<VariationResponse>>),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 404, description = "PRODUCT_NOT_FOUND", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[get("/products/{id}/variations")]
pub async fn list_variations(
    state: web::Data<AppState>,
    Authed(actor, ..): Authed<Merchant>,
    path: web::Path<String>,
) -> Result<HttpResponse> {
    let id = product_id(&path)?;
    let list = blocking(&state, move |store| {
        store.read(|tx| shop::list_variations(tx, &actor, id))
    })
    .await?;
    Ok(HttpResponse::Ok().json(Envelope::new(
        "Variations",
        list.into_iter()
            .map(VariationResponse::from)
            .collect::<Vec<_>>(),
    )))
}

/// Adds a variation to a `variable` product.
#[utoipa::path(
    tag = "merchant-catalogue",
    params(("id" = i64, Path, description = "Parent product id")),
    request_body = VariationRequest,
    responses(
        (status = 201, body = Envelope<VariationResponse>),
        (status = 400, description = "Malformed body", body = MerchantErrorBody),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "Role may not change the catalogue", body = MerchantErrorBody),
        (status = 404, description = "PRODUCT_NOT_FOUND", body = MerchantErrorBody),
        (status = 409, description = "PRODUCT_NOT_VARIABLE, PRODUCT_IS_VARIATION, VARIATION_EXISTS, SKU_TAKEN", body = MerchantErrorBody),
        (status = 422, description = "Bad fields", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[post("/products/{id}/variations")]
pub async fn create_variation(
    state: web::Data<AppState>,
    Authed(actor, ..): Authed<Merchant>,
    path: web::Path<String>,
    body: JsonBody<VariationRequest, Merchant>,
) -> Result<HttpResponse> {
    actor.require(Permission::CatalogWrite)?;
    let id = product_id(&path)?;
    let input = body.0.into_input()?;
    let now = state.now();
    let v = blocking(&state, move |store| {
        store.write(|tx| shop::create_variation(tx, &actor, id, &input, now))
    })
    .await?;
    Ok(HttpResponse::Created().json(Envelope::new(
        "Variation created",
        VariationResponse::from(v),
    )))
}

fn variation_id(raw: &str) -> Result<kedai_core::ProductId> {
    raw.parse()
        .map_err(|_| AppError::not_found("variation", raw).into())
}

/// Changes a variation.
#[utoipa::path(
    tag = "merchant-catalogue",
    params(
        ("id" = i64, Path, description = "Parent product id"),
        ("variationId" = i64, Path, description = "Variation id"),
    ),
    request_body = VariationRequest,
    responses(
        (status = 200, body = Envelope<VariationResponse>),
        (status = 400, description = "Malformed body", body = MerchantErrorBody),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "Role may not change the catalogue", body = MerchantErrorBody),
        (status = 404, description = "PRODUCT_NOT_FOUND, NOT_FOUND", body = MerchantErrorBody),
        (status = 409, description = "VARIATION_EXISTS, SKU_TAKEN", body = MerchantErrorBody),
        (status = 422, description = "Bad fields", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[patch("/products/{id}/variations/{variationId}")]
pub async fn update_variation(
    state: web::Data<AppState>,
    Authed(actor, ..): Authed<Merchant>,
    path: web::Path<(String, String)>,
    body: JsonBody<VariationRequest, Merchant>,
) -> Result<HttpResponse> {
    actor.require(Permission::CatalogWrite)?;
    let (parent, variation) = path.into_inner();
    let parent = product_id(&parent)?;
    let variation = variation_id(&variation)?;
    let input = body.0.into_input()?;
    let now = state.now();
    let v = blocking(&state, move |store| {
        store.write(|tx| shop::update_variation(tx, &actor, parent, variation, &input, now))
    })
    .await?;
    Ok(HttpResponse::Ok().json(Envelope::new(
        "Variation updated",
        VariationResponse::from(v),
    )))
}

/// Deletes a variation: refused (409 `PRODUCT_IN_USE`) while it has stock or is on an open
/// order; otherwise archived.
#[utoipa::path(
    tag = "merchant-catalogue",
    params(
        ("id" = i64, Path, description = "Parent product id"),
        ("variationId" = i64, Path, description = "Variation id"),
    ),
    responses(
        (status = 200, body = Envelope<DeletedInt>),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "Role may not change the catalogue", body = MerchantErrorBody),
        (status = 404, description = "PRODUCT_NOT_FOUND, NOT_FOUND", body = MerchantErrorBody),
        (status = 409, description = "PRODUCT_IN_USE", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[delete("/products/{id}/variations/{variationId}")]
pub async fn delete_variation(
    state: web::Data<AppState>,
    Authed(actor, ..): Authed<Merchant>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse> {
    actor.require(Permission::CatalogWrite)?;
    let (parent, variation) = path.into_inner();
    let parent = product_id(&parent)?;
    let variation = variation_id(&variation)?;
    let now = state.now();
    blocking(&state, move |store| {
        store.write(|tx| shop::delete_variation(tx, &actor, parent, variation, now))
    })
    .await?;
    Ok(HttpResponse::Ok().json(Envelope::new(
        "Variation deleted",
        DeletedInt {
            id: variation.get(),
            deleted: true,
        },
    )))
}

// ---------------------------------------------------------------- options and images

/// One value of an option.
#[derive(Debug, Serialize, ToSchema)]
pub struct OptionValueResponse {
    /// Integer id.
    pub id: i64,
    /// Text.
    pub value: String,
    /// Display order.
    pub position: i64,
}

/// A product option with its values.
#[derive(Debug, Serialize, ToSchema)]
pub struct OptionResponse {
    /// Integer id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Display order.
    pub position: i64,
    /// Every variation must choose a value.
    pub required: bool,
    /// Values in display order.
    pub values: Vec<OptionValueResponse>,
}

impl From<ProductOption> for OptionResponse {
    fn from(o: ProductOption) -> Self {
        Self {
            id: o.id.get(),
            name: o.name,
            position: o.position,
            required: o.required,
            values: o
                .values
                .into_iter()
                .map(|v| OptionValueResponse {
                    id: v.id.get(),
                    value: v.value,
                    position: v.position,
                })
                .collect(),
        }
    }
}

/// A value of a new option: its text, or the text and its display order.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum OptionValueRequest {
    /// Just the text (ordered as listed).
    Text(String),
    /// Text and order.
    Full {
        /// Text.
        value: String,
        /// Display order.
        position: Option<i64>,
    },
}

/// A new option of a product with its values.
#[derive(Debug, Deserialize, ToSchema)]
pub struct OptionRequest {
    /// Name, 1–100 characters, unique among the product's options.
    #[schema(example = "Colour")]
    pub name: String,
    /// Display order (default 0).
    pub position: Option<i64>,
    /// Every variation must choose a value (default true).
    pub required: Option<bool>,
    /// 1–100 distinct values.
    pub values: Vec<OptionValueRequest>,
}

/// Adds an option with its values to a product (variations then choose among the values).
#[utoipa::path(
    tag = "merchant-catalogue",
    params(("id" = i64, Path, description = "Product id")),
    request_body = OptionRequest,
    responses(
        (status = 201, body = Envelope<OptionResponse>),
        (status = 400, description = "Malformed body", body = MerchantErrorBody),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "Role may not change the catalogue", body = MerchantErrorBody),
        (status = 404, description = "PRODUCT_NOT_FOUND", body = MerchantErrorBody),
        (status = 409, description = "OPTION_EXISTS, PRODUCT_IS_VARIATION", body = MerchantErrorBody),
        (status = 422, description = "Bad fields", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[post("/products/{id}/options")]
pub async fn create_product_option(
    state: web::Data<AppState>,
    Authed(actor, ..): Authed<Merchant>,
    path: web::Path<String>,
    body: JsonBody<OptionRequest, Merchant>,
) -> Result<HttpResponse> {
    actor.require(Permission::CatalogWrite)?;
    let id = product_id(&path)?;
    let req = body.0;
    let values: Vec<(String, Option<i64>)> = req
        .values
        .into_iter()
        .map(|v| match v {
            OptionValueRequest::Text(t) => (t, None),
            OptionValueRequest::Full { value, position } => (value, position),
        })
        .collect();
    let draft =
        OptionDraft::new(&req.name, req.position, req.required, &values).map_err(AppError::from)?;
    let now = state.now();
    let o = blocking(&state, move |store| {
        store.write(|tx| shop::add_option(tx, &actor, id, &draft, now))
    })
    .await?;
    Ok(HttpResponse::Created().json(Envelope::new("Option created", OptionResponse::from(o))))
}

/// A product image.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImageResponse {
    /// Integer id.
    pub id: i64,
    /// The product.
    pub product_id: i64,
    /// URL.
    pub src: String,
    /// Name.
    pub name: Option<String>,
    /// Alternative text.
    pub alt: Option<String>,
    /// Width in pixels.
    pub width: Option<i64>,
    /// Height in pixels.
    pub height: Option<i64>,
    /// The product's main image.
    pub is_primary: bool,
    /// Display order.
    pub position: i64,
}

impl From<ProductImage> for ImageResponse {
    fn from(i: ProductImage) -> Self {
        Self {
            id: i.id.get(),
            product_id: i.product_id.get(),
            src: i.src,
            name: i.name,
            alt: i.alt,
            width: i.width,
            height: i.height,
            is_primary: i.is_primary,
            position: i.position,
        }
    }
}

/// An image of a product, by URL.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ImageRequest {
    /// Absolute http or https URL.
    #[schema(example = "https://cdn.example.com/tee-red.jpg")]
    pub src: String,
    /// Name.
    pub name: Option<String>,
    /// Alternative text.
    pub alt: Option<String>,
    /// Width in pixels.
    pub width: Option<i64>,
    /// Height in pixels.
    pub height: Option<i64>,
    /// The main image (default: when it is the product's first); the others stop being.
    pub is_primary: Option<bool>,
    /// Display order (default: after the others).
    pub position: Option<i64>,
}

/// Adds an image to a product by URL.
#[utoipa::path(
    tag = "merchant-catalogue",
    params(("id" = i64, Path, description = "Product id")),
    request_body = ImageRequest,
    responses(
        (status = 201, body = Envelope<ImageResponse>),
        (status = 400, description = "Malformed body", body = MerchantErrorBody),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "Role may not change the catalogue", body = MerchantErrorBody),
        (status = 404, description = "PRODUCT_NOT_FOUND", body = MerchantErrorBody),
        (status = 422, description = "Bad fields", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[post("/products/{id}/images")]
pub async fn create_product_image(
    state: web::Data<AppState>,
    Authed(actor, ..): Authed<Merchant>,
    path: web::Path<String>,
    body: JsonBody<ImageRequest, Merchant>,
) -> Result<HttpResponse> {
    actor.require(Permission::CatalogWrite)?;
    let id = product_id(&path)?;
    let r = body.0;
    let input = ImageInput {
        src: r.src,
        name: r.name,
        alt: r.alt,
        width: r.width,
        height: r.height,
        is_primary: r.is_primary,
        position: r.position,
    };
    let now = state.now();
    let image = blocking(&state, move |store| {
        store.write(|tx| shop::add_image(tx, &actor, id, &input, now))
    })
    .await?;
    Ok(HttpResponse::Created().json(Envelope::new("Image added", ImageResponse::from(image))))
}

/// Removes an image of a product.
#[utoipa::path(
    tag = "merchant-catalogue",
    params(
        ("id" = i64, Path, description = "Product id"),
        ("imageId" = i64, Path, description = "Image id"),
    ),
    responses(
        (status = 200, body = Envelope<DeletedInt>),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "Role may not change the catalogue", body = MerchantErrorBody),
        (status = 404, description = "PRODUCT_NOT_FOUND, NOT_FOUND", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[delete("/products/{id}/images/{imageId}")]
pub async fn delete_product_image(
    state: web::Data<AppState>,
    Authed(actor, ..): Authed<Merchant>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse> {
    actor.require(Permission::CatalogWrite)?;
    let (product, image) = path.into_inner();
    let product = product_id(&product)?;
    let image: ImageId = image
        .parse()
        .map_err(|_| AppError::not_found("image", &image))?;
    blocking(&state, move |store| {
        store.write(|tx| shop::delete_image(tx, &actor, product, image))
    })
    .await?;
    Ok(HttpResponse::Ok().json(Envelope::new(
        "Image deleted",
        DeletedInt {
            id: image.get(),
            deleted: true,
        },
    )))
}
