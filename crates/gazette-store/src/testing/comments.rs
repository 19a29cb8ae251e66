//! Readers' comments and the counts they keep.

use gazette_domain::{ArticleId, CommentId, CommentStatus, NewComment};
use jiff::Timestamp;

use super::{Check, Ctx, add, at, check, now};
use crate::{ImportedComment, Page, StoreError};

pub(super) fn checks() -> Vec<Check> {
    vec![
        check!(Comments, comments_are_moderated_and_counted),
        check!(Comments, replies_and_articles_must_exist),
        check!(Comments, imported_comments_keep_status_and_time),
        check!(Comments, deleting_a_thread_keeps_counts_right),
        check!(Comments, comments_imported_again_are_updated_not_doubled),
        check!(Comments, a_story_page_reads_story_comments_and_neighbours),
    ]
}

fn comment(article: ArticleId, text: &str) -> NewComment {
    NewComment {
        article,
        parent: None,
        author_name: "A Reader".into(),
        author_email: Some("reader@example.org".into()),
        body_html: format!("<p>{text}</p>"),
        fingerprint: text.to_owned(),
    }
}

async fn count(ctx: &Ctx, slug: &str) -> u64 {
    ctx.store
        .article_by_slug(slug, now())
        .await
        .unwrap()
        .counters
        .comments
}

async fn comments_are_moderated_and_counted(ctx: &Ctx) {
    let store = &*ctx.store;
    let a = add(store, "a", "Discussed", at(2025, 11, 24, 9)).await;
    let c1 = store.add_comment(&comment(a, "one"), now()).await.unwrap();
    let c2 = store.add_comment(&comment(a, "two"), now()).await.unwrap();
    assert_eq!(c1.status, CommentStatus::Pending);
    assert_eq!(c1.created_at, now());
    assert_eq!(c1.author_email.as_deref(), Some("reader@example.org"));
    assert!(store.approved_comments(a).await.unwrap().is_empty());
    assert_eq!(count(ctx, "discussed").await, 0, "pending is not counted");
    let pending = store
        .comments_with_status(CommentStatus::Pending, Page::new(1, 10))
        .await
        .unwrap();
    assert_eq!(
        pending.iter().map(|c| c.id).collect::<Vec<_>>(),
        [c1.id, c2.id]
    );
    for _ in 0..2 {
        store
            .set_comment_status(c1.id, CommentStatus::Approved)
            .await
            .unwrap();
    }
    let spam = store
        .set_comment_status(c2.id, CommentStatus::Spam)
        .await
        .unwrap();
    assert_eq!(spam.status, CommentStatus::Spam);
    let shown = store.approved_comments(a).await.unwrap();
    assert_eq!(shown.len(), 1);
    assert_eq!(shown[0].body_html, "<p>one</p>");
    assert_eq!(
        count(ctx, "discussed").await,
        1,
        "approving twice counts once"
    );
    assert_eq!(
        store.comment(c2.id).await.unwrap().status,
        CommentStatus::Spam
    );
    assert!(store.comment_seen(a, "two").await.unwrap());
    assert!(!store.comment_seen(a, "three").await.unwrap());
    store
        .set_comment_status(c1.id, CommentStatus::Pending)
        .await
        .unwrap();
    assert_eq!(count(ctx, "discussed").await, 0, "unapproving uncounts");
    assert!(matches!(
        store
            .set_comment_status(CommentId(424_242), CommentStatus::Approved)
            .await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.comment(CommentId(424_242)).await,
        Err(StoreError::NotFound)
    ));
}

async fn replies_and_articles_must_exist(ctx: &Ctx) {
    let store = &*ctx.store;
    let a = add(store, "a", "One", at(2025, 11, 24, 9)).await;
    let parent = store
        .add_comment(&comment(a, "parent"), now())
        .await
        .unwrap();
    let mut reply = comment(a, "reply");
    reply.parent = Some(parent.id);
    let r = store.add_comment(&reply, now()).await.unwrap();
    assert_eq!(r.parent, Some(parent.id));
    let mut orphan = comment(a, "orphan");
    orphan.parent = Some(CommentId(999_999));
    assert!(matches!(
        store.add_comment(&orphan, now()).await,
        Err(StoreError::MissingReference(_))
    ));
    assert!(matches!(
        store
            .add_comment(&comment(ArticleId(777_777), "nowhere"), now())
            .await,
        Err(StoreError::MissingReference(_))
    ));
    let err = store
        .add_comment(&comment(ArticleId(777_777), "nowhere"), now())
        .await
        .unwrap_err();
    assert!(
        !err.to_string().to_lowercase().contains("constraint"),
        "no database text: {err}"
    );
}

