-- pgbench: the SQL of GET /v1/products?page=1&limit=20 (session check, then count, page and the
-- page's open stock in one read-only snapshot). The page's ids are re-selected inside the stock
-- query, where Kedai binds them.
SELECT s.id, s.tenant_id, s.staff_id, st.role, st.active FROM staff_sessions s JOIN staff st ON st.id = s.staff_id AND st.tenant_id = s.tenant_id WHERE s.id = :sid AND s.tenant_id = :tenant AND st.id = :staff AND s.revoked_at IS NULL AND s.expires_at > now()::timestamp LIMIT 1;
BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;
SELECT COUNT(*) FROM products WHERE tenant_id = :tenant AND deleted_at IS NULL;
SELECT id, tenant_id, name, sku, category, description, price_minor, currency, status, outlet_ids, created_at, updated_at, deleted_at FROM products WHERE tenant_id = :tenant AND deleted_at IS NULL ORDER BY id DESC LIMIT 20 OFFSET 0;
SELECT product_id, remaining FROM inventory_lots WHERE tenant_id = :tenant AND product_id = ANY(ARRAY(SELECT id FROM products WHERE tenant_id = :tenant AND deleted_at IS NULL ORDER BY id DESC LIMIT 20)) AND remaining > 0;
COMMIT;
