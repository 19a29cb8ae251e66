//! Several writers at once: two nodes saving, flushing, freezing and
//! taking leases at the same moment.

use std::{collections::BTreeSet, sync::Arc};

use gazette_domain::{ArticleId, IsoWeek, NewComment};
use jiff::{SignedDuration, civil::date};

use super::{Check, Ctx, add, at, check, now, sample, views::views};
use crate::{ReaderView, Store};

pub(super) fn checks() -> Vec<Check> {
    vec![
        check!(Concurrency, two_writers_on_one_slug),
        check!(Concurrency, two_writers_on_one_import_key),
        check!(Concurrency, two_flushers_add_up),
        check!(Concurrency, two_nodes_share_their_readers),
        check!(Concurrency, two_freezers_freeze_once),
        check!(Concurrency, two_nodes_race_for_a_lease),
        check!(Concurrency, mixed_writers_wait_their_turn),
        check!(Concurrency, two_editors_on_one_revision),
    ]
}

/// Runs `f(i)` for `i` in `0..n` at once and returns the results.
async fn at_once<T, F, Fut>(store: &Arc<dyn Store>, n: usize, f: F) -> Vec<T>
where
    T: Send + 'static,
    F: Fn(Arc<dyn Store>, usize) -> Fut,
    Fut: Future<Output = T> + Send + 'static,
{
    let start = Arc::new(tokio::sync::Barrier::new(n));
    let tasks: Vec<_> = (0..n)
        .map(|i| {
            let fut = f(store.clone(), i);
            let start = start.clone();
            tokio::spawn(async move {
                start.wait().await;
                fut.await
            })
        })
        .collect();
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await.expect("no writer panics"));
    }
    out
}

async fn two_writers_on_one_slug(ctx: &Ctx) {
    for round in 0..5 {
        let saved = at_once(&ctx.store, 2, move |s, i| async move {
            s.save_article(
                &sample(
                    &format!("r{round}-w{i}"),
                    &format!("Breaking {round}"),
                    at(2025, 11, 25, 9),
                ),
                now(),
            )
            .await
        })
        .await;
        let slugs: BTreeSet<String> = saved
            .into_iter()
            .map(|r| r.expect("both writers succeed").slug.to_string())
            .collect();
        assert_eq!(
            slugs,
            BTreeSet::from([format!("breaking-{round}"), format!("breaking-{round}-2")])
        );
    }
}

async fn two_writers_on_one_import_key(ctx: &Ctx) {
    let saved = at_once(&ctx.store, 2, |s, i| async move {
        s.save_article(
            &sample("same-key", &format!("Version {i}"), at(2025, 11, 25, 9)),
            now(),
        )
        .await
    })
    .await;
    let ids: BTreeSet<ArticleId> = saved.into_iter().map(|r| r.unwrap().id).collect();
    assert_eq!(ids.len(), 1, "one article, whoever wrote last");
    assert_eq!(ctx.store.count_published(now()).await.unwrap(), 1);
}

async fn two_flushers_add_up(ctx: &Ctx) {
    let a = add(&*ctx.store, "a", "Busy", at(2025, 11, 24, 9)).await;
    let b = add(&*ctx.store, "b", "Busier", at(2025, 11, 24, 9)).await;
    at_once(&ctx.store, 2, move |s, _| async move {
        for _ in 0..20 {
            s.add_views(&[
                views(a, date(2025, 11, 25), 1),
                views(b, date(2025, 11, 25), 2),
            ])
            .await
            .unwrap();
        }
    })
    .await;
    let story = ctx.store.article_by_slug("busy", now()).await.unwrap();
    assert_eq!(story.counters.views, 40);
    let busier = ctx.store.article_by_slug("busier", now()).await.unwrap();
    assert_eq!(busier.counters.views, 80);
}

async fn two_nodes_share_their_readers(ctx: &Ctx) {
    let a = add(&*ctx.store, "a", "Shared", at(2025, 11, 24, 9)).await;
    let day = date(2025, 11, 25);
    let week = IsoWeek::of_date(day).unwrap();
    // Both nodes saw readers 0..200 (a round-robin balancer), and each
    // also saw 50 readers of its own.
    let counted = at_once(&ctx.store, 2, move |s, node| async move {
        let mut total = 0;
        for chunk in 0..5u8 {
            let mut batch = Vec::new();
            for r in 0..40u8 {
                let mut reader = [0u8; 16];
                reader[0] = chunk * 40 + r;
                batch.push(ReaderView {
                    article: a,
                    day,
                    week,
                    reader,
                });
            }
            for r in 0..10u8 {
                let mut reader = [1u8; 16];
                reader[0] = node as u8;
                reader[1] = chunk * 10 + r;
                batch.push(ReaderView {
                    article: a,
                    day,
                    week,
                    reader,
                });
            }
            total += s.add_reader_views(&batch).await.unwrap();
        }
        total
    })
    .await;
    assert_eq!(counted.iter().sum::<u64>(), 300, "{counted:?}");
    let story = ctx.store.article_by_slug("shared", now()).await.unwrap();
    assert_eq!(story.counters.views, 300);
}

