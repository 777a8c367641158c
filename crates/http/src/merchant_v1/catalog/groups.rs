//! Brands and collections (003 §12).

use actix_web::{HttpResponse, delete, get, patch, post, web};
use chrono::{DateTime, Utc};
use kedai_app::catalog::{self, GroupInput};
use kedai_catalog::{GroupKind, ProductGroup};
use kedai_identity::Permission;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::*;
use crate::AppState;
use crate::auth::Staff;
use crate::body::JsonBody;
use crate::dto::{MerchantErrorBody, MerchantOk as Envelope, double_option};
use crate::surface::Merchant;

/// A brand or a collection.
#[derive(Debug, Serialize, ToSchema)]
pub struct GroupResponse {
    /// Id (UUID).
    pub id: String,
    /// Name.
    pub name: String,
    /// Storefront path name.
    pub slug: String,
    /// Description.
    pub description: Option<String>,
    /// Image URL.
    pub image_url: Option<String>,
    /// Shown on the storefront.
    pub online_enabled: bool,
    /// Display order.
    pub sort_order: i64,
    /// Listed products in it (active, not variations).
    pub product_count: i64,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

impl From<(ProductGroup, i64)> for GroupResponse {
    fn from((g, product_count): (ProductGroup, i64)) -> Self {
        Self {
            id: g.id.to_string(),
            slug: g.slug().to_owned(),
            name: g.listing.name,
            description: g.listing.description,
            image_url: g.listing.image_url,
            online_enabled: g.online_enabled,
            sort_order: g.listing.sort_order,
            product_count,
            created_at: g.created_at,
            updated_at: g.updated_at,
        }
    }
}

/// A brand or collection to create (name required) or change.
#[derive(Debug, Deserialize, ToSchema)]
pub struct GroupRequest {
    /// Name, 1–200 characters.
    #[schema(example = "Acme Roasters")]
    pub name: Option<String>,
    /// Slug (default: made from the name; required when the name has no letters or digits
    /// to make one from), unique per merchant.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, example = "acme-roasters")]
    pub slug: Option<Option<String>>,
    /// Description.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub description: Option<Option<String>>,
    /// Image URL (http or https).
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub image_url: Option<Option<String>>,
    /// Shown on the storefront (default true).
    pub online_enabled: Option<bool>,
    /// Display order (default 0).
    pub sort_order: Option<i64>,
}

impl From<GroupRequest> for GroupInput {
    fn from(r: GroupRequest) -> Self {
        Self {
            listing: listing(r.name, r.slug, r.description, r.image_url, r.sort_order),
            online_enabled: r.online_enabled,
        }
    }
}

async fn list_groups(staff: Staff<Merchant>, kind: GroupKind) -> Result<HttpResponse> {
    let list = staff
        .run(move |store, actor| store.read(|tx| catalog::list_groups(tx, &actor, kind)))
        .await?;
    Ok(HttpResponse::Ok().json(Envelope::new(
        match kind {
            GroupKind::Brand => "Brands",
            GroupKind::Collection => "Collections",
        },
        list.into_iter()
            .map(GroupResponse::from)
            .collect::<Vec<_>>(),
    )))
}

async fn create_group(
    state: web::Data<AppState>,
    mut staff: Staff<Merchant>,
    kind: GroupKind,
    req: GroupRequest,
) -> Result<HttpResponse> {
    staff.require(Permission::CatalogWrite);
    let input = GroupInput::from(req);
    let now = state.now();
    let g = staff
        .run(move |store, actor| {
            store.write(|tx| catalog::create_group(tx, &actor, kind, &input, now))
        })
        .await?;
    Ok(HttpResponse::Created().json(Envelope::new(
        match kind {
            GroupKind::Brand => "Brand created",
            GroupKind::Collection => "Collection created",
        },
        GroupResponse::from(g),
    )))
}

async fn update_group(
    state: web::Data<AppState>,
    mut staff: Staff<Merchant>,
    kind: GroupKind,
    raw: &str,
    req: GroupRequest,
) -> Result<HttpResponse> {
    staff.require(Permission::CatalogWrite);
    let id = group_id(kind, raw)?;
    let input = GroupInput::from(req);
    let now = state.now();
    let g = staff
        .run(move |store, actor| {
            store.write(|tx| catalog::update_group(tx, &actor, kind, id, &input, now))
        })
        .await?;
    Ok(HttpResponse::Ok().json(Envelope::new(
        match kind {
            GroupKind::Brand => "Brand updated",
            GroupKind::Collection => "Collection updated",
        },
        GroupResponse::from(g),
    )))
}

async fn delete_group(
    mut staff: Staff<Merchant>,
    kind: GroupKind,
    raw: &str,
) -> Result<HttpResponse> {
    staff.require(Permission::CatalogWrite);
    let id = group_id(kind, raw)?;
    staff
        .run(move |store, actor| store.write(|tx| catalog::delete_group(tx, &actor, kind, id)))
        .await?;
    Ok(HttpResponse::Ok().json(Envelope::new(
        match kind {
            GroupKind::Brand => "Brand deleted",
            GroupKind::Collection => "Collection deleted",
        },
        DeletedText {
            id: id.to_string(),
            deleted: true,
        },
    )))
}

/// The merchant's brands in display order (online or not), with product counts.
#[utoipa::path(
    tag = "merchant-catalogue",
    responses(
        (status = 200, body = Envelope<Vec<GroupResponse>>),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[get("/brands")]
pub async fn list_brands(staff: Staff<Merchant>) -> Result<HttpResponse> {
    list_groups(staff, GroupKind::Brand).await
}

/// Creates a brand.
#[utoipa::path(
    tag = "merchant-catalogue",
    request_body = GroupRequest,
    responses(
        (status = 201, body = Envelope<GroupResponse>),
        (status = 400, description = "Malformed body", body = MerchantErrorBody),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "Role may not change the catalogue", body = MerchantErrorBody),
        (status = 409, description = "SLUG_TAKEN", body = MerchantErrorBody),
        (status = 422, description = "Bad fields", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[post("/brands")]
pub async fn create_brand(
    state: web::Data<AppState>,
    staff: Staff<Merchant>,
    body: JsonBody<GroupRequest, Merchant>,
) -> Result<HttpResponse> {
    create_group(state, staff, GroupKind::Brand, body.0).await
}

/// Changes a brand.
#[utoipa::path(
    tag = "merchant-catalogue",
    params(("id" = String, Path, description = "Brand id")),
    request_body = GroupRequest,
    responses(
        (status = 200, body = Envelope<GroupResponse>),
        (status = 400, description = "Malformed body", body = MerchantErrorBody),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "Role may not change the catalogue", body = MerchantErrorBody),
        (status = 404, description = "NOT_FOUND", body = MerchantErrorBody),
        (status = 409, description = "SLUG_TAKEN", body = MerchantErrorBody),
        (status = 422, description = "Bad fields", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[patch("/brands/{id}")]
pub async fn update_brand(
    state: web::Data<AppState>,
    staff: Staff<Merchant>,
    path: web::Path<String>,
    body: JsonBody<GroupRequest, Merchant>,
) -> Result<HttpResponse> {
    update_group(state, staff, GroupKind::Brand, &path, body.0).await
}

/// Deletes a brand; its products keep selling without one.
#[utoipa::path(
    tag = "merchant-catalogue",
    params(("id" = String, Path, description = "Brand id")),
    responses(
        (status = 200, body = Envelope<DeletedText>),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "Role may not change the catalogue", body = MerchantErrorBody),
        (status = 404, description = "NOT_FOUND", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[delete("/brands/{id}")]
pub async fn delete_brand(staff: Staff<Merchant>, path: web::Path<String>) -> Result<HttpResponse> {
    delete_group(staff, GroupKind::Brand, &path).await
}

/// The merchant's collections in display order (online or not), with product counts.
#[utoipa::path(
    tag = "merchant-catalogue",
    responses(
        (status = 200, body = Envelope<Vec<GroupResponse>>),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[get("/collections")]
pub async fn list_collections(staff: Staff<Merchant>) -> Result<HttpResponse> {
    list_groups(staff, GroupKind::Collection).await
}

/// Creates a collection.
#[utoipa::path(
    tag = "merchant-catalogue",
    request_body = GroupRequest,
    responses(
        (status = 201, body = Envelope<GroupResponse>),
        (status = 400, description = "Malformed body", body = MerchantErrorBody),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "Role may not change the catalogue", body = MerchantErrorBody),
        (status = 409, description = "SLUG_TAKEN", body = MerchantErrorBody),
        (status = 422, description = "Bad fields", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[post("/collections")]
pub async fn create_collection(
    state: web::Data<AppState>,
    staff: Staff<Merchant>,
    body: JsonBody<GroupRequest, Merchant>,
) -> Result<HttpResponse> {
    create_group(state, staff, GroupKind::Collection, body.0).await
}

/// Changes a collection.
#[utoipa::path(
    tag = "merchant-catalogue",
    params(("id" = String, Path, description = "Collection id")),
    request_body = GroupRequest,
    responses(
        (status = 200, body = Envelope<GroupResponse>),
        (status = 400, description = "Malformed body", body = MerchantErrorBody),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "Role may not change the catalogue", body = MerchantErrorBody),
        (status = 404, description = "NOT_FOUND", body = MerchantErrorBody),
        (status = 409, description = "SLUG_TAKEN", body = MerchantErrorBody),
        (status = 422, description = "Bad fields", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[patch("/collections/{id}")]
pub async fn update_collection(
    state: web::Data<AppState>,
    staff: Staff<Merchant>,
    path: web::Path<String>,
    body: JsonBody<GroupRequest, Merchant>,
) -> Result<HttpResponse> {
    update_group(state, staff, GroupKind::Collection, &path, body.0).await
}

/// Deletes a collection; its products leave it.
#[utoipa::path(
    tag = "merchant-catalogue",
    params(("id" = String, Path, description = "Collection id")),
    responses(
        (status = 200, body = Envelope<DeletedText>),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "Role may not change the catalogue", body = MerchantErrorBody),
        (status = 404, description = "NOT_FOUND", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[delete("/collections/{id}")]
pub async fn delete_collection(
    staff: Staff<Merchant>,
    path: web::Path<String>,
) -> Result<HttpResponse> {
    delete_group(staff, GroupKind::Collection, &path).await
}
