CREATE TABLE payment_intents_old (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    order_id TEXT NOT NULL REFERENCES orders (id),
    method TEXT NOT NULL,
    amount_minor BIGINT NOT NULL CHECK (amount_minor > 0),
    currency TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('requires_action', 'succeeded', 'failed', 'cancelled')),
    gateway TEXT NOT NULL,
    gateway_session TEXT NOT NULL,
    gateway_reference TEXT,
    payment_id TEXT REFERENCES payments (id),
    created_by TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    completed_at TIMESTAMP
);
INSERT INTO payment_intents_old SELECT * FROM payment_intents WHERE gateway_session IS NOT NULL;
DROP TABLE payment_intents;
ALTER TABLE payment_intents_old RENAME TO payment_intents;
CREATE INDEX payment_intents_order ON payment_intents (tenant_id, order_id);
CREATE INDEX payment_intents_tenant ON payment_intents (tenant_id, created_at);
CREATE INDEX payment_intents_session ON payment_intents (gateway_session);
