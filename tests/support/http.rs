//! HTTP requests to the server (GET, POST, PUT, PATCH, DELETE, raw bodies, extra headers) and
//! the response with its status, JSON body and headers.

use serde_json::{Value, json};

use super::TestApp;

/// An HTTP response.
#[derive(Debug)]
pub struct Resp {
    /// Status code.
    pub status: u16,
    /// Body as JSON (`Null` when empty or not JSON).
    pub body: Value,
    /// Headers, lower-case names.
    pub headers: Vec<(String, String)>,
}

impl Resp {
    /// A header value.
    #[must_use]
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Asserts the status, showing the body when it differs.
    #[track_caller]
    pub fn expect(self, status: u16) -> Self {
        assert_eq!(
            self.status, status,
            "unexpected status; body: {}",
            self.body
        );
        self
    }

    /// Asserts an edge-function error: status, `success: false`, the code, a message.
    #[track_caller]
    pub fn edge_error(self, status: u16, code: &str) -> Self {
        let r = self.expect(status);
        assert_eq!(r.body["success"], json!(false), "{}", r.body);
        assert_eq!(r.body["code"], json!(code), "{}", r.body);
        assert!(
            r.body["error"].as_str().is_some_and(|m| !m.is_empty()),
            "{}",
            r.body
        );
        r
    }

    /// Asserts a merchant-API error: status, `success: false`, `error_code`, message, errors.
    #[track_caller]
    pub fn merchant_error(self, status: u16, code: &str) -> Self {
        let r = self.expect(status);
        assert_eq!(r.body["success"], json!(false), "{}", r.body);
        assert_eq!(r.body["error_code"], json!(code), "{}", r.body);
        assert!(
            r.body["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{}",
            r.body
        );
        assert!(r.body["errors"].is_object(), "{}", r.body);
        r
    }
}

impl TestApp {
    pub(super) fn respond(r: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Resp {
        let mut r = r.unwrap_or_else(|e| panic!("request failed: {e}"));
        let status = r.status().as_u16();
        let headers = r
            .headers()
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_owned(),
                    v.to_str().unwrap_or_default().to_owned(),
                )
            })
            .collect();
        let text = r.body_mut().read_to_string().unwrap_or_default();
        Resp {
            status,
            body: serde_json::from_str(&text).unwrap_or(Value::Null),
            headers,
        }
    }

    /// GET.
    #[must_use]
    pub fn get(&self, path: &str, token: Option<&str>) -> Resp {
        self.get_with(path, token, &[])
    }

    /// GET with extra headers.
    #[must_use]
    pub fn get_with(&self, path: &str, token: Option<&str>, headers: &[(&str, &str)]) -> Resp {
        let mut req = self.agent.get(format!("{}{path}", self.url()));
        if let Some(t) = token {
            req = req.header("Authorization", format!("Bearer {t}"));
        }
        for (n, v) in headers {
            req = req.header(*n, *v);
        }
        Self::respond(req.call())
    }

    /// DELETE.
    #[must_use]
    pub fn delete(&self, path: &str, token: Option<&str>) -> Resp {
        let mut req = self.agent.delete(format!("{}{path}", self.url()));
        if let Some(t) = token {
            req = req.header("Authorization", format!("Bearer {t}"));
        }
        Self::respond(req.call())
    }

    /// A request with a raw body.
    #[must_use]
    pub fn send_raw(&self, method: &str, path: &str, token: Option<&str>, body: &str) -> Resp {
        self.send_with(method, path, token, body, &[])
    }

    /// POST JSON with extra headers (`Idempotency-Key`, ...).
    #[must_use]
    pub fn post_with(
        &self,
        path: &str,
        token: Option<&str>,
        body: &Value,
        headers: &[(&str, &str)],
    ) -> Resp {
        self.send_with("POST", path, token, &body.to_string(), headers)
    }

    /// A request with a raw JSON body and extra headers.
    #[must_use]
    pub fn send_with(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: &str,
        headers: &[(&str, &str)],
    ) -> Resp {
        let url = format!("{}{path}", self.url());
        let mut req = match method {
            "POST" => self.agent.post(url),
            "PUT" => self.agent.put(url),
            "PATCH" => self.agent.patch(url),
            other => panic!("unsupported method {other}"),
        };
        if let Some(t) = token {
            req = req.header("Authorization", format!("Bearer {t}"));
        }
        for (n, v) in headers {
            req = req.header(*n, *v);
        }
        Self::respond(req.content_type("application/json").send(body))
    }

    /// POST JSON.
    #[must_use]
    pub fn post(&self, path: &str, token: Option<&str>, body: &Value) -> Resp {
        self.send_raw("POST", path, token, &body.to_string())
    }

    /// PUT JSON.
    #[must_use]
    pub fn put(&self, path: &str, token: Option<&str>, body: &Value) -> Resp {
        self.send_raw("PUT", path, token, &body.to_string())
    }

    /// PATCH JSON.
    #[must_use]
    pub fn patch(&self, path: &str, token: Option<&str>, body: &Value) -> Resp {
        self.send_raw("PATCH", path, token, &body.to_string())
    }
}
