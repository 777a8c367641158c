//! Stock: lots received when a product runs dry, the ledger rows of every change, and the lots
//! whose remaining quantity a chunk must bring up to date.

use chrono::{DateTime, Utc};

use super::generator::{Generator, LotState};
use super::sink::Sink;
use super::table::{Table, V, ts};

impl Generator {
    pub(super) fn take_dirty_lots(&mut self) -> Vec<(String, i64)> {
        let mut out = Vec::new();
        for item in &mut self.catalogue {
            for lot in &mut item.lots {
                if lot.dirty {
                    lot.dirty = false;
                    out.push((lot.id.clone(), lot.remaining));
                }
            }
        }
        out
    }

    /// The index of the product's oldest lot with stock, receiving a new lot (dated before
    /// `at`, after the product's previous lot) when every lot is empty.
    pub(super) fn open_lot(
        &mut self,
        sink: &mut Sink,
        p: usize,
        at: DateTime<Utc>,
        need: i64,
    ) -> usize {
        let quantity = need.max(40 + self.rng.i64(0..160));
        let back = chrono::Duration::minutes(self.rng.i64(1..=72 * 60));
        let item = &mut self.catalogue[p];
        while item.first_open < item.lots.len() && item.lots[item.first_open].remaining == 0 {
            item.first_open += 1;
        }
        if item.first_open < item.lots.len() {
            return item.first_open;
        }
        let earliest = item
            .lots
            .last()
            .map_or(at - chrono::Duration::days(1), |l| l.received_at);
        let received_at = (at - back).max(earliest);
        let lot = LotState {
            id: kedai_core::new_uuid_v7().to_string(),
            received_at,
            remaining: quantity,
            dirty: false,
        };
        let product_id = item.id;
        sink.row(
            Table::Lots,
            &[
                V::T(&lot.id),
                V::T(&self.tenant),
                V::I(product_id),
                V::I(quantity),
                V::I(quantity),
                V::T("purchase_order"),
                V::T("bulk load"),
                V::At(ts(received_at)),
                V::At(ts(received_at)),
                V::Null,
            ],
        );
        let lot_id = lot.id.clone();
        item.lots.push(lot);
        let index = item.lots.len() - 1;
        self.report.lots += 1;
        self.movement(
            sink,
            product_id,
            &lot_id,
            "in",
            quantity,
            Some("purchase_order"),
            None,
            received_at,
        );
        index
    }

    #[expect(clippy::too_many_arguments, reason = "one ledger row's columns")]
    pub(super) fn movement(
        &mut self,
        sink: &mut Sink,
        product_id: i64,
        lot_id: &str,
        kind: &str,
        quantity: i64,
        source: Option<&str>,
        reference: Option<&str>,
        at: DateTime<Utc>,
    ) {
        let id = kedai_core::new_uuid_v7().to_string();
        sink.row(
            Table::Movements,
            &[
                V::T(&id),
                V::T(&self.tenant),
                V::I(product_id),
                V::T(lot_id),
                V::T(kind),
                V::I(quantity),
                source.map_or(V::Null, V::T),
                source.map_or(V::Null, V::T),
                reference.map_or(V::Null, V::T),
                V::Null,
                V::Null,
                V::At(ts(at)),
            ],
        );
        self.report.movements += 1;
    }
}