async fn two_freezers_freeze_once(ctx: &Ctx) {
    let a = add(&*ctx.store, "a", "A", at(2025, 11, 24, 9)).await;
    let b = add(&*ctx.store, "b", "B", at(2025, 11, 24, 9)).await;
    for round in 0..5i8 {
        let week = IsoWeek::new(2025, 10 + round).unwrap();
        let won = at_once(&ctx.store, 2, move |s, node| async move {
            let ranking = if node == 0 {
                vec![(a, 2), (b, 1)]
            } else {
                vec![(b, 9), (a, 8)]
            };
            s.freeze_ranking(week, &ranking, &format!("node-{node}"), now())
                .await
                .unwrap()
        })
        .await;
        assert_eq!(
            won.iter().filter(|w| **w).count(),
            1,
            "exactly one freezer wins"
        );
        let kept = ctx.store.frozen_ranking(week).await.unwrap().unwrap();
        let winner_first = if won[0] { a } else { b };
        assert_eq!(kept.len(), 2);
        assert_eq!(
            kept[0].article.id, winner_first,
            "the winner's list is whole"
        );
    }
}

async fn two_nodes_race_for_a_lease(ctx: &Ctx) {
    for round in 0..10 {
        let name = format!("jobs-{round}");
        let got = at_once(&ctx.store, 2, move |s, node| {
            let name = name.clone();
            async move {
                s.try_lease(
                    &name,
                    &format!("node-{node}"),
                    SignedDuration::from_secs(30),
                    now(),
                )
                .await
                .unwrap()
            }
        })
        .await;
        assert_eq!(got.iter().filter(|g| **g).count(), 1, "{got:?}");
    }
}

async fn mixed_writers_wait_their_turn(ctx: &Ctx) {
    let id = add(&*ctx.store, "k", "Busy Story", at(2025, 11, 25, 9)).await;
    let results = at_once(&ctx.store, 24, move |s, i| async move {
        match i % 3 {
            0 => s
                .add_comment(
                    &NewComment {
                        article: id,
                        parent: None,
                        author_name: "Reader".into(),
                        author_email: None,
                        body_html: format!("<p>{i}</p>"),
                        fingerprint: format!("c{i}"),
                    },
                    now(),
                )
                .await
                .map(|_| ()),
            1 => s.add_views(&[views(id, date(2025, 11, 25), 1)]).await,
            _ => s
                .save_article(
                    &sample(&format!("n{i}"), "Another Story", at(2025, 11, 25, 9)),
                    now(),
                )
                .await
                .map(|_| ()),
        }
    })
    .await;
    for r in results {
        r.expect("no writer fails");
    }
    let a = ctx
        .store
        .article_by_slug("busy-story", now())
        .await
        .unwrap();
    assert_eq!(a.counters.views, 8);
    assert_eq!(ctx.store.count_published(now()).await.unwrap(), 9);
}

async fn two_editors_on_one_revision(ctx: &Ctx) {
    let first = ctx
        .store
        .save_revision(
            None,
            0,
            &sample("desk", "Desk Story", at(2025, 11, 25, 9)),
            &crate::NewRevision {
                state: gazette_domain::WorkflowState::Published,
                saved_by: None,
                saved_at: now(),
                content: "0".into(),
            },
        )
        .await
        .unwrap()
        .0;
    for round in 0..5u32 {
        let results = at_once(&ctx.store, 2, move |s, i| async move {
            s.save_revision(
                Some(first.id),
                round + 1,
                &sample(
                    "desk",
                    &format!("Round {round} by {i}"),
                    at(2025, 11, 25, 9),
                ),
                &crate::NewRevision {
                    state: gazette_domain::WorkflowState::Published,
                    saved_by: None,
                    saved_at: now(),
                    content: format!("{round}/{i}"),
                },
            )
            .await
        })
        .await;
        let won: Vec<_> = results.iter().filter(|r| r.is_ok()).collect();
        assert_eq!(
            won.len(),
            1,
            "round {round}: exactly one editor's save lands"
        );
        assert!(
            results
                .iter()
                .any(|r| matches!(r, Err(crate::StoreError::Conflict(_)))),
            "round {round}: the other is told"
        );
        let newest = ctx.store.revisions(first.id, 1).await.unwrap();
        assert_eq!(newest[0].number, round + 2);
        let story = ctx.store.articles_by_ids(&[first.id]).await.unwrap();
        assert_eq!(
            format!(
                "Round {round} by {}",
                &newest[0].content[newest[0].content.len() - 1..]
            ),
            story[0].headline,
            "the article holds the winner's text"
        );
    }
}
