//! Idempotency keys on creating requests: the first request with a key claims it, and later
//! requests with the same key (from the same caller) get the first response replayed. The rules
//! (what a valid key is, what a stored key means for a new request) are pure functions here;
//! the claim is a row inserted in its own committed transaction, so a racing duplicate sees it.

use chrono::{DateTime, Duration, Utc};
use kedai_core::{StorageError, TenantId};
use sha2::{Digest, Sha256};

use crate::{AppError, UnitOfWork};

/// The request header.
pub const HEADER: &str = "Idempotency-Key";

/// Longest accepted key, in characters.
pub const MAX_KEY_LEN: usize = 255;

/// Keys older than this are forgotten: a request reusing one runs afresh.
pub const KEY_TTL_HOURS: i64 = 24;

/// Checks an `Idempotency-Key` value: 1 to 255 visible ASCII characters.
///
/// # Errors
/// [`AppError::Validation`] on `Idempotency-Key`.
pub fn validate_key(raw: &str) -> Result<&str, AppError> {
    let key = raw.trim();
    if key.is_empty() {
        return Err(AppError::invalid(HEADER, "must not be empty"));
    }
    if key.chars().count() > MAX_KEY_LEN {
        return Err(AppError::invalid(
            HEADER,
            format!("must be at most {MAX_KEY_LEN} characters"),
        ));
    }
    if !key.bytes().all(|b| b.is_ascii_graphic() || b == b' ') {
        return Err(AppError::invalid(
            HEADER,
            "must be printable ASCII characters",
        ));
    }
    Ok(key)
}

/// What makes two requests "the same": SHA-256 over method, path and the body's canonical
/// JSON, lower-case hex. The same JSON with its keys in another order or other white space is
/// the same request; a body that is not JSON counts byte for byte.
#[must_use]
pub fn fingerprint(method: &str, path: &str, body: &[u8]) -> String {
    let mut h = Sha256::new();
    h.update(method.as_bytes());
    h.update(b"\n");
    h.update(path.as_bytes());
    h.update(b"\n");
    match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(value) => {
            let mut canonical = String::with_capacity(body.len());
            write_canonical(&mut canonical, &value);
            h.update(canonical.as_bytes());
        }
        Err(_) => h.update(body),
    }
    h.finalize().iter().fold(String::new(), |mut s, b| {
        use std::fmt::Write;
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// Writes `value` as JSON with every object's keys in sorted order and no white space.
fn write_canonical(out: &mut String, value: &serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort_unstable();
            out.push('{');
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(key.clone()).to_string());
                out.push(':');
                if let Some(v) = map.get(key) {
                    write_canonical(out, v);
                }
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(out, item);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

/// Whose key it is: keys are private to one caller of one tenant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyScope {
    /// Tenant.
    pub tenant: TenantId,
    /// The caller (staff id).
    pub principal: String,
    /// The key.
    pub key: String,
}

/// A stored key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredKey {
    /// Fingerprint of the request that claimed it.
    pub request_hash: String,
    /// Its response, once it finished.
    pub response: Option<StoredResponse>,
    /// When it was claimed.
    pub created_at: DateTime<Utc>,
}

/// A finished response kept for replay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredResponse {
    /// HTTP status.
    pub status: u16,
    /// Body.
    pub body: String,
}

/// What to do with a request carrying a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// The key is ours now: run the request.
    Run,
    /// The same request finished before: answer with its response.
    Replay(StoredResponse),
    /// The same request is still running.
    InUse,
    /// The key was used for a different request.
    Reused,
}

/// The pure rule: what an existing stored key means for a request with fingerprint `hash` at
/// `now`. `None` means the key is free (absent or expired) and may be claimed. A claim that
/// never finished keeps answering "in use" until it expires: its request may have committed
/// (a server that stopped after the commit, a response that could not be stored), and running
/// it twice is worse than asking the client for a new key.
#[must_use]
pub fn decide(existing: &StoredKey, hash: &str, now: DateTime<Utc>) -> Option<Decision> {
    let age = now - existing.created_at;
    if age >= Duration::hours(KEY_TTL_HOURS) {
        return None;
    }
    match &existing.response {
        _ if existing.request_hash != hash => Some(Decision::Reused),
        Some(r) => Some(Decision::Replay(r.clone())),
        None => Some(Decision::InUse),
    }
}

/// Stored idempotency keys.
pub trait IdempotencyRepository {
    /// The stored key, if any.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn find_idempotency_key(&mut self, scope: &KeyScope)
    -> Result<Option<StoredKey>, StorageError>;

    /// Inserts an unfinished claim: `false` when the key already exists.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn insert_idempotency_key(
        &mut self,
        scope: &KeyScope,
        method: &str,
        path: &str,
        request_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StorageError>;

    /// Deletes the key if it was claimed at `created_at` (an expired claim being
    /// replaced), or any unfinished claim when `created_at` is `None` (a failed request
    /// releasing its own claim).
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn delete_idempotency_key(
        &mut self,
        scope: &KeyScope,
        created_at: Option<DateTime<Utc>>,
    ) -> Result<(), StorageError>;

    /// Deletes the tenant's keys created before `before` (expired: nothing replays them any
    /// more); returns how many.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn purge_idempotency_keys(
        &mut self,
        tenant: TenantId,
        before: DateTime<Utc>,
    ) -> Result<usize, StorageError>;

    /// Stores the response of the claim with `request_hash`.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn complete_idempotency_key(
        &mut self,
        scope: &KeyScope,
        request_hash: &str,
        response: &StoredResponse,
        now: DateTime<Utc>,
    ) -> Result<(), StorageError>;
}

