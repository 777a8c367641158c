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

ALTER TABLE mock_gateway_sessions DROP CONSTRAINT mock_gateway_sessions_status_check;
ALTER TABLE mock_gateway_sessions ADD CONSTRAINT mock_gateway_sessions_status_check
    CHECK (status IN ('pending', 'approved', 'declined', 'cancelled'));
