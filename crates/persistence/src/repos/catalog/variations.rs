//! Options and variations of variable products.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use kedai_catalog::*;
use kedai_core::{ProductId, StorageError, TenantId};

use super::rows::*;
use crate::convert::{corrupt, product_id, storage_error, ts};
use crate::repos::Tx;
use crate::schema::{product_option_values, product_options, products, variation_option_values};

impl VariationRepository for Tx<'_> {
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
}
