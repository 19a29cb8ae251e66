//! Whole tables in and out, for `gazette store copy`. Values travel as the
//! SQLite backend writes them: days as `YYYY-MM-DD` text, small integers
//! as BIGINT.

use async_trait::async_trait;
use sqlx::{Row, TypeInfo, ValueRef, postgres::PgRow};

use gazette_store::{
    Change, CopyRow, CopyStore, CopyTable, CopyValue, NewsroomStore, StoreError, StoreResult,
};

use crate::{PgStore, db_err};

/// Every section, parents before children (a parent may have the higher id).
const SECTIONS: &str = "WITH RECURSIVE tree(id, depth) AS ( \
       SELECT id, 0 FROM sections WHERE parent_id IS NULL \
       UNION ALL SELECT s.id, t.depth + 1 FROM sections s JOIN tree t ON s.parent_id = t.id \
       WHERE t.depth < 64) \
     SELECT s.id, s.slug, s.name, s.parent_id FROM sections s JOIN tree t ON t.id = s.id \
     ORDER BY t.depth, s.id";

/// The first page of a table, in key order.
fn first_sql(table: CopyTable) -> &'static str {
    match table {
        CopyTable::PostingAccounts => {
            "SELECT id, slug, name FROM posting_accounts ORDER BY id LIMIT $1"
        }
        CopyTable::Contributors => {
            "SELECT id, slug, name, bio FROM contributors ORDER BY id LIMIT $1"
        }
        CopyTable::Sources => "SELECT id, slug, name, url FROM sources ORDER BY id LIMIT $1",
        CopyTable::Tags => "SELECT id, slug, name FROM tags ORDER BY id LIMIT $1",
        CopyTable::Articles => {
            "SELECT id, import_key, slug, headline, standfirst, body_html, language, status, published_at, time_zone, updated_at, posting_account_id, credit, dateline_place, footer, views, comments, legacy_views, legacy_comments, kind, pinned, canonical_url FROM articles ORDER BY id LIMIT $1"
        }
        CopyTable::ArticleSections => {
            "SELECT article_id, section_id, position::bigint, published_at FROM article_sections ORDER BY article_id, section_id LIMIT $1"
        }
        CopyTable::ArticleContributors => {
            "SELECT article_id, contributor_id, position::bigint, published_at FROM article_contributors ORDER BY article_id, contributor_id LIMIT $1"
        }
        CopyTable::ArticleSources => {
            "SELECT article_id, source_id, position::bigint, published_at FROM article_sources ORDER BY article_id, source_id LIMIT $1"
        }
        CopyTable::ArticleTags => {
            "SELECT article_id, tag_id, position::bigint, published_at FROM article_tags ORDER BY article_id, tag_id LIMIT $1"
        }
        CopyTable::ArticleRelated => {
            "SELECT article_id, position::bigint, headline FROM article_related ORDER BY article_id, position LIMIT $1"
        }
        CopyTable::Comments => {
            "SELECT id, article_id, parent_id, author_name, author_email, body_html, fingerprint, status, created_at, import_key FROM comments ORDER BY id LIMIT $1"
        }
        CopyTable::DailyViews => {
            "SELECT article_id, to_char(day, 'YYYY-MM-DD'), views FROM article_daily_views ORDER BY article_id, day LIMIT $1"
        }
        CopyTable::WeeklyViews => {
            "SELECT week, article_id, published_at, views FROM article_weekly_views ORDER BY week, article_id LIMIT $1"
        }
        CopyTable::FrozenWeeks => {
            "SELECT week, frozen_at, frozen_by FROM top_stories_weeks_frozen ORDER BY week LIMIT $1"
        }
        CopyTable::FrozenRankings => {
            "SELECT week, rank::bigint, article_id, views FROM top_stories_frozen ORDER BY week, rank LIMIT $1"
        }
        CopyTable::Secrets => "SELECT name, value FROM secrets ORDER BY name LIMIT $1",
        CopyTable::Media => {
            "SELECT id, key, file_name, ext, width, height, alt, caption, credit, widths, uploaded_by, uploaded_at FROM media ORDER BY id LIMIT $1"
        }
        CopyTable::MediaFiles => "SELECT name, bytes FROM media_files ORDER BY name LIMIT $1",
        CopyTable::Redirects => {
            "SELECT from_path, article_id, target FROM redirects ORDER BY from_path LIMIT $1"
        }
        CopyTable::Users => {
            "SELECT id, email, name, role, password_hash, contributor_id, created_at FROM users ORDER BY id LIMIT $1"
        }
        CopyTable::AuditLog => {
            "SELECT id, at, user_id, action, subject, detail FROM audit_log ORDER BY id LIMIT $1"
        }
        CopyTable::StoryRevisions => {
            "SELECT article_id, number, state, saved_by, saved_at, content, newest FROM story_revisions ORDER BY article_id, number LIMIT $1"
        }
        CopyTable::Sections => SECTIONS,
    }
}

