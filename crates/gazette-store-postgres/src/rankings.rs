//! What weekly rankings read: selections only, in no order. The ranking
//! formula and its tie-breaks are gazette-core's.

use std::collections::HashMap;

use async_trait::async_trait;
use jiff::Timestamp;

use gazette_domain::{ArticleId, IsoWeek, TopStory};
use gazette_store::{
    ArticleStore, Change, RankingCandidate, RankingStore, StoreError, StoreResult, WeekWindow,
};

use gazette_store_sql::rows;

use crate::{PgStore, db_err, record_change};

type CandidateRow = (i64, i64, i64, i64);

fn candidates(rows: Vec<CandidateRow>) -> StoreResult<Vec<RankingCandidate>> {
    rows.into_iter()
        .map(|(id, views, comments, published_at)| {
            Ok(RankingCandidate {
                article: ArticleId(id),
                week_views: views.max(0) as u64,
                comments: comments.max(0) as u64,
                published_at: rows::ts(published_at)?,
            })
        })
        .collect()
}

#[async_trait]
impl RankingStore for PgStore {
    async fn most_viewed(
        &self,
        window: &WeekWindow,
        limit: u32,
        now: Timestamp,
    ) -> StoreResult<Vec<RankingCandidate>> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        // The cut is the views of the `limit`-th story down the week's
        // (week, views DESC) index; everything at or above it comes back.
        let rows: Vec<CandidateRow> = sqlx::query_as(
            "WITH eligible AS ( \
               SELECT w.article_id, w.views, a.comments, a.published_at \
               FROM article_weekly_views w JOIN articles a ON a.id = w.article_id \
               WHERE w.week = $1 AND w.views > 0 \
                 AND w.published_at >= $2 AND w.published_at < $3 \
                 AND a.status = 'published' AND a.kind = 'story' AND a.published_at >= $2 AND a.published_at < $3 \
                 AND a.published_at <= $4), \
             cut AS (SELECT views FROM eligible ORDER BY views DESC LIMIT 1 OFFSET $5) \
             SELECT article_id, views, comments, published_at FROM eligible \
             WHERE views >= COALESCE((SELECT views FROM cut), 1)",
        )
        .bind(window.week.to_string())
        .bind(window.published_from.as_second())
        .bind(window.published_until.as_second())
        .bind(now.as_second())
        .bind(i64::from(limit) - 1)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        candidates(rows)
    }

    async fn most_commented_unviewed(
        &self,
        window: &WeekWindow,
        limit: u32,
        now: Timestamp,
    ) -> StoreResult<Vec<RankingCandidate>> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        let rows: Vec<CandidateRow> = sqlx::query_as(
            "WITH eligible AS ( \
               SELECT a.id, a.comments, a.published_at FROM articles a \
               WHERE a.status = 'published' AND a.kind = 'story' AND a.published_at >= $2 AND a.published_at < $3 \
                 AND a.published_at <= $4 \
                 AND NOT EXISTS (SELECT 1 FROM article_weekly_views w \
                                 WHERE w.week = $1 AND w.article_id = a.id AND w.views > 0)), \
             cut AS (SELECT comments FROM eligible ORDER BY comments DESC LIMIT 1 OFFSET $5) \
             SELECT id, 0::bigint, comments, published_at FROM eligible \
             WHERE comments >= COALESCE((SELECT comments FROM cut), 0)",
        )
        .bind(window.week.to_string())
        .bind(window.published_from.as_second())
        .bind(window.published_until.as_second())
        .bind(now.as_second())
        .bind(i64::from(limit) - 1)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        candidates(rows)
    }

    async fn frozen_ranking(&self, week: IsoWeek) -> StoreResult<Option<Vec<TopStory>>> {
        let frozen: Option<i64> =
            sqlx::query_scalar("SELECT frozen_at FROM top_stories_weeks_frozen WHERE week = $1")
                .bind(week.to_string())
                .fetch_optional(&self.pool)
                .await
                .map_err(db_err)?;
        if frozen.is_none() {
            return Ok(None);
        }
        let ranked: Vec<(i64, i64, i64)> = sqlx::query_as(
            "SELECT rank::bigint, article_id, views FROM top_stories_frozen WHERE week = $1 ORDER BY rank",
        )
        .bind(week.to_string())
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        let ids: Vec<ArticleId> = ranked.iter().map(|r| ArticleId(r.1)).collect();
        let mut summaries: HashMap<ArticleId, _> = self
            .summaries(&ids)
            .await?
            .into_iter()
            .map(|s| (s.id, s))
            .collect();
        Ok(Some(
            ranked
                .into_iter()
                .filter_map(|(rank, id, views)| {
                    summaries.remove(&ArticleId(id)).map(|article| TopStory {
                        rank: rank.max(0) as u32,
                        article,
                        week_views: views.max(0) as u64,
                    })
                })
                .collect(),
        ))
    }

    async fn freeze_ranking(
        &self,
        week: IsoWeek,
        ranking: &[(ArticleId, u64)],
        frozen_by: &str,
        now: Timestamp,
    ) -> StoreResult<bool> {
        let mut tx = self.write().await?;
        let first = sqlx::query(
            "INSERT INTO top_stories_weeks_frozen (week, frozen_at, frozen_by) VALUES ($1, $2, $3) \
             ON CONFLICT (week) DO NOTHING",
        )
        .bind(week.to_string())
        .bind(now.as_second())
        .bind(frozen_by)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?
        .rows_affected()
            == 1;
        if first {
            for (i, (article, views)) in ranking.iter().enumerate() {
                sqlx::query(
                    "INSERT INTO top_stories_frozen (week, rank, article_id, views) \
                     VALUES ($1, $2, $3, $4)",
                )
                .bind(week.to_string())
                .bind(i as i32 + 1)
                .bind(article.0)
                .bind(i64::try_from(*views).map_err(StoreError::other)?)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
            }
            record_change(&mut tx, Change::Ranking(week)).await?;
        }
        tx.commit().await.map_err(db_err)?;
        Ok(first)
    }

    async fn frozen_weeks(&self) -> StoreResult<Vec<IsoWeek>> {
        let weeks: Vec<String> = sqlx::query_scalar(
            "SELECT week FROM top_stories_weeks_frozen ORDER BY week COLLATE \"C\"",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        weeks
            .into_iter()
            .map(|w| w.parse().map_err(StoreError::other))
            .collect()
    }
}
