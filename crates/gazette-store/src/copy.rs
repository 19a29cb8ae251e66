use async_trait::async_trait;

use crate::StoreResult;

/// The tables `gazette store copy` moves, in an order where everything a
/// row refers to was copied before it. Readers' dedup keys, job leases and
/// the change feed are not copied: they are about the running nodes, not
/// the newsroom.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CopyTable {
    PostingAccounts,
    Sections,
    Contributors,
    Sources,
    Tags,
    Articles,
    ArticleSections,
    ArticleContributors,
    ArticleSources,
    ArticleTags,
    ArticleRelated,
    Comments,
    DailyViews,
    WeeklyViews,
    FrozenWeeks,
    FrozenRankings,
    Secrets,
    Redirects,
    Users,
    AuditLog,
    StoryRevisions,
    Media,
    MediaFiles,
}

impl CopyTable {
    pub const ALL: [CopyTable; 23] = [
        CopyTable::PostingAccounts,
        CopyTable::Sections,
        CopyTable::Contributors,
        CopyTable::Sources,
        CopyTable::Tags,
        CopyTable::Articles,
        CopyTable::ArticleSections,
        CopyTable::ArticleContributors,
        CopyTable::ArticleSources,
        CopyTable::ArticleTags,
        CopyTable::ArticleRelated,
        CopyTable::Comments,
        CopyTable::DailyViews,
        CopyTable::WeeklyViews,
        CopyTable::FrozenWeeks,
        CopyTable::FrozenRankings,
        CopyTable::Secrets,
        CopyTable::Redirects,
        CopyTable::Users,
        CopyTable::AuditLog,
        CopyTable::StoryRevisions,
        CopyTable::Media,
        CopyTable::MediaFiles,
    ];

