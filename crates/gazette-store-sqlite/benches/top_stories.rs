//! The weekly top-stories query on a newsroom of 100,000 articles with a
//! year of daily view counters (issue target: under 1 ms).
//!
//! The database is generated through the `Store` once and kept in
//! `target/bench-data/`; delete it to make it again. Sizes can be changed
//! with GAZETTE_BENCH_ARTICLES.

use std::path::PathBuf;

use criterion::{Criterion, criterion_group, criterion_main};
use gazette_domain::{ArticleInput, ArticleStatus, IsoWeek};
use gazette_store::{DailyViews, Store, WeekWindow};
use gazette_store_sqlite::SqliteStore;
use jiff::{Timestamp, ToSpan, tz::TimeZone};

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
    let path = dir.join(format!("top-stories-{n}-{today}.db"));
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
        let saved = store.save_articles(&inputs).await.unwrap();
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
                        views: v,
                    });
                }
                day = day.tomorrow().unwrap();
                k += 1;
            }
        }
        store.add_daily_views(&views).await.unwrap();
    }
    store.close().await;
    std::fs::rename(&tmp, &path).unwrap();
    let _ = std::fs::remove_file(tmp.with_extension("tmp-wal"));
    let _ = std::fs::remove_file(tmp.with_extension("tmp-shm"));
    SqliteStore::open(&path, false).await.unwrap()
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let tz = TimeZone::get("America/New_York").unwrap();
    let store = rt.block_on(newsroom(&tz));
    let this_week = IsoWeek::of_zoned(&Timestamp::now().to_zoned_datetime(tz.clone()));
    let past = this_week
        .previous()
        .previous()
        .previous()
        .previous()
        .previous();
    for (label, week) in [("this_week", this_week), ("five_weeks_ago", past)] {
        let window = WeekWindow::for_week(week, &tz);
        let top = rt.block_on(store.top_stories(window, 10)).unwrap();
        assert_eq!(top.len(), 10, "the newsroom has a full ranking");
        c.bench_function(
            &format!("top_stories/{label}/{}_articles", articles()),
            |b| {
                b.to_async(&rt)
                    .iter(|| async { store.top_stories(window, 10).await.unwrap() })
            },
        );
    }
    // A frozen week is read back, not ranked again.
    let window = WeekWindow::for_week(past, &tz);
    let top = rt.block_on(store.top_stories(window, 10)).unwrap();
    rt.block_on(store.freeze_top_stories(past, &top)).unwrap();
    c.bench_function(
        &format!("top_stories/frozen/{}_articles", articles()),
        |b| {
            b.to_async(&rt)
                .iter(|| async { store.frozen_top_stories(past).await.unwrap().unwrap() })
        },
    );
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(50);
    targets = bench
}
criterion_main!(benches);
