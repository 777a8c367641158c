//! What must hold after any fault, read from the database directly: every order answered 201
//! exists whole (items, allocations, ledger rows, status history); nothing is half-written or
//! numbered twice; every lot's ledger explains its remaining quantity.

use std::collections::{BTreeMap, BTreeSet};

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use kedai_persistence::{DatabaseUrl, DbConnection, PoolOptions, connect_pool};

use crate::load::{Op, Sample};

#[derive(QueryableByName)]
struct OrderRow {
    #[diesel(sql_type = Text)]
    id: String,
    #[diesel(sql_type = Text)]
    order_number: String,
    #[diesel(sql_type = Text)]
    status: String,
}

#[derive(QueryableByName)]
struct PerOrderProduct {
    #[diesel(sql_type = Text)]
    order_id: String,
    #[diesel(sql_type = BigInt)]
    product_id: i64,
    #[diesel(sql_type = BigInt)]
    total: i64,
    #[diesel(sql_type = BigInt)]
    open: i64,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = Text)]
    key: String,
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[derive(QueryableByName, Debug)]
struct LotRow {
    #[diesel(sql_type = Text)]
    id: String,
    #[diesel(sql_type = BigInt)]
    quantity: i64,
    #[diesel(sql_type = BigInt)]
    remaining: i64,
    #[diesel(sql_type = BigInt)]
    received: i64,
    #[diesel(sql_type = BigInt)]
    allocated: i64,
    #[diesel(sql_type = BigInt)]
    released: i64,
    #[diesel(sql_type = BigInt)]
    adjusted: i64,
    #[diesel(sql_type = BigInt)]
    held: i64,
    #[diesel(sql_type = BigInt)]
    given_back: i64,
}

/// What the database holds, summed up for the report.
#[derive(Debug)]
pub struct Verified {
    /// Orders in the database.
    pub orders: usize,
    /// Orders answered 201 (all found).
    pub answered: usize,
    /// Orders that exist though their request got no 201 (cut off by the fault; complete).
    pub unanswered: usize,
    /// Cancelled orders.
    pub cancelled: usize,
    /// Lots checked.
    pub lots: usize,
}

macro_rules! rows {
    ($conn:expr, $t:ty, $sql:expr $(,)?) => {
        diesel::sql_query($sql)
            .load::<$t>($conn)
            .unwrap_or_else(|e| panic!("{}: {e}", $sql))
    };
}

/// Checks every invariant against the database at `url`, given the load's samples. Panics with
/// the first broken one.
pub fn verify(url: &str, samples: &[Sample]) -> Verified {
    let pool = connect_pool(
        &DatabaseUrl::parse(url).unwrap_or_else(|e| panic!("{e}")),
        PoolOptions {
            max_size: 1,
            ..PoolOptions::default()
        },
    )
    .unwrap_or_else(|e| panic!("open {url}: {e}"));
    let mut conn = pool.get().unwrap_or_else(|e| panic!("{e}"));
    verify_on(&mut conn, samples)
}

