use axum::{
    extract::{Request, State},
    http::StatusCode,
    middleware::Next,
    response::{Html, IntoResponse, Response},
};
use gazette_store::StoreError;

use crate::{
    AppState,
    views::{Layout, v},
};

/// What a handler can fail with. Readers see a short HTML page; details of
/// server errors go to the log only.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("bad request: {0}")]
    BadRequest(String),
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
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => AppError::NotFound,
            StoreError::Invalid(e) => AppError::BadRequest(e.to_string()),
            e => AppError::Internal(e.to_string()),
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
            AppError::BadRequest(m) => (m.clone(), None),
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

/// Turns error responses into the site's error page, and logs server
/// errors once, here.
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
    let layout = match Layout::build(&state, None).await {
        Ok(l) => l,
        Err(_) => Layout::bare(&state),
    };
    let title = match info.status {
        StatusCode::NOT_FOUND => "Page not found",
        StatusCode::BAD_REQUEST => "Bad request",
        _ => "Server error",
    };
    let ctx = minijinja::context! {
        layout => v(&layout),
        title,
        message => info.message.clone(),
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
