-- The storefront catalogue: shop fields on products (a variation is a products row whose
-- parent_id names its parent, so it has its own lots, price and stock), categories, brands,
-- collections, images, options, and membership tier definitions.

ALTER TABLE products ADD COLUMN slug TEXT;
ALTER TABLE products ADD COLUMN short_name TEXT;
ALTER TABLE products ADD COLUMN parent_id BIGINT;
ALTER TABLE products ADD COLUMN product_type TEXT NOT NULL DEFAULT 'simple'
    CHECK (product_type IN ('simple', 'variable', 'subscription'));
ALTER TABLE products ADD COLUMN is_featured BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE products ADD COLUMN discount_price_minor BIGINT CHECK (discount_price_minor >= 0);
ALTER TABLE products ADD COLUMN member_price_minor BIGINT CHECK (member_price_minor >= 0);
ALTER TABLE products ADD COLUMN seo_title TEXT;
ALTER TABLE products ADD COLUMN seo_description TEXT;
ALTER TABLE products ADD COLUMN shipping_weight TEXT;
ALTER TABLE products ADD COLUMN brand_id TEXT;
ALTER TABLE products ADD COLUMN track_inventory BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE products ADD COLUMN low_stock_threshold BIGINT CHECK (low_stock_threshold >= 0);
-- Archiving frees a slug, as it frees a SKU.
CREATE UNIQUE INDEX products_tenant_slug ON products (tenant_id, slug)
    WHERE deleted_at IS NULL AND slug IS NOT NULL;
CREATE INDEX products_tenant_parent ON products (tenant_id, parent_id) WHERE parent_id IS NOT NULL;
CREATE INDEX products_tenant_brand ON products (tenant_id, brand_id) WHERE brand_id IS NOT NULL;

CREATE TABLE product_categories (
    id BIGSERIAL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    name TEXT NOT NULL,
    slug TEXT,
    description TEXT,
    image_url TEXT,
    parent_id BIGINT REFERENCES product_categories (id),
    is_featured BOOLEAN NOT NULL DEFAULT FALSE,
    sort_order BIGINT NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX product_categories_tenant_slug ON product_categories (tenant_id, slug)
    WHERE slug IS NOT NULL;
CREATE INDEX product_categories_tenant ON product_categories (tenant_id, sort_order, id);

CREATE TABLE product_category_links (
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    product_id BIGINT NOT NULL REFERENCES products (id),
    category_id BIGINT NOT NULL REFERENCES product_categories (id),
    PRIMARY KEY (product_id, category_id)
);
CREATE INDEX product_category_links_category ON product_category_links (tenant_id, category_id, product_id);

CREATE TABLE brands (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    name TEXT NOT NULL,
    slug TEXT NOT NULL,
    description TEXT,
    image_url TEXT,
    online_enabled BOOLEAN NOT NULL DEFAULT TRUE,
    sort_order BIGINT NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX brands_tenant_slug ON brands (tenant_id, slug);

CREATE TABLE collections (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    name TEXT NOT NULL,
    slug TEXT NOT NULL,
    description TEXT,
    image_url TEXT,
    online_enabled BOOLEAN NOT NULL DEFAULT TRUE,
    sort_order BIGINT NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX collections_tenant_slug ON collections (tenant_id, slug);

CREATE TABLE product_collection_links (
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    product_id BIGINT NOT NULL REFERENCES products (id),
    collection_id TEXT NOT NULL REFERENCES collections (id),
    PRIMARY KEY (product_id, collection_id)
);
CREATE INDEX product_collection_links_collection ON product_collection_links (tenant_id, collection_id, product_id);

CREATE TABLE product_images (
    id BIGSERIAL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    product_id BIGINT NOT NULL REFERENCES products (id),
    src TEXT NOT NULL,
    name TEXT,
    alt TEXT,
    width BIGINT CHECK (width > 0),
    height BIGINT CHECK (height > 0),
    is_primary BOOLEAN NOT NULL DEFAULT FALSE,
    position BIGINT NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX product_images_product ON product_images (tenant_id, product_id, position, id);

CREATE TABLE product_options (
    id BIGSERIAL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    product_id BIGINT NOT NULL REFERENCES products (id),
    name TEXT NOT NULL,
    position BIGINT NOT NULL DEFAULT 0,
    required BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX product_options_product_name ON product_options (tenant_id, product_id, name);

CREATE TABLE product_option_values (
    id BIGSERIAL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    option_id BIGINT NOT NULL REFERENCES product_options (id),
    value TEXT NOT NULL,
    position BIGINT NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX product_option_values_option_value ON product_option_values (tenant_id, option_id, value);

CREATE TABLE variation_option_values (
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    variation_id BIGINT NOT NULL REFERENCES products (id),
    option_value_id BIGINT NOT NULL REFERENCES product_option_values (id),
    PRIMARY KEY (variation_id, option_value_id)
);
CREATE INDEX variation_option_values_value ON variation_option_values (tenant_id, option_value_id);

CREATE TABLE membership_tiers (
    id BIGSERIAL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    name TEXT NOT NULL,
    description TEXT,
    price_minor BIGINT NOT NULL CHECK (price_minor >= 0),
    currency TEXT NOT NULL,
    valid_period_value BIGINT NOT NULL CHECK (valid_period_value > 0),
    valid_period_unit TEXT NOT NULL CHECK (valid_period_unit IN ('MONTHS', 'YEARS')),
    -- Hundredths of a percent: 1250 is 12.5%.
    discount_bp BIGINT NOT NULL DEFAULT 0 CHECK (discount_bp >= 0 AND discount_bp <= 10000),
    min_spend_minor BIGINT NOT NULL DEFAULT 0 CHECK (min_spend_minor >= 0),
    benefits TEXT NOT NULL DEFAULT '[]',
    is_popular BOOLEAN NOT NULL DEFAULT FALSE,
    sort_order BIGINT NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
-- Names are unique per tenant in any case.
CREATE UNIQUE INDEX membership_tiers_tenant_name ON membership_tiers (tenant_id, lower(name));
CREATE INDEX membership_tiers_tenant_order ON membership_tiers (tenant_id, sort_order, id);
