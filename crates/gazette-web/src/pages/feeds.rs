//! RSS 2.0 (the `rss` crate) and Atom (`atom_syndication`) feeds of the
//! whole site and of every section, tag, contributor, source and week.
//!
//! Each entry's id is a `tag:` URI made of the site's host and the story's
//! id: it never changes when a story is edited or its address changes.
//! Stories carry their whole text or only their standfirst, as the
//! newsroom's `feeds_full_text` setting says.

use axum::{
    extract::{Path, State},
    http::header,
    response::{IntoResponse, Response},
};

use gazette_domain::{Article, ArticleId, ArticleSummary, IsoWeek};
use gazette_store::{Page, StoreResult};

use crate::{AppError, AppState, pages::top::parse_week, urls};

/// Stories in a feed.
pub const FEED_LEN: u32 = 30;

/// Stories in a week's feed, newest first: a weekly's whole edition, but
/// never thousands of full texts in one answer.
pub const WEEK_FEED_LEN: u32 = 200;

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Rss,
    Atom,
}

/// What a feed follows.
struct Subject {
    title: String,
    /// The page the feed belongs to (a path).
    page: String,
    /// This feed's own path.
    itself: String,
    description: String,
}

/// The site's host, for `tag:` ids.
fn host(base_url: &str) -> &str {
    base_url
        .split("://")
        .nth(1)
        .unwrap_or(base_url)
        .split(['/', ':'])
        .next()
        .unwrap_or("localhost")
}

fn entry_id(base_url: &str, id: ArticleId) -> String {
    format!("tag:{},2025:article:{}", host(base_url), id.0)
}

fn feed_id(base_url: &str, itself: &str) -> String {
    format!("tag:{},2025:feed:{}", host(base_url), itself)
}

/// Whole articles for `summaries`, in the same order.
async fn whole(state: &AppState, summaries: &[ArticleSummary]) -> StoreResult<Vec<Article>> {
    let ids: Vec<ArticleId> = summaries.iter().map(|s| s.id).collect();
    let mut found = state.core.store.articles_by_ids(&ids).await?;
    found.sort_by_key(|a| ids.iter().position(|i| *i == a.id));
    Ok(found)
}

