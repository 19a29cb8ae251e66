//! Old addresses: written in the writer's transaction, looked up on a
//! reader connection (a 404's last chance, so it must be cheap).

use async_trait::async_trait;
use gazette_domain::ArticleId;
use gazette_store::{
    Page, Redirect, RedirectStore, RedirectTarget, Resolved, StoreError, StoreResult,
};

use crate::{SqliteStore, workers::sql_err};

#[async_trait]
impl RedirectStore for SqliteStore {
    async fn save_redirects(&self, redirects: &[Redirect]) -> StoreResult<()> {
        let redirects = redirects.to_vec();
        self.writer
            .write(move |tx| {
                let mut stmt = tx
                    .prepare_cached(
                        "INSERT INTO redirects (from_path, article_id, target) VALUES (?1, ?2, ?3) \
                         ON CONFLICT (from_path) DO UPDATE SET article_id = excluded.article_id, \
                         target = excluded.target",
                    )
                    .map_err(sql_err)?;
                for r in &redirects {
                    let (article, target): (Option<i64>, Option<String>) = match &r.to {
                        RedirectTarget::Article(ArticleId(id)) => (Some(*id), None),
                        RedirectTarget::Place(p) => (None, Some(p.to_string())),
                    };
                    stmt.execute(rusqlite::params![r.from, article, target])
                        .map_err(|e| match sql_err(e) {
                            StoreError::MissingReference(_) => {
                                StoreError::MissingReference("an article")
                            }
                            e => e,
                        })?;
                }
                Ok(())
            })
            .await
    }

    async fn redirect(&self, from: &str) -> StoreResult<Option<Resolved>> {
        let from = from.to_owned();
        let row: Option<(Option<i64>, Option<String>, Option<String>)> = self
            .readers
            .read(move |conn| {
                let mut stmt = conn
                    .prepare_cached(
                        "SELECT a.id, a.slug, r.target FROM redirects r \
                         LEFT JOIN articles a ON a.id = r.article_id WHERE r.from_path = ?1",
                    )
                    .map_err(sql_err)?;
                let mut rows = stmt.query([from]).map_err(sql_err)?;
                match rows.next().map_err(sql_err)? {
                    Some(r) => Ok(Some((
                        r.get(0).map_err(sql_err)?,
                        r.get(1).map_err(sql_err)?,
                        r.get(2).map_err(sql_err)?,
                    ))),
                    None => Ok(None),
                }
            })
            .await?;
        row.map(|(id, slug, t)| gazette_store_sql::resolved_redirect(id.zip(slug), t))
            .transpose()
    }

    async fn redirects(&self, page: Page) -> StoreResult<Vec<(String, Resolved)>> {
        let rows: Vec<(String, Option<i64>, Option<String>, Option<String>)> = self
            .readers
            .read(move |conn| {
                conn.prepare_cached(
                    "SELECT r.from_path, a.id, a.slug, r.target FROM redirects r \
                     LEFT JOIN articles a ON a.id = r.article_id \
                     ORDER BY r.from_path LIMIT ?1 OFFSET ?2",
                )
                .and_then(|mut stmt| {
                    stmt.query_map(rusqlite::params![page.limit, page.offset as i64], |r| {
                        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
                    })?
                    .collect()
                })
                .map_err(sql_err)
            })
            .await?;
        rows.into_iter()
            .map(|(from, id, slug, t)| {
                Ok((from, gazette_store_sql::resolved_redirect(id.zip(slug), t)?))
            })
            .collect()
    }

    async fn count_redirects(&self) -> StoreResult<u64> {
        let n: i64 = self
            .readers
            .read(|conn| {
                conn.prepare_cached("SELECT COUNT(*) FROM redirects")
                    .and_then(|mut s| s.query_row([], |r| r.get(0)))
                    .map_err(sql_err)
            })
            .await?;
        Ok(n as u64)
    }
}
