//! Rendered reader pages kept in memory, compressed once, revalidated with
//! `ETag`/`Last-Modified`, and forgotten precisely when what they show
//! changes.
//!
//! Pages are public and the same for every reader, so a rendered page is
//! served from memory instead of the database and the templates, for at
//! most `ttl`. Each page records what it shows ([`Shows`]: the story it is
//! about, the stories it lists); a change forgets only the pages it makes
//! stale, on every node (changes arrive from the store's feed):
//!
//! - a story's comments changed: its page and every page listing it;
//! - a story was saved: its page, every page listing it, and every page
//!   that is not a story's page (front page, sections, weeks, feeds,
//!   sitemaps: the story may now belong there);
//! - a ranking froze, sections moved, or anything else: every page.
//!
//! A page is compressed with gzip or brotli the first time a client asks
//! for that encoding, and the result kept with it: once per render, never
//! per request, and never for a page nobody asked compressed (most of a
//! long-tail archive is read once, by robots that do not ask). Its `ETag`
//! is a hash of its bytes: a client that already has them gets a `304`
//! without a body. A large body (a week's edition) is also kept in a
//! sealed memory file and leaves through `sendfile(2)` (see
//! [`crate::sendfile`]).

use std::{
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};

use axum::{
    body::{Body, Bytes},
    extract::{Request, State},
    http::{HeaderMap, HeaderValue, Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};

use crate::AppState;

/// Largest page kept; anything bigger is served but not cached.
const MAX_PAGE_BYTES: usize = 2 * 1024 * 1024;

/// Smaller bodies are not worth compressing.
const COMPRESS_FROM: usize = 1024;

/// What a page shows, set by its handler as a response extension: the
/// story it is about (for a story's page) and the stories it lists.
#[derive(Clone, Debug, Default)]
pub struct Shows {
    pub article: Option<i64>,
    /// Stories listed with their counts (summaries).
    pub listed: Arc<[i64]>,
    /// Stories named without counts (the top-stories strip).
    pub named: Arc<[i64]>,
}

/// Values a page carries that change with every render without making it
/// another page: a form's timestamp and its token. Set by the handler as a
/// response extension, and left out of the page's `ETag`: a page rendered
/// again that shows the same keeps its validators, so a browser or CDN
/// holding it gets a `304` (and keeps its copy's form, valid for a day).
/// The view beacon's token changes every ten minutes and is not a stamp:
/// it bounds how old a revalidated copy's beacon can be.
#[derive(Clone, Debug, Default)]
pub struct Stamps(pub Vec<String>);

#[derive(Clone)]
struct Page {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
    /// Made on first demand, shared by every clone the cache hands out.
    gzip: Arc<std::sync::OnceLock<Option<Bytes>>>,
    br: Arc<std::sync::OnceLock<Option<Bytes>>>,
    etag: HeaderValue,
    last_modified: HeaderValue,
    shows: Shows,
}

pub struct PageCache {
    /// Shared, not copied: a hit hands out the page without cloning its
    /// headers and lists.
    pages: Option<moka::future::Cache<String, Arc<Page>>>,
    /// Part of every key: clearing starts a new generation, and pages of
    /// old ones are never found again (they age out).
    generation: AtomicU64,
    /// Bumped by every forgetting: a page rendered across one is served
    /// but not kept (it may show what was just forgotten).
    forgettings: AtomicU64,
    /// Requests that could have been answered from the cache, and those
    /// of them that had to render (the rest were hits).
    lookups: AtomicU64,
    misses: AtomicU64,
    /// When each version of a page (by validator) was first rendered: its
    /// `Last-Modified`, the same for every render that shows the same.
    seen: moka::future::Cache<[u8; 32], jiff::Timestamp>,
}

impl PageCache {
    /// A cache keeping pages for `ttl` (zero: no cache), up to `max_bytes`.
    pub fn new(ttl: Duration, max_bytes: u64) -> Self {
        let pages = (!ttl.is_zero()).then(|| {
            moka::future::Cache::builder()
                .time_to_live(ttl)
                .max_capacity(max_bytes)
                .weigher(|k: &String, p: &Arc<Page>| {
                    // A filed body is kept twice (memory and file).
                    let filed = if p.body.len() >= crate::sendfile::SENDFILE_FROM {
                        p.body.len()
                    } else {
                        0
                    };
                    let bytes = k.len()
                        + p.body.len()
                        + filed
                        + p.body.len() / 2
                        + 8 * (p.shows.listed.len() + p.shows.named.len())
                        + 512;
                    u32::try_from(bytes).unwrap_or(u32::MAX)
                })
                .support_invalidation_closures()
                .build()
        });
        PageCache {
            pages,
            generation: Default::default(),
            forgettings: Default::default(),
            lookups: AtomicU64::new(0),
            misses: AtomicU64::new(0),
            seen: moka::future::Cache::builder()
                .max_capacity(200_000)
                .time_to_idle(Duration::from_secs(24 * 3600))
                .build(),
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
        self.forgettings.fetch_add(1, Ordering::AcqRel);
        self.generation.fetch_add(1, Ordering::Relaxed);
    }

    /// Forgets the pages `change` makes stale.
    pub fn forget(&self, change: &gazette_store::Change) {
        use gazette_store::Change;
        let Some(pages) = &self.pages else {
            return;
        };
        self.forgettings.fetch_add(1, Ordering::AcqRel);
        let result = match *change {
            Change::Comments(id) => {
                let id = id.0;
                pages.invalidate_entries_if(move |_, p| {
                    p.shows.article == Some(id) || p.shows.listed.contains(&id)
                })
            }
            Change::Article(id) => {
                let id = id.0;
                pages.invalidate_entries_if(move |_, p| {
                    p.shows.article.is_none_or(|a| a == id)
                        || p.shows.listed.contains(&id)
                        || p.shows.named.contains(&id)
                })
            }
            Change::Sections | Change::Ranking(_) | Change::Everything => {
                self.clear();
                return;
            }
        };
        if let Err(e) = result {
            tracing::warn!(error = %e, "could not forget pages precisely; forgetting them all");
            self.clear();
        }
    }
}

/// Which requests may be answered from the cache: reader pages, the same
/// for everyone. Hits, the API, staff pages and pages that greet one
/// reader (`?comment=`, `?reply_to=`) never are.
fn cacheable(method: &Method, uri: &axum::http::Uri) -> bool {
    if method != Method::GET && method != Method::HEAD {
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
        let page = pages.get(&key).await?;
        Some(page.answer(req.method(), req.headers()))
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
    let cache = &state.page_cache;
    if !cacheable(req.method(), req.uri()) {
        return next.run(req).await;
    }
    let method = req.method().clone();
    let asked = req.headers().clone();
    let (Some(pages), Some(key)) = (&cache.pages, cache.key(req.uri())) else {
        // No cache: the page is still compressed and revalidated.
        let resp = next.run(req).await;
        return match Page::from_response(resp, &cache.seen).await {
            Ok(page) => page.answer(&method, &asked),
            Err(resp) => resp,
        };
    };
    if req.extensions().get::<LookedUp>().is_none() {
        cache.lookups.fetch_add(1, Ordering::Relaxed);
        if let Some(page) = pages.get(&key).await {
            return page.answer(&method, &asked);
        }
    }
    // One request renders a missing page; the others asking for it at the
    // same moment wait for that one instead of all rendering it at once.
    let misses = &cache.misses;
    let forgettings = &cache.forgettings;
    let rendered = pages
        .try_get_with(key, async move {
            misses.fetch_add(1, Ordering::Relaxed);
            let before = forgettings.load(Ordering::Acquire);
            let resp = next.run(req).await;
            match Page::from_response(resp, &cache.seen).await {
                // A change landed while it rendered: served, not kept.
                Ok(page) if forgettings.load(Ordering::Acquire) != before => {
                    Err(Uncached::Page(Box::new(page)))
                }
                // Kept: a large body may leave by sendfile from now on.
                Ok(page) => Ok(Arc::new(Page {
                    body: crate::sendfile::filed(page.body),
                    ..page
                })),
                Err(resp) => Err(Uncached::Plain(Plain::read(resp).await)),
            }
        })
        .await;
    match rendered {
        Ok(page) => page.answer(&method, &asked),
        Err(uncached) => match &*uncached {
            Uncached::Page(page) => page.answer(&method, &asked),
            Uncached::Plain(plain) => plain.clone().into_response(),
        },
    }
}

/// A render that is not kept, served to everyone who waited for it: a
/// page rendered across a change, or a response that is not a page to
/// keep (an error page, a redirect).
enum Uncached {
    Page(Box<Page>),
    Plain(Plain),
}

/// A response read whole.
#[derive(Clone)]
struct Plain {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

impl Plain {
    async fn read(resp: Response) -> Plain {
        let (parts, body) = resp.into_parts();
        match axum::body::to_bytes(body, MAX_PAGE_BYTES).await {
            Ok(body) => Plain {
                status: parts.status,
                headers: parts.headers,
                body,
            },
            Err(e) => {
                tracing::error!(error = %e, "could not read a response");
                Plain {
                    status: StatusCode::INTERNAL_SERVER_ERROR,
                    headers: HeaderMap::new(),
                    body: Bytes::new(),
                }
            }
        }
    }
}

impl IntoResponse for Plain {
    fn into_response(self) -> Response {
        (self.status, self.headers, Body::from(self.body)).into_response()
    }
}

fn is_public(headers: &HeaderMap) -> bool {
    headers
        .get(header::CACHE_CONTROL)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("public"))
}

impl Page {
    /// A `200` public page, read whole, hashed and compressed; anything
    /// else comes back as it was.
    async fn from_response(
        resp: Response,
        seen: &moka::future::Cache<[u8; 32], jiff::Timestamp>,
    ) -> Result<Page, Response> {
        if resp.status() != StatusCode::OK
            || !is_public(resp.headers())
            || resp.headers().contains_key(header::SET_COOKIE)
            || resp.headers().contains_key(header::CONTENT_ENCODING)
        {
            return Err(resp);
        }
        let shows = resp
            .extensions()
            .get::<Shows>()
            .cloned()
            .unwrap_or_default();
        let stamps = resp
            .extensions()
            .get::<Stamps>()
            .cloned()
            .unwrap_or_default();
        let (parts, body) = resp.into_parts();
        let body = match axum::body::to_bytes(body, MAX_PAGE_BYTES).await {
            Ok(body) => body,
            Err(e) => {
                tracing::error!(error = %e, "could not read a page for the cache");
                return Err(StatusCode::INTERNAL_SERVER_ERROR.into_response());
            }
        };
        let hash = validator(&body, &stamps.0);
        let etag = HeaderValue::from_str(&format!("\"{}\"", &hash.to_hex()[..20]))
            .expect("hex is a valid header");
        let first = seen
            .get_with(*hash.as_bytes(), async { jiff::Timestamp::now() })
            .await;
        let last_modified =
            HeaderValue::from_str(&http_date(first)).expect("a date is a valid header");
        Ok(Page {
            status: parts.status,
            headers: parts.headers,
            body,
            gzip: Default::default(),
            br: Default::default(),
            etag,
            last_modified,
            shows,
        })
    }

    /// The page for a request with these headers: `304` when the client
    /// has it, else in the best encoding it accepts.
    fn answer(&self, method: &Method, asked: &HeaderMap) -> Response {
        if self.not_modified(asked) {
            // What a 304 carries (RFC 9110 15.4.5): the validators and the
            // caching headers; the client keeps the rest of what it has.
            let mut resp = StatusCode::NOT_MODIFIED.into_response();
            let h = resp.headers_mut();
            h.insert(header::ETAG, self.etag.clone());
            h.insert(header::LAST_MODIFIED, self.last_modified.clone());
            h.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
            if let Some(cc) = self.headers.get(header::CACHE_CONTROL) {
                h.insert(header::CACHE_CONTROL, cc.clone());
            }
            return resp;
        }
        let mut headers = self.headers.clone();
        headers.insert(header::ETAG, self.etag.clone());
        headers.insert(header::LAST_MODIFIED, self.last_modified.clone());
        headers.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
        let small = self.body.len() < COMPRESS_FROM;
        let (body, encoding) = match preferred(asked) {
            _ if small => (None, None),
            Some(Encoding::Br) => (
                self.br
                    .get_or_init(|| brotli(&self.body).map(crate::sendfile::filed))
                    .clone(),
                Some("br"),
            ),
            Some(Encoding::Gzip) => (
                self.gzip
                    .get_or_init(|| gzip(&self.body).map(crate::sendfile::filed))
                    .clone(),
                Some("gzip"),
            ),
            None => (None, None),
        };
        let encoding = encoding.filter(|_| body.is_some());
        if let Some(e) = encoding {
            headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(e));
        }
        let body = body.unwrap_or_else(|| self.body.clone());
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from(body.len()));
        let body = if method == Method::HEAD {
            Body::empty()
        } else {
            Body::from(body)
        };
        let mut resp = (self.status, body).into_response();
        *resp.headers_mut() = headers;
        resp
    }

    fn not_modified(&self, asked: &HeaderMap) -> bool {
        if let Some(tags) = asked.get(header::IF_NONE_MATCH) {
            let tags = tags.to_str().unwrap_or("");
            let ours = self.etag.to_str().unwrap_or("");
            return tags
                .split(',')
                .map(str::trim)
                .any(|t| t == "*" || t == ours || t.strip_prefix("W/") == Some(ours));
        }
        let (Some(since), Ok(ours)) = (
            asked
                .get(header::IF_MODIFIED_SINCE)
                .and_then(|v| v.to_str().ok()),
            self.last_modified.to_str(),
        ) else {
            return false;
        };
        match (parse_http_date(since), parse_http_date(ours)) {
            (Some(since), Some(ours)) => ours <= since,
            _ => false,
        }
    }
}

/// A page's validator: the hash of its bytes, `stamps` left out.
fn validator(body: &[u8], stamps: &[String]) -> blake3::Hash {
    let mut hasher = blake3::Hasher::new();
    let mut rest = body;
    loop {
        let next = stamps
            .iter()
            .map(String::as_bytes)
            .filter(|s| !s.is_empty())
            .filter_map(|s| {
                rest.windows(s.len())
                    .position(|w| w == s)
                    .map(|at| (at, s.len()))
            })
            .min();
        let Some((at, len)) = next else {
            hasher.update(rest);
            return hasher.finalize();
        };
        hasher.update(&rest[..at]);
        rest = &rest[at + len..];
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Encoding {
    Br,
    Gzip,
}

/// Whether `Accept-Encoding` names `coding` without `q=0`.
fn accepts(asked: &HeaderMap, coding: &str) -> bool {
    asked
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|part| {
            let mut bits = part.split(';').map(str::trim);
            let name = bits.next().unwrap_or("");
            let refused = bits.any(|b| {
                b.strip_prefix("q=")
                    .and_then(|q| q.parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            name.eq_ignore_ascii_case(coding) && !refused
        })
}

fn preferred(asked: &HeaderMap) -> Option<Encoding> {
    if accepts(asked, "br") {
        Some(Encoding::Br)
    } else if accepts(asked, "gzip") {
        Some(Encoding::Gzip)
    } else {
        None
    }
}

fn gzip(text: &[u8]) -> Option<Bytes> {
    use std::io::Write;
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
    enc.write_all(text).ok()?;
    enc.finish().ok().map(Bytes::from)
}

fn brotli(text: &[u8]) -> Option<Bytes> {
    let mut out = Vec::with_capacity(text.len() / 4);
    let params = brotli::enc::BrotliEncoderParams {
        quality: 6,
        lgwin: 20,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &text[..], &mut out, &params).ok()?;
    Some(Bytes::from(out))
}

/// An HTTP date: `Sun, 06 Nov 1994 08:49:37 GMT`.
fn http_date(t: jiff::Timestamp) -> String {
    t.strftime("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

fn parse_http_date(s: &str) -> Option<jiff::Timestamp> {
    jiff::fmt::rfc2822::parse(s).ok().map(|z| z.timestamp())
}

impl IntoResponse for Page {
    fn into_response(self) -> Response {
        self.answer(&Method::GET, &HeaderMap::new())
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

    #[test]
    fn a_validator_leaves_out_the_stamps_and_nothing_else() {
        let page = |ts: &str, token: &str, text: &str| {
            format!(
                "<p>{text}</p><input name=\"ts\" value=\"{ts}\">\
                 <input name=\"token\" value=\"{token}\"><p>{ts}</p>"
            )
        };
        let stamps = |ts: &str, token: &str| vec![ts.to_owned(), token.to_owned()];
        let first = validator(
            page("1700", "abc", "News").as_bytes(),
            &stamps("1700", "abc"),
        );
        let again = validator(
            page("1705", "xyz", "News").as_bytes(),
            &stamps("1705", "xyz"),
        );
        assert_eq!(first, again, "rendered again, the same page");
        let edited = validator(
            page("1705", "xyz", "Newz").as_bytes(),
            &stamps("1705", "xyz"),
        );
        assert_ne!(first, edited, "a change outside the stamps");
        let unstamped = validator(page("1700", "abc", "News").as_bytes(), &[]);
        assert_eq!(
            unstamped,
            blake3::hash(page("1700", "abc", "News").as_bytes())
        );
        assert_ne!(first, unstamped);
        // An empty stamp leaves everything in.
        assert_eq!(validator(b"abc", &[String::new()]), blake3::hash(b"abc"));
    }

    #[test]
    fn encodings_follow_the_request() {
        let h = |v: &str| {
            let mut m = HeaderMap::new();
            m.insert(header::ACCEPT_ENCODING, HeaderValue::from_str(v).unwrap());
            m
        };
        assert_eq!(preferred(&h("gzip, deflate, br")), Some(Encoding::Br));
        assert_eq!(preferred(&h("gzip")), Some(Encoding::Gzip));
        assert_eq!(preferred(&h("br;q=0, gzip;q=0.5")), Some(Encoding::Gzip));
        assert_eq!(preferred(&h("identity")), None);
        assert_eq!(preferred(&HeaderMap::new()), None);
    }

    #[test]
    fn dates_round_trip() {
        let t: jiff::Timestamp = "2025-11-24T08:49:37Z".parse().unwrap();
        assert_eq!(http_date(t), "Mon, 24 Nov 2025 08:49:37 GMT");
        assert_eq!(parse_http_date(&http_date(t)), Some(t));
        assert_eq!(parse_http_date("yesterday"), None);
    }
}
