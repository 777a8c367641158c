//! Findings on the customer portal: sign-up without proof (1), member enumeration (2), a
//! replaced checkout that still took an approval (5), order reads that told a token more than
//! its absence (9).

use serde_json::{Value, json};

use super::text;
use crate::commerce::page;
use crate::support::{Backend, TestApp};

const VICTIM: &str = "+60123450001";
const STRANGER: &str = "+60123450002";

fn token_of(d: &Value) -> String {
    text(&d["accessToken"])
}

/// Finding 1: Before: registering someone else's phone answered 201 with tokens; when its owner later
/// signed in by code they landed in that record, and the attacker's tokens kept working.
fn sign_up_needs_proof_and_a_claimed_number_ends_earlier_sessions(b: Backend) {
    let app = TestApp::start(b);
    let before = app.fingerprint();
    app.portal_post(
        "/auth/register",
        None,
        &json!({ "name": "Mallory", "phone": VICTIM, "email": "mallory@evil.example" }),
    )
    .portal_error(422, "OTP_VERIFICATION_REQUIRED");
    assert_eq!(app.fingerprint(), before, "nothing created, no code sent");

    // A record that holds the victim's number without proof (as registrations made before
    // proof was required do), with the attacker's session on it.
    let planted = app.register_customer("Mallory", VICTIM, Some("mallory@evil.example"));
    app.sabotage("UPDATE customers SET verified_phone = NULL");
    let mallory_access = token_of(&planted);
    let mallory_refresh = text(&planted["refreshToken"]);
    app.portal_get("/profile", Some(&mallory_access))
        .portal_data(200);
    // The number's owner signs in by code: the record is theirs now, and every session issued
    // before ends.
    let owner = app.otp_sign_in(VICTIM);
    app.portal_get("/profile", Some(&mallory_access))
        .portal_error(401, "AUTH_TOKEN_INVALID");
    app.portal_post(
        "/auth/refresh",
        None,
        &json!({ "refreshToken": mallory_refresh }),
    )
    .portal_error(401, "AUTH_TOKEN_INVALID");
    let me = app
        .portal_get("/profile", Some(&token_of(&owner)))
        .portal_data(200);
    assert_eq!(me["phone"], json!(VICTIM));
    // Signing in again does not end the owner's own session: the number is proven now.
    app.age_codes(3_661, None);
    let again = app.otp_sign_in(VICTIM);
    app.portal_get("/profile", Some(&token_of(&owner)))
        .portal_data(200);
    app.portal_get("/profile", Some(&token_of(&again)))
        .portal_data(200);

    // Binding an unused phone to one's record takes the code sent to it.
    let owner_token = token_of(&owner);
    let before = app.fingerprint();
    app.portal_send(
        "PATCH",
        "/profile",
        Some(&owner_token),
        &json!({ "phone": STRANGER }).to_string(),
    )
    .portal_error(422, "OTP_VERIFICATION_REQUIRED");
    assert_eq!(app.fingerprint(), before);
    app.portal_post(
        "/profile/verification-code",
        Some(&owner_token),
        &json!({ "phone": STRANGER }),
    )
    .portal_data(200);
    let code = app.last_otp(STRANGER);
    let me = app
        .portal_send(
            "PATCH",
            "/profile",
            Some(&owner_token),
            &json!({ "phone": STRANGER, "phoneOtp": code }).to_string(),
        )
        .portal_data(200);
    assert_eq!(me["phone"], json!(STRANGER));
    // The code is spent.
    app.portal_send(
        "PATCH",
        "/profile",
        Some(&owner_token),
        &json!({ "phone": VICTIM, "phoneOtp": code }).to_string(),
    )
    .portal_error(422, "OTP_NOT_REQUESTED");
}

/// Finding 2: Before: `register` with a member's phone answered 409 `CUSTOMER_PHONE_TAKEN`, and
/// `PATCH /profile {"phone": N}` 409 or 200, so anyone could test who is a member.
fn no_answer_tells_a_stranger_who_is_a_member(b: Backend) {
    let app = TestApp::start(b);
    let _ = app.register_customer("Member", VICTIM, Some("member@example.com"));
    let asker = token_of(&app.register_customer("Asker", "+60123450009", None));
    let register = |phone: &str, email: &str| {
        let r = app.portal_post(
            "/auth/register",
            None,
            &json!({ "name": "Probe", "phone": phone, "email": email }),
        );
        (r.status, r.body)
    };
    assert_eq!(
        register(VICTIM, "x@example.com"),
        register(STRANGER, "y@example.com")
    );
    assert_eq!(
        register(STRANGER, "member@example.com"),
        register(STRANGER, "nobody@example.com")
    );
    let patch = |body: Value| {
        let r = app.portal_send("PATCH", "/profile", Some(&asker), &body.to_string());
        (r.status, r.body)
    };
    let (status, body) = patch(json!({ "phone": VICTIM }));
    assert_eq!(status, 422, "{body}");
    assert_eq!((status, body), patch(json!({ "phone": STRANGER })));
    assert_eq!(
        patch(json!({ "email": "member@example.com" })),
        patch(json!({ "email": "nobody@example.com" }))
    );
    // Asking for a sign-in code, or a code for a new phone, answers alike.
    let otp = |phone: &str| {
        let r = app.portal_post("/auth/otp", None, &json!({ "phone": phone }));
        (r.status, r.body)
    };
    app.age_codes(3_661, None);
    assert_eq!(otp(VICTIM), otp(STRANGER));
    let code_for = |phone: &str| {
        let r = app.portal_post(
            "/profile/verification-code",
            Some(&asker),
            &json!({ "phone": phone }),
        );
        (r.status, r.body)
    };
    app.age_codes(3_661, None);
    assert_eq!(code_for(VICTIM), code_for(STRANGER));
}

