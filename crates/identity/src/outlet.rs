//! Outlets: the merchant's shops and branches.

use chrono::{DateTime, Utc};
use kedai_core::{Page, StorageError, TenantId, uuid_id};

use crate::tenant::{contact_phone, optional_text};
use crate::{IdentityError, Role, invalid};

uuid_id!(
    /// An outlet (shop, branch).
    OutletId
);

kedai_core::text_enum! {
    /// Whether an outlet is trading.
    #[derive(Default)]
    pub enum OutletStatus ("an outlet status") {
        /// Trading.
        #[default]
        Active = "active",
        /// Closed for now.
        Inactive = "inactive",
    }
}

/// A shop or branch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outlet {
    /// Id.
    pub id: OutletId,
    /// Owner.
    pub tenant_id: TenantId,
    /// Name.
    pub name: String,
    /// Short code, upper-case, unique per tenant among outlets that are not deleted.
    pub code: String,
    /// Street address.
    pub address: Option<String>,
    /// Phone, as written.
    pub phone: Option<String>,
    /// Trading or not.
    pub status: OutletStatus,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

/// A validated new outlet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOutlet {
    /// Name.
    pub name: String,
    /// Code.
    pub code: String,
    /// Address.
    pub address: Option<String>,
    /// Phone.
    pub phone: Option<String>,
    /// Status.
    pub status: OutletStatus,
}

/// A partial change; `None` leaves a field, `Some(None)` clears address or phone.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OutletUpdate {
    /// Name.
    pub name: Option<String>,
    /// Code.
    pub code: Option<String>,
    /// Address.
    pub address: Option<Option<String>>,
    /// Phone.
    pub phone: Option<Option<String>>,
    /// Status.
    pub status: Option<OutletStatus>,
}

fn clean_name(name: &str) -> Result<String, IdentityError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(invalid("name", "must be 1 to 200 characters"));
    }
    Ok(name.to_owned())
}

/// Codes are compared upper-case (`pch001` and `PCH001` are the same outlet code): 1 to 32
/// letters, digits, `-` or `_`.
fn clean_code(code: &str) -> Result<String, IdentityError> {
    let code = code.trim().to_uppercase();
    let ok = !code.is_empty()
        && code.chars().count() <= 32
        && code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !ok {
        return Err(invalid(
            "code",
            "must be 1 to 32 letters, digits, dashes or underscores",
        ));
    }
    Ok(code)
}

fn clean_phone(phone: Option<&str>) -> Result<Option<String>, IdentityError> {
    match phone.map(str::trim).filter(|p| !p.is_empty()) {
        Some(p) => contact_phone("phone", p).map(Some),
        None => Ok(None),
    }
}

impl NewOutlet {
    /// Validates a new outlet.
    ///
    /// # Errors
    /// [`IdentityError::Invalid`] naming the field.
    pub fn new(
        name: &str,
        code: &str,
        address: Option<&str>,
        phone: Option<&str>,
        status: OutletStatus,
    ) -> Result<Self, IdentityError> {
        Ok(Self {
            name: clean_name(name)?,
            code: clean_code(code)?,
            address: optional_text("address", address, 500)?,
            phone: clean_phone(phone)?,
            status,
        })
    }
}

impl Outlet {
    /// Applies a change.
    ///
    /// # Errors
    /// [`IdentityError::Invalid`] naming the field; the outlet is unchanged then.
    pub fn apply(
        &mut self,
        update: &OutletUpdate,
        now: DateTime<Utc>,
    ) -> Result<(), IdentityError> {
        let mut next = self.clone();
        if let Some(n) = &update.name {
            next.name = clean_name(n)?;
        }
        if let Some(c) = &update.code {
            next.code = clean_code(c)?;
        }
        if let Some(a) = &update.address {
            next.address = optional_text("address", a.as_deref(), 500)?;
        }
        if let Some(p) = &update.phone {
            next.phone = clean_phone(p.as_deref())?;
        }
        if let Some(s) = update.status {
            next.status = s;
        }
        next.updated_at = now;
        *self = next;
        Ok(())
    }
}

/// Whether staff of `role` see every outlet of the merchant. Cashiers see only the outlets they
/// are bound to.
#[must_use]
pub const fn sees_all_outlets(role: Role) -> bool {
    !matches!(role, Role::Cashier)
}

