//! Signed form tokens and same-origin checks: CSRF protection for every
//! form, and the "too fast to be human" check of the comment form.
//!
//! A token is a keyed BLAKE3 MAC over (purpose, issue time) under the
//! site secret, so a server can verify it without storing anything, and
//! every node shares the secret through the store.

use axum::http::{HeaderMap, header};

/// Why a form was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormError {
    #[error("this form has expired or was altered; reload the page and send it again")]
    BadToken,
    #[error("that was faster than anyone can read and type; wait a few seconds and send it again")]
    TooFast,
    #[error("this form was sent from another site")]
    CrossSite,
}

/// A token for a form with `purpose`, issued at `now` (Unix seconds).
pub fn issue(secret: &[u8], purpose: &str, now: i64) -> String {
    mac(secret, purpose, now).to_hex().to_string()
}

/// Checks a token sent back with a form.
pub fn verify(
    secret: &[u8],
    purpose: &str,
    issued: i64,
    token: &str,
    now: i64,
    min_age: i64,
    max_age: i64,
) -> Result<(), FormError> {
    let Ok(sent) = blake3::Hash::from_hex(token.trim()) else {
        return Err(FormError::BadToken);
    };
    // blake3::Hash compares in constant time.
    if sent != mac(secret, purpose, issued) {
        return Err(FormError::BadToken);
    }
    let age = now - issued;
    if age < 0 || age > max_age {
        return Err(FormError::BadToken);
    }
    if age < min_age {
        return Err(FormError::TooFast);
    }
    Ok(())
}

fn mac(secret: &[u8], purpose: &str, issued: i64) -> blake3::Hash {
    let key = blake3::derive_key("gazette form token v1", secret);
    let mut h = blake3::Hasher::new_keyed(&key);
    h.update(purpose.as_bytes());
    h.update(&[0]);
    h.update(&issued.to_le_bytes());
    h.finalize()
}

/// Refuses requests a browser marks as cross-site, and requests whose
/// `Origin` names another host than the one they were sent to.
pub fn same_origin(headers: &HeaderMap) -> Result<(), FormError> {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok())
        && site == "cross-site"
    {
        return Err(FormError::CrossSite);
    }
    let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    match (origin, host) {
        (Some("null"), _) => Err(FormError::CrossSite),
        (Some(origin), Some(host)) => {
            let origin_host = origin.split("://").nth(1).unwrap_or(origin);
            if origin_host.eq_ignore_ascii_case(host) {
                Ok(())
            } else {
                Err(FormError::CrossSite)
            }
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: &[u8] = b"0123456789abcdef0123456789abcdef";

    #[test]
    fn tokens_verify_for_their_purpose_and_time_only() {
        let t = issue(S, "comment:1", 1000);
        assert_eq!(verify(S, "comment:1", 1000, &t, 1010, 3, 86400), Ok(()));
        assert_eq!(
            verify(S, "comment:2", 1000, &t, 1010, 3, 86400),
            Err(FormError::BadToken)
        );
        assert_eq!(
            verify(S, "comment:1", 999, &t, 1010, 3, 86400),
            Err(FormError::BadToken)
        );
        assert_eq!(
            verify(b"other secret", "comment:1", 1000, &t, 1010, 3, 86400),
            Err(FormError::BadToken)
        );
        assert_eq!(
            verify(S, "comment:1", 1000, "zz", 1010, 3, 86400),
            Err(FormError::BadToken)
        );
    }

    #[test]
    fn too_fast_and_too_old_are_refused() {
        let t = issue(S, "p", 1000);
        assert_eq!(
            verify(S, "p", 1000, &t, 1001, 3, 86400),
            Err(FormError::TooFast)
        );
        assert_eq!(
            verify(S, "p", 1000, &t, 1000 + 86401, 3, 86400),
            Err(FormError::BadToken)
        );
        assert_eq!(
            verify(S, "p", 1000, &t, 990, 3, 86400),
            Err(FormError::BadToken)
        );
    }

    #[test]
    fn cross_site_posts_are_refused() {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, "news.example".parse().unwrap());
        assert!(same_origin(&h).is_ok());
        h.insert(header::ORIGIN, "https://news.example".parse().unwrap());
        assert!(same_origin(&h).is_ok());
        h.insert(header::ORIGIN, "https://evil.example".parse().unwrap());
        assert_eq!(same_origin(&h), Err(FormError::CrossSite));
        let mut h2 = HeaderMap::new();
        h2.insert("sec-fetch-site", "cross-site".parse().unwrap());
        assert_eq!(same_origin(&h2), Err(FormError::CrossSite));
    }
}
