//! Honest view counting.
//!
//! Pages stay cacheable: a view is reported by a tiny beacon (or a
//! `<noscript>` pixel) carrying a signed hit token that the page was
//! rendered with, and [`ViewCounter`] decides whether it counts:
//!
//! - crawlers, headless browsers, prefetch/prerender requests and
//!   signed-in staff are not readers;
//! - a reader is recognised by their network address (an IPv6 address by
//!   its /64, where one household's devices live) and their browser: a
//!   keyed BLAKE3 hash of (address, browser bucket, article) under a secret
//!   made for each newsroom day and deleted when the day ends. A reader
//!   counts once per article per day;
//! - browsers are told apart by a hash of their user agent into one of
//!   [`ViewSettings::per_address`] buckets, so one address adds at most
//!   that many views to an article in a day, whatever user agents it
//!   sends (and two people behind one address may count as one);
//! - one network may add at most [`ViewSettings::per_network`] views a day
//!   (an IPv4 address or IPv6 /64) and [`ViewSettings::per_wide_network`]
//!   (an IPv4 /24 or IPv6 /48), so that no network can fill the day's
//!   memory and shut counting off for everyone else;
//! - counted views collect in memory and [`ViewCounter::flush`] writes them
//!   in one transaction at least every second (and once more on a
//!   graceful stop). A hard kill loses at most the views since the last
//!   flush.
//!
//! With one node, which readers were counted today lives in memory only
//! ([`Dedup::Memory`]). With several nodes on one database
//! ([`Dedup::Shared`]) the day's secret is shared through the store and
//! each flush hands the store the day's reader keys, which counts each key
//! once across all nodes. Either way no address or user agent is ever
//! written anywhere: only keyed hashes, and the key is deleted with the day.

use std::{
    collections::{HashMap, HashSet},
    net::IpAddr,
    num::NonZeroU32,
    sync::{
        Mutex, RwLock,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use governor::{DefaultKeyedRateLimiter, Quota};
use jiff::{Timestamp, civil::Date, tz::TimeZone};
use rand::RngExt;

use gazette_domain::{ArticleId, IsoWeek};
use gazette_store::{DailyViews, ReaderView, Store, StoreResult};

use crate::Clock;

/// How long the list of live articles is trusted before it is reloaded.
const LIVE_REFRESH: Duration = Duration::from_secs(30);

/// Hit tokens are issued in steps of this many seconds...
const TOKEN_STEP_SECS: i64 = 600;
/// ...and accepted this long after they were issued: long enough for a
/// page kept by a CDN or a browser, short enough that a token copied off a
/// page stops working the same day.
pub const TOKEN_LIFETIME_SECS: i64 = 6 * 3600;

/// The name under which nodes share a day's secret.
pub(crate) fn day_secret_name(day: Date) -> String {
    format!("{DAY_SECRET_PREFIX}{day}")
}
pub(crate) const DAY_SECRET_PREFIX: &str = "views-day:";
/// How long after a day ends its readers and secret are deleted: time for
/// every node to flush the day's last views.
pub(crate) const DAY_GRACE: jiff::SignedDuration = jiff::SignedDuration::from_mins(5);

/// Where the decision "was this reader counted today?" is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Dedup {
    /// In this node's memory: right for one node (SQLite).
    Memory,
    /// In the store, shared by every node: right for several nodes on one
    /// PostgreSQL.
    Shared,
}

/// The limits of view counting.
#[derive(Debug, Clone)]
pub struct ViewSettings {
    pub dedup: Dedup,
    /// Hits one network (IPv4 address, IPv6 /64) may send a minute to one
    /// node; more get 429.
    pub hits_per_minute: u32,
    /// Views one address may add to one article in a day.
    pub per_address: u8,
    /// Views one IPv4 address or IPv6 /64 may add in a day, all articles.
    pub per_network: u32,
    /// Views one IPv4 /24 or IPv6 /48 may add in a day, all articles.
    pub per_wide_network: u32,
    /// Distinct readers remembered per day on one node: a memory bound of
    /// about 40 bytes each.
    pub max_readers: usize,
}

impl Default for ViewSettings {
    fn default() -> Self {
        ViewSettings {
            dedup: Dedup::Memory,
            hits_per_minute: 600,
            per_address: 4,
            per_network: 2_000,
            per_wide_network: 20_000,
            max_readers: 4_000_000,
        }
    }
}

/// Why a hit did or did not count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// A new view: it will be in the next flush.
    Counted,
    /// This reader already counted for this article today.
    Duplicate,
    /// A crawler or headless browser, by its user agent.
    Bot,
    /// A prefetch or prerender, not a reader looking at the page.
    Prefetch,
    /// A signed-in member of staff.
    Staff,
    /// Too many distinct readers today to remember them all.
    Saturated,
    /// The reader's network has added all the views it may today.
    NetworkLimit,
    /// Not from one of our pages: no valid hit token, or sent by another
    /// site.
    Forged,
}

