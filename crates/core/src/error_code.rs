//! Every error code Kedai answers with, on every surface: one list, raised as values.
//!
//! A code names what went wrong in terms a client branches on; the status it travels with
//! follows the kind of failure that carries it (validation 422, or 400 on the edge functions;
//! not found 404; conflict 409; not allowed 403; throttled 429), decided once in `kedai-http`.

crate::text_enum! {
    /// A stable error code (`PRODUCT_NOT_FOUND`, `VALIDATION_ERROR`, ...).
    pub enum ErrorCode ("an error code") {
        /// An order's figures do not add up; the expected values are in the details.
        AmountMismatch = "AMOUNT_MISMATCH",
        /// Wrong e-mail or password.
        AuthInvalidCredentials = "AUTH_INVALID_CREDENTIALS",
        /// No bearer token.
        AuthRequired = "AUTH_REQUIRED",
        /// The bearer token has expired.
        AuthTokenExpired = "AUTH_TOKEN_EXPIRED",
        /// The bearer token is not one of ours, or its session ended.
        AuthTokenInvalid = "AUTH_TOKEN_INVALID",
        /// No such brand in the merchant.
        BrandNotFound = "BRAND_NOT_FOUND",
        /// Staff cannot deactivate themselves.
        CannotDeactivateSelf = "CANNOT_DEACTIVATE_SELF",
        /// No such category in the merchant.
        CategoryNotFound = "CATEGORY_NOT_FOUND",
        /// No such collection in the merchant.
        CollectionNotFound = "COLLECTION_NOT_FOUND",
        /// The token belongs to another merchant than the one named.
        CompanyMismatch = "COMPANY_MISMATCH",
        /// No such company in the merchant.
        CompanyNotFound = "COMPANY_NOT_FOUND",
        /// The coupon code is used already.
        CouponCodeTaken = "COUPON_CODE_TAKEN",
        /// The coupon is past its end date.
        CouponExpired = "COUPON_EXPIRED",
        /// The coupon does not apply (disabled, used up, not started, another outlet, below its minimum).
        CouponInvalid = "COUPON_INVALID",
        /// No such coupon in the merchant.
        CouponNotFound = "COUPON_NOT_FOUND",
        /// The merchant's currency cannot change once it has orders or prices.
        CurrencyLocked = "CURRENCY_LOCKED",
        /// The customer email is used already.
        CustomerEmailTaken = "CUSTOMER_EMAIL_TAKEN",
        /// No such customer in the merchant.
        CustomerNotFound = "CUSTOMER_NOT_FOUND",
        /// The customer phone is used already.
        CustomerPhoneTaken = "CUSTOMER_PHONE_TAKEN",
        /// No such domain in the merchant.
        DomainNotFound = "DOMAIN_NOT_FOUND",
        /// The domain is used already.
        DomainTaken = "DOMAIN_TAKEN",
        /// The role lacks the permission.
        Forbidden = "FORBIDDEN",
        /// A customer token of another merchant.
        ForbiddenTenant = "FORBIDDEN_TENANT",
        /// No such gift offer in the merchant.
        GiftOfferNotFound = "GIFT_OFFER_NOT_FOUND",
        /// The gift offer is withdrawn, not started or over.
        GiftNotAvailable = "GIFT_NOT_AVAILABLE",
        /// Every one of the gift offer is redeemed.
        GiftSoldOut = "GIFT_SOLD_OUT",
        /// The member has redeemed the offer as often as one member may.
        GiftMemberQuota = "GIFT_MEMBER_QUOTA",
        /// The offer is for another tier's members.
        GiftWrongTier = "GIFT_WRONG_TIER",
        /// The offer is claimed with a code, not redeemed for points.
        GiftNotForPoints = "GIFT_NOT_FOR_POINTS",
        /// The claim code claims no offer.
        GiftCodeInvalid = "GIFT_CODE_INVALID",
        /// The claim code is another offer's already.
        GiftCodeTaken = "GIFT_CODE_TAKEN",
        /// Request headers too many or too large.
        HeadersTooLarge = "HEADERS_TOO_LARGE",
        /// The first request with this idempotency key is still running.
        IdempotencyKeyInUse = "IDEMPOTENCY_KEY_IN_USE",
        /// The idempotency key was used for a different request.
        IdempotencyKeyReused = "IDEMPOTENCY_KEY_REUSED",
        /// No such image in the merchant.
        ImageNotFound = "IMAGE_NOT_FOUND",
        /// More store credit asked for than the balance.
        InsufficientCredits = "INSUFFICIENT_CREDITS",
        /// No such redemption of the member or merchant.
        RedemptionNotFound = "REDEMPTION_NOT_FOUND",
        /// The redemption is used, expired or voided.
        RedemptionNotUsable = "REDEMPTION_NOT_USABLE",
        /// More points asked for than the balance; nothing was taken.
        InsufficientPoints = "INSUFFICIENT_POINTS",
        /// Not enough stock; nothing was taken.
        InsufficientStock = "INSUFFICIENT_STOCK",
        /// The campaign is not running now.
        CampaignNotActive = "CAMPAIGN_NOT_ACTIVE",
        /// No such campaign in the merchant.
        CampaignNotFound = "CAMPAIGN_NOT_FOUND",
        /// The customer has played as often as the campaign allows today.
        CampaignPlayLimit = "CAMPAIGN_PLAY_LIMIT",
        /// The customer has not bought enough today to play.
        CampaignMinPurchase = "CAMPAIGN_MIN_PURCHASE",
        /// The reward code claims nothing of this customer in this campaign.
        RewardCodeInvalid = "REWARD_CODE_INVALID",
        /// The reward was claimed already.
        RewardAlreadyClaimed = "REWARD_ALREADY_CLAIMED",
        /// Something failed on our side.
        InternalError = "INTERNAL_ERROR",
        /// The status machine forbids the move.
        InvalidStatusTransition = "INVALID_STATUS_TRANSITION",
        /// Only a completed, paid order is refunded as a return.
        OrderNotRefundable = "ORDER_NOT_REFUNDABLE",
        /// No such inventory record in the merchant.
        InventoryRecordNotFound = "INVENTORY_RECORD_NOT_FOUND",
        /// The merchant's last active owner cannot lose the role or be deactivated.
        LastOwner = "LAST_OWNER",
        /// The body is not the JSON object expected.
        MalformedRequest = "MALFORMED_REQUEST",
        /// No such member in the merchant.
        MemberNotFound = "MEMBER_NOT_FOUND",
        /// No such merchant.
        MerchantNotFound = "MERCHANT_NOT_FOUND",
        /// The route does not take this method.
        MethodNotAllowed = "METHOD_NOT_ALLOWED",
        /// The order has no completed payment to refund.
        NothingToRefund = "NOTHING_TO_REFUND",
        /// No such route or thing.
        NotFound = "NOT_FOUND",
        /// The product has no stock record to adjust.
        NoStockRecord = "NO_STOCK_RECORD",
        /// The offer cannot be taken here.
        OfferNotAvailable = "OFFER_NOT_AVAILABLE",
        /// The product already has this variation option.
        OptionExists = "OPTION_EXISTS",
        /// No such option in the merchant.
        OptionNotFound = "OPTION_NOT_FOUND",
        /// The order can no longer change this way.
        OrderNotEditable = "ORDER_NOT_EDITABLE",
        /// No such order in the merchant.
        OrderNotFound = "ORDER_NOT_FOUND",
        /// A code was sent moments ago; wait before asking again.
        OtpCooldown = "OTP_COOLDOWN",
        /// The one-time code has expired.
        OtpExpired = "OTP_EXPIRED",
        /// Wrong one-time code.
        OtpInvalid = "OTP_INVALID",
        /// Too many wrong codes; ask for a new one.
        OtpLocked = "OTP_LOCKED",
        /// No code was sent to this recipient.
        OtpNotRequested = "OTP_NOT_REQUESTED",
        /// Too many codes asked for this recipient or address.
        OtpRateLimited = "OTP_RATE_LIMITED",
        /// A new phone or e-mail needs its one-time code.
        OtpVerificationRequired = "OTP_VERIFICATION_REQUIRED",
        /// The outlet code is used already.
        OutletCodeTaken = "OUTLET_CODE_TAKEN",
        /// The outlet is deactivated.
        OutletInactive = "OUTLET_INACTIVE",
        /// No such outlet in the merchant.
        OutletNotFound = "OUTLET_NOT_FOUND",
        /// Only an owner may do this to an owner.
        OwnerRoleRequired = "OWNER_ROLE_REQUIRED",
        /// The body is larger than allowed.
        PayloadTooLarge = "PAYLOAD_TOO_LARGE",
        /// The checkout was approved already.
        PaymentAlreadyApproved = "PAYMENT_ALREADY_APPROVED",
        /// The gateway declined the payment.
        PaymentFailed = "PAYMENT_FAILED",
        /// The merchant has no account at this payment gateway.
        PaymentGatewayNotFound = "PAYMENT_GATEWAY_NOT_FOUND",
        /// No such payment intent in the merchant.
        PaymentIntentNotFound = "PAYMENT_INTENT_NOT_FOUND",
        /// No such payment method in the merchant.
        PaymentMethodNotFound = "PAYMENT_METHOD_NOT_FOUND",
        /// The order cannot take this payment in its status.
        PaymentNotAllowed = "PAYMENT_NOT_ALLOWED",
        /// The gateway has not decided yet.
        PaymentPending = "PAYMENT_PENDING",
        /// Payments are taken for orders only.
        PaymentTargetNotSupported = "PAYMENT_TARGET_NOT_SUPPORTED",
        /// A product with variations cannot be sold or changed as a simple one.
        ProductHasVariations = "PRODUCT_HAS_VARIATIONS",
        /// The product is not active.
        ProductInactive = "PRODUCT_INACTIVE",
        /// The product is referenced and cannot go.
        ProductInUse = "PRODUCT_IN_USE",
        /// A variation cannot have variations of its own.
        ProductIsVariation = "PRODUCT_IS_VARIATION",
        /// The product is not sold here (outlet, storefront, status).
        ProductNotAvailable = "PRODUCT_NOT_AVAILABLE",
        /// No such product in the merchant.
        ProductNotFound = "PRODUCT_NOT_FOUND",
        /// The product does not take variations.
        ProductNotVariable = "PRODUCT_NOT_VARIABLE",
        /// The promotion is switched off.
        PromotionDisabled = "PROMOTION_DISABLED",
        /// The promotion has ended.
        PromotionExpired = "PROMOTION_EXPIRED",
        /// The amount is below the promotion's minimum.
        PromotionMinAmountNotMet = "PROMOTION_MIN_AMOUNT_NOT_MET",
        /// The promotion cannot be used here.
        PromotionNotApplicable = "PROMOTION_NOT_APPLICABLE",
        /// No such promotion in the merchant.
        PromotionNotFound = "PROMOTION_NOT_FOUND",
        /// The promotion has not started.
        PromotionNotStarted = "PROMOTION_NOT_STARTED",
        /// The promotion's uses are all taken.
        PromotionUsageLimitReached = "PROMOTION_USAGE_LIMIT_REACHED",
        /// Too many requests; see Retry-After.
        RateLimitExceeded = "RATE_LIMIT_EXCEEDED",
        /// The database is busy or unreachable; retry shortly.
        ServiceUnavailable = "SERVICE_UNAVAILABLE",
        /// No such shipping method in the merchant.
        ShippingMethodNotFound = "SHIPPING_METHOD_NOT_FOUND",
        /// A delivery order needs a shipping method.
        ShippingMethodRequired = "SHIPPING_METHOD_REQUIRED",
        /// The sku is used already.
        SkuTaken = "SKU_TAKEN",
        /// The slug is used already.
        SlugTaken = "SLUG_TAKEN",
        /// The staff email is used already.
        StaffEmailTaken = "STAFF_EMAIL_TAKEN",
        /// No such staff in the merchant.
        StaffNotFound = "STAFF_NOT_FOUND",
        /// No merchant named (X-Company-Id, the host or a token).
        TenantRequired = "TENANT_REQUIRED",
        /// A customer holds a bought tier; enrolling in a free one would drop it.
        TierPaidHeld = "TIER_PAID_HELD",
        /// A bought tier cannot be joined for free.
        TierPaymentRequired = "TIER_PAYMENT_REQUIRED",
        /// Paid tiers cannot be bought online yet.
        TierPaymentUnavailable = "TIER_PAYMENT_UNAVAILABLE",
        /// The member's qualifying spend is below the tier's minimum.
        TierNotQualified = "TIER_NOT_QUALIFIED",
        /// The tier name is used already.
        TierNameTaken = "TIER_NAME_TAKEN",
        /// No such tier in the merchant.
        TierNotFound = "TIER_NOT_FOUND",
        /// Shipping needs a tracking number.
        TrackingNumberRequired = "TRACKING_NUMBER_REQUIRED",
        /// The request URI is longer than allowed.
        UriTooLong = "URI_TOO_LONG",
        /// Fields that break a rule, each named.
        ValidationError = "VALIDATION_ERROR",
        /// A variation with these options exists.
        VariationExists = "VARIATION_EXISTS",
        /// No such variation in the merchant.
        VariationNotFound = "VARIATION_NOT_FOUND",
        /// A product with variations is sold as one of them.
        VariationRequired = "VARIATION_REQUIRED",
        /// No such webhook delivery in the merchant.
        WebhookDeliveryNotFound = "WEBHOOK_DELIVERY_NOT_FOUND",
        /// The merchant has as many webhook endpoints as allowed.
        WebhookLimitReached = "WEBHOOK_LIMIT_REACHED",
        /// No such webhook endpoint in the merchant.
        WebhookNotFound = "WEBHOOK_NOT_FOUND",
        /// A gateway's webhook with a missing, wrong or stale signature.
        WebhookSignatureInvalid = "WEBHOOK_SIGNATURE_INVALID",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_screaming_snake_case_and_round_trip() {
        let mut seen = std::collections::BTreeSet::new();
        for code in ErrorCode::ALL {
            let text = code.as_str();
            assert!(seen.insert(text), "{text} twice");
            assert!(
                text.chars().all(|c| c.is_ascii_uppercase() || c == '_'),
                "{text}"
            );
            assert_eq!(text.parse::<ErrorCode>(), Ok(code));
        }
    }
}
