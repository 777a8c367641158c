DROP TRIGGER orders_search_delete;
DROP TRIGGER orders_search_update;
DROP TRIGGER orders_search_insert;
DROP TABLE orders_search;
