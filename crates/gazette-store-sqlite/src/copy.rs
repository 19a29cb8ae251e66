//! Whole tables in and out, for `gazette store copy`. A page of rows
//! crosses from SQLite as one JSON array, and goes in as one: a row at a
//! time through sqlx's worker thread costs tens of microseconds each.

use async_trait::async_trait;
use sqlx::{Row, TypeInfo, ValueRef, sqlite::SqliteRow};

use gazette_store::{CopyRow, CopyStore, CopyTable, CopyValue, StoreError, StoreResult};

use crate::{SqliteStore, db_err};

/// Every section, parents before children (a parent may have the higher id).
const SECTIONS: &str = "WITH RECURSIVE tree(id, depth) AS ( \
       SELECT id, 0 FROM sections WHERE parent_id IS NULL \
       UNION ALL SELECT s.id, t.depth + 1 FROM sections s JOIN tree t ON s.parent_id = t.id \
       WHERE t.depth < 64) \
     SELECT s.id, s.slug, s.name, s.parent_id FROM sections s JOIN tree t ON t.id = s.id \
     ORDER BY t.depth, s.id";

/// Secrets hold bytes, which JSON cannot: read and written row by row (a
/// newsroom has a handful).
const SECRETS_FIRST: &str = "SELECT name, value FROM secrets ORDER BY name LIMIT ?1";
const SECRETS_AFTER: &str =
    "SELECT name, value FROM secrets WHERE name > ?2 ORDER BY name LIMIT ?1";
const SECRETS_INSERT: &str = "INSERT INTO secrets (name, value) VALUES (?1, ?2)";
const FILES_FIRST: &str = "SELECT name, bytes FROM media_files ORDER BY name LIMIT ?1";
const FILES_AFTER: &str =
    "SELECT name, bytes FROM media_files WHERE name > ?2 ORDER BY name LIMIT ?1";
const FILES_INSERT: &str = "INSERT INTO media_files (name, bytes) VALUES (?1, ?2)";

/// The statements of a table read and written row by row: first page,
/// next page, insert.
fn bytes_sql(table: CopyTable) -> Option<(&'static str, &'static str, &'static str)> {
    match table {
        CopyTable::Secrets => Some((SECRETS_FIRST, SECRETS_AFTER, SECRETS_INSERT)),
        CopyTable::MediaFiles => Some((FILES_FIRST, FILES_AFTER, FILES_INSERT)),
        _ => None,
    }
}

