//! Handlers, one module per resource.

pub mod article;
pub mod assets;
pub mod comments;
pub mod hits;
pub mod home;
pub mod listing;
pub mod staff;
pub mod top;

use axum::{
    http::header,
    response::{Html, IntoResponse, Response},
};
use serde::Deserialize;

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

/// One page of a listing, as the views a template shows: loads one story
/// more than the page holds to learn whether another page follows. A page
/// past the end is a 404. Returns the page number, the stories and whether
/// more follow.
pub async fn load_page<F, Fut>(
    state: &crate::AppState,
    q: &PageQuery,
    load: F,
) -> Result<(u32, Vec<crate::views::SummaryView>, bool), crate::AppError>
where
    F: FnOnce(gazette_store::Page) -> Fut,
    Fut: Future<Output = gazette_store::StoreResult<Vec<gazette_domain::ArticleSummary>>>,
{
    let number = q.page.unwrap_or(1).max(1);
    let mut stories = load(gazette_store::Page::new(number, PAGE_SIZE).with_lookahead()).await?;
    let has_more = stories.len() > PAGE_SIZE as usize;
    stories.truncate(PAGE_SIZE as usize);
    if stories.is_empty() && number > 1 {
        return Err(crate::AppError::NotFound);
    }
    let views = stories
        .iter()
        .map(|a| crate::views::SummaryView::new(a, &state.newsroom))
        .collect();
    Ok((number, views, has_more))
}
