-- pgbench: the SQL of GET /v1/orders/{id}, statement for statement as Kedai issues it on
-- PostgreSQL: the session check (which reads the merchant too), then in one read-only snapshot
-- the order, its customer, items, payments and status history. Variables: tenant, staff, sid,
-- order, customers (the order's customer id as an array, as Kedai binds it; bench.py picks an
-- order that has a customer).
SELECT s.id, s.tenant_id, s.staff_id, st.role, st.active, t.id, t.name, t.currency, t.time_zone, t.public_order_summary, t.created_at, t.business_type, t.email, t.phone, t.status, t.updated_at FROM staff_sessions s JOIN staff st ON st.id = s.staff_id AND st.tenant_id = s.tenant_id JOIN tenants t ON t.id = s.tenant_id WHERE s.id = :sid AND s.tenant_id = :tenant AND s.staff_id = :staff AND s.revoked_at IS NULL AND s.expires_at > now()::timestamp LIMIT 1;
BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;
SELECT id, tenant_id, order_number, order_type, status, currency, subtotal_minor, shipping_fee_minor, tax_amount_minor, discount_amount_minor, total_amount_minor, payment_status, tracking_number, customer_id, customer_email, outlet_id, contact_name, contact_phone, contact_email, shipping_method, shipping_address, payment_method, notes, special_instructions, created_by, created_at, updated_at, confirmed_at, paid_at, processing_at, shipped_at, delivered_at, completed_at, cancelled_at, refunded_at, coupon_id, coupon_code, coupon_discount_minor FROM orders WHERE tenant_id = :tenant AND id = :order LIMIT 1;
SELECT id, name, email, phone FROM customers WHERE tenant_id = :tenant AND id = ANY(:customers);
SELECT id, tenant_id, order_id, position, product_id, product_name, product_sku, quantity, unit_price_minor, total_price_minor, created_at, parent_product_id, product_description, product_image_url FROM order_items WHERE tenant_id = :tenant AND order_id = ANY(ARRAY[:order::text]) ORDER BY order_id, position;
SELECT id, tenant_id, order_id, method, amount_minor, currency, status, created_by, created_at FROM payments WHERE tenant_id = :tenant AND order_id = :order ORDER BY created_at, id;
SELECT id, tenant_id, order_id, from_status, to_status, tracking_number, actor, reason, created_at FROM order_status_history WHERE tenant_id = :tenant AND order_id = :order ORDER BY created_at, id;
COMMIT;
