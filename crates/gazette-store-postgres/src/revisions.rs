//! Story revisions: the save and its revision in one transaction, the
//! article's row locked so that two writers of one story take turns.

use async_trait::async_trait;
use gazette_domain::{ArticleId, ArticleInput, WorkflowState};
use gazette_store::{Change, NewRevision, Revision, RevisionStore, Saved, StoreError, StoreResult};
use gazette_store_sql::{revision_select, rows::RevisionRow};

use crate::{PgStore, articles::save_in, db_err, record_change};

const STALE: &str = "someone saved this story after the revision you started from";

#[async_trait]
impl RevisionStore for PgStore {
    async fn save_revision(
        &self,
        article: Option<ArticleId>,
        base: u32,
        input: &ArticleInput,
        revision: &NewRevision,
    ) -> StoreResult<(Saved, u32)> {
        let mut input = input.clone();
        let mut tx = self.write().await?;
        let newest: i64 = match article {
            Some(id) => {
                // The stored article's key, so that the save updates it (an
                // article made without one gets one now); the lock makes a
                // second writer of the story wait for this one.
                let (key, pinned): (Option<String>, i64) = sqlx::query_as(
                    "SELECT import_key, pinned FROM articles WHERE id = $1 FOR UPDATE",
                )
                .bind(id.0)
                .fetch_optional(&mut *tx)
                .await
                .map_err(db_err)?
                .ok_or(StoreError::NotFound)?;
                // The editor does not pin: a pinned story stays pinned.
                input.pinned = pinned == 1;
                let key = match key {
                    Some(k) => k,
                    None => {
                        let k = format!("gazette:{}", id.0);
                        sqlx::query("UPDATE articles SET import_key = $2 WHERE id = $1")
                            .bind(id.0)
                            .bind(&k)
                            .execute(&mut *tx)
                            .await
                            .map_err(db_err)?;
                        k
                    }
                };
                input.import_key = Some(key);
                sqlx::query_scalar(
                    "SELECT COALESCE(MAX(number), 0) FROM story_revisions WHERE article_id = $1",
                )
                .bind(id.0)
                .fetch_one(&mut *tx)
                .await
                .map_err(db_err)?
            }
            None => 0,
        };
        if newest != i64::from(base) {
            return Err(StoreError::Conflict(STALE));
        }
        let saved = save_in(&mut tx, &input, revision.saved_at).await?;
        let number = base + 1;
        sqlx::query("UPDATE story_revisions SET newest = 0 WHERE article_id = $1 AND newest = 1")
            .bind(saved.id.0)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        sqlx::query(
            "INSERT INTO story_revisions (article_id, number, state, saved_by, saved_at, content) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(saved.id.0)
        .bind(i64::from(number))
        .bind(revision.state.as_str())
        .bind(revision.saved_by.map(|u| u.0))
        .bind(revision.saved_at.as_second())
        .bind(&revision.content)
        .execute(&mut *tx)
        .await
        .map_err(|e| match db_err(e) {
            StoreError::Conflict(_) => StoreError::Conflict(STALE),
            e => e,
        })?;
        record_change(&mut tx, Change::Article(saved.id)).await?;
        tx.commit().await.map_err(db_err)?;
        Ok((saved, number))
    }

    async fn revisions(&self, article: ArticleId, limit: u32) -> StoreResult<Vec<Revision>> {
        let rows: Vec<RevisionRow> = sqlx::query_as(concat!(
            revision_select!(),
            "WHERE r.article_id = $1 ORDER BY r.number DESC LIMIT $2"
        ))
        .bind(article.0)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        rows.into_iter().map(RevisionRow::into_revision).collect()
    }

    async fn revision(&self, article: ArticleId, number: u32) -> StoreResult<Revision> {
        let row: RevisionRow = sqlx::query_as(concat!(
            revision_select!(),
            "WHERE r.article_id = $1 AND r.number = $2"
        ))
        .bind(article.0)
        .bind(i64::from(number))
        .fetch_one(&self.pool)
        .await
        .map_err(db_err)?;
        row.into_revision()
    }

    async fn stories_in_state(
        &self,
        state: WorkflowState,
        limit: u32,
    ) -> StoreResult<Vec<Revision>> {
        let rows: Vec<RevisionRow> = sqlx::query_as(concat!(
            revision_select!(),
            "WHERE r.state = $1 AND r.newest = 1 ORDER BY r.saved_at DESC, r.article_id DESC LIMIT $2"
        ))
        .bind(state.as_str())
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        rows.into_iter().map(RevisionRow::into_revision).collect()
    }
}