/// Outlets.
pub trait OutletRepository {
    /// Stores a new outlet.
    ///
    /// # Errors
    /// `Ok(Err(()))` when its code is taken by another live outlet of the tenant;
    /// [`StorageError`] on backend failure.
    fn insert_outlet(&mut self, outlet: &Outlet) -> Result<Result<(), ()>, StorageError>;

    /// A live (not deleted) outlet of the tenant.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn find_outlet(
        &mut self,
        tenant: TenantId,
        id: OutletId,
    ) -> Result<Option<Outlet>, StorageError>;

    /// A page of live outlets, oldest first, limited to `only` when given, and their total.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn list_outlets(
        &mut self,
        tenant: TenantId,
        page: Page,
        only: Option<&[OutletId]>,
    ) -> Result<(Vec<Outlet>, i64), StorageError>;

    /// Saves a changed outlet.
    ///
    /// # Errors
    /// `Ok(Err(()))` when its new code is taken; [`StorageError`] on backend failure.
    fn update_outlet(&mut self, outlet: &Outlet) -> Result<Result<(), ()>, StorageError>;

    /// Marks a live outlet deleted and removes every staff binding to it. False when there
    /// was no such live outlet.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn delete_outlet(
        &mut self,
        tenant: TenantId,
        id: OutletId,
        at: DateTime<Utc>,
    ) -> Result<bool, StorageError>;

    /// Which of `ids` are live outlets of the tenant.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn live_outlets(
        &mut self,
        tenant: TenantId,
        ids: &[OutletId],
    ) -> Result<Vec<OutletId>, StorageError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(r: Result<impl std::fmt::Debug, IdentityError>) -> &'static str {
        match r {
            Err(IdentityError::Invalid { field, .. }) => field,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn new_outlets_are_cleaned_and_checked() {
        let o = NewOutlet::new(
            " Demo Cafe - Puchong ",
            " pch001 ",
            Some(" 72-1A Jalan Puteri "),
            Some("+60-16-9642896"),
            OutletStatus::Active,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (o.name.as_str(), o.code.as_str(), o.address.as_deref()),
            ("Demo Cafe - Puchong", "PCH001", Some("72-1A Jalan Puteri"))
        );
        assert_eq!(
            field(NewOutlet::new("", "A", None, None, OutletStatus::Active)),
            "name"
        );
        assert_eq!(
            field(NewOutlet::new("A", "a b", None, None, OutletStatus::Active)),
            "code"
        );
        assert_eq!(
            field(NewOutlet::new("A", "", None, None, OutletStatus::Active)),
            "code"
        );
        assert_eq!(
            field(NewOutlet::new(
                "A",
                "A",
                None,
                Some("abc"),
                OutletStatus::Active
            )),
            "phone"
        );
        assert_eq!(
            field(NewOutlet::new(
                "A",
                "A",
                Some(&"x".repeat(501)),
                None,
                OutletStatus::Active
            )),
            "address"
        );
    }

    #[test]
    fn updates_are_partial_and_all_or_nothing() {
        let mut o = Outlet {
            id: OutletId::new(),
            tenant_id: TenantId::new(),
            name: "A".into(),
            code: "A1".into(),
            address: Some("street".into()),
            phone: None,
            status: OutletStatus::Active,
            created_at: DateTime::UNIX_EPOCH,
            updated_at: DateTime::UNIX_EPOCH,
        };
        let before = o.clone();
        let bad = OutletUpdate {
            name: Some("B".into()),
            code: Some("no spaces".into()),
            ..OutletUpdate::default()
        };
        assert_eq!(field(o.apply(&bad, DateTime::UNIX_EPOCH)), "code");
        assert_eq!(o, before);
        let good = OutletUpdate {
            address: Some(None),
            status: Some(OutletStatus::Inactive),
            ..OutletUpdate::default()
        };
        assert_eq!(o.apply(&good, DateTime::UNIX_EPOCH), Ok(()));
        assert_eq!(
            (o.address.as_deref(), o.status, o.name.as_str()),
            (None, OutletStatus::Inactive, "A")
        );
    }

    #[test]
    fn only_cashiers_are_confined_to_their_outlets() {
        for role in Role::ALL {
            assert_eq!(sees_all_outlets(role), role != Role::Cashier, "{role}");
        }
    }
}
