//! Customers (the simulation's shoppers), with the names, phones and e-mails orders are placed
//! under.

use super::generator::{FAMILY, GIVEN, Generator, Shopper};
use super::plan::BulkError;
use super::sink::Sink;
use super::table::{Table, V, ts};
use crate::db::DbConnection;

impl Generator {
    pub(super) fn create_customers(
        &mut self,
        conn: &mut DbConnection,
        count: u32,
        chunk: u64,
    ) -> Result<(), BulkError> {
        let mut sink = Sink::new(conn);
        let span = 730 * 86_400;
        for i in 0..count {
            let name = format!(
                "{} {}",
                GIVEN[self.rng.usize(..GIVEN.len())],
                FAMILY[self.rng.usize(..FAMILY.len())]
            );
            let shopper = Shopper {
                id: kedai_core::new_uuid_v7().to_string(),
                phone: format!("+6019{:08}", self.first_customer + i64::from(i)),
                email: format!("bulk.{}@example.com", self.first_customer + i64::from(i)),
                name,
            };
            let joined = ts(self.now - chrono::Duration::seconds(self.rng.i64(0..span)));
            sink.row(
                Table::Customers,
                &[
                    V::T(&shopper.id),
                    V::T(&self.tenant),
                    V::T(&shopper.name),
                    V::T(&shopper.phone),
                    V::T(&shopper.email),
                    V::Null,
                    V::T("bulk"),
                    V::Null,
                    V::Null,
                    V::At(joined),
                    V::At(joined),
                    // Portal profile: member number, last name, gender, address, district,
                    // consents, sign-up campaign.
                    V::Null,
                    V::Null,
                    V::Null,
                    V::Null,
                    V::Null,
                    V::I(0),
                    V::I(0),
                    V::Null,
                    // Nothing proven by a code: staff-entered, as at the counter.
                    V::Null,
                    V::Null,
                ],
            );
            self.customers.push(shopper);
            self.report.customers += 1;
            if u64::from(i + 1).is_multiple_of((chunk * 4).max(1)) {
                sink.flush_in_transaction(conn, |_| Ok(()))?;
            }
        }
        sink.flush_in_transaction(conn, |_| Ok(()))?;
        Ok(())
    }
}
