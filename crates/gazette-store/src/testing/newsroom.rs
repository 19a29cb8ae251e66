//! Shared secrets, job leases and the change feed.

use std::time::Duration;

use gazette_domain::{CommentStatus, IsoWeek, NewComment};
use jiff::SignedDuration;

use super::{Check, Ctx, add, at, check, now};
use crate::{Change, ChangeListener};

pub(super) fn checks() -> Vec<Check> {
    vec![
        check!(Newsroom, secrets_keep_the_first_value),
        check!(Newsroom, secrets_can_be_replaced_listed_and_deleted),
        check!(Newsroom, one_lease_holder_at_a_time),
        check!(Newsroom, writes_are_heard_by_listeners),
        check!(Newsroom, listeners_hear_only_what_follows),
    ]
}

async fn secrets_keep_the_first_value(ctx: &Ctx) {
    let store = &*ctx.store;
    let first = store.secret("form", b"first-value").await.unwrap();
    let second = store.secret("form", b"second-value").await.unwrap();
    assert_eq!(first, b"first-value");
    assert_eq!(second, b"first-value");
    assert_eq!(store.secret("other", b"x").await.unwrap(), b"x");
    let binary = [0u8, 255, 10, 13, 0x27, 0x22];
    assert_eq!(store.secret("binary", &binary).await.unwrap(), binary);
}

async fn secrets_can_be_replaced_listed_and_deleted(ctx: &Ctx) {
    let store = &*ctx.store;
    store.secret("site", b"old").await.unwrap();
    store.set_secret("site", b"new").await.unwrap();
    assert_eq!(store.secret("site", b"ignored").await.unwrap(), b"new");
    store
        .set_secret("views-day:2025-11-24", b"a")
        .await
        .unwrap();
    store
        .set_secret("views-day:2025-11-25", b"b")
        .await
        .unwrap();
    let mut names = store.secret_names("views-day:").await.unwrap();
    names.sort();
    assert_eq!(names, ["views-day:2025-11-24", "views-day:2025-11-25"]);
    // A prefix is a prefix, not a pattern.
    assert!(store.secret_names("views-day%").await.unwrap().is_empty());
    assert!(store.secret_names("_iews").await.unwrap().is_empty());
    store.delete_secret("views-day:2025-11-24").await.unwrap();
    store.delete_secret("never-was").await.unwrap();
    assert_eq!(
        store.secret_names("views-day:").await.unwrap(),
        ["views-day:2025-11-25"]
    );
}

async fn one_lease_holder_at_a_time(ctx: &Ctx) {
    let store = &*ctx.store;
    let ttl = SignedDuration::from_secs(30);
    let t0 = now();
    assert!(store.try_lease("jobs", "node-a", ttl, t0).await.unwrap());
    assert!(!store.try_lease("jobs", "node-b", ttl, t0).await.unwrap());
    assert_eq!(
        store.lease_holder("jobs", t0).await.unwrap().as_deref(),
        Some("node-a")
    );
    // The holder renews; the other node still cannot take it.
    let t1 = t0 + SignedDuration::from_secs(20);
    assert!(store.try_lease("jobs", "node-a", ttl, t1).await.unwrap());
    let t2 = t0 + SignedDuration::from_secs(40);
    assert!(!store.try_lease("jobs", "node-b", ttl, t2).await.unwrap());
    // The holder dies: after its lease runs out, another node takes over.
    let t3 = t1 + ttl + SignedDuration::from_secs(1);
    assert_eq!(store.lease_holder("jobs", t3).await.unwrap(), None);
    assert!(store.try_lease("jobs", "node-b", ttl, t3).await.unwrap());
    assert!(!store.try_lease("jobs", "node-a", ttl, t3).await.unwrap());
    // Releasing: only the holder can, and then anyone may take it.
    store.release_lease("jobs", "node-a").await.unwrap();
    assert!(!store.try_lease("jobs", "node-a", ttl, t3).await.unwrap());
    store.release_lease("jobs", "node-b").await.unwrap();
    assert!(store.try_lease("jobs", "node-a", ttl, t3).await.unwrap());
    // Leases are independent of each other.
    assert!(store.try_lease("other", "node-b", ttl, t3).await.unwrap());
}

/// Waits up to five seconds for `want` among the changes heard.
async fn hear(listener: &mut Box<dyn ChangeListener>, want: Change) {
    let heard = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            let c = listener.next().await.unwrap();
            if c == want {
                return;
            }
        }
    })
    .await;
    assert!(heard.is_ok(), "never heard {want}");
}

async fn writes_are_heard_by_listeners(ctx: &Ctx) {
    let store = &*ctx.store;
    let mut listener = store.listen().await.unwrap();
    let a = add(store, "a", "Heard", at(2025, 11, 24, 9)).await;
    hear(&mut listener, Change::Article(a)).await;
    let c = store
        .add_comment(
            &NewComment {
                article: a,
                parent: None,
                author_name: "R".into(),
                author_email: None,
                body_html: "<p>x</p>".into(),
                fingerprint: "x".into(),
            },
            now(),
        )
        .await
        .unwrap();
    store
        .set_comment_status(c.id, CommentStatus::Approved)
        .await
        .unwrap();
    hear(&mut listener, Change::Comments(a)).await;
    store.ensure_section("Brand New", None).await.unwrap();
    hear(&mut listener, Change::Sections).await;
    let week: IsoWeek = "2025-W48".parse().unwrap();
    store
        .freeze_ranking(week, &[(a, 1)], "n", now())
        .await
        .unwrap();
    hear(&mut listener, Change::Ranking(week)).await;
    store.notify(Change::Everything).await.unwrap();
    hear(&mut listener, Change::Everything).await;
    // A second listener hears the same changes.
    let mut second = store.listen().await.unwrap();
    store.delete_comment(c.id).await.unwrap();
    hear(&mut listener, Change::Comments(a)).await;
    hear(&mut second, Change::Comments(a)).await;
    // A listener that fell behind what was kept hears Everything.
    let mut behind = store.listen().await.unwrap();
    for i in 0..5 {
        store
            .notify(Change::Article(gazette_domain::ArticleId(1000 + i)))
            .await
            .unwrap();
    }
    store.prune_changes(1).await.unwrap();
    let first = tokio::time::timeout(Duration::from_secs(5), behind.next())
        .await
        .expect("a change is heard")
        .unwrap();
    assert!(
        first == Change::Article(gazette_domain::ArticleId(1000)) || first == Change::Everything,
        "either the engine keeps no list (and delivered it) or the listener knows it missed some: {first}"
    );
}

async fn listeners_hear_only_what_follows(ctx: &Ctx) {
    let store = &*ctx.store;
    let before = add(store, "b", "Before", at(2025, 11, 24, 9)).await;
    let mut listener = store.listen().await.unwrap();
    let after = add(store, "a", "After", at(2025, 11, 24, 9)).await;
    let first = tokio::time::timeout(Duration::from_secs(5), listener.next())
        .await
        .expect("a change is heard")
        .unwrap();
    assert_ne!(first, Change::Article(before), "only changes from now on");
    assert_eq!(first, Change::Article(after));
}
