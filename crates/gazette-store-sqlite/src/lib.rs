#![doc = include_str!("../README.md")]
//!
//! [`SqliteStore`] implements [`gazette_store::Store`]; rows are read into
//! private structs in the `rows` module and turned into domain types there, so no
//! SQLite type leaves this crate.

mod rows;

use std::{collections::BTreeMap, path::Path, str::FromStr, time::Duration};

use async_trait::async_trait;
use jiff::{Timestamp, civil::Date};
use sqlx::{
    Sqlite, SqlitePool, Transaction,
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
};

use gazette_domain::{
    Article, ArticleId, ArticleInput, ArticleSummary, Comment, CommentId, CommentStatus,
    Contributor, DomainError, IsoWeek, NewComment, Section, Slug, Source, TopStory,
};
use gazette_store::{
    DailyViews, DayCount, ImportedComment, Page, Saved, Store, StoreError, StoreResult, WeekWindow,
};

use rows::{ArticleRow, CommentRow, NamedRow, SectionRow, SourceRow, SummaryRow};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Gazette's store in one SQLite database file.
#[derive(Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
}

/// Turns a sqlx error into the store's error, keeping "no row" and
/// uniqueness clashes apart from real failures.
fn db_err(e: sqlx::Error) -> StoreError {
    match e {
        sqlx::Error::RowNotFound => StoreError::NotFound,
        sqlx::Error::Database(d) if d.is_unique_violation() => {
            StoreError::Conflict(d.message().to_owned())
        }
        e => StoreError::other(e),
    }
}

impl SqliteStore {
    /// Opens (and, with `create`, creates) the database file at `path`,
    /// then applies pending migrations.
    pub async fn open(path: &Path, create: bool) -> StoreResult<Self> {
        let opts = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(create);
        Self::connect(opts, 8).await
    }

    /// A private in-memory database, for tests.
    pub async fn memory() -> StoreResult<Self> {
        let opts = SqliteConnectOptions::from_str("sqlite::memory:").map_err(db_err)?;
        // One connection: every connection to :memory: is its own database.
        Self::connect(opts, 1).await
    }

    async fn connect(opts: SqliteConnectOptions, max: u32) -> StoreResult<Self> {
        let opts = opts
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(5))
            .foreign_keys(true)
            .pragma("temp_store", "memory")
            .pragma("cache_size", "-32000");
        let pool = SqlitePoolOptions::new()
            .max_connections(max)
            .min_connections(1)
            .connect_with(opts)
            .await
            .map_err(db_err)?;
        MIGRATOR.run(&pool).await.map_err(StoreError::other)?;
        Ok(SqliteStore { pool })
    }

    /// Starts a write transaction. `BEGIN IMMEDIATE` takes the write lock
    /// at once, waiting up to the busy timeout for it: a deferred
    /// transaction that reads first and writes later would fail at once
    /// with "database is locked" when another connection wrote in between.
    async fn write(&self) -> StoreResult<Transaction<'static, Sqlite>> {
        self.pool
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(db_err)
    }

    /// Waits for queries in flight and closes every connection.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Finds or creates the row with `name`'s slug in one of the simple name
/// tables and returns its id. The first spelling of a name is kept.
async fn ensure_named(
    tx: &mut Transaction<'_, Sqlite>,
    table: NamedTable,
    name: &str,
) -> StoreResult<i64> {
    let slug = Slug::from_text(name)?;
    let sql = match table {
        NamedTable::Accounts => {
            "INSERT INTO accounts (slug, name) VALUES (?1, ?2) \
             ON CONFLICT (slug) DO UPDATE SET slug = excluded.slug RETURNING id"
        }
        NamedTable::Sections => {
            "INSERT INTO sections (slug, name) VALUES (?1, ?2) \
             ON CONFLICT (slug) DO UPDATE SET slug = excluded.slug RETURNING id"
        }
        NamedTable::Contributors => {
            "INSERT INTO contributors (slug, name) VALUES (?1, ?2) \
             ON CONFLICT (slug) DO UPDATE SET slug = excluded.slug RETURNING id"
        }
        NamedTable::Sources => {
            "INSERT INTO sources (slug, name, url) VALUES (?1, ?2, ?3) \
             ON CONFLICT (slug) DO UPDATE SET slug = excluded.slug RETURNING id"
        }
        NamedTable::Tags => {
            "INSERT INTO tags (slug, name) VALUES (?1, ?2) \
             ON CONFLICT (slug) DO UPDATE SET slug = excluded.slug RETURNING id"
        }
    };
    let url = matches!(table, NamedTable::Sources)
        .then(|| source_url(name))
        .flatten();
    sqlx::query_scalar(sql)
        .bind(slug.as_str())
        .bind(name.trim())
        .bind(url)
        .fetch_one(&mut **tx)
        .await
        .map_err(db_err)
}

#[derive(Clone, Copy)]
enum NamedTable {
    Accounts,
    Sections,
    Contributors,
    Sources,
    Tags,
}

