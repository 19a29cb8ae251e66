use std::{fmt, str::FromStr};

use jiff::ZonedDateTime;
use serde::{Deserialize, Serialize};

use crate::{DomainError, Slug};

macro_rules! id_type {
    ($($(#[$m:meta])* $name:ident),*) => {$(
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    )*};
}

id_type!(
    /// Store-assigned identity of an article.
    ArticleId,
    /// Store-assigned identity of a section.
    SectionId,
    /// Store-assigned identity of a contributor.
    ContributorId,
    /// Store-assigned identity of a wire or partner source.
    SourceId,
    /// Store-assigned identity of a posting account.
    PostingAccountId,
    /// Store-assigned identity of a tag.
    TagId
);

/// Where an article is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum ArticleStatus {
    /// Being written; readers never see it.
    #[default]
    Draft,
    /// Live for readers from its publish time on.
    Published,
    /// Taken down; its URL answers 410 Gone rather than 404.
    Withdrawn,
}

impl ArticleStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ArticleStatus::Draft => "draft",
            ArticleStatus::Published => "published",
            ArticleStatus::Withdrawn => "withdrawn",
        }
    }
}

impl FromStr for ArticleStatus {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "draft" => Ok(ArticleStatus::Draft),
            "published" => Ok(ArticleStatus::Published),
            "withdrawn" => Ok(ArticleStatus::Withdrawn),
            _ => Err(DomainError::Invalid {
                what: "article status",
                value: s.to_owned(),
                why: "use draft, published or withdrawn".into(),
            }),
        }
    }
}

/// What an article is: a story (listed, ranked, in the week's edition) or
/// a standing page of the site ("About us", "Advertise"), reached by its
/// address and links only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum ArticleKind {
    #[default]
    Story,
    Page,
}

impl ArticleKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ArticleKind::Story => "story",
            ArticleKind::Page => "page",
        }
    }
}

impl std::str::FromStr for ArticleKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "story" => Ok(ArticleKind::Story),
            "page" => Ok(ArticleKind::Page),
            other => Err(format!("unknown article kind {other:?}")),
        }
    }
}

/// A section of the paper ("Armenia & Karabakh"). Sections may nest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Section {
    pub id: SectionId,
    pub slug: Slug,
    pub name: String,
    pub parent: Option<SectionId>,
}

/// A writer named in bylines. A contributor needs no login account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Contributor {
    pub id: ContributorId,
    pub slug: Slug,
    pub name: String,
    pub bio: Option<String>,
}

/// A wire service or partner outlet a story came from ("Azatutyun",
/// "Armenpress"), credited in the dateline and given its own page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Source {
    pub id: SourceId,
    pub slug: Slug,
    pub name: String,
    /// The source's own site, linked from its page.
    pub url: Option<String>,
}

/// The posting account shown as "by …": the desk or publisher that put the
/// story online, which is not necessarily its writer. It is a name on the
/// page, not a login: staff who sign in have user accounts of their own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PostingAccount {
    pub id: PostingAccountId,
    pub slug: Slug,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tag {
    pub id: TagId,
    pub slug: Slug,
    pub name: String,
}

/// "YEREVAN (Azatutyun) —": the place a story was filed from and the wire or
/// partner sources it came through. Either part may be missing.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Dateline {
    pub place: Option<String>,
    pub sources: Vec<Source>,
}

impl Dateline {
    pub fn is_empty(&self) -> bool {
        self.place.is_none() && self.sources.is_empty()
    }
}

/// Reader engagement. `views` and `comments` are counted by Gazette;
/// the legacy figures were carried over from the system an article was
/// imported from and add to the totals shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Counters {
    pub views: u64,
    pub legacy_views: u64,
    pub comments: u64,
    pub legacy_comments: u64,
}

impl Counters {
    pub fn total_views(&self) -> u64 {
        self.views + self.legacy_views
    }

    pub fn total_comments(&self) -> u64 {
        self.comments + self.legacy_comments
    }
}

