#![doc = include_str!("../README.md")]

use async_trait::async_trait;
use jiff::{Timestamp, civil::Date, tz::TimeZone};

use gazette_domain::{
    Article, ArticleId, ArticleInput, ArticleSummary, Comment, CommentId, CommentStatus,
    Contributor, DomainError, IsoWeek, NewComment, Section, Slug, Source, TopStory,
};

#[cfg(feature = "testing")]
pub mod testing;

/// Why a store call failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The thing asked for does not exist.
    #[error("not found")]
    NotFound,
    /// The change clashes with what is stored (a taken slug or key).
    #[error("conflict: {0}")]
    Conflict(String),
    /// The input breaks a rule of the newsroom model.
    #[error(transparent)]
    Invalid(#[from] DomainError),
    /// The database failed; the message is for logs, not for readers.
    #[error("database error: {0}")]
    Other(Box<dyn std::error::Error + Send + Sync>),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// One page of a listing, newest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    /// Rows to skip.
    pub offset: u64,
    /// Rows to return at most.
    pub limit: u32,
}

impl Page {
    /// Page `number` (1-based) of `size` rows.
    pub fn new(number: u32, size: u32) -> Self {
        let size = size.clamp(1, 200);
        Page {
            offset: u64::from(number.max(1) - 1) * u64::from(size),
            limit: size,
        }
    }

    /// The same page with one row more, so the caller learns whether a
    /// next page exists without counting.
    pub fn with_lookahead(self) -> Self {
        Page {
            limit: self.limit + 1,
            ..self
        }
    }
}

/// What `save_article` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Saved {
    pub id: ArticleId,
    pub slug: Slug,
    /// False when an article with the same import key was updated.
    pub created: bool,
}

/// Views counted for one article on one day of the newsroom's calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DailyViews {
    pub article: ArticleId,
    pub day: Date,
    pub views: u64,
}

/// The instants and days that bound a ranking week, worked out by the
/// caller in the newsroom's time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WeekWindow {
    pub week: IsoWeek,
    /// First and last day of the week (Monday, Sunday).
    pub first_day: Date,
    pub last_day: Date,
    /// Stories published from this instant on are eligible...
    pub published_from: Timestamp,
    /// ...up to (not including) this one: the end of the week.
    pub published_until: Timestamp,
}

