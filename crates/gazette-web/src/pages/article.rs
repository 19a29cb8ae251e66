use axum::{
    extract::{Path, Query, State},
    response::Response,
};
use jiff::Timestamp;
use minijinja::context;
use serde::Deserialize;

use crate::views::v;

use crate::{
    AppError, AppState, forms,
    pages::{comments::form_purpose, page},
    views::{ArticleView, Layout, comment_threads},
};

#[derive(Deserialize)]
pub struct ArticleQuery {
    /// `?comment=pending` after posting a comment.
    comment: Option<String>,
    /// `?reply_to=ID` to answer a comment.
    reply_to: Option<i64>,
}

pub async fn show(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(q): Query<ArticleQuery>,
) -> Result<Response, AppError> {
    let article = state.store.article_by_slug(&slug).await?;
    let comments = state.store.approved_comments(article.id).await?;
    let section = article.sections.first().map(|s| s.slug.to_string());
    let layout = Layout::build(&state, section.as_deref()).await?;
    let threads = comment_threads(&comments, &state.newsroom);
    let reply_to = q
        .reply_to
        .and_then(|id| comments.iter().find(|c| c.id.0 == id))
        .map(|c| context! { id => c.id.0, author => c.author_name.clone() });
    let now = Timestamp::now().as_second();
    let html = state.templates.render(
        "pages/article.html",
        context! {
            layout => v(&layout),
            title => &article.headline,
            article => v(&ArticleView::new(&article, &state.newsroom)),
            comments => v(&threads),
            reply_to,
            pending_notice => q.comment.as_deref() == Some("pending"),
            form => context! {
                ts => now,
                token => forms::issue(&state.secret, &form_purpose(article.id.0), now),
            },
        },
    )?;
    Ok(page(html))
}
