//! Stripe on a merchant's own account, against a local stand-in for Stripe's documented API:
//! connecting it, a payment opened as a Checkout Session, the signed webhook that records it
//! (once, however often it comes), and forged, stale and unsigned webhooks that change nothing.

use kedai_identity::Role;
use serde_json::{Value, json};

use crate::commerce::text;
use crate::people::{invalid, needs_a_token, signed_in};
use crate::support::standins::StandIn;
use crate::support::{Backend, TestApp};

crate::on_both_backends!(
    a_stripe_checkout_is_paid_by_its_signed_webhook,
    a_refund_goes_back_through_stripe,
    forged_stale_and_unsigned_webhooks_change_nothing,
    connecting_stripe_refuses_bad_input,
);

const HOOK_SECRET: &str = "whsec_test_0123456789";

fn connect(app: &TestApp, stripe: &StandIn) -> Value {
    app.put(
        "/v1/payment-gateways/stripe",
        Some(&app.owner),
        &json!({
            "secret_key": "sk_test_51Kedai0000000000004242",
            "publishable_key": "pk_test_51Kedai",
            "webhook_secret": HOOK_SECRET,
            "methods": ["card", "fpx"],
            "return_url": "https://shop.example.com/checkout/return",
            "api_base": stripe.url,
        }),
    )
    .expect(200)
    .body["data"]
        .clone()
}

/// An order awaiting payment (6.50) and its Stripe intent; returns (order, intent, the form
/// Stripe was sent).
fn opened(app: &TestApp, stripe: &StandIn) -> (String, String, String) {
    let product = app.product(&app.owner, "Kopi", 6.5);
    app.stock_in(&app.owner, product, 10, None);
    let r = app
        .post(
            "/v1/orders",
            Some(&app.owner),
            &json!({ "order_type": "pickup", "items": [{ "product_id": product, "qty": 1, "unit_price": 6.5 }] }),
        )
        .expect(201);
    let order = text(&r.body["data"]["order_id"]);
    stripe.set_answer(
        r#"{"id":"cs_test_a1","object":"checkout.session","url":"https://checkout.stripe.test/c/pay/cs_test_a1","status":"open","payment_status":"unpaid"}"#,
    );
    let r = app
        .post(
            "/v1/payments/intents",
            Some(&app.owner),
            &json!({ "order_id": order, "method": "fpx", "amount": 6.5, "currency": "MYR" }),
        )
        .expect(201);
    assert_eq!(
        r.body["data"]["payment_url"],
        json!("https://checkout.stripe.test/c/pay/cs_test_a1")
    );
    let intent = text(&r.body["data"]["payment_intent_id"]);
    let created = stripe
        .received()
        .into_iter()
        .find(|x| x.path == "/v1/checkout/sessions")
        .unwrap_or_else(|| panic!("no session was created"));
    assert_eq!(
        created.header("authorization"),
        "Bearer sk_test_51Kedai0000000000004242"
    );
    assert_eq!(created.header("idempotency-key"), format!("kedai-{intent}"));
    (order, intent, created.body)
}

fn event(app: &TestApp, intent: &str) -> String {
    json!({
        "id": "evt_test_1",
        "object": "event",
        "type": "checkout.session.completed",
        "data": { "object": {
            "id": "cs_test_a1",
            "object": "checkout.session",
            "client_reference_id": intent,
            "metadata": { "kedai_tenant": app.tenant.to_string(), "kedai_intent": intent },
            "payment_status": "paid",
            "status": "complete"
        } }
    })
    .to_string()
}

fn signed(body: &str, secret: &str, at: i64) -> String {
    kedai_webhooks::signature_header(&[secret], at, body.as_bytes())
}

fn send(app: &TestApp, body: &str, signature: Option<&str>) -> crate::support::Resp {
    let headers: Vec<(&str, &str)> = signature
        .map(|s| ("Stripe-Signature", s))
        .into_iter()
        .collect();
    app.send_with("POST", "/webhooks/stripe", None, body, &headers)
}

fn status(app: &TestApp, order: &str) -> Value {
    app.get(&format!("/v1/orders/{order}"), Some(&app.owner))
        .expect(200)
        .body["data"]["status"]
        .clone()
}