/// The first page of a table as one JSON array of rows, in key order.
fn first_sql(table: CopyTable) -> &'static str {
    match table {
        CopyTable::PostingAccounts => {
            "SELECT json_group_array(json_array(id, slug, name) ORDER BY id) FROM (SELECT id, slug, name FROM posting_accounts ORDER BY id LIMIT ?1)"
        }
        CopyTable::Contributors => {
            "SELECT json_group_array(json_array(id, slug, name, bio) ORDER BY id) FROM (SELECT id, slug, name, bio FROM contributors ORDER BY id LIMIT ?1)"
        }
        CopyTable::Sources => {
            "SELECT json_group_array(json_array(id, slug, name, url) ORDER BY id) FROM (SELECT id, slug, name, url FROM sources ORDER BY id LIMIT ?1)"
        }
        CopyTable::Tags => {
            "SELECT json_group_array(json_array(id, slug, name) ORDER BY id) FROM (SELECT id, slug, name FROM tags ORDER BY id LIMIT ?1)"
        }
        CopyTable::Articles => {
            "SELECT json_group_array(json_array(id, import_key, slug, headline, standfirst, body_html, language, status, published_at, time_zone, updated_at, posting_account_id, credit, dateline_place, footer, views, comments, legacy_views, legacy_comments, kind, pinned, canonical_url) ORDER BY id) FROM (SELECT a.id, a.import_key, a.slug, a.headline, a.standfirst, b.body_html, a.language, a.status, a.published_at, a.time_zone, a.updated_at, a.posting_account_id, a.credit, a.dateline_place, a.footer, a.views, a.comments, a.legacy_views, a.legacy_comments, a.kind, a.pinned, a.canonical_url FROM articles a JOIN article_bodies b ON b.article_id = a.id ORDER BY a.id LIMIT ?1)"
        }
        CopyTable::ArticleSections => {
            "SELECT json_group_array(json_array(article_id, section_id, position, published_at) ORDER BY article_id, section_id) FROM (SELECT article_id, section_id, position, published_at FROM article_sections ORDER BY article_id, section_id LIMIT ?1)"
        }
        CopyTable::ArticleContributors => {
            "SELECT json_group_array(json_array(article_id, contributor_id, position, published_at) ORDER BY article_id, contributor_id) FROM (SELECT article_id, contributor_id, position, published_at FROM article_contributors ORDER BY article_id, contributor_id LIMIT ?1)"
        }
        CopyTable::ArticleSources => {
            "SELECT json_group_array(json_array(article_id, source_id, position, published_at) ORDER BY article_id, source_id) FROM (SELECT article_id, source_id, position, published_at FROM article_sources ORDER BY article_id, source_id LIMIT ?1)"
        }
        CopyTable::ArticleTags => {
            "SELECT json_group_array(json_array(article_id, tag_id, position, published_at) ORDER BY article_id, tag_id) FROM (SELECT article_id, tag_id, position, published_at FROM article_tags ORDER BY article_id, tag_id LIMIT ?1)"
        }
        CopyTable::ArticleRelated => {
            "SELECT json_group_array(json_array(article_id, position, headline) ORDER BY article_id, position) FROM (SELECT article_id, position, headline FROM article_related ORDER BY article_id, position LIMIT ?1)"
        }
        CopyTable::Comments => {
            "SELECT json_group_array(json_array(id, article_id, parent_id, author_name, author_email, body_html, fingerprint, status, created_at, import_key) ORDER BY id) FROM (SELECT id, article_id, parent_id, author_name, author_email, body_html, fingerprint, status, created_at, import_key FROM comments ORDER BY id LIMIT ?1)"
        }
        CopyTable::DailyViews => {
            "SELECT json_group_array(json_array(article_id, day, views) ORDER BY article_id, day) FROM (SELECT article_id, day, views FROM article_daily_views ORDER BY article_id, day LIMIT ?1)"
        }
        CopyTable::WeeklyViews => {
            "SELECT json_group_array(json_array(week, article_id, published_at, views) ORDER BY week, article_id) FROM (SELECT week, article_id, published_at, views FROM article_weekly_views ORDER BY week, article_id LIMIT ?1)"
        }
        CopyTable::FrozenWeeks => {
            "SELECT json_group_array(json_array(week, frozen_at, frozen_by) ORDER BY week) FROM (SELECT week, frozen_at, frozen_by FROM top_stories_weeks_frozen ORDER BY week LIMIT ?1)"
        }
        CopyTable::FrozenRankings => {
            "SELECT json_group_array(json_array(week, rank, article_id, views) ORDER BY week, rank) FROM (SELECT week, rank, article_id, views FROM top_stories_frozen ORDER BY week, rank LIMIT ?1)"
        }
        CopyTable::Redirects => {
            "SELECT json_group_array(json_array(from_path, article_id, target) ORDER BY from_path) FROM (SELECT from_path, article_id, target FROM redirects ORDER BY from_path LIMIT ?1)"
        }
        CopyTable::Users => {
            "SELECT json_group_array(json_array(id, email, name, role, password_hash, contributor_id, created_at) ORDER BY id) FROM (SELECT id, email, name, role, password_hash, contributor_id, created_at FROM users ORDER BY id LIMIT ?1)"
        }
        CopyTable::AuditLog => {
            "SELECT json_group_array(json_array(id, at, user_id, action, subject, detail) ORDER BY id) FROM (SELECT id, at, user_id, action, subject, detail FROM audit_log ORDER BY id LIMIT ?1)"
        }
        CopyTable::StoryRevisions => {
            "SELECT json_group_array(json_array(article_id, number, state, saved_by, saved_at, content, newest) ORDER BY article_id, number) FROM (SELECT article_id, number, state, saved_by, saved_at, content, newest FROM story_revisions ORDER BY article_id, number LIMIT ?1)"
        }
        CopyTable::Media => {
            "SELECT json_group_array(json_array(id, key, file_name, ext, width, height, alt, caption, credit, widths, uploaded_by, uploaded_at) ORDER BY id) FROM (SELECT id, key, file_name, ext, width, height, alt, caption, credit, widths, uploaded_by, uploaded_at FROM media ORDER BY id LIMIT ?1)"
        }
        CopyTable::Sections | CopyTable::Secrets | CopyTable::MediaFiles => {
            unreachable!("sections, secrets and media files are read row by row")
        }
    }
}

