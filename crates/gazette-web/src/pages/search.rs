//! `/search?q=…`: readers' search over this node's index, with filters by
//! section, contributor, source and date, relevance or newest first.
//!
//! Whatever a reader sends answers a page: an empty query gets the search
//! form with advice, a filter naming nothing is dropped and the page says
//! so, text beyond the index's limit is cut (and said), and every word the
//! reader typed is escaped wherever it is shown.

use axum::{
    extract::{Query, State},
    http::header,
    response::{Html, IntoResponse, Response},
};
use minijinja::context;
use serde::{Deserialize, Serialize};

use gazette_search::{MAX_QUERY_CHARS, Sort};
use gazette_store::StoreError;

use crate::{
    AppError, AppState,
    pages::frame,
    views::{DateView, Layout, v},
};

/// Results per page.
const PER_PAGE: usize = 20;
/// Deepest page offered.
const MAX_PAGE: usize = gazette_search::MAX_OFFSET / PER_PAGE;

/// The query string, every field optional and taken as text: a value that
/// does not parse is reported on the page, never a 400.
#[derive(Deserialize, Default)]
pub struct SearchParams {
    #[serde(default)]
    q: String,
    sort: Option<String>,
    section: Option<String>,
    contributor: Option<String>,
    source: Option<String>,
    from: Option<String>,
    to: Option<String>,
    page: Option<String>,
}

#[derive(Serialize)]
struct HitView {
    href: String,
    headline_html: String,
    snippet_html: String,
    published: DateView,
    section: Option<String>,
    byline: Option<String>,
}

#[derive(Serialize)]
struct Choice {
    value: String,
    name: String,
    selected: bool,
}

