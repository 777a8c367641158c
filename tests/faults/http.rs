//! A small HTTP client whose transport failures (refused, reset, timed out) are values, not
//! panics: a fault test counts them.

use std::time::Duration;

use serde_json::Value;

/// An answer.
#[derive(Debug, Clone)]
pub struct Resp {
    /// Status code.
    pub status: u16,
    /// JSON body (`Null` when empty or not JSON).
    pub body: Value,
    /// `Retry-After`, if sent.
    pub retry_after: Option<String>,
    /// `Idempotent-Replayed: true`: the answer is the stored first one.
    pub replayed: bool,
}

/// A ureq agent with a global timeout, so a hang shows up as an error.
#[derive(Clone)]
pub struct Client {
    agent: ureq::Agent,
}

impl Client {
    /// A client whose requests give up after `timeout`.
    pub fn new(timeout: Duration) -> Self {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(timeout))
            .build()
            .into();
        Self { agent }
    }

    fn respond(r: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Result<Resp, String> {
        let mut r = r.map_err(|e| e.to_string())?;
        let status = r.status().as_u16();
        let retry_after = r
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let replayed = r
            .headers()
            .get("idempotent-replayed")
            .is_some_and(|v| v.as_bytes() == b"true");
        let text = r.body_mut().read_to_string().map_err(|e| e.to_string())?;
        Ok(Resp {
            status,
            body: serde_json::from_str(&text).unwrap_or(Value::Null),
            retry_after,
            replayed,
        })
    }

    /// GET.
    pub fn get(&self, url: &str, token: Option<&str>) -> Result<Resp, String> {
        let mut req = self.agent.get(url);
        if let Some(t) = token {
            req = req.header("Authorization", format!("Bearer {t}"));
        }
        Self::respond(req.call())
    }

    /// POST JSON.
    pub fn post(&self, url: &str, token: Option<&str>, body: &Value) -> Result<Resp, String> {
        self.post_with(url, token, body, &[])
    }

    /// POST JSON with extra headers.
    pub fn post_with(
        &self,
        url: &str,
        token: Option<&str>,
        body: &Value,
        headers: &[(&str, &str)],
    ) -> Result<Resp, String> {
        let mut req = self.agent.post(url);
        if let Some(t) = token {
            req = req.header("Authorization", format!("Bearer {t}"));
        }
        for (n, v) in headers {
            req = req.header(*n, *v);
        }
        Self::respond(req.content_type("application/json").send(body.to_string()))
    }

    /// PATCH JSON.
    pub fn patch(&self, url: &str, token: Option<&str>, body: &Value) -> Result<Resp, String> {
        let mut req = self.agent.patch(url);
        if let Some(t) = token {
            req = req.header("Authorization", format!("Bearer {t}"));
        }
        Self::respond(req.content_type("application/json").send(body.to_string()))
    }
}
