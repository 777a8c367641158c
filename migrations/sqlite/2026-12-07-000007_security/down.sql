CREATE TABLE mock_gateway_sessions_prev (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    amount_minor BIGINT NOT NULL CHECK (amount_minor > 0),
    currency TEXT NOT NULL,
    description TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'declined')),
    reference TEXT,
    created_at TIMESTAMP NOT NULL,
    decided_at TIMESTAMP
);
INSERT INTO mock_gateway_sessions_prev
    SELECT id, tenant_id, amount_minor, currency, description,
           CASE status WHEN 'cancelled' THEN 'declined' ELSE status END, reference, created_at, decided_at
    FROM mock_gateway_sessions;
DROP TABLE mock_gateway_sessions;
ALTER TABLE mock_gateway_sessions_prev RENAME TO mock_gateway_sessions;

DROP INDEX payment_intents_session;
ALTER TABLE orders DROP COLUMN guest_secret_hash;
DROP TABLE staff_spent_refresh_tokens;
ALTER TABLE otp_challenges DROP COLUMN registration_until;
ALTER TABLE customers DROP COLUMN verified_email;
ALTER TABLE customers DROP COLUMN verified_phone;
