//! A storefront checkout of a merchant who connected Stripe: the answer carries Stripe's
//! Checkout link, and Stripe's signed webhook marks the order paid.

use serde_json::json;

use super::{get, order_body, post, shop};
use crate::commerce::text;
use crate::support::Backend;
use crate::support::standins::StandIn;

crate::on_both_backends!(checkout_returns_a_stripe_link_and_its_webhook_pays_the_order);

fn checkout_returns_a_stripe_link_and_its_webhook_pays_the_order(b: Backend) {
    let s = shop(b);
    let app = &s.app;
    let stripe = StandIn::start(
        r#"{"id":"cs_test_shop","url":"https://checkout.stripe.test/c/pay/cs_test_shop","status":"open","payment_status":"unpaid"}"#,
    );
    app.put(
        "/v1/payment-gateways/stripe",
        Some(&app.owner),
        &json!({
            "secret_key": "sk_test_shop_00000000",
            "webhook_secret": "whsec_shop_000000",
            "methods": ["card", "fpx"],
            "return_url": "https://shop.example.com/return",
            "api_base": stripe.url,
        }),
    )
    .expect(200);
    let mut body = order_body(s.product, 1, s.courier);
    body["paymentMethodId"] = json!(s.card);
    let r = post(app, "/shop/orders", &body).expect(201);
    let o = &r.body["data"];
    assert_eq!(
        o["paymentUrl"],
        json!("https://checkout.stripe.test/c/pay/cs_test_shop")
    );
    let order = text(&o["orderId"]);
    let sent = stripe.received();
    assert_eq!(sent.len(), 1);
    assert!(
        sent[0].body.contains("unit_amount%5D=15000"),
        "{}",
        sent[0].body
    );
    let intent = sent[0]
        .body
        .split('&')
        .find_map(|p| p.strip_prefix("client_reference_id="))
        .unwrap_or_default()
        .to_owned();
    // The customer pays at Stripe; Stripe's webhook arrives.
    stripe.set_answer(
        r#"{"id":"cs_test_shop","status":"complete","payment_status":"paid","payment_intent":"pi_shop_1"}"#,
    );
    let event = json!({
        "type": "checkout.session.completed",
        "data": { "object": {
            "id": "cs_test_shop",
            "client_reference_id": intent,
            "metadata": { "kedai_tenant": app.tenant.to_string() }
        } }
    })
    .to_string();
    let signature = kedai_webhooks::signature_header(
        &["whsec_shop_000000"],
        chrono::Utc::now().timestamp(),
        event.as_bytes(),
    );
    let r = app
        .send_with(
            "POST",
            "/webhooks/stripe",
            None,
            &event,
            &[("Stripe-Signature", &signature)],
        )
        .expect(200);
    assert_eq!(r.body["result"], json!("settled"), "{}", r.body);
    let r = get(app, &format!("/shop/orders/{order}/payment-status")).expect(200);
    assert_eq!(
        r.body["data"]["paymentStatus"],
        json!("completed"),
        "{}",
        r.body
    );
    // The storefront reads a paid order as confirmed; the back office as paid.
    assert_eq!(
        r.body["data"]["orderStatus"],
        json!("confirmed"),
        "{}",
        r.body
    );
    let m = app
        .get(&format!("/v1/orders/{order}"), Some(&app.owner))
        .expect(200);
    assert_eq!(m.body["data"]["status"], json!("paid"));
}
