//! Reading orders: by number, their items (what was sold, its discount share and status), and
//! other tenants' orders.

use chrono::Utc;
use kedai_identity::Role;
use serde_json::json;

use super::{place, placed, set_status, stocked, text};
use crate::support::{Backend, TestApp};

crate::on_both_backends!(
    orders_by_number_items_and_other_tenants,
    order_items_show_what_was_sold_their_discount_and_status,
);

fn orders_by_number_items_and_other_tenants(b: Backend) {
    let app = TestApp::start(b);
    let p = stocked(&app, "Tea", 2.50, 10);
    let o = placed(&app, p, 3, None);
    let (id, number) = (text(&o["order_id"]), text(&o["order_number"]));

    let r = app
        .get(&format!("/v1/orders/by-number/{number}"), Some(&app.owner))
        .expect(200);
    assert_eq!(r.body["data"]["id"], json!(id));
    assert_eq!(r.body["data"]["total_amount"], json!(7.5));
    assert!(r.body["data"]["status_history"].is_array());
    let r = app
        .get(&format!("/v1/orders/{id}/items"), Some(&app.owner))
        .expect(200);
    assert_eq!(r.body["data"][0]["quantity"], json!(3));
    assert_eq!(r.body["data"][0]["total_price"], json!(7.5));
    assert_eq!(r.body["data"].as_array().map(Vec::len), Some(1));

    let _ = app
        .get("/v1/orders/by-number/ORD-1999-0001", Some(&app.owner))
        .merchant_error(404, "ORDER_NOT_FOUND");
    let _ = app
        .get("/v1/orders/not-an-id/items", Some(&app.owner))
        .merchant_error(404, "ORDER_NOT_FOUND");
    let _ = app
        .get(
            "/v1/customers/0193aaaa-0000-7000-8000-000000000001/orders",
            Some(&app.owner),
        )
        .merchant_error(404, "CUSTOMER_NOT_FOUND");

    // Another merchant sees none of it, whatever the route.
    let other = app.create_tenant("Other", "MYR", "Asia/Kuala_Lumpur", false);
    let token = app.staff_token(other, Role::Owner);
    for path in [
        format!("/v1/orders/{id}"),
        format!("/v1/orders/{id}/items"),
        format!("/v1/orders/by-number/{number}"),
    ] {
        let _ = app
            .get(&path, Some(&token))
            .merchant_error(404, "ORDER_NOT_FOUND");
    }
    // Reading needs orders:read; every role has it.
    let viewer = app.staff_token(app.tenant, Role::Viewer);
    let _ = app
        .get(&format!("/v1/orders/{id}/items"), Some(&viewer))
        .expect(200);
    let _ = app
        .get(&format!("/v1/orders/by-number/{number}"), None)
        .merchant_error(401, "AUTH_REQUIRED");
}

/// 002's order items: the product's description and main image as they were when sold (later
/// edits do not change them), each line's share of the discount (adding up to it), and a
/// status that follows the order.
fn order_items_show_what_was_sold_their_discount_and_status(b: Backend) {
    let app = TestApp::start(b);
    let latte = stocked(&app, "Latte", 10.0, 10);
    let cake = stocked(&app, "Cake", 5.0, 10);
    app.put(
        &format!("/v1/products/{latte}"),
        Some(&app.owner),
        &json!({ "description": "Double shot, oat milk" }),
    )
    .expect(200);
    for (src, primary) in [
        ("https://cdn.example.com/latte-side.jpg", false),
        ("https://cdn.example.com/latte.jpg", true),
    ] {
        app.post(
            &format!("/v1/products/{latte}/images"),
            Some(&app.owner),
            &json!({ "src": src, "is_primary": primary }),
        )
        .expect(201);
    }
    app.post(
        "/v1/coupons",
        Some(&app.owner),
        &json!({
            "title": "One off", "code": "ONEOFF", "discount_type": "fixed", "discount_value": 1,
            "valid_from": (Utc::now() - chrono::Duration::days(1)).to_rfc3339(),
            "valid_to": (Utc::now() + chrono::Duration::days(1)).to_rfc3339(),
        }),
    )
    .expect(201);
    // 2 lattes (20.00) and 2 cakes (10.00), 1.00 off: 0.67 and 0.33.
    let placed = place(
        &app,
        &app.owner,
        &json!({
            "order_type": "pickup", "coupon_code": "ONEOFF",
            "items": [{ "product_id": latte, "qty": 2 }, { "product_id": cake, "qty": 2 }]
        }),
    )
    .expect(201);
    let items = &placed.body["data"]["items"];
    assert_eq!(
        items[0]["product_description"],
        json!("Double shot, oat milk"),
        "{items}"
    );
    assert_eq!(
        items[0]["product_image_url"],
        json!("https://cdn.example.com/latte.jpg")
    );
    assert_eq!(items[1]["product_description"], json!(null));
    assert_eq!(items[1]["product_image_url"], json!(null));
    assert_eq!(items[0]["discount_amount"], json!(0.67));
    assert_eq!(items[1]["discount_amount"], json!(0.33));
    assert!(
        items
            .as_array()
            .is_some_and(|l| l.iter().all(|i| i["status"] == json!("active")))
    );
    let id = text(&placed.body["data"]["order_id"]);

    // What the product says later is not what was sold.
    app.put(
        &format!("/v1/products/{latte}"),
        Some(&app.owner),
        &json!({ "description": "Now with honey" }),
    )
    .expect(200);
    set_status(&app, &id, "cancelled");
    for path in [format!("/v1/orders/{id}"), format!("/v1/orders/{id}/items")] {
        let r = app.get(&path, Some(&app.owner)).expect(200);
        let items = if r.body["data"].is_array() {
            r.body["data"].clone()
        } else {
            r.body["data"]["items"].clone()
        };
        assert_eq!(
            items[0]["product_description"],
            json!("Double shot, oat milk"),
            "{path}"
        );
        assert_eq!(items[0]["discount_amount"], json!(0.67), "{path}");
        assert!(
            items.as_array().is_some_and(
                |l| l.len() == 2 && l.iter().all(|i| i["status"] == json!("cancelled"))
            ),
            "{path}: {items}"
        );
    }
}
