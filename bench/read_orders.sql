-- pgbench: the SQL of GET /v1/orders?status=completed,paid&search=tan&per_page=20, statement for
-- statement as Kedai issues it on PostgreSQL: the session check, then in one read-only snapshot
-- the tenant, the count, the page, the page's items and the page's customers. The search is the
-- trigram-indexed text of the order (number, contact name, e-mail, phone, customer e-mail,
-- joined with chr(31)) or a customer whose text matches, the customers' matches becoming an
-- array the order scan looks up by index (crates/persistence/src/repos/orders.rs,
-- search_condition). Kedai binds the page's order ids and their customers' ids to the last two
-- queries; bench.py reads them from the same request's response and passes them as `ids` and
-- `customers`. Kedai sends the search queries as unnamed statements, planned for their
-- parameters every time; bench.py runs this script with plan_cache_mode = force_custom_plan
-- to match. Variables: tenant, staff, sid, statuses, pattern (e.g. %tan%), ids, customers.
SELECT s.id, s.tenant_id, s.staff_id, st.role, st.active FROM staff_sessions s JOIN staff st ON st.id = s.staff_id AND st.tenant_id = s.tenant_id WHERE s.id = :sid AND s.tenant_id = :tenant AND s.staff_id = :staff AND s.revoked_at IS NULL AND s.expires_at > now()::timestamp LIMIT 1;
BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;
SELECT id, name, currency, time_zone, public_order_summary, created_at, business_type, email, phone, status, updated_at FROM tenants WHERE id = :tenant LIMIT 1;
SELECT COUNT(*) FROM orders WHERE tenant_id = :tenant AND status = ANY(:statuses) AND (lower(orders.order_number || chr(31) || coalesce(orders.contact_name, '') || chr(31) || coalesce(orders.contact_email, '') || chr(31) || coalesce(orders.contact_phone, '') || chr(31) || coalesce(orders.customer_email, '')) LIKE :pattern ESCAPE '\' OR orders.customer_id = ANY(ARRAY(SELECT c.id FROM customers c WHERE c.tenant_id = :tenant AND lower(c.name || chr(31) || coalesce(c.email, '') || chr(31) || coalesce(c.phone, '')) LIKE :pattern ESCAPE '\')));
SELECT id, tenant_id, order_number, order_type, status, currency, subtotal_minor, shipping_fee_minor, tax_amount_minor, discount_amount_minor, total_amount_minor, payment_status, tracking_number, customer_id, customer_email, outlet_id, contact_name, contact_phone, contact_email, shipping_method, shipping_address, payment_method, notes, special_instructions, created_by, created_at, updated_at, confirmed_at, paid_at, processing_at, shipped_at, delivered_at, completed_at, cancelled_at, refunded_at, coupon_id, coupon_code, coupon_discount_minor FROM orders WHERE tenant_id = :tenant AND status = ANY(:statuses) AND (lower(orders.order_number || chr(31) || coalesce(orders.contact_name, '') || chr(31) || coalesce(orders.contact_email, '') || chr(31) || coalesce(orders.contact_phone, '') || chr(31) || coalesce(orders.customer_email, '')) LIKE :pattern ESCAPE '\' OR orders.customer_id = ANY(ARRAY(SELECT c.id FROM customers c WHERE c.tenant_id = :tenant AND lower(c.name || chr(31) || coalesce(c.email, '') || chr(31) || coalesce(c.phone, '')) LIKE :pattern ESCAPE '\'))) ORDER BY created_at DESC, id DESC LIMIT 20 OFFSET 0;
SELECT id, tenant_id, order_id, position, product_id, product_name, product_sku, quantity, unit_price_minor, total_price_minor, created_at, parent_product_id, product_description, product_image_url FROM order_items WHERE tenant_id = :tenant AND order_id = ANY(:ids) ORDER BY order_id, position;
SELECT id, name, email, phone FROM customers WHERE tenant_id = :tenant AND id = ANY(:customers);
COMMIT;