/// The page after a key, in key order.
fn after_sql(table: CopyTable) -> &'static str {
    match table {
        CopyTable::PostingAccounts => {
            "SELECT id, slug, name FROM posting_accounts WHERE id > $2::bigint ORDER BY id LIMIT $1"
        }
        CopyTable::Contributors => {
            "SELECT id, slug, name, bio FROM contributors WHERE id > $2::bigint ORDER BY id LIMIT $1"
        }
        CopyTable::Sources => {
            "SELECT id, slug, name, url FROM sources WHERE id > $2::bigint ORDER BY id LIMIT $1"
        }
        CopyTable::Tags => {
            "SELECT id, slug, name FROM tags WHERE id > $2::bigint ORDER BY id LIMIT $1"
        }
        CopyTable::Articles => {
            "SELECT id, import_key, slug, headline, standfirst, body_html, language, status, published_at, time_zone, updated_at, posting_account_id, credit, dateline_place, footer, views, comments, legacy_views, legacy_comments, kind, pinned, canonical_url FROM articles WHERE id > $2::bigint ORDER BY id LIMIT $1"
        }
        CopyTable::ArticleSections => {
            "SELECT article_id, section_id, position::bigint, published_at FROM article_sections WHERE (article_id, section_id) > ($2::bigint, $3::bigint) ORDER BY article_id, section_id LIMIT $1"
        }
        CopyTable::ArticleContributors => {
            "SELECT article_id, contributor_id, position::bigint, published_at FROM article_contributors WHERE (article_id, contributor_id) > ($2::bigint, $3::bigint) ORDER BY article_id, contributor_id LIMIT $1"
        }
        CopyTable::ArticleSources => {
            "SELECT article_id, source_id, position::bigint, published_at FROM article_sources WHERE (article_id, source_id) > ($2::bigint, $3::bigint) ORDER BY article_id, source_id LIMIT $1"
        }
        CopyTable::ArticleTags => {
            "SELECT article_id, tag_id, position::bigint, published_at FROM article_tags WHERE (article_id, tag_id) > ($2::bigint, $3::bigint) ORDER BY article_id, tag_id LIMIT $1"
        }
        CopyTable::ArticleRelated => {
            "SELECT article_id, position::bigint, headline FROM article_related WHERE (article_id, position) > ($2::bigint, $3::integer) ORDER BY article_id, position LIMIT $1"
        }
        CopyTable::Comments => {
            "SELECT id, article_id, parent_id, author_name, author_email, body_html, fingerprint, status, created_at, import_key FROM comments WHERE id > $2::bigint ORDER BY id LIMIT $1"
        }
        CopyTable::DailyViews => {
            "SELECT article_id, to_char(day, 'YYYY-MM-DD'), views FROM article_daily_views WHERE (article_id, day) > ($2::bigint, $3::date) ORDER BY article_id, day LIMIT $1"
        }
        CopyTable::WeeklyViews => {
            "SELECT week, article_id, published_at, views FROM article_weekly_views WHERE (week, article_id) > ($2::text, $3::bigint) ORDER BY week, article_id LIMIT $1"
        }
        CopyTable::FrozenWeeks => {
            "SELECT week, frozen_at, frozen_by FROM top_stories_weeks_frozen WHERE week > $2::text ORDER BY week LIMIT $1"
        }
        CopyTable::FrozenRankings => {
            "SELECT week, rank::bigint, article_id, views FROM top_stories_frozen WHERE (week, rank) > ($2::text, $3::integer) ORDER BY week, rank LIMIT $1"
        }
        CopyTable::Redirects => {
            "SELECT from_path, article_id, target FROM redirects WHERE from_path > $2::text ORDER BY from_path LIMIT $1"
        }
        CopyTable::Users => {
            "SELECT id, email, name, role, password_hash, contributor_id, created_at FROM users WHERE id > $2::bigint ORDER BY id LIMIT $1"
        }
        CopyTable::AuditLog => {
            "SELECT id, at, user_id, action, subject, detail FROM audit_log WHERE id > $2::bigint ORDER BY id LIMIT $1"
        }
        CopyTable::StoryRevisions => {
            "SELECT article_id, number, state, saved_by, saved_at, content, newest FROM story_revisions WHERE (article_id, number) > ($2::bigint, $3::bigint) ORDER BY article_id, number LIMIT $1"
        }
        CopyTable::Secrets => {
            "SELECT name, value FROM secrets WHERE name > $2::text ORDER BY name LIMIT $1"
        }
        CopyTable::Media => {
            "SELECT id, key, file_name, ext, width, height, alt, caption, credit, widths, uploaded_by, uploaded_at FROM media WHERE id > $2::bigint ORDER BY id LIMIT $1"
        }
        CopyTable::MediaFiles => {
            "SELECT name, bytes FROM media_files WHERE name > $2::text ORDER BY name LIMIT $1"
        }
        CopyTable::Sections => SECTIONS,
    }
}

