-- What an order line showed of its product when it was sold (002's OrderItem
-- productDescription and productImageUrl): later edits of the product do not change history.
ALTER TABLE order_items ADD COLUMN product_description TEXT;
ALTER TABLE order_items ADD COLUMN product_image_url TEXT;
