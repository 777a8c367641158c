DROP INDEX orders_customer_completed;
DROP TABLE tier_changes;
