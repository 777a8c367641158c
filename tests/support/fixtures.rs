//! Fixtures made over HTTP: products, stock receipts, edge orders, and a product's stock.

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::{Resp, TestApp};

impl TestApp {
    /// Creates a product over HTTP; returns its id.
    #[must_use]
    pub fn product(&self, token: &str, name: &str, price: f64) -> i64 {
        let r = self
            .post(
                "/v1/products",
                Some(token),
                &json!({ "name": name, "price": price }),
            )
            .expect(201);
        r.body["data"]["id"]
            .as_i64()
            .unwrap_or_else(|| panic!("no id: {}", r.body))
    }

    /// Receives stock over HTTP; returns the response body.
    pub fn stock_in(
        &self,
        token: &str,
        product: i64,
        quantity: i64,
        received_at: Option<DateTime<Utc>>,
    ) -> Value {
        let mut body = json!({ "product_id": product.to_string(), "quantity": quantity, "source": "purchase_order" });
        if let Some(at) = received_at {
            body["received_at"] = json!(at.to_rfc3339());
        }
        self.post("/functions/v1/stock-in", Some(token), &body)
            .expect(200)
            .body
    }

    /// A product's current stock, over HTTP.
    #[must_use]
    pub fn current_stock(&self, product: i64) -> i64 {
        let r = self
            .get(&format!("/v1/products/{product}"), Some(&self.owner))
            .expect(200);
        r.body["data"]["current_stock"]
            .as_i64()
            .unwrap_or_else(|| panic!("{}", r.body))
    }

    /// Creates an order over the edge function; returns the response.
    #[must_use]
    pub fn order(&self, token: &str, items: &[(i64, i64, f64)]) -> Resp {
        let items: Vec<Value> = items
            .iter()
            .map(|(p, q, price)| json!({ "product_id": p.to_string(), "quantity": q, "unit_price": price }))
            .collect();
        self.post(
            "/functions/v1/order-create",
            Some(token),
            &json!({ "order_data": { "customer_email": "c@example.com" }, "items": items }),
        )
    }
}
