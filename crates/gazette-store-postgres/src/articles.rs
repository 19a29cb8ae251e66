//! Articles, listings, and the names they are filed under.

use async_trait::async_trait;
use jiff::Timestamp;
use sqlx::{Acquire, Postgres, Transaction};

use gazette_domain::{
    Article, ArticleId, ArticleInput, ArticleSummary, Contributor, Section, SectionId, Slug,
    Source, SourceInput,
};
use gazette_store::{
    ArticleStore, Change, MAX_PINNED, Neighbours, Page, Saved, SitemapEntry, StaffStory,
    StoreError, StoreResult, StoryFilter, UpdateMark,
};
use gazette_store_sql::rows::{
    self, ArticleRow, NamedRow, SectionRow, SourceRow, StaffStoryRow, SummaryRow,
};

use crate::{PgStore, db_err, is_unique_violation, record_change};

/// Batches larger than this announce one `Change::Everything`.
const CHANGES_PER_BATCH: usize = 50;
/// A new article whose slug a concurrent writer took tries again this often.
const SLUG_ATTEMPTS: usize = 8;

#[derive(Clone, Copy)]
enum NamedTable {
    PostingAccounts,
    Sections,
    Contributors,
    Tags,
}

/// Finds or creates the row with `name`'s slug; the first spelling is kept.
async fn ensure_named(
    tx: &mut Transaction<'_, Postgres>,
    table: NamedTable,
    name: &str,
) -> StoreResult<i64> {
    let slug = Slug::from_text(name)?;
    let sql = match table {
        NamedTable::PostingAccounts => {
            "INSERT INTO posting_accounts (slug, name) VALUES ($1, $2) \
             ON CONFLICT (slug) DO UPDATE SET slug = EXCLUDED.slug RETURNING id"
        }
        NamedTable::Sections => {
            "INSERT INTO sections (slug, name) VALUES ($1, $2) \
             ON CONFLICT (slug) DO UPDATE SET slug = EXCLUDED.slug RETURNING id"
        }
        NamedTable::Contributors => {
            "INSERT INTO contributors (slug, name) VALUES ($1, $2) \
             ON CONFLICT (slug) DO UPDATE SET slug = EXCLUDED.slug RETURNING id"
        }
        NamedTable::Tags => {
            "INSERT INTO tags (slug, name) VALUES ($1, $2) \
             ON CONFLICT (slug) DO UPDATE SET slug = EXCLUDED.slug RETURNING id"
        }
    };
    sqlx::query_scalar(sql)
        .bind(slug.as_str())
        .bind(name.trim())
        .fetch_one(&mut **tx)
        .await
        .map_err(db_err)
}

async fn ensure_source(
    tx: &mut Transaction<'_, Postgres>,
    source: &SourceInput,
) -> StoreResult<i64> {
    let slug = Slug::from_text(&source.name)?;
    sqlx::query_scalar(
        "INSERT INTO sources (slug, name, url) VALUES ($1, $2, $3) \
         ON CONFLICT (slug) DO UPDATE SET url = COALESCE(sources.url, EXCLUDED.url) RETURNING id",
    )
    .bind(slug.as_str())
    .bind(source.name.trim())
    .bind(&source.url)
    .fetch_one(&mut **tx)
    .await
    .map_err(db_err)
}

fn too_big(what: &'static str) -> StoreError {
    StoreError::Invalid(gazette_domain::DomainError::Invalid {
        what,
        value: "a number above 9223372036854775807".into(),
        why: "counts that large cannot be stored".into(),
    })
}

/// The values of an article row, bound the same way by the insert and the
/// update.
struct Values<'a> {
    input: &'a ArticleInput,
    published_at: Option<i64>,
    time_zone: String,
    account_id: Option<i64>,
    legacy_views: i64,
    legacy_comments: i64,
    now: i64,
}

