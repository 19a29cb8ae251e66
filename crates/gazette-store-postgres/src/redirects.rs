//! Old addresses, upserted in one statement per batch.

use async_trait::async_trait;
use gazette_store::{
    Page, Redirect, RedirectStore, RedirectTarget, Resolved, StoreError, StoreResult,
};

use crate::{PgStore, db_err};

#[async_trait]
impl RedirectStore for PgStore {
    async fn save_redirects(&self, redirects: &[Redirect]) -> StoreResult<()> {
        if redirects.is_empty() {
            return Ok(());
        }
        let mut from = Vec::with_capacity(redirects.len());
        let mut article = Vec::with_capacity(redirects.len());
        let mut target = Vec::with_capacity(redirects.len());
        // One row per address: the last one given wins, as one by one.
        let mut seen = std::collections::HashMap::new();
        for r in redirects {
            seen.insert(r.from.as_str(), &r.to);
        }
        for (f, to) in seen {
            from.push(f.to_owned());
            match to {
                RedirectTarget::Article(id) => {
                    article.push(Some(id.0));
                    target.push(None);
                }
                RedirectTarget::Place(p) => {
                    article.push(None);
                    target.push(Some(p.to_string()));
                }
            }
        }
        sqlx::query(
            "INSERT INTO redirects (from_path, article_id, target) \
             SELECT * FROM UNNEST($1::text[], $2::bigint[], $3::text[]) \
             ON CONFLICT (from_path) DO UPDATE SET article_id = excluded.article_id, \
             target = excluded.target",
        )
        .bind(&from)
        .bind(&article)
        .bind(&target)
        .execute(&self.pool)
        .await
        .map_err(|e| match db_err(e) {
            StoreError::MissingReference(_) => StoreError::MissingReference("an article"),
            e => e,
        })?;
        Ok(())
    }

    async fn redirect(&self, from: &str) -> StoreResult<Option<Resolved>> {
        let row: Option<(Option<i64>, Option<String>, Option<String>)> = sqlx::query_as(
            "SELECT a.id, a.slug, r.target FROM redirects r \
             LEFT JOIN articles a ON a.id = r.article_id WHERE r.from_path = $1",
        )
        .bind(from)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_err)?;
        row.map(|(id, slug, t)| gazette_store_sql::resolved_redirect(id.zip(slug), t))
            .transpose()
    }

    async fn redirects(&self, page: Page) -> StoreResult<Vec<(String, Resolved)>> {
        let rows: Vec<(String, Option<i64>, Option<String>, Option<String>)> = sqlx::query_as(
            "SELECT r.from_path, a.id, a.slug, r.target FROM redirects r \
             LEFT JOIN articles a ON a.id = r.article_id \
             ORDER BY r.from_path COLLATE \"C\" LIMIT $1 OFFSET $2",
        )
        .bind(i64::from(page.limit))
        .bind(page.offset as i64)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        rows.into_iter()
            .map(|(from, id, slug, t)| {
                Ok((from, gazette_store_sql::resolved_redirect(id.zip(slug), t)?))
            })
            .collect()
    }

    async fn count_redirects(&self) -> StoreResult<u64> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM redirects")
            .fetch_one(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(n as u64)
    }
}