/// As [`verify`], on an open connection.
pub fn verify_on(conn: &mut DbConnection, samples: &[Sample]) -> Verified {
    // Orders and their numbers: none numbered twice.
    let orders: Vec<OrderRow> = rows!(
        conn,
        OrderRow,
        "SELECT id, order_number, status FROM orders"
    );
    let by_id: BTreeMap<&str, &OrderRow> = orders.iter().map(|o| (o.id.as_str(), o)).collect();
    let numbers: BTreeSet<&str> = orders.iter().map(|o| o.order_number.as_str()).collect();
    assert_eq!(numbers.len(), orders.len(), "an order number is used twice");

    // No request made two orders (the load names each request in the order's notes).
    let twice: Vec<Count> = rows!(
        conn,
        Count,
        "SELECT notes AS key, COUNT(*) AS n FROM orders WHERE notes IS NOT NULL \
         GROUP BY notes HAVING COUNT(*) > 1",
    );
    assert!(
        twice.is_empty(),
        "one request made several orders: {:?}",
        twice.iter().map(|c| (&c.key, c.n)).collect::<Vec<_>>()
    );

    // Every 201 is there, under the number it was given, with the items it was answered with.
    let items: Vec<PerOrderProduct> = rows!(
        conn,
        PerOrderProduct,
        "SELECT order_id, product_id, CAST(SUM(quantity) AS BIGINT) AS total, \
         CAST(0 AS BIGINT) AS open FROM order_items GROUP BY order_id, product_id",
    );
    let mut items_of: BTreeMap<&str, BTreeMap<i64, i64>> = BTreeMap::new();
    for i in &items {
        items_of
            .entry(i.order_id.as_str())
            .or_default()
            .insert(i.product_id, i.total);
    }
    let answered: Vec<_> = samples.iter().filter_map(|s| s.placed.as_ref()).collect();
    let mut answered_ids = BTreeSet::new();
    for p in &answered {
        assert!(
            answered_ids.insert(p.id.as_str()),
            "order {} answered 201 twice",
            p.id
        );
        let row = by_id.get(p.id.as_str()).unwrap_or_else(|| {
            panic!("order {} ({}) was answered 201 but is lost", p.id, p.number)
        });
        assert_eq!(
            row.order_number, p.number,
            "order {} changed its number",
            p.id
        );
        assert_eq!(
            items_of.get(p.id.as_str()),
            Some(&p.items),
            "order {} does not hold the items it was answered with",
            p.id
        );
    }
    // A cancel answered 200 is durable.
    for s in samples
        .iter()
        .filter(|s| s.op == Op::Cancel && s.status() == Some(200))
    {
        let id = s.target.as_deref().unwrap_or_default();
        let row = by_id
            .get(id)
            .unwrap_or_else(|| panic!("cancelled order {id} is lost"));
        assert_eq!(row.status, "cancelled", "order {id} was answered cancelled");
    }

    // No order half-written: each has items, its stock held (or all given back when
    // cancelled), a ledger row per allocation and a status history.
    let allocations: Vec<PerOrderProduct> = rows!(
        conn,
        PerOrderProduct,
        "SELECT reference AS order_id, product_id, CAST(SUM(quantity) AS BIGINT) AS total, \
         CAST(SUM(CASE WHEN released_at IS NULL THEN quantity ELSE 0 END) AS BIGINT) AS open \
         FROM stock_allocations WHERE source = 'order' GROUP BY reference, product_id",
    );
    let mut alloc_of: BTreeMap<&str, BTreeMap<i64, (i64, i64)>> = BTreeMap::new();
    for a in &allocations {
        assert!(
            by_id.contains_key(a.order_id.as_str()),
            "stock allocated to order {} which does not exist (half-written)",
            a.order_id
        );
        alloc_of
            .entry(a.order_id.as_str())
            .or_default()
            .insert(a.product_id, (a.total, a.open));
    }
    let moves: Vec<PerOrderProduct> = rows!(
        conn,
        PerOrderProduct,
        "SELECT reference AS order_id, product_id, \
         CAST(SUM(CASE WHEN kind = 'allocate' THEN -quantity ELSE 0 END) AS BIGINT) AS total, \
         CAST(SUM(CASE WHEN kind = 'release' THEN quantity ELSE 0 END) AS BIGINT) AS open \
         FROM stock_movements WHERE reference IS NOT NULL AND kind IN ('allocate', 'release') \
         GROUP BY reference, product_id",
    );
    let mut moves_of: BTreeMap<&str, BTreeMap<i64, (i64, i64)>> = BTreeMap::new();
    for m in &moves {
        assert!(
            by_id.contains_key(m.order_id.as_str()),
            "ledger rows for order {} which does not exist (half-written)",
            m.order_id
        );
        moves_of
            .entry(m.order_id.as_str())
            .or_default()
            .insert(m.product_id, (m.total, m.open));
    }
    let history: Vec<Count> = rows!(
        conn,
        Count,
        "SELECT order_id AS key, COUNT(*) AS n FROM order_status_history GROUP BY order_id",
    );
    let history: BTreeMap<&str, i64> = history.iter().map(|c| (c.key.as_str(), c.n)).collect();
    for c in &history {
        assert!(
            by_id.contains_key(c.0),
            "status history of a missing order {}",
            c.0
        );
    }
    let mut cancelled = 0;
    for o in &orders {
        let id = o.id.as_str();
        let items = items_of
            .get(id)
            .unwrap_or_else(|| panic!("order {id} has no items (half-written)"));
        let allocs = alloc_of
            .get(id)
            .unwrap_or_else(|| panic!("order {id} has no stock allocations (half-written)"));
        let ledger = moves_of
            .get(id)
            .unwrap_or_else(|| panic!("order {id} has no ledger rows (half-written)"));
        let is_cancelled = o.status == "cancelled";
        cancelled += usize::from(is_cancelled);
        assert_eq!(
            allocs.keys().collect::<Vec<_>>(),
            items.keys().collect::<Vec<_>>(),
            "order {id}: allocations and items name different products"
        );
        for (product, qty) in items {
            let (total, open) = allocs[product];
            assert_eq!(
                total, *qty,
                "order {id} product {product}: allocated {total} for {qty}"
            );
            let want_open = if is_cancelled { 0 } else { *qty };
            assert_eq!(
                open, want_open,
                "order {id} ({}) product {product}: {open} still held",
                o.status
            );
            let (alloc_moved, released_moved) = ledger.get(product).copied().unwrap_or_default();
            assert_eq!(
                alloc_moved, total,
                "order {id} product {product}: ledger allocates {alloc_moved}, allocations {total}"
            );
            assert_eq!(
                released_moved,
                total - open,
                "order {id} product {product}: ledger releases {released_moved}, allocations released {}",
                total - open
            );
        }
        let h = history.get(id).copied().unwrap_or(0);
        let want = if is_cancelled { 2 } else { 1 };
        assert!(
            h >= want,
            "order {id} ({}) has {h} status-history rows",
            o.status
        );
    }

    // Order numbers are never reused: the counter is at least the highest number given.
    // On PostgreSQL each merchant's year numbers from a sequence; its counter is what the
    // sequence and the counter row say together.
    let counters: Vec<Count> = if matches!(conn, DbConnection::Pg(_)) {
        rows!(
            conn,
            Count,
            "SELECT CAST(y AS TEXT) AS key, kedai_order_counter(t, y) AS n FROM \
             (SELECT DISTINCT tenant_id AS t, CAST(substr(order_number, 5, 4) AS INTEGER) AS y \
              FROM orders) numbered",
        )
    } else {
        rows!(
            conn,
            Count,
            "SELECT CAST(year AS TEXT) AS key, last_value AS n FROM order_counters",
        )
    };
    let counters: BTreeMap<String, i64> = counters.into_iter().map(|c| (c.key, c.n)).collect();
    for n in &numbers {
        let mut parts = n.split('-').skip(1);
        let year = parts.next().unwrap_or_default();
        let seq: i64 = parts
            .next()
            .and_then(|s| s.parse().ok())
            .unwrap_or(i64::MAX);
        assert!(
            counters.get(year).is_some_and(|last| *last >= seq),
            "order {n} is beyond its counter {counters:?}"
        );
    }

    // Per lot: received − allocated + released ± adjustments = remaining, never negative, and
    // the allocation rows agree with the ledger.
    let lots: Vec<LotRow> = rows!(
        conn,
        LotRow,
        "SELECT l.id AS id, l.quantity AS quantity, l.remaining AS remaining, \
         CAST(COALESCE((SELECT SUM(m.quantity) FROM stock_movements m WHERE m.lot_id = l.id AND m.kind = 'in'), 0) AS BIGINT) AS received, \
         CAST(COALESCE((SELECT -SUM(m.quantity) FROM stock_movements m WHERE m.lot_id = l.id AND m.kind = 'allocate'), 0) AS BIGINT) AS allocated, \
         CAST(COALESCE((SELECT SUM(m.quantity) FROM stock_movements m WHERE m.lot_id = l.id AND m.kind = 'release'), 0) AS BIGINT) AS released, \
         CAST(COALESCE((SELECT SUM(m.quantity) FROM stock_movements m WHERE m.lot_id = l.id AND m.kind = 'adjust'), 0) AS BIGINT) AS adjusted, \
         CAST(COALESCE((SELECT SUM(a.quantity) FROM stock_allocations a WHERE a.lot_id = l.id), 0) AS BIGINT) AS held, \
         CAST(COALESCE((SELECT SUM(a.quantity) FROM stock_allocations a WHERE a.lot_id = l.id AND a.released_at IS NOT NULL), 0) AS BIGINT) AS given_back \
         FROM inventory_lots l ORDER BY l.id",
    );
    assert!(!lots.is_empty(), "no lots");
    for l in &lots {
        assert_eq!(
            l.received, l.quantity,
            "lot {}: received {} but holds {}",
            l.id, l.received, l.quantity
        );
        assert_eq!(
            l.received - l.allocated + l.released + l.adjusted,
            l.remaining,
            "lot ledger does not balance: {l:?}"
        );
        assert!(l.remaining >= 0, "lot driven negative: {l:?}");
        assert_eq!(
            l.allocated, l.held,
            "lot allocations disagree with the ledger: {l:?}"
        );
        assert_eq!(
            l.released, l.given_back,
            "lot releases disagree with the ledger: {l:?}"
        );
    }

    Verified {
        orders: orders.len(),
        answered: answered.len(),
        unanswered: orders.len() - answered.len(),
        cancelled,
        lots: lots.len(),
    }
}

