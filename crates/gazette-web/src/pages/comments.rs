//! POST `/articles/{slug}/comments`: a reader's comment goes into the
//! moderation queue.

use std::net::SocketAddr;

use axum::{
    Form,
    extract::{ConnectInfo, Path, State},
    http::HeaderMap,
    response::{IntoResponse, Redirect, Response},
};
use jiff::Timestamp;
use serde::Deserialize;

use gazette_domain::{CommentId, NewComment};

use crate::{
    AppError, AppState, client,
    comments::{self, MAX_BODY, MAX_EMAIL, MAX_LINKS, MAX_NAME},
    forms,
};

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
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(slug): Path<String>,
    headers: HeaderMap,
    Form(form): Form<CommentForm>,
) -> Result<Response, AppError> {
    forms::same_origin(&headers).map_err(|e| AppError::Forbidden(e.to_string()))?;
    let article = state.store.article_by_slug(&slug).await?;
    let now = Timestamp::now().as_second();
    forms::verify(
        &state.secret,
        &form_purpose(article.id.0),
        form.ts,
        &form.token,
        now,
        state.config.comment_min_seconds,
        FORM_MAX_AGE_SECS,
    )
    .map_err(|e| AppError::bad_request(e.to_string()))?;
    let back = format!("/articles/{}?comment=pending#comments", article.slug);
    if !form.website.trim().is_empty() {
        // A robot filled the hidden field: thank it and keep nothing.
        tracing::info!(article.id = article.id.0, "comment honeypot caught a robot");
        return Ok(Redirect::to(&back).into_response());
    }
    let ip = client::address(&state, &headers, peer);
    if !state.comments.allow(ip) {
        return Err(AppError::TooManyRequests);
    }

    let name = form.name.trim();
    let email = form.email.trim();
    let body = form.body.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME {
        return Err(AppError::bad_request(format!(
            "Your comment was not posted: give a name of 1 to {MAX_NAME} characters."
        )));
    }
    if !email.is_empty() && (email.len() > MAX_EMAIL || !email.contains('@')) {
        return Err(AppError::bad_request(
            "Your comment was not posted: the e-mail address does not look right (or leave it empty).",
        ));
    }
    let length = body.chars().count();
    if !(2..=MAX_BODY).contains(&length) {
        return Err(AppError::bad_request(format!(
            "Your comment was not posted: write between 2 and {MAX_BODY} characters (this one has {length})."
        )));
    }
    if comments::count_links(body) > MAX_LINKS {
        return Err(AppError::bad_request(format!(
            "Your comment was not posted: it has more than {MAX_LINKS} links."
        )));
    }
    let parent = match form.reply_to.trim() {
        "" => None,
        id => Some(CommentId(id.parse().map_err(|_| {
            AppError::bad_request(
                "Your comment was not posted: the comment you reply to is unknown.",
            )
        })?)),
    };
    let fingerprint = comments::fingerprint(body);
    if state.store.comment_seen(article.id, &fingerprint).await? {
        return Err(AppError::Conflict(
            "Your comment was not posted: the same comment is already on this story.".into(),
        ));
    }
    let comment = NewComment {
        article: article.id,
        parent,
        author_name: name.to_owned(),
        author_email: (!email.is_empty()).then(|| email.to_owned()),
        body_html: comments::clean(body),
        fingerprint,
    };
    let saved = state.store.add_comment(&comment).await?;
    tracing::info!(
        comment.id = saved.id.0,
        article.id = article.id.0,
        "comment awaits moderation"
    );
    Ok(Redirect::to(&back).into_response())
}
