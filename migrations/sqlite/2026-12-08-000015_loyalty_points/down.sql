ALTER TABLE membership_tiers DROP COLUMN points_multiplier;
DROP TABLE points_rules;
DROP TABLE points_balances;
DROP INDEX points_ledger_reference;
DROP INDEX points_ledger_earned_once;
ALTER TABLE points_ledger DROP COLUMN expires_at;
ALTER TABLE points_ledger DROP COLUMN balance_after;
ALTER TABLE points_ledger DROP COLUMN kind;
