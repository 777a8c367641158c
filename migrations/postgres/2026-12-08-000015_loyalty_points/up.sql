-- Points (003 §10.2–10.4): the ledger says what kind of change each row is, the balance after
-- it and when added points expire; each customer's balance is kept beside the ledger (its sum,
-- written in the same transaction) so a spend is one guarded update that never goes below zero;
-- each merchant has one earning rule; each tier multiplies what its members earn.
ALTER TABLE points_ledger ADD COLUMN kind TEXT NOT NULL DEFAULT 'adjust'
    CHECK (kind IN ('earn', 'adjust', 'redeem', 'reverse', 'expire'));
ALTER TABLE points_ledger ADD COLUMN balance_after BIGINT NOT NULL DEFAULT 0;
ALTER TABLE points_ledger ADD COLUMN expires_at TIMESTAMP;

UPDATE points_ledger SET balance_after = (
    SELECT SUM(p.delta) FROM points_ledger p
    WHERE p.tenant_id = points_ledger.tenant_id
      AND p.customer_id = points_ledger.customer_id
      AND (p.created_at < points_ledger.created_at
           OR (p.created_at = points_ledger.created_at AND p.id <= points_ledger.id))
);

-- An order earns once, however many completions race.
CREATE UNIQUE INDEX points_ledger_earned_once ON points_ledger (tenant_id, customer_id, reference)
    WHERE kind = 'earn';
CREATE INDEX points_ledger_reference ON points_ledger (tenant_id, customer_id, kind, reference);

CREATE TABLE points_balances (
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    customer_id TEXT NOT NULL REFERENCES customers (id),
    balance BIGINT NOT NULL CHECK (balance >= 0),
    -- When the soonest unspent points expire; the worker's expiry sweep reads it.
    next_expiry_at TIMESTAMP,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (tenant_id, customer_id)
);
CREATE INDEX points_balances_expiry ON points_balances (next_expiry_at)
    WHERE next_expiry_at IS NOT NULL;

INSERT INTO points_balances (tenant_id, customer_id, balance, next_expiry_at, updated_at)
SELECT tenant_id, customer_id, SUM(delta), NULL, CURRENT_TIMESTAMP
FROM points_ledger GROUP BY tenant_id, customer_id HAVING SUM(delta) >= 0;

CREATE TABLE points_rules (
    tenant_id TEXT PRIMARY KEY REFERENCES tenants (id),
    enabled BOOLEAN NOT NULL,
    points BIGINT NOT NULL CHECK (points > 0),
    per_amount_minor BIGINT NOT NULL CHECK (per_amount_minor > 0),
    currency TEXT NOT NULL,
    rounding TEXT NOT NULL CHECK (rounding IN ('down', 'nearest', 'up')),
    -- JSON arrays of order types and channels
    order_types TEXT NOT NULL,
    channels TEXT NOT NULL,
    expiry_months BIGINT CHECK (expiry_months > 0),
    updated_at TIMESTAMP NOT NULL
);

ALTER TABLE membership_tiers ADD COLUMN points_multiplier BIGINT NOT NULL DEFAULT 100
    CHECK (points_multiplier > 0);
