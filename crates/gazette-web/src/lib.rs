#![doc = include_str!("../README.md")]
//!
//! A request flows: [`router`] → a handler in `pages` (or `api`) → the
//! newsroom's services in [`gazette_core::Core`] and its store → a view
//! struct (`views`, no IO) → [`Templates::render`] → HTML. Paths come from
//! `urls`; who may do what from the extractors in `auth`. Errors are
//! [`AppError`]s, rendered as an HTML page (or JSON under `/api`) by one
//! middleware that also logs server errors once.

mod admin;
mod api;
mod auth;
mod cache;
mod client;
mod error;
mod forms;
pub mod i18n;
mod pages;
mod security;
mod sendfile;
mod server;
mod state;
mod templates;
mod throttle;
pub mod urls;
mod views;

pub use client::TrustedProxies;
pub use error::AppError;
pub use server::{IntoListeners, Listeners, ServerLimits, raise_open_files_limit, serve};
pub use state::{AppState, Shared, StartError, WebConfig};
pub use templates::{TemplateError, Templates};

use std::time::Duration;

use axum::{
    Router,
    extract::DefaultBodyLimit,
    middleware,
    routing::{delete, get, post},
};
use tower_http::{
    catch_panic::CatchPanicLayer, limit::RequestBodyLimitLayer, timeout::TimeoutLayer,
    trace::TraceLayer,
};

use urls::route;

/// Largest request body the site accepts: a comment of 5,000 characters,
/// URL-encoded, fits. Routes that take less set their own limit.
const BODY_LIMIT_BYTES: usize = 64 * 1024;

/// Every route of the reader site, with the middleware every response
/// goes through.
pub fn router(state: AppState) -> Router {
    // Every route takes small bodies, but image uploads.
    let mut routes = routes()
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT_BYTES))
        .merge(
            admin::upload_routes()
                .layer(DefaultBodyLimit::max(admin::UPLOAD_BODY_LIMIT))
                .layer(RequestBodyLimitLayer::new(admin::UPLOAD_BODY_LIMIT)),
        );
    // Files brought in from an imported site's uploads.
    if let Some(dir) = &state.config.media_dir {
        routes = routes.nest_service(
            route::MEDIA,
            tower_http::services::ServeDir::new(dir).append_index_html_on_directories(false),
        );
    }
    with_middleware(routes, state)
}

/// What [`serve`] runs: the router, and the page cache that answers a
/// page rendered a moment ago before any routing.
#[derive(Clone)]
pub struct App {
    pub(crate) router: Router,
    pub(crate) cache: Option<std::sync::Arc<cache::PageCache>>,
}

/// The whole site over `state`: [`router`] behind its page cache.
pub fn app(state: AppState) -> App {
    App {
        cache: Some(state.page_cache.clone()),
        router: router(state),
    }
}

/// A router served as it is (no cache in front).
impl From<Router> for App {
    fn from(router: Router) -> App {
        App {
            router,
            cache: None,
        }
    }
}

fn routes() -> Router<AppState> {
    Router::new()
        .route(route::HOME, get(pages::home::show))
        .route(route::ARTICLE, get(pages::article::show))
        .route(route::ARTICLE_COMMENTS, post(pages::comments::create))
        .route(
            route::HIT,
            post(pages::hits::beacon)
                .get(pages::hits::pixel)
                .layer(DefaultBodyLimit::max(pages::hits::MAX_HIT_BODY)),
        )
        .route(route::TOP, get(pages::top::current))
        .route(route::TOP_WEEK, get(pages::top::week))
        .route(route::STAFF, get(pages::staff::show))
        .route(route::STAFF_SIGN_IN, post(pages::staff::sign_in))
        .route(route::STAFF_SIGN_OUT, post(pages::staff::sign_out))
        .route(route::API_TOP, get(api::top_current))
        .route(route::API_TOP_WEEK, get(api::top_week))
        .route(route::API_ARTICLE_VIEWS, get(api::article_views))
        .route(route::API_COMMENTS, get(api::comments))
        .route(route::API_METRICS, get(api::metrics))
        .route(route::API_COMMENT, delete(api::delete))
        .route(route::API_COMMENT_ACTION, post(api::moderate))
        .route(route::HOME_PAGED, get(pages::home::paged))
        .route(route::SECTION, get(pages::listing::section))
        .route(route::SECTION_PAGED, get(pages::listing::section_paged))
        .route(route::CONTRIBUTOR, get(pages::listing::contributor))
        .route(
            route::CONTRIBUTOR_PAGED,
            get(pages::listing::contributor_paged),
        )
        .route(route::SOURCE, get(pages::listing::source))
        .route(route::SOURCE_PAGED, get(pages::listing::source_paged))
        .route(route::TAG, get(pages::listing::tag))
        .route(route::TAG_PAGED, get(pages::listing::tag_paged))
        .route(route::RSS, get(pages::feeds::site_rss))
        .route(route::ATOM, get(pages::feeds::site_atom))
        .route(route::SECTION_RSS, get(pages::feeds::section_rss))
        .route(route::SECTION_ATOM, get(pages::feeds::section_atom))
        .route(route::CONTRIBUTOR_RSS, get(pages::feeds::contributor_rss))
        .route(route::CONTRIBUTOR_ATOM, get(pages::feeds::contributor_atom))
        .route(route::SOURCE_RSS, get(pages::feeds::source_rss))
        .route(route::SOURCE_ATOM, get(pages::feeds::source_atom))
        .route(route::TAG_RSS, get(pages::feeds::tag_rss))
        .route(route::TAG_ATOM, get(pages::feeds::tag_atom))
        .route(route::WEEKS, get(pages::week::archive))
        .route(route::WEEK, get(pages::week::show))
        .route(route::WEEK_RSS, get(pages::feeds::week_rss))
        .route(route::WEEK_ATOM, get(pages::feeds::week_atom))
        .route(route::SEARCH, get(pages::search::show))
        .route(route::ROBOTS, get(pages::sitemap::robots))
        .route(route::SITEMAP, get(pages::sitemap::index))
        .route(route::SITEMAP_FILE, get(pages::sitemap::file))
        .route(route::NEWS_SITEMAP, get(pages::sitemap::news))
        .route(route::STATIC, get(pages::assets::file))
        .route(route::HEALTH, get(pages::assets::health))
        .merge(admin::routes())
        .route(route::IMAGE, get(admin::image))
        .fallback(pages::redirects::fallback)
}

