//! Staff accounts (003 §7).

use actix_web::{HttpResponse, delete, get, patch, post, put, web};
use chrono::{DateTime, Utc};
use kedai_app::Entity;
use kedai_app::staff::{self, CreateStaff, StaffView, UpdateStaff};
use kedai_identity::{Permission, Role, StaffId};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::*;
use crate::AppState;
use crate::auth::Staff;
use crate::body::JsonBody;
use crate::dto::{MerchantErrorBody, MerchantList, MerchantOk as Envelope, PageMeta};
use crate::error::ApiError;
use crate::query::Query;
use crate::surface::Merchant;

pub(super) fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_staff)
        .service(create_staff)
        .service(get_staff)
        .service(update_staff)
        .service(patch_staff)
        .service(deactivate_staff)
        .service(delete_staff);
}

fn staff_id(raw: &str) -> Result<StaffId> {
    raw.parse()
        .map_err(|_| AppError::not_found(Entity::Staff, raw).into())
}

/// A staff account (never its password hash).
#[derive(Debug, Serialize, ToSchema)]
pub struct StaffResponse {
    /// Staff id.
    pub id: String,
    /// Display name.
    #[schema(example = "Alice Wong")]
    pub name: String,
    /// Sign-in e-mail.
    #[schema(example = "alice@brand.com")]
    pub email: String,
    /// `owner`, `admin`, `manager`, `cashier`, `agent` or `viewer`.
    #[schema(example = "cashier")]
    pub role: String,
    /// `active` or `inactive` (inactive accounts cannot sign in).
    pub status: String,
    /// Outlets the account is bound to.
    pub outlet_ids: Vec<String>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last change (the creation time until the first).
    pub updated_at: DateTime<Utc>,
}

impl From<StaffView> for StaffResponse {
    fn from(v: StaffView) -> Self {
        let s = v.staff;
        Self {
            id: s.id.to_string(),
            name: s.name,
            email: s.email.as_str().to_owned(),
            role: s.role.to_string(),
            status: if s.active { "active" } else { "inactive" }.into(),
            outlet_ids: v.outlet_ids.iter().map(ToString::to_string).collect(),
            updated_at: s.updated_at.unwrap_or(s.created_at),
            created_at: s.created_at,
        }
    }
}

/// A created staff account, with its generated password when none was given.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedStaffResponse {
    /// The account.
    #[serde(flatten)]
    pub staff: StaffResponse,
    /// The generated initial password, shown this once; absent when one was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub initial_password: Option<String>,
}

/// A new staff account.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateStaffRequest {
    /// Display name (default: the e-mail's local part).
    #[schema(example = "Alice Wong")]
    pub name: Option<String>,
    /// Sign-in e-mail, unique among the merchant's staff.
    #[schema(example = "alice@brand.com")]
    pub email: String,
    /// Role; only an owner may create an owner.
    #[schema(example = "cashier")]
    pub role: String,
    /// One outlet to bind the account to.
    pub outlet_id: Option<String>,
    /// Outlets to bind the account to.
    #[serde(default)]
    pub outlet_ids: Vec<String>,
    /// Initial password, 8–256 characters; generated and returned once when absent.
    pub password: Option<String>,
}

/// Changes to a staff account: absent fields stay.
#[derive(Debug, Deserialize, ToSchema)]
pub struct UpdateStaffRequest {
    /// Display name.
    pub name: Option<String>,
    /// Role; only an owner may grant, change or remove the owner role.
    pub role: Option<String>,
    /// Outlets, replacing the current bindings.
    pub outlet_ids: Option<Vec<String>>,
}

/// Paging and the role filter of the staff list.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StaffQuery {
    /// 1-based page (default 1).
    #[param(minimum = 1, maximum = 4294967295.0)]
    pub page: Option<i64>,
    /// Page size, 1–100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
    /// Only staff of this role.
    pub role: Option<String>,
}

