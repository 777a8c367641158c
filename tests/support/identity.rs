//! Tenants and staff made through the use cases, sign-in over HTTP, and forged tokens.

use chrono::Utc;
use kedai_app::{Store, identity};
use kedai_core::TenantId;
use kedai_identity::{NewTenant, Role};
use serde_json::{Value, json};

use super::{PASSWORD, TestApp};

impl TestApp {
    /// Creates a tenant through the use case (there is no HTTP route for it yet).
    #[must_use]
    pub fn create_tenant(
        &self,
        name: &str,
        currency: &str,
        zone: &str,
        public_summary: bool,
    ) -> TenantId {
        let t =
            NewTenant::new(name, currency, zone, public_summary).unwrap_or_else(|e| panic!("{e}"));
        let store: &dyn Store = &self.store;
        store
            .write(|tx| identity::create_tenant(tx, TenantId::new(), &t, Utc::now()))
            .unwrap_or_else(|e| panic!("{e}"))
            .id
    }

    /// Creates a staff member of `role` and signs them in over HTTP; returns the token.
    #[must_use]
    pub fn staff_token(&self, tenant: TenantId, role: Role) -> String {
        let email = format!(
            "{}-{}@example.com",
            role.as_str(),
            uuid::Uuid::new_v4().simple()
        );
        self.create_staff(tenant, &email, role);
        let r = self
            .post(
                "/v1/auth/login",
                None,
                &json!({ "email": email, "password": PASSWORD }),
            )
            .expect(200);
        r.body["data"]["access_token"]
            .as_str()
            .unwrap_or_else(|| panic!("no token: {}", r.body))
            .to_owned()
    }

    /// Creates a staff member through the use case.
    pub fn create_staff(&self, tenant: TenantId, email: &str, role: Role) {
        let staff =
            identity::new_staff(email, None, role, PASSWORD).unwrap_or_else(|e| panic!("{e}"));
        let store: &dyn Store = &self.store;
        store
            .write(|tx| identity::create_staff(tx, tenant, &staff, Utc::now()))
            .unwrap_or_else(|e| panic!("{e}"));
    }

    /// A correctly signed token whose expiry has passed.
    #[must_use]
    pub fn expired_token(&self, token: &str) -> String {
        self.forge(token, |c| {
            c["iat"] = json!(Utc::now().timestamp() - 10_000);
            c["exp"] = json!(Utc::now().timestamp() - 3_000);
        })
    }

    /// Re-signs `token`'s claims after `edit`, with the server's secret.
    #[must_use]
    pub fn forge(&self, token: &str, edit: impl FnOnce(&mut Value)) -> String {
        let key = jsonwebtoken::DecodingKey::from_secret(self.secret.as_bytes());
        let mut v = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::HS256);
        v.validate_exp = false;
        let mut claims = jsonwebtoken::decode::<Value>(token, &key, &v)
            .unwrap_or_else(|e| panic!("{e}"))
            .claims;
        edit(&mut claims);
        let key = jsonwebtoken::EncodingKey::from_secret(self.secret.as_bytes());
        jsonwebtoken::encode(&jsonwebtoken::Header::default(), &claims, &key)
            .unwrap_or_else(|e| panic!("{e}"))
    }
}
