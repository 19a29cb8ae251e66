//! "Top stories, week 48": the weekly ranking, once.
//!
//! A week is the ISO week on the newsroom's clock. Its eligible stories
//! are those published in the week or the [`TOP_STORIES_WEEKS`]` - 1`
//! weeks before, and live now. They are ranked by the views they got
//! during the week, then by approved comments, then newest first (then by
//! id, so that the order is total). The store only selects candidates;
//! [`rank`] orders them.
//!
//! The current week's list is cached for a minute on each node. An ended
//! week is frozen by a background job ([`Rankings::freeze_ended`]) once its
//! grace period is over, on one node at a time; reading a week never
//! writes.

use std::{
    cmp::Ordering,
    collections::HashMap,
    sync::Arc,
    time::{Duration, Instant},
};

use jiff::{SignedDuration, Timestamp, tz::TimeZone};
use tokio::sync::Mutex;

use gazette_domain::{IsoWeek, TopStory};
use gazette_store::{
    RankingCandidate, Store, StoreError, StoreResult, TOP_STORIES_WEEKS, WeekWindow,
};

/// How a week's list is made, in one sentence; shown on the page and in
/// the API.
pub const FORMULA: &str = "Stories published in the week or the three weeks before it, ranked by the views they got during the week (one per reader per day, robots left out), then by approved comments, then newest first. A week's list is frozen five minutes after the week ends (Monday 00:00 on the newsroom's clock).";

/// How long a computed ranking of the current week is shown before it is
/// computed again.
const FRESH_FOR: Duration = Duration::from_secs(60);
/// Stories in a week's full ranking.
pub const RANKING_LEN: u32 = 10;
/// A week is frozen this long after it ends, once every node has written
/// the views of its last minutes.
pub const FREEZE_GRACE: SignedDuration = SignedDuration::from_mins(5);
/// Weeks one run of the freezing job freezes at most; the next run goes on.
const FREEZE_BATCH: usize = 60;

/// The ranking window of `week` on the wall clock of `tz`.
pub fn window(week: IsoWeek, tz: &TimeZone) -> StoreResult<WeekWindow> {
    let first = week
        .offset(-i64::from(TOP_STORIES_WEEKS - 1))
        .ok_or_else(|| {
            StoreError::Invalid(gazette_domain::DomainError::Invalid {
                what: "ISO week",
                value: week.to_string(),
                why: "it is too early to have a ranking".into(),
            })
        })?;
    Ok(WeekWindow {
        week,
        first_day: week.monday(),
        last_day: week.sunday(),
        published_from: first.start(tz)?.timestamp(),
        published_until: week.end(tz)?.timestamp(),
    })
}

/// The ranking order: more week views first, then more comments, then
/// newer, then the higher id.
pub fn order(a: &RankingCandidate, b: &RankingCandidate) -> Ordering {
    b.week_views
        .cmp(&a.week_views)
        .then(b.comments.cmp(&a.comments))
        .then(b.published_at.cmp(&a.published_at))
        .then(b.article.cmp(&a.article))
}

/// Orders candidates and keeps the first `limit`.
pub fn rank(mut candidates: Vec<RankingCandidate>, limit: u32) -> Vec<RankingCandidate> {
    candidates.sort_by(order);
    candidates.dedup_by_key(|c| c.article);
    candidates.truncate(limit as usize);
    candidates
}

/// A week's ranking and whether it can still change.
#[derive(Debug, Clone)]
pub struct Ranking {
    pub week: IsoWeek,
    pub stories: Vec<TopStory>,
    pub frozen: bool,
    pub current: bool,
}

/// Why a week has no ranking to show.
#[derive(Debug, thiserror::Error)]
pub enum RankingError {
    #[error(
        "there is no ranking for that week: it is before the newsroom's first story or after this week"
    )]
    NoSuchWeek,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// This week's ranking, when it was computed, and the stories.
type CurrentRanking = (IsoWeek, Instant, Arc<Vec<TopStory>>);

#[derive(Default)]
pub struct Rankings {
    /// Shared, not copied: every reader page shows it.
    current: Mutex<Option<CurrentRanking>>,
    first_week: Mutex<Option<Option<IsoWeek>>>,
}

