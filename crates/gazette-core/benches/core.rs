//! The newsroom's hot rules: deciding whether a view counts, and ranking a
//! week over a newsroom of 100,000 articles with a year of daily view
//! counters (target: under 1 ms) on the embedded SQLite store.
//!
//! The newsroom is generated through the store once and kept in
//! `target/bench-data/`; delete it to make it again. Its size can be
//! changed with GAZETTE_BENCH_ARTICLES.

use std::{hint::black_box, net::IpAddr, path::PathBuf, sync::Arc};

use criterion::{Criterion, criterion_group, criterion_main};
use gazette_core::{Hit, ManualClock, ViewSettings, rankings::Rankings, views::ViewCounter};
use gazette_domain::{ArticleId, ArticleInput, ArticleStatus, IsoWeek};
use gazette_store::{ArticleStore, DailyViews, RankingStore, Store, ViewStore};
use gazette_store_sqlite::SqliteStore;
use jiff::{Timestamp, ToSpan, tz::TimeZone};

const FIREFOX: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";

fn articles() -> u32 {
    std::env::var("GAZETTE_BENCH_ARTICLES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000)
}

async fn newsroom(tz: &TimeZone) -> SqliteStore {
    let n = articles();
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/bench-data");
    std::fs::create_dir_all(&dir).unwrap();
    let today = Timestamp::now().to_zoned_datetime(tz.clone()).date();
    let path = dir.join(format!("rankings-{n}-{today}.db"));
    if path.exists() {
        return SqliteStore::open(&path, false).await.unwrap();
    }
    eprintln!(
        "generating {n} articles with a year of daily views in {} …",
        path.display()
    );
    let tmp = path.with_extension("tmp");
    let _ = std::fs::remove_file(&tmp);
    let store = SqliteStore::open(&tmp, true).await.unwrap();
    let now = Timestamp::now().to_zoned_datetime(tz.clone());
    let mut rng = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng
    };
    let sections = ["Local", "World", "Sports", "Arts", "Business", "Opinion"];
    for chunk in (0..n).collect::<Vec<_>>().chunks(2000) {
        let inputs: Vec<ArticleInput> = chunk
            .iter()
            .map(|&i| {
                let minutes = i64::from(i) * 365 * 24 * 60 / i64::from(n);
                ArticleInput {
                    import_key: Some(format!("bench:{i}")),
                    headline: format!("Story number {i}"),
                    body_html: "<p>Body.</p>".into(),
                    language: "en".into(),
                    status: ArticleStatus::Published,
                    published_at: Some(now.checked_sub(minutes.minutes()).unwrap()),
                    sections: vec![sections[i as usize % sections.len()].into()],
                    contributors: vec![format!("Writer {}", i % 40)],
                    ..Default::default()
                }
            })
            .collect();
        let saved = store
            .save_articles(&inputs, Timestamp::now())
            .await
            .unwrap();
        let mut views = Vec::new();
        for (s, input) in saved.iter().zip(&inputs) {
            let mut day = input.published_at.as_ref().unwrap().date();
            let popularity = (next() % 2000) as f64 + 5.0;
            let mut k = 0;
            while day <= today && k < 30 {
                let v = (popularity * 0.7f64.powi(k)) as u64 + next() % 3;
                if v > 0 {
                    views.push(DailyViews {
                        article: s.id,
                        day,
                        week: IsoWeek::of_date(day).unwrap(),
                        views: v,
                    });
                }
                day = day.tomorrow().unwrap();
                k += 1;
            }
        }
        store.add_views(&views).await.unwrap();
    }
    store.close().await;
    std::fs::rename(&tmp, &path).unwrap();
    let _ = std::fs::remove_file(tmp.with_extension("tmp-wal"));
    let _ = std::fs::remove_file(tmp.with_extension("tmp-shm"));
    SqliteStore::open(&path, false).await.unwrap()
}

fn views(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let store: Arc<dyn Store> = Arc::new(rt.block_on(SqliteStore::memory()).unwrap());
    let clock = ManualClock::new(Timestamp::now());
    let settings = ViewSettings {
        per_network: u32::MAX,
        per_wide_network: u32::MAX,
        max_readers: usize::MAX,
        ..ViewSettings::default()
    };
    let counter = ViewCounter::new(
        TimeZone::get("America/New_York").unwrap(),
        settings,
        b"bench secret",
    );
    let mut n: u32 = 0;
    c.bench_function("views/record_new_reader", |b| {
        b.to_async(&rt).iter(|| {
            n = n.wrapping_add(1);
            let client = IpAddr::from(n.to_be_bytes());
            let article = ArticleId(i64::from(n % 100_000));
            let (store, clock, counter) = (&store, &clock, &counter);
            async move {
                let hit = Hit {
                    article,
                    client,
                    user_agent: FIREFOX,
                    prefetch: false,
                    staff: false,
                };
                black_box(counter.record(&**store, clock, &hit).await.unwrap())
            }
        })
    });
    let repeat = Hit {
        article: ArticleId(1),
        client: "192.0.2.1".parse().unwrap(),
        user_agent: FIREFOX,
        prefetch: false,
        staff: false,
    };
    rt.block_on(counter.record(&*store, &clock, &repeat))
        .unwrap();
    c.bench_function("views/record_duplicate", |b| {
        b.to_async(&rt)
            .iter(|| async { black_box(counter.record(&*store, &clock, &repeat).await.unwrap()) })
    });
}

fn rankings(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let tz = TimeZone::get("America/New_York").unwrap();
    let store = rt.block_on(newsroom(&tz));
    let now = Timestamp::now();
    let this_week = IsoWeek::of_zoned(&now.to_zoned_datetime(tz.clone())).unwrap();
    let past = this_week.offset(-5).unwrap();
    let rankings = Rankings::default();
    for (label, week) in [("this_week", this_week), ("five_weeks_ago", past)] {
        let top = rt
            .block_on(rankings.compute(&store, &tz, week, 10, now))
            .unwrap();
        assert_eq!(top.len(), 10, "the newsroom has a full ranking");
        c.bench_function(
            &format!("rankings/compute/{label}/{}_articles", articles()),
            |b| {
                b.to_async(&rt)
                    .iter(|| async { rankings.compute(&store, &tz, week, 10, now).await.unwrap() })
            },
        );
    }
    // A frozen week is read back, not ranked again.
    let top = rt
        .block_on(rankings.compute(&store, &tz, past, 10, now))
        .unwrap();
    let entries: Vec<_> = top.iter().map(|t| (t.article.id, t.week_views)).collect();
    rt.block_on(store.freeze_ranking(past, &entries, "bench", now))
        .unwrap();
    c.bench_function(&format!("rankings/frozen/{}_articles", articles()), |b| {
        b.to_async(&rt)
            .iter(|| async { store.frozen_ranking(past).await.unwrap().unwrap() })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(50);
    targets = views, rankings
}
criterion_main!(benches);
