-- Order search that scales: an FTS5 index with the trigram tokenizer over the text an order
-- search looks at (number, contact name, e-mail and phone, the customer's e-mail on the order),
-- kept by triggers, keyed by the order's rowid. A search of three characters or more finds its
-- candidates there; the exact LIKE on the order's own fields then decides, as before. The
-- fields are joined with the unit separator (char(31)), which no search term can contain.
-- (VACUUM may renumber the rowids of a table without an INTEGER PRIMARY KEY; after one, rebuild
-- the index: DELETE FROM orders_search; then the INSERT ... SELECT below.)

CREATE VIRTUAL TABLE orders_search USING fts5(body, tokenize = 'trigram');

INSERT INTO orders_search (rowid, body)
    SELECT rowid, lower(order_number || char(31) || coalesce(contact_name, '') || char(31) ||
        coalesce(contact_email, '') || char(31) || coalesce(contact_phone, '') || char(31) ||
        coalesce(customer_email, ''))
    FROM orders;

CREATE TRIGGER orders_search_insert AFTER INSERT ON orders BEGIN
    INSERT INTO orders_search (rowid, body) VALUES (new.rowid, lower(
        new.order_number || char(31) || coalesce(new.contact_name, '') || char(31) ||
        coalesce(new.contact_email, '') || char(31) || coalesce(new.contact_phone, '') ||
        char(31) || coalesce(new.customer_email, '')));
END;

CREATE TRIGGER orders_search_update AFTER UPDATE OF order_number, contact_name, contact_email,
    contact_phone, customer_email ON orders BEGIN
    UPDATE orders_search SET body = lower(
        new.order_number || char(31) || coalesce(new.contact_name, '') || char(31) ||
        coalesce(new.contact_email, '') || char(31) || coalesce(new.contact_phone, '') ||
        char(31) || coalesce(new.customer_email, ''))
    WHERE rowid = new.rowid;
END;

CREATE TRIGGER orders_search_delete AFTER DELETE ON orders BEGIN
    DELETE FROM orders_search WHERE rowid = old.rowid;
END;
