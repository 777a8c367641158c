//! Orders in time order: their numbers, lines, stock taken, status history, payments and
//! customer, and the chunks they are committed in.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use kedai_orders::{OrderNumber, OrderStatus, OrderType};

use super::generator::{FAMILY, GIVEN, Generator, METHODS};
use super::numbers::{last_sequence, save_sequence};
use super::plan::BulkError;
use super::sink::Sink;
use super::status::stamp_column;
use super::table::{Table, V, ts};
use crate::db::DbConnection;
use crate::schema::inventory_lots;

impl Generator {
    pub(super) fn create_orders(
        &mut self,
        conn: &mut DbConnection,
        count: u64,
        chunk: u64,
    ) -> Result<(), BulkError> {
        let start = self.now - chrono::Duration::days(730);
        let span_ms = 730 * 86_400_000_i64;
        let mut counters: BTreeMap<i32, i64> = BTreeMap::new();
        let mut sink = Sink::new(conn);
        for i in 0..count {
            // Evenly spread with jitter, so times increase with i.
            let offset = (i128::from(span_ms) * i128::from(i) / i128::from(count)) as i64;
            let jitter = self.rng.i64(0..(span_ms / count as i64).max(1));
            let created = start + chrono::Duration::milliseconds(offset + jitter);
            let year = self.zone.local_year(created);
            let seq = match counters.get_mut(&year) {
                Some(n) => n,
                None => {
                    let last = last_sequence(conn, &self.tenant, year)?;
                    counters.entry(year).or_insert(last)
                }
            };
            *seq += 1;
            let number = OrderNumber::new(year, *seq);
            self.order(&mut sink, created, &number);
            if (i + 1).is_multiple_of(chunk) || i + 1 == count {
                let lots = self.take_dirty_lots();
                let counters_now = counters.clone();
                let tenant = self.tenant.clone();
                sink.flush_in_transaction(conn, move |c| {
                    for (id, remaining) in &lots {
                        diesel::update(inventory_lots::table.filter(inventory_lots::id.eq(id)))
                            .set(inventory_lots::remaining.eq(remaining))
                            .execute(c)?;
                    }
                    for (year, last) in &counters_now {
                        save_sequence(c, &tenant, *year, *last)?;
                    }
                    Ok(())
                })?;
            }
        }
        Ok(())
    }

    /// A popular-first pick: low indexes are chosen far more often.
    fn pick_product(&mut self) -> usize {
        let n = self.catalogue.len();
        let r = self.rng.f64();
        ((r * r * r) * n as f64) as usize % n
    }

