//! Staff roles and what each may do.

kedai_core::text_enum! {
    /// A staff role.
    pub enum Role ("a role") {
        /// Owns the merchant account: everything.
        Owner = "owner",
        /// Runs the account: everything.
        Admin = "admin",
        /// Runs an outlet: catalogue, stock, orders, payments, reports.
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
        /// Record payments and refunds.
        PaymentsWrite = "payments:write",
        /// Read reports and summaries.
        ReportsRead = "reports:read",
    }
}

impl Role {
    /// Whether this role grants `permission`. The whole matrix is this one match.
    #[must_use]
    pub const fn can(self, permission: Permission) -> bool {
        use Permission::{
            CatalogRead, CatalogWrite, InventoryAllocate, InventoryWrite, OrdersRead, OrdersWrite,
            PaymentsWrite, ReportsRead,
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
                    | PaymentsWrite
                    | ReportsRead
            ),
            Self::Cashier => matches!(
                permission,
                CatalogRead | InventoryAllocate | OrdersRead | OrdersWrite | PaymentsWrite
            ),
            Self::Agent => matches!(permission, CatalogRead | OrdersRead),
            Self::Viewer => matches!(permission, CatalogRead | OrdersRead | ReportsRead),
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
            (Manager, &Permission::ALL),
            (
                Cashier,
                &[
                    CatalogRead,
                    InventoryAllocate,
                    OrdersRead,
                    OrdersWrite,
                    PaymentsWrite,
                ],
            ),
            (Agent, &[CatalogRead, OrdersRead]),
            (Viewer, &[CatalogRead, OrdersRead, ReportsRead]),
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
