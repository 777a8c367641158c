-- Order search that scales: trigram indexes over the text an order search looks at (number,
-- contact name, e-mail and phone, the customer's e-mail on the order) and over customers' names,
-- e-mails and phones, so `LIKE '%term%'` is an index lookup instead of a scan of every order.
-- The fields are joined with the unit separator (chr(31)), which no search term can contain
-- (control characters are refused), so no match spans two fields. pg_trgm is a trusted
-- extension: the database owner may create it.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE INDEX orders_search ON orders USING gin ((lower(
    order_number || chr(31) || coalesce(contact_name, '') || chr(31) ||
    coalesce(contact_email, '') || chr(31) || coalesce(contact_phone, '') || chr(31) ||
    coalesce(customer_email, ''))) gin_trgm_ops);

CREATE INDEX customers_search ON customers USING gin ((lower(
    name || chr(31) || coalesce(email, '') || chr(31) || coalesce(phone, ''))) gin_trgm_ops);