/// Claims `scope`'s key for a request, or says why not. Run it in its own write transaction so
/// the claim is visible to racing requests as soon as it returns.
///
/// # Errors
/// [`AppError::Storage`]; a lost insert race is retryable, and the retry sees the winner's row.
pub fn begin(
    tx: &mut dyn UnitOfWork,
    scope: &KeyScope,
    method: &str,
    path: &str,
    request_hash: &str,
    now: DateTime<Utc>,
) -> Result<Decision, AppError> {
    if let Some(existing) = tx.find_idempotency_key(scope)? {
        if let Some(decision) = decide(&existing, request_hash, now) {
            return Ok(decision);
        }
        tx.delete_idempotency_key(scope, Some(existing.created_at))?;
    }
    // Each new claim sweeps the tenant's expired keys, so the table holds about a day of keys.
    tx.purge_idempotency_keys(scope.tenant, now - Duration::hours(KEY_TTL_HOURS))?;
    // Read before insert: on PostgreSQL a failed insert would abort the transaction.
    if tx.insert_idempotency_key(scope, method, path, request_hash, now)? {
        Ok(Decision::Run)
    } else {
        Err(AppError::Storage(StorageError::retryable(
            "idempotency key claimed concurrently",
        )))
    }
}

/// Keeps the response of a finished request for replay.
///
/// # Errors
/// [`AppError::Storage`].
pub fn complete(
    tx: &mut dyn UnitOfWork,
    scope: &KeyScope,
    request_hash: &str,
    response: &StoredResponse,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    Ok(tx.complete_idempotency_key(scope, request_hash, response, now)?)
}

/// Gives up a claim whose request failed, so a retry can run.
///
/// # Errors
/// [`AppError::Storage`].
pub fn release(tx: &mut dyn UnitOfWork, scope: &KeyScope) -> Result<(), AppError> {
    Ok(tx.delete_idempotency_key(scope, None)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: i64) -> DateTime<Utc> {
        DateTime::<Utc>::from_timestamp(1_800_000_000 + secs, 0).unwrap_or_default()
    }

    #[test]
    fn keys_are_one_to_255_printable_characters() {
        assert_eq!(validate_key(" abc-123 ").ok(), Some("abc-123"));
        assert!(validate_key(&"k".repeat(255)).is_ok());
        for bad in [
            String::new(),
            "   ".into(),
            "k".repeat(256),
            "tab\there".into(),
        ] {
            assert!(
                matches!(validate_key(&bad), Err(AppError::Validation { ref errors, .. }) if errors.iter().any(|e| e.field == HEADER)),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn fingerprints_cover_method_path_and_body() {
        let base = fingerprint("POST", "/v1/orders", b"{}");
        assert_eq!(base.len(), 64);
        assert_eq!(base, fingerprint("POST", "/v1/orders", b"{}"));
        assert_ne!(base, fingerprint("PUT", "/v1/orders", b"{}"));
        assert_ne!(base, fingerprint("POST", "/v1/order", b"{}"));
        assert_ne!(base, fingerprint("POST", "/v1/orders", b"{\"a\":1}"));
        assert_ne!(base, fingerprint("POST", "/v1/orders", b"not json"));
    }

    #[test]
    fn the_same_json_is_the_same_request_whatever_its_key_order() {
        let a =
            br#"{"items":[{"qty":2,"product_id":1}],"outlet_id":"x","notes":{"b":1,"a":[1,2]}}"#;
        let b = br#"{ "notes": {"a": [1, 2], "b": 1}, "outlet_id": "x",
                     "items": [ {"product_id": 1, "qty": 2} ] }"#;
        assert_eq!(
            fingerprint("POST", "/v1/orders", a),
            fingerprint("POST", "/v1/orders", b)
        );
        // Order inside arrays matters, and so does every value.
        let swapped =
            br#"{"items":[{"qty":2,"product_id":1}],"outlet_id":"x","notes":{"b":1,"a":[2,1]}}"#;
        assert_ne!(
            fingerprint("POST", "/v1/orders", a),
            fingerprint("POST", "/v1/orders", swapped)
        );
        let mut canonical = String::new();
        write_canonical(
            &mut canonical,
            &serde_json::json!({"z": "\"", "a": [true, null, 1.5]}),
        );
        assert_eq!(canonical, r#"{"a":[true,null,1.5],"z":"\""}"#);
    }

    #[test]
    fn what_a_stored_key_means() {
        let done = StoredResponse {
            status: 201,
            body: "{}".into(),
        };
        let key = |response: Option<StoredResponse>| StoredKey {
            request_hash: "h".into(),
            response,
            created_at: at(0),
        };
        let day = KEY_TTL_HOURS * 3600;
        for (stored, hash, now, want) in [
            (
                key(Some(done.clone())),
                "h",
                at(5),
                Some(Decision::Replay(done.clone())),
            ),
            (
                key(Some(done.clone())),
                "other",
                at(5),
                Some(Decision::Reused),
            ),
            (key(None), "h", at(5), Some(Decision::InUse)),
            (key(None), "other", at(5), Some(Decision::Reused)),
            (key(None), "h", at(day - 1), Some(Decision::InUse)),
            (key(None), "h", at(day), None),
            (
                key(Some(done.clone())),
                "h",
                at(day - 1),
                Some(Decision::Replay(done.clone())),
            ),
            (key(Some(done.clone())), "h", at(day), None),
            (key(Some(done.clone())), "other", at(day), None),
        ] {
            assert_eq!(decide(&stored, hash, now), want, "{stored:?} {hash} {now}");
        }
    }
}