impl Outcome {
    pub const ALL: [Outcome; 8] = [
        Outcome::Counted,
        Outcome::Duplicate,
        Outcome::Bot,
        Outcome::Prefetch,
        Outcome::Staff,
        Outcome::Saturated,
        Outcome::NetworkLimit,
        Outcome::Forged,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Counted => "counted",
            Outcome::Duplicate => "duplicate",
            Outcome::Bot => "bot",
            Outcome::Prefetch => "prefetch",
            Outcome::Staff => "staff",
            Outcome::Saturated => "saturated",
            Outcome::NetworkLimit => "network-limit",
            Outcome::Forged => "forged",
        }
    }

    fn index(self) -> usize {
        Outcome::ALL
            .iter()
            .position(|o| *o == self)
            .unwrap_or_default()
    }
}

/// What a hit says about who sent it.
pub struct Hit<'a> {
    pub article: ArticleId,
    pub client: IpAddr,
    pub user_agent: &'a str,
    pub prefetch: bool,
    pub staff: bool,
}

/// The parts of an address that identify a reader and their networks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Networks {
    /// IPv4 /32 or IPv6 /64, as 16 bytes.
    address: [u8; 16],
    /// IPv4 /24 or IPv6 /48.
    wide: [u8; 16],
}

fn networks(ip: IpAddr) -> Networks {
    match ip.to_canonical() {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            let mut address = [0u8; 16];
            address[..4].copy_from_slice(&o);
            address[15] = 4;
            let mut wide = address;
            wide[3] = 0;
            Networks { address, wide }
        }
        IpAddr::V6(v6) => {
            let o = v6.octets();
            let mut address = [0u8; 16];
            address[..8].copy_from_slice(&o[..8]);
            address[15] = 6;
            let mut wide = address;
            wide[6] = 0;
            wide[7] = 0;
            Networks { address, wide }
        }
    }
}

struct Day {
    date: Date,
    week: IsoWeek,
    secret: [u8; 32],
}

/// One of [`SHARDS`] parts of the day's memory of readers and networks.
/// A hit locks one part at a time, briefly: when a set grows (a rehash of
/// hundreds of thousands of readers) it stalls only the hits of its part.
#[derive(Default)]
struct Shard {
    date: Option<Date>,
    seen: HashSet<u128>,
    per_network: HashMap<[u8; 16], u32>,
    per_wide: HashMap<[u8; 16], u32>,
}

impl Shard {
    /// The shard, emptied first if it still holds another day.
    fn on(&mut self, date: Date) -> &mut Self {
        if self.date != Some(date) {
            *self = Shard {
                date: Some(date),
                ..Shard::default()
            };
        }
        self
    }
}

const SHARDS: usize = 64;

fn shard_of(bytes: &[u8]) -> usize {
    let mut h = std::hash::DefaultHasher::new();
    std::hash::Hasher::write(&mut h, bytes);
    (std::hash::Hasher::finish(&h) % SHARDS as u64) as usize
}

/// Views counted but not yet written.
#[derive(Default)]
struct Pending {
    counts: HashMap<(ArticleId, Date), u64>,
    readers: Vec<ReaderView>,
}

