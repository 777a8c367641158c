//! Database inspection behind the server's back: the fingerprint of every table, the ledger
//! balance of each lot, outbox events, lots, and raw SQL to break things on purpose.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use kedai_persistence::DbStore;
use serde_json::Value;

use super::TestApp;

impl TestApp {
    /// The server's own store on the test database, to run use cases and read tables directly.
    #[must_use]
    pub fn db_store(&self) -> DbStore {
        self.store.clone()
    }

    pub(super) fn with_conn<T>(
        &self,
        f: impl FnOnce(&mut kedai_persistence::DbConnection) -> T,
    ) -> T {
        let mut conn = self.store.pool().get().unwrap_or_else(|e| panic!("{e}"));
        f(&mut conn)
    }

    /// Everything stored, as text: row counts of every table, every lot's quantities, every
    /// order's status and every product. Equal fingerprints mean nothing changed.
    #[must_use]
    pub fn fingerprint(&self) -> String {
        #[derive(QueryableByName)]
        struct Line {
            #[diesel(sql_type = Text)]
            line: String,
        }
        let queries = [
            "SELECT 'tenants ' || COUNT(*) AS line FROM tenants",
            "SELECT 'movements ' || COUNT(*) AS line FROM stock_movements",
            "SELECT 'allocations ' || COUNT(*) AS line FROM stock_allocations",
            "SELECT 'open allocations ' || COUNT(*) AS line FROM stock_allocations WHERE released_at IS NULL",
            "SELECT 'items ' || COUNT(*) AS line FROM order_items",
            "SELECT 'payments ' || COUNT(*) AS line FROM payments",
            "SELECT 'history ' || COUNT(*) AS line FROM order_status_history",
            "SELECT 'outbox ' || COUNT(*) AS line FROM outbox_events",
            "SELECT 'counters ' || COALESCE(CAST(SUM(last_value) AS TEXT), '0') AS line FROM order_counters",
            "SELECT 'lot ' || id || ' ' || quantity || ' ' || remaining AS line FROM inventory_lots ORDER BY id",
            "SELECT 'order ' || id || ' ' || status || ' ' || COALESCE(payment_status, '-') || ' ' || total_amount_minor || ' ' || \
             COALESCE(coupon_code, '-') || ' ' || CAST(updated_at AS TEXT) AS line FROM orders ORDER BY id",
            "SELECT 'staff outlets ' || COUNT(*) AS line FROM staff_outlets",
            "SELECT 'outlet ' || id || ' ' || code || ' ' || status || ' ' || CAST(updated_at AS TEXT) AS line FROM outlets ORDER BY id",
            "SELECT 'customer ' || id || ' ' || CAST(updated_at AS TEXT) AS line FROM customers ORDER BY id",
            "SELECT 'points ' || COUNT(*) AS line FROM points_ledger",
            "SELECT 'points balance ' || customer_id || ' ' || balance || ' ' || \
             COALESCE(CAST(next_expiry_at AS TEXT), '-') AS line FROM points_balances ORDER BY customer_id",
            "SELECT 'points rule ' || tenant_id || ' ' || CAST(updated_at AS TEXT) AS line FROM points_rules ORDER BY tenant_id",
            "SELECT 'tier changes ' || COUNT(*) AS line FROM tier_changes",
            "SELECT 'refunds ' || COUNT(*) AS line FROM order_refunds",
            "SELECT 'gift offer ' || id || ' ' || redeemed_count || ' ' || status || ' ' || CAST(updated_at AS TEXT) AS line FROM gift_offers ORDER BY id",
            "SELECT 'gift redemption ' || id || ' ' || status AS line FROM gift_redemptions ORDER BY id",
            "SELECT 'campaign prize ' || campaign_id || ' ' || position || ' ' || won AS line FROM campaign_prizes ORDER BY campaign_id, position",
            "SELECT 'campaign play ' || id || ' ' || COALESCE(CAST(claimed_at AS TEXT), '-') AS line FROM campaign_plays ORDER BY id",
            "SELECT 'campaign plays ' || campaign_id || ' ' || customer_id || ' ' || plays AS line FROM campaign_play_counts ORDER BY campaign_id, customer_id",
            "SELECT 'gift member count ' || offer_id || ' ' || customer_id || ' ' || taken AS line FROM gift_member_counts ORDER BY offer_id, customer_id",
            "SELECT 'coupon ' || id || ' ' || used_count || ' ' || status AS line FROM coupons ORDER BY id",
            "SELECT 'redemptions ' || COUNT(*) AS line FROM coupon_redemptions",
            "SELECT 'intent ' || id || ' ' || status AS line FROM payment_intents ORDER BY id",
            "SELECT 'product ' || id || ' ' || name || ' ' || COALESCE(sku, '-') || ' ' || price_minor || ' ' || status || ' ' || \
             CASE WHEN deleted_at IS NULL THEN 'live' ELSE 'archived' END AS line FROM products ORDER BY id",
            "SELECT 'domain ' || hostname || ' ' || tenant_id AS line FROM storefront_domains ORDER BY hostname",
            "SELECT 'settings ' || tenant_id || ' ' || CAST(updated_at AS TEXT) AS line FROM portal_settings ORDER BY tenant_id",
            "SELECT 'otp ' || id || ' ' || attempts || ' ' || COALESCE(CAST(consumed_at AS TEXT), '-') AS line FROM otp_challenges ORDER BY id",
            "SELECT 'otp to ' || recipient || ' ' || CAST(last_sent_at AS TEXT) AS line FROM otp_recipients ORDER BY tenant_id, recipient",
            "SELECT 'session ' || id || ' ' || COALESCE(CAST(revoked_at AS TEXT), '-') AS line FROM customer_session_families ORDER BY id",
            "SELECT 'refresh ' || id || ' ' || COALESCE(CAST(used_at AS TEXT), '-') AS line FROM customer_refresh_tokens ORDER BY id",
            "SELECT 'messages ' || COUNT(*) AS line FROM notifications",
            "SELECT 'webhook ' || id || ' ' || url || ' ' || events || ' ' || \
             CASE WHEN active THEN 'on' ELSE 'off' END || ' ' || secret || ' ' || CAST(updated_at AS TEXT) AS line \
             FROM webhook_endpoints ORDER BY id",
            "SELECT 'deliveries ' || COUNT(*) AS line FROM webhook_deliveries",
            "SELECT 'jobs ' || COUNT(*) AS line FROM jobs",
            "SELECT 'member ' || id || ' ' || COALESCE(CAST(member_no AS TEXT), '-') AS line FROM customers ORDER BY id",
        ];
        self.with_conn(|conn| {
            let mut out = Vec::new();
            for q in queries {
                let lines: Vec<Line> = diesel::sql_query(q)
                    .load(conn)
                    .unwrap_or_else(|e| panic!("{q}: {e}"));
                out.extend(lines.into_iter().map(|l| l.line));
            }
            out.join("\n")
        })
    }

