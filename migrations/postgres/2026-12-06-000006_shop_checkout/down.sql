ALTER TABLE order_items DROP COLUMN parent_product_id;
ALTER TABLE orders DROP COLUMN language;
ALTER TABLE orders DROP COLUMN cancel_url;
ALTER TABLE orders DROP COLUMN success_url;
ALTER TABLE orders DROP COLUMN payment_method_id;
ALTER TABLE orders DROP COLUMN shipping_method_id;
ALTER TABLE orders DROP COLUMN channel;
DROP TABLE shop_payment_methods;
DROP TABLE shipping_methods;
