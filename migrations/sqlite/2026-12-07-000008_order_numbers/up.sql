-- Order numbers off the hot row: on PostgreSQL each merchant's year gets a sequence. SQLite
-- serialises every write, so its counter row (order_counters) holds no one back: nothing
-- changes here.
SELECT 1;