    /// Per lot: (remaining, Σ of its ledger movements). Equal when the ledger explains the lot.
    #[must_use]
    pub fn ledger_balance(&self) -> Vec<(String, i64, i64)> {
        #[derive(QueryableByName)]
        struct Row {
            #[diesel(sql_type = Text)]
            id: String,
            #[diesel(sql_type = BigInt)]
            remaining: i64,
            #[diesel(sql_type = BigInt)]
            ledger: i64,
        }
        self.with_conn(|conn| {
            diesel::sql_query(
                "SELECT l.id AS id, l.remaining AS remaining, \
                 CAST(COALESCE((SELECT SUM(m.quantity) FROM stock_movements m WHERE m.lot_id = l.id), 0) AS BIGINT) AS ledger \
                 FROM inventory_lots l ORDER BY l.id",
            )
            .load::<Row>(conn)
            .unwrap_or_else(|e| panic!("{e}"))
            .into_iter()
            .map(|r| (r.id, r.remaining, r.ledger))
            .collect()
        })
    }

    /// Runs raw SQL behind the server's back (to break things on purpose).
    pub fn sabotage(&self, sql: &str) {
        self.with_conn(|conn| {
            conn.batch_execute(sql)
                .unwrap_or_else(|e| panic!("{sql}: {e}"))
        });
    }

    /// Event types in the outbox for one aggregate, oldest first.
    #[must_use]
    pub fn outbox(&self, aggregate: &str) -> Vec<String> {
        #[derive(QueryableByName)]
        struct Row {
            #[diesel(sql_type = Text)]
            event_type: String,
        }
        self.with_conn(|conn| {
            diesel::sql_query("SELECT event_type FROM outbox_events WHERE aggregate_id = $1 ORDER BY created_at, id")
                .bind::<Text, _>(aggregate)
                .load::<Row>(conn)
                .unwrap_or_else(|e| panic!("{e}"))
                .into_iter()
                .map(|r| r.event_type)
                .collect()
        })
    }

    /// The payload of the first outbox event of `event_type` about `aggregate`.
    #[must_use]
    pub fn outbox_payload(&self, aggregate: &str, event_type: &str) -> Option<Value> {
        #[derive(QueryableByName)]
        struct Row {
            #[diesel(sql_type = Text)]
            payload: String,
        }
        self.with_conn(|conn| {
            diesel::sql_query(
                "SELECT payload FROM outbox_events WHERE aggregate_id = $1 AND event_type = $2 \
                 ORDER BY created_at, id",
            )
            .bind::<Text, _>(aggregate)
            .bind::<Text, _>(event_type)
            .load::<Row>(conn)
            .unwrap_or_else(|e| panic!("{e}"))
            .into_iter()
            .next()
            .map(|r| serde_json::from_str(&r.payload).unwrap_or_else(|e| panic!("{e}")))
        })
    }

    /// Remaining quantity of each lot of a product, oldest receipt first.
    #[must_use]
    pub fn lots(&self, product: i64) -> Vec<(String, i64)> {
        #[derive(QueryableByName)]
        struct Row {
            #[diesel(sql_type = Text)]
            id: String,
            #[diesel(sql_type = BigInt)]
            remaining: i64,
        }
        self.with_conn(|conn| {
            diesel::sql_query("SELECT id, remaining FROM inventory_lots WHERE product_id = $1 ORDER BY received_at, created_at, id")
                .bind::<BigInt, _>(product)
                .load::<Row>(conn)
                .unwrap_or_else(|e| panic!("{e}"))
                .into_iter()
                .map(|r| (r.id, r.remaining))
                .collect()
        })
    }
}
