//! Customers: the merchant's members, with contact details unique per merchant.

use chrono::{DateTime, NaiveDate, Utc};
use kedai_core::{Page, StorageError, TenantId, uuid_id};

use crate::tenant::optional_text;
use crate::{Email, IdentityError, OutletId, invalid};

uuid_id!(
    /// A customer.
    CustomerId
);

/// A phone number in E.164 form (`+85290000000`).
///
/// The rule, kept small on purpose instead of a numbering-plan database: the number must be
/// international, written with a leading `+` or `00`; spaces, dashes, dots and parentheses are
/// dropped; what remains is a country code not starting with 0 and 7 to 15 digits in all
/// (E.164's maximum). `+852-90000000`, `+852 9000 0000` and `0085290000000` are all
/// `+85290000000`. Whether the number exists in its country's plan is not checked.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Phone(String);

impl Phone {
    /// Normalises a phone number to E.164.
    ///
    /// # Errors
    /// [`IdentityError::Invalid`] for `phone`.
    pub fn parse(text: &str) -> Result<Self, IdentityError> {
        let compact: String = text
            .trim()
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')'))
            .collect();
        let digits = compact
            .strip_prefix('+')
            .or_else(|| compact.strip_prefix("00"));
        match digits {
            Some(d)
                if d.bytes().all(|b| b.is_ascii_digit())
                    && (7..=15).contains(&d.len())
                    && !d.starts_with('0') =>
            {
                Ok(Self(format!("+{d}")))
            }
            _ => Err(invalid(
                "phone",
                "must be an international number with its country code, starting with + or 00 (e.g. +852 9000 0000)",
            )),
        }
    }

    /// The E.164 text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A customer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Customer {
    /// Id.
    pub id: CustomerId,
    /// Owner.
    pub tenant_id: TenantId,
    /// Name.
    pub name: String,
    /// E.164 phone, unique per tenant.
    pub phone: Option<Phone>,
    /// E-mail, unique per tenant.
    pub email: Option<Email>,
    /// Date of birth.
    pub birth_date: Option<NaiveDate>,
    /// Where they signed up (`qr_signup`, `pos`, ...).
    pub source: Option<String>,
    /// Membership tier name.
    pub membership_tier: Option<String>,
    /// Home outlet.
    pub outlet_id: Option<OutletId>,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

/// A new customer as given, before validation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewCustomer {
    /// Name.
    pub name: String,
    /// Phone, any international form.
    pub phone: Option<String>,
    /// E-mail.
    pub email: Option<String>,
    /// `YYYY-MM-DD`.
    pub birth_date: Option<String>,
    /// Sign-up source.
    pub source: Option<String>,
    /// Tier.
    pub membership_tier: Option<String>,
    /// Home outlet.
    pub outlet_id: Option<OutletId>,
}

/// A partial change; `None` leaves a field, `Some(None)` clears an optional one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CustomerUpdate {
    /// Name.
    pub name: Option<String>,
    /// Phone.
    pub phone: Option<Option<String>>,
    /// E-mail.
    pub email: Option<Option<String>>,
    /// `YYYY-MM-DD`.
    pub birth_date: Option<Option<String>>,
    /// Sign-up source.
    pub source: Option<Option<String>>,
    /// Tier.
    pub membership_tier: Option<Option<String>>,
    /// Home outlet.
    pub outlet_id: Option<Option<OutletId>>,
}

fn clean_name(name: &str) -> Result<String, IdentityError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(invalid("name", "must be 1 to 200 characters"));
    }
    Ok(name.to_owned())
}

fn clean_phone(phone: Option<&str>) -> Result<Option<Phone>, IdentityError> {
    phone
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(Phone::parse)
        .transpose()
}

fn clean_email(email: Option<&str>) -> Result<Option<Email>, IdentityError> {
    email
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .map(Email::parse)
        .transpose()
}

fn clean_birth_date(
    date: Option<&str>,
    today: NaiveDate,
) -> Result<Option<NaiveDate>, IdentityError> {
    let Some(text) = date.map(str::trim).filter(|d| !d.is_empty()) else {
        return Ok(None);
    };
    let date = NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| invalid("birth_date", "must be a date, YYYY-MM-DD"))?;
    if date > today {
        return Err(invalid("birth_date", "must not be in the future"));
    }
    if date < NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(NaiveDate::MIN) {
        return Err(invalid("birth_date", "must be 1900-01-01 or later"));
    }
    Ok(Some(date))
}

