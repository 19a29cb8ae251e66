//! `/`: the front page, the latest stories first.

use axum::{
    extract::{Path, Query, State},
    response::Response,
};
use gazette_store::Listing;
use minijinja::context;

use crate::{
    AppError, AppState,
    pages::{PageArg, PageQuery, frame, load_page, page_showing, redirects},
    urls,
    views::{Layout, Pager, SummaryView, v},
};

pub async fn show(
    State(state): State<AppState>,
    uri: axum::http::Uri,
    Query(q): Query<PageQuery>,
) -> Result<Response, AppError> {
    // `/?p=12`, `/?page_id=9`: an old address of an imported site.
    if redirects::names_an_old_page(&uri) {
        return match redirects::lookup(&state, &uri).await? {
            Some(found) => Ok(found.response()),
            None => Err(AppError::NotFound),
        };
    }
    front(state, PageArg::Query(q.page)).await
}

/// `/page/N`: older stories.
pub async fn paged(
    State(state): State<AppState>,
    Path(n): Path<String>,
) -> Result<Response, AppError> {
    front(state, PageArg::Path(n)).await
}

async fn front(state: AppState, arg: PageArg) -> Result<Response, AppError> {
    let q = match arg.resolve(urls::home()) {
        Ok(q) => q,
        Err(moved) => return Ok(*moved),
    };
    let store = state.core.store.clone();
    let now = state.core.now();
    let (number, mut stories, has_more) = load_page(&state, Listing::Latest, &q, |p| async move {
        store.latest_articles(p, now).await
    })
    .await?;
    // Pinned stories head the first page, and are not shown twice on it.
    let pinned: Vec<SummaryView> = if number == 1 {
        state
            .core
            .store
            .pinned_articles(now)
            .await?
            .iter()
            .map(|a| SummaryView::new(a, &state.core.newsroom))
            .collect()
    } else {
        Vec::new()
    };
    stories.retain(|s| !pinned.iter().any(|p| p.href == s.href));
    let frame = frame(&state).await?;
    let layout = Layout::new(&state.core, Some(&frame), None);
    let html = state.templates.render(
        "pages/home.html",
        context! {
            layout => v(&layout),
            title => state.templates.text("latest-news", &[]),
            pinned => v(&pinned),
            stories => v(&stories),
            pager => v(&Pager::new(urls::home(), number, has_more)),
        },
    )?;
    let listed = pinned
        .iter()
        .chain(&stories)
        .map(|s| s.id)
        .collect::<Vec<_>>();
    Ok(page_showing(html, &frame, None, listed))
}