/// A source named like a web address ("Panorama.am") links to that site.
fn source_url(name: &str) -> Option<String> {
    let n = name.trim();
    let tld = n.rsplit('.').next()?;
    let looks = !n.contains(' ')
        && n.contains('.')
        && (2..=6).contains(&tld.len())
        && tld.chars().all(|c| c.is_ascii_alphabetic());
    looks.then(|| format!("https://{}", n.to_ascii_lowercase()))
}

/// Rows already written as JSON values, joined into one JSON array.
fn json_rows(rows: impl Iterator<Item = String>) -> String {
    let mut out = String::from("[");
    for (i, r) in rows.enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&r);
    }
    out.push(']');
    out
}

/// Ids as a JSON array, bound as one parameter and read with `json_each`.
fn json_ids(ids: impl Iterator<Item = i64>) -> String {
    let mut out = String::from("[");
    for (i, id) in ids.enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&id.to_string());
    }
    out.push(']');
    out
}

/// The first free slug among `base`, `base-2`, `base-3`, ...: one range
/// scan of the slug index, however many stories share a headline.
async fn free_slug(tx: &mut Transaction<'_, Sqlite>, base: &Slug) -> StoreResult<Slug> {
    // Every slug that is `base` or starts with `base-` sorts in
    // [base, base + '.'), since '.' follows '-'.
    let taken: Vec<String> =
        sqlx::query_scalar("SELECT slug FROM articles WHERE slug >= ?1 AND slug < ?1 || '.'")
            .bind(base.as_str())
            .fetch_all(&mut **tx)
            .await
            .map_err(db_err)?;
    if !taken.iter().any(|s| s == base.as_str()) {
        return Ok(base.clone());
    }
    let prefix = format!("{base}-");
    let highest = taken
        .iter()
        .filter_map(|s| s.strip_prefix(&prefix)?.parse::<u32>().ok())
        .max()
        .unwrap_or(1);
    Ok(base.with_suffix(highest.max(1) + 1))
}

/// Saves one article inside `tx`: see [`Store::save_article`].
async fn save_in(tx: &mut Transaction<'_, Sqlite>, input: &ArticleInput) -> StoreResult<Saved> {
    input.validate()?;

    let existing: Option<(i64, String)> = match &input.import_key {
        Some(key) => sqlx::query_as("SELECT id, slug FROM articles WHERE import_key = ?1")
            .bind(key)
            .fetch_optional(&mut **tx)
            .await
            .map_err(db_err)?,
        None => None,
    };
    let account_id = match &input.account {
        Some(name) => Some(ensure_named(tx, NamedTable::Accounts, name).await?),
        None => None,
    };
    let published_at = input
        .published_at
        .as_ref()
        .map(|z| z.timestamp().as_second());
    let time_zone = input
        .published_at
        .as_ref()
        .and_then(|z| z.time_zone().iana_name().map(str::to_owned))
        .unwrap_or_else(|| "UTC".to_owned());
    let now = Timestamp::now().as_second();

    let (id, slug, created) = match existing {
        Some((id, slug)) => {
            sqlx::query(
                "UPDATE articles SET headline = ?2, standfirst = ?3, body_html = ?4, \
                 language = ?5, status = ?6, published_at = ?7, time_zone = ?8, \
                 updated_at = ?9, account_id = ?10, credit = ?11, dateline_place = ?12, \
                 footer = ?13, legacy_views = ?14, legacy_comments = ?15 WHERE id = ?1",
            )
            .bind(id)
            .bind(input.headline.trim())
            .bind(&input.standfirst)
            .bind(&input.body_html)
            .bind(&input.language)
            .bind(input.status.as_str())
            .bind(published_at)
            .bind(&time_zone)
            .bind(now)
            .bind(account_id)
            .bind(&input.credit)
            .bind(&input.dateline_place)
            .bind(&input.footer)
            .bind(input.legacy_views as i64)
            .bind(input.legacy_comments as i64)
            .execute(&mut **tx)
            .await
            .map_err(db_err)?;
            sqlx::query("UPDATE article_weekly_views SET published_at = ?2 WHERE article_id = ?1")
                .bind(id)
                .bind(published_at.unwrap_or(0))
                .execute(&mut **tx)
                .await
                .map_err(db_err)?;
            for sql in [
                "DELETE FROM article_sections WHERE article_id = ?1",
                "DELETE FROM article_contributors WHERE article_id = ?1",
                "DELETE FROM article_sources WHERE article_id = ?1",
                "DELETE FROM article_tags WHERE article_id = ?1",
                "DELETE FROM article_related WHERE article_id = ?1",
            ] {
                sqlx::query(sql)
                    .bind(id)
                    .execute(&mut **tx)
                    .await
                    .map_err(db_err)?;
            }
            (id, rows::slug(slug)?, false)
        }
        None => {
            let base = match &input.slug {
                Some(s) => s.clone(),
                None => Slug::from_text(&input.headline)?,
            };
            let slug = free_slug(tx, &base).await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO articles (import_key, slug, headline, standfirst, body_html, \
                 language, status, published_at, time_zone, updated_at, account_id, credit, \
                 dateline_place, footer, legacy_views, legacy_comments) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16) \
                 RETURNING id",
            )
            .bind(&input.import_key)
            .bind(slug.as_str())
            .bind(input.headline.trim())
            .bind(&input.standfirst)
            .bind(&input.body_html)
            .bind(&input.language)
            .bind(input.status.as_str())
            .bind(published_at)
            .bind(&time_zone)
            .bind(now)
            .bind(account_id)
            .bind(&input.credit)
            .bind(&input.dateline_place)
            .bind(&input.footer)
            .bind(input.legacy_views as i64)
            .bind(input.legacy_comments as i64)
            .fetch_one(&mut **tx)
            .await
            .map_err(db_err)?;
            (id, slug, true)
        }
    };

    let when = published_at.unwrap_or(0);
    SqliteStore::link_all(tx, id, when, NamedTable::Sections, &input.sections).await?;
    SqliteStore::link_all(tx, id, when, NamedTable::Contributors, &input.contributors).await?;
    SqliteStore::link_all(tx, id, when, NamedTable::Sources, &input.sources).await?;
    SqliteStore::link_all(tx, id, when, NamedTable::Tags, &input.tags).await?;
    for (position, headline) in input.related_headlines.iter().enumerate() {
        sqlx::query(
            "INSERT INTO article_related (article_id, position, headline) VALUES (?1, ?2, ?3)",
        )
        .bind(id)
        .bind(position as i64)
        .bind(headline)
        .execute(&mut **tx)
        .await
        .map_err(db_err)?;
    }
    Ok(Saved {
        id: gazette_domain::ArticleId(id),
        slug,
        created,
    })
}

