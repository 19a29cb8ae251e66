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
    pub const HOME_PAGED: &str = "/page/{n}";
    pub const SECTION_PAGED: &str = "/sections/{slug}/page/{n}";
    pub const CONTRIBUTOR_PAGED: &str = "/contributors/{slug}/page/{n}";
    pub const SOURCE_PAGED: &str = "/sources/{slug}/page/{n}";
    pub const TAG_PAGED: &str = "/tags/{slug}/page/{n}";
    pub const SECTION_RSS: &str = "/sections/{slug}/feed.xml";
    pub const SECTION_ATOM: &str = "/sections/{slug}/atom.xml";
    pub const CONTRIBUTOR_RSS: &str = "/contributors/{slug}/feed.xml";
    pub const CONTRIBUTOR_ATOM: &str = "/contributors/{slug}/atom.xml";
    pub const SOURCE_RSS: &str = "/sources/{slug}/feed.xml";
    pub const SOURCE_ATOM: &str = "/sources/{slug}/atom.xml";
    pub const TAG_RSS: &str = "/tags/{slug}/feed.xml";
    pub const TAG_ATOM: &str = "/tags/{slug}/atom.xml";
    pub const RSS: &str = "/feed.xml";
    pub const ATOM: &str = "/atom.xml";
    pub const WEEKS: &str = "/weeks";
    pub const WEEK: &str = "/week/{week}";
    pub const WEEK_RSS: &str = "/week/{week}/feed.xml";
    pub const WEEK_ATOM: &str = "/week/{week}/atom.xml";
    pub const SEARCH: &str = "/search";
    pub const ROBOTS: &str = "/robots.txt";
    pub const SITEMAP: &str = "/sitemap.xml";
    pub const SITEMAP_FILE: &str = "/sitemaps/{file}";
    pub const NEWS_SITEMAP: &str = "/news-sitemap.xml";
    pub const STAFF: &str = "/staff";
    pub const STAFF_SIGN_IN: &str = "/staff/sign-in";
    pub const STAFF_SIGN_OUT: &str = "/staff/sign-out";
    pub const STATIC: &str = "/static/{file}";
    /// Files brought in from an imported site (`/media/2021/03/a.png`).
    pub const MEDIA: &str = "/media";
    /// One size of an uploaded image.
    pub const IMAGE: &str = "/images/{file}";
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

/// A week's edition.
pub fn week(week: IsoWeek) -> String {
    format!("/week/{week}")
}

pub fn week_feed(week: IsoWeek) -> String {
    format!("/week/{week}/feed.xml")
}

pub fn week_atom(week: IsoWeek) -> String {
    format!("/week/{week}/atom.xml")
}

/// Every weekly edition.
pub fn weeks() -> &'static str {
    route::WEEKS
}

pub fn search() -> &'static str {
    route::SEARCH
}

/// A listing's RSS and Atom feeds (`base` is its first page).
pub fn feeds_of(base: &str) -> (String, String) {
    if base == route::HOME {
        (route::RSS.to_owned(), route::ATOM.to_owned())
    } else {
        (format!("{base}/feed.xml"), format!("{base}/atom.xml"))
    }
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
        format!("{}/page/{page}", base.trim_end_matches('/'))
    }
}

/// Whether a path is one of the public reader pages, the same for every
/// reader (and so cacheable).
pub fn is_reader_page(path: &str) -> bool {
    path == route::HOME
        || [
            route::RSS,
            route::ATOM,
            route::WEEKS,
            route::ROBOTS,
            route::SITEMAP,
            route::NEWS_SITEMAP,
        ]
        .contains(&path)
        || [
            "/articles/",
            "/sections/",
            "/contributors/",
            "/sources/",
            "/tags/",
            "/top/",
            "/week/",
            "/page/",
            "/sitemaps/",
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
            (week("2025-W48".parse().unwrap()), route::WEEK),
            (week_feed("2025-W48".parse().unwrap()), route::WEEK_RSS),
            (page("/sections/a-b", 2), route::SECTION_PAGED),
            (page("/tags/a-b", 2), route::TAG_PAGED),
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
        assert_eq!(page("/sections/x", 3), "/sections/x/page/3");
        assert_eq!(page("/", 3), "/page/3");
        assert_eq!(page("/", 1), "/");
        assert_eq!(feeds_of("/"), ("/feed.xml".into(), "/atom.xml".into()));
        assert_eq!(feeds_of("/tags/x").0, "/tags/x/feed.xml");
        assert!(is_reader_page("/week/2025-W48"));
        assert!(!is_reader_page("/search"));
        assert!(is_reader_page(&article("x")));
        assert!(!is_reader_page("/api/top"));
    }
}
