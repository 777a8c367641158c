-- Order numbers off the hot row. Each merchant's numbers of a year come from a sequence of its
-- own, created on the first order of that year and starting after the merchant's counter row
-- (orders numbered before this migration, or loaded in bulk). nextval takes no lock that is
-- held to commit, so one merchant's orders no longer queue on one row until each commit has
-- flushed; the price is a gap where an order that took a number rolls back.
--
-- The first order of a year creates the sequence under a lock on order_counters held to the
-- end of its transaction (EXCLUSIVE: readers go on, other creators wait). Taking a table lock,
-- unlike an advisory lock, makes the waiting transaction see the catalogue as the creator
-- committed it, so the re-check finds the sequence and it is created once. A creation rolled
-- back with its order is simply made again by the next order.

CREATE FUNCTION kedai_order_sequence(tenant TEXT, yr INTEGER) RETURNS regclass
LANGUAGE plpgsql AS $$
DECLARE
    name TEXT := 'order_number_' || replace(tenant, '-', '') || '_' || yr;
    seq regclass := to_regclass(name);
BEGIN
    IF seq IS NULL THEN
        LOCK TABLE order_counters IN EXCLUSIVE MODE;
        seq := to_regclass(name);
        IF seq IS NULL THEN
            EXECUTE format('CREATE SEQUENCE %I', name);
            seq := to_regclass(name);
            PERFORM setval(seq, COALESCE((SELECT last_value FROM order_counters
                                          WHERE tenant_id = tenant AND year = yr), 0) + 1, false);
        END IF;
    END IF;
    RETURN seq;
END
$$;

-- The next order number of a merchant and year.
CREATE FUNCTION kedai_next_order_number(tenant TEXT, yr INTEGER) RETURNS BIGINT
LANGUAGE sql AS $$ SELECT nextval(kedai_order_sequence(tenant, yr)) $$;

-- The highest number a merchant's year has given out (or has been raised to).
CREATE FUNCTION kedai_order_counter(tenant TEXT, yr INTEGER) RETURNS BIGINT
LANGUAGE sql AS $$
    SELECT GREATEST(
        COALESCE((SELECT last_value FROM order_counters WHERE tenant_id = tenant AND year = yr), 0),
        COALESCE(pg_sequence_last_value(
            to_regclass('order_number_' || replace(tenant, '-', '') || '_' || yr)), 0))
$$;

-- Makes sure the next number of a merchant's year is above `last` (bulk loading).
CREATE FUNCTION kedai_raise_order_counter(tenant TEXT, yr INTEGER, last BIGINT) RETURNS VOID
LANGUAGE sql AS $$
    SELECT setval(kedai_order_sequence(tenant, yr),
                  GREATEST(last, kedai_order_counter(tenant, yr)), true)
$$;
