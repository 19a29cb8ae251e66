#![doc = include_str!("../README.md")]
//!
//! [`Core`] holds the store, the newsroom, the [`Clock`] and one service
//! per rule: [`views::ViewCounter`] (who is a reader and how counts reach
//! the store), [`rankings::Rankings`] (the weekly top stories and their
//! freezing), [`comments::Comments`] (spam rules and moderation). The
//! [`jobs`] module runs what a node does on its own: flushing views on
//! every node, following the change feed on every node, and the leased
//! jobs (freezing weeks, forgetting yesterday's readers) on one node at a
//! time.

pub mod accounts;
pub mod articles;
mod clock;
pub mod comments;
pub mod copy;
pub mod editor;
pub mod jobs;
pub mod media;
pub mod names;
pub mod rankings;
pub mod search;
pub mod views;
pub mod wxr;
pub mod wxr_export;

use std::{
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};

use jiff::{SignedDuration, Timestamp, ZonedDateTime};
use rand::RngExt;
use tokio::sync::broadcast;

use gazette_domain::{ArticleInput, Comment, CommentId, IsoWeek, Newsroom, TopStory};
use gazette_store::{Change, Saved, Store, StoreError, StoreResult};

pub use clock::{Clock, ManualClock, SystemClock};
pub use comments::{CommentError, Moderation, Rejection, Submission};
pub use rankings::{FORMULA, Ranking, RankingError};
pub use views::{CounterStats, Dedup, Hit, Outcome, ViewSettings};

/// How a node runs the newsroom's rules.
#[derive(Debug, Clone)]
pub struct CoreConfig {
    pub views: ViewSettings,
    /// Comments one network may post to one node in an hour.
    pub comments_per_hour: u32,
    /// How often counted views are written.
    pub flush_interval: Duration,
    /// How often the leased jobs run on the node that holds the lease.
    pub job_interval: Duration,
    /// How long a lease lasts without renewal: when its holder dies,
    /// another node takes the jobs over after at most this long.
    pub lease_ttl: SignedDuration,
    /// This node's name, unique among the nodes of a newsroom.
    pub node: String,
    /// Where uploaded images' files are kept.
    pub media: media::MediaStorage,
}

impl Default for CoreConfig {
    fn default() -> Self {
        CoreConfig {
            views: ViewSettings::default(),
            comments_per_hour: 10,
            flush_interval: Duration::from_secs(1),
            job_interval: Duration::from_secs(10),
            lease_ttl: SignedDuration::from_secs(30),
            node: new_node_name(),
            media: media::MediaStorage::Database,
        }
    }
}

/// A name for this process among the nodes: its process id and a random
/// part, so that a restarted node is a new holder.
pub fn new_node_name() -> String {
    let r: u32 = rand::rng().random();
    format!("node-{}-{r:08x}", std::process::id())
}

/// The newsroom's services, shared by the web crate, the command line and
/// every node alike.
pub struct Core {
    pub store: Arc<dyn Store>,
    pub newsroom: Newsroom,
    pub clock: Arc<dyn Clock>,
    pub config: CoreConfig,
    pub views: views::ViewCounter,
    pub rankings: rankings::Rankings,
    pub comments: comments::Comments,
    site_secret: Vec<u8>,
    changes: broadcast::Sender<Change>,
    weeks_frozen: AtomicU64,
    holds_jobs_lease: std::sync::atomic::AtomicBool,
    /// How many stories each listing holds, for its pager: a page past the
    /// last one is refused without a query.
    listing_counts: std::sync::Mutex<
        std::collections::HashMap<gazette_store::Listing, (u64, std::time::Instant)>,
    >,
    /// The section tree every reader page's navigation shows, until a
    /// change (a story may bring a new section).
    sections: std::sync::RwLock<Option<Arc<Vec<gazette_domain::Section>>>>,
    /// Bumped by every forgetting: a read that began before one is not kept.
    sections_generation: AtomicU64,
    /// The lists related stories are drawn from.
    heads: articles::Heads,
    /// This node's search index, once attached.
    search: std::sync::OnceLock<Arc<gazette_search::SearchIndex>>,
    /// Where uploaded images' files are kept.
    media_files: Arc<dyn media::MediaFiles>,
}

