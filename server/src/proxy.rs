//! Behind a reverse proxy every connection comes from the proxy, so rate
//! limits per IP would count all clients as one. When the peer is one of
//! `GONGDAO_TRUSTED_PROXIES`, the client is the nearest address in
//! `X-Forwarded-For` that is not itself a trusted proxy, and the request's
//! `ConnectInfo` is rewritten to it — every reader of the client address
//! (sign-in, registration, ratings) then sees the real client. From any
//! other peer the header is ignored.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::Response;

pub async fn real_client(
    State(trusted): State<Arc<Vec<IpAddr>>>,
    mut req: Request,
    next: Next,
) -> Response {
    if let Some(ConnectInfo(peer)) = req.extensions().get::<ConnectInfo<SocketAddr>>().copied()
        && let Some(ip) = client(peer.ip(), req.headers(), &trusted)
    {
        req.extensions_mut()
            .insert(ConnectInfo(SocketAddr::new(ip, peer.port())));
    }
    next.run(req).await
}

/// The client a trusted proxy forwarded for; `None` when the peer is not
/// trusted or the header names no one usable.
pub fn client(peer: IpAddr, headers: &HeaderMap, trusted: &[IpAddr]) -> Option<IpAddr> {
    if !trusted.contains(&peer) {
        return None;
    }
    // Several headers and several hops: the rightmost entries were added by
    // our own proxies; the first one from the right that is not ours is the
    // client (anything left of it the client could have written).
    let hops: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    for hop in hops.iter().rev() {
        let ip: IpAddr = hop.parse().ok()?;
        if !trusted.contains(&ip) {
            return Some(ip);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(values: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in values {
            h.append("x-forwarded-for", v.parse().expect("header"));
        }
        h
    }

    #[test]
    fn only_a_trusted_peer_is_believed() {
        let proxy: IpAddr = "10.0.0.5".parse().expect("ip");
        let stranger: IpAddr = "203.0.113.9".parse().expect("ip");
        let h = headers(&["198.51.100.7"]);
        assert_eq!(
            client(proxy, &h, &[proxy]),
            Some("198.51.100.7".parse().expect("ip"))
        );
        assert_eq!(client(stranger, &h, &[proxy]), None);
        assert_eq!(client(proxy, &HeaderMap::new(), &[proxy]), None);
    }

    #[test]
    fn the_client_is_the_rightmost_untrusted_hop() {
        let p1: IpAddr = "10.0.0.5".parse().expect("ip");
        let p2: IpAddr = "10.0.0.6".parse().expect("ip");
        // A client that forged "1.2.3.4" in front of its real address.
        let h = headers(&["1.2.3.4, 198.51.100.7", "10.0.0.6"]);
        assert_eq!(
            client(p1, &h, &[p1, p2]),
            Some("198.51.100.7".parse().expect("ip"))
        );
        // Garbage where the client should be: no answer, the peer stays.
        assert_eq!(client(p1, &headers(&["nonsense"]), &[p1]), None);
    }
}
