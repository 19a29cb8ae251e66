use axum::{
    extract::{Query, State},
    response::Response,
};
use minijinja::context;

use crate::views::v;

use crate::{
    AppError, AppState,
    pages::{PageQuery, load_page, page},
    views::{Layout, Pager},
};

/// The front page: the latest stories, newest first.
pub async fn show(
    State(state): State<AppState>,
    Query(q): Query<PageQuery>,
) -> Result<Response, AppError> {
    let store = state.store.clone();
    let (number, stories, has_more) =
        load_page(
            &state,
            &q,
            |p| async move { store.latest_articles(p).await },
        )
        .await?;
    let layout = Layout::build(&state, None).await?;
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
