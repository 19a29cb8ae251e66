//! The current week's top stories, shown on every page, kept for a minute
//! so that page views do not each run the ranking query.

use std::time::{Duration, Instant};

use gazette_domain::{IsoWeek, TopStory};
use gazette_store::{StoreResult, WeekWindow};
use tokio::sync::Mutex;

use crate::AppState;

/// How long a computed ranking is shown before it is computed again.
const FRESH_FOR: Duration = Duration::from_secs(60);
/// Stories in the header strip.
pub const STRIP_LEN: u32 = 5;

#[derive(Default)]
pub struct TopStoriesCache {
    inner: Mutex<Option<(IsoWeek, Instant, Vec<TopStory>)>>,
}

impl TopStoriesCache {
    /// This week's top stories on the newsroom's clock.
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
        let list = state.store.top_stories(window, STRIP_LEN).await?;
        *slot = Some((week, Instant::now(), list.clone()));
        Ok((week, list))
    }
}