fn a_stripe_checkout_is_paid_by_its_signed_webhook(b: Backend) {
    let app = TestApp::start(b);
    let stripe = StandIn::start("{}");
    let account = connect(&app, &stripe);
    assert_eq!(account["secret_key"], json!("sk_test_…4242"));
    assert!(text(&account["webhook_url"]).ends_with("/webhooks/stripe"));
    let read = app
        .get("/v1/payment-gateways/stripe", Some(&app.owner))
        .expect(200);
    assert_eq!(read.body["data"], account);
    assert!(
        !read.body.to_string().contains(HOOK_SECRET),
        "the signing secret is never shown"
    );
    let (order, intent, form) = opened(&app, &stripe);
    for part in [
        "mode=payment",
        &format!("client_reference_id={intent}"),
        &format!("metadata%5Bkedai_tenant%5D={}", app.tenant),
        "line_items%5B0%5D%5Bprice_data%5D%5Bunit_amount%5D=650",
        "line_items%5B0%5D%5Bprice_data%5D%5Bcurrency%5D=myr",
        "payment_method_types%5B0%5D=card",
        "payment_method_types%5B1%5D=fpx",
    ] {
        assert!(form.split('&').any(|p| p == part), "{part} not in {form}");
    }
    // Not paid yet: verification asks Stripe and waits.
    app.post(
        "/v1/payments/verify",
        Some(&app.owner),
        &json!({ "payment_intent_id": intent }),
    )
    .merchant_error(409, "PAYMENT_PENDING");
    // Stripe has the payment; its signed webhook records it, once.
    stripe.set_answer(
        r#"{"id":"cs_test_a1","object":"checkout.session","status":"complete","payment_status":"paid","payment_intent":{"id":"pi_test_1","status":"succeeded"}}"#,
    );
    let body = event(&app, &intent);
    let now = chrono::Utc::now().timestamp();
    // While Stripe cannot be asked, the event is not taken: Stripe sends it again.
    stripe.set_down(true);
    send(&app, &body, Some(&signed(&body, HOOK_SECRET, now)))
        .merchant_error(503, "SERVICE_UNAVAILABLE");
    assert_eq!(status(&app, &order), json!("confirmed"));
    stripe.set_down(false);
    for _ in 0..2 {
        let r = send(&app, &body, Some(&signed(&body, HOOK_SECRET, now))).expect(200);
        assert_eq!(r.body["result"], json!("settled"), "{}", r.body);
        assert_eq!(r.body["payment_intent_id"], json!(intent));
    }
    assert_eq!(status(&app, &order), json!("paid"));
    let r = app
        .get(&format!("/v1/payments?order_id={order}"), Some(&app.owner))
        .expect(200);
    assert_eq!(r.body["meta"]["total"], json!(1), "{}", r.body);
    assert_eq!(r.body["data"][0]["status"], json!("succeeded"));
    assert_eq!(r.body["data"][0]["gateway"], json!("stripe"));
    assert_eq!(r.body["data"][0]["gateway_reference"], json!("pi_test_1"));
    // Verifying again answers the same success.
    app.post(
        "/v1/payments/verify",
        Some(&app.owner),
        &json!({ "payment_intent_id": intent }),
    )
    .expect(200);
    // Events of other systems on the account are taken and ignored.
    let other =
        json!({ "type": "charge.succeeded", "data": { "object": { "id": "ch_1" } } }).to_string();
    let r = send(&app, &other, Some(&signed(&other, HOOK_SECRET, now))).expect(200);
    assert_eq!(r.body["result"], json!("ignored"));
    // Disconnected: new payments go to the built-in gateway again.
    app.delete("/v1/payment-gateways/stripe", Some(&app.owner))
        .expect(200);
    app.get("/v1/payment-gateways/stripe", Some(&app.owner))
        .merchant_error(404, "PAYMENT_GATEWAY_NOT_FOUND");
}

fn forged_stale_and_unsigned_webhooks_change_nothing(b: Backend) {
    let app = TestApp::start(b);
    let stripe = StandIn::start("{}");
    connect(&app, &stripe);
    let (order, intent, _) = opened(&app, &stripe);
    stripe.set_answer(
        r#"{"id":"cs_test_a1","status":"complete","payment_status":"paid","payment_intent":"pi_test_1"}"#,
    );
    let body = event(&app, &intent);
    let now = chrono::Utc::now().timestamp();
    let other = app.create_tenant("Other", "MYR", "Asia/Kuala_Lumpur", false);
    let before = app.fingerprint();
    let asked = stripe.received().len();
    for signature in [
        Some(signed(&body, "whsec_forged_000000", now)),
        Some(signed(&body, HOOK_SECRET, now - 600)),
        Some(signed(&body, HOOK_SECRET, now + 600)),
        Some(format!("t={now}")),
        Some("garbage".to_owned()),
        None,
    ] {
        send(&app, &body, signature.as_deref()).merchant_error(400, "WEBHOOK_SIGNATURE_INVALID");
    }
    // A body changed after signing.
    let signature = signed(&body, HOOK_SECRET, now);
    let tampered = body.replace("evt_test_1", "evt_test_2");
    send(&app, &tampered, Some(&signature)).merchant_error(400, "WEBHOOK_SIGNATURE_INVALID");
    // Another merchant (without Stripe) named in the metadata.
    let theirs = body.replace(&app.tenant.to_string(), &other.to_string());
    send(&app, &theirs, Some(&signed(&theirs, HOOK_SECRET, now)))
        .merchant_error(400, "WEBHOOK_SIGNATURE_INVALID");
    send(&app, "not json", Some(&signature)).merchant_error(400, "WEBHOOK_SIGNATURE_INVALID");
    send(&app, "[null]", Some(&signature)).merchant_error(400, "WEBHOOK_SIGNATURE_INVALID");
    send(&app, &body, Some("")).merchant_error(400, "WEBHOOK_SIGNATURE_INVALID");
    assert_eq!(app.fingerprint(), before);
    assert_eq!(status(&app, &order), json!("confirmed"));
    assert_eq!(stripe.received().len(), asked, "Stripe was not even asked");
}