/// Loads a batch of rows given as one JSON array of objects keyed by
/// column: one statement, one round trip. (A `COPY` would send its data and
/// its end in two writes, and sqlx's connections do not turn Nagle's
/// algorithm off, so each batch would wait for a delayed ACK.)
fn insert_sql(table: CopyTable) -> &'static str {
    match table {
        CopyTable::PostingAccounts => {
            "INSERT INTO posting_accounts (id, slug, name) SELECT id, slug, name FROM json_populate_recordset(NULL::posting_accounts, $1::json)"
        }
        CopyTable::Sections => {
            "INSERT INTO sections (id, slug, name, parent_id) SELECT id, slug, name, parent_id FROM json_populate_recordset(NULL::sections, $1::json)"
        }
        CopyTable::Contributors => {
            "INSERT INTO contributors (id, slug, name, bio) SELECT id, slug, name, bio FROM json_populate_recordset(NULL::contributors, $1::json)"
        }
        CopyTable::Sources => {
            "INSERT INTO sources (id, slug, name, url) SELECT id, slug, name, url FROM json_populate_recordset(NULL::sources, $1::json)"
        }
        CopyTable::Tags => {
            "INSERT INTO tags (id, slug, name) SELECT id, slug, name FROM json_populate_recordset(NULL::tags, $1::json)"
        }
        CopyTable::Articles => {
            "INSERT INTO articles (id, import_key, slug, headline, standfirst, body_html, language, status, published_at, time_zone, updated_at, posting_account_id, credit, dateline_place, footer, views, comments, legacy_views, legacy_comments, kind, pinned, canonical_url) SELECT id, import_key, slug, headline, standfirst, body_html, language, status, published_at, time_zone, updated_at, posting_account_id, credit, dateline_place, footer, views, comments, legacy_views, legacy_comments, kind, pinned, canonical_url FROM json_populate_recordset(NULL::articles, $1::json)"
        }
        CopyTable::ArticleSections => {
            "INSERT INTO article_sections (article_id, section_id, position, published_at) SELECT article_id, section_id, position, published_at FROM json_populate_recordset(NULL::article_sections, $1::json)"
        }
        CopyTable::ArticleContributors => {
            "INSERT INTO article_contributors (article_id, contributor_id, position, published_at) SELECT article_id, contributor_id, position, published_at FROM json_populate_recordset(NULL::article_contributors, $1::json)"
        }
        CopyTable::ArticleSources => {
            "INSERT INTO article_sources (article_id, source_id, position, published_at) SELECT article_id, source_id, position, published_at FROM json_populate_recordset(NULL::article_sources, $1::json)"
        }
        CopyTable::ArticleTags => {
            "INSERT INTO article_tags (article_id, tag_id, position, published_at) SELECT article_id, tag_id, position, published_at FROM json_populate_recordset(NULL::article_tags, $1::json)"
        }
        CopyTable::ArticleRelated => {
            "INSERT INTO article_related (article_id, position, headline) SELECT article_id, position, headline FROM json_populate_recordset(NULL::article_related, $1::json)"
        }
        CopyTable::Comments => {
            "INSERT INTO comments (id, article_id, parent_id, author_name, author_email, body_html, fingerprint, status, created_at, import_key) SELECT id, article_id, parent_id, author_name, author_email, body_html, fingerprint, status, created_at, import_key FROM json_populate_recordset(NULL::comments, $1::json)"
        }
        CopyTable::DailyViews => {
            "INSERT INTO article_daily_views (article_id, day, views) SELECT article_id, day, views FROM json_populate_recordset(NULL::article_daily_views, $1::json)"
        }
        CopyTable::WeeklyViews => {
            "INSERT INTO article_weekly_views (week, article_id, published_at, views) SELECT week, article_id, published_at, views FROM json_populate_recordset(NULL::article_weekly_views, $1::json)"
        }
        CopyTable::FrozenWeeks => {
            "INSERT INTO top_stories_weeks_frozen (week, frozen_at, frozen_by) SELECT week, frozen_at, frozen_by FROM json_populate_recordset(NULL::top_stories_weeks_frozen, $1::json)"
        }
        CopyTable::FrozenRankings => {
            "INSERT INTO top_stories_frozen (week, rank, article_id, views) SELECT week, rank, article_id, views FROM json_populate_recordset(NULL::top_stories_frozen, $1::json)"
        }
        CopyTable::Redirects => {
            "INSERT INTO redirects (from_path, article_id, target) SELECT from_path, article_id, target FROM json_populate_recordset(NULL::redirects, $1::json)"
        }
        CopyTable::Users => {
            "INSERT INTO users (id, email, name, role, password_hash, contributor_id, created_at) SELECT id, email, name, role, password_hash, contributor_id, created_at FROM json_populate_recordset(NULL::users, $1::json)"
        }
        CopyTable::AuditLog => {
            "INSERT INTO audit_log (id, at, user_id, action, subject, detail) SELECT id, at, user_id, action, subject, detail FROM json_populate_recordset(NULL::audit_log, $1::json)"
        }
        CopyTable::StoryRevisions => {
            "INSERT INTO story_revisions (article_id, number, state, saved_by, saved_at, content, newest) SELECT article_id, number, state, saved_by, saved_at, content, newest FROM json_populate_recordset(NULL::story_revisions, $1::json)"
        }
        CopyTable::Secrets => {
            "INSERT INTO secrets (name, value) SELECT name, value FROM json_populate_recordset(NULL::secrets, $1::json)"
        }
        CopyTable::Media => {
            "INSERT INTO media (id, key, file_name, ext, width, height, alt, caption, credit, widths, uploaded_by, uploaded_at) SELECT id, key, file_name, ext, width, height, alt, caption, credit, widths, uploaded_by, uploaded_at FROM json_populate_recordset(NULL::media, $1::json)"
        }
        CopyTable::MediaFiles => {
            "INSERT INTO media_files (name, bytes) SELECT name, bytes FROM json_populate_recordset(NULL::media_files, $1::json)"
        }
    }
}