/// Which listing a summary query is for. Each variant maps to a fixed SQL
/// filter; user input only ever arrives as bound parameters.
#[derive(Clone, Copy)]
enum Listing {
    Latest,
    Section(i64),
    Contributor(i64),
    Source(i64),
}

/// The columns of an [`ArticleSummary`] row, shared by every listing query.
/// A macro, not a `const`, so that each query stays one static string.
macro_rules! summary_columns {
    () => {
        "a.id, a.slug, a.headline, a.standfirst, a.published_at, a.time_zone, \
         a.views, a.legacy_views, a.comments, a.legacy_comments, \
         (SELECT s.slug FROM article_sections x JOIN sections s ON s.id = x.section_id \
           WHERE x.article_id = a.id ORDER BY x.position LIMIT 1) AS section_slug, \
         (SELECT s.name FROM article_sections x JOIN sections s ON s.id = x.section_id \
           WHERE x.article_id = a.id ORDER BY x.position LIMIT 1) AS section_name"
    };
}

/// A listing query: published, live articles matching `$filter` (which
/// binds `?4`), newest first, one page.
macro_rules! listing_query {
    ($filter:literal) => {
        concat!(
            "SELECT ",
            summary_columns!(),
            ", 0 AS week_views FROM articles a \
             WHERE a.status = 'published' AND a.published_at <= ?1 AND ",
            $filter,
            " ORDER BY a.published_at DESC, a.id DESC LIMIT ?2 OFFSET ?3"
        )
    };
}

/// A listing through a link table (`$table`, keyed by `$key` = `?4`): the
/// `(key, published_at DESC)` index gives the page in order.
macro_rules! linked_query {
    ($table:literal, $key:literal) => {
        concat!(
            "SELECT ",
            summary_columns!(),
            ", 0 AS week_views FROM ",
            $table,
            " x JOIN articles a ON a.id = x.article_id WHERE x.",
            $key,
            " = ?4 AND x.published_at <= ?1 AND a.status = 'published' \
             ORDER BY x.published_at DESC, x.article_id DESC LIMIT ?2 OFFSET ?3"
        )
    };
}

impl SqliteStore {
    async fn summaries(&self, listing: Listing, page: Page) -> StoreResult<Vec<ArticleSummary>> {
        let (sql, key) = match listing {
            Listing::Latest => (listing_query!("?4 = 0"), 0),
            Listing::Section(id) => (linked_query!("article_sections", "section_id"), id),
            Listing::Contributor(id) => {
                (linked_query!("article_contributors", "contributor_id"), id)
            }
            Listing::Source(id) => (linked_query!("article_sources", "source_id"), id),
        };
        let rows: Vec<SummaryRow> = sqlx::query_as(sql)
            .bind(Timestamp::now().as_second())
            .bind(i64::from(page.limit))
            .bind(page.offset as i64)
            .bind(key)
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        self.finish_summaries(rows).await
    }

