-- pgbench: the database work of one POST /v1/orders (3 products, 2 units each), statement for
-- statement as Kedai issues it on PostgreSQL: the session check, then one transaction that reads
-- the tenant, the products and each product's open lots (FIFO), takes stock with the same
-- conditional UPDATE, writes allocations and ledger rows, numbers the order, and inserts the
-- order, its items, its first status-history row and its outbox event.
-- Variables from the command line: tenant, staff, sid, first (first product id), count.
\set a random(0, :count - 1)
\set b (:a + random(1, 16)) % :count
\set c (:a + random(17, 33)) % :count
\set p1 :first + least(:a, :b, :c)
\set p3 :first + greatest(:a, :b, :c)
\set p2 :first + :a + :b + :c - least(:a, :b, :c) - greatest(:a, :b, :c)
\set oid random(1, 9000000000000000000)
SELECT s.id, s.tenant_id, s.staff_id, st.role, st.active FROM staff_sessions s JOIN staff st ON st.id = s.staff_id AND st.tenant_id = s.tenant_id WHERE s.id = :sid AND s.tenant_id = :tenant AND st.id = :staff AND s.revoked_at IS NULL AND s.expires_at > now()::timestamp LIMIT 1;
BEGIN;
SELECT id, name, currency, time_zone, public_order_summary, created_at, business_type, email, phone, status, updated_at FROM tenants WHERE id = :tenant LIMIT 1;
SELECT id, tenant_id, name, sku, category, description, price_minor, currency, status, outlet_ids, created_at, updated_at, deleted_at FROM products WHERE tenant_id = :tenant AND id IN (:p1, :p2, :p3) AND deleted_at IS NULL;
-- product 1
SELECT (array_agg(id ORDER BY received_at, created_at, id))[1] AS lot_a, (array_agg(remaining ORDER BY received_at, created_at, id))[1] AS rem_a, (array_agg(id ORDER BY received_at, created_at, id))[2] AS lot_b FROM (SELECT id, tenant_id, product_id, quantity, remaining, source, note, received_at, created_at, created_by FROM inventory_lots WHERE tenant_id = :tenant AND product_id = :p1 AND inventory_lots.remaining > 0 ORDER BY received_at, created_at, id LIMIT 2) l \gset
\set take least(:rem_a, 2)
UPDATE inventory_lots SET remaining = remaining + (0 - :take) WHERE tenant_id = :tenant AND id = :lot_a AND remaining + (0 - :take) >= 0;
INSERT INTO stock_allocations (id, tenant_id, product_id, lot_id, quantity, source, reference, created_at) VALUES ('a1-' || :oid, :tenant, :p1, :lot_a, :take, 'order', 'o-' || :oid, now()::timestamp);
\if :take < 2
UPDATE inventory_lots SET remaining = remaining + (0 - (2 - :take)) WHERE tenant_id = :tenant AND id = :lot_b AND remaining + (0 - (2 - :take)) >= 0;
INSERT INTO stock_allocations (id, tenant_id, product_id, lot_id, quantity, source, reference, created_at) VALUES ('b1-' || :oid, :tenant, :p1, :lot_b, 2 - :take, 'order', 'o-' || :oid, now()::timestamp);
INSERT INTO stock_movements (id, tenant_id, product_id, lot_id, kind, quantity, source, reference, actor, created_at) VALUES ('mb1-' || :oid, :tenant, :p1, :lot_b, 'allocate', 0 - (2 - :take), 'order', 'o-' || :oid, :staff, now()::timestamp);
\endif
INSERT INTO stock_movements (id, tenant_id, product_id, lot_id, kind, quantity, source, reference, actor, created_at) VALUES ('ma1-' || :oid, :tenant, :p1, :lot_a, 'allocate', 0 - :take, 'order', 'o-' || :oid, :staff, now()::timestamp);
-- product 2
SELECT (array_agg(id ORDER BY received_at, created_at, id))[1] AS lot_a, (array_agg(remaining ORDER BY received_at, created_at, id))[1] AS rem_a, (array_agg(id ORDER BY received_at, created_at, id))[2] AS lot_b FROM (SELECT id, tenant_id, product_id, quantity, remaining, source, note, received_at, created_at, created_by FROM inventory_lots WHERE tenant_id = :tenant AND product_id = :p2 AND inventory_lots.remaining > 0 ORDER BY received_at, created_at, id LIMIT 2) l \gset
\set take least(:rem_a, 2)
UPDATE inventory_lots SET remaining = remaining + (0 - :take) WHERE tenant_id = :tenant AND id = :lot_a AND remaining + (0 - :take) >= 0;
INSERT INTO stock_allocations (id, tenant_id, product_id, lot_id, quantity, source, reference, created_at) VALUES ('a2-' || :oid, :tenant, :p2, :lot_a, :take, 'order', 'o-' || :oid, now()::timestamp);
\if :take < 2
UPDATE inventory_lots SET remaining = remaining + (0 - (2 - :take)) WHERE tenant_id = :tenant AND id = :lot_b AND remaining + (0 - (2 - :take)) >= 0;
INSERT INTO stock_allocations (id, tenant_id, product_id, lot_id, quantity, source, reference, created_at) VALUES ('b2-' || :oid, :tenant, :p2, :lot_b, 2 - :take, 'order', 'o-' || :oid, now()::timestamp);
INSERT INTO stock_movements (id, tenant_id, product_id, lot_id, kind, quantity, source, reference, actor, created_at) VALUES ('mb2-' || :oid, :tenant, :p2, :lot_b, 'allocate', 0 - (2 - :take), 'order', 'o-' || :oid, :staff, now()::timestamp);
\endif
INSERT INTO stock_movements (id, tenant_id, product_id, lot_id, kind, quantity, source, reference, actor, created_at) VALUES ('ma2-' || :oid, :tenant, :p2, :lot_a, 'allocate', 0 - :take, 'order', 'o-' || :oid, :staff, now()::timestamp);
-- product 3
SELECT (array_agg(id ORDER BY received_at, created_at, id))[1] AS lot_a, (array_agg(remaining ORDER BY received_at, created_at, id))[1] AS rem_a, (array_agg(id ORDER BY received_at, created_at, id))[2] AS lot_b FROM (SELECT id, tenant_id, product_id, quantity, remaining, source, note, received_at, created_at, created_by FROM inventory_lots WHERE tenant_id = :tenant AND product_id = :p3 AND inventory_lots.remaining > 0 ORDER BY received_at, created_at, id LIMIT 2) l \gset
\set take least(:rem_a, 2)
UPDATE inventory_lots SET remaining = remaining + (0 - :take) WHERE tenant_id = :tenant AND id = :lot_a AND remaining + (0 - :take) >= 0;
INSERT INTO stock_allocations (id, tenant_id, product_id, lot_id, quantity, source, reference, created_at) VALUES ('a3-' || :oid, :tenant, :p3, :lot_a, :take, 'order', 'o-' || :oid, now()::timestamp);
\if :take < 2
UPDATE inventory_lots SET remaining = remaining + (0 - (2 - :take)) WHERE tenant_id = :tenant AND id = :lot_b AND remaining + (0 - (2 - :take)) >= 0;
INSERT INTO stock_allocations (id, tenant_id, product_id, lot_id, quantity, source, reference, created_at) VALUES ('b3-' || :oid, :tenant, :p3, :lot_b, 2 - :take, 'order', 'o-' || :oid, now()::timestamp);
INSERT INTO stock_movements (id, tenant_id, product_id, lot_id, kind, quantity, source, reference, actor, created_at) VALUES ('mb3-' || :oid, :tenant, :p3, :lot_b, 'allocate', 0 - (2 - :take), 'order', 'o-' || :oid, :staff, now()::timestamp);
\endif
INSERT INTO stock_movements (id, tenant_id, product_id, lot_id, kind, quantity, source, reference, actor, created_at) VALUES ('ma3-' || :oid, :tenant, :p3, :lot_a, 'allocate', 0 - :take, 'order', 'o-' || :oid, :staff, now()::timestamp);
-- number, order, items, history, outbox
SELECT kedai_next_order_number(:tenant, 2099) AS last_value \gset
INSERT INTO orders (id, tenant_id, order_number, order_type, status, currency, subtotal_minor, shipping_fee_minor, tax_amount_minor, discount_amount_minor, total_amount_minor, payment_status, tracking_number, customer_id, customer_email, outlet_id, contact_name, contact_phone, contact_email, shipping_method, shipping_address, payment_method, notes, special_instructions, created_by, created_at, updated_at, confirmed_at, paid_at, processing_at, shipped_at, delivered_at, completed_at, cancelled_at, refunded_at, coupon_id, coupon_code, coupon_discount_minor) VALUES ('o-' || :oid, :tenant, 'ORD-2099-' || lpad(:last_value::text, 4, '0'), 'pickup', 'confirmed', 'MYR', 6000, 0, 0, 0, 6000, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, :staff, now()::timestamp, now()::timestamp, now()::timestamp, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0);
INSERT INTO order_items (id, tenant_id, order_id, position, product_id, product_name, product_sku, quantity, unit_price_minor, total_price_minor, created_at) VALUES ('i1-' || :oid, :tenant, 'o-' || :oid, 0, :p1, 'Bench product', NULL, 2, 1000, 2000, now()::timestamp);
INSERT INTO order_items (id, tenant_id, order_id, position, product_id, product_name, product_sku, quantity, unit_price_minor, total_price_minor, created_at) VALUES ('i2-' || :oid, :tenant, 'o-' || :oid, 1, :p2, 'Bench product', NULL, 2, 1000, 2000, now()::timestamp);
INSERT INTO order_items (id, tenant_id, order_id, position, product_id, product_name, product_sku, quantity, unit_price_minor, total_price_minor, created_at) VALUES ('i3-' || :oid, :tenant, 'o-' || :oid, 2, :p3, 'Bench product', NULL, 2, 1000, 2000, now()::timestamp);
INSERT INTO order_status_history (id, tenant_id, order_id, from_status, to_status, tracking_number, actor, reason, created_at) VALUES ('h-' || :oid, :tenant, 'o-' || :oid, NULL, 'confirmed', NULL, :staff, 'order_created', now()::timestamp);
INSERT INTO outbox_events (id, tenant_id, event_type, aggregate_id, payload, created_at) VALUES ('e-' || :oid, :tenant, 'order.created', 'o-' || :oid, '{"currency":"MYR","items":3,"order_id":"o","order_number":"ORD-2099-0001","status":"confirmed","total_amount":"60.00"}', now()::timestamp);
COMMIT;
