-- Merchant API: merchant profile, outlets, staff bindings and sessions, customers and their
-- points ledger, coupons and their redemptions, payment intents and the mock gateway,
-- idempotency keys and the audit log.

ALTER TABLE tenants ADD COLUMN business_type TEXT;
ALTER TABLE tenants ADD COLUMN email TEXT;
ALTER TABLE tenants ADD COLUMN phone TEXT;
ALTER TABLE tenants ADD COLUMN status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended'));
ALTER TABLE tenants ADD COLUMN updated_at TIMESTAMP;

ALTER TABLE staff ADD COLUMN updated_at TIMESTAMP;

CREATE TABLE outlets (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    name TEXT NOT NULL,
    code TEXT NOT NULL,
    address TEXT,
    phone TEXT,
    status TEXT NOT NULL CHECK (status IN ('active', 'inactive')),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    deleted_at TIMESTAMP
);
CREATE INDEX outlets_tenant ON outlets (tenant_id, created_at);
CREATE UNIQUE INDEX outlets_tenant_code ON outlets (tenant_id, code) WHERE deleted_at IS NULL;

CREATE TABLE staff_outlets (
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    staff_id TEXT NOT NULL REFERENCES staff (id),
    outlet_id TEXT NOT NULL REFERENCES outlets (id),
    PRIMARY KEY (staff_id, outlet_id)
);
CREATE INDEX staff_outlets_outlet ON staff_outlets (tenant_id, outlet_id);

CREATE TABLE staff_sessions (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    staff_id TEXT NOT NULL REFERENCES staff (id),
    refresh_hash TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    refreshed_at TIMESTAMP,
    expires_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);
CREATE UNIQUE INDEX staff_sessions_refresh ON staff_sessions (refresh_hash);
CREATE INDEX staff_sessions_staff ON staff_sessions (tenant_id, staff_id);

CREATE TABLE customers (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    name TEXT NOT NULL,
    phone TEXT,
    email TEXT,
    birth_date TEXT,
    source TEXT,
    membership_tier TEXT,
    outlet_id TEXT REFERENCES outlets (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX customers_tenant ON customers (tenant_id, created_at);
CREATE UNIQUE INDEX customers_tenant_phone ON customers (tenant_id, phone) WHERE phone IS NOT NULL;
CREATE UNIQUE INDEX customers_tenant_email ON customers (tenant_id, email) WHERE email IS NOT NULL;

CREATE TABLE points_ledger (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    customer_id TEXT NOT NULL REFERENCES customers (id),
    delta BIGINT NOT NULL CHECK (delta <> 0),
    reason TEXT NOT NULL,
    reference TEXT,
    actor TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX points_ledger_customer ON points_ledger (tenant_id, customer_id, created_at);

CREATE TABLE coupons (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    code TEXT NOT NULL,
    title TEXT NOT NULL,
    discount_type TEXT NOT NULL CHECK (discount_type IN ('percentage', 'fixed')),
    -- percentage: hundredths of a percent (1000 = 10%); fixed: minor units of `currency`
    discount_value BIGINT NOT NULL CHECK (discount_value > 0),
    currency TEXT NOT NULL,
    min_cart_total_minor BIGINT CHECK (min_cart_total_minor >= 0),
    max_discount_minor BIGINT CHECK (max_discount_minor > 0),
    valid_from TIMESTAMP,
    valid_to TIMESTAMP,
    usage_limit BIGINT CHECK (usage_limit > 0),
    used_count BIGINT NOT NULL DEFAULT 0 CHECK (used_count >= 0),
    applicable_outlet_ids TEXT NOT NULL DEFAULT '[]',
    status TEXT NOT NULL CHECK (status IN ('active', 'disabled')),
    created_by TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    disabled_at TIMESTAMP,
    CHECK (usage_limit IS NULL OR used_count <= usage_limit),
    UNIQUE (tenant_id, code)
);

CREATE TABLE coupon_redemptions (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    coupon_id TEXT NOT NULL REFERENCES coupons (id),
    order_id TEXT NOT NULL REFERENCES orders (id),
    customer_id TEXT,
    discount_minor BIGINT NOT NULL CHECK (discount_minor >= 0),
    created_at TIMESTAMP NOT NULL,
    released_at TIMESTAMP,
    UNIQUE (order_id)
);
CREATE INDEX coupon_redemptions_coupon ON coupon_redemptions (tenant_id, coupon_id);

ALTER TABLE orders ADD COLUMN coupon_id TEXT;
ALTER TABLE orders ADD COLUMN coupon_code TEXT;
ALTER TABLE orders ADD COLUMN coupon_discount_minor BIGINT NOT NULL DEFAULT 0 CHECK (coupon_discount_minor >= 0);
CREATE INDEX orders_tenant_customer ON orders (tenant_id, customer_id, created_at);
CREATE INDEX orders_tenant_outlet ON orders (tenant_id, outlet_id, created_at);

CREATE TABLE payment_intents (
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
CREATE INDEX payment_intents_order ON payment_intents (tenant_id, order_id);
CREATE INDEX payment_intents_tenant ON payment_intents (tenant_id, created_at);

-- The built-in mock gateway's own state: what the person on its checkout page decided.
CREATE TABLE mock_gateway_sessions (
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

CREATE TABLE idempotency_keys (
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    principal TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    method TEXT NOT NULL,
    path TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status_code INTEGER,
    response_body TEXT,
    created_at TIMESTAMP NOT NULL,
    completed_at TIMESTAMP,
    PRIMARY KEY (tenant_id, principal, idempotency_key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

CREATE TABLE audit_log (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    actor TEXT,
    action TEXT NOT NULL,
    target_type TEXT NOT NULL,
    target_id TEXT,
    details TEXT NOT NULL DEFAULT '{}',
    ip TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX audit_log_tenant ON audit_log (tenant_id, created_at);
