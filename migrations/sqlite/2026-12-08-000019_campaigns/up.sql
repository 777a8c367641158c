-- Gamified campaigns (003 §15): a spin-the-wheel with weighted prizes whose quantities are
-- stock (won counts guarded), plays limited per customer and merchant-local day by a guarded
-- counter, and each play recorded with the odds it was drawn with and its reward code.
CREATE TABLE campaigns (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    title TEXT NOT NULL,
    campaign_type TEXT NOT NULL,
    game_type TEXT NOT NULL CHECK (game_type IN ('spin_wheel')),
    start_at TIMESTAMP NOT NULL,
    end_at TIMESTAMP NOT NULL,
    outlet_ids TEXT NOT NULL,
    daily_play_limit BIGINT NOT NULL CHECK (daily_play_limit > 0),
    min_purchase_minor BIGINT CHECK (min_purchase_minor >= 0),
    currency TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX campaigns_tenant ON campaigns (tenant_id, created_at);

CREATE TABLE campaign_prizes (
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    campaign_id TEXT NOT NULL REFERENCES campaigns (id),
    position BIGINT NOT NULL,
    name TEXT NOT NULL,
    weight BIGINT NOT NULL CHECK (weight > 0),
    quantity BIGINT CHECK (quantity >= 0),
    won BIGINT NOT NULL DEFAULT 0 CHECK (won >= 0),
    reward TEXT NOT NULL CHECK (reward IN ('points', 'coupon', 'gift_offer', 'nothing')),
    points BIGINT,
    coupon_code TEXT,
    gift_offer_id TEXT,
    PRIMARY KEY (campaign_id, position)
);

CREATE TABLE campaign_play_counts (
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    campaign_id TEXT NOT NULL REFERENCES campaigns (id),
    customer_id TEXT NOT NULL REFERENCES customers (id),
    day TEXT NOT NULL,
    plays BIGINT NOT NULL CHECK (plays > 0),
    PRIMARY KEY (tenant_id, campaign_id, customer_id, day)
);

CREATE TABLE campaign_plays (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    campaign_id TEXT NOT NULL REFERENCES campaigns (id),
    customer_id TEXT NOT NULL REFERENCES customers (id),
    day TEXT NOT NULL,
    prize_position BIGINT,
    reward_code TEXT,
    odds TEXT NOT NULL,
    source TEXT,
    claimed_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX campaign_plays_campaign ON campaign_plays (tenant_id, campaign_id, created_at);
CREATE UNIQUE INDEX campaign_plays_code ON campaign_plays (tenant_id, reward_code)
    WHERE reward_code IS NOT NULL;
