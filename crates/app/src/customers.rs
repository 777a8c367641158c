//! Customers (003 §9), with their derived figures: points balance from the points ledger,
//! total spent and last visit from their orders.

use crate::Entity;
use chrono::{DateTime, Utc};
use kedai_core::ErrorCode;
use kedai_core::{Currency, Money, Page};
use kedai_identity::Tenant;
use kedai_identity::{
    Customer, CustomerConflict, CustomerFilter, CustomerId, CustomerStats, CustomerUpdate,
    NewCustomer, OutletId, Permission,
};
use serde_json::json;

use crate::{Actor, AppError, OutboxEvent, UnitOfWork};

/// A customer with the figures derived from ledgers and orders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerView {
    /// The customer.
    pub customer: Customer,
    /// Points balance.
    pub points_balance: i64,
    /// Spent on paid orders that were not cancelled or refunded.
    pub total_spent: Money,
    /// Their latest order's creation time.
    pub last_visit_at: Option<DateTime<Utc>>,
}

impl CustomerView {
    fn new(customer: Customer, stats: CustomerStats, currency: Currency) -> Self {
        Self {
            customer,
            points_balance: stats.points_balance,
            total_spent: Money::from_minor(stats.total_spent_minor, currency),
            last_visit_at: stats.last_visit_at,
        }
    }
}

/// A customer as requested; the outlet id is checked against the tenant's outlets.
#[derive(Debug, Clone, Default)]
pub struct CreateCustomer {
    /// Name.
    pub name: String,
    /// Phone.
    pub phone: Option<String>,
    /// E-mail.
    pub email: Option<String>,
    /// `YYYY-MM-DD`.
    pub birth_date: Option<String>,
    /// Sign-up source.
    pub source: Option<String>,
    /// Tier.
    pub membership_tier: Option<String>,
    /// Home outlet id.
    pub outlet_id: Option<String>,
}

/// A change as requested; `None` leaves a field, `Some(None)` clears it.
#[derive(Debug, Clone, Default)]
pub struct UpdateCustomer {
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
    /// Home outlet id.
    pub outlet_id: Option<Option<String>>,
}

pub(crate) fn taken(c: CustomerConflict) -> AppError {
    match c {
        CustomerConflict::Phone => AppError::conflict(
            ErrorCode::CustomerPhoneTaken,
            "another customer of this merchant has this phone number",
        ),
        CustomerConflict::Email => AppError::conflict(
            ErrorCode::CustomerEmailTaken,
            "another customer of this merchant has this e-mail address",
        ),
    }
}

fn outlet(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    raw: Option<&str>,
) -> Result<Option<OutletId>, AppError> {
    let Some(raw) = raw.map(str::trim).filter(|r| !r.is_empty()) else {
        return Ok(None);
    };
    let id: OutletId = raw
        .parse()
        .map_err(|_| AppError::invalid("outlet_id", "is not an outlet id"))?;
    // An outlet the caller may see: a cashier registers customers only at their own outlets.
    match crate::outlets::require_outlet(tx, actor, id) {
        Ok(_) => Ok(Some(id)),
        Err(AppError::NotFound { .. }) => Err(AppError::invalid(
            "outlet_id",
            "no such outlet in this merchant",
        )),
        Err(e) => Err(e),
    }
}

fn view(
    tx: &mut dyn UnitOfWork,
    customer: Customer,
    currency: Currency,
) -> Result<CustomerView, AppError> {
    let stats = tx
        .customer_stats(customer.tenant_id, &[customer.id])?
        .into_iter()
        .next()
        .unwrap_or_else(|| CustomerStats::none(customer.id));
    Ok(CustomerView::new(customer, stats, currency))
}

fn require_customer(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    id: CustomerId,
) -> Result<Customer, AppError> {
    tx.find_customer(actor.tenant, id)?
        .ok_or_else(|| AppError::not_found(Entity::Customer, id))
}