async fn update(tx: &mut Transaction<'_, Postgres>, id: i64, v: &Values<'_>) -> StoreResult<()> {
    let input = v.input;
    sqlx::query(
        "UPDATE articles SET headline = $2, standfirst = $3, body_html = $4, language = $5, \
         status = $6, published_at = $7, time_zone = $8, updated_at = $9, posting_account_id = $10, \
         credit = $11, dateline_place = $12, footer = $13, legacy_views = $14, legacy_comments = $15, \
         kind = $16, pinned = $17, canonical_url = $18 WHERE id = $1",
    )
    .bind(id)
    .bind(input.headline.trim())
    .bind(&input.standfirst)
    .bind(&input.body_html)
    .bind(&input.language)
    .bind(input.status.as_str())
    .bind(v.published_at)
    .bind(&v.time_zone)
    .bind(v.now)
    .bind(v.account_id)
    .bind(&input.credit)
    .bind(&input.dateline_place)
    .bind(&input.footer)
    .bind(v.legacy_views)
    .bind(v.legacy_comments)
    .bind(input.kind.as_str())
    .bind(i64::from(input.pinned))
    .bind(&input.canonical_url)
    .execute(&mut **tx)
    .await
    .map_err(db_err)?;
    sqlx::query("UPDATE article_weekly_views SET published_at = $2 WHERE article_id = $1")
        .bind(id)
        .bind(v.published_at.unwrap_or(0))
        .execute(&mut **tx)
        .await
        .map_err(db_err)?;
    for sql in [
        "DELETE FROM article_sections WHERE article_id = $1",
        "DELETE FROM article_contributors WHERE article_id = $1",
        "DELETE FROM article_sources WHERE article_id = $1",
        "DELETE FROM article_tags WHERE article_id = $1",
        "DELETE FROM article_related WHERE article_id = $1",
    ] {
        sqlx::query(sql)
            .bind(id)
            .execute(&mut **tx)
            .await
            .map_err(db_err)?;
    }
    Ok(())
}

/// Inserts a new article under the first free slug. A concurrent writer
/// may take the slug (or the import key) between the look and the insert:
/// the insert runs in a savepoint and is tried again. Returns the id and
/// slug, or `None` when another writer created the same import key.
async fn insert(
    tx: &mut Transaction<'_, Postgres>,
    v: &Values<'_>,
) -> StoreResult<Option<(i64, Slug)>> {
    let input = v.input;
    let base = match &input.slug {
        Some(s) => s.clone(),
        None => Slug::from_text(&input.headline)?,
    };
    for _ in 0..SLUG_ATTEMPTS {
        let taken: Vec<String> = sqlx::query_scalar(
            "SELECT slug FROM articles WHERE slug = $1 OR starts_with(slug, $1 || '-')",
        )
        .bind(base.as_str())
        .fetch_all(&mut **tx)
        .await
        .map_err(db_err)?;
        let slug = gazette_store_sql::first_free_slug(&base, &taken);
        let mut savepoint = (&mut **tx).begin().await.map_err(db_err)?;
        let inserted: Result<Option<i64>, sqlx::Error> = sqlx::query_scalar(
            "INSERT INTO articles (import_key, slug, headline, standfirst, body_html, language, \
             status, published_at, time_zone, updated_at, posting_account_id, credit, \
             dateline_place, footer, legacy_views, legacy_comments, kind, pinned, canonical_url) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19) \
             ON CONFLICT (import_key) DO NOTHING RETURNING id",
        )
        .bind(&input.import_key)
        .bind(slug.as_str())
        .bind(input.headline.trim())
        .bind(&input.standfirst)
        .bind(&input.body_html)
        .bind(&input.language)
        .bind(input.status.as_str())
        .bind(v.published_at)
        .bind(&v.time_zone)
        .bind(v.now)
        .bind(v.account_id)
        .bind(&input.credit)
        .bind(&input.dateline_place)
        .bind(&input.footer)
        .bind(v.legacy_views)
        .bind(v.legacy_comments)
        .bind(input.kind.as_str())
        .bind(i64::from(input.pinned))
        .bind(&input.canonical_url)
        .fetch_optional(&mut *savepoint)
        .await;
        match inserted {
            Ok(Some(id)) => {
                savepoint.commit().await.map_err(db_err)?;
                return Ok(Some((id, slug)));
            }
            Ok(None) => {
                savepoint.commit().await.map_err(db_err)?;
                return Ok(None);
            }
            Err(e) if is_unique_violation(&e) => {
                savepoint.rollback().await.map_err(db_err)?;
            }
            Err(e) => return Err(db_err(e)),
        }
    }
    Err(StoreError::Conflict(
        "the slug kept being taken by other writers; save again",
    ))
}