impl Pending {
    fn len(&self) -> u64 {
        self.counts.values().sum::<u64>() + self.readers.len() as u64
    }
}

pub struct ViewCounter {
    tz: TimeZone,
    settings: ViewSettings,
    bots: isbot::Bots,
    hit_key: [u8; 32],
    day: Mutex<Option<Day>>,
    shards: Vec<Mutex<Shard>>,
    /// Readers counted today, for `max_readers`.
    readers_today: AtomicU64,
    pending: Mutex<Pending>,
    live: RwLock<(Option<Instant>, HashSet<ArticleId>)>,
    /// Whether a request is reloading `live` now.
    reloading: AtomicBool,
    limiter: DefaultKeyedRateLimiter<[u8; 16]>,
    outcomes: [AtomicU64; 8],
    written: AtomicU64,
    /// Views another node had already counted (shared dedup only).
    dropped_at_flush: AtomicU64,
}

/// What the counter has done since the server started.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CounterStats {
    /// Hits by outcome, in [`Outcome::ALL`] order.
    pub outcomes: Vec<(&'static str, u64)>,
    pub written: u64,
    pub pending: u64,
    pub duplicates_across_nodes: u64,
}

impl CounterStats {
    pub fn outcome(&self, o: Outcome) -> u64 {
        self.outcomes
            .iter()
            .find(|(name, _)| *name == o.as_str())
            .map_or(0, |x| x.1)
    }
}

impl ViewCounter {
    /// `site_secret` keys the hit tokens pages carry.
    pub fn new(tz: TimeZone, settings: ViewSettings, site_secret: &[u8]) -> Self {
        let per_minute = NonZeroU32::new(settings.hits_per_minute.max(1)).expect("at least one");
        let quota = Quota::per_minute(per_minute).allow_burst(per_minute);
        ViewCounter {
            tz,
            bots: isbot::Bots::default(),
            hit_key: blake3::derive_key("gazette hit token v1", site_secret),
            day: Mutex::new(None),
            shards: (0..SHARDS).map(|_| Mutex::new(Shard::default())).collect(),
            readers_today: AtomicU64::new(0),
            pending: Mutex::new(Pending::default()),
            live: RwLock::new((None, HashSet::new())),
            reloading: AtomicBool::new(false),
            limiter: DefaultKeyedRateLimiter::keyed(quota),
            outcomes: Default::default(),
            written: AtomicU64::new(0),
            dropped_at_flush: AtomicU64::new(0),
            settings,
        }
    }

    pub fn settings(&self) -> &ViewSettings {
        &self.settings
    }

    /// Counts since start, for `/api/metrics`.
    pub fn stats(&self) -> CounterStats {
        CounterStats {
            outcomes: Outcome::ALL
                .iter()
                .map(|o| (o.as_str(), self.outcomes[o.index()].load(Ordering::Relaxed)))
                .collect(),
            written: self.written.load(Ordering::Relaxed),
            pending: self.pending(),
            duplicates_across_nodes: self.dropped_at_flush.load(Ordering::Relaxed),
        }
    }

    /// Whether this client's network may send another hit now.
    pub fn allow(&self, client: IpAddr) -> bool {
        self.limiter.check_key(&networks(client).address).is_ok()
    }

    /// Whether a user agent belongs to a crawler, a headless browser or no
    /// browser at all.
    pub fn is_bot(&self, user_agent: &str) -> bool {
        user_agent.trim().is_empty() || self.bots.is_bot(user_agent)
    }

    /// The token a page rendered at `now` carries for its beacon and pixel.
    pub fn hit_token(&self, article: ArticleId, now: Timestamp) -> String {
        let step = now.as_second().div_euclid(TOKEN_STEP_SECS);
        format!("{step}.{}", self.token_mac(article, step))
    }