fn contact_required(phone: Option<&Phone>, email: Option<&Email>) -> Result<(), IdentityError> {
    if phone.is_none() && email.is_none() {
        return Err(invalid(
            "phone",
            "a phone number or an e-mail address is required",
        ));
    }
    Ok(())
}

impl Customer {
    /// Validates a new customer. `today` is the merchant's local date (a birth date may not be
    /// after it).
    ///
    /// # Errors
    /// [`IdentityError::Invalid`] naming the field; `phone` when neither phone nor e-mail is
    /// given.
    pub fn new(
        tenant_id: TenantId,
        id: CustomerId,
        new: &NewCustomer,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<Self, IdentityError> {
        let phone = clean_phone(new.phone.as_deref())?;
        let email = clean_email(new.email.as_deref())?;
        let customer = Self {
            id,
            tenant_id,
            name: clean_name(&new.name)?,
            birth_date: clean_birth_date(new.birth_date.as_deref(), today)?,
            source: optional_text("source", new.source.as_deref(), 64)?,
            membership_tier: optional_text("membership_tier", new.membership_tier.as_deref(), 64)?,
            outlet_id: new.outlet_id,
            created_at: now,
            updated_at: now,
            phone,
            email,
        };
        contact_required(customer.phone.as_ref(), customer.email.as_ref())?;
        Ok(customer)
    }

    /// Applies a change; the customer must keep a phone or an e-mail.
    ///
    /// # Errors
    /// [`IdentityError::Invalid`] naming the field; the customer is unchanged then.
    pub fn apply(
        &mut self,
        update: &CustomerUpdate,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<(), IdentityError> {
        let mut next = self.clone();
        if let Some(n) = &update.name {
            next.name = clean_name(n)?;
        }
        if let Some(p) = &update.phone {
            next.phone = clean_phone(p.as_deref())?;
        }
        if let Some(e) = &update.email {
            next.email = clean_email(e.as_deref())?;
        }
        if let Some(b) = &update.birth_date {
            next.birth_date = clean_birth_date(b.as_deref(), today)?;
        }
        if let Some(s) = &update.source {
            next.source = optional_text("source", s.as_deref(), 64)?;
        }
        if let Some(t) = &update.membership_tier {
            next.membership_tier = optional_text("membership_tier", t.as_deref(), 64)?;
        }
        if let Some(o) = update.outlet_id {
            next.outlet_id = o;
        }
        contact_required(next.phone.as_ref(), next.email.as_ref())?;
        next.updated_at = now;
        *self = next;
        Ok(())
    }
}

/// Which unique contact detail another customer of the merchant already has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CustomerConflict {
    /// The phone number.
    Phone,
    /// The e-mail address.
    Email,
}

/// What a customer list is narrowed to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CustomerFilter {
    /// Part of the name, phone or e-mail, any case.
    pub keyword: Option<String>,
    /// Exact tier.
    pub membership_tier: Option<String>,
    /// Home outlet.
    pub outlet_id: Option<OutletId>,
}

/// Figures derived from ledgers and orders, never stored on the customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CustomerStats {
    /// The customer.
    pub customer: CustomerId,
    /// Σ of their points-ledger deltas.
    pub points_balance: i64,
    /// Σ total of their paid orders that were not cancelled or refunded, in minor units.
    pub total_spent_minor: i64,
    /// When their latest order was created.
    pub last_visit_at: Option<DateTime<Utc>>,
}

impl CustomerStats {
    /// The figures of a customer with no points and no orders.
    #[must_use]
    pub const fn none(customer: CustomerId) -> Self {
        Self {
            customer,
            points_balance: 0,
            total_spent_minor: 0,
            last_visit_at: None,
        }
    }
}

/// Customers.
pub trait CustomerRepository {
    /// Stores a new customer.
    ///
    /// # Errors
    /// `Ok(Err(_))` when another customer of the tenant has the phone or e-mail;
    /// [`StorageError`] on backend failure.
    fn insert_customer(
        &mut self,
        customer: &Customer,
    ) -> Result<Result<(), CustomerConflict>, StorageError>;

