//! `/hit/{id}`: the view beacon (POST, from the page's script) and the
//! `<noscript>` pixel (GET `/hit/{id}.gif`).

use std::net::SocketAddr;

use axum::{
    body::Bytes,
    extract::{ConnectInfo, Path, State},
    http::{HeaderMap, HeaderValue, Method, StatusCode, header},
    response::{IntoResponse, Response},
};
use jiff::Timestamp;

use gazette_domain::ArticleId;

use crate::{
    AppError, AppState, client,
    counter::{Hit, Outcome},
};

/// The smallest transparent GIF.
const PIXEL: &[u8] = &[
    0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00,
    0xff, 0xff, 0xff, 0x21, 0xf9, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x2c, 0x00, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3b,
];

/// Answers to hits are never cached: each one must reach the server.
const NO_STORE: (header::HeaderName, &str) = (header::CACHE_CONTROL, "no-store");

/// Largest body a beacon may carry; `sendBeacon` sends none.
pub const MAX_HIT_BODY: usize = 1024;

/// POST `/hit/{id}`: 202 when the view counted, 204 when it did not.
pub async fn beacon(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(target): Path<String>,
    headers: HeaderMap,
    _body: Bytes,
) -> Result<Response, AppError> {
    let id = parse_target(&target, false)?;
    let outcome = count(&state, &headers, peer, id).await?;
    let status = if outcome == Outcome::Counted {
        StatusCode::ACCEPTED
    } else {
        StatusCode::NO_CONTENT
    };
    Ok((status, [NO_STORE], [outcome_header(outcome)]).into_response())
}

/// GET `/hit/{id}.gif`: always the pixel; the `Gazette-Hit` header says
/// whether the view counted. HEAD requests never count.
pub async fn pixel(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(target): Path<String>,
    method: Method,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let id = parse_target(&target, true)?;
    let outcome = if method == Method::HEAD {
        None
    } else {
        Some(count(&state, &headers, peer, id).await?)
    };
    let mut resp = (
        StatusCode::OK,
        [NO_STORE, (header::CONTENT_TYPE, "image/gif")],
        PIXEL,
    )
        .into_response();
    if let Some(o) = outcome {
        resp.headers_mut().extend([outcome_header(o)]);
    }
    Ok(resp)
}

fn outcome_header(o: Outcome) -> (header::HeaderName, HeaderValue) {
    (
        header::HeaderName::from_static("gazette-hit"),
        HeaderValue::from_static(o.as_str()),
    )
}

/// "123" for beacons, "123.gif" for pixels.
fn parse_target(target: &str, pixel: bool) -> Result<ArticleId, AppError> {
    let digits = if pixel {
        target.strip_suffix(".gif")
    } else {
        Some(target)
    };
    digits
        .filter(|d| !d.is_empty() && d.len() <= 18 && d.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|d| d.parse::<i64>().ok())
        .map(ArticleId)
        .ok_or_else(|| AppError::bad_request("a hit names an article by its number"))
}

async fn count(
    state: &AppState,
    headers: &HeaderMap,
    peer: SocketAddr,
    article: ArticleId,
) -> Result<Outcome, AppError> {
    let ip = client::address(state, headers, peer);
    if !state.counter.allow(ip) {
        return Err(AppError::TooManyRequests);
    }
    if !state.counter.is_live(state.store.as_ref(), article).await? {
        return Err(AppError::NotFound);
    }
    let user_agent = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let hit = Hit {
        article,
        client: ip,
        user_agent,
        prefetch: is_prefetch(headers),
        staff: client::is_staff(state, headers, Timestamp::now().as_second()),
    };
    Ok(state.counter.record(&hit))
}

/// Browsers mark speculative loads: `Sec-Purpose: prefetch`,
/// `Purpose: prefetch`, `X-Moz: prefetch`, `X-Purpose: preview`.
fn is_prefetch(headers: &HeaderMap) -> bool {
    ["sec-purpose", "purpose", "x-moz", "x-purpose"]
        .iter()
        .filter_map(|h| headers.get(*h).and_then(|v| v.to_str().ok()))
        .any(|v| {
            let v = v.to_ascii_lowercase();
            v.contains("prefetch") || v.contains("prerender") || v.contains("preview")
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_are_article_numbers() {
        assert_eq!(parse_target("42", false).unwrap(), ArticleId(42));
        assert_eq!(parse_target("42.gif", true).unwrap(), ArticleId(42));
        for bad in ["", "x", "-1", "42.gif", "1e5", "99999999999999999999"] {
            assert!(parse_target(bad, false).is_err(), "{bad}");
        }
        assert!(parse_target("42", true).is_err());
    }

    #[test]
    fn speculative_loads_are_recognised() {
        let mut h = HeaderMap::new();
        assert!(!is_prefetch(&h));
        h.insert("sec-purpose", "prefetch;prerender".parse().unwrap());
        assert!(is_prefetch(&h));
        let mut h = HeaderMap::new();
        h.insert("purpose", "prefetch".parse().unwrap());
        assert!(is_prefetch(&h));
    }
}
