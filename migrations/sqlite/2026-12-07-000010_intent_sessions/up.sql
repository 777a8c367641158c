-- A payment intent is stored before the gateway is asked to open its checkout (no transaction
-- is held across the gateway's network call), so its gateway session is unknown until the
-- gateway answers; an intent whose opening failed keeps none. SQLite cannot drop a NOT NULL,
-- so the table is rebuilt (nothing references it).
CREATE TABLE payment_intents_new (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    order_id TEXT NOT NULL REFERENCES orders (id),
    method TEXT NOT NULL,
    amount_minor BIGINT NOT NULL CHECK (amount_minor > 0),
    currency TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('requires_action', 'succeeded', 'failed', 'cancelled')),
    gateway TEXT NOT NULL,
    gateway_session TEXT,
    gateway_reference TEXT,
    payment_id TEXT REFERENCES payments (id),
    created_by TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    completed_at TIMESTAMP
);
INSERT INTO payment_intents_new SELECT * FROM payment_intents;
DROP TABLE payment_intents;
ALTER TABLE payment_intents_new RENAME TO payment_intents;
CREATE INDEX payment_intents_order ON payment_intents (tenant_id, order_id);
CREATE INDEX payment_intents_tenant ON payment_intents (tenant_id, created_at);
CREATE INDEX payment_intents_session ON payment_intents (gateway_session);
