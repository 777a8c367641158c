-- Refunds of completed orders (returns): the money and lines given back after completion, each
-- beside the `refunded` payment record the gateway refund follows. The order keeps what it has
-- refunded so far, and each line the units returned, so a guarded update keeps both within
-- what was sold and paid however many refunds race.
ALTER TABLE orders ADD COLUMN refunded_amount_minor BIGINT NOT NULL DEFAULT 0
    CHECK (refunded_amount_minor >= 0);
ALTER TABLE order_items ADD COLUMN returned_quantity BIGINT NOT NULL DEFAULT 0
    CHECK (returned_quantity >= 0);

CREATE TABLE order_refunds (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    order_id TEXT NOT NULL REFERENCES orders (id),
    payment_id TEXT NOT NULL REFERENCES payments (id),
    amount_minor BIGINT NOT NULL CHECK (amount_minor > 0),
    currency TEXT NOT NULL,
    reason TEXT,
    -- JSON: [{ "item_id", "quantity", "amount_minor", "restock" }]
    lines TEXT NOT NULL,
    points_reversed BIGINT NOT NULL DEFAULT 0,
    created_by TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX order_refunds_order ON order_refunds (tenant_id, order_id, created_at);
