//! Where a webhook may go: an `https://` URL without a user name or password
//! whose host resolves only to public addresses. Checked when an endpoint is
//! registered and again before every send, and the send connects only to
//! the addresses just checked (a host that re-resolves to 127.0.0.1 later is
//! refused, not followed). `GONGDAO_WEBHOOK_ALLOW_PRIVATE=1` lifts the
//! address rule, and allows plain `http://` for private hosts only (tests
//! and development).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use domain::AppError;
use domain::webhooks::URL_MAX;
use url::{Host, Url};

/// The URL, parsed and checked without the network.
pub fn parse(raw: &str, allow_private: bool) -> Result<Url, AppError> {
    let bad = |key: &str| AppError::invalid("url", key);
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(bad("err.required"));
    }
    if raw.len() > URL_MAX || raw.chars().any(char::is_control) {
        return Err(bad("err.webhook.url_invalid"));
    }
    let url = Url::parse(raw).map_err(|_| bad("err.webhook.url_invalid"))?;
    match url.scheme() {
        "https" => {}
        // Plain http only to a literal private address, and only when allowed.
        "http" if allow_private && url.host().is_some_and(|h| literal_private(&h)) => {}
        _ => return Err(bad("err.webhook.https_required")),
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad("err.webhook.userinfo"));
    }
    if url.fragment().is_some() || url.host().is_none() {
        return Err(bad("err.webhook.url_invalid"));
    }
    if !allow_private && url.host().is_some_and(|h| literal_private(&h)) {
        return Err(bad("err.webhook.private_address"));
    }
    Ok(url)
}

/// The addresses to connect to: every address the host resolves to must be
/// public (unless private ones are allowed).
pub async fn resolve(url: &Url, allow_private: bool) -> Result<Vec<SocketAddr>, AppError> {
    let bad = |key: &str| AppError::invalid("url", key);
    let port = url
        .port_or_known_default()
        .ok_or_else(|| bad("err.webhook.url_invalid"))?;
    let addrs: Vec<SocketAddr> = match url.host() {
        Some(Host::Ipv4(ip)) => vec![SocketAddr::new(IpAddr::V4(ip), port)],
        Some(Host::Ipv6(ip)) => vec![SocketAddr::new(IpAddr::V6(ip), port)],
        Some(Host::Domain(name)) => {
            let lookup = tokio::time::timeout(
                std::time::Duration::from_secs(5),
                tokio::net::lookup_host((name, port)),
            )
            .await;
            match lookup {
                Ok(Ok(found)) => found.collect(),
                _ => return Err(bad("err.webhook.unresolvable")),
            }
        }
        None => return Err(bad("err.webhook.url_invalid")),
    };
    if addrs.is_empty() {
        return Err(bad("err.webhook.unresolvable"));
    }
    if !allow_private && addrs.iter().any(|a| !is_public(a.ip())) {
        return Err(bad("err.webhook.private_address"));
    }
    Ok(addrs)
}

fn literal_private(h: &Host<&str>) -> bool {
    match h {
        Host::Ipv4(ip) => !is_public(IpAddr::V4(*ip)),
        Host::Ipv6(ip) => !is_public(IpAddr::V6(*ip)),
        Host::Domain(d) => {
            let d = d.trim_end_matches('.').to_ascii_lowercase();
            d == "localhost" || d.ends_with(".localhost")
        }
    }
}

/// A globally routable unicast address (not loopback, private, link-local,
/// shared, documentation, benchmarking, multicast, reserved or unspecified).
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => public_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return public_v4(v4);
            }
            public_v6(v6)
        }
    }
}

fn public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_broadcast()
        || ip.is_documentation()
        || ip.is_multicast()
        || a == 0
        // 100.64.0.0/10 (carrier-grade NAT)
        || (a == 100 && (b & 0xc0) == 64)
        // 192.0.0.0/24 (protocol assignments)
        || (a == 192 && b == 0 && c == 0)
        // 198.18.0.0/15 (benchmarking)
        || (a == 198 && (b & 0xfe) == 18)
        // 240.0.0.0/4 (reserved)
        || a >= 240)
}

fn public_v6(ip: Ipv6Addr) -> bool {
    let s = ip.segments();
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_multicast()
        // fc00::/7 unique local
        || (s[0] & 0xfe00) == 0xfc00
        // fe80::/10 link-local
        || (s[0] & 0xffc0) == 0xfe80
        // 2001:db8::/32 documentation
        || (s[0] == 0x2001 && s[1] == 0x0db8)
        // 64:ff9b:1::/48 local NAT64, ::/96 IPv4-compatible (deprecated)
        || (s[0] == 0x64 && s[1] == 0xff9b && s[2] == 1)
        || s[..6] == [0; 6])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(raw: &str, allow: bool) -> Option<String> {
        match parse(raw, allow) {
            Ok(_) => None,
            Err(AppError::Invalid { key, .. }) => Some(key),
            Err(e) => panic!("{e:?}"),
        }
    }

    #[test]
    fn only_https_without_credentials_to_public_hosts() {
        assert_eq!(key("https://hooks.example.cn/gongdao?x=1", false), None);
        assert_eq!(key("https://hooks.example.cn:8443/in", false), None);
        for (raw, why) in [
            ("http://hooks.example.cn/in", "err.webhook.https_required"),
            ("ftp://hooks.example.cn/in", "err.webhook.https_required"),
            ("javascript:alert(1)", "err.webhook.https_required"),
            ("https://user:pw@hooks.example.cn/", "err.webhook.userinfo"),
            ("https://user@hooks.example.cn/", "err.webhook.userinfo"),
            ("https://127.0.0.1/in", "err.webhook.private_address"),
            ("https://[::1]/in", "err.webhook.private_address"),
            ("https://10.1.2.3/in", "err.webhook.private_address"),
            (
                "https://169.254.169.254/latest",
                "err.webhook.private_address",
            ),
            ("https://localhost/in", "err.webhook.private_address"),
            ("https://0x7f000001/in", "err.webhook.private_address"),
            ("https://hooks.example.cn/#frag", "err.webhook.url_invalid"),
            ("not a url", "err.webhook.url_invalid"),
            ("", "err.required"),
        ] {
            assert_eq!(key(raw, false).as_deref(), Some(why), "{raw}");
        }
        // The development flag allows private hosts, and http to them only.
        assert_eq!(key("http://127.0.0.1:9/in", true), None);
        assert_eq!(key("https://10.0.0.1/in", true), None);
        assert_eq!(
            key("http://hooks.example.cn/in", true).as_deref(),
            Some("err.webhook.https_required")
        );
    }

    #[test]
    fn public_means_globally_routable() {
        for ip in ["8.8.8.8", "1.1.1.1", "2400:3200::1"] {
            assert!(is_public(ip.parse().unwrap()), "{ip}");
        }
        for ip in [
            "127.0.0.1",
            "10.0.0.1",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "198.18.0.1",
            "::1",
            "::",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "2001:db8::1",
        ] {
            assert!(!is_public(ip.parse().unwrap()), "{ip}");
        }
    }

    #[tokio::test]
    async fn a_name_resolving_to_loopback_is_refused_unless_allowed() {
        let url = parse("https://localhost:8443/x", true).unwrap();
        assert!(matches!(
            resolve(&url, false).await,
            Err(AppError::Invalid { key, .. }) if key == "err.webhook.private_address"
        ));
        let ok = resolve(&url, true).await.unwrap();
        assert!(ok.iter().all(|a| a.port() == 8443 && a.ip().is_loopback()));
    }
}
