//! Catalogue products, and the storefront's reads of them.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use kedai_catalog::*;
use kedai_core::{Page, ProductId, StorageError, TenantId};

use super::rows::*;
use crate::convert::{is_unique_violation, product_id, storage_error, ts};
use crate::repos::Tx;
use crate::schema::{
    brands, collections, product_categories, product_category_links, product_collection_links,
    products,
};

impl ProductRepository for Tx<'_> {
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
                slug: p.storefront.slug.as_ref().map(Slug::as_str),
                short_name: p.storefront.short_name.as_deref(),
                parent_id: p.storefront.parent_id.map(ProductId::get),
                product_type: p.storefront.product_type.as_str(),
                is_featured: p.storefront.is_featured,
                discount_price_minor: p.storefront.discount_price.map(|m| m.minor()),
                member_price_minor: p.storefront.member_price.map(|m| m.minor()),
                seo_title: p.storefront.seo_title.as_deref(),
                seo_description: p.storefront.seo_description.as_deref(),
                shipping_weight: p.storefront.shipping_weight.as_deref(),
                brand_id: p.storefront.brand_id.map(|b| b.to_string()),
                track_inventory: p.storefront.track_inventory,
                low_stock_threshold: p.storefront.low_stock_threshold,
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
            products::slug.eq(p.storefront.slug.as_ref().map(Slug::as_str)),
            products::short_name.eq(p.storefront.short_name.as_deref()),
            products::product_type.eq(p.storefront.product_type.as_str()),
            products::is_featured.eq(p.storefront.is_featured),
            products::discount_price_minor.eq(p.storefront.discount_price.map(|m| m.minor())),
            products::member_price_minor.eq(p.storefront.member_price.map(|m| m.minor())),
            products::seo_title.eq(p.storefront.seo_title.as_deref()),
            products::seo_description.eq(p.storefront.seo_description.as_deref()),
            products::shipping_weight.eq(p.storefront.shipping_weight.as_deref()),
            products::brand_id.eq(p.storefront.brand_id.map(|b| b.to_string())),
            products::track_inventory.eq(p.storefront.track_inventory),
            products::low_stock_threshold.eq(p.storefront.low_stock_threshold),
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

    fn storefront_products(
        &mut self,
        tenant: TenantId,
        filter: &StorefrontFilter,
        page: Page,
    ) -> Result<(Vec<Product>, i64), StorageError> {
        let t = tenant.to_string();
        let search = filter
            .search
            .as_deref()
            .map(|k| like_pattern(&k.to_lowercase()));
        let query =
            || {
                let mut q = products::table
                    .filter(products::tenant_id.eq(t.clone()))
                    .filter(products::deleted_at.is_null())
                    .filter(products::status.eq(ProductStatus::Active.as_str()))
                    .filter(products::parent_id.is_null())
                    .into_boxed();
                if let Some(slug) = &filter.category_slug {
                    q = q.filter(
                        products::id.eq_any(
                            product_category_links::table
                                .inner_join(product_categories::table.on(
                                    product_categories::id.eq(product_category_links::category_id),
                                ))
                                .filter(product_category_links::tenant_id.eq(t.clone()))
                                .filter(product_categories::tenant_id.eq(t.clone()))
                                .filter(product_categories::slug.eq(slug.clone()))
                                .select(product_category_links::product_id),
                        ),
                    );
                }
                if let Some(c) = filter.category_id {
                    q = q.filter(
                        products::id.eq_any(
                            product_category_links::table
                                .filter(product_category_links::tenant_id.eq(t.clone()))
                                .filter(product_category_links::category_id.eq(c.get()))
                                .select(product_category_links::product_id),
                        ),
                    );
                }
                if let Some(slug) = &filter.brand_slug {
                    q = q.filter(
                        products::brand_id.eq_any(
                            brands::table
                                .filter(brands::tenant_id.eq(t.clone()))
                                .filter(brands::slug.eq(slug.clone()))
                                .select(brands::id.nullable()),
                        ),
                    );
                }
                if let Some(slug) = &filter.collection_slug {
                    q = q.filter(
                        products::id.eq_any(
                            product_collection_links::table
                                .inner_join(collections::table.on(
                                    collections::id.eq(product_collection_links::collection_id),
                                ))
                                .filter(product_collection_links::tenant_id.eq(t.clone()))
                                .filter(collections::tenant_id.eq(t.clone()))
                                .filter(collections::slug.eq(slug.clone()))
                                .select(product_collection_links::product_id),
                        ),
                    );
                }
                if let Some(k) = &search {
                    q = q.filter(
                        lower(products::name)
                            .like(k.clone())
                            .escape('\\')
                            .or(lower(products::short_name.assume_not_null())
                                .like(k.clone())
                                .escape('\\'))
                            .or(lower(products::sku.assume_not_null())
                                .like(k.clone())
                                .escape('\\')),
                    );
                }
                if let Some(f) = filter.featured {
                    q = q.filter(products::is_featured.eq(f));
                }
                q
            };
        let total = query()
            .count()
            .get_result::<i64>(self.conn)
            .map_err(storage_error)?;
        let sorted = match filter.sort {
            StorefrontSort::Name => {
                query().order((lower(products::name).asc(), products::id.asc()))
            }
            StorefrontSort::PriceAsc => query().order((
                coalesce(products::discount_price_minor, products::price_minor).asc(),
                products::id.asc(),
            )),
            StorefrontSort::PriceDesc => query().order((
                coalesce(products::discount_price_minor, products::price_minor).desc(),
                products::id.desc(),
            )),
            StorefrontSort::Newest => {
                query().order((products::created_at.desc(), products::id.desc()))
            }
        };
        let rows = sorted
            .limit(i64::from(page.limit()))
            .offset(page.offset())
            .load::<ProductRow>(self.conn)
            .map_err(storage_error)?;
        Ok((products_of(rows)?, total))
    }

    fn find_product_by_slug(
        &mut self,
        tenant: TenantId,
        slug: &str,
    ) -> Result<Option<Product>, StorageError> {
        products::table
            .filter(products::tenant_id.eq(tenant.to_string()))
            .filter(products::slug.eq(slug))
            .filter(products::deleted_at.is_null())
            .first::<ProductRow>(self.conn)
            .optional()
            .map_err(storage_error)?
            .map(Product::try_from)
            .transpose()
    }

    fn related_products(
        &mut self,
        tenant: TenantId,
        product: &Product,
        limit: i64,
    ) -> Result<Vec<Product>, StorageError> {
        let t = tenant.to_string();
        let me = product.id.get();
        let listed = || {
            products::table
                .filter(products::tenant_id.eq(t.clone()))
                .filter(products::deleted_at.is_null())
                .filter(products::status.eq(ProductStatus::Active.as_str()))
                .filter(products::parent_id.is_null())
                .filter(products::id.ne(me))
                .into_boxed()
        };
        // A brand id never equals the empty string, so a product without a brand matches
        // nothing by brand.
        let brand = product
            .storefront
            .brand_id
            .map(|b| b.to_string())
            .unwrap_or_default();
        let my_categories: Vec<i64> = product_category_links::table
            .filter(product_category_links::tenant_id.eq(&t))
            .filter(product_category_links::product_id.eq(me))
            .select(product_category_links::category_id)
            .load(self.conn)
            .map_err(storage_error)?;
        let my_collections: Vec<String> = product_collection_links::table
            .filter(product_collection_links::tenant_id.eq(&t))
            .filter(product_collection_links::product_id.eq(me))
            .select(product_collection_links::collection_id)
            .load(self.conn)
            .map_err(storage_error)?;
        let mut related = products_of(
            listed()
                .filter(
                    products::id
                        .eq_any(
                            product_category_links::table
                                .filter(product_category_links::tenant_id.eq(t.clone()))
                                .filter(product_category_links::category_id.eq_any(my_categories))
                                .select(product_category_links::product_id),
                        )
                        .or(products::id.eq_any(
                            product_collection_links::table
                                .filter(product_collection_links::tenant_id.eq(t.clone()))
                                .filter(
                                    product_collection_links::collection_id.eq_any(my_collections),
                                )
                                .select(product_collection_links::product_id),
                        ))
                        .or(products::brand_id.eq(brand)),
                )
                .order((products::created_at.desc(), products::id.desc()))
                .limit(limit)
                .load::<ProductRow>(self.conn)
                .map_err(storage_error)?,
        )?;
        let short = limit - i64::try_from(related.len()).unwrap_or(limit);
        if short > 0 {
            let taken: Vec<i64> = related.iter().map(|p| p.id.get()).collect();
            related.extend(products_of(
                listed()
                    .filter(products::id.ne_all(taken))
                    .order((products::created_at.desc(), products::id.desc()))
                    .limit(short)
                    .load::<ProductRow>(self.conn)
                    .map_err(storage_error)?,
            )?);
        }
        Ok(related)
    }
}
