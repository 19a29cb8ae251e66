//! Section, contributor, source and tag pages: a heading and the stories filed
//! under it, newest first, paged.

use axum::{
    extract::{Path, Query, State},
    response::Response,
};
use gazette_domain::ArticleSummary;
use gazette_store::{Listing, Page, StoreResult};
use minijinja::context;

use serde::Serialize;

use crate::{
    AppError, AppState,
    pages::{PageArg, PageQuery, frame, load_page, page_showing},
    urls,
    views::{Layout, Pager, v},
};

/// What a listing page says about its subject.
#[derive(Serialize)]
struct Subject {
    /// "section", "contributor", "source", "tag": its name in the catalogue is `kind-…`.
    kind: &'static str,
    name: String,
    href: String,
    /// A link out, for sources with a site of their own.
    website: Option<String>,
    bio: Option<String>,
}

async fn section_page(state: AppState, slug: String, q: PageArg) -> Result<Response, AppError> {
    let store = state.core.store.clone();
    let now = state.core.now();
    let section = store.section_by_slug(&slug).await?;
    let subject = Subject {
        kind: "section",
        name: section.name.clone(),
        href: urls::section(&section.slug),
        website: None,
        bio: None,
    };
    let listing = Listing::Section(section.id);
    render(&state, subject, listing, Some(&slug), q, |p| async move {
        store.articles_in_section(&section, p, now).await
    })
    .await
}

async fn contributor_page(state: AppState, slug: String, q: PageArg) -> Result<Response, AppError> {
    let store = state.core.store.clone();
    let now = state.core.now();
    let person = store.contributor_by_slug(&slug).await?;
    let subject = Subject {
        kind: "contributor",
        name: person.name.clone(),
        href: urls::contributor(&person.slug),
        website: None,
        bio: person.bio.clone(),
    };
    let listing = Listing::Contributor(person.id);
    render(&state, subject, listing, None, q, |p| async move {
        store.articles_by_contributor(&person, p, now).await
    })
    .await
}

async fn source_page(state: AppState, slug: String, q: PageArg) -> Result<Response, AppError> {
    let store = state.core.store.clone();
    let now = state.core.now();
    let source = store.source_by_slug(&slug).await?;
    let subject = Subject {
        kind: "source",
        name: source.name.clone(),
        href: urls::source(&source.slug),
        website: source.url.clone(),
        bio: None,
    };
    let listing = Listing::Source(source.id);
    render(&state, subject, listing, None, q, |p| async move {
        store.articles_from_source(&source, p, now).await
    })
    .await
}

async fn tag_page(state: AppState, slug: String, q: PageArg) -> Result<Response, AppError> {
    let store = state.core.store.clone();
    let now = state.core.now();
    let tag = store.tag_by_slug(&slug).await?;
    let subject = Subject {
        kind: "tag",
        name: tag.name.clone(),
        href: urls::tag(&tag.slug),
        website: None,
        bio: None,
    };
    let listing = Listing::Tag(tag.id);
    render(&state, subject, listing, None, q, |p| async move {
        store.articles_with_tag(&tag, p, now).await
    })
    .await
}

async fn render<F, Fut>(
    state: &AppState,
    subject: Subject,
    listing: Listing,
    section: Option<&str>,
    q: PageArg,
    load: F,
) -> Result<Response, AppError>
where
    F: FnOnce(Page) -> Fut,
    Fut: Future<Output = StoreResult<Vec<ArticleSummary>>>,
{
    let q = match q.resolve(&subject.href) {
        Ok(q) => q,
        Err(moved) => return Ok(*moved),
    };
    let (number, stories, has_more) = load_page(state, listing, &q, load).await?;
    let frame = frame(state).await?;
    let layout = Layout::new(&state.core, Some(&frame), section);
    let kind = state.templates.text(&format!("kind-{}", subject.kind), &[]);
    let title = format!("{kind}: {}", subject.name);
    let pager = Pager::new(&subject.href, number, has_more);
    let (rss, atom) = urls::feeds_of(&subject.href);
    let base = state.core.newsroom.base_url.trim_end_matches('/');
    let html = state.templates.render(
        "pages/listing.html",
        context! {
            layout => v(&layout),
            canonical => format!("{base}{}", urls::page(&subject.href, number)),
            feeds => vec![
                context! { kind => "rss", href => &rss, title => format!("{} (RSS)", subject.name) },
                context! { kind => "atom", href => &atom, title => format!("{} (Atom)", subject.name) },
            ],
            rss,
            atom,
            title,
            subject => v(&subject),
            stories => v(&stories),
            pager => v(&pager),
        },
    )?;
    let listed = stories.iter().map(|s| s.id).collect::<Vec<_>>();
    Ok(page_showing(html, &frame, None, listed))
}

macro_rules! listing_routes {
    ($($bare:ident, $paged:ident, $inner:ident;)*) => {$(
        /// The listing's first page; `?page=N` moves to `…/page/N`.
        pub async fn $bare(
            State(state): State<AppState>,
            Path(slug): Path<String>,
            Query(q): Query<PageQuery>,
        ) -> Result<Response, AppError> {
            $inner(state, slug, PageArg::Query(q.page)).await
        }
        /// `…/page/N`.
        pub async fn $paged(
            State(state): State<AppState>,
            Path((slug, n)): Path<(String, String)>,
        ) -> Result<Response, AppError> {
            $inner(state, slug, PageArg::Path(n)).await
        }
    )*};
}

listing_routes! {
    section, section_paged, section_page;
    contributor, contributor_paged, contributor_page;
    source, source_paged, source_page;
    tag, tag_paged, tag_page;
}
