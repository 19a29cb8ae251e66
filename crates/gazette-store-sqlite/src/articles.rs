//! Articles, listings, and the names they are filed under.

use async_trait::async_trait;
use jiff::Timestamp;

use gazette_domain::{
    Article, ArticleId, ArticleInput, ArticleSummary, Contributor, Section, SectionId, Slug,
    Source, SourceInput,
};
use gazette_store::{
    ArticleStore, Change, MAX_PINNED, Neighbours, Page, Saved, SitemapEntry, StaffStory,
    StoreError, StoreResult, StoryFilter, StoryPage, UpdateMark,
};

use gazette_store_sql::rows::{
    self, ArticleRow, NamedRow, SectionRow, SourceRow, StaffStoryRow, SummaryRow,
};

use rusqlite::{Connection, OptionalExtension, Transaction};

use crate::{SqliteStore, db_err, json_ids, record_change_sync, workers::sql_err};

/// Batches larger than this record one `Change::Everything` instead of a
/// change per article.
const CHANGES_PER_BATCH: usize = 50;

#[derive(Clone, Copy)]
enum NamedTable {
    PostingAccounts,
    Sections,
    Contributors,
    Tags,
}

/// Runs a prepared (cached) statement in the write transaction.
fn exec(tx: &Transaction<'_>, sql: &str, params: impl rusqlite::Params) -> StoreResult<usize> {
    tx.prepare_cached(sql)
        .and_then(|mut stmt| stmt.execute(params))
        .map_err(sql_err)
}

