//! Moving a newsroom between stores, table by table.

use gazette_domain::{CommentStatus, IsoWeek, NewComment};
use jiff::civil::date;

use super::{Check, Ctx, add, at, check, now, sample, views::views};
use crate::{CopyTable, ImportedComment, Page, Store};

pub(super) fn checks() -> Vec<Check> {
    vec![
        check!(Copy, a_copy_holds_every_row_and_keeps_working),
        check!(Copy, paging_through_a_table_reads_each_row_once),
    ]
}

/// A small newsroom with something in every copied table.
async fn fill(store: &dyn Store) {
    // A child section created before its parent: the parent gets the
    // higher id, and must still be copied first.
    let mut obit = sample("o", "An Obituary", at(2025, 11, 20, 9));
    obit.sections = vec!["Obituaries".into()];
    obit.canonical_url = Some("https://partner.example/obituaries/1".into());
    store.save_article(&obit, now()).await.unwrap();
    store
        .ensure_section("Obituaries", Some("Community"))
        .await
        .unwrap();
    let a = add(store, "a", "Harbour Story", at(2025, 11, 24, 9)).await;
    let b = add(store, "b", "Ferry Story", at(2025, 11, 25, 9)).await;
    let root = store
        .import_comments(&[ImportedComment {
            comment: NewComment {
                article: a,
                parent: None,
                author_name: "Reader".into(),
                author_email: Some("r@example.org".into()),
                body_html: "<p>Root</p>".into(),
                fingerprint: "root".into(),
            },
            status: CommentStatus::Approved,
            created_at: now(),
            import_key: Some("wxr:example.org:comment:1".into()),
        }])
        .await
        .unwrap()[0];
    let reply = store
        .add_comment(
            &NewComment {
                article: a,
                parent: Some(root),
                author_name: "Other".into(),
                author_email: None,
                body_html: "<p>Reply</p>".into(),
                fingerprint: "reply".into(),
            },
            now(),
        )
        .await
        .unwrap();
    store
        .set_comment_status(reply.id, CommentStatus::Approved)
        .await
        .unwrap();
    store
        .add_views(&[
            views(a, date(2025, 11, 24), 5),
            views(b, date(2025, 11, 25), 3),
        ])
        .await
        .unwrap();
    let week: IsoWeek = "2025-W48".parse().unwrap();
    store
        .freeze_ranking(week, &[(a, 5), (b, 3)], "node", now())
        .await
        .unwrap();
    store.secret("site", &[1, 2, 3, 0, 255]).await.unwrap();
    store
        .save_redirects(&[
            crate::Redirect {
                from: "/?p=7".into(),
                to: crate::RedirectTarget::Article(a),
            },
            crate::Redirect {
                from: "/category/community".into(),
                to: crate::RedirectTarget::Place(gazette_domain::Place::Section(
                    gazette_domain::Slug::parse("community").unwrap(),
                )),
            },
        ])
        .await
        .unwrap();
    for (email, role) in [
        ("ani@example.org", gazette_domain::Role::Admin),
        ("bob@example.org", gazette_domain::Role::Author),
    ] {
        let user = store
            .add_user(
                &gazette_domain::NewUser {
                    email: email.into(),
                    name: email.into(),
                    role,
                    password_hash: format!("$argon2id$hash-of-{email}"),
                },
                now(),
            )
            .await
            .unwrap();
        store
            .record_audit(&crate::NewAuditEntry {
                at: now(),
                user: Some(user.id),
                action: "user.add".into(),
                subject: format!("user {email}"),
                detail: String::new(),
            })
            .await
            .unwrap();
    }
    // An image and one of its files (bytes that JSON could not carry).
    store
        .add_media(&gazette_domain::NewMedia {
            key: "0123456789abcdef0123".into(),
            file_name: "harbour.jpg".into(),
            ext: "jpg".into(),
            width: 960,
            height: 640,
            alt: "The harbour at dawn".into(),
            caption: "Dawn".into(),
            credit: "Courier photo".into(),
            widths: vec![480, 960],
            uploaded_by: Some(gazette_domain::UserId(1)),
            uploaded_at: now(),
        })
        .await
        .unwrap();
    store
        .put_media_file("0123456789abcdef0123-480.webp", &[0, 159, 255, b'R', 0])
        .await
        .unwrap();
    // A story's revisions.
    let story = store.article_by_slug("harbour-story", now()).await.unwrap();
    let input = sample("a", "Harbour Story", at(2025, 11, 24, 9));
    for n in 0..2 {
        store
            .save_revision(
                Some(story.id),
                n,
                &input,
                &crate::NewRevision {
                    state: gazette_domain::WorkflowState::Published,
                    saved_by: Some(gazette_domain::UserId(1)),
                    saved_at: now(),
                    content: format!("{{\"revision\":{n}}}"),
                },
            )
            .await
            .unwrap();
    }
}

