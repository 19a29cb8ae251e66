//! Readers' comments, with the articles' approved counts kept in step.

use std::collections::BTreeSet;

use async_trait::async_trait;
use jiff::Timestamp;

use gazette_domain::{ArticleId, Comment, CommentId, CommentStatus, NewComment};
use gazette_store::{Change, CommentStore, ImportedComment, Page, StoreError, StoreResult};

use gazette_store_sql::rows::CommentRow;

use crate::{PgStore, db_err, record_change};

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
impl CommentStore for PgStore {
    async fn add_comment(&self, c: &NewComment, now: Timestamp) -> StoreResult<Comment> {
        let mut tx = self.write().await?;
        let row: CommentRow = sqlx::query_as(
            "INSERT INTO comments (article_id, parent_id, author_name, author_email, body_html, \
             fingerprint, status, created_at) VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7) \
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
        let keys: Vec<&str> = comments
            .iter()
            .filter_map(|c| c.import_key.as_deref())
            .collect();
        let distinct: std::collections::HashSet<&str> = keys.iter().copied().collect();
        if comments.len() > 1 && keys.len() == comments.len() && distinct.len() == keys.len() {
            // Carried-over comments, each with its own key: one statement.
            let col = |f: &dyn Fn(&ImportedComment) -> Option<String>| -> Vec<Option<String>> {
                comments.iter().map(f).collect()
            };
            let articles: Vec<i64> = comments.iter().map(|c| c.comment.article.0).collect();
            let parents: Vec<Option<i64>> = comments
                .iter()
                .map(|c| c.comment.parent.map(|p| p.0))
                .collect();
            let times: Vec<i64> = comments.iter().map(|c| c.created_at.as_second()).collect();
            let rows: Vec<(String, i64)> = sqlx::query_as(
                "INSERT INTO comments (article_id, parent_id, author_name, author_email, body_html, \
                 fingerprint, status, created_at, import_key) \
                 SELECT * FROM UNNEST($1::bigint[], $2::bigint[], $3::text[], $4::text[], \
                   $5::text[], $6::text[], $7::text[], $8::bigint[], $9::text[]) \
                 ON CONFLICT (import_key) DO UPDATE SET parent_id = excluded.parent_id, \
                 author_name = excluded.author_name, author_email = excluded.author_email, \
                 body_html = excluded.body_html, fingerprint = excluded.fingerprint, \
                 status = excluded.status, created_at = excluded.created_at \
                 WHERE comments.article_id = excluded.article_id \
                 RETURNING import_key, id",
            )
            .bind(&articles)
            .bind(&parents)
            .bind(col(&|c| Some(c.comment.author_name.clone())))
            .bind(col(&|c| c.comment.author_email.clone()))
            .bind(col(&|c| Some(c.comment.body_html.clone())))
            .bind(col(&|c| Some(c.comment.fingerprint.clone())))
            .bind(col(&|c| Some(c.status.as_str().to_owned())))
            .bind(&times)
            .bind(col(&|c| c.import_key.clone()))
            .fetch_all(&mut *tx)
            .await
            .map_err(missing)?;
            let by_key: std::collections::HashMap<String, i64> = rows.into_iter().collect();
            for c in comments {
                let key = c.import_key.as_deref().unwrap_or_default();
                // A key not written back is taken by another article's comment.
                let id = by_key.get(key).copied().ok_or(StoreError::Conflict(
                    "a comment with this import key belongs to another article",
                ))?;
                touched.insert(c.comment.article.0);
                ids.push(CommentId(id));
            }
        } else {
            for c in comments {
                let id: i64 = sqlx::query_scalar(
                "INSERT INTO comments (article_id, parent_id, author_name, author_email, body_html, \
                 fingerprint, status, created_at, import_key) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
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
        }
        // Counts are recounted in SQL for each article that got approved
        // comments.
        let touched_ids: Vec<i64> = touched.iter().copied().collect();
        sqlx::query(
            "UPDATE articles a SET comments = \
             (SELECT COUNT(*) FROM comments c WHERE c.article_id = a.id AND c.status = 'approved') \
             WHERE a.id = ANY($1)",
        )
        .bind(&touched_ids)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
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
             FROM comments WHERE id = $1",
        )
        .bind(id.0)
        .fetch_one(&self.pool)
        .await
        .map_err(db_err)?;
        row.into_comment()
    }

    async fn comment_seen(&self, article: ArticleId, fingerprint: &str) -> StoreResult<bool> {
        let found: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM comments WHERE article_id = $1 AND fingerprint = $2 LIMIT 1",
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
             FROM comments WHERE article_id = $1 AND status = 'approved' ORDER BY created_at, id",
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
             FROM comments WHERE status = $1 ORDER BY created_at, id LIMIT $2 OFFSET $3",
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
            sqlx::query_as("SELECT article_id, status FROM comments WHERE id = $1")
                .bind(id.0)
                .fetch_one(&mut *tx)
                .await
                .map_err(db_err)?;
        let was = old == CommentStatus::Approved.as_str();
        let is = status == CommentStatus::Approved;
        if was != is {
            sqlx::query("UPDATE articles SET comments = GREATEST(0, comments + $2) WHERE id = $1")
                .bind(article)
                .bind(if is { 1 } else { -1 })
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
            record_change(&mut tx, Change::Comments(ArticleId(article))).await?;
        }
        let row: CommentRow = sqlx::query_as(
            "UPDATE comments SET status = $2 WHERE id = $1 \
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
        let article: i64 = sqlx::query_scalar("SELECT article_id FROM comments WHERE id = $1")
            .bind(id.0)
            .fetch_one(&mut *tx)
            .await
            .map_err(db_err)?;
        // The comment and every reply under it go (ON DELETE CASCADE);
        // the article's count is taken again.
        sqlx::query("DELETE FROM comments WHERE id = $1")
            .bind(id.0)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        sqlx::query(
            "UPDATE articles SET comments = \
             (SELECT COUNT(*) FROM comments WHERE article_id = $1 AND status = 'approved') \
             WHERE id = $1",
        )
        .bind(article)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
        record_change(&mut tx, Change::Comments(ArticleId(article))).await?;
        tx.commit().await.map_err(db_err)
    }
}
