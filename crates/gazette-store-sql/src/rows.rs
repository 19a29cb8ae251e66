//! Database rows and their conversion to domain types. These types never
//! leave the crate.

use jiff::{Timestamp, ZonedDateTime, tz::TimeZone};
use sqlx::FromRow;

use gazette_domain::{
    Article, ArticleId, ArticleKind, ArticleStatus, ArticleSummary, Comment, CommentId,
    Contributor, ContributorId, Counters, Dateline, NamedRef, PostingAccount, PostingAccountId,
    Section, SectionId, Slug, Source, SourceId, Tag, TagId,
};
use gazette_store::{StoreError, StoreResult};

fn corrupt(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Other(format!("stored {what} is unreadable: {e}").into())
}

pub fn slug(s: String) -> StoreResult<Slug> {
    Slug::parse(&s).map_err(|e| corrupt("slug", e))
}

pub fn ts(secs: i64) -> StoreResult<Timestamp> {
    Timestamp::from_second(secs).map_err(|e| corrupt("time", e))
}

pub fn zoned(secs: i64, tz: &str) -> StoreResult<ZonedDateTime> {
    let tz = TimeZone::get(tz).map_err(|e| corrupt("time zone", e))?;
    Ok(ts(secs)?.to_zoned_datetime(tz))
}

fn count(n: i64) -> u64 {
    n.max(0) as u64
}

/// The counters columns every article row carries.
fn counters(views: i64, legacy_views: i64, comments: i64, legacy_comments: i64) -> Counters {
    Counters {
        views: count(views),
        legacy_views: count(legacy_views),
        comments: count(comments),
        legacy_comments: count(legacy_comments),
    }
}

#[derive(FromRow)]
pub struct ArticleRow {
    id: i64,
    slug: String,
    headline: String,
    standfirst: Option<String>,
    body_html: String,
    language: String,
    status: String,
    kind: String,
    published_at: Option<i64>,
    time_zone: String,
    updated_at: i64,
    credit: Option<String>,
    dateline_place: Option<String>,
    footer: Option<String>,
    canonical_url: Option<String>,
    views: i64,
    comments: i64,
    legacy_views: i64,
    legacy_comments: i64,
    posting_account_id: Option<i64>,
    account_slug: Option<String>,
    account_name: Option<String>,
    /// `[[id, slug, name, parent_id], ...]` in order.
    sections_json: String,
    /// `[[id, slug, name, bio], ...]`
    contributors_json: String,
    /// `[[id, slug, name, url], ...]`
    sources_json: String,
    /// `[[id, slug, name], ...]`
    tags_json: String,
    /// `[headline, ...]`
    related_json: String,
}

fn json_list<T: serde::de::DeserializeOwned>(what: &str, text: &str) -> StoreResult<Vec<T>> {
    serde_json::from_str(text).map_err(|e| corrupt(what, e))
}

impl ArticleRow {
    /// The article with its sections, bylines, sources, tags and related
    /// headlines.
    pub fn into_article(self) -> StoreResult<Article> {
        // The JSON arrays hold each row's columns in order, which serde
        // reads into the same row types the plain queries use.
        let sections = json_list::<SectionRow>("sections", &self.sections_json)?
            .into_iter()
            .map(SectionRow::into_section)
            .collect::<StoreResult<_>>()?;
        let contributors = json_list::<(i64, String, String, Option<String>)>(
            "contributors",
            &self.contributors_json,
        )?
        .into_iter()
        .map(|(id, s, name, bio)| {
            Ok(Contributor {
                id: ContributorId(id),
                slug: slug(s)?,
                name,
                bio,
            })
        })
        .collect::<StoreResult<_>>()?;
        let sources = json_list::<SourceRow>("sources", &self.sources_json)?
            .into_iter()
            .map(SourceRow::into_source)
            .collect::<StoreResult<_>>()?;
        let tags = json_list::<(i64, String, String)>("tags", &self.tags_json)?
            .into_iter()
            .map(|(id, s, name)| {
                Ok(Tag {
                    id: TagId(id),
                    slug: slug(s)?,
                    name,
                })
            })
            .collect::<StoreResult<_>>()?;
        let related_headlines = json_list::<String>("related headlines", &self.related_json)?;
        let posting_account = match (
            self.posting_account_id,
            self.account_slug,
            self.account_name,
        ) {
            (Some(id), Some(s), Some(name)) => Some(PostingAccount {
                id: PostingAccountId(id),
                slug: slug(s)?,
                name,
            }),
            _ => None,
        };
        Ok(Article {
            id: ArticleId(self.id),
            slug: slug(self.slug)?,
            headline: self.headline,
            standfirst: self.standfirst,
            body_html: self.body_html,
            language: self.language,
            status: self
                .status
                .parse::<ArticleStatus>()
                .map_err(|e| corrupt("status", e))?,
            kind: self
                .kind
                .parse::<ArticleKind>()
                .map_err(|e| corrupt("kind", e))?,
            published_at: self
                .published_at
                .map(|p| zoned(p, &self.time_zone))
                .transpose()?,
            updated_at: zoned(self.updated_at, &self.time_zone)?,
            sections,
            tags,
            contributors,
            credit: self.credit,
            posting_account,
            dateline: Dateline {
                place: self.dateline_place,
                sources,
            },
            related_headlines,
            footer: self.footer,
            canonical_url: self.canonical_url,
            counters: counters(
                self.views,
                self.legacy_views,
                self.comments,
                self.legacy_comments,
            ),
        })
    }
}

