//! Honest view counting.
//!
//! Pages stay cacheable: a view is reported by a tiny beacon (or a
//! `<noscript>` pixel) to `/hit/{id}`, and [`ViewCounter`] decides whether
//! it counts:
//!
//! - crawlers, headless browsers, prefetch/prerender requests, HEAD
//!   requests and signed-in staff are not readers;
//! - one reader counts once per article per newsroom day: the key is a
//!   keyed BLAKE3 hash of (client address, user agent, article) under a
//!   secret made at the start of each day and forgotten at its end, held
//!   only in memory. No address is ever written anywhere (the privacy model
//!   of cookie-less analytics such as Plausible);
//! - counted views collect in memory and [`ViewCounter::flush`] writes
//!   them to the per-article, per-day counters in one transaction, at
//!   least every second, and once more on graceful shutdown. A hard kill
//!   loses at most the views since the last flush.

use std::{
    collections::{HashMap, HashSet},
    net::IpAddr,
    num::NonZeroU32,
    sync::{
        Mutex, RwLock,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use governor::{DefaultKeyedRateLimiter, Quota};
use jiff::{Timestamp, civil::Date, tz::TimeZone};
use rand::RngExt;

use gazette_domain::ArticleId;
use gazette_store::{DailyViews, Store, StoreResult};

/// Distinct (reader, article) pairs remembered per day before new readers
/// stop being counted: bounds memory at roughly 100 MB under a flood of
/// forged identities.
const MAX_SEEN_PER_DAY: usize = 4_000_000;

/// How long the list of live articles is trusted before it is reloaded.
const LIVE_REFRESH: Duration = Duration::from_secs(30);

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
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Counted => "counted",
            Outcome::Duplicate => "duplicate",
            Outcome::Bot => "bot",
            Outcome::Prefetch => "prefetch",
            Outcome::Staff => "staff",
            Outcome::Saturated => "saturated",
        }
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

struct Day {
    date: Date,
    secret: [u8; 32],
    seen: HashSet<u128>,
}

pub struct ViewCounter {
    tz: TimeZone,
    bots: isbot::Bots,
    day: Mutex<Day>,
    pending: Mutex<HashMap<(ArticleId, Date), u64>>,
    live: RwLock<(Instant, HashSet<ArticleId>)>,
    limiter: DefaultKeyedRateLimiter<IpAddr>,
    /// Since start: hits by outcome (in `Outcome` order), and views written.
    outcomes: [AtomicU64; 6],
    written: AtomicU64,
}

/// What the counter has done since the server started.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct CounterStats {
    pub counted: u64,
    pub duplicate: u64,
    pub bot: u64,
    pub prefetch: u64,
    pub staff: u64,
    pub saturated: u64,
    pub written: u64,
    pub pending: u64,
}

impl ViewCounter {
    /// `per_minute` is how many hits one client address may send a minute.
    pub fn new(tz: TimeZone, per_minute: u32) -> Self {
        let per_minute = NonZeroU32::new(per_minute.max(1)).expect("at least one");
        let quota = Quota::per_minute(per_minute).allow_burst(per_minute);
        ViewCounter {
            day: Mutex::new(Day {
                date: today(&tz),
                secret: rand::rng().random(),
                seen: HashSet::new(),
            }),
            tz,
            bots: isbot::Bots::default(),
            pending: Mutex::new(HashMap::new()),
            live: RwLock::new((Instant::now() - LIVE_REFRESH * 2, HashSet::new())),
            limiter: DefaultKeyedRateLimiter::keyed(quota),
            outcomes: Default::default(),
            written: AtomicU64::new(0),
        }
    }

    /// Counts since start, for `/api/metrics`.
    pub fn stats(&self) -> CounterStats {
        let o = |i: usize| self.outcomes[i].load(Ordering::Relaxed);
        CounterStats {
            counted: o(0),
            duplicate: o(1),
            bot: o(2),
            prefetch: o(3),
            staff: o(4),
            saturated: o(5),
            written: self.written.load(Ordering::Relaxed),
            pending: self.pending(),
        }
    }