/// Saves one article inside `tx`: see [`ArticleStore::save_article`].
pub(crate) async fn save_in(
    tx: &mut Transaction<'_, Postgres>,
    input: &ArticleInput,
    now: Timestamp,
) -> StoreResult<Saved> {
    input.validate()?;
    let account_id = match &input.posting_account {
        Some(name) => Some(ensure_named(tx, NamedTable::PostingAccounts, name).await?),
        None => None,
    };
    let v = Values {
        input,
        published_at: input
            .published_at
            .as_ref()
            .map(|z| z.timestamp().as_second()),
        time_zone: input
            .published_at
            .as_ref()
            .and_then(|z| z.time_zone().iana_name().map(str::to_owned))
            .unwrap_or_else(|| "UTC".to_owned()),
        account_id,
        legacy_views: i64::try_from(input.legacy_views).map_err(|_| too_big("legacy views"))?,
        legacy_comments: i64::try_from(input.legacy_comments)
            .map_err(|_| too_big("legacy comments"))?,
        now: now.as_second(),
    };
    // Twice at most: a concurrent writer of the same import key makes the
    // insert find nothing to do, and the second round updates its row.
    let mut found = None;
    for _ in 0..2 {
        let existing: Option<(i64, String)> = match &input.import_key {
            Some(key) => sqlx::query_as("SELECT id, slug FROM articles WHERE import_key = $1")
                .bind(key)
                .fetch_optional(&mut **tx)
                .await
                .map_err(db_err)?,
            None => None,
        };
        if let Some((id, slug)) = existing {
            update(tx, id, &v).await?;
            found = Some((id, rows::slug(slug)?, false));
            break;
        }
        if let Some((id, slug)) = insert(tx, &v).await? {
            found = Some((id, slug, true));
            break;
        }
    }
    let (id, slug, created) = found.ok_or(StoreError::Conflict(
        "another writer saved this story at the same moment; save again",
    ))?;

    let when = gazette_store_sql::listed_at(input.status, input.kind, v.published_at);
    for (position, name) in input.sections.iter().enumerate() {
        let link = ensure_named(tx, NamedTable::Sections, name).await?;
        sqlx::query(
            "INSERT INTO article_sections (article_id, section_id, position, published_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
        )
        .bind(id)
        .bind(link)
        .bind(position as i32)
        .bind(when)
        .execute(&mut **tx)
        .await
        .map_err(db_err)?;
    }
    for (position, name) in input.contributors.iter().enumerate() {
        let link = ensure_named(tx, NamedTable::Contributors, name).await?;
        sqlx::query(
            "INSERT INTO article_contributors (article_id, contributor_id, position, published_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
        )
        .bind(id)
        .bind(link)
        .bind(position as i32)
        .bind(when)
        .execute(&mut **tx)
        .await
        .map_err(db_err)?;
    }
    for (position, source) in input.sources.iter().enumerate() {
        let link = ensure_source(tx, source).await?;
        sqlx::query(
            "INSERT INTO article_sources (article_id, source_id, position, published_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
        )
        .bind(id)
        .bind(link)
        .bind(position as i32)
        .bind(when)
        .execute(&mut **tx)
        .await
        .map_err(db_err)?;
    }
    for (position, name) in input.tags.iter().enumerate() {
        let link = ensure_named(tx, NamedTable::Tags, name).await?;
        sqlx::query(
            "INSERT INTO article_tags (article_id, tag_id, position, published_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
        )
        .bind(id)
        .bind(link)
        .bind(position as i32)
        .bind(when)
        .execute(&mut **tx)
        .await
        .map_err(db_err)?;
    }
    if !input.related_headlines.is_empty() {
        let positions: Vec<i32> = (0..input.related_headlines.len() as i32).collect();
        sqlx::query(
            "INSERT INTO article_related (article_id, position, headline) \
             SELECT $1, p, h FROM unnest($2::int[], $3::text[]) AS t(p, h)",
        )
        .bind(id)
        .bind(&positions)
        .bind(&input.related_headlines)
        .execute(&mut **tx)
        .await
        .map_err(db_err)?;
    }
    Ok(Saved {
        id: ArticleId(id),
        slug,
        created,
    })
}

