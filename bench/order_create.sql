-- pgbench: the database work of one POST /v1/orders (3 products, 2 units each), statement for
-- statement as Kedai issues it on PostgreSQL (the transcript; see bench/order_ideal.sql for the
-- least SQL that does the same work): the session check, then one transaction that reads the
-- tenant and the products, and for each product in id order (crates/app/src/inventory.rs,
-- allocate_fifo) reads the oldest open lots it needs, takes stock lot by lot with the same
-- guarded UPDATE and an allocation row per lot taken, then writes the product's ledger rows in
-- one INSERT; then the order number (`kedai_next_order_number`, a sequence per merchant and
-- year), the order, its items in one INSERT, its first status-history row and its outbox event.
--
-- A lot a concurrent order emptied after it was read fails the guarded UPDATE once that order
-- commits; Kedai then reads the product's lots again in the same transaction and plans the rest
-- (at most 8 reads), and past that retries the whole transaction. pgbench has no loops, so each
-- product's block below is that loop unrolled 8 times; the last resort raises a serialization
-- failure, which pgbench (run with --max-tries) retries like Kedai's unit of work. Kedai learns
-- whether the UPDATE took the lot from its row count; here the UPDATE returns it, with the lot
-- ids taken so far (x1, x2) carried along for the ledger INSERT, in the same round trip.
-- Variables from the command line: tenant, staff, sid, first (first product id), count.
\set a random(0, :count - 1)
\set b (:a + random(1, 16)) % :count
\set c (:a + random(17, 33)) % :count
\set p1 :first + least(:a, :b, :c)
\set p3 :first + greatest(:a, :b, :c)
\set p2 :first + :a + :b + :c - least(:a, :b, :c) - greatest(:a, :b, :c)
\set oid random(1, 9000000000000000000)
SELECT s.id, s.tenant_id, s.staff_id, st.role, st.active FROM staff_sessions s JOIN staff st ON st.id = s.staff_id AND st.tenant_id = s.tenant_id WHERE s.id = :sid AND s.tenant_id = :tenant AND s.staff_id = :staff AND s.revoked_at IS NULL AND s.expires_at > now()::timestamp LIMIT 1;
BEGIN;
SELECT id, name, currency, time_zone, public_order_summary, created_at, business_type, email, phone, status, updated_at FROM tenants WHERE id = :tenant LIMIT 1;
SELECT id, tenant_id, name, sku, category, description, price_minor, currency, status, outlet_ids, created_at, updated_at, deleted_at, slug, short_name, parent_id, product_type, is_featured, discount_price_minor, member_price_minor, seo_title, seo_description, shipping_weight, brand_id, track_inventory, low_stock_threshold FROM products WHERE tenant_id = :tenant AND id IN (:p1, :p2, :p3) AND deleted_at IS NULL;
-- product 1
\set need 2
\set moves 0
SELECT (array_agg(id ORDER BY received_at, created_at, id))[1] AS lot_a, (array_agg(remaining ORDER BY received_at, created_at, id))[1] AS rem_a, (array_agg(id ORDER BY received_at, created_at, id))[2] AS lot_b, (array_agg(remaining ORDER BY received_at, created_at, id))[2] AS rem_b FROM (SELECT id, tenant_id, product_id, quantity, remaining, source, note, received_at, created_at, created_by FROM inventory_lots WHERE tenant_id = :tenant AND product_id = :p1 AND inventory_lots.remaining > 0 ORDER BY received_at, created_at, id LIMIT :need) l \gset
\set take least(:rem_a, :need)
WITH u AS (UPDATE inventory_lots SET remaining = remaining + (0 - :take) WHERE tenant_id = :tenant AND id = :lot_a AND remaining + (0 - :take) >= 0 RETURNING id) SELECT count(*) AS ok, coalesce(min(id), '') AS x1, '' AS x2 FROM u \gset
\if :ok
\set moves :moves + 1
INSERT INTO stock_allocations (id, tenant_id, product_id, lot_id, quantity, source, reference, created_at) VALUES ('a1' || :moves || '-' || :oid, :tenant, :p1, :lot_a, :take, 'order', 'o-' || :oid, now()::timestamp);
\set q1 :take
\set need :need - :take
\if :need > 0
\set take least(:rem_b, :need)
WITH u AS (UPDATE inventory_lots SET remaining = remaining + (0 - :take) WHERE tenant_id = :tenant AND id = :lot_b AND remaining + (0 - :take) >= 0 RETURNING id) SELECT count(*) AS ok, CASE WHEN :moves = 0 THEN coalesce(min(id), '') ELSE :x1 END AS x1, CASE WHEN :moves = 1 THEN coalesce(min(id), '') ELSE :x2 END AS x2 FROM u \gset
\if :ok
\set moves :moves + 1
INSERT INTO stock_allocations (id, tenant_id, product_id, lot_id, quantity, source, reference, created_at) VALUES ('a1' || :moves || '-' || :oid, :tenant, :p1, :lot_b, :take, 'order', 'o-' || :oid, now()::timestamp);
\set q2 :take
\set need :need - :take
\endif
\endif
\endif
\if :need > 0
SELECT (array_agg(id ORDER BY received_at, created_at, id))[1] AS lot_a, (array_agg(remaining ORDER BY received_at, created_at, id))[1] AS rem_a, (array_agg(id ORDER BY received_at, created_at, id))[2] AS lot_b, (array_agg(remaining ORDER BY received_at, created_at, id))[2] AS rem_b FROM (SELECT id, tenant_id, product_id, quantity, remaining, source, note, received_at, created_at, created_by FROM inventory_lots WHERE tenant_id = :tenant AND product_id = :p1 AND inventory_lots.remaining > 0 ORDER BY received_at, created_at, id LIMIT :need) l \gset
\set take least(:rem_a, :need)
WITH u AS (UPDATE inventory_lots SET remaining = remaining + (0 - :take) WHERE tenant_id = :tenant AND id = :lot_a AND remaining + (0 - :take) >= 0 RETURNING id) SELECT count(*) AS ok, CASE WHEN :moves = 0 THEN coalesce(min(id), '') ELSE :x1 END AS x1, CASE WHEN :moves = 1 THEN coalesce(min(id), '') ELSE :x2 END AS x2 FROM u \gset
\if :ok
\set moves :moves + 1
INSERT INTO stock_allocations (id, tenant_id, product_id, lot_id, quantity, source, reference, created_at) VALUES ('a1' || :moves || '-' || :oid, :tenant, :p1, :lot_a, :take, 'order', 'o-' || :oid, now()::timestamp);
\if :moves = 1
\set q1 :take
\else
\set q2 :take
\endif
\set need :need - :take
\if :need > 0
\set take least(:rem_b, :need)
WITH u AS (UPDATE inventory_lots SET remaining = remaining + (0 - :take) WHERE tenant_id = :tenant AND id = :lot_b AND remaining + (0 - :take) >= 0 RETURNING id) SELECT count(*) AS ok, CASE WHEN :moves = 0 THEN coalesce(min(id), '') ELSE :x1 END AS x1, CASE WHEN :moves = 1 THEN coalesce(min(id), '') ELSE :x2 END AS x2 FROM u \gset
\if :ok
\set moves :moves + 1
INSERT INTO stock_allocations (id, tenant_id, product_id, lot_id, quantity, source, reference, created_at) VALUES ('a1' || :moves || '-' || :oid, :tenant, :p1, :lot_b, :take, 'order', 'o-' || :oid, now()::timestamp);
\set q2 :take
\set need :need - :take
\endif
\endif
\endif
\endif
\if :need > 0
SELECT (array_agg(id ORDER BY received_at, created_at, id))[1] AS lot_a, (array_agg(remaining ORDER BY received_at, created_at, id))[1] AS rem_a, (array_agg(id ORDER BY received_at, created_at, id))[2] AS lot_b, (array_agg(remaining ORDER BY received_at, created_at, id))[2] AS rem_b FROM (SELECT id, tenant_id, product_id, quantity, remaining, source, note, received_at, created_at, created_by FROM inventory_lots WHERE tenant_id = :tenant AND product_id = :p1 AND inventory_lots.remaining > 0 ORDER BY received_at, created_at, id LIMIT :need) l \gset
\set take least(:rem_a, :need)
WITH u AS (UPDATE inventory_lots SET remaining = remaining + (0 - :take) WHERE tenant_id = :tenant AND id = :lot_a AND remaining + (0 - :take) >= 0 RETURNING id) SELECT count(*) AS ok, CASE WHEN :moves = 0 THEN coalesce(min(id), '') ELSE :x1 END AS x1, CASE WHEN :moves = 1 THEN coalesce(min(id), '') ELSE :x2 END AS x2 FROM u \gset
\if :ok
\set moves :moves + 1
INSERT INTO stock_allocations (id, tenant_id, product_id, lot_id, quantity, source, reference, created_at) VALUES ('a1' || :moves || '-' || :oid, :tenant, :p1, :lot_a, :take, 'order', 'o-' || :oid, now()::timestamp);
\if :moves = 1
\set q1 :take
\else
\set q2 :take
\endif
\set need :need - :take
\if :need > 0
\set take least(:rem_b, :need)
WITH u AS (UPDATE inventory_lots SET remaining = remaining + (0 - :take) WHERE tenant_id = :tenant AND id = :lot_b AND remaining + (0 - :take) >= 0 RETURNING id) SELECT count(*) AS ok, CASE WHEN :moves = 0 THEN coalesce(min(id), '') ELSE :x1 END AS x1, CASE WHEN :moves = 1 THEN coalesce(min(id), '') ELSE :x2 END AS x2 FROM u \gset
\if :ok
\set moves :moves + 1
INSERT INTO stock_allocations (id, tenant_id, product_id, lot_id, quantity, source, reference, created_at) VALUES ('a1' || :moves || '-' || :oid, :tenant, :p1, :lot_b, :take, 'order', 'o-' || :oid, now()::timestamp);
\set q2 :take
\set need :need - :take
\endif
\endif
\endif
\endif
\if :need > 0
SELECT (array_agg(id ORDER BY received_at, created_at, id))[1] AS lot_a, (array_agg(remaining ORDER BY received_at, created_at, id))[1] AS rem_a, (array_agg(id ORDER BY received_at, created_at, id))[2] AS lot_b, (array_agg(remaining ORDER BY received_at, created_at, id))[2] AS rem_b FROM (SELECT id, tenant_id, product_id, quantity, remaining, source, note, received_at, created_at, created_by FROM inventory_lots WHERE tenant_id = :tenant AND product_id = :p1 AND inventory_lots.remaining > 0 ORDER BY received_at, created_at, id LIMIT :need) l \gset
\set take least(:rem_a, :need)
WITH u AS (UPDATE inventory_lots SET remaining = remaining + (0 - :take) WHERE tenant_id = :tenant AND id = :lot_a AND remaining + (0 - :take) >= 0 RETURNING id) SELECT count(*) AS ok, CASE WHEN :moves = 0 THEN coalesce(min(id), '') ELSE :x1 END AS x1, CASE WHEN :moves = 1 THEN coalesce(min(id), '') ELSE :x2 END AS x2 FROM u \gset
\if :ok
\set moves :moves + 1
INSERT INTO stock_allocations (id, tenant_id, product_id, lot_id, quantity, source, reference, created_at) VALUES ('a1' || :moves || '-' || :oid, :tenant, :p1, :lot_a, :take, 'order', 'o-' || :oid, now()::timestamp);
\if :moves = 1
\set q1 :take
\else
\set q2 :take
\endif
\set need :need - :take
\if :need > 0
\set take least(:rem_b, :need)
WITH u AS (UPDATE inventory_lots SET remaining = remaining + (0 - :take) WHERE tenant_id = :tenant AND id = :lot_b AND remaining + (0 - :take) >= 0 RETURNING id) SELECT count(*) AS ok, CASE WHEN :moves = 0 THEN coalesce(min(id), '') ELSE :x1 END AS x1, CASE WHEN :moves = 1 THEN coalesce(min(id), '') ELSE :x2 END AS x2 FROM u \gset
\if :ok
\set moves :moves + 1
INSERT INTO stock_allocations (id, tenant_id, product_id, lot_id, quantity, source, reference, created_at) VALUES ('a1' || :moves || '-' || :oid, :tenant, :p1, :lot_b, :take, 'order', 'o-' || :oid, now()::timestamp);
\set q2 :take
\set need :need - :take
\endif
\endif
\endif
\endif
\if :need > 0
SELECT (array_agg(id ORDER BY received_at, created_at, id))[1] AS lot_a, (array_agg(remaining ORDER BY received_at, created_at, id))[1] AS rem_a, (array_agg(id ORDER BY received_at, created_at, id))[2] AS lot_b, (array_agg(remaining ORDER BY received_at, created_at, id))[2] AS rem_b FROM (SELECT id, tenant_id, product_id, quantity, remaining, source, note, received_at, created_at, created_by FROM inventory_lots WHERE tenant_id = :tenant AND product_id = :p1 AND inventory_lots.remaining > 0 ORDER BY received_at, created_at, id LIMIT :need) l \gset
\set take least(:rem_a, :need)
WITH u AS (UPDATE inventory_lots SET remaining = remaining + (0 - :take) WHERE tenant_id = :tenant AND id = :lot_a AND remaining + (0 - :take) >= 0 RETURNING id) SELECT count(*) AS ok, CASE WHEN :moves = 0 THEN coalesce(min(id), '') ELSE :x1 END AS x1, CASE WHEN :moves = 1 THEN coalesce(min(id), '') ELSE :x2 END AS x2 FROM u \gset
\if :ok
\set moves :moves + 1
INSERT INTO stock_allocations (id, tenant_id, product_id, lot_id, quantity, source, reference, created_at) VALUES ('a1' || :moves || '-' || :oid, :tenant, :p1, :lot_a, :take, 'order', 'o-' || :oid, now()::timestamp);
\if :moves = 1
\set q1 :take
\else
\set q2 :take
\endif
\set need :need - :take
\if :need > 0
\set take least(:rem_b, :need)
WITH u AS (UPDATE inventory_lots SET remaining = remaining + (0 - :take) WHERE tenant_id = :tenant AND id = :lot_b AND remaining + (0 - :take) >= 0 RETURNING id) SELECT count(*) AS ok, CASE WHEN :moves = 0 THEN coalesce(min(id), '') ELSE :x1 END AS x1, CASE WHEN :moves = 1 THEN coalesce(min(id), '') ELSE :x2 END AS x2 FROM u \gset
\if :ok
\set moves :moves + 1
INSERT INTO stock_allocations (id, tenant_id, product_id, lot_id, quantity, source, reference, created_at) VALUES ('a1' || :moves || '-' || :oid, :tenant, :p1, :lot_b, :take, 'order', 'o-' || :oid, now()::timestamp);
\set q2 :take
\set need :need - :take
\endif
\endif
\endif
\endif
\if :need > 0
SELECT (array_agg(id ORDER BY received_at, created_at, id))[1] AS lot_a, (array_agg(remaining ORDER BY received_at, created_at, id))[1] AS rem_a, (array_agg(id ORDER BY received_at, created_at, id))[2] AS lot_b, (array_agg(remaining ORDER BY received_at, created_at, id))[2] AS rem_b FROM (SELECT id, tenant_id, product_id, quantity, remaining, source, note, received_at, created_at, created_by FROM inventory_lots WHERE tenant_id = :tenant AND product_id = :p1 AND inventory_lots.remaining > 0 ORDER BY received_at, created_at, id LIMIT :need) l \gset
\set take least(:rem_a, :need)
WITH u AS (UPDATE inventory_lots SET remaining = remaining + (0 - :take) WHERE tenant_id = :tenant AND id = :lot_a AND remaining + (0 - :take) >= 0 RETURNING id) SELECT count(*) AS ok, CASE WHEN :moves = 0 THEN coalesce(min(id), '') ELSE :x1 END AS x1, CASE WHEN :moves = 1 THEN coalesce(min(id), '') ELSE :x2 END AS x2 FROM u \gset
\if :ok
\set moves :moves + 1
INSERT INTO stock_allocations (id, tenant_id, product_id, lot_id, quantity, source, reference, created_at) VALUES ('a1' || :moves || '-' || :oid, :tenant, :p1, :lot_a, :take, 'order', 'o-' || :oid, now()::timestamp);
\if :moves = 1
\set q1 :take
\else
\set q2 :take
\endif
\set need :need - :take
\if :need > 0
\set take least(:rem_b, :need)
WITH u AS (UPDATE inventory_lots SET remaining = remaining + (0 - :take) WHERE tenant_id = :tenant AND id = :lot_b AND remaining + (0 - :take) >= 0 RETURNING id) SELECT count(*) AS ok, CASE WHEN :moves = 0 THEN coalesce(min(id), '') ELSE :x1 END AS x1, CASE WHEN :moves = 1 THEN coalesce(min(id), '') ELSE :x2 END AS x2 FROM u \gset
\if :ok
\set moves :moves + 1
INSERT INTO stock_allocations (id, tenant_id, product_id, lot_id, quantity, source, reference, created_at) VALUES ('a1' || :moves || '-' || :oid, :tenant, :p1, :lot_b, :take, 'order', 'o-' || :oid, now()::timestamp);
\set q2 :take
\set need :need - :take
\endif
\endif
\endif
\endif
\if :need > 0
SELECT (array_agg(id ORDER BY received_at, created_at, id))[1] AS lot_a, (array_agg(remaining ORDER BY received_at, created_at, id))[1] AS rem_a, (array_agg(id ORDER BY received_at, created_at, id))[2] AS lot_b, (array_agg(remaining ORDER BY received_at, created_at, id))[2] AS rem_b FROM (SELECT id, tenant_id, product_id, quantity, remaining, source, note, received_at, created_at, created_by FROM inventory_lots WHERE tenant_id = :tenant AND product_id = :p1 AND inventory_lots.remaining > 0 ORDER BY received_at, created_at, id LIMIT :need) l \gset
\set take least(:rem_a, :need)
WITH u AS (UPDATE inventory_lots SET remaining = remaining + (0 - :take) WHERE tenant_id = :tenant AND id = :lot_a AND remaining + (0 - :take) >= 0 RETURNING id) SELECT count(*) AS ok, CASE WHEN :moves = 0 THEN coalesce(min(id), '') ELSE :x1 END AS x1, CASE WHEN :moves = 1 THEN coalesce(min(id), '') ELSE :x2 END AS x2 FROM u \gset
\if :ok
\set moves :moves + 1
INSERT INTO stock_allocations (id, tenant_id, product_id, lot_id, quantity, source, reference, created_at) VALUES ('a1' || :moves || '-' || :oid, :tenant, :p1, :lot_a, :take, 'order', 'o-' || :oid, now()::timestamp);
\if :moves = 1
\set q1 :take
\else
\set q2 :take
\endif
\set need :need - :take
\if :need > 0
\set take least(:rem_b, :need)
WITH u AS (UPDATE inventory_lots SET remaining = remaining + (0 - :take) WHERE tenant_id = :tenant AND id = :lot_b AND remaining + (0 - :take) >= 0 RETURNING id) SELECT count(*) AS ok, CASE WHEN :moves = 0 THEN coalesce(min(id), '') ELSE :x1 END AS x1, CASE WHEN :moves = 1 THEN coalesce(min(id), '') ELSE :x2 END AS x2 FROM u \gset
\if :ok
\set moves :moves + 1
INSERT INTO stock_allocations (id, tenant_id, product_id, lot_id, quantity, source, reference, created_at) VALUES ('a1' || :moves || '-' || :oid, :tenant, :p1, :lot_b, :take, 'order', 'o-' || :oid, now()::timestamp);
\set q2 :take
\set need :need - :take
\endif
\endif
\endif
\endif
\if :need > 0
SELECT (array_agg(id ORDER BY received_at, created_at, id))[1] AS lot_a, (array_agg(remaining ORDER BY received_at, created_at, id))[1] AS rem_a, (array_agg(id ORDER BY received_at, created_at, id))[2] AS lot_b, (array_agg(remaining ORDER BY received_at, created_at, id))[2] AS rem_b FROM (SELECT id, tenant_id, product_id, quantity, remaining, source, note, received_at, created_at, created_by FROM inventory_lots WHERE tenant_id = :tenant AND product_id = :p1 AND inventory_lots.remaining > 0 ORDER BY received_at, created_at, id LIMIT :need) l \gset
\set take least(:rem_a, :need)
WITH u AS (UPDATE inventory_lots SET remaining = remaining + (0 - :take) WHERE tenant_id = :tenant AND id = :lot_a AND remaining + (0 - :take) >= 0 RETURNING id) SELECT count(*) AS ok, CASE WHEN :moves = 0 THEN coalesce(min(id), '') ELSE :x1 END AS x1, CASE WHEN :moves = 1 THEN coalesce(min(id), '') ELSE :x2 END AS x2 FROM u \gset
\if :ok
\set moves :moves + 1
INSERT INTO stock_allocations (id, tenant_id, product_id, lot_id, quantity, source, reference, created_at) VALUES ('a1' || :moves || '-' || :oid, :tenant, :p1, :lot_a, :take, 'order', 'o-' || :oid, now()::timestamp);
\if :moves = 1
\set q1 :take
\else
\set q2 :take
\endif
\set need :need - :take
\if :need > 0
\set take least(:rem_b, :need)
WITH u AS (UPDATE inventory_lots SET remaining = remaining + (0 - :take) WHERE tenant_id = :tenant AND id = :lot_b AND remaining + (0 - :take) >= 0 RETURNING id) SELECT count(*) AS ok, CASE WHEN :moves = 0 THEN coalesce(min(id), '') ELSE :x1 END AS x1, CASE WHEN :moves = 1 THEN coalesce(min(id), '') ELSE :x2 END AS x2 FROM u \gset
\if :ok
\set moves :moves + 1
INSERT INTO stock_allocations (id, tenant_id, product_id, lot_id, quantity, source, reference, created_at) VALUES ('a1' || :moves || '-' || :oid, :tenant, :p1, :lot_b, :take, 'order', 'o-' || :oid, now()::timestamp);
\set q2 :take
\set need :need - :take
\endif
\endif
\endif
\endif
\if :need > 0
DO $$ BEGIN RAISE EXCEPTION 'lots lost to concurrent orders 8 times' USING ERRCODE = 'serialization_failure'; END $$;
\endif
\if :moves = 2
INSERT INTO stock_movements (id, tenant_id, product_id, lot_id, kind, quantity, source, reference, actor, created_at) VALUES ('m11-' || :oid, :tenant, :p1, :x1, 'allocate', 0 - :q1, 'order', 'o-' || :oid, :staff, now()::timestamp), ('m12-' || :oid, :tenant, :p1, :x2, 'allocate', 0 - :q2, 'order', 'o-' || :oid, :staff, now()::timestamp);
\else
INSERT INTO stock_movements (id, tenant_id, product_id, lot_id, kind, quantity, source, reference, actor, created_at) VALUES ('m11-' || :oid, :tenant, :p1, :x1, 'allocate', 0 - :q1, 'order', 'o-' || :oid, :staff, now()::timestamp);
\endif
-- product 2
\set need 2
\set moves 0
SELECT (array_agg(id ORDER BY received_at, created_at, id))[1] AS lot_a, (array_agg(remaining ORDER BY received_at, created_at, id))[1] AS rem_a, (array_agg(id ORDER BY received_at, created_at, id))[2] AS lot_b, (array_agg(remaining ORDER BY received_at, created_at, id))[2] AS rem_b FROM (SELECT id, tenant_id, product_id, quantity, remaining, source, note, received_at, created_at, created_by FROM inventory_lots WHERE tenant_id = :tenant AND product_id = :p2 AND inventory_lots.remaining > 0 ORDER BY received_at, created_at, id LIMIT :need) l \gset
\set take least(:rem_a, :need)
WITH u AS (UPDATE inventory_lots SET remaining = remaining + (0 - :take) WHERE tenant_id = :tenant AND id = :lot_a AND remaining + (0 - :take) >= 0 RETURNING id) SELECT count(*) AS ok, coalesce(min(id), '') AS x1, '' AS x2 FROM u \gset
\if :ok
\set moves :moves + 1
INSERT INTO stock_allocations (id, tenant_id, product_id, lot_id, quantity, source, reference, created_at) VALUES ('a2' || :moves || '-' || :oid, :tenant, :p2, :lot_a, :take, 'order', 'o-' || :oid, now()::timestamp);
\set q1 :take
\set need :need - :take
\if :need > 0
\set take least(:rem_b, :need)
WITH u AS (UPDATE inventory_lots SET remaining = remaining + (0 - :take) WHERE tenant_id = :tenant AND id = :lot_b AND remaining + (0 - :take) >= 0 RETURNING id) SELECT count(*) AS ok, CASE WHEN :moves = 0 THEN coalesce(min(id), '') ELSE :x1 END AS x1, CASE WHEN :moves = 1 THEN coalesce(min(id), '') ELSE :x2 END AS x2 FROM u \gset
\if :ok
\set moves :moves + 1
INSERT INTO stock_allocations (id, tenant_id, product_id, lot_id, quantity, source, reference, created_at) VALUES ('a2' || :moves || '-' || :oid, :tenant, :p2, :lot_b, :take, 'order', 'o-' || :oid, now()::timestamp);
\set q2 :take
\set need :need - :take
\endif
\endif
\endif
\if :need > 0
SELECT (array_agg(id ORDER BY received_at, created_at, id))[1] AS lot_a, (array_agg(remaining ORDER BY received_at, created_at, id))[1] AS rem_a, (array_agg(id ORDER BY received_at, created_at, id))[2] AS lot_b, (array_agg(remaining ORDER BY received_at, created_at, id))[2] AS rem_b FROM (SELECT id, tenant_id, product_id, quantity, remaining, source, note, received_at, created_at, created_by FROM inventory_lots WHERE tenant_id = :tenant AND product_id = :p2 AND inventory_lots.remaining > 0 ORDER BY received_at, created_at, id LIMIT :need) l \gset
\set take least(:rem_a, :need)
WITH u AS (UPDATE inventory_lots SET remaining = remaining + (0 - :take) WHERE tenant_id = :tenant AND id = :lot_a AND remaining + (0 - :take) >= 0 RETURNING id) SELECT count(*) AS ok, CASE WHEN :moves = 0 THEN coalesce(min(id), '') ELSE :x1 END AS x1, CASE WHEN :moves = 1 THEN coalesce(min(id), '') ELSE :x2 END AS x2 FROM u \gset
\if :ok
\set moves :moves + 1
INSERT INTO stock_allocations (id, tenant_id, product_id, lot_id, quantity, source, reference, created_at) VALUES ('a2' || :moves || '-' || :oid, :tenant, :p2, :lot_a, :take, 'order', 'o-' || :oid, now()::timestamp);
\if :moves = 1
\set q1 :take
\else
\set q2 :take
\endif
\set need :need - :take
\if :need > 0
\set take least(:rem_b, :need)
WITH u AS (UPDATE inventory_lots SET remaining = remaining + (0 - :take) WHERE tenant_id = :tenant AND id = :lot_b AND remaining + (0 - :take) >= 0 RETURNING id) SELECT count(*) AS ok, CASE WHEN :moves = 0 THEN coalesce(min(id), '') ELSE :x1 END AS x1, CASE WHEN :moves = 1 THEN coalesce(min(id), '') ELSE :x2 END AS x2 FROM u \gset
\if :ok
\set moves :moves + 1
INSERT INTO stock_allocations (id, tenant_id, product_id, lot_id, quantity, source, reference, created_at) VALUES ('a2' || :moves || '-' || :oid, :tenant, :p2, :lot_b, :take, 'order', 'o-' || :oid, now()::timestamp);
\set q2 :take
\set need :need - :take
\endif
\endif
\endif
\endif
\if :need > 0
SELECT (array_agg(id ORDER BY received_at, created_at, id))[1] AS lot_a, (array_agg(remaining ORDER BY received_at, created_at, id))[1] AS rem_a, (array_agg(id ORDER BY received_at, created_at, id))[2] AS lot_b, (array_agg(remaining ORDER BY received_at, created_at, id))[2] AS rem_b FROM (SELECT id, tenant_id, product_id, quantity, remaining, source, note, received_at, created_at, created_by FROM inventory_lots WHERE tenant_id = :tenant AND product_id = :p2 AND inventory_lots.remaining > 0 ORDER BY received_at, created_at, id LIMIT :need) l \gset
\set take least(:rem_a, :need)
WITH u AS (UPDATE inventory_lots SET remaining = remaining + (0 - :take) WHERE tenant_id = :tenant AND id = :lot_a AND remaining + (0 - :take) >= 0 RETURNING id) SELECT count(*) AS ok, CASE WHEN :moves = 0 THEN coalesce(min(id), '') ELSE :x1 END AS x1, CASE WHEN :moves = 1 THEN coalesce(min(id), '') ELSE :x2 END AS x2 FROM u \gset
\if :ok
\set moves :moves + 1
INSERT INTO stock_allocations (id, tenant_id, product_id, lot_id, quantity, source, reference, created_at) VALUES ('a2' || :moves || '-' || :oid, :tenant, :p2, :lot_a, :take, 'order', 'o-' || :oid, now()::timestamp);
\if :moves = 1
\set q1 :take
\else
\set q2 :take
\endif
\set need :need - :take
\if :need > 0
\set take least(:rem_b, :need)
WITH u AS (UPDATE inventory_lots SET remaining = remaining + (0 - :take) WHERE tenant_id = :tenant AND id = :lot_b AND remaining + (0 - :take) >= 0 RETURNING id) SELECT count(*) AS ok, CASE WHEN :moves = 0 THEN coalesce(min(id), '') ELSE :x1 END AS x1, CASE WHEN :moves = 1 THEN coalesce(min(id), '') ELSE :x2 END AS x2 FROM u \gset
\if :ok
\set moves :moves + 1
INSERT INTO stock_allocations (id, tenant_id, product_id, lot_id, quantity, source, reference, created_at) VALUES ('a2' || :moves || '-' || :oid, :tenant, :p2, :lot_b, :take, 'order', 'o-' || :oid, now()::timestamp);
\set q2 :take
\set need :need - :take
\endif
\endif
\endif
\endif
\if :need > 0
SELECT (array_agg(id ORDER BY received_at, created_at, id))[1] AS lot_a, (array_agg(remaining ORDER BY received_at, created_at, id))[1] AS rem_a, (array_agg(id ORDER BY received_at, created_at, id))[2] AS lot_b, (array_agg(remaining ORDER BY received_at, created_at, id))[2] AS rem_b FROM (SELECT id, tenant_id, product_id, quantity, remaining, source, note, received_at, created_at, created_by FROM inventory_lots WHERE tenant_id = :tenant AND product_id = :p2 AND inventory_lots.remaining > 0 ORDER BY received_at, created_at, id LIMIT :need) l \gset
\set take least(:rem_a, :need)
WITH u AS (UPDATE inventory_lots SET remaining = remaining + (0 - :take) WHERE tenant_id = :tenant AND id = :lot_a AND remaining + (0 - :take) >= 0 RETURNING id) SELECT count(*) AS ok, CASE WHEN :moves = 0 THEN coalesce(min(id), '') ELSE :x1 END AS x1, CASE WHEN :moves = 1 THEN coalesce(min(id), '') ELSE :x2 END AS x2 FROM u \gset
\if :ok
\set moves :moves + 1
INSERT INTO stock_allocations (id, tenant_id, product_id, lot_id, quantity, source, reference, created_at) VALUES ('a2' || :moves || '-' || :oid, :tenant, :p2, :lot_a, :take, 'order', 'o-' || :oid, now()::timestamp);
\if :moves = 1
\set q1 :take
\else
\set q2 :take
\endif
\set need :need - :take
\if :need > 0
\set take least(:rem_b, :need)
WITH u AS (UPDATE inventory_lots SET remaining = remaining + (0 - :take) WHERE tenant_id = :tenant AND id = :lot_b AND remaining + (0 - :take) >= 0 RETURNING id) SELECT count(*) AS ok, CASE WHEN :moves = 0 THEN coalesce(min(id), '') ELSE :x1 END AS x1, CASE WHEN :moves = 1 THEN coalesce(min(id), '') ELSE :x2 END AS x2 FROM u \gset
\if :ok
\set moves :moves + 1
INSERT INTO stock_allocations (id, tenant_id, product_id, lot_id, quantity, source, reference, created_at) VALUES ('a2' || :moves || '-' || :oid, :tenant, :p2, :lot_b, :take, 'order', 'o-' || :oid, now()::timestamp);
\set q2 :take
\set need :need - :take
\endif
\endif
\endif
\endif
\if :need > 0
SELECT (array_agg(id ORDER BY received_at, created_at, id))[1] AS lot_a, (array_agg(remaining ORDER BY received_at, created_at, id))[1] AS rem_a, (array_agg(id ORDER BY received_at, created_at, id))[2] AS lot_b, (array_agg(remaining ORDER BY received_at, created_at, id))[2] AS rem_b FROM (SELECT id, tenant_id, product_id, quantity, remaining, source, note, received_at, created_at, created_by FROM inventory_lots WHERE tenant_id = :tenant AND product_id = :p2 AND inventory_lots.remaining > 0 ORDER BY received_at, created_at, id LIMIT :need) l \gset
\set take least(:rem_a, :need)
WITH u AS (UPDATE inventory_lots SET remaining = remaining + (0 - :take) WHERE tenant_id = :tenant AND id = :lot_a AND remaining + (0 - :take) >= 0 RETURNING id) SELECT count(*) AS ok, CASE WHEN :moves = 0 THEN coalesce(min(id), '') ELSE :x1 END AS x1, CASE WHEN :moves = 1 THEN coalesce(min(id), '') ELSE :x2 END AS x2 FROM u \gset
\if :ok
\set moves :moves + 1
INSERT INTO stock_allocations (id, tenant_id, product_id, lot_id, quantity, source, reference, created_at) VALUES ('a2' || :moves || '-' || :oid, :tenant, :p2, :lot_a, :take, 'order', 'o-' || :oid, now()::timestamp);
\if :moves = 1
\set q1 :take
\else
\set q2 :take
\endif
\set need :need - :take
\if :need > 0
\set take least(:rem_b, :need)
WITH u AS (UPDATE inventory_lots SET remaining = remaining + (0 - :take) WHERE tenant_id = :tenant AND id = :lot_b AND remaining + (0 - :take) >= 0 RETURNING id) SELECT count(*) AS ok, CASE WHEN :moves = 0 THEN coalesce(min(id), '') ELSE :x1 END AS x1, CASE WHEN :moves = 1 THEN coalesce(min(id), '') ELSE :x2 END AS x2 FROM u \gset
\if :ok
\set moves :moves + 1
INSERT INTO stock_allocations (id, tenant_id, product_id, lot_id, quantity, source, reference, created_at) VALUES ('a2' || :moves || '-' || :oid, :tenant, :p2, :lot_b, :take, 'order', 'o-' || :oid, now()::timestamp);
\set q2 :take
\set need :need - :take
\endif
\endif
\endif
\endif
\if :need > 0
SELECT (array_agg(id ORDER BY received_at, created_at, id))[1] AS lot_a, (array_agg(remaining ORDER BY received_at, created_at, id))[1] AS rem_a, (array_agg(id ORDER BY received_at, created_at, id))[2] AS lot_b, (array_agg(remaining ORDER BY received_at, created_at, id))[2] AS rem_b FROM (SELECT id, tenant_id, product_id, quantity, remaining, source, note, received_at, created_at, created_by FROM inventory_lots WHERE tenant_id = :tenant AND product_id = :p2 AND inventory_lots.remaining > 0 ORDER BY received_at, created_at, id LIMIT :need) l \gset
\set take least(:rem_a, :need)
WITH u AS (UPDATE inventory_lots SET remaining = remaining + (0 - :take) WHERE tenant_id = :tenant AND id = :lot_a AND remaining + (0 - :take) >= 0 RETURNING id) SELECT count(*) AS ok, CASE WHEN :moves = 0 THEN coalesce(min(id), '') ELSE :x1 END AS x1, CASE WHEN :moves = 1 THEN coalesce(min(id), '') ELSE :x2 END AS x2 FROM u \gset
\if :ok
\set moves :moves + 1
INSERT INTO stock_allocations (id, tenant_id, product_id, lot_id, quantity, source, reference, created_at) VALUES ('a2' || :moves || '-' || :oid, :tenant, :p2, :lot_a, :take, 'order', 'o-' || :oid, now()::timestamp);
\if :moves = 1
\set q1 :take
\else
\set q2 :take
\endif
\set need :need - :take
\if :need > 0
\set take least(:rem_b, :need)
WITH u AS (UPDATE inventory_lots SET remaining = remaining + (0 - :take) WHERE tenant_id = :tenant AND id = :lot_b AND remaining + (0 - :take) >= 0 RETURNING id) SELECT count(*) AS ok, CASE WHEN :moves = 0 THEN coalesce(min(id), '') ELSE :x1 END AS x1, CASE WHEN :moves = 1 THEN coalesce(min(id), '') ELSE :x2 END AS x2 FROM u \gset
\if :ok
\set moves :moves + 1
INSERT INTO stock_allocations (id, tenant_id, product_id, lot_id, quantity, source, reference, created_at) VALUES ('a2' || :moves || '-' || :oid, :tenant, :p2, :lot_b, :take, 'order', 'o-' || :oid, now()::timestamp);
\set q2 :take
\set need :need - :take
\endif
\endif
\endif
\endif
\if :need > 0
SELECT (array_agg(id ORDER BY received_at, created_at, id))[1] AS lot_a, (array_agg(remaining ORDER BY received_at, created_at, id))[1] AS rem_a, (array_agg(id ORDER BY received_at, created_at, id))[2] AS lot_b, (array_agg(remaining ORDER BY received_at, created_at, id))[2] AS rem_b FROM (SELECT id, tenant_id, product_id, quantity, remaining, source, note, received_at, created_at, created_by FROM inventory_lots WHERE tenant_id = :tenant AND product_id = :p2 AND inventory_lots.remaining > 0 ORDER BY received_at, created_at, id LIMIT :need) l \gset
\set take least(:rem_a, :need)
WITH u AS (UPDATE inventory_lots SET remaining = remaining + (0 - :take) WHERE tenant_id = :tenant AND id = :lot_a AND remaining + (0 - :take) >= 0 RETURNING id) SELECT count(*) AS ok, CASE WHEN :moves = 0 THEN coalesce(min(id), '') ELSE :x1 END AS x1, CASE WHEN :moves = 1 THEN coalesce(min(id), '') ELSE :x2 END AS x2 FROM u \gset
\if :ok
\set moves :moves + 1
INSERT INTO stock_allocations (id, tenant_id, product_id, lot_id, quantity, source, reference, created_at) VALUES ('a2' || :moves || '-' || :oid, :tenant, :p2, :lot_a, :take, 'order', 'o-' || :oid, now()::timestamp);
\if :moves = 1
\set q1 :take
\else
\set q2 :take
\endif
\set need :need - :take
\if :need > 0
\set take least(:rem_b, :need)
WITH u AS (UPDATE inventory_lots SET remaining = remaining + (0 - :take) WHERE tenant_id = :tenant AND id = :lot_b AND remaining + (0 - :take) >= 0 RETURNING id) SELECT count(*) AS ok, CASE WHEN :moves = 0 THEN coalesce(min(id), '') ELSE :x1 END AS x1, CASE WHEN :moves = 1 THEN coalesce(min(id), '') ELSE :x2 END AS x2 FROM u \gset
\if :ok
\set moves :moves + 1
INSERT INTO stock_allocations (id, tenant_id, product_id, lot_id, quantity, source, reference, created_at) VALUES ('a2' || :moves || '-' || :oid, :tenant, :p2, :lot_b, :take, 'order', 'o-' || :oid, now()::timestamp);
\set q2 :take
\set need :need - :take
\endif
\endif
\endif
\endif
\if :need > 0
SELECT (array_agg(id ORDER BY received_at, created_at, id))[1] AS lot_a, (array_agg(remaining ORDER BY received_at, created_at, id))[1] AS rem_a, (array_agg(id ORDER BY received_at, created_at, id))[2] AS lot_b, (array_agg(remaining ORDER BY received_at, created_at, id))[2] AS rem_b FROM (SELECT id, tenant_id, product_id, quantity, remaining, source, note, received_at, created_at, created_by FROM inventory_lots WHERE tenant_id = :tenant AND product_id = :p2 AND inventory_lots.remaining > 0 ORDER BY received_at, created_at, id LIMIT :need) l \gset
\set take least(:rem_a, :need)
WITH u AS (UPDATE inventory_lots SET remaining = remaining + (0 - :take) WHERE tenant_id = :tenant AND id = :lot_a AND remaining + (0 - :take) >= 0 RETURNING id) SELECT count(*) AS ok, CASE WHEN :moves = 0 THEN coalesce(min(id), '') ELSE :x1 END AS x1, CASE WHEN :moves = 1 THEN coalesce(min(id), '') ELSE :x2 END AS x2 FROM u \gset
\if :ok
\set moves :moves + 1
INSERT INTO stock_allocations (id, tenant_id, product_id, lot_id, quantity, source, reference, created_at) VALUES ('a2' || :moves || '-' || :oid, :tenant, :p2, :lot_a, :take, 'order', 'o-' || :oid, now()::timestamp);
\if :moves = 1
\set q1 :take
\else
\set q2 :take
\endif
\set need :need - :take
\if :need > 0
\set take least(:rem_b, :need)
WITH u AS (UPDATE inventory_lots SET remaining = remaining + (0 - :take) WHERE tenant_id = :tenant AND id = :lot_b AND remaining + (0 - :take) >= 0 RETURNING id) SELECT count(*) AS ok, CASE WHEN :moves = 0 THEN coalesce(min(id), '') ELSE :x1 END AS x1, CASE WHEN :moves = 1 THEN coalesce(min(id), '') ELSE :x2 END AS x2 FROM u \gset
\if :ok
\set moves :moves + 1
INSERT INTO stock_allocations (id, tenant_id, product_id, lot_id, quantity, source, reference, created_at) VALUES ('a2' || :moves || '-' || :oid, :tenant, :p2, :lot_b, :take, 'order', 'o-' || :oid, now()::timestamp);
\set q2 :take
\set need :need - :take
\endif
\endif
\endif
\endif
\if :need > 0
DO $$ BEGIN RAISE EXCEPTION 'lots lost to concurrent orders 8 times' USING ERRCODE = 'serialization_failure'; END $$;
\endif
\if :moves = 2
INSERT INTO stock_movements (id, tenant_id, product_id, lot_id, kind, quantity, source, reference, actor, created_at) VALUES ('m21-' || :oid, :tenant, :p2, :x1, 'allocate', 0 - :q1, 'order', 'o-' || :oid, :staff, now()::timestamp), ('m22-' || :oid, :tenant, :p2, :x2, 'allocate', 0 - :q2, 'order', 'o-' || :oid, :staff, now()::timestamp);
\else
INSERT INTO stock_movements (id, tenant_id, product_id, lot_id, kind, quantity, source, reference, actor, created_at) VALUES ('m21-' || :oid, :tenant, :p2, :x1, 'allocate', 0 - :q1, 'order', 'o-' || :oid, :staff, now()::timestamp);
\endif
-- product 3
\set need 2
\set moves 0
SELECT (array_agg(id ORDER BY received_at, created_at, id))[1] AS lot_a, (array_agg(remaining ORDER BY received_at, created_at, id))[1] AS rem_a, (array_agg(id ORDER BY received_at, created_at, id))[2] AS lot_b, (array_agg(remaining ORDER BY received_at, created_at, id))[2] AS rem_b FROM (SELECT id, tenant_id, product_id, quantity, remaining, source, note, received_at, created_at, created_by FROM inventory_lots WHERE tenant_id = :tenant AND product_id = :p3 AND inventory_lots.remaining > 0 ORDER BY received_at, created_at, id LIMIT :need) l \gset
\set take least(:rem_a, :need)
WITH u AS (UPDATE inventory_lots SET remaining = remaining + (0 - :take) WHERE tenant_id = :tenant AND id = :lot_a AND remaining + (0 - :take) >= 0 RETURNING id) SELECT count(*) AS ok, coalesce(min(id), '') AS x1, '' AS x2 FROM u \gset
\if :ok
\set moves :moves + 1
INSERT INTO stock_allocations (id, tenant_id, product_id, lot_id, quantity, source, reference, created_at) VALUES ('a3' || :moves || '-' || :oid, :tenant, :p3, :lot_a, :take, 'order', 'o-' || :oid, now()::timestamp);
\set q1 :take
\set need :need - :take
\if :need > 0
\set take least(:rem_b, :need)
WITH u AS (UPDATE inventory_lots SET remaining = remaining + (0 - :take) WHERE tenant_id = :tenant AND id = :lot_b AND remaining + (0 - :take) >= 0 RETURNING id) SELECT count(*) AS ok, CASE WHEN :moves = 0 THEN coalesce(min(id), '') ELSE :x1 END AS x1, CASE WHEN :moves = 1 THEN coalesce(min(id), '') ELSE :x2 END AS x2 FROM u \gset
\if :ok
\set moves :moves + 1
INSERT INTO stock_allocations (id, tenant_id, product_id, lot_id, quantity, source, reference, created_at) VALUES ('a3' || :moves || '-' || :oid, :tenant, :p3, :lot_b, :take, 'order', 'o-' || :oid, now()::timestamp);
\set q2 :take
\set need :need - :take
\endif
\endif
\endif
\if :need > 0
SELECT (array_agg(id ORDER BY received_at, created_at, id))[1] AS lot_a, (array_agg(remaining ORDER BY received_at, created_at, id))[1] AS rem_a, (array_agg(id ORDER BY received_at, created_at, id))[2] AS lot_b, (array_agg(remaining ORDER BY received_at, created_at, id))[2] AS rem_b FROM (SELECT id, tenant_id, product_id, quantity, remaining, source, note, received_at, created_at, created_by FROM inventory_lots WHERE tenant_id = :tenant AND product_id = :p3 AND inventory_lots.remaining > 0 ORDER BY received_at, created_at, id LIMIT :need) l \gset
\set take least(:rem_a, :need)
WITH u AS (UPDATE inventory_lots SET remaining = remaining + (0 - :take) WHERE tenant_id = :tenant AND id = :lot_a AND remaining + (0 - :take) >= 0 RETURNING id) SELECT count(*) AS ok, CASE WHEN :moves = 0 THEN coalesce(min(id), '') ELSE :x1 END AS x1, CASE WHEN :moves = 1 THEN coalesce(min(id), '') ELSE :x2 END AS x2 FROM u \gset
\if :ok
\set moves :moves + 1
INSERT INTO stock_allocations (id, tenant_id, product_id, lot_id, quantity, source, reference, created_at) VALUES ('a3' || :moves || '-' || :oid, :tenant, :p3, :lot_a, :take, 'order', 'o-' || :oid, now()::timestamp);
\if :moves = 1
\set q1 :take
\else
\set q2 :take
\endif
\set need :need - :take
\if :need > 0
\set take least(:rem_b, :need)
WITH u AS (UPDATE inventory_lots SET remaining = remaining + (0 - :take) WHERE tenant_id = :tenant AND id = :lot_b AND remaining + (0 - :take) >= 0 RETURNING id) SELECT count(*) AS ok, CASE WHEN :moves = 0 THEN coalesce(min(id), '') ELSE :x1 END AS x1, CASE WHEN :moves = 1 THEN coalesce(min(id), '') ELSE :x2 END AS x2 FROM u \gset
\if :ok
\set moves :moves + 1
INSERT INTO stock_allocations (id, tenant_id, product_id, lot_id, quantity, source, reference, created_at) VALUES ('a3' || :moves || '-' || :oid, :tenant, :p3, :lot_b, :take, 'order', 'o-' || :oid, now()::timestamp);
\set q2 :take
\set need :need - :take
\endif
\endif
\endif
\endif
\if :need > 0
SELECT (array_agg(id ORDER BY received_at, created_at, id))[1] AS lot_a, (array_agg(remaining ORDER BY received_at, created_at, id))[1] AS rem_a, (array_agg(id ORDER BY received_at, created_at, id))[2] AS lot_b, (array_agg(remaining ORDER BY received_at, created_at, id))[2] AS rem_b FROM (SELECT id, tenant_id, product_id, quantity, remaining, source, note, received_at, created_at, created_by FROM inventory_lots WHERE tenant_id = :tenant AND product_id = :p3 AND inventory_lots.remaining > 0 ORDER BY received_at, created_at, id LIMIT :need) l \gset
\set take least(:rem_a, :need)
WITH u AS (UPDATE inventory_lots SET remaining = remaining + (0 - :take) WHERE tenant_id = :tenant AND id = :lot_a AND remaining + (0 - :take) >= 0 RETURNING id) SELECT count(*) AS ok, CASE WHEN :moves = 0 THEN coalesce(min(id), '') ELSE :x1 END AS x1, CASE WHEN :moves = 1 THEN coalesce(min(id), '') ELSE :x2 END AS x2 FROM u \gset
\if :ok
\set moves :moves + 1
INSERT INTO stock_allocations (id, tenant_id, product_id, lot_id, quantity, source, reference, created_at) VALUES ('a3' || :moves || '-' || :oid, :tenant, :p3, :lot_a, :take, 'order', 'o-' || :oid, now()::timestamp);
\if :moves = 1
\set q1 :take
\else
\set q2 :take
\endif
\set need :need - :take
\if :need > 0
\set take least(:rem_b, :need)
WITH u AS (UPDATE inventory_lots SET remaining = remaining + (0 - :take) WHERE tenant_id = :tenant AND id = :lot_b AND remaining + (0 - :take) >= 0 RETURNING id) SELECT count(*) AS ok, CASE WHEN :moves = 0 THEN coalesce(min(id), '') ELSE :x1 END AS x1, CASE WHEN :moves = 1 THEN coalesce(min(id), '') ELSE :x2 END AS x2 FROM u \gset
\if :ok
\set moves :moves + 1
INSERT INTO stock_allocations (id, tenant_id, product_id, lot_id, quantity, source, reference, created_at) VALUES ('a3' || :moves || '-' || :oid, :tenant, :p3, :lot_b, :take, 'order', 'o-' || :oid, now()::timestamp);
\set q2 :take
\set need :need - :take
\endif
\endif
\endif
\endif
\if :need > 0
SELECT (array_agg(id ORDER BY received_at, created_at, id))[1] AS lot_a, (array_agg(remaining ORDER BY received_at, created_at, id))[1] AS rem_a, (array_agg(id ORDER BY received_at, created_at, id))[2] AS lot_b, (array_agg(remaining ORDER BY received_at, created_at, id))[2] AS rem_b FROM (SELECT id, tenant_id, product_id, quantity, remaining, source, note, received_at, created_at, created_by FROM inventory_lots WHERE tenant_id = :tenant AND product_id = :p3 AND inventory_lots.remaining > 0 ORDER BY received_at, created_at, id LIMIT :need) l \gset
\set take least(:rem_a, :need)
WITH u AS (UPDATE inventory_lots SET remaining = remaining + (0 - :take) WHERE tenant_id = :tenant AND id = :lot_a AND remaining + (0 - :take) >= 0 RETURNING id) SELECT count(*) AS ok, CASE WHEN :moves = 0 THEN coalesce(min(id), '') ELSE :x1 END AS x1, CASE WHEN :moves = 1 THEN coalesce(min(id), '') ELSE :x2 END AS x2 FROM u \gset
\if :ok
\set moves :moves + 1
INSERT INTO stock_allocations (id, tenant_id, product_id, lot_id, quantity, source, reference, created_at) VALUES ('a3' || :moves || '-' || :oid, :tenant, :p3, :lot_a, :take, 'order', 'o-' || :oid, now()::timestamp);
\if :moves = 1
\set q1 :take
\else
\set q2 :take
\endif
\set need :need - :take
\if :need > 0
\set take least(:rem_b, :need)
WITH u AS (UPDATE inventory_lots SET remaining = remaining + (0 - :take) WHERE tenant_id = :tenant AND id = :lot_b AND remaining + (0 - :take) >= 0 RETURNING id) SELECT count(*) AS ok, CASE WHEN :moves = 0 THEN coalesce(min(id), '') ELSE :x1 END AS x1, CASE WHEN :moves = 1 THEN coalesce(min(id), '') ELSE :x2 END AS x2 FROM u \gset
\if :ok
\set moves :moves + 1
INSERT INTO stock_allocations (id, tenant_id, product_id, lot_id, quantity, source, reference, created_at) VALUES ('a3' || :moves || '-' || :oid, :tenant, :p3, :lot_b, :take, 'order', 'o-' || :oid, now()::timestamp);
\set q2 :take
\set need :need - :take
\endif
\endif
\endif
\endif
\if :need > 0
SELECT (array_agg(id ORDER BY received_at, created_at, id))[1] AS lot_a, (array_agg(remaining ORDER BY received_at, created_at, id))[1] AS rem_a, (array_agg(id ORDER BY received_at, created_at, id))[2] AS lot_b, (array_agg(remaining ORDER BY received_at, created_at, id))[2] AS rem_b FROM (SELECT id, tenant_id, product_id, quantity, remaining, source, note, received_at, created_at, created_by FROM inventory_lots WHERE tenant_id = :tenant AND product_id = :p3 AND inventory_lots.remaining > 0 ORDER BY received_at, created_at, id LIMIT :need) l \gset
\set take least(:rem_a, :need)
WITH u AS (UPDATE inventory_lots SET remaining = remaining + (0 - :take) WHERE tenant_id = :tenant AND id = :lot_a AND remaining + (0 - :take) >= 0 RETURNING id) SELECT count(*) AS ok, CASE WHEN :moves = 0 THEN coalesce(min(id), '') ELSE :x1 END AS x1, CASE WHEN :moves = 1 THEN coalesce(min(id), '') ELSE :x2 END AS x2 FROM u \gset
\if :ok
\set moves :moves + 1
INSERT INTO stock_allocations (id, tenant_id, product_id, lot_id, quantity, source, reference, created_at) VALUES ('a3' || :moves || '-' || :oid, :tenant, :p3, :lot_a, :take, 'order', 'o-' || :oid, now()::timestamp);
\if :moves = 1
\set q1 :take
\else
\set q2 :take
\endif
\set need :need - :take
\if :need > 0
\set take least(:rem_b, :need)
WITH u AS (UPDATE inventory_lots SET remaining = remaining + (0 - :take) WHERE tenant_id = :tenant AND id = :lot_b AND remaining + (0 - :take) >= 0 RETURNING id) SELECT count(*) AS ok, CASE WHEN :moves = 0 THEN coalesce(min(id), '') ELSE :x1 END AS x1, CASE WHEN :moves = 1 THEN coalesce(min(id), '') ELSE :x2 END AS x2 FROM u \gset
\if :ok
\set moves :moves + 1
INSERT INTO stock_allocations (id, tenant_id, product_id, lot_id, quantity, source, reference, created_at) VALUES ('a3' || :moves || '-' || :oid, :tenant, :p3, :lot_b, :take, 'order', 'o-' || :oid, now()::timestamp);
\set q2 :take
\set need :need - :take
\endif
\endif
\endif
\endif
\if :need > 0
SELECT (array_agg(id ORDER BY received_at, created_at, id))[1] AS lot_a, (array_agg(remaining ORDER BY received_at, created_at, id))[1] AS rem_a, (array_agg(id ORDER BY received_at, created_at, id))[2] AS lot_b, (array_agg(remaining ORDER BY received_at, created_at, id))[2] AS rem_b FROM (SELECT id, tenant_id, product_id, quantity, remaining, source, note, received_at, created_at, created_by FROM inventory_lots WHERE tenant_id = :tenant AND product_id = :p3 AND inventory_lots.remaining > 0 ORDER BY received_at, created_at, id LIMIT :need) l \gset
\set take least(:rem_a, :need)
WITH u AS (UPDATE inventory_lots SET remaining = remaining + (0 - :take) WHERE tenant_id = :tenant AND id = :lot_a AND remaining + (0 - :take) >= 0 RETURNING id) SELECT count(*) AS ok, CASE WHEN :moves = 0 THEN coalesce(min(id), '') ELSE :x1 END AS x1, CASE WHEN :moves = 1 THEN coalesce(min(id), '') ELSE :x2 END AS x2 FROM u \gset
\if :ok
\set moves :moves + 1
INSERT INTO stock_allocations (id, tenant_id, product_id, lot_id, quantity, source, reference, created_at) VALUES ('a3' || :moves || '-' || :oid, :tenant, :p3, :lot_a, :take, 'order', 'o-' || :oid, now()::timestamp);
\if :moves = 1
\set q1 :take
\else
\set q2 :take
\endif
\set need :need - :take
\if :need > 0
\set take least(:rem_b, :need)
WITH u AS (UPDATE inventory_lots SET remaining = remaining + (0 - :take) WHERE tenant_id = :tenant AND id = :lot_b AND remaining + (0 - :take) >= 0 RETURNING id) SELECT count(*) AS ok, CASE WHEN :moves = 0 THEN coalesce(min(id), '') ELSE :x1 END AS x1, CASE WHEN :moves = 1 THEN coalesce(min(id), '') ELSE :x2 END AS x2 FROM u \gset
\if :ok
\set moves :moves + 1
INSERT INTO stock_allocations (id, tenant_id, product_id, lot_id, quantity, source, reference, created_at) VALUES ('a3' || :moves || '-' || :oid, :tenant, :p3, :lot_b, :take, 'order', 'o-' || :oid, now()::timestamp);
\set q2 :take
\set need :need - :take
\endif
\endif
\endif
\endif
\if :need > 0
SELECT (array_agg(id ORDER BY received_at, created_at, id))[1] AS lot_a, (array_agg(remaining ORDER BY received_at, created_at, id))[1] AS rem_a, (array_agg(id ORDER BY received_at, created_at, id))[2] AS lot_b, (array_agg(remaining ORDER BY received_at, created_at, id))[2] AS rem_b FROM (SELECT id, tenant_id, product_id, quantity, remaining, source, note, received_at, created_at, created_by FROM inventory_lots WHERE tenant_id = :tenant AND product_id = :p3 AND inventory_lots.remaining > 0 ORDER BY received_at, created_at, id LIMIT :need) l \gset
\set take least(:rem_a, :need)
WITH u AS (UPDATE inventory_lots SET remaining = remaining + (0 - :take) WHERE tenant_id = :tenant AND id = :lot_a AND remaining + (0 - :take) >= 0 RETURNING id) SELECT count(*) AS ok, CASE WHEN :moves = 0 THEN coalesce(min(id), '') ELSE :x1 END AS x1, CASE WHEN :moves = 1 THEN coalesce(min(id), '') ELSE :x2 END AS x2 FROM u \gset
\if :ok
\set moves :moves + 1
INSERT INTO stock_allocations (id, tenant_id, product_id, lot_id, quantity, source, reference, created_at) VALUES ('a3' || :moves || '-' || :oid, :tenant, :p3, :lot_a, :take, 'order', 'o-' || :oid, now()::timestamp);
\if :moves = 1
\set q1 :take
\else
\set q2 :take
\endif
\set need :need - :take
\if :need > 0
\set take least(:rem_b, :need)
WITH u AS (UPDATE inventory_lots SET remaining = remaining + (0 - :take) WHERE tenant_id = :tenant AND id = :lot_b AND remaining + (0 - :take) >= 0 RETURNING id) SELECT count(*) AS ok, CASE WHEN :moves = 0 THEN coalesce(min(id), '') ELSE :x1 END AS x1, CASE WHEN :moves = 1 THEN coalesce(min(id), '') ELSE :x2 END AS x2 FROM u \gset
\if :ok
\set moves :moves + 1
INSERT INTO stock_allocations (id, tenant_id, product_id, lot_id, quantity, source, reference, created_at) VALUES ('a3' || :moves || '-' || :oid, :tenant, :p3, :lot_b, :take, 'order', 'o-' || :oid, now()::timestamp);
\set q2 :take
\set need :need - :take
\endif
\endif
\endif
\endif
\if :need > 0
SELECT (array_agg(id ORDER BY received_at, created_at, id))[1] AS lot_a, (array_agg(remaining ORDER BY received_at, created_at, id))[1] AS rem_a, (array_agg(id ORDER BY received_at, created_at, id))[2] AS lot_b, (array_agg(remaining ORDER BY received_at, created_at, id))[2] AS rem_b FROM (SELECT id, tenant_id, product_id, quantity, remaining, source, note, received_at, created_at, created_by FROM inventory_lots WHERE tenant_id = :tenant AND product_id = :p3 AND inventory_lots.remaining > 0 ORDER BY received_at, created_at, id LIMIT :need) l \gset
\set take least(:rem_a, :need)
WITH u AS (UPDATE inventory_lots SET remaining = remaining + (0 - :take) WHERE tenant_id = :tenant AND id = :lot_a AND remaining + (0 - :take) >= 0 RETURNING id) SELECT count(*) AS ok, CASE WHEN :moves = 0 THEN coalesce(min(id), '') ELSE :x1 END AS x1, CASE WHEN :moves = 1 THEN coalesce(min(id), '') ELSE :x2 END AS x2 FROM u \gset
\if :ok
\set moves :moves + 1
INSERT INTO stock_allocations (id, tenant_id, product_id, lot_id, quantity, source, reference, created_at) VALUES ('a3' || :moves || '-' || :oid, :tenant, :p3, :lot_a, :take, 'order', 'o-' || :oid, now()::timestamp);
\if :moves = 1
\set q1 :take
\else
\set q2 :take
\endif
\set need :need - :take
\if :need > 0
\set take least(:rem_b, :need)
WITH u AS (UPDATE inventory_lots SET remaining = remaining + (0 - :take) WHERE tenant_id = :tenant AND id = :lot_b AND remaining + (0 - :take) >= 0 RETURNING id) SELECT count(*) AS ok, CASE WHEN :moves = 0 THEN coalesce(min(id), '') ELSE :x1 END AS x1, CASE WHEN :moves = 1 THEN coalesce(min(id), '') ELSE :x2 END AS x2 FROM u \gset
\if :ok
\set moves :moves + 1
INSERT INTO stock_allocations (id, tenant_id, product_id, lot_id, quantity, source, reference, created_at) VALUES ('a3' || :moves || '-' || :oid, :tenant, :p3, :lot_b, :take, 'order', 'o-' || :oid, now()::timestamp);
\set q2 :take
\set need :need - :take
\endif
\endif
\endif
\endif
\if :need > 0
DO $$ BEGIN RAISE EXCEPTION 'lots lost to concurrent orders 8 times' USING ERRCODE = 'serialization_failure'; END $$;
\endif
\if :moves = 2
INSERT INTO stock_movements (id, tenant_id, product_id, lot_id, kind, quantity, source, reference, actor, created_at) VALUES ('m31-' || :oid, :tenant, :p3, :x1, 'allocate', 0 - :q1, 'order', 'o-' || :oid, :staff, now()::timestamp), ('m32-' || :oid, :tenant, :p3, :x2, 'allocate', 0 - :q2, 'order', 'o-' || :oid, :staff, now()::timestamp);
\else
INSERT INTO stock_movements (id, tenant_id, product_id, lot_id, kind, quantity, source, reference, actor, created_at) VALUES ('m31-' || :oid, :tenant, :p3, :x1, 'allocate', 0 - :q1, 'order', 'o-' || :oid, :staff, now()::timestamp);
\endif
-- number, order, items, history, outbox
SELECT kedai_next_order_number(:tenant, 2099) AS last_value \gset
INSERT INTO orders (id, tenant_id, order_number, order_type, status, currency, subtotal_minor, shipping_fee_minor, tax_amount_minor, discount_amount_minor, total_amount_minor, payment_status, tracking_number, customer_id, customer_email, outlet_id, contact_name, contact_phone, contact_email, shipping_method, shipping_address, payment_method, notes, special_instructions, created_by, created_at, updated_at, confirmed_at, paid_at, processing_at, shipped_at, delivered_at, completed_at, cancelled_at, refunded_at, coupon_id, coupon_code, coupon_discount_minor) VALUES ('o-' || :oid, :tenant, 'ORD-2099-' || lpad(:last_value::text, 4, '0'), 'pickup', 'confirmed', 'MYR', 6000, 0, 0, 0, 6000, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, :staff, now()::timestamp, now()::timestamp, now()::timestamp, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0);
INSERT INTO order_items (id, tenant_id, order_id, position, product_id, product_name, product_sku, quantity, unit_price_minor, total_price_minor, created_at, parent_product_id) VALUES ('i1-' || :oid, :tenant, 'o-' || :oid, 0, :p1, 'Bench product', NULL, 2, 1000, 2000, now()::timestamp, NULL), ('i2-' || :oid, :tenant, 'o-' || :oid, 1, :p2, 'Bench product', NULL, 2, 1000, 2000, now()::timestamp, NULL), ('i3-' || :oid, :tenant, 'o-' || :oid, 2, :p3, 'Bench product', NULL, 2, 1000, 2000, now()::timestamp, NULL);
INSERT INTO order_status_history (id, tenant_id, order_id, from_status, to_status, tracking_number, actor, reason, created_at) VALUES ('h-' || :oid, :tenant, 'o-' || :oid, NULL, 'confirmed', NULL, :staff, 'order_created', now()::timestamp);
INSERT INTO outbox_events (id, tenant_id, event_type, aggregate_id, payload, created_at) VALUES ('e-' || :oid, :tenant, 'order.created', 'o-' || :oid, '{"currency":"MYR","items":3,"order_id":"o","order_number":"ORD-2099-0001","status":"confirmed","total_amount":"60.00"}', now()::timestamp);
COMMIT;