async fn copy_all(from: &dyn Store, to: &dyn Store, batch: u32) {
    for table in CopyTable::ALL {
        let mut last: Option<crate::CopyRow> = None;
        loop {
            let rows = from.copy_out(table, last.as_ref(), batch).await.unwrap();
            if rows.is_empty() {
                break;
            }
            last = rows.last().cloned();
            for row in &rows {
                assert_eq!(row.len(), table.columns().len(), "{table:?}");
            }
            to.copy_in(table, &rows)
                .await
                .unwrap_or_else(|e| panic!("{table:?}: {}", e.detail()));
        }
    }
    to.copy_finish().await.unwrap();
}

async fn a_copy_holds_every_row_and_keeps_working(ctx: &Ctx) {
    let source = &*ctx.store;
    fill(source).await;
    let target = ctx.another().await;
    copy_all(source, &*target, 2).await;
    for table in CopyTable::ALL {
        let n = source.copy_count(table).await.unwrap();
        assert!(n > 0, "the sample fills {table:?}");
        assert_eq!(target.copy_count(table).await.unwrap(), n, "{table:?}");
        let a = source.copy_out(table, None, 1000).await.unwrap();
        let b = target.copy_out(table, None, 1000).await.unwrap();
        assert_eq!(a, b, "{table:?} rows are equal");
    }
    // The copy serves as the original did.
    let obit = target.article_by_slug("an-obituary", now()).await.unwrap();
    assert_eq!(
        obit.canonical_url.as_deref(),
        Some("https://partner.example/obituaries/1")
    );
    let story = target
        .article_by_slug("harbour-story", now())
        .await
        .unwrap();
    assert_eq!(story.counters.views, 5);
    assert_eq!(story.counters.comments, 2);
    assert_eq!(target.approved_comments(story.id).await.unwrap().len(), 2);
    let week: IsoWeek = "2025-W48".parse().unwrap();
    assert_eq!(target.frozen_ranking(week).await.unwrap().unwrap().len(), 2);
    assert_eq!(
        target.secret("site", b"other").await.unwrap(),
        [1, 2, 3, 0, 255]
    );
    assert_eq!(
        target.redirect("/?p=7").await.unwrap(),
        Some(crate::Resolved::Article(story.id, story.slug.clone()))
    );
    // Accounts keep their passwords and audit trail.
    let ani = target.credentials("ani@example.org").await.unwrap();
    assert_eq!(ani.password_hash, "$argon2id$hash-of-ani@example.org");
    assert_eq!(ani.user.role, gazette_domain::Role::Admin);
    let log = target
        .audit_log(&crate::AuditFilter::default(), Page::new(1, 10))
        .await
        .unwrap();
    assert_eq!(log.len(), 2);
    assert_eq!(log[1].user_email.as_deref(), Some("ani@example.org"));
    let carol = target
        .add_user(
            &gazette_domain::NewUser {
                email: "carol@example.org".into(),
                name: "Carol".into(),
                role: gazette_domain::Role::Editor,
                password_hash: "x".into(),
            },
            now(),
        )
        .await
        .unwrap();
    assert!(carol.id.0 > 2, "after the copied accounts");
    // New rows get new ids after the copied ones.
    let new = target
        .save_article(&sample("n", "After The Copy", at(2025, 11, 26, 9)), now())
        .await
        .unwrap();
    assert!(new.created);
    let c = target
        .add_comment(
            &NewComment {
                article: new.id,
                parent: None,
                author_name: "New".into(),
                author_email: None,
                body_html: "<p>n</p>".into(),
                fingerprint: "n".into(),
            },
            now(),
        )
        .await
        .unwrap();
    assert!(c.id.0 > 2);
    target.ensure_section("After", None).await.unwrap();
    assert_eq!(
        target
            .latest_articles(Page::new(1, 10), now())
            .await
            .unwrap()
            .len(),
        4
    );
}

async fn paging_through_a_table_reads_each_row_once(ctx: &Ctx) {
    let store = &*ctx.store;
    let mut ids = Vec::new();
    for i in 0..7 {
        ids.push(
            add(
                store,
                &format!("k{i}"),
                &format!("Story {i}"),
                at(2025, 11, 20, 9),
            )
            .await,
        );
    }
    // Views on several days of several stories: a two-column key.
    for (n, id) in ids.iter().enumerate() {
        for d in 1..=(n as i8 % 3 + 1) {
            store
                .add_views(&[views(*id, date(2025, 11, 20 + d), 1)])
                .await
                .unwrap();
        }
    }
    for (table, want) in [(CopyTable::Articles, 7), (CopyTable::DailyViews, 13)] {
        let mut seen = Vec::new();
        let mut last: Option<crate::CopyRow> = None;
        loop {
            let rows = store.copy_out(table, last.as_ref(), 3).await.unwrap();
            if rows.is_empty() {
                break;
            }
            assert!(rows.len() <= 3);
            last = rows.last().cloned();
            seen.extend(rows);
        }
        assert_eq!(seen.len(), want, "{table:?}");
        let mut keys: Vec<_> = seen.iter().map(|r| r[..table.key_len()].to_vec()).collect();
        keys.dedup();
        assert_eq!(keys.len(), want, "each row once: {table:?}");
        assert_eq!(store.copy_count(table).await.unwrap(), want as u64);
    }
}
