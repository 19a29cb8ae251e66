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

use axum::http::StatusCode;
use gazette_core::{
    CommentError, Rejection, Submission,
    comments::{MAX_BODY, MAX_EMAIL, MAX_LINKS, MAX_NAME, MIN_BODY},
};
use gazette_domain::CommentId;

use crate::{
    AppError, AppState,
    auth::Client,
    forms,
    pages::article::{CommentRetry, with_comment_refused},
    urls,
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
    Client(client): Client,
    Path(slug): Path<String>,
    headers: HeaderMap,
    Form(form): Form<CommentForm>,
) -> Result<Response, AppError> {
    forms::same_origin(&headers)
        .map_err(|_| AppError::Forbidden(state.templates.text("comment-error-origin", &[])))?;
    let core = &state.core;
    let now = core.now();
    let article = core.store.article_by_slug(&slug, now).await?;
    let reply_to = form.reply_to.trim().parse::<i64>().ok();
    // The page again, the reader's text kept and the problem named.
    let refuse = |status: StatusCode, field: &'static str, message: String| {
        let retry = CommentRetry {
            name: form.name.chars().take(MAX_NAME).collect(),
            email: form.email.chars().take(MAX_EMAIL).collect(),
            // All of it (the body limit bounds it): the reader shortens it.
            body: form.body.clone(),
            reply_to,
            field,
            message,
        };
        let state = state.clone();
        let slug = article.slug.to_string();
        async move { with_comment_refused(&state, &slug, status, &retry).await }
    };
    if let Err(e) = forms::verify(
        core.site_secret(),
        &form_purpose(article.id.0),
        form.ts,
        &form.token,
        now.as_second(),
        state.config.comment_min_seconds,
        FORM_MAX_AGE_SECS,
    ) {
        let id = match e {
            forms::FormError::TooFast => "comment-error-too-fast",
            _ => "comment-error-expired",
        };
        return refuse(
            StatusCode::BAD_REQUEST,
            "form",
            state.templates.text(id, &[]),
        )
        .await;
    }
    let back = format!("{}?comment=pending#comments", urls::article(&article.slug));
    if !form.website.trim().is_empty() {
        // A robot filled the hidden field: thank it and keep nothing.
        tracing::info!(article.id = article.id.0, "comment honeypot caught a robot");
        return Ok(Redirect::to(&back).into_response());
    }
    let parent = match form.reply_to.trim() {
        "" => None,
        _ => match reply_to {
            Some(id) => Some(CommentId(id)),
            None => {
                let (status, field, message) = refusal(&state, &Rejection::Reply);
                return refuse(status, field, message).await;
            }
        },
    };
    let submitted = core
        .submit_comment(&Submission {
            article: article.id,
            parent,
            name: &form.name,
            email: &form.email,
            body: &form.body,
            client,
        })
        .await;
    let saved = match submitted {
        Ok(saved) => saved,
        Err(CommentError::Rejected(Rejection::TooMany)) => return Err(AppError::TooManyRequests),
        Err(CommentError::Rejected(r)) => {
            let (status, field, message) = refusal(&state, &r);
            return refuse(status, field, message).await;
        }
        Err(e) => return Err(e.into()),
    };
    tracing::info!(
        comment.id = saved.id.0,
        article.id = article.id.0,
        "comment awaits moderation"
    );
    Ok(Redirect::to(&back).into_response())
}

/// Why a comment was refused, for the reader: the status, the field at
/// fault and the message in the newsroom's language.
fn refusal(state: &AppState, r: &Rejection) -> (StatusCode, &'static str, String) {
    let n = |v: usize| fluent_bundle::FluentValue::from(v as i64);
    let t =
        |id: &str, args: &[(&str, fluent_bundle::FluentValue<'_>)]| state.templates.text(id, args);
    let bad = StatusCode::BAD_REQUEST;
    match r {
        Rejection::Name => (
            bad,
            "name",
            t("comment-error-name", &[("max", n(MAX_NAME))]),
        ),
        Rejection::Email => (bad, "email", t("comment-error-email", &[])),
        Rejection::Length(count) => (
            bad,
            "body",
            t(
                "comment-error-length",
                &[
                    ("min", n(MIN_BODY)),
                    ("max", n(MAX_BODY)),
                    ("count", n(*count)),
                ],
            ),
        ),
        Rejection::Links => (
            bad,
            "body",
            t("comment-error-links", &[("max", n(MAX_LINKS))]),
        ),
        Rejection::Reply => (bad, "form", t("comment-error-reply", &[])),
        Rejection::Duplicate => (
            StatusCode::CONFLICT,
            "body",
            t("comment-error-duplicate", &[]),
        ),
        Rejection::TooMany => (StatusCode::TOO_MANY_REQUESTS, "form", t("error-429", &[])),
    }
}
