-- pgbench: the database work of one POST /v1/orders (3 products, 2 units each), statement for
-- statement as Kedai issues it on PostgreSQL (the transcript; see bench/order_ideal.sql for the
-- least SQL that does the same work): the session check, which reads the merchant too, then one
-- transaction that reads the products, then allocates FIFO for all the products at once
-- (crates/app/src/inventory.rs, allocate_many): one read locking each product's oldest open lots
-- (in product and FIFO order), one guarded UPDATE taking from every lot planned, one INSERT of
-- the allocations and one of the ledger rows; then the order number (`kedai_next_order_number`, a
-- sequence per merchant and year), the products' images (for the items' snapshot), the order, its
-- items in one INSERT, its first status-history row and its outbox event.
--
-- Kedai plans the takes from the lots it read and sends them as arrays; pgbench has no loops, so
-- the UPDATE here plans them itself from the same lots (a running sum), in the same round trip.
-- The read locks the lots, so the UPDATE takes every lot planned; should it not, the transaction
-- raises a serialization failure, which pgbench (run with --max-tries) retries.
-- Variables from the command line: tenant, staff, sid, first (first product id), count.
\set a random(0, :count - 1)
\set b (:a + random(1, 16)) % :count
\set c (:a + random(17, 33)) % :count
\set p1 :first + least(:a, :b, :c)
\set p3 :first + greatest(:a, :b, :c)
\set p2 :first + :a + :b + :c - least(:a, :b, :c) - greatest(:a, :b, :c)
\set oid random(1, 9000000000000000000)
SELECT s.id, s.tenant_id, s.staff_id, st.role, st.active, t.id, t.name, t.currency, t.time_zone, t.public_order_summary, t.created_at, t.business_type, t.email, t.phone, t.status, t.updated_at FROM staff_sessions s JOIN staff st ON st.id = s.staff_id AND st.tenant_id = s.tenant_id JOIN tenants t ON t.id = s.tenant_id WHERE s.id = :sid AND s.tenant_id = :tenant AND s.staff_id = :staff AND s.revoked_at IS NULL AND s.expires_at > now()::timestamp LIMIT 1;
BEGIN;
SELECT id, tenant_id, name, sku, category, description, price_minor, currency, status, outlet_ids, created_at, updated_at, deleted_at, slug, short_name, parent_id, product_type, is_featured, discount_price_minor, member_price_minor, seo_title, seo_description, shipping_weight, brand_id, track_inventory, low_stock_threshold FROM products WHERE tenant_id = :tenant AND id IN (:p1, :p2, :p3) AND deleted_at IS NULL;
SELECT l.id, l.tenant_id, l.product_id, l.quantity, l.remaining, l.source, l.note, l.received_at, l.created_at, l.created_by FROM unnest(ARRAY[:p1, :p2, :p3]::bigint[], ARRAY[2, 2, 2]::bigint[]) AS w(product_id, lim) CROSS JOIN LATERAL (SELECT * FROM inventory_lots WHERE inventory_lots.tenant_id = :tenant AND inventory_lots.product_id = w.product_id AND inventory_lots.remaining > 0 ORDER BY inventory_lots.received_at, inventory_lots.created_at, inventory_lots.id LIMIT w.lim FOR NO KEY UPDATE) l;
WITH lot AS (SELECT w.ord, l.id, l.remaining, w.need, sum(l.remaining) OVER (PARTITION BY w.product_id ORDER BY l.received_at, l.created_at, l.id) AS upto, l.received_at, l.created_at FROM unnest(ARRAY[:p1, :p2, :p3]::bigint[], ARRAY[2, 2, 2]::bigint[]) WITH ORDINALITY AS w(product_id, need, ord) CROSS JOIN LATERAL (SELECT * FROM inventory_lots WHERE inventory_lots.tenant_id = :tenant AND inventory_lots.product_id = w.product_id AND inventory_lots.remaining > 0 ORDER BY inventory_lots.received_at, inventory_lots.created_at, inventory_lots.id LIMIT w.need) l), v AS (SELECT id, least(remaining, need - (upto - remaining)) AS q, row_number() OVER (ORDER BY ord, received_at, created_at, id) AS ord FROM lot WHERE upto - remaining < need), u AS (UPDATE inventory_lots l SET remaining = l.remaining - v.q FROM v WHERE l.tenant_id = :tenant AND l.id = v.id AND l.remaining - v.q >= 0 RETURNING l.id, l.product_id, v.q) SELECT (SELECT count(*) FROM v) AS planned, count(*) AS taken, coalesce(sum(u.q), 0) AS units, coalesce(string_agg(u.id, ','), '') AS ids, coalesce(string_agg(u.product_id::text, ','), '') AS pids, coalesce(string_agg(u.q::text, ','), '') AS qs FROM u \gset
\if :taken < :planned OR :units < 6
DO $$ BEGIN RAISE EXCEPTION 'lots lost to a concurrent order' USING ERRCODE = 'serialization_failure'; END $$;
\endif
INSERT INTO stock_allocations (id, tenant_id, product_id, lot_id, quantity, source, reference, created_at, released_at) SELECT 'a' || t.n || '-' || :oid, :tenant, t.p, t.id, t.q, 'order', 'o-' || :oid, now()::timestamp, NULL FROM unnest(string_to_array(:ids, ','), string_to_array(:pids, ',')::bigint[], string_to_array(:qs, ',')::bigint[]) WITH ORDINALITY AS t(id, p, q, n);
INSERT INTO stock_movements (id, tenant_id, product_id, lot_id, kind, quantity, source, reference, actor, created_at) SELECT 'm' || t.n || '-' || :oid, :tenant, t.p, t.id, 'allocate', 0 - t.q, 'order', 'o-' || :oid, :staff, now()::timestamp FROM unnest(string_to_array(:ids, ','), string_to_array(:pids, ',')::bigint[], string_to_array(:qs, ',')::bigint[]) WITH ORDINALITY AS t(id, p, q, n);
SELECT kedai_next_order_number(:tenant, 2099) AS last_value \gset
SELECT id, tenant_id, product_id, src, name, alt, width, height, is_primary, position, created_at FROM product_images WHERE tenant_id = :tenant AND product_id = ANY(ARRAY[:p1, :p2, :p3]::bigint[]) ORDER BY product_id, is_primary DESC, position, id;
INSERT INTO orders (id, tenant_id, order_number, order_type, status, currency, subtotal_minor, shipping_fee_minor, tax_amount_minor, discount_amount_minor, total_amount_minor, payment_status, tracking_number, customer_id, customer_email, outlet_id, contact_name, contact_phone, contact_email, shipping_method, shipping_address, payment_method, notes, special_instructions, created_by, created_at, updated_at, confirmed_at, paid_at, processing_at, shipped_at, delivered_at, completed_at, cancelled_at, refunded_at, coupon_id, coupon_code, coupon_discount_minor) VALUES ('o-' || :oid, :tenant, 'ORD-2099-' || lpad(:last_value::text, greatest(4, length(:last_value::text)), '0'), 'pickup', 'confirmed', 'MYR', 6000, 0, 0, 0, 6000, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, :staff, now()::timestamp, now()::timestamp, now()::timestamp, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0);
INSERT INTO order_items (id, tenant_id, order_id, position, product_id, product_name, product_sku, quantity, unit_price_minor, total_price_minor, created_at, parent_product_id, product_description, product_image_url) VALUES ('i1-' || :oid, :tenant, 'o-' || :oid, 0, :p1, 'Bench product', NULL, 2, 1000, 2000, now()::timestamp, NULL, NULL, NULL), ('i2-' || :oid, :tenant, 'o-' || :oid, 1, :p2, 'Bench product', NULL, 2, 1000, 2000, now()::timestamp, NULL, NULL, NULL), ('i3-' || :oid, :tenant, 'o-' || :oid, 2, :p3, 'Bench product', NULL, 2, 1000, 2000, now()::timestamp, NULL, NULL, NULL);
INSERT INTO order_status_history (id, tenant_id, order_id, from_status, to_status, tracking_number, actor, reason, created_at) VALUES ('h-' || :oid, :tenant, 'o-' || :oid, NULL, 'confirmed', NULL, :staff, 'order_created', now()::timestamp);
INSERT INTO outbox_events (id, tenant_id, event_type, aggregate_id, payload, created_at) VALUES ('e-' || :oid, :tenant, 'order.created', 'o-' || :oid, '{"currency":"MYR","items":3,"order_id":"o","order_number":"ORD-2099-0001","status":"confirmed","total_amount":"60.00"}', now()::timestamp);
COMMIT;
