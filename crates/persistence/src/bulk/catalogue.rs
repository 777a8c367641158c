//! The catalogue: products, inserted one by one for their ids.

use diesel::prelude::*;

use super::generator::{CATEGORIES, Generator, Item, NAMES};
use super::plan::BulkError;
use super::table::ts;
use crate::db::DbConnection;
use crate::schema::products;

impl Generator {
    pub(super) fn create_products(
        &mut self,
        conn: &mut DbConnection,
        count: u32,
    ) -> Result<(), BulkError> {
        let at = ts(self.now - chrono::Duration::days(731));
        for i in 0..count {
            let name = format!(
                "{} {}",
                NAMES[i as usize % NAMES.len()],
                i / NAMES.len() as u32 + 1
            );
            let sku = format!("BULK-{:06}", self.first_product + i64::from(i));
            let price = 300 + self.rng.i64(0..=60) * 50;
            let id: i64 = diesel::insert_into(products::table)
                .values((
                    products::tenant_id.eq(&self.tenant),
                    products::name.eq(&name),
                    products::sku.eq(Some(&sku)),
                    products::category.eq(Some(CATEGORIES[i as usize % CATEGORIES.len()])),
                    products::description.eq(None::<String>),
                    products::price_minor.eq(price),
                    products::currency.eq(&self.currency),
                    products::status.eq("active"),
                    products::outlet_ids.eq("[]"),
                    products::created_at.eq(at),
                    products::updated_at.eq(at),
                ))
                .returning(products::id)
                .get_result(conn)?;
            self.catalogue.push(Item {
                id,
                name,
                sku,
                price,
                lots: Vec::new(),
                first_open: 0,
            });
            self.report.products += 1;
        }
        Ok(())
    }
}
