//! Stripe's API over HTTP, on a merchant's own account: Checkout Sessions (cards, FPX and the
//! other methods the merchant offers) for payment intents, read back and expired by id. Only
//! Stripe's documented, public endpoints: `POST /v1/checkout/sessions`,
//! `GET /v1/checkout/sessions/{id}`, `POST /v1/checkout/sessions/{id}/expire`.

use std::time::Duration;

use kedai_app::AppError;
use kedai_app::jobs::SendError;
use kedai_app::payments::{
    Cancellation, CheckoutRequest, CheckoutSession, GatewayOutcome, STRIPE, StripeAccount,
    StripeApi,
};
use kedai_core::StorageError;
use kedai_core::storage::StorageErrorKind;
use serde_json::Value;

/// Stripe's API over ureq.
#[derive(Debug)]
pub struct StripeHttp {
    agent: ureq::Agent,
}

impl Default for StripeHttp {
    fn default() -> Self {
        Self::new()
    }
}

fn unavailable(message: String) -> AppError {
    AppError::Storage(StorageError::new(StorageErrorKind::Unavailable, message))
}

impl StripeHttp {
    /// A client with a 20-second time-out per call.
    #[must_use]
    pub fn new() -> Self {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(20)))
            .build()
            .into();
        Self { agent }
    }

    fn answer(
        response: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
    ) -> Result<(u16, Value), AppError> {
        let mut response =
            response.map_err(|e| unavailable(format!("Stripe cannot be reached: {e}")))?;
        let status = response.status().as_u16();
        let body = response
            .body_mut()
            .with_config()
            .limit(1 << 20)
            .read_to_string()
            .map_err(|e| unavailable(format!("Stripe's answer cannot be read: {e}")))?;
        let json: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
        Ok((status, json))
    }

    fn refused(status: u16, json: &Value) -> AppError {
        let message = json["error"]["message"].as_str().unwrap_or("no message");
        unavailable(format!("Stripe answered {status}: {message}"))
    }

    fn get_session(&self, account: &StripeAccount, id: &str) -> Result<Value, AppError> {
        let url = format!(
            "{}/v1/checkout/sessions/{id}?expand[]=payment_intent",
            account.api_base
        );
        let (status, json) = Self::answer(
            self.agent
                .get(&url)
                .header("Authorization", format!("Bearer {}", account.secret_key))
                .call(),
        )?;
        if status != 200 {
            return Err(Self::refused(status, &json));
        }
        Ok(json)
    }
}

/// What a Checkout Session says about its payment.
#[must_use]
pub fn outcome(session: &Value) -> GatewayOutcome {
    let payment_intent = &session["payment_intent"];
    let reference = payment_intent["id"]
        .as_str()
        .or_else(|| payment_intent.as_str())
        .or_else(|| session["id"].as_str())
        .unwrap_or_default()
        .to_owned();
    match (
        session["status"].as_str().unwrap_or_default(),
        session["payment_status"].as_str().unwrap_or_default(),
    ) {
        (_, "paid") => GatewayOutcome::Approved { reference },
        ("expired", _) => GatewayOutcome::Declined {
            reason: "the Stripe checkout expired".into(),
        },
        // Completed but unpaid: a delayed method still settling, or one that failed.
        ("complete", _)
            if matches!(
                payment_intent["status"].as_str(),
                Some("canceled" | "requires_payment_method")
            ) =>
        {
            GatewayOutcome::Declined {
                reason: "the payment failed at Stripe".into(),
            }
        }
        _ => GatewayOutcome::Pending,
    }
}