/// Everything Gazette asks of a database.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Creates or updates an article with its sections, contributors,
    /// sources, account and related headlines, in one transaction. An
    /// article with the same `import_key` is updated, never duplicated.
    async fn save_article(&self, input: &ArticleInput) -> StoreResult<Saved>;

    /// Saves many articles in one transaction: all or none. For imports
    /// and generated newsrooms, where one transaction per story is slow.
    async fn save_articles(&self, inputs: &[ArticleInput]) -> StoreResult<Vec<Saved>>;

    /// A published article by slug, with every relation resolved.
    async fn article_by_slug(&self, slug: &str) -> StoreResult<Article>;

    /// Published articles, newest first.
    async fn latest_articles(&self, page: Page) -> StoreResult<Vec<ArticleSummary>>;

    /// Number of published articles.
    async fn count_published(&self) -> StoreResult<u64>;

    /// Every section, parents before children, in name order.
    async fn sections(&self) -> StoreResult<Vec<Section>>;

    /// Creates a section (under `parent`, a section name) unless one with
    /// the same slug exists; returns it either way.
    async fn ensure_section(&self, name: &str, parent: Option<&str>) -> StoreResult<Section>;

    async fn section_by_slug(&self, slug: &str) -> StoreResult<Section>;
    async fn articles_in_section(
        &self,
        section: &Section,
        page: Page,
    ) -> StoreResult<Vec<ArticleSummary>>;

    async fn contributor_by_slug(&self, slug: &str) -> StoreResult<Contributor>;
    async fn articles_by_contributor(
        &self,
        contributor: &Contributor,
        page: Page,
    ) -> StoreResult<Vec<ArticleSummary>>;

    async fn source_by_slug(&self, slug: &str) -> StoreResult<Source>;
    async fn articles_from_source(
        &self,
        source: &Source,
        page: Page,
    ) -> StoreResult<Vec<ArticleSummary>>;

    /// Whether the article exists, is published and is live now: the
    /// only articles whose views count.
    async fn is_live(&self, article: ArticleId) -> StoreResult<bool>;

    /// Every live article, for the view counter's cache.
    async fn live_article_ids(&self) -> StoreResult<Vec<ArticleId>>;

    /// Adds counted views to the per-article daily and weekly counters and
    /// to the articles' totals, all in one transaction.
    async fn add_daily_views(&self, views: &[DailyViews]) -> StoreResult<()>;

    /// An article's counted views per day, oldest first, days with none
    /// left out.
    async fn daily_views(
        &self,
        article: ArticleId,
        from: Date,
        to: Date,
    ) -> StoreResult<Vec<DayCount>>;

    /// The week's ranking, computed now: published stories in the window,
    /// by views during the week, then approved comments, then recency.
    async fn top_stories(&self, week: WeekWindow, limit: u32) -> StoreResult<Vec<TopStory>>;

    /// The frozen ranking of a week that has ended, if it was frozen.
    async fn frozen_top_stories(&self, week: IsoWeek) -> StoreResult<Option<Vec<TopStory>>>;

    /// Freezes a week's ranking. The first freeze wins: freezing a week
    /// again leaves it as it was, so that several nodes may race.
    async fn freeze_top_stories(&self, week: IsoWeek, stories: &[TopStory]) -> StoreResult<()>;

    /// Stores a reader's comment as pending. A reply must answer an
    /// approved comment on the same article.
    async fn add_comment(&self, comment: &NewComment) -> StoreResult<Comment>;

    /// Stores comments carried over from elsewhere (an import, a generated
    /// newsroom) with their own status and time, in one transaction,
    /// keeping the articles' approved-comment counts in step. Replies must
    /// name comments that exist already.
    async fn import_comments(&self, comments: &[ImportedComment]) -> StoreResult<Vec<CommentId>>;

    /// Whether a comment with this fingerprint was already left on the article.
    async fn comment_seen(&self, article: ArticleId, fingerprint: &str) -> StoreResult<bool>;

    /// An article's approved comments, oldest first.
    async fn approved_comments(&self, article: ArticleId) -> StoreResult<Vec<Comment>>;

    /// Comments in one moderation state, oldest first.
    async fn comments_with_status(
        &self,
        status: CommentStatus,
        page: Page,
    ) -> StoreResult<Vec<Comment>>;

    /// Moves a comment to another moderation state, keeping the article's
    /// approved-comment count in step.
    async fn set_comment_status(
        &self,
        id: CommentId,
        status: CommentStatus,
    ) -> StoreResult<Comment>;

    /// Deletes a comment and its replies.
    async fn delete_comment(&self, id: CommentId) -> StoreResult<()>;

    /// A named secret shared by every node: stored on first use from
    /// `candidate`, returned as stored afterwards.
    async fn secret(&self, name: &str, candidate: &[u8]) -> StoreResult<Vec<u8>>;
}

/// A comment as another system kept it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedComment {
    pub comment: NewComment,
    pub status: CommentStatus,
    pub created_at: Timestamp,
}

/// Views of one article on one day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct DayCount {
    pub day: Date,
    pub views: u64,
}

/// How many weeks of stories compete in a week's ranking: the week itself
/// and the three before it.
pub const TOP_STORIES_WEEKS: u8 = 4;

impl WeekWindow {
    /// The ranking window of `week` on the wall clock of `tz`: its seven
    /// days, and stories published from Monday 00:00 three weeks earlier up
    /// to the end of the week.
    pub fn for_week(week: IsoWeek, tz: &TimeZone) -> Self {
        let mut first = week;
        for _ in 1..TOP_STORIES_WEEKS {
            first = first.previous();
        }
        WeekWindow {
            week,
            first_day: week.monday(),
            last_day: week.sunday(),
            published_from: first.start(tz).timestamp(),
            published_until: week.end(tz).timestamp(),
        }
    }
}

impl StoreError {
    /// Wraps a backend error.
    pub fn other(e: impl std::error::Error + Send + Sync + 'static) -> Self {
        StoreError::Other(Box::new(e))
    }
}
