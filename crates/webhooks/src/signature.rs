//! Webhook signatures: `X-Kedai-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`,
//! one `v1` per secret in force (two while a rotated secret overlaps the new one). A receiver
//! recomputes the HMAC with its secret over the timestamp, a dot and the raw body, compares in
//! constant time with any `v1`, and refuses timestamps older than its tolerance (replays).

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The header Kedai signs deliveries in.
pub const SIGNATURE_HEADER: &str = "X-Kedai-Signature";

/// The hex HMAC-SHA256 of `"{timestamp}.{body}"` under `secret`.
#[must_use]
pub fn sign(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let mut mac = mac(secret);
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!("{:x}", mac.finalize().into_bytes())
}

fn mac(secret: &str) -> Hmac<Sha256> {
    // HMAC takes a key of any length: `new_from_slice` cannot fail for it.
    <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC accepts keys of every length"))
}

/// The header value for a body signed at `timestamp` with each of `secrets` (the current
/// secret first).
#[must_use]
pub fn signature_header(secrets: &[&str], timestamp: i64, body: &[u8]) -> String {
    let mut header = format!("t={timestamp}");
    for secret in secrets {
        header.push_str(",v1=");
        header.push_str(&sign(secret, timestamp, body));
    }
    header
}

/// Why a signature was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// No `t=` or no `v1=`.
    #[error("the signature header has no timestamp or no v1 signature")]
    Malformed,
    /// Outside the tolerance.
    #[error("the signature's timestamp is outside the tolerance")]
    Stale,
    /// No `v1` matches.
    #[error("no signature matches the body")]
    Mismatch,
}

/// Checks a `t=…,v1=…` header (Kedai's, or a gateway's of the same scheme) against `body`:
/// one `v1` must be the HMAC under `secret`, and `t` within `tolerance_secs` of `now`.
///
/// # Errors
/// [`SignatureError`].
pub fn verify(
    header: &str,
    secret: &str,
    body: &[u8],
    now: i64,
    tolerance_secs: i64,
) -> Result<(), SignatureError> {
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", t)) => timestamp = t.parse::<i64>().ok(),
            Some(("v1", v)) => signatures.push(v),
            _ => {}
        }
    }
    let timestamp = timestamp.ok_or(SignatureError::Malformed)?;
    if signatures.is_empty() {
        return Err(SignatureError::Malformed);
    }
    if (now - timestamp).abs() > tolerance_secs {
        return Err(SignatureError::Stale);
    }
    for candidate in signatures {
        let Some(bytes) = from_hex(candidate) else {
            continue;
        };
        let mut mac = mac(secret);
        mac.update(timestamp.to_string().as_bytes());
        mac.update(b".");
        mac.update(body);
        if mac.verify_slice(&bytes).is_ok() {
            return Ok(());
        }
    }
    Err(SignatureError::Mismatch)
}

fn from_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| {
            text.get(i..i + 2)
                .and_then(|b| u8::from_str_radix(b, 16).ok())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn matches_a_reference_hmac() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        let mut mac = mac("Jefe");
        mac.update(b"what do ya want for nothing?");
        assert_eq!(
            format!("{:x}", mac.finalize().into_bytes()),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        // The signed text is "t.body".
        assert_eq!(sign("Jefe", 12, b"ab"), {
            let mut m = super::mac("Jefe");
            m.update(b"12.ab");
            format!("{:x}", m.finalize().into_bytes())
        });
    }

    #[test]
    fn a_header_carries_one_signature_per_secret() {
        let h = signature_header(&["new", "old"], 1_700_000_000, b"{}");
        assert!(h.starts_with("t=1700000000,v1="));
        assert_eq!(h.matches("v1=").count(), 2);
        assert_eq!(verify(&h, "new", b"{}", 1_700_000_010, 300), Ok(()));
        assert_eq!(verify(&h, "old", b"{}", 1_700_000_010, 300), Ok(()));
        assert_eq!(
            verify(&h, "other", b"{}", 1_700_000_010, 300),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn stale_malformed_and_tampered_headers_fail() {
        let h = signature_header(&["s"], 1_000, b"body");
        assert_eq!(
            verify(&h, "s", b"body", 1_301, 300),
            Err(SignatureError::Stale)
        );
        assert_eq!(
            verify(&h, "s", b"body", 699, 300),
            Err(SignatureError::Stale)
        );
        assert_eq!(
            verify(&h, "s", b"bodY", 1_000, 300),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify("v1=00", "s", b"", 0, 300),
            Err(SignatureError::Malformed)
        );
        assert_eq!(
            verify("t=5", "s", b"", 5, 300),
            Err(SignatureError::Malformed)
        );
        assert_eq!(
            verify("t=5,v1=zz", "s", b"", 5, 300),
            Err(SignatureError::Mismatch)
        );
    }

    proptest! {
        #[test]
        fn whatever_is_signed_verifies_and_any_change_does_not(
            secret in "[ -~]{1,40}",
            body in proptest::collection::vec(any::<u8>(), 0..200),
            t in 0_i64..4_000_000_000,
            flip in any::<prop::sample::Index>(),
        ) {
            let h = signature_header(&[&secret], t, &body);
            prop_assert_eq!(verify(&h, &secret, &body, t, 0), Ok(()));
            if !body.is_empty() {
                let mut changed = body.clone();
                let i = flip.index(changed.len());
                changed[i] ^= 1;
                prop_assert_eq!(verify(&h, &secret, &changed, t, 0), Err(SignatureError::Mismatch));
            }
        }
    }
}
