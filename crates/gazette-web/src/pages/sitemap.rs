//! What search engines read: `robots.txt`, `sitemap.xml` (an index over
//! sitemaps of at most 50,000 addresses each), and a Google News sitemap
//! of the last two days' stories.
//!
//! Story sitemaps are cut by id range (`/sitemaps/stories-N.xml` holds ids
//! from N×50,000 on): a file's addresses never move to another file as the
//! newsroom grows.

use axum::{
    extract::{Path, State},
    http::header,
    response::{IntoResponse, Response},
};
use quick_xml::escape::escape;

use gazette_domain::ArticleId;

use crate::{AppError, AppState, urls};

/// Addresses per sitemap file, the protocol's limit.
pub const PER_SITEMAP: i64 = 50_000;
/// The news sitemap's window and size, Google News' limits.
const NEWS_HOURS: i64 = 48;
const NEWS_MAX: u32 = 1_000;

fn xml(body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/xml; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        body,
    )
        .into_response()
}

fn w3c(t: jiff::Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

pub async fn robots(State(state): State<AppState>) -> Response {
    let base = state.core.newsroom.base_url.trim_end_matches('/');
    (
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        format!(
            "User-agent: *\nAllow: /\nDisallow: /search?\nDisallow: /staff\nDisallow: /api/\nDisallow: /hit/\n\nSitemap: {base}/sitemap.xml\nSitemap: {base}/news-sitemap.xml\n"
        ),
    )
        .into_response()
}

pub async fn index(State(state): State<AppState>) -> Result<Response, AppError> {
    let base = state.core.newsroom.base_url.trim_end_matches('/');
    let last = state.core.store.last_article_id().await?;
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    // No `lastmod`: the time of the request is not when those pages
    // changed (a search engine stops trusting a sitemap's dates that are
    // always "now", and every render would be a new page to revalidate).
    out.push_str(&format!(
        "<sitemap><loc>{}</loc></sitemap>\n",
        escape(format!("{base}/sitemaps/pages.xml"))
    ));
    for n in 0..=(last.0 / PER_SITEMAP) {
        out.push_str(&format!(
            "<sitemap><loc>{}</loc></sitemap>\n",
            escape(format!("{base}/sitemaps/stories-{n}.xml"))
        ));
    }
    out.push_str("</sitemapindex>\n");
    Ok(xml(out))
}

pub async fn stories(
    State(state): State<AppState>,
    Path(file): Path<String>,
) -> Result<Response, AppError> {
    let n: i64 = file
        .strip_prefix("stories-")
        .and_then(|f| f.strip_suffix(".xml"))
        .and_then(|n| n.parse().ok())
        .filter(|n| (0..=i64::MAX / PER_SITEMAP - 1).contains(n))
        .ok_or(AppError::NotFound)?;
    let last = state.core.store.last_article_id().await?;
    if n > last.0 / PER_SITEMAP {
        return Err(AppError::NotFound);
    }
    let base = state.core.newsroom.base_url.trim_end_matches('/');
    let entries = state
        .core
        .store
        .sitemap_entries(
            ArticleId(n * PER_SITEMAP),
            ArticleId((n + 1) * PER_SITEMAP),
            state.core.now(),
        )
        .await?;
    let mut out = String::with_capacity(entries.len() * 120 + 200);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for e in entries {
        out.push_str(&format!(
            "<url><loc>{}</loc><lastmod>{}</lastmod></url>\n",
            escape(format!("{base}{}", urls::article(&e.slug))),
            w3c(e.updated_at)
        ));
    }
    out.push_str("</urlset>\n");
    Ok(xml(out))
}

/// `/sitemaps/{file}`: `pages.xml` or `stories-N.xml`.
pub async fn file(state: State<AppState>, path: Path<String>) -> Result<Response, AppError> {
    if path.0 == "pages.xml" {
        return pages(&state.0).await;
    }
    stories(state, path).await
}

/// The front page, sections, the weekly editions and their archive.
async fn pages(state: &AppState) -> Result<Response, AppError> {
    let base = state.core.newsroom.base_url.trim_end_matches('/');
    let mut paths: Vec<String> = vec![urls::home().to_owned(), urls::weeks().to_owned()];
    for s in state.core.sections().await?.iter() {
        paths.push(urls::section(&s.slug));
    }
    if let Some((first, this)) = crate::pages::week::edition_weeks(state).await? {
        let mut w = this;
        loop {
            paths.push(urls::week(w));
            match w.previous() {
                Some(p) if p >= first => w = p,
                _ => break,
            }
        }
    }
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for p in paths.iter().take(PER_SITEMAP as usize) {
        out.push_str(&format!(
            "<url><loc>{}</loc></url>\n",
            escape(format!("{base}{p}"))
        ));
    }
    out.push_str("</urlset>\n");
    Ok(xml(out))
}

/// Google News: the stories of the last two days, newest first.
pub async fn news(State(state): State<AppState>) -> Result<Response, AppError> {
    let core = &state.core;
    let base = core.newsroom.base_url.trim_end_matches('/');
    let now = core.now();
    let since = now - jiff::SignedDuration::from_hours(NEWS_HOURS);
    let stories = core
        .store
        // The end is exclusive: a story of this very second is in.
        .articles_published_between(
            since,
            now + jiff::SignedDuration::from_secs(1),
            now,
            NEWS_MAX,
        )
        .await?;
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:news=\"http://www.google.com/schemas/sitemap-news/0.9\">\n",
    );
    let name = escape(&core.newsroom.name).into_owned();
    let lang = escape(&core.newsroom.language).into_owned();
    // Another publication's story we carry is theirs to list.
    for s in stories.iter().filter(|s| s.canonical_url.is_none()) {
        let Some(published) = &s.published_at else {
            continue;
        };
        out.push_str(&format!(
            "<url><loc>{}</loc><news:news><news:publication><news:name>{name}</news:name><news:language>{lang}</news:language></news:publication><news:publication_date>{}</news:publication_date><news:title>{}</news:title></news:news></url>\n",
            escape(format!("{base}{}", urls::article(&s.slug))),
            published.strftime("%Y-%m-%dT%H:%M:%S%:z"),
            escape(&s.headline),
        ));
    }
    out.push_str("</urlset>\n");
    Ok(xml(out))
}
