//! Staff roles and what each may do.

kedai_core::text_enum! {
    /// A staff role.
    pub enum Role ("a role") {
        /// Owns the merchant account: everything.
        Owner = "owner",
        /// Runs the account: everything.
        Admin = "admin",
        /// Runs an outlet: catalogue, stock, orders, payments, reports, membership tiers.
        Manager = "manager",
        /// Sells at the counter: orders, payments, allocations; reads the catalogue.
        Cashier = "cashier",
        /// Customer service: reads orders and the catalogue.
        Agent = "agent",
        /// Read-only: catalogue, orders and reports.
        Viewer = "viewer",
    }
}

kedai_core::text_enum! {
    /// Something a staff member may be allowed to do.
    pub enum Permission ("a permission") {
        /// Read products and stock levels.
        CatalogRead = "catalog:read",
        /// Create, change and delete products.
        CatalogWrite = "catalog:write",
        /// Receive and adjust stock.
        InventoryWrite = "inventory:write",
        /// Allocate stock to a reference.
        InventoryAllocate = "inventory:allocate",
        /// Read orders.
        OrdersRead = "orders:read",
        /// Create orders and change their status.
        OrdersWrite = "orders:write",
        /// Sell below the catalogue price (an order line whose unit price the caller sets).
        PriceOverride = "orders:price_override",
        /// Record payments and refunds.
        PaymentsWrite = "payments:write",
        /// Read reports and summaries.
        ReportsRead = "reports:read",
        /// Change the merchant profile (name, contact, currency, time zone).
        MerchantWrite = "merchant:write",
        /// List and read staff accounts.
        StaffRead = "staff:read",
        /// Create staff, change roles and outlet bindings, deactivate.
        StaffWrite = "staff:write",
        /// Create, change and delete outlets.
        OutletsWrite = "outlets:write",
        /// Read customers.
        CustomersRead = "customers:read",
        /// Register and change customers.
        CustomersWrite = "customers:write",
        /// Define membership tiers (price, period, discount, benefits) and the points earning
        /// rule.
        MembershipsWrite = "memberships:write",
        /// Add or take off a customer's points by hand, with a reason.
        PointsAdjust = "points:adjust",
        /// Spend a customer's points on a reward at the counter.
        PointsRedeem = "points:redeem",
        /// Read and validate coupons.
        CouponsRead = "coupons:read",
        /// Create and disable coupons.
        CouponsWrite = "coupons:write",
        /// Read the audit log.
        AuditRead = "audit:read",
        /// Read the outgoing message log (one-time codes, order confirmations).
        NotificationsRead = "notifications:read",
        /// Register, change and inspect webhook endpoints and their deliveries (their secrets
        /// reach the merchant's other systems).
        WebhooksManage = "webhooks:manage",
    }
}

impl Role {
    /// Whether this role grants `permission`. The whole matrix is this one match.
    #[must_use]
    pub const fn can(self, permission: Permission) -> bool {
        use Permission::{
            CatalogRead, CatalogWrite, CouponsRead, CouponsWrite, CustomersRead, CustomersWrite,
            InventoryAllocate, InventoryWrite, MembershipsWrite, OrdersRead, OrdersWrite,
            PaymentsWrite, PointsAdjust, PointsRedeem, PriceOverride, ReportsRead, StaffRead,
        };
        match self {
            Self::Owner | Self::Admin => true,
            Self::Manager => matches!(
                permission,
                CatalogRead
                    | CatalogWrite
                    | InventoryWrite
                    | InventoryAllocate
                    | OrdersRead
                    | OrdersWrite
                    | PriceOverride
                    | PaymentsWrite
                    | ReportsRead
                    | StaffRead
                    | CustomersRead
                    | CustomersWrite
                    | MembershipsWrite
                    | PointsAdjust
                    | PointsRedeem
                    | CouponsRead
                    | CouponsWrite
            ),
            Self::Cashier => matches!(
                permission,
                CatalogRead
                    | InventoryAllocate
                    | OrdersRead
                    | OrdersWrite
                    | PaymentsWrite
                    | CustomersRead
                    | CustomersWrite
                    | PointsRedeem
                    | CouponsRead
            ),
            Self::Agent => matches!(
                permission,
                CatalogRead | OrdersRead | CustomersRead | CustomersWrite | CouponsRead
            ),
            Self::Viewer => matches!(
                permission,
                CatalogRead | OrdersRead | ReportsRead | CustomersRead | CouponsRead
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Permission::*;
    use super::Role::*;
    use super::*;

    #[test]
    fn the_permission_matrix() {
        let table: [(Role, &[Permission]); 6] = [
            (Owner, &Permission::ALL),
            (Admin, &Permission::ALL),
            (
                Manager,
                &[
                    CatalogRead,
                    CatalogWrite,
                    InventoryWrite,
                    InventoryAllocate,
                    OrdersRead,
                    OrdersWrite,
                    PriceOverride,
                    PaymentsWrite,
                    ReportsRead,
                    StaffRead,
                    CustomersRead,
                    CustomersWrite,
                    MembershipsWrite,
                    PointsAdjust,
                    PointsRedeem,
                    CouponsRead,
                    CouponsWrite,
                ],
            ),
            (
                Cashier,
                &[
                    CatalogRead,
                    InventoryAllocate,
                    OrdersRead,
                    OrdersWrite,
                    PaymentsWrite,
                    CustomersRead,
                    CustomersWrite,
                    PointsRedeem,
                    CouponsRead,
                ],
            ),
            (
                Agent,
                &[
                    CatalogRead,
                    OrdersRead,
                    CustomersRead,
                    CustomersWrite,
                    CouponsRead,
                ],
            ),
            (
                Viewer,
                &[
                    CatalogRead,
                    OrdersRead,
                    ReportsRead,
                    CustomersRead,
                    CouponsRead,
                ],
            ),
        ];
        for (role, granted) in table {
            for p in Permission::ALL {
                assert_eq!(role.can(p), granted.contains(&p), "{role} {p}");
            }
        }
    }

    #[test]
    fn names_round_trip() {
        for r in Role::ALL {
            assert_eq!(r.as_str().parse::<Role>(), Ok(r));
        }
        assert!("superuser".parse::<Role>().is_err());
    }
}
