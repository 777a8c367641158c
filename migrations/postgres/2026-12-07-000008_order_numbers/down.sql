-- Carry each sequence's last number back into its counter row, then drop the sequences.
DO $$
DECLARE
    s RECORD;
    t TEXT;
    tenant TEXT;
    yr INTEGER;
    last BIGINT;
BEGIN
    FOR s IN SELECT c.relname FROM pg_class c
             WHERE c.relkind = 'S' AND c.relname LIKE 'order\_number\_%' LOOP
        t := substring(s.relname FROM 14 FOR 32);
        yr := substring(s.relname FROM 47)::INTEGER;
        tenant := format('%s-%s-%s-%s-%s', substr(t, 1, 8), substr(t, 9, 4), substr(t, 13, 4),
                         substr(t, 17, 4), substr(t, 21, 12));
        last := pg_sequence_last_value(s.relname::regclass);
        IF last IS NOT NULL THEN
            INSERT INTO order_counters (tenant_id, year, last_value) VALUES (tenant, yr, last)
            ON CONFLICT (tenant_id, year)
            DO UPDATE SET last_value = GREATEST(order_counters.last_value, excluded.last_value);
        END IF;
        EXECUTE format('DROP SEQUENCE %I', s.relname);
    END LOOP;
END
$$;
DROP FUNCTION kedai_raise_order_counter(TEXT, INTEGER, BIGINT);
DROP FUNCTION kedai_order_counter(TEXT, INTEGER);
DROP FUNCTION kedai_next_order_number(TEXT, INTEGER);
DROP FUNCTION kedai_order_sequence(TEXT, INTEGER);
