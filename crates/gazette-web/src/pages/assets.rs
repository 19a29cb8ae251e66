//! The stylesheet, health check and the catch-all 404.

use std::sync::OnceLock;

use axum::{
    extract::Path,
    http::header,
    response::{IntoResponse, Response},
};

use crate::AppError;

const CSS: &str = include_str!("../../static/gazette.css");
const FAVICON: &str = include_str!("../../static/favicon.svg");
/// The picture shared for a story without one of its own (1200×630).
const CARD: &[u8] = include_bytes!("../../static/card.png");
/// The publisher's logo in search engines' markup (600×60).
const LOGO: &[u8] = include_bytes!("../../static/logo.png");

/// Path of the default share picture.
pub const CARD_PATH: &str = "/static/card.png";
/// Path of the publisher's logo.
pub const LOGO_PATH: &str = "/static/logo.png";

/// The stylesheet's URL carries a hash of its content, so it can be cached
/// for a year and still change with a new release.
pub fn css_href() -> String {
    static HREF: OnceLock<String> = OnceLock::new();
    HREF.get_or_init(|| {
        // FNV-1a: stable across builds and platforms, unlike std's hasher.
        let mut h: u64 = 0xcbf29ce484222325;
        for b in CSS.bytes() {
            h = (h ^ u64::from(b)).wrapping_mul(0x100000001b3);
        }
        format!("/static/gazette.css?v={:08x}", h as u32)
    })
    .clone()
}

pub async fn file(Path(file): Path<String>) -> Result<Response, AppError> {
    match file.as_str() {
        "gazette.css" => Ok((
            [
                (header::CONTENT_TYPE, "text/css; charset=utf-8"),
                (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
            ],
            CSS,
        )
            .into_response()),
        "favicon.svg" => Ok((
            [
                (header::CONTENT_TYPE, "image/svg+xml"),
                (header::CACHE_CONTROL, "public, max-age=86400"),
            ],
            FAVICON,
        )
            .into_response()),
        "card.png" | "logo.png" => Ok((
            [
                (header::CONTENT_TYPE, "image/png"),
                (header::CACHE_CONTROL, "public, max-age=86400"),
            ],
            if file == "card.png" { CARD } else { LOGO },
        )
            .into_response()),
        _ => Err(AppError::NotFound),
    }
}

pub async fn health() -> &'static str {
    "ok"
}
