DROP TABLE order_refunds;
ALTER TABLE order_items DROP COLUMN returned_quantity;
ALTER TABLE orders DROP COLUMN refunded_amount_minor;
