//! Customer sign-in on the portal: one-time codes (hashed, expiring, counted guesses, resend
//! cool-down, caps per recipient and address), registration, refresh rotation with reuse
//! revocation, sign-out, token checks across merchants, and the member profile.

mod codes;
mod profile;
mod register;
mod sessions;

use serde_json::{Value, json};

use crate::support::{Resp, TestApp};

const PHONE: &str = "+85291234567";

fn otp(app: &TestApp, body: &Value) -> Resp {
    app.portal_post("/auth/otp", None, body)
}

/// Asserts the contract's AuthTokenResponse, field by field.
#[track_caller]
fn assert_token_response(d: &Value) {
    let token = d["token"].as_str().unwrap_or_else(|| panic!("token: {d}"));
    assert_eq!(
        d["accessToken"],
        json!(token),
        "token and accessToken are the same JWT"
    );
    assert_eq!(token.split('.').count(), 3, "a JWT");
    assert!(
        d["refreshToken"].as_str().is_some_and(|t| t.len() >= 32),
        "{d}"
    );
    assert_eq!(d["expiresIn"], json!(900));
    assert!(
        d["memberUuid"].as_str().is_some_and(|u| u.len() == 36),
        "{d}"
    );
    assert!(d["memberName"].is_string(), "{d}");
    assert!(d.get("phone").is_some() && d.get("email").is_some(), "{d}");
}