    /// Whether `token` was issued by this newsroom for `article` within
    /// the token's lifetime.
    pub fn check_hit_token(&self, article: ArticleId, token: &str, now: Timestamp) -> bool {
        let Some((step, mac)) = token.split_once('.') else {
            return false;
        };
        if step.is_empty() || step.len() > 12 || !step.bytes().all(|b| b.is_ascii_digit()) {
            return false;
        }
        let Ok(step) = step.parse::<i64>() else {
            return false;
        };
        let age = now.as_second() - step * TOKEN_STEP_SECS;
        if !(-TOKEN_STEP_SECS..=TOKEN_LIFETIME_SECS).contains(&age) {
            return false;
        }
        // Compared as BLAKE3 hashes: constant time.
        let want = blake3::hash(self.token_mac(article, step).as_bytes());
        want == blake3::hash(mac.as_bytes())
    }

    fn token_mac(&self, article: ArticleId, step: i64) -> String {
        let mut h = blake3::Hasher::new_keyed(&self.hit_key);
        h.update(&article.0.to_le_bytes());
        h.update(&step.to_le_bytes());
        h.finalize().to_hex()[..32].to_owned()
    }

    /// Notes a hit refused before it reached [`ViewCounter::record`]
    /// (a forged or cross-site hit), for the metrics.
    pub fn note(&self, outcome: Outcome) {
        self.outcomes[outcome.index()].fetch_add(1, Ordering::Relaxed);
    }

