//! Where webhooks may go. A webhook URL is the merchant's to choose, so it must not be a way
//! into Kedai's own network: only `https`, and never loopback, link-local, private, shared or
//! otherwise internal addresses — unless the operator's policy allows them (development and
//! tests deliver to `http://127.0.0.1`). The URL is checked when saved, and every address its
//! host resolves to is checked again before each delivery (a name can be re-pointed).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use url::{Host, Url};

/// What the operator allows beyond public `https` addresses.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AddressPolicy {
    /// Accept `http://` URLs.
    pub allow_http: bool,
    /// Accept loopback, private and link-local addresses.
    pub allow_private: bool,
}

impl AddressPolicy {
    /// Production: public `https` only.
    pub const STRICT: Self = Self {
        allow_http: false,
        allow_private: false,
    };
    /// Development and tests: anything.
    pub const OPEN: Self = Self {
        allow_http: true,
        allow_private: true,
    };
}

/// Why a URL or an address was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AddressError {
    /// Not a URL.
    #[error("is not an absolute URL")]
    NotUrl,
    /// Another scheme.
    #[error("must use https")]
    Scheme,
    /// User name or password in the URL.
    #[error("must not carry a user name or password")]
    Credentials,
    /// An internal address.
    #[error("must not point at a loopback, private, link-local or other internal address ({0})")]
    Internal(IpAddr),
    /// Longer than 2,000 characters.
    #[error("is longer than 2000 characters")]
    TooLong,
}

/// Checks a webhook URL as saved: its scheme, and its host when the host is an address.
/// Names are checked when they are resolved, before each delivery ([`check_address`]).
///
/// # Errors
/// [`AddressError`].
pub fn check_url(text: &str, policy: AddressPolicy) -> Result<Url, AddressError> {
    if text.len() > 2_000 {
        return Err(AddressError::TooLong);
    }
    let url = Url::parse(text.trim()).map_err(|_| AddressError::NotUrl)?;
    match url.scheme() {
        "https" => {}
        "http" if policy.allow_http => {}
        _ => return Err(AddressError::Scheme),
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(AddressError::Credentials);
    }
    match url.host() {
        None => Err(AddressError::NotUrl),
        Some(Host::Ipv4(ip)) => check_address(IpAddr::V4(ip), policy).map(|()| url),
        Some(Host::Ipv6(ip)) => check_address(IpAddr::V6(ip), policy).map(|()| url),
        Some(Host::Domain(name)) => {
            let name = name.trim_end_matches('.').to_ascii_lowercase();
            if !policy.allow_private
                && (name == "localhost" || name.ends_with(".localhost") || name.ends_with(".local"))
            {
                return Err(AddressError::Internal(IpAddr::V4(Ipv4Addr::LOCALHOST)));
            }
            Ok(url)
        }
    }
}

/// Checks one address a webhook host resolved to.
///
/// # Errors
/// [`AddressError::Internal`].
pub fn check_address(ip: IpAddr, policy: AddressPolicy) -> Result<(), AddressError> {
    if policy.allow_private || is_public(ip) {
        Ok(())
    } else {
        Err(AddressError::Internal(ip))
    }
}

/// Whether an address is reachable on the public internet (not loopback, private, shared,
/// link-local, unspecified, multicast, broadcast, documentation or reserved).
#[must_use]
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => public_v4(v4),
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or_else(|| public_v6(v6), public_v4),
    }
}

fn public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_multicast()
        || ip.is_broadcast()
        || ip.is_documentation()
        || a == 0
        || (a == 100 && (64..128).contains(&b)) // shared address space (carrier NAT)
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
        || (a == 198 && (b == 18 || b == 19)) // benchmarking
        || a >= 240) // reserved
}

fn public_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    !(ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        || (first & 0xfe00) == 0xfc00 // unique local
        || (first & 0xffc0) == 0xfe80 // link-local
        || (first == 0x2001 && ip.segments()[1] == 0x0db8) // documentation
        || (first == 0x0064 && ip.segments()[1] == 0xff9b)) // NAT64 into any IPv4
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(url: &str) -> AddressError {
        check_url(url, AddressPolicy::STRICT)
            .err()
            .unwrap_or(AddressError::NotUrl)
    }

    #[test]
    fn public_https_urls_pass() {
        for ok in [
            "https://hooks.example.com/kedai",
            "https://93.184.216.34/x",
            "https://[2606:2800:220:1::1]/x",
        ] {
            assert!(check_url(ok, AddressPolicy::STRICT).is_ok(), "{ok}");
        }
    }

    #[test]
    fn internal_and_plain_urls_are_refused() {
        assert_eq!(refused("http://hooks.example.com"), AddressError::Scheme);
        assert_eq!(refused("ftp://hooks.example.com"), AddressError::Scheme);
        assert_eq!(refused("not a url"), AddressError::NotUrl);
        assert_eq!(
            refused("https://u:p@example.com"),
            AddressError::Credentials
        );
        for internal in [
            "https://127.0.0.1/",
            "https://10.1.2.3/",
            "https://172.16.0.1/",
            "https://192.168.1.1/",
            "https://169.254.169.254/latest/meta-data",
            "https://100.64.0.1/",
            "https://0.0.0.0/",
            "https://[::1]/",
            "https://[fe80::1]/",
            "https://[fd00::1]/",
            "https://[::ffff:127.0.0.1]/",
            "https://localhost/",
            "https://printer.local/",
        ] {
            assert!(
                matches!(refused(internal), AddressError::Internal(_)),
                "{internal}"
            );
        }
    }

    #[test]
    fn an_open_policy_allows_loopback_over_http() {
        assert!(check_url("http://127.0.0.1:9000/hook", AddressPolicy::OPEN).is_ok());
        assert!(check_address(IpAddr::V4(Ipv4Addr::LOCALHOST), AddressPolicy::OPEN).is_ok());
        assert!(check_address(IpAddr::V4(Ipv4Addr::LOCALHOST), AddressPolicy::STRICT).is_err());
        assert!(
            check_address(
                "8.8.8.8".parse().unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST)),
                AddressPolicy::STRICT
            )
            .is_ok()
        );
    }
}
