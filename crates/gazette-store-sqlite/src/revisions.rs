//! Story revisions: the save and its revision in one write transaction.
//! An edited article keeps its address, import key and pin.

use async_trait::async_trait;
use gazette_domain::{ArticleId, ArticleInput, WorkflowState};
use gazette_store::{Change, NewRevision, Revision, RevisionStore, Saved, StoreError, StoreResult};
use gazette_store_sql::{revision_select, rows::RevisionRow};
use rusqlite::OptionalExtension;

use crate::{SqliteStore, articles::save_in, db_err, record_change_sync, workers::sql_err};

const STALE: &str = "someone saved this story after the revision you started from";

#[async_trait]
impl RevisionStore for SqliteStore {
    async fn save_revision(
        &self,
        article: Option<ArticleId>,
        base: u32,
        input: &ArticleInput,
        revision: &NewRevision,
    ) -> StoreResult<(Saved, u32)> {
        let mut input = input.clone();
        let revision = revision.clone();
        self.writer
            .write(move |tx| {
                if let Some(id) = article {
                    // The stored article's key, so that the save updates it;
                    // an article made without one gets one now.
                    let (key, pinned): (Option<String>, bool) = tx
                        .prepare_cached("SELECT import_key, pinned FROM articles WHERE id = ?1")
                        .and_then(|mut s| {
                            s.query_row([id.0], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? == 1)))
                                .optional()
                        })
                        .map_err(sql_err)?
                        .ok_or(StoreError::NotFound)?;
                    // The editor does not pin: a pinned story stays pinned.
                    input.pinned = pinned;
                    let key = match key {
                        Some(k) => k,
                        None => {
                            let k = format!("gazette:{}", id.0);
                            tx.execute(
                                "UPDATE articles SET import_key = ?2 WHERE id = ?1",
                                rusqlite::params![id.0, k],
                            )
                            .map_err(sql_err)?;
                            k
                        }
                    };
                    input.import_key = Some(key);
                } else if base != 0 {
                    return Err(StoreError::Conflict(STALE));
                }
                let newest: u32 = match article {
                    Some(id) => tx
                        .prepare_cached(
                            "SELECT COALESCE(MAX(number), 0) FROM story_revisions WHERE article_id = ?1",
                        )
                        .and_then(|mut s| s.query_row([id.0], |r| r.get(0)))
                        .map_err(sql_err)?,
                    None => 0,
                };
                if newest != base {
                    return Err(StoreError::Conflict(STALE));
                }
                let saved = save_in(tx, &input, revision.saved_at)?;
                let number = base + 1;
                tx.prepare_cached(
                    "UPDATE story_revisions SET newest = 0 WHERE article_id = ?1 AND newest = 1",
                )
                .and_then(|mut s| s.execute([saved.id.0]))
                .map_err(sql_err)?;
                tx.prepare_cached(
                    "INSERT INTO story_revisions (article_id, number, state, saved_by, saved_at, content) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                )
                .and_then(|mut s| {
                    s.execute(rusqlite::params![
                        saved.id.0,
                        number,
                        revision.state.as_str(),
                        revision.saved_by.map(|u| u.0),
                        revision.saved_at.as_second(),
                        revision.content,
                    ])
                })
                .map_err(|e| match sql_err(e) {
                    StoreError::Conflict(_) => StoreError::Conflict(STALE),
                    e => e,
                })?;
                record_change_sync(tx, Change::Article(saved.id))?;
                Ok((saved, number))
            })
            .await
    }

    async fn revisions(&self, article: ArticleId, limit: u32) -> StoreResult<Vec<Revision>> {
        let rows: Vec<RevisionRow> = sqlx::query_as(concat!(
            revision_select!(),
            "WHERE r.article_id = ?1 ORDER BY r.number DESC LIMIT ?2"
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
            "WHERE r.article_id = ?1 AND r.number = ?2"
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
            "WHERE r.state = ?1 AND r.newest = 1 ORDER BY r.saved_at DESC, r.article_id DESC LIMIT ?2"
        ))
            .bind(state.as_str())
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        rows.into_iter().map(RevisionRow::into_revision).collect()
    }
}