impl StripeApi for StripeHttp {
    fn create_session(
        &self,
        account: &StripeAccount,
        request: &CheckoutRequest,
    ) -> Result<CheckoutSession, AppError> {
        let back = |status: &str| {
            let joiner = if account.return_url.contains('?') {
                '&'
            } else {
                '?'
            };
            format!(
                "{}{joiner}kedai_intent={}&status={status}",
                account.return_url, request.reference
            )
        };
        let mut form: Vec<(String, String)> = vec![
            ("mode".into(), "payment".into()),
            ("client_reference_id".into(), request.reference.clone()),
            ("metadata[kedai_tenant]".into(), request.tenant.to_string()),
            ("metadata[kedai_intent]".into(), request.reference.clone()),
            (
                "payment_intent_data[metadata][kedai_intent]".into(),
                request.reference.clone(),
            ),
            ("line_items[0][quantity]".into(), "1".into()),
            (
                "line_items[0][price_data][currency]".into(),
                request.amount.currency().code().to_ascii_lowercase(),
            ),
            (
                "line_items[0][price_data][unit_amount]".into(),
                request.amount.minor().to_string(),
            ),
            (
                "line_items[0][price_data][product_data][name]".into(),
                request.description.clone(),
            ),
            ("success_url".into(), back("success")),
            ("cancel_url".into(), back("cancelled")),
        ];
        for (i, method) in account.methods.iter().enumerate() {
            form.push((format!("payment_method_types[{i}]"), method.clone()));
        }
        let (status, json) = Self::answer(
            self.agent
                .post(format!("{}/v1/checkout/sessions", account.api_base))
                .header("Authorization", format!("Bearer {}", account.secret_key))
                // One session per intent however often opening is retried.
                .header("Idempotency-Key", format!("kedai-{}", request.reference))
                .send_form(form.iter().map(|(k, v)| (k.as_str(), v.as_str()))),
        )?;
        let (Some(id), Some(url)) = (json["id"].as_str(), json["url"].as_str()) else {
            return Err(Self::refused(status, &json));
        };
        if status != 200 {
            return Err(Self::refused(status, &json));
        }
        Ok(CheckoutSession {
            gateway: STRIPE,
            session_id: id.to_owned(),
            payment_url: url.to_owned(),
        })
    }

    fn session(&self, account: &StripeAccount, id: &str) -> Result<GatewayOutcome, AppError> {
        Ok(outcome(&self.get_session(account, id)?))
    }

    fn refund(
        &self,
        account: &StripeAccount,
        payment_intent: &str,
        amount: kedai_core::Money,
        key: &str,
    ) -> Result<String, SendError> {
        let answer = self
            .agent
            .post(format!("{}/v1/refunds", account.api_base))
            .header("Authorization", format!("Bearer {}", account.secret_key))
            .header("Idempotency-Key", format!("kedai-refund-{key}"))
            .send_form([
                ("payment_intent", payment_intent),
                ("amount", &amount.minor().to_string()),
                ("metadata[kedai_payment]", key),
            ]);
        let (status, json) =
            Self::answer(answer).map_err(|e| SendError::transient(e.to_string()))?;
        match (status, json["id"].as_str()) {
            (200, Some(id)) => Ok(id.to_owned()),
            // Already refunded, amount too large, unknown payment: asking again cannot help.
            (400 | 402 | 404, _) => Err(SendError::permanent(
                Self::refused(status, &json).to_string(),
            )),
            _ => Err(SendError::transient(
                Self::refused(status, &json).to_string(),
            )),
        }
    }

    fn expire(&self, account: &StripeAccount, id: &str) -> Result<Cancellation, AppError> {
        let (status, json) = Self::answer(
            self.agent
                .post(format!(
                    "{}/v1/checkout/sessions/{id}/expire",
                    account.api_base
                ))
                .header("Authorization", format!("Bearer {}", account.secret_key))
                .send_empty(),
        )?;
        if status == 200 {
            return Ok(Cancellation::Cancelled);
        }
        // Only open sessions expire: one that is not open has its outcome.
        let session = self.get_session(account, id)?;
        match outcome(&session) {
            GatewayOutcome::Pending if session["status"] == "open" => {
                Err(Self::refused(status, &json))
            }
            decided => Ok(Cancellation::AlreadyDecided(decided)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sessions_read_as_outcomes() {
        assert_eq!(
            outcome(
                &json!({"id": "cs_1", "status": "complete", "payment_status": "paid", "payment_intent": {"id": "pi_1", "status": "succeeded"}})
            ),
            GatewayOutcome::Approved {
                reference: "pi_1".into()
            }
        );
        assert_eq!(
            outcome(
                &json!({"id": "cs_1", "status": "complete", "payment_status": "paid", "payment_intent": "pi_2"})
            ),
            GatewayOutcome::Approved {
                reference: "pi_2".into()
            }
        );
        assert_eq!(
            outcome(&json!({"id": "cs_1", "status": "open", "payment_status": "unpaid"})),
            GatewayOutcome::Pending
        );
        assert!(matches!(
            outcome(&json!({"id": "cs_1", "status": "expired", "payment_status": "unpaid"})),
            GatewayOutcome::Declined { .. }
        ));
        assert!(matches!(
            outcome(
                &json!({"id": "cs_1", "status": "complete", "payment_status": "unpaid", "payment_intent": {"id": "pi_3", "status": "requires_payment_method"}})
            ),
            GatewayOutcome::Declined { .. }
        ));
        assert_eq!(
            outcome(
                &json!({"id": "cs_1", "status": "complete", "payment_status": "unpaid", "payment_intent": {"id": "pi_4", "status": "processing"}})
            ),
            GatewayOutcome::Pending
        );
    }
}
