-- FIFO allocation reads only the lots that still hold stock: a partial index keeps that read
-- short however many exhausted lots a product has accumulated.
CREATE INDEX inventory_lots_open ON inventory_lots (tenant_id, product_id, received_at, created_at, id)
    WHERE remaining > 0;

-- Order summaries group a period's orders by day, status and paid flag: an index carrying those
-- columns answers them from the index alone. It replaces the plain (tenant_id, created_at) one.
CREATE INDEX orders_tenant_created_facts ON orders (tenant_id, created_at, status, total_amount_minor, paid_at);
DROP INDEX orders_tenant_created;
