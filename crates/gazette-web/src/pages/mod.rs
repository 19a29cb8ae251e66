//! Handlers, one module per resource.

pub mod article;
pub mod assets;
pub mod comments;
pub mod hits;
pub mod home;
pub mod listing;
pub mod staff;
pub mod top;

use axum::{
    http::header,
    response::{Html, IntoResponse, Response},
};
use serde::Deserialize;

/// Reader pages may be cached by browsers and CDNs for a minute; counts
/// on them are refreshed by the view beacon, not by the page.
pub fn page(html: String) -> Response {
    ([(header::CACHE_CONTROL, "public, max-age=60")], Html(html)).into_response()
}

/// `?page=N` on listings.
#[derive(Deserialize)]
pub struct PageQuery {
    pub page: Option<u32>,
}

/// Stories per listing page.
pub const PAGE_SIZE: u32 = 20;
