use axum::{
    extract::{Request, State},
    http::StatusCode,
    middleware::Next,
    response::{Html, IntoResponse, Response},
};
use gazette_core::{CommentError, RankingError};
use gazette_store::StoreError;

use crate::{AppState, pages, views::Layout};

/// What a handler can fail with. Readers see a short HTML page, API
/// clients a JSON envelope; details of server errors go to the log only.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    /// Was here, and was taken down on purpose.
    #[error("gone")]
    Gone,
    #[error("bad request: {0}")]
    BadRequest(String),
    /// The request clashes with what is stored (a duplicate).
    #[error("conflict: {0}")]
    Conflict(String),
    /// The API needs a valid token.
    #[error("unauthorized")]
    Unauthorized,
    /// The request came from somewhere it may not.
    #[error("forbidden: {0}")]
    Forbidden(String),
    #[error("too many requests")]
    TooManyRequests,
    /// Details for the log only; the reader sees a generic message.
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    pub fn bad_request(msg: impl Into<String>) -> Self {
        AppError::BadRequest(msg.into())
    }

    fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Gone => StatusCode::GONE,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => AppError::NotFound,
            StoreError::Invalid(e) => AppError::BadRequest(e.to_string()),
            // The backend's fixed description, never the database's text.
            StoreError::Conflict(what) => AppError::Conflict(what.to_owned()),
            StoreError::MissingReference(what) => {
                AppError::BadRequest(format!("it refers to {what} that does not exist"))
            }
            e @ StoreError::Other(_) => AppError::Internal(e.detail()),
        }
    }
}

impl From<RankingError> for AppError {
    fn from(e: RankingError) -> Self {
        match e {
            RankingError::NoSuchWeek => AppError::NotFound,
            RankingError::Store(e) => e.into(),
        }
    }
}

impl From<CommentError> for AppError {
    fn from(e: CommentError) -> Self {
        match e {
            CommentError::Rejected(gazette_core::Rejection::TooMany) => AppError::TooManyRequests,
            CommentError::Rejected(r @ gazette_core::Rejection::Duplicate) => {
                AppError::Conflict(r.to_string())
            }
            CommentError::Rejected(r) => AppError::BadRequest(r.to_string()),
            CommentError::Store(e) => e.into(),
        }
    }
}

impl From<crate::TemplateError> for AppError {
    fn from(e: crate::TemplateError) -> Self {
        AppError::Internal(e.to_string())
    }
}

/// Carried from [`AppError::into_response`] to [`render_error_pages`].
#[derive(Clone)]
struct ErrorInfo {
    status: StatusCode,
    message: String,
    internal: Option<String>,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        let (message, internal) = match &self {
            AppError::NotFound => ("We could not find that page.".to_owned(), None),
            AppError::Gone => ("This story was taken down.".to_owned(), None),
            AppError::BadRequest(m) | AppError::Conflict(m) | AppError::Forbidden(m) => {
                (m.clone(), None)
            }
            AppError::Unauthorized => (
                "This needs the API token: send it as `Authorization: Bearer TOKEN`.".to_owned(),
                None,
            ),
            AppError::TooManyRequests => (
                "Too many requests from your address; wait a minute and try again.".to_owned(),
                None,
            ),
            AppError::Internal(m) => (
                "Something went wrong on our side. Please try again in a moment.".to_owned(),
                Some(m.clone()),
            ),
        };
        let mut resp = (status, message.clone()).into_response();
        resp.extensions_mut().insert(ErrorInfo {
            status,
            message,
            internal,
        });
        resp
    }
}

/// Turns error responses into the site's error page (or the API's JSON
/// envelope), and logs server errors once, here.
pub async fn render_error_pages(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    let path = req.uri().path().to_owned();
    let resp = next.run(req).await;
    let Some(info) = resp.extensions().get::<ErrorInfo>().cloned() else {
        return resp;
    };
    if let Some(detail) = &info.internal {
        tracing::error!(http.path = %path, error = %detail, "request failed");
    }
    if path.starts_with("/api/") {
        let body = serde_json::json!({
            "error": { "status": info.status.as_u16(), "message": info.message }
        });
        return (info.status, axum::Json(body)).into_response();
    }
    if path.starts_with("/hit/") {
        return (
            info.status,
            [(axum::http::header::CACHE_CONTROL, "no-store")],
            info.message,
        )
            .into_response();
    }
    let frame = pages::frame(&state).await.ok();
    let layout = Layout::new(&state.core, frame.as_ref(), None);
    let text = |id: &str| state.templates.text(id, &[]);
    let (title, message) = match info.status {
        StatusCode::NOT_FOUND => (text("error-404-title"), text("error-404")),
        StatusCode::GONE => (text("error-410-title"), text("error-410")),
        StatusCode::BAD_REQUEST | StatusCode::CONFLICT => {
            (text("error-400-title"), info.message.clone())
        }
        StatusCode::FORBIDDEN | StatusCode::UNAUTHORIZED => {
            (text("error-403-title"), info.message.clone())
        }
        StatusCode::TOO_MANY_REQUESTS => (text("error-429-title"), text("error-429")),
        s if s.is_server_error() => (text("error-500-title"), text("error-500")),
        _ => (text("error-400-title"), info.message.clone()),
    };
    let ctx = minijinja::context! {
        layout => crate::views::v(&layout),
        title,
        message,
        status => info.status.as_u16(),
    };
    match state.templates.render("pages/error.html", ctx) {
        Ok(html) => (info.status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "error page failed to render");
            (info.status, info.message).into_response()
        }
    }
}

/// What a panicking handler answers: the error is logged and the reader
/// gets the server-error page (rendered by [`render_error_pages`]).
pub fn panic_response(panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let what = panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_else(|| "a handler panicked".to_owned());
    AppError::Internal(format!("panic: {what}")).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_text_never_reaches_a_reader() {
        let leaked = "UNIQUE constraint failed: articles.slug (SQLITE_CONSTRAINT 2067)";
        let err: AppError = StoreError::other(std::io::Error::other(leaked.to_owned())).into();
        let resp = err.into_response();
        let info = resp.extensions().get::<ErrorInfo>().unwrap();
        assert_eq!(info.status, StatusCode::INTERNAL_SERVER_ERROR);
        assert!(!info.message.contains("UNIQUE"), "{}", info.message);
        assert!(
            info.internal.as_deref().unwrap().contains("UNIQUE"),
            "logged"
        );
        // A conflict carries only the backend's fixed words.
        let err: AppError =
            StoreError::Conflict("something with the same name or key is already stored").into();
        let info = err
            .into_response()
            .extensions()
            .get::<ErrorInfo>()
            .unwrap()
            .clone();
        assert!(!info.message.to_lowercase().contains("constraint"));
    }
}
