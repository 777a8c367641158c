//! Outlets (003 §8).

use actix_web::{HttpResponse, delete, get, post, put, web};
use chrono::{DateTime, Utc};
use kedai_app::Entity;
use kedai_app::outlets::{self, CreateOutlet};
use kedai_identity::{Outlet, OutletId, OutletUpdate, Permission};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::*;
use crate::AppState;
use crate::auth::Staff;
use crate::body::JsonBody;
use crate::dto::{
    MerchantErrorBody, MerchantList, MerchantOk as Envelope, PageMeta, double_option,
};
use crate::error::ApiError;
use crate::query::Query;
use crate::surface::Merchant;

pub(super) fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_outlets)
        .service(create_outlet)
        .service(get_outlet)
        .service(update_outlet)
        .service(delete_outlet);
}

fn outlet_id(raw: &str) -> Result<OutletId> {
    raw.parse()
        .map_err(|_| AppError::not_found(Entity::Outlet, raw).into())
}

/// An outlet.
#[derive(Debug, Serialize, ToSchema)]
pub struct OutletResponse {
    /// Outlet id.
    pub id: String,
    /// Name.
    #[schema(example = "Demo Cafe - Puchong")]
    pub name: String,
    /// Code, upper-case, unique among the merchant's outlets.
    #[schema(example = "PCH001")]
    pub code: String,
    /// Address.
    pub address: Option<String>,
    /// Phone, as written.
    pub phone: Option<String>,
    /// `active` or `inactive`.
    pub status: String,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

impl From<Outlet> for OutletResponse {
    fn from(o: Outlet) -> Self {
        Self {
            id: o.id.to_string(),
            name: o.name,
            code: o.code,
            address: o.address,
            phone: o.phone,
            status: o.status.to_string(),
            created_at: o.created_at,
            updated_at: o.updated_at,
        }
    }
}

/// A new outlet.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateOutletRequest {
    /// Name, 1–200 characters.
    #[schema(example = "Demo Cafe - Puchong")]
    pub name: String,
    /// Code: 1–32 letters, digits, `-` or `_`; compared upper-case.
    #[schema(example = "PCH001")]
    pub code: String,
    /// Address.
    #[schema(example = "72-1A Jalan Puteri 2/4, Bandar Puteri, Puchong")]
    pub address: Option<String>,
    /// Phone.
    #[schema(example = "+60-16-9642896")]
    pub phone: Option<String>,
    /// `active` (default) or `inactive`.
    pub status: Option<String>,
}

/// Changes to an outlet: absent fields stay; `null` clears address or phone.
#[derive(Debug, Deserialize, ToSchema)]
pub struct UpdateOutletRequest {
    /// Name.
    pub name: Option<String>,
    /// Code.
    pub code: Option<String>,
    /// Address.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub address: Option<Option<String>>,
    /// Phone.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub phone: Option<Option<String>>,
    /// Status.
    pub status: Option<String>,
}

