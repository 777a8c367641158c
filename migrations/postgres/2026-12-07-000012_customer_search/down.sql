COMMENT ON INDEX customers_search IS NULL;
