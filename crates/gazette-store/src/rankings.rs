use async_trait::async_trait;
use jiff::{Timestamp, civil::Date};

use gazette_domain::{ArticleId, IsoWeek, TopStory};

use crate::StoreResult;

/// How many weeks of stories compete in a week's ranking: the week itself
/// and the three before it. `gazette-core` builds [`WeekWindow`]s with it.
pub const TOP_STORIES_WEEKS: u8 = 4;

/// The instants and days that bound a ranking week, worked out by
/// `gazette-core` in the newsroom's time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WeekWindow {
    pub week: IsoWeek,
    /// First and last day of the week (Monday, Sunday).
    pub first_day: Date,
    pub last_day: Date,
    /// Stories published from this instant on are eligible...
    pub published_from: Timestamp,
    /// ...up to (not including) this one: the end of the week.
    pub published_until: Timestamp,
}

/// What the ranking formula reads of one eligible story.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RankingCandidate {
    pub article: ArticleId,
    /// Views counted during the week itself.
    pub week_views: u64,
    /// Approved comments.
    pub comments: u64,
    pub published_at: Timestamp,
}

/// What weekly rankings read, and the frozen rankings of ended weeks.
///
/// A story is *eligible* for a window when it is published, was published
/// in `[published_from, published_until)`, and is live at `now`. The store
/// only selects; ordering and tie-breaks are `gazette-core`'s.
#[async_trait]
pub trait RankingStore: Send + Sync + 'static {
    /// Eligible stories viewed during the week: the `limit` with the most
    /// week views and every other one with as many views as the last of
    /// them (all of them when fewer were viewed). In no particular order.
    async fn most_viewed(
        &self,
        window: &WeekWindow,
        limit: u32,
        now: Timestamp,
    ) -> StoreResult<Vec<RankingCandidate>>;

    /// Eligible stories not viewed during the week: the `limit` with the
    /// most approved comments and every other one with as many comments as
    /// the last of them. In no particular order.
    async fn most_commented_unviewed(
        &self,
        window: &WeekWindow,
        limit: u32,
        now: Timestamp,
    ) -> StoreResult<Vec<RankingCandidate>>;

    /// The frozen ranking of a week, in rank order, if it was frozen.
    async fn frozen_ranking(&self, week: IsoWeek) -> StoreResult<Option<Vec<TopStory>>>;

    /// Freezes a week's ranking (`(article, week views)` in rank order).
    /// The first freeze wins: freezing a week again leaves it as it was
    /// and returns false, so that nodes may race safely.
    async fn freeze_ranking(
        &self,
        week: IsoWeek,
        ranking: &[(ArticleId, u64)],
        frozen_by: &str,
        now: Timestamp,
    ) -> StoreResult<bool>;

    /// Every frozen week, oldest first.
    async fn frozen_weeks(&self) -> StoreResult<Vec<IsoWeek>>;
}
