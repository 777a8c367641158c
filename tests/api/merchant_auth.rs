//! Sessions: refresh-token rotation, sign-out, the per-request session check (deactivation and
//! role changes apply at once), expired tokens, and throttling of failed sign-ins.

use kedai_identity::Role;
use serde_json::{Value, json};

use crate::support::platform::{count, lines, sign_in, text};
use crate::support::{Backend, PASSWORD, TestApp, race};

crate::on_both_backends! {
    sign_in_returns_a_refresh_token_that_rotates,
    refresh_refuses_bad_tokens_and_bodies,
    racing_refreshes_with_one_token_rotate_once,
    logout_ends_the_access_and_the_refresh_token,
    deactivation_and_role_changes_apply_at_once,
    expired_and_sessionless_tokens_are_refused,
    repeated_failed_sign_ins_are_slowed_down,
    parallel_guesses_cannot_race_past_the_failure_count,
}

fn refresh(app: &TestApp, token: &str) -> crate::support::Resp {
    app.post("/v1/auth/refresh", None, &json!({ "refresh_token": token }))
}

fn sign_in_returns_a_refresh_token_that_rotates(b: Backend) {
    let app = TestApp::start(b);
    app.create_staff(app.tenant, "rina@example.com", Role::Manager);
    let data = sign_in(&app, "rina@example.com");
    assert_eq!(data["expires_in"], json!(7200));
    assert_eq!(data["refresh_expires_in"], json!(30 * 24 * 3600));
    let first = text(&data["refresh_token"]);
    assert!(
        first.len() >= 64 && first.bytes().all(|b| b.is_ascii_hexdigit()),
        "{first}"
    );
    // Only a hash is stored, never the token itself.
    let hashes = lines(&app, "SELECT refresh_hash AS line FROM staff_sessions");
    assert_eq!(hashes.len(), 2, "the owner's session and this one");
    assert!(
        hashes
            .iter()
            .flatten()
            .all(|h| h.len() == 64 && *h != first)
    );
    assert_eq!(
        count(
            &app,
            &format!("staff_sessions WHERE refresh_hash = '{first}'")
        ),
        0
    );

    let r = refresh(&app, &first).expect(200);
    assert_eq!(r.body["success"], json!(true));
    let data = &r.body["data"];
    assert_eq!(data["token_type"], json!("Bearer"));
    assert_eq!(data["expires_in"], json!(7200));
    let second = text(&data["refresh_token"]);
    assert_ne!(second, first);
    let access = text(&data["access_token"]);
    app.get("/v1/products", Some(&access)).expect(200);
    // The new access token carries the same rights (manager writes the catalogue).
    app.post(
        "/v1/products",
        Some(&access),
        &json!({ "name": "Kopi O", "price": 2.5 }),
    )
    .expect(201);

    // The new refresh token works once; still one session for this sign-in.
    let third = text(&refresh(&app, &second).expect(200).body["data"]["refresh_token"]);
    assert_eq!(count(&app, "staff_sessions"), 2);
    // A used refresh token is dead, and presenting it ends the session it belonged to: the
    // newest refresh token stops working too.
    refresh(&app, &first).merchant_error(401, "AUTH_TOKEN_INVALID");
    refresh(&app, &third).merchant_error(401, "AUTH_TOKEN_INVALID");
}