#[derive(FromRow)]
pub struct SummaryRow {
    pub id: i64,
    slug: String,
    headline: String,
    standfirst: Option<String>,
    pub published_at: Option<i64>,
    time_zone: String,
    views: i64,
    legacy_views: i64,
    pub comments: i64,
    legacy_comments: i64,
    section_slug: Option<String>,
    section_name: Option<String>,
    canonical_url: Option<String>,
}

pub struct NamedRow {
    pub slug: String,
    pub name: String,
}

impl SummaryRow {
    pub fn into_summary(self, contributors: Vec<NamedRow>) -> StoreResult<ArticleSummary> {
        let section = match (self.section_slug, self.section_name) {
            (Some(s), Some(name)) => Some(NamedRef {
                slug: slug(s)?,
                name,
            }),
            _ => None,
        };
        Ok(ArticleSummary {
            id: ArticleId(self.id),
            slug: slug(self.slug)?,
            headline: self.headline,
            standfirst: self.standfirst,
            published_at: self
                .published_at
                .map(|p| zoned(p, &self.time_zone))
                .transpose()?,
            section,
            contributors: contributors
                .into_iter()
                .map(|c| {
                    Ok(NamedRef {
                        slug: slug(c.slug)?,
                        name: c.name,
                    })
                })
                .collect::<StoreResult<_>>()?,
            counters: counters(
                self.views,
                self.legacy_views,
                self.comments,
                self.legacy_comments,
            ),
            canonical_url: self.canonical_url,
        })
    }
}

#[derive(FromRow, serde::Deserialize)]
pub struct SectionRow {
    id: i64,
    slug: String,
    name: String,
    parent_id: Option<i64>,
}

impl SectionRow {
    pub fn into_section(self) -> StoreResult<Section> {
        Ok(Section {
            id: SectionId(self.id),
            slug: slug(self.slug)?,
            name: self.name,
            parent: self.parent_id.map(SectionId),
        })
    }
}

#[derive(FromRow, serde::Deserialize)]
pub struct SourceRow {
    id: i64,
    slug: String,
    name: String,
    url: Option<String>,
}

impl SourceRow {
    pub fn into_source(self) -> StoreResult<Source> {
        Ok(Source {
            id: SourceId(self.id),
            slug: slug(self.slug)?,
            name: self.name,
            url: self.url,
        })
    }
}

#[derive(FromRow)]
pub struct CommentRow {
    id: i64,
    article_id: i64,
    parent_id: Option<i64>,
    author_name: String,
    author_email: Option<String>,
    body_html: String,
    status: String,
    created_at: i64,
}

impl CommentRow {
    pub fn into_comment(self) -> StoreResult<Comment> {
        Ok(Comment {
            id: CommentId(self.id),
            article: ArticleId(self.article_id),
            parent: self.parent_id.map(CommentId),
            author_name: self.author_name,
            author_email: self.author_email,
            body_html: self.body_html,
            status: self
                .status
                .parse()
                .map_err(|e| corrupt("comment status", e))?,
            created_at: ts(self.created_at)?,
        })
    }
}

/// The same rows read by rusqlite (the SQLite backend's read path), by
/// column name, so a query may list its columns in any order.
#[cfg(feature = "rusqlite")]
mod from_rusqlite {
    use super::*;
    use rusqlite::{Result, Row};