pub async fn show(
    State(state): State<AppState>,
    Query(p): Query<SearchParams>,
) -> Result<Response, AppError> {
    let core = &state.core;
    let mut notices: Vec<String> = Vec::new();
    let text = p.q.trim().to_owned();
    let cut = text.chars().count() > MAX_QUERY_CHARS;
    let text: String = text.chars().take(MAX_QUERY_CHARS).collect();
    if cut {
        notices.push(state.templates.text(
            "search-too-long",
            &[("max", (MAX_QUERY_CHARS as i64).into())],
        ));
    }
    let sort = match p.sort.as_deref() {
        Some("newest") => Sort::Newest,
        _ => Sort::Relevance,
    };
    let sections = core.sections().await?;
    let section = match p.section.as_deref().filter(|s| !s.is_empty()) {
        Some(s) if sections.iter().any(|x| x.slug.as_str() == s) => Some(s.to_owned()),
        Some(_) => {
            notices.push(state.templates.text("search-no-section", &[]));
            None
        }
        None => None,
    };
    let contributor = match p.contributor.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => match core.store.contributor_by_slug(s).await {
            Ok(c) => Some((c.slug.to_string(), c.name)),
            Err(StoreError::NotFound | StoreError::Invalid(_)) => {
                notices.push(state.templates.text("search-no-contributor", &[]));
                None
            }
            Err(e) => return Err(e.into()),
        },
        None => None,
    };
    let source = match p.source.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => match core.store.source_by_slug(s).await {
            Ok(x) => Some((x.slug.to_string(), x.name)),
            Err(StoreError::NotFound | StoreError::Invalid(_)) => {
                notices.push(state.templates.text("search-no-source", &[]));
                None
            }
            Err(e) => return Err(e.into()),
        },
        None => None,
    };
    let tz = core.newsroom.time_zone.clone();
    let mut day = |raw: &Option<String>, bad: &str, next_day: bool| {
        let raw = raw.as_deref().map(str::trim).filter(|s| !s.is_empty())?;
        match raw.parse::<jiff::civil::Date>() {
            Ok(d) => {
                let d = if next_day { d.tomorrow().ok()? } else { d };
                d.at(0, 0, 0, 0)
                    .to_zoned_datetime(tz.clone())
                    .ok()
                    .map(|z| z.timestamp())
            }
            Err(_) => {
                notices.push(state.templates.text(bad, &[]));
                None
            }
        }
    };
    let from = day(&p.from, "search-bad-from", false);
    let until = day(&p.to, "search-bad-to", true);
    let page = match p.page.as_deref() {
        None | Some("") => 1,
        Some(n) => match n.parse::<usize>() {
            Ok(n) if (1..=MAX_PAGE).contains(&n) => n,
            _ => {
                notices.push(state.templates.text("search-bad-page", &[]));
                1
            }
        },
    };
    let searching = !text.is_empty();
    let mut total = 0;
    let mut hits = Vec::new();
    let mut unavailable = false;
    if searching {
        let query = gazette_search::Query {
            text: text.clone(),
            sort,
            section: section.clone(),
            contributor: contributor.as_ref().map(|c| c.0.clone()),
            source: source.as_ref().map(|s| s.0.clone()),
            from,
            until,
            now: core.now(),
            offset: (page - 1) * PER_PAGE,
            limit: PER_PAGE,
        };
        match core.search(query).await {
            Some(Ok(found)) => {
                total = found.total;
                hits = found
                    .hits
                    .into_iter()
                    .map(|h| HitView {
                        href: crate::urls::article(&h.slug),
                        headline_html: h.headline_html,
                        snippet_html: h.snippet_html,
                        published: DateView::new(
                            &h.published.to_zoned_datetime(tz.clone()),
                            &core.newsroom,
                        ),
                        section: h.section_name,
                        byline: h.byline,
                    })
                    .collect();
            }
            Some(Err(e)) => {
                tracing::error!(error = %e, "search failed");
                unavailable = true;
            }
            None => unavailable = true,
        }
    }
    let pages = total.div_ceil(PER_PAGE).min(MAX_PAGE);
    let link = |n: usize| {
        let mut pairs = url_pairs(&text, sort, &section, &contributor, &source, &p);
        if n > 1 {
            pairs.push(("page", n.to_string()));
        }
        let query: String = pairs
            .iter()
            .map(|(k, v)| {
                format!(
                    "{k}={}",
                    percent_encoding::utf8_percent_encode(v, percent_encoding::NON_ALPHANUMERIC)
                )
            })
            .collect::<Vec<_>>()
            .join("&");
        format!("/search?{query}")
    };
    let prev = (page > 1 && page <= pages.max(1)).then(|| link(page - 1));
    let next = (page < pages).then(|| link(page + 1));
    let section_choices: Vec<Choice> = sections
        .iter()
        .map(|s| Choice {
            value: s.slug.to_string(),
            name: s.name.clone(),
            selected: section.as_deref() == Some(s.slug.as_str()),
        })
        .collect();
    let frame = frame(&state).await?;
    let layout = Layout::new(core, Some(&frame), None);
    let title = if searching {
        format!("{}: {text}", state.templates.text("search-title", &[]))
    } else {
        state.templates.text("search-title", &[])
    };
    let html = state.templates.render(
        "pages/search.html",
        context! {
            layout => v(&layout),
            title,
            q => text,
            searching,
            unavailable,
            newest => sort == Sort::Newest,
            total,
            first => (page - 1) * PER_PAGE + 1,
            last => ((page - 1) * PER_PAGE + hits.len()),
            hits => v(&hits),
            notices,
            sections => v(&section_choices),
            contributor => contributor.map(|c| context! { slug => c.0, name => c.1 }),
            source => source.map(|s| context! { slug => s.0, name => s.1 }),
            from => p.from.as_deref().filter(|_| from.is_some()).unwrap_or(""),
            to => p.to.as_deref().filter(|_| until.is_some()).unwrap_or(""),
            page,
            prev,
            next,
        },
    )?;
    // Results follow every edit: browsers may keep them a minute, shared
    // caches not at all (the page cache never holds them either). Result
    // pages are kept out of search engines; the search form is not.
    let mut resp = ([(header::CACHE_CONTROL, "private, max-age=60")], Html(html)).into_response();
    if searching {
        resp.headers_mut().insert(
            header::HeaderName::from_static("x-robots-tag"),
            header::HeaderValue::from_static("noindex"),
        );
    }
    Ok(resp)
}

/// The parameters that a link to another page of the same search keeps.
fn url_pairs(
    text: &str,
    sort: Sort,
    section: &Option<String>,
    contributor: &Option<(String, String)>,
    source: &Option<(String, String)>,
    p: &SearchParams,
) -> Vec<(&'static str, String)> {
    let mut pairs = vec![("q", text.to_owned())];
    if sort == Sort::Newest {
        pairs.push(("sort", "newest".into()));
    }
    if let Some(s) = section {
        pairs.push(("section", s.clone()));
    }
    if let Some(c) = contributor {
        pairs.push(("contributor", c.0.clone()));
    }
    if let Some(s) = source {
        pairs.push(("source", s.0.clone()));
    }
    for (k, v) in [("from", &p.from), ("to", &p.to)] {
        if let Some(v) = v
            .as_deref()
            .filter(|v| v.parse::<jiff::civil::Date>().is_ok())
        {
            pairs.push((k, v.to_owned()));
        }
    }
    pairs
}
