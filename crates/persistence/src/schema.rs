//! The one diesel schema for both backends, in portable column types only.
// @generated-free: written by hand to keep SQLite and PostgreSQL on the same types.
#![expect(missing_docs, reason = "diesel's table! generates undocumented items")]

diesel::table! {
    tenants (id) {
        id -> Text,
        name -> Text,
        currency -> Text,
        time_zone -> Text,
        public_order_summary -> Bool,
        created_at -> Timestamp,
        business_type -> Nullable<Text>,
        email -> Nullable<Text>,
        phone -> Nullable<Text>,
        status -> Text,
        updated_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    staff (id) {
        id -> Text,
        tenant_id -> Text,
        email -> Text,
        name -> Text,
        role -> Text,
        password_hash -> Text,
        active -> Bool,
        created_at -> Timestamp,
        updated_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    products (id) {
        id -> BigInt,
        tenant_id -> Text,
        name -> Text,
        sku -> Nullable<Text>,
        category -> Nullable<Text>,
        description -> Nullable<Text>,
        price_minor -> BigInt,
        currency -> Text,
        status -> Text,
        outlet_ids -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        deleted_at -> Nullable<Timestamp>,
        slug -> Nullable<Text>,
        short_name -> Nullable<Text>,
        parent_id -> Nullable<BigInt>,
        product_type -> Text,
        is_featured -> Bool,
        discount_price_minor -> Nullable<BigInt>,
        member_price_minor -> Nullable<BigInt>,
        seo_title -> Nullable<Text>,
        seo_description -> Nullable<Text>,
        shipping_weight -> Nullable<Text>,
        brand_id -> Nullable<Text>,
        track_inventory -> Bool,
        low_stock_threshold -> Nullable<BigInt>,
    }
}

diesel::table! {
    product_categories (id) {
        id -> BigInt,
        tenant_id -> Text,
        name -> Text,
        slug -> Nullable<Text>,
        description -> Nullable<Text>,
        image_url -> Nullable<Text>,
        parent_id -> Nullable<BigInt>,
        is_featured -> Bool,
        sort_order -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    product_category_links (product_id, category_id) {
        tenant_id -> Text,
        product_id -> BigInt,
        category_id -> BigInt,
    }
}

diesel::table! {
    brands (id) {
        id -> Text,
        tenant_id -> Text,
        name -> Text,
        slug -> Text,
        description -> Nullable<Text>,
        image_url -> Nullable<Text>,
        online_enabled -> Bool,
        sort_order -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    collections (id) {
        id -> Text,
        tenant_id -> Text,
        name -> Text,
        slug -> Text,
        description -> Nullable<Text>,
        image_url -> Nullable<Text>,
        online_enabled -> Bool,
        sort_order -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    product_collection_links (product_id, collection_id) {
        tenant_id -> Text,
        product_id -> BigInt,
        collection_id -> Text,
    }
}

diesel::table! {
    product_images (id) {
        id -> BigInt,
        tenant_id -> Text,
        product_id -> BigInt,
        src -> Text,
        name -> Nullable<Text>,
        alt -> Nullable<Text>,
        width -> Nullable<BigInt>,
        height -> Nullable<BigInt>,
        is_primary -> Bool,
        position -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    product_options (id) {
        id -> BigInt,
        tenant_id -> Text,
        product_id -> BigInt,
        name -> Text,
        position -> BigInt,
        required -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    product_option_values (id) {
        id -> BigInt,
        tenant_id -> Text,
        option_id -> BigInt,
        value -> Text,
        position -> BigInt,
    }
}

diesel::table! {
    variation_option_values (variation_id, option_value_id) {
        tenant_id -> Text,
        variation_id -> BigInt,
        option_value_id -> BigInt,
    }
}

diesel::table! {
    membership_tiers (id) {
        id -> BigInt,
        tenant_id -> Text,
        name -> Text,
        description -> Nullable<Text>,
        price_minor -> BigInt,
        currency -> Text,
        valid_period_value -> BigInt,
        valid_period_unit -> Text,
        discount_bp -> BigInt,
        min_spend_minor -> BigInt,
        benefits -> Text,
        is_popular -> Bool,
        sort_order -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        points_multiplier -> BigInt,
    }
}

// The storefront catalogue's tables with each other and with products; kept apart from the
// list below so each part of the schema can grow on its own.
diesel::allow_tables_to_appear_in_same_query!(
    products,
    product_categories,
    product_category_links,
    brands,
    collections,
    product_collection_links,
    product_images,
    product_options,
    product_option_values,
    variation_option_values,
    membership_tiers,
);

diesel::table! {
    inventory_lots (id) {
        id -> Text,
        tenant_id -> Text,
        product_id -> BigInt,
        quantity -> BigInt,
        remaining -> BigInt,
        source -> Text,
        note -> Nullable<Text>,
        received_at -> Timestamp,
        created_at -> Timestamp,
        created_by -> Nullable<Text>,
    }
}

diesel::table! {
    stock_allocations (id) {
        id -> Text,
        tenant_id -> Text,
        product_id -> BigInt,
        lot_id -> Text,
        quantity -> BigInt,
        source -> Text,
        reference -> Text,
        created_at -> Timestamp,
        released_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    stock_movements (id) {
        id -> Text,
        tenant_id -> Text,
        product_id -> BigInt,
        lot_id -> Text,
        kind -> Text,
        quantity -> BigInt,
        reason -> Nullable<Text>,
        source -> Nullable<Text>,
        reference -> Nullable<Text>,
        note -> Nullable<Text>,
        actor -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    order_counters (tenant_id, year) {
        tenant_id -> Text,
        year -> Integer,
        last_value -> BigInt,
    }
}

diesel::table! {
    orders (id) {
        id -> Text,
        tenant_id -> Text,
        order_number -> Text,
        order_type -> Text,
        status -> Text,
        currency -> Text,
        subtotal_minor -> BigInt,
        shipping_fee_minor -> BigInt,
        tax_amount_minor -> BigInt,
        discount_amount_minor -> BigInt,
        total_amount_minor -> BigInt,
        payment_status -> Nullable<Text>,
        tracking_number -> Nullable<Text>,
        customer_id -> Nullable<Text>,
        customer_email -> Nullable<Text>,
        outlet_id -> Nullable<Text>,
        contact_name -> Nullable<Text>,
        contact_phone -> Nullable<Text>,
        contact_email -> Nullable<Text>,
        shipping_method -> Nullable<Text>,
        shipping_address -> Nullable<Text>,
        payment_method -> Nullable<Text>,
        notes -> Nullable<Text>,
        special_instructions -> Nullable<Text>,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        confirmed_at -> Nullable<Timestamp>,
        paid_at -> Nullable<Timestamp>,
        processing_at -> Nullable<Timestamp>,
        shipped_at -> Nullable<Timestamp>,
        delivered_at -> Nullable<Timestamp>,
        completed_at -> Nullable<Timestamp>,
        cancelled_at -> Nullable<Timestamp>,
        refunded_at -> Nullable<Timestamp>,
        coupon_id -> Nullable<Text>,
        coupon_code -> Nullable<Text>,
        coupon_discount_minor -> BigInt,
        channel -> Text,
        shipping_method_id -> Nullable<BigInt>,
        payment_method_id -> Nullable<Text>,
        success_url -> Nullable<Text>,
        cancel_url -> Nullable<Text>,
        language -> Nullable<Text>,
        guest_secret_hash -> Nullable<Text>,
        refunded_amount_minor -> BigInt,
    }
}

diesel::table! {
    order_refunds (id) {
        id -> Text,
        tenant_id -> Text,
        order_id -> Text,
        payment_id -> Text,
        amount_minor -> BigInt,
        currency -> Text,
        reason -> Nullable<Text>,
        lines -> Text,
        points_reversed -> BigInt,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    order_items (id) {
        id -> Text,
        tenant_id -> Text,
        order_id -> Text,
        position -> Integer,
        product_id -> BigInt,
        product_name -> Text,
        product_sku -> Nullable<Text>,
        quantity -> BigInt,
        unit_price_minor -> BigInt,
        total_price_minor -> BigInt,
        created_at -> Timestamp,
        parent_product_id -> Nullable<BigInt>,
        product_description -> Nullable<Text>,
        product_image_url -> Nullable<Text>,
        returned_quantity -> BigInt,
    }
}

diesel::table! {
    payments (id) {
        id -> Text,
        tenant_id -> Text,
        order_id -> Text,
        method -> Text,
        amount_minor -> BigInt,
        currency -> Text,
        status -> Text,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    order_status_history (id) {
        id -> Text,
        tenant_id -> Text,
        order_id -> Text,
        from_status -> Nullable<Text>,
        to_status -> Text,
        tracking_number -> Nullable<Text>,
        actor -> Nullable<Text>,
        reason -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    outbox_events (id) {
        id -> Text,
        tenant_id -> Text,
        event_type -> Text,
        aggregate_id -> Text,
        payload -> Text,
        created_at -> Timestamp,
        dispatched_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    outlets (id) {
        id -> Text,
        tenant_id -> Text,
        name -> Text,
        code -> Text,
        address -> Nullable<Text>,
        phone -> Nullable<Text>,
        status -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    staff_outlets (staff_id, outlet_id) {
        tenant_id -> Text,
        staff_id -> Text,
        outlet_id -> Text,
    }
}

diesel::table! {
    staff_sessions (id) {
        id -> Text,
        tenant_id -> Text,
        staff_id -> Text,
        refresh_hash -> Text,
        created_at -> Timestamp,
        refreshed_at -> Nullable<Timestamp>,
        expires_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    customers (id) {
        id -> Text,
        tenant_id -> Text,
        name -> Text,
        phone -> Nullable<Text>,
        email -> Nullable<Text>,
        birth_date -> Nullable<Text>,
        source -> Nullable<Text>,
        membership_tier -> Nullable<Text>,
        outlet_id -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        member_no -> Nullable<BigInt>,
        last_name -> Nullable<Text>,
        gender -> Nullable<Text>,
        address -> Nullable<Text>,
        district -> Nullable<Text>,
        agree_promotion -> Bool,
        agree_terms -> Bool,
        utm_data -> Nullable<Text>,
        verified_phone -> Nullable<Text>,
        verified_email -> Nullable<Text>,
    }
}

diesel::table! {
    points_ledger (id) {
        id -> Text,
        tenant_id -> Text,
        customer_id -> Text,
        delta -> BigInt,
        reason -> Text,
        reference -> Nullable<Text>,
        actor -> Nullable<Text>,
        created_at -> Timestamp,
        kind -> Text,
        balance_after -> BigInt,
        expires_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    campaigns (id) {
        id -> Text,
        tenant_id -> Text,
        title -> Text,
        campaign_type -> Text,
        game_type -> Text,
        start_at -> Timestamp,
        end_at -> Timestamp,
        outlet_ids -> Text,
        daily_play_limit -> BigInt,
        min_purchase_minor -> Nullable<BigInt>,
        currency -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    campaign_prizes (campaign_id, position) {
        tenant_id -> Text,
        campaign_id -> Text,
        position -> BigInt,
        name -> Text,
        weight -> BigInt,
        quantity -> Nullable<BigInt>,
        won -> BigInt,
        reward -> Text,
        points -> Nullable<BigInt>,
        coupon_code -> Nullable<Text>,
        gift_offer_id -> Nullable<Text>,
    }
}

diesel::table! {
    campaign_plays (id) {
        id -> Text,
        tenant_id -> Text,
        campaign_id -> Text,
        customer_id -> Text,
        day -> Text,
        prize_position -> Nullable<BigInt>,
        reward_code -> Nullable<Text>,
        odds -> Text,
        source -> Nullable<Text>,
        claimed_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    gift_offers (id) {
        id -> Text,
        tenant_id -> Text,
        name -> Text,
        description -> Nullable<Text>,
        points -> Nullable<BigInt>,
        face_value -> Nullable<BigInt>,
        face_value_type -> Nullable<Text>,
        image -> Nullable<Text>,
        terms -> Nullable<Text>,
        expiry_days -> Nullable<BigInt>,
        membership_tier_id -> Nullable<BigInt>,
        quota -> BigInt,
        quota_per_member -> BigInt,
        redeemed_count -> BigInt,
        start_at -> Nullable<Timestamp>,
        end_at -> Nullable<Timestamp>,
        status -> Text,
        claim_code -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    gift_member_counts (tenant_id, offer_id, customer_id) {
        tenant_id -> Text,
        offer_id -> Text,
        customer_id -> Text,
        taken -> BigInt,
    }
}

diesel::table! {
    gift_redemptions (id) {
        id -> Text,
        tenant_id -> Text,
        offer_id -> Text,
        customer_id -> Text,
        code -> Text,
        status -> Text,
        points -> Nullable<BigInt>,
        expires_on -> Nullable<Text>,
        fulfilled_at -> Nullable<Timestamp>,
        fulfillment_method -> Nullable<Text>,
        used_at -> Nullable<Timestamp>,
        remarks -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    tier_changes (id) {
        id -> Text,
        tenant_id -> Text,
        customer_id -> Text,
        from_tier -> Nullable<Text>,
        to_tier -> Nullable<Text>,
        reason -> Text,
        spend_minor -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    points_balances (tenant_id, customer_id) {
        tenant_id -> Text,
        customer_id -> Text,
        balance -> BigInt,
        next_expiry_at -> Nullable<Timestamp>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    points_rules (tenant_id) {
        tenant_id -> Text,
        enabled -> Bool,
        points -> BigInt,
        per_amount_minor -> BigInt,
        currency -> Text,
        rounding -> Text,
        order_types -> Text,
        channels -> Text,
        expiry_months -> Nullable<BigInt>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    coupons (id) {
        id -> Text,
        tenant_id -> Text,
        code -> Text,
        title -> Text,
        discount_type -> Text,
        discount_value -> BigInt,
        currency -> Text,
        min_cart_total_minor -> Nullable<BigInt>,
        max_discount_minor -> Nullable<BigInt>,
        valid_from -> Nullable<Timestamp>,
        valid_to -> Nullable<Timestamp>,
        usage_limit -> Nullable<BigInt>,
        used_count -> BigInt,
        applicable_outlet_ids -> Text,
        status -> Text,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        disabled_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    coupon_redemptions (id) {
        id -> Text,
        tenant_id -> Text,
        coupon_id -> Text,
        order_id -> Text,
        customer_id -> Nullable<Text>,
        discount_minor -> BigInt,
        created_at -> Timestamp,
        released_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    payment_intents (id) {
        id -> Text,
        tenant_id -> Text,
        order_id -> Text,
        method -> Text,
        amount_minor -> BigInt,
        currency -> Text,
        status -> Text,
        gateway -> Text,
        gateway_session -> Nullable<Text>,
        gateway_reference -> Nullable<Text>,
        payment_id -> Nullable<Text>,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        completed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    mock_gateway_sessions (id) {
        id -> Text,
        tenant_id -> Text,
        amount_minor -> BigInt,
        currency -> Text,
        description -> Text,
        status -> Text,
        reference -> Nullable<Text>,
        created_at -> Timestamp,
        decided_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    idempotency_keys (tenant_id, principal, idempotency_key) {
        tenant_id -> Text,
        principal -> Text,
        idempotency_key -> Text,
        method -> Text,
        path -> Text,
        request_hash -> Text,
        status_code -> Nullable<Integer>,
        response_body -> Nullable<Text>,
        created_at -> Timestamp,
        completed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    audit_log (id) {
        id -> Text,
        tenant_id -> Text,
        actor -> Nullable<Text>,
        action -> Text,
        target_type -> Text,
        target_id -> Nullable<Text>,
        details -> Text,
        ip -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    storefront_domains (hostname) {
        hostname -> Text,
        tenant_id -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    portal_settings (tenant_id) {
        tenant_id -> Text,
        login_channel -> Text,
        registration_form -> Nullable<Text>,
        modules -> Text,
        brand_name -> Nullable<Text>,
        brand_email -> Nullable<Text>,
        brand_logo_url -> Nullable<Text>,
        analytics -> Nullable<Text>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    otp_challenges (id) {
        id -> Text,
        tenant_id -> Text,
        channel -> Text,
        recipient -> Text,
        code_hash -> Text,
        attempts -> Integer,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        consumed_at -> Nullable<Timestamp>,
        registration_until -> Nullable<Timestamp>,
    }
}

diesel::table! {
    otp_recipients (tenant_id, recipient) {
        tenant_id -> Text,
        recipient -> Text,
        last_sent_at -> Timestamp,
    }
}

diesel::table! {
    customer_session_families (id) {
        id -> Text,
        tenant_id -> Text,
        customer_id -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
        revoked_reason -> Nullable<Text>,
    }
}

diesel::table! {
    customer_refresh_tokens (id) {
        id -> Text,
        tenant_id -> Text,
        family_id -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    notifications (id) {
        id -> Text,
        tenant_id -> Text,
        kind -> Text,
        channel -> Text,
        recipient -> Text,
        subject -> Nullable<Text>,
        body -> Text,
        reference -> Nullable<Text>,
        created_at -> Timestamp,
        delivery_status -> Text,
        delivery_attempts -> BigInt,
        transport -> Nullable<Text>,
        provider_reference -> Nullable<Text>,
        delivery_error -> Nullable<Text>,
        delivered_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    member_counters (tenant_id) {
        tenant_id -> Text,
        last_value -> BigInt,
    }
}

diesel::table! {
    shipping_methods (id) {
        id -> BigInt,
        tenant_id -> Text,
        name -> Text,
        description -> Nullable<Text>,
        cost_minor -> BigInt,
        free_shipping_threshold_minor -> Nullable<BigInt>,
        currency -> Text,
        estimated_days -> Nullable<Text>,
        active -> Bool,
        sort_order -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    shop_payment_methods (id) {
        id -> Text,
        tenant_id -> Text,
        name -> Text,
        method_type -> Text,
        instructions -> Nullable<Text>,
        has_gateway -> Bool,
        position -> Integer,
        active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    staff_spent_refresh_tokens (refresh_hash) {
        refresh_hash -> Text,
        tenant_id -> Text,
        session_id -> Text,
        spent_at -> Timestamp,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    tenants,
    staff,
    products,
    inventory_lots,
    stock_allocations,
    stock_movements,
    order_counters,
    orders,
    order_items,
    payments,
    order_refunds,
    order_status_history,
    outbox_events,
    jobs,
    webhook_endpoints,
    webhook_deliveries,
    webhook_attempts,
    outlets,
    staff_outlets,
    staff_sessions,
    customers,
    points_ledger,
    points_balances,
    points_rules,
    tier_changes,
    gift_offers,
    gift_member_counts,
    campaigns,
    campaign_prizes,
    campaign_plays,
    gift_redemptions,
    coupons,
    coupon_redemptions,
    payment_intents,
    mock_gateway_sessions,
    idempotency_keys,
    audit_log,
    storefront_domains,
    portal_settings,
    otp_challenges,
    otp_recipients,
    customer_session_families,
    customer_refresh_tokens,
    notifications,
    member_counters,
    shipping_methods,
    shop_payment_methods,
    staff_spent_refresh_tokens,
);

diesel::table! {
    jobs (id) {
        id -> Text,
        tenant_id -> Text,
        kind -> Text,
        subject_id -> Text,
        status -> Text,
        attempts -> BigInt,
        max_attempts -> BigInt,
        run_at -> Timestamp,
        leased_by -> Nullable<Text>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    webhook_endpoints (id) {
        id -> Text,
        tenant_id -> Text,
        url -> Text,
        description -> Nullable<Text>,
        events -> Text,
        active -> Bool,
        secret -> Text,
        previous_secret -> Nullable<Text>,
        previous_secret_expires_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    webhook_deliveries (id) {
        id -> Text,
        tenant_id -> Text,
        endpoint_id -> Text,
        event_id -> Text,
        event_type -> Text,
        body -> Text,
        status -> Text,
        attempts -> BigInt,
        response_code -> Nullable<BigInt>,
        latency_ms -> Nullable<BigInt>,
        response_excerpt -> Nullable<Text>,
        error -> Nullable<Text>,
        next_attempt_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        completed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    webhook_attempts (id) {
        id -> Text,
        tenant_id -> Text,
        delivery_id -> Text,
        number -> BigInt,
        response_code -> Nullable<BigInt>,
        latency_ms -> BigInt,
        response_excerpt -> Nullable<Text>,
        error -> Nullable<Text>,
        attempted_at -> Timestamp,
    }
}

diesel::joinable!(webhook_deliveries -> webhook_endpoints (endpoint_id));

diesel::table! {
    payment_gateways (tenant_id, gateway) {
        tenant_id -> Text,
        gateway -> Text,
        secret_key -> Text,
        publishable_key -> Nullable<Text>,
        webhook_secret -> Text,
        methods -> Text,
        return_url -> Text,
        api_base -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}
