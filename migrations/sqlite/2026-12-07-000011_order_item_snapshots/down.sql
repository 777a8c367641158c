ALTER TABLE order_items DROP COLUMN product_image_url;
ALTER TABLE order_items DROP COLUMN product_description;