async fn imported_comments_keep_status_and_time(ctx: &Ctx) {
    let store = &*ctx.store;
    let a = add(store, "a", "Old Story", at(2025, 11, 24, 9)).await;
    let when: Timestamp = "2025-11-24T15:00:00Z".parse().unwrap();
    let item = |text: &str, status| ImportedComment {
        comment: comment(a, text),
        status,
        created_at: when,
        import_key: None,
    };
    let ids = store
        .import_comments(&[
            item("kept", CommentStatus::Approved),
            item("queued", CommentStatus::Pending),
            item("junk", CommentStatus::Spam),
            item("also kept", CommentStatus::Approved),
        ])
        .await
        .unwrap();
    assert_eq!(ids.len(), 4);
    let shown = store.approved_comments(a).await.unwrap();
    assert_eq!(shown.len(), 2);
    assert_eq!(shown[0].created_at, when);
    assert_eq!(count(ctx, "old-story").await, 2);
    let mut reply = item("a reply", CommentStatus::Approved);
    reply.comment.parent = Some(ids[0]);
    store.import_comments(&[reply]).await.unwrap();
    assert_eq!(count(ctx, "old-story").await, 3);
    let mut bad = item("bad", CommentStatus::Approved);
    bad.comment.parent = Some(CommentId(123_456));
    let ok = item("fine", CommentStatus::Approved);
    assert!(matches!(
        store.import_comments(&[ok, bad]).await,
        Err(StoreError::MissingReference(_))
    ));
    assert_eq!(count(ctx, "old-story").await, 3, "all or nothing");
}

async fn deleting_a_thread_keeps_counts_right(ctx: &Ctx) {
    let store = &*ctx.store;
    let a = add(store, "a", "Thread", at(2025, 11, 24, 9)).await;
    let root = store.add_comment(&comment(a, "root"), now()).await.unwrap();
    store
        .set_comment_status(root.id, CommentStatus::Approved)
        .await
        .unwrap();
    let mut parent = root.id;
    for i in 0..3 {
        let mut r = comment(a, &format!("reply {i}"));
        r.parent = Some(parent);
        let r = store.add_comment(&r, now()).await.unwrap();
        store
            .set_comment_status(r.id, CommentStatus::Approved)
            .await
            .unwrap();
        parent = r.id;
    }
    let other = store
        .add_comment(&comment(a, "other"), now())
        .await
        .unwrap();
    store
        .set_comment_status(other.id, CommentStatus::Approved)
        .await
        .unwrap();
    assert_eq!(count(ctx, "thread").await, 5);
    store.delete_comment(root.id).await.unwrap();
    assert_eq!(count(ctx, "thread").await, 1, "replies go with their root");
    assert_eq!(store.approved_comments(a).await.unwrap().len(), 1);
    assert!(matches!(
        store.delete_comment(root.id).await,
        Err(StoreError::NotFound)
    ));
}

async fn comments_imported_again_are_updated_not_doubled(ctx: &Ctx) {
    let store = &*ctx.store;
    let a = add(store, "a", "Imported Twice", at(2025, 11, 24, 9)).await;
    let b = add(store, "b", "Other Story", at(2025, 11, 24, 9)).await;
    let when: Timestamp = "2025-11-24T15:00:00Z".parse().unwrap();
    let item = |key: &str, text: &str, status| ImportedComment {
        comment: comment(a, text),
        status,
        created_at: when,
        import_key: Some(key.to_owned()),
    };
    let first = store
        .import_comments(&[
            item("wp:1", "one", CommentStatus::Approved),
            item("wp:2", "two", CommentStatus::Approved),
        ])
        .await
        .unwrap();
    assert_eq!(count(ctx, "imported-twice").await, 2);
    // Again, with one comment moved to spam since: same ids, no new rows,
    // and the count follows.
    let again = store
        .import_comments(&[
            item("wp:1", "one", CommentStatus::Approved),
            item("wp:2", "two, edited", CommentStatus::Spam),
        ])
        .await
        .unwrap();
    assert_eq!(first, again);
    assert_eq!(count(ctx, "imported-twice").await, 1);
    assert_eq!(
        store.comment(again[1]).await.unwrap().body_html,
        "<p>two, edited</p>"
    );
    // A key cannot move a comment to another story.
    let mut moved = item("wp:1", "one", CommentStatus::Approved);
    moved.comment.article = b;
    assert!(matches!(
        store.import_comments(&[moved]).await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(count(ctx, "imported-twice").await, 1);
}

/// `story_page` answers what the three calls it stands for answer.
async fn a_story_page_reads_story_comments_and_neighbours(ctx: &Ctx) {
    let store = &*ctx.store;
    let old = add(store, "o", "Older", at(2025, 11, 20, 9)).await;
    let a = add(store, "a", "Discussed", at(2025, 11, 22, 9)).await;
    let new = add(store, "n", "Newer", at(2025, 11, 23, 9)).await;
    let c1 = store.add_comment(&comment(a, "one"), now()).await.unwrap();
    store.add_comment(&comment(a, "two"), now()).await.unwrap();
    let c3 = store
        .add_comment(&comment(a, "three"), now())
        .await
        .unwrap();
    for c in [c3.id, c1.id] {
        store
            .set_comment_status(c, CommentStatus::Approved)
            .await
            .unwrap();
    }
    let page = store.story_page("discussed", now()).await.unwrap();
    assert_eq!(page.article.id, a);
    assert_eq!(page.article.counters.comments, 2);
    assert_eq!(
        page.comments.iter().map(|c| c.id).collect::<Vec<_>>(),
        [c1.id, c3.id],
        "approved only, oldest first"
    );
    assert_eq!(page.neighbours.previous.map(|s| s.id), Some(old));
    assert_eq!(page.neighbours.next.map(|s| s.id), Some(new));
    let edge = store.story_page("newer", now()).await.unwrap();
    assert!(edge.comments.is_empty());
    assert!(edge.neighbours.next.is_none());
    assert!(matches!(
        store.story_page("no-such-story", now()).await,
        Err(StoreError::NotFound)
    ));
}
