//! The order pipeline ([`super::place`]) on in-memory fakes ([`super::fakes`]): prices and
//! overrides, coupons and promotions, shipping, stock, variations, order numbers and events,
//! without a database. Fixtures here are builders with defaults; each test seeds what it needs.

mod charges;
mod storing;

use chrono::{DateTime, TimeZone as _, Utc};
use kedai_catalog::{Product, ProductStatus, StorefrontFields};
use kedai_core::{Currency, ErrorCode, Money, ProductId, TenantId};
use kedai_identity::{CustomerId, Role, StaffId, Tenant, TenantStatus};
use kedai_inventory::{Lot, LotId, StockSource};
use kedai_loyalty::{Coupon, CouponCode, CouponId, CouponStatus, DiscountType};
use kedai_orders::{Claimed, OrderDetails, OrderStatus, OrderType, PriceSource, ShippingMethod};

use super::fakes::InMemory;
use super::{ChargeRule, Discount, OrderView, PlaceLine, PlaceOrder, Placer, place};
use crate::{Actor, AppError};

fn myr() -> Currency {
    Currency::from_code("MYR").unwrap_or_else(|e| panic!("{e}"))
}

fn rm(minor: i64) -> Money {
    Money::from_minor(minor, myr())
}

/// Noon UTC on a day of 2026.
fn day(month: u32, day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, month, day, 12, 0, 0)
        .single()
        .unwrap_or_else(|| panic!("bad date"))
}

fn pid(id: i64) -> ProductId {
    ProductId::new(id).unwrap_or_else(|e| panic!("{e}"))
}

fn tenant(zone: &str) -> Tenant {
    Tenant {
        id: TenantId::new(),
        name: "Kopi Kita".into(),
        currency: myr(),
        time_zone: zone.parse().unwrap_or_else(|e| panic!("{e}")),
        public_order_summary: false,
        business_type: None,
        email: None,
        phone: None,
        status: TenantStatus::Active,
        created_at: day(1, 1),
        updated_at: None,
    }
}

/// An active simple product sold everywhere, its stock counted.
fn product(tenant: TenantId, id: i64, name: &str, price: i64) -> Product {
    Product {
        id: pid(id),
        tenant_id: tenant,
        name: name.into(),
        sku: Some(format!("SKU-{id}")),
        category: None,
        description: None,
        price: rm(price),
        status: ProductStatus::Active,
        outlet_ids: Vec::new(),
        created_at: day(1, 1),
        updated_at: day(1, 1),
        storefront: StorefrontFields::default(),
    }
}

fn lot(tenant: TenantId, product: ProductId, units: i64, received: DateTime<Utc>) -> Lot {
    Lot {
        id: LotId::new(),
        tenant_id: tenant,
        product_id: product,
        quantity: units,
        remaining: units,
        source: StockSource::ManualStockIn,
        note: None,
        received_at: received,
        created_at: received,
        created_by: None,
    }
}

/// An active percentage coupon (`hundredths` of a percent) for every outlet.
fn coupon(tenant: TenantId, code: &str, hundredths: i64, usage_limit: Option<i64>) -> Coupon {
    Coupon {
        id: CouponId::new(),
        tenant_id: tenant,
        code: CouponCode::parse(code).unwrap_or_else(|e| panic!("{e}")),
        title: code.into(),
        discount_type: DiscountType::Percentage,
        discount_value: hundredths,
        currency: myr(),
        min_cart_total: None,
        max_discount: None,
        valid_from: None,
        valid_to: None,
        usage_limit,
        used_count: 0,
        applicable_outlet_ids: Vec::new(),
        status: CouponStatus::Active,
        created_by: None,
        created_at: day(1, 1),
        updated_at: day(1, 1),
        disabled_at: None,
    }
}

fn staff(tenant: &Tenant, role: Role) -> Actor {
    Actor {
        tenant: tenant.id,
        staff: StaffId::new(),
        role,
    }
}

fn line(product: ProductId, quantity: i64) -> PlaceLine {
    PlaceLine {
        product_id: product,
        variation_id: None,
        quantity,
        unit_price: None,
        claimed_total: None,
    }
}

fn line_at(product: ProductId, quantity: i64, unit_price: i64) -> PlaceLine {
    PlaceLine {
        unit_price: Some(rm(unit_price)),
        ..line(product, quantity)
    }
}

/// A counter order by staff, awaiting payment, without charges.
fn staff_order(actor: Actor, prices: PriceSource, lines: Vec<PlaceLine>) -> PlaceOrder {
    PlaceOrder {
        placer: Placer::Staff(actor),
        order_type: OrderType::Pickup,
        status: OrderStatus::Confirmed,
        details: OrderDetails::default(),
        lines,
        prices,
        discount: Discount::None,
        charges: ChargeRule::None,
        claimed: Claimed::default(),
    }
}

/// A storefront delivery order at catalogue prices, by a signed-in customer or a guest.
fn shop_order(
    tenant: &Tenant,
    customer: Option<CustomerId>,
    lines: Vec<PlaceLine>,
    shipping: Option<ShippingMethod>,
) -> PlaceOrder {
    PlaceOrder {
        placer: Placer::Storefront {
            tenant: tenant.id,
            customer,
        },
        order_type: OrderType::Delivery,
        status: OrderStatus::Pending,
        details: OrderDetails {
            customer_id: customer.map(|c| c.to_string()),
            ..OrderDetails::default()
        },
        lines,
        prices: PriceSource::Catalogue,
        discount: Discount::None,
        charges: ChargeRule::Shipping(shipping),
        claimed: Claimed::default(),
    }
}

fn placed(db: &mut InMemory, tenant: &Tenant, cmd: &PlaceOrder, now: DateTime<Utc>) -> OrderView {
    place(db, tenant, cmd, now).unwrap_or_else(|e| panic!("{e}"))
}

/// The code and the fields of a validation error.
fn invalid(result: Result<OrderView, AppError>) -> (ErrorCode, Vec<String>) {
    match result {
        Err(AppError::Validation { code, errors }) => {
            (code, errors.into_iter().map(|e| e.field).collect())
        }
        other => panic!("expected a validation error, got {other:?}"),
    }
}

/// Money as the figures the pipeline computed: subtotal, shipping, discount, total.
fn figures(view: &OrderView) -> [i64; 4] {
    let o = &view.order;
    [
        o.subtotal.minor(),
        o.shipping_fee.minor(),
        o.discount_amount.minor(),
        o.total_amount.minor(),
    ]
}
