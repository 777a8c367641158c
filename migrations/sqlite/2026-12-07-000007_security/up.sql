-- Security: which phone and e-mail of a customer were proven by a one-time code, and how long
-- a code proven for a non-member may be used to register; staff refresh tokens already spent
-- (presenting one again ends its session); the hash of a guest order's secret; cancelled
-- checkouts of the mock gateway.

ALTER TABLE customers ADD COLUMN verified_phone TEXT;
ALTER TABLE customers ADD COLUMN verified_email TEXT;

ALTER TABLE otp_challenges ADD COLUMN registration_until TIMESTAMP;

CREATE TABLE staff_spent_refresh_tokens (
    refresh_hash TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    session_id TEXT NOT NULL REFERENCES staff_sessions (id),
    spent_at TIMESTAMP NOT NULL
);

ALTER TABLE orders ADD COLUMN guest_secret_hash TEXT;

-- The mock gateway's page finds the intent its session belongs to.
CREATE INDEX payment_intents_session ON payment_intents (gateway_session);

-- SQLite cannot change a CHECK constraint in place: rebuild the table.
CREATE TABLE mock_gateway_sessions_next (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    amount_minor BIGINT NOT NULL CHECK (amount_minor > 0),
    currency TEXT NOT NULL,
    description TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'declined', 'cancelled')),
    reference TEXT,
    created_at TIMESTAMP NOT NULL,
    decided_at TIMESTAMP
);
INSERT INTO mock_gateway_sessions_next
    SELECT id, tenant_id, amount_minor, currency, description, status, reference, created_at, decided_at
    FROM mock_gateway_sessions;
DROP TABLE mock_gateway_sessions;
ALTER TABLE mock_gateway_sessions_next RENAME TO mock_gateway_sessions;