    /// Summary rows of the given articles, in no particular order.
    async fn summary_rows(&self, ids: impl Iterator<Item = i64>) -> StoreResult<Vec<SummaryRow>> {
        const SQL: &str = concat!(
            "SELECT ",
            summary_columns!(),
            ", 0 AS week_views FROM articles a WHERE a.id IN (SELECT value FROM json_each(?1))"
        );
        sqlx::query_as(SQL)
            .bind(json_ids(ids))
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)
    }

    /// Numbers ranked rows, in the order given, as top stories.
    async fn ranked(&self, rows: Vec<SummaryRow>) -> StoreResult<Vec<TopStory>> {
        let week_views: Vec<u64> = rows.iter().map(|r| r.week_views.max(0) as u64).collect();
        let summaries = self.finish_summaries(rows).await?;
        Ok(summaries
            .into_iter()
            .zip(week_views)
            .enumerate()
            .map(|(i, (article, week_views))| TopStory {
                rank: i as u32 + 1,
                article,
                week_views,
            })
            .collect())
    }

    /// Loads the bylines of a page of summaries in one query.
    async fn finish_summaries(&self, rows: Vec<SummaryRow>) -> StoreResult<Vec<ArticleSummary>> {
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let ids = json_ids(rows.iter().map(|r| r.id));
        let people: Vec<(i64, String, String)> = sqlx::query_as(
            "SELECT x.article_id, c.slug, c.name FROM article_contributors x \
             JOIN contributors c ON c.id = x.contributor_id \
             WHERE x.article_id IN (SELECT value FROM json_each(?1)) \
             ORDER BY x.article_id, x.position",
        )
        .bind(ids)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        rows.into_iter()
            .map(|r| {
                let mine = people
                    .iter()
                    .filter(|p| p.0 == r.id)
                    .map(|p| NamedRow {
                        slug: p.1.clone(),
                        name: p.2.clone(),
                    })
                    .collect();
                r.into_summary(mine)
            })
            .collect()
    }

    /// Links an article to the named sections, contributors, sources or
    /// tags, in order; listings read the copied publish time.
    async fn link_all(
        tx: &mut Transaction<'_, Sqlite>,
        article: i64,
        published_at: i64,
        table: NamedTable,
        names: &[String],
    ) -> StoreResult<()> {
        let sql = match table {
            NamedTable::Sections => {
                "INSERT OR IGNORE INTO article_sections (article_id, section_id, position, published_at) \
                 VALUES (?1, ?2, ?3, ?4)"
            }
            NamedTable::Contributors => {
                "INSERT OR IGNORE INTO article_contributors (article_id, contributor_id, position, published_at) \
                 VALUES (?1, ?2, ?3, ?4)"
            }
            NamedTable::Sources => {
                "INSERT OR IGNORE INTO article_sources (article_id, source_id, position, published_at) \
                 VALUES (?1, ?2, ?3, ?4)"
            }
            NamedTable::Tags => {
                "INSERT OR IGNORE INTO article_tags (article_id, tag_id, position) VALUES (?1, ?2, ?3)"
            }
            NamedTable::Accounts => unreachable!("accounts are not linked by list"),
        };
        for (position, name) in names.iter().enumerate() {
            let id = ensure_named(tx, table, name).await?;
            let mut query = sqlx::query(sql)
                .bind(article)
                .bind(id)
                .bind(position as i64);
            if !matches!(table, NamedTable::Tags) {
                query = query.bind(published_at);
            }
            query.execute(&mut **tx).await.map_err(db_err)?;
        }
        Ok(())
    }
}

#[async_trait]
impl Store for SqliteStore {
    async fn save_article(&self, input: &ArticleInput) -> StoreResult<Saved> {
        let mut tx = self.write().await?;
        let saved = save_in(&mut tx, input).await?;
        tx.commit().await.map_err(db_err)?;
        Ok(saved)
    }

    async fn save_articles(&self, inputs: &[ArticleInput]) -> StoreResult<Vec<Saved>> {
        let mut tx = self.write().await?;
        let mut out = Vec::with_capacity(inputs.len());
        for input in inputs {
            out.push(save_in(&mut tx, input).await?);
        }
        tx.commit().await.map_err(db_err)?;
        Ok(out)
    }

    async fn article_by_slug(&self, slug: &str) -> StoreResult<Article> {
        // One round trip: each list comes back as a JSON array, in order.
        let row: ArticleRow = sqlx::query_as(
            "SELECT a.*, ac.slug AS account_slug, ac.name AS account_name, \
               (SELECT json_group_array(json_array(s.id, s.slug, s.name, s.parent_id) ORDER BY x.position) \
                  FROM article_sections x JOIN sections s ON s.id = x.section_id \
                  WHERE x.article_id = a.id) AS sections_json, \
               (SELECT json_group_array(json_array(c.id, c.slug, c.name, c.bio) ORDER BY x.position) \
                  FROM article_contributors x JOIN contributors c ON c.id = x.contributor_id \
                  WHERE x.article_id = a.id) AS contributors_json, \
               (SELECT json_group_array(json_array(s.id, s.slug, s.name, s.url) ORDER BY x.position) \
                  FROM article_sources x JOIN sources s ON s.id = x.source_id \
                  WHERE x.article_id = a.id) AS sources_json, \
               (SELECT json_group_array(json_array(t.id, t.slug, t.name) ORDER BY x.position) \
                  FROM article_tags x JOIN tags t ON t.id = x.tag_id \
                  WHERE x.article_id = a.id) AS tags_json, \
               (SELECT json_group_array(headline ORDER BY position) FROM article_related \
                  WHERE article_id = a.id) AS related_json \
             FROM articles a LEFT JOIN accounts ac ON ac.id = a.account_id \
             WHERE a.slug = ?1 AND a.status = 'published' AND a.published_at <= ?2",
        )
        .bind(slug)
        .bind(Timestamp::now().as_second())
        .fetch_one(&self.pool)
        .await
        .map_err(db_err)?;
        row.into_article()
    }