    /// One customer of the tenant.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn find_customer(
        &mut self,
        tenant: TenantId,
        id: CustomerId,
    ) -> Result<Option<Customer>, StorageError>;

    /// Saves a changed customer.
    ///
    /// # Errors
    /// `Ok(Err(_))` when another customer has the new phone or e-mail; [`StorageError`] on
    /// backend failure.
    fn update_customer(
        &mut self,
        customer: &Customer,
    ) -> Result<Result<(), CustomerConflict>, StorageError>;

    /// A page of the tenant's customers, newest first, and the total that match.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn list_customers(
        &mut self,
        tenant: TenantId,
        filter: &CustomerFilter,
        page: Page,
    ) -> Result<(Vec<Customer>, i64), StorageError>;

    /// The derived figures of each of `ids` that has points or orders, in a fixed number of
    /// queries however many ids there are.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn customer_stats(
        &mut self,
        tenant: TenantId,
        ids: &[CustomerId],
    ) -> Result<Vec<CustomerStats>, StorageError>;
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

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 4, 14).unwrap_or_default()
    }

    #[test]
    fn phones_become_e164() {
        for (given, want) in [
            ("+852-90000000", "+85290000000"),
            ("+852 9000 0000", "+85290000000"),
            ("0085290000000", "+85290000000"),
            (" +60 (12) 345.6789 ", "+60123456789"),
            ("+1234567", "+1234567"),
            ("+123456789012345", "+123456789012345"),
        ] {
            assert_eq!(
                Phone::parse(given).map(|p| p.0),
                Ok(want.to_owned()),
                "{given}"
            );
        }
        for bad in [
            "90000000",
            "+0852 9000",
            "+123456",
            "+1234567890123456",
            "+852-9000-abcd",
            "+",
            "",
            "++85290000000",
            "0 0 85290000000x",
        ] {
            assert_eq!(field(Phone::parse(bad)), "phone", "{bad}");
        }
    }

    #[test]
    fn new_customers_need_a_contact_and_a_sane_birth_date() {
        let ok = NewCustomer {
            name: " Carter Yip ".into(),
            phone: Some("+852-90000000".into()),
            email: Some(" Carter@Example.COM ".into()),
            birth_date: Some("1990-01-01".into()),
            source: Some("qr_signup".into()),
            ..NewCustomer::default()
        };
        let c = Customer::new(
            TenantId::new(),
            CustomerId::new(),
            &ok,
            today(),
            DateTime::UNIX_EPOCH,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(c.name, "Carter Yip");
        assert_eq!(c.phone.as_ref().map(Phone::as_str), Some("+85290000000"));
        assert_eq!(
            c.email.as_ref().map(Email::as_str),
            Some("carter@example.com")
        );
        let new = |f: fn(&mut NewCustomer)| {
            let mut n = ok.clone();
            f(&mut n);
            Customer::new(
                TenantId::new(),
                CustomerId::new(),
                &n,
                today(),
                DateTime::UNIX_EPOCH,
            )
        };
        assert_eq!(
            field(new(|n| {
                n.phone = None;
                n.email = Some(" ".into());
            })),
            "phone"
        );
        assert!(new(|n| n.phone = None).is_ok());
        assert!(new(|n| n.email = None).is_ok());
        assert_eq!(
            field(new(|n| n.birth_date = Some("2026-04-15".into()))),
            "birth_date"
        );
        assert!(new(|n| n.birth_date = Some("2026-04-14".into())).is_ok());
        assert_eq!(
            field(new(|n| n.birth_date = Some("01/01/1990".into()))),
            "birth_date"
        );
        assert_eq!(
            field(new(|n| n.birth_date = Some("1990-02-30".into()))),
            "birth_date"
        );
        assert_eq!(field(new(|n| n.name = String::new())), "name");
        assert_eq!(field(new(|n| n.email = Some("nope".into()))), "email");
        assert_eq!(field(new(|n| n.source = Some("x".repeat(65)))), "source");
    }

    #[test]
    fn updates_keep_a_contact() {
        let new = NewCustomer {
            name: "A".into(),
            phone: Some("+60123456789".into()),
            ..NewCustomer::default()
        };
        let mut c = Customer::new(
            TenantId::new(),
            CustomerId::new(),
            &new,
            today(),
            DateTime::UNIX_EPOCH,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let before = c.clone();
        let drop_phone = CustomerUpdate {
            phone: Some(None),
            ..CustomerUpdate::default()
        };
        assert_eq!(
            field(c.apply(&drop_phone, today(), DateTime::UNIX_EPOCH)),
            "phone"
        );
        assert_eq!(c, before);
        let swap = CustomerUpdate {
            phone: Some(None),
            email: Some(Some("a@b.com".into())),
            membership_tier: Some(Some("Gold".into())),
            ..CustomerUpdate::default()
        };
        assert_eq!(c.apply(&swap, today(), DateTime::UNIX_EPOCH), Ok(()));
        assert_eq!(
            (c.phone.is_none(), c.membership_tier.as_deref()),
            (true, Some("Gold"))
        );
    }
}
