//! The storefront catalogue: categories, brands, collections, images, options, variations and
//! the storefront's product reads. Brands and collections share one shape in two tables.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use kedai_core::{Page, ProductId, StorageError, TenantId};
use kedai_inventory::shop::{
    Category, CategoryId, GroupId, GroupKind, ImageDraft, ImageId, Listing, NewCategory,
    OptionDraft, OptionId, OptionValue, OptionValueId, ProductGroup, ProductImage, ProductOption,
    ShopFilter, ShopSort, Slug,
};
use kedai_inventory::{Product, ProductStatus, ShopRepository};

use super::Tx;
use super::catalog::{ProductRow, like_pattern};
use crate::convert::{corrupt, is_unique_violation, parse, product_id, storage_error, ts, utc};
use crate::schema::{
    brands, collections, product_categories, product_category_links, product_collection_links,
    product_images, product_option_values, product_options, products, variation_option_values,
};

diesel::define_sql_function! {
    /// SQL `lower`, the same on both backends.
    fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

diesel::define_sql_function! {
    /// SQL `coalesce` of an optional and a required amount.
    fn coalesce(x: diesel::sql_types::Nullable<BigInt>, y: BigInt) -> BigInt;
}

/// Runs `$body` with `$t` naming the table of a [`GroupKind`]: brands and collections have
/// the same columns, so one body serves both.
macro_rules! on_group_table {
    ($kind:expr, $t:ident => $body:expr) => {
        match $kind {
            GroupKind::Brand => {
                use crate::schema::brands as $t;
                $body
            }
            GroupKind::Collection => {
                use crate::schema::collections as $t;
                $body
            }
        }
    };
}

#[derive(Queryable)]
struct CategoryRow {
    id: i64,
    tenant_id: String,
    name: String,
    slug: Option<String>,
    description: Option<String>,
    image_url: Option<String>,
    parent_id: Option<i64>,
    is_featured: bool,
    sort_order: i64,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

fn slug(s: Option<String>) -> Result<Option<Slug>, StorageError> {
    s.map(|s| Slug::parse(&s).map_err(|_| corrupt(format!("slug `{s}`"))))
        .transpose()
}

fn category_id(id: i64) -> Result<CategoryId, StorageError> {
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
struct GroupRow {
    id: String,
    tenant_id: String,
    name: String,
    slug: String,
    description: Option<String>,
    image_url: Option<String>,
    online_enabled: bool,
    sort_order: i64,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

fn group(kind: GroupKind, r: GroupRow) -> Result<ProductGroup, StorageError> {
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
struct ImageRow {
    id: i64,
    #[expect(dead_code, reason = "filtered by query")]
    tenant_id: String,
    product_id: i64,
    src: String,
    name: Option<String>,
    alt: Option<String>,
    width: Option<i64>,
    height: Option<i64>,
    is_primary: bool,
    position: i64,
    #[expect(dead_code, reason = "not shown")]
    created_at: NaiveDateTime,
}

fn products_of(rows: Vec<ProductRow>) -> Result<Vec<Product>, StorageError> {
    rows.into_iter().map(Product::try_from).collect()
}

fn ids(products: &[ProductId]) -> Vec<i64> {
    products.iter().map(|p| p.get()).collect()
}

/// Maps a write's unique violation to `Ok(Err(()))`.
fn unique<T>(r: QueryResult<T>) -> Result<Result<T, ()>, StorageError> {
    match r {
        Ok(v) => Ok(Ok(v)),
        Err(e) if is_unique_violation(&e) => Ok(Err(())),
        Err(e) => Err(storage_error(e)),
    }
}

impl Tx<'_> {
    fn category_counts(&mut self, tenant: &str) -> Result<Vec<(i64, i64)>, StorageError> {
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

    fn group_counts(
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

impl ShopRepository for Tx<'_> {
    fn insert_category(
        &mut self,
        tenant: TenantId,
        c: &NewCategory,
        now: DateTime<Utc>,
    ) -> Result<Result<CategoryId, ()>, StorageError> {
        let inserted = diesel::insert_into(product_categories::table)
            .values((
                product_categories::tenant_id.eq(tenant.to_string()),
                product_categories::name.eq(&c.listing.name),
                product_categories::slug.eq(c.listing.slug.as_ref().map(Slug::as_str)),
                product_categories::description.eq(c.listing.description.as_deref()),
                product_categories::image_url.eq(c.listing.image_url.as_deref()),
                product_categories::parent_id.eq(c.parent_id.map(CategoryId::get)),
                product_categories::is_featured.eq(c.is_featured),
                product_categories::sort_order.eq(c.listing.sort_order),
                product_categories::created_at.eq(ts(now)),
                product_categories::updated_at.eq(ts(now)),
            ))
            .returning(product_categories::id)
            .get_result::<i64>(self.conn);
        match unique(inserted)? {
            Ok(id) => category_id(id).map(Ok),
            Err(()) => Ok(Err(())),
        }
    }

    fn find_category(
        &mut self,
        tenant: TenantId,
        id: CategoryId,
    ) -> Result<Option<Category>, StorageError> {
        product_categories::table
            .filter(product_categories::tenant_id.eq(tenant.to_string()))
            .filter(product_categories::id.eq(id.get()))
            .first::<CategoryRow>(self.conn)
            .optional()
            .map_err(storage_error)?
            .map(Category::try_from)
            .transpose()
    }

    fn update_category(&mut self, c: &Category) -> Result<Result<(), ()>, StorageError> {
        unique(
            diesel::update(
                product_categories::table
                    .filter(product_categories::tenant_id.eq(c.tenant_id.to_string()))
                    .filter(product_categories::id.eq(c.id.get())),
            )
            .set((
                product_categories::name.eq(&c.listing.name),
                product_categories::slug.eq(c.listing.slug.as_ref().map(Slug::as_str)),
                product_categories::description.eq(c.listing.description.as_deref()),
                product_categories::image_url.eq(c.listing.image_url.as_deref()),
                product_categories::parent_id.eq(c.parent_id.map(CategoryId::get)),
                product_categories::is_featured.eq(c.is_featured),
                product_categories::sort_order.eq(c.listing.sort_order),
                product_categories::updated_at.eq(ts(c.updated_at)),
            ))
            .execute(self.conn),
        )
        .map(|r| r.map(drop))
    }

    fn delete_category(&mut self, tenant: TenantId, id: CategoryId) -> Result<bool, StorageError> {
        let t = tenant.to_string();
        diesel::update(
            product_categories::table
                .filter(product_categories::tenant_id.eq(&t))
                .filter(product_categories::parent_id.eq(id.get())),
        )
        .set(product_categories::parent_id.eq(None::<i64>))
        .execute(self.conn)
        .map_err(storage_error)?;
        diesel::delete(
            product_category_links::table
                .filter(product_category_links::tenant_id.eq(&t))
                .filter(product_category_links::category_id.eq(id.get())),
        )
        .execute(self.conn)
        .map_err(storage_error)?;
        diesel::delete(
            product_categories::table
                .filter(product_categories::tenant_id.eq(&t))
                .filter(product_categories::id.eq(id.get())),
        )
        .execute(self.conn)
        .map(|n| n == 1)
        .map_err(storage_error)
    }

    fn list_categories(
        &mut self,
        tenant: TenantId,
        featured: Option<bool>,
    ) -> Result<Vec<(Category, i64)>, StorageError> {
        let t = tenant.to_string();
        let mut q = product_categories::table
            .filter(product_categories::tenant_id.eq(&t))
            .into_boxed();
        if let Some(f) = featured {
            q = q.filter(product_categories::is_featured.eq(f));
        }
        let rows = q
            .order((
                product_categories::sort_order.asc(),
                product_categories::id.asc(),
            ))
            .load::<CategoryRow>(self.conn)
            .map_err(storage_error)?;
        let counts = self.category_counts(&t)?;
        rows.into_iter()
            .map(|r| {
                let n = counts
                    .iter()
                    .find(|(id, _)| *id == r.id)
                    .map_or(0, |(_, n)| *n);
                Category::try_from(r).map(|c| (c, n))
            })
            .collect()
    }

    fn insert_group(&mut self, g: &ProductGroup) -> Result<Result<(), ()>, StorageError> {
        let now = ts(g.created_at);
        let id = g.id.to_string();
        let tenant = g.tenant_id.to_string();
        let l = &g.listing;
        let inserted = on_group_table!(g.kind, t => diesel::insert_into(t::table)
            .values((
                t::id.eq(&id),
                t::tenant_id.eq(&tenant),
                t::name.eq(&l.name),
                t::slug.eq(g.slug()),
                t::description.eq(l.description.as_deref()),
                t::image_url.eq(l.image_url.as_deref()),
                t::online_enabled.eq(g.online_enabled),
                t::sort_order.eq(l.sort_order),
                t::created_at.eq(now),
                t::updated_at.eq(ts(g.updated_at)),
            ))
            .execute(self.conn));
        unique(inserted).map(|r| r.map(drop))
    }

    fn find_group(
        &mut self,
        tenant: TenantId,
        kind: GroupKind,
        id: GroupId,
    ) -> Result<Option<ProductGroup>, StorageError> {
        let row = on_group_table!(kind, t => t::table
            .filter(t::tenant_id.eq(tenant.to_string()))
            .filter(t::id.eq(id.to_string()))
            .first::<GroupRow>(self.conn)
            .optional())
        .map_err(storage_error)?;
        row.map(|r| group(kind, r)).transpose()
    }

    fn find_group_by_slug(
        &mut self,
        tenant: TenantId,
        kind: GroupKind,
        slug: &str,
    ) -> Result<Option<ProductGroup>, StorageError> {
        let row = on_group_table!(kind, t => t::table
            .filter(t::tenant_id.eq(tenant.to_string()))
            .filter(t::slug.eq(slug))
            .first::<GroupRow>(self.conn)
            .optional())
        .map_err(storage_error)?;
        row.map(|r| group(kind, r)).transpose()
    }

    fn update_group(&mut self, g: &ProductGroup) -> Result<Result<(), ()>, StorageError> {
        let l = &g.listing;
        let updated = on_group_table!(g.kind, t => diesel::update(
                t::table
                    .filter(t::tenant_id.eq(g.tenant_id.to_string()))
                    .filter(t::id.eq(g.id.to_string())),
            )
            .set((
                t::name.eq(&l.name),
                t::slug.eq(g.slug()),
                t::description.eq(l.description.as_deref()),
                t::image_url.eq(l.image_url.as_deref()),
                t::online_enabled.eq(g.online_enabled),
                t::sort_order.eq(l.sort_order),
                t::updated_at.eq(ts(g.updated_at)),
            ))
            .execute(self.conn));
        unique(updated).map(|r| r.map(drop))
    }

    fn delete_group(
        &mut self,
        tenant: TenantId,
        kind: GroupKind,
        id: GroupId,
    ) -> Result<bool, StorageError> {
        let t = tenant.to_string();
        let gid = id.to_string();
        match kind {
            GroupKind::Brand => diesel::update(
                products::table
                    .filter(products::tenant_id.eq(&t))
                    .filter(products::brand_id.eq(&gid)),
            )
            .set(products::brand_id.eq(None::<String>))
            .execute(self.conn),
            GroupKind::Collection => diesel::delete(
                product_collection_links::table
                    .filter(product_collection_links::tenant_id.eq(&t))
                    .filter(product_collection_links::collection_id.eq(&gid)),
            )
            .execute(self.conn),
        }
        .map_err(storage_error)?;
        on_group_table!(kind, g => diesel::delete(
            g::table.filter(g::tenant_id.eq(&t)).filter(g::id.eq(&gid)),
        )
        .execute(self.conn))
        .map(|n| n == 1)
        .map_err(storage_error)
    }

    fn list_groups(
        &mut self,
        tenant: TenantId,
        kind: GroupKind,
        online_only: bool,
    ) -> Result<Vec<(ProductGroup, i64)>, StorageError> {
        let t = tenant.to_string();
        let rows = on_group_table!(kind, g => {
            let mut q = g::table.filter(g::tenant_id.eq(&t)).into_boxed();
            if online_only {
                q = q.filter(g::online_enabled.eq(true));
            }
            q.order((g::sort_order.asc(), g::name.asc(), g::id.asc()))
                .load::<GroupRow>(self.conn)
        })
        .map_err(storage_error)?;
        let counts = self.group_counts(&t, kind)?;
        rows.into_iter()
            .map(|r| {
                let n = counts
                    .iter()
                    .find(|(id, _)| *id == r.id)
                    .map_or(0, |(_, n)| *n);
                group(kind, r).map(|g| (g, n))
            })
            .collect()
    }

    fn set_product_categories(
        &mut self,
        tenant: TenantId,
        product: ProductId,
        categories: &[CategoryId],
    ) -> Result<(), StorageError> {
        let t = tenant.to_string();
        diesel::delete(
            product_category_links::table
                .filter(product_category_links::tenant_id.eq(&t))
                .filter(product_category_links::product_id.eq(product.get())),
        )
        .execute(self.conn)
        .map_err(storage_error)?;
        for c in categories {
            diesel::insert_into(product_category_links::table)
                .values((
                    product_category_links::tenant_id.eq(&t),
                    product_category_links::product_id.eq(product.get()),
                    product_category_links::category_id.eq(c.get()),
                ))
                .execute(self.conn)
                .map_err(storage_error)?;
        }
        Ok(())
    }

    fn set_product_collections(
        &mut self,
        tenant: TenantId,
        product: ProductId,
        collections: &[GroupId],
    ) -> Result<(), StorageError> {
        let t = tenant.to_string();
        diesel::delete(
            product_collection_links::table
                .filter(product_collection_links::tenant_id.eq(&t))
                .filter(product_collection_links::product_id.eq(product.get())),
        )
        .execute(self.conn)
        .map_err(storage_error)?;
        for c in collections {
            diesel::insert_into(product_collection_links::table)
                .values((
                    product_collection_links::tenant_id.eq(&t),
                    product_collection_links::product_id.eq(product.get()),
                    product_collection_links::collection_id.eq(c.to_string()),
                ))
                .execute(self.conn)
                .map_err(storage_error)?;
        }
        Ok(())
    }

    fn categories_of(
        &mut self,
        tenant: TenantId,
        products: &[ProductId],
    ) -> Result<Vec<(ProductId, Category)>, StorageError> {
        let t = tenant.to_string();
        product_category_links::table
            .inner_join(
                product_categories::table
                    .on(product_categories::id.eq(product_category_links::category_id)),
            )
            .filter(product_category_links::tenant_id.eq(&t))
            .filter(product_categories::tenant_id.eq(&t))
            .filter(product_category_links::product_id.eq_any(ids(products)))
            .order((
                product_categories::sort_order.asc(),
                product_categories::id.asc(),
            ))
            .select((
                product_category_links::product_id,
                product_categories::all_columns,
            ))
            .load::<(i64, CategoryRow)>(self.conn)
            .map_err(storage_error)?
            .into_iter()
            .map(|(p, c)| Ok((product_id(p)?, Category::try_from(c)?)))
            .collect()
    }

    fn collections_of(
        &mut self,
        tenant: TenantId,
        products: &[ProductId],
    ) -> Result<Vec<(ProductId, ProductGroup)>, StorageError> {
        let t = tenant.to_string();
        product_collection_links::table
            .inner_join(
                collections::table.on(collections::id.eq(product_collection_links::collection_id)),
            )
            .filter(product_collection_links::tenant_id.eq(&t))
            .filter(collections::tenant_id.eq(&t))
            .filter(product_collection_links::product_id.eq_any(ids(products)))
            .order((collections::sort_order.asc(), collections::name.asc()))
            .select((
                product_collection_links::product_id,
                collections::all_columns,
            ))
            .load::<(i64, GroupRow)>(self.conn)
            .map_err(storage_error)?
            .into_iter()
            .map(|(p, g)| Ok((product_id(p)?, group(GroupKind::Collection, g)?)))
            .collect()
    }

    fn find_brands(
        &mut self,
        tenant: TenantId,
        ids: &[GroupId],
    ) -> Result<Vec<ProductGroup>, StorageError> {
        let ids: Vec<String> = ids.iter().map(ToString::to_string).collect();
        brands::table
            .filter(brands::tenant_id.eq(tenant.to_string()))
            .filter(brands::id.eq_any(ids))
            .load::<GroupRow>(self.conn)
            .map_err(storage_error)?
            .into_iter()
            .map(|r| group(GroupKind::Brand, r))
            .collect()
    }

    fn insert_image(
        &mut self,
        tenant: TenantId,
        product: ProductId,
        image: &ImageDraft,
        now: DateTime<Utc>,
    ) -> Result<ImageId, StorageError> {
        let t = tenant.to_string();
        if image.is_primary {
            diesel::update(
                product_images::table
                    .filter(product_images::tenant_id.eq(&t))
                    .filter(product_images::product_id.eq(product.get())),
            )
            .set(product_images::is_primary.eq(false))
            .execute(self.conn)
            .map_err(storage_error)?;
        }
        let id = diesel::insert_into(product_images::table)
            .values((
                product_images::tenant_id.eq(&t),
                product_images::product_id.eq(product.get()),
                product_images::src.eq(&image.src),
                product_images::name.eq(image.name.as_deref()),
                product_images::alt.eq(image.alt.as_deref()),
                product_images::width.eq(image.width),
                product_images::height.eq(image.height),
                product_images::is_primary.eq(image.is_primary),
                product_images::position.eq(image.position),
                product_images::created_at.eq(ts(now)),
            ))
            .returning(product_images::id)
            .get_result::<i64>(self.conn)
            .map_err(storage_error)?;
        ImageId::new(id).map_err(|_| corrupt(format!("image id {id}")))
    }

    fn delete_image(
        &mut self,
        tenant: TenantId,
        product: ProductId,
        image: ImageId,
    ) -> Result<bool, StorageError> {
        diesel::delete(
            product_images::table
                .filter(product_images::tenant_id.eq(tenant.to_string()))
                .filter(product_images::product_id.eq(product.get()))
                .filter(product_images::id.eq(image.get())),
        )
        .execute(self.conn)
        .map(|n| n == 1)
        .map_err(storage_error)
    }

    fn images_of(
        &mut self,
        tenant: TenantId,
        products: &[ProductId],
    ) -> Result<Vec<ProductImage>, StorageError> {
        product_images::table
            .filter(product_images::tenant_id.eq(tenant.to_string()))
            .filter(product_images::product_id.eq_any(ids(products)))
            .order((
                product_images::product_id.asc(),
                product_images::is_primary.desc(),
                product_images::position.asc(),
                product_images::id.asc(),
            ))
            .load::<ImageRow>(self.conn)
            .map_err(storage_error)?
            .into_iter()
            .map(|r| {
                Ok(ProductImage {
                    id: ImageId::new(r.id).map_err(|_| corrupt(format!("image id {}", r.id)))?,
                    product_id: product_id(r.product_id)?,
                    src: r.src,
                    name: r.name,
                    alt: r.alt,
                    width: r.width,
                    height: r.height,
                    is_primary: r.is_primary,
                    position: r.position,
                })
            })
            .collect()
    }

    fn insert_option(
        &mut self,
        tenant: TenantId,
        product: ProductId,
        option: &OptionDraft,
        now: DateTime<Utc>,
    ) -> Result<Result<OptionId, ()>, StorageError> {
        let t = tenant.to_string();
        let inserted = diesel::insert_into(product_options::table)
            .values((
                product_options::tenant_id.eq(&t),
                product_options::product_id.eq(product.get()),
                product_options::name.eq(&option.name),
                product_options::position.eq(option.position),
                product_options::required.eq(option.required),
                product_options::created_at.eq(ts(now)),
            ))
            .returning(product_options::id)
            .get_result::<i64>(self.conn);
        let id = match unique(inserted)? {
            Ok(id) => id,
            Err(()) => return Ok(Err(())),
        };
        for (value, position) in &option.values {
            diesel::insert_into(product_option_values::table)
                .values((
                    product_option_values::tenant_id.eq(&t),
                    product_option_values::option_id.eq(id),
                    product_option_values::value.eq(value),
                    product_option_values::position.eq(position),
                ))
                .execute(self.conn)
                .map_err(storage_error)?;
        }
        OptionId::new(id)
            .map(Ok)
            .map_err(|_| corrupt(format!("option id {id}")))
    }

    fn options_of(
        &mut self,
        tenant: TenantId,
        product: ProductId,
    ) -> Result<Vec<ProductOption>, StorageError> {
        let t = tenant.to_string();
        let options = product_options::table
            .filter(product_options::tenant_id.eq(&t))
            .filter(product_options::product_id.eq(product.get()))
            .order((product_options::position.asc(), product_options::id.asc()))
            .select((
                product_options::id,
                product_options::name,
                product_options::position,
                product_options::required,
            ))
            .load::<(i64, String, i64, bool)>(self.conn)
            .map_err(storage_error)?;
        let option_ids: Vec<i64> = options.iter().map(|o| o.0).collect();
        let values = product_option_values::table
            .filter(product_option_values::tenant_id.eq(&t))
            .filter(product_option_values::option_id.eq_any(&option_ids))
            .order((
                product_option_values::position.asc(),
                product_option_values::id.asc(),
            ))
            .select((
                product_option_values::id,
                product_option_values::option_id,
                product_option_values::value,
                product_option_values::position,
            ))
            .load::<(i64, i64, String, i64)>(self.conn)
            .map_err(storage_error)?;
        let option_id = |id: i64| OptionId::new(id).map_err(|_| corrupt(format!("option {id}")));
        options
            .into_iter()
            .map(|(id, name, position, required)| {
                Ok(ProductOption {
                    id: option_id(id)?,
                    product_id: product,
                    name,
                    position,
                    required,
                    values: values
                        .iter()
                        .filter(|v| v.1 == id)
                        .map(|(vid, oid, value, position)| {
                            Ok(OptionValue {
                                id: OptionValueId::new(*vid)
                                    .map_err(|_| corrupt(format!("option value {vid}")))?,
                                option_id: option_id(*oid)?,
                                value: value.clone(),
                                position: *position,
                            })
                        })
                        .collect::<Result<_, StorageError>>()?,
                })
            })
            .collect()
    }

    fn set_variation_values(
        &mut self,
        tenant: TenantId,
        variation: ProductId,
        values: &[OptionValueId],
    ) -> Result<(), StorageError> {
        let t = tenant.to_string();
        diesel::delete(
            variation_option_values::table
                .filter(variation_option_values::tenant_id.eq(&t))
                .filter(variation_option_values::variation_id.eq(variation.get())),
        )
        .execute(self.conn)
        .map_err(storage_error)?;
        for v in values {
            diesel::insert_into(variation_option_values::table)
                .values((
                    variation_option_values::tenant_id.eq(&t),
                    variation_option_values::variation_id.eq(variation.get()),
                    variation_option_values::option_value_id.eq(v.get()),
                ))
                .execute(self.conn)
                .map_err(storage_error)?;
        }
        Ok(())
    }

    fn variation_values(
        &mut self,
        tenant: TenantId,
        variations: &[ProductId],
    ) -> Result<Vec<(ProductId, OptionValueId)>, StorageError> {
        variation_option_values::table
            .filter(variation_option_values::tenant_id.eq(tenant.to_string()))
            .filter(variation_option_values::variation_id.eq_any(ids(variations)))
            .select((
                variation_option_values::variation_id,
                variation_option_values::option_value_id,
            ))
            .load::<(i64, i64)>(self.conn)
            .map_err(storage_error)?
            .into_iter()
            .map(|(p, v)| {
                Ok((
                    product_id(p)?,
                    OptionValueId::new(v).map_err(|_| corrupt(format!("option value {v}")))?,
                ))
            })
            .collect()
    }

    fn variations_of(
        &mut self,
        tenant: TenantId,
        parents: &[ProductId],
    ) -> Result<Vec<Product>, StorageError> {
        let parents: Vec<Option<i64>> = parents.iter().map(|p| Some(p.get())).collect();
        products_of(
            products::table
                .filter(products::tenant_id.eq(tenant.to_string()))
                .filter(products::parent_id.eq_any(parents))
                .filter(products::deleted_at.is_null())
                .order(products::id.asc())
                .load::<ProductRow>(self.conn)
                .map_err(storage_error)?,
        )
    }

    fn stock_totals(
        &mut self,
        tenant: TenantId,
        products: &[ProductId],
    ) -> Result<Vec<(ProductId, i64)>, StorageError> {
        #[derive(QueryableByName)]
        struct Total {
            #[diesel(sql_type = BigInt)]
            product_id: i64,
            #[diesel(sql_type = BigInt)]
            quantity: i64,
        }
        if products.is_empty() {
            return Ok(Vec::new());
        }
        // The ids are integers Kedai read from its own rows, written as literals so one
        // statement carries any number of them on both backends.
        let list = products
            .iter()
            .map(|p| p.get().to_string())
            .collect::<Vec<_>>()
            .join(", ");
        diesel::sql_query(format!(
            "SELECT product_id, CAST(SUM(remaining) AS BIGINT) AS quantity \
             FROM inventory_lots WHERE tenant_id = $1 AND remaining > 0 \
             AND product_id IN ({list}) GROUP BY product_id"
        ))
        .bind::<Text, _>(tenant.to_string())
        .load::<Total>(self.conn)
        .map_err(storage_error)?
        .into_iter()
        .map(|t| Ok((product_id(t.product_id)?, t.quantity)))
        .collect()
    }

    fn shop_products(
        &mut self,
        tenant: TenantId,
        filter: &ShopFilter,
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
            ShopSort::Name => query().order((lower(products::name).asc(), products::id.asc())),
            ShopSort::PriceAsc => query().order((
                coalesce(products::discount_price_minor, products::price_minor).asc(),
                products::id.asc(),
            )),
            ShopSort::PriceDesc => query().order((
                coalesce(products::discount_price_minor, products::price_minor).desc(),
                products::id.desc(),
            )),
            ShopSort::Newest => query().order((products::created_at.desc(), products::id.desc())),
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
            .shop
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
