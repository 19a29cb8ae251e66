//! What Gazette's SQL backends share. Row types derive sqlx's `FromRow`,
//! which decodes them from a SQLite or a PostgreSQL row alike; `rows`
//! turns them into domain types, so no database type leaves a backend.
//! Each backend keeps its own SQL.

pub mod rows;

use gazette_domain::Slug;

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

#[cfg(test)]
mod tests {
    use super::*;

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
