//! Whole tables in and out, for `gazette store copy`.

use async_trait::async_trait;
use sqlx::{Row, TypeInfo, ValueRef, sqlite::SqliteRow};

use gazette_store::{CopyRow, CopyStore, CopyTable, CopyValue, StoreError, StoreResult};

use crate::{SqliteStore, db_err};

/// The select of a table, in key order (sections parents first).
fn select_sql(table: CopyTable) -> &'static str {
    match table {
        CopyTable::PostingAccounts => {
            "SELECT id, slug, name FROM posting_accounts ORDER BY id LIMIT ?1 OFFSET ?2"
        }
        CopyTable::Sections => {
            "WITH RECURSIVE tree(id, depth) AS ( \
               SELECT id, 0 FROM sections WHERE parent_id IS NULL \
               UNION ALL SELECT s.id, t.depth + 1 FROM sections s JOIN tree t ON s.parent_id = t.id \
               WHERE t.depth < 64) \
             SELECT s.id, s.slug, s.name, s.parent_id FROM sections s JOIN tree t ON t.id = s.id \
             ORDER BY t.depth, s.id LIMIT ?1 OFFSET ?2"
        }
        CopyTable::Contributors => {
            "SELECT id, slug, name, bio FROM contributors ORDER BY id LIMIT ?1 OFFSET ?2"
        }
        CopyTable::Sources => {
            "SELECT id, slug, name, url FROM sources ORDER BY id LIMIT ?1 OFFSET ?2"
        }
        CopyTable::Tags => "SELECT id, slug, name FROM tags ORDER BY id LIMIT ?1 OFFSET ?2",
        CopyTable::Articles => {
            "SELECT id, import_key, slug, headline, standfirst, body_html, language, status, \
             published_at, time_zone, updated_at, posting_account_id, credit, dateline_place, \
             footer, views, comments, legacy_views, legacy_comments \
             FROM articles ORDER BY id LIMIT ?1 OFFSET ?2"
        }
        CopyTable::ArticleSections => {
            "SELECT article_id, section_id, position, published_at FROM article_sections \
             ORDER BY article_id, section_id LIMIT ?1 OFFSET ?2"
        }
        CopyTable::ArticleContributors => {
            "SELECT article_id, contributor_id, position, published_at FROM article_contributors \
             ORDER BY article_id, contributor_id LIMIT ?1 OFFSET ?2"
        }
        CopyTable::ArticleSources => {
            "SELECT article_id, source_id, position, published_at FROM article_sources \
             ORDER BY article_id, source_id LIMIT ?1 OFFSET ?2"
        }
        CopyTable::ArticleTags => {
            "SELECT article_id, tag_id, position FROM article_tags \
             ORDER BY article_id, tag_id LIMIT ?1 OFFSET ?2"
        }
        CopyTable::ArticleRelated => {
            "SELECT article_id, position, headline FROM article_related \
             ORDER BY article_id, position LIMIT ?1 OFFSET ?2"
        }
        CopyTable::Comments => {
            "SELECT id, article_id, parent_id, author_name, author_email, body_html, fingerprint, \
             status, created_at FROM comments ORDER BY id LIMIT ?1 OFFSET ?2"
        }
        CopyTable::DailyViews => {
            "SELECT article_id, day, views FROM article_daily_views \
             ORDER BY article_id, day LIMIT ?1 OFFSET ?2"
        }
        CopyTable::WeeklyViews => {
            "SELECT week, article_id, published_at, views FROM article_weekly_views \
             ORDER BY week, article_id LIMIT ?1 OFFSET ?2"
        }
        CopyTable::FrozenWeeks => {
            "SELECT week, frozen_at, frozen_by FROM top_stories_weeks_frozen \
             ORDER BY week LIMIT ?1 OFFSET ?2"
        }
        CopyTable::FrozenRankings => {
            "SELECT week, rank, article_id, views FROM top_stories_frozen \
             ORDER BY week, rank LIMIT ?1 OFFSET ?2"
        }
        CopyTable::Secrets => "SELECT name, value FROM secrets ORDER BY name LIMIT ?1 OFFSET ?2",
    }
}