/// A story as readers see it, with every relation resolved.
#[derive(Debug, Clone, Serialize)]
pub struct Article {
    pub id: ArticleId,
    pub slug: Slug,
    pub headline: String,
    pub standfirst: Option<String>,
    /// Sanitized HTML; whatever came from outside was cleaned on the way in.
    pub body_html: String,
    pub language: String,
    pub status: ArticleStatus,
    pub kind: ArticleKind,
    /// When it went (or goes) live, in the zone it was published in.
    pub published_at: Option<ZonedDateTime>,
    pub updated_at: ZonedDateTime,
    pub sections: Vec<Section>,
    pub tags: Vec<Tag>,
    pub contributors: Vec<Contributor>,
    /// A credit beside the byline, e.g. "Special to the Mirror-Spectator".
    pub credit: Option<String>,
    pub posting_account: Option<PostingAccount>,
    pub dateline: Dateline,
    /// Headlines shown as related to this one, in order.
    pub related_headlines: Vec<String>,
    /// The publication line that closed the story where it came from.
    pub footer: Option<String>,
    /// Where the original lives when this is syndicated copy: the page's
    /// `rel=canonical` points there instead of at Gazette's own address.
    pub canonical_url: Option<String>,
    pub counters: Counters,
}

/// A source as an importer or editor names it, with its own site when
/// known.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SourceInput {
    pub name: String,
    pub url: Option<String>,
}

impl SourceInput {
    /// A source known by name only. A name that is itself a web address
    /// ("Panorama.am") is taken to be the source's site.
    pub fn named(name: impl Into<String>) -> Self {
        let name = name.into();
        let url = site_of_name(&name);
        SourceInput { name, url }
    }
}

/// The site a source's name spells, if it spells one: "Panorama.am" is
/// `https://panorama.am`; "Azatutyun" and "Reuters.com Staff" are not.
pub fn site_of_name(name: &str) -> Option<String> {
    let n = name.trim();
    let tld = n.rsplit('.').next()?;
    let looks = !n.contains(char::is_whitespace)
        && n.contains('.')
        && !n.starts_with('.')
        && !n.contains("..")
        && (2..=6).contains(&tld.len())
        && tld.chars().all(|c| c.is_ascii_alphabetic())
        && n.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
    looks.then(|| format!("https://{}", n.to_ascii_lowercase()))
}

/// Longest original address of syndicated copy.
pub const CANONICAL_URL_MAX: usize = 2_000;

/// Whether `s` is a full web address a page may link to: `http://` or
/// `https://`, a host, at most `max` bytes, nothing that could break out
/// of an HTML attribute.
pub fn is_web_address(s: &str, max: usize) -> bool {
    let rest = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"));
    rest.is_some_and(|r| {
        let host = r.split(['/', '?', '#']).next().unwrap_or_default();
        !host.is_empty()
            && !host.starts_with('.')
            && !host.contains('@')
            && host
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
    }) && s.len() <= max
        && !s.contains(|c: char| {
            c.is_whitespace() || c.is_control() || matches!(c, '"' | '<' | '>' | '\\' | '`')
        })
}

/// The short form of an article used in lists (home, section, contributor
/// and source pages, the weekly top stories).
#[derive(Debug, Clone, Serialize)]
pub struct ArticleSummary {
    pub id: ArticleId,
    pub slug: Slug,
    pub headline: String,
    pub standfirst: Option<String>,
    pub published_at: Option<ZonedDateTime>,
    pub section: Option<NamedRef>,
    pub contributors: Vec<NamedRef>,
    pub counters: Counters,
    /// The original's address, for another publication's story we carry
    /// (see [`Article::canonical_url`]).
    pub canonical_url: Option<String>,
}

/// A slug and a display name: enough to link to a section or person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NamedRef {
    pub slug: Slug,
    pub name: String,
}

/// A story ranked in a week's top stories.
#[derive(Debug, Clone, Serialize)]
pub struct TopStory {
    pub rank: u32,
    pub article: ArticleSummary,
    /// Views counted during the week itself.
    pub week_views: u64,
}

/// What an importer or editor hands to the store. Related things are named,
/// not referenced: the store finds or creates the section, contributor,
/// source and account with that name, so every backend resolves them the
/// same way.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ArticleInput {
    /// Stable key of the article in the system it came from (file name,
    /// WordPress GUID). Saving again with the same key updates the article.
    pub import_key: Option<String>,
    /// Wanted slug; derived from the headline when absent. A slug taken by
    /// another article gets a numeric suffix.
    pub slug: Option<Slug>,
    pub headline: String,
    pub standfirst: Option<String>,
    pub body_html: String,
    pub language: String,
    pub status: ArticleStatus,
    /// A story, or a standing page that no listing or ranking shows.
    pub kind: ArticleKind,
    /// Kept at the top of the front page while live (WordPress's sticky
    /// posts).
    pub pinned: bool,
    pub published_at: Option<ZonedDateTime>,
    pub sections: Vec<String>,
    pub tags: Vec<String>,
    pub contributors: Vec<String>,
    pub credit: Option<String>,
    /// The posting account's name ("The Armenian Mirror-Spectator").
    pub posting_account: Option<String>,
    pub dateline_place: Option<String>,
    /// The wire or partner sources credited in the dateline, in order.
    pub sources: Vec<SourceInput>,
    pub related_headlines: Vec<String>,
    pub footer: Option<String>,
    /// The original's address for syndicated copy (an absolute http(s)
    /// address), see [`Article::canonical_url`].
    pub canonical_url: Option<String>,
    pub legacy_views: u64,
    pub legacy_comments: u64,
}