impl Rankings {
    /// Forgets what is cached, after a change.
    pub async fn forget(&self) {
        *self.current.lock().await = None;
        *self.first_week.lock().await = None;
    }

    /// Computes `week`'s ranking now from the store.
    pub async fn compute(
        &self,
        store: &dyn Store,
        tz: &TimeZone,
        week: IsoWeek,
        limit: u32,
        now: Timestamp,
    ) -> StoreResult<Vec<TopStory>> {
        let w = window(week, tz)?;
        let mut candidates = store.most_viewed(&w, limit, now).await?;
        if candidates.len() < limit as usize {
            let missing = limit - candidates.len() as u32;
            candidates.extend(store.most_commented_unviewed(&w, missing, now).await?);
        }
        let ranked = rank(candidates, limit);
        let ids: Vec<_> = ranked.iter().map(|c| c.article).collect();
        let mut summaries: HashMap<_, _> = store
            .summaries(&ids)
            .await?
            .into_iter()
            .map(|s| (s.id, s))
            .collect();
        Ok(ranked
            .into_iter()
            .filter_map(|c| summaries.remove(&c.article).map(|s| (s, c.week_views)))
            .enumerate()
            .map(|(i, (article, week_views))| TopStory {
                rank: i as u32 + 1,
                article,
                week_views,
            })
            .collect())
    }

    /// This week's ranking, cached for a minute.
    pub async fn current(
        &self,
        store: &dyn Store,
        tz: &TimeZone,
        now: Timestamp,
    ) -> StoreResult<(IsoWeek, Arc<Vec<TopStory>>)> {
        let week = IsoWeek::of_zoned(&now.to_zoned_datetime(tz.clone()))?;
        let mut slot = self.current.lock().await;
        if let Some((w, at, list)) = slot.as_ref()
            && *w == week
            && at.elapsed() < FRESH_FOR
        {
            return Ok((week, list.clone()));
        }
        let list = Arc::new(self.compute(store, tz, week, RANKING_LEN, now).await?);
        *slot = Some((week, Instant::now(), list.clone()));
        Ok((week, list))
    }

    /// The week of the newsroom's first story, if any (cached).
    pub async fn first_week(
        &self,
        store: &dyn Store,
        tz: &TimeZone,
        now: Timestamp,
    ) -> StoreResult<Option<IsoWeek>> {
        let mut slot = self.first_week.lock().await;
        if let Some(known) = *slot {
            return Ok(known);
        }
        let first = match store.first_published_at(now).await? {
            Some(at) => Some(IsoWeek::of_zoned(&at.to_zoned_datetime(tz.clone()))?),
            None => None,
        };
        *slot = Some(first);
        Ok(first)
    }

    /// Any week's ranking, without writing anything: the current week live
    /// (cached), an ended week frozen if it was, else computed. Weeks after
    /// this one and before the newsroom's first story have none.
    pub async fn week(
        &self,
        store: &dyn Store,
        tz: &TimeZone,
        week: IsoWeek,
        now: Timestamp,
    ) -> Result<Ranking, RankingError> {
        let this_week =
            IsoWeek::of_zoned(&now.to_zoned_datetime(tz.clone())).map_err(StoreError::Invalid)?;
        if week > this_week {
            return Err(RankingError::NoSuchWeek);
        }
        if week == this_week {
            let (_, stories) = self.current(store, tz, now).await?;
            let stories = stories.as_ref().clone();
            return Ok(Ranking {
                week,
                stories,
                frozen: false,
                current: true,
            });
        }
        match self.first_week(store, tz, now).await? {
            Some(first) if week >= first => {}
            _ => return Err(RankingError::NoSuchWeek),
        }
        if let Some(stories) = store.frozen_ranking(week).await? {
            return Ok(Ranking {
                week,
                stories,
                frozen: true,
                current: false,
            });
        }
        let stories = self.compute(store, tz, week, RANKING_LEN, now).await?;
        Ok(Ranking {
            week,
            stories,
            frozen: false,
            current: false,
        })
    }

