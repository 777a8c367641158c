DROP INDEX customers_search;
DROP INDEX orders_search;
