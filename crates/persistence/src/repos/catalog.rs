//! Catalogue products.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use kedai_core::{Page, ProductId, StorageError, TenantId};
use kedai_inventory::shop::{ShopFields, Slug};
use kedai_inventory::{CatalogRepository, NewProduct, Product, ProductFilter, Taken};

use super::Tx;
use crate::convert::{
    corrupt, currency, is_unique_violation, money, parse, product_id, storage_error, ts, utc,
};
use crate::schema::products;

diesel::define_sql_function! {
    /// SQL `lower`, the same on both backends.
    fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

/// `%text%` for LIKE, with LIKE's own wildcards escaped.
pub(super) fn like_pattern(text: &str) -> String {
    let escaped = text
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

#[derive(Queryable)]
pub(super) struct ProductRow {
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
struct NewProductRow<'a> {
    tenant_id: String,
    name: &'a str,
    sku: Option<&'a str>,
    category: Option<&'a str>,
    description: Option<&'a str>,
    price_minor: i64,
    currency: &'a str,
    status: &'a str,
    outlet_ids: String,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    slug: Option<&'a str>,
    short_name: Option<&'a str>,
    parent_id: Option<i64>,
    product_type: &'a str,
    is_featured: bool,
    discount_price_minor: Option<i64>,
    member_price_minor: Option<i64>,
    seo_title: Option<&'a str>,
    seo_description: Option<&'a str>,
    shipping_weight: Option<&'a str>,
    brand_id: Option<String>,
    track_inventory: bool,
    low_stock_threshold: Option<i64>,
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
            shop: ShopFields {
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
fn taken(e: &diesel::result::Error) -> Taken {
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

fn outlets_json(ids: &[String]) -> String {
    serde_json::Value::from(ids.to_vec()).to_string()
}

impl CatalogRepository for Tx<'_> {
    fn insert_product(
        &mut self,
        tenant: TenantId,
        p: &NewProduct,
        now: DateTime<Utc>,
    ) -> Result<Result<ProductId, Taken>, StorageError> {
        let inserted = diesel::insert_into(products::table)
            .values(NewProductRow {
                tenant_id: tenant.to_string(),
                name: &p.name,
                sku: p.sku.as_deref(),
                category: p.category.as_deref(),
                description: p.description.as_deref(),
                price_minor: p.price.minor(),
                currency: p.price.currency().code(),
                status: p.status.as_str(),
                outlet_ids: outlets_json(&p.outlet_ids),
                created_at: ts(now),
                updated_at: ts(now),
                slug: p.shop.slug.as_ref().map(Slug::as_str),
                short_name: p.shop.short_name.as_deref(),
                parent_id: p.shop.parent_id.map(ProductId::get),
                product_type: p.shop.product_type.as_str(),
                is_featured: p.shop.is_featured,
                discount_price_minor: p.shop.discount_price.map(|m| m.minor()),
                member_price_minor: p.shop.member_price.map(|m| m.minor()),
                seo_title: p.shop.seo_title.as_deref(),
                seo_description: p.shop.seo_description.as_deref(),
                shipping_weight: p.shop.shipping_weight.as_deref(),
                brand_id: p.shop.brand_id.map(|b| b.to_string()),
                track_inventory: p.shop.track_inventory,
                low_stock_threshold: p.shop.low_stock_threshold,
            })
            .returning(products::id)
            .get_result::<i64>(self.conn);
        match inserted {
            Ok(id) => product_id(id).map(Ok),
            Err(e) if is_unique_violation(&e) => Ok(Err(taken(&e))),
            Err(e) => Err(storage_error(e)),
        }
    }

    fn find_product(
        &mut self,
        tenant: TenantId,
        id: ProductId,
    ) -> Result<Option<Product>, StorageError> {
        products::table
            .filter(products::tenant_id.eq(tenant.to_string()))
            .filter(products::id.eq(id.get()))
            .filter(products::deleted_at.is_null())
            .first::<ProductRow>(self.conn)
            .optional()
            .map_err(storage_error)?
            .map(Product::try_from)
            .transpose()
    }

    fn find_products(
        &mut self,
        tenant: TenantId,
        ids: &[ProductId],
    ) -> Result<Vec<Product>, StorageError> {
        let ids: Vec<i64> = ids.iter().map(|p| p.get()).collect();
        products::table
            .filter(products::tenant_id.eq(tenant.to_string()))
            .filter(products::id.eq_any(ids))
            .filter(products::deleted_at.is_null())
            .load::<ProductRow>(self.conn)
            .map_err(storage_error)?
            .into_iter()
            .map(Product::try_from)
            .collect()
    }

    fn update_product(&mut self, p: &Product) -> Result<Result<(), Taken>, StorageError> {
        let updated = diesel::update(
            products::table
                .filter(products::tenant_id.eq(p.tenant_id.to_string()))
                .filter(products::id.eq(p.id.get())),
        )
        .set((
            products::name.eq(&p.name),
            products::sku.eq(p.sku.as_deref()),
            products::category.eq(p.category.as_deref()),
            products::description.eq(p.description.as_deref()),
            products::price_minor.eq(p.price.minor()),
            products::status.eq(p.status.as_str()),
            products::outlet_ids.eq(outlets_json(&p.outlet_ids)),
            products::updated_at.eq(ts(p.updated_at)),
            products::slug.eq(p.shop.slug.as_ref().map(Slug::as_str)),
            products::short_name.eq(p.shop.short_name.as_deref()),
            products::product_type.eq(p.shop.product_type.as_str()),
            products::is_featured.eq(p.shop.is_featured),
            products::discount_price_minor.eq(p.shop.discount_price.map(|m| m.minor())),
            products::member_price_minor.eq(p.shop.member_price.map(|m| m.minor())),
            products::seo_title.eq(p.shop.seo_title.as_deref()),
            products::seo_description.eq(p.shop.seo_description.as_deref()),
            products::shipping_weight.eq(p.shop.shipping_weight.as_deref()),
            products::brand_id.eq(p.shop.brand_id.map(|b| b.to_string())),
            products::track_inventory.eq(p.shop.track_inventory),
            products::low_stock_threshold.eq(p.shop.low_stock_threshold),
        ))
        .execute(self.conn);
        match updated {
            Ok(_) => Ok(Ok(())),
            Err(e) if is_unique_violation(&e) => Ok(Err(taken(&e))),
            Err(e) => Err(storage_error(e)),
        }
    }

    fn archive_product(
        &mut self,
        tenant: TenantId,
        id: ProductId,
        at: DateTime<Utc>,
    ) -> Result<bool, StorageError> {
        diesel::update(
            products::table
                .filter(products::tenant_id.eq(tenant.to_string()))
                .filter(products::id.eq(id.get()))
                .filter(products::deleted_at.is_null()),
        )
        .set((
            products::deleted_at.eq(Some(ts(at))),
            products::updated_at.eq(ts(at)),
        ))
        .execute(self.conn)
        .map(|n| n == 1)
        .map_err(storage_error)
    }

    fn list_products(
        &mut self,
        tenant: TenantId,
        filter: &ProductFilter,
        page: Page,
    ) -> Result<(Vec<Product>, i64), StorageError> {
        let statuses: Vec<&str> = filter.statuses.iter().map(|s| s.as_str()).collect();
        let category = filter.category.as_deref().map(str::to_lowercase);
        let keyword = filter
            .keyword
            .as_deref()
            .map(|k| like_pattern(&k.to_lowercase()));
        // outlet_ids is a JSON array of strings: match the quoted id, or the empty array
        // (sold at every outlet).
        let outlet = filter
            .outlet_id
            .as_deref()
            .map(|o| like_pattern(&serde_json::Value::from(o).to_string()));
        let query = || {
            let mut q = products::table
                .filter(products::tenant_id.eq(tenant.to_string()))
                .filter(products::deleted_at.is_null())
                .into_boxed();
            if !statuses.is_empty() {
                q = q.filter(products::status.eq_any(statuses.clone()));
            }
            if let Some(c) = &category {
                q = q.filter(lower(products::category.assume_not_null()).eq(c.clone()));
            }
            if let Some(k) = &keyword {
                q = q.filter(
                    lower(products::name).like(k.clone()).escape('\\').or(lower(
                        products::sku.assume_not_null(),
                    )
                    .like(k.clone())
                    .escape('\\')),
                );
            }
            if let Some(o) = &outlet {
                q = q.filter(
                    products::outlet_ids
                        .eq("[]")
                        .or(products::outlet_ids.like(o.clone()).escape('\\')),
                );
            }
            q
        };
        let total = query()
            .count()
            .get_result::<i64>(self.conn)
            .map_err(storage_error)?;
        let rows = query()
            .order(products::id.desc())
            .limit(i64::from(page.limit()))
            .offset(page.offset())
            .load::<ProductRow>(self.conn)
            .map_err(storage_error)?;
        let products = rows
            .into_iter()
            .map(Product::try_from)
            .collect::<Result<_, _>>()?;
        Ok((products, total))
    }
}
