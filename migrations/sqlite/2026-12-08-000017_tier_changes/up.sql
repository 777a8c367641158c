-- Membership tier changes (003 §10.1): each move of a customer's tier — up or down with their
-- qualifying spend, or by enrolling — with the spend that decided it.
CREATE TABLE tier_changes (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    customer_id TEXT NOT NULL REFERENCES customers (id),
    from_tier TEXT,
    to_tier TEXT,
    reason TEXT NOT NULL CHECK (reason IN ('spend', 'enroll')),
    spend_minor BIGINT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX tier_changes_customer ON tier_changes (tenant_id, customer_id, created_at);
-- Qualifying spend: a customer's completed orders by completion time.
CREATE INDEX orders_customer_completed ON orders (tenant_id, customer_id, completed_at)
    WHERE status = 'completed';
