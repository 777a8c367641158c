-- A merchant's own account at a payment gateway (Stripe): its keys, the secret its webhooks are
-- signed with, the payment methods offered, and where customers return after paying. A merchant
-- without one takes payments through the built-in mock gateway.
CREATE TABLE payment_gateways (
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    gateway TEXT NOT NULL,
    secret_key TEXT NOT NULL,
    publishable_key TEXT,
    webhook_secret TEXT NOT NULL,
    methods TEXT NOT NULL,
    return_url TEXT NOT NULL,
    api_base TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (tenant_id, gateway)
);
