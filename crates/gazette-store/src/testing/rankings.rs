//! What weekly rankings read, and frozen rankings.

use std::collections::BTreeMap;

use gazette_domain::{ArticleId, ArticleStatus, CommentStatus, IsoWeek, NewComment};
use jiff::civil::date;

use super::{Check, Ctx, add, at, check, now, sample, views::views, week_window};
use crate::RankingCandidate;

pub(super) fn checks() -> Vec<Check> {
    vec![
        check!(Rankings, most_viewed_takes_the_leaders_and_their_ties),
        check!(Rankings, only_eligible_stories_compete),
        check!(Rankings, unviewed_stories_are_picked_by_comments_with_ties),
        check!(Rankings, moving_an_article_moves_its_week_views),
        check!(Rankings, frozen_weeks_never_change),
        check!(Rankings, frozen_rankings_keep_their_order),
    ]
}

fn by_article(c: Vec<RankingCandidate>) -> BTreeMap<ArticleId, (u64, u64)> {
    c.into_iter()
        .map(|c| (c.article, (c.week_views, c.comments)))
        .collect()
}

async fn approve(ctx: &Ctx, article: ArticleId, text: &str) {
    let c = ctx
        .store
        .add_comment(
            &NewComment {
                article,
                parent: None,
                author_name: "A Reader".into(),
                author_email: None,
                body_html: format!("<p>{text}</p>"),
                fingerprint: text.into(),
            },
            now(),
        )
        .await
        .unwrap();
    ctx.store
        .set_comment_status(c.id, CommentStatus::Approved)
        .await
        .unwrap();
}

async fn most_viewed_takes_the_leaders_and_their_ties(ctx: &Ctx) {
    let store = &*ctx.store;
    let day = date(2025, 11, 26);
    let mut ids = Vec::new();
    for (i, n) in [9u64, 7, 5, 5, 5, 2].into_iter().enumerate() {
        let id = add(
            store,
            &format!("k{i}"),
            &format!("S{i}"),
            at(2025, 11, 24, 9),
        )
        .await;
        store.add_views(&[views(id, day, n)]).await.unwrap();
        ids.push(id);
    }
    approve(ctx, ids[3], "nice").await;
    let w = week_window("2025-W48");
    // The third place is shared by three stories: all of them come back.
    let top3 = by_article(store.most_viewed(&w, 3, now()).await.unwrap());
    assert_eq!(top3.len(), 5, "{top3:?}");
    assert_eq!(top3[&ids[0]], (9, 0));
    assert_eq!(top3[&ids[3]], (5, 1), "approved comments come with it");
    assert!(!top3.contains_key(&ids[5]));
    let top1 = by_article(store.most_viewed(&w, 1, now()).await.unwrap());
    assert_eq!(top1.keys().copied().collect::<Vec<_>>(), [ids[0]]);
    // Fewer viewed stories than places: all viewed ones.
    assert_eq!(store.most_viewed(&w, 50, now()).await.unwrap().len(), 6);
    assert!(store.most_viewed(&w, 0, now()).await.unwrap().is_empty());
}

async fn only_eligible_stories_compete(ctx: &Ctx) {
    let store = &*ctx.store;
    let hot = add(store, "hot", "Hot", at(2025, 11, 25, 9)).await;
    let old = add(store, "old", "Three Weeks Before", at(2025, 11, 3, 9)).await;
    let too_old = add(store, "to", "Too Old", at(2025, 10, 1, 9)).await;
    let next_week = add(store, "nw", "Next Week", at(2025, 12, 1, 9)).await;
    let mut draft = sample("d", "Draft", at(2025, 11, 25, 9));
    draft.status = ArticleStatus::Draft;
    let draft = store.save_article(&draft, now()).await.unwrap().id;
    store
        .add_views(&[
            views(hot, date(2025, 11, 25), 50),
            views(hot, date(2025, 11, 30), 10),
            views(old, date(2025, 11, 24), 30),
            // Outside the week: must not count.
            views(old, date(2025, 11, 23), 1000),
            views(too_old, date(2025, 11, 25), 500),
            views(next_week, date(2025, 12, 1), 900),
            views(draft, date(2025, 11, 25), 800),
        ])
        .await
        .unwrap();
    let w = week_window("2025-W48");
    let got = by_article(store.most_viewed(&w, 10, now()).await.unwrap());
    assert_eq!(
        got.into_iter().map(|(k, v)| (k, v.0)).collect::<Vec<_>>(),
        [(hot, 60), (old, 30)]
    );
    // Read on Wednesday of that week, later stories are not live yet.
    let wednesday = at(2025, 11, 26, 12).timestamp();
    let early = add(store, "e", "Thursday Story", at(2025, 11, 27, 9)).await;
    store
        .add_views(&[views(early, date(2025, 11, 27), 99)])
        .await
        .unwrap();
    let got = by_article(store.most_viewed(&w, 10, wednesday).await.unwrap());
    assert!(!got.contains_key(&early));
    let unviewed = store
        .most_commented_unviewed(&w, 10, wednesday)
        .await
        .unwrap();
    assert!(unviewed.iter().all(|c| c.article != early));
}

