//! Staff roles and what each may do.

use std::fmt;
use std::str::FromStr;

/// A staff role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// Owns the merchant account: everything.
    Owner,
    /// Runs the account: everything.
    Admin,
    /// Runs an outlet: catalogue, stock, orders, payments, reports.
    Manager,
    /// Sells at the counter: orders, payments, allocations; reads the catalogue.
    Cashier,
    /// Customer service: reads orders and the catalogue.
    Agent,
    /// Read-only: catalogue, orders and reports.
    Viewer,
}

/// Something a staff member may be allowed to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permission {
    /// Read products and stock levels.
    CatalogRead,
    /// Create, change and delete products.
    CatalogWrite,
    /// Receive and adjust stock.
    InventoryWrite,
    /// Allocate stock to a reference.
    InventoryAllocate,
    /// Read orders.
    OrdersRead,
    /// Create orders and change their status.
    OrdersWrite,
    /// Record payments and refunds.
    PaymentsWrite,
    /// Read reports and summaries.
    ReportsRead,
}

impl Role {
    /// Every role, most powerful first.
    pub const ALL: [Self; 6] = [
        Self::Owner,
        Self::Admin,
        Self::Manager,
        Self::Cashier,
        Self::Agent,
        Self::Viewer,
    ];

    /// The wire and storage name.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Owner => "owner",
            Self::Admin => "admin",
            Self::Manager => "manager",
            Self::Cashier => "cashier",
            Self::Agent => "agent",
            Self::Viewer => "viewer",
        }
    }

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

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| {
                format!("`{s}` is not a role (owner, admin, manager, cashier, agent, viewer)")
            })
    }
}

impl Permission {
    /// Every permission.
    pub const ALL: [Self; 8] = [
        Self::CatalogRead,
        Self::CatalogWrite,
        Self::InventoryWrite,
        Self::InventoryAllocate,
        Self::OrdersRead,
        Self::OrdersWrite,
        Self::PaymentsWrite,
        Self::ReportsRead,
    ];

    /// The documented name.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::CatalogRead => "catalog:read",
            Self::CatalogWrite => "catalog:write",
            Self::InventoryWrite => "inventory:write",
            Self::InventoryAllocate => "inventory:allocate",
            Self::OrdersRead => "orders:read",
            Self::OrdersWrite => "orders:write",
            Self::PaymentsWrite => "payments:write",
            Self::ReportsRead => "reports:read",
        }
    }
}

impl fmt::Display for Permission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
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
