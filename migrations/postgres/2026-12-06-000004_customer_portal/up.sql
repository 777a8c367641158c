-- Customer portal: storefront domains and portal settings per merchant, customer OTP
-- challenges, customer sessions (refresh-token families), the outgoing message log, and the
-- customer fields registration collects.

CREATE TABLE storefront_domains (
    hostname TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX storefront_domains_tenant ON storefront_domains (tenant_id);

CREATE TABLE portal_settings (
    tenant_id TEXT PRIMARY KEY REFERENCES tenants (id),
    login_channel TEXT NOT NULL DEFAULT 'sms' CHECK (login_channel IN ('sms', 'whatsapp', 'email')),
    registration_form TEXT,
    modules TEXT NOT NULL DEFAULT '["orders_shop","payment_gateway","pages"]',
    brand_name TEXT,
    brand_email TEXT,
    brand_logo_url TEXT,
    analytics TEXT,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE otp_challenges (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    channel TEXT NOT NULL,
    recipient TEXT NOT NULL,
    code_hash TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    consumed_at TIMESTAMP
);
CREATE INDEX otp_challenges_recipient ON otp_challenges (tenant_id, recipient, created_at);

-- One row per recipient, claimed with a guarded UPDATE before a code is sent, so concurrent
-- requests for one recipient send at most one code per cool-down.
CREATE TABLE otp_recipients (
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    recipient TEXT NOT NULL,
    last_sent_at TIMESTAMP NOT NULL,
    PRIMARY KEY (tenant_id, recipient)
);

CREATE TABLE customer_session_families (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    customer_id TEXT NOT NULL REFERENCES customers (id),
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP,
    revoked_reason TEXT
);
CREATE INDEX customer_session_families_customer ON customer_session_families (tenant_id, customer_id);

CREATE TABLE customer_refresh_tokens (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    family_id TEXT NOT NULL REFERENCES customer_session_families (id),
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
CREATE INDEX customer_refresh_tokens_family ON customer_refresh_tokens (family_id);

CREATE TABLE notifications (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    kind TEXT NOT NULL,
    channel TEXT NOT NULL,
    recipient TEXT NOT NULL,
    subject TEXT,
    body TEXT NOT NULL,
    reference TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX notifications_tenant_created ON notifications (tenant_id, created_at);

CREATE TABLE member_counters (
    tenant_id TEXT PRIMARY KEY REFERENCES tenants (id),
    last_value BIGINT NOT NULL
);

ALTER TABLE customers ADD COLUMN member_no BIGINT;
ALTER TABLE customers ADD COLUMN last_name TEXT;
ALTER TABLE customers ADD COLUMN gender TEXT;
ALTER TABLE customers ADD COLUMN address TEXT;
ALTER TABLE customers ADD COLUMN district TEXT;
ALTER TABLE customers ADD COLUMN agree_promotion BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE customers ADD COLUMN agree_terms BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE customers ADD COLUMN utm_data TEXT;
CREATE UNIQUE INDEX customers_member_no ON customers (tenant_id, member_no);
