//! Handlers, one module per resource. Each loads what its page shows
//! (through the core and the store), builds view structs and renders.

pub mod article;
pub mod assets;
pub mod comments;
pub mod feeds;
pub mod hits;
pub mod home;
pub mod listing;
pub mod redirects;
pub mod search;
pub mod sitemap;
pub mod staff;
pub mod top;
pub mod week;

use std::sync::Arc;

use axum::{
    http::header,
    response::{Html, IntoResponse, Response},
};
use serde::Deserialize;

use gazette_domain::{ArticleSummary, IsoWeek, Section, TopStory};
use gazette_store::{Listing, Page, StoreResult};

use crate::{AppError, AppState, views::SummaryView};

/// What every page's frame shows besides the page itself: this week's top
/// stories and the sections.
pub struct Frame {
    pub week: IsoWeek,
    pub top: Arc<Vec<TopStory>>,
    pub sections: Arc<Vec<Section>>,
}

/// Loads the frame.
pub async fn frame(state: &AppState) -> StoreResult<Frame> {
    let (week, top) = state.core.top_current().await?;
    let sections = state.core.sections().await?;
    Ok(Frame {
        week,
        top,
        sections,
    })
}

/// Reader pages: a CDN may keep one a minute (`s-maxage`); a browser asks
/// again each time (`max-age=0`, answered with a cheap `304` while the page
/// is unchanged), so a reader or an editor who comes back sees a new
/// comment count or a correction at once.
pub const READER_PAGE_CACHE: &str = "public, max-age=0, must-revalidate, s-maxage=60";

pub fn page(html: String) -> Response {
    ([(header::CACHE_CONTROL, READER_PAGE_CACHE)], Html(html)).into_response()
}

/// A reader page that shows `article` (its own page) and lists `listed`,
/// besides the frame's top stories: what the page cache forgets it by.
pub fn page_showing(
    html: String,
    frame: &Frame,
    article: Option<i64>,
    listed: impl IntoIterator<Item = i64>,
) -> Response {
    let mut ids: Vec<i64> = listed.into_iter().collect();
    ids.sort_unstable();
    ids.dedup();
    let mut resp = page(html);
    resp.extensions_mut().insert(crate::cache::Shows {
        article,
        listed: ids.into(),
        named: frame.top.iter().map(|t| t.article.id.0).collect(),
    });
    resp
}

/// `?page=N` on listings.
#[derive(Deserialize)]
pub struct PageQuery {
    pub page: Option<u32>,
}

/// Which page of a listing a request asks for: `?page=N` (an old form,
/// moved permanently to the path) or `/page/N` in the path.
pub enum PageArg {
    Query(Option<u32>),
    Path(String),
}

impl PageArg {
    /// The page to show, or the answer that moves the reader to the
    /// listing's one address for it (`base` is the listing's first page).
    pub fn resolve(self, base: &str) -> Result<PageQuery, Box<Response>> {
        match self {
            PageArg::Query(None) => Ok(PageQuery { page: None }),
            PageArg::Query(Some(n)) if (1..=MAX_PAGE).contains(&n) => {
                Err(Box::new(moved(&crate::urls::page(base, n))))
            }
            PageArg::Query(Some(_)) => Err(Box::new(AppError::NotFound.into_response())),
            // One spelling per page: `/page/02` and `/page/+2` are no page.
            PageArg::Path(raw) => match raw.parse::<u32>() {
                Ok(n) if raw != n.to_string() => Err(Box::new(AppError::NotFound.into_response())),
                Ok(1) => Err(Box::new(moved(base))),
                Ok(n) if (2..=MAX_PAGE).contains(&n) => Ok(PageQuery { page: Some(n) }),
                _ => Err(Box::new(AppError::NotFound.into_response())),
            },
        }
    }
}

/// A 301 to the one address of a page.
pub fn moved(to: &str) -> Response {
    (
        axum::http::StatusCode::MOVED_PERMANENTLY,
        [
            (header::LOCATION, to.to_owned()),
            (header::CACHE_CONTROL, "public, max-age=86400".to_owned()),
        ],
    )
        .into_response()
}

/// Stories per listing page.
pub const PAGE_SIZE: u32 = 20;

/// Page numbers beyond this are no page, whatever the listing holds.
pub const MAX_PAGE: u32 = 100_000;

/// One page of a listing, as the views a template shows. The listing's
/// count (cached by the core) says how many pages there are: a page past
/// the last is a 404 at once, without touching the listing. Returns the
/// page number, the stories and whether more follow.
pub async fn load_page<F, Fut>(
    state: &AppState,
    listing: Listing,
    q: &PageQuery,
    load: F,
) -> Result<(u32, Vec<SummaryView>, bool), AppError>
where
    F: FnOnce(Page) -> Fut,
    Fut: Future<Output = StoreResult<Vec<ArticleSummary>>>,
{
    let number = q.page.unwrap_or(1);
    if number == 0 || number > MAX_PAGE {
        return Err(AppError::NotFound);
    }
    let count = state.core.listing_count(listing).await?;
    let pages = count.div_ceil(u64::from(PAGE_SIZE)).max(1);
    if u64::from(number) > pages {
        return Err(AppError::NotFound);
    }
    let mut stories = load(Page::new(number, PAGE_SIZE)).await?;
    stories.truncate(PAGE_SIZE as usize);
    if stories.is_empty() && number > 1 {
        return Err(AppError::NotFound);
    }
    let views = stories
        .iter()
        .map(|a| SummaryView::new(a, &state.core.newsroom))
        .collect();
    Ok((number, views, u64::from(number) < pages))
}
