//! Brands and collections, and the products in them.

use diesel::prelude::*;
use kedai_catalog::*;
use kedai_core::{ProductId, StorageError, TenantId};

use super::rows::*;
use crate::convert::{product_id, storage_error, ts};
use crate::repos::Tx;
use crate::schema::{brands, collections, product_collection_links, products};

impl GroupRepository for Tx<'_> {
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
}
