CREATE INDEX orders_tenant_created ON orders (tenant_id, created_at);
DROP INDEX orders_tenant_created_facts;
DROP INDEX inventory_lots_open;
