//! The conformance suite every [`Store`] backend must pass.
//!
//! Checks are grouped by area, like the store's traits. Each check is a
//! private function that only its area's `checks()` list reaches: a check
//! written but not listed is dead code, which the workspace's
//! `clippy -D warnings` refuses, so none can be left off. A backend's tests
//! call [`crate::conformance_tests!`] with an expression that yields a fresh,
//! migrated, empty store ([`Fresh`]), or `None` to skip (PostgreSQL without
//! `GAZETTE_TEST_POSTGRES_URL`); it becomes one test per area, which runs
//! every check of the area on its own fresh store and names each one that
//! failed.

mod accounts;
mod articles;
mod comments;
mod concurrency;
mod copy;
mod media;
mod names;
mod newsroom;
mod rankings;
mod revisions;
mod views;

use std::{any::Any, future::Future, pin::Pin, sync::Arc};

use jiff::{Timestamp, ZonedDateTime, civil::date, tz::TimeZone};

use gazette_domain::{ArticleInput, ArticleStatus, IsoWeek, SourceInput};

use crate::{Store, WeekWindow};

/// A fresh, migrated, empty store, and whatever must live as long as it
/// (a temporary directory, a database to drop).
pub struct Fresh {
    pub store: Arc<dyn Store>,
    pub guard: Box<dyn Any + Send>,
}

/// Makes fresh stores of one engine; `None` when the engine is not
/// available here.
pub type Factory =
    Arc<dyn Fn() -> Pin<Box<dyn Future<Output = Option<Fresh>> + Send>> + Send + Sync + 'static>;

/// What a check gets: its store, and a way to make more of the same engine.
pub struct Ctx {
    pub store: Arc<dyn Store>,
    make: Factory,
    /// Stores made with [`Ctx::another`], kept alive with their guards.
    others: std::sync::Mutex<Vec<Box<dyn Any + Send>>>,
}

impl Ctx {
    /// Another fresh store of the same engine.
    pub async fn another(&self) -> Arc<dyn Store> {
        let fresh = (self.make)()
            .await
            .expect("the engine was available a moment ago");
        self.others.lock().unwrap().push(fresh.guard);
        fresh.store
    }
}

/// The store's areas, one test each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    Articles,
    Views,
    Rankings,
    Comments,
    Newsroom,
    Copy,
    Concurrency,
    Accounts,
    Revisions,
    Media,
    Names,
}

impl Area {
    pub const ALL: [Area; 11] = [
        Area::Articles,
        Area::Views,
        Area::Rankings,
        Area::Comments,
        Area::Newsroom,
        Area::Copy,
        Area::Concurrency,
        Area::Accounts,
        Area::Revisions,
        Area::Media,
        Area::Names,
    ];
}

type CheckFn = for<'a> fn(&'a Ctx) -> Pin<Box<dyn Future<Output = ()> + Send + 'a>>;

/// One rule every backend keeps.
#[derive(Clone, Copy)]
pub struct Check {
    pub area: Area,
    pub name: &'static str,
    run: CheckFn,
}

/// Lists a check of `$area`: the only way a check function is reached.
macro_rules! check {
    ($area:ident, $f:ident) => {
        $crate::testing::Check {
            area: $crate::testing::Area::$area,
            name: stringify!($f),
            run: |ctx| Box::pin($f(ctx)),
        }
    };
}
use check;

/// Every registered check.
pub fn checks() -> Vec<Check> {
    let mut all = Vec::new();
    all.extend(articles::checks());
    all.extend(views::checks());
    all.extend(rankings::checks());
    all.extend(comments::checks());
    all.extend(newsroom::checks());
    all.extend(copy::checks());
    all.extend(concurrency::checks());
    all.extend(accounts::checks());
    all.extend(revisions::checks());
    all.extend(media::checks());
    all.extend(names::checks());
    all
}

/// Whether a skipped engine fails the run (`.ci/run` sets
/// `GAZETTE_TEST_REQUIRE_POSTGRES=1`, so that PostgreSQL can never be skipped
/// silently in CI).
pub fn skip_or_fail(engine: &str, why: &str) {
    let required = std::env::var("GAZETTE_TEST_REQUIRE_POSTGRES").is_ok_and(|v| v == "1");
    if required && engine == "postgres" {
        panic!("{engine} tests are required here (GAZETTE_TEST_REQUIRE_POSTGRES=1) but {why}");
    }
    eprintln!("skipping the {engine} tests: {why}");
}