/// The columns of a whole [`Article`] with its relations (each list as a
/// JSON array, in order), up to the `WHERE`.
macro_rules! article_select {
    () => {
            "SELECT a.id, a.slug, a.headline, a.standfirst, a.body_html, a.language, a.status, a.kind, \
               a.published_at, a.time_zone, a.updated_at, a.credit, a.dateline_place, a.footer, a.canonical_url, \
               a.views, a.comments, a.legacy_views, a.legacy_comments, a.posting_account_id, \
               ac.slug AS account_slug, ac.name AS account_name, \
               (SELECT COALESCE(json_agg(json_build_array(s.id, s.slug, s.name, s.parent_id) ORDER BY x.position), '[]')::text \
                  FROM article_sections x JOIN sections s ON s.id = x.section_id \
                  WHERE x.article_id = a.id) AS sections_json, \
               (SELECT COALESCE(json_agg(json_build_array(c.id, c.slug, c.name, c.bio) ORDER BY x.position), '[]')::text \
                  FROM article_contributors x JOIN contributors c ON c.id = x.contributor_id \
                  WHERE x.article_id = a.id) AS contributors_json, \
               (SELECT COALESCE(json_agg(json_build_array(s.id, s.slug, s.name, s.url) ORDER BY x.position), '[]')::text \
                  FROM article_sources x JOIN sources s ON s.id = x.source_id \
                  WHERE x.article_id = a.id) AS sources_json, \
               (SELECT COALESCE(json_agg(json_build_array(t.id, t.slug, t.name) ORDER BY x.position), '[]')::text \
                  FROM article_tags x JOIN tags t ON t.id = x.tag_id \
                  WHERE x.article_id = a.id) AS tags_json, \
               (SELECT COALESCE(json_agg(headline ORDER BY position), '[]')::text FROM article_related \
                  WHERE article_id = a.id) AS related_json \
             FROM articles a LEFT JOIN posting_accounts ac ON ac.id = a.posting_account_id"
    };
}

/// The columns of an [`ArticleSummary`] row, shared by every listing query.
macro_rules! summary_columns {
    () => {
        "a.id, a.slug, a.headline, a.standfirst, a.published_at, a.time_zone, \
         a.views, a.legacy_views, a.comments, a.legacy_comments, \
         (SELECT s.slug FROM article_sections x JOIN sections s ON s.id = x.section_id \
           WHERE x.article_id = a.id ORDER BY x.position LIMIT 1) AS section_slug, \
         (SELECT s.name FROM article_sections x JOIN sections s ON s.id = x.section_id \
           WHERE x.article_id = a.id ORDER BY x.position LIMIT 1) AS section_name, \
         a.canonical_url"
    };
}

/// A listing through a link table keyed by `$4`, in its time index order.
macro_rules! linked_query {
    ($table:literal, $key:literal) => {
        concat!(
            "SELECT ",
            summary_columns!(),
            " FROM (SELECT article_id, published_at FROM ",
            $table,
            " WHERE ",
            $key,
            " = $4 AND published_at <= $1 \
             ORDER BY published_at DESC, article_id DESC LIMIT $2 OFFSET $3) x \
             JOIN articles a ON a.id = x.article_id \
             ORDER BY x.published_at DESC, x.article_id DESC"
        )
    };
}

#[derive(Clone, Copy)]
enum Listing {
    Latest,
    Section(i64),
    Contributor(i64),
    Source(i64),
    Tag(i64),
}