/// Lists the outlets, oldest first; cashiers see only the outlets they are bound to.
#[utoipa::path(
    tag = "merchant-outlets",
    params(PageQuery),
    responses(
        (status = 200, body = MerchantList<OutletResponse>),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 422, description = "Bad paging", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[get("/outlets")]
pub async fn list_outlets(
    staff: Staff<Merchant>,
    req: actix_web::HttpRequest,
) -> Result<HttpResponse> {
    let page = Query::of(&req)?.page(&["limit"])?;
    let (list, total) = staff
        .run(move |store, actor| store.read(|tx| outlets::list_outlets(tx, &actor, page)))
        .await?;
    Ok(HttpResponse::Ok().json(MerchantList {
        success: true,
        message: "Outlets".into(),
        data: list.into_iter().map(OutletResponse::from).collect(),
        meta: PageMeta {
            page: page.page(),
            limit: page.limit(),
            total,
        },
    }))
}

/// Creates an outlet.
#[utoipa::path(
    tag = "merchant-outlets",
    request_body = CreateOutletRequest,
    responses(
        (status = 201, body = Envelope<OutletResponse>),
        (status = 400, description = "Malformed body", body = MerchantErrorBody),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "Role may not change outlets", body = MerchantErrorBody),
        (status = 409, description = "OUTLET_CODE_TAKEN", body = MerchantErrorBody),
        (status = 422, description = "Bad fields", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[post("/outlets")]
pub async fn create_outlet(
    state: web::Data<AppState>,
    mut staff: Staff<Merchant>,
    body: JsonBody<CreateOutletRequest, Merchant>,
) -> Result<HttpResponse> {
    staff.require(Permission::OutletsWrite);
    let req = body.0;
    let cmd = CreateOutlet {
        name: req.name,
        code: req.code,
        address: req.address,
        phone: req.phone,
        status: req
            .status
            .as_deref()
            .map(|s| ApiError::parse_field("status", s))
            .transpose()?,
    };
    let now = state.now();
    let o = staff
        .run(move |store, actor| store.write(|tx| outlets::create_outlet(tx, &actor, &cmd, now)))
        .await?;
    Ok(HttpResponse::Created().json(Envelope::new("Outlet created", OutletResponse::from(o))))
}

/// One outlet.
#[utoipa::path(
    tag = "merchant-outlets",
    params(("id" = String, Path, description = "Outlet id")),
    responses(
        (status = 200, body = Envelope<OutletResponse>),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 404, description = "OUTLET_NOT_FOUND", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[get("/outlets/{id}")]
pub async fn get_outlet(staff: Staff<Merchant>, path: web::Path<String>) -> Result<HttpResponse> {
    let id = outlet_id(&path)?;
    let o = staff
        .run(move |store, actor| store.read(|tx| outlets::get_outlet(tx, &actor, id)))
        .await?;
    Ok(HttpResponse::Ok().json(Envelope::new("Outlet", OutletResponse::from(o))))
}

/// Changes an outlet; absent fields stay.
#[utoipa::path(
    tag = "merchant-outlets",
    params(("id" = String, Path, description = "Outlet id")),
    request_body = UpdateOutletRequest,
    responses(
        (status = 200, body = Envelope<OutletResponse>),
        (status = 400, description = "Malformed body", body = MerchantErrorBody),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "Role may not change outlets", body = MerchantErrorBody),
        (status = 404, description = "OUTLET_NOT_FOUND", body = MerchantErrorBody),
        (status = 409, description = "OUTLET_CODE_TAKEN", body = MerchantErrorBody),
        (status = 422, description = "Bad fields", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[put("/outlets/{id}")]
pub async fn update_outlet(
    state: web::Data<AppState>,
    mut staff: Staff<Merchant>,
    path: web::Path<String>,
    body: JsonBody<UpdateOutletRequest, Merchant>,
) -> Result<HttpResponse> {
    staff.require(Permission::OutletsWrite);
    let id = outlet_id(&path)?;
    let req = body.0;
    let update = OutletUpdate {
        name: req.name,
        code: req.code,
        address: req.address,
        phone: req.phone,
        status: req
            .status
            .as_deref()
            .map(|s| ApiError::parse_field("status", s))
            .transpose()?,
    };
    let now = state.now();
    let o = staff
        .run(move |store, actor| {
            store.write(|tx| outlets::update_outlet(tx, &actor, id, &update, now))
        })
        .await?;
    Ok(HttpResponse::Ok().json(Envelope::new("Outlet updated", OutletResponse::from(o))))
}

/// The id of a deleted outlet.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeletedOutlet {
    /// Outlet id.
    pub id: String,
    /// Always true.
    pub deleted: bool,
}

/// Deletes an outlet: it disappears from the merchant API, its code is free again, and staff
/// are unbound from it. Orders and customers that name it keep the id.
#[utoipa::path(
    tag = "merchant-outlets",
    params(("id" = String, Path, description = "Outlet id")),
    responses(
        (status = 200, body = Envelope<DeletedOutlet>),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "Role may not change outlets", body = MerchantErrorBody),
        (status = 404, description = "OUTLET_NOT_FOUND", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[delete("/outlets/{id}")]
pub async fn delete_outlet(
    state: web::Data<AppState>,
    mut staff: Staff<Merchant>,
    path: web::Path<String>,
) -> Result<HttpResponse> {
    staff.require(Permission::OutletsWrite);
    let id = outlet_id(&path)?;
    let now = state.now();
    staff
        .run(move |store, actor| store.write(|tx| outlets::delete_outlet(tx, &actor, id, now)))
        .await?;
    Ok(HttpResponse::Ok().json(Envelope::new(
        "Outlet deleted",
        DeletedOutlet {
            id: id.to_string(),
            deleted: true,
        },
    )))
}