fn connecting_stripe_refuses_bad_input(b: Backend) {
    let app = TestApp::start(b);
    let good = json!({
        "secret_key": "sk_test_51Kedai0000000000004242",
        "webhook_secret": HOOK_SECRET,
        "return_url": "https://shop.example.com/return",
    });
    needs_a_token(&app, "PUT", "/v1/payment-gateways/stripe", &good);
    needs_a_token(&app, "GET", "/v1/payment-gateways/stripe", &Value::Null);
    needs_a_token(&app, "DELETE", "/v1/payment-gateways/stripe", &Value::Null);
    for role in [Role::Manager, Role::Cashier, Role::Viewer] {
        let (token, ..) = signed_in(&app, app.tenant, role);
        app.put("/v1/payment-gateways/stripe", Some(&token), &good)
            .merchant_error(403, "FORBIDDEN");
        app.get("/v1/payment-gateways/stripe", Some(&token))
            .merchant_error(403, "FORBIDDEN");
    }
    let before = app.fingerprint();
    let with = |k: &str, v: Value| {
        let mut b = good.clone();
        b[k] = v;
        b
    };
    for (body, field) in [
        (with("secret_key", json!("pk_test_123456789")), "secret_key"),
        (with("secret_key", json!(42)), "secret_key"),
        (with("webhook_secret", json!("secret")), "webhook_secret"),
        (
            with("publishable_key", json!("sk_test_wrongkind")),
            "publishable_key",
        ),
        (with("methods", json!([])), "methods"),
        (with("methods", json!(["cash"])), "methods"),
        (with("return_url", json!("shop.example.com")), "return_url"),
        (with("api_base", json!("ftp://stripe")), "api_base"),
        (with("extra", json!(1)), "extra"),
        (
            json!({ "webhook_secret": HOOK_SECRET, "return_url": "https://x.example" }),
            "secret_key",
        ),
    ] {
        invalid(
            app.put("/v1/payment-gateways/stripe", Some(&app.owner), &body),
            field,
        );
    }
    app.get("/v1/payment-gateways/stripe", Some(&app.owner))
        .merchant_error(404, "PAYMENT_GATEWAY_NOT_FOUND");
    app.delete("/v1/payment-gateways/stripe", Some(&app.owner))
        .merchant_error(404, "PAYMENT_GATEWAY_NOT_FOUND");
    assert_eq!(app.fingerprint(), before);
    // Another merchant's owner sees nothing of this one's account.
    let stripe = StandIn::start("{}");
    connect(&app, &stripe);
    let other = app.create_tenant("Other", "MYR", "Asia/Kuala_Lumpur", false);
    let (rival, ..) = signed_in(&app, other, Role::Owner);
    app.get("/v1/payment-gateways/stripe", Some(&rival))
        .merchant_error(404, "PAYMENT_GATEWAY_NOT_FOUND");
}

fn a_refund_goes_back_through_stripe(b: Backend) {
    let app = TestApp::start_outbound(b, crate::outbound::fast(), true);
    let stripe = StandIn::start("{}");
    connect(&app, &stripe);
    let (order, intent, _) = opened(&app, &stripe);
    stripe.set_answer(
        r#"{"id":"cs_test_a1","status":"complete","payment_status":"paid","payment_intent":"pi_test_9"}"#,
    );
    let body = event(&app, &intent);
    send(
        &app,
        &body,
        Some(&signed(&body, HOOK_SECRET, chrono::Utc::now().timestamp())),
    )
    .expect(200);
    assert_eq!(status(&app, &order), json!("paid"));
    // The merchant refunds the order: the money goes back at Stripe, once, after commit.
    stripe.set_answer(r#"{"id":"re_test_1","object":"refund","status":"succeeded"}"#);
    let r = app
        .post(
            "/functions/v1/mock-payment",
            Some(&app.owner),
            &json!({ "order_id": order, "method": "fpx", "amount": 6.5, "status": "refunded" }),
        )
        .expect(200);
    assert_eq!(r.body["order_status"], json!("refunded"));
    let got = stripe.wait_for(std::time::Duration::from_secs(10), |r| {
        r.iter().any(|x| x.path == "/v1/refunds")
    });
    let refunds: Vec<_> = got.iter().filter(|x| x.path == "/v1/refunds").collect();
    assert_eq!(refunds.len(), 1);
    let form = &refunds[0].body;
    assert!(form.contains("payment_intent=pi_test_9"), "{form}");
    assert!(form.contains("amount=650"), "{form}");
    assert!(
        refunds[0]
            .header("idempotency-key")
            .starts_with("kedai-refund-")
    );
    crate::outbound::eventually(
        std::time::Duration::from_secs(5),
        "the refund audited",
        || {
            let r = app
                .get(
                    "/v1/audit-log?action=payment.gateway_refunded",
                    Some(&app.owner),
                )
                .expect(200);
            r.body["data"][0]["details"]["refund_id"] == json!("re_test_1")
        },
    );
}
