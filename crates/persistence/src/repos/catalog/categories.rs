//! Categories and the products in them.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use kedai_catalog::*;
use kedai_core::{ProductId, StorageError, TenantId};

use super::rows::*;
use crate::convert::{product_id, storage_error, ts};
use crate::repos::Tx;
use crate::schema::{product_categories, product_category_links};

impl CategoryRepository for Tx<'_> {
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
}