    /// The table's name in both engines.
    pub fn name(self) -> &'static str {
        match self {
            CopyTable::PostingAccounts => "posting_accounts",
            CopyTable::Sections => "sections",
            CopyTable::Contributors => "contributors",
            CopyTable::Sources => "sources",
            CopyTable::Tags => "tags",
            CopyTable::Articles => "articles",
            CopyTable::ArticleSections => "article_sections",
            CopyTable::ArticleContributors => "article_contributors",
            CopyTable::ArticleSources => "article_sources",
            CopyTable::ArticleTags => "article_tags",
            CopyTable::ArticleRelated => "article_related",
            CopyTable::Comments => "comments",
            CopyTable::DailyViews => "article_daily_views",
            CopyTable::WeeklyViews => "article_weekly_views",
            CopyTable::FrozenWeeks => "top_stories_weeks_frozen",
            CopyTable::FrozenRankings => "top_stories_frozen",
            CopyTable::Secrets => "secrets",
            CopyTable::Redirects => "redirects",
            CopyTable::Users => "users",
            CopyTable::AuditLog => "audit_log",
            CopyTable::StoryRevisions => "story_revisions",
            CopyTable::Media => "media",
            CopyTable::MediaFiles => "media_files",
        }
    }

    /// How many leading columns make a row's key: rows are read in key
    /// order, and a page starts after the key of the last row read.
    pub fn key_len(self) -> usize {
        match self {
            CopyTable::PostingAccounts
            | CopyTable::Sections
            | CopyTable::Contributors
            | CopyTable::Sources
            | CopyTable::Tags
            | CopyTable::Articles
            | CopyTable::Comments
            | CopyTable::FrozenWeeks
            | CopyTable::Secrets
            | CopyTable::Redirects
            | CopyTable::Users
            | CopyTable::AuditLog
            | CopyTable::Media
            | CopyTable::MediaFiles => 1,
            CopyTable::ArticleSections
            | CopyTable::ArticleContributors
            | CopyTable::ArticleSources
            | CopyTable::ArticleTags
            | CopyTable::ArticleRelated
            | CopyTable::DailyViews
            | CopyTable::WeeklyViews
            | CopyTable::FrozenRankings
            | CopyTable::StoryRevisions => 2,
        }
    }

    /// The columns every backend reads and writes, in this order.
    pub fn columns(self) -> &'static [&'static str] {
        match self {
            CopyTable::Users => &[
                "id",
                "email",
                "name",
                "role",
                "password_hash",
                "contributor_id",
                "created_at",
            ],
            CopyTable::AuditLog => &["id", "at", "user_id", "action", "subject", "detail"],
            CopyTable::Media => &[
                "id",
                "key",
                "file_name",
                "ext",
                "width",
                "height",
                "alt",
                "caption",
                "credit",
                "widths",
                "uploaded_by",
                "uploaded_at",
            ],
            CopyTable::MediaFiles => &["name", "bytes"],
            CopyTable::StoryRevisions => &[
                "article_id",
                "number",
                "state",
                "saved_by",
                "saved_at",
                "content",
                "newest",
            ],
            CopyTable::PostingAccounts | CopyTable::Tags => &["id", "slug", "name"],
            CopyTable::Sections => &["id", "slug", "name", "parent_id"],
            CopyTable::Contributors => &["id", "slug", "name", "bio"],
            CopyTable::Sources => &["id", "slug", "name", "url"],
            CopyTable::Articles => &[
                "id",
                "import_key",
                "slug",
                "headline",
                "standfirst",
                "body_html",
                "language",
                "status",
                "published_at",
                "time_zone",
                "updated_at",
                "posting_account_id",
                "credit",
                "dateline_place",
                "footer",
                "views",
                "comments",
                "legacy_views",
                "legacy_comments",
                "kind",
                "pinned",
                "canonical_url",
            ],
            CopyTable::ArticleSections => &["article_id", "section_id", "position", "published_at"],
            CopyTable::ArticleContributors => {
                &["article_id", "contributor_id", "position", "published_at"]
            }
            CopyTable::ArticleSources => &["article_id", "source_id", "position", "published_at"],
            CopyTable::ArticleTags => &["article_id", "tag_id", "position", "published_at"],
            CopyTable::ArticleRelated => &["article_id", "position", "headline"],
            CopyTable::Comments => &[
                "id",
                "article_id",
                "parent_id",
                "author_name",
                "author_email",
                "body_html",
                "fingerprint",
                "status",
                "created_at",
                "import_key",
            ],
            CopyTable::DailyViews => &["article_id", "day", "views"],
            CopyTable::WeeklyViews => &["week", "article_id", "published_at", "views"],
            CopyTable::FrozenWeeks => &["week", "frozen_at", "frozen_by"],
            CopyTable::FrozenRankings => &["week", "rank", "article_id", "views"],
            CopyTable::Secrets => &["name", "value"],
            CopyTable::Redirects => &["from_path", "article_id", "target"],
        }
    }
}

/// One value of a copied row. Days and weeks travel as text
/// (`2025-11-25`, `2025-W48`), times as Unix seconds, so that both engines
/// read and write the same values.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum CopyValue {
    Null,
    Int(i64),
    Text(String),
    Bytes(Vec<u8>),
}

/// A row of a [`CopyTable`], its values in [`CopyTable::columns`] order.
pub type CopyRow = Vec<CopyValue>;

/// Reading and writing whole tables, for moving a newsroom between engines.
#[async_trait]
pub trait CopyStore: Send + Sync + 'static {
    /// Rows in a table.
    async fn copy_count(&self, table: CopyTable) -> StoreResult<u64>;

    /// Up to `limit` rows in the table's key order, after the row `after`
    /// (the last of the previous page), or from the start. Sections come
    /// parents first, all in the first page.
    async fn copy_out(
        &self,
        table: CopyTable,
        after: Option<&CopyRow>,
        limit: u32,
    ) -> StoreResult<Vec<CopyRow>>;

    /// Writes rows as they are (ids included), in one transaction.
    async fn copy_in(&self, table: CopyTable, rows: &[CopyRow]) -> StoreResult<()>;

    /// After the last `copy_in`: lets new rows get ids after the copied ones.
    async fn copy_finish(&self) -> StoreResult<()>;
}