    #[expect(
        clippy::too_many_lines,
        reason = "one order's rows, written in the order the use cases write them"
    )]
    fn order(&mut self, sink: &mut Sink, created: DateTime<Utc>, number: &OrderNumber) {
        let order_id = kedai_core::new_uuid_v7().to_string();
        let order_type = match self.rng.u8(0..10) {
            0..=4 => OrderType::Delivery,
            5..=7 => OrderType::Pickup,
            _ => OrderType::DineIn,
        };
        // Lines: 1 to 4 distinct products, 1 to 3 units each.
        let lines_wanted = 1 + self.rng.usize(..4).min(self.catalogue.len() - 1);
        let mut picked: Vec<usize> = Vec::with_capacity(lines_wanted);
        while picked.len() < lines_wanted {
            let p = self.pick_product();
            if !picked.contains(&p) {
                picked.push(p);
            }
        }
        let mut subtotal = 0_i64;
        let mut allocations: Vec<(usize, usize, i64, String)> = Vec::new();
        for (position, &p) in picked.iter().enumerate() {
            let qty = 1 + self.rng.i64(0..3);
            let item = &self.catalogue[p];
            let line_total = item.price * qty;
            subtotal += line_total;
            let item_id = kedai_core::new_uuid_v7().to_string();
            sink.row(
                Table::OrderItems,
                &[
                    V::T(&item_id),
                    V::T(&self.tenant),
                    V::T(&order_id),
                    V::I(position as i64),
                    V::I(item.id),
                    V::T(&item.name),
                    V::T(&item.sku),
                    V::I(qty),
                    V::I(item.price),
                    V::I(line_total),
                    V::At(ts(created)),
                    V::Null,
                    V::Null,
                    V::Null,
                    // Nothing returned.
                    V::I(0),
                ],
            );
            self.report.items += 1;
            // FIFO over the product's lots; a delivery arrives when it runs dry.
            let mut need = qty;
            while need > 0 {
                let lot_index = self.open_lot(sink, p, created, need);
                let item = &mut self.catalogue[p];
                let lot = &mut item.lots[lot_index];
                let take = need.min(lot.remaining);
                lot.remaining -= take;
                lot.dirty = true;
                need -= take;
                let allocation_id = kedai_core::new_uuid_v7().to_string();
                allocations.push((p, lot_index, take, allocation_id));
            }
        }
        let shipping = if order_type == OrderType::Delivery {
            800
        } else {
            0
        };
        let discount = if self.rng.u8(0..10) == 0 {
            // 10% off, half up.
            (subtotal * 10 + 50) / 100
        } else {
            0
        };
        let total = subtotal + shipping - discount;

        let (path, cancel_releases) = self.status_path(order_type, created);
        let final_status = path.last().map_or(OrderStatus::Confirmed, |s| s.0);
        *self
            .report
            .by_status
            .entry(final_status.as_str())
            .or_default() += 1;

        // Stamps and history.
        let mut stamps: BTreeMap<&'static str, DateTime<Utc>> = BTreeMap::new();
        let mut from: Option<OrderStatus> = None;
        let mut tracking: Option<String> = None;
        let mut paid_at = None;
        let mut refunded_at = None;
        let mut cancelled_at = None;
        for (status, at, reason) in &path {
            if let Some(column) = stamp_column(*status) {
                stamps.insert(column, *at);
            }
            let tn = (*status == OrderStatus::Shipped)
                .then(|| format!("TRK{}", &number.to_string()[4..]));
            if tn.is_some() {
                tracking.clone_from(&tn);
            }
            match status {
                OrderStatus::Paid => paid_at = Some(*at),
                OrderStatus::Refunded => refunded_at = Some(*at),
                OrderStatus::Cancelled => cancelled_at = Some(*at),
                _ => {}
            }
            let history_id = kedai_core::new_uuid_v7().to_string();
            sink.row(
                Table::History,
                &[
                    V::T(&history_id),
                    V::T(&self.tenant),
                    V::T(&order_id),
                    from.map_or(V::Null, |f| V::T(f.as_str())),
                    V::T(status.as_str()),
                    tn.as_deref().map_or(V::Null, V::T),
                    V::Null,
                    V::T(reason),
                    V::At(ts(*at)),
                ],
            );
            self.report.history += 1;
            from = Some(*status);
        }
        let updated = path.last().map_or(created, |s| s.1);

        // Allocations and their ledger rows; released when the order was cancelled.
        let released_at = if cancel_releases { cancelled_at } else { None };
        for (p, lot_index, take, allocation_id) in &allocations {
            let item = &mut self.catalogue[*p];
            let product_id = item.id;
            let lot = &mut item.lots[*lot_index];
            let lot_id = lot.id.clone();
            if released_at.is_some() {
                lot.remaining += take;
                item.first_open = item.first_open.min(*lot_index);
            }
            sink.row(
                Table::Allocations,
                &[
                    V::T(allocation_id),
                    V::T(&self.tenant),
                    V::I(product_id),
                    V::T(&lot_id),
                    V::I(*take),
                    V::T("order"),
                    V::T(&order_id),
                    V::At(ts(created)),
                    released_at.map_or(V::Null, |t| V::At(ts(t))),
                ],
            );
            self.report.allocations += 1;
            self.movement(
                sink,
                product_id,
                &lot_id,
                "allocate",
                -take,
                Some("order"),
                Some(&order_id),
                created,
            );
            if let Some(at) = released_at {
                self.movement(
                    sink,
                    product_id,
                    &lot_id,
                    "release",
                    *take,
                    Some("order"),
                    Some(&order_id),
                    at,
                );
            }
        }

        // Payments.
        let method = METHODS[self.rng.usize(..METHODS.len())];
        let mut payment_status: Option<&str> = None;
        if let Some(at) = paid_at {
            self.payment(sink, &order_id, method, total, "completed", at);
            payment_status = Some("completed");
        }
        if let Some(at) = refunded_at {
            self.payment(sink, &order_id, method, total, "refunded", at);
            payment_status = Some("refunded");
        }

        // The customer, or a guest.
        let shopper = (!self.customers.is_empty() && self.rng.u8(0..10) < 7)
            .then(|| self.rng.usize(..self.customers.len()));
        let guest_name;
        let (customer_id, contact_name, contact_phone, contact_email) = match shopper {
            Some(c) => {
                let s = &self.customers[c];
                (
                    Some(s.id.as_str()),
                    s.name.as_str(),
                    Some(s.phone.as_str()),
                    Some(s.email.as_str()),
                )
            }
            None => {
                guest_name = format!(
                    "{} {}",
                    GIVEN[self.rng.usize(..GIVEN.len())],
                    FAMILY[self.rng.usize(..FAMILY.len())]
                );
                (None, guest_name.as_str(), None, None)
            }
        };
        let outlet = (!self.outlets.is_empty() && self.rng.bool())
            .then(|| self.outlets[self.rng.usize(..self.outlets.len())].clone());
        let stamp = |column: &str| stamps.get(column).map_or(V::Null, |t| V::At(ts(*t)));
        sink.row(
            Table::Orders,
            &[
                V::T(&order_id),
                V::T(&self.tenant),
                V::T(&number.to_string()),
                V::T(order_type.as_str()),
                V::T(final_status.as_str()),
                V::T(&self.currency),
                V::I(subtotal),
                V::I(shipping),
                V::I(0),
                V::I(discount),
                V::I(total),
                payment_status.map_or(V::Null, V::T),
                tracking.as_deref().map_or(V::Null, V::T),
                customer_id.map_or(V::Null, V::T),
                contact_email.map_or(V::Null, V::T),
                outlet.as_deref().map_or(V::Null, V::T),
                V::T(contact_name),
                contact_phone.map_or(V::Null, V::T),
                contact_email.map_or(V::Null, V::T),
                if order_type == OrderType::Delivery {
                    V::T("standard")
                } else {
                    V::Null
                },
                if order_type == OrderType::Delivery {
                    V::T("12 Jalan Bukit Bintang, 55100 Kuala Lumpur")
                } else {
                    V::Null
                },
                if paid_at.is_some() {
                    V::T(method)
                } else {
                    V::Null
                },
                V::Null,
                V::Null,
                V::Null,
                V::At(ts(created)),
                V::At(ts(updated)),
                stamp("confirmed_at"),
                stamp("paid_at"),
                stamp("processing_at"),
                stamp("shipped_at"),
                stamp("delivered_at"),
                stamp("completed_at"),
                stamp("cancelled_at"),
                stamp("refunded_at"),
                V::Null,
                V::Null,
                V::I(0),
                // Placed by staff: channel, shop methods, return URLs, locale; no guest secret.
                V::T("merchant"),
                V::Null,
                V::Null,
                V::Null,
                V::Null,
                V::Null,
                V::Null,
                // Nothing refunded after completion.
                V::I(0),
            ],
        );
        self.report.orders += 1;
    }

    fn payment(
        &mut self,
        sink: &mut Sink,
        order_id: &str,
        method: &str,
        amount: i64,
        status: &str,
        at: DateTime<Utc>,
    ) {
        let id = kedai_core::new_uuid_v7().to_string();
        sink.row(
            Table::Payments,
            &[
                V::T(&id),
                V::T(&self.tenant),
                V::T(order_id),
                V::T(method),
                V::I(amount),
                V::T(&self.currency),
                V::T(status),
                V::Null,
                V::At(ts(at)),
            ],
        );
        self.report.payments += 1;
    }
}
