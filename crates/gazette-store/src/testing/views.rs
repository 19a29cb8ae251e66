//! Counted views: daily and weekly counters, totals, shared readers.

use gazette_domain::{ArticleId, IsoWeek};
use jiff::civil::{Date, date};

use super::{Check, Ctx, add, at, check, now, week_window};
use crate::{DailyViews, ReaderView};

pub(super) fn checks() -> Vec<Check> {
    vec![
        check!(Views, daily_views_add_up),
        check!(Views, weekly_counters_follow_the_days),
        check!(Views, daily_series_leaves_out_empty_days),
        check!(Views, readers_count_once_per_day),
        check!(Views, forgotten_readers_are_forgotten),
        check!(Views, views_of_unknown_articles_change_nothing),
    ]
}

pub(super) fn views(article: ArticleId, day: Date, views: u64) -> DailyViews {
    DailyViews {
        article,
        day,
        week: IsoWeek::of_date(day).unwrap(),
        views,
    }
}

fn reader(article: ArticleId, day: Date, who: u8) -> ReaderView {
    ReaderView {
        article,
        day,
        week: IsoWeek::of_date(day).unwrap(),
        reader: [who; 16],
    }
}

async fn total(ctx: &Ctx, slug: &str) -> u64 {
    ctx.store
        .article_by_slug(slug, now())
        .await
        .unwrap()
        .counters
        .views
}

async fn daily_views_add_up(ctx: &Ctx) {
    let store = &*ctx.store;
    let id = add(store, "v", "Viewed", at(2025, 11, 25, 9)).await;
    let day = date(2025, 11, 25);
    store
        .add_views(&[views(id, day, 3), views(id, day, 4)])
        .await
        .unwrap();
    store
        .add_views(&[views(id, date(2025, 11, 26), 5)])
        .await
        .unwrap();
    store.add_views(&[]).await.unwrap();
    assert_eq!(total(ctx, "viewed").await, 12);
    let a = store.article_by_slug("viewed", now()).await.unwrap();
    assert_eq!(a.counters.total_views(), 74, "62 carried over");
}

async fn weekly_counters_follow_the_days(ctx: &Ctx) {
    let store = &*ctx.store;
    let id = add(store, "v", "Viewed", at(2025, 11, 24, 9)).await;
    // Sunday 30 November is week 48; Monday 1 December is week 49.
    store
        .add_views(&[
            views(id, date(2025, 11, 24), 2),
            views(id, date(2025, 11, 30), 3),
            views(id, date(2025, 12, 1), 7),
        ])
        .await
        .unwrap();
    let w48 = store
        .most_viewed(&week_window("2025-W48"), 10, now())
        .await
        .unwrap();
    assert_eq!(w48.len(), 1);
    assert_eq!(w48[0].week_views, 5);
    let w49 = store
        .most_viewed(&week_window("2025-W49"), 10, now())
        .await
        .unwrap();
    assert_eq!(w49[0].week_views, 7);
}

async fn daily_series_leaves_out_empty_days(ctx: &Ctx) {
    let store = &*ctx.store;
    let a = add(store, "a", "Live", at(2025, 11, 24, 9)).await;
    store
        .add_views(&[
            views(a, date(2025, 11, 24), 3),
            views(a, date(2025, 11, 26), 4),
            views(a, date(2025, 11, 24), 1),
        ])
        .await
        .unwrap();
    let series = store
        .daily_views(a, date(2025, 11, 1), date(2025, 11, 30))
        .await
        .unwrap();
    let got: Vec<(String, u64)> = series
        .iter()
        .map(|d| (d.day.to_string(), d.views))
        .collect();
    assert_eq!(
        got,
        [("2025-11-24".to_owned(), 4), ("2025-11-26".to_owned(), 4)]
    );
    let narrow = store
        .daily_views(a, date(2025, 11, 25), date(2025, 11, 30))
        .await
        .unwrap();
    assert_eq!(narrow.len(), 1);
    // Site-wide: every story's views added up per day.
    let b = add(store, "b", "Also Live", at(2025, 11, 24, 9)).await;
    store
        .add_views(&[
            views(b, date(2025, 11, 26), 10),
            views(b, date(2025, 11, 27), 2),
        ])
        .await
        .unwrap();
    let site: Vec<(String, u64)> = store
        .site_daily_views(date(2025, 11, 25), date(2025, 11, 30))
        .await
        .unwrap()
        .iter()
        .map(|d| (d.day.to_string(), d.views))
        .collect();
    assert_eq!(
        site,
        [("2025-11-26".to_owned(), 14), ("2025-11-27".to_owned(), 2)]
    );
}

