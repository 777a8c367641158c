-- pgbench: the SQL of GET /v1/products?page=1&limit=20, statement for statement as Kedai issues
-- it on PostgreSQL: the session check (which reads the merchant too), then in one read-only
-- snapshot the count, the page, and the page's open stock, categories and collections. Kedai
-- binds the page's product ids to the last three queries; bench.py reads them from the same
-- request's response and passes them as `ids`. Variables: tenant, staff, sid, ids.
SELECT s.id, s.tenant_id, s.staff_id, st.role, st.active, t.id, t.name, t.currency, t.time_zone, t.public_order_summary, t.created_at, t.business_type, t.email, t.phone, t.status, t.updated_at FROM staff_sessions s JOIN staff st ON st.id = s.staff_id AND st.tenant_id = s.tenant_id JOIN tenants t ON t.id = s.tenant_id WHERE s.id = :sid AND s.tenant_id = :tenant AND s.staff_id = :staff AND s.revoked_at IS NULL AND s.expires_at > now()::timestamp LIMIT 1;
BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;
SELECT COUNT(*) FROM products WHERE tenant_id = :tenant AND deleted_at IS NULL;
SELECT id, tenant_id, name, sku, category, description, price_minor, currency, status, outlet_ids, created_at, updated_at, deleted_at, slug, short_name, parent_id, product_type, is_featured, discount_price_minor, member_price_minor, seo_title, seo_description, shipping_weight, brand_id, track_inventory, low_stock_threshold FROM products WHERE tenant_id = :tenant AND deleted_at IS NULL ORDER BY id DESC LIMIT 20 OFFSET 0;
SELECT product_id, remaining FROM inventory_lots WHERE tenant_id = :tenant AND product_id = ANY(:ids) AND remaining > 0;
SELECT pcl.product_id, pc.id, pc.tenant_id, pc.name, pc.slug, pc.description, pc.image_url, pc.parent_id, pc.is_featured, pc.sort_order, pc.created_at, pc.updated_at FROM product_category_links pcl JOIN product_categories pc ON pc.id = pcl.category_id WHERE pcl.tenant_id = :tenant AND pc.tenant_id = :tenant AND pcl.product_id = ANY(:ids) ORDER BY pc.sort_order ASC, pc.id ASC;
SELECT pcl.product_id, c.id, c.tenant_id, c.name, c.slug, c.description, c.image_url, c.online_enabled, c.sort_order, c.created_at, c.updated_at FROM product_collection_links pcl JOIN collections c ON c.id = pcl.collection_id WHERE pcl.tenant_id = :tenant AND c.tenant_id = :tenant AND pcl.product_id = ANY(:ids) ORDER BY c.sort_order ASC, c.name ASC;
COMMIT;