impl PgStore {
    async fn listing(
        &self,
        listing: Listing,
        page: Page,
        now: Timestamp,
    ) -> StoreResult<Vec<ArticleSummary>> {
        let (sql, key) = match listing {
            Listing::Latest => (
                concat!(
                    "SELECT ",
                    summary_columns!(),
                    " FROM (SELECT id FROM articles WHERE status = 'published' AND kind = 'story' \
                     AND published_at <= $1 \
                     AND $4 = 0 ORDER BY published_at DESC, id DESC LIMIT $2 OFFSET $3) p \
                     JOIN articles a ON a.id = p.id ORDER BY a.published_at DESC, a.id DESC"
                ),
                0i64,
            ),
            Listing::Section(id) => (linked_query!("article_sections", "section_id"), id),
            Listing::Contributor(id) => {
                (linked_query!("article_contributors", "contributor_id"), id)
            }
            Listing::Source(id) => (linked_query!("article_sources", "source_id"), id),
            Listing::Tag(id) => (linked_query!("article_tags", "tag_id"), id),
        };
        let rows: Vec<SummaryRow> = sqlx::query_as(sql)
            .bind(now.as_second())
            .bind(i64::from(page.limit))
            .bind(i64::try_from(page.offset).unwrap_or(i64::MAX))
            .bind(key)
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        self.finish_summaries(rows).await
    }

    /// Loads the bylines of a page of summaries in one query.
    pub(crate) async fn finish_summaries(
        &self,
        rows: Vec<SummaryRow>,
    ) -> StoreResult<Vec<ArticleSummary>> {
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let people: Vec<(i64, String, String)> = sqlx::query_as(
            "SELECT x.article_id, c.slug, c.name FROM article_contributors x \
             JOIN contributors c ON c.id = x.contributor_id \
             WHERE x.article_id = ANY($1) ORDER BY x.article_id, x.position",
        )
        .bind(&ids)
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

    async fn save_many(&self, inputs: &[ArticleInput], now: Timestamp) -> StoreResult<Vec<Saved>> {
        let mut tx = self.write().await?;
        let out = if inputs.len() > 1 {
            crate::batch::save_batch(&mut tx, inputs, now).await?
        } else {
            let mut out = Vec::with_capacity(inputs.len());
            for input in inputs {
                out.push(save_in(&mut tx, input, now).await?);
            }
            out
        };
        if out.len() > CHANGES_PER_BATCH {
            record_change(&mut tx, Change::Everything).await?;
        } else {
            for saved in &out {
                record_change(&mut tx, Change::Article(saved.id)).await?;
            }
        }
        tx.commit().await.map_err(db_err)?;
        Ok(out)
    }
}

#[async_trait]
impl ArticleStore for PgStore {
    async fn save_article(&self, input: &ArticleInput, now: Timestamp) -> StoreResult<Saved> {
        let mut saved = self.save_many(std::slice::from_ref(input), now).await?;
        saved.pop().ok_or(StoreError::NotFound)
    }

    async fn save_articles(
        &self,
        inputs: &[ArticleInput],
        now: Timestamp,
    ) -> StoreResult<Vec<Saved>> {
        self.save_many(inputs, now).await
    }

    async fn article_by_slug(&self, slug: &str, now: Timestamp) -> StoreResult<Article> {
        // One round trip: each list comes back as a JSON array, in order.
        let row: ArticleRow = sqlx::query_as(concat!(
            article_select!(),
            " WHERE a.slug = $1 AND a.status = 'published' AND a.published_at <= $2",
        ))
        .bind(slug)
        .bind(now.as_second())
        .fetch_one(&self.pool)
        .await
        .map_err(db_err)?;
        row.into_article()
    }

    async fn latest_articles(
        &self,
        page: Page,
        now: Timestamp,
    ) -> StoreResult<Vec<ArticleSummary>> {
        self.listing(Listing::Latest, page, now).await
    }

    async fn count_published(&self, now: Timestamp) -> StoreResult<u64> {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM articles WHERE status = 'published' AND published_at <= $1",
        )
        .bind(now.as_second())
        .fetch_one(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(n.max(0) as u64)
    }

