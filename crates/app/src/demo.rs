//! The demo merchant `make run` serves: a café with an owner login, products and stock, an
//! outlet and the LUNCH10 coupon of 003's examples.

use chrono::{DateTime, Duration, Utc};
use kedai_catalog::ProductStatus;
use kedai_core::ErrorCode;
use kedai_core::{ProductId, TenantId};
use kedai_identity::{NewStaff, NewTenant, Role, StaffId};
use kedai_inventory::StockSource;

use crate::catalog::{CreateProduct, create_product};
use crate::coupons::{CreateCoupon, create_coupon};
use crate::inventory::{StockInCommand, stock_in};
use crate::outlets::{CreateOutlet, create_outlet};
use crate::{Actor, Amount, AppError, UnitOfWork};

/// The demo tenant's fixed id, so documentation examples can name it.
pub const DEMO_TENANT_ID: &str = "01930000-0000-7000-8000-00000000de70";
/// The demo owner's e-mail.
pub const DEMO_OWNER_EMAIL: &str = "owner@demo.kedai.dev";
/// The demo owner's password (a demo, never a production account).
pub const DEMO_OWNER_PASSWORD: &str = "kedai-demo-2026";

/// What the demo seed made.
#[derive(Debug, Clone)]
pub struct DemoInfo {
    /// The tenant.
    pub tenant_id: TenantId,
    /// The owner's e-mail.
    pub email: &'static str,
    /// The owner's password.
    pub password: &'static str,
    /// The products, by name.
    pub products: Vec<(ProductId, String)>,
    /// False when the demo already existed and nothing was written.
    pub created: bool,
}

/// The demo tenant id.
///
/// # Errors
/// Never in practice: the constant is a valid UUID.
pub fn demo_tenant_id() -> Result<TenantId, AppError> {
    DEMO_TENANT_ID
        .parse()
        .map_err(|_| AppError::invalid("tenant", "bad demo tenant id"))
}

/// Creates the demo merchant unless it exists: the tenant (MYR, Asia/Kuala_Lumpur, public
/// order summary on), an owner, three products, and stock received in three lots over three
/// days so FIFO can be seen at work. `owner` carries the hashed owner password.
///
/// # Errors
/// [`AppError::Storage`].
pub fn seed_demo(
    tx: &mut dyn UnitOfWork,
    owner: &NewStaff,
    now: DateTime<Utc>,
) -> Result<DemoInfo, AppError> {
    let tenant_id = demo_tenant_id()?;
    if tx.find_tenant(tenant_id)?.is_some() {
        let (products, _) = tx.list_products(
            tenant_id,
            &kedai_catalog::ProductFilter::default(),
            kedai_core::Page::new(None, None)
                .map_err(|e| AppError::invalid("page", e.to_string()))?,
        )?;
        return Ok(DemoInfo {
            tenant_id,
            email: DEMO_OWNER_EMAIL,
            password: DEMO_OWNER_PASSWORD,
            products: products.into_iter().rev().map(|p| (p.id, p.name)).collect(),
            created: false,
        });
    }
    let tenant = NewTenant::new("Demo Cafe", "MYR", "Asia/Kuala_Lumpur", true)?;
    tx.insert_tenant(tenant_id, &tenant, now)?;
    let staff = tx
        .insert_staff(tenant_id, StaffId::new(), owner, now)?
        .map_err(|()| AppError::conflict(ErrorCode::StaffEmailTaken, "demo owner exists"))?;
    let actor = Actor {
        tenant: tenant_id,
        staff: staff.id,
        role: Role::Owner,
    };
    let merchant = crate::identity::tenant(tx, tenant_id)?;
    let catalogue = [
        ("Iced Latte", "DRINK-001", "Beverage", "14.90", [40, 30, 30]),
        ("Flat White", "DRINK-002", "Beverage", "12.50", [20, 20, 20]),
        (
            "Butter Croissant",
            "BAKE-001",
            "Bakery",
            "8.00",
            [12, 12, 12],
        ),
    ];
    let mut products = Vec::new();
    for (name, sku, category, price, lots) in catalogue {
        let view = create_product(
            tx,
            &actor,
            &merchant,
            &CreateProduct {
                name: name.into(),
                sku: Some(sku.into()),
                category: Some(category.into()),
                description: None,
                price: Amount(price.into()),
                status: Some(ProductStatus::Active),
                outlet_ids: Vec::new(),
                storefront: crate::catalog::StorefrontInput::default(),
            },
            now,
        )?;
        for (days_ago, quantity) in (1_i64..=3).rev().zip(lots) {
            stock_in(
                tx,
                &actor,
                &StockInCommand {
                    product_id: view.product.id,
                    quantity,
                    source: Some(StockSource::PurchaseOrder),
                    note: Some(format!("Demo delivery, {days_ago} day(s) ago")),
                    received_at: Some(now - Duration::days(days_ago)),
                },
                now,
            )?;
        }
        products.push((view.product.id, view.product.name));
    }
    let outlet = create_outlet(
        tx,
        &actor,
        &CreateOutlet {
            name: "Demo Cafe - Puchong".into(),
            code: "PCH001".into(),
            address: Some("72-1A Jalan Puteri 2/4, Bandar Puteri, Puchong".into()),
            phone: Some("+60-16-9642896".into()),
            status: None,
        },
        now,
    )?;
    create_coupon(
        tx,
        &actor,
        &merchant,
        &CreateCoupon {
            title: "10% OFF Lunch Promo".into(),
            code: "LUNCH10".into(),
            discount_type: "percentage".into(),
            discount_value: Amount("10".into()),
            valid_from: Some(now - Duration::days(1)),
            valid_to: Some(now + Duration::days(365)),
            usage_limit: Some(500),
            applicable_outlet_ids: vec![outlet.id.to_string()],
            min_cart_total: None,
            max_discount: None,
        },
        now,
    )?;
    Ok(DemoInfo {
        tenant_id,
        email: DEMO_OWNER_EMAIL,
        password: DEMO_OWNER_PASSWORD,
        products,
        created: true,
    })
}

/// The demo owner, hashed (do this outside the transaction: hashing is slow on purpose).
///
/// # Errors
/// [`AppError::Validation`] never in practice.
pub fn demo_owner() -> Result<NewStaff, AppError> {
    Ok(NewStaff::new(
        DEMO_OWNER_EMAIL,
        Some("Demo Owner"),
        Role::Owner,
        DEMO_OWNER_PASSWORD,
    )?)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_demo_tenant_id_parses() {
        assert!(super::demo_tenant_id().is_ok());
    }
}