struct Shop {
    app: TestApp,
    product: i64,
    courier: i64,
    card: String,
}

fn shop(b: Backend) -> Shop {
    let app = TestApp::start(b);
    let product = app.product(&app.owner, "Tea Set", 120.0);
    app.stock_in(&app.owner, product, 10, None);
    let courier = app
        .post(
            "/v1/shipping-methods",
            Some(&app.owner),
            &json!({ "name": "Courier", "cost": 30 }),
        )
        .expect(201)
        .body["data"]["id"]
        .as_i64()
        .unwrap_or_default();
    let card = text(
        &app.post(
            "/v1/payment-methods",
            Some(&app.owner),
            &json!({ "name": "Card", "type": "gateway" }),
        )
        .expect(201)
        .body["data"]["id"],
    );
    Shop {
        app,
        product,
        courier,
        card,
    }
}

fn checkout(s: &Shop, token: Option<&str>) -> Value {
    s.app
        .portal_post(
            "/shop/orders",
            token,
            &json!({
                "lineItems": [{ "productId": s.product, "quantity": 1 }],
                "customerInfo": { "firstName": "Mei", "lastName": "Chan", "email": "mei@example.com", "phone": "+85291234567" },
                "shippingAddress": { "addressLine1": "8 Harbour Road", "city": "Hong Kong", "country": "HK" },
                "shippingMethodId": s.courier,
                "paymentMethodId": s.card,
            }),
        )
        .portal_data(201)
}

fn page_path(url: &Value) -> String {
    let url = text(url);
    let at = url.find("/pay/mock/").unwrap_or_default();
    url[at..].to_owned()
}

fn payment_status(app: &TestApp, order: &str) -> Value {
    app.portal_get(&format!("/shop/orders/{order}/payment-status"), None)
        .portal_data(200)["paymentStatus"]
        .clone()
}

/// Finding 5: Before: after a new `POST /payment-intents` (which anyone holding the order id could
/// send), approving the first page answered "Payment approved" while the order stayed unpaid.
fn a_replaced_checkout_takes_no_approval(b: Backend) {
    let s = shop(b);
    let app = &s.app;
    let placed = checkout(&s, None);
    let order = text(&placed["orderId"]);
    let token = text(&placed["orderToken"]);
    let first = page_path(&placed["paymentUrl"]);
    let intent = |extra: Value, bearer: Option<&str>| {
        let mut body = json!({ "amount": 150, "currency": "MYR", "orderId": order });
        if let (Some(b), Value::Object(e)) = (body.as_object_mut(), extra) {
            b.extend(e);
        }
        app.portal_post("/payment-intents", bearer, &body)
    };
    // The id alone, or a stranger's token, opens nothing.
    let stranger = app.customer_token("+60123450003");
    let before = app.fingerprint();
    intent(json!({}), None).portal_error(403, "FORBIDDEN");
    intent(json!({}), Some(&stranger)).portal_error(403, "FORBIDDEN");
    intent(json!({ "orderToken": "f".repeat(64) }), None).portal_error(403, "FORBIDDEN");
    assert_eq!(app.fingerprint(), before);
    // The guest replaces the checkout: the first page is cancelled at the gateway.
    let second =
        page_path(&intent(json!({ "orderToken": token }), None).portal_data(201)["paymentUrl"]);
    let shown = page(app, "GET", &first);
    assert_eq!(shown.status, 200);
    assert!(shown.text.contains("cancelled"), "{}", shown.text);
    let refused = page(app, "POST", &format!("{first}/approve"));
    assert_eq!(refused.status, 409, "{}", refused.text);
    assert!(
        !refused.text.contains("Payment approved"),
        "{}",
        refused.text
    );
    assert_eq!(payment_status(app, &order), json!("pending"));
    assert_eq!(page(app, "POST", &format!("{second}/approve")).status, 200);
    assert_eq!(payment_status(app, &order), json!("completed"));
    // The first decision stands: a decline after it is refused too.
    assert_eq!(page(app, "POST", &format!("{second}/decline")).status, 409);
    assert_eq!(payment_status(app, &order), json!("completed"));

    // Approved first, replaced after: nothing is replaced, and the approval is recorded.
    let placed = checkout(&s, None);
    let order = text(&placed["orderId"]);
    let first = page_path(&placed["paymentUrl"]);
    assert_eq!(page(app, "POST", &format!("{first}/approve")).status, 200);
    app.portal_post(
        "/payment-intents",
        None,
        &json!({ "amount": 150, "currency": "MYR", "orderId": order, "orderToken": placed["orderToken"] }),
    )
    .portal_error(409, "PAYMENT_ALREADY_APPROVED");
    assert_eq!(payment_status(app, &order), json!("completed"));

    // A member's order is paid with that member's token.
    let member = app.customer_token("+60123450004");
    let placed = checkout(&s, Some(&member));
    assert!(placed.get("orderToken").is_none(), "{placed}");
    let body = json!({ "amount": 150, "currency": "MYR", "orderId": placed["orderId"] });
    app.portal_post("/payment-intents", Some(&stranger), &body)
        .portal_error(403, "FORBIDDEN");
    app.portal_post("/payment-intents", None, &body)
        .portal_error(403, "FORBIDDEN");
    app.portal_post("/payment-intents", Some(&member), &body)
        .portal_data(201);
}

