//! Who before what: a request that is wrong in two ways is answered for its caller first. A
//! signed-out staff member hears 401 and a role without the permission 403 whatever else is
//! wrong with the path, query or body; on the portal, an unknown merchant, a token of another
//! merchant and a signed-out customer are answered before a bad query. Nothing changes.

use kedai_identity::Role;
use serde_json::json;

use crate::support::{Backend, TestApp};

crate::on_both_backends!(
    a_signed_out_or_forbidden_caller_is_answered_before_bad_input,
    the_portal_answers_for_its_merchant_and_customer_before_bad_input
);

fn a_signed_out_or_forbidden_caller_is_answered_before_bad_input(b: Backend) {
    let app = TestApp::start(b);
    let gone = app.staff_token(app.tenant, Role::Manager);
    app.post("/v1/auth/logout", Some(&gone), &json!({}))
        .expect(200);
    let after_logout = app.fingerprint();
    // Each of these is a 404, 422 or 400 for a live caller...
    let live = app.staff_token(app.tenant, Role::Manager);
    app.get("/v1/orders/not-an-id", Some(&live))
        .merchant_error(404, "ORDER_NOT_FOUND");
    app.get("/v1/staff?limit=0", Some(&app.owner)).expect(422);
    app.send_raw("POST", "/v1/products", Some(&live), "{not json")
        .expect(400);
    // ...and a 401 for a signed-out one.
    for r in [
        app.get("/v1/orders/not-an-id", Some(&gone)),
        app.get("/v1/staff?limit=0", Some(&gone)),
        app.send_raw("POST", "/v1/products", Some(&gone), "{not json"),
        app.send_raw("PATCH", "/v1/products/999999", Some(&gone), "[]"),
        app.get("/functions/v1/order-summary?period=never", Some(&gone)),
    ] {
        assert_eq!(r.status, 401, "{}", r.body);
        assert_eq!(r.body["success"], json!(false), "{}", r.body);
    }
    // A role without the permission hears 403 before a bad id or page it is not allowed to use.
    let viewer = app.staff_token(app.tenant, Role::Viewer);
    app.send_raw("PATCH", "/v1/staff/not-an-id", Some(&viewer), "{}")
        .merchant_error(403, "FORBIDDEN");
    app.send_raw("PATCH", "/v1/products/not-an-id", Some(&viewer), "{}")
        .merchant_error(403, "FORBIDDEN");
    assert_eq!(
        app.fingerprint(),
        after_logout,
        "bad requests changed something"
    );
}

fn the_portal_answers_for_its_merchant_and_customer_before_bad_input(b: Backend) {
    let app = TestApp::start(b);
    let member = app.customer_token("+85291234567");
    let other = app.create_tenant("Other Cafe", "MYR", "Asia/Kuala_Lumpur", false);
    let stranger = app.register_at(other, "Bea", "+85291234568")["accessToken"]
        .as_str()
        .unwrap_or_else(|| panic!("a token"))
        .to_owned();
    // A bad page is a 422 for the merchant's own member...
    app.portal_get("/shop/orders?page=0", Some(&member))
        .expect(422);
    // ...403 for a token of another merchant...
    app.portal_get("/shop/orders?page=0", Some(&stranger))
        .portal_error(403, "FORBIDDEN_TENANT");
    // ...404 for a merchant that does not exist, and 400 for a request that names none.
    let nobody = kedai_core::TenantId::new().to_string();
    app.get_with(
        "/v6/customer-portal/shop/products?page=0",
        None,
        &[("X-Company-Id", nobody.as_str())],
    )
    .portal_error(404, "COMPANY_NOT_FOUND");
    app.get("/v6/customer-portal/shop/products?page=0", None)
        .portal_error(400, "TENANT_REQUIRED");
    // A signed-out member hears 401.
    app.portal_send("POST", "/auth/logout", Some(&member), "")
        .portal_data(200);
    let after_logout = app.fingerprint();
    app.portal_get("/shop/orders?page=0", Some(&member))
        .expect(401);
    app.portal_send("PATCH", "/profile", Some(&member), "{not json")
        .expect(401);
    assert_eq!(
        app.fingerprint(),
        after_logout,
        "bad requests changed something"
    );
}
