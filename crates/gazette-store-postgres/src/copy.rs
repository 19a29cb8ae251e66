//! Whole tables in and out, for `gazette store copy`. Values travel as the
//! SQLite backend writes them: days as `YYYY-MM-DD` text, small integers
//! as BIGINT.

use async_trait::async_trait;
use sqlx::{Row, TypeInfo, ValueRef, postgres::PgRow};

use gazette_store::{
    Change, CopyRow, CopyStore, CopyTable, CopyValue, NewsroomStore, StoreError, StoreResult,
};

use crate::{PgStore, db_err};

fn select_sql(table: CopyTable) -> &'static str {
    match table {
        CopyTable::PostingAccounts => {
            "SELECT id, slug, name FROM posting_accounts ORDER BY id LIMIT $1 OFFSET $2"
        }
        CopyTable::Sections => {
            "WITH RECURSIVE tree(id, depth) AS ( \
               SELECT id, 0 FROM sections WHERE parent_id IS NULL \
               UNION ALL SELECT s.id, t.depth + 1 FROM sections s JOIN tree t ON s.parent_id = t.id \
               WHERE t.depth < 64) \
             SELECT s.id, s.slug, s.name, s.parent_id FROM sections s JOIN tree t ON t.id = s.id \
             ORDER BY t.depth, s.id LIMIT $1 OFFSET $2"
        }
        CopyTable::Contributors => {
            "SELECT id, slug, name, bio FROM contributors ORDER BY id LIMIT $1 OFFSET $2"
        }
        CopyTable::Sources => {
            "SELECT id, slug, name, url FROM sources ORDER BY id LIMIT $1 OFFSET $2"
        }
        CopyTable::Tags => "SELECT id, slug, name FROM tags ORDER BY id LIMIT $1 OFFSET $2",
        CopyTable::Articles => {
            "SELECT id, import_key, slug, headline, standfirst, body_html, language, status, \
             published_at, time_zone, updated_at, posting_account_id, credit, dateline_place, \
             footer, views, comments, legacy_views, legacy_comments \
             FROM articles ORDER BY id LIMIT $1 OFFSET $2"
        }
        CopyTable::ArticleSections => {
            "SELECT article_id, section_id, position::bigint, published_at FROM article_sections \
             ORDER BY article_id, section_id LIMIT $1 OFFSET $2"
        }
        CopyTable::ArticleContributors => {
            "SELECT article_id, contributor_id, position::bigint, published_at FROM article_contributors \
             ORDER BY article_id, contributor_id LIMIT $1 OFFSET $2"
        }
        CopyTable::ArticleSources => {
            "SELECT article_id, source_id, position::bigint, published_at FROM article_sources \
             ORDER BY article_id, source_id LIMIT $1 OFFSET $2"
        }
        CopyTable::ArticleTags => {
            "SELECT article_id, tag_id, position::bigint FROM article_tags \
             ORDER BY article_id, tag_id LIMIT $1 OFFSET $2"
        }
        CopyTable::ArticleRelated => {
            "SELECT article_id, position::bigint, headline FROM article_related \
             ORDER BY article_id, position LIMIT $1 OFFSET $2"
        }
        CopyTable::Comments => {
            "SELECT id, article_id, parent_id, author_name, author_email, body_html, fingerprint, \
             status, created_at FROM comments ORDER BY id LIMIT $1 OFFSET $2"
        }
        CopyTable::DailyViews => {
            "SELECT article_id, to_char(day, 'YYYY-MM-DD'), views FROM article_daily_views \
             ORDER BY article_id, day LIMIT $1 OFFSET $2"
        }
        CopyTable::WeeklyViews => {
            "SELECT week, article_id, published_at, views FROM article_weekly_views \
             ORDER BY week COLLATE \"C\", article_id LIMIT $1 OFFSET $2"
        }
        CopyTable::FrozenWeeks => {
            "SELECT week, frozen_at, frozen_by FROM top_stories_weeks_frozen \
             ORDER BY week COLLATE \"C\" LIMIT $1 OFFSET $2"
        }
        CopyTable::FrozenRankings => {
            "SELECT week, rank::bigint, article_id, views FROM top_stories_frozen \
             ORDER BY week COLLATE \"C\", rank LIMIT $1 OFFSET $2"
        }
        CopyTable::Secrets => {
            "SELECT name, value FROM secrets ORDER BY name COLLATE \"C\" LIMIT $1 OFFSET $2"
        }
    }
}