/// Finds or creates the row with `name`'s slug in one of the simple name
/// tables and returns its id. The first spelling of a name is kept.
fn ensure_named(tx: &Transaction<'_>, table: NamedTable, name: &str) -> StoreResult<i64> {
    let slug = Slug::from_text(name)?;
    let sql = match table {
        NamedTable::PostingAccounts => {
            "INSERT INTO posting_accounts (slug, name) VALUES (?1, ?2) \
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
        NamedTable::Tags => {
            "INSERT INTO tags (slug, name) VALUES (?1, ?2) \
             ON CONFLICT (slug) DO UPDATE SET slug = excluded.slug RETURNING id"
        }
    };
    tx.prepare_cached(sql)
        .and_then(|mut stmt| stmt.query_row((slug.as_str(), name.trim()), |r| r.get(0)))
        .map_err(sql_err)
}

/// Finds or creates a source; a site given now fills one not known before.
fn ensure_source(tx: &Transaction<'_>, source: &SourceInput) -> StoreResult<i64> {
    let slug = Slug::from_text(&source.name)?;
    tx.prepare_cached(
        "INSERT INTO sources (slug, name, url) VALUES (?1, ?2, ?3) \
         ON CONFLICT (slug) DO UPDATE SET url = COALESCE(sources.url, excluded.url) RETURNING id",
    )
    .and_then(|mut stmt| {
        stmt.query_row(
            (slug.as_str(), source.name.trim(), source.url.as_deref()),
            |r| r.get(0),
        )
    })
    .map_err(sql_err)
}

/// The first free slug among `base`, `base-2`, `base-3`, ...: one range
/// scan of the slug index, however many stories share a headline. Writers
/// are serialized by `BEGIN IMMEDIATE`, so no other writer can take the
/// slug before this transaction commits.
fn free_slug(tx: &Transaction<'_>, base: &Slug) -> StoreResult<Slug> {
    // Every slug that is `base` or starts with `base-` sorts in
    // [base, base + '.'), since '.' follows '-' in SQLite's byte order.
    let taken: Vec<String> = tx
        .prepare_cached("SELECT slug FROM articles WHERE slug >= ?1 AND slug < ?1 || '.'")
        .and_then(|mut stmt| stmt.query_map([base.as_str()], |r| r.get(0))?.collect())
        .map_err(sql_err)?;
    Ok(gazette_store_sql::first_free_slug(base, &taken))
}

/// Saves one article inside `tx`: see [`ArticleStore::save_article`].
pub(crate) fn save_in(
    tx: &Transaction<'_>,
    input: &ArticleInput,
    now: Timestamp,
) -> StoreResult<Saved> {
    input.validate()?;
    let legacy_views = i64::try_from(input.legacy_views).map_err(|_| too_big("legacy views"))?;
    let legacy_comments =
        i64::try_from(input.legacy_comments).map_err(|_| too_big("legacy comments"))?;

    let existing: Option<(i64, String)> = match &input.import_key {
        Some(key) => tx
            .prepare_cached("SELECT id, slug FROM articles WHERE import_key = ?1")
            .and_then(|mut stmt| {
                stmt.query_row([key], |r| Ok((r.get(0)?, r.get(1)?)))
                    .optional()
            })
            .map_err(sql_err)?,
        None => None,
    };
    let account_id = match &input.posting_account {
        Some(name) => Some(ensure_named(tx, NamedTable::PostingAccounts, name)?),
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

    let (id, slug, created) = match existing {
        Some((id, slug)) => {
            exec(
                tx,
                "UPDATE articles SET headline = ?2, standfirst = ?3, \
                 language = ?4, status = ?5, published_at = ?6, time_zone = ?7, \
                 updated_at = ?8, posting_account_id = ?9, credit = ?10, dateline_place = ?11, \
                 footer = ?12, legacy_views = ?13, legacy_comments = ?14, kind = ?15, \
                 pinned = ?16, canonical_url = ?17 WHERE id = ?1",
                rusqlite::params![
                    id,
                    input.headline.trim(),
                    input.standfirst,
                    input.language,
                    input.status.as_str(),
                    published_at,
                    time_zone,
                    now.as_second(),
                    account_id,
                    input.credit,
                    input.dateline_place,
                    input.footer,
                    legacy_views,
                    legacy_comments,
                    input.kind.as_str(),
                    i64::from(input.pinned),
                    input.canonical_url,
                ],
            )?;
            exec(
                tx,
                "UPDATE article_weekly_views SET published_at = ?2 WHERE article_id = ?1",
                (id, published_at.unwrap_or(0)),
            )?;
            for sql in [
                "DELETE FROM article_sections WHERE article_id = ?1",
                "DELETE FROM article_contributors WHERE article_id = ?1",
                "DELETE FROM article_sources WHERE article_id = ?1",
                "DELETE FROM article_tags WHERE article_id = ?1",
                "DELETE FROM article_related WHERE article_id = ?1",
            ] {
                exec(tx, sql, [id])?;
            }
            (id, rows::slug(slug)?, false)
        }
        None => {
            let base = match &input.slug {
                Some(s) => s.clone(),
                None => Slug::from_text(&input.headline)?,
            };
            let slug = free_slug(tx, &base)?;
            let id: i64 = tx
                .prepare_cached(
                    "INSERT INTO articles (import_key, slug, headline, standfirst, \
                     language, status, published_at, time_zone, updated_at, posting_account_id, \
                     credit, dateline_place, footer, legacy_views, legacy_comments, kind, pinned, canonical_url) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18) \
                     RETURNING id",
                )
                .and_then(|mut stmt| {
                    stmt.query_row(
                        rusqlite::params![
                            input.import_key,
                            slug.as_str(),
                            input.headline.trim(),
                            input.standfirst,
                            input.language,
                            input.status.as_str(),
                            published_at,
                            time_zone,
                            now.as_second(),
                            account_id,
                            input.credit,
                            input.dateline_place,
                            input.footer,
                            legacy_views,
                            legacy_comments,
                            input.kind.as_str(),
                            i64::from(input.pinned),
                            input.canonical_url,
                        ],
                        |r| r.get(0),
                    )
                })
                .map_err(sql_err)?;
            (id, slug, true)
        }
    };

    exec(
        tx,
        "INSERT INTO article_bodies (article_id, body_html) VALUES (?1, ?2) \
         ON CONFLICT (article_id) DO UPDATE SET body_html = excluded.body_html",
        (id, &input.body_html),
    )?;

    let when = gazette_store_sql::listed_at(input.status, input.kind, published_at);
    for (position, name) in input.sections.iter().enumerate() {
        let link = ensure_named(tx, NamedTable::Sections, name)?;
        exec(
            tx,
            "INSERT OR IGNORE INTO article_sections (article_id, section_id, position, published_at) \
             VALUES (?1, ?2, ?3, ?4)",
            (id, link, position as i64, when),
        )?;
    }
    for (position, name) in input.contributors.iter().enumerate() {
        let link = ensure_named(tx, NamedTable::Contributors, name)?;
        exec(
            tx,
            "INSERT OR IGNORE INTO article_contributors \
             (article_id, contributor_id, position, published_at) VALUES (?1, ?2, ?3, ?4)",
            (id, link, position as i64, when),
        )?;
    }
    for (position, source) in input.sources.iter().enumerate() {
        let link = ensure_source(tx, source)?;
        exec(
            tx,
            "INSERT OR IGNORE INTO article_sources (article_id, source_id, position, published_at) \
             VALUES (?1, ?2, ?3, ?4)",
            (id, link, position as i64, when),
        )?;
    }
    for (position, name) in input.tags.iter().enumerate() {
        let link = ensure_named(tx, NamedTable::Tags, name)?;
        exec(
            tx,
            "INSERT OR IGNORE INTO article_tags (article_id, tag_id, position, published_at) \
             VALUES (?1, ?2, ?3, ?4)",
            (id, link, position as i64, when),
        )?;
    }
    for (position, headline) in input.related_headlines.iter().enumerate() {
        exec(
            tx,
            "INSERT INTO article_related (article_id, position, headline) VALUES (?1, ?2, ?3)",
            (id, position as i64, headline),
        )?;
    }
    Ok(Saved {
        id: ArticleId(id),
        slug,
        created,
    })
}

fn too_big(what: &'static str) -> StoreError {
    StoreError::Invalid(gazette_domain::DomainError::Invalid {
        what,
        value: "a number above 9223372036854775807".into(),
        why: "counts that large cannot be stored".into(),
    })
}

/// Summaries from `sql` (which selects `summary_columns!()`), bylines
/// included: two statements on one reader connection.
fn summaries_where(
    conn: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
) -> StoreResult<Vec<ArticleSummary>> {
    let rows = conn
        .prepare_cached(sql)
        .and_then(|mut stmt| {
            stmt.query_map(params, SummaryRow::from_rusqlite)?
                .collect::<Result<Vec<_>, _>>()
        })
        .map_err(sql_err)?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids = json_ids(rows.iter().map(|r| r.id));
    let people: Vec<(i64, String, String)> = conn
        .prepare_cached(
            "SELECT x.article_id, c.slug, c.name FROM article_contributors x \
             JOIN contributors c ON c.id = x.contributor_id \
             WHERE x.article_id IN (SELECT value FROM json_each(?1)) \
             ORDER BY x.article_id, x.position",
        )
        .and_then(|mut stmt| {
            stmt.query_map([ids], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                .collect()
        })
        .map_err(sql_err)?;
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

/// One value from a statement returning one row.
fn one<T: rusqlite::types::FromSql>(
    conn: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
) -> StoreResult<T> {
    conn.prepare_cached(sql)
        .and_then(|mut stmt| stmt.query_row(params, |r| r.get(0)))
        .map_err(sql_err)
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
           WHERE x.article_id = a.id ORDER BY x.position LIMIT 1) AS section_name, \
         a.canonical_url"
    };
}

/// A listing through a link table (`$table`, keyed by `$key` = `?4`): the
/// `(key, published_at DESC)` index gives the page in order.
macro_rules! linked_query {
    ($table:literal, $key:literal) => {
        concat!(
            "SELECT ",
            summary_columns!(),
            " FROM (SELECT article_id, published_at FROM ",
            $table,
            " WHERE ",
            $key,
            " = ?4 AND published_at <= ?1 \
             ORDER BY published_at DESC, article_id DESC LIMIT ?2 OFFSET ?3) x \
             JOIN articles a ON a.id = x.article_id \
             ORDER BY x.published_at DESC, x.article_id DESC"
        )
    };
}

/// The columns of a whole [`Article`] with its relations (each list as a
/// JSON array, in order), up to the `WHERE`. A macro so that each query
/// stays one static string.
macro_rules! article_select {
    () => {
                    "SELECT a.*, b.body_html, ac.slug AS account_slug, ac.name AS account_name, \
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
                     FROM articles a JOIN article_bodies b ON b.article_id = a.id \
                     LEFT JOIN posting_accounts ac ON ac.id = a.posting_account_id"
    };
}

/// Which listing a summary query is for. Each variant maps to a fixed SQL
/// filter; user input only ever arrives as bound parameters.
#[derive(Clone, Copy)]
enum Listing {
    Latest,
    Section(i64),
    Contributor(i64),
    Source(i64),
    Tag(i64),
}

impl SqliteStore {
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
                     AND published_at <= ?1 \
                     AND ?4 = 0 ORDER BY published_at DESC, id DESC LIMIT ?2 OFFSET ?3) p \
                     JOIN articles a ON a.id = p.id ORDER BY a.published_at DESC, a.id DESC"
                ),
                0,
            ),
            Listing::Section(id) => (linked_query!("article_sections", "section_id"), id),
            Listing::Contributor(id) => {
                (linked_query!("article_contributors", "contributor_id"), id)
            }
            Listing::Source(id) => (linked_query!("article_sources", "source_id"), id),
            Listing::Tag(id) => (linked_query!("article_tags", "tag_id"), id),
        };
        let params = (
            now.as_second(),
            i64::from(page.limit),
            i64::try_from(page.offset).unwrap_or(i64::MAX),
            key,
        );
        self.readers
            .read(move |conn| summaries_where(conn, sql, params))
            .await
    }

    async fn save_many(&self, inputs: &[ArticleInput], now: Timestamp) -> StoreResult<Vec<Saved>> {
        let inputs = inputs.to_vec();
        self.writer
            .write(move |tx| {
                let mut out = Vec::with_capacity(inputs.len());
                for input in &inputs {
                    out.push(save_in(tx, input, now)?);
                }
                if out.len() > CHANGES_PER_BATCH {
                    record_change_sync(tx, Change::Everything)?;
                } else {
                    for saved in &out {
                        record_change_sync(tx, Change::Article(saved.id))?;
                    }
                }
                Ok(out)
            })
            .await
    }
}

