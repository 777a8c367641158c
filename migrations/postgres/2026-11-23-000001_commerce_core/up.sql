-- Commerce core: tenants, staff, catalogue, stock lots and ledger, orders, payments, outbox.
-- Ids are UUID v7 text (products: integers); money is BIGINT minor units; times are UTC.

CREATE TABLE tenants (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    currency TEXT NOT NULL,
    time_zone TEXT NOT NULL,
    public_order_summary BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE staff (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    email TEXT NOT NULL,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'manager', 'cashier', 'agent', 'viewer')),
    password_hash TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (tenant_id, email)
);
CREATE INDEX staff_email ON staff (email);

CREATE TABLE products (
    id BIGSERIAL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    name TEXT NOT NULL,
    sku TEXT,
    category TEXT,
    description TEXT,
    price_minor BIGINT NOT NULL CHECK (price_minor >= 0),
    currency TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('active', 'inactive')),
    outlet_ids TEXT NOT NULL DEFAULT '[]',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    deleted_at TIMESTAMP
);
CREATE INDEX products_tenant ON products (tenant_id, id);
CREATE UNIQUE INDEX products_tenant_sku ON products (tenant_id, sku) WHERE deleted_at IS NULL AND sku IS NOT NULL;

CREATE TABLE inventory_lots (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    product_id BIGINT NOT NULL REFERENCES products (id),
    quantity BIGINT NOT NULL CHECK (quantity > 0),
    remaining BIGINT NOT NULL CHECK (remaining >= 0),
    source TEXT NOT NULL,
    note TEXT,
    received_at TIMESTAMP NOT NULL,
    created_at TIMESTAMP NOT NULL,
    created_by TEXT
);
CREATE INDEX inventory_lots_product ON inventory_lots (tenant_id, product_id, received_at);

CREATE TABLE stock_allocations (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    product_id BIGINT NOT NULL REFERENCES products (id),
    lot_id TEXT NOT NULL REFERENCES inventory_lots (id),
    quantity BIGINT NOT NULL CHECK (quantity > 0),
    source TEXT NOT NULL,
    reference TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    released_at TIMESTAMP
);
CREATE INDEX stock_allocations_reference ON stock_allocations (tenant_id, reference);

CREATE TABLE stock_movements (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    product_id BIGINT NOT NULL REFERENCES products (id),
    lot_id TEXT NOT NULL REFERENCES inventory_lots (id),
    kind TEXT NOT NULL CHECK (kind IN ('in', 'allocate', 'adjust', 'release')),
    quantity BIGINT NOT NULL CHECK (quantity <> 0),
    reason TEXT,
    source TEXT,
    reference TEXT,
    note TEXT,
    actor TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX stock_movements_lot ON stock_movements (tenant_id, lot_id);
CREATE INDEX stock_movements_product ON stock_movements (tenant_id, product_id, created_at);

CREATE TABLE order_counters (
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    year INTEGER NOT NULL,
    last_value BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, year)
);

CREATE TABLE orders (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    order_number TEXT NOT NULL,
    order_type TEXT NOT NULL CHECK (order_type IN ('delivery', 'pickup', 'dine_in')),
    status TEXT NOT NULL CHECK (status IN ('pending', 'confirmed', 'paid', 'processing', 'shipped', 'delivered', 'completed', 'cancelled', 'refunded')),
    currency TEXT NOT NULL,
    subtotal_minor BIGINT NOT NULL CHECK (subtotal_minor >= 0),
    shipping_fee_minor BIGINT NOT NULL CHECK (shipping_fee_minor >= 0),
    tax_amount_minor BIGINT NOT NULL CHECK (tax_amount_minor >= 0),
    discount_amount_minor BIGINT NOT NULL CHECK (discount_amount_minor >= 0),
    total_amount_minor BIGINT NOT NULL CHECK (total_amount_minor >= 0),
    payment_status TEXT CHECK (payment_status IN ('completed', 'failed', 'refunded')),
    tracking_number TEXT,
    customer_id TEXT,
    customer_email TEXT,
    outlet_id TEXT,
    contact_name TEXT,
    contact_phone TEXT,
    contact_email TEXT,
    shipping_method TEXT,
    shipping_address TEXT,
    payment_method TEXT,
    notes TEXT,
    special_instructions TEXT,
    created_by TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    confirmed_at TIMESTAMP,
    paid_at TIMESTAMP,
    processing_at TIMESTAMP,
    shipped_at TIMESTAMP,
    delivered_at TIMESTAMP,
    completed_at TIMESTAMP,
    cancelled_at TIMESTAMP,
    refunded_at TIMESTAMP,
    UNIQUE (tenant_id, order_number)
);
CREATE INDEX orders_tenant_created ON orders (tenant_id, created_at);

CREATE TABLE order_items (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    order_id TEXT NOT NULL REFERENCES orders (id),
    position INTEGER NOT NULL,
    product_id BIGINT NOT NULL REFERENCES products (id),
    product_name TEXT NOT NULL,
    product_sku TEXT,
    quantity BIGINT NOT NULL CHECK (quantity > 0),
    unit_price_minor BIGINT NOT NULL CHECK (unit_price_minor >= 0),
    total_price_minor BIGINT NOT NULL CHECK (total_price_minor >= 0),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX order_items_order ON order_items (tenant_id, order_id);
CREATE INDEX order_items_product ON order_items (tenant_id, product_id);

CREATE TABLE payments (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    order_id TEXT NOT NULL REFERENCES orders (id),
    method TEXT NOT NULL,
    amount_minor BIGINT NOT NULL CHECK (amount_minor > 0),
    currency TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('completed', 'failed', 'refunded')),
    created_by TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX payments_order ON payments (tenant_id, order_id);

CREATE TABLE order_status_history (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    order_id TEXT NOT NULL REFERENCES orders (id),
    from_status TEXT,
    to_status TEXT NOT NULL,
    tracking_number TEXT,
    actor TEXT,
    reason TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX order_status_history_order ON order_status_history (tenant_id, order_id);

CREATE TABLE outbox_events (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    event_type TEXT NOT NULL,
    aggregate_id TEXT NOT NULL,
    payload TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    delivered_at TIMESTAMP
);
CREATE INDEX outbox_events_pending ON outbox_events (delivered_at, created_at);