/// Every parameter is bound as text and cast to its column's type, so that
/// one prepared statement serves rows whatever holds NULL.
fn insert_sql(table: CopyTable) -> &'static str {
    match table {
        CopyTable::PostingAccounts => {
            "INSERT INTO posting_accounts (id, slug, name) VALUES ($1::bigint, $2::text, $3::text)"
        }
        CopyTable::Sections => {
            "INSERT INTO sections (id, slug, name, parent_id) \
             VALUES ($1::bigint, $2::text, $3::text, $4::bigint)"
        }
        CopyTable::Contributors => {
            "INSERT INTO contributors (id, slug, name, bio) \
             VALUES ($1::bigint, $2::text, $3::text, $4::text)"
        }
        CopyTable::Sources => {
            "INSERT INTO sources (id, slug, name, url) VALUES ($1::bigint, $2::text, $3::text, $4::text)"
        }
        CopyTable::Tags => {
            "INSERT INTO tags (id, slug, name) VALUES ($1::bigint, $2::text, $3::text)"
        }
        CopyTable::Articles => {
            "INSERT INTO articles (id, import_key, slug, headline, standfirst, body_html, language, \
             status, published_at, time_zone, updated_at, posting_account_id, credit, \
             dateline_place, footer, views, comments, legacy_views, legacy_comments) \
             VALUES ($1::bigint, $2::text, $3::text, $4::text, $5::text, $6::text, $7::text, \
             $8::text, $9::bigint, $10::text, $11::bigint, $12::bigint, $13::text, $14::text, \
             $15::text, $16::bigint, $17::bigint, $18::bigint, $19::bigint)"
        }
        CopyTable::ArticleSections => {
            "INSERT INTO article_sections (article_id, section_id, position, published_at) \
             VALUES ($1::bigint, $2::bigint, $3::bigint, $4::bigint)"
        }
        CopyTable::ArticleContributors => {
            "INSERT INTO article_contributors (article_id, contributor_id, position, published_at) \
             VALUES ($1::bigint, $2::bigint, $3::bigint, $4::bigint)"
        }
        CopyTable::ArticleSources => {
            "INSERT INTO article_sources (article_id, source_id, position, published_at) \
             VALUES ($1::bigint, $2::bigint, $3::bigint, $4::bigint)"
        }
        CopyTable::ArticleTags => {
            "INSERT INTO article_tags (article_id, tag_id, position) \
             VALUES ($1::bigint, $2::bigint, $3::bigint)"
        }
        CopyTable::ArticleRelated => {
            "INSERT INTO article_related (article_id, position, headline) \
             VALUES ($1::bigint, $2::bigint, $3::text)"
        }
        CopyTable::Comments => {
            "INSERT INTO comments (id, article_id, parent_id, author_name, author_email, body_html, \
             fingerprint, status, created_at) VALUES ($1::bigint, $2::bigint, $3::bigint, $4::text, \
             $5::text, $6::text, $7::text, $8::text, $9::bigint)"
        }
        CopyTable::DailyViews => {
            "INSERT INTO article_daily_views (article_id, day, views) \
             VALUES ($1::bigint, $2::date, $3::bigint)"
        }
        CopyTable::WeeklyViews => {
            "INSERT INTO article_weekly_views (week, article_id, published_at, views) \
             VALUES ($1::text, $2::bigint, $3::bigint, $4::bigint)"
        }
        CopyTable::FrozenWeeks => {
            "INSERT INTO top_stories_weeks_frozen (week, frozen_at, frozen_by) \
             VALUES ($1::text, $2::bigint, $3::text)"
        }
        CopyTable::FrozenRankings => {
            "INSERT INTO top_stories_frozen (week, rank, article_id, views) \
             VALUES ($1::text, $2::bigint, $3::bigint, $4::bigint)"
        }
        CopyTable::Secrets => "INSERT INTO secrets (name, value) VALUES ($1::text, $2::bytea)",
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

fn value(row: &PgRow, i: usize) -> StoreResult<CopyValue> {
    let raw = row.try_get_raw(i).map_err(db_err)?;
    if raw.is_null() {
        return Ok(CopyValue::Null);
    }
    let kind = raw.type_info().name().to_owned();
    Ok(match kind.as_str() {
        "INT8" => CopyValue::Int(row.try_get(i).map_err(db_err)?),
        "BYTEA" => CopyValue::Bytes(row.try_get(i).map_err(db_err)?),
        "TEXT" => CopyValue::Text(row.try_get(i).map_err(db_err)?),
        other => {
            return Err(StoreError::other(std::io::Error::other(format!(
                "column {i} holds a {other}, which a copy cannot carry"
            ))));
        }
    })
}

#[async_trait]
impl CopyStore for PgStore {
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
                q = q.bind(match v {
                    CopyValue::Null => None,
                    CopyValue::Int(n) => Some(n.to_string()),
                    CopyValue::Text(s) => Some(s.clone()),
                    // bytea's hex input form.
                    CopyValue::Bytes(b) => Some(format!(
                        "\\x{}",
                        b.iter().map(|x| format!("{x:02x}")).collect::<String>()
                    )),
                });
            }
            q.execute(&mut *tx).await.map_err(db_err)?;
        }
        tx.commit().await.map_err(db_err)
    }

    async fn copy_finish(&self) -> StoreResult<()> {
        // Ids were given explicitly: move each identity past the largest.
        for sql in [
            "SELECT setval(pg_get_serial_sequence('posting_accounts', 'id'), GREATEST(COALESCE(MAX(id), 0), 1), MAX(id) IS NOT NULL) FROM posting_accounts",
            "SELECT setval(pg_get_serial_sequence('sections', 'id'), GREATEST(COALESCE(MAX(id), 0), 1), MAX(id) IS NOT NULL) FROM sections",
            "SELECT setval(pg_get_serial_sequence('contributors', 'id'), GREATEST(COALESCE(MAX(id), 0), 1), MAX(id) IS NOT NULL) FROM contributors",
            "SELECT setval(pg_get_serial_sequence('sources', 'id'), GREATEST(COALESCE(MAX(id), 0), 1), MAX(id) IS NOT NULL) FROM sources",
            "SELECT setval(pg_get_serial_sequence('tags', 'id'), GREATEST(COALESCE(MAX(id), 0), 1), MAX(id) IS NOT NULL) FROM tags",
            "SELECT setval(pg_get_serial_sequence('articles', 'id'), GREATEST(COALESCE(MAX(id), 0), 1), MAX(id) IS NOT NULL) FROM articles",
            "SELECT setval(pg_get_serial_sequence('comments', 'id'), GREATEST(COALESCE(MAX(id), 0), 1), MAX(id) IS NOT NULL) FROM comments",
        ] {
            sqlx::query(sql).execute(&self.pool).await.map_err(db_err)?;
        }
        self.notify(Change::Everything).await
    }
}
