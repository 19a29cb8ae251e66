#![doc = include_str!("../README.md")]
//!
//! A request flows: [`router`] → a handler in `pages` → [`gazette_store::Store`]
//! → a view struct (`views`) → [`Templates::render`] → HTML. Errors are
//! [`AppError`]s, rendered as an HTML page by one middleware that also logs
//! server errors once.

mod api;
pub mod background;
mod cache;
mod client;
mod comments;
pub mod counter;
mod error;
mod forms;
mod pages;
mod state;
mod templates;
pub mod top;
mod views;

pub use api::FORMULA;
pub use error::AppError;
pub use state::{AppState, StartError, WebConfig};
pub use templates::{TemplateError, Templates};

use std::time::Duration;

use axum::{
    Router,
    extract::DefaultBodyLimit,
    middleware,
    routing::{get, post},
};
use tower_http::{limit::RequestBodyLimitLayer, timeout::TimeoutLayer, trace::TraceLayer};

/// Largest request body the site accepts: a comment of 5,000 characters,
/// URL-encoded, fits. Routes that take less set their own limit.
const BODY_LIMIT_BYTES: usize = 64 * 1024;

/// Every route of the reader site.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(pages::home::show))
        .route("/articles/{slug}", get(pages::article::show))
        .route("/articles/{slug}/comments", post(pages::comments::create))
        .route(
            "/hit/{target}",
            post(pages::hits::beacon)
                .get(pages::hits::pixel)
                .layer(DefaultBodyLimit::max(pages::hits::MAX_HIT_BODY)),
        )
        .route("/top", get(pages::top::current))
        .route("/top/{week}", get(pages::top::week))
        .route("/staff", get(pages::staff::show))
        .route("/staff/sign-in", post(pages::staff::sign_in))
        .route("/staff/sign-out", post(pages::staff::sign_out))
        .route("/api/top", get(api::top_current))
        .route("/api/top/{week}", get(api::top_week))
        .route("/api/articles/{id}/views", get(api::article_views))
        .route("/api/comments", get(api::comments))
        .route("/api/metrics", get(api::metrics))
        .route("/api/comments/{id}", axum::routing::delete(api::delete))
        .route("/api/comments/{id}/{action}", post(api::moderate))
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
        .layer(middleware::from_fn_with_state(
            state.clone(),
            cache::microcache,
        ))
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT_BYTES))
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(30),
        ))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