    /// Freezes every ended week (since the newsroom's first story) whose
    /// grace period is over and that is not frozen yet, up to a batch per
    /// run. Run by the node holding the jobs lease. Returns the weeks this
    /// call froze.
    pub async fn freeze_ended(
        &self,
        store: &dyn Store,
        tz: &TimeZone,
        node: &str,
        now: Timestamp,
    ) -> StoreResult<Vec<IsoWeek>> {
        let Some(first) = self.first_week(store, tz, now).await? else {
            return Ok(Vec::new());
        };
        let frozen: std::collections::HashSet<IsoWeek> =
            store.frozen_weeks().await?.into_iter().collect();
        let mut done = Vec::new();
        let mut week = first;
        while done.len() < FREEZE_BATCH && may_freeze(week, tz, now)? {
            if !frozen.contains(&week) {
                let stories = self.compute(store, tz, week, RANKING_LEN, now).await?;
                let ranking: Vec<_> = stories
                    .iter()
                    .map(|t| (t.article.id, t.week_views))
                    .collect();
                if store.freeze_ranking(week, &ranking, node, now).await? {
                    tracing::info!(week = %week, stories = ranking.len(), node, "froze a week's top stories");
                    done.push(week);
                }
            }
            let Some(next) = week.next() else { break };
            week = next;
        }
        Ok(done)
    }
}

/// Whether `week` ended long enough ago to be frozen.
pub fn may_freeze(week: IsoWeek, tz: &TimeZone, now: Timestamp) -> StoreResult<bool> {
    Ok(week.end(tz)?.timestamp() + FREEZE_GRACE <= now)
}

#[cfg(test)]
mod tests {
    use super::*;
    use gazette_domain::ArticleId;

    fn c(id: i64, views: u64, comments: u64, published: &str) -> RankingCandidate {
        RankingCandidate {
            article: ArticleId(id),
            week_views: views,
            comments,
            published_at: published.parse().unwrap(),
        }
    }

    #[test]
    fn views_then_comments_then_recency_then_id() {
        let ranked = rank(
            vec![
                c(1, 5, 0, "2025-11-24T10:00:00Z"),
                c(2, 5, 1, "2025-11-24T09:00:00Z"),
                c(3, 9, 0, "2025-11-20T09:00:00Z"),
                c(4, 5, 0, "2025-11-26T09:00:00Z"),
                c(5, 5, 0, "2025-11-26T09:00:00Z"),
                c(6, 0, 3, "2025-11-27T09:00:00Z"),
            ],
            10,
        );
        let ids: Vec<i64> = ranked.iter().map(|c| c.article.0).collect();
        assert_eq!(ids, [3, 2, 5, 4, 1, 6]);
        assert_eq!(rank(ranked, 2).len(), 2);
    }

    #[test]
    fn weeks_freeze_after_their_local_end_and_grace() {
        let tz = TimeZone::get("America/New_York").unwrap();
        let w: IsoWeek = "2025-W48".parse().unwrap();
        // Monday 2025-12-01 00:00 in New York is 05:00 UTC.
        let at = |s: &str| s.parse::<Timestamp>().unwrap();
        assert!(!may_freeze(w, &tz, at("2025-12-01T04:59:00Z")).unwrap());
        assert!(!may_freeze(w, &tz, at("2025-12-01T05:04:00Z")).unwrap());
        assert!(may_freeze(w, &tz, at("2025-12-01T05:05:00Z")).unwrap());
    }

    #[test]
    fn the_window_is_four_weeks_of_publication_and_one_of_views() {
        let tz = TimeZone::get("America/New_York").unwrap();
        let w = window("2025-W48".parse().unwrap(), &tz).unwrap();
        assert_eq!(w.first_day.to_string(), "2025-11-24");
        assert_eq!(w.last_day.to_string(), "2025-11-30");
        assert_eq!(
            w.published_from.to_string(),
            "2025-11-03T05:00:00Z",
            "Monday of week 45, New York midnight"
        );
        assert_eq!(w.published_until.to_string(), "2025-12-01T05:00:00Z");
        assert!(window("1000-W02".parse().unwrap(), &tz).is_err());
    }
}