fn insert_sql(table: CopyTable) -> &'static str {
    match table {
        CopyTable::PostingAccounts => {
            "INSERT INTO posting_accounts (id, slug, name) VALUES (?1, ?2, ?3)"
        }
        CopyTable::Sections => {
            "INSERT INTO sections (id, slug, name, parent_id) VALUES (?1, ?2, ?3, ?4)"
        }
        CopyTable::Contributors => {
            "INSERT INTO contributors (id, slug, name, bio) VALUES (?1, ?2, ?3, ?4)"
        }
        CopyTable::Sources => "INSERT INTO sources (id, slug, name, url) VALUES (?1, ?2, ?3, ?4)",
        CopyTable::Tags => "INSERT INTO tags (id, slug, name) VALUES (?1, ?2, ?3)",
        CopyTable::Articles => {
            "INSERT INTO articles (id, import_key, slug, headline, standfirst, body_html, language, \
             status, published_at, time_zone, updated_at, posting_account_id, credit, \
             dateline_place, footer, views, comments, legacy_views, legacy_comments) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)"
        }
        CopyTable::ArticleSections => {
            "INSERT INTO article_sections (article_id, section_id, position, published_at) \
             VALUES (?1, ?2, ?3, ?4)"
        }
        CopyTable::ArticleContributors => {
            "INSERT INTO article_contributors (article_id, contributor_id, position, published_at) \
             VALUES (?1, ?2, ?3, ?4)"
        }
        CopyTable::ArticleSources => {
            "INSERT INTO article_sources (article_id, source_id, position, published_at) \
             VALUES (?1, ?2, ?3, ?4)"
        }
        CopyTable::ArticleTags => {
            "INSERT INTO article_tags (article_id, tag_id, position) VALUES (?1, ?2, ?3)"
        }
        CopyTable::ArticleRelated => {
            "INSERT INTO article_related (article_id, position, headline) VALUES (?1, ?2, ?3)"
        }
        CopyTable::Comments => {
            "INSERT INTO comments (id, article_id, parent_id, author_name, author_email, body_html, \
             fingerprint, status, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
        }
        CopyTable::DailyViews => {
            "INSERT INTO article_daily_views (article_id, day, views) VALUES (?1, ?2, ?3)"
        }
        CopyTable::WeeklyViews => {
            "INSERT INTO article_weekly_views (week, article_id, published_at, views) \
             VALUES (?1, ?2, ?3, ?4)"
        }
        CopyTable::FrozenWeeks => {
            "INSERT INTO top_stories_weeks_frozen (week, frozen_at, frozen_by) VALUES (?1, ?2, ?3)"
        }
        CopyTable::FrozenRankings => {
            "INSERT INTO top_stories_frozen (week, rank, article_id, views) VALUES (?1, ?2, ?3, ?4)"
        }
        CopyTable::Secrets => "INSERT INTO secrets (name, value) VALUES (?1, ?2)",
    }
}

fn count_sql(table: CopyTable) -> &'static str {
    match table {
        CopyTable::PostingAccounts => "SELECT COUNT(*) FROM posting_accounts",
        CopyTable::Sections => "SELECT COUNT(*) FROM sections",
        CopyTable::Contributors => "SELECT COUNT(*) FROM contributors",
        CopyTable::Sources => "SELECT COUNT(*) FROM sources",
        CopyTable::Tags => "SELECT COUNT(*) FROM tags",
        CopyTable::Articles => "SELECT COUNT(*) FROM articles",
        CopyTable::ArticleSections => "SELECT COUNT(*) FROM article_sections",
        CopyTable::ArticleContributors => "SELECT COUNT(*) FROM article_contributors",
        CopyTable::ArticleSources => "SELECT COUNT(*) FROM article_sources",
        CopyTable::ArticleTags => "SELECT COUNT(*) FROM article_tags",
        CopyTable::ArticleRelated => "SELECT COUNT(*) FROM article_related",
        CopyTable::Comments => "SELECT COUNT(*) FROM comments",
        CopyTable::DailyViews => "SELECT COUNT(*) FROM article_daily_views",
        CopyTable::WeeklyViews => "SELECT COUNT(*) FROM article_weekly_views",
        CopyTable::FrozenWeeks => "SELECT COUNT(*) FROM top_stories_weeks_frozen",
        CopyTable::FrozenRankings => "SELECT COUNT(*) FROM top_stories_frozen",
        CopyTable::Secrets => "SELECT COUNT(*) FROM secrets",
    }
}

/// A column's value by its SQLite storage class.
fn value(row: &SqliteRow, i: usize) -> StoreResult<CopyValue> {
    let raw = row.try_get_raw(i).map_err(db_err)?;
    if raw.is_null() {
        return Ok(CopyValue::Null);
    }
    let kind = raw.type_info().name().to_owned();
    Ok(match kind.as_str() {
        "INTEGER" => CopyValue::Int(row.try_get(i).map_err(db_err)?),
        "BLOB" => CopyValue::Bytes(row.try_get(i).map_err(db_err)?),
        "TEXT" => CopyValue::Text(row.try_get(i).map_err(db_err)?),
        other => {
            return Err(StoreError::other(std::io::Error::other(format!(
                "column {i} holds a {other}, which a copy cannot carry"
            ))));
        }
    })
}

#[async_trait]
impl CopyStore for SqliteStore {
    async fn copy_count(&self, table: CopyTable) -> StoreResult<u64> {
        let n: i64 = sqlx::query_scalar(count_sql(table))
            .fetch_one(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(n.max(0) as u64)
    }

    async fn copy_out(
        &self,
        table: CopyTable,
        offset: u64,
        limit: u32,
    ) -> StoreResult<Vec<CopyRow>> {
        let rows = sqlx::query(select_sql(table))
            .bind(i64::from(limit))
            .bind(i64::try_from(offset).unwrap_or(i64::MAX))
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        let width = table.columns().len();
        rows.iter()
            .map(|r| (0..width).map(|i| value(r, i)).collect())
            .collect()
    }

    async fn copy_in(&self, table: CopyTable, rows: &[CopyRow]) -> StoreResult<()> {
        let mut tx = self.write().await?;
        for row in rows {
            let mut q = sqlx::query(insert_sql(table));
            for v in row {
                q = match v {
                    CopyValue::Null => q.bind(None::<i64>),
                    CopyValue::Int(n) => q.bind(*n),
                    CopyValue::Text(s) => q.bind(s.clone()),
                    CopyValue::Bytes(b) => q.bind(b.clone()),
                };
            }
            q.execute(&mut *tx).await.map_err(db_err)?;
        }
        tx.commit().await.map_err(db_err)
    }

    async fn copy_finish(&self) -> StoreResult<()> {
        // INTEGER PRIMARY KEY ids continue after the largest one by
        // themselves; readers of the new rows must only hear of them.
        gazette_store::NewsroomStore::notify(self, gazette_store::Change::Everything).await
    }
}