    /// Whether `article` is live, from a list reloaded every half minute
    /// (and after every change); an article not on it is looked up once
    /// more, so a story published a second ago counts at once.
    ///
    /// One request at a time reloads the list; the others go on with the
    /// list they have (or, after a change emptied it, with one-row
    /// lookups). A reload for every request that found the list old, all
    /// at once, stalled the beacon for a tenth of a second under load.
    pub async fn is_live(
        &self,
        store: &dyn Store,
        article: ArticleId,
        now: Timestamp,
    ) -> StoreResult<bool> {
        let (fresh, listed) = {
            let live = self.live.read().expect("live list lock");
            (
                live.0.is_some_and(|at| at.elapsed() < LIVE_REFRESH),
                live.1.contains(&article),
            )
        };
        if fresh && listed {
            return Ok(true);
        }
        if !fresh && !self.reloading.swap(true, Ordering::AcqRel) {
            // Cleared again however this ends (an error, a cancelled request).
            struct Reloading<'a>(&'a AtomicBool);
            impl Drop for Reloading<'_> {
                fn drop(&mut self) {
                    self.0.store(false, Ordering::Release);
                }
            }
            let _reloading = Reloading(&self.reloading);
            let ids: HashSet<ArticleId> = store.live_article_ids(now).await?.into_iter().collect();
            let found = ids.contains(&article);
            *self.live.write().expect("live list lock") = (Some(Instant::now()), ids);
            return Ok(found);
        }
        if listed {
            return Ok(true);
        }
        let found = store.is_live(article, now).await?;
        if found {
            self.live.write().expect("live list lock").1.insert(article);
        }
        Ok(found)
    }

    /// Forgets the list of live articles (a story was taken down): until it
    /// is reloaded, each article is looked up on its own.
    pub fn forget_live(&self) {
        *self.live.write().expect("live list lock") = (None, HashSet::new());
    }

    /// Decides whether a hit for a live article counts, and if so adds it
    /// to the pending views.
    pub async fn record(
        &self,
        store: &dyn Store,
        clock: &dyn Clock,
        hit: &Hit<'_>,
    ) -> StoreResult<Outcome> {
        let outcome = self.decide(store, clock, hit).await?;
        self.note(outcome);
        Ok(outcome)
    }

    async fn decide(
        &self,
        store: &dyn Store,
        clock: &dyn Clock,
        hit: &Hit<'_>,
    ) -> StoreResult<Outcome> {
        if hit.prefetch {
            return Ok(Outcome::Prefetch);
        }
        if hit.staff {
            return Ok(Outcome::Staff);
        }
        if self.is_bot(hit.user_agent) {
            return Ok(Outcome::Bot);
        }
        let date = clock.now().to_zoned_datetime(self.tz.clone()).date();
        let stale = self
            .day
            .lock()
            .expect("day lock")
            .as_ref()
            .is_none_or(|d| d.date != date);
        if stale {
            self.start_day(store, date).await?;
        }
        let nets = networks(hit.client);
        let (week, key, reader) = {
            let guard = self.day.lock().expect("day lock");
            let Some(day) = guard.as_ref() else {
                return Ok(Outcome::Saturated);
            };
            if day.date != date {
                // The day turned over between the check and here; the next
                // hit starts the new day.
                return Ok(Outcome::Saturated);
            }
            let bucket = blake3::hash(hit.user_agent.as_bytes()).as_bytes()[0]
                % self.settings.per_address.max(1);
            let mut h = blake3::Hasher::new_keyed(&day.secret);
            h.update(&nets.address);
            h.update(&[bucket]);
            h.update(&hit.article.0.to_le_bytes());
            let reader: [u8; 16] = h.finalize().as_bytes()[..16].try_into().expect("16 bytes");
            (day.week, u128::from_le_bytes(reader), reader)
        };
        let lock = |i: usize| self.shards[i].lock().expect("shard lock");
        let (seen_at, net_at, wide_at) = (
            (key % SHARDS as u128) as usize,
            shard_of(&nets.address),
            shard_of(&nets.wide),
        );
        if lock(seen_at).on(date).seen.contains(&key) {
            return Ok(Outcome::Duplicate);
        }
        if self.readers_today.load(Ordering::Relaxed) >= self.settings.max_readers as u64 {
            return Ok(Outcome::Saturated);
        }
        // Two hits of one reader at once: the second finds the first here.
        if !lock(seen_at).on(date).seen.insert(key) {
            return Ok(Outcome::Duplicate);
        }
        // Each network's count is checked and raised under its shard's
        // lock, so a limit holds exactly; a refused hit takes back what it
        // took.
        let within = |at: usize, wide: bool| {
            let mut shard = lock(at);
            let shard = shard.on(date);
            let (map, k, limit) = if wide {
                (
                    &mut shard.per_wide,
                    nets.wide,
                    self.settings.per_wide_network,
                )
            } else {
                (
                    &mut shard.per_network,
                    nets.address,
                    self.settings.per_network,
                )
            };
            let n = map.entry(k).or_default();
            if *n >= limit {
                return false;
            }
            *n += 1;
            true
        };
        if !within(net_at, false) {
            lock(seen_at).on(date).seen.remove(&key);
            return Ok(Outcome::NetworkLimit);
        }
        if !within(wide_at, true) {
            if let Some(n) = lock(net_at).on(date).per_network.get_mut(&nets.address) {
                *n = n.saturating_sub(1);
            }
            lock(seen_at).on(date).seen.remove(&key);
            return Ok(Outcome::NetworkLimit);
        }
        self.readers_today.fetch_add(1, Ordering::Relaxed);
        let reader = ReaderView {
            article: hit.article,
            day: date,
            week,
            reader,
        };
        let mut pending = self.pending.lock().expect("pending lock");
        match self.settings.dedup {
            Dedup::Memory => {
                *pending.counts.entry((hit.article, date)).or_default() += 1;
            }
            Dedup::Shared => pending.readers.push(reader),
        }
        Ok(Outcome::Counted)
    }

    /// Starts a new day: yesterday's secret and readers are forgotten.
    async fn start_day(&self, store: &dyn Store, date: Date) -> StoreResult<()> {
        let candidate: [u8; 32] = rand::rng().random();
        let secret: [u8; 32] = match self.settings.dedup {
            Dedup::Memory => candidate,
            Dedup::Shared => {
                let shared = store.secret(&day_secret_name(date), &candidate).await?;
                shared.try_into().unwrap_or(candidate)
            }
        };
        let week = IsoWeek::of_date(date).map_err(gazette_store::StoreError::Invalid)?;
        let mut guard = self.day.lock().expect("day lock");
        if guard.as_ref().is_none_or(|d| d.date != date) {
            *guard = Some(Day { date, week, secret });
            // The shards empty themselves on their first hit of the day.
            self.readers_today.store(0, Ordering::Relaxed);
        }
        Ok(())
    }

    /// Writes every pending view in one transaction. On failure the views
    /// go back to pending for the next attempt. Returns how many were
    /// written.
    pub async fn flush(&self, store: &dyn Store) -> StoreResult<u64> {
        let taken = std::mem::take(&mut *self.pending.lock().expect("pending lock"));
        if taken.len() == 0 {
            return Ok(0);
        }
        let result = async {
            let mut n = 0;
            if !taken.counts.is_empty() {
                let rows: Vec<DailyViews> = taken
                    .counts
                    .iter()
                    .map(|(&(article, day), &views)| {
                        Ok(DailyViews {
                            article,
                            day,
                            week: IsoWeek::of_date(day)
                                .map_err(gazette_store::StoreError::Invalid)?,
                            views,
                        })
                    })
                    .collect::<StoreResult<_>>()?;
                store.add_views(&rows).await?;
                n += rows.iter().map(|r| r.views).sum::<u64>();
            }
            if !taken.readers.is_empty() {
                let added = store.add_reader_views(&taken.readers).await?;
                self.dropped_at_flush.fetch_add(
                    (taken.readers.len() as u64).saturating_sub(added),
                    Ordering::Relaxed,
                );
                n += added;
            }
            Ok::<u64, gazette_store::StoreError>(n)
        }
        .await;
        match result {
            Ok(n) => {
                self.written.fetch_add(n, Ordering::Relaxed);
                Ok(n)
            }
            Err(e) => {
                let mut pending = self.pending.lock().expect("pending lock");
                for (k, v) in taken.counts {
                    *pending.counts.entry(k).or_default() += v;
                }
                pending.readers.extend(taken.readers);
                Err(e)
            }
        }
    }

    /// Views counted but not yet written.
    pub fn pending(&self) -> u64 {
        self.pending.lock().expect("pending lock").len()
    }

    /// Lets the rate limiter forget clients that have gone quiet.
    pub fn tidy(&self) {
        self.limiter.retain_recent();
        self.limiter.shrink_to_fit();
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::ManualClock;
    use gazette_store::testing;

    const FIREFOX: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";

    fn hit(article: i64, ip: &str, ua: &'static str) -> Hit<'static> {
        Hit {
            article: ArticleId(article),
            client: ip.parse().unwrap(),
            user_agent: ua,
            prefetch: false,
            staff: false,
        }
    }

    fn counter(settings: ViewSettings) -> ViewCounter {
        ViewCounter::new(testing::ny(), settings, b"site secret")
    }

    struct Fixture {
        store: Arc<dyn Store>,
        clock: ManualClock,
    }

    async fn fixture() -> Fixture {
        let store = gazette_store_sqlite::SqliteStore::memory().await.unwrap();
        Fixture {
            store: Arc::new(store),
            clock: ManualClock::new(testing::now()),
        }
    }

    impl Fixture {
        async fn record(&self, c: &ViewCounter, h: &Hit<'_>) -> Outcome {
            c.record(&*self.store, &self.clock, h).await.unwrap()
        }
    }

    #[tokio::test]
    async fn one_reader_counts_once_per_article() {
        let f = fixture().await;
        let c = counter(ViewSettings::default());
        assert_eq!(
            f.record(&c, &hit(1, "10.0.0.1", FIREFOX)).await,
            Outcome::Counted
        );
        assert_eq!(
            f.record(&c, &hit(1, "10.0.0.1", FIREFOX)).await,
            Outcome::Duplicate,
            "a reload"
        );
        assert_eq!(
            f.record(&c, &hit(2, "10.0.0.1", FIREFOX)).await,
            Outcome::Counted
        );
        assert_eq!(
            f.record(&c, &hit(1, "10.0.0.2", FIREFOX)).await,
            Outcome::Counted
        );
        assert_eq!(c.pending(), 3);
        let s = c.stats();
        assert_eq!(
            (s.outcome(Outcome::Counted), s.outcome(Outcome::Duplicate)),
            (3, 1)
        );
    }

    #[tokio::test]
    async fn a_new_day_counts_the_reader_again() {
        let f = fixture().await;
        let c = counter(ViewSettings::default());
        f.clock.set("2025-11-25T20:00:00Z".parse().unwrap());
        assert_eq!(
            f.record(&c, &hit(1, "10.0.0.1", FIREFOX)).await,
            Outcome::Counted
        );
        // 04:59 UTC is still the same day in New York.
        f.clock.set("2025-11-26T04:59:00Z".parse().unwrap());
        assert_eq!(
            f.record(&c, &hit(1, "10.0.0.1", FIREFOX)).await,
            Outcome::Duplicate
        );
        f.clock.set("2025-11-26T05:00:00Z".parse().unwrap());
        assert_eq!(
            f.record(&c, &hit(1, "10.0.0.1", FIREFOX)).await,
            Outcome::Counted
        );
    }

    #[tokio::test]
    async fn rotating_user_agents_add_at_most_the_per_address_cap() {
        let f = fixture().await;
        let c = counter(ViewSettings::default());
        let agents: Vec<&'static str> = (0..50)
            .map(|i| {
                &*Box::leak(
                    format!(
                        "Mozilla/5.0 (X11; Linux x86_64; rv:{i}.0) Gecko/20100101 Firefox/{i}.0"
                    )
                    .into_boxed_str(),
                )
            })
            .collect();
        let mut counted = 0;
        for ua in &agents {
            if f.record(&c, &hit(1, "203.0.113.7", ua)).await == Outcome::Counted {
                counted += 1;
            }
        }
        assert!(counted <= 4, "{counted} views from one address");
        assert!(
            counted >= 2,
            "different browsers behind one address can count"
        );
        // The same for an IPv6 reader moving around their /64.
        let mut counted = 0;
        for (i, ua) in agents.iter().enumerate() {
            let ip = format!("2001:db8:1:2::{:x}", i + 1);
            let ip: &'static str = Box::leak(ip.into_boxed_str());
            if f.record(&c, &hit(1, ip, ua)).await == Outcome::Counted {
                counted += 1;
            }
        }
        assert!(counted <= 4, "{counted} views from one /64");
    }

    #[tokio::test]
    async fn one_network_cannot_fill_the_day() {
        let f = fixture().await;
        let c = counter(ViewSettings {
            per_network: 30,
            per_wide_network: 100,
            max_readers: 1_000,
            ..ViewSettings::default()
        });
        // One /64 reads a thousand different stories.
        let mut counted = 0;
        for article in 0..1_000 {
            if f.record(&c, &hit(article, "2001:db8:aa:bb::1", FIREFOX))
                .await
                == Outcome::Counted
            {
                counted += 1;
            }
        }
        assert_eq!(counted, 30);
        // Its /48 neighbours share the wide budget.
        let mut wide = 0;
        for n in 0..20 {
            let ip: &'static str = Box::leak(format!("2001:db8:aa:{n:x}::1").into_boxed_str());
            for article in 0..30 {
                if f.record(&c, &hit(article, ip, FIREFOX)).await == Outcome::Counted {
                    wide += 1;
                }
            }
        }
        assert_eq!(counted + wide, 100, "the /48 adds at most its budget");
        // Everyone else still counts.
        assert_eq!(
            f.record(&c, &hit(1, "198.51.100.1", FIREFOX)).await,
            Outcome::Counted
        );
        assert_eq!(
            f.record(&c, &hit(1, "2001:db8:bb::1", FIREFOX)).await,
            Outcome::Counted
        );
        assert!(c.stats().outcome(Outcome::NetworkLimit) > 0);
    }

    #[tokio::test]
    async fn crawlers_headless_browsers_and_empty_agents_are_not_readers() {
        let f = fixture().await;
        let c = counter(ViewSettings::default());
        for ua in [
            "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36",
            "curl/8.5.0",
            "python-requests/2.32.3",
            "",
        ] {
            assert_eq!(
                f.record(&c, &hit(1, "10.0.0.1", ua)).await,
                Outcome::Bot,
                "{ua}"
            );
        }
        let mut h = hit(1, "10.0.0.1", FIREFOX);
        h.prefetch = true;
        assert_eq!(f.record(&c, &h).await, Outcome::Prefetch);
        h.prefetch = false;
        h.staff = true;
        assert_eq!(f.record(&c, &h).await, Outcome::Staff);
        assert_eq!(c.pending(), 0);
    }

    #[tokio::test]
    async fn hit_tokens_are_per_article_and_short_lived() {
        let c = counter(ViewSettings::default());
        let now = testing::now();
        let t = c.hit_token(ArticleId(7), now);
        assert!(c.check_hit_token(ArticleId(7), &t, now));
        assert!(c.check_hit_token(ArticleId(7), &t, now + jiff::SignedDuration::from_hours(5)));
        assert!(!c.check_hit_token(ArticleId(7), &t, now + jiff::SignedDuration::from_hours(7)));
        assert!(!c.check_hit_token(ArticleId(8), &t, now), "another article");
        let other = ViewCounter::new(testing::ny(), ViewSettings::default(), b"other");
        assert!(
            !other.check_hit_token(ArticleId(7), &t, now),
            "another site"
        );
        for bad in [
            "",
            ".",
            "x.y",
            "99999999999999999999.00",
            "-1.00",
            &t[..t.len() - 1],
        ] {
            assert!(!c.check_hit_token(ArticleId(7), bad, now), "{bad}");
        }
    }

    #[tokio::test]
    async fn shared_dedup_counts_a_reader_once_across_nodes() {
        let f = fixture().await;
        let id = f
            .store
            .save_article(
                &testing::sample("k", "Shared", testing::at(2025, 11, 24, 9)),
                testing::now(),
            )
            .await
            .unwrap()
            .id;
        let settings = ViewSettings {
            dedup: Dedup::Shared,
            ..ViewSettings::default()
        };
        let (a, b) = (counter(settings.clone()), counter(settings));
        // The reader's two requests land on two nodes.
        assert_eq!(
            f.record(&a, &hit(id.0, "192.0.2.1", FIREFOX)).await,
            Outcome::Counted
        );
        assert_eq!(
            f.record(&b, &hit(id.0, "192.0.2.1", FIREFOX)).await,
            Outcome::Counted
        );
        assert_eq!(
            f.record(&b, &hit(id.0, "192.0.2.2", FIREFOX)).await,
            Outcome::Counted
        );
        let written = a.flush(&*f.store).await.unwrap() + b.flush(&*f.store).await.unwrap();
        assert_eq!(written, 2);
        assert_eq!(b.stats().duplicates_across_nodes, 1);
        let article = f
            .store
            .article_by_slug("shared", testing::now())
            .await
            .unwrap();
        assert_eq!(article.counters.views, 2);
    }

    #[test]
    fn networks_mask_to_64_and_48_bits() {
        let n = networks("2001:db8:1:2:3:4:5:6".parse().unwrap());
        assert_eq!(n, networks("2001:db8:1:2:ffff::1".parse().unwrap()));
        assert_ne!(
            n.address,
            networks("2001:db8:1:3::1".parse().unwrap()).address
        );
        assert_eq!(n.wide, networks("2001:db8:1:3::1".parse().unwrap()).wide);
        let v4 = networks("203.0.113.9".parse().unwrap());
        assert_eq!(v4, networks("::ffff:203.0.113.9".parse().unwrap()));
        assert_eq!(v4.wide, networks("203.0.113.200".parse().unwrap()).wide);
        assert_ne!(
            v4.address,
            networks("203.0.113.200".parse().unwrap()).address
        );
    }

    #[test]
    fn networks_are_rate_limited_not_single_addresses() {
        let c = counter(ViewSettings {
            hits_per_minute: 5,
            ..ViewSettings::default()
        });
        let allowed = (0..20)
            .filter(|i| c.allow(format!("2001:db8::{i:x}").parse().unwrap()))
            .count();
        assert_eq!(allowed, 5, "one /64 shares one budget");
        assert!(
            c.allow("2001:db9::1".parse().unwrap()),
            "others are not affected"
        );
    }
}