fn refresh_refuses_bad_tokens_and_bodies(b: Backend) {
    let app = TestApp::start(b);
    for token in ["not-a-refresh-token", &"a".repeat(64), &app.owner] {
        refresh(&app, token).merchant_error(401, "AUTH_TOKEN_INVALID");
    }
    for body in [
        json!({}),
        json!({ "refresh_token": 7 }),
        json!({ "refresh_token": " " }),
    ] {
        let r = app
            .post("/v1/auth/refresh", None, &body)
            .merchant_error(422, "VALIDATION_ERROR");
        assert!(r.body["errors"]["refresh_token"].is_array(), "{}", r.body);
    }
    app.send_raw("POST", "/v1/auth/refresh", None, "{\"refresh_token\": ")
        .merchant_error(400, "MALFORMED_REQUEST");
    // An expired session's refresh token is refused.
    app.create_staff(app.tenant, "old@example.com", Role::Cashier);
    let token = text(&sign_in(&app, "old@example.com")["refresh_token"]);
    app.sabotage("UPDATE staff_sessions SET expires_at = '2001-01-01 00:00:00'");
    refresh(&app, &token).merchant_error(401, "AUTH_TOKEN_INVALID");
}

fn logout_ends_the_access_and_the_refresh_token(b: Backend) {
    let app = TestApp::start(b);
    app.create_staff(app.tenant, "li@example.com", Role::Cashier);
    let one = sign_in(&app, "li@example.com");
    let two = sign_in(&app, "li@example.com");
    let access = text(&one["access_token"]);
    app.get("/v1/products", Some(&access)).expect(200);

    app.post("/v1/auth/logout", None, &json!({}))
        .merchant_error(401, "AUTH_REQUIRED");
    let r = app
        .post("/v1/auth/logout", Some(&access), &json!({}))
        .expect(200);
    assert_eq!(r.body["success"], json!(true));
    assert_eq!(r.body["data"]["signed_out"], json!(true));

    app.get("/v1/products", Some(&access))
        .merchant_error(401, "AUTH_TOKEN_INVALID");
    app.post("/functions/v1/stock-in", Some(&access), &json!({}))
        .edge_error(401, "AUTH_TOKEN_INVALID");
    refresh(&app, &text(&one["refresh_token"])).merchant_error(401, "AUTH_TOKEN_INVALID");
    app.post("/v1/auth/logout", Some(&access), &json!({}))
        .merchant_error(401, "AUTH_TOKEN_INVALID");
    // The other sign-in of the same person is untouched.
    app.get("/v1/products", Some(&text(&two["access_token"])))
        .expect(200);
    refresh(&app, &text(&two["refresh_token"])).expect(200);
    assert_eq!(
        count(&app, "staff_sessions WHERE revoked_at IS NOT NULL"),
        1
    );
}

fn deactivation_and_role_changes_apply_at_once(b: Backend) {
    let app = TestApp::start(b);
    app.create_staff(app.tenant, "mo@example.com", Role::Manager);
    let data = sign_in(&app, "mo@example.com");
    let (access, refresh_token) = (text(&data["access_token"]), text(&data["refresh_token"]));
    let id = text(&data["user"]["id"]);
    let product = json!({ "name": "Roti", "price": 1.5 });
    app.post("/v1/products", Some(&access), &product)
        .expect(201);

    // Demoted: the same token loses the catalogue at once.
    app.sabotage(&format!(
        "UPDATE staff SET role = 'cashier' WHERE id = '{id}'"
    ));
    let before = app.fingerprint();
    app.post("/v1/products", Some(&access), &product)
        .merchant_error(403, "FORBIDDEN");
    assert_eq!(app.fingerprint(), before);
    app.get("/v1/products", Some(&access)).expect(200);
    // A refreshed token reflects the stored role too.
    let r = refresh(&app, &refresh_token).expect(200);
    let (access, refresh_token) = (
        text(&r.body["data"]["access_token"]),
        text(&r.body["data"]["refresh_token"]),
    );
    app.post("/v1/products", Some(&access), &product)
        .merchant_error(403, "FORBIDDEN");
    // Promoted: the token gains the rights at once.
    app.sabotage(&format!(
        "UPDATE staff SET role = 'owner' WHERE id = '{id}'"
    ));
    app.get("/v1/audit-log", Some(&access)).expect(200);

    // Deactivated: every token and the refresh token stop working.
    app.sabotage(&format!(
        "UPDATE staff SET active = false WHERE id = '{id}'"
    ));
    app.get("/v1/products", Some(&access))
        .merchant_error(401, "AUTH_TOKEN_INVALID");
    app.post("/functions/v1/stock-in", Some(&access), &json!({}))
        .edge_error(401, "AUTH_TOKEN_INVALID");
    refresh(&app, &refresh_token).merchant_error(401, "AUTH_TOKEN_INVALID");
    app.post(
        "/v1/auth/login",
        None,
        &json!({ "email": "mo@example.com", "password": PASSWORD }),
    )
    .merchant_error(401, "AUTH_INVALID_CREDENTIALS");
    // Others are unaffected.
    app.get("/v1/products", Some(&app.owner)).expect(200);
}

