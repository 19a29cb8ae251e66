use axum::{
    extract::{Path, State},
    response::Response,
};
use minijinja::context;

use crate::views::v;

use crate::{
    AppError, AppState,
    pages::page,
    views::{ArticleView, Layout},
};

pub async fn show(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    let article = state.store.article_by_slug(&slug).await?;
    let section = article.sections.first().map(|s| s.slug.to_string());
    let layout = Layout::build(&state, section.as_deref()).await?;
    let html = state.templates.render(
        "pages/article.html",
        context! {
            layout => v(&layout),
            title => &article.headline,
            article => v(&ArticleView::new(&article, &state.newsroom)),
        },
    )?;
    Ok(page(html))
}
