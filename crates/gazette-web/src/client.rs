//! Who sent a request: the client's address, behind the reverse proxies
//! Gazette is told to trust.

use std::{
    net::{IpAddr, SocketAddr},
    str::FromStr,
};

use axum::http::HeaderMap;
use ipnet::IpNet;

/// The reverse proxies (or CDN ranges) whose client-address header is
/// believed, and the header they set.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies {
    /// The header a proxy appends the client's address to
    /// (`X-Forwarded-For`).
    pub header: Option<String>,
    /// Addresses and networks of the trusted proxies.
    pub networks: Vec<IpNet>,
}

impl TrustedProxies {
    /// `header` from the proxies at `networks` (`10.0.0.5`, `10.1.0.0/16`,
    /// `::1`). A bad entry is an error naming it.
    pub fn new(header: &str, networks: &[String]) -> Result<Self, String> {
        let networks = networks
            .iter()
            .map(|n| {
                IpNet::from_str(n.trim())
                    .or_else(|_| IpAddr::from_str(n.trim()).map(IpNet::from))
                    .map_err(|_| {
                        format!(
                            "`{n}` is not an IP address or network (e.g. 10.0.0.5 or 10.0.0.0/8)"
                        )
                    })
            })
            .collect::<Result<_, _>>()?;
        Ok(TrustedProxies {
            header: Some(header.to_owned()),
            networks,
        })
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.networks.iter().any(|n| n.contains(&ip))
    }

    /// The client's address. Only when the connection comes from a trusted
    /// proxy is its header read: every entry of every line of it, in order,
    /// from the right, skipping the trusted proxies themselves; the first
    /// other address is the client. A header from anyone else, or one that
    /// holds no valid address, is ignored.
    pub fn client(&self, headers: &HeaderMap, peer: SocketAddr) -> IpAddr {
        let peer_ip = peer.ip().to_canonical();
        let Some(name) = &self.header else {
            return peer_ip;
        };
        if !self.trusts(peer_ip) {
            return peer_ip;
        }
        let entries: Vec<&str> = headers
            .get_all(name.as_str())
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .collect();
        for entry in entries.iter().rev() {
            let Some(ip) = parse_entry(entry) else {
                // Garbage appended by someone: stop believing the rest.
                return peer_ip;
            };
            if !self.trusts(ip) {
                return ip;
            }
        }
        peer_ip
    }
}

/// An address as proxies write it: `1.2.3.4`, `1.2.3.4:5678`, `2001:db8::1`
/// or `[2001:db8::1]:5678`.
fn parse_entry(entry: &str) -> Option<IpAddr> {
    if let Ok(ip) = entry.parse::<IpAddr>() {
        return Some(ip.to_canonical());
    }
    if let Ok(sock) = entry.parse::<SocketAddr>() {
        return Some(sock.ip().to_canonical());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(lines: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for l in lines {
            h.append("x-forwarded-for", l.parse().unwrap());
        }
        h
    }

    fn proxies() -> TrustedProxies {
        TrustedProxies::new(
            "X-Forwarded-For",
            &["10.0.0.0/8".into(), "192.0.2.7".into()],
        )
        .unwrap()
    }

    fn peer(ip: &str) -> SocketAddr {
        SocketAddr::new(ip.parse().unwrap(), 40000)
    }

    #[test]
    fn the_header_is_read_only_from_trusted_proxies() {
        let p = proxies();
        let h = headers(&["198.51.100.9"]);
        assert_eq!(p.client(&h, peer("10.1.2.3")).to_string(), "198.51.100.9");
        assert_eq!(
            p.client(&h, peer("203.0.113.50")).to_string(),
            "203.0.113.50",
            "anyone else's header is ignored"
        );
    }

    #[test]
    fn the_client_is_the_last_address_no_trusted_proxy_added() {
        let p = proxies();
        // The client forged the first entry; our two proxies appended theirs.
        let h = headers(&["6.6.6.6, 198.51.100.9", "10.0.0.2"]);
        assert_eq!(p.client(&h, peer("192.0.2.7")).to_string(), "198.51.100.9");
        let h = headers(&["[2001:db8::5]:1234, 10.9.9.9:80"]);
        assert_eq!(p.client(&h, peer("10.0.0.1")).to_string(), "2001:db8::5");
    }

    #[test]
    fn garbage_and_empty_headers_fall_back_to_the_connection() {
        let p = proxies();
        for lines in [vec!["not-an-ip"], vec![""], vec![]] {
            assert_eq!(
                p.client(&headers(&lines), peer("10.0.0.1")).to_string(),
                "10.0.0.1",
                "{lines:?}"
            );
        }
        let h = headers(&["10.0.0.3, 10.0.0.4"]);
        assert_eq!(p.client(&h, peer("10.0.0.1")).to_string(), "10.0.0.1");
    }

    #[test]
    fn no_header_configured_means_the_connection() {
        let p = TrustedProxies::default();
        let h = headers(&["198.51.100.9"]);
        assert_eq!(p.client(&h, peer("10.0.0.1")).to_string(), "10.0.0.1");
        assert!(TrustedProxies::new("X-Forwarded-For", &["nonsense".into()]).is_err());
    }
}