fn respond(state: &AppState, subject: Subject, articles: &[Article], format: Format) -> Response {
    let base = state.core.newsroom.base_url.trim_end_matches('/');
    let abs = |path: &str| format!("{base}{path}");
    let full = state.config.feeds_full_text;
    let updated = articles
        .iter()
        .map(|a| a.updated_at.timestamp())
        .max()
        .unwrap_or_else(|| state.core.now());
    let rfc3339 = |t: jiff::Timestamp, tz: &jiff::tz::TimeZone| {
        t.to_zoned_datetime(tz.clone())
            .strftime("%Y-%m-%dT%H:%M:%S%:z")
            .to_string()
    };
    let rfc2822 = |t: jiff::Timestamp, tz: &jiff::tz::TimeZone| {
        jiff::fmt::rfc2822::to_string(&t.to_zoned_datetime(tz.clone())).unwrap_or_default()
    };
    let tz = &state.core.newsroom.time_zone;
    let site = &state.core.newsroom.name;
    let (body, content_type) = match format {
        Format::Rss => {
            let items = articles
                .iter()
                .map(|a| {
                    let link = abs(&urls::article(&a.slug));
                    rss::Item {
                        title: Some(a.headline.clone()),
                        link: Some(link),
                        description: a.standfirst.clone().or_else(|| Some(a.headline.clone())),
                        content: full.then(|| a.body_html.clone()),
                        guid: Some(rss::Guid {
                            value: entry_id(base, a.id),
                            permalink: false,
                        }),
                        pub_date: a.published_at.as_ref().map(|p| rfc2822(p.timestamp(), tz)),
                        categories: a
                            .sections
                            .iter()
                            .map(|s| rss::Category {
                                name: s.name.clone(),
                                domain: None,
                            })
                            .collect(),
                        dublin_core_ext: (!a.contributors.is_empty()).then(|| {
                            rss::extension::dublincore::DublinCoreExtension {
                                creators: a.contributors.iter().map(|c| c.name.clone()).collect(),
                                ..Default::default()
                            }
                        }),
                        ..Default::default()
                    }
                })
                .collect();
            let channel = rss::Channel {
                title: subject.title,
                link: abs(&subject.page),
                description: subject.description,
                language: Some(state.core.newsroom.language.clone()),
                last_build_date: Some(rfc2822(updated, tz)),
                generator: Some("Gazette".into()),
                ttl: Some("15".into()),
                atom_ext: Some(rss::extension::atom::AtomExtension {
                    links: vec![atom_syndication::Link {
                        href: abs(&subject.itself),
                        rel: "self".into(),
                        mime_type: Some("application/rss+xml".into()),
                        ..Default::default()
                    }],
                }),
                items,
                ..Default::default()
            };
            (channel.to_string(), "application/rss+xml; charset=utf-8")
        }
        Format::Atom => {
            let date = |t: jiff::Timestamp| {
                rfc3339(t, tz)
                    .parse::<atom_syndication::FixedDateTime>()
                    .expect("RFC 3339 parses")
            };
            let entries = articles
                .iter()
                .map(|a| {
                    let link = abs(&urls::article(&a.slug));
                    let people: Vec<atom_syndication::Person> = a
                        .contributors
                        .iter()
                        .map(|c| atom_syndication::Person {
                            name: c.name.clone(),
                            uri: Some(abs(&urls::contributor(&c.slug))),
                            ..Default::default()
                        })
                        .collect();
                    atom_syndication::Entry {
                        title: atom_syndication::Text::plain(a.headline.clone()),
                        id: entry_id(base, a.id),
                        updated: date(a.updated_at.timestamp()),
                        published: a.published_at.as_ref().map(|p| date(p.timestamp())),
                        authors: if people.is_empty() {
                            vec![atom_syndication::Person {
                                name: site.clone(),
                                ..Default::default()
                            }]
                        } else {
                            people
                        },
                        links: vec![atom_syndication::Link {
                            href: link,
                            rel: "alternate".into(),
                            mime_type: Some("text/html".into()),
                            ..Default::default()
                        }],
                        categories: a
                            .sections
                            .iter()
                            .map(|s| atom_syndication::Category {
                                term: s.slug.to_string(),
                                label: Some(s.name.clone()),
                                ..Default::default()
                            })
                            .collect(),
                        summary: a.standfirst.clone().map(atom_syndication::Text::plain),
                        content: full.then(|| atom_syndication::Content {
                            value: Some(a.body_html.clone()),
                            content_type: Some("html".into()),
                            ..Default::default()
                        }),
                        ..Default::default()
                    }
                })
                .collect();
            let feed = atom_syndication::Feed {
                title: atom_syndication::Text::plain(subject.title),
                id: feed_id(base, &subject.itself),
                updated: date(updated),
                subtitle: Some(atom_syndication::Text::plain(subject.description)),
                generator: Some(atom_syndication::Generator {
                    value: "Gazette".into(),
                    ..Default::default()
                }),
                lang: Some(state.core.newsroom.language.clone()),
                links: vec![
                    atom_syndication::Link {
                        href: abs(&subject.itself),
                        rel: "self".into(),
                        mime_type: Some("application/atom+xml".into()),
                        ..Default::default()
                    },
                    atom_syndication::Link {
                        href: abs(&subject.page),
                        rel: "alternate".into(),
                        mime_type: Some("text/html".into()),
                        ..Default::default()
                    },
                ],
                entries,
                ..Default::default()
            };
            (feed.to_string(), "application/atom+xml; charset=utf-8")
        }
    };
    let mut resp = (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        body,
    )
        .into_response();
    resp.extensions_mut().insert(crate::cache::Shows {
        article: None,
        listed: articles.iter().map(|a| a.id.0).collect(),
        named: Default::default(),
    });
    resp
}

fn file(format: Format) -> &'static str {
    match format {
        Format::Rss => "feed.xml",
        Format::Atom => "atom.xml",
    }
}

fn first_page() -> Page {
    Page::new(1, FEED_LEN)
}

pub async fn site(state: &AppState, format: Format) -> Result<Response, AppError> {
    let now = state.core.now();
    let latest = state.core.store.latest_articles(first_page(), now).await?;
    let articles = whole(state, &latest).await?;
    let name = &state.core.newsroom.name;
    let subject = Subject {
        title: name.clone(),
        page: urls::home().to_owned(),
        itself: format!("/{}", file(format)),
        description: format!("The latest stories from {name}."),
    };
    Ok(respond(state, subject, &articles, format))
}

