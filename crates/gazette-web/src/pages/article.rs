//! `/articles/{slug}`: the article page.

use axum::{
    extract::{Path, Query, State},
    response::Response,
};
use minijinja::context;
use serde::Deserialize;

use crate::{
    AppError, AppState, forms,
    pages::{comments::form_purpose, frame, page_showing},
    views::{ArticleView, Layout, SummaryView, comment_threads, v},
};

#[derive(Deserialize)]
pub struct ArticleQuery {
    /// `?comment=pending` after posting a comment.
    comment: Option<String>,
    /// `?reply_to=ID` to answer a comment.
    reply_to: Option<i64>,
}

/// A comment sent back to its writer: what they typed, and why it was
/// not posted, in the newsroom's language.
pub struct CommentRetry {
    pub name: String,
    pub email: String,
    pub body: String,
    pub reply_to: Option<i64>,
    /// The field at fault: `name`, `email`, `body`, or `form` (the form
    /// itself, e.g. sent too quickly).
    pub field: &'static str,
    pub message: String,
}

pub async fn show(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(q): Query<ArticleQuery>,
) -> Result<Response, AppError> {
    render(&state, &slug, &q, None).await
}

/// The article page again after a comment was refused: the reader's text
/// kept in the form, the problem named next to its field, a fresh form
/// token; never cached, no view counted.
pub async fn with_comment_refused(
    state: &AppState,
    slug: &str,
    status: axum::http::StatusCode,
    retry: &CommentRetry,
) -> Result<Response, AppError> {
    use axum::response::IntoResponse;
    let q = ArticleQuery {
        comment: None,
        reply_to: retry.reply_to,
    };
    let page = render(state, slug, &q, Some(retry)).await?;
    let (_, body) = page.into_parts();
    Ok((
        status,
        [
            (axum::http::header::CACHE_CONTROL, "no-store"),
            (axum::http::header::CONTENT_TYPE, "text/html; charset=utf-8"),
        ],
        body,
    )
        .into_response())
}

async fn render(
    state: &AppState,
    slug: &str,
    q: &ArticleQuery,
    retry: Option<&CommentRetry>,
) -> Result<Response, AppError> {
    let core = &state.core;
    let now = core.now();
    let gazette_store::StoryPage {
        article,
        comments,
        neighbours,
    } = match core.store.story_page(slug, now).await {
        Ok(page) => page,
        Err(gazette_store::StoreError::NotFound) if core.store.is_withdrawn(slug).await? => {
            return Err(AppError::Gone);
        }
        Err(e) => return Err(e.into()),
    };
    let around = core.around(&article).await?;
    let summary = |a: &gazette_domain::ArticleSummary| SummaryView::new(a, &core.newsroom);
    let related: Vec<SummaryView> = around.related.iter().map(summary).collect();
    let related_headlines: Vec<_> = around
        .related_headlines
        .iter()
        .map(
            |(h, slug)| context! { headline => h, href => slug.as_ref().map(crate::urls::article) },
        )
        .collect();
    let previous = neighbours.previous.as_ref().map(summary);
    let next = neighbours.next.as_ref().map(summary);
    let frame = frame(state).await?;
    let section = article.sections.first().map(|s| s.slug.to_string());
    let layout = Layout::new(core, Some(&frame), section.as_deref());
    let threads = comment_threads(&comments, &core.newsroom);
    let reply_to = q
        .reply_to
        .and_then(|id| comments.iter().find(|c| c.id.0 == id))
        .map(|c| context! { id => c.id.0, author => c.author_name.clone() });
    let hit_token = core.views.hit_token(article.id, now);
    let ts = now.as_second();
    let form_token = forms::issue(core.site_secret(), &form_purpose(article.id.0), ts);
    let view = ArticleView::new(&article, &core.newsroom, &hit_token);
    let html = state.templates.render(
        "pages/article.html",
        context! {
            layout => v(&layout),
            title => &article.headline,
            canonical => &view.canonical,
            article => v(&view),
            comments => v(&threads),
            related => v(&related),
            related_headlines,
            previous => previous.as_ref().map(v),
            next => next.as_ref().map(v),
            reply_to,
            pending_notice => q.comment.as_deref() == Some("pending"),
            retry => retry.map(|r| context! {
                name => &r.name,
                email => &r.email,
                body => &r.body,
                field => r.field,
                message => &r.message,
            }),
            form => context! {
                ts,
                token => &form_token,
            },
        },
    )?;
    let listed = related
        .iter()
        .chain(previous.iter())
        .chain(next.iter())
        .map(|s| s.id)
        .collect::<Vec<_>>();
    let mut resp = page_showing(html, &frame, Some(article.id.0), listed);
    // The comment form's stamp changes with every render; the page does not.
    resp.extensions_mut()
        .insert(crate::cache::Stamps(vec![ts.to_string(), form_token]));
    Ok(resp)
}

/// The editor's preview: an unsaved story through the reader's article
/// template, without comments, related stories or the view beacon.
pub async fn render_preview(
    state: &AppState,
    article: &gazette_domain::Article,
) -> Result<String, AppError> {
    let core = &state.core;
    let frame = frame(state).await?;
    let section = article.sections.first().map(|s| s.slug.to_string());
    let layout = Layout::new(core, Some(&frame), section.as_deref());
    let view = ArticleView::new(article, &core.newsroom, "");
    let none: Vec<SummaryView> = Vec::new();
    let related_headlines: Vec<_> = article
        .related_headlines
        .iter()
        .map(|h| context! { headline => h, href => None::<String> })
        .collect();
    Ok(state.templates.render(
        "pages/article.html",
        context! {
            layout => v(&layout),
            title => format!("Preview: {}", article.headline),
            canonical => &view.canonical,
            article => v(&view),
            comments => v(&none),
            related => v(&none),
            related_headlines,
            previous => None::<SummaryView>.as_ref().map(v),
            next => None::<SummaryView>.as_ref().map(v),
            reply_to => None::<String>,
            pending_notice => false,
            preview => true,
        },
    )?)
}