fn expired_and_sessionless_tokens_are_refused(b: Backend) {
    let app = TestApp::start(b);
    let expired = app.expired_token(&app.owner);
    let no_session = app.forge(&app.owner, |c| {
        c.as_object_mut().map(|o| o.remove("sid"));
    });
    let other_session = app.forge(&app.owner, |c| {
        c["sid"] = json!(uuid::Uuid::now_v7().to_string());
    });
    let other_staff = app.forge(&app.owner, |c| {
        c["sub"] = json!(uuid::Uuid::now_v7().to_string());
    });
    for (path, method) in [
        ("/v1/audit-log", "GET"),
        ("/v1/auth/logout", "POST"),
        ("/v1/products", "GET"),
    ] {
        let call = |token: &str| {
            if method == "GET" {
                app.get(path, Some(token))
            } else {
                app.post(path, Some(token), &json!({}))
            }
        };
        call(&expired).merchant_error(401, "AUTH_TOKEN_EXPIRED");
        for token in [&no_session, &other_session, &other_staff] {
            call(token).merchant_error(401, "AUTH_TOKEN_INVALID");
        }
    }
    // The owner's own token still works: nothing above signed it out.
    app.get("/v1/audit-log", Some(&app.owner)).expect(200);
}

fn repeated_failed_sign_ins_are_slowed_down(b: Backend) {
    let app = TestApp::start_limited(b, 64 * 1024, kedai::Limits::default());
    for who in ["ana", "ben", "cy"] {
        app.create_staff(app.tenant, &format!("{who}@example.com"), Role::Cashier);
    }
    let attempt = |email: &str, password: &str| {
        app.post(
            "/v1/auth/login",
            None,
            &json!({ "email": email, "password": password }),
        )
    };
    // Successes do not count: three sign-ins and four failures leave cy able to sign in.
    for _ in 0..3 {
        attempt("cy@example.com", PASSWORD).expect(200);
    }
    for _ in 0..4 {
        attempt("cy@example.com", "wrong-password").merchant_error(401, "AUTH_INVALID_CREDENTIALS");
    }
    attempt("cy@example.com", PASSWORD).expect(200);

    // Five failures for ana: the sixth attempt is refused before the password is checked,
    // even with the right password.
    for _ in 0..5 {
        attempt("ana@example.com", "wrong-password")
            .merchant_error(401, "AUTH_INVALID_CREDENTIALS");
    }
    let r = attempt("ANA@example.com ", PASSWORD).merchant_error(429, "RATE_LIMIT_EXCEEDED");
    let wait: u64 = r
        .header("retry-after")
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no Retry-After: {:?}", r.headers));
    assert!((1..=15 * 60).contains(&wait), "{wait}");
    // Other accounts still sign in.
    attempt("ben@example.com", PASSWORD).expect(200);

    // Twenty failures from one address (4 + 5 so far, then 11 more on unknown e-mails)
    // refuse every sign-in from it.
    for i in 0..11 {
        attempt(&format!("nobody{i}@example.com"), "x")
            .merchant_error(401, "AUTH_INVALID_CREDENTIALS");
    }
    let r = attempt("ben@example.com", PASSWORD).merchant_error(429, "RATE_LIMIT_EXCEEDED");
    assert!(r.header("retry-after").is_some(), "{:?}", r.headers);

    // Failures are audited with the e-mail and without actor or password.
    let owner = &app.owner;
    let r = app
        .get(
            "/v1/audit-log?action=auth.login_failed&limit=100",
            Some(owner),
        )
        .expect(200);
    let entries = r.body["data"].as_array().cloned().unwrap_or_default();
    assert_eq!(entries.len(), 9, "{}", r.body);
    assert!(entries.iter().all(|e| e["actor"].is_null()));
    let ana: Vec<&Value> = entries
        .iter()
        .filter(|e| e["details"]["email"] == json!("ana@example.com"))
        .collect();
    assert_eq!(ana.len(), 5);
    assert!(!r.body.to_string().contains("wrong-password"));
    let logins = app
        .get("/v1/audit-log?action=auth.login&limit=100", Some(owner))
        .expect(200);
    // The owner's, cy's four and ben's one.
    assert_eq!(logins.body["meta"]["total"], json!(6), "{}", logins.body);
}

