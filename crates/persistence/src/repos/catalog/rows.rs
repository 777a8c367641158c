//! Row types and conversions the catalogue's repositories share. Brands and collections share
//! one shape in two tables.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::BigInt;
use kedai_catalog::*;
use kedai_core::{ProductId, StorageError};

use crate::convert::{
    corrupt, currency, is_unique_violation, money, parse, product_id, storage_error, utc,
};
use crate::repos::Tx;
use crate::schema::{product_category_links, product_collection_links, products};

diesel::define_sql_function! {
    /// SQL `lower`, the same on both backends.
    fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

/// `%text%` for LIKE, with LIKE's own wildcards escaped.
pub(crate) fn like_pattern(text: &str) -> String {
    let escaped = text
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

#[derive(Queryable)]
pub(crate) struct ProductRow {
    id: i64,
    tenant_id: String,
    name: String,
    sku: Option<String>,
    category: Option<String>,
    description: Option<String>,
    price_minor: i64,
    currency: String,
    status: String,
    outlet_ids: String,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    #[expect(dead_code, reason = "archived rows are filtered out by query")]
    deleted_at: Option<NaiveDateTime>,
    slug: Option<String>,
    short_name: Option<String>,
    parent_id: Option<i64>,
    product_type: String,
    is_featured: bool,
    discount_price_minor: Option<i64>,
    member_price_minor: Option<i64>,
    seo_title: Option<String>,
    seo_description: Option<String>,
    shipping_weight: Option<String>,
    brand_id: Option<String>,
    track_inventory: bool,
    low_stock_threshold: Option<i64>,
}

#[derive(Insertable)]
#[diesel(table_name = products)]
pub(super) struct NewProductRow<'a> {
    pub(super) tenant_id: String,
    pub(super) name: &'a str,
    pub(super) sku: Option<&'a str>,
    pub(super) category: Option<&'a str>,
    pub(super) description: Option<&'a str>,
    pub(super) price_minor: i64,
    pub(super) currency: &'a str,
    pub(super) status: &'a str,
    pub(super) outlet_ids: String,
    pub(super) created_at: NaiveDateTime,
    pub(super) updated_at: NaiveDateTime,
    pub(super) slug: Option<&'a str>,
    pub(super) short_name: Option<&'a str>,
    pub(super) parent_id: Option<i64>,
    pub(super) product_type: &'a str,
    pub(super) is_featured: bool,
    pub(super) discount_price_minor: Option<i64>,
    pub(super) member_price_minor: Option<i64>,
    pub(super) seo_title: Option<&'a str>,
    pub(super) seo_description: Option<&'a str>,
    pub(super) shipping_weight: Option<&'a str>,
    pub(super) brand_id: Option<String>,
    pub(super) track_inventory: bool,
    pub(super) low_stock_threshold: Option<i64>,
}

impl TryFrom<ProductRow> for Product {
    type Error = StorageError;

    fn try_from(r: ProductRow) -> Result<Self, StorageError> {
        let c = currency(&r.currency)?;
        Ok(Self {
            id: product_id(r.id)?,
            tenant_id: parse("tenant id", &r.tenant_id)?,
            name: r.name,
            sku: r.sku,
            category: r.category,
            description: r.description,
            price: money(r.price_minor, c),
            status: parse("product status", &r.status)?,
            outlet_ids: serde_json::from_str(&r.outlet_ids).map_err(|_| corrupt("outlet_ids"))?,
            created_at: utc(r.created_at),
            updated_at: utc(r.updated_at),
            storefront: StorefrontFields {
                slug: r
                    .slug
                    .as_deref()
                    .map(|s| Slug::parse(s).map_err(|_| corrupt(format!("slug `{s}`"))))
                    .transpose()?,
                short_name: r.short_name,
                parent_id: r.parent_id.map(product_id).transpose()?,
                product_type: parse("product type", &r.product_type)?,
                is_featured: r.is_featured,
                discount_price: r.discount_price_minor.map(|m| money(m, c)),
                member_price: r.member_price_minor.map(|m| money(m, c)),
                seo_title: r.seo_title,
                seo_description: r.seo_description,
                shipping_weight: r.shipping_weight,
                brand_id: r
                    .brand_id
                    .as_deref()
                    .map(|b| parse("brand id", b))
                    .transpose()?,
                track_inventory: r.track_inventory,
                low_stock_threshold: r.low_stock_threshold,
            },
        })
    }
}

/// Which unique index a violation hit: PostgreSQL names the index (`products_tenant_slug`),
/// SQLite the columns (`products.tenant_id, products.slug`).
pub(super) fn taken(e: &diesel::result::Error) -> Taken {
    match e {
        diesel::result::Error::DatabaseError(_, info)
            if info.message().contains("slug")
                || info.constraint_name().is_some_and(|c| c.contains("slug")) =>
        {
            Taken::Slug
        }
        _ => Taken::Sku,
    }
}

pub(super) fn outlets_json(ids: &[String]) -> String {
    serde_json::Value::from(ids.to_vec()).to_string()
}

diesel::define_sql_function! {
    /// SQL `coalesce` of an optional and a required amount.
    fn coalesce(x: diesel::sql_types::Nullable<BigInt>, y: BigInt) -> BigInt;
}

#[derive(Queryable)]
pub(super) struct CategoryRow {
    pub(super) id: i64,
    pub(super) tenant_id: String,
    pub(super) name: String,
    pub(super) slug: Option<String>,
    pub(super) description: Option<String>,
    pub(super) image_url: Option<String>,
    pub(super) parent_id: Option<i64>,
    pub(super) is_featured: bool,
    pub(super) sort_order: i64,
    pub(super) created_at: NaiveDateTime,
    pub(super) updated_at: NaiveDateTime,
}

pub(super) fn slug(s: Option<String>) -> Result<Option<Slug>, StorageError> {
    s.map(|s| Slug::parse(&s).map_err(|_| corrupt(format!("slug `{s}`"))))
        .transpose()
}

pub(super) fn category_id(id: i64) -> Result<CategoryId, StorageError> {
    CategoryId::new(id).map_err(|_| corrupt(format!("category id {id}")))
}

impl TryFrom<CategoryRow> for Category {
    type Error = StorageError;

    fn try_from(r: CategoryRow) -> Result<Self, StorageError> {
        Ok(Self {
            id: category_id(r.id)?,
            tenant_id: parse("tenant id", &r.tenant_id)?,
            listing: Listing {
                name: r.name,
                slug: slug(r.slug)?,
                description: r.description,
                image_url: r.image_url,
                sort_order: r.sort_order,
            },
            parent_id: r.parent_id.map(category_id).transpose()?,
            is_featured: r.is_featured,
            created_at: utc(r.created_at),
            updated_at: utc(r.updated_at),
        })
    }
}

#[derive(Queryable)]
pub(super) struct GroupRow {
    pub(super) id: String,
    pub(super) tenant_id: String,
    pub(super) name: String,
    pub(super) slug: String,
    pub(super) description: Option<String>,
    pub(super) image_url: Option<String>,
    pub(super) online_enabled: bool,
    pub(super) sort_order: i64,
    pub(super) created_at: NaiveDateTime,
    pub(super) updated_at: NaiveDateTime,
}

pub(super) fn group(kind: GroupKind, r: GroupRow) -> Result<ProductGroup, StorageError> {
    Ok(ProductGroup {
        id: parse("group id", &r.id)?,
        tenant_id: parse("tenant id", &r.tenant_id)?,
        kind,
        listing: Listing {
            name: r.name,
            slug: slug(Some(r.slug))?,
            description: r.description,
            image_url: r.image_url,
            sort_order: r.sort_order,
        },
        online_enabled: r.online_enabled,
        created_at: utc(r.created_at),
        updated_at: utc(r.updated_at),
    })
}

#[derive(Queryable)]
pub(super) struct ImageRow {
    pub(super) id: i64,
    #[expect(dead_code, reason = "filtered by query")]
    pub(super) tenant_id: String,
    pub(super) product_id: i64,
    pub(super) src: String,
    pub(super) name: Option<String>,
    pub(super) alt: Option<String>,
    pub(super) width: Option<i64>,
    pub(super) height: Option<i64>,
    pub(super) is_primary: bool,
    pub(super) position: i64,
    #[expect(dead_code, reason = "not shown")]
    pub(super) created_at: NaiveDateTime,
}

pub(super) fn products_of(rows: Vec<ProductRow>) -> Result<Vec<Product>, StorageError> {
    rows.into_iter().map(Product::try_from).collect()
}

pub(super) fn ids(products: &[ProductId]) -> Vec<i64> {
    products.iter().map(|p| p.get()).collect()
}

/// Maps a write's unique violation to `Ok(Err(()))`.
pub(super) fn unique<T>(r: QueryResult<T>) -> Result<Result<T, ()>, StorageError> {
    match r {
        Ok(v) => Ok(Ok(v)),
        Err(e) if is_unique_violation(&e) => Ok(Err(())),
        Err(e) => Err(storage_error(e)),
    }
}

impl Tx<'_> {
    pub(super) fn category_counts(
        &mut self,
        tenant: &str,
    ) -> Result<Vec<(i64, i64)>, StorageError> {
        product_category_links::table
            .inner_join(products::table.on(products::id.eq(product_category_links::product_id)))
            .filter(product_category_links::tenant_id.eq(tenant))
            .filter(products::tenant_id.eq(tenant))
            .filter(products::deleted_at.is_null())
            .filter(products::status.eq(ProductStatus::Active.as_str()))
            .filter(products::parent_id.is_null())
            .group_by(product_category_links::category_id)
            .select((
                product_category_links::category_id,
                diesel::dsl::count_star(),
            ))
            .load(self.conn)
            .map_err(storage_error)
    }

    pub(super) fn group_counts(
        &mut self,
        tenant: &str,
        kind: GroupKind,
    ) -> Result<Vec<(String, i64)>, StorageError> {
        match kind {
            GroupKind::Brand => products::table
                .filter(products::tenant_id.eq(tenant))
                .filter(products::deleted_at.is_null())
                .filter(products::status.eq(ProductStatus::Active.as_str()))
                .filter(products::parent_id.is_null())
                .filter(products::brand_id.is_not_null())
                .group_by(products::brand_id)
                .select((products::brand_id, diesel::dsl::count_star()))
                .load::<(Option<String>, i64)>(self.conn)
                .map(|rows| {
                    rows.into_iter()
                        .map(|(b, n)| (b.unwrap_or_default(), n))
                        .collect()
                })
                .map_err(storage_error),
            GroupKind::Collection => product_collection_links::table
                .inner_join(
                    products::table.on(products::id.eq(product_collection_links::product_id)),
                )
                .filter(product_collection_links::tenant_id.eq(tenant))
                .filter(products::tenant_id.eq(tenant))
                .filter(products::deleted_at.is_null())
                .filter(products::status.eq(ProductStatus::Active.as_str()))
                .filter(products::parent_id.is_null())
                .group_by(product_collection_links::collection_id)
                .select((
                    product_collection_links::collection_id,
                    diesel::dsl::count_star(),
                ))
                .load(self.conn)
                .map_err(storage_error),
        }
    }
}
