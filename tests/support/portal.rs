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

    /// Proves `phone` as the FavCRM client does before registering: asks for a code, and
    /// checks it at `/auth/otp/verify`, which answers `MEMBER_NOT_FOUND` for a newcomer and
    /// lets the phone register for a while.
    pub fn prove_phone(&self, phone: &str) {
        self.prove("phone", phone);
    }

    /// As [`TestApp::prove_phone`], for the identifier `field` (`phone` or `email`) the
    /// merchant's channel uses.
    pub fn prove(&self, field: &str, value: &str) {
        self.portal_post("/auth/otp", None, &json!({ field: value }))
            .expect(200);
        let code = self.last_otp(value);
        self.portal_post(
            "/auth/otp/verify",
            None,
            &json!({ field: value, "otp": code }),
        )
        .portal_error(404, "MEMBER_NOT_FOUND");
    }

    /// Registers a customer over the portal after proving their phone; returns the token
    /// response `data`.
    #[must_use]
    pub fn register_customer(&self, name: &str, phone: &str, email: Option<&str>) -> Value {
        self.prove_phone(phone);
        let mut body = json!({ "name": name, "phone": phone, "companyId": self.company() });
        if let Some(e) = email {
            body["email"] = json!(e);
        }
        let data = self
            .portal_post("/auth/register", None, &body)
            .expect(201)
            .body["data"]
            .clone();
        // As if they had registered a while ago: the code it took no longer holds back the
        // next one (cool-down, hourly cap).
        self.age_codes(3_661, Some(phone));
        data
    }

    /// Moves the one-time codes sent (to `recipient`, or to everyone) `seconds` into the
    /// past, with their expiry and the resend cool-down.
    pub fn age_codes(&self, seconds: i64, recipient: Option<&str>) {
        let shift = |col: &str| {
            if self.database_url().starts_with("postgres") {
                format!("{col} - INTERVAL '{seconds} seconds'")
            } else {
                format!("datetime({col}, '-{seconds} seconds')")
            }
        };
        let only = recipient.map_or_else(String::new, |r| format!(" WHERE recipient = '{r}'"));
        self.sabotage(&format!(
            "UPDATE otp_challenges SET created_at = {}, expires_at = {}{only}",
            shift("created_at"),
            shift("expires_at")
        ));
        self.sabotage(&format!(
            "UPDATE otp_recipients SET last_sent_at = {}{only}",
            shift("last_sent_at")
        ));
    }

    /// Registers a customer with the merchant `tenant` (not this app's own), proving the phone
    /// with the code in the form; returns the token response `data`.
    #[must_use]
    pub fn register_at(&self, tenant: kedai_core::TenantId, name: &str, phone: &str) -> Value {
        let owner = self.staff_token(tenant, kedai_identity::Role::Owner);
        let company = tenant.to_string();
        let at = |path: &str, body: Value| {
            self.send_with(
                "POST",
                &format!("{PORTAL}{path}"),
                None,
                &body.to_string(),
                &[("X-Company-Id", &company)],
            )
        };
        at("/auth/otp", json!({ "phone": phone })).expect(200);
        let code = self.last_otp_as(&owner, phone);
        at(
            "/auth/register",
            json!({ "name": name, "phone": phone, "otp": code }),
        )
        .portal_data(201)
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
        self.last_otp_as(&self.owner, recipient)
    }

    /// The newest code sent to `recipient`, read from the message log of the merchant whose
    /// owner holds `owner`.
    #[must_use]
    pub fn last_otp_as(&self, owner: &str, recipient: &str) -> String {
        let r = self
            .get(
                &format!(
                    "/v1/notifications?kind=otp&recipient={}",
                    recipient
                        .to_lowercase()
                        .replace('+', "%2B")
                        .replace('@', "%40")
                ),
                Some(owner),
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
