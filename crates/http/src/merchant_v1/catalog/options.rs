//! The options a variable product's variations choose from (003 §12).

use actix_web::{HttpResponse, post, web};
use kedai_app::catalog::{self};
use kedai_catalog::{OptionDraft, ProductOption};
use kedai_identity::Permission;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::*;
use crate::AppState;
use crate::auth::Staff;
use crate::body::JsonBody;
use crate::dto::{MerchantErrorBody, MerchantOk as Envelope};
use crate::surface::Merchant;

/// One value of an option.
#[derive(Debug, Serialize, ToSchema)]
pub struct OptionValueResponse {
    /// Integer id.
    pub id: i64,
    /// Text.
    pub value: String,
    /// Display order.
    pub position: i64,
}

/// A product option with its values.
#[derive(Debug, Serialize, ToSchema)]
pub struct OptionResponse {
    /// Integer id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Display order.
    pub position: i64,
    /// Every variation must choose a value.
    pub required: bool,
    /// Values in display order.
    pub values: Vec<OptionValueResponse>,
}

impl From<ProductOption> for OptionResponse {
    fn from(o: ProductOption) -> Self {
        Self {
            id: o.id.get(),
            name: o.name,
            position: o.position,
            required: o.required,
            values: o
                .values
                .into_iter()
                .map(|v| OptionValueResponse {
                    id: v.id.get(),
                    value: v.value,
                    position: v.position,
                })
                .collect(),
        }
    }
}

/// A value of a new option: its text, or the text and its display order.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum OptionValueRequest {
    /// Just the text (ordered as listed).
    Text(String),
    /// Text and order.
    Full {
        /// Text.
        value: String,
        /// Display order.
        position: Option<i64>,
    },
}

/// A new option of a product with its values.
#[derive(Debug, Deserialize, ToSchema)]
pub struct OptionRequest {
    /// Name, 1–100 characters, unique among the product's options.
    #[schema(example = "Colour")]
    pub name: String,
    /// Display order (default 0).
    pub position: Option<i64>,
    /// Every variation must choose a value (default true).
    pub required: Option<bool>,
    /// 1–100 distinct values.
    pub values: Vec<OptionValueRequest>,
}

/// Adds an option with its values to a product (variations then choose among the values).
#[utoipa::path(
    tag = "merchant-catalogue",
    params(("id" = i64, Path, description = "Product id")),
    request_body = OptionRequest,
    responses(
        (status = 201, body = Envelope<OptionResponse>),
        (status = 400, description = "Malformed body", body = MerchantErrorBody),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "Role may not change the catalogue", body = MerchantErrorBody),
        (status = 404, description = "PRODUCT_NOT_FOUND", body = MerchantErrorBody),
        (status = 409, description = "OPTION_EXISTS, PRODUCT_IS_VARIATION", body = MerchantErrorBody),
        (status = 422, description = "Bad fields", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[post("/products/{id}/options")]
pub async fn create_product_option(
    state: web::Data<AppState>,
    mut staff: Staff<Merchant>,
    path: web::Path<String>,
    body: JsonBody<OptionRequest, Merchant>,
) -> Result<HttpResponse> {
    staff.require(Permission::CatalogWrite);
    let id = product_id(&path)?;
    let req = body.0;
    let values: Vec<(String, Option<i64>)> = req
        .values
        .into_iter()
        .map(|v| match v {
            OptionValueRequest::Text(t) => (t, None),
            OptionValueRequest::Full { value, position } => (value, position),
        })
        .collect();
    let draft =
        OptionDraft::new(&req.name, req.position, req.required, &values).map_err(AppError::from)?;
    let now = state.now();
    let o = staff
        .run(move |store, actor| store.write(|tx| catalog::add_option(tx, &actor, id, &draft, now)))
        .await?;
    Ok(HttpResponse::Created().json(Envelope::new("Option created", OptionResponse::from(o))))
}
