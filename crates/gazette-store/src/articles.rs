use async_trait::async_trait;
use jiff::Timestamp;

use gazette_domain::{
    Article, ArticleId, ArticleInput, ArticleSummary, Contributor, ContributorId, Section,
    SectionId, Slug, Source, SourceId, Tag, TagId,
};

use crate::StoreResult;

/// Pinned stories shown at most on the front page.
pub const MAX_PINNED: u32 = 5;

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

/// A paged list of live stories.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Listing {
    Latest,
    Section(SectionId),
    Contributor(ContributorId),
    Source(SourceId),
    Tag(TagId),
}

/// Where an article stands in the order of updates, `(updated_at, id)`:
/// a follower of the store (the search index) remembers the last one it
/// took in and asks for those after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UpdateMark {
    pub updated_at: Timestamp,
    pub id: ArticleId,
}

/// One address of the sitemap: a live story or standing page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SitemapEntry {
    pub id: ArticleId,
    pub slug: Slug,
    pub updated_at: Timestamp,
}

/// The stories before and after one in a section's order.
#[derive(Debug, Clone, Default)]
pub struct Neighbours {
    /// The next older story.
    pub previous: Option<ArticleSummary>,
    /// The next newer live story.
    pub next: Option<ArticleSummary>,
}

/// Which stories the admin's story list shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StoryFilter {
    pub status: Option<gazette_domain::ArticleStatus>,
    /// Words the headline holds, as typed (matched case-insensitively
    /// for ASCII on SQLite, for every script on PostgreSQL).
    pub text: Option<String>,
    pub section: Option<SectionId>,
    /// A contributor in its byline.
    pub contributor: Option<ContributorId>,
    /// A source in its dateline.
    pub source: Option<SourceId>,
    /// Published at or after this time.
    pub published_from: Option<Timestamp>,
    /// Published before this time.
    pub published_until: Option<Timestamp>,
}

/// A story as the admin's list shows it, whatever its status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffStory {
    pub id: ArticleId,
    pub slug: gazette_domain::Slug,
    pub headline: String,
    pub status: gazette_domain::ArticleStatus,
    pub published_at: Option<Timestamp>,
    pub updated_at: Timestamp,
}

/// What `save_article` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Saved {
    pub id: ArticleId,
    pub slug: Slug,
    /// False when an article with the same import key was updated.
    pub created: bool,
}

/// Articles, and the sections, contributors, sources and tags they are
/// filed under. "Live" means published with a publish time at or before
/// `now`.
#[async_trait]
pub trait ArticleStore: Send + Sync + 'static {
    /// Creates or updates an article with its sections, contributors,
    /// sources, posting account and related headlines, in one transaction.
    /// An article with the same `import_key` is updated, never duplicated;
    /// a new article whose slug is taken gets the first free `-2`, `-3`...
    /// suffix, also when two writers save the same headline at once.
    /// `now` is its update time.
    async fn save_article(&self, input: &ArticleInput, now: Timestamp) -> StoreResult<Saved>;

    /// Saves many articles in one transaction: all or none. For imports
    /// and generated newsrooms, where one transaction per story is slow.
    async fn save_articles(
        &self,
        inputs: &[ArticleInput],
        now: Timestamp,
    ) -> StoreResult<Vec<Saved>>;

    /// A live article by slug, with every relation resolved.
    async fn article_by_slug(&self, slug: &str, now: Timestamp) -> StoreResult<Article>;

    /// Live articles, newest first.
    async fn latest_articles(&self, page: Page, now: Timestamp)
    -> StoreResult<Vec<ArticleSummary>>;

    /// Number of live articles.
    async fn count_published(&self, now: Timestamp) -> StoreResult<u64>;

    /// Number of live articles in a listing.
    async fn count_listed(&self, listing: Listing, now: Timestamp) -> StoreResult<u64>;

    /// The publish time of the oldest live article, if there is one.
    async fn first_published_at(&self, now: Timestamp) -> StoreResult<Option<Timestamp>>;

    /// Summaries of the given articles (whatever their status), in no
    /// particular order; unknown ids are left out.
    async fn summaries(&self, ids: &[ArticleId]) -> StoreResult<Vec<ArticleSummary>>;

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
        now: Timestamp,
    ) -> StoreResult<Vec<ArticleSummary>>;

    async fn contributor_by_slug(&self, slug: &str) -> StoreResult<Contributor>;
    async fn articles_by_contributor(
        &self,
        contributor: &Contributor,
        page: Page,
        now: Timestamp,
    ) -> StoreResult<Vec<ArticleSummary>>;

    async fn source_by_slug(&self, slug: &str) -> StoreResult<Source>;
    async fn articles_from_source(
        &self,
        source: &Source,
        page: Page,
        now: Timestamp,
    ) -> StoreResult<Vec<ArticleSummary>>;

    /// Live pinned stories, newest first, [`MAX_PINNED`] at most.
    async fn pinned_articles(&self, now: Timestamp) -> StoreResult<Vec<ArticleSummary>>;
    async fn tag_by_slug(&self, slug: &str) -> StoreResult<Tag>;
    async fn articles_with_tag(
        &self,
        tag: &Tag,
        page: Page,
        now: Timestamp,
    ) -> StoreResult<Vec<ArticleSummary>>;
    /// Whether the story at `slug` was taken down (withdrawn): its address
    /// then answers 410 Gone rather than 404.
    async fn is_withdrawn(&self, slug: &str) -> StoreResult<bool>;

    /// Whether the article is live: the only articles whose views count.
    async fn is_live(&self, article: ArticleId, now: Timestamp) -> StoreResult<bool>;

    /// Every live article, for the view counter's cache.
    async fn live_article_ids(&self, now: Timestamp) -> StoreResult<Vec<ArticleId>>;

    /// The given articles whatever their status or kind, every relation
    /// resolved, in no particular order; unknown ids are left out.
    async fn articles_by_ids(&self, ids: &[ArticleId]) -> StoreResult<Vec<Article>>;

    /// Marks of the articles updated after `after` (all of them for
    /// `None`), in `(updated_at, id)` order, `limit` at most.
    async fn articles_updated_after(
        &self,
        after: Option<UpdateMark>,
        limit: u32,
    ) -> StoreResult<Vec<UpdateMark>>;

    /// Live stories published in `[from, to)`, newest first, `limit` at
    /// most: a week's edition, the news sitemap.
    async fn articles_published_between(
        &self,
        from: Timestamp,
        to: Timestamp,
        now: Timestamp,
        limit: u32,
    ) -> StoreResult<Vec<ArticleSummary>>;

    /// The live stories and standing pages with `from <= id < to`, in id
    /// order: one file of the sitemap. Syndicated copy (an article with a
    /// canonical address elsewhere) is left out: a sitemap lists only the
    /// addresses search engines should index.
    async fn sitemap_entries(
        &self,
        from: ArticleId,
        to: ArticleId,
        now: Timestamp,
    ) -> StoreResult<Vec<SitemapEntry>>;

    /// The highest article id given so far (0 when there is none).
    async fn last_article_id(&self) -> StoreResult<ArticleId>;

    /// The live stories just older and just newer than `article` (published
    /// at `at`) in `section`.
    async fn neighbours_in_section(
        &self,
        section: SectionId,
        article: ArticleId,
        at: Timestamp,
        now: Timestamp,
    ) -> StoreResult<Neighbours>;

    /// Every story of any status that `filter` lets through, last changed
    /// first (the admin's story list).
    async fn staff_stories(&self, filter: &StoryFilter, page: Page)
    -> StoreResult<Vec<StaffStory>>;
}
