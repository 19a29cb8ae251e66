//! Story revisions: numbered saves, stale saves refused, the review queue.

use gazette_domain::{ArticleId, ArticleStatus, NewUser, Role, UserId, WorkflowState};

use super::{Check, Ctx, at, check, now, sample};
use crate::{NewRevision, Store, StoreError};

pub(super) fn checks() -> Vec<Check> {
    vec![
        check!(
            Revisions,
            revisions_are_numbered_and_a_stale_save_changes_nothing
        ),
        check!(Revisions, the_review_queue_holds_newest_revisions_only),
        check!(Revisions, an_article_made_elsewhere_keeps_its_address),
    ]
}

fn revision(state: WorkflowState, by: Option<UserId>, content: &str) -> NewRevision {
    NewRevision {
        state,
        saved_by: by,
        saved_at: now(),
        content: content.into(),
    }
}

async fn editor(store: &dyn Store) -> UserId {
    store
        .add_user(
            &NewUser {
                email: "ed@example.org".into(),
                name: "Ed".into(),
                role: Role::Editor,
                password_hash: "x".into(),
            },
            now(),
        )
        .await
        .unwrap()
        .id
}

async fn revisions_are_numbered_and_a_stale_save_changes_nothing(ctx: &Ctx) {
    let store = &*ctx.store;
    let ed = editor(store).await;
    let mut input = sample("admin:1", "First Headline", at(2025, 11, 25, 9));
    input.status = ArticleStatus::Draft;
    input.published_at = None;
    let (saved, n) = store
        .save_revision(
            None,
            0,
            &input,
            &revision(WorkflowState::Draft, Some(ed), "{\"v\":1}"),
        )
        .await
        .unwrap();
    assert_eq!(n, 1);
    assert!(saved.created);
    // A new story's save must start from nothing.
    assert!(matches!(
        store
            .save_revision(None, 3, &input, &revision(WorkflowState::Draft, None, "x"))
            .await,
        Err(StoreError::Conflict(_))
    ));
    input.headline = "Second Headline".into();
    let (again, n) = store
        .save_revision(
            Some(saved.id),
            1,
            &input,
            &revision(WorkflowState::Draft, Some(ed), "{\"v\":2}"),
        )
        .await
        .unwrap();
    assert_eq!((again.id, n, again.created), (saved.id, 2, false));
    // Someone still on revision 1 is refused, and nothing changes.
    input.headline = "Stale Headline".into();
    assert!(matches!(
        store
            .save_revision(
                Some(saved.id),
                1,
                &input,
                &revision(WorkflowState::Published, Some(ed), "{\"v\":\"stale\"}"),
            )
            .await,
        Err(StoreError::Conflict(_))
    ));
    let stored = store.articles_by_ids(&[saved.id]).await.unwrap();
    assert_eq!(stored[0].headline, "Second Headline");
    let list = store.revisions(saved.id, 10).await.unwrap();
    assert_eq!(
        list.iter()
            .map(|r| (r.number, r.content.as_str()))
            .collect::<Vec<_>>(),
        [(2, "{\"v\":2}"), (1, "{\"v\":1}")]
    );
    assert_eq!(list[0].saved_by, Some(ed));
    assert_eq!(list[0].saved_by_email.as_deref(), Some("ed@example.org"));
    assert_eq!(list[0].saved_at, now());
    assert_eq!(store.revisions(saved.id, 1).await.unwrap().len(), 1);
    let first = store.revision(saved.id, 1).await.unwrap();
    assert_eq!(first.content, "{\"v\":1}");
    assert_eq!(first.state, WorkflowState::Draft);
    assert!(matches!(
        store.revision(saved.id, 3).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store
            .save_revision(
                Some(ArticleId(saved.id.0 + 50)),
                0,
                &input,
                &revision(WorkflowState::Draft, None, "x")
            )
            .await,
        Err(StoreError::NotFound)
    ));
}

