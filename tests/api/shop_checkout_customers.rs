//! Storefront checkout for signed-in customers: their orders and who may read them, customer
//! tokens on the shop routes, idempotency keys per customer, the order confirmation in the
//! message log, the contract's shapes of every shop route, and the storefront flow end to end.

use chrono::{Duration, Utc};
use serde_json::{Value, json};

use crate::commerce::{page, text};
use crate::support::portal::{PORTAL, assert_shape, bare_array};
use crate::support::{Backend, Resp, TestApp};

crate::on_both_backends!(
    signed_in_customer_checks_out_and_reads_their_orders,
    customer_tokens_are_checked_on_the_shop_routes,
    idempotency_keys_are_private_to_each_customer,
    checkout_records_an_order_confirmation,
    shop_routes_answer_in_the_contract_shapes,
    storefront_checkout_end_to_end,
);

const PHONE: &str = "+60123456789";
const OTHER_PHONE: &str = "+60129876543";

struct Shop {
    app: TestApp,
    product: i64,
    courier: i64,
    card: String,
}

fn shop(b: Backend) -> Shop {
    let app = TestApp::start(b);
    let product = app.product(&app.owner, "Tea Set", 120.0);
    app.stock_in(&app.owner, product, 20, None);
    let courier = app
        .post(
            "/v1/shipping-methods",
            Some(&app.owner),
            &json!({ "name": "Courier", "cost": 30, "free_shipping_threshold": 500 }),
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

fn guest_body(s: &Shop, quantity: i64) -> Value {
    json!({
        "lineItems": [{ "productId": s.product, "quantity": quantity }],
        "customerInfo": { "firstName": "Mei", "lastName": "Chan", "email": "mei@example.com" },
        "shippingAddress": { "addressLine1": "8 Harbour Road", "city": "Hong Kong" },
        "shippingMethodId": s.courier,
    })
}

/// A signed-in customer's order: no customer details, their record fills them.
fn customer_body(s: &Shop, quantity: i64) -> Value {
    json!({
        "lineItems": [{ "productId": s.product, "quantity": quantity }],
        "shippingAddress": { "addressLine1": "1 Jalan Ampang", "city": "Kuala Lumpur" },
        "shippingMethodId": s.courier,
    })
}

fn place(app: &TestApp, token: Option<&str>, body: &Value) -> Value {
    app.portal_post("/shop/orders", token, body)
        .portal_data(201)
}

fn checkout_path(payment_url: &str) -> String {
    let at = payment_url
        .find("/pay/mock/")
        .unwrap_or_else(|| panic!("not a mock checkout url: {payment_url}"));
    payment_url[at..].to_owned()
}

fn signed_in_customer_checks_out_and_reads_their_orders(b: Backend) {
    let s = shop(b);
    let app = &s.app;
    let registered = app.register_customer("Amy Tan", PHONE, Some("amy@example.com"));
    let token = text(&registered["accessToken"]);
    let first = place(app, Some(&token), &customer_body(&s, 1));
    let second = place(app, Some(&token), &customer_body(&s, 2));
    let guest = place(app, None, &guest_body(&s, 1));
    let merchant = app
        .get(
            &format!("/v1/orders/{}", text(&first["orderId"])),
            Some(&app.owner),
        )
        .expect(200);
    let d = &merchant.body["data"];
    let customer_id = text(&d["customer_id"]);
    assert!(!customer_id.is_empty(), "the customer's id: {d}");
    assert_eq!(d["contact_name"], json!("Amy Tan"), "from their record");
    assert_eq!(d["contact_email"], json!("amy@example.com"));
    assert_eq!(d["contact_phone"], json!(PHONE));
    // The merchant finds it among the customer's orders.
    let theirs = app
        .get(
            &format!("/v1/customers/{customer_id}/orders"),
            Some(&app.owner),
        )
        .expect(200);
    assert_eq!(theirs.body["data"].as_array().map(Vec::len), Some(2));

    let list = app
        .portal_get("/shop/orders", Some(&token))
        .portal_data(200);
    let list = bare_array(&list);
    let ids: Vec<String> = list.iter().map(|o| text(&o["orderId"])).collect();
    assert_eq!(
        ids,
        [text(&second["orderId"]), text(&first["orderId"])],
        "theirs only, newest first"
    );
    assert_eq!(list[0]["totalAmount"], json!(270.0));
    let r = app
        .portal_get("/shop/orders?page=2&limit=1", Some(&token))
        .expect(200);
    assert_eq!(r.body["data"][0]["orderId"], first["orderId"]);
    assert_eq!(r.body["meta"]["pagination"]["total"], json!(2));
    for bad in ["page=0", "limit=101", "page=x"] {
        app.portal_get(&format!("/shop/orders?{bad}"), Some(&token))
            .portal_error(422, "VALIDATION_ERROR");
    }

    // Reading one by its unguessable id: theirs, guests', and, without contact details,
    // anyone's — another customer's token reads exactly what no token reads.
    let mine = text(&first["orderId"]);
    app.portal_get(&format!("/shop/orders/{mine}"), Some(&token))
        .portal_data(200);
    app.portal_get(
        &format!("/shop/orders/{}", text(&guest["orderId"])),
        Some(&token),
    )
    .portal_data(200);
    let other = app.customer_token(OTHER_PHONE);
    let as_other = app
        .portal_get(&format!("/shop/orders/{mine}"), Some(&other))
        .portal_data(200);
    let anonymous = app
        .portal_get(&format!("/shop/orders/{mine}"), None)
        .portal_data(200);
    assert_eq!(as_other, anonymous);
    let text_of = as_other.to_string();
    for private in [PHONE, "@", "Jalan"] {
        assert!(!text_of.contains(private), "{private} in {text_of}");
    }
    let status_other = app
        .portal_get(&format!("/shop/orders/{mine}/payment-status"), Some(&other))
        .portal_data(200);
    let status_none = app
        .portal_get(&format!("/shop/orders/{mine}/payment-status"), None)
        .portal_data(200);
    assert_eq!(status_other, status_none);
    // Paying it is the customer's alone.
    app.portal_post(
        "/payment-intents",
        Some(&other),
        &json!({ "amount": 150, "currency": "MYR", "orderId": mine }),
    )
    .portal_error(403, "FORBIDDEN");
    app.portal_post(
        "/payment-intents",
        None,
        &json!({ "amount": 150, "currency": "MYR", "orderId": mine }),
    )
    .portal_error(403, "FORBIDDEN");
    let none = app
        .portal_get("/shop/orders", Some(&other))
        .portal_data(200);
    assert_eq!(none, json!([]));
}

fn customer_tokens_are_checked_on_the_shop_routes(b: Backend) {
    let s = shop(b);
    let app = &s.app;
    let token = app.customer_token(PHONE);
    app.portal_get("/shop/orders", None)
        .portal_error(401, "AUTH_REQUIRED");
    let expired = app.expired_token(&token);
    let r = app.portal_get("/shop/orders", Some(&expired));
    assert_eq!(r.status, 401, "{}", r.body);
    app.portal_get("/shop/orders", Some("garbage")).expect(401);
    // A customer of another merchant.
    let other = app.create_tenant("Other", "MYR", "Asia/Kuala_Lumpur", false);
    let theirs = app.register_at(other, "Zed", OTHER_PHONE);
    let their_token = text(&theirs["accessToken"]);
    app.portal_get("/shop/orders", Some(&their_token))
        .portal_error(403, "FORBIDDEN_TENANT");
    // On public routes a bad or foreign token is a guest, never a 401.
    for t in [expired.as_str(), "garbage", their_token.as_str()] {
        let o = place(app, Some(t), &guest_body(&s, 1));
        let m = app
            .get(
                &format!("/v1/orders/{}", text(&o["orderId"])),
                Some(&app.owner),
            )
            .expect(200);
        assert_eq!(m.body["data"]["customer_id"], json!(null), "a guest");
        app.portal_get(&format!("/shop/orders/{}", text(&o["orderId"])), Some(t))
            .portal_data(200);
        app.portal_get("/shop/shipping-methods", Some(t))
            .portal_data(200);
        app.portal_post(
            "/validate-promotion",
            Some(t),
            &json!({ "promotionCode": "NONE", "amount": 1 }),
        )
        .portal_data(200);
    }
    // A revoked session: logged out, the token no longer reads orders.
    let session = app.register_customer("Lee", "+60111111111", None);
    let access = text(&session["accessToken"]);
    app.portal_send("POST", "/auth/logout", Some(&access), "")
        .portal_data(200);
    app.portal_get("/shop/orders", Some(&access))
        .portal_error(401, "AUTH_TOKEN_INVALID");
}

fn idempotency_keys_are_private_to_each_customer(b: Backend) {
    let s = shop(b);
    let app = &s.app;
    let amy = app.customer_token(PHONE);
    let ben = app.customer_token(OTHER_PHONE);
    let key = uuid::Uuid::new_v4().to_string();
    let body = customer_body(&s, 1);
    let send = |token: Option<&str>| {
        let company = app.company();
        app.send_with(
            "POST",
            &format!("{PORTAL}/shop/orders"),
            token,
            &body.to_string(),
            &[("X-Company-Id", &company), ("Idempotency-Key", &key)],
        )
    };
    let a1 = send(Some(&amy)).portal_data(201);
    let r = send(Some(&amy));
    assert_eq!(r.header("idempotent-replayed"), Some("true"));
    assert_eq!(r.portal_data(201)["orderId"], a1["orderId"]);
    let b1 = send(Some(&ben)).portal_data(201);
    assert_ne!(a1["orderId"], b1["orderId"], "another customer's key space");
    // A guest with the same key and body: the shop's guests' key space, but no customer
    // details, so a validation answer is kept for it.
    send(None).portal_error(422, "VALIDATION_ERROR");
    let r = send(None);
    assert_eq!(r.header("idempotent-replayed"), Some("true"));
    let list = app.portal_get("/shop/orders", Some(&amy)).portal_data(200);
    assert_eq!(bare_array(&list).len(), 1);
}

fn checkout_records_an_order_confirmation(b: Backend) {
    let s = shop(b);
    let app = &s.app;
    let mut body = guest_body(&s, 1);
    body["customerInfo"]["language"] = json!("zh-HK");
    let o = place(app, None, &body);
    let log = app
        .get(
            "/v1/notifications?kind=order_confirmation",
            Some(&app.owner),
        )
        .expect(200);
    let messages = log.body["data"].as_array().cloned().unwrap_or_default();
    assert_eq!(messages.len(), 1, "{}", log.body);
    let m = &messages[0];
    assert_eq!(m["channel"], json!("email"));
    assert_eq!(m["recipient"], json!("mei@example.com"));
    assert_eq!(m["reference"], o["orderId"]);
    let order_number = text(&o["orderNumber"]);
    assert!(text(&m["body"]).contains(&order_number), "{m}");
    assert!(text(&m["body"]).contains("感謝"), "zh-HK: {m}");
    assert!(m["subject"].is_string());
    // By phone when there is no e-mail, in English by default.
    let mut body = guest_body(&s, 1);
    body["customerInfo"] =
        json!({ "firstName": "Raj", "lastName": "Kumar", "phone": "+60133333333" });
    place(app, None, &body);
    let log = app
        .get(
            "/v1/notifications?kind=order_confirmation&recipient=%2B60133333333",
            Some(&app.owner),
        )
        .expect(200);
    let m = &log.body["data"][0];
    assert_eq!(m["channel"], json!("sms"));
    assert!(text(&m["body"]).starts_with("Thank you"), "{m}");
    // A refused order sends nothing.
    let mut bad = guest_body(&s, 999);
    bad["customerInfo"]["email"] = json!("nobody@example.com");
    app.portal_post("/shop/orders", None, &bad)
        .portal_error(409, "INSUFFICIENT_STOCK");
    let log = app
        .get(
            "/v1/notifications?kind=order_confirmation",
            Some(&app.owner),
        )
        .expect(200);
    assert_eq!(log.body["data"].as_array().map(Vec::len), Some(2));
}

const SHOP_ORDER: &[&str] = &[
    "id?: int|null",
    "orderId: string",
    "orderNumber: string|null",
    "status: string",
    "subtotal: number",
    "discountAmount: number",
    "shippingCost: number",
    "totalAmount: number",
    "items: array",
    "createdAt: string",
    "paymentUrl?: string",
    "paymentInstructions?: string",
];

const SHOP_ORDER_ITEM: &[&str] = &[
    "productId: int|null",
    "variationId?: int|null",
    "productName: string",
    "quantity: int",
    "unitPrice: number",
    "lineTotal: number",
    "lineType?: string",
    "offerRuleId?: string|null",
];

fn check_order(o: &Value) {
    assert_shape(o, SHOP_ORDER);
    for item in bare_array(&o["items"]) {
        assert_shape(&item, SHOP_ORDER_ITEM);
        assert!(
            ["product", "addon", "bundle", "bundle_component"]
                .contains(&item["lineType"].as_str().unwrap_or("product"))
        );
    }
    assert!(
        [
            "pending",
            "confirmed",
            "processing",
            "completed",
            "cancelled",
            "refunded"
        ]
        .contains(&o["status"].as_str().unwrap_or_default()),
        "{o}"
    );
}

fn shop_routes_answer_in_the_contract_shapes(b: Backend) {
    let s = shop(b);
    let app = &s.app;
    app.post(
        "/v1/payment-methods",
        Some(&app.owner),
        &json!({ "name": "Bank", "type": "manual", "instructions": "Transfer" }),
    )
    .expect(201);
    // Requests as the SDK sends them: the tenant header, JSON content type on GETs too.
    let methods = app
        .portal_get("/shop/shipping-methods?order_amount=120", None)
        .portal_data(200);
    for m in bare_array(&methods) {
        assert_shape(
            &m,
            &[
                "id: int",
                "name: string",
                "description: string|null",
                "cost: number",
                "freeShippingThreshold: number|null",
                "estimatedDays: string|null",
            ],
        );
    }
    let methods = app
        .portal_get("/shop/payment-methods", None)
        .portal_data(200);
    for m in bare_array(&methods) {
        assert_shape(
            &m,
            &[
                "id: string",
                "name: string",
                "type: string",
                "instructions: string|null",
                "hasGateway: bool",
                "position: int",
            ],
        );
    }
    let token = app.customer_token(PHONE);
    let mut body = customer_body(&s, 1);
    body["paymentMethodId"] = json!(s.card);
    body["successUrl"] = json!("https://shop.example.com/checkout/success");
    body["cancelUrl"] = json!("https://shop.example.com/cart");
    let o = place(app, Some(&token), &body);
    check_order(&o);
    assert!(o["paymentUrl"].is_string());
    let id = text(&o["orderId"]);
    for o in bare_array(
        &app.portal_get("/shop/orders", Some(&token))
            .portal_data(200),
    ) {
        check_order(&o);
    }
    check_order(
        &app.portal_get(&format!("/shop/orders/{id}"), None)
            .portal_data(200),
    );
    let status = app
        .portal_get(&format!("/shop/orders/{id}/payment-status"), None)
        .portal_data(200);
    assert_shape(
        &status,
        &[
            "orderId: string",
            "orderStatus: string",
            "paymentStatus: string",
            "paidAt: string|null",
        ],
    );
    assert!(
        ["pending", "completed", "failed", "refunded", "voided"]
            .contains(&status["paymentStatus"].as_str().unwrap_or_default())
    );
    let promo = app
        .portal_post(
            "/validate-promotion",
            None,
            &json!({ "promotionCode": "NOPE", "channel": "online", "amount": 10 }),
        )
        .portal_data(200);
    assert_shape(
        &promo,
        &[
            "isValid: bool",
            "promotionCode: string",
            "errorMessage?: string",
            "errorCode?: string",
        ],
    );
    let gateway = app.portal_get("/payment-gateway", None).portal_data(200);
    assert_shape(&gateway, &["publishableKey: string", "gateway: string"]);
    let intent = app
        .portal_post(
            "/payment-intents",
            Some(&token),
            &json!({ "amount": 150, "currency": "MYR", "orderId": id }),
        )
        .portal_data(201);
    assert_shape(
        &intent,
        &[
            "clientSecret: string",
            "paymentIntentId: string",
            "publishableKey: string",
            "paymentUrl: string",
        ],
    );
}

fn storefront_checkout_end_to_end(b: Backend) {
    let s = shop(b);
    let app = &s.app;
    // The merchant sets up the storefront and a promotion.
    app.post(
        "/v1/storefront/domains",
        Some(&app.owner),
        &json!({ "hostname": "shop.example.com" }),
    )
    .expect(201);
    app.post(
        "/v1/coupons",
        Some(&app.owner),
        &json!({
            "title": "Welcome",
            "code": "WELCOME10",
            "discount_type": "percentage",
            "discount_value": 10,
            "valid_from": (Utc::now() - Duration::days(1)).to_rfc3339(),
            "valid_to": (Utc::now() + Duration::days(7)).to_rfc3339(),
        }),
    )
    .expect(201);
    // The storefront finds its merchant, then signs the customer in with a code.
    let resolved = app
        .get(
            &format!("{PORTAL}/storefront/resolve-domain?hostname=shop.example.com"),
            None,
        )
        .portal_data(200);
    assert_eq!(resolved["companyId"], json!(app.company()));
    app.portal_get("/company/modules", None).portal_data(200);
    // The catalogue, as the shop page lists it, with the stock from the lots.
    let listed = app
        .portal_get("/shop/products?limit=12", None)
        .portal_data(200);
    let item = listed
        .as_array()
        .and_then(|l| l.iter().find(|p| p["id"] == json!(s.product)).cloned())
        .unwrap_or_else(|| panic!("not listed: {listed}"));
    assert_eq!(item["stockQuantity"], json!(20));
    assert_eq!(item["stockStatus"], json!("in_stock"));
    let _ = app.register_customer("Amy Tan", PHONE, None);
    let session = app.otp_sign_in(PHONE);
    let token = text(&session["accessToken"]);
    // Cart: 2 tea sets, a promotion, the courier, pay by card.
    let promo = app
        .portal_post(
            "/validate-promotion",
            Some(&token),
            &json!({ "promotionCode": "welcome10", "channel": "online", "amount": 240 }),
        )
        .portal_data(200);
    assert_eq!(promo["isValid"], json!(true));
    assert_eq!(promo["finalPrice"], json!(216.0));
    let mut body = customer_body(&s, 2);
    body["promotionCode"] = json!("welcome10");
    body["paymentMethodId"] = json!(s.card);
    let company = app.company();
    let key = uuid::Uuid::new_v4().to_string();
    let r: Resp = app.send_with(
        "POST",
        &format!("{PORTAL}/shop/orders"),
        Some(&token),
        &body.to_string(),
        &[("X-Company-Id", &company), ("Idempotency-Key", &key)],
    );
    let o = r.portal_data(201);
    assert_eq!(o["subtotal"], json!(240.0));
    assert_eq!(o["discountAmount"], json!(24.0));
    assert_eq!(o["shippingCost"], json!(30.0));
    assert_eq!(o["totalAmount"], json!(246.0));
    let id = text(&o["orderId"]);
    // Pay on the gateway's page, come back, see it paid.
    let path = checkout_path(&text(&o["paymentUrl"]));
    assert_eq!(page(app, "GET", &path).status, 200);
    assert_eq!(page(app, "POST", &format!("{path}/approve")).status, 200);
    let status = app
        .portal_get(&format!("/shop/orders/{id}/payment-status"), Some(&token))
        .portal_data(200);
    assert_eq!(status["paymentStatus"], json!("completed"));
    assert_eq!(status["orderStatus"], json!("confirmed"));
    assert!(status["paidAt"].is_string());
    // The merchant sees the paid order among theirs.
    let list = app
        .get("/v1/orders?status=paid", Some(&app.owner))
        .expect(200);
    let found = list.body["data"]
        .as_array()
        .and_then(|l| l.iter().find(|x| x["id"] == json!(id)).cloned())
        .unwrap_or_else(|| panic!("not listed: {}", list.body));
    assert_eq!(found["total_amount"], json!(246.0));
    assert_eq!(found["status"], json!("paid"));
    let mine = app
        .portal_get("/shop/orders", Some(&token))
        .portal_data(200);
    assert_eq!(mine[0]["status"], json!("confirmed"));
    assert_eq!(app.current_stock(s.product), 18);
}