    impl ArticleRow {
        pub fn from_rusqlite(r: &Row<'_>) -> Result<Self> {
            Ok(ArticleRow {
                id: r.get("id")?,
                slug: r.get("slug")?,
                headline: r.get("headline")?,
                standfirst: r.get("standfirst")?,
                body_html: r.get("body_html")?,
                language: r.get("language")?,
                status: r.get("status")?,
                kind: r.get("kind")?,
                published_at: r.get("published_at")?,
                time_zone: r.get("time_zone")?,
                updated_at: r.get("updated_at")?,
                credit: r.get("credit")?,
                dateline_place: r.get("dateline_place")?,
                footer: r.get("footer")?,
                canonical_url: r.get("canonical_url")?,
                views: r.get("views")?,
                comments: r.get("comments")?,
                legacy_views: r.get("legacy_views")?,
                legacy_comments: r.get("legacy_comments")?,
                posting_account_id: r.get("posting_account_id")?,
                account_slug: r.get("account_slug")?,
                account_name: r.get("account_name")?,
                sections_json: r.get("sections_json")?,
                contributors_json: r.get("contributors_json")?,
                sources_json: r.get("sources_json")?,
                tags_json: r.get("tags_json")?,
                related_json: r.get("related_json")?,
            })
        }
    }

    impl SummaryRow {
        pub fn from_rusqlite(r: &Row<'_>) -> Result<Self> {
            Ok(SummaryRow {
                id: r.get("id")?,
                slug: r.get("slug")?,
                headline: r.get("headline")?,
                standfirst: r.get("standfirst")?,
                published_at: r.get("published_at")?,
                time_zone: r.get("time_zone")?,
                views: r.get("views")?,
                legacy_views: r.get("legacy_views")?,
                comments: r.get("comments")?,
                legacy_comments: r.get("legacy_comments")?,
                section_slug: r.get("section_slug")?,
                section_name: r.get("section_name")?,
                canonical_url: r.get("canonical_url")?,
            })
        }
    }

    impl SectionRow {
        pub fn from_rusqlite(r: &Row<'_>) -> Result<Self> {
            Ok(SectionRow {
                id: r.get("id")?,
                slug: r.get("slug")?,
                name: r.get("name")?,
                parent_id: r.get("parent_id")?,
            })
        }
    }

    impl SourceRow {
        pub fn from_rusqlite(r: &Row<'_>) -> Result<Self> {
            Ok(SourceRow {
                id: r.get("id")?,
                slug: r.get("slug")?,
                name: r.get("name")?,
                url: r.get("url")?,
            })
        }
    }

    impl CommentRow {
        pub fn from_rusqlite(r: &Row<'_>) -> Result<Self> {
            Ok(CommentRow {
                id: r.get("id")?,
                article_id: r.get("article_id")?,
                parent_id: r.get("parent_id")?,
                author_name: r.get("author_name")?,
                author_email: r.get("author_email")?,
                body_html: r.get("body_html")?,
                status: r.get("status")?,
                created_at: r.get("created_at")?,
            })
        }
    }
}

/// A `users` row (without its password hash).
#[derive(FromRow)]
pub struct UserRow {
    id: i64,
    email: String,
    name: String,
    role: String,
    contributor_id: Option<i64>,
    created_at: i64,
}

impl UserRow {
    pub fn into_user(self) -> StoreResult<gazette_domain::User> {
        Ok(gazette_domain::User {
            id: gazette_domain::UserId(self.id),
            email: self.email,
            name: self.name,
            role: self.role.parse().map_err(|e| corrupt("role", e))?,
            contributor: self.contributor_id.map(gazette_domain::ContributorId),
            created_at: ts(self.created_at)?,
        })
    }
}

/// The columns [`UserRow`] reads, from a table aliased `u` (a literal, for
/// `concat!`: statements stay fixed strings).
#[macro_export]
macro_rules! user_columns {
    () => {
        "u.id, u.email, u.name, u.role, u.contributor_id, u.created_at"
    };
    (bare) => {
        "id, email, name, role, contributor_id, created_at"
    };
}

/// An `audit_log` row with its account's address.
#[derive(FromRow)]
pub struct AuditRow {
    id: i64,
    at: i64,
    user_id: Option<i64>,
    user_email: Option<String>,
    action: String,
    subject: String,
    detail: String,
}

impl AuditRow {
    pub fn into_entry(self) -> StoreResult<gazette_store::AuditEntry> {
        Ok(gazette_store::AuditEntry {
            id: self.id,
            at: ts(self.at)?,
            user: self.user_id.map(gazette_domain::UserId),
            user_email: self.user_email,
            action: self.action,
            subject: self.subject,
            detail: self.detail,
        })
    }
}

/// A session row joined with its account.
#[derive(FromRow)]
pub struct SessionRow {
    #[sqlx(flatten)]
    user: UserRow,
    csrf: String,
    session_created_at: i64,
    expires_at: i64,
}

