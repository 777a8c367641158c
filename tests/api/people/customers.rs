//! `/v1/customers`, with points balance, total spent and last visit derived from the points
//! ledger and orders.

use kedai_identity::Role;
use serde_json::{Value, json};

use super::{call, fingerprint, invalid, needs_a_token, outlet, signed_in, text};
use crate::support::{Backend, ROLES, TestApp};

crate::on_both_backends!(
    customers_are_created_read_and_updated,
    customer_refusals_change_nothing,
    customer_list_filters_by_keyword_tier_and_outlet,
    customer_figures_come_from_orders_and_points,
);

fn create(app: &TestApp, body: &Value) -> Value {
    app.post("/v1/customers", Some(&app.owner), body)
        .expect(201)
        .body["data"]
        .clone()
}

fn keys(v: &Value) -> Vec<String> {
    let mut k: Vec<String> = v
        .as_object()
        .unwrap_or_else(|| panic!("{v}"))
        .keys()
        .cloned()
        .collect();
    k.sort();
    k
}

fn customers_are_created_read_and_updated(b: Backend) {
    let app = TestApp::start(b);
    let shop = outlet(&app, &app.owner, "Puchong", "PCH001");
    let d = create(
        &app,
        &json!({ "name": "Carter Yip", "phone": "+852-90000000", "email": " Carter@Example.com ", "birth_date": "1990-01-01", "source": "qr_signup", "outlet_id": shop }),
    );
    let mut want = vec![
        "id",
        "name",
        "phone",
        "email",
        "membership_tier",
        "points_balance",
        "total_spent",
        "last_visit_at",
        "birth_date",
        "source",
        "outlet_id",
        "created_at",
        "updated_at",
    ];
    want.sort_unstable();
    assert_eq!(keys(&d), want);
    assert_eq!(d["phone"], json!("+85290000000"));
    assert_eq!(d["email"], json!("carter@example.com"));
    assert_eq!(d["birth_date"], json!("1990-01-01"));
    assert_eq!(d["source"], json!("qr_signup"));
    assert_eq!(d["outlet_id"], json!(shop));
    assert_eq!(d["membership_tier"], Value::Null);
    assert_eq!(d["points_balance"], json!(0));
    assert_eq!(d["total_spent"], json!(0.0));
    assert_eq!(d["last_visit_at"], Value::Null);
    let id = text(&d["id"]);
    assert_eq!(app.outbox(&id), vec!["customer.created".to_owned()]);
    let path = format!("/v1/customers/{id}");
    let r = app.get(&path, Some(&app.owner)).expect(200);
    assert_eq!(r.body["data"], d);
    // Every role reads customers; an agent registers one with an e-mail only.
    for role in ROLES {
        let (t, ..) = signed_in(&app, app.tenant, role);
        app.get(&path, Some(&t)).expect(200);
        app.get("/v1/customers", Some(&t)).expect(200);
    }
    let (agent, ..) = signed_in(&app, app.tenant, Role::Agent);
    let r = app
        .post(
            "/v1/customers",
            Some(&agent),
            &json!({ "name": "Dee", "email": "dee@example.com" }),
        )
        .expect(201);
    assert_eq!(r.body["data"]["phone"], Value::Null);
    // PUT and PATCH change only what they name; null clears.
    let r = app
        .put(
            &path,
            Some(&app.owner),
            &json!({ "membership_tier": "Gold", "phone": "0085291111111" }),
        )
        .expect(200);
    assert_eq!(r.body["data"]["membership_tier"], json!("Gold"));
    assert_eq!(r.body["data"]["phone"], json!("+85291111111"));
    assert_eq!(r.body["data"]["email"], json!("carter@example.com"));
    let r = app
        .patch(
            &path,
            Some(&app.owner),
            &json!({ "email": null, "outlet_id": null, "birth_date": null }),
        )
        .expect(200);
    assert_eq!(r.body["data"]["email"], Value::Null);
    assert_eq!(r.body["data"]["outlet_id"], Value::Null);
    assert_eq!(r.body["data"]["birth_date"], Value::Null);
    assert_eq!(r.body["data"]["name"], json!("Carter Yip"));
    assert_ne!(r.body["data"]["updated_at"], d["updated_at"]);
    // The freed e-mail can be taken by another customer.
    create(
        &app,
        &json!({ "name": "New Carter", "email": "carter@example.com" }),
    );
}