    /// Whether this client may send another hit now.
    pub fn allow(&self, client: IpAddr) -> bool {
        self.limiter.check_key(&client).is_ok()
    }

    /// Whether a user agent belongs to a crawler, a headless browser or no
    /// browser at all.
    pub fn is_bot(&self, user_agent: &str) -> bool {
        user_agent.trim().is_empty() || self.bots.is_bot(user_agent)
    }

    /// Whether `article` is live, from a list reloaded every half minute;
    /// an article not on it is looked up once more, so a story published a
    /// second ago counts at once.
    pub async fn is_live(&self, store: &dyn Store, article: ArticleId) -> StoreResult<bool> {
        let stale = {
            let live = self.live.read().expect("live list lock");
            if live.1.contains(&article) && live.0.elapsed() < LIVE_REFRESH {
                return Ok(true);
            }
            live.0.elapsed() >= LIVE_REFRESH
        };
        if stale {
            let ids: HashSet<ArticleId> = store.live_article_ids().await?.into_iter().collect();
            let found = ids.contains(&article);
            *self.live.write().expect("live list lock") = (Instant::now(), ids);
            return Ok(found);
        }
        let found = store.is_live(article).await?;
        if found {
            self.live.write().expect("live list lock").1.insert(article);
        }
        Ok(found)
    }

    /// Decides whether a hit for a live article counts, and if so adds it
    /// to the pending counts.
    pub fn record(&self, hit: &Hit<'_>) -> Outcome {
        let outcome = self.decide(hit);
        let i = match outcome {
            Outcome::Counted => 0,
            Outcome::Duplicate => 1,
            Outcome::Bot => 2,
            Outcome::Prefetch => 3,
            Outcome::Staff => 4,
            Outcome::Saturated => 5,
        };
        self.outcomes[i].fetch_add(1, Ordering::Relaxed);
        outcome
    }

    fn decide(&self, hit: &Hit<'_>) -> Outcome {
        if hit.prefetch {
            return Outcome::Prefetch;
        }
        if hit.staff {
            return Outcome::Staff;
        }
        if self.is_bot(hit.user_agent) {
            return Outcome::Bot;
        }
        let date = today(&self.tz);
        {
            let mut day = self.day.lock().expect("day lock");
            if day.date != date {
                // A new day: yesterday's secret and readers are forgotten.
                *day = Day {
                    date,
                    secret: rand::rng().random(),
                    seen: HashSet::new(),
                };
            }
            let key = reader_key(&day.secret, hit);
            if day.seen.contains(&key) {
                return Outcome::Duplicate;
            }
            if day.seen.len() >= MAX_SEEN_PER_DAY {
                return Outcome::Saturated;
            }
            day.seen.insert(key);
        }
        *self
            .pending
            .lock()
            .expect("pending lock")
            .entry((hit.article, date))
            .or_default() += 1;
        Outcome::Counted
    }

    /// Writes every pending view in one transaction. On failure the views
    /// go back to pending for the next attempt. Returns how many were
    /// written.
    pub async fn flush(&self, store: &dyn Store) -> StoreResult<u64> {
        let taken = std::mem::take(&mut *self.pending.lock().expect("pending lock"));
        if taken.is_empty() {
            return Ok(0);
        }
        let rows: Vec<DailyViews> = taken
            .iter()
            .map(|(&(article, day), &views)| DailyViews {
                article,
                day,
                views,
            })
            .collect();
        match store.add_daily_views(&rows).await {
            Ok(()) => {
                let n: u64 = rows.iter().map(|r| r.views).sum();
                self.written.fetch_add(n, Ordering::Relaxed);
                Ok(n)
            }
            Err(e) => {
                let mut pending = self.pending.lock().expect("pending lock");
                for ((article, day), views) in taken {
                    *pending.entry((article, day)).or_default() += views;
                }
                Err(e)
            }
        }
    }

    /// Views counted but not yet written.
    pub fn pending(&self) -> u64 {
        self.pending.lock().expect("pending lock").values().sum()
    }

