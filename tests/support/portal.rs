//! Helpers for the customer-portal tests: requests as the FavCRM client sends them (the
//! `X-Company-Id` header, JSON content type, optional bearer), customer sign-up and sign-in,
//! and the sign-in codes read back from the merchant's message log.

use serde_json::{Value, json};

use super::{Resp, TestApp};

/// The portal's base path.
pub const PORTAL: &str = "/v6/customer-portal";

impl TestApp {
    /// The tenant header for this app's merchant.
    #[must_use]
    pub fn company(&self) -> String {
        self.tenant.to_string()
    }

    /// GET a portal path as the SDK does: `X-Company-Id`, `Accept` and `Content-Type` headers,
    /// the bearer only when given.
    #[must_use]
    pub fn portal_get(&self, path: &str, token: Option<&str>) -> Resp {
        let company = self.company();
        self.get_with(
            &format!("{PORTAL}{path}"),
            token,
            &[
                ("X-Company-Id", &company),
                ("Accept", "application/json"),
                ("Content-Type", "application/json"),
            ],
        )
    }

    /// POST JSON to a portal path with `X-Company-Id`.
    #[must_use]
    pub fn portal_post(&self, path: &str, token: Option<&str>, body: &Value) -> Resp {
        self.portal_send("POST", path, token, &body.to_string())
    }

    /// A request to a portal path with a raw body and `X-Company-Id`.
    #[must_use]
    pub fn portal_send(&self, method: &str, path: &str, token: Option<&str>, body: &str) -> Resp {
        let company = self.company();
        self.send_with(
            method,
            &format!("{PORTAL}{path}"),
            token,
            body,
            &[("X-Company-Id", &company), ("Accept", "application/json")],
        )
    }

    /// Registers a customer over the portal; returns the token response `data`.
    #[must_use]
    pub fn register_customer(&self, name: &str, phone: &str, email: Option<&str>) -> Value {
        let mut body = json!({ "name": name, "phone": phone, "companyId": self.company() });
        if let Some(e) = email {
            body["email"] = json!(e);
        }
        self.portal_post("/auth/register", None, &body)
            .expect(201)
            .body["data"]
            .clone()
    }

    /// A customer access token for a newly registered customer with this phone.
    #[must_use]
    pub fn customer_token(&self, phone: &str) -> String {
        let data = self.register_customer("Amy Customer", phone, None);
        data["accessToken"]
            .as_str()
            .unwrap_or_else(|| panic!("no token: {data}"))
            .to_owned()
    }

    /// The newest sign-in code sent to `recipient`, read from the merchant's message log.
    #[must_use]
    pub fn last_otp(&self, recipient: &str) -> String {
        let r = self
            .get(
                &format!(
                    "/v1/notifications?kind=otp&recipient={}",
                    recipient.replace('+', "%2B").replace('@', "%40")
                ),
                Some(&self.owner),
            )
            .expect(200);
        let body = r.body["data"][0]["body"]
            .as_str()
            .unwrap_or_else(|| panic!("no code sent to {recipient}: {}", r.body));
        body.chars().take(6).collect()
    }

    /// Asks for a code for `phone` and signs in with it; returns the token response `data`.
    #[must_use]
    pub fn otp_sign_in(&self, phone: &str) -> Value {
        self.portal_post("/auth/otp", None, &json!({ "phone": phone }))
            .expect(200);
        let code = self.last_otp(phone);
        self.portal_post(
            "/auth/otp/verify",
            None,
            &json!({ "phone": phone, "otp": code }),
        )
        .expect(200)
        .body["data"]
            .clone()
    }
}

impl TestApp {
    /// An `OPTIONS` request (a CORS preflight) with headers.
    #[must_use]
    pub fn options(&self, path: &str, headers: &[(&str, &str)]) -> Resp {
        let mut req = self.agent.options(format!("{}{path}", self.url()));
        for (n, v) in headers {
            req = req.header(*n, *v);
        }
        Self::respond(req.call())
    }
}

impl Resp {
    /// Asserts a portal error: this status and `error.code`, in the portal envelope.
    #[track_caller]
    pub fn portal_error(self, status: u16, code: &str) -> Self {
        assert_eq!(self.status, status, "status; body: {}", self.body);
        assert_eq!(self.body["success"], json!(false), "{}", self.body);
        assert_eq!(self.body["error"]["code"], json!(code), "{}", self.body);
        assert!(self.body["error"]["message"].is_string(), "{}", self.body);
        self
    }

    /// The `data` of a portal success of this status.
    #[track_caller]
    pub fn portal_data(self, status: u16) -> Value {
        assert_eq!(self.status, status, "status; body: {}", self.body);
        assert_eq!(self.body["success"], json!(true), "{}", self.body);
        self.body["data"].clone()
    }
}

/// Asserts that `v` is an object whose fields have the contract's JSON types: each spec is
/// `name: types`, types separated by `|` among `string`, `int`, `number`, `bool`, `array`,
/// `object`, `null`; a name ending in `?` may be absent.
#[track_caller]
pub fn assert_shape(v: &Value, specs: &[&str]) {
    assert!(v.is_object(), "not an object: {v}");
    for spec in specs {
        let (name, types) = spec
            .split_once(':')
            .unwrap_or_else(|| panic!("bad spec {spec}"));
        let (name, optional) = match name.trim().strip_suffix('?') {
            Some(n) => (n, true),
            None => (name.trim(), false),
        };
        let Some(field) = v.get(name) else {
            assert!(optional, "missing field {name} in {v}");
            continue;
        };
        let fits = types.split('|').map(str::trim).any(|t| match t {
            "string" => field.is_string(),
            "int" => field.is_i64() || field.is_u64(),
            "number" => field.is_number(),
            "bool" => field.is_boolean(),
            "array" => field.is_array(),
            "object" => field.is_object(),
            "null" => field.is_null(),
            other => panic!("unknown type {other}"),
        });
        assert!(fits, "{name} should be {types}, is {field} in {v}");
    }
}

/// Asserts `v` is a bare array (the list shape the SDK calls `.map` on) and returns it.
#[track_caller]
#[must_use]
pub fn bare_array(v: &Value) -> Vec<Value> {
    v.as_array()
        .unwrap_or_else(|| panic!("a list must be a bare array in data, got {v}"))
        .clone()
}