fn customer_refusals_change_nothing(b: Backend) {
    let app = TestApp::start(b);
    let d = create(
        &app,
        &json!({ "name": "Carter", "phone": "+852 9000 0000", "email": "carter@example.com" }),
    );
    let other_d = create(&app, &json!({ "name": "Ann", "phone": "+60123456789" }));
    let id = text(&d["id"]);
    let path = format!("/v1/customers/{id}");
    let other = app.create_tenant("Rival", "MYR", "Asia/Kuala_Lumpur", false);
    let (rival, ..) = signed_in(&app, other, Role::Owner);
    let theirs = outlet(&app, &rival, "Rival", "R1");
    let (viewer, ..) = signed_in(&app, app.tenant, Role::Viewer);
    let before = fingerprint(&app);
    needs_a_token(&app, "GET", "/v1/customers", &Value::Null);
    needs_a_token(&app, "GET", &path, &Value::Null);
    needs_a_token(
        &app,
        "POST",
        "/v1/customers",
        &json!({ "name": "X", "email": "x@example.com" }),
    );
    needs_a_token(&app, "PUT", &path, &json!({ "name": "X" }));
    needs_a_token(&app, "PATCH", &path, &json!({ "name": "X" }));
    // A viewer reads but does not write.
    app.post(
        "/v1/customers",
        Some(&viewer),
        &json!({ "name": "X", "email": "x@example.com" }),
    )
    .merchant_error(403, "FORBIDDEN");
    app.put(&path, Some(&viewer), &json!({ "name": "X" }))
        .merchant_error(403, "FORBIDDEN");
    app.patch(&path, Some(&viewer), &json!({ "name": "X" }))
        .merchant_error(403, "FORBIDDEN");
    for (body, field) in [
        (json!({ "email": "x@example.com" }), "name"),
        (json!({ "name": "", "email": "x@example.com" }), "name"),
        (json!({ "name": "X" }), "phone"),
        (json!({ "name": "X", "phone": "", "email": " " }), "phone"),
        (json!({ "name": "X", "phone": "90000000" }), "phone"),
        (json!({ "name": "X", "phone": 85290000000_i64 }), "phone"),
        (json!({ "name": "X", "email": "nope" }), "email"),
        (
            json!({ "name": "X", "email": "x@example.com", "birth_date": "2999-01-01" }),
            "birth_date",
        ),
        (
            json!({ "name": "X", "email": "x@example.com", "birth_date": "01/01/1990" }),
            "birth_date",
        ),
        (
            json!({ "name": "X", "email": "x@example.com", "outlet_id": theirs }),
            "outlet_id",
        ),
        (
            json!({ "name": "X", "email": "x@example.com", "outlet_id": "out_101" }),
            "outlet_id",
        ),
        (
            json!({ "name": "X", "email": "x@example.com", "membership_tier": 3 }),
            "membership_tier",
        ),
    ] {
        invalid(app.post("/v1/customers", Some(&app.owner), &body), field);
    }
    for (body, field) in [
        (json!({ "phone": null, "email": null }), "phone"),
        (json!({ "name": "" }), "name"),
        (json!({ "phone": "12345" }), "phone"),
        (json!({ "birth_date": "tomorrow" }), "birth_date"),
        (
            json!({ "outlet_id": uuid::Uuid::new_v4().to_string() }),
            "outlet_id",
        ),
    ] {
        invalid(app.put(&path, Some(&app.owner), &body), field);
    }
    // The same phone in another form, the same e-mail in another case: taken.
    app.post(
        "/v1/customers",
        Some(&app.owner),
        &json!({ "name": "Y", "phone": "00852-9000-0000" }),
    )
    .merchant_error(409, "CUSTOMER_PHONE_TAKEN");
    app.post(
        "/v1/customers",
        Some(&app.owner),
        &json!({ "name": "Y", "email": "CARTER@example.com" }),
    )
    .merchant_error(409, "CUSTOMER_EMAIL_TAKEN");
    app.patch(
        &format!("/v1/customers/{}", text(&other_d["id"])),
        Some(&app.owner),
        &json!({ "phone": "+85290000000" }),
    )
    .merchant_error(409, "CUSTOMER_PHONE_TAKEN");
    app.send_raw("POST", "/v1/customers", Some(&app.owner), "{nope")
        .merchant_error(400, "MALFORMED_REQUEST");
    // Other-tenant, unknown and malformed ids: not found, nothing leaks.
    for p in [
        path.clone(),
        format!("/v1/customers/{}", uuid::Uuid::new_v4()),
        "/v1/customers/cus_20001".to_owned(),
    ] {
        for (m, body) in [
            ("GET", Value::Null),
            ("PUT", json!({ "name": "Mine" })),
            ("PATCH", json!({ "name": "Mine" })),
        ] {
            let token = if p == path { &rival } else { &app.owner };
            let r = call(&app, m, &p, Some(token), &body).merchant_error(404, "CUSTOMER_NOT_FOUND");
            assert!(!r.body.to_string().contains("carter"), "{}", r.body);
        }
    }
    let r = app.get("/v1/customers", Some(&rival)).expect(200);
    assert_eq!(r.body["meta"]["total"], json!(0));
    assert_eq!(fingerprint(&app), before);
    // A phone taken in another merchant is free here.
    app.post(
        "/v1/customers",
        Some(&rival),
        &json!({ "name": "C", "phone": "+85290000000" }),
    )
    .expect(201);
}

