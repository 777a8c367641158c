-- Gift offers and their redemptions (004 gifts): what a merchant gives for points or through a
-- claim code, with a quota in all and per member kept by guarded counters; each redemption a
-- single-use code.
CREATE TABLE gift_offers (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    name TEXT NOT NULL,
    description TEXT,
    points BIGINT CHECK (points > 0),
    face_value BIGINT CHECK (face_value >= 0),
    face_value_type TEXT CHECK (face_value_type IN ('PERCENTAGE', 'AMOUNT')),
    image TEXT,
    terms TEXT,
    expiry_days BIGINT CHECK (expiry_days > 0),
    membership_tier_id BIGINT,
    quota BIGINT NOT NULL CHECK (quota >= 0),
    quota_per_member BIGINT NOT NULL CHECK (quota_per_member >= 0),
    redeemed_count BIGINT NOT NULL DEFAULT 0 CHECK (redeemed_count >= 0),
    start_at TIMESTAMP,
    end_at TIMESTAMP,
    status TEXT NOT NULL CHECK (status IN ('active', 'inactive')),
    claim_code TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX gift_offers_tenant ON gift_offers (tenant_id, created_at);
CREATE UNIQUE INDEX gift_offers_claim_code ON gift_offers (tenant_id, claim_code)
    WHERE claim_code IS NOT NULL;

CREATE TABLE gift_member_counts (
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    offer_id TEXT NOT NULL REFERENCES gift_offers (id),
    customer_id TEXT NOT NULL REFERENCES customers (id),
    taken BIGINT NOT NULL CHECK (taken >= 0),
    PRIMARY KEY (tenant_id, offer_id, customer_id)
);

CREATE TABLE gift_redemptions (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    offer_id TEXT NOT NULL REFERENCES gift_offers (id),
    customer_id TEXT NOT NULL REFERENCES customers (id),
    code TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('VALID', 'FULFILLED', 'USED', 'EXPIRED', 'VOIDED')),
    points BIGINT,
    expires_on TEXT,
    fulfilled_at TIMESTAMP,
    fulfillment_method TEXT,
    used_at TIMESTAMP,
    remarks TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX gift_redemptions_code ON gift_redemptions (tenant_id, code);
CREATE INDEX gift_redemptions_customer ON gift_redemptions (tenant_id, customer_id, created_at);
