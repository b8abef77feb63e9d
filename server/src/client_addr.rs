//! Who is calling: the TCP peer, or, when the peer is one of the configured
//! trusted proxies, the right-most `X-Forwarded-For` hop that is not itself
//! a trusted proxy. `X-Forwarded-For` from anyone else is ignored: a client
//! may write anything there.

use crate::config::HttpConfig;
use http::HeaderMap;
use std::net::{IpAddr, SocketAddr};

pub fn resolve(peer: Option<IpAddr>, headers: &HeaderMap, http: &HttpConfig) -> String {
    let Some(peer) = peer.map(|p| p.to_canonical()) else {
        return "unknown".into();
    };
    if !http.is_trusted_proxy(peer) {
        return peer.to_string();
    }
    let hops: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|h| !h.is_empty())
        .collect();
    // Right to left: each hop was written by the one after it; the first that
    // is not ours is the client as far as our proxies can vouch.
    let mut last = peer;
    for hop in hops.iter().rev() {
        match parse_hop(hop) {
            Some(ip) if http.is_trusted_proxy(ip) => last = ip,
            Some(ip) => return ip.to_string(),
            // Garbage from here on: the last proxy we trust is all we know.
            None => break,
        }
    }
    last.to_string()
}

fn parse_hop(hop: &str) -> Option<IpAddr> {
    hop.parse::<IpAddr>()
        .or_else(|_| hop.parse::<SocketAddr>().map(|s| s.ip()))
        .ok()
        .map(|ip| ip.to_canonical())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn http(proxies: &[&str]) -> HttpConfig {
        HttpConfig {
            trusted_proxies: proxies.iter().map(|p| p.parse().unwrap()).collect(),
            ..HttpConfig::default()
        }
    }

    fn xff(v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("x-forwarded-for", v.parse().unwrap());
        h
    }

    #[test]
    fn untrusted_peers_cannot_choose_their_address() {
        let c = http(&[]);
        let peer = Some("203.0.113.9".parse().unwrap());
        assert_eq!(resolve(peer, &xff("1.2.3.4"), &c), "203.0.113.9");
        let c = http(&["10.0.0.0/8"]);
        assert_eq!(resolve(peer, &xff("1.2.3.4"), &c), "203.0.113.9");
    }

    #[test]
    fn a_trusted_proxy_vouches_for_the_right_most_foreign_hop() {
        let c = http(&["10.0.0.0/8", "127.0.0.1/32"]);
        let peer = Some("10.0.0.2".parse().unwrap());
        // The client's own (forged) entry sits left of what our proxies saw.
        assert_eq!(
            resolve(peer, &xff("6.6.6.6, 198.51.100.7, 10.0.0.5"), &c),
            "198.51.100.7"
        );
        assert_eq!(resolve(peer, &xff("198.51.100.7:4431"), &c), "198.51.100.7");
        assert_eq!(resolve(peer, &HeaderMap::new(), &c), "10.0.0.2");
        assert_eq!(resolve(peer, &xff("10.0.0.9"), &c), "10.0.0.9");
        assert_eq!(
            resolve(peer, &xff("1.1.1.1, junk, 10.0.0.9"), &c),
            "10.0.0.9"
        );
        let mapped = Some("::ffff:127.0.0.1".parse().unwrap());
        assert_eq!(resolve(mapped, &xff("198.51.100.8"), &c), "198.51.100.8");
    }
}