/// The page after a key, as one JSON array of rows.
fn after_sql(table: CopyTable) -> &'static str {
    match table {
        CopyTable::PostingAccounts => {
            "SELECT json_group_array(json_array(id, slug, name) ORDER BY id) FROM (SELECT id, slug, name FROM posting_accounts WHERE id > ?2 ORDER BY id LIMIT ?1)"
        }
        CopyTable::Contributors => {
            "SELECT json_group_array(json_array(id, slug, name, bio) ORDER BY id) FROM (SELECT id, slug, name, bio FROM contributors WHERE id > ?2 ORDER BY id LIMIT ?1)"
        }
        CopyTable::Sources => {
            "SELECT json_group_array(json_array(id, slug, name, url) ORDER BY id) FROM (SELECT id, slug, name, url FROM sources WHERE id > ?2 ORDER BY id LIMIT ?1)"
        }
        CopyTable::Tags => {
            "SELECT json_group_array(json_array(id, slug, name) ORDER BY id) FROM (SELECT id, slug, name FROM tags WHERE id > ?2 ORDER BY id LIMIT ?1)"
        }
        CopyTable::Articles => {
            "SELECT json_group_array(json_array(id, import_key, slug, headline, standfirst, body_html, language, status, published_at, time_zone, updated_at, posting_account_id, credit, dateline_place, footer, views, comments, legacy_views, legacy_comments, kind, pinned, canonical_url) ORDER BY id) FROM (SELECT a.id, a.import_key, a.slug, a.headline, a.standfirst, b.body_html, a.language, a.status, a.published_at, a.time_zone, a.updated_at, a.posting_account_id, a.credit, a.dateline_place, a.footer, a.views, a.comments, a.legacy_views, a.legacy_comments, a.kind, a.pinned, a.canonical_url FROM articles a JOIN article_bodies b ON b.article_id = a.id WHERE a.id > ?2 ORDER BY a.id LIMIT ?1)"
        }
        CopyTable::ArticleSections => {
            "SELECT json_group_array(json_array(article_id, section_id, position, published_at) ORDER BY article_id, section_id) FROM (SELECT article_id, section_id, position, published_at FROM article_sections WHERE (article_id, section_id) > (?2, ?3) ORDER BY article_id, section_id LIMIT ?1)"
        }
        CopyTable::ArticleContributors => {
            "SELECT json_group_array(json_array(article_id, contributor_id, position, published_at) ORDER BY article_id, contributor_id) FROM (SELECT article_id, contributor_id, position, published_at FROM article_contributors WHERE (article_id, contributor_id) > (?2, ?3) ORDER BY article_id, contributor_id LIMIT ?1)"
        }
        CopyTable::ArticleSources => {
            "SELECT json_group_array(json_array(article_id, source_id, position, published_at) ORDER BY article_id, source_id) FROM (SELECT article_id, source_id, position, published_at FROM article_sources WHERE (article_id, source_id) > (?2, ?3) ORDER BY article_id, source_id LIMIT ?1)"
        }
        CopyTable::ArticleTags => {
            "SELECT json_group_array(json_array(article_id, tag_id, position, published_at) ORDER BY article_id, tag_id) FROM (SELECT article_id, tag_id, position, published_at FROM article_tags WHERE (article_id, tag_id) > (?2, ?3) ORDER BY article_id, tag_id LIMIT ?1)"
        }
        CopyTable::ArticleRelated => {
            "SELECT json_group_array(json_array(article_id, position, headline) ORDER BY article_id, position) FROM (SELECT article_id, position, headline FROM article_related WHERE (article_id, position) > (?2, ?3) ORDER BY article_id, position LIMIT ?1)"
        }
        CopyTable::Comments => {
            "SELECT json_group_array(json_array(id, article_id, parent_id, author_name, author_email, body_html, fingerprint, status, created_at, import_key) ORDER BY id) FROM (SELECT id, article_id, parent_id, author_name, author_email, body_html, fingerprint, status, created_at, import_key FROM comments WHERE id > ?2 ORDER BY id LIMIT ?1)"
        }
        CopyTable::DailyViews => {
            "SELECT json_group_array(json_array(article_id, day, views) ORDER BY article_id, day) FROM (SELECT article_id, day, views FROM article_daily_views WHERE (article_id, day) > (?2, ?3) ORDER BY article_id, day LIMIT ?1)"
        }
        CopyTable::WeeklyViews => {
            "SELECT json_group_array(json_array(week, article_id, published_at, views) ORDER BY week, article_id) FROM (SELECT week, article_id, published_at, views FROM article_weekly_views WHERE (week, article_id) > (?2, ?3) ORDER BY week, article_id LIMIT ?1)"
        }
        CopyTable::FrozenWeeks => {
            "SELECT json_group_array(json_array(week, frozen_at, frozen_by) ORDER BY week) FROM (SELECT week, frozen_at, frozen_by FROM top_stories_weeks_frozen WHERE week > ?2 ORDER BY week LIMIT ?1)"
        }
        CopyTable::FrozenRankings => {
            "SELECT json_group_array(json_array(week, rank, article_id, views) ORDER BY week, rank) FROM (SELECT week, rank, article_id, views FROM top_stories_frozen WHERE (week, rank) > (?2, ?3) ORDER BY week, rank LIMIT ?1)"
        }
        CopyTable::Redirects => {
            "SELECT json_group_array(json_array(from_path, article_id, target) ORDER BY from_path) FROM (SELECT from_path, article_id, target FROM redirects WHERE from_path > ?2 ORDER BY from_path LIMIT ?1)"
        }
        CopyTable::Users => {
            "SELECT json_group_array(json_array(id, email, name, role, password_hash, contributor_id, created_at) ORDER BY id) FROM (SELECT id, email, name, role, password_hash, contributor_id, created_at FROM users WHERE id > ?2 ORDER BY id LIMIT ?1)"
        }
        CopyTable::AuditLog => {
            "SELECT json_group_array(json_array(id, at, user_id, action, subject, detail) ORDER BY id) FROM (SELECT id, at, user_id, action, subject, detail FROM audit_log WHERE id > ?2 ORDER BY id LIMIT ?1)"
        }
        CopyTable::StoryRevisions => {
            "SELECT json_group_array(json_array(article_id, number, state, saved_by, saved_at, content, newest) ORDER BY article_id, number) FROM (SELECT article_id, number, state, saved_by, saved_at, content, newest FROM story_revisions WHERE (article_id, number) > (?2, ?3) ORDER BY article_id, number LIMIT ?1)"
        }
        CopyTable::Media => {
            "SELECT json_group_array(json_array(id, key, file_name, ext, width, height, alt, caption, credit, widths, uploaded_by, uploaded_at) ORDER BY id) FROM (SELECT id, key, file_name, ext, width, height, alt, caption, credit, widths, uploaded_by, uploaded_at FROM media WHERE id > ?2 ORDER BY id LIMIT ?1)"
        }
        CopyTable::Sections | CopyTable::Secrets | CopyTable::MediaFiles => {
            unreachable!("sections, secrets and media files are read row by row")
        }
    }
}

