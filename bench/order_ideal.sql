-- pgbench: the least SQL that does the logical work of one POST /v1/orders (3 products, 2 units
-- each, FIFO from the products' oldest open lots), the database's limit for this order. One
-- statement, so one round trip and one commit:
--   want   the lines, in product id order (locks are taken in that order, so no deadlock);
--   line   their products, on sale, for names, SKUs and prices;
--   lot    per line, the oldest open lots that can hold its units (each open lot holds at least
--          one, so `qty` lots are enough), locked as the UPDATE below would lock them; a lot a
--          concurrent order emptied meanwhile is skipped and the next one read, and the lots
--          come back as that order left them (READ COMMITTED), with a running sum;
--   ok     every line is on sale and has its units: otherwise nothing below writes anything
--          and no row comes back (the order is refused, all or nothing);
--   taken  one guarded UPDATE (`remaining >= n`) of every lot touched, FIFO, RETURNING what it
--          took; allocations and ledger rows are inserted from that result, so they sum to
--          exactly what was taken;
--   ord    the order, numbered by Kedai's sequence of the merchant and year
--          (kedai_next_order_number), with its total;
--   then its items, its first status-history row and its outbox event, one INSERT each.
-- No session check and no tenant read beyond the currency the order is in.
-- Variables from the command line: tenant, staff, first (first product id), count.
\set a random(0, :count - 1)
\set b (:a + random(1, 16)) % :count
\set c (:a + random(17, 33)) % :count
\set p1 :first + least(:a, :b, :c)
\set p3 :first + greatest(:a, :b, :c)
\set p2 :first + :a + :b + :c - least(:a, :b, :c) - greatest(:a, :b, :c)
\set oid random(1, 9000000000000000000)
WITH want (position, product_id, qty) AS (
    VALUES (0, :p1::bigint, 2::bigint), (1, :p2::bigint, 2::bigint), (2, :p3::bigint, 2::bigint)
), line AS (
    SELECT w.position, w.product_id, w.qty, p.name, p.sku, p.price_minor
    FROM want w JOIN products p ON p.tenant_id = :tenant AND p.id = w.product_id
    WHERE p.status = 'active' AND p.deleted_at IS NULL
), lot AS (
    SELECT w.product_id, w.qty, l.id, l.remaining,
           sum(l.remaining) OVER (PARTITION BY w.product_id
                                  ORDER BY l.received_at, l.created_at, l.id) AS upto
    FROM want w CROSS JOIN LATERAL (
        SELECT id, remaining, received_at, created_at FROM inventory_lots
        WHERE tenant_id = :tenant AND product_id = w.product_id AND remaining > 0
        ORDER BY received_at, created_at, id LIMIT w.qty FOR NO KEY UPDATE) l
), ok AS (
    SELECT count(*) = 3 AS go FROM line
    WHERE line.qty <= (SELECT sum(remaining) FROM lot WHERE lot.product_id = line.product_id)
), taken AS (
    UPDATE inventory_lots l SET remaining = l.remaining - t.n
    FROM (SELECT lot.id, least(lot.remaining, lot.qty - (lot.upto - lot.remaining)) AS n
          FROM lot, ok WHERE ok.go AND lot.upto - lot.remaining < lot.qty) t
    WHERE l.id = t.id AND l.remaining >= t.n
    RETURNING l.id, l.product_id, t.n
), alloc AS (
    INSERT INTO stock_allocations (id, tenant_id, product_id, lot_id, quantity, source, reference, created_at)
    SELECT 'a-' || :oid || '-' || id, :tenant, product_id, id, n, 'order', 'o-' || :oid, now()::timestamp FROM taken
), moves AS (
    INSERT INTO stock_movements (id, tenant_id, product_id, lot_id, kind, quantity, source, reference, actor, created_at)
    SELECT 'm-' || :oid || '-' || id, :tenant, product_id, id, 'allocate', -n, 'order', 'o-' || :oid, :staff, now()::timestamp FROM taken
), ord AS (
    INSERT INTO orders (id, tenant_id, order_number, order_type, status, currency, subtotal_minor, shipping_fee_minor, tax_amount_minor, discount_amount_minor, total_amount_minor, created_by, created_at, updated_at, confirmed_at, coupon_discount_minor)
    SELECT 'o-' || :oid, :tenant,
           CASE WHEN (SELECT sum(n) FROM taken) = s.units  -- always; else NULL fails the statement
                THEN (SELECT 'ORD-2099-' || lpad(n::text, greatest(4, length(n::text)), '0') FROM kedai_next_order_number(:tenant, 2099) AS n) END, 'pickup', 'confirmed',
           (SELECT currency FROM tenants WHERE id = :tenant), s.total, 0, 0, 0, s.total, :staff, now()::timestamp, now()::timestamp, now()::timestamp, 0
    FROM ok, (SELECT sum(price_minor * qty) AS total, sum(qty) AS units FROM line) s WHERE ok.go
    RETURNING id, order_number, currency, total_amount_minor
), items AS (
    INSERT INTO order_items (id, tenant_id, order_id, position, product_id, product_name, product_sku, quantity, unit_price_minor, total_price_minor, created_at)
    SELECT 'i' || line.position || '-' || :oid, :tenant, ord.id, line.position, line.product_id, line.name, line.sku, line.qty, line.price_minor, line.price_minor * line.qty, now()::timestamp
    FROM ord, line
), history AS (
    INSERT INTO order_status_history (id, tenant_id, order_id, from_status, to_status, actor, reason, created_at)
    SELECT 'h-' || :oid, :tenant, ord.id, NULL, 'confirmed', :staff, 'order_created', now()::timestamp FROM ord
), event AS (
    INSERT INTO outbox_events (id, tenant_id, event_type, aggregate_id, payload, created_at)
    SELECT 'e-' || :oid, :tenant, 'order.created', ord.id,
           json_build_object('currency', ord.currency, 'items', 3, 'order_id', ord.id, 'order_number', ord.order_number,
                             'status', 'confirmed', 'total_amount', to_char(ord.total_amount_minor / 100.0, 'FM999999999990.00'))::text,
           now()::timestamp FROM ord
)
SELECT order_number FROM ord;