/// The middleware, from the outside in: the page cache (a page rendered a
/// moment ago is answered before anything else runs), tracing, a time
/// limit (the body limits sit on the routes, see [`router`]), the security headers (kept with cached pages),
/// the error pages, and panics made into 500s.
fn with_middleware(routes: Router<AppState>, state: AppState) -> Router {
    routes
        // A panic in a handler becomes a 500 (logged and rendered by the
        // error pages around it), never a dropped connection.
        .layer(CatchPanicLayer::custom(error::panic_response))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            error::render_error_pages,
        ))
        .layer(middleware::from_fn(security::headers))
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(30),
        ))
        .layer(middleware::map_response(close_after_refusal))
        .layer(TraceLayer::new_for_http())
        .layer(middleware::from_fn_with_state(
            state.clone(),
            cache::microcache,
        ))
        .with_state(state)
}

/// A request refused before its body was read (too large, too slow) may
/// leave bytes on the connection: the answer says the connection closes,
/// so that no client sends its next request on it and loses it.
async fn close_after_refusal(mut res: axum::response::Response) -> axum::response::Response {
    use axum::http::{HeaderValue, StatusCode, header};
    if matches!(
        res.status(),
        StatusCode::PAYLOAD_TOO_LARGE | StatusCode::REQUEST_TIMEOUT
    ) {
        res.headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_panicking_handler_answers_500_and_keeps_the_connection_alive() {
        let store = std::sync::Arc::new(gazette_store_sqlite_for_tests().await);
        let newsroom = gazette_domain::Newsroom {
            name: "Test".into(),
            base_url: "http://127.0.0.1".into(),
            time_zone: jiff::tz::TimeZone::UTC,
            language: "en".into(),
        };
        let core = gazette_core::Core::new(
            store,
            newsroom,
            std::sync::Arc::new(gazette_core::SystemClock),
            gazette_core::CoreConfig::default(),
        )
        .await
        .unwrap();
        let state = AppState::new(core, WebConfig::default()).unwrap();
        let app = with_middleware(
            routes().route(
                "/boom",
                get(|| async {
                    if std::hint::black_box(true) {
                        panic!("a bug in a handler");
                    }
                    "never"
                }),
            ),
            state,
        );
        use tower::ServiceExt;
        let resp = app
            .clone()
            .oneshot(
                axum::http::Request::get("/boom")
                    .body(axum::body::Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(resp.status(), 500);
        let body = axum::body::to_bytes(resp.into_body(), 1 << 20)
            .await
            .unwrap();
        let body = String::from_utf8_lossy(&body);
        assert!(body.contains("Something went wrong on our side"), "{body}");
        assert!(
            !body.contains("a bug in a handler"),
            "details stay in the log"
        );
        let ok = app
            .oneshot(
                axum::http::Request::get("/healthz")
                    .body(axum::body::Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(ok.status(), 200);
    }

    async fn gazette_store_sqlite_for_tests() -> gazette_store_sqlite::SqliteStore {
        gazette_store_sqlite::SqliteStore::memory().await.unwrap()
    }
}
