//! Who sent a request: the client's address and whether it is signed-in
//! staff.

use std::net::{IpAddr, SocketAddr};

use axum::http::{HeaderMap, header};

use crate::AppState;

/// The client's address: from the configured proxy header when there is
/// one (its last address, the one our proxy added), else the connection's.
pub fn address(state: &AppState, headers: &HeaderMap, peer: SocketAddr) -> IpAddr {
    if let Some(name) = &state.config.client_ip_header
        && let Some(value) = headers.get(name.as_str()).and_then(|v| v.to_str().ok())
        && let Some(last) = value.rsplit(',').next()
        && let Ok(ip) = last.trim().parse::<IpAddr>()
    {
        return ip;
    }
    peer.ip()
}

/// Name of the staff session cookie. Readers never get a cookie.
pub const STAFF_COOKIE: &str = "gazette_staff";

/// How long a staff sign-in lasts.
pub const STAFF_SESSION_SECS: i64 = 30 * 24 * 3600;

/// A staff session cookie value: its expiry and a MAC over it.
pub fn staff_cookie_value(secret: &[u8], expires: i64) -> String {
    format!("{expires}.{}", staff_mac(secret, expires).to_hex())
}

fn staff_mac(secret: &[u8], expires: i64) -> blake3::Hash {
    let key = blake3::derive_key("gazette staff session v1", secret);
    blake3::keyed_hash(&key, &expires.to_le_bytes())
}

/// Whether the request carries a valid, unexpired staff session.
pub fn is_staff(state: &AppState, headers: &HeaderMap, now: i64) -> bool {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().strip_prefix(STAFF_COOKIE)?.strip_prefix('='))
        .any(|value| {
            let Some((exp, mac)) = value.split_once('.') else {
                return false;
            };
            let (Ok(exp), Ok(mac)) = (exp.parse::<i64>(), blake3::Hash::from_hex(mac)) else {
                return false;
            };
            exp > now && mac == staff_mac(&state.secret, exp)
        })
}

/// Whether the request carries the API token as `Authorization: Bearer`.
pub fn has_api_token(state: &AppState, headers: &HeaderMap) -> bool {
    let Some(token) = &state.config.api_token else {
        return false;
    };
    let Some(sent) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    else {
        return false;
    };
    // Compare digests, so the time taken says nothing about the token.
    blake3::hash(sent.trim().as_bytes()) == blake3::hash(token.as_bytes())
}