pub async fn site_rss(State(state): State<AppState>) -> Result<Response, AppError> {
    site(&state, Format::Rss).await
}

pub async fn site_atom(State(state): State<AppState>) -> Result<Response, AppError> {
    site(&state, Format::Atom).await
}

/// The feed of one listing (section, tag, contributor, source).
pub async fn listing(
    state: &AppState,
    kind: &str,
    slug: &str,
    format: Format,
) -> Result<Response, AppError> {
    let store = &state.core.store;
    let now = state.core.now();
    let (name, page, summaries) = match kind {
        "sections" => {
            let s = store.section_by_slug(slug).await?;
            let list = store.articles_in_section(&s, first_page(), now).await?;
            (s.name, urls::section(&s.slug), list)
        }
        "tags" => {
            let t = store.tag_by_slug(slug).await?;
            let list = store.articles_with_tag(&t, first_page(), now).await?;
            (t.name, urls::tag(&t.slug), list)
        }
        "contributors" => {
            let c = store.contributor_by_slug(slug).await?;
            let list = store.articles_by_contributor(&c, first_page(), now).await?;
            (c.name, urls::contributor(&c.slug), list)
        }
        "sources" => {
            let s = store.source_by_slug(slug).await?;
            let list = store.articles_from_source(&s, first_page(), now).await?;
            (s.name, urls::source(&s.slug), list)
        }
        _ => return Err(AppError::NotFound),
    };
    let articles = whole(state, &summaries).await?;
    let site = &state.core.newsroom.name;
    let subject = Subject {
        title: format!("{name} · {site}"),
        itself: format!("{page}/{}", file(format)),
        page,
        description: format!("The latest stories of {name} at {site}."),
    };
    Ok(respond(state, subject, &articles, format))
}

macro_rules! listing_feeds {
    ($($rss:ident, $atom:ident, $kind:literal;)*) => {$(
        pub async fn $rss(
            State(state): State<AppState>,
            Path(slug): Path<String>,
        ) -> Result<Response, AppError> {
            listing(&state, $kind, &slug, Format::Rss).await
        }
        pub async fn $atom(
            State(state): State<AppState>,
            Path(slug): Path<String>,
        ) -> Result<Response, AppError> {
            listing(&state, $kind, &slug, Format::Atom).await
        }
    )*};
}

listing_feeds! {
    section_rss, section_atom, "sections";
    tag_rss, tag_atom, "tags";
    contributor_rss, contributor_atom, "contributors";
    source_rss, source_atom, "sources";
}

/// A week's edition as a feed.
pub async fn week(state: &AppState, week: IsoWeek, format: Format) -> Result<Response, AppError> {
    let core = &state.core;
    let Some((first, this)) = crate::pages::week::edition_weeks(state).await? else {
        return Err(AppError::NotFound);
    };
    if week < first || week > this {
        return Err(AppError::NotFound);
    }
    let tz = &core.newsroom.time_zone;
    let list = core
        .store
        .articles_published_between(
            week.start(tz)
                .map_err(gazette_store::StoreError::from)?
                .timestamp(),
            week.end(tz)
                .map_err(gazette_store::StoreError::from)?
                .timestamp(),
            core.now(),
            WEEK_FEED_LEN,
        )
        .await?;
    let articles = whole(state, &list).await?;
    let site = &core.newsroom.name;
    let page = urls::week(week);
    let subject = Subject {
        title: format!("Week {}, {} · {site}", week.week(), week.year()),
        itself: format!("{page}/{}", file(format)),
        page,
        description: format!(
            "Every story of week {} of {} at {site}.",
            week.week(),
            week.year()
        ),
    };
    Ok(respond(state, subject, &articles, format))
}

pub async fn week_rss(
    State(state): State<AppState>,
    Path(w): Path<String>,
) -> Result<Response, AppError> {
    week(&state, parse_week(&w)?, Format::Rss).await
}

pub async fn week_atom(
    State(state): State<AppState>,
    Path(w): Path<String>,
) -> Result<Response, AppError> {
    week(&state, parse_week(&w)?, Format::Atom).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_made_of_the_host_and_the_story() {
        assert_eq!(host("https://news.example:8443/x"), "news.example");
        assert_eq!(host("http://127.0.0.1:8080"), "127.0.0.1");
        assert_eq!(
            entry_id("https://a.example", ArticleId(7)),
            "tag:a.example,2025:article:7"
        );
    }
}
