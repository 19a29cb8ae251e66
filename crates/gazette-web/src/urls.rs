//! Every path of the site, built in one place: the router's patterns and
//! the links templates and the API give out.

use std::fmt::Display;

use gazette_domain::{ArticleId, IsoWeek};

/// Route patterns, as the router knows them.
pub mod route {
    pub const HOME: &str = "/";
    pub const ARTICLE: &str = "/articles/{slug}";
    pub const ARTICLE_COMMENTS: &str = "/articles/{slug}/comments";
    pub const HIT: &str = "/hit/{target}";
    pub const TOP: &str = "/top";
    pub const TOP_WEEK: &str = "/top/{week}";
    pub const SECTION: &str = "/sections/{slug}";
    pub const CONTRIBUTOR: &str = "/contributors/{slug}";
    pub const SOURCE: &str = "/sources/{slug}";
    pub const TAG: &str = "/tags/{slug}";
    pub const STAFF: &str = "/staff";
    pub const STAFF_SIGN_IN: &str = "/staff/sign-in";
    pub const STAFF_SIGN_OUT: &str = "/staff/sign-out";
    pub const STATIC: &str = "/static/{file}";
    /// Files brought in from an imported site (`/media/2021/03/a.png`).
    pub const MEDIA: &str = "/media";
    pub const HEALTH: &str = "/healthz";
    pub const API_TOP: &str = "/api/top";
    pub const API_TOP_WEEK: &str = "/api/top/{week}";
    pub const API_ARTICLE_VIEWS: &str = "/api/articles/{id}/views";
    pub const API_COMMENTS: &str = "/api/comments";
    pub const API_COMMENT: &str = "/api/comments/{id}";
    pub const API_COMMENT_ACTION: &str = "/api/comments/{id}/{action}";
    pub const API_METRICS: &str = "/api/metrics";
}

pub fn home() -> &'static str {
    route::HOME
}

pub fn article(slug: impl Display) -> String {
    format!("/articles/{slug}")
}

pub fn article_comments(slug: impl Display) -> String {
    format!("/articles/{slug}/comments")
}

pub fn section(slug: impl Display) -> String {
    format!("/sections/{slug}")
}

pub fn contributor(slug: impl Display) -> String {
    format!("/contributors/{slug}")
}

pub fn source(slug: impl Display) -> String {
    format!("/sources/{slug}")
}

pub fn tag(slug: impl Display) -> String {
    format!("/tags/{slug}")
}

pub fn top(week: IsoWeek) -> String {
    format!("/top/{week}")
}

/// The beacon's address: the article and the page's hit token.
pub fn beacon(article: ArticleId, token: &str) -> String {
    format!("/hit/{article}?t={token}")
}

/// The `<noscript>` pixel's address.
pub fn pixel(article: ArticleId, token: &str) -> String {
    format!("/hit/{article}.gif?t={token}")
}

pub fn staff() -> &'static str {
    route::STAFF
}

pub fn staff_sign_in() -> &'static str {
    route::STAFF_SIGN_IN
}

pub fn staff_sign_out() -> &'static str {
    route::STAFF_SIGN_OUT
}

/// A page of a paged listing: the listing itself for page 1.
/// A brought-in file, by its path under the media folder.
pub fn media(rel: &str) -> String {
    let escaped: Vec<String> = rel
        .split('/')
        .map(|p| {
            percent_encoding::utf8_percent_encode(p, percent_encoding::NON_ALPHANUMERIC).to_string()
        })
        .collect();
    format!("{}/{}", route::MEDIA, escaped.join("/"))
}

pub fn page(base: &str, page: u32) -> String {
    if page <= 1 {
        base.to_owned()
    } else {
        format!("{base}?page={page}")
    }
}

/// Whether a path is one of the public reader pages, the same for every
/// reader (and so cacheable).
pub fn is_reader_page(path: &str) -> bool {
    path == route::HOME
        || [
            "/articles/",
            "/sections/",
            "/contributors/",
            "/sources/",
            "/tags/",
            "/top/",
        ]
        .iter()
        .any(|p| path.starts_with(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_match_their_routes() {
        let pairs = [
            (article("a-b"), route::ARTICLE),
            (article_comments("a-b"), route::ARTICLE_COMMENTS),
            (section("a-b"), route::SECTION),
            (contributor("a-b"), route::CONTRIBUTOR),
            (source("a-b"), route::SOURCE),
            (tag("a-b"), route::TAG),
            (top("2025-W48".parse().unwrap()), route::TOP_WEEK),
        ];
        for (link, pattern) in pairs {
            let (prefix, _) = pattern.split_once('{').unwrap();
            assert!(link.starts_with(prefix), "{link} vs {pattern}");
            assert_eq!(
                link.matches('/').count(),
                pattern.matches('/').count(),
                "{link} vs {pattern}"
            );
        }
        assert_eq!(beacon(ArticleId(7), "1.ab"), "/hit/7?t=1.ab");
        assert_eq!(pixel(ArticleId(7), "1.ab"), "/hit/7.gif?t=1.ab");
        assert_eq!(page("/sections/x", 1), "/sections/x");
        assert_eq!(page("/sections/x", 3), "/sections/x?page=3");
        assert!(is_reader_page(&article("x")));
        assert!(!is_reader_page("/api/top"));
    }
}
