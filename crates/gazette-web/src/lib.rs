#![doc = include_str!("../README.md")]
//!
//! A request flows: [`router`] → a handler in `pages` → [`gazette_store::Store`]
//! → a view struct (`views`) → [`Templates::render`] → HTML. Errors are
//! [`AppError`]s, rendered as an HTML page by one middleware that also logs
//! server errors once.

mod error;
mod pages;
mod state;
mod templates;
mod top;
mod views;

pub use error::AppError;
pub use state::{AppState, WebConfig};
pub use templates::{TemplateError, Templates};

use std::time::Duration;

use axum::{Router, middleware, routing::get};
use tower_http::{limit::RequestBodyLimitLayer, timeout::TimeoutLayer, trace::TraceLayer};

/// Largest request body the reader site accepts. Reader pages take no
/// uploads; forms that come later set their own, larger, limits.
const BODY_LIMIT_BYTES: usize = 16 * 1024;

/// Every route of the reader site.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(pages::home::show))
        .route("/articles/{slug}", get(pages::article::show))
        .route("/sections/{slug}", get(pages::listing::section))
        .route("/contributors/{slug}", get(pages::listing::contributor))
        .route("/sources/{slug}", get(pages::listing::source))
        .route("/static/{file}", get(pages::assets::file))
        .route("/healthz", get(pages::assets::health))
        .fallback(pages::assets::not_found)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            error::render_error_pages,
        ))
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT_BYTES))
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(30),
        ))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
