//! A short-lived cache of rendered reader pages (a "microcache").
//!
//! Pages are public and the same for every reader, so for a few seconds a
//! rendered page is served from memory instead of the database and the
//! templates. Counts on pages are refreshed by the view beacon and the
//! comment queue anyway; what readers see is at most `ttl` old. moka gives
//! an async cache bounded by time and by the bytes it holds.

use std::{
    sync::atomic::{AtomicU64, Ordering},
    time::Duration,
};

use axum::{
    body::{Body, Bytes},
    extract::{Request, State},
    http::{HeaderMap, Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};

use crate::AppState;

/// Largest page kept; anything bigger is served but not cached.
const MAX_PAGE_BYTES: usize = 2 * 1024 * 1024;

#[derive(Clone)]
struct Page {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

pub struct PageCache {
    pages: Option<moka::future::Cache<String, Page>>,
    /// Part of every key: clearing starts a new generation, and pages of
    /// old ones are never found again (they age out).
    generation: AtomicU64,
    /// Requests that could have been answered from the cache, and those
    /// of them that had to render (the rest were hits).
    lookups: AtomicU64,
    misses: AtomicU64,
}

impl PageCache {
    /// A cache keeping pages for `ttl` (zero: no cache), up to `max_bytes`.
    pub fn new(ttl: Duration, max_bytes: u64) -> Self {
        let pages = (!ttl.is_zero()).then(|| {
            moka::future::Cache::builder()
                .time_to_live(ttl)
                .max_capacity(max_bytes)
                .weigher(|k: &String, p: &Page| {
                    u32::try_from(k.len() + p.body.len() + 512).unwrap_or(u32::MAX)
                })
                .build()
        });
        PageCache {
            pages,
            generation: Default::default(),
            lookups: AtomicU64::new(0),
            misses: AtomicU64::new(0),
        }
    }

    /// Cacheable requests since start, and those of them that rendered.
    pub fn lookups_and_misses(&self) -> (u64, u64) {
        (
            self.lookups.load(Ordering::Relaxed),
            self.misses.load(Ordering::Relaxed),
        )
    }

    /// Forgets every page, after a change readers should see at once.
    pub fn clear(&self) {
        self.generation.fetch_add(1, Ordering::Relaxed);
    }
}

/// Which requests may be answered from the cache: reader pages, the same
/// for everyone. Hits, the API, staff pages and pages that greet one
/// reader (`?comment=`, `?reply_to=`) never are.
fn cacheable(method: &Method, uri: &axum::http::Uri) -> bool {
    if method != Method::GET {
        return false;
    }
    let reader_page = crate::urls::is_reader_page(uri.path());
    let personal = uri
        .query()
        .is_some_and(|q| q.contains("comment=") || q.contains("reply_to="));
    // `/?p=12` is an old address, not the front page.
    reader_page && !personal && !crate::pages::redirects::names_an_old_page(uri)
}

/// Marks a request that the server already looked up in the cache (and
/// did not find) before routing it.
#[derive(Clone, Copy)]
struct LookedUp;

impl PageCache {
    /// The key of `uri`'s page in the current generation, if it has one.
    fn key(&self, uri: &axum::http::Uri) -> Option<String> {
        let generation = self.generation.load(Ordering::Relaxed);
        cache_key(uri).map(|key| format!("{generation}:{key}"))
    }

    /// Answers `req` from the cache before it is routed, when it can: a
    /// page rendered a moment ago costs no routing and no middleware.
    pub(crate) async fn answer<B>(&self, req: &mut axum::http::Request<B>) -> Option<Response> {
        let pages = self.pages.as_ref()?;
        if !cacheable(req.method(), req.uri()) {
            return None;
        }
        let key = self.key(req.uri())?;
        self.lookups.fetch_add(1, Ordering::Relaxed);
        req.extensions_mut().insert(LookedUp);
        pages.get(&key).await.map(IntoResponse::into_response)
    }
}

/// What decides a cached page: its path, and for listings the page
/// number. Handlers ignore every other parameter, so `?x=random` must not
/// make (or miss) an entry of its own. `None`: not answered from the cache
/// (a `page` that is not a number goes to the handler, which refuses it).
fn cache_key(uri: &axum::http::Uri) -> Option<String> {
    let path = uri.path();
    let mut page = None;
    for pair in uri.query().unwrap_or("").split('&') {
        if let Some(p) = pair.strip_prefix("page=") {
            if page.is_some()
                || p.is_empty()
                || p.len() > 6
                || !p.bytes().all(|b| b.is_ascii_digit())
            {
                return None;
            }
            page = Some(p);
        }
    }
    Some(match page {
        Some(p) => format!("{path}?page={p}"),
        None => path.to_owned(),
    })
}

pub async fn microcache(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let Some(pages) = &state.page_cache.pages else {
        return next.run(req).await;
    };
    if !cacheable(req.method(), req.uri()) {
        return next.run(req).await;
    }
    let Some(key) = state.page_cache.key(req.uri()) else {
        return next.run(req).await;
    };
    if req.extensions().get::<LookedUp>().is_none() {
        state.page_cache.lookups.fetch_add(1, Ordering::Relaxed);
        if let Some(page) = pages.get(&key).await {
            return page.into_response();
        }
    }
    // One request renders a missing page; the others asking for it at the
    // same moment wait for that one instead of all rendering it at once.
    let misses = &state.page_cache.misses;
    let rendered = pages
        .try_get_with(key, async move {
            misses.fetch_add(1, Ordering::Relaxed);
            let resp = next.run(req).await;
            let public = resp
                .headers()
                .get(header::CACHE_CONTROL)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.starts_with("public"));
            let keep = resp.status() == StatusCode::OK
                && public
                && !resp.headers().contains_key(header::SET_COOKIE);
            let (parts, body) = resp.into_parts();
            let page = match axum::body::to_bytes(body, MAX_PAGE_BYTES).await {
                Ok(body) => Page {
                    status: parts.status,
                    headers: parts.headers,
                    body,
                },
                Err(e) => {
                    tracing::error!(error = %e, "could not read a page for the cache");
                    Page {
                        status: StatusCode::INTERNAL_SERVER_ERROR,
                        headers: HeaderMap::new(),
                        body: Bytes::new(),
                    }
                }
            };
            // Not kept: the caller (and anyone waiting with it) still gets it.
            if keep { Ok(page) } else { Err(page) }
        })
        .await;
    match rendered {
        Ok(page) => page.into_response(),
        Err(uncached) => (*uncached).clone().into_response(),
    }
}

impl IntoResponse for Page {
    fn into_response(self) -> Response {
        (self.status, self.headers, Body::from(self.body)).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_page_number_makes_a_new_entry() {
        let key = |u: &str| cache_key(&u.parse().unwrap());
        assert_eq!(key("/sections/x").as_deref(), Some("/sections/x"));
        assert_eq!(
            key("/sections/x?utm=1&x=random").as_deref(),
            Some("/sections/x")
        );
        assert_eq!(
            key("/sections/x?x=1&page=3").as_deref(),
            Some("/sections/x?page=3")
        );
        assert_eq!(key("/sections/x?page=abc"), None);
        assert_eq!(key("/sections/x?page=1&page=2"), None);
        assert_eq!(key("/sections/x?page=99999999999"), None);
    }
}