    /// Lets the rate limiter forget clients that have gone quiet.
    pub fn tidy(&self) {
        self.limiter.retain_recent();
        self.limiter.shrink_to_fit();
    }
}

fn today(tz: &TimeZone) -> Date {
    Timestamp::now().to_zoned_datetime(tz.clone()).date()
}

/// The day's keyed hash of who read what. Fields are separated by a zero
/// byte so that no two different hits can be spelled the same way.
fn reader_key(secret: &[u8; 32], hit: &Hit<'_>) -> u128 {
    let mut h = blake3::Hasher::new_keyed(secret);
    match hit.client {
        IpAddr::V4(a) => h.update(&a.octets()),
        IpAddr::V6(a) => h.update(&a.octets()),
    };
    h.update(&[0]);
    h.update(hit.user_agent.as_bytes());
    h.update(&[0]);
    h.update(&hit.article.0.to_le_bytes());
    let out = h.finalize();
    u128::from_le_bytes(out.as_bytes()[..16].try_into().expect("16 bytes"))
}

#[cfg(test)]
mod tests {
    use super::*;

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

    fn counter() -> ViewCounter {
        ViewCounter::new(TimeZone::get("America/New_York").unwrap(), 600)
    }

    #[test]
    fn one_reader_counts_once_per_article() {
        let c = counter();
        assert_eq!(c.record(&hit(1, "10.0.0.1", FIREFOX)), Outcome::Counted);
        assert_eq!(
            c.record(&hit(1, "10.0.0.1", FIREFOX)),
            Outcome::Duplicate,
            "a reload"
        );
        assert_eq!(
            c.record(&hit(2, "10.0.0.1", FIREFOX)),
            Outcome::Counted,
            "another story"
        );
        assert_eq!(
            c.record(&hit(1, "10.0.0.2", FIREFOX)),
            Outcome::Counted,
            "another reader"
        );
        assert_eq!(c.pending(), 3);
        let s = c.stats();
        assert_eq!((s.counted, s.duplicate, s.pending, s.written), (3, 1, 3, 0));
    }

    #[test]
    fn crawlers_headless_browsers_and_empty_agents_are_not_readers() {
        let c = counter();
        for ua in [
            "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
            "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm) Chrome/116.0.1938.76 Safari/537.36",
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36",
            "curl/8.5.0",
            "python-requests/2.32.3",
            "",
        ] {
            assert_eq!(c.record(&hit(1, "10.0.0.1", ua)), Outcome::Bot, "{ua}");
        }
        assert_eq!(c.pending(), 0);
        assert!(!c.is_bot(FIREFOX));
    }

    #[test]
    fn prefetch_and_staff_do_not_count() {
        let c = counter();
        let mut h = hit(1, "10.0.0.1", FIREFOX);
        h.prefetch = true;
        assert_eq!(c.record(&h), Outcome::Prefetch);
        h.prefetch = false;
        h.staff = true;
        assert_eq!(c.record(&h), Outcome::Staff);
        assert_eq!(c.pending(), 0);
    }

    #[test]
    fn keys_differ_by_every_field_and_by_day_secret() {
        let h = hit(1, "10.0.0.1", FIREFOX);
        let k = reader_key(&[1; 32], &h);
        assert_ne!(k, reader_key(&[2; 32], &h), "a new day, a new secret");
        assert_ne!(k, reader_key(&[1; 32], &hit(2, "10.0.0.1", FIREFOX)));
        assert_ne!(k, reader_key(&[1; 32], &hit(1, "10.0.0.2", FIREFOX)));
        assert_ne!(k, reader_key(&[1; 32], &hit(1, "10.0.0.1", "Other/1.0")));
    }

    #[test]
    fn clients_are_rate_limited() {
        let c = ViewCounter::new(TimeZone::UTC, 5);
        let ip: IpAddr = "10.0.0.9".parse().unwrap();
        let allowed = (0..20).filter(|_| c.allow(ip)).count();
        assert_eq!(allowed, 5);
        assert!(
            c.allow("10.0.0.10".parse().unwrap()),
            "others are not affected"
        );
    }
}