async fn unviewed_stories_are_picked_by_comments_with_ties(ctx: &Ctx) {
    let store = &*ctx.store;
    let viewed = add(store, "v", "Viewed", at(2025, 11, 24, 9)).await;
    let talked = add(store, "t", "Talked About", at(2025, 11, 24, 8)).await;
    let quiet1 = add(store, "q1", "Quiet", at(2025, 11, 26, 9)).await;
    let quiet2 = add(store, "q2", "Quiet Newer", at(2025, 11, 27, 9)).await;
    store
        .add_views(&[views(viewed, date(2025, 11, 26), 3)])
        .await
        .unwrap();
    approve(ctx, talked, "first!").await;
    approve(ctx, talked, "second!").await;
    let w = week_window("2025-W48");
    let one = by_article(store.most_commented_unviewed(&w, 1, now()).await.unwrap());
    assert_eq!(one.keys().copied().collect::<Vec<_>>(), [talked]);
    assert_eq!(one[&talked], (0, 2));
    // Two places: the second is shared by both quiet stories.
    let two = by_article(store.most_commented_unviewed(&w, 2, now()).await.unwrap());
    assert_eq!(
        two.keys().copied().collect::<Vec<_>>(),
        [talked, quiet1, quiet2]
    );
    let all = store.most_commented_unviewed(&w, 10, now()).await.unwrap();
    assert_eq!(all.len(), 3, "the viewed story is not among them");
    let published = all.iter().find(|c| c.article == quiet2).unwrap();
    assert_eq!(published.published_at, at(2025, 11, 27, 9).timestamp());
}

async fn moving_an_article_moves_its_week_views(ctx: &Ctx) {
    let store = &*ctx.store;
    let mut input = sample("m", "Moved", at(2025, 11, 25, 9));
    let id = store.save_article(&input, now()).await.unwrap().id;
    store
        .add_views(&[views(id, date(2025, 11, 25), 7)])
        .await
        .unwrap();
    let w = week_window("2025-W48");
    assert_eq!(store.most_viewed(&w, 10, now()).await.unwrap().len(), 1);
    // Re-dated to long before the window: no longer eligible that week.
    input.published_at = Some(at(2025, 6, 1, 9));
    store.save_article(&input, now()).await.unwrap();
    assert!(store.most_viewed(&w, 10, now()).await.unwrap().is_empty());
    // Taken down: not eligible either.
    input.published_at = Some(at(2025, 11, 25, 9));
    input.status = ArticleStatus::Withdrawn;
    store.save_article(&input, now()).await.unwrap();
    assert!(store.most_viewed(&w, 10, now()).await.unwrap().is_empty());
}

async fn frozen_weeks_never_change(ctx: &Ctx) {
    let store = &*ctx.store;
    let week: IsoWeek = "2025-W48".parse().unwrap();
    assert!(store.frozen_ranking(week).await.unwrap().is_none());
    let a = add(store, "a", "First", at(2025, 11, 24, 9)).await;
    let b = add(store, "b", "Second", at(2025, 11, 25, 9)).await;
    let first = store
        .freeze_ranking(week, &[(a, 10), (b, 5)], "node-a", now())
        .await
        .unwrap();
    assert!(first);
    let second = store
        .freeze_ranking(week, &[(b, 100), (a, 10)], "node-b", now())
        .await
        .unwrap();
    assert!(!second, "the first freeze wins");
    let frozen = store.frozen_ranking(week).await.unwrap().unwrap();
    let got: Vec<(u32, &str, u64)> = frozen
        .iter()
        .map(|t| (t.rank, t.article.headline.as_str(), t.week_views))
        .collect();
    assert_eq!(got, [(1, "First", 10), (2, "Second", 5)]);
    // Freezing an empty week is remembered too.
    let empty: IsoWeek = "2020-W10".parse().unwrap();
    assert!(
        store
            .freeze_ranking(empty, &[], "node-a", now())
            .await
            .unwrap()
    );
    assert_eq!(
        store.frozen_ranking(empty).await.unwrap().map(|v| v.len()),
        Some(0)
    );
    assert_eq!(store.frozen_weeks().await.unwrap(), [empty, week]);
}

async fn frozen_rankings_keep_their_order(ctx: &Ctx) {
    let store = &*ctx.store;
    let week: IsoWeek = "2025-W48".parse().unwrap();
    let mut ranking = Vec::new();
    for i in 0..12u64 {
        let id = add(
            store,
            &format!("k{i}"),
            &format!("Story {i}"),
            at(2025, 11, 24, 9),
        )
        .await;
        // Deliberately not in id or views order.
        ranking.push((id, (i * 7) % 5));
    }
    ranking.reverse();
    store
        .freeze_ranking(week, &ranking, "node", now())
        .await
        .unwrap();
    let frozen = store.frozen_ranking(week).await.unwrap().unwrap();
    assert_eq!(
        frozen
            .iter()
            .map(|t| (t.article.id, t.week_views))
            .collect::<Vec<_>>(),
        ranking
    );
    assert_eq!(
        frozen.iter().map(|t| t.rank).collect::<Vec<_>>(),
        (1..=12).collect::<Vec<_>>()
    );
}