fn customer_list_filters_by_keyword_tier_and_outlet(b: Backend) {
    let app = TestApp::start(b);
    let shop = outlet(&app, &app.owner, "Puchong", "PCH001");
    let carter = create(
        &app,
        &json!({ "name": "Carter Yip", "phone": "+852-90000000", "membership_tier": "Gold", "outlet_id": shop }),
    );
    let dee = create(
        &app,
        &json!({ "name": "Dee Tan", "email": "dee.tan@example.com", "membership_tier": "Silver" }),
    );
    let eve = create(
        &app,
        &json!({ "name": "Eve 100%_off", "phone": "+60123456789", "email": "eve@example.com", "membership_tier": "Gold" }),
    );
    let ids = |q: &str| -> Vec<String> {
        let r = app
            .get(&format!("/v1/customers{q}"), Some(&app.owner))
            .expect(200);
        let data = r.body["data"].as_array().cloned().unwrap_or_default();
        assert_eq!(
            r.body["meta"]["total"],
            json!(data.len()),
            "{q}: {}",
            r.body
        );
        data.iter().map(|c| text(&c["id"])).collect()
    };
    let (c, d, e) = (text(&carter["id"]), text(&dee["id"]), text(&eve["id"]));
    assert_eq!(
        ids(""),
        vec![e.clone(), d.clone(), c.clone()],
        "newest first"
    );
    assert_eq!(ids("?keyword=carter"), vec![c.clone()]);
    assert_eq!(ids("?keyword=YIP"), vec![c.clone()]);
    assert_eq!(ids("?keyword=9000"), vec![c.clone()]);
    assert_eq!(ids("?keyword=%2B852-9000"), vec![c.clone()]);
    assert_eq!(ids("?keyword=DEE.TAN%40"), vec![d.clone()]);
    assert_eq!(ids("?keyword=example.com"), vec![e.clone(), d.clone()]);
    assert_eq!(ids("?keyword=100%25_"), vec![e.clone()]);
    assert_eq!(ids("?keyword=%25"), vec![e.clone()]);
    assert_eq!(ids("?keyword=nobody"), Vec::<String>::new());
    assert_eq!(ids("?membership_tier=Gold"), vec![e.clone(), c.clone()]);
    assert_eq!(ids("?membership_tier=Gold&keyword=eve"), vec![e.clone()]);
    assert_eq!(ids(&format!("?outlet_id={shop}")), vec![c.clone()]);
    assert_eq!(
        ids(&format!("?outlet_id={}", uuid::Uuid::new_v4())),
        Vec::<String>::new()
    );
    let r = app
        .get("/v1/customers?limit=2&page=2", Some(&app.owner))
        .expect(200);
    assert_eq!(r.body["meta"], json!({ "page": 2, "limit": 2, "total": 3 }));
    assert_eq!(r.body["data"][0]["id"], json!(c));
    invalid(
        app.get("/v1/customers?outlet_id=out_101", Some(&app.owner)),
        "outlet_id",
    );
    invalid(app.get("/v1/customers?page=0", Some(&app.owner)), "page");
    invalid(
        app.get("/v1/customers?limit=101", Some(&app.owner)),
        "limit",
    );
}

/// Orders one unit of `product` at 5.00 for `customer`; returns the order id.
fn order_for(app: &TestApp, product: i64, customer: &str) -> String {
    let body = json!({ "order_data": { "customer_id": customer }, "items": [{ "product_id": product, "quantity": 1, "unit_price": 5 }] });
    let r = app
        .post("/functions/v1/order-create", Some(&app.owner), &body)
        .expect(200);
    text(&r.body["order_id"])
}