#[async_trait]
impl ArticleStore for SqliteStore {
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
        let slug = slug.to_owned();
        self.readers
            .read(move |conn| live_article_by_slug(conn, &slug, now))
            .await
    }

    async fn latest_articles(
        &self,
        page: Page,
        now: Timestamp,
    ) -> StoreResult<Vec<ArticleSummary>> {
        self.listing(Listing::Latest, page, now).await
    }

    async fn count_published(&self, now: Timestamp) -> StoreResult<u64> {
        let n: i64 = self
            .readers
            .read(move |conn| {
                one(
                    conn,
                    "SELECT COUNT(*) FROM articles WHERE status = 'published' AND published_at <= ?1",
                    [now.as_second()],
                )
            })
            .await?;
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
                 AND published_at <= ?1 AND ?2 = 0",
                0,
            ),
            L::Section(id) => (
                "SELECT COUNT(*) FROM article_sections WHERE section_id = ?2 AND published_at <= ?1",
                id.0,
            ),
            L::Contributor(id) => (
                "SELECT COUNT(*) FROM article_contributors WHERE contributor_id = ?2 AND published_at <= ?1",
                id.0,
            ),
            L::Source(id) => (
                "SELECT COUNT(*) FROM article_sources WHERE source_id = ?2 AND published_at <= ?1",
                id.0,
            ),
            L::Tag(id) => (
                "SELECT COUNT(*) FROM article_tags WHERE tag_id = ?2 AND published_at <= ?1",
                id.0,
            ),
        };
        let n: i64 = self
            .readers
            .read(move |conn| one(conn, sql, (now.as_second(), key)))
            .await?;
        Ok(n.max(0) as u64)
    }

    async fn first_published_at(&self, now: Timestamp) -> StoreResult<Option<Timestamp>> {
        let first: Option<i64> = self
            .readers
            .read(move |conn| {
                one(
                    conn,
                    "SELECT MIN(published_at) FROM articles \
                     WHERE status = 'published' AND kind = 'story' AND published_at <= ?1",
                    [now.as_second()],
                )
            })
            .await?;
        first.map(rows::ts).transpose()
    }

    async fn summaries(&self, ids: &[ArticleId]) -> StoreResult<Vec<ArticleSummary>> {
        const SQL: &str = concat!(
            "SELECT ",
            summary_columns!(),
            " FROM articles a WHERE a.id IN (SELECT value FROM json_each(?1))"
        );
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let ids = json_ids(ids.iter().map(|i| i.0));
        self.readers
            .read(move |conn| summaries_where(conn, SQL, [ids]))
            .await
    }

    async fn sections(&self) -> StoreResult<Vec<Section>> {
        // Parents before children: by depth, then by name.
        let rows = self
            .readers
            .read(|conn| {
                conn.prepare_cached(
                    "WITH RECURSIVE tree(id, depth) AS ( \
                       SELECT id, 0 FROM sections WHERE parent_id IS NULL \
                       UNION ALL SELECT s.id, t.depth + 1 FROM sections s JOIN tree t ON s.parent_id = t.id \
                       WHERE t.depth < 32) \
                     SELECT s.id, s.slug, s.name, s.parent_id FROM sections s JOIN tree t ON t.id = s.id \
                     ORDER BY t.depth, s.name COLLATE NOCASE",
                )
                .and_then(|mut stmt| {
                    stmt.query_map([], SectionRow::from_rusqlite)?
                        .collect::<Result<Vec<_>, _>>()
                })
                .map_err(sql_err)
            })
            .await?;
        rows.into_iter().map(SectionRow::into_section).collect()
    }

    async fn ensure_section(&self, name: &str, parent: Option<&str>) -> StoreResult<Section> {
        let name = name.to_owned();
        let parent = parent.map(str::to_owned);
        let row = self
            .writer
            .write(move |tx| {
                let parent_id = match &parent {
                    Some(p) => Some(ensure_named(tx, NamedTable::Sections, p)?),
                    None => None,
                };
                let id = ensure_named(tx, NamedTable::Sections, &name)?;
                if parent_id.is_some() && parent_id != Some(id) {
                    exec(
                        tx,
                        "UPDATE sections SET parent_id = ?2 WHERE id = ?1",
                        (id, parent_id),
                    )?;
                }
                let row = tx
                    .prepare_cached("SELECT id, slug, name, parent_id FROM sections WHERE id = ?1")
                    .and_then(|mut stmt| stmt.query_row([id], SectionRow::from_rusqlite))
                    .map_err(sql_err)?;
                record_change_sync(tx, Change::Sections)?;
                Ok(row)
            })
            .await?;
        row.into_section()
    }

    async fn section_by_slug(&self, slug: &str) -> StoreResult<Section> {
        let slug = slug.to_owned();
        let row = self
            .readers
            .read(move |conn| {
                conn.prepare_cached(
                    "SELECT id, slug, name, parent_id FROM sections WHERE slug = ?1",
                )
                .and_then(|mut stmt| stmt.query_row([slug], SectionRow::from_rusqlite))
                .map_err(sql_err)
            })
            .await?;
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
        self.readers
            .read(move |conn| {
                summaries_where(
                    conn,
                    concat!(
                        "SELECT ",
                        summary_columns!(),
                        // The few pinned rows first, by their own index: left
                        // to itself the planner walks every published story
                        // in the front page's index looking for them.
                        " FROM articles a INDEXED BY articles_pinned WHERE a.pinned = 1 \
                         AND a.status = 'published' AND a.kind = 'story' AND a.published_at <= ?1 \
                         ORDER BY a.published_at DESC, a.id DESC LIMIT ?2"
                    ),
                    (now.as_second(), i64::from(MAX_PINNED)),
                )
            })
            .await
    }

    async fn tag_by_slug(&self, slug: &str) -> StoreResult<gazette_domain::Tag> {
        let slug = slug.to_owned();
        let (id, slug, name): (i64, String, String) = self
            .readers
            .read(move |conn| {
                conn.prepare_cached("SELECT id, slug, name FROM tags WHERE slug = ?1")
                    .and_then(|mut stmt| {
                        stmt.query_row([slug], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                    })
                    .map_err(sql_err)
            })
            .await?;
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
        let slug = slug.to_owned();
        let (id, slug, name, bio): (i64, String, String, Option<String>) = self
            .readers
            .read(move |conn| {
                conn.prepare_cached("SELECT id, slug, name, bio FROM contributors WHERE slug = ?1")
                    .and_then(|mut stmt| {
                        stmt.query_row([slug], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
                    })
                    .map_err(sql_err)
            })
            .await?;
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
        let slug = slug.to_owned();
        let row = self
            .readers
            .read(move |conn| {
                conn.prepare_cached("SELECT id, slug, name, url FROM sources WHERE slug = ?1")
                    .and_then(|mut stmt| stmt.query_row([slug], SourceRow::from_rusqlite))
                    .map_err(sql_err)
            })
            .await?;
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
        let slug = slug.to_owned();
        self.readers
            .read(move |conn| {
                conn.prepare_cached(
                    "SELECT 1 FROM articles WHERE slug = ?1 AND status = 'withdrawn'",
                )
                .and_then(|mut stmt| stmt.exists([slug]))
                .map_err(sql_err)
            })
            .await
    }

    async fn is_live(&self, article: ArticleId, now: Timestamp) -> StoreResult<bool> {
        self.readers
            .read(move |conn| {
                conn.prepare_cached(
                    "SELECT 1 FROM articles \
                     WHERE id = ?1 AND status = 'published' AND published_at <= ?2",
                )
                .and_then(|mut stmt| stmt.exists((article.0, now.as_second())))
                .map_err(sql_err)
            })
            .await
    }

    async fn live_article_ids(&self, now: Timestamp) -> StoreResult<Vec<ArticleId>> {
        self.readers
            .read(move |conn| {
                conn.prepare_cached(
                    "SELECT id FROM articles WHERE status = 'published' AND published_at <= ?1",
                )
                .and_then(|mut stmt| {
                    stmt.query_map([now.as_second()], |r| r.get(0).map(ArticleId))?
                        .collect()
                })
                .map_err(sql_err)
            })
            .await
    }

    async fn articles_by_ids(&self, ids: &[ArticleId]) -> StoreResult<Vec<Article>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let ids = json_ids(ids.iter().map(|i| i.0));
        let rows = self
            .readers
            .read(move |conn| {
                conn.prepare_cached(concat!(
                    article_select!(),
                    " WHERE a.id IN (SELECT value FROM json_each(?1))"
                ))
                .and_then(|mut stmt| {
                    stmt.query_map([ids], ArticleRow::from_rusqlite)?
                        .collect::<Result<Vec<_>, _>>()
                })
                .map_err(sql_err)
            })
            .await?;
        rows.into_iter().map(ArticleRow::into_article).collect()
    }

    async fn articles_updated_after(
        &self,
        after: Option<UpdateMark>,
        limit: u32,
    ) -> StoreResult<Vec<UpdateMark>> {
        let (at, id) = gazette_store_sql::after_mark(after);
        let rows: Vec<(i64, i64)> = self
            .readers
            .read(move |conn| {
                conn.prepare_cached(
                    "SELECT updated_at, id FROM articles \
                     WHERE (updated_at, id) > (?1, ?2) ORDER BY updated_at, id LIMIT ?3",
                )
                .and_then(|mut stmt| {
                    stmt.query_map((at, id, i64::from(limit)), |r| Ok((r.get(0)?, r.get(1)?)))?
                        .collect()
                })
                .map_err(sql_err)
            })
            .await?;
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
        self.readers
            .read(move |conn| {
                summaries_where(
                    conn,
                    concat!(
                        "SELECT ",
                        summary_columns!(),
                        " FROM articles a WHERE a.status = 'published' AND a.kind = 'story' \
                         AND a.published_at >= ?1 AND a.published_at < ?2 \
                         ORDER BY a.published_at DESC, a.id DESC LIMIT ?3"
                    ),
                    (from.as_second(), to.as_second(), i64::from(limit)),
                )
            })
            .await
    }

    async fn sitemap_entries(
        &self,
        from: ArticleId,
        to: ArticleId,
        now: Timestamp,
    ) -> StoreResult<Vec<SitemapEntry>> {
        let rows: Vec<(i64, String, i64)> = self
            .readers
            .read(move |conn| {
                conn.prepare_cached(
                    "SELECT id, slug, updated_at FROM articles \
                     WHERE id >= ?1 AND id < ?2 AND status = 'published' AND published_at <= ?3 \
                     AND canonical_url IS NULL ORDER BY id",
                )
                .and_then(|mut stmt| {
                    stmt.query_map((from.0, to.0, now.as_second()), |r| {
                        Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                    })?
                    .collect()
                })
                .map_err(sql_err)
            })
            .await?;
        gazette_store_sql::sitemap_entries(rows)
    }

    async fn last_article_id(&self) -> StoreResult<ArticleId> {
        let id: Option<i64> = self
            .readers
            .read(|conn| one(conn, "SELECT MAX(id) FROM articles", []))
            .await?;
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
                   WHERE (?1 IS NULL OR status = ?1) \
                   AND (?2 IS NULL OR headline LIKE ?2 ESCAPE '\\') \
                   AND (?3 IS NULL OR EXISTS (SELECT 1 FROM article_sections x \
                        WHERE x.article_id = articles.id AND x.section_id = ?3)) \
                   AND (?6 IS NULL OR EXISTS (SELECT 1 FROM article_contributors x \
                        WHERE x.article_id = articles.id AND x.contributor_id = ?6)) \
                   AND (?7 IS NULL OR EXISTS (SELECT 1 FROM article_sources x \
                        WHERE x.article_id = articles.id AND x.source_id = ?7)) \
                   AND (?8 IS NULL OR published_at >= ?8) \
                   AND (?9 IS NULL OR published_at < ?9) \
                   ORDER BY updated_at DESC, id DESC LIMIT ?4 OFFSET ?5) page \
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
        self.readers
            .read(move |conn| neighbours_in_section(conn, section, article, at, now))
            .await
    }
}

