//! Readers' comments, with the articles' approved counts kept in step.

use std::collections::BTreeSet;

use async_trait::async_trait;
use jiff::Timestamp;

use gazette_domain::{ArticleId, Comment, CommentId, CommentStatus, NewComment};
use gazette_store::{Change, CommentStore, ImportedComment, Page, StoreError, StoreResult};

use gazette_store_sql::rows::CommentRow;

use crate::{SqliteStore, db_err, record_change, workers::sql_err};

/// An insert that failed on a reference names what was missing.
fn missing(e: sqlx::Error) -> StoreError {
    match db_err(e) {
        StoreError::MissingReference(_) => {
            StoreError::MissingReference("an article or a comment replied to")
        }
        e => e,
    }
}

#[async_trait]
impl CommentStore for SqliteStore {
    async fn add_comment(&self, c: &NewComment, now: Timestamp) -> StoreResult<Comment> {
        let mut tx = self.write().await?;
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
        .bind(now.as_second())
        .fetch_one(&mut *tx)
        .await
        .map_err(missing)?;
        tx.commit().await.map_err(db_err)?;
        row.into_comment()
    }

    async fn import_comments(&self, comments: &[ImportedComment]) -> StoreResult<Vec<CommentId>> {
        let mut tx = self.write().await?;
        let mut ids = Vec::with_capacity(comments.len());
        let mut touched = BTreeSet::new();
        for c in comments {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO comments (article_id, parent_id, author_name, author_email, body_html, \
                 fingerprint, status, created_at, import_key) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) \
                 ON CONFLICT (import_key) DO UPDATE SET parent_id = excluded.parent_id, \
                 author_name = excluded.author_name, author_email = excluded.author_email, \
                 body_html = excluded.body_html, fingerprint = excluded.fingerprint, \
                 status = excluded.status, created_at = excluded.created_at \
                 WHERE comments.article_id = excluded.article_id \
                 RETURNING id",
            )
            .bind(c.comment.article.0)
            .bind(c.comment.parent.map(|p| p.0))
            .bind(&c.comment.author_name)
            .bind(&c.comment.author_email)
            .bind(&c.comment.body_html)
            .bind(&c.comment.fingerprint)
            .bind(c.status.as_str())
            .bind(c.created_at.as_second())
            .bind(&c.import_key)
            .fetch_optional(&mut *tx)
            .await
            .map_err(missing)?
            // The key is taken by a comment on another article.
            .ok_or(StoreError::Conflict(
                "a comment with this import key belongs to another article",
            ))?;
            // A re-imported comment may have changed state: every article
            // touched is recounted.
            touched.insert(c.comment.article.0);
            ids.push(CommentId(id));
        }
        // Counts are recounted in SQL for each article that got approved
        // comments.
        for article in &touched {
            sqlx::query(
                "UPDATE articles SET comments = \
                 (SELECT COUNT(*) FROM comments WHERE article_id = ?1 AND status = 'approved') \
                 WHERE id = ?1",
            )
            .bind(article)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        }
        if touched.len() <= 50 {
            for article in touched {
                record_change(&mut tx, Change::Comments(ArticleId(article))).await?;
            }
        } else {
            record_change(&mut tx, Change::Everything).await?;
        }
        tx.commit().await.map_err(db_err)?;
        Ok(ids)
    }

    async fn comment(&self, id: CommentId) -> StoreResult<Comment> {
        let row: CommentRow = sqlx::query_as(
            "SELECT id, article_id, parent_id, author_name, author_email, body_html, status, created_at \
             FROM comments WHERE id = ?1",
        )
        .bind(id.0)
        .fetch_one(&self.pool)
        .await
        .map_err(db_err)?;
        row.into_comment()
    }

    async fn comment_seen(&self, article: ArticleId, fingerprint: &str) -> StoreResult<bool> {
        let fingerprint = fingerprint.to_owned();
        self.readers
            .read(move |conn| {
                conn.prepare_cached(
                    "SELECT 1 FROM comments WHERE article_id = ?1 AND fingerprint = ?2 LIMIT 1",
                )
                .and_then(|mut stmt| stmt.exists((article.0, fingerprint)))
                .map_err(sql_err)
            })
            .await
    }

    async fn approved_comments(&self, article: ArticleId) -> StoreResult<Vec<Comment>> {
        self.readers
            .read(move |conn| approved_comments(conn, article))
            .await
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
        .bind(i64::try_from(page.offset).unwrap_or(i64::MAX))
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
        let was = old == CommentStatus::Approved.as_str();
        let is = status == CommentStatus::Approved;
        if was != is {
            sqlx::query("UPDATE articles SET comments = MAX(0, comments + ?2) WHERE id = ?1")
                .bind(article)
                .bind(if is { 1 } else { -1 })
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
            record_change(&mut tx, Change::Comments(ArticleId(article))).await?;
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
        // The comment and every reply under it go (ON DELETE CASCADE);
        // the article's count is taken again.
        sqlx::query("DELETE FROM comments WHERE id = ?1")
            .bind(id.0)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        sqlx::query(
            "UPDATE articles SET comments = \
             (SELECT COUNT(*) FROM comments WHERE article_id = ?1 AND status = 'approved') \
             WHERE id = ?1",
        )
        .bind(article)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
        record_change(&mut tx, Change::Comments(ArticleId(article))).await?;
        tx.commit().await.map_err(db_err)
    }
}

/// An article's approved comments, oldest first (on a reader connection).
pub(crate) fn approved_comments(
    conn: &rusqlite::Connection,
    article: ArticleId,
) -> StoreResult<Vec<Comment>> {
    let rows = conn
        .prepare_cached(
            "SELECT id, article_id, parent_id, author_name, author_email, body_html, \
               status, created_at \
             FROM comments WHERE article_id = ?1 AND status = 'approved' \
             ORDER BY created_at, id",
        )
        .and_then(|mut stmt| {
            stmt.query_map([article.0], CommentRow::from_rusqlite)?
                .collect::<Result<Vec<_>, _>>()
        })
        .map_err(sql_err)?;
    rows.into_iter().map(CommentRow::into_comment).collect()
}
