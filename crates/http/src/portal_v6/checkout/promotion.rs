//! Checking a promotion code.

use actix_web::{HttpResponse, post, web};
use kedai_app::Amount;
use kedai_app::checkout::{self};
use kedai_core::Money;
use kedai_loyalty::DiscountType;
use kedai_loyalty::coupon::percentage_to_f64;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::AppState;
use crate::body::JsonBody;
use crate::dto::{Decimal, PortalErrorBody};
use crate::error::ApiError;
use crate::portal_v6::{PortalOk, Result, Shop, ok};
use crate::surface::Portal;

/// A promotion code to check.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ValidatePromotionRequest {
    /// The code (`code` is accepted too).
    #[serde(alias = "code")]
    #[schema(example = "SPRING10")]
    pub promotion_code: Option<String>,
    /// `online` (default), `booking` or `event`; codes apply on every channel.
    #[schema(example = "online")]
    pub channel: Option<String>,
    /// The amount in major units.
    #[schema(value_type = f64, example = 450)]
    pub amount: Decimal,
    /// The service booked (accepted, not used).
    pub service_uuid: Option<String>,
    /// The event (accepted, not used): the FavCRM client types it as a number, events have
    /// string ids, so either is read.
    pub event_id: Option<EventRef>,
}

/// An event named by a number or a string.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum EventRef {
    /// A number.
    Number(i64),
    /// A string id.
    Text(String),
}

/// What a promotion code does to an amount.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PromotionValidation {
    /// Whether the code applies.
    pub is_valid: bool,
    /// The code (upper case when it is one).
    pub promotion_code: String,
    /// `percentage` or `fixed_amount`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub discount_type: Option<String>,
    /// Percent (`10` is 10%) or an amount in major units.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub discount_value: Option<f64>,
    /// What it takes off the amount.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub discount_amount: Option<f64>,
    /// The amount given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub original_price: Option<f64>,
    /// The amount after the discount.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub final_price: Option<f64>,
    /// The discount as a percentage of the amount (two decimals).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub savings_percentage: Option<f64>,
    /// Why it does not apply.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
    /// `PROMOTION_NOT_FOUND`, `PROMOTION_DISABLED`, `PROMOTION_NOT_STARTED`,
    /// `PROMOTION_EXPIRED`, `PROMOTION_USAGE_LIMIT_REACHED`, `PROMOTION_MIN_AMOUNT_NOT_MET` or
    /// `PROMOTION_NOT_APPLICABLE`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
}

/// Checks a promotion code against an amount without using it. An unknown, expired or used-up
/// code is a 200 with `isValid: false` and an `errorCode`; only a malformed request (no code,
/// an amount that is not a number, an unknown channel) is an error.
#[utoipa::path(
    tag = "portal-shop",
    request_body = ValidatePromotionRequest,
    responses(
        (status = 200, body = PortalOk<PromotionValidation>),
        (status = 400, description = "Malformed body, or TENANT_REQUIRED", body = PortalErrorBody),
        (status = 404, description = "Unknown company", body = PortalErrorBody),
        (status = 422, description = "VALIDATION_ERROR: no code, a bad amount or channel", body = PortalErrorBody),
    ),
    security((), ("bearer" = []))
)]
#[post("/validate-promotion")]
pub async fn validate_promotion(
    state: web::Data<AppState>,
    shop: Shop,
    body: JsonBody<ValidatePromotionRequest, Portal>,
) -> Result<HttpResponse> {
    let r = body.0;
    let code = r
        .promotion_code
        .map(|c| c.trim().to_owned())
        .filter(|c| !c.is_empty())
        .ok_or_else(|| ApiError::<Portal>::invalid("promotionCode", "is required"))?;
    if let Some(channel) = r
        .channel
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
        && !["online", "booking", "event"].contains(&channel)
    {
        return Err(ApiError::invalid(
            "channel",
            "must be online, booking or event",
        ));
    }
    let amount: Amount = r.amount.0;
    let now = state.now();
    let check = shop
        .run(move |store, tenant| {
            store.read(|tx| checkout::check_promotion_code(tx, &tenant, &code, &amount, now))
        })
        .await?;
    let body = match check.outcome {
        Ok((coupon, quote)) => PromotionValidation {
            is_valid: true,
            promotion_code: check.code,
            discount_type: Some(
                match coupon.discount_type {
                    DiscountType::Percentage => "percentage",
                    DiscountType::Fixed => "fixed_amount",
                }
                .into(),
            ),
            discount_value: Some(match coupon.discount_type {
                DiscountType::Percentage => percentage_to_f64(coupon.discount_value),
                DiscountType::Fixed => {
                    Money::from_minor(coupon.discount_value, coupon.currency).to_f64()
                }
            }),
            discount_amount: Some(quote.discount.to_f64()),
            original_price: Some(quote.original.to_f64()),
            final_price: Some(quote.final_amount.to_f64()),
            savings_percentage: Some(percentage_to_f64(quote.savings_hundredths)),
            error_message: None,
            error_code: None,
        },
        Err(why) => PromotionValidation {
            is_valid: false,
            promotion_code: check.code,
            discount_type: None,
            discount_value: None,
            discount_amount: None,
            original_price: None,
            final_price: None,
            savings_percentage: None,
            error_message: Some(why.to_string()),
            error_code: Some(why.code().to_string()),
        },
    };
    Ok(ok(body))
}
