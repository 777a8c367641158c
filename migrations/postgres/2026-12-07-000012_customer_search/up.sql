-- Order search that scales, the customers' side. PostgreSQL already finds customers by trigram
-- index (`customers_search`, migration `order_search`); SQLite gains the same index in this
-- migration. Here the index is only described, so that both trees keep the same versions.

COMMENT ON INDEX customers_search IS
    'Order search: customers whose name, e-mail or phone contain a term (pg_trgm).';
