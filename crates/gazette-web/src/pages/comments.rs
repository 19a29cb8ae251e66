//! POST `/articles/{slug}/comments`: a reader's comment goes into the
//! moderation queue. The web layer checks what only HTTP can tell (same
//! origin, the signed form token and its age, the honeypot); the core
//! checks the comment itself.

use axum::{
    Form,
    extract::{Path, State},
    http::HeaderMap,
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;

use gazette_core::Submission;
use gazette_domain::CommentId;

use crate::{AppError, AppState, auth::Client, forms, urls};

/// A comment form older than this must be reloaded.
const FORM_MAX_AGE_SECS: i64 = 24 * 3600;

#[derive(Deserialize)]
pub struct CommentForm {
    name: String,
    #[serde(default)]
    email: String,
    body: String,
    #[serde(default)]
    reply_to: String,
    /// The honeypot: hidden from people, filled in by robots.
    #[serde(default)]
    website: String,
    ts: i64,
    token: String,
}

pub fn form_purpose(article: i64) -> String {
    format!("comment:{article}")
}

pub async fn create(
    State(state): State<AppState>,
    Client(client): Client,
    Path(slug): Path<String>,
    headers: HeaderMap,
    Form(form): Form<CommentForm>,
) -> Result<Response, AppError> {
    forms::same_origin(&headers).map_err(|e| AppError::Forbidden(e.to_string()))?;
    let core = &state.core;
    let now = core.now();
    let article = core.store.article_by_slug(&slug, now).await?;
    forms::verify(
        core.site_secret(),
        &form_purpose(article.id.0),
        form.ts,
        &form.token,
        now.as_second(),
        state.config.comment_min_seconds,
        FORM_MAX_AGE_SECS,
    )
    .map_err(|e| AppError::bad_request(e.to_string()))?;
    let back = format!("{}?comment=pending#comments", urls::article(&article.slug));
    if !form.website.trim().is_empty() {
        // A robot filled the hidden field: thank it and keep nothing.
        tracing::info!(article.id = article.id.0, "comment honeypot caught a robot");
        return Ok(Redirect::to(&back).into_response());
    }
    let parent = match form.reply_to.trim() {
        "" => None,
        id => Some(CommentId(id.parse().map_err(|_| {
            AppError::from(gazette_core::CommentError::Rejected(
                gazette_core::Rejection::Reply,
            ))
        })?)),
    };
    let saved = core
        .submit_comment(&Submission {
            article: article.id,
            parent,
            name: &form.name,
            email: &form.email,
            body: &form.body,
            client,
        })
        .await?;
    tracing::info!(
        comment.id = saved.id.0,
        article.id = article.id.0,
        "comment awaits moderation"
    );
    Ok(Redirect::to(&back).into_response())
}