/// How long a listing's count is trusted (changes clear it at once).
const LISTING_COUNT_FRESH: Duration = Duration::from_secs(60);

impl Core {
    /// Builds the services; reads (or makes) the newsroom's site secret,
    /// which every node shares through the store.
    pub async fn new(
        store: Arc<dyn Store>,
        newsroom: Newsroom,
        clock: Arc<dyn Clock>,
        config: CoreConfig,
    ) -> StoreResult<Arc<Core>> {
        let candidate: [u8; 32] = rand::rng().random();
        let site_secret = store.secret(SITE_SECRET, &candidate).await?;
        let (changes, _) = broadcast::channel(1024);
        let media_files: Arc<dyn media::MediaFiles> = match &config.media {
            media::MediaStorage::Folder(dir) => Arc::new(media::FolderFiles(dir.clone())),
            media::MediaStorage::Database => Arc::new(media::StoreFiles(store.clone())),
        };
        Ok(Arc::new(Core {
            media_files,
            views: views::ViewCounter::new(
                newsroom.time_zone.clone(),
                config.views.clone(),
                &site_secret,
            ),
            comments: comments::Comments::new(config.comments_per_hour),
            rankings: rankings::Rankings::default(),
            site_secret,
            changes,
            weeks_frozen: AtomicU64::new(0),
            holds_jobs_lease: Default::default(),
            listing_counts: Default::default(),
            sections: Default::default(),
            sections_generation: AtomicU64::new(0),
            search: Default::default(),
            heads: Default::default(),
            store,
            newsroom,
            clock,
            config,
        }))
    }

    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    /// Now, on the newsroom's wall clock.
    pub fn now_zoned(&self) -> ZonedDateTime {
        self.now()
            .to_zoned_datetime(self.newsroom.time_zone.clone())
    }

    /// This week on the newsroom's clock.
    pub fn this_week(&self) -> StoreResult<IsoWeek> {
        Ok(IsoWeek::of_zoned(&self.now_zoned())?)
    }

    /// The newsroom's site secret: keys form tokens, staff sessions and
    /// hit tokens on every node.
    pub fn site_secret(&self) -> &[u8] {
        &self.site_secret
    }

    /// Saves a story, its body sanitized first. This node's caches follow
    /// at once; other nodes hear it from the store's change feed.
    pub async fn save_article(&self, input: &ArticleInput) -> StoreResult<Saved> {
        let saved = self
            .store
            .save_article(&articles::sanitized(input), self.now())
            .await?;
        self.apply_change(Change::Article(saved.id)).await;
        Ok(saved)
    }

    /// Saves stories in one transaction, their bodies sanitized first.
    pub async fn save_articles(&self, inputs: &[ArticleInput]) -> StoreResult<Vec<Saved>> {
        let clean: Vec<ArticleInput> = inputs.iter().map(articles::sanitized).collect();
        let saved = self.store.save_articles(&clean, self.now()).await?;
        match saved.as_slice() {
            [] => {}
            [one] => self.apply_change(Change::Article(one.id)).await,
            _ => self.apply_change(Change::Everything).await,
        }
        Ok(saved)
    }

    /// This week's top stories (cached for a minute).
    pub async fn top_current(&self) -> StoreResult<(IsoWeek, Arc<Vec<TopStory>>)> {
        self.rankings
            .current(&*self.store, &self.newsroom.time_zone, self.now())
            .await
    }

    /// Any week's ranking; never writes.
    pub async fn ranking(&self, week: IsoWeek) -> Result<Ranking, RankingError> {
        self.rankings
            .week(&*self.store, &self.newsroom.time_zone, week, self.now())
            .await
    }

    /// Every section, parents before children (kept until a change).
    pub async fn sections(&self) -> StoreResult<Arc<Vec<gazette_domain::Section>>> {
        if let Some(known) = self.sections.read().expect("sections lock").clone() {
            return Ok(known);
        }
        let generation = self.sections_generation.load(Ordering::Acquire);
        let fresh = Arc::new(self.store.sections().await?);
        let mut slot = self.sections.write().expect("sections lock");
        if self.sections_generation.load(Ordering::Acquire) == generation {
            *slot = Some(fresh.clone());
        }
        Ok(fresh)
    }