    async fn count_listed(
        &self,
        listing: gazette_store::Listing,
        now: Timestamp,
    ) -> StoreResult<u64> {
        use gazette_store::Listing as L;
        let (sql, key) = match listing {
            L::Latest => (
                "SELECT COUNT(*) FROM articles WHERE status = 'published' AND kind = 'story' \
                 AND published_at <= $1 AND $2 = 0",
                0,
            ),
            L::Section(id) => (
                "SELECT COUNT(*) FROM article_sections WHERE section_id = $2 AND published_at <= $1",
                id.0,
            ),
            L::Contributor(id) => (
                "SELECT COUNT(*) FROM article_contributors WHERE contributor_id = $2 AND published_at <= $1",
                id.0,
            ),
            L::Source(id) => (
                "SELECT COUNT(*) FROM article_sources WHERE source_id = $2 AND published_at <= $1",
                id.0,
            ),
            L::Tag(id) => (
                "SELECT COUNT(*) FROM article_tags WHERE tag_id = $2 AND published_at <= $1",
                id.0,
            ),
        };
        let n: i64 = sqlx::query_scalar(sql)
            .bind(now.as_second())
            .bind(key)
            .fetch_one(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(n.max(0) as u64)
    }

    async fn first_published_at(&self, now: Timestamp) -> StoreResult<Option<Timestamp>> {
        let first: Option<i64> = sqlx::query_scalar(
            "SELECT MIN(published_at) FROM articles WHERE status = 'published' AND kind = 'story' \
             AND published_at <= $1",
        )
        .bind(now.as_second())
        .fetch_one(&self.pool)
        .await
        .map_err(db_err)?;
        first.map(rows::ts).transpose()
    }

    async fn summaries(&self, ids: &[ArticleId]) -> StoreResult<Vec<ArticleSummary>> {
        const SQL: &str = concat!(
            "SELECT ",
            summary_columns!(),
            " FROM articles a WHERE a.id = ANY($1)"
        );
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<i64> = ids.iter().map(|i| i.0).collect();
        let rows: Vec<SummaryRow> = sqlx::query_as(SQL)
            .bind(&ids)
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        self.finish_summaries(rows).await
    }

    async fn sections(&self) -> StoreResult<Vec<Section>> {
        let rows: Vec<SectionRow> = sqlx::query_as(
            "WITH RECURSIVE tree(id, depth) AS ( \
               SELECT id, 0 FROM sections WHERE parent_id IS NULL \
               UNION ALL SELECT s.id, t.depth + 1 FROM sections s JOIN tree t ON s.parent_id = t.id \
               WHERE t.depth < 32) \
             SELECT s.id, s.slug, s.name, s.parent_id FROM sections s JOIN tree t ON t.id = s.id \
             ORDER BY t.depth, lower(s.name), s.id",
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
            sqlx::query("UPDATE sections SET parent_id = $2 WHERE id = $1")
                .bind(id)
                .bind(parent_id)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
        }
        let row: SectionRow =
            sqlx::query_as("SELECT id, slug, name, parent_id FROM sections WHERE id = $1")
                .bind(id)
                .fetch_one(&mut *tx)
                .await
                .map_err(db_err)?;
        record_change(&mut tx, Change::Sections).await?;
        tx.commit().await.map_err(db_err)?;
        row.into_section()
    }

    async fn section_by_slug(&self, slug: &str) -> StoreResult<Section> {
        let row: SectionRow =
            sqlx::query_as("SELECT id, slug, name, parent_id FROM sections WHERE slug = $1")
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
        now: Timestamp,
    ) -> StoreResult<Vec<ArticleSummary>> {
        self.listing(Listing::Section(section.id.0), page, now)
            .await
    }

    async fn pinned_articles(&self, now: Timestamp) -> StoreResult<Vec<ArticleSummary>> {
        let rows: Vec<SummaryRow> = sqlx::query_as(concat!(
            "SELECT ",
            summary_columns!(),
            // `pinned = 1` matches the partial index `articles_pinned`,
            // which holds only the pinned rows.
            " FROM articles a WHERE a.pinned = 1 AND a.status = 'published' \
             AND a.kind = 'story' AND a.published_at <= $1 \
             ORDER BY a.published_at DESC, a.id DESC LIMIT $2"
        ))
        .bind(now.as_second())
        .bind(i64::from(MAX_PINNED))
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        self.finish_summaries(rows).await
    }

    async fn tag_by_slug(&self, slug: &str) -> StoreResult<gazette_domain::Tag> {
        let (id, slug, name): (i64, String, String) =
            sqlx::query_as("SELECT id, slug, name FROM tags WHERE slug = $1")
                .bind(slug)
                .fetch_one(&self.pool)
                .await
                .map_err(db_err)?;
        Ok(gazette_domain::Tag {
            id: gazette_domain::TagId(id),
            slug: rows::slug(slug)?,
            name,
        })
    }

    async fn articles_with_tag(
        &self,
        tag: &gazette_domain::Tag,
        page: Page,
        now: Timestamp,
    ) -> StoreResult<Vec<ArticleSummary>> {
        self.listing(Listing::Tag(tag.id.0), page, now).await
    }

    async fn contributor_by_slug(&self, slug: &str) -> StoreResult<Contributor> {
        let (id, slug, name, bio): (i64, String, String, Option<String>) =
            sqlx::query_as("SELECT id, slug, name, bio FROM contributors WHERE slug = $1")
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
        now: Timestamp,
    ) -> StoreResult<Vec<ArticleSummary>> {
        self.listing(Listing::Contributor(contributor.id.0), page, now)
            .await
    }

    async fn source_by_slug(&self, slug: &str) -> StoreResult<Source> {
        let row: SourceRow =
            sqlx::query_as("SELECT id, slug, name, url FROM sources WHERE slug = $1")
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
        now: Timestamp,
    ) -> StoreResult<Vec<ArticleSummary>> {
        self.listing(Listing::Source(source.id.0), page, now).await
    }

    async fn is_withdrawn(&self, slug: &str) -> StoreResult<bool> {
        let found: Option<i64> =
            sqlx::query_scalar("SELECT id FROM articles WHERE slug = $1 AND status = 'withdrawn'")
                .bind(slug)
                .fetch_optional(&self.pool)
                .await
                .map_err(db_err)?;
        Ok(found.is_some())
    }

    async fn is_live(&self, article: ArticleId, now: Timestamp) -> StoreResult<bool> {
        let found: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM articles WHERE id = $1 AND status = 'published' AND published_at <= $2",
        )
        .bind(article.0)
        .bind(now.as_second())
        .fetch_optional(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(found.is_some())
    }

    async fn live_article_ids(&self, now: Timestamp) -> StoreResult<Vec<ArticleId>> {
        let ids: Vec<i64> = sqlx::query_scalar(
            "SELECT id FROM articles WHERE status = 'published' AND published_at <= $1",
        )
        .bind(now.as_second())
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(ids.into_iter().map(ArticleId).collect())
    }

    async fn articles_by_ids(&self, ids: &[ArticleId]) -> StoreResult<Vec<Article>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<i64> = ids.iter().map(|i| i.0).collect();
        let rows: Vec<ArticleRow> =
            sqlx::query_as(concat!(article_select!(), " WHERE a.id = ANY($1)"))
                .bind(&ids)
                .fetch_all(&self.pool)
                .await
                .map_err(db_err)?;
        rows.into_iter().map(ArticleRow::into_article).collect()
    }