fn pay(app: &TestApp, order: &str, status: &str) {
    app.post(
        "/functions/v1/mock-payment",
        Some(&app.owner),
        &json!({ "order_id": order, "method": "cash", "amount": 5, "status": status }),
    )
    .expect(200);
}

fn customer_figures_come_from_orders_and_points(b: Backend) {
    let app = TestApp::start(b);
    let p = app.product(&app.owner, "Iced Latte", 5.0);
    app.stock_in(&app.owner, p, 100, None);
    let carter = text(&create(&app, &json!({ "name": "Carter", "phone": "+85290000000" }))["id"]);
    let dee = text(&create(&app, &json!({ "name": "Dee", "email": "dee@example.com" }))["id"]);
    let idle = text(
        &create(
            &app,
            &json!({ "name": "Idle", "email": "idle@example.com" }),
        )["id"],
    );
    // Carter: two paid orders, one unpaid, one paid then refunded → 10.00 spent.
    for _ in 0..2 {
        let o = order_for(&app, p, &carter);
        pay(&app, &o, "completed");
    }
    let _unpaid = order_for(&app, p, &carter);
    let refunded = order_for(&app, p, &carter);
    pay(&app, &refunded, "completed");
    pay(&app, &refunded, "refunded");
    // Dee: one unpaid order only.
    let dee_order = order_for(&app, p, &dee);
    let last_carter = text(
        &app.get(&format!("/v1/orders/{refunded}"), Some(&app.owner))
            .expect(200)
            .body["data"]["created_at"],
    );
    let last_dee = text(
        &app.get(&format!("/v1/orders/{dee_order}"), Some(&app.owner))
            .expect(200)
            .body["data"]["created_at"],
    );
    // Points come from the ledger.
    let post_points = |customer: &str, action: &str, body: Value| {
        app.post(
            &format!("/v1/customers/{customer}/points/{action}"),
            Some(&app.owner),
            &body,
        )
        .expect(201);
    };
    post_points(
        &carter,
        "add",
        json!({ "points": 600, "reason": "Welcome" }),
    );
    post_points(
        &carter,
        "redeem",
        json!({ "points": 20, "reward_id": "rw_1" }),
    );
    post_points(&dee, "add", json!({ "points": 7, "reason": "Welcome" }));
    let r = app
        .get(&format!("/v1/customers/{carter}"), Some(&app.owner))
        .expect(200);
    let d = &r.body["data"];
    assert_eq!(d["points_balance"], json!(580));
    assert_eq!(d["total_spent"], json!(10.0));
    let same_instant = |a: &Value, b: &str| {
        let a = chrono::DateTime::parse_from_rfc3339(a.as_str().unwrap_or_default());
        let b = chrono::DateTime::parse_from_rfc3339(b);
        assert!(a.is_ok() && a == b, "{a:?} vs {b:?}");
    };
    same_instant(&d["last_visit_at"], &last_carter);
    // The list computes the same figures for the whole page.
    let r = app.get("/v1/customers", Some(&app.owner)).expect(200);
    let rows = r.body["data"].as_array().cloned().unwrap_or_default();
    let row = |id: &str| {
        rows.iter()
            .find(|c| c["id"] == json!(id))
            .cloned()
            .unwrap_or_else(|| panic!("{id} missing: {}", r.body))
    };
    assert_eq!(row(&carter)["points_balance"], json!(580));
    assert_eq!(row(&carter)["total_spent"], json!(10.0));
    same_instant(&row(&carter)["last_visit_at"], &last_carter);
    assert_eq!(row(&dee)["points_balance"], json!(7));
    assert_eq!(row(&dee)["total_spent"], json!(0.0));
    same_instant(&row(&dee)["last_visit_at"], &last_dee);
    assert_eq!(row(&idle)["points_balance"], json!(0));
    assert_eq!(row(&idle)["last_visit_at"], Value::Null);
    // The figures are derived, never typed in.
    let r = app
        .patch(
            &format!("/v1/customers/{idle}"),
            Some(&app.owner),
            &json!({ "points_balance": 1000, "total_spent": 99 }),
        )
        .expect(200);
    assert_eq!(r.body["data"]["points_balance"], json!(0));
    assert_eq!(r.body["data"]["total_spent"], json!(0.0));
}
