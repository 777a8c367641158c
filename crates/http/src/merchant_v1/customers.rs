//! Customers (003 §9).

use actix_web::{HttpResponse, get, patch, post, put, web};
use chrono::{DateTime, Utc};
use kedai_app::customers::{self, CreateCustomer, CustomerView, UpdateCustomer};
use kedai_identity::{CustomerFilter, Email, OutletId, Permission, Phone};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::*;
use crate::AppState;
use crate::auth::Staff;
use crate::body::JsonBody;
use crate::dto::{
    MerchantErrorBody, MerchantList, MerchantOk as Envelope, PageMeta, double_option,
};
use crate::query::Query;
use crate::surface::Merchant;

pub(super) fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_customers)
        .service(create_customer)
        .service(get_customer)
        .service(update_customer)
        .service(patch_customer);
}

/// A customer with figures derived from the points ledger and their orders.
#[derive(Debug, Serialize, ToSchema)]
pub struct CustomerResponse {
    /// Customer id.
    pub id: String,
    /// Name.
    #[schema(example = "Carter Yip")]
    pub name: String,
    /// Phone in E.164 form.
    #[schema(example = "+85290000000")]
    pub phone: Option<String>,
    /// E-mail, lower-case.
    #[schema(example = "carter@example.com")]
    pub email: Option<String>,
    /// Membership tier.
    #[schema(example = "Gold")]
    pub membership_tier: Option<String>,
    /// Σ of the points ledger.
    #[schema(example = 580)]
    pub points_balance: i64,
    /// Total of paid orders that were not cancelled or refunded, in major units.
    #[schema(example = 2450.0)]
    pub total_spent: f64,
    /// When their latest order was placed.
    pub last_visit_at: Option<DateTime<Utc>>,
    /// Date of birth, `YYYY-MM-DD`.
    #[schema(example = "1990-01-01")]
    pub birth_date: Option<String>,
    /// Where they signed up.
    #[schema(example = "qr_signup")]
    pub source: Option<String>,
    /// Home outlet.
    pub outlet_id: Option<String>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

impl From<CustomerView> for CustomerResponse {
    fn from(v: CustomerView) -> Self {
        let c = v.customer;
        Self {
            id: c.id.to_string(),
            name: c.name,
            phone: c.phone.as_ref().map(Phone::as_str).map(str::to_owned),
            email: c.email.as_ref().map(Email::as_str).map(str::to_owned),
            membership_tier: c.membership_tier,
            points_balance: v.points_balance,
            total_spent: v.total_spent.to_f64(),
            last_visit_at: v.last_visit_at,
            birth_date: c.birth_date.map(|d| d.format("%Y-%m-%d").to_string()),
            source: c.source,
            outlet_id: c.outlet_id.map(|o| o.to_string()),
            created_at: c.created_at,
            updated_at: c.updated_at,
        }
    }
}

/// A new customer: a phone or an e-mail (or both) is required.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateCustomerRequest {
    /// Name, 1–200 characters.
    #[schema(example = "Carter Yip")]
    pub name: String,
    /// International phone (`+` or `00` and the country code), unique per merchant.
    #[schema(example = "+852-90000000")]
    pub phone: Option<String>,
    /// E-mail, unique per merchant.
    #[schema(example = "carter@example.com")]
    pub email: Option<String>,
    /// Date of birth, `YYYY-MM-DD`, not in the future.
    #[schema(example = "1990-01-01")]
    pub birth_date: Option<String>,
    /// Where they signed up.
    #[schema(example = "qr_signup")]
    pub source: Option<String>,
    /// Membership tier.
    pub membership_tier: Option<String>,
    /// Home outlet id.
    pub outlet_id: Option<String>,
}

/// Changes to a customer: absent fields stay; `null` clears (a phone or an e-mail must remain).
#[derive(Debug, Deserialize, ToSchema)]
pub struct UpdateCustomerRequest {
    /// Name.
    pub name: Option<String>,
    /// Phone.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub phone: Option<Option<String>>,
    /// E-mail.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub email: Option<Option<String>>,
    /// Date of birth.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub birth_date: Option<Option<String>>,
    /// Sign-up source.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub source: Option<Option<String>>,
    /// Membership tier.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub membership_tier: Option<Option<String>>,
    /// Home outlet id.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub outlet_id: Option<Option<String>>,
}

/// Paging and filters of the customer list.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CustomerQuery {
    /// 1-based page (default 1).
    #[param(minimum = 1, maximum = 4294967295.0)]
    pub page: Option<i64>,
    /// Page size, 1–100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
    /// Part of the name, phone or e-mail, any case.
    pub keyword: Option<String>,
    /// Exact membership tier.
    pub membership_tier: Option<String>,
    /// Home outlet id.
    pub outlet_id: Option<String>,
}