/// Rows in as one JSON array bound as a single parameter.
fn insert_sql(table: CopyTable) -> &'static str {
    match table {
        CopyTable::PostingAccounts => {
            "INSERT INTO posting_accounts (id, slug, name) SELECT value ->> 0, value ->> 1, value ->> 2 FROM json_each(?1)"
        }
        CopyTable::Secrets | CopyTable::MediaFiles => {
            unreachable!("secrets and media files are written row by row")
        }
        CopyTable::Sections => {
            "INSERT INTO sections (id, slug, name, parent_id) SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3 FROM json_each(?1)"
        }
        CopyTable::Contributors => {
            "INSERT INTO contributors (id, slug, name, bio) SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3 FROM json_each(?1)"
        }
        CopyTable::Sources => {
            "INSERT INTO sources (id, slug, name, url) SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3 FROM json_each(?1)"
        }
        CopyTable::Tags => {
            "INSERT INTO tags (id, slug, name) SELECT value ->> 0, value ->> 1, value ->> 2 FROM json_each(?1)"
        }
        CopyTable::Articles => {
            "INSERT INTO articles (id, import_key, slug, headline, standfirst, language, status, published_at, time_zone, updated_at, posting_account_id, credit, dateline_place, footer, views, comments, legacy_views, legacy_comments, kind, pinned, canonical_url) SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 6, value ->> 7, value ->> 8, value ->> 9, value ->> 10, value ->> 11, value ->> 12, value ->> 13, value ->> 14, value ->> 15, value ->> 16, value ->> 17, value ->> 18, value ->> 19, value ->> 20, value ->> 21 FROM json_each(?1)"
        }
        CopyTable::ArticleSections => {
            "INSERT INTO article_sections (article_id, section_id, position, published_at) SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3 FROM json_each(?1)"
        }
        CopyTable::ArticleContributors => {
            "INSERT INTO article_contributors (article_id, contributor_id, position, published_at) SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3 FROM json_each(?1)"
        }
        CopyTable::ArticleSources => {
            "INSERT INTO article_sources (article_id, source_id, position, published_at) SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3 FROM json_each(?1)"
        }
        CopyTable::ArticleTags => {
            "INSERT INTO article_tags (article_id, tag_id, position, published_at) SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3 FROM json_each(?1)"
        }
        CopyTable::ArticleRelated => {
            "INSERT INTO article_related (article_id, position, headline) SELECT value ->> 0, value ->> 1, value ->> 2 FROM json_each(?1)"
        }
        CopyTable::Comments => {
            "INSERT INTO comments (id, article_id, parent_id, author_name, author_email, body_html, fingerprint, status, created_at, import_key) SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6, value ->> 7, value ->> 8, value ->> 9 FROM json_each(?1)"
        }
        CopyTable::DailyViews => {
            "INSERT INTO article_daily_views (article_id, day, views) SELECT value ->> 0, value ->> 1, value ->> 2 FROM json_each(?1)"
        }
        CopyTable::WeeklyViews => {
            "INSERT INTO article_weekly_views (week, article_id, published_at, views) SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3 FROM json_each(?1)"
        }
        CopyTable::FrozenWeeks => {
            "INSERT INTO top_stories_weeks_frozen (week, frozen_at, frozen_by) SELECT value ->> 0, value ->> 1, value ->> 2 FROM json_each(?1)"
        }
        CopyTable::FrozenRankings => {
            "INSERT INTO top_stories_frozen (week, rank, article_id, views) SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3 FROM json_each(?1)"
        }
        CopyTable::Redirects => {
            "INSERT INTO redirects (from_path, article_id, target) SELECT value ->> 0, value ->> 1, value ->> 2 FROM json_each(?1)"
        }
        CopyTable::Users => {
            "INSERT INTO users (id, email, name, role, password_hash, contributor_id, created_at) SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6 FROM json_each(?1)"
        }
        CopyTable::AuditLog => {
            "INSERT INTO audit_log (id, at, user_id, action, subject, detail) SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5 FROM json_each(?1)"
        }
        CopyTable::Media => {
            "INSERT INTO media (id, key, file_name, ext, width, height, alt, caption, credit, widths, uploaded_by, uploaded_at) SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6, value ->> 7, value ->> 8, value ->> 9, value ->> 10, value ->> 11 FROM json_each(?1)"
        }
        CopyTable::StoryRevisions => {
            "INSERT INTO story_revisions (article_id, number, state, saved_by, saved_at, content, newest) SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6 FROM json_each(?1)"
        }
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
        CopyTable::Redirects => "SELECT COUNT(*) FROM redirects",
        CopyTable::Users => "SELECT COUNT(*) FROM users",
        CopyTable::AuditLog => "SELECT COUNT(*) FROM audit_log",
        CopyTable::StoryRevisions => "SELECT COUNT(*) FROM story_revisions",
        CopyTable::Media => "SELECT COUNT(*) FROM media",
        CopyTable::MediaFiles => "SELECT COUNT(*) FROM media_files",
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

/// A JSON value of a row as the copy carries it.
fn from_json(v: &serde_json::Value) -> StoreResult<CopyValue> {
    Ok(match v {
        serde_json::Value::Null => CopyValue::Null,
        serde_json::Value::Number(n) => CopyValue::Int(n.as_i64().ok_or_else(|| {
            StoreError::other(std::io::Error::other(format!("{n} is not a whole number")))
        })?),
        serde_json::Value::String(s) => CopyValue::Text(s.clone()),
        other => {
            return Err(StoreError::other(std::io::Error::other(format!(
                "a copied value cannot be {other}"
            ))));
        }
    })
}

fn to_json(v: &CopyValue) -> StoreResult<serde_json::Value> {
    Ok(match v {
        CopyValue::Null => serde_json::Value::Null,
        CopyValue::Int(n) => (*n).into(),
        CopyValue::Text(s) => s.clone().into(),
        CopyValue::Bytes(_) => {
            return Err(StoreError::other(std::io::Error::other(
                "bytes travel row by row, not as JSON",
            )));
        }
    })
}

/// Binds a row's key (or values) in order.
fn bind_all<'q>(
    mut q: sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments>,
    values: &[CopyValue],
) -> sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments> {
    for v in values {
        q = match v {
            CopyValue::Int(n) => q.bind(*n),
            CopyValue::Text(s) => q.bind(s.clone()),
            CopyValue::Bytes(b) => q.bind(b.clone()),
            CopyValue::Null => q.bind(None::<i64>),
        };
    }
    q
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
        after: Option<&CopyRow>,
        limit: u32,
    ) -> StoreResult<Vec<CopyRow>> {
        let width = table.columns().len();
        let rows = match (table, after) {
            // Sections come whole, in the first page.
            (CopyTable::Sections, Some(_)) => return Ok(Vec::new()),
            (CopyTable::Sections, None) => sqlx::query(SECTIONS).fetch_all(&self.pool).await,
            (t, None) if bytes_sql(t).is_some() => {
                let (first, _, _) = bytes_sql(t).expect("a byte table");
                sqlx::query(first)
                    .bind(i64::from(limit))
                    .fetch_all(&self.pool)
                    .await
            }
            (t, Some(last)) if bytes_sql(t).is_some() => {
                let (_, after, _) = bytes_sql(t).expect("a byte table");
                bind_all(sqlx::query(after).bind(i64::from(limit)), &last[..1])
                    .fetch_all(&self.pool)
                    .await
            }
            (_, after) => {
                let q = match after {
                    None => sqlx::query_scalar(first_sql(table)).bind(i64::from(limit)),
                    Some(last) => {
                        let mut q = sqlx::query_scalar(after_sql(table)).bind(i64::from(limit));
                        for v in &last[..table.key_len()] {
                            q = match v {
                                CopyValue::Int(n) => q.bind(*n),
                                CopyValue::Text(s) => q.bind(s.clone()),
                                CopyValue::Bytes(b) => q.bind(b.clone()),
                                CopyValue::Null => q.bind(None::<i64>),
                            };
                        }
                        q
                    }
                };
                let json: String = q.fetch_one(&self.pool).await.map_err(db_err)?;
                let rows: Vec<Vec<serde_json::Value>> =
                    serde_json::from_str(&json).map_err(StoreError::other)?;
                return rows
                    .iter()
                    .map(|r| {
                        if r.len() != width {
                            return Err(StoreError::other(std::io::Error::other(
                                "a copied row has the wrong width",
                            )));
                        }
                        r.iter().map(from_json).collect()
                    })
                    .collect();
            }
        }
        .map_err(db_err)?;
        rows.iter()
            .map(|r| (0..width).map(|i| value(r, i)).collect())
            .collect()
    }

    async fn copy_in(&self, table: CopyTable, rows: &[CopyRow]) -> StoreResult<()> {
        if rows.is_empty() {
            return Ok(());
        }
        let mut tx = self.write().await?;
        if let Some((_, _, insert)) = bytes_sql(table) {
            for row in rows {
                bind_all(sqlx::query(insert), row)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
            }
        } else {
            let json: Vec<Vec<serde_json::Value>> = rows
                .iter()
                .map(|r| r.iter().map(to_json).collect())
                .collect::<StoreResult<_>>()?;
            let json = serde_json::to_string(&json).map_err(StoreError::other)?;
            sqlx::query(insert_sql(table))
                .bind(&json)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
            if table == CopyTable::Articles {
                // The same rows' bodies, kept in a table of their own.
                sqlx::query(
                    "INSERT INTO article_bodies (article_id, body_html) \
                     SELECT value ->> 0, value ->> 5 FROM json_each(?1)",
                )
                .bind(&json)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
            }
        }
        tx.commit().await.map_err(db_err)
    }

    async fn copy_finish(&self) -> StoreResult<()> {
        // INTEGER PRIMARY KEY ids continue after the largest one by
        // themselves; readers of the new rows must only hear of them.
        gazette_store::NewsroomStore::notify(self, gazette_store::Change::Everything).await
    }
}
