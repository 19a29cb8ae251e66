//! Counted views: daily and weekly counters, article totals, and the
//! readers already counted when nodes share that decision.

use async_trait::async_trait;
use jiff::civil::Date;

use gazette_domain::ArticleId;
use gazette_store::{DailyViews, DayCount, ReaderView, StoreError, StoreResult, ViewStore};

use crate::{SqliteStore, db_err};

/// Adds the rows of `temp.batch_views` (article, day, week, views) to the
/// daily, weekly and total counters. Every statement groups in SQL.
const ADD_BATCH: [&str; 3] = [
    "INSERT INTO article_daily_views (article_id, day, views) \
     SELECT article_id, day, SUM(views) FROM temp.batch_views WHERE true GROUP BY article_id, day \
     ON CONFLICT (article_id, day) DO UPDATE SET views = views + excluded.views",
    "INSERT INTO article_weekly_views (week, article_id, published_at, views) \
     SELECT b.week, b.article_id, COALESCE(a.published_at, 0), SUM(b.views) \
     FROM temp.batch_views b JOIN articles a ON a.id = b.article_id WHERE true \
     GROUP BY b.week, b.article_id \
     ON CONFLICT (week, article_id) DO UPDATE SET views = views + excluded.views",
    "UPDATE articles SET views = views + t.n \
     FROM (SELECT article_id, SUM(views) AS n FROM temp.batch_views GROUP BY article_id) t \
     WHERE articles.id = t.article_id",
];

impl SqliteStore {
    /// Runs the statements that fill and add up `temp.batch_views`, in one
    /// write transaction, after `fill` (which may return a count).
    async fn add_batch(
        &self,
        fill: &[(&'static str, Option<&str>)],
        count: Option<&'static str>,
    ) -> StoreResult<u64> {
        let mut tx = self.write().await?;
        for sql in [
            "CREATE TEMP TABLE IF NOT EXISTS batch_views \
             (article_id INTEGER NOT NULL, day TEXT NOT NULL, week TEXT NOT NULL, views INTEGER NOT NULL)",
            "CREATE TEMP TABLE IF NOT EXISTS batch_readers \
             (day TEXT NOT NULL, reader BLOB NOT NULL, article_id INTEGER NOT NULL, week TEXT NOT NULL, \
              PRIMARY KEY (day, reader)) WITHOUT ROWID",
            "DELETE FROM temp.batch_views",
            "DELETE FROM temp.batch_readers",
        ] {
            sqlx::query(sql).execute(&mut *tx).await.map_err(db_err)?;
        }
        for (sql, json) in fill {
            let mut query = sqlx::query(*sql);
            if let Some(json) = json {
                query = query.bind(*json);
            }
            query.execute(&mut *tx).await.map_err(db_err)?;
        }
        let counted: i64 = match count {
            Some(sql) => sqlx::query_scalar(sql)
                .fetch_one(&mut *tx)
                .await
                .map_err(db_err)?,
            None => 0,
        };
        for sql in ADD_BATCH {
            sqlx::query(sql).execute(&mut *tx).await.map_err(db_err)?;
        }
        for sql in [
            "DELETE FROM temp.batch_views",
            "DELETE FROM temp.batch_readers",
        ] {
            sqlx::query(sql).execute(&mut *tx).await.map_err(db_err)?;
        }
        tx.commit().await.map_err(db_err)?;
        Ok(counted.max(0) as u64)
    }
}

#[async_trait]
impl ViewStore for SqliteStore {
    async fn add_views(&self, views: &[DailyViews]) -> StoreResult<()> {
        let rows: Vec<(i64, String, String, i64)> = views
            .iter()
            .filter(|v| v.views > 0)
            .map(|v| {
                let n = i64::try_from(v.views).map_err(StoreError::other)?;
                Ok((v.article.0, v.day.to_string(), v.week.to_string(), n))
            })
            .collect::<StoreResult<_>>()?;
        if rows.is_empty() {
            return Ok(());
        }
        let json = serde_json::to_string(&rows).map_err(StoreError::other)?;
        // Views of a story deleted since they were counted are dropped by
        // the join, not allowed to fail the whole batch.
        self.add_batch(
            &[(
                "INSERT INTO temp.batch_views (article_id, day, week, views) \
                 SELECT a.id, j.value ->> 1, j.value ->> 2, j.value ->> 3 \
                 FROM json_each(?1) j JOIN articles a ON a.id = j.value ->> 0",
                Some(&json),
            )],
            None,
        )
        .await?;
        Ok(())
    }

    async fn add_reader_views(&self, views: &[ReaderView]) -> StoreResult<u64> {
        if views.is_empty() {
            return Ok(0);
        }
        let rows: Vec<(i64, String, String, String)> = views
            .iter()
            .map(|v| {
                (
                    v.article.0,
                    v.day.to_string(),
                    v.week.to_string(),
                    hex(&v.reader),
                )
            })
            .collect();
        let json = serde_json::to_string(&rows).map_err(StoreError::other)?;
        self.add_batch(
            &[
                // The batch's distinct readers of live rows...
                (
                    "INSERT OR IGNORE INTO temp.batch_readers (day, reader, article_id, week) \
                     SELECT j.value ->> 1, unhex(j.value ->> 3), a.id, j.value ->> 2 \
                     FROM json_each(?1) j JOIN articles a ON a.id = j.value ->> 0",
                    Some(&json),
                ),
                // ...less those already counted that day...
                (
                    "DELETE FROM temp.batch_readers WHERE EXISTS \
                     (SELECT 1 FROM main.view_readers v \
                      WHERE v.day = batch_readers.day AND v.reader = batch_readers.reader)",
                    None,
                ),
                // ...are now counted, one view each.
                (
                    "INSERT INTO main.view_readers (day, reader) \
                     SELECT day, reader FROM temp.batch_readers",
                    None,
                ),
                (
                    "INSERT INTO temp.batch_views (article_id, day, week, views) \
                     SELECT article_id, day, week, 1 FROM temp.batch_readers",
                    None,
                ),
            ],
            Some("SELECT COUNT(*) FROM temp.batch_readers"),
        )
        .await
    }

    async fn forget_readers_before(&self, day: Date) -> StoreResult<u64> {
        let mut tx = self.write().await?;
        let n = sqlx::query("DELETE FROM view_readers WHERE day < ?1")
            .bind(day.to_string())
            .execute(&mut *tx)
            .await
            .map_err(db_err)?
            .rows_affected();
        tx.commit().await.map_err(db_err)?;
        Ok(n)
    }

    async fn site_daily_views(&self, from: Date, to: Date) -> StoreResult<Vec<DayCount>> {
        let rows: Vec<(String, i64)> = sqlx::query_as(
            "SELECT day, SUM(views) FROM article_daily_views \
             WHERE day BETWEEN ?1 AND ?2 GROUP BY day ORDER BY day",
        )
        .bind(from.to_string())
        .bind(to.to_string())
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        gazette_store_sql::rows::day_counts(rows)
    }

    async fn daily_views(
        &self,
        article: ArticleId,
        from: Date,
        to: Date,
    ) -> StoreResult<Vec<DayCount>> {
        let rows: Vec<(String, i64)> = sqlx::query_as(
            "SELECT day, views FROM article_daily_views \
             WHERE article_id = ?1 AND day BETWEEN ?2 AND ?3 ORDER BY day",
        )
        .bind(article.0)
        .bind(from.to_string())
        .bind(to.to_string())
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        gazette_store_sql::rows::day_counts(rows)
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
