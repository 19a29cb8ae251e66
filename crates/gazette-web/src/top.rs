//! Weekly top stories: the current week's ranking, cached for a minute;
//! rankings of ended weeks, frozen once and read back unchanged.

use std::time::{Duration, Instant};

use gazette_domain::{IsoWeek, TopStory};
use gazette_store::{StoreResult, WeekWindow};
use jiff::{SignedDuration, Timestamp};
use tokio::sync::Mutex;

use crate::AppState;

/// How long a computed ranking is shown before it is computed again.
const FRESH_FOR: Duration = Duration::from_secs(60);
/// Stories in the header strip.
pub const STRIP_LEN: usize = 5;
/// Stories in a week's full ranking.
pub const RANKING_LEN: u32 = 10;
/// A week is frozen this long after it ends, once every node has written
/// the views of its last minutes.
const FREEZE_GRACE: SignedDuration = SignedDuration::from_mins(5);

/// A week's ranking and whether it can still change.
pub struct Ranking {
    pub week: IsoWeek,
    pub stories: Vec<TopStory>,
    pub frozen: bool,
    pub current: bool,
}

#[derive(Default)]
pub struct TopStoriesCache {
    inner: Mutex<Option<(IsoWeek, Instant, Vec<TopStory>)>>,
}

impl TopStoriesCache {
    /// This week's ranking on the newsroom's clock.
    pub async fn current(&self, state: &AppState) -> StoreResult<(IsoWeek, Vec<TopStory>)> {
        let week = IsoWeek::of_zoned(&state.newsroom.now());
        let mut slot = self.inner.lock().await;
        if let Some((w, at, list)) = slot.as_ref()
            && *w == week
            && at.elapsed() < FRESH_FOR
        {
            return Ok((week, list.clone()));
        }
        let window = WeekWindow::for_week(week, &state.newsroom.time_zone);
        let list = state.store.top_stories(window, RANKING_LEN).await?;
        *slot = Some((week, Instant::now(), list.clone()));
        Ok((week, list))
    }
}

/// Any week's ranking: the current week live (cached), an ended week
/// frozen (freezing it on first request after the grace period), a future
/// week empty.
pub async fn ranking(state: &AppState, week: IsoWeek) -> StoreResult<Ranking> {
    let now = state.newsroom.now();
    let this_week = IsoWeek::of_zoned(&now);
    if week > this_week {
        return Ok(Ranking {
            week,
            stories: Vec::new(),
            frozen: false,
            current: false,
        });
    }
    if week == this_week {
        let (_, stories) = state.top.current(state).await?;
        return Ok(Ranking {
            week,
            stories,
            frozen: false,
            current: true,
        });
    }
    if let Some(stories) = state.store.frozen_top_stories(week).await? {
        return Ok(Ranking {
            week,
            stories,
            frozen: true,
            current: false,
        });
    }
    let tz = &state.newsroom.time_zone;
    let stories = state
        .store
        .top_stories(WeekWindow::for_week(week, tz), RANKING_LEN)
        .await?;
    if may_freeze(week, tz, Timestamp::now()) {
        state.store.freeze_top_stories(week, &stories).await?;
        // Another node may have frozen it first: show what was kept.
        if let Some(kept) = state.store.frozen_top_stories(week).await? {
            return Ok(Ranking {
                week,
                stories: kept,
                frozen: true,
                current: false,
            });
        }
    }
    Ok(Ranking {
        week,
        stories,
        frozen: false,
        current: false,
    })
}

/// Whether `week` ended long enough ago to be frozen.
fn may_freeze(week: IsoWeek, tz: &jiff::tz::TimeZone, now: Timestamp) -> bool {
    week.end(tz).timestamp() + FREEZE_GRACE <= now
}

/// Freezes last week's ranking once its grace period is over.
pub async fn freeze_ended(state: &AppState) -> StoreResult<()> {
    let last = IsoWeek::of_zoned(&state.newsroom.now()).previous();
    if may_freeze(last, &state.newsroom.time_zone, Timestamp::now())
        && state.store.frozen_top_stories(last).await?.is_none()
    {
        ranking(state, last).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weeks_freeze_after_their_local_end_and_grace() {
        let tz = jiff::tz::TimeZone::get("America/New_York").unwrap();
        let w: IsoWeek = "2025-W48".parse().unwrap();
        // Monday 2025-12-01 00:00 in New York is 05:00 UTC.
        let at = |s: &str| s.parse::<Timestamp>().unwrap();
        assert!(
            !may_freeze(w, &tz, at("2025-12-01T04:59:00Z")),
            "still Sunday in New York"
        );
        assert!(
            !may_freeze(w, &tz, at("2025-12-01T05:04:00Z")),
            "within the grace period"
        );
        assert!(may_freeze(w, &tz, at("2025-12-01T05:05:00Z")));
    }
}