    async fn latest_articles(&self, page: Page) -> StoreResult<Vec<ArticleSummary>> {
        self.summaries(Listing::Latest, page).await
    }

    async fn count_published(&self) -> StoreResult<u64> {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM articles WHERE status = 'published' AND published_at <= ?1",
        )
        .bind(Timestamp::now().as_second())
        .fetch_one(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(n as u64)
    }

    async fn sections(&self) -> StoreResult<Vec<Section>> {
        let rows: Vec<SectionRow> = sqlx::query_as(
            "SELECT id, slug, name, parent_id FROM sections \
             ORDER BY parent_id IS NOT NULL, name COLLATE NOCASE",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        rows.into_iter().map(SectionRow::into_section).collect()
    }

    async fn ensure_section(&self, name: &str, parent: Option<&str>) -> StoreResult<Section> {
        let mut tx = self.write().await?;
        let parent_id = match parent {
            Some(p) => Some(ensure_named(&mut tx, NamedTable::Sections, p).await?),
            None => None,
        };
        let id = ensure_named(&mut tx, NamedTable::Sections, name).await?;
        if parent_id.is_some() && parent_id != Some(id) {
            sqlx::query("UPDATE sections SET parent_id = ?2 WHERE id = ?1")
                .bind(id)
                .bind(parent_id)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
        }
        let row: SectionRow =
            sqlx::query_as("SELECT id, slug, name, parent_id FROM sections WHERE id = ?1")
                .bind(id)
                .fetch_one(&mut *tx)
                .await
                .map_err(db_err)?;
        tx.commit().await.map_err(db_err)?;
        row.into_section()
    }

    async fn section_by_slug(&self, slug: &str) -> StoreResult<Section> {
        let row: SectionRow =
            sqlx::query_as("SELECT id, slug, name, parent_id FROM sections WHERE slug = ?1")
                .bind(slug)
                .fetch_one(&self.pool)
                .await
                .map_err(db_err)?;
        row.into_section()
    }

    async fn articles_in_section(
        &self,
        section: &Section,
        page: Page,
    ) -> StoreResult<Vec<ArticleSummary>> {
        self.summaries(Listing::Section(section.id.0), page).await
    }

    async fn contributor_by_slug(&self, slug: &str) -> StoreResult<Contributor> {
        let (id, slug, name, bio): (i64, String, String, Option<String>) =
            sqlx::query_as("SELECT id, slug, name, bio FROM contributors WHERE slug = ?1")
                .bind(slug)
                .fetch_one(&self.pool)
                .await
                .map_err(db_err)?;
        Ok(Contributor {
            id: gazette_domain::ContributorId(id),
            slug: rows::slug(slug)?,
            name,
            bio,
        })
    }

    async fn articles_by_contributor(
        &self,
        contributor: &Contributor,
        page: Page,
    ) -> StoreResult<Vec<ArticleSummary>> {
        self.summaries(Listing::Contributor(contributor.id.0), page)
            .await
    }

    async fn source_by_slug(&self, slug: &str) -> StoreResult<Source> {
        let row: SourceRow =
            sqlx::query_as("SELECT id, slug, name, url FROM sources WHERE slug = ?1")
                .bind(slug)
                .fetch_one(&self.pool)
                .await
                .map_err(db_err)?;
        row.into_source()
    }

    async fn articles_from_source(
        &self,
        source: &Source,
        page: Page,
    ) -> StoreResult<Vec<ArticleSummary>> {
        self.summaries(Listing::Source(source.id.0), page).await
    }

    async fn is_live(&self, article: ArticleId) -> StoreResult<bool> {
        let found: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM articles WHERE id = ?1 AND status = 'published' AND published_at <= ?2",
        )
        .bind(article.0)
        .bind(Timestamp::now().as_second())
        .fetch_optional(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(found.is_some())
    }

    async fn live_article_ids(&self) -> StoreResult<Vec<ArticleId>> {
        let ids: Vec<i64> = sqlx::query_scalar(
            "SELECT id FROM articles WHERE status = 'published' AND published_at <= ?1",
        )
        .bind(Timestamp::now().as_second())
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(ids.into_iter().map(ArticleId).collect())
    }

    async fn add_daily_views(&self, views: &[DailyViews]) -> StoreResult<()> {
        // Add up repeats first: one statement per article and day, one per
        // article and week, one per article.
        let mut daily: BTreeMap<(i64, Date), i64> = BTreeMap::new();
        let mut weekly: BTreeMap<(i64, IsoWeek), i64> = BTreeMap::new();
        let mut total: BTreeMap<i64, i64> = BTreeMap::new();
        for v in views.iter().filter(|v| v.views > 0) {
            let n = i64::try_from(v.views).map_err(StoreError::other)?;
            *daily.entry((v.article.0, v.day)).or_default() += n;
            *weekly
                .entry((v.article.0, IsoWeek::of_date(v.day)))
                .or_default() += n;
            *total.entry(v.article.0).or_default() += n;
        }
        // Three statements however many rows: each table's rows go in as
        // one JSON array bound as a single parameter.
        let daily_json = json_rows(daily.iter().map(|((a, d), n)| format!("[{a},\"{d}\",{n}]")));
        let weekly_json = json_rows(
            weekly
                .iter()
                .map(|((a, w), n)| format!("[{a},\"{w}\",{n}]")),
        );
        let total_json = json_rows(total.iter().map(|(a, n)| format!("[{a},{n}]")));
        let mut tx = self.write().await?;
        sqlx::query(
            "INSERT INTO article_daily_views (article_id, day, views) \
             SELECT value ->> 0, value ->> 1, value ->> 2 FROM json_each(?1) WHERE true \
             ON CONFLICT (article_id, day) DO UPDATE SET views = views + excluded.views",
        )
        .bind(daily_json)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
        sqlx::query(
            "INSERT INTO article_weekly_views (week, article_id, published_at, views) \
             SELECT j.value ->> 1, a.id, COALESCE(a.published_at, 0), j.value ->> 2 \
             FROM json_each(?1) j JOIN articles a ON a.id = j.value ->> 0 WHERE true \
             ON CONFLICT (week, article_id) DO UPDATE SET views = views + excluded.views",
        )
        .bind(weekly_json)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
        sqlx::query(
            "UPDATE articles SET views = views + t.n \
             FROM (SELECT value ->> 0 AS id, value ->> 1 AS n FROM json_each(?1)) t \
             WHERE articles.id = t.id",
        )
        .bind(total_json)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
        tx.commit().await.map_err(db_err)
    }

    async fn daily_views(
        &self,
        article: ArticleId,
        from: Date,
        to: Date,
    ) -> StoreResult<Vec<DayCount>> {
        let rows: Vec<(String, i64)> = sqlx::query_as(
            "SELECT day, views FROM article_daily_views \
             WHERE article_id = ?1 AND day BETWEEN ?2 AND ?3 ORDER BY day",
        )
        .bind(article.0)
        .bind(from.to_string())
        .bind(to.to_string())
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        rows.into_iter()
            .map(|(day, views)| {
                Ok(DayCount {
                    day: day.parse().map_err(StoreError::other)?,
                    views: views.max(0) as u64,
                })
            })
            .collect()
    }

    async fn top_stories(&self, week: WeekWindow, limit: u32) -> StoreResult<Vec<TopStory>> {
        let week_id = week.week.to_string();
        let now = Timestamp::now().as_second();
        let from = week.published_from.as_second();
        let until = week.published_until.as_second().min(now + 1);
        // 1. Walk the week's index from the most viewed down, to the limit.
        let leaders: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT w.article_id, w.views FROM article_weekly_views w \
             JOIN articles a ON a.id = w.article_id AND a.status = 'published' \
             WHERE w.week = ?1 AND w.published_at >= ?2 AND w.published_at < ?3 AND w.views > 0 \
             ORDER BY w.views DESC LIMIT ?4",
        )
        .bind(&week_id)
        .bind(from)
        .bind(until)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        let mut week_views: BTreeMap<i64, i64> = leaders.iter().copied().collect();
        if leaders.len() == limit as usize && limit > 0 {
            // 2. Stories tied with the last one compete on comments and recency.
            let threshold = leaders.last().map_or(0, |l| l.1);
            let tied: Vec<(i64, i64)> = sqlx::query_as(
                "SELECT w.article_id, w.views FROM article_weekly_views w \
                 JOIN articles a ON a.id = w.article_id AND a.status = 'published' \
                 WHERE w.week = ?1 AND w.published_at >= ?2 AND w.published_at < ?3 \
                   AND w.views = ?4",
            )
            .bind(&week_id)
            .bind(from)
            .bind(until)
            .bind(threshold)
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
            week_views.extend(tied);
        } else {
            // 3. Fewer viewed stories than places: unviewed ones follow, by
            //    comments and recency.
            let missing = i64::from(limit) - leaders.len() as i64;
            let rest: Vec<i64> = sqlx::query_scalar(
                "SELECT a.id FROM articles a WHERE a.status = 'published' \
                   AND a.published_at >= ?1 AND a.published_at < ?2 \
                   AND a.id NOT IN (SELECT value FROM json_each(?3)) \
                 ORDER BY a.comments DESC, a.published_at DESC, a.id DESC LIMIT ?4",
            )
            .bind(from)
            .bind(until)
            .bind(json_ids(week_views.keys().copied()))
            .bind(missing)
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
            week_views.extend(rest.into_iter().map(|id| (id, 0)));
        }
        let mut rows = self.summary_rows(week_views.keys().copied()).await?;
        for r in &mut rows {
            r.week_views = week_views.get(&r.id).copied().unwrap_or(0);
        }
        rows.sort_by(|a, b| {
            b.week_views
                .cmp(&a.week_views)
                .then(b.comments.cmp(&a.comments))
                .then(b.published_at.cmp(&a.published_at))
                .then(b.id.cmp(&a.id))
        });
        rows.truncate(limit as usize);
        self.ranked(rows).await
    }

