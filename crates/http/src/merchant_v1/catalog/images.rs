//! Product images (003 §12).

use actix_web::{HttpResponse, delete, post, web};
use kedai_app::Entity;
use kedai_app::catalog::{self, ImageInput};
use kedai_catalog::{ImageId, ProductImage};
use kedai_identity::Permission;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::*;
use crate::AppState;
use crate::auth::Staff;
use crate::body::JsonBody;
use crate::dto::{MerchantErrorBody, MerchantOk as Envelope};
use crate::surface::Merchant;

/// A product image.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImageResponse {
    /// Integer id.
    pub id: i64,
    /// The product.
    pub product_id: i64,
    /// URL.
    pub src: String,
    /// Name.
    pub name: Option<String>,
    /// Alternative text.
    pub alt: Option<String>,
    /// Width in pixels.
    pub width: Option<i64>,
    /// Height in pixels.
    pub height: Option<i64>,
    /// The product's main image.
    pub is_primary: bool,
    /// Display order.
    pub position: i64,
}

impl From<ProductImage> for ImageResponse {
    fn from(i: ProductImage) -> Self {
        Self {
            id: i.id.get(),
            product_id: i.product_id.get(),
            src: i.src,
            name: i.name,
            alt: i.alt,
            width: i.width,
            height: i.height,
            is_primary: i.is_primary,
            position: i.position,
        }
    }
}

/// An image of a product, by URL.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ImageRequest {
    /// Absolute http or https URL.
    #[schema(example = "https://cdn.example.com/tee-red.jpg")]
    pub src: String,
    /// Name.
    pub name: Option<String>,
    /// Alternative text.
    pub alt: Option<String>,
    /// Width in pixels.
    pub width: Option<i64>,
    /// Height in pixels.
    pub height: Option<i64>,
    /// The main image (default: when it is the product's first); the others stop being.
    pub is_primary: Option<bool>,
    /// Display order (default: after the others).
    pub position: Option<i64>,
}

/// Adds an image to a product by URL.
#[utoipa::path(
    tag = "merchant-catalogue",
    params(("id" = i64, Path, description = "Product id")),
    request_body = ImageRequest,
    responses(
        (status = 201, body = Envelope<ImageResponse>),
        (status = 400, description = "Malformed body", body = MerchantErrorBody),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "Role may not change the catalogue", body = MerchantErrorBody),
        (status = 404, description = "PRODUCT_NOT_FOUND", body = MerchantErrorBody),
        (status = 422, description = "Bad fields", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[post("/products/{id}/images")]
pub async fn create_product_image(
    state: web::Data<AppState>,
    mut staff: Staff<Merchant>,
    path: web::Path<String>,
    body: JsonBody<ImageRequest, Merchant>,
) -> Result<HttpResponse> {
    staff.require(Permission::CatalogWrite);
    let id = product_id(&path)?;
    let r = body.0;
    let input = ImageInput {
        src: r.src,
        name: r.name,
        alt: r.alt,
        width: r.width,
        height: r.height,
        is_primary: r.is_primary,
        position: r.position,
    };
    let now = state.now();
    let image = staff
        .run(move |store, actor| store.write(|tx| catalog::add_image(tx, &actor, id, &input, now)))
        .await?;
    Ok(HttpResponse::Created().json(Envelope::new("Image added", ImageResponse::from(image))))
}

/// Removes an image of a product.
#[utoipa::path(
    tag = "merchant-catalogue",
    params(
        ("id" = i64, Path, description = "Product id"),
        ("imageId" = i64, Path, description = "Image id"),
    ),
    responses(
        (status = 200, body = Envelope<DeletedInt>),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "Role may not change the catalogue", body = MerchantErrorBody),
        (status = 404, description = "PRODUCT_NOT_FOUND, NOT_FOUND", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[delete("/products/{id}/images/{imageId}")]
pub async fn delete_product_image(
    mut staff: Staff<Merchant>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse> {
    staff.require(Permission::CatalogWrite);
    let (product, image) = path.into_inner();
    let product = product_id(&product)?;
    let image: ImageId = image
        .parse()
        .map_err(|_| AppError::not_found(Entity::Image, &image))?;
    staff
        .run(move |store, actor| {
            store.write(|tx| catalog::delete_image(tx, &actor, product, image))
        })
        .await?;
    Ok(HttpResponse::Ok().json(Envelope::new(
        "Image deleted",
        DeletedInt {
            id: image.get(),
            deleted: true,
        },
    )))
}
