//! `/hit/{id}?t=TOKEN`: the view beacon (POST, from the page's script)
//! and the `<noscript>` pixel (GET `/hit/{id}.gif?t=TOKEN`).
//!
//! A hit counts only when it plainly comes from one of our pages: it
//! carries the signed, short-lived hit token the page was rendered with
//! (so it works from cached pages and without JavaScript), and where the
//! browser says where it comes from (`Sec-Fetch-Site`, `Origin`,
//! `Referer`), that is this site. Another site embedding the pixel or
//! calling `sendBeacon` gets answers, never counts.

use axum::{
    body::Bytes,
    extract::{Path, Query, State},
    http::{HeaderMap, HeaderValue, Method, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::Deserialize;

use gazette_core::{Hit, Outcome};
use gazette_domain::ArticleId;

use crate::{
    AppError, AppState,
    auth::{Client, Staff},
};

/// The smallest transparent GIF.
const PIXEL: &[u8] = &[
    0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00,
    0xff, 0xff, 0xff, 0x21, 0xf9, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x2c, 0x00, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3b,
];

/// Answers to hits are never cached: each one must reach the server.
const NO_STORE: (header::HeaderName, &str) = (header::CACHE_CONTROL, "no-store");

/// Largest body a beacon may send (it sends none).
pub const MAX_HIT_BODY: usize = 1024;

#[derive(Deserialize)]
pub struct HitQuery {
    /// The page's hit token.
    t: Option<String>,
}

/// POST `/hit/{id}?t=TOKEN`: 202 when the view counted, 204 when it did
/// not (the `Gazette-Hit` header says why), 4xx for a bad request.
pub async fn beacon(
    State(state): State<AppState>,
    Client(client): Client,
    Staff(staff): Staff,
    Path(target): Path<String>,
    Query(q): Query<HitQuery>,
    headers: HeaderMap,
    _body: Bytes,
) -> Result<Response, AppError> {
    let id = parse_target(&target, false)?;
    let outcome = count(&state, &headers, client, staff, id, q.t.as_deref()).await?;
    let status = if outcome == Outcome::Counted {
        StatusCode::ACCEPTED
    } else {
        StatusCode::NO_CONTENT
    };
    Ok((status, [NO_STORE], [outcome_header(outcome)]).into_response())
}

/// GET `/hit/{id}.gif?t=TOKEN`: always the pixel; the `Gazette-Hit` header
/// says whether the view counted. HEAD requests never count.
pub async fn pixel(
    State(state): State<AppState>,
    Client(client): Client,
    Staff(staff): Staff,
    Path(target): Path<String>,
    Query(q): Query<HitQuery>,
    method: Method,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let id = parse_target(&target, true)?;
    let outcome = if method == Method::HEAD {
        None
    } else {
        Some(count(&state, &headers, client, staff, id, q.t.as_deref()).await?)
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
    client: std::net::IpAddr,
    staff: bool,
    article: ArticleId,
    token: Option<&str>,
) -> Result<Outcome, AppError> {
    let core = &state.core;
    if !core.views.allow(client) {
        return Err(AppError::TooManyRequests);
    }
    if !core.is_live(article).await? {
        return Err(AppError::NotFound);
    }
    let genuine = from_our_page(headers)
        && token.is_some_and(|t| core.views.check_hit_token(article, t, core.now()));
    if !genuine {
        core.views.note(Outcome::Forged);
        return Ok(Outcome::Forged);
    }
    let user_agent = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let hit = Hit {
        article,
        client,
        user_agent,
        prefetch: is_prefetch(headers),
        staff,
    };
    Ok(core.record_hit(&hit).await?)
}

/// Whether what the browser says about where the request comes from (if
/// it says anything) is this site: `Sec-Fetch-Site` must be `same-origin`,
/// and `Origin` and `Referer` must name the host the request was sent to.
fn from_our_page(headers: &HeaderMap) -> bool {
    let text = |name: header::HeaderName| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok())
        && site != "same-origin"
    {
        return false;
    }
    let host = text(header::HOST).map(str::to_ascii_lowercase);
    let same_host = |url: &str| {
        let rest = url.split_once("://").map_or(url, |(_, r)| r);
        let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
        host.as_deref()
            .is_some_and(|h| authority.eq_ignore_ascii_case(h))
    };
    if let Some(origin) = text(header::ORIGIN)
        && !same_host(origin)
    {
        return false;
    }
    if let Some(referer) = text(header::REFERER)
        && !same_host(referer)
    {
        return false;
    }
    true
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
    fn only_hits_from_our_own_pages_are_genuine() {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, "news.example".parse().unwrap());
        assert!(from_our_page(&h), "an old browser says nothing");
        h.insert("sec-fetch-site", "same-origin".parse().unwrap());
        h.insert(header::ORIGIN, "https://news.example".parse().unwrap());
        h.insert(
            header::REFERER,
            "https://news.example/articles/x".parse().unwrap(),
        );
        assert!(from_our_page(&h));
        for (name, value) in [
            ("sec-fetch-site", "cross-site"),
            ("sec-fetch-site", "same-site"),
            ("sec-fetch-site", "none"),
            ("origin", "https://evil.example"),
            ("origin", "null"),
            ("referer", "https://evil.example/embeds-us"),
            ("referer", "https://news.example.evil.example/"),
        ] {
            let mut bad = h.clone();
            bad.insert(
                header::HeaderName::from_static(name),
                value.parse().unwrap(),
            );
            assert!(!from_our_page(&bad), "{name}: {value}");
        }
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