fn racing_refreshes_with_one_token_rotate_once(b: Backend) {
    let app = std::sync::Arc::new(TestApp::start(b));
    app.create_staff(app.tenant, "tan@example.com", Role::Cashier);
    let token = text(&sign_in(&app, "tan@example.com")["refresh_token"]);
    let shared = std::sync::Arc::clone(&app);
    let answers = race(6, move |_| {
        let r = refresh(&shared, &token);
        (r.status, r.body)
    });
    let won: Vec<&Value> = answers
        .iter()
        .filter(|(status, _)| *status == 200)
        .map(|(_, body)| body)
        .collect();
    assert_eq!(won.len(), 1, "{answers:?}");
    assert!(
        answers.iter().all(
            |(s, b)| *s == 200 || (*s == 401 && b["error_code"] == json!("AUTH_TOKEN_INVALID"))
        ),
        "{answers:?}"
    );
    // The losers presented a token that was already exchanged: a replay as far as anyone can
    // tell, so the session ended and the winner's tokens no longer work either.
    refresh(&app, &text(&won[0]["data"]["refresh_token"]))
        .merchant_error(401, "AUTH_TOKEN_INVALID");
    app.get("/v1/products", Some(&text(&won[0]["data"]["access_token"])))
        .merchant_error(401, "AUTH_TOKEN_INVALID");
}

fn parallel_guesses_cannot_race_past_the_failure_count(b: Backend) {
    let app = std::sync::Arc::new(TestApp::start_limited(
        b,
        64 * 1024,
        kedai::Limits::default(),
    ));
    app.create_staff(app.tenant, "dee@example.com", Role::Cashier);
    let shared = std::sync::Arc::clone(&app);
    // Three waves of 12 parallel guesses: however they interleave, no more than the 5 allowed
    // failures are ever checked against the password.
    let mut checked = 0;
    for _ in 0..3 {
        let app = std::sync::Arc::clone(&shared);
        let statuses = race(12, move |_| {
            let r = app.post(
                "/v1/auth/login",
                None,
                &json!({ "email": "dee@example.com", "password": "wrong-password" }),
            );
            if r.status == 429 {
                assert_eq!(
                    r.body["error_code"],
                    json!("RATE_LIMIT_EXCEEDED"),
                    "{}",
                    r.body
                );
                assert!(r.header("retry-after").is_some(), "{:?}", r.headers);
            }
            r.status
        });
        assert!(
            statuses.iter().all(|s| *s == 401 || *s == 429),
            "{statuses:?}"
        );
        checked += statuses.iter().filter(|s| **s == 401).count();
    }
    assert!(
        (1..=5).contains(&checked),
        "{checked} passwords were checked"
    );
    let failures = count(&app, "audit_log WHERE action = 'auth.login_failed'");
    assert_eq!(usize::try_from(failures).unwrap_or(usize::MAX), checked);
}
