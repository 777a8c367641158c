-- Order search that scales, the customers' side: an FTS5 index with the trigram tokenizer over
-- the text an order search looks at in a customer (name, e-mail, phone), kept by triggers, keyed
-- by the customer's rowid, as `orders_search` is for orders (migration `order_search`). A search
-- of three characters or more finds the candidate customers there instead of scanning all of
-- them; the exact LIKE on the customer's fields still decides. The fields are joined with the
-- unit separator (char(31)), which no search term can contain. (After a VACUUM, which may
-- renumber the rowids, rebuild it: DELETE FROM customers_search; then the INSERT ... SELECT
-- below.)

CREATE VIRTUAL TABLE customers_search USING fts5(body, tokenize = 'trigram');

INSERT INTO customers_search (rowid, body)
    SELECT rowid, lower(name || char(31) || coalesce(email, '') || char(31) ||
        coalesce(phone, ''))
    FROM customers;

CREATE TRIGGER customers_search_insert AFTER INSERT ON customers BEGIN
    INSERT INTO customers_search (rowid, body) VALUES (new.rowid, lower(
        new.name || char(31) || coalesce(new.email, '') || char(31) || coalesce(new.phone, '')));
END;

CREATE TRIGGER customers_search_update AFTER UPDATE OF name, email, phone ON customers BEGIN
    UPDATE customers_search SET body = lower(
        new.name || char(31) || coalesce(new.email, '') || char(31) || coalesce(new.phone, ''))
    WHERE rowid = new.rowid;
END;

CREATE TRIGGER customers_search_delete AFTER DELETE ON customers BEGIN
    DELETE FROM customers_search WHERE rowid = old.rowid;
END;