/// The live story at `slug`. One statement: each list comes back as a JSON
/// array, in order.
fn live_article_by_slug(conn: &Connection, slug: &str, now: Timestamp) -> StoreResult<Article> {
    conn.prepare_cached(concat!(
        article_select!(),
        " WHERE a.slug = ?1 AND a.status = 'published' AND a.published_at <= ?2",
    ))
    .and_then(|mut stmt| stmt.query_row((slug, now.as_second()), ArticleRow::from_rusqlite))
    .map_err(sql_err)?
    .into_article()
}

/// The live stories just before and after `article` in `section`.
fn neighbours_in_section(
    conn: &Connection,
    section: SectionId,
    article: ArticleId,
    at: Timestamp,
    now: Timestamp,
) -> StoreResult<Neighbours> {
    let params = (section.0, at.as_second(), article.0, now.as_second());
    let previous = summaries_where(
        conn,
        concat!(
            "SELECT ",
            summary_columns!(),
            " FROM (SELECT article_id FROM article_sections \
             WHERE section_id = ?1 AND ?4 = ?4 \
             AND (published_at, article_id) < (?2, ?3) \
             ORDER BY published_at DESC, article_id DESC LIMIT 1) x \
             JOIN articles a ON a.id = x.article_id"
        ),
        params,
    )?;
    let next = summaries_where(
        conn,
        concat!(
            "SELECT ",
            summary_columns!(),
            " FROM (SELECT article_id FROM article_sections \
             WHERE section_id = ?1 AND published_at <= ?4 \
             AND (published_at, article_id) > (?2, ?3) \
             ORDER BY published_at, article_id LIMIT 1) x \
             JOIN articles a ON a.id = x.article_id"
        ),
        params,
    )?;
    Ok(Neighbours {
        previous: previous.into_iter().next(),
        next: next.into_iter().next(),
    })
}

/// [`gazette_store::Store::story_page`] in one job on one reader
/// connection: one hand-off between threads instead of three.
pub(crate) fn story_page(conn: &Connection, slug: &str, now: Timestamp) -> StoreResult<StoryPage> {
    let article = live_article_by_slug(conn, slug, now)?;
    let comments = crate::comments::approved_comments(conn, article.id)?;
    let neighbours = match (article.sections.first(), &article.published_at) {
        (Some(s), Some(at)) => neighbours_in_section(conn, s.id, article.id, at.timestamp(), now)?,
        _ => Neighbours::default(),
    };
    Ok(StoryPage {
        article,
        comments,
        neighbours,
    })
}