impl SessionRow {
    pub fn into_session(self) -> StoreResult<gazette_store::Session> {
        Ok(gazette_store::Session {
            user: self.user.into_user()?,
            csrf: self.csrf,
            created_at: ts(self.session_created_at)?,
            expires_at: ts(self.expires_at)?,
        })
    }
}

/// A row of the admin's story list.
#[derive(FromRow)]
pub struct StaffStoryRow {
    id: i64,
    slug: String,
    headline: String,
    status: String,
    published_at: Option<i64>,
    updated_at: i64,
}

impl StaffStoryRow {
    pub fn into_story(self) -> StoreResult<gazette_store::StaffStory> {
        Ok(gazette_store::StaffStory {
            id: ArticleId(self.id),
            slug: gazette_domain::Slug::parse(&self.slug).map_err(|e| corrupt("slug", e))?,
            headline: self.headline,
            status: self
                .status
                .parse()
                .map_err(|e| corrupt("article status", e))?,
            published_at: self.published_at.map(ts).transpose()?,
            updated_at: ts(self.updated_at)?,
        })
    }
}

/// `text` as a `LIKE` pattern that matches it anywhere, its own `%`, `_`
/// and `\` taken literally (with `ESCAPE '\'`).
pub fn like_anywhere(text: &str) -> String {
    let mut p = String::with_capacity(text.len() + 2);
    p.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

/// `(day as YYYY-MM-DD, views)` rows as the store's day counts (both
/// engines read days as that text).
pub fn day_counts(rows: Vec<(String, i64)>) -> StoreResult<Vec<gazette_store::DayCount>> {
    rows.into_iter()
        .map(|(day, views)| {
            Ok(gazette_store::DayCount {
                day: day.parse().map_err(|e| corrupt("day", e))?,
                views: views.max(0) as u64,
            })
        })
        .collect()
}

/// A `story_revisions` row with its account's address.
#[derive(FromRow)]
pub struct RevisionRow {
    article_id: i64,
    number: i64,
    state: String,
    saved_by: Option<i64>,
    saved_by_email: Option<String>,
    saved_at: i64,
    content: String,
}

/// `SELECT` and `FROM` of a [`RevisionRow`] query: `story_revisions r`
/// joined with its account `u` (a literal, for `concat!`).
#[macro_export]
macro_rules! revision_select {
    () => {
        "SELECT r.article_id, r.number, r.state, r.saved_by, u.email AS saved_by_email, \
         r.saved_at, r.content FROM story_revisions r LEFT JOIN users u ON u.id = r.saved_by "
    };
}

impl RevisionRow {
    pub fn into_revision(self) -> StoreResult<gazette_store::Revision> {
        Ok(gazette_store::Revision {
            article: ArticleId(self.article_id),
            number: u32::try_from(self.number).map_err(|e| corrupt("revision number", e))?,
            state: self
                .state
                .parse()
                .map_err(|e| corrupt("workflow state", e))?,
            saved_by: self.saved_by.map(gazette_domain::UserId),
            saved_by_email: self.saved_by_email,
            saved_at: ts(self.saved_at)?,
            content: self.content,
        })
    }
}

/// A `media` row.
#[derive(FromRow)]
pub struct MediaRow {
    id: i64,
    key: String,
    file_name: String,
    ext: String,
    width: i64,
    height: i64,
    alt: String,
    caption: String,
    credit: String,
    widths: String,
    uploaded_by: Option<i64>,
    uploaded_at: i64,
}

/// The columns a [`MediaRow`] reads (a literal, for `concat!`).
#[macro_export]
macro_rules! media_columns {
    () => {
        "id, key, file_name, ext, width, height, alt, caption, credit, widths, uploaded_by, uploaded_at"
    };
}

/// A media item's widths as stored: `480,960,1600`.
pub fn widths_text(widths: &[u32]) -> String {
    widths
        .iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

impl MediaRow {
    pub fn into_media(self) -> StoreResult<gazette_domain::Media> {
        let dim = |n: i64| u32::try_from(n).map_err(|e| corrupt("image size", e));
        Ok(gazette_domain::Media {
            id: gazette_domain::MediaId(self.id),
            key: self.key,
            file_name: self.file_name,
            ext: self.ext,
            width: dim(self.width)?,
            height: dim(self.height)?,
            alt: self.alt,
            caption: self.caption,
            credit: self.credit,
            widths: self
                .widths
                .split(',')
                .filter(|w| !w.is_empty())
                .map(|w| w.parse().map_err(|e| corrupt("image widths", e)))
                .collect::<StoreResult<_>>()?,
            uploaded_by: self.uploaded_by.map(gazette_domain::UserId),
            uploaded_at: ts(self.uploaded_at)?,
        })
    }
}