/// Registers a customer and writes `customer.created` to the outbox.
///
/// # Errors
/// [`AppError::Forbidden`] without `CustomersWrite`; [`AppError::Validation`] naming the
/// field; [`AppError::Conflict`] `CUSTOMER_PHONE_TAKEN` or `CUSTOMER_EMAIL_TAKEN`.
#[tracing::instrument(skip_all, fields(tenant.id = %actor.tenant))]
pub fn create_customer(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    tenant: &Tenant,
    cmd: &CreateCustomer,
    now: DateTime<Utc>,
) -> Result<CustomerView, AppError> {
    actor.require(Permission::CustomersWrite)?;
    let merchant = tenant;
    let new = NewCustomer {
        name: cmd.name.clone(),
        phone: cmd.phone.clone(),
        email: cmd.email.clone(),
        birth_date: cmd.birth_date.clone(),
        source: cmd.source.clone(),
        membership_tier: cmd.membership_tier.clone(),
        outlet_id: None,
    };
    let today = merchant.time_zone.local_date(now);
    let mut customer = Customer::new(actor.tenant, CustomerId::new(), &new, today, now)?;
    customer.outlet_id = outlet(tx, actor, cmd.outlet_id.as_deref())?;
    tx.insert_customer(&customer)?.map_err(taken)?;
    tx.append_event(&OutboxEvent {
        tenant_id: actor.tenant,
        event_type: "customer.created",
        aggregate_id: customer.id.to_string(),
        payload: json!({
            "customer_id": customer.id.to_string(),
            "name": customer.name,
            "phone": customer.phone.as_ref().map(kedai_identity::Phone::as_str),
            "email": customer.email.as_ref().map(kedai_identity::Email::as_str),
            "source": customer.source,
            "membership_tier": customer.membership_tier,
            "outlet_id": customer.outlet_id.map(|o| o.to_string()),
            "created_at": customer.created_at.to_rfc3339(),
        }),
        created_at: now,
    })?;
    Ok(CustomerView::new(
        customer.clone(),
        CustomerStats::none(customer.id),
        merchant.currency,
    ))
}

/// One customer with their figures.
///
/// # Errors
/// [`AppError::Forbidden`] without `CustomersRead`; [`AppError::NotFound`].
pub fn get_customer(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    tenant: &Tenant,
    id: CustomerId,
) -> Result<CustomerView, AppError> {
    actor.require(Permission::CustomersRead)?;
    let currency = tenant.currency;
    let customer = require_customer(tx, actor, id)?;
    view(tx, customer, currency)
}

/// Changes a customer.
///
/// # Errors
/// [`AppError::Forbidden`]; [`AppError::NotFound`]; [`AppError::Validation`];
/// [`AppError::Conflict`] `CUSTOMER_PHONE_TAKEN` or `CUSTOMER_EMAIL_TAKEN`.
#[tracing::instrument(skip_all, fields(tenant.id = %actor.tenant, customer.id = %id))]
pub fn update_customer(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    tenant: &Tenant,
    id: CustomerId,
    cmd: &UpdateCustomer,
    now: DateTime<Utc>,
) -> Result<CustomerView, AppError> {
    actor.require(Permission::CustomersWrite)?;
    tx.lock_tenant_changes(actor.tenant)?;
    let merchant = tenant;
    let mut customer = require_customer(tx, actor, id)?;
    let outlet_id = match &cmd.outlet_id {
        Some(raw) => Some(outlet(tx, actor, raw.as_deref())?),
        None => None,
    };
    let update = CustomerUpdate {
        name: cmd.name.clone(),
        phone: cmd.phone.clone(),
        email: cmd.email.clone(),
        birth_date: cmd.birth_date.clone(),
        source: cmd.source.clone(),
        membership_tier: cmd.membership_tier.clone(),
        outlet_id,
    };
    customer.apply(&update, merchant.time_zone.local_date(now), now)?;
    tx.update_customer(&customer)?.map_err(taken)?;
    view(tx, customer, merchant.currency)
}

/// A page of customers, newest first, with their figures computed for the whole page in a
/// fixed number of queries; and the total that match.
///
/// # Errors
/// [`AppError::Forbidden`] without `CustomersRead`; [`AppError::Storage`].
pub fn list_customers(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    tenant: &Tenant,
    filter: &CustomerFilter,
    page: Page,
) -> Result<(Vec<CustomerView>, i64), AppError> {
    actor.require(Permission::CustomersRead)?;
    let currency = tenant.currency;
    let (customers, total) = tx.list_customers(actor.tenant, filter, page)?;
    let ids: Vec<CustomerId> = customers.iter().map(|c| c.id).collect();
    let stats = tx.customer_stats(actor.tenant, &ids)?;
    let views = customers
        .into_iter()
        .map(|c| {
            let s = stats
                .iter()
                .find(|s| s.customer == c.id)
                .copied()
                .unwrap_or_else(|| CustomerStats::none(c.id));
            CustomerView::new(c, s, currency)
        })
        .collect();
    Ok((views, total))
}
