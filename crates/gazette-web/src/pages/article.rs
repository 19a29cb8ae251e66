//! `/articles/{slug}`: the article page.

use axum::{
    extract::{Path, Query, State},
    response::Response,
};
use minijinja::context;
use serde::Deserialize;

use crate::{
    AppError, AppState, forms,
    pages::{comments::form_purpose, frame, page},
    views::{ArticleView, Layout, comment_threads, v},
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
    let core = &state.core;
    let now = core.now();
    let article = core.store.article_by_slug(&slug, now).await?;
    let comments = core.store.approved_comments(article.id).await?;
    let frame = frame(&state).await?;
    let section = article.sections.first().map(|s| s.slug.to_string());
    let layout = Layout::new(core, Some(&frame), section.as_deref());
    let threads = comment_threads(&comments, &core.newsroom);
    let reply_to = q
        .reply_to
        .and_then(|id| comments.iter().find(|c| c.id.0 == id))
        .map(|c| context! { id => c.id.0, author => c.author_name.clone() });
    let hit_token = core.views.hit_token(article.id, now);
    let ts = now.as_second();
    let html = state.templates.render(
        "pages/article.html",
        context! {
            layout => v(&layout),
            title => &article.headline,
            article => v(&ArticleView::new(&article, &core.newsroom, &hit_token)),
            comments => v(&threads),
            reply_to,
            pending_notice => q.comment.as_deref() == Some("pending"),
            form => context! {
                ts,
                token => forms::issue(core.site_secret(), &form_purpose(article.id.0), ts),
            },
        },
    )?;
    Ok(page(html))
}
