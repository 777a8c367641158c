//! Which address a request comes from.

use actix_web::HttpRequest;

/// The client's address: the peer, or behind a trusted proxy the last address in
/// `X-Forwarded-For` — the one that proxy appended. Earlier entries (and the `Forwarded`
/// header) are whatever the client chose to send, so they are never believed.
#[must_use]
pub fn client_ip(req: &HttpRequest, trust_forwarded_for: bool) -> String {
    let peer = || {
        req.peer_addr()
            .map_or_else(|| "unknown".to_owned(), |a| a.ip().to_string())
    };
    if !trust_forwarded_for {
        return peer();
    }
    let forwarded: Vec<&str> = req
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .collect();
    last_forwarded(&forwarded).unwrap_or_else(peer)
}

/// The right-most address of `X-Forwarded-For` header values (several headers count as one
/// list), without a port.
fn last_forwarded(values: &[&str]) -> Option<String> {
    let last = values
        .iter()
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .rfind(|s| !s.is_empty())?;
    if let Ok(ip) = last.parse::<std::net::IpAddr>() {
        return Some(ip.to_string());
    }
    last.parse::<std::net::SocketAddr>()
        .ok()
        .map(|a| a.ip().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_address_the_proxy_appended_is_believed() {
        assert_eq!(
            last_forwarded(&["1.2.3.4, 10.0.0.7"]).as_deref(),
            Some("10.0.0.7")
        );
        assert_eq!(
            last_forwarded(&["9.9.9.9", "203.0.113.5:4711"]).as_deref(),
            Some("203.0.113.5")
        );
        assert_eq!(
            last_forwarded(&["2001:db8::1"]).as_deref(),
            Some("2001:db8::1")
        );
        assert_eq!(last_forwarded(&["1.2.3.4, not-an-ip"]), None);
        assert_eq!(last_forwarded(&[" , "]), None);
        assert_eq!(last_forwarded(&[]), None);
    }

    #[test]
    fn forwarded_addresses_count_only_behind_a_trusted_proxy() {
        let req = actix_web::test::TestRequest::default()
            .peer_addr("10.0.0.7:50000".parse().unwrap_or_else(|e| panic!("{e}")))
            .insert_header(("x-forwarded-for", "203.0.113.9, 10.0.0.1"))
            .to_http_request();
        assert_eq!(client_ip(&req, false), "10.0.0.7");
        // Only the entry the trusted proxy appended counts; the rest is the client's say-so.
        assert_eq!(client_ip(&req, true), "10.0.0.1");
        let direct = actix_web::test::TestRequest::default()
            .peer_addr("10.0.0.8:1".parse().unwrap_or_else(|e| panic!("{e}")))
            .to_http_request();
        assert_eq!(client_ip(&direct, true), "10.0.0.8");
    }
}
