use async_trait::async_trait;
use jiff::civil::Date;

use gazette_domain::{ArticleId, IsoWeek};

use crate::StoreResult;

/// Views counted for one article on one day of the newsroom's calendar.
/// `week` is the ISO week of `day` (worked out by the caller, so that the
/// calendar rule lives in one place).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DailyViews {
    pub article: ArticleId,
    pub day: Date,
    pub week: IsoWeek,
    pub views: u64,
}

/// One reader's view of one article on one day, for nodes that share the
/// decision of who was already counted. `reader` is a keyed hash that the
/// store cannot reverse: it never sees an address or a user agent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReaderView {
    pub article: ArticleId,
    pub day: Date,
    pub week: IsoWeek,
    pub reader: [u8; 16],
}

/// Views of one article on one day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct DayCount {
    pub day: Date,
    pub views: u64,
}

#[async_trait]
pub trait ViewStore: Send + Sync + 'static {
    /// Adds views already decided to count to the per-article daily and
    /// weekly counters and to the articles' totals, all in one
    /// transaction. Rows may repeat an (article, day); they add up.
    async fn add_views(&self, views: &[DailyViews]) -> StoreResult<()>;

    /// Adds the views of readers not yet recorded for that day, in one
    /// transaction: a reader already recorded (by this node or another)
    /// adds nothing, and a reader named twice in `views` counts once.
    /// Returns how many views were added.
    async fn add_reader_views(&self, views: &[ReaderView]) -> StoreResult<u64>;

    /// Forgets the readers recorded for days before `day`. Returns how many
    /// were forgotten.
    async fn forget_readers_before(&self, day: Date) -> StoreResult<u64>;

    /// Every article's counted views added up per day, oldest first, days
    /// with none left out (the dashboard's chart).
    async fn site_daily_views(&self, from: Date, to: Date) -> StoreResult<Vec<DayCount>>;

    /// An article's counted views per day, oldest first, days with none
    /// left out.
    async fn daily_views(
        &self,
        article: ArticleId,
        from: Date,
        to: Date,
    ) -> StoreResult<Vec<DayCount>>;
}