    async fn frozen_top_stories(&self, week: IsoWeek) -> StoreResult<Option<Vec<TopStory>>> {
        let frozen: Option<i64> =
            sqlx::query_scalar("SELECT frozen_at FROM top_stories_weeks_frozen WHERE week = ?1")
                .bind(week.to_string())
                .fetch_optional(&self.pool)
                .await
                .map_err(db_err)?;
        if frozen.is_none() {
            return Ok(None);
        }
        let ranked: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT article_id, views FROM top_stories_frozen WHERE week = ?1 ORDER BY rank",
        )
        .bind(week.to_string())
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        let mut rows = self.summary_rows(ranked.iter().map(|r| r.0)).await?;
        let order: BTreeMap<i64, (usize, i64)> = ranked
            .iter()
            .enumerate()
            .map(|(i, (id, views))| (*id, (i, *views)))
            .collect();
        for r in &mut rows {
            r.week_views = order.get(&r.id).map_or(0, |o| o.1);
        }
        rows.sort_by_key(|r| order.get(&r.id).map_or(usize::MAX, |o| o.0));
        Ok(Some(self.ranked(rows).await?))
    }

    async fn freeze_top_stories(&self, week: IsoWeek, stories: &[TopStory]) -> StoreResult<()> {
        let mut tx = self.write().await?;
        let first = sqlx::query(
            "INSERT OR IGNORE INTO top_stories_weeks_frozen (week, frozen_at) VALUES (?1, ?2)",
        )
        .bind(week.to_string())
        .bind(Timestamp::now().as_second())
        .execute(&mut *tx)
        .await
        .map_err(db_err)?
        .rows_affected()
            == 1;
        if first {
            for s in stories {
                sqlx::query(
                    "INSERT INTO top_stories_frozen (week, rank, article_id, views) \
                     VALUES (?1, ?2, ?3, ?4)",
                )
                .bind(week.to_string())
                .bind(i64::from(s.rank))
                .bind(s.article.id.0)
                .bind(s.week_views as i64)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
            }
        }
        tx.commit().await.map_err(db_err)
    }

    async fn add_comment(&self, c: &NewComment) -> StoreResult<Comment> {
        let mut tx = self.write().await?;
        let live: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM articles WHERE id = ?1 AND status = 'published' AND published_at <= ?2",
        )
        .bind(c.article.0)
        .bind(Timestamp::now().as_second())
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_err)?;
        if live.is_none() {
            return Err(StoreError::NotFound);
        }
        if let Some(parent) = c.parent {
            let ok: Option<i64> = sqlx::query_scalar(
                "SELECT id FROM comments WHERE id = ?1 AND article_id = ?2 AND status = 'approved'",
            )
            .bind(parent.0)
            .bind(c.article.0)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_err)?;
            if ok.is_none() {
                return Err(StoreError::Invalid(DomainError::Invalid {
                    what: "reply",
                    value: parent.to_string(),
                    why: "it answers no published comment on this article".into(),
                }));
            }
        }
        let row: CommentRow = sqlx::query_as(
            "INSERT INTO comments (article_id, parent_id, author_name, author_email, body_html, \
             fingerprint, status, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'pending', ?7) \
             RETURNING id, article_id, parent_id, author_name, author_email, body_html, status, created_at",
        )
        .bind(c.article.0)
        .bind(c.parent.map(|p| p.0))
        .bind(&c.author_name)
        .bind(&c.author_email)
        .bind(&c.body_html)
        .bind(&c.fingerprint)
        .bind(Timestamp::now().as_second())
        .fetch_one(&mut *tx)
        .await
        .map_err(db_err)?;
        tx.commit().await.map_err(db_err)?;
        row.into_comment()
    }

    async fn import_comments(&self, comments: &[ImportedComment]) -> StoreResult<Vec<CommentId>> {
        let mut tx = self.write().await?;
        let mut ids = Vec::with_capacity(comments.len());
        let mut approved: BTreeMap<i64, i64> = BTreeMap::new();
        for c in comments {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO comments (article_id, parent_id, author_name, author_email, body_html, \
                 fingerprint, status, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id",
            )
            .bind(c.comment.article.0)
            .bind(c.comment.parent.map(|p| p.0))
            .bind(&c.comment.author_name)
            .bind(&c.comment.author_email)
            .bind(&c.comment.body_html)
            .bind(&c.comment.fingerprint)
            .bind(c.status.as_str())
            .bind(c.created_at.as_second())
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| match db_err(e) {
                StoreError::Other(e) if e.to_string().contains("FOREIGN KEY") => {
                    StoreError::Invalid(DomainError::Invalid {
                        what: "comment",
                        value: c.comment.author_name.clone(),
                        why: "its article or the comment it replies to does not exist".into(),
                    })
                }
                e => e,
            })?;
            if c.status == CommentStatus::Approved {
                *approved.entry(c.comment.article.0).or_default() += 1;
            }
            ids.push(CommentId(id));
        }
        for (article, n) in approved {
            sqlx::query("UPDATE articles SET comments = comments + ?2 WHERE id = ?1")
                .bind(article)
                .bind(n)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
        }
        tx.commit().await.map_err(db_err)?;
        Ok(ids)
    }

    async fn comment_seen(&self, article: ArticleId, fingerprint: &str) -> StoreResult<bool> {
        let found: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM comments WHERE article_id = ?1 AND fingerprint = ?2 LIMIT 1",
        )
        .bind(article.0)
        .bind(fingerprint)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(found.is_some())
    }

    async fn approved_comments(&self, article: ArticleId) -> StoreResult<Vec<Comment>> {
        let rows: Vec<CommentRow> = sqlx::query_as(
            "SELECT id, article_id, parent_id, author_name, author_email, body_html, status, created_at \
             FROM comments WHERE article_id = ?1 AND status = 'approved' ORDER BY created_at, id",
        )
        .bind(article.0)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        rows.into_iter().map(CommentRow::into_comment).collect()
    }

    async fn comments_with_status(
        &self,
        status: CommentStatus,
        page: Page,
    ) -> StoreResult<Vec<Comment>> {
        let rows: Vec<CommentRow> = sqlx::query_as(
            "SELECT id, article_id, parent_id, author_name, author_email, body_html, status, created_at \
             FROM comments WHERE status = ?1 ORDER BY created_at, id LIMIT ?2 OFFSET ?3",
        )
        .bind(status.as_str())
        .bind(i64::from(page.limit))
        .bind(page.offset as i64)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        rows.into_iter().map(CommentRow::into_comment).collect()
    }

    async fn set_comment_status(
        &self,
        id: CommentId,
        status: CommentStatus,
    ) -> StoreResult<Comment> {
        let mut tx = self.write().await?;
        let (article, old): (i64, String) =
            sqlx::query_as("SELECT article_id, status FROM comments WHERE id = ?1")
                .bind(id.0)
                .fetch_one(&mut *tx)
                .await
                .map_err(db_err)?;
        let was = old == "approved";
        let is = status == CommentStatus::Approved;
        if was != is {
            sqlx::query("UPDATE articles SET comments = MAX(0, comments + ?2) WHERE id = ?1")
                .bind(article)
                .bind(if is { 1 } else { -1 })
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
        }
        let row: CommentRow = sqlx::query_as(
            "UPDATE comments SET status = ?2 WHERE id = ?1 \
             RETURNING id, article_id, parent_id, author_name, author_email, body_html, status, created_at",
        )
        .bind(id.0)
        .bind(status.as_str())
        .fetch_one(&mut *tx)
        .await
        .map_err(db_err)?;
        tx.commit().await.map_err(db_err)?;
        row.into_comment()
    }

    async fn delete_comment(&self, id: CommentId) -> StoreResult<()> {
        let mut tx = self.write().await?;
        let article: i64 = sqlx::query_scalar("SELECT article_id FROM comments WHERE id = ?1")
            .bind(id.0)
            .fetch_one(&mut *tx)
            .await
            .map_err(db_err)?;
        // The comment and every reply under it go; approved ones leave the count.
        let approved: i64 = sqlx::query_scalar(
            "WITH RECURSIVE thread(id) AS (SELECT ?1 UNION ALL \
               SELECT c.id FROM comments c JOIN thread t ON c.parent_id = t.id) \
             SELECT COUNT(*) FROM comments WHERE id IN (SELECT id FROM thread) AND status = 'approved'",
        )
        .bind(id.0)
        .fetch_one(&mut *tx)
        .await
        .map_err(db_err)?;
        sqlx::query("UPDATE articles SET comments = MAX(0, comments - ?2) WHERE id = ?1")
            .bind(article)
            .bind(approved)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        sqlx::query("DELETE FROM comments WHERE id = ?1")
            .bind(id.0)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        tx.commit().await.map_err(db_err)
    }

    async fn secret(&self, name: &str, candidate: &[u8]) -> StoreResult<Vec<u8>> {
        sqlx::query("INSERT OR IGNORE INTO secrets (name, value) VALUES (?1, ?2)")
            .bind(name)
            .bind(candidate)
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        sqlx::query_scalar("SELECT value FROM secrets WHERE name = ?1")
            .bind(name)
            .fetch_one(&self.pool)
            .await
            .map_err(db_err)
    }
}