/// Finding 9: Before: `GET /shop/orders/{id}` answered 403 to another customer's token but 200 with
/// everything without one.
fn a_token_never_reveals_more_than_its_absence(b: Backend) {
    let s = shop(b);
    let app = &s.app;
    let member = app.customer_token("+60123450005");
    let order = text(&checkout(&s, Some(&member))["orderId"]);
    let other = app.customer_token("+60123450006");
    let read = |token: Option<&str>| {
        let r = app.portal_get(&format!("/shop/orders/{order}"), token);
        (r.status, r.body)
    };
    let anonymous = read(None);
    assert_eq!(anonymous.0, 200, "{}", anonymous.1);
    assert_eq!(read(Some(&other)), anonymous);
    let body = anonymous.1.to_string();
    for private in ["mei@example.com", "+85291234567", "Harbour", "Mei"] {
        assert!(!body.contains(private), "{private}: {body}");
    }
    assert_eq!(read(Some(&member)).0, 200);
}

/// The codes sent with a registration or a profile change are guesses like any other: each is
/// counted, and the sixth is refused whatever it is.
fn codes_sent_with_a_form_are_counted_like_any_other(b: Backend) {
    let app = TestApp::start(b);
    app.portal_post("/auth/otp", None, &json!({ "phone": STRANGER }))
        .portal_data(200);
    let right = app.last_otp(STRANGER);
    let wrong = if right == "000000" {
        "111111"
    } else {
        "000000"
    };
    let register = |code: &str| {
        app.portal_post(
            "/auth/register",
            None,
            &json!({ "name": "Guess", "phone": STRANGER, "otp": code }),
        )
    };
    for _ in 0..5 {
        register(wrong).portal_error(422, "OTP_INVALID");
    }
    let r = register(&right).portal_error(429, "OTP_LOCKED");
    assert!(r.header("retry-after").is_some());

    let member = token_of(&app.register_customer("Member", VICTIM, None));
    let code_for = |phone: &str| {
        app.portal_post(
            "/profile/verification-code",
            Some(&member),
            &json!({ "phone": phone }),
        )
    };
    code_for("+60123450007").portal_data(200);
    let r = code_for("+60123450007").portal_error(429, "OTP_COOLDOWN");
    assert!(r.header("retry-after").is_some());
    code_for("12").portal_error(422, "VALIDATION_ERROR");
    app.portal_post("/profile/verification-code", Some(&member), &json!({}))
        .portal_error(422, "VALIDATION_ERROR");
    app.portal_post(
        "/profile/verification-code",
        None,
        &json!({ "phone": "+60123450008" }),
    )
    .portal_error(401, "AUTH_REQUIRED");
    let right = app.last_otp("+60123450007");
    let wrong = if right == "000000" {
        "111111"
    } else {
        "000000"
    };
    let patch = |code: &str| {
        app.portal_send(
            "PATCH",
            "/profile",
            Some(&member),
            &json!({ "phone": "+60123450007", "phoneOtp": code }).to_string(),
        )
    };
    for _ in 0..5 {
        patch(wrong).portal_error(422, "OTP_INVALID");
    }
    patch(&right).portal_error(429, "OTP_LOCKED");
    let me = app.portal_get("/profile", Some(&member)).portal_data(200);
    assert_eq!(me["phone"], json!(VICTIM));
}

crate::on_both_backends!(
    codes_sent_with_a_form_are_counted_like_any_other,
    sign_up_needs_proof_and_a_claimed_number_ends_earlier_sessions,
    no_answer_tells_a_stranger_who_is_a_member,
    a_replaced_checkout_takes_no_approval,
    a_token_never_reveals_more_than_its_absence,
);
