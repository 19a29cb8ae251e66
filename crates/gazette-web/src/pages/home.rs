use axum::{
    extract::{Query, State},
    response::Response,
};
use gazette_store::Page;
use minijinja::context;

use crate::views::v;

use crate::{
    AppError, AppState,
    pages::{PAGE_SIZE, PageQuery, page},
    views::{Layout, Pager, SummaryView},
};

/// The front page: the latest stories, newest first.
pub async fn show(
    State(state): State<AppState>,
    Query(q): Query<PageQuery>,
) -> Result<Response, AppError> {
    let number = q.page.unwrap_or(1).max(1);
    let mut stories = state
        .store
        .latest_articles(Page::new(number, PAGE_SIZE).with_lookahead())
        .await?;
    let has_more = stories.len() > PAGE_SIZE as usize;
    stories.truncate(PAGE_SIZE as usize);
    if stories.is_empty() && number > 1 {
        return Err(AppError::NotFound);
    }
    let layout = Layout::build(&state, None).await?;
    let stories: Vec<SummaryView> = stories
        .iter()
        .map(|a| SummaryView::new(a, &state.newsroom))
        .collect();
    let html = state.templates.render(
        "pages/home.html",
        context! {
            layout => v(&layout),
            title => "Latest news",
            stories => v(&stories),
            pager => v(&Pager::new("/", number, has_more)),
        },
    )?;
    Ok(page(html))
}
