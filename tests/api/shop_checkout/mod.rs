//! Storefront checkout on the customer portal: shop shipping and payment methods (managed under
//! `/v1`), guest checkout into the merchant's orders, bad input that changes nothing, the
//! last-units race, idempotent replays, the coupon usage limit under concurrent checkouts,
//! promotion checks, and paying on the mock gateway's page.

mod guest;
mod methods;
mod payments;
mod pricing;
mod races;
mod stripe;

use chrono::{Duration, Utc};
use serde_json::{Value, json};

use crate::commerce::text;
use crate::support::{Backend, Resp, TestApp};

const PORTAL: &str = "/v6/customer-portal";

/// `X-Company-Id` of the app's tenant.
fn company(app: &TestApp) -> String {
    app.tenant.to_string()
}

fn get(app: &TestApp, path: &str) -> Resp {
    let c = company(app);
    app.get_with(&format!("{PORTAL}{path}"), None, &[("X-Company-Id", &c)])
}

fn post(app: &TestApp, path: &str, body: &Value) -> Resp {
    post_keyed(app, path, body, None)
}

fn post_keyed(app: &TestApp, path: &str, body: &Value, key: Option<&str>) -> Resp {
    let c = company(app);
    let mut headers = vec![("X-Company-Id", c.as_str()), ("Accept", "application/json")];
    if let Some(k) = key {
        headers.push(("Idempotency-Key", k));
    }
    app.post_with(&format!("{PORTAL}{path}"), None, body, &headers)
}

/// Asserts a portal error: status, `success: false`, the code, a message.
#[track_caller]
fn portal_error(r: Resp, status: u16, code: &str) -> Resp {
    let r = r.expect(status);
    assert_eq!(r.body["success"], json!(false), "{}", r.body);
    assert_eq!(r.body["error"]["code"], json!(code), "{}", r.body);
    assert!(
        r.body["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "{}",
        r.body
    );
    r
}

/// A shop: a stocked product, a courier with a free-shipping threshold, a manual and a gateway
/// payment method.
struct Shop {
    app: TestApp,
    /// Tea set, 120.00, 10 in stock.
    product: i64,
    /// Courier, 30.00, free from 500.00.
    courier: i64,
    /// Bank transfer (manual).
    bank: String,
    /// Card (gateway).
    card: String,
}

fn shipping_method(app: &TestApp, body: &Value) -> i64 {
    let r = app
        .post("/v1/shipping-methods", Some(&app.owner), body)
        .expect(201);
    r.body["data"]["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("{}", r.body))
}

fn payment_method(app: &TestApp, body: &Value) -> String {
    let r = app
        .post("/v1/payment-methods", Some(&app.owner), body)
        .expect(201);
    text(&r.body["data"]["id"])
}

fn shop(b: Backend) -> Shop {
    let app = TestApp::start(b);
    let product = app.product(&app.owner, "Tea Set", 120.0);
    app.stock_in(&app.owner, product, 10, None);
    let courier = shipping_method(
        &app,
        &json!({ "name": "Courier", "cost": 30, "free_shipping_threshold": 500, "estimated_days": "2-3", "sort_order": 1 }),
    );
    let bank = payment_method(
        &app,
        &json!({ "name": "Bank transfer", "type": "manual", "instructions": "Pay to 123-456", "position": 2 }),
    );
    let card = payment_method(
        &app,
        &json!({ "name": "Card", "type": "gateway", "position": 1 }),
    );
    Shop {
        app,
        product,
        courier,
        bank,
        card,
    }
}

/// A guest order of `quantity` of `product`, shipped by `courier`.
fn order_body(product: i64, quantity: i64, courier: i64) -> Value {
    json!({
        "lineItems": [{ "productId": product, "quantity": quantity }],
        "customerInfo": { "firstName": "Mei", "lastName": "Chan", "email": "Mei@Example.com", "phone": "+85291234567", "language": "zh-HK" },
        "shippingAddress": { "addressLine1": "8 Harbour Road", "city": "Hong Kong", "country": "HK" },
        "shippingMethodId": courier,
    })
}

fn coupon(app: &TestApp, body: &Value) -> String {
    text(
        &app.post("/v1/coupons", Some(&app.owner), body)
            .expect(201)
            .body["data"]["id"],
    )
}

fn spring(limit: Option<i64>) -> Value {
    let mut c = json!({
        "title": "Spring",
        "code": "spring10",
        "discount_type": "percentage",
        "discount_value": 10,
        "min_cart_total": 100,
        "valid_from": (Utc::now() - Duration::days(1)).to_rfc3339(),
        "valid_to": (Utc::now() + Duration::days(30)).to_rfc3339(),
    });
    if let Some(l) = limit {
        c["usage_limit"] = json!(l);
    }
    c
}

/// Checks a ShopOrder field by field.
#[track_caller]
fn assert_shop_order(o: &Value, status: &str, amounts: [f64; 4]) {
    let keys: Vec<&str> = o
        .as_object()
        .unwrap_or_else(|| panic!("{o}"))
        .keys()
        .map(String::as_str)
        .collect();
    for key in [
        "orderId",
        "orderNumber",
        "status",
        "subtotal",
        "discountAmount",
        "shippingCost",
        "totalAmount",
        "items",
        "createdAt",
    ] {
        assert!(keys.contains(&key), "{key} missing: {o}");
    }
    assert!(
        text(&o["orderId"]).parse::<uuid::Uuid>().is_ok(),
        "{}",
        o["orderId"]
    );
    assert!(text(&o["orderNumber"]).starts_with("ORD-"), "{o}");
    assert_eq!(o["status"], json!(status), "{o}");
    let [subtotal, discount, shipping, total] = amounts;
    assert_eq!(o["subtotal"], json!(subtotal), "{o}");
    assert_eq!(o["discountAmount"], json!(discount), "{o}");
    assert_eq!(o["shippingCost"], json!(shipping), "{o}");
    assert_eq!(o["totalAmount"], json!(total), "{o}");
    assert!(
        chrono::DateTime::parse_from_rfc3339(&text(&o["createdAt"])).is_ok(),
        "{o}"
    );
    assert!(o.get("id").is_none_or(|id| id.is_i64() || id.is_null()));
}
