//! The member profile: reading and changing the member's record.

use serde_json::{Value, json};

use super::PHONE;
use crate::support::{Backend, Resp, TestApp};

crate::on_both_backends!(the_profile_reads_and_changes_the_members_record);

fn the_profile_reads_and_changes_the_members_record(b: Backend) {
    let app = TestApp::start(b);
    let d = app.register_customer("Amy", PHONE, Some("amy@example.com"));
    let token = d["accessToken"].as_str().unwrap_or_default().to_owned();
    let id = d["memberUuid"].as_str().unwrap_or_default().to_owned();
    let p = app.portal_get("/profile", Some(&token)).portal_data(200);
    // ApiMember's types.
    assert!(p["id"].is_i64(), "{p}");
    assert_eq!(p["uuid"], json!(id));
    assert_eq!(p["points"], json!(0));
    assert!(p["stamps"].is_i64());
    assert!(p["credits"].is_string());
    assert!(p["membershipTier"].is_null());
    assert!(p["createdAt"].is_string() && p["updatedAt"].is_string());
    assert!(p.get("code").is_some() && p.get("expiryDate").is_some());

    let patch = |body: Value| app.portal_send("PATCH", "/profile", Some(&token), &body.to_string());
    // A new e-mail needs the code sent to it.
    let before = app.fingerprint();
    let r = patch(json!({ "name": "Amy Lee", "email": "AMY.LEE@example.com" }))
        .portal_error(422, "OTP_VERIFICATION_REQUIRED");
    assert!(
        r.body["error"]["details"]["errors"]["email"].is_array(),
        "{}",
        r.body
    );
    assert_eq!(app.fingerprint(), before);
    let code = |to: &str| {
        app.portal_post(
            "/profile/verification-code",
            Some(&token),
            &json!({ "email": to }),
        )
        .portal_data(200);
        app.last_otp(to)
    };
    let sent = code("amy.lee@example.com");
    let wrong = if sent == "000000" { "111111" } else { "000000" };
    patch(json!({ "email": "amy.lee@example.com", "emailOtp": wrong }))
        .portal_error(422, "OTP_INVALID");
    let p = patch(
        json!({ "name": "Amy Lee", "lastName": "Lee", "email": "AMY.LEE@example.com",
                          "dateOfBirth": "1992-02-29", "emailOtp": sent }),
    )
    .portal_data(200);
    assert_eq!(p["name"], json!("Amy Lee"));
    assert_eq!(p["email"], json!("amy.lee@example.com"));
    let c = app
        .get(&format!("/v1/customers/{id}"), Some(&app.owner))
        .expect(200);
    assert_eq!(c.body["data"]["name"], json!("Amy Lee"));
    assert_eq!(c.body["data"]["email"], json!("amy.lee@example.com"));
    // An empty body changes nothing.
    let same = app
        .portal_send("PATCH", "/profile", Some(&token), "")
        .portal_data(200);
    assert_eq!(same["name"], json!("Amy Lee"));

    let _ = app.register_customer("Bea", "+85291119999", Some("bea@example.com"));
    // Without the code, another member's e-mail or phone is refused like any other: the
    // answer does not tell that it is taken.
    let before = app.fingerprint();
    patch(json!({ "email": "bea@example.com" })).portal_error(422, "OTP_VERIFICATION_REQUIRED");
    patch(json!({ "phone": "+85291119999" })).portal_error(422, "OTP_VERIFICATION_REQUIRED");
    patch(json!({ "email": "nobody@example.com" })).portal_error(422, "OTP_VERIFICATION_REQUIRED");
    assert_eq!(app.fingerprint(), before);
    // Whoever controls it and proves it is told.
    let sent = code("bea@example.com");
    let before = app.fingerprint();
    patch(json!({ "email": "bea@example.com", "otp": sent }))
        .portal_error(409, "CUSTOMER_EMAIL_TAKEN");
    let field = |r: Resp, f: &str| {
        let r = r.portal_error(422, "VALIDATION_ERROR");
        assert!(
            r.body["error"]["details"]["errors"][f].is_array(),
            "{f}: {}",
            r.body
        );
    };
    field(patch(json!({ "phone": null })), "phone");
    field(patch(json!({ "name": "" })), "name");
    field(patch(json!({ "email": "x" })), "email");
    field(patch(json!({ "dateOfBirth": "tomorrow" })), "dateOfBirth");
    field(
        patch(json!({ "agreeToReceivePromotion": "yes" })),
        "agreeToReceivePromotion",
    );
    assert_eq!(app.fingerprint(), before, "refusals changed nothing");
    app.portal_send("PATCH", "/profile", None, "{}")
        .portal_error(401, "AUTH_REQUIRED");

    // The member's tier, defined by the merchant and granted on their record.
    let tier = app
        .post(
            "/v1/memberships/tiers",
            Some(&app.owner),
            &json!({ "name": "Gold", "min_spend": 2000, "benefits": ["Extra points"], "discount": 12.5 }),
        )
        .expect(201);
    app.patch(
        &format!("/v1/customers/{id}"),
        Some(&app.owner),
        &json!({ "membership_tier": "gold" }),
    )
    .expect(200);
    let p = app.portal_get("/profile", Some(&token)).portal_data(200);
    let t = &p["membershipTier"];
    assert_eq!(t["name"], json!("Gold"));
    assert_eq!(
        t["id"].to_string(),
        tier.body["data"]["id"].as_str().unwrap_or("").to_owned()
    );
    assert_eq!(t["discount"], json!(12.5));
    assert_eq!(t["totalSpendingAmount"], json!(2000.0));
    // ApiMember types the tier's gateway as a string.
    assert_eq!(t["paymentGateway"], json!(""));
}