async fn the_review_queue_holds_newest_revisions_only(ctx: &Ctx) {
    let store = &*ctx.store;
    let mut a = sample("admin:a", "Story A", at(2025, 11, 25, 9));
    a.status = ArticleStatus::Draft;
    let mut b = sample("admin:b", "Story B", at(2025, 11, 25, 9));
    b.status = ArticleStatus::Draft;
    let (sa, _) = store
        .save_revision(None, 0, &a, &revision(WorkflowState::Pending, None, "a1"))
        .await
        .unwrap();
    let (sb, _) = store
        .save_revision(None, 0, &b, &revision(WorkflowState::Pending, None, "b1"))
        .await
        .unwrap();
    a.status = ArticleStatus::Published;
    store
        .save_revision(
            Some(sa.id),
            1,
            &a,
            &revision(WorkflowState::Published, None, "a2"),
        )
        .await
        .unwrap();
    let pending = store
        .stories_in_state(WorkflowState::Pending, 10)
        .await
        .unwrap();
    assert_eq!(
        pending
            .iter()
            .map(|r| (r.article, r.number))
            .collect::<Vec<_>>(),
        [(sb.id, 1)]
    );
    let published = store
        .stories_in_state(WorkflowState::Published, 10)
        .await
        .unwrap();
    assert_eq!(published.len(), 1);
    assert_eq!((published[0].article, published[0].number), (sa.id, 2));
    assert!(
        store
            .stories_in_state(WorkflowState::Scheduled, 10)
            .await
            .unwrap()
            .is_empty()
    );
}

async fn an_article_made_elsewhere_keeps_its_address(ctx: &Ctx) {
    let store = &*ctx.store;
    let mut input = sample("x", "Imported Story", at(2025, 11, 25, 9));
    input.import_key = None;
    input.pinned = true;
    let saved = store.save_article(&input, now()).await.unwrap();
    // The editor's input names another key and slug: the article keeps its
    // own, and no second article appears.
    let mut edit = sample(
        "admin:other",
        "Imported Story, Corrected",
        at(2025, 11, 25, 9),
    );
    edit.slug = Some(gazette_domain::Slug::parse("other-address").unwrap());
    let (again, n) = store
        .save_revision(
            Some(saved.id),
            0,
            &edit,
            &revision(WorkflowState::Published, None, "{}"),
        )
        .await
        .unwrap();
    assert_eq!(
        (again.id, again.slug.clone(), n),
        (saved.id, saved.slug.clone(), 1)
    );
    assert_eq!(store.count_published(now()).await.unwrap(), 1);
    let story = store
        .article_by_slug(saved.slug.as_str(), now())
        .await
        .unwrap();
    assert_eq!(story.headline, "Imported Story, Corrected");
    // The editor's input does not pin; the stored pin stays.
    assert!(!edit.pinned);
    assert_eq!(store.pinned_articles(now()).await.unwrap()[0].id, saved.id);
    // And a second edit finds it again by the key it was given.
    let (third, n) = store
        .save_revision(
            Some(saved.id),
            1,
            &edit,
            &revision(WorkflowState::Published, None, "{}"),
        )
        .await
        .unwrap();
    assert_eq!((third.id, n), (saved.id, 2));
    assert_eq!(store.count_published(now()).await.unwrap(), 1);
    // Taken down: its address is known to be gone, not unknown.
    assert!(!store.is_withdrawn(saved.slug.as_str()).await.unwrap());
    edit.status = ArticleStatus::Withdrawn;
    store
        .save_revision(
            Some(saved.id),
            2,
            &edit,
            &revision(WorkflowState::Withdrawn, None, "{}"),
        )
        .await
        .unwrap();
    assert!(store.is_withdrawn(saved.slug.as_str()).await.unwrap());
    assert!(!store.is_withdrawn("no-such-story").await.unwrap());
    assert_eq!(store.count_published(now()).await.unwrap(), 0);
}
