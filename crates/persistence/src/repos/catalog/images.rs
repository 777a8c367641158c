//! Product images.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use kedai_catalog::*;
use kedai_core::{ProductId, StorageError, TenantId};

use super::rows::*;
use crate::convert::{corrupt, product_id, storage_error, ts};
use crate::repos::Tx;
use crate::schema::product_images;

impl ImageRepository for Tx<'_> {
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
}