/// Lists customers, newest first, with their points balance, total spent and last visit.
#[utoipa::path(
    tag = "merchant-customers",
    params(CustomerQuery),
    responses(
        (status = 200, body = MerchantList<CustomerResponse>),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 422, description = "Bad paging or filters", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[get("/customers")]
pub async fn list_customers(
    mut staff: Staff<Merchant>,
    req: actix_web::HttpRequest,
) -> Result<HttpResponse> {
    let q = Query::of(&req)?;
    let page = q.page(&["limit"])?;
    staff.require(Permission::CustomersRead);
    let filter = CustomerFilter {
        keyword: q.text("keyword"),
        membership_tier: q.text("membership_tier"),
        outlet_id: q.parsed::<OutletId>("outlet_id", "an outlet id")?,
    };
    let (views, total) = staff
        .run_with_tenant(move |store, actor, tenant| {
            store.read(|tx| customers::list_customers(tx, &actor, &tenant, &filter, page))
        })
        .await?;
    Ok(HttpResponse::Ok().json(MerchantList {
        success: true,
        message: "Customers".into(),
        data: views.into_iter().map(CustomerResponse::from).collect(),
        meta: PageMeta {
            page: page.page(),
            limit: page.limit(),
            total,
        },
    }))
}

/// Registers a customer.
#[utoipa::path(
    tag = "merchant-customers",
    request_body = CreateCustomerRequest,
    responses(
        (status = 201, body = Envelope<CustomerResponse>),
        (status = 400, description = "Malformed body", body = MerchantErrorBody),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "Role may not change customers", body = MerchantErrorBody),
        (status = 409, description = "CUSTOMER_PHONE_TAKEN or CUSTOMER_EMAIL_TAKEN", body = MerchantErrorBody),
        (status = 422, description = "Bad fields", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[post("/customers")]
pub async fn create_customer(
    state: web::Data<AppState>,
    mut staff: Staff<Merchant>,
    body: JsonBody<CreateCustomerRequest, Merchant>,
) -> Result<HttpResponse> {
    staff.require(Permission::CustomersWrite);
    let req = body.0;
    let cmd = CreateCustomer {
        name: req.name,
        phone: req.phone,
        email: req.email,
        birth_date: req.birth_date,
        source: req.source,
        membership_tier: req.membership_tier,
        outlet_id: req.outlet_id,
    };
    let now = state.now();
    let v = staff
        .run_with_tenant(move |store, actor, tenant| {
            store.write(|tx| customers::create_customer(tx, &actor, &tenant, &cmd, now))
        })
        .await?;
    Ok(HttpResponse::Created().json(Envelope::new("Customer created", CustomerResponse::from(v))))
}

/// One customer with their figures.
#[utoipa::path(
    tag = "merchant-customers",
    params(("id" = String, Path, description = "Customer id")),
    responses(
        (status = 200, body = Envelope<CustomerResponse>),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 404, description = "CUSTOMER_NOT_FOUND", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[get("/customers/{id}")]
pub async fn get_customer(
    mut staff: Staff<Merchant>,
    path: web::Path<String>,
) -> Result<HttpResponse> {
    staff.require(Permission::CustomersRead);
    let id = customer_id(&path)?;
    let v = staff
        .run_with_tenant(move |store, actor, tenant| {
            store.read(|tx| customers::get_customer(tx, &actor, &tenant, id))
        })
        .await?;
    Ok(HttpResponse::Ok().json(Envelope::new("Customer", CustomerResponse::from(v))))
}

async fn change_customer(
    state: web::Data<AppState>,
    mut staff: Staff<Merchant>,
    raw_id: &str,
    req: UpdateCustomerRequest,
) -> Result<HttpResponse> {
    staff.require(Permission::CustomersWrite);
    let id = customer_id(raw_id)?;
    let cmd = UpdateCustomer {
        name: req.name,
        phone: req.phone,
        email: req.email,
        birth_date: req.birth_date,
        source: req.source,
        membership_tier: req.membership_tier,
        outlet_id: req.outlet_id,
    };
    let now = state.now();
    let v = staff
        .run_with_tenant(move |store, actor, tenant| {
            store.write(|tx| customers::update_customer(tx, &actor, &tenant, id, &cmd, now))
        })
        .await?;
    Ok(HttpResponse::Ok().json(Envelope::new("Customer updated", CustomerResponse::from(v))))
}

/// Changes a customer; absent fields stay.
#[utoipa::path(
    tag = "merchant-customers",
    params(("id" = String, Path, description = "Customer id")),
    request_body = UpdateCustomerRequest,
    responses(
        (status = 200, body = Envelope<CustomerResponse>),
        (status = 400, description = "Malformed body", body = MerchantErrorBody),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "Role may not change customers", body = MerchantErrorBody),
        (status = 404, description = "CUSTOMER_NOT_FOUND", body = MerchantErrorBody),
        (status = 409, description = "CUSTOMER_PHONE_TAKEN or CUSTOMER_EMAIL_TAKEN", body = MerchantErrorBody),
        (status = 422, description = "Bad fields", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[put("/customers/{id}")]
pub async fn update_customer(
    state: web::Data<AppState>,
    staff: Staff<Merchant>,
    path: web::Path<String>,
    body: JsonBody<UpdateCustomerRequest, Merchant>,
) -> Result<HttpResponse> {
    change_customer(state, staff, &path, body.0).await
}

/// Changes a customer (same as PUT).
#[utoipa::path(
    tag = "merchant-customers",
    params(("id" = String, Path, description = "Customer id")),
    request_body = UpdateCustomerRequest,
    responses(
        (status = 200, body = Envelope<CustomerResponse>),
        (status = 400, description = "Malformed body", body = MerchantErrorBody),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "Role may not change customers", body = MerchantErrorBody),
        (status = 404, description = "CUSTOMER_NOT_FOUND", body = MerchantErrorBody),
        (status = 409, description = "CUSTOMER_PHONE_TAKEN or CUSTOMER_EMAIL_TAKEN", body = MerchantErrorBody),
        (status = 422, description = "Bad fields", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[patch("/customers/{id}")]
pub async fn patch_customer(
    state: web::Data<AppState>,
    staff: Staff<Merchant>,
    path: web::Path<String>,
    body: JsonBody<UpdateCustomerRequest, Merchant>,
) -> Result<HttpResponse> {
    change_customer(state, staff, &path, body.0).await
}
