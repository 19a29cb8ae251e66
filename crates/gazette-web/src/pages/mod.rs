//! Handlers, one module per resource. Each loads what its page shows
//! (through the core and the store), builds view structs and renders.

pub mod article;
pub mod assets;
pub mod comments;
pub mod hits;
pub mod home;
pub mod listing;
pub mod redirects;
pub mod staff;
pub mod top;

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

/// Reader pages may be cached by browsers and CDNs for a minute; counts
/// on them are refreshed by the view beacon, not by the page.
pub fn page(html: String) -> Response {
    ([(header::CACHE_CONTROL, "public, max-age=60")], Html(html)).into_response()
}

/// `?page=N` on listings.
#[derive(Deserialize)]
pub struct PageQuery {
    pub page: Option<u32>,
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