/// The checks can fail: each kind of damage a fault could do, made by hand inside a
/// transaction that is rolled back, is caught.
mod sqlite {
    use std::panic::{AssertUnwindSafe, catch_unwind};
    use std::time::Duration;

    use diesel::connection::SimpleConnection;
    use kedai_persistence::{DatabaseUrl, PoolOptions, connect_pool};

    use super::verify_on;
    use crate::cluster::{Db, TempDir};
    use crate::load::{Load, Placed, Plan};
    use crate::server::Server;

    #[test]
    #[ignore = "run by make faults"]
    fn the_checks_catch_lost_half_written_and_unbalanced_data() {
        let db = Db::start(false);
        let state = TempDir::new("kedai-faults-state");
        let mut server = Server::start(&db.url(), &state);
        let token = server.demo_token();
        let products = server.products(&token);
        server.stock_up(&token, &products[..3], 5, 20);
        let plan = Plan {
            threads: 2,
            pace: None,
            cancel_every: 2,
            read_back: false,
            retry_unavailable: false,
        };
        let load = Load::start(&server.base, &token, &products, plan);
        std::thread::sleep(Duration::from_secs(1));
        let mut samples = load.stop();
        server.kill9();
        let order = samples
            .iter()
            .find_map(|s| s.placed.clone())
            .unwrap_or_else(|| panic!("no order placed"));
        let url = DatabaseUrl::parse(&db.url()).unwrap_or_else(|e| panic!("{e}"));
        let pool = connect_pool(&url, PoolOptions::default()).unwrap_or_else(|e| panic!("{e}"));
        let mut conn = pool.get().unwrap_or_else(|e| panic!("{e}"));
        let v = verify_on(&mut conn, &samples);
        assert!(v.answered > 0 && v.cancelled > 0, "{v:?}");

        let id = &order.id;
        let damage = [
            (format!("DELETE FROM order_status_history WHERE order_id = '{id}'"), "status-history"),
            (format!("DELETE FROM order_items WHERE order_id = '{id}'"), "items"),
            (
                format!("DELETE FROM stock_movements WHERE reference = '{id}' AND kind = 'allocate'"),
                "ledger",
            ),
            (
                format!("UPDATE stock_allocations SET released_at = created_at WHERE reference = '{id}'"),
                "still held",
            ),
            (
                "UPDATE inventory_lots SET remaining = remaining + 1 WHERE id = (SELECT MIN(id) FROM inventory_lots)".to_owned(),
                "does not balance",
            ),
        ];
        // The checks' own panics are expected here: keep them out of the output while they
        // are caught, and judge afterwards with the usual hook back in place.
        let hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        let mut outcomes = Vec::new();
        for (sql, expected) in damage {
            conn.batch_execute(&format!("BEGIN; {sql};"))
                .unwrap_or_else(|e| panic!("{sql}: {e}"));
            let caught = catch_unwind(AssertUnwindSafe(|| verify_on(&mut conn, &samples)));
            conn.batch_execute("ROLLBACK")
                .unwrap_or_else(|e| panic!("{e}"));
            let message = caught.err().and_then(|p| p.downcast::<String>().ok());
            outcomes.push((sql, expected, message));
        }
        // An order answered 201 that the database does not hold is lost.
        samples[0].placed = Some(Placed {
            id: "0193aaaa-0000-7000-8000-000000000000".into(),
            ..order
        });
        let caught = catch_unwind(AssertUnwindSafe(|| verify_on(&mut conn, &samples)));
        outcomes.push((
            "a 201 the database does not hold".to_owned(),
            "is lost",
            caught.err().and_then(|p| p.downcast::<String>().ok()),
        ));
        std::panic::set_hook(hook);
        for (what, expected, message) in outcomes {
            let message = message.unwrap_or_else(|| panic!("`{what}` went unnoticed"));
            assert!(message.contains(expected), "`{what}`: {message}");
        }
        // And undamaged, everything holds again.
        samples[0].placed = None;
        verify_on(&mut conn, &samples);
    }
}