/// Rows as the JSON `json_populate_recordset` reads: bytea as `\\x` hex.
fn rows_json(table: CopyTable, rows: &[CopyRow]) -> String {
    let columns = table.columns();
    let objects: Vec<serde_json::Value> = rows
        .iter()
        .map(|row| {
            let mut object = serde_json::Map::new();
            for (name, v) in columns.iter().zip(row) {
                let value = match v {
                    CopyValue::Null => serde_json::Value::Null,
                    CopyValue::Int(n) => (*n).into(),
                    CopyValue::Text(s) => s.clone().into(),
                    CopyValue::Bytes(b) => {
                        let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
                        format!("\\x{hex}").into()
                    }
                };
                object.insert((*name).to_owned(), value);
            }
            serde_json::Value::Object(object)
        })
        .collect();
    serde_json::Value::Array(objects).to_string()
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
        CopyTable::Redirects => "SELECT COUNT(*) FROM redirects",
        CopyTable::Users => "SELECT COUNT(*) FROM users",
        CopyTable::AuditLog => "SELECT COUNT(*) FROM audit_log",
        CopyTable::StoryRevisions => "SELECT COUNT(*) FROM story_revisions",
        CopyTable::Secrets => "SELECT COUNT(*) FROM secrets",
        CopyTable::Media => "SELECT COUNT(*) FROM media",
        CopyTable::MediaFiles => "SELECT COUNT(*) FROM media_files",
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
        after: Option<&CopyRow>,
        limit: u32,
    ) -> StoreResult<Vec<CopyRow>> {
        let rows = match (table, after) {
            // Sections come whole, in the first page.
            (CopyTable::Sections, Some(_)) => return Ok(Vec::new()),
            (CopyTable::Sections, None) => sqlx::query(SECTIONS).fetch_all(&self.pool).await,
            (_, None) => {
                sqlx::query(first_sql(table))
                    .bind(i64::from(limit))
                    .fetch_all(&self.pool)
                    .await
            }
            (_, Some(last)) => {
                let mut q = sqlx::query(after_sql(table)).bind(i64::from(limit));
                for v in &last[..table.key_len()] {
                    q = match v {
                        CopyValue::Int(n) => q.bind(*n),
                        CopyValue::Text(s) => q.bind(s.clone()),
                        CopyValue::Bytes(b) => q.bind(b.clone()),
                        CopyValue::Null => q.bind(None::<String>),
                    };
                }
                q.fetch_all(&self.pool).await
            }
        }
        .map_err(db_err)?;
        let width = table.columns().len();
        rows.iter()
            .map(|r| (0..width).map(|i| value(r, i)).collect())
            .collect()
    }

    async fn copy_in(&self, table: CopyTable, rows: &[CopyRow]) -> StoreResult<()> {
        if rows.is_empty() {
            return Ok(());
        }
        sqlx::query(insert_sql(table))
            .bind(rows_json(table, rows))
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(())
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
            "SELECT setval(pg_get_serial_sequence('users', 'id'), GREATEST(COALESCE(MAX(id), 0), 1), MAX(id) IS NOT NULL) FROM users",
            "SELECT setval(pg_get_serial_sequence('audit_log', 'id'), GREATEST(COALESCE(MAX(id), 0), 1), MAX(id) IS NOT NULL) FROM audit_log",
            "SELECT setval(pg_get_serial_sequence('media', 'id'), GREATEST(COALESCE(MAX(id), 0), 1), MAX(id) IS NOT NULL) FROM media",
        ] {
            sqlx::query(sql).execute(&self.pool).await.map_err(db_err)?;
        }
        self.notify(Change::Everything).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_become_objects_keyed_by_column() {
        let rows = vec![vec![
            CopyValue::Text("site".into()),
            CopyValue::Bytes(vec![0, 255]),
        ]];
        assert_eq!(
            rows_json(CopyTable::Secrets, &rows),
            r#"[{"name":"site","value":"\\x00ff"}]"#
        );
        let rows = vec![vec![
            CopyValue::Int(7),
            CopyValue::Null,
            CopyValue::Text("a\tb".into()),
        ]];
        assert_eq!(
            rows_json(CopyTable::ArticleRelated, &rows),
            r#"[{"article_id":7,"headline":"a\tb","position":null}]"#
        );
    }
}