/// Lists the merchant's staff accounts, oldest first.
#[utoipa::path(
    tag = "merchant-staff",
    params(StaffQuery),
    responses(
        (status = 200, body = MerchantList<StaffResponse>),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "Role may not read staff", body = MerchantErrorBody),
        (status = 422, description = "Bad paging or role", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[get("/staff")]
pub async fn list_staff(
    mut staff: Staff<Merchant>,
    req: actix_web::HttpRequest,
) -> Result<HttpResponse> {
    let q = Query::of(&req)?;
    let page = q.page(&["limit"])?;
    staff.require(Permission::StaffRead);
    let role = q
        .text("role")
        .map(|r| ApiError::parse_field::<Role>("role", &r))
        .transpose()?;
    let (views, total) = staff
        .run(move |store, actor| store.read(|tx| staff::list_staff(tx, &actor, role, page)))
        .await?;
    Ok(HttpResponse::Ok().json(MerchantList {
        success: true,
        message: "Staff".into(),
        data: views.into_iter().map(StaffResponse::from).collect(),
        meta: PageMeta {
            page: page.page(),
            limit: page.limit(),
            total,
        },
    }))
}

/// Creates a staff account bound to outlets. Without a password, a random one is generated
/// and returned once as `initial_password`.
#[utoipa::path(
    tag = "merchant-staff",
    request_body = CreateStaffRequest,
    responses(
        (status = 201, body = Envelope<CreatedStaffResponse>),
        (status = 400, description = "Malformed body", body = MerchantErrorBody),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "FORBIDDEN, or OWNER_ROLE_REQUIRED to create an owner", body = MerchantErrorBody),
        (status = 409, description = "STAFF_EMAIL_TAKEN", body = MerchantErrorBody),
        (status = 422, description = "Bad fields or unknown outlets", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[post("/staff")]
pub async fn create_staff(
    state: web::Data<AppState>,
    mut staff: Staff<Merchant>,
    body: JsonBody<CreateStaffRequest, Merchant>,
) -> Result<HttpResponse> {
    staff.require(Permission::StaffWrite);
    let req = body.0;
    let cmd = CreateStaff {
        name: req.name,
        email: req.email,
        role: ApiError::parse_field("role", &req.role)?,
        outlet_id: req.outlet_id,
        outlet_ids: req.outlet_ids,
        password: req.password,
    };
    let now = state.now();
    let created = staff
        .run(move |store, actor| {
            let prepared = staff::prepare_staff(&actor, &cmd)?;
            store.write(|tx| staff::create_staff(tx, &actor, &prepared, now))
        })
        .await?;
    Ok(HttpResponse::Created().json(Envelope::new(
        "Staff created",
        CreatedStaffResponse {
            staff: StaffResponse::from(created.view),
            initial_password: created.initial_password,
        },
    )))
}

/// One staff account.
#[utoipa::path(
    tag = "merchant-staff",
    params(("id" = String, Path, description = "Staff id")),
    responses(
        (status = 200, body = Envelope<StaffResponse>),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "Role may not read staff", body = MerchantErrorBody),
        (status = 404, description = "STAFF_NOT_FOUND", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[get("/staff/{id}")]
pub async fn get_staff(
    mut staff: Staff<Merchant>,
    path: web::Path<String>,
) -> Result<HttpResponse> {
    staff.require(Permission::StaffRead);
    let id = staff_id(&path)?;
    let v = staff
        .run(move |store, actor| store.read(|tx| staff::get_staff(tx, &actor, id)))
        .await?;
    Ok(HttpResponse::Ok().json(Envelope::new("Staff", StaffResponse::from(v))))
}

async fn change_staff(
    state: web::Data<AppState>,
    mut staff: Staff<Merchant>,
    raw_id: &str,
    req: UpdateStaffRequest,
) -> Result<HttpResponse> {
    staff.require(Permission::StaffWrite);
    let id = staff_id(raw_id)?;
    let cmd = UpdateStaff {
        name: req.name,
        role: req
            .role
            .as_deref()
            .map(|r| ApiError::parse_field("role", r))
            .transpose()?,
        outlet_ids: req.outlet_ids,
    };
    let now = state.now();
    let v = staff
        .run(move |store, actor| store.write(|tx| staff::update_staff(tx, &actor, id, &cmd, now)))
        .await?;
    Ok(HttpResponse::Ok().json(Envelope::new("Staff updated", StaffResponse::from(v))))
}

/// Changes a staff account's name, role or outlets; absent fields stay.
#[utoipa::path(
    tag = "merchant-staff",
    params(("id" = String, Path, description = "Staff id")),
    request_body = UpdateStaffRequest,
    responses(
        (status = 200, body = Envelope<StaffResponse>),
        (status = 400, description = "Malformed body", body = MerchantErrorBody),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "FORBIDDEN, or OWNER_ROLE_REQUIRED", body = MerchantErrorBody),
        (status = 404, description = "STAFF_NOT_FOUND", body = MerchantErrorBody),
        (status = 409, description = "LAST_OWNER", body = MerchantErrorBody),
        (status = 422, description = "Bad fields or unknown outlets", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[put("/staff/{id}")]
pub async fn update_staff(
    state: web::Data<AppState>,
    staff: Staff<Merchant>,
    path: web::Path<String>,
    body: JsonBody<UpdateStaffRequest, Merchant>,
) -> Result<HttpResponse> {
    change_staff(state, staff, &path, body.0).await
}

/// Changes a staff account's name, role or outlets (same as PUT).
#[utoipa::path(
    tag = "merchant-staff",
    params(("id" = String, Path, description = "Staff id")),
    request_body = UpdateStaffRequest,
    responses(
        (status = 200, body = Envelope<StaffResponse>),
        (status = 400, description = "Malformed body", body = MerchantErrorBody),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "FORBIDDEN, or OWNER_ROLE_REQUIRED", body = MerchantErrorBody),
        (status = 404, description = "STAFF_NOT_FOUND", body = MerchantErrorBody),
        (status = 409, description = "LAST_OWNER", body = MerchantErrorBody),
        (status = 422, description = "Bad fields or unknown outlets", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[patch("/staff/{id}")]
pub async fn patch_staff(
    state: web::Data<AppState>,
    staff: Staff<Merchant>,
    path: web::Path<String>,
    body: JsonBody<UpdateStaffRequest, Merchant>,
) -> Result<HttpResponse> {
    change_staff(state, staff, &path, body.0).await
}

async fn deactivate(
    state: web::Data<AppState>,
    mut staff: Staff<Merchant>,
    raw_id: &str,
) -> Result<HttpResponse> {
    staff.require(Permission::StaffWrite);
    let id = staff_id(raw_id)?;
    let now = state.now();
    let v = staff
        .run(move |store, actor| store.write(|tx| staff::deactivate_staff(tx, &actor, id, now)))
        .await?;
    Ok(HttpResponse::Ok().json(Envelope::new("Staff deactivated", StaffResponse::from(v))))
}

/// Deactivates a staff account: it can no longer sign in. Repeating it changes nothing.
#[utoipa::path(
    tag = "merchant-staff",
    params(("id" = String, Path, description = "Staff id")),
    responses(
        (status = 200, body = Envelope<StaffResponse>),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "FORBIDDEN, or OWNER_ROLE_REQUIRED to deactivate an owner", body = MerchantErrorBody),
        (status = 404, description = "STAFF_NOT_FOUND", body = MerchantErrorBody),
        (status = 409, description = "CANNOT_DEACTIVATE_SELF or LAST_OWNER", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[post("/staff/{id}/deactivate")]
pub async fn deactivate_staff(
    state: web::Data<AppState>,
    staff: Staff<Merchant>,
    path: web::Path<String>,
) -> Result<HttpResponse> {
    deactivate(state, staff, &path).await
}

/// Deactivates a staff account (same as `POST /staff/{id}/deactivate`; accounts are never
/// erased, their actions stay attributed).
#[utoipa::path(
    tag = "merchant-staff",
    params(("id" = String, Path, description = "Staff id")),
    responses(
        (status = 200, body = Envelope<StaffResponse>),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "FORBIDDEN, or OWNER_ROLE_REQUIRED to deactivate an owner", body = MerchantErrorBody),
        (status = 404, description = "STAFF_NOT_FOUND", body = MerchantErrorBody),
        (status = 409, description = "CANNOT_DEACTIVATE_SELF or LAST_OWNER", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[delete("/staff/{id}")]
pub async fn delete_staff(
    state: web::Data<AppState>,
    staff: Staff<Merchant>,
    path: web::Path<String>,
) -> Result<HttpResponse> {
    deactivate(state, staff, &path).await
}