    /// How many live stories a listing holds (cached a minute, and until
    /// the next change).
    pub async fn listing_count(&self, listing: gazette_store::Listing) -> StoreResult<u64> {
        if let Some((n, at)) = self
            .listing_counts
            .lock()
            .expect("listing counts lock")
            .get(&listing)
            && at.elapsed() < LISTING_COUNT_FRESH
        {
            return Ok(*n);
        }
        let n = self.store.count_listed(listing, self.now()).await?;
        let mut counts = self.listing_counts.lock().expect("listing counts lock");
        if counts.len() > 100_000 {
            counts.clear();
        }
        counts.insert(listing, (n, std::time::Instant::now()));
        Ok(n)
    }

    /// Whether an article's views count now.
    pub async fn is_live(&self, article: gazette_domain::ArticleId) -> StoreResult<bool> {
        self.views.is_live(&*self.store, article, self.now()).await
    }

    /// Decides whether a hit counts.
    pub async fn record_hit(&self, hit: &Hit<'_>) -> StoreResult<Outcome> {
        self.views.record(&*self.store, &*self.clock, hit).await
    }

    /// Writes pending views.
    pub async fn flush_views(&self) -> StoreResult<u64> {
        self.views.flush(&*self.store).await
    }

    /// Takes a reader's comment into the moderation queue.
    pub async fn submit_comment(&self, sub: &Submission<'_>) -> Result<Comment, CommentError> {
        self.comments.submit(&*self.store, sub, self.now()).await
    }

    /// Approves, marks as spam, queues again or deletes a comment.
    pub async fn moderate(
        &self,
        id: CommentId,
        action: Moderation,
    ) -> StoreResult<Option<Comment>> {
        let done = self.comments.moderate(&*self.store, id, action).await?;
        // This node's caches follow at once; others hear it from the feed.
        // A deleted comment no longer says which story it was on.
        let change = done
            .as_ref()
            .map_or(Change::Everything, |c| Change::Comments(c.article));
        self.apply_change(change).await;
        Ok(done)
    }

    /// Changes heard from the store, for caches outside the core (the web
    /// crate's page cache).
    pub fn subscribe(&self) -> broadcast::Receiver<Change> {
        self.changes.subscribe()
    }

    /// Forgets what a change makes stale, here and in every subscriber.
    pub async fn apply_change(&self, change: Change) {
        match change {
            Change::Article(_) | Change::Everything => {
                self.forget_sections();
                self.views.forget_live();
                self.rankings.forget().await;
                self.listing_counts
                    .lock()
                    .expect("listing counts lock")
                    .clear();
                self.heads.forget();
            }
            Change::Comments(_) => {
                self.heads.forget();
                self.rankings.forget().await
            }
            Change::Ranking(_) => self.rankings.forget().await,
            Change::Sections => self.forget_sections(),
        }
        let _ = self.changes.send(change);
    }

    fn forget_sections(&self) {
        let mut slot = self.sections.write().expect("sections lock");
        self.sections_generation.fetch_add(1, Ordering::AcqRel);
        *slot = None;
    }

    /// Whether this node held the jobs lease at its last try.
    pub fn holds_jobs_lease(&self) -> bool {
        self.holds_jobs_lease.load(Ordering::Relaxed)
    }

    /// Weeks this node has frozen since it started.
    pub fn weeks_frozen(&self) -> u64 {
        self.weeks_frozen.load(Ordering::Relaxed)
    }

