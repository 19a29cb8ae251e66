//! What Gazette's SQL backends share. Row types derive sqlx's `FromRow`,
//! which decodes them from a SQLite or a PostgreSQL row alike; `rows`
//! turns them into domain types, so no database type leaves a backend.
//! Each backend keeps its own SQL.

pub mod rows;

use gazette_domain::{ArticleKind, ArticleStatus, Slug};

/// The time a story's link rows (section, contributor, source) carry: its
/// publish time while it is published, else [`NEVER_LISTED`]. Listings
/// then walk one index of the link table (`published_at <= now`), page by
/// page, without looking at the story itself until the page is found.
/// A standing page ([`ArticleKind::Page`]) is in no listing.
pub fn listed_at(status: ArticleStatus, kind: ArticleKind, published_at: Option<i64>) -> i64 {
    match (status, kind, published_at) {
        (ArticleStatus::Published, ArticleKind::Story, Some(at)) => at,
        _ => NEVER_LISTED,
    }
}

/// A stored redirect as it is answered: the article's id and slug when it
/// leads to one, else the place named in `target`.
pub fn resolved_redirect(
    article: Option<(i64, String)>,
    target: Option<String>,
) -> gazette_store::StoreResult<gazette_store::Resolved> {
    match (article, target) {
        (Some((id, slug)), _) => Ok(gazette_store::Resolved::Article(
            gazette_domain::ArticleId(id),
            Slug::parse(&slug)?,
        )),
        (None, Some(place)) => Ok(gazette_store::Resolved::Place(place.parse()?)),
        (None, None) => Err(gazette_store::StoreError::NotFound),
    }
}

/// After every `now`: a link row with this time is in no listing.
pub const NEVER_LISTED: i64 = i64::MAX;

/// `base` if no slug in `taken` is `base`, else one past the highest
/// numeric suffix among `base-N`.
pub fn first_free_slug(base: &Slug, taken: &[String]) -> Slug {
    if !taken.iter().any(|s| s == base.as_str()) {
        return base.clone();
    }
    let prefix = format!("{base}-");
    let highest = taken
        .iter()
        .filter_map(|s| s.strip_prefix(&prefix)?.parse::<u32>().ok())
        .max()
        .unwrap_or(1);
    base.with_suffix(highest.max(1) + 1)
}

/// Where an `articles_updated_after` query starts: `(updated_at, id)` of
/// the mark, or before everything.
pub fn after_mark(after: Option<gazette_store::UpdateMark>) -> (i64, i64) {
    after.map_or((i64::MIN, i64::MIN), |m| (m.updated_at.as_second(), m.id.0))
}

/// Rows of `(updated_at, id)` as marks.
pub fn update_marks(
    rows: Vec<(i64, i64)>,
) -> gazette_store::StoreResult<Vec<gazette_store::UpdateMark>> {
    rows.into_iter()
        .map(|(at, id)| {
            Ok(gazette_store::UpdateMark {
                updated_at: rows::ts(at)?,
                id: gazette_domain::ArticleId(id),
            })
        })
        .collect()
}

/// Rows of `(id, slug, updated_at)` as sitemap entries.
pub fn sitemap_entries(
    rows: Vec<(i64, String, i64)>,
) -> gazette_store::StoreResult<Vec<gazette_store::SitemapEntry>> {
    rows.into_iter()
        .map(|(id, slug, at)| {
            Ok(gazette_store::SitemapEntry {
                id: gazette_domain::ArticleId(id),
                slug: rows::slug(slug)?,
                updated_at: rows::ts(at)?,
            })
        })
        .collect()
}

/// The end of a publication-time range, never after `now`'s second: a
/// story is live from its time on, in whole seconds.
pub fn published_until(to: jiff::Timestamp, now: jiff::Timestamp) -> jiff::Timestamp {
    to.min(
        now.checked_add(jiff::SignedDuration::from_secs(1))
            .unwrap_or(now),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_published_stories_are_listed() {
        assert_eq!(
            listed_at(ArticleStatus::Published, ArticleKind::Story, Some(5)),
            5
        );
        assert_eq!(
            listed_at(ArticleStatus::Draft, ArticleKind::Story, Some(5)),
            NEVER_LISTED
        );
        assert_eq!(
            listed_at(ArticleStatus::Withdrawn, ArticleKind::Story, Some(5)),
            NEVER_LISTED
        );
        assert_eq!(
            listed_at(ArticleStatus::Published, ArticleKind::Story, None),
            NEVER_LISTED
        );
        assert_eq!(
            listed_at(ArticleStatus::Published, ArticleKind::Page, Some(5)),
            NEVER_LISTED
        );
    }

    #[test]
    fn first_free_slug_follows_the_highest_suffix() {
        let base = Slug::parse("same").unwrap();
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(first_free_slug(&base, &s(&[])).as_str(), "same");
        assert_eq!(first_free_slug(&base, &s(&["same-2"])).as_str(), "same");
        assert_eq!(first_free_slug(&base, &s(&["same"])).as_str(), "same-2");
        assert_eq!(
            first_free_slug(&base, &s(&["same", "same-2", "same-9", "same-x"])).as_str(),
            "same-10"
        );
    }
}