    async fn articles_updated_after(
        &self,
        after: Option<UpdateMark>,
        limit: u32,
    ) -> StoreResult<Vec<UpdateMark>> {
        let (at, id) = gazette_store_sql::after_mark(after);
        let rows: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT updated_at, id FROM articles \
             WHERE (updated_at, id) > ($1, $2) ORDER BY updated_at, id LIMIT $3",
        )
        .bind(at)
        .bind(id)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        gazette_store_sql::update_marks(rows)
    }

    async fn articles_published_between(
        &self,
        from: Timestamp,
        to: Timestamp,
        now: Timestamp,
        limit: u32,
    ) -> StoreResult<Vec<ArticleSummary>> {
        let to = gazette_store_sql::published_until(to, now);
        let rows: Vec<SummaryRow> = sqlx::query_as(concat!(
            "SELECT ",
            summary_columns!(),
            " FROM articles a WHERE a.status = 'published' AND a.kind = 'story' \
             AND a.published_at >= $1 AND a.published_at < $2 \
             ORDER BY a.published_at DESC, a.id DESC LIMIT $3"
        ))
        .bind(from.as_second())
        .bind(to.as_second())
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        self.finish_summaries(rows).await
    }

    async fn sitemap_entries(
        &self,
        from: ArticleId,
        to: ArticleId,
        now: Timestamp,
    ) -> StoreResult<Vec<SitemapEntry>> {
        let rows: Vec<(i64, String, i64)> = sqlx::query_as(
            "SELECT id, slug, updated_at FROM articles \
             WHERE id >= $1 AND id < $2 AND status = 'published' AND published_at <= $3 \
             AND canonical_url IS NULL ORDER BY id",
        )
        .bind(from.0)
        .bind(to.0)
        .bind(now.as_second())
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        gazette_store_sql::sitemap_entries(rows)
    }