/// Runs every check of `area`, each on a fresh store, and fails naming
/// every check that failed.
pub async fn run_area(area: Area, make: Factory) {
    let mut failed = Vec::new();
    let mut ran = 0;
    for check in checks().into_iter().filter(|c| c.area == area) {
        let Some(fresh) = make().await else {
            return;
        };
        ran += 1;
        let ctx = Arc::new(Ctx {
            store: fresh.store.clone(),
            make: make.clone(),
            others: Default::default(),
        });
        let run = check.run;
        let task_ctx = ctx.clone();
        let outcome = tokio::spawn(async move { (run)(&task_ctx).await }).await;
        if let Err(e) = outcome {
            let why = if e.is_panic() {
                let p = e.into_panic();
                p.downcast_ref::<String>()
                    .cloned()
                    .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_else(|| "panicked".into())
            } else {
                e.to_string()
            };
            failed.push(format!("{}: {why}", check.name));
        }
        let others: Vec<_> = std::mem::take(&mut *ctx.others.lock().unwrap());
        fresh.store.close().await;
        drop(fresh.guard);
        drop(others);
    }
    assert!(ran > 0, "no checks registered for {area:?}");
    assert!(
        failed.is_empty(),
        "{} of {ran} {area:?} checks failed:\n{}",
        failed.len(),
        failed.join("\n")
    );
}

/// One `#[tokio::test]` per area; the argument is an async expression
/// yielding `Option<Fresh>`.
#[macro_export]
macro_rules! conformance_tests {
    ($fresh:expr) => {
        $crate::conformance_tests!(@areas $fresh;
            articles Articles, views Views, rankings Rankings, comments Comments,
            newsroom Newsroom, copy Copy, concurrency Concurrency, accounts Accounts,
            revisions Revisions, media Media, names Names);
    };
    (@areas $fresh:expr; $($test:ident $area:ident),*) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $test() {
                let make: $crate::testing::Factory =
                    ::std::sync::Arc::new(|| ::std::boxed::Box::pin(async { $fresh }));
                $crate::testing::run_area($crate::testing::Area::$area, make).await;
            }
        )*

        #[test]
        fn every_area_has_a_test() {
            let listed = [$($crate::testing::Area::$area),*];
            for area in $crate::testing::Area::ALL {
                assert!(listed.contains(&area), "{area:?} has no test");
            }
        }
    };
}

pub fn ny() -> TimeZone {
    TimeZone::get("America/New_York").unwrap()
}

/// A time in New York.
pub fn at(y: i16, m: i8, d: i8, h: i8) -> ZonedDateTime {
    date(y, m, d)
        .at(h, 0, 0, 0)
        .to_zoned_datetime(ny())
        .unwrap()
}

/// "Now" for the suite: long after every sample story.
pub fn now() -> Timestamp {
    "2026-06-01T12:00:00Z".parse().unwrap()
}

/// A complete article in the seed's shape, with made-up content.
pub fn sample(key: &str, headline: &str, published: ZonedDateTime) -> ArticleInput {
    ArticleInput {
        import_key: Some(key.to_owned()),
        slug: None,
        headline: headline.to_owned(),
        standfirst: Some("A short standfirst.".into()),
        body_html: "<p>First paragraph.</p>\n<p>Second paragraph.</p>\n".into(),
        language: "en".into(),
        status: ArticleStatus::Published,
        kind: gazette_domain::ArticleKind::Story,
        pinned: false,
        published_at: Some(published),
        sections: vec!["Harbour & Coast".into(), "International".into()],
        tags: vec!["Ferries".into()],
        contributors: vec!["Ani Hakobyan".into(), "Mher Sargsyan".into()],
        credit: Some("Special to the Courier".into()),
        posting_account: Some("The Meridian Desk".into()),
        dateline_place: Some("PORT ELLIS".into()),
        sources: vec![
            SourceInput::named("Meridian Wire"),
            SourceInput {
                name: "Coast Radio".into(),
                url: Some("https://radio.example".into()),
            },
        ],
        related_headlines: vec!["Ferry timetable changes".into(), "Harbour wall vote".into()],
        footer: Some("The Meridian Courier".into()),
        canonical_url: None,
        legacy_views: 62,
        legacy_comments: 4,
    }
}

/// The ranking window of `week` in New York, as gazette-core builds it.
pub fn week_window(week: &str) -> WeekWindow {
    let week: IsoWeek = week.parse().unwrap();
    let tz = ny();
    let first = week.offset(-3).unwrap();
    WeekWindow {
        week,
        first_day: week.monday(),
        last_day: week.sunday(),
        published_from: first.start(&tz).unwrap().timestamp(),
        published_until: week.end(&tz).unwrap().timestamp(),
    }
}

/// Saves a sample story and returns its id.
pub async fn add(
    store: &dyn Store,
    key: &str,
    headline: &str,
    published: ZonedDateTime,
) -> gazette_domain::ArticleId {
    store
        .save_article(&sample(key, headline, published), now())
        .await
        .unwrap()
        .id
}