impl ArticleInput {
    /// Checks what every backend would refuse anyway, with a message an
    /// editor can act on.
    pub fn validate(&self) -> Result<(), DomainError> {
        if self.headline.trim().is_empty() {
            return Err(DomainError::Empty { what: "headline" });
        }
        if self.status == ArticleStatus::Published && self.published_at.is_none() {
            return Err(DomainError::Invalid {
                what: "article",
                value: self.headline.clone(),
                why: "a published article needs a publish time".into(),
            });
        }
        if let Some(url) = &self.canonical_url
            && !is_web_address(url, CANONICAL_URL_MAX)
        {
            return Err(DomainError::Invalid {
                what: "canonical address",
                value: url.clone(),
                why: "the original's full address, starting with https:// or http://".into(),
            });
        }
        let named = self
            .sections
            .iter()
            .chain(&self.tags)
            .chain(&self.contributors)
            .chain(self.sources.iter().map(|s| &s.name))
            .chain(&self.posting_account);
        for name in named {
            Slug::from_text(name).map_err(|_| DomainError::Invalid {
                what: "name",
                value: name.clone(),
                why: "a section, tag, contributor, source or posting account name needs a letter or digit"
                    .into(),
            })?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> ArticleInput {
        ArticleInput {
            headline: "A headline".into(),
            status: ArticleStatus::Published,
            published_at: Some(
                "2025-11-25T00:00:00-05:00[America/New_York]"
                    .parse()
                    .unwrap(),
            ),
            ..Default::default()
        }
    }

    #[test]
    fn valid_input_passes() {
        input().validate().unwrap();
    }

    #[test]
    fn blank_headline_is_refused() {
        let i = ArticleInput {
            headline: "  ".into(),
            ..input()
        };
        assert_eq!(i.validate(), Err(DomainError::Empty { what: "headline" }));
    }

    #[test]
    fn published_needs_a_time() {
        let i = ArticleInput {
            published_at: None,
            ..input()
        };
        assert!(i.validate().is_err());
    }

    #[test]
    fn names_need_letters() {
        let i = ArticleInput {
            sections: vec!["—".into()],
            ..input()
        };
        assert!(i.validate().is_err());
    }

    #[test]
    fn canonical_addresses_are_web_addresses() {
        let with = |url: &str| ArticleInput {
            canonical_url: Some(url.into()),
            ..input()
        };
        for good in [
            "https://www.azatutyun.am/a/33000001.html",
            "http://example.org",
            "https://[::1]:8080/x?y=1#z",
        ] {
            assert_eq!(with(good).validate(), Ok(()), "{good}");
        }
        for bad in [
            "javascript:alert(1)",
            "//evil.example/x",
            "https://",
            "https://user@evil.example/",
            "https://a.example/\"><script>",
            "https://a.example/ b",
            "ftp://a.example/",
            "/relative/path",
        ] {
            assert!(with(bad).validate().is_err(), "{bad}");
        }
        let long = format!("https://a.example/{}", "x".repeat(2000));
        assert!(!is_web_address(&long, CANONICAL_URL_MAX));
    }

    #[test]
    fn sources_named_like_sites_link_to_them() {
        assert_eq!(
            SourceInput::named("Panorama.am").url.as_deref(),
            Some("https://panorama.am")
        );
        for not_a_site in [
            "Azatutyun",
            "Reuters.com Staff",
            "A.",
            ".am",
            "x..am",
            "news.c0m",
            "évé.am",
        ] {
            assert_eq!(site_of_name(not_a_site), None, "{not_a_site}");
        }
    }

    #[test]
    fn totals_add_legacy_counts() {
        let c = Counters {
            views: 3,
            legacy_views: 62,
            comments: 1,
            legacy_comments: 0,
        };
        assert_eq!((c.total_views(), c.total_comments()), (65, 1));
    }

    #[test]
    fn status_round_trips() {
        for s in [
            ArticleStatus::Draft,
            ArticleStatus::Published,
            ArticleStatus::Withdrawn,
        ] {
            assert_eq!(s.as_str().parse::<ArticleStatus>().unwrap(), s);
        }
        assert!("live".parse::<ArticleStatus>().is_err());
    }
}