    /// Runs the jobs that one node at a time does, if this node holds (or
    /// can take) the lease. Returns whether it did.
    pub async fn run_leased_jobs(&self) -> StoreResult<bool> {
        let now = self.now();
        let held = self
            .store
            .try_lease(JOBS_LEASE, &self.config.node, self.config.lease_ttl, now)
            .await?;
        self.holds_jobs_lease.store(held, Ordering::Relaxed);
        if !held {
            return Ok(false);
        }
        let tz = &self.newsroom.time_zone;
        let frozen = self
            .rankings
            .freeze_ended(&*self.store, tz, &self.config.node, now)
            .await?;
        self.weeks_frozen
            .fetch_add(frozen.len() as u64, Ordering::Relaxed);
        // A day's readers and secret go a few minutes after the day ends,
        // once every node has flushed the day's last views.
        let settled = (now - views::DAY_GRACE)
            .to_zoned_datetime(tz.clone())
            .date();
        self.store.forget_readers_before(settled).await?;
        for name in self.store.secret_names(views::DAY_SECRET_PREFIX).await? {
            let day = name.trim_start_matches(views::DAY_SECRET_PREFIX);
            if day.parse::<jiff::civil::Date>().is_ok_and(|d| d < settled) {
                self.store.delete_secret(&name).await?;
            }
        }
        self.announce_due_stories(now).await?;
        self.store.prune_changes(KEEP_CHANGES).await?;
        // Expired sessions, and failed sign-ins past their lockout window.
        self.store.end_expired_sessions(now).await?;
        self.store
            .prune_failed_sign_ins(now - accounts::LOCKOUT_WINDOW)
            .await?;
        Ok(true)
    }

    /// Publishes the scheduled stories whose time has come: the store
    /// shows a story from its publish time on by itself, so what is left
    /// is telling every node's caches (front page, sections, feeds) at
    /// once. The time announced up to is kept in the store, so that after
    /// a restart, or on the node taking the lease over, each story comes
    /// due exactly once. Returns how many did.
    pub async fn announce_due_stories(&self, now: Timestamp) -> StoreResult<u64> {
        let stored = self
            .store
            .secret(DUE_MARK, &now.as_second().to_be_bytes())
            .await?;
        let from = <[u8; 8]>::try_from(stored.as_slice())
            .ok()
            .map(i64::from_be_bytes)
            .and_then(|s| Timestamp::from_second(s).ok())
            .unwrap_or(now);
        if from >= now {
            return Ok(0);
        }
        let due = self
            .store
            .articles_published_between(from, now, now, DUE_AT_ONCE)
            .await?;
        let changes: Vec<Change> = if due.len() >= DUE_AT_ONCE as usize {
            vec![Change::Everything]
        } else {
            due.iter().map(|a| Change::Article(a.id)).collect()
        };
        for change in changes {
            self.store.notify(change).await?;
            self.apply_change(change).await;
        }
        self.store
            .set_secret(DUE_MARK, &now.as_second().to_be_bytes())
            .await?;
        if !due.is_empty() {
            tracing::info!(stories = due.len(), "scheduled stories went live");
        }
        Ok(due.len() as u64)
    }

    /// Gives the jobs lease up (at a graceful stop), so another node takes
    /// over at once.
    pub async fn release_leases(&self) -> StoreResult<()> {
        self.holds_jobs_lease.store(false, Ordering::Relaxed);
        self.store
            .release_lease(JOBS_LEASE, &self.config.node)
            .await
    }

    /// Makes a new site secret. Form tokens, staff sessions and hit tokens
    /// signed with the old one stop working once nodes restart.
    pub async fn rotate_site_secret(store: &dyn Store) -> StoreResult<()> {
        let fresh: [u8; 32] = rand::rng().random();
        store.set_secret(SITE_SECRET, &fresh).await?;
        store.notify(Change::Everything).await
    }
}

/// The name of the newsroom's site secret in the store.
pub const SITE_SECRET: &str = "site";
/// The lease of the jobs that run on one node at a time.
pub const JOBS_LEASE: &str = "jobs";
/// Changes kept for listeners that fall behind.
const KEEP_CHANGES: u64 = 10_000;
/// Where the scheduled-publish job got to (Unix seconds, big-endian).
const DUE_MARK: &str = "jobs:published-until";
/// More stories coming due in one tick than this forget every page.
const DUE_AT_ONCE: u32 = 200;

impl From<RankingError> for StoreError {
    fn from(e: RankingError) -> Self {
        match e {
            RankingError::NoSuchWeek => StoreError::NotFound,
            RankingError::Store(e) => e,
        }
    }
}
