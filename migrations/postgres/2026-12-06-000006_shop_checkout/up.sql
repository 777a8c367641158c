-- Storefront checkout: the shop's shipping methods and payment-method options, and what an
-- order placed on the storefront records beyond a merchant order (its channel, the methods
-- chosen, where to send the customer after paying, their locale), and the parent product of a
-- sold variation on each line.

CREATE TABLE shipping_methods (
    id BIGSERIAL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    name TEXT NOT NULL,
    description TEXT,
    cost_minor BIGINT NOT NULL CHECK (cost_minor >= 0),
    free_shipping_threshold_minor BIGINT CHECK (free_shipping_threshold_minor >= 0),
    currency TEXT NOT NULL,
    estimated_days TEXT,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    sort_order INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    deleted_at TIMESTAMP
);
CREATE INDEX shipping_methods_tenant ON shipping_methods (tenant_id, sort_order, id);

CREATE TABLE shop_payment_methods (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    name TEXT NOT NULL,
    method_type TEXT NOT NULL CHECK (method_type IN ('gateway', 'manual', 'cash_on_delivery')),
    instructions TEXT,
    has_gateway BOOLEAN NOT NULL,
    position INTEGER NOT NULL DEFAULT 0,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    deleted_at TIMESTAMP,
    CHECK (has_gateway = (method_type = 'gateway'))
);
CREATE INDEX shop_payment_methods_tenant ON shop_payment_methods (tenant_id, position, id);

ALTER TABLE orders ADD COLUMN channel TEXT NOT NULL DEFAULT 'merchant' CHECK (channel IN ('merchant', 'online'));
ALTER TABLE orders ADD COLUMN shipping_method_id BIGINT;
ALTER TABLE orders ADD COLUMN payment_method_id TEXT;
ALTER TABLE orders ADD COLUMN success_url TEXT;
ALTER TABLE orders ADD COLUMN cancel_url TEXT;
ALTER TABLE orders ADD COLUMN language TEXT;

ALTER TABLE order_items ADD COLUMN parent_product_id BIGINT;