async fn readers_count_once_per_day(ctx: &Ctx) {
    let store = &*ctx.store;
    let a = add(store, "a", "Read", at(2025, 11, 24, 9)).await;
    let b = add(store, "b", "Also Read", at(2025, 11, 24, 9)).await;
    let day = date(2025, 11, 25);
    // Reader 1 twice in one batch, reader 2 once.
    let n = store
        .add_reader_views(&[reader(a, day, 1), reader(a, day, 1), reader(a, day, 2)])
        .await
        .unwrap();
    assert_eq!(n, 2);
    // Reader 1 again (from another node, say), and a new reader 3.
    let n = store
        .add_reader_views(&[reader(a, day, 1), reader(a, day, 3)])
        .await
        .unwrap();
    assert_eq!(n, 1);
    // The next day, reader 1 counts again; the same key on another article
    // is another reader (keys already differ by article in practice).
    let n = store
        .add_reader_views(&[reader(a, date(2025, 11, 26), 1), reader(b, day, 9)])
        .await
        .unwrap();
    assert_eq!(n, 2);
    assert_eq!(store.add_reader_views(&[]).await.unwrap(), 0);
    assert_eq!(total(ctx, "read").await, 4);
    let series = store
        .daily_views(a, date(2025, 11, 1), date(2025, 11, 30))
        .await
        .unwrap();
    assert_eq!(series[0].views, 3);
    let w48 = store
        .most_viewed(&week_window("2025-W48"), 10, now())
        .await
        .unwrap();
    let of_a = w48.iter().find(|c| c.article == a).unwrap();
    assert_eq!(of_a.week_views, 4);
}

async fn forgotten_readers_are_forgotten(ctx: &Ctx) {
    let store = &*ctx.store;
    let a = add(store, "a", "Read", at(2025, 11, 24, 9)).await;
    let (d1, d2) = (date(2025, 11, 25), date(2025, 11, 26));
    store
        .add_reader_views(&[reader(a, d1, 1), reader(a, d1, 2), reader(a, d2, 1)])
        .await
        .unwrap();
    assert_eq!(store.forget_readers_before(d2).await.unwrap(), 2);
    assert_eq!(store.forget_readers_before(d2).await.unwrap(), 0);
    // Day 2's reader is still known; day 1's could count again (but day 1
    // is over, so nobody sends it).
    assert_eq!(
        store.add_reader_views(&[reader(a, d2, 1)]).await.unwrap(),
        0
    );
    assert_eq!(total(ctx, "read").await, 3);
}

async fn views_of_unknown_articles_change_nothing(ctx: &Ctx) {
    let store = &*ctx.store;
    let a = add(store, "a", "Real", at(2025, 11, 24, 9)).await;
    let day = date(2025, 11, 25);
    // A story deleted between the hit and the flush must not fail the
    // whole batch: its views are dropped, the others are kept.
    store
        .add_views(&[views(ArticleId(424_242), day, 5), views(a, day, 1)])
        .await
        .unwrap();
    let n = store
        .add_reader_views(&[reader(ArticleId(424_242), day, 1), reader(a, day, 2)])
        .await
        .unwrap();
    assert_eq!(n, 1);
    assert_eq!(total(ctx, "real").await, 2);
}