    async fn last_article_id(&self) -> StoreResult<ArticleId> {
        let id: Option<i64> = sqlx::query_scalar("SELECT MAX(id) FROM articles")
            .fetch_one(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(ArticleId(id.unwrap_or(0)))
    }

    async fn staff_stories(
        &self,
        filter: &StoryFilter,
        page: Page,
    ) -> StoreResult<Vec<StaffStory>> {
        // One fixed statement; an absent filter is a NULL that lets all
        // through. The page's ids come from the `articles_staff_list`
        // index alone (status and headline are in it: no table row is
        // read while filtering), a section checked by its link's key.
        let rows: Vec<StaffStoryRow> = sqlx::query_as(
            "SELECT a.id, a.slug, a.headline, a.status, a.published_at, a.updated_at \
             FROM (SELECT id, updated_at FROM articles \
                   WHERE ($1::text IS NULL OR status = $1) \
                   AND ($2::text IS NULL OR headline ILIKE $2 ESCAPE '\\') \
                   AND ($3::bigint IS NULL OR EXISTS (SELECT 1 FROM article_sections x \
                        WHERE x.article_id = articles.id AND x.section_id = $3)) \
                   AND ($6::bigint IS NULL OR EXISTS (SELECT 1 FROM article_contributors x \
                        WHERE x.article_id = articles.id AND x.contributor_id = $6)) \
                   AND ($7::bigint IS NULL OR EXISTS (SELECT 1 FROM article_sources x \
                        WHERE x.article_id = articles.id AND x.source_id = $7)) \
                   AND ($8::bigint IS NULL OR published_at >= $8) \
                   AND ($9::bigint IS NULL OR published_at < $9) \
                   ORDER BY updated_at DESC, id DESC LIMIT $4 OFFSET $5) page \
             JOIN articles a ON a.id = page.id \
             ORDER BY a.updated_at DESC, a.id DESC",
        )
        .bind(filter.status.map(|s| s.as_str()))
        .bind(filter.text.as_deref().map(rows::like_anywhere))
        .bind(filter.section.map(|s| s.0))
        .bind(i64::from(page.limit))
        .bind(i64::try_from(page.offset).unwrap_or(i64::MAX))
        .bind(filter.contributor.map(|c| c.0))
        .bind(filter.source.map(|s| s.0))
        .bind(filter.published_from.map(|t| t.as_second()))
        .bind(filter.published_until.map(|t| t.as_second()))
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        rows.into_iter().map(StaffStoryRow::into_story).collect()
    }

    async fn neighbours_in_section(
        &self,
        section: SectionId,
        article: ArticleId,
        at: Timestamp,
        now: Timestamp,
    ) -> StoreResult<Neighbours> {
        let previous: Vec<SummaryRow> = sqlx::query_as(concat!(
            "SELECT ",
            summary_columns!(),
            " FROM (SELECT article_id FROM article_sections \
             WHERE section_id = $1 \
             AND (published_at, article_id) < ($2, $3) \
             ORDER BY published_at DESC, article_id DESC LIMIT 1) x \
             JOIN articles a ON a.id = x.article_id"
        ))
        .bind(section.0)
        .bind(at.as_second())
        .bind(article.0)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        let next: Vec<SummaryRow> = sqlx::query_as(concat!(
            "SELECT ",
            summary_columns!(),
            " FROM (SELECT article_id FROM article_sections \
             WHERE section_id = $1 AND published_at <= $4 \
             AND (published_at, article_id) > ($2, $3) \
             ORDER BY published_at, article_id LIMIT 1) x \
             JOIN articles a ON a.id = x.article_id"
        ))
        .bind(section.0)
        .bind(at.as_second())
        .bind(article.0)
        .bind(now.as_second())
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(Neighbours {
            previous: self.finish_summaries(previous).await?.into_iter().next(),
            next: self.finish_summaries(next).await?.into_iter().next(),
        })
    }
}
