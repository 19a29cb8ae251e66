//! Counted views. Each batch is one statement: data-modifying CTEs add the
//! daily, weekly and total counters (and, for shared readers, record the
//! readers first, counting only those not already recorded). Flushes from
//! all nodes take one advisory lock in turn, so that their row locks can
//! never deadlock.

use async_trait::async_trait;
use jiff::civil::Date;

use gazette_domain::ArticleId;
use gazette_store::{DailyViews, DayCount, ReaderView, StoreError, StoreResult, ViewStore};

use crate::{PgStore, db_err};

/// The advisory lock every view flush takes (any number, the same on every
/// node).
const FLUSH_LOCK: i64 = 0x6761_7a65_7474_6501;

/// Adds `counted (article_id, day, week, views)` to the counters. The
/// caller's CTEs define `counted`; this is the common tail.
macro_rules! add_counted {
    ($head:literal, $result:literal) => {
        concat!(
            $head,
            ", daily AS ( \
               INSERT INTO article_daily_views (article_id, day, views) \
               SELECT article_id, day, SUM(views)::bigint FROM counted GROUP BY article_id, day \
               ON CONFLICT (article_id, day) DO UPDATE SET views = article_daily_views.views + EXCLUDED.views), \
             weekly AS ( \
               INSERT INTO article_weekly_views (week, article_id, published_at, views) \
               SELECT c.week, c.article_id, COALESCE(a.published_at, 0), SUM(c.views)::bigint \
               FROM counted c JOIN articles a ON a.id = c.article_id \
               GROUP BY c.week, c.article_id, a.published_at \
               ON CONFLICT (week, article_id) DO UPDATE SET views = article_weekly_views.views + EXCLUDED.views), \
             totals AS ( \
               UPDATE articles SET views = articles.views + t.n \
               FROM (SELECT article_id, SUM(views)::bigint AS n FROM counted GROUP BY article_id) t \
               WHERE articles.id = t.article_id) ",
            $result
        )
    };
}

impl PgStore {
    async fn locked_flush<T>(
        &self,
        run: impl AsyncFnOnce(&mut sqlx::PgConnection) -> StoreResult<T>,
    ) -> StoreResult<T> {
        let mut tx = self.write().await?;
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(FLUSH_LOCK)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        let out = run(&mut *tx).await?;
        tx.commit().await.map_err(db_err)?;
        Ok(out)
    }
}

#[async_trait]
impl ViewStore for PgStore {
    async fn add_views(&self, views: &[DailyViews]) -> StoreResult<()> {
        let views: Vec<&DailyViews> = views.iter().filter(|v| v.views > 0).collect();
        if views.is_empty() {
            return Ok(());
        }
        let ids: Vec<i64> = views.iter().map(|v| v.article.0).collect();
        let days: Vec<String> = views.iter().map(|v| v.day.to_string()).collect();
        let weeks: Vec<String> = views.iter().map(|v| v.week.to_string()).collect();
        let counts: Vec<i64> = views
            .iter()
            .map(|v| i64::try_from(v.views).map_err(StoreError::other))
            .collect::<StoreResult<_>>()?;
        self.locked_flush(async move |conn| {
            // Views of a story deleted since they were counted are dropped
            // by the join, not allowed to fail the whole batch.
            sqlx::query(add_counted!(
                "WITH counted AS ( \
                   SELECT t.article_id, t.day::date AS day, t.week, t.views \
                   FROM unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[]) \
                     AS t(article_id, day, week, views) \
                   JOIN articles a ON a.id = t.article_id)",
                "SELECT 1"
            ))
            .bind(&ids)
            .bind(&days)
            .bind(&weeks)
            .bind(&counts)
            .execute(&mut *conn)
            .await
            .map_err(db_err)?;
            Ok(())
        })
        .await
    }

    async fn add_reader_views(&self, views: &[ReaderView]) -> StoreResult<u64> {
        if views.is_empty() {
            return Ok(0);
        }
        let ids: Vec<i64> = views.iter().map(|v| v.article.0).collect();
        let days: Vec<String> = views.iter().map(|v| v.day.to_string()).collect();
        let weeks: Vec<String> = views.iter().map(|v| v.week.to_string()).collect();
        let readers: Vec<Vec<u8>> = views.iter().map(|v| v.reader.to_vec()).collect();
        self.locked_flush(async move |conn| {
            let n: i64 = sqlx::query_scalar(add_counted!(
                "WITH input AS ( \
                   SELECT DISTINCT ON (t.day, t.reader) t.article_id, t.day::date AS day, t.week, t.reader \
                   FROM unnest($1::bigint[], $2::text[], $3::text[], $4::bytea[]) \
                     AS t(article_id, day, week, reader) \
                   JOIN articles a ON a.id = t.article_id), \
                 fresh AS ( \
                   INSERT INTO view_readers (day, reader) SELECT day, reader FROM input \
                   ON CONFLICT DO NOTHING RETURNING day, reader), \
                 counted AS ( \
                   SELECT i.article_id, i.day, i.week, 1::bigint AS views \
                   FROM input i JOIN fresh f ON f.day = i.day AND f.reader = i.reader)",
                "SELECT COUNT(*) FROM counted"
            ))
            .bind(&ids)
            .bind(&days)
            .bind(&weeks)
            .bind(&readers)
            .fetch_one(&mut *conn)
            .await
            .map_err(db_err)?;
            Ok(n.max(0) as u64)
        })
        .await
    }

    async fn forget_readers_before(&self, day: Date) -> StoreResult<u64> {
        let n = sqlx::query("DELETE FROM view_readers WHERE day < $1::date")
            .bind(day.to_string())
            .execute(&self.pool)
            .await
            .map_err(db_err)?
            .rows_affected();
        Ok(n)
    }

    async fn site_daily_views(&self, from: Date, to: Date) -> StoreResult<Vec<DayCount>> {
        let rows: Vec<(String, i64)> = sqlx::query_as(
            "SELECT to_char(day, 'YYYY-MM-DD'), SUM(views)::bigint FROM article_daily_views \
             WHERE day BETWEEN $1::date AND $2::date GROUP BY day ORDER BY day",
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
            "SELECT to_char(day, 'YYYY-MM-DD'), views FROM article_daily_views \
             WHERE article_id = $1 AND day BETWEEN $2::date AND $3::date ORDER BY day",
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
